"""``python -m derivnotes`` is the ``derivnotes`` command."""

import sys

from derivnotes.cli import main

sys.exit(main())

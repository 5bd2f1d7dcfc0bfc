"""The site: the Python-Markdown extension (:mod:`.extension`) that checks and renders blocks
in any builder, the HTML of a checked derivation (:mod:`.render`), build-time math
(:mod:`.typeset`), the after-build jobs any generator can run (:mod:`.postbuild`: CSS pruning
with :mod:`.cssprune`, search text with :mod:`.searchtext`), and the MkDocs plugin
(:mod:`.plugin`), the only module that imports mkdocs. Importing this package does not import
the plugin, nor Python-Markdown: the names below are imported when first asked for, so that
the checker in a reader's browser can use :mod:`.render` alone."""

from importlib import import_module
from typing import Any

_HOMES = {
    "DerivationBuildError": "extension",
    "DerivnotesExtension": "extension",
    "makeExtension": "extension",
    "PostBuild": "postbuild",
    "postbuild": "postbuild",
    "render_result": "render",
    "TypesetError": "typeset",
    "Typesetter": "typeset",
}

__all__ = [
    "DerivationBuildError",
    "DerivnotesExtension",
    "PostBuild",
    "TypesetError",
    "Typesetter",
    "makeExtension",
    "postbuild",
    "render_result",
]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"derivnotes.site.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'derivnotes.site' has no attribute {name!r}")

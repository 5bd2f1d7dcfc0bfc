"""Files kept by content: the one way every cache of derivnotes names, reads and writes them.

A key is the SHA-256 of everything the content depends on (:func:`content_key`); a write goes
to a temporary file in the same folder and is renamed into place, so a reader (another build, a
parallel test) sees the old file or the new one, never half of one. A store without a folder
keeps nothing, and a file that cannot be read or written is simply a miss: a cache never fails
a build.

Examples
--------
>>> import tempfile
>>> store = ContentStore(tempfile.mkdtemp(), "figures", ".html")
>>> key = content_key("figure", "name: sigmoid")
>>> store.read(key) is None
True
>>> store.write(key, "<svg/>")
>>> store.read(key)
'<svg/>'
>>> ContentStore(None, "figures", ".html").read(key) is None
True
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

__all__ = ["ContentStore", "content_key", "files_key", "write_atomically"]

_UMASK = os.umask(0o022)
os.umask(_UMASK)  # (read the process's umask: the only way is to set it and set it back)


def content_key(*parts: str) -> str:
    """The SHA-256 (hex) of *parts*, separated by NUL so that ("ab", "c") != ("a", "bc")."""
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def files_key(*paths: Path) -> str:
    """The :func:`content_key` of the text of *paths*: part of a cache key when the code in
    those files makes what is cached ("" when one cannot be read)."""
    try:
        return content_key(*(path.read_text(encoding="utf-8") for path in paths))
    except OSError:
        return ""


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write *text* (UTF-8, or bytes as they are) to *path* through a temporary file renamed
    into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
        # mkstemp makes the file readable by its owner only; a written page or stylesheet must
        # be readable by whoever serves the site, as any file the build writes
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class ContentStore:
    """Text files named by key under ``directory/folder`` (or nowhere when *directory* is
    None); *fan_out* spreads them over subfolders named by the key's first two characters."""

    def __init__(
        self,
        directory: str | os.PathLike[str] | None,
        folder: str,
        suffix: str,
        fan_out: bool = False,
    ) -> None:
        self.root = Path(directory) / folder if directory is not None else None
        self.suffix = suffix
        self.fan_out = fan_out

    def path(self, key: str) -> Path | None:
        if self.root is None:
            return None
        folder = self.root / key[:2] if self.fan_out else self.root
        return folder / f"{key}{self.suffix}"

    def read(self, key: str) -> str | None:
        path = self.path(key)
        if path is None:
            return None
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def write(self, key: str, text: str) -> None:
        path = self.path(key)
        if path is None:
            return
        with contextlib.suppress(OSError):  # a full disk or a read-only cache: only a miss
            write_atomically(path, text)

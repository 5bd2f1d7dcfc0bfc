"""Thin MkDocs plugin: only what needs the build's life cycle.

The checking and rendering live in the Markdown extension (:mod:`derivnotes.markdown`), which
other builders run too. This plugin tells the extension which source file each page comes from
and where its body starts (MkDocs strips the front matter before Markdown sees the page), so
errors name ``docs/page.md:LINE``, and it places the decision cache next to ``mkdocs.yml``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin

from derivnotes.markdown import DEFAULT_CACHE_DIR, PageSource, current_page
from derivnotes.searchtext import strip_math

log = logging.getLogger("mkdocs.plugins.derivnotes")


class DerivnotesConfig(Config):
    cache = config_options.Type(bool, default=True)
    cache_dir = config_options.Type(str, default=DEFAULT_CACHE_DIR)


def body_line_offset(source: str, body: str) -> int:
    """How many lines of *source* come before *body* (the page without its front matter).

    Examples
    --------
    >>> body_line_offset("---\\ntitle: x\\n---\\n\\n# Hi\\n", "# Hi\\n")
    4
    >>> body_line_offset("# Hi\\n", "# Hi\\n")
    0
    """
    if body and source.endswith(body):
        return source[: len(source) - len(body)].count("\n")
    return 0


class DerivnotesPlugin(BasePlugin[DerivnotesConfig]):
    def on_config(self, config):
        root = Path(config.config_file_path).resolve().parent
        self._root = root
        self._cache_dir = str(root / self.config.cache_dir) if self.config.cache else None
        return config

    def on_page_markdown(self, markdown, page, config, files):
        abs_path = page.file.abs_src_path
        file = page.file.src_uri
        offset = 0
        if abs_path:
            path = Path(abs_path)
            try:
                file = str(path.resolve().relative_to(self._root))
            except ValueError:
                file = str(path)
            try:
                source = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
                offset = body_line_offset(source, markdown)
            except OSError:
                pass
        self._token = current_page.set(
            PageSource(file=file, line_offset=offset, cache_dir=self._cache_dir)
        )
        return markdown

    def on_page_content(self, html, page, config, files):
        token = getattr(self, "_token", None)
        if token is not None:
            current_page.reset(token)
            self._token = None
        return html

    def on_post_build(self, config):
        """Make the math in the search index readable (search results are plain text)."""
        index = Path(config.site_dir) / "search" / "search_index.json"
        if not index.is_file():
            return
        data = json.loads(index.read_text(encoding="utf-8"))
        for doc in data.get("docs", []):
            for key in ("title", "text"):
                if isinstance(doc.get(key), str):
                    doc[key] = strip_math(doc[key])
        index.write_text(
            json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )

"""``derivnotes postbuild SITE_DIR``: the after-build jobs of the MkDocs plugin, run over any
generator's output (the Zensical build in tests/test_zensical.py uses it on the whole site)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from derivnotes.cli import main
from derivnotes.site.postbuild import MATH_CSS_MARK, clean_search_index, postbuild

PAGE = (
    "<html><head></head><body><article>"
    '<p>The slope <span class="arithmatex">\\(\\sigma(z)(1 - \\sigma(z))\\)</span>.</p>'
    '<div class="arithmatex">\\[\\frac{\\partial L}{\\partial z} = f - y\\]</div>'
    "</article></body></html>"
)


def a_site(folder: Path, page: str = PAGE) -> Path:
    (folder / "stylesheets").mkdir(parents=True)
    (folder / "index.html").write_text(page, encoding="utf-8")
    (folder / "stylesheets" / "site.css").write_text(".own { color: red; }\n", encoding="utf-8")
    index = {"items": [{"title": "Slope \\(f\\)", "text": "the slope \\(\\sigma'(0)\\) is 1/4"}]}
    (folder / "search.json").write_text(json.dumps(index), encoding="utf-8")
    return folder


def test_math_is_typeset_its_css_appended_once_and_search_cleaned(tmp_path: Path) -> None:
    site = a_site(tmp_path / "site")
    for _ in range(2):  # a second run changes nothing more
        postbuild(site, cache_dir=str(tmp_path / "cache"), math_css_into="stylesheets/site.css")
    html = (site / "index.html").read_text(encoding="utf-8")
    assert html.count("<math") == 2 and "\\(" not in html
    css = (site / "stylesheets" / "site.css").read_text(encoding="utf-8")
    assert css.startswith(".own { color: red; }\n")
    assert css.count(MATH_CSS_MARK) == 1 and '"derivnotes math"' in css
    fonts = re.findall(r'url\("([^"]+)"\)', css)
    assert len(fonts) == 1 and fonts[0].startswith("../assets/vendor/math/")
    assert (site / "stylesheets" / fonts[0]).resolve().is_file(), "the math font is not there"
    item = json.loads((site / "search.json").read_text(encoding="utf-8"))["items"][0]
    assert "\\(" not in item["title"] + item["text"]
    assert "σ" in item["text"]


def test_mkdocs_search_index_is_cleaned_too(tmp_path: Path) -> None:
    (tmp_path / "search").mkdir()
    index = {"docs": [{"location": "", "title": "t", "text": "where \\(z = w x + b\\)"}]}
    (tmp_path / "search" / "search_index.json").write_text(json.dumps(index), encoding="utf-8")
    assert clean_search_index(tmp_path) == 1
    text = json.loads((tmp_path / "search" / "search_index.json").read_text("utf-8"))
    assert "\\(" not in text["docs"][0]["text"]


def test_the_command_names_the_page_whose_math_cannot_be_typeset(tmp_path: Path, capsys) -> None:
    site = a_site(tmp_path / "site", PAGE.replace("\\sigma(z)(1", "\\tahn(z)(1"))
    before = (site / "index.html").read_text(encoding="utf-8")
    status = main(["postbuild", str(site), "--cache-dir", str(tmp_path / "cache")])
    err = capsys.readouterr().err
    assert status == 2
    assert "index.html" in err and "tahn" in err
    assert (site / "index.html").read_text(encoding="utf-8") == before  # nothing half-done


def test_the_command_refuses_a_folder_that_is_not_a_built_site(tmp_path: Path, capsys) -> None:
    assert main(["postbuild", str(tmp_path)]) == 2
    assert "not a built site" in capsys.readouterr().err


def test_the_command_refuses_a_stylesheet_the_site_does_not_have(tmp_path: Path, capsys) -> None:
    site = a_site(tmp_path / "site")
    status = main(["postbuild", str(site), "--math-css-into", "stylesheets/missing.css"])
    assert status == 2
    assert "missing.css" in capsys.readouterr().err

"""The site builds with --strict and contains every page."""

from __future__ import annotations

from pathlib import Path

from conftest import page_urls


def test_strict_build_produces_every_page(built_site: Path) -> None:
    for url in page_urls():
        assert (built_site / url / "index.html").is_file(), f"missing page /{url}"
    assert (built_site / "404.html").is_file()
    assert (built_site / "sitemap.xml").is_file()


def test_built_pages_reference_no_other_host(built_site: Path) -> None:
    for html in built_site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for needle in (
            "fonts.googleapis",
            "fonts.gstatic",
            "cdn.jsdelivr", "cdnjs.",
            "unpkg.com",
            "polyfill.io",
        ):
            assert needle not in text, f"{html.relative_to(built_site)} references {needle}"


def test_mathjax_is_served_by_the_site(built_site: Path) -> None:
    assert (built_site / "assets/vendor/mathjax/tex-chtml.js").is_file()
    fonts = list((built_site / "assets/vendor/mathjax/output/chtml/fonts/woff-v2").glob("*.woff"))
    assert fonts, "MathJax's fonts are not in the site"

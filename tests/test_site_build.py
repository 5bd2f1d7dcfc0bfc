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
            "cdn.jsdelivr",
            "cdnjs.",
            "unpkg.com",
            "polyfill.io",
        ):
            assert needle not in text, f"{html.relative_to(built_site)} references {needle}"


def test_mathjax_is_served_by_the_site(built_site: Path) -> None:
    assert (built_site / "assets/vendor/mathjax/tex-chtml.js").is_file()
    fonts = list((built_site / "assets/vendor/mathjax/output/chtml/fonts/woff-v2").glob("*.woff"))
    assert fonts, "MathJax's fonts are not in the site"


def _internal_targets(built_site: Path):
    """(page, href) for every link of every built page that stays on the site."""
    from html.parser import HTMLParser
    from urllib.parse import urlsplit

    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.hrefs: list[str] = []
            self.ids: set[str] = set()

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if attrs.get("id"):
                self.ids.add(attrs["id"])
            if tag == "a" and attrs.get("href"):
                self.hrefs.append(attrs["href"])

    parsed = {}
    for html in built_site.rglob("*.html"):
        if "assets" in html.relative_to(built_site).parts:
            continue
        parser = Links()
        parser.feed(html.read_text(encoding="utf-8"))
        parsed[html] = parser
    for html, parser in parsed.items():
        for href in parser.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            yield html, parts, parsed


def test_every_internal_link_and_anchor_resolves(built_site: Path) -> None:
    broken = []
    for html, parts, parsed in _internal_targets(built_site):
        if html.name == "404.html":
            continue  # Material's 404 page links with site-absolute URLs
        target = (html.parent / parts.path).resolve() if parts.path else html
        if target.is_dir():
            target = target / "index.html"
        if not target.exists():
            broken.append(f"{html.relative_to(built_site)} -> {parts.path}")
            continue
        known = parsed[target].ids if target in parsed else None
        if parts.fragment and known is not None and parts.fragment not in known:
            broken.append(f"{html.relative_to(built_site)} -> {parts.path}#{parts.fragment}")
    assert broken == []


def test_a_broken_link_fails_the_strict_build(tmp_path: Path) -> None:
    import shutil

    from conftest import ROOT, build_site

    work = tmp_path / "copy"
    work.mkdir()
    shutil.copytree(ROOT / "docs", work / "docs")
    shutil.copytree(ROOT / "overrides", work / "overrides")
    shutil.copy2(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    page = work / "docs" / "notation.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n[gone](no-such-page.md#nowhere)\n", encoding="utf-8"
    )
    done = build_site(work / "site", "-f", str(work / "mkdocs.yml"))
    assert done.returncode != 0
    assert "no-such-page.md" in done.stderr


def test_the_typeset_math_css_rides_in_the_site_stylesheet_with_working_font_urls(
    built_site: Path,
) -> None:
    import re

    css_file = built_site / "stylesheets" / "derivnotes.css"
    css = css_file.read_text(encoding="utf-8")
    assert '"derivnotes math"' in css, "the math's CSS was not added to the site's stylesheet"
    assert not (built_site / "assets" / "derivnotes" / "mathjax.css").exists()
    fonts = re.findall(r'url\("([^"]+)"\)', css)
    assert fonts, "the math's CSS names no font"
    missing = [url for url in fonts if not (css_file.parent / url).resolve().is_file()]
    assert missing == [], f"font URLs that point nowhere: {missing[:5]}"
    # glyph widths come from the CSS, so the math shows in a fallback font while fonts load
    faces = re.findall(r"@font-face[^{]*\{([^}]*)\}", css)
    assert faces and all("font-display: swap" in face for face in faces), faces[:2]


def test_displays_take_keyboard_focus_and_scripts_are_deferred(built_site: Path) -> None:
    import re

    html = (built_site / "sigmoid-derivative" / "index.html").read_text(encoding="utf-8")
    assert '<div class="arithmatex" tabindex="0"><math display="block">' in html
    assert '<span class="arithmatex"><math>' in html  # inline math is not a tab stop
    external = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", html)
    assert external and all(" defer" in tag for tag in external), external


def test_math_css_into_must_name_a_stylesheet_of_extra_css(tmp_path: Path) -> None:
    import shutil

    from conftest import ROOT, build_site

    work = tmp_path / "copy"
    work.mkdir()
    shutil.copytree(ROOT / "docs", work / "docs")
    shutil.copytree(ROOT / "overrides", work / "overrides")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "math_css_into: stylesheets/derivnotes.css" in config
    config = config.replace("math_css_into: stylesheets/derivnotes.css", "math_css_into: x.css")
    (work / "mkdocs.yml").write_text(config, encoding="utf-8")
    done = build_site(work / "site", "-f", str(work / "mkdocs.yml"))
    assert done.returncode != 0
    assert "math_css_into is 'x.css', which is not in extra_css" in done.stderr


def test_math_mathjax_cannot_typeset_fails_the_build_naming_file_and_line(tmp_path: Path) -> None:
    from conftest import mkdocs_in

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(
        "# Page\n\nFine: $\\sigma(z)$.\n\nBroken: $1 - \\tahn^2(z)$.\n", encoding="utf-8"
    )
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - derivnotes\n"
        "markdown_extensions:\n  - pymdownx.arithmatex:\n      generic: true\n",
        encoding="utf-8",
    )
    done = mkdocs_in(tmp_path, "build", "-q")
    assert done.returncode != 0
    expected = "docs/index.md:5: MathJax cannot typeset this math: Undefined control sequence"
    assert f"{expected} \\tahn" in done.stderr, done.stderr
    assert not (tmp_path / "site" / "index.html").exists() or "tahn" not in (
        tmp_path / "site" / "index.html"
    ).read_text(encoding="utf-8")


def test_materials_palette_switching_rule_is_dropped(built_site: Path, tmp_path: Path) -> None:
    from derivnotes.site.postbuild import drop_palette_switching_rule

    palettes = list((built_site / "assets" / "stylesheets").glob("palette.*.css"))
    assert palettes, "Material's palette stylesheet is not in the built site"
    for css in palettes:
        text = css.read_text(encoding="utf-8")
        assert "data-md-color-switching" not in text
        assert "[data-md-color-scheme=slate]" in text  # the rest of the palette is untouched

    # where the rule sits does not matter: first in the file, inside @media, split over lines
    folder = tmp_path / "assets" / "stylesheets"
    folder.mkdir(parents=True)
    (folder / "palette.x.min.css").write_text(
        "[data-md-color-switching] *{transition-duration:0s}.a{b:c}"
        "@media screen{[data-md-color-switching] :after,\n[data-md-color-switching] :before"
        "{transition-duration:0s!important}.d{e:f}}",
        encoding="utf-8",
    )
    assert drop_palette_switching_rule(tmp_path) == 2
    assert (folder / "palette.x.min.css").read_text(encoding="utf-8") == (
        ".a{b:c}@media screen{.d{e:f}}"
    )
    assert drop_palette_switching_rule(tmp_path) == 0


def test_every_file_of_the_site_is_readable_by_others(built_site: Path) -> None:
    """A static server often runs as another user: nothing the build writes is private."""
    private = [
        str(p.relative_to(built_site))
        for p in built_site.rglob("*")
        if p.is_file() and not p.stat().st_mode & 0o004
    ]
    assert private == []

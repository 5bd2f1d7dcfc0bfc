"""ProperDocs, the maintained continuation of MkDocs 1.x, as a second builder of the same site.

It reads the same ``mkdocs.yml`` and runs the same plugins (derivnotes, mkdocs-jupyter) and
theme. The test builds the site with ``properdocs build --strict`` beside the session's MkDocs
build, for the same address, and asserts the two sites are the same files with the same bytes,
apart from the generator tag each builder writes into every page; and, so that the comparison
cannot pass on two empty sites, that the pages hold checked derivations, math typeset at build
time and executed notebooks.
"""

from __future__ import annotations

import http.server
import re
from pathlib import Path

import pytest

from conftest import build_site, page_urls

GENERATOR = re.compile(
    rb'<meta (?:name="generator" content="[^"]*"|content="[^"]*" name="generator")/?>'
)


@pytest.fixture(scope="module")
def properdocs_site(
    built_site: Path,
    tmp_path_factory: pytest.TempPathFactory,
    _listening_server: http.server.ThreadingHTTPServer,
) -> Path:
    site_dir = tmp_path_factory.mktemp("properdocs-site")
    port = _listening_server.server_address[1]
    result = build_site(site_dir, site_url=f"http://127.0.0.1:{port}/", builder="properdocs")
    if result.returncode != 0:
        pytest.fail(f"properdocs build --strict failed:\n{result.stdout}\n{result.stderr}")
    return site_dir


def files_of(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())


def test_properdocs_builds_the_same_files(built_site: Path, properdocs_site: Path) -> None:
    assert files_of(properdocs_site) == files_of(built_site)


def test_properdocs_builds_the_same_bytes_but_its_name(
    built_site: Path, properdocs_site: Path
) -> None:
    differ = []
    for name in files_of(built_site):
        ours, theirs = (built_site / name).read_bytes(), (properdocs_site / name).read_bytes()
        if name.endswith(".html"):
            assert b"ProperDocs" in theirs or b"<meta" not in theirs, name
            ours, theirs = GENERATOR.sub(b"", ours), GENERATOR.sub(b"", theirs)
        if ours != theirs:
            differ.append(name)
    assert differ == []


def test_properdocs_pages_hold_checked_math_and_executed_notebooks(properdocs_site: Path) -> None:
    pages = {url: (properdocs_site / url / "index.html").read_text("utf-8") for url in page_urls()}
    gradient = pages["logistic-gradient/"]
    assert gradient.count('class="dn-derivation') >= 3
    assert gradient.count('data-status="proved"') >= 5
    assert "<math" in gradient and "\\(" not in gradient.split("<article")[1]
    notebook = pages["notebooks/gradient-descent/"]
    assert notebook.count("jp-OutputArea-output") >= 3
    assert "ProperDocs" in pages[""]

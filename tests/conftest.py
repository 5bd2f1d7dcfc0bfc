"""Shared fixtures: one site build per test session, a local HTTP server, a real browser."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def page_urls() -> list[str]:
    """Site-relative URLs of every page built from docs/ (MkDocs' directory URLs)."""
    urls = []
    for source in sorted([*DOCS.rglob("*.md"), *DOCS.rglob("*.ipynb")]):
        rel = source.relative_to(DOCS)
        if any(part.startswith(".") for part in rel.parts) or "assets" in rel.parts:
            continue
        stem = rel.with_suffix("")
        if stem.name in ("index", "README"):
            url = "/".join(stem.parent.parts)
        else:
            url = "/".join(stem.parts)
        urls.append(f"{url}/" if url else "")
    return urls


def mkdocs_in(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs ARGS`` with *folder* (holding its own mkdocs.yml) as working directory."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def build_site(
    site_dir: Path, *extra: str, site_url: str | None = None, builder: str = "mkdocs"
) -> subprocess.CompletedProcess[str]:
    """Run `BUILDER build --strict` (MkDocs, or ProperDocs on the same mkdocs.yml) into
    *site_dir* and return the finished process."""
    env = dict(os.environ)
    if site_url:
        env["DERIVNOTES_SITE_URL"] = site_url
    config = ["--config-file", "mkdocs.yml"] if builder != "mkdocs" else []
    command = [sys.executable, "-m", builder, "build", "--strict", *config]
    return subprocess.run(
        [*command, "--site-dir", str(site_dir), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
        env=env,
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def _listening_server() -> Iterator[http.server.ThreadingHTTPServer]:
    """A server bound to a free port on 127.0.0.1, not serving anything yet."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _QuietHandler)
    try:
        yield server
    finally:
        server.server_close()


@pytest.fixture(scope="session")
def built_site(
    tmp_path_factory: pytest.TempPathFactory, _listening_server: http.server.ThreadingHTTPServer
) -> Path:
    """The whole site, built once per session with --strict, for the address it is served on."""
    site_dir = tmp_path_factory.mktemp("site")
    port = _listening_server.server_address[1]
    result = build_site(site_dir, site_url=f"http://127.0.0.1:{port}/")
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}")
    return site_dir


@pytest.fixture(scope="session")
def site_server(
    built_site: Path, _listening_server: http.server.ThreadingHTTPServer
) -> Iterator[str]:
    """Serve the built site on 127.0.0.1; yields the base URL."""
    server = _listening_server
    server.RequestHandlerClass = functools.partial(_QuietHandler, directory=str(built_site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


CHROMIUM = os.environ.get("DERIVNOTES_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run the README's test command (`make test`), "
            "which installs Debian's chromium, or set DERIVNOTES_CHROMIUM."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()

"""The checker in the browser: bytes and seconds of the page "Check your derivation".

Run: ``.venv/bin/python benchmarks/browser_check.py [SITE_DIR]`` (default: builds the site into a
temporary folder first). The site is served on 127.0.0.1 and opened in Debian's Chromium three
times, each time in a fresh browser profile (nothing cached). For each run it prints the bytes
the page loaded before the reader's click and those the first check loaded after it, both as
sent and as a static host that compresses with gzip would send them, then the seconds from the
click to the first result (cold: Pyodide, the checker and sympy load first) and from a second
click to its result (warm), as the page itself measures them. The last line gives the medians.

Aims (issue 15): first result <= 8 s, a second <= 0.3 s on this 2-core machine.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import CHROMIUM, CHROMIUM_ARGS, build_site  # noqa: E402


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def handle(self) -> None:
        # a request the browser gave up (a worker stopped): nothing to report
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()


def _sizes(site: Path, urls: list[str]) -> tuple[int, int]:
    """Bytes of the files behind *urls* as sent, and gzipped (level 6, as hosts compress)."""
    raw = packed = 0
    for url in urls:
        path = urlsplit(url).path.lstrip("/")
        file = site / path
        if file.is_dir() or path.endswith("/") or not path:
            file = file / "index.html"
        if not file.is_file():
            continue
        data = file.read_bytes()
        raw += len(data)
        packed += len(gzip.compress(data, compresslevel=6))
    return raw, packed


def _wait(page, expression: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not page.evaluate(f"() => !!({expression})"):
        if time.monotonic() > deadline:
            raise SystemExit(f"waited {seconds} s for {expression}")
        page.wait_for_timeout(20)


def one_run(browser, base: str, site: Path) -> dict:
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + "check/", wait_until="load")
    page.wait_for_timeout(500)
    before = list(dict.fromkeys(requests))
    requests.clear()
    clicked = time.perf_counter()
    page.click("#dn-check")
    _wait(page, "document.querySelector('#dn-result h2')")
    cold = time.perf_counter() - clicked
    page.wait_for_timeout(1000)  # MathJax for the result finishes loading
    after = [u for u in dict.fromkeys(requests) if u not in before]
    page.evaluate("() => document.querySelector('#dn-result').replaceChildren()")
    clicked = time.perf_counter()
    page.click("#dn-check")
    _wait(page, "document.querySelector('#dn-result h2')")
    warm = time.perf_counter() - clicked
    context.close()
    return {
        "before": _sizes(site, before),
        "after": _sizes(site, after),
        "cold": cold,
        "warm": warm,
    }


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Quiet)
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        if len(sys.argv) > 1:
            site = Path(sys.argv[1]).resolve()
        else:
            site = Path(tmp) / "site"
            done = build_site(site, site_url=base)
            if done.returncode != 0:
                raise SystemExit(f"the site did not build:\n{done.stderr[-3000:]}")
        server.RequestHandlerClass = functools.partial(_Quiet, directory=str(site))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        runs = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for number in range(1, 4):
                run = one_run(browser, base, site)
                runs.append(run)
                print(
                    f"run {number}: before click {run['before'][0] / 1024:.0f} kB "
                    f"({run['before'][1] / 1024:.0f} kB gzip); "
                    f"after {run['after'][0] / 1e6:.1f} MB "
                    f"({run['after'][1] / 1e6:.1f} MB gzip); first result {run['cold']:.2f} s; "
                    f"second {run['warm']:.3f} s"
                )
            browser.close()
        server.shutdown()
    med = {key: statistics.median(run[key] for run in runs) for key in ("cold", "warm")}
    after = statistics.median(run["after"][1] for run in runs)
    before = statistics.median(run["before"][1] for run in runs)
    print(
        f"median of 3: before click {before / 1024:.0f} kB gzip; after click {after / 1e6:.1f} MB "
        f"gzip; first result = {med['cold']:.2f} s (aim <= 8); second = {med['warm']:.3f} s "
        "(aim <= 0.3)"
    )


if __name__ == "__main__":
    main()

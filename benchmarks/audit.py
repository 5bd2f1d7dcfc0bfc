"""Lighthouse scores and page weight of the built site, in Debian's Chromium.

Run: ``make audit`` or ``.venv/bin/python benchmarks/audit.py [SITE_DIR]``. Needs what
``make setup`` installs (npm ``lighthouse`` in node_modules/, playwright in .venv/) and
Debian's Chromium (``/usr/bin/chromium``, or ``DERIVNOTES_CHROMIUM``); it downloads nothing.

1. The site: built from this checkout with ``mkdocs build --strict`` into a temporary folder
   for the address it is served on, or SITE_DIR as it is (served under the path of the site's
   ``site_url``, read from its sitemap.xml).
2. It is served on 127.0.0.1 the way a static host such as GitHub Pages serves it: text
   compressed with gzip, ``Cache-Control: max-age=600`` (``--no-gzip``: plain files).
3. Lighthouse, mobile preset then desktop preset, three runs each (``--runs``), on four pages
   picked from the built site: the home page, the longest derivation page (most derivation
   blocks, then most HTML), the heaviest notebook page and "Check your derivation" (before its
   click). It prints the median of the runs for the four category scores, the main timings and
   the bytes Lighthouse counted, then the audits that keep a category below its aim.
   Beside each page, the same figures for a text-only baseline of itself: the page as built
   without typeset math (its math is its TeX, as text), with every script removed and the same
   stylesheets: the limit the page could reach. The ratios page/baseline of the first and
   largest contentful paint show the distance to it.
4. Page weight of every page in the sitemap and of 404.html: each loaded in a fresh browser
   context until the network is idle, every response counted (HTML, JS, CSS, fonts, images,
   other), decoded and as transferred.

Aims (issue 16): performance >= 98 on mobile, accessibility 100, best practices 100, SEO 100;
a figure below its aim is marked ✗. It is a benchmark: it prints, it asserts nothing (the
machine is shared and Lighthouse's scores move by a few points from run to run).
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import mimetypes
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("DERIVNOTES_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SHORT = {"performance": "perf", "accessibility": "a11y", "best-practices": "b.p.", "seo": "SEO"}
AIMS = {  # (preset or None for both, category) -> lowest score that meets the aim
    ("mobile", "performance"): 98,
    (None, "accessibility"): 100,
    (None, "best-practices"): 100,
    (None, "seo"): 100,
}
PRESETS = ("mobile", "desktop")
KIB = 1024

mimetypes.add_type("font/woff", ".woff")
mimetypes.add_type("font/woff2", ".woff2")
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("application/json", ".json")
mimetypes.add_type("application/json", ".ipynb")
mimetypes.add_type("image/svg+xml", ".svg")
COMPRESSIBLE = re.compile(r"^(text/|application/(json|xml|javascript)|image/svg\+xml)")


def aim(preset: str, category: str) -> int | None:
    return AIMS.get((preset, category), AIMS.get((None, category)))


# --- serving -------------------------------------------------------------------------------


class Server(http.server.ThreadingHTTPServer):
    """The static server: a browser closing a connection early is not an error to print."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


def make_handler(site: Path, prefix: str, use_gzip: bool) -> type:
    """A handler serving *site* under *prefix* like a static host: index.html for folders,
    a redirect to the trailing slash, 404.html for what is missing, gzip for text."""
    compressed: dict[Path, bytes] = {}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            self.respond(body=False)

        def do_GET(self) -> None:
            self.respond(body=True)

        def respond(self, body: bool) -> None:
            path = unquote(urlsplit(self.path).path)
            target = None
            if path.startswith(prefix) or path + "/" == prefix:
                rel = path[len(prefix) :].lstrip("/")
                candidate = (site / rel).resolve()
                if candidate.is_relative_to(site):
                    if candidate.is_dir() and (candidate / "index.html").is_file():
                        if not path.endswith("/"):
                            self.send_response(301)
                            self.send_header("Location", path + "/")
                            self.send_header("Content-Length", "0")
                            self.end_headers()
                            return
                        target = candidate / "index.html"
                    elif candidate.is_file():
                        target = candidate
            status = 200
            if target is None:
                status, target = 404, site / "404.html"
                if not target.is_file():
                    self.send_error(404)
                    return
            ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            data = target.read_bytes()
            encoding = None
            if (
                use_gzip
                and COMPRESSIBLE.match(ctype)
                and "gzip" in self.headers.get("Accept-Encoding", "")
            ):
                with lock:
                    if target not in compressed:
                        compressed[target] = gzip.compress(data, compresslevel=6, mtime=0)
                data, encoding = compressed[target], "gzip"
            self.send_response(status)
            charset = "; charset=utf-8" if ctype.startswith("text/") or "json" in ctype else ""
            self.send_header("Content-Type", ctype + charset)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "max-age=600")
            if encoding:
                self.send_header("Content-Encoding", encoding)
                self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            if body:
                self.wfile.write(data)

    return Handler


def site_prefix(site: Path) -> str:
    """The path the site expects to be served under: that of its site_url (from sitemap.xml)."""
    sitemap = site / "sitemap.xml"
    if not sitemap.is_file():
        return "/"
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap.read_text(encoding="utf-8"))
    if not locs:
        return "/"
    path = urlsplit(min(locs, key=len)).path or "/"
    return path if path.endswith("/") else path + "/"


def build_site(out: Path, site_url: str, **extra_env: str) -> float:
    env = dict(os.environ, DERIVNOTES_SITE_URL=site_url, NO_MKDOCS_2_WARNING="1", **extra_env)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"mkdocs build --strict failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


# --- pages ---------------------------------------------------------------------------------


def site_pages(site: Path, prefix: str) -> list[str]:
    """Site-relative URLs of every page in the sitemap (else every index.html), and 404.html."""
    sitemap = site / "sitemap.xml"
    pages: list[str] = []
    if sitemap.is_file():
        for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap.read_text(encoding="utf-8")):
            path = urlsplit(loc).path
            pages.append(path[len(prefix) :] if path.startswith(prefix) else path.lstrip("/"))
    else:
        for index in sorted(site.rglob("index.html")):
            rel = index.parent.relative_to(site).as_posix()
            pages.append("" if rel == "." else rel + "/")
    pages = sorted(set(pages), key=lambda p: (p != "", p))
    if (site / "404.html").is_file():
        pages.append("404.html")
    return pages


def page_html(site: Path, page: str) -> str:
    path = site / page if page.endswith(".html") else site / page / "index.html"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def pick_audited_pages(site: Path, pages: list[str]) -> list[tuple[str, str]]:
    """(label, page): the home page, the longest derivation page, the heaviest notebook page."""
    content = [p for p in pages if p != "404.html"]
    html = {p: page_html(site, p) for p in content}
    blocks = {p: len(re.findall(r'class="[^"]*\bdn-derivation\b', html[p])) for p in content}
    picked = [("home", "")]
    derivation = max(content, key=lambda p: (blocks[p], len(html[p])))
    if blocks[derivation]:
        picked.append((f"longest derivation page ({blocks[derivation]} blocks)", derivation))
    notebooks = [p for p in content if "jupyter-wrapper" in html[p]]
    if notebooks:
        notebook = max(notebooks, key=lambda p: len(html[p]))
        picked.append(("heaviest notebook page", notebook))
    # (left out of the sitemap: instant navigation must load it whole, with its policy)
    if "data-dn-checker" in page_html(site, "check/"):
        picked.append(("Check your derivation (before its click)", "check/"))
    return picked


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL | re.IGNORECASE)


def baseline_site(site: Path, plain: Path, pages: list[str], out: Path) -> Path:
    """The site again, with each of *pages* replaced by its text-only baseline: the page from
    *plain* (built without typeset math: the math is its TeX) with every script removed. The
    stylesheets, images and fonts are the site's own."""
    shutil.copytree(site, out)
    for page in pages:
        source = plain / page / "index.html" if not page.endswith(".html") else plain / page
        target = out / page / "index.html" if not page.endswith(".html") else out / page
        if source.is_file():
            target.write_text(_SCRIPT.sub("", source.read_text(encoding="utf-8")), "utf-8")
    return out


# --- Lighthouse ----------------------------------------------------------------------------


def lighthouse(url: str, preset: str, out: Path) -> dict:
    cmd = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        "--only-categories=" + ",".join(CATEGORIES),
        "--chrome-flags=" + " ".join(CHROMIUM_FLAGS),
        "--disable-full-page-screenshot",
    ]
    if preset == "desktop":
        cmd.append("--preset=desktop")
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=240, check=False)
    if done.returncode != 0 or not out.is_file():
        return {"error": (done.stderr or done.stdout).strip()[-800:] or f"exit {done.returncode}"}
    report = json.loads(out.read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        return {"error": json.dumps(report["runtimeError"])}
    return report


def score(report: dict, category: str) -> int | None:
    value = report.get("categories", {}).get(category, {}).get("score")
    return None if value is None else round(value * 100)


def metric(report: dict, audit_id: str) -> float | None:
    return report.get("audits", {}).get(audit_id, {}).get("numericValue")


def shortfalls(report: dict, category: str, limit: int = 6) -> list[str]:
    """The audits that cost the category points, biggest loss first."""
    audits = report["audits"]
    lost = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = audits.get(ref["id"], {})
        if audit.get("score") is None or audit.get("scoreDisplayMode") in (
            "manual",
            "notApplicable",
        ):
            continue
        if audit["score"] < 1 and (ref.get("weight", 0) > 0 or category == "performance"):
            lost.append((ref.get("weight", 0) * (1 - audit["score"]), ref["id"], audit))
    lost.sort(key=lambda t: (-t[0], t[1]))
    out = []
    for _, audit_id, audit in lost[:limit]:
        shown = audit.get("displayValue") or f"score {audit['score']:.2f}"
        out.append(f"{audit_id} ({shown})")
    return out


def fmt_score(value: int | None, target: int | None) -> str:
    if value is None:
        return "  –  "
    mark = "✗" if target is not None and value < target else " "
    return f"{value:>4}{mark}"


def fmt_ms(ms: float | None) -> str:
    if ms is None:
        return "–"
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{ms:.0f} ms"


MEDIAN_METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "total-byte-weight",
)


def median_report(results: list[dict]) -> dict:
    """One report standing for several runs: the run of median performance, its category scores
    and main metrics replaced by the medians over the runs."""
    good = [r for r in results if "error" not in r]
    if not good:
        return results[-1]
    order = sorted(range(len(good)), key=lambda i: score(good[i], "performance") or 0)
    report = json.loads(json.dumps(good[order[len(good) // 2]]))
    for category in CATEGORIES:
        values = [score(r, category) for r in good]
        values = [v for v in values if v is not None]
        if values and category in report.get("categories", {}):
            report["categories"][category]["score"] = statistics.median(values) / 100
    for audit_id in MEDIAN_METRICS:
        values = [metric(r, audit_id) for r in good]
        values = [v for v in values if v is not None]
        if values and audit_id in report.get("audits", {}):
            report["audits"][audit_id]["numericValue"] = statistics.median(values)
    report["runs"] = len(good)
    return report


def figures(report: dict) -> str:
    """FCP, LCP, TBT, CLS and bytes of a (median) report, as the table prints them."""
    cls = metric(report, "cumulative-layout-shift")
    weight = metric(report, "total-byte-weight")
    return (
        f"{fmt_ms(metric(report, 'first-contentful-paint')):>7}"
        f" {fmt_ms(metric(report, 'largest-contentful-paint')):>7}"
        f" {fmt_ms(metric(report, 'total-blocking-time')):>7}"
        f" {'–' if cls is None else f'{cls:.2f}':>5}"
        f" {'–' if weight is None else f'{weight / KIB:.0f} KiB':>9}"
    )


def run_lighthouse(
    base: str, audited: list[tuple[str, str]], runs: int, tmp: Path
) -> dict[tuple[str, str], dict]:
    """{(page, preset): report}, each the median of *runs* runs (see :func:`median_report`)."""
    reports: dict[tuple[str, str], dict] = {}
    for _label, page in audited:
        for preset in PRESETS:
            results = [
                lighthouse(base + page, preset, tmp / f"lh-{preset}-{len(reports)}-{i}.json")
                for i in range(max(1, runs))
            ]
            reports[(page, preset)] = median_report(results)
    return reports


# --- page weight ---------------------------------------------------------------------------

KINDS = ("HTML", "JS", "CSS", "fonts", "images", "other")


def kind_of(resource_type: str, url: str, ctype: str) -> str:
    if resource_type == "document":
        return "HTML"
    if resource_type == "script" or "javascript" in ctype:
        return "JS"
    if resource_type == "stylesheet" or ctype.startswith("text/css"):
        return "CSS"
    if resource_type == "font" or ctype.startswith("font/") or url.endswith((".woff", ".woff2")):
        return "fonts"
    if resource_type == "image" or ctype.startswith("image/"):
        return "images"
    return "other"


def record_requests(page) -> list:
    """The requests *page* completes from now on (a list that fills as they finish)."""
    finished: list = []

    def on_finished(request) -> None:
        finished.append(request)

    page.on("requestfinished", on_finished)
    return finished


def page_weights(base: str, pages: list[str]) -> list[dict]:
    from playwright.sync_api import sync_playwright

    origin = urlsplit(base).netloc
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS[1:], headless=True
        )
        try:
            for page_url in pages:
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                finished = record_requests(page)
                page.goto(base + page_url, wait_until="networkidle", timeout=60_000)
                page.wait_for_timeout(250)
                row = {"page": "/" + page_url, "requests": 0, "foreign": 0, "transferred": 0}
                row.update({kind: 0 for kind in KINDS})
                for request in finished:
                    if urlsplit(request.url).scheme in ("data", "blob"):
                        continue
                    response = request.response()
                    if response is None:
                        continue
                    if urlsplit(request.url).netloc != origin:
                        row["foreign"] += 1
                    try:
                        size = len(response.body())
                    except Exception:
                        size = 0
                    try:
                        wire = request.sizes()["responseBodySize"] or size
                    except Exception:
                        wire = size
                    ctype = response.headers.get("content-type", "")
                    row[kind_of(request.resource_type, request.url, ctype)] += size
                    row["transferred"] += wire
                    row["requests"] += 1
                row["total"] = sum(row[kind] for kind in KINDS)
                rows.append(row)
                context.close()
        finally:
            browser.close()
    return rows


# --- main ----------------------------------------------------------------------------------


def chromium_version() -> str:
    try:
        out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "site", nargs="?", type=Path, help="an existing built site (default: build)"
    )
    parser.add_argument("--no-gzip", action="store_true", help="serve files uncompressed")
    parser.add_argument(
        "--runs", type=int, default=3, help="Lighthouse runs per page and preset (median)"
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the text-only baselines")
    parser.add_argument(
        "--save", type=Path, metavar="DIR", help="keep Lighthouse's JSON reports in DIR"
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)

    missing = []
    if not LIGHTHOUSE.exists():
        missing.append(f"{LIGHTHOUSE.relative_to(ROOT)} (run `make setup`: it runs `npm ci`)")
    if not Path(CHROMIUM).exists():
        missing.append(f"Chromium at {CHROMIUM} (`make chromium`, or set DERIVNOTES_CHROMIUM)")
    if not shutil.which("node"):
        missing.append("node (Lighthouse runs on Node.js)")
    if missing:
        sys.exit("audit: missing " + "; ".join(missing))

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="derivnotes-audit-") as tmp:
        tmp_path = Path(tmp)
        server = Server(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
        port = server.server_address[1]
        if args.site:
            site = args.site.resolve()
            if not (site / "index.html").is_file():
                sys.exit(f"audit: {site} holds no built site (no index.html)")
            prefix, how = site_prefix(site), f"{args.site} as given"
        else:
            site, prefix = tmp_path / "site", "/"
            seconds = build_site(site, f"http://127.0.0.1:{port}/")
            how = f"built from this checkout in {seconds:.1f} s"
        server.RequestHandlerClass = make_handler(site, prefix, use_gzip=not args.no_gzip)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{port}{prefix}"
        try:
            pages = site_pages(site, prefix)
            audited = pick_audited_pages(site, pages)
            print("derivnotes audit")
            print(f"  site: {how}; {len(pages)} pages; served at {base}", end="")
            print(" (plain files)" if args.no_gzip else " with gzip, like GitHub Pages")
            print(f"  browser: {chromium_version()} ({CHROMIUM})")
            reports = run_lighthouse(base, audited, args.runs, tmp_path)
            baselines: dict[tuple[str, str], dict] = {}
            if not args.no_baseline:
                plain = tmp_path / "plain"
                build_site(plain, f"http://127.0.0.1:{port}/", DERIVNOTES_TYPESET="false")
                text_only = baseline_site(
                    site, plain, [p for _, p in audited], tmp_path / "baseline"
                )
                other = Server(
                    ("127.0.0.1", 0), make_handler(text_only, prefix, use_gzip=not args.no_gzip)
                )
                threading.Thread(target=other.serve_forever, daemon=True).start()
                other_base = f"http://127.0.0.1:{other.server_address[1]}{prefix}"
                try:
                    baselines = run_lighthouse(other_base, audited, args.runs, tmp_path)
                finally:
                    other.shutdown()
                    other.server_close()
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                for (page, preset), report in reports.items():
                    name = (page.strip("/").replace("/", "-") or "home") + f"-{preset}.json"
                    (args.save / name).write_text(json.dumps(report), encoding="utf-8")
            versions = {r.get("lighthouseVersion") for r in reports.values()} - {None}
            version = ", ".join(sorted(versions)) or "?"
            print(f"  Lighthouse {version}, {args.runs} run(s) per page and preset")
            print()
            print(
                f"Lighthouse, median of {args.runs} run(s) (aims: performance >= 98 on mobile, "
                "accessibility 100, best practices 100, SEO 100; ✗ = below its aim)"
            )
            head = (
                f"{'page':<34} {'preset':<7} {'perf':>5} {'a11y':>5} {'b.p.':>5} {'SEO':>5}"
                f"  {'FCP':>7} {'LCP':>7} {'TBT':>7} {'CLS':>5} {'bytes':>9}"
            )
            print(head)
            print("-" * len(head))
            below: list[str] = []
            for label, page in audited:
                print(f"{label}:")
                for preset in PRESETS:
                    report = reports[(page, preset)]
                    name = "/" + page
                    if "error" in report:
                        print(f"  {name:<32} {preset:<7} Lighthouse failed: {report['error']}")
                        continue
                    cells = []
                    for category in CATEGORIES:
                        value, target = score(report, category), aim(preset, category)
                        cells.append(fmt_score(value, target))
                        if value is not None and target is not None and value < target:
                            lost = "; ".join(shortfalls(report, category))
                            below.append(
                                f"  /{page} {preset} {SHORT[category]} {value} < {target}: {lost}"
                            )
                    print(f"  {name:<32} {preset:<7} {' '.join(cells)}  {figures(report)}")
                    base_report = baselines.get((page, preset))
                    if base_report and "error" not in base_report:
                        plain_cells = " ".join(
                            fmt_score(score(base_report, c), None) for c in CATEGORIES
                        )
                        print(
                            f"  {'  text-only baseline':<32} {preset:<7} {plain_cells}  "
                            f"{figures(base_report)}"
                        )
                        ratios = []
                        for audit_id, short in (
                            ("first-contentful-paint", "FCP"),
                            ("largest-contentful-paint", "LCP"),
                        ):
                            mine, limit = metric(report, audit_id), metric(base_report, audit_id)
                            if mine and limit:
                                ratios.append(f"{short} {mine / limit:.2f}")
                        print(f"  {'  page / baseline':<32} {preset:<7} {', '.join(ratios)}")
            if below:
                print("\nBelow the aim, and the audits that cost the points (biggest first):")
                print("\n".join(below))

            print()
            print(
                "Page weight of every page (fresh cache, until the network is idle; KiB as "
                "decoded, and as transferred)"
            )
            rows = page_weights(base, pages)
            head = (
                f"{'page':<38}"
                + "".join(f"{kind:>8}" for kind in KINDS)
                + f"{'total':>9}{'transfer':>10}{'requests':>10}"
            )
            print(head)
            print("-" * len(head))
            for row in rows:
                print(
                    f"{row['page']:<38}"
                    + "".join(f"{row[kind] / KIB:>8.0f}" for kind in KINDS)
                    + f"{row['total'] / KIB:>9.0f}{row['transferred'] / KIB:>10.0f}"
                    + f"{row['requests']:>10}"
                    + (f"  ({row['foreign']} to other hosts)" if row["foreign"] else "")
                )
        finally:
            server.shutdown()
            server.server_close()

    # --- summary ---
    print()
    scored = {key: r for key, r in reports.items() if "error" not in r}
    failed = len(reports) - len(scored)
    took = f"audit done in {time.perf_counter() - started:.0f} s"
    print(took + (f"; {failed} Lighthouse run(s) failed" if failed else ""))
    for preset in PRESETS:
        cells = []
        for category in CATEGORIES:
            values = [score(r, category) for (_, p), r in scored.items() if p == preset]
            values = [v for v in values if v is not None]
            if not values:
                continue
            target, low = aim(preset, category), min(values)
            verdict = "" if target is None else (" ok" if low >= target else f" ✗ (aim {target})")
            cells.append(f"{SHORT[category]} {low}{verdict}")
        print(f"lowest {preset:<7} scores: " + ", ".join(cells))
    if rows:
        heaviest = max(rows, key=lambda r: r["total"])
        median_total = statistics.median(r["total"] for r in rows) / KIB
        median_wire = statistics.median(r["transferred"] for r in rows) / KIB
        print(
            f"page weight: median {median_total:.0f} KiB ({median_wire:.0f} KiB transferred); "
            f"heaviest {heaviest['page']} {heaviest['total'] / KIB:.0f} KiB "
            f"({heaviest['transferred'] / KIB:.0f} KiB transferred)"
        )


if __name__ == "__main__":
    main()

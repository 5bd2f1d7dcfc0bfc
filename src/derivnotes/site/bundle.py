"""The checker shipped to the reader: the files the page "Check your derivation" loads, written
into the built site with content-hashed names.

- **Pyodide** (CPython in WebAssembly, npm ``pyodide``, installed by ``make setup``): its
  loader, its module, its ``.wasm`` and its standard library, under ``assets/checker/`` in a
  folder named by their hash (the loader finds its files by their fixed names beside it).
- **The checker bundle**, one ``.tar.xz``: ``derivnotes`` (the checker,
  :mod:`derivnotes.store`, and the site's :mod:`~derivnotes.site.render` and
  :mod:`~derivnotes.site.reader`) with sympy, mpmath and PyYAML from PyPI's own files, pinned
  by hash in ``requirements-browser.lock`` (``make setup`` downloads them) at the versions the
  build runs: the same code as the build's checker. PyYAML comes as its source, whose
  pure-Python parser the browser runs. Left out are the
  test suites, benchmarks and the parts of sympy no derivation can reach (physics, statistics,
  the LaTeX and C parsers, ... — :data:`SYMPY_LEFT_OUT`), which a browser test proves by
  checking every block of the site in the browser.
- **The page's scripts**: ``check-page.js`` (the page) and ``check-worker.js`` (the Web
  Worker), from ``derivnotes/site/static``.

Every name holds a hash of the content, so a static host may let browsers cache the files for a
year; the page learns the names from its ``data-dn-*`` attributes, which :func:`finish_checker`
writes. The archive is built once per content (kept in the cache folder).
"""

from __future__ import annotations

import contextlib
import hashlib
import html as html_module
import importlib.util
import io
import json
import os
import posixpath
import re
import shutil
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from derivnotes.site.typeset import NODE_ROOT  # the checkout, where `make setup` runs npm ci
from derivnotes.store import ContentStore, content_key

__all__ = [
    "CHECKER_PAGE_MARK",
    "PYODIDE_FILES",
    "SYMPY_LEFT_OUT",
    "BrowserChecker",
    "checker_bundle",
    "write_browser_checker",
]

PYODIDE_DIR = NODE_ROOT / "node_modules" / "pyodide"
STATIC = Path(__file__).resolve().parent / "static"
#: sympy, mpmath and PyYAML for the browser, pinned by hash, downloaded by `make setup` to WHEELS
BROWSER_LOCK = NODE_ROOT / "requirements-browser.lock"
WHEELS = NODE_ROOT / ".cache" / "browser-wheels"
#: What the Pyodide loader fetches, found beside it by these names.
PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
#: The element of the page "Check your derivation" that the checker's files are written into.
CHECKER_PAGE_MARK = "data-dn-checker"

#: Folders of sympy that no derivation reaches (nothing the checker calls imports them).
SYMPY_LEFT_OUT = (
    "benchmarks",
    "categories",
    "crypto",
    "diffgeom",
    "holonomic",
    "liealgebras",
    "parsing/autolev",
    "parsing/c",
    "parsing/fortran",
    "parsing/latex",
    "physics/biomechanics",
    "physics/continuum_mechanics",
    "physics/control",
    "physics/hep",
    "physics/mechanics",
    "physics/optics",
    "physics/quantum",
    "physics/vector",
    "sandbox",
    "stats",
    "tensor/array/expressions",
    "unify",
    "utilities/_compilation",
    "utilities/mathml/data",
    "vector",
)
#: The derivnotes files the browser runs (the checker, and what renders and serves its result).
DERIVNOTES_FILES = ("__init__.py", "store.py", "checker/*.py", "site/render.py", "site/reader.py")


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"the Python package {name} is not installed (run `make setup`)")
    return Path(spec.origin).parent


def pinned_packages(lock: Path | None = None) -> list[tuple[str, str, str]]:
    """(name, version, sha256) of each package of ``requirements-browser.lock``."""
    text = (lock or BROWSER_LOCK).read_text(encoding="utf-8")
    found = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)\s+--hash=sha256:([0-9a-f]{64})", text, re.M)
    if not found:
        raise ValueError(f"{lock or BROWSER_LOCK}: no pinned package (name==version --hash=...)")
    return found


def _archive_of(name: str, version: str, digest: str, wheels: Path) -> Path:
    """The downloaded file of a pinned package, its hash checked."""
    stem = re.sub(r"[-_.]+", "_", name).lower()
    for path in sorted(wheels.glob("*")):
        base = re.sub(r"[-_.]+", "_", path.name).lower()
        if base.startswith(f"{stem}_{version.replace('.', '_')}") and path.suffix in (
            ".whl",
            ".gz",
        ):
            if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                raise ValueError(
                    f"{path}: its sha256 is not the one requirements-browser.lock pins; remove "
                    f"{wheels} and run `make setup` to download it again"
                )
            return path
    raise FileNotFoundError(
        f"{wheels}: no downloaded {name}=={version}; run `make setup` (it downloads the "
        "packages of requirements-browser.lock from PyPI)"
    )


def _keep(package_path: str) -> bool:
    """Whether a file of sympy, mpmath or yaml (its path from the package's parent) ships."""
    parts = package_path.split("/")
    if "__pycache__" in parts or "tests" in parts or "benchmarks" in parts:
        return False
    if "test-examples" in parts or not package_path.endswith((".py", ".txt", ".json", ".typed")):
        return False
    relative = "/".join(parts[1:])
    return parts[0] != "sympy" or not any(
        relative == f or relative.startswith(f + "/") for f in SYMPY_LEFT_OUT
    )


def _bundle_members(wheels: Path | None = None) -> list[tuple[str, bytes]]:
    """(name in the archive, content) of every file of the bundle, sorted: derivnotes' files
    from this checkout, sympy, mpmath and PyYAML from PyPI's files pinned by hash."""
    wheels = wheels or WHEELS
    members: list[tuple[str, bytes]] = []
    derivnotes = _package_dir("derivnotes")
    for pattern in DERIVNOTES_FILES:
        for path in sorted(derivnotes.glob(pattern)):
            name = f"derivnotes/{path.relative_to(derivnotes).as_posix()}"
            members.append((name, path.read_bytes()))
    # site/__init__ imports nothing eagerly, so it ships as it is
    members.append(("derivnotes/site/__init__.py", (derivnotes / "site/__init__.py").read_bytes()))
    for name, version, digest in pinned_packages():
        archive = _archive_of(name, version, digest, wheels)
        if archive.suffix == ".whl":
            with zipfile.ZipFile(archive) as wheel:
                for entry in sorted(wheel.namelist()):
                    if entry.split("/")[0] in ("sympy", "mpmath") and _keep(entry):
                        members.append((entry, wheel.read(entry)))
        else:  # PyYAML's source: its pure-Python package is lib/yaml/
            with tarfile.open(archive, "r:gz") as sdist:
                for entry in sorted(sdist.getmembers(), key=lambda m: m.name):
                    inner = entry.name.split("/", 1)[-1]
                    if entry.isfile() and inner.startswith("lib/yaml/") and _keep(inner[4:]):
                        handle = sdist.extractfile(entry)
                        if handle is not None:
                            members.append((inner[4:], handle.read()))
    return sorted(members)


def checker_bundle(cache_dir: str | None = None) -> bytes:
    """The archive (tar.xz) of everything Python the browser runs (see the module's
    docstring); built again only when a file of it changes."""
    # Keyed without unpacking anything: the lock, the downloaded files and derivnotes' files by
    # name, size and modification time (the archive's own name still comes from its bytes).
    derivnotes = _package_dir("derivnotes")
    stamps = [BROWSER_LOCK.read_text(encoding="utf-8")]
    for path in sorted([*WHEELS.glob("*"), *derivnotes.rglob("*.py")]):
        stat = path.stat()
        stamps.append(
            f"{path.name if path.parent == WHEELS else path}:{stat.st_size}:{stat.st_mtime_ns}"
        )
    key = content_key("checker-bundle", *stamps)
    cached = Path(cache_dir) / "bundle" / f"{key}.tar.xz" if cache_dir else None
    if cached is not None and cached.is_file():
        return cached.read_bytes()
    members = _bundle_members()
    buffer = io.BytesIO()
    # One tar compressed as a whole with xz: a third smaller than a zip of the same files (each
    # compressed alone); Pyodide unpacks it in a few tenths of a second.
    with tarfile.open(fileobj=buffer, mode="w:xz", preset=6) as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0  # the same bytes each time
            archive.addfile(info, io.BytesIO(data))
    data = buffer.getvalue()
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(cached)
    return data


def _short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def _hashed_name(name: str, data: bytes) -> str:
    stem, dot, suffix = name.partition(".")
    return f"{stem}.{_short_hash(data)}{dot}{suffix}"


@dataclass(frozen=True)
class BrowserChecker:
    """The checker's files as written into one site: their URLs relative to the site root."""

    pyodide: str
    bundle: str
    page_script: str
    worker: str


def write_browser_checker(site_dir: Path, cache_dir: str | None = None) -> BrowserChecker:
    """Write the checker's files into ``site_dir/assets/checker/`` (see the module docstring);
    files of an earlier build that are no longer used are removed."""
    missing = [name for name in PYODIDE_FILES if not (PYODIDE_DIR / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{PYODIDE_DIR}: no {', '.join(missing)}; the page 'Check your derivation' needs "
            "Pyodide from npm: run `make setup` (npm ci installs it)"
        )
    target = site_dir / "assets" / "checker"
    target.mkdir(parents=True, exist_ok=True)
    written: set[str] = set()

    runtime = hashlib.sha256()
    for name in PYODIDE_FILES:
        runtime.update(name.encode() + b"\0" + (PYODIDE_DIR / name).read_bytes())
    pyodide_folder = f"pyodide-{runtime.hexdigest()[:12]}"
    if not (target / pyodide_folder / PYODIDE_FILES[0]).is_file():
        tmp = target / f"{pyodide_folder}.partial"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for name in PYODIDE_FILES:
            shutil.copyfile(PYODIDE_DIR / name, tmp / name)
        shutil.rmtree(target / pyodide_folder, ignore_errors=True)
        tmp.rename(target / pyodide_folder)
    written.add(pyodide_folder)

    def put(name: str, data: bytes) -> str:
        hashed = _hashed_name(name, data)
        if not (target / hashed).is_file() or (target / hashed).read_bytes() != data:
            (target / hashed).write_bytes(data)
        written.add(hashed)
        return hashed

    bundle = put("derivnotes-checker.tar.xz", checker_bundle(cache_dir))
    worker = put("check-worker.js", (STATIC / "check-worker.js").read_bytes())
    page = put("check-page.js", (STATIC / "check-page.js").read_bytes())
    for old in target.iterdir():
        if old.name not in written:
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    return BrowserChecker(
        pyodide=f"assets/checker/{pyodide_folder}/",
        bundle=f"assets/checker/{bundle}",
        page_script=f"assets/checker/{page}",
        worker=f"assets/checker/{worker}",
    )


_MARK = re.compile(r"<div ([^>]*\bdata-dn-checker\b[^>]*)>")


def checker_attributes(checker: BrowserChecker, page_path: str, sources: str | None) -> str:
    """The ``data-dn-*`` attributes of the checker's element on the page at *page_path*
    (relative to the site root): every URL relative to the page."""
    base = posixpath.dirname(page_path) or "."

    def rel(url: str) -> str:
        relative = posixpath.relpath(url.rstrip("/"), base)
        return relative + ("/" if url.endswith("/") else "")

    values = {
        "data-dn-pyodide": rel(checker.pyodide),
        "data-dn-bundle": rel(checker.bundle),
        "data-dn-script": rel(checker.page_script),
        "data-dn-worker": rel(checker.worker),
    }
    if sources:
        values["data-dn-sources"] = rel(sources)
    return " ".join(f'{key}="{value}"' for key, value in values.items())


def fill_checker_element(html: str, attributes: str) -> str:
    """*html* with the checker's element given *attributes* (replacing earlier ones)."""

    def replace(match: re.Match[str]) -> str:
        kept = re.sub(
            r'\s*data-dn-(pyodide|bundle|script|worker|sources|mathjax)="[^"]*"', "", match[1]
        )
        return f"<div {kept} {attributes}>"

    return _MARK.sub(replace, html)


_SOURCES: dict[str, str] = {}  # this process's blocks, for a build without a cache folder


def remember_source(cache_dir: str | os.PathLike[str] | None, text: str) -> str:
    """Keep a derivation block's source (for its "Edit and check" link); its key."""
    key = content_key("block-source", text)[:20]
    _SOURCES[key] = text
    ContentStore(cache_dir, "sources", ".yaml").write(key, text)
    return key


def recall_source(cache_dir: str | os.PathLike[str] | None, key: str) -> str | None:
    """The source kept under *key* by :func:`remember_source` (None when it is not kept)."""
    return _SOURCES.get(key) or ContentStore(cache_dir, "sources", ".yaml").read(key)


_BLOCK_MARK = re.compile(r'data-dn-source="([0-9a-f]{20})" data-derivation="([^"]*)"')
_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
_HOW = '<details class="dn-how">'
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.DOTALL)
_OPTIONS_MARK = '<option value="">'


def _page_title(html: str) -> str:
    match = _TITLE.search(html)
    title = html_module.unescape(match.group(1)).strip() if match else ""
    return title.rsplit(" - ", 1)[0] if " - " in title else title


def _rel(target: str, page: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


def page_url(path: str) -> str:
    """The URL of the page written to *path* (``check/index.html`` -> ``check/``)."""
    return path[: -len("index.html")] if path.endswith("index.html") else path


def content_security_policy(html: str) -> str:
    """The policy the checker's page sends: scripts only from the site (and the theme's own
    inline scripts of this page, by their hashes: nothing else inline runs), WebAssembly for
    Pyodide, no plugin, no request to another host."""
    import base64

    hashes = []
    for match in _INLINE_SCRIPT.finditer(html):
        kind = re.search(r'type="([^"]*)"', match.group(1))
        if kind and kind.group(1) not in ("text/javascript", "module"):
            continue  # data (application/json), never run
        digest = hashlib.sha256(match.group(2).encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode()}'")
    scripts = " ".join(["'self'", "'wasm-unsafe-eval'", *sorted(set(hashes))])
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'"
    )


def _options(entries: dict[str, dict]) -> str:
    groups: dict[str, list[tuple[str, str]]] = {}
    for key, entry in sorted(entries.items(), key=lambda item: (item[1]["order"], item[1]["id"])):
        groups.setdefault(entry["page"], []).append((key, entry["id"]))
    out = []
    for page, items in groups.items():
        out.append(f'<optgroup label="{html_module.escape(page, quote=True)}">')
        out.extend(
            f'<option value="{key}">{html_module.escape(ident)}</option>' for key, ident in items
        )
        out.append("</optgroup>")
    return "".join(out)


def _drop_from_sitemap(site_dir: Path, url_tail: str) -> None:
    """Take the page out of sitemap.xml (and .gz): instant navigation, which keeps the first
    page's <head> and so its policy, then loads it as a whole page with its own policy."""
    import gzip

    sitemap = site_dir / "sitemap.xml"
    if not sitemap.is_file():
        return
    text = sitemap.read_text(encoding="utf-8")
    pattern = re.compile(
        r"\s*<url>\s*<loc>[^<]*/" + re.escape(url_tail) + r"</loc>.*?</url>", re.DOTALL
    )
    new = pattern.sub("", text)
    if new != text:
        sitemap.write_text(new, encoding="utf-8")
        packed = site_dir / "sitemap.xml.gz"
        if packed.is_file():
            packed.write_bytes(gzip.compress(new.encode("utf-8"), mtime=0))


def finish_checker(site_dir: Path, cache_dir: str | None) -> bool:
    """The site-wide work of the browser checker, once every page is written: its files, its
    page's attributes, examples and policy, and an "Edit and check" link under every checked
    block. False (and nothing done) when the site has no page "Check your derivation"."""
    pages = {p.relative_to(site_dir).as_posix(): p for p in sorted(site_dir.rglob("*.html"))}
    texts = {name: path.read_text(encoding="utf-8") for name, path in pages.items()}
    checker_page = next(
        (
            n
            for n, t in texts.items()
            if CHECKER_PAGE_MARK + " " in t
            or CHECKER_PAGE_MARK + ">" in t
            or CHECKER_PAGE_MARK + "=" in t
        ),
        None,
    )
    if checker_page is None:
        return False
    shipped_before: dict[str, dict] = {}  # a second run over the same site keeps what it had
    for old in sorted((site_dir / "assets" / "checker").glob("blocks.*.json")):
        with contextlib.suppress(OSError, ValueError):
            shipped_before.update(json.loads(old.read_text(encoding="utf-8")))
    entries: dict[str, dict] = {}
    for order, text in enumerate(texts.values()):
        for match in _BLOCK_MARK.finditer(text):
            source = recall_source(cache_dir, match.group(1))
            if source is None and isinstance(shipped_before.get(match.group(1)), dict):
                source = shipped_before[match.group(1)].get("source")
            if source is not None:
                entries[match.group(1)] = {
                    "id": match.group(2),
                    "page": _page_title(text),
                    "source": source,
                    "order": order,
                }
    checker = write_browser_checker(site_dir, cache_dir)
    shipped = {k: {f: v[f] for f in ("id", "page", "source")} for k, v in entries.items()}
    data = json.dumps(shipped, ensure_ascii=False, sort_keys=True).encode("utf-8")
    sources = f"assets/checker/{_hashed_name('blocks.json', data)}"
    (site_dir / sources).write_bytes(data)

    checker_url = page_url(checker_page)
    for name, text in texts.items():
        new = text
        if name == checker_page:
            attributes = checker_attributes(checker, name, sources)
            mathjax = _rel("assets/vendor/mathjax/tex-chtml.js", name)
            new = fill_checker_element(new, f'{attributes} data-dn-mathjax="{mathjax}"')
            if _OPTIONS_MARK in new and "<optgroup" not in new:
                at = new.index("</option>", new.index(_OPTIONS_MARK)) + len("</option>")
                new = new[:at] + _options(entries) + new[at:]
            new = re.sub(r'\n<meta http-equiv="Content-Security-Policy"[^>]*>', "", new)
            policy = content_security_policy(new)
            new = new.replace(
                "<head>",
                f'<head>\n<meta http-equiv="Content-Security-Policy" content="{policy}">',
                1,
            )
        out, position = [], 0
        for match in _BLOCK_MARK.finditer(new):
            key = match.group(1)
            if key not in entries or f'data-dn-edit="{key}"' in new:
                continue
            at = new.find(_HOW, match.end())
            if at < 0:
                continue
            href = f"{_rel(checker_url, name) if checker_url else '.'}/?block={key}".replace(
                "//?", "/?"
            )
            out += [
                new[position:at],
                f'<p class="dn-edit"><a href="{href}" data-dn-edit="{key}">Edit and check this '
                f"derivation</a></p>",
            ]
            position = at
        new = "".join(out) + new[position:]
        if new != text:
            (pages[name]).write_text(new, encoding="utf-8")
    _drop_from_sitemap(site_dir, checker_url)
    return True

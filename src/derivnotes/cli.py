"""Command line: ``derivnotes check | list | new``.

``derivnotes check [PATH ...]`` decides every derivation block under the given files or folders
(default ``docs/``) without building the site. Exit status: 0 when every step holds, 1 when a step
is refuted or a display disagrees with its expr, 2 when a block is malformed or its display cannot
be typeset by the site's MathJax (file and line named).
``derivnotes new SLUG --title "..."`` scaffolds a derivation page (:mod:`derivnotes.scaffold`).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from derivnotes.checker.cache import ResultCache
from derivnotes.checker.page import (
    EXIT_MALFORMED,
    EXIT_OK,
    EXIT_REFUTED,
    FileReport,
    check_page,
    json_document,
)
from derivnotes.checker.results import DerivationResult
from derivnotes.site.extension import DEFAULT_CACHE_DIR
from derivnotes.site.render import typeset_pieces
from derivnotes.site.typeset import (
    MathJaxUnavailable,
    TypesetError,
    Typesetter,
    locate,
    split_delimiters,
)

__all__ = ["EXIT_MALFORMED", "EXIT_OK", "EXIT_REFUTED", "FileReport", "main"]


def markdown_files(paths: Sequence[str]) -> Iterator[Path]:
    """Every Markdown file named by *paths* (folders are searched recursively, sorted)."""
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.md") if ".cache" not in p.parts)
        elif path.is_file():
            yield path
        else:
            raise FileNotFoundError(f"{name}: no such file or folder")


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def untypesettable_displays(
    result: DerivationResult, name: str, block: list[str], first: int, typesetter: Typesetter
) -> list[str]:
    r"""``file:line:`` errors for each chain display of *result* that MathJax cannot typeset
    (a misspelt command in a step's tex or why, say), which would stop the site's build.

    *block* holds the lines of the fence, the first being line ``first + 1`` of the file.
    """
    problems = []
    chains: dict[str, list] = {}
    for step in result.steps:
        chains.setdefault(step.chain, []).append(step)
    for chain, steps in chains.items():
        for piece in typeset_pieces(steps):
            found = split_delimiters(piece)
            if found is None:
                continue
            tex, display = found
            try:
                typesetter.render(tex, display)
            except MathJaxUnavailable:
                raise
            except TypesetError as exc:
                number = locate(tex, str(exc), "\n".join(block))
                line = first + number if number else steps[0].line
                problems.append(
                    f"{name}:{line}: derivation '{result.id}', chain '{chain}': MathJax cannot "
                    f"typeset its display: {exc}.\n"
                    "    The site's build would stop here. Correct the TeX on that line (a step's "
                    "tex or the math\n    in its why); a misspelt command such as \\tahn is the "
                    "usual cause."
                )
    return problems


def typeset_problems(
    typesetter: Typesetter, name: str
) -> Callable[[DerivationResult, list[str], int], list[str]]:
    """The ``more_problems`` of :func:`check_page` that typesets each chain's display with the
    site's MathJax (:func:`untypesettable_displays`)."""

    def problems(result: DerivationResult, block: list[str], first: int) -> list[str]:
        return untypesettable_displays(result, name, block, first, typesetter)

    return problems


def run_blocks(
    paths: Sequence[str],
    *,
    cache_dir: str | None,
    verbose_steps: bool,
    out,
    err,
    as_json: bool = False,
) -> int:
    """Check (or list) every file of *paths*; the exit status. With *as_json*, standard output
    gets one JSON document (see :meth:`FileReport.to_json`) and nothing else."""
    if as_json:
        import io
        import json

        quiet, found = io.StringIO(), []
        status = _run_blocks(
            paths, cache_dir=cache_dir, verbose_steps=False, out=quiet, err=quiet, files=found
        )
        print(json.dumps(json_document(status, found), ensure_ascii=False, indent=1), file=out)
        return status
    return _run_blocks(paths, cache_dir=cache_dir, verbose_steps=verbose_steps, out=out, err=err)


def _run_blocks(
    paths: Sequence[str],
    *,
    cache_dir: str | None,
    verbose_steps: bool,
    out,
    err,
    files: list[dict] | None = None,
) -> int:
    """:func:`run_blocks`, printing as the command does; each file's JSON is added to *files*
    when it is a list."""

    def fail(name: str, message: str) -> None:
        print(message, file=err)
        if files is not None:
            files.append(
                {"file": name, "status": EXIT_MALFORMED, "blocks": [], "messages": [message]}
            )

    cache = ResultCache(cache_dir)
    # Each display is also typeset with the site's MathJax (as the build will), when Node and
    # the npm packages are there; formulas the build already typeset come from its cache.
    typesetter = Typesetter(cache_dir) if Typesetter.available() else None
    status = EXIT_OK
    blocks = steps = 0
    started = time.perf_counter()
    try:
        pages = list(markdown_files(paths))
    except FileNotFoundError as exc:
        fail(str(exc).split(":")[0], f"derivnotes: {exc}")
        return EXIT_MALFORMED
    for path in pages:
        name = display_path(path)
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except UnicodeDecodeError as exc:
            line = path.read_bytes()[: exc.start].count(b"\n") + 1
            fail(
                name,
                f"{name}:{line}: the file is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} "
                "cannot be read); save it as UTF-8",
            )
            status = EXIT_MALFORMED
            continue
        except OSError as exc:
            fail(name, f"{name}: cannot read the file ({exc.strerror})")
            status = EXIT_MALFORMED
            continue
        try:
            more = typeset_problems(typesetter, name) if typesetter is not None else None
            report = check_page(
                lines, name=name, cache=cache, verbose_steps=verbose_steps, more_problems=more
            )
        except MathJaxUnavailable as exc:  # Node or MathJax itself failed: check without it
            print(f"derivnotes: displays not typeset ({exc})", file=err)
            typesetter = None
            report = check_page(lines, name=name, cache=cache, verbose_steps=verbose_steps)
        for stream, text in report.lines:
            print(text, file=out if stream == "out" else err)
        if files is not None:
            files.append(report.to_json(name))
        blocks += report.blocks
        steps += report.steps
        status = max(status, report.status)  # malformed (2) outweighs refuted (1)
    if typesetter is not None:
        typesetter.close()
        typesetter.save(prune=False)
    elapsed = time.perf_counter() - started
    print(
        f"derivnotes: {blocks} block(s), {steps} step(s) in {len(pages)} file(s), "
        f"{elapsed:.2f} s ({cache.hits} from cache)",
        file=out,
    )
    return status


def postbuild_command(site_dir: str, cache_dir: str | None, math_css_into: str | None) -> int:
    """``derivnotes postbuild``: 0 when done, 2 (with the reason) when it cannot be."""
    from derivnotes.site.postbuild import postbuild

    folder = Path(site_dir)
    if not (folder / "index.html").is_file():
        print(
            f"{site_dir}: not a built site (no index.html); build the site first", file=sys.stderr
        )
        return EXIT_MALFORMED
    try:
        changed = postbuild(folder, cache_dir=cache_dir or None, math_css_into=math_css_into)
    except (TypesetError, FileNotFoundError) as exc:
        print(f"derivnotes postbuild: {exc}", file=sys.stderr)
        return EXIT_MALFORMED
    print(f"derivnotes postbuild: {len(changed)} page(s) of {site_dir} updated")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="derivnotes", description="Check the derivations of a derivnotes site."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("check", "decide every derivation block; exit 0 ok, 1 refuted/mismatch, 2 malformed"),
        ("list", "print every derivation block with the status of each step"),
    ):
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument(
            "paths",
            nargs="*",
            default=["docs"],
            metavar="PATH",
            help="Markdown files or folders (default: docs)",
        )
        p.add_argument("--no-cache", action="store_true", help="decide every block again")
        if name == "check":
            p.add_argument(
                "--json",
                action="store_true",
                help="print one JSON document: every block and step (see 'Write a derivation')",
            )
        p.add_argument(
            "--cache-dir",
            default=DEFAULT_CACHE_DIR,
            help=f"where decisions are cached (default: {DEFAULT_CACHE_DIR})",
        )
    text = (
        "after any generator's build: typeset the math of every page of SITE_DIR, trim "
        "notebook pages, make the search index readable (what the MkDocs plugin does)"
    )
    p = sub.add_parser("postbuild", help=text, description=text)
    p.add_argument("site_dir", metavar="SITE_DIR", help="the built site, e.g. site")
    p.add_argument(
        "--cache-dir",
        default=DEFAULT_CACHE_DIR,
        help=f"where typeset formulas are cached (default: {DEFAULT_CACHE_DIR})",
    )
    p.add_argument(
        "--math-css-into",
        metavar="CSS",
        help="a stylesheet of the site every page loads (relative to SITE_DIR) that the "
        "math's CSS is appended to; by default it gets a file of its own",
    )
    text = "scaffold docs/SLUG.md with a checked example derivation and add it to the nav"
    p = sub.add_parser("new", help=text, description=text)
    p.add_argument("slug", metavar="SLUG", help="the page's file name without .md, e.g. softmax")
    p.add_argument("--title", required=True, help='the page title, e.g. "The softmax gradient"')
    p.add_argument("--docs", default="docs", help="the pages' folder (default: docs)")
    p.add_argument("--config", default="mkdocs.yml", help="the site config (default: mkdocs.yml)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "new":
        from derivnotes.scaffold import new_command

        where = {"docs": args.docs, "config": args.config}
        return new_command(args.slug, args.title, **where, out=sys.stdout, err=sys.stderr)
    if args.command == "postbuild":
        return postbuild_command(args.site_dir, args.cache_dir, args.math_css_into)
    cache_dir = None if args.no_cache else args.cache_dir
    return run_blocks(
        args.paths,
        cache_dir=cache_dir,
        verbose_steps=args.command == "list",
        out=sys.stdout,
        err=sys.stderr,
        as_json=getattr(args, "json", False),
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

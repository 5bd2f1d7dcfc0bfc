"""CONTRIBUTING.md: its example block checks, and the commands it tells you to run exist."""

from __future__ import annotations

import re

from conftest import ROOT
from derivnotes.checker.cache import ResultCache
from derivnotes.checker.fences import iter_fences
from derivnotes.checker.page import check_page
from derivnotes.cli import build_parser

TEXT = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_the_example_block_checks_with_every_display_cross_checked() -> None:
    example = TEXT.split("````markdown\n", 1)[1].split("\n````", 1)[0]
    lines = example.splitlines()
    assert [f.language for f in iter_fences(lines)] == ["derivation"]
    report = check_page(lines, name="CONTRIBUTING.md", cache=ResultCache(None))
    assert report.status == 0, report.lines
    assert report.lines == [("out", "ok   CONTRIBUTING.md:1: softmax-gradient: 1 proved")]


def test_every_make_target_it_names_exists() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w-]+):", makefile, re.MULTILINE))
    named = set(re.findall(r"\bmake ([a-z]+)\b", TEXT))
    assert {"test", "serve", "site"} <= named
    assert named <= targets


def test_every_derivnotes_command_it_names_exists() -> None:
    commands = set(re.findall(r"\.venv/bin/derivnotes (\w+)", TEXT))
    assert {"new", "check", "list"} <= commands
    parser = build_parser()
    for command in commands:
        parser.parse_args([command, "x", "--title", "t"] if command == "new" else [command])


def test_it_follows_the_steps_of_a_contribution_in_order() -> None:
    steps = ["git clone", "make test", "derivnotes new", "derivnotes check", "make serve"]
    start = TEXT.index("## 1. ")
    positions = [TEXT.index(step, start) for step in steps]
    assert positions == sorted(positions)
    assert TEXT.index("make test", positions[-1]) < TEXT.index("git push")


def test_the_printed_message_for_an_unreadable_display_is_what_check_prints() -> None:
    example = TEXT.split("````markdown\n", 1)[1].split("\n````", 1)[0]
    said = "      - tex: = \\sigma(z) - y\n"
    assert said in example
    words = re.search(r"\(`tex: (= .*?)`\)", TEXT).group(1)
    lines = example.replace(said, f"      - tex: {words}\n").splitlines()
    report = check_page(lines, name="docs/softmax-gradient.md", cache=ResultCache(None))
    printed = "\n".join(text for _, text in report.lines)
    assert report.status == 2
    assert "exit with status 2 and print:\n\n```text\n" + printed + "\n```" in TEXT

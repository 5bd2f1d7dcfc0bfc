"""What the checker in the browser runs (derivnotes.site.reader), run here in CPython."""

from __future__ import annotations

from derivnotes.checker.page import check_source
from derivnotes.site.reader import EDITOR_NAME, check_for_reader

BLOCK = (
    "id: d\nsymbols:\n  x: real\nchains:\n  - name: c\n    steps:\n"
    "      - tex: x + x\n      - tex: = {}\n"
)


def test_a_bare_block_is_checked_and_named_by_the_editors_lines() -> None:
    answer = check_for_reader(BLOCK.format("2x"))
    assert answer["document"]["status"] == 0
    (block,) = answer["blocks"]
    assert block["status"] == "ok" and block["message"] is None and block["line"] == 0
    assert 'data-status="proved"' in block["html"]
    assert "Just now, in your browser" in block["html"]


def test_a_wrong_step_gets_its_message_at_the_editors_line() -> None:
    answer = check_for_reader(BLOCK.format("3x"))
    (block,) = answer["blocks"]
    assert block["status"] == "refuted"
    assert block["message"].startswith(f"{EDITOR_NAME}:8: ")  # line 8 of the editor: "= 3x"


def test_a_page_with_several_blocks_gets_each_blocks_messages() -> None:
    good = "```derivation\n" + BLOCK.format("2x") + "```\n"
    bad = "```derivation\n" + BLOCK.format("3x").replace("id: d", "id: e") + "```\n"
    page = "# A page\n\n" + good + "\nprose\n\n" + bad
    answer = check_for_reader(page, name="p.md")
    first, second = answer["blocks"]
    assert first["message"] is None and first["line"] == 3
    assert second["message"].startswith("p.md:24: ")
    # the document is check_source's, to the byte
    assert answer["document"] == check_source(page, name="p.md")


def test_malformed_input_gets_a_message_never_a_traceback() -> None:
    for source in ("id: d\nsymbols: [", "```derivation\nid: d\n", "", "just words", "id: [x"):
        answer = check_for_reader(source)
        messages = [b["message"] for b in answer["blocks"]] + answer["document"]["files"][0][
            "messages"
        ]
        assert answer["document"]["status"] == 2 or not answer["blocks"], source
        assert messages and all(m and "Traceback" not in m for m in messages), (source, messages)


def test_html_in_every_field_comes_back_escaped() -> None:
    source = (
        "id: x\nsymbols:\n  x: real\nchains:\n  - name: c\n    steps:\n"
        "      - tex: x + x <img src=x onerror=alert(1)>\n        expr: x + x\n"
        "      - tex: = 2x\n        expr: 2*x\n"
        '        why: "<script>alert(1)</script> [a](javascript:alert(1))"\n'
    )
    answer = check_for_reader(source)
    (block,) = answer["blocks"]
    html = block["html"]
    assert (
        html and "onerror" in html
    )  # shown, as text  # (messages are text: the page sets them with textContent)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert 'href="javascript' not in html


def test_blocks_beyond_the_checkers_reach_get_a_message_at_their_line() -> None:
    huge = BLOCK.format("x + 10^{4400}").replace("- tex: x + x", "- expr: x")
    # (a chain of 600 nested definitions took the same path, a RecursionError, in 30 s)
    for source in (huge,):
        answer = check_for_reader(source)
        (block,) = answer["blocks"]
        assert answer["document"]["status"] == 2
        assert block["message"].startswith(f"{EDITOR_NAME}:1: the checker could not handle")

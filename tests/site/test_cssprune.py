"""Pruning the CSS inlined in notebook pages: same result from the cache, nothing lost."""

from __future__ import annotations

from pathlib import Path

from derivnotes.site.cssprune import prune_css, prune_page_styles

PAGE = (
    "<style>"
    + ".used{a:b}@media (max-width:1px){.used p{c:d}.gone{e:f}}"
    + "".join(f".gone-{i}{{x:y}}" for i in range(40))
    + '@font-face{font-family:"F";src:url("a}b.woff")}'
    + "</style><div class='used'><p>x</p></div>"
)


def test_pruning_keeps_what_the_page_can_use_and_at_rules() -> None:
    out = prune_page_styles(PAGE, min_size=10)
    assert ".used{a:b}" in out and "@media (max-width:1px){.used p{c:d}}" in out
    assert ".gone" not in out
    assert '@font-face{font-family:"F";src:url("a}b.woff")}' in out  # a brace inside a string


def test_the_cache_gives_the_same_result_and_is_read_back(tmp_path: Path) -> None:
    first = prune_page_styles(PAGE, min_size=10, cache_dir=tmp_path)
    assert first == prune_page_styles(PAGE, min_size=10)
    [stored] = list((tmp_path / "css-prune").glob("*.css"))
    stored.write_text(".from-cache{}", encoding="utf-8")
    assert ".from-cache{}" in prune_page_styles(PAGE, min_size=10, cache_dir=tmp_path)


def test_an_unterminated_comment_or_rule_loses_nothing_before_it() -> None:
    assert prune_css(".a{b:c} /* open", {"a"}).startswith(".a{b:c}")
    assert prune_css(".a{b:c} .a{d:e", {"a"}).startswith(".a{b:c}")

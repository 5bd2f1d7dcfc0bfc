"""The site's figures: deterministic, theme-aware, accessible SVG whose words quote the data."""

from __future__ import annotations

import hashlib
import html
import json
import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derivnotes import numerics
from derivnotes.exhibits import figures
from derivnotes.exhibits.figures import (
    BLUE,
    FIGURES,
    GREEN,
    INK,
    ORANGE,
    Figure,
    computational_graph_values,
    format_number,
    gradient_check_errors,
    naive_logistic_loss,
    parse_number,
    render_figure,
)

ROOT = Path(__file__).resolve().parents[2]
NAMES = sorted(FIGURES)
SVG_NS = "{http://www.w3.org/2000/svg}"

#: Numbers as format_number writes them: "0.25", "−0.5", "1.3 × 10⁻¹¹".
NUMBER = re.compile(r"[−-]?\d+(?:\.\d+)?(?: × 10[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?")


@pytest.fixture(scope="module")
def rendered() -> dict[str, Figure]:
    """Every figure, rendered once with its defaults."""
    return {name: render_figure(name) for name in NAMES}


def _pythonpath() -> str:
    """This checkout's src first, then whatever the caller had."""
    return os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))


def _digests_in_fresh_process() -> dict[str, str]:
    code = (
        "import hashlib, json\n"
        "from derivnotes.exhibits.figures import FIGURES, render_figure\n"
        "print(json.dumps({n: hashlib.sha256(render_figure(n).svg.encode()).hexdigest() "
        "for n in sorted(FIGURES)}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": _pythonpath(), "PYTHONHASHSEED": "random"},
        cwd=ROOT,
    )
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def digests_of_two_processes() -> tuple[dict[str, str], dict[str, str]]:
    """SHA-256 of every figure's SVG, from two separate interpreter processes."""
    return _digests_in_fresh_process(), _digests_in_fresh_process()


def _root(svg: str) -> ET.Element:
    return ET.fromstring(svg)


# --- determinism -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_svg_is_byte_identical_across_processes(
    name: str,
    rendered: dict[str, Figure],
    digests_of_two_processes: tuple[dict[str, str], dict[str, str]],
) -> None:
    first, second = digests_of_two_processes
    here = hashlib.sha256(rendered[name].svg.encode()).hexdigest()
    assert first[name] == second[name] == here


@pytest.mark.parametrize("name", NAMES)
def test_svg_carries_no_date_version_or_generator(name: str, rendered: dict[str, Figure]) -> None:
    svg = rendered[name].svg
    assert "matplotlib.org" not in svg.lower()
    assert matplotlib.__version__ not in svg
    assert "<metadata" not in svg
    assert not re.search(r"\b20\d\d-\d\d-\d\d", svg)


# --- a bare, well-formed, accessible element ------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_svg_is_a_bare_well_formed_svg_element(name: str, rendered: dict[str, Figure]) -> None:
    svg = rendered[name].svg
    assert svg.startswith("<svg ") and svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert _root(svg).tag == f"{SVG_NS}svg"


@pytest.mark.parametrize("name", NAMES)
def test_svg_survives_markdown_no_blank_or_indented_lines(
    name: str, rendered: dict[str, Figure]
) -> None:
    lines = rendered[name].svg.split("\n")
    assert all(line and not line[0].isspace() for line in lines)


@pytest.mark.parametrize("name", NAMES)
def test_svg_is_accessible_and_responsive(name: str, rendered: dict[str, Figure]) -> None:
    figure = rendered[name]
    root = _root(figure.svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == figure.alt
    title = root[0]
    assert title.tag == f"{SVG_NS}title" and title.text == figure.alt
    assert len(root.get("viewBox", "").split()) == 4
    assert "max-width:100%" in root.get("style", "") and "height:auto" in root.get("style", "")
    assert not root.get("width", "").endswith("pt")


@pytest.mark.parametrize("name", NAMES)
def test_alt_and_caption_describe_the_figure_with_computed_numbers(
    name: str, rendered: dict[str, Figure]
) -> None:
    figure = rendered[name]
    assert figure.name == name
    assert len(figure.alt) > 80, "alt text should describe the figure, not just name it"
    assert NUMBER.search(figure.alt), "alt text should quote a number computed from the data"
    assert figure.caption and figure.caption.endswith(".")
    for text in (figure.alt, figure.caption):
        assert "e-" not in text and "e+" not in text, "use format_number, not repr"
        assert not re.search(r"[−-]0(?![.\d])", text), "negative zero"


# --- light and dark mode --------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_ink_follows_the_page_text_colour(name: str, rendered: dict[str, Figure]) -> None:
    svg = rendered[name].svg
    assert "currentColor" in svg
    assert INK not in svg.lower()
    for colour in ("#000000", "#ffffff", "black", "white", "#fff", "#000"):
        assert not re.search(rf"(?:fill|stroke|color)\s*[:=]\s*\"?{colour}\b", svg, re.I), colour


@pytest.mark.parametrize("name", NAMES)
def test_background_is_transparent(name: str, rendered: dict[str, Figure]) -> None:
    root = _root(rendered[name].svg)
    figure_patch = root.find(f"{SVG_NS}g/{SVG_NS}g/{SVG_NS}path")
    assert figure_patch is not None
    assert "fill: none" in figure_patch.get("style", "")
    for element in root.iter():
        fill = element.get("fill") or ""
        assert fill in ("", "none", "transparent", "currentColor") or fill in (BLUE, ORANGE, GREEN)
    assert "background" not in rendered[name].svg


@pytest.mark.parametrize("name", NAMES)
def test_data_colours_are_the_palette_only(name: str, rendered: dict[str, Figure]) -> None:
    used = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", rendered[name].svg)}
    assert used <= {BLUE, ORANGE, GREEN}, used


def _contrast(colour_a: str, colour_b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(colour_a), luminance(colour_b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("colour", [BLUE, ORANGE, GREEN])
@pytest.mark.parametrize("background", ["#ffffff", "#1e1e1e"])
def test_data_colours_read_on_light_and_dark_backgrounds(colour: str, background: str) -> None:
    assert _contrast(colour, background) >= 3.5


# --- small, text as text, no leakage --------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_text_is_text_in_the_page_font(name: str, rendered: dict[str, Figure]) -> None:
    svg = rendered[name].svg
    assert "<text" in svg
    assert "DejaVu" not in svg and "glyph" not in svg.lower()
    assert "<style" not in svg, "a <style> element would restyle the whole page"


@pytest.mark.parametrize("name", NAMES)
def test_ids_are_prefixed_and_every_reference_resolves(
    name: str, rendered: dict[str, Figure]
) -> None:
    svg = rendered[name].svg
    ids = re.findall(r' id="([^"]+)"', svg)
    assert len(ids) == len(set(ids))
    assert all(i.startswith(f"dn-{name}-") for i in ids)
    references = set(re.findall(r'(?:url\(#|href="#)([^")]+)', svg))
    assert references <= set(ids)


def test_ids_do_not_collide_between_figures(rendered: dict[str, Figure]) -> None:
    seen: set[str] = set()
    for figure in rendered.values():
        ids = set(re.findall(r' id="([^"]+)"', figure.svg))
        assert not ids & seen
        seen |= ids


@pytest.mark.parametrize("name", NAMES)
def test_figure_is_small(name: str) -> None:
    # Drawing time is a benchmark matter (this machine is shared), not a test's.
    assert len(render_figure(name).svg.encode()) < 100_000


def test_rendering_leaves_rcparams_and_pyplot_alone() -> None:
    before = dict(matplotlib.rcParams)
    render_figure("sigmoid")
    after = dict(matplotlib.rcParams)
    assert {k for k in before if before[k] != after[k]} == set()
    code = (
        "import sys; from derivnotes.exhibits.figures import render_figure; "
        "render_figure('sigmoid'); "
        "print('matplotlib.pyplot' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": _pythonpath()},
    )
    assert result.stdout.strip() == "False"


def test_figures_render_from_several_threads_alike() -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        svgs = list(pool.map(lambda _: render_figure("loss-vs-z").svg, range(4)))
    assert len(set(svgs)) == 1


# --- the registry ---------------------------------------------------------------------------


def test_unknown_figure_name_lists_the_known_ones() -> None:
    with pytest.raises(KeyError) as info:
        render_figure("sigmod")
    message = str(info.value)
    assert "sigmod" in message
    assert all(name in message for name in NAMES)


def test_params_reach_the_figure_function() -> None:
    default = render_figure("computational-graph")
    other = render_figure("computational-graph", x1=3.0, y=0.0)
    assert other.svg != default.svg
    assert "x₁: value 3" in other.alt


def test_every_figure_the_site_needs_is_registered() -> None:
    assert set(NAMES) >= {
        "sigmoid",
        "loss-vs-z",
        "gradient-check-error",
        "stable-vs-naive-loss",
        "descent-convergence",
        "sigmoid-squared-error-gradient",
        "computational-graph",
    }


# --- the numbers in the words are the numbers of the data -----------------------------------


def _numbers(text: str) -> list[float]:
    return [parse_number(match) for match in NUMBER.findall(text)]


def test_sigmoid_alt_quotes_the_maximum_slope_from_numerics(rendered: dict[str, Figure]) -> None:
    s0 = float(numerics.sigmoid(0.0))
    assert f"maximum slope {format_number(s0 * (1 - s0))} at z = 0" in rendered["sigmoid"].alt
    assert "maximum slope 0.25 at z = 0" in rendered["sigmoid"].alt


def test_loss_alt_quotes_log_2_at_z_zero(rendered: dict[str, Figure]) -> None:
    quoted = format_number(float(numerics.logistic_loss(0.0, 1.0)))
    assert quoted == format_number(math.log(2))
    assert f"log 2 ≈ {quoted}" in rendered["loss-vs-z"].alt


def test_gradient_check_shows_the_v_and_quotes_its_bottom(rendered: dict[str, Figure]) -> None:
    eps = np.logspace(-12, -1, 45)
    errors = gradient_check_errors(eps)
    best = int(np.argmin(errors))
    assert 0 < best < len(eps) - 1
    assert errors[0] > 1e3 * errors[best] and errors[-1] > 1e3 * errors[best]
    assert 1e-8 < eps[best] < 1e-3
    assert errors[best] < 1e-8, "analytic and numeric gradients of numerics must agree"
    alt = rendered["gradient-check-error"].alt
    assert f"smallest relative error {format_number(errors[best], 2)}" in alt


def test_naive_loss_breaks_exactly_where_the_caption_says(rendered: dict[str, Figure]) -> None:
    caption = rendered["stable-vs-naive-loss"].caption
    high = parse_number(re.search(r"z ≥ (\S+)\)", caption).group(1))
    low = parse_number(re.search(r"z ≤ (\S+)\)", caption).group(1))
    assert high == pytest.approx(53 * math.log(2), abs=0.01)  # 1 + 2⁻⁵³ rounds to 1
    assert low == pytest.approx(-math.log(np.finfo(float).max), abs=0.1)  # exp overflows
    assert np.isfinite(naive_logistic_loss(high - 0.01, 0.0))
    assert np.isinf(naive_logistic_loss(high + 0.01, 0.0))
    assert np.isnan(naive_logistic_loss(high + 0.01, 1.0))
    assert np.isfinite(naive_logistic_loss(low + 0.1, 1.0))
    assert np.isinf(naive_logistic_loss(low - 0.1, 1.0))
    for z in (-1000.0, low - 0.1, high + 0.01, 1000.0):
        for y in (0.0, 1.0):
            assert np.isfinite(numerics.logistic_loss(z, y))


@given(z=st.floats(-20, 20), y=st.sampled_from([0.0, 1.0]))
def test_naive_loss_agrees_with_numerics_where_it_is_safe(z: float, y: float) -> None:
    assert naive_logistic_loss(z, y) == pytest.approx(
        float(numerics.logistic_loss(z, y)), rel=1e-6, abs=1e-12
    )


def test_cross_entropy_descent_beats_squared_error_as_the_caption_says(
    rendered: dict[str, Figure],
) -> None:
    caption = rendered["descent-convergence"].caption
    iterations = [int(n) for n in re.findall(r"in (\d+) iterations", caption)]
    assert len(iterations) == 2
    cross_entropy, squared_error = iterations
    assert 3 * cross_entropy < squared_error


def test_squared_error_gradient_vanishes_when_confidently_wrong(
    rendered: dict[str, Figure],
) -> None:
    a = float(numerics.sigmoid(-8.0))
    cross_entropy, squared = abs(a - 1.0), abs((a - 1.0) * a * (1.0 - a))
    alt = rendered["sigmoid-squared-error-gradient"].alt
    assert format_number(cross_entropy, 4) in alt and format_number(squared) in alt
    assert f"peaks at {format_number(4 / 27)}" in alt  # max of (1 − a)² a at a = 1/3
    assert cross_entropy / squared > 1000


def test_computational_graph_gradients_match_numerics() -> None:
    nodes = computational_graph_values()
    X, y = np.array([[1.5, -2.0]]), np.array([1.0])
    dj_dw, dj_db = numerics.logistic_gradient(X, y, np.array([0.8, 0.3]), -0.4)
    assert [nodes["w1"].grad, nodes["w2"].grad] == pytest.approx(list(dj_dw))
    assert nodes["b"].grad == pytest.approx(float(dj_db))
    assert nodes["z"].grad == pytest.approx(nodes["a"].value - 1.0)  # dz = a − y
    assert nodes["L"].value == pytest.approx(math.log1p(math.exp(-0.2)))


def test_the_default_graph_shows_every_product_as_a_different_number() -> None:
    # with z = 0 the value -0.5 appeared six times and no product could be told apart; now
    # only ∂L/∂z repeats, as it must (∂z/∂p₁ = ∂z/∂p₂ = ∂z/∂b = 1)
    graph = computational_graph_values()
    nodes = [node for key, node in graph.items() if key not in ("y", "L")]
    shown = [figures.format_number(node.value) for node in nodes]
    shown += [figures.format_number(node.grad) for node in nodes]
    repeated = {value for value in shown if shown.count(value) > 1}
    assert repeated == {figures.format_number(graph["z"].grad)}


finite = st.floats(-3, 3, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(x1=finite, x2=finite, w1=finite, w2=finite, b=finite, y=st.sampled_from([0.0, 1.0]))
def test_computational_graph_backprop_equals_the_closed_form(
    x1: float, x2: float, w1: float, w2: float, b: float, y: float
) -> None:
    nodes = computational_graph_values(x1, x2, w1, w2, b, y)
    X = np.array([[x1, x2]])
    dj_dw, dj_db = numerics.logistic_gradient(X, np.array([y]), np.array([w1, w2]), b)
    assert nodes["w1"].grad == pytest.approx(float(dj_dw[0]), rel=1e-9, abs=1e-12)
    assert nodes["w2"].grad == pytest.approx(float(dj_dw[1]), rel=1e-9, abs=1e-12)
    assert nodes["b"].grad == pytest.approx(float(dj_db), rel=1e-9, abs=1e-12)
    assert nodes["x1"].grad == pytest.approx(float(dj_db) * w1, rel=1e-9, abs=1e-12)


def test_computational_graph_figure_shows_every_node_value_and_gradient(
    rendered: dict[str, Figure],
) -> None:
    figure = rendered["computational-graph"]
    texts = "".join(_root(figure.svg).itertext())
    for node in computational_graph_values().values():
        assert f"= {format_number(node.value)}" in texts
        if node.grad is not None:
            assert format_number(node.grad) in texts
            assert format_number(node.grad) in figure.alt


# --- number formatting ----------------------------------------------------------------------


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300))
def test_format_number_round_trips_to_three_significant_figures(value: float) -> None:
    text = format_number(value)
    assert "e" not in text and not text.startswith("-")
    assert text != "−0"
    assert parse_number(text) == pytest.approx(value, rel=5e-3, abs=1e-300)


def test_svg_escapes_the_alt_text() -> None:
    raw = (
        '<svg width="10pt" height="10pt" viewBox="0 0 10 10" xmlns="http://www.w3.org/2000/svg">'
        "</svg>"
    )
    svg = figures.finish_svg(raw, "demo", 'a "quoted" <b> & more')
    root = _root(svg)
    assert root.get("aria-label") == 'a "quoted" <b> & more'
    assert html.unescape(svg).count("<b>") == 2


@pytest.mark.parametrize("name", sorted(figures.FIGURES))
def test_every_figure_has_a_drawing_legible_on_a_phone(name: str) -> None:
    from derivnotes.exhibits.fences import render_figure_block

    html = render_figure_block(f"name: {name}", file="page.md", line=1)
    assert html.count("<svg") == 2
    _wide, phone = html.split('<div class="dn-figure-phone')
    if name in figures.PHONE_SCROLL:  # the wide drawing, at a legible width, in a scroll box
        assert "dn-figure-scroll" in phone
        assert f"min-width:{figures.PHONE_SCROLL_WIDTH}px" in phone
    else:  # drawn narrow: its points are larger in proportion to its width
        width = float(re.search(r'viewBox="0 0 ([\d.]+) ', phone).group(1))
        assert width == pytest.approx(figures.PHONE_WIDTH * 72, abs=1)
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "the two drawings share an id"

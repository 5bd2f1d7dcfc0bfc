"""The site's figures: matplotlib drawings turned into deterministic, theme-aware inline SVG.

Every figure is a function that computes its data with :mod:`derivnotes.numerics`, draws it on a
pyplot-free :class:`matplotlib.figure.Figure` and returns a :class:`Figure`: the ``<svg>``
element ready to inline in a page, its alt text and its caption, both of which quote numbers
computed from the same data as the drawing (never typed by hand).

What the SVG promises (the tests in ``tests/exhibits/test_figures.py`` hold it to this):

* **Byte-identical from run to run**: no dates or version strings, a fixed hash salt per figure,
  deterministic data (``numpy.random.default_rng(0)``) and ids renamed to a per-figure prefix.
* **Light and dark mode**: the background is transparent and every piece of "ink" (axes, ticks,
  labels, text, boxes, arrows) is drawn in :data:`INK`, a sentinel colour replaced by
  ``currentColor`` so it follows the page's text colour. Data use mid-saturation colours that
  read on white and near-black, always paired with a line style or marker.
* **Small and accessible**: text stays text (``svg.fonttype = "none"``) in the page's font, the
  root element has ``role="img"``, an ``aria-label`` and a ``<title>``; it scales with its
  container (``viewBox`` kept, ``max-width: 100%; height: auto``).
* **No global leakage**: no pyplot, no stylesheet that would style the rest of the page; the
  temporary rcParams live in a :func:`matplotlib.rc_context` under a lock.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import html
import io
import math
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import matplotlib
import numpy as np
from matplotlib import cycler
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure as MplFigure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.ticker import FuncFormatter, NullFormatter

from derivnotes import numerics

__all__ = [
    "BLUE",
    "FIGURES",
    "GREEN",
    "INK",
    "ORANGE",
    "Figure",
    "GraphNode",
    "computational_graph_figure",
    "computational_graph_values",
    "descent_convergence_figure",
    "descent_data",
    "finish_svg",
    "format_number",
    "gradient_check_data",
    "gradient_check_error_figure",
    "gradient_check_errors",
    "loss_vs_z_figure",
    "naive_logistic_loss",
    "parse_number",
    "render_figure",
    "run_descent",
    "sigmoid_figure",
    "sigmoid_squared_error_gradient_figure",
    "stable_vs_naive_loss_figure",
]

#: Sentinel colour for ink; every occurrence becomes ``currentColor`` in the finished SVG.
INK = "#010203"
#: Data colours with a contrast of about 4:1 on white and on near-black (#1e1e1e) alike.
BLUE = "#2f7de1"
ORANGE = "#dd4d10"
GREEN = "#2c9142"

_LOCK = threading.RLock()

#: Metadata that matplotlib would otherwise write (dates, version strings): all suppressed.
_NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


@dataclass(frozen=True)
class Figure:
    """A finished figure: inline SVG plus the words that go with it.

    Attributes
    ----------
    name : str
        The figure's key in :data:`FIGURES`, e.g. ``"sigmoid"``.
    svg : str
        A complete ``<svg ...>...</svg>`` element (no XML prolog or doctype).
    alt : str
        Alt text describing what the figure shows, with key numbers computed from its data.
    caption : str
        One or two sentences for under the figure.
    """

    name: str
    svg: str
    alt: str
    caption: str


# --------------------------------------------------------------------------------------------
# Number formatting


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_number(value: float, digits: int = 3) -> str:
    """Format *value* for prose: *digits* significant figures, a true minus, ``× 10ⁿ``.

    Parameters
    ----------
    value : float
        The number.
    digits : int
        Significant figures (as in the ``g`` format).

    Returns
    -------
    str
        E.g. ``"0.25"``, ``"−0.5"``, ``"1.26 × 10⁻¹¹"``, ``"inf"``; never ``"-0"``.

    Examples
    --------
    >>> format_number(0.25)
    '0.25'
    >>> format_number(-0.30000000000000004)
    '−0.3'
    >>> format_number(1.2589e-11)
    '1.26 × 10⁻¹¹'
    >>> format_number(-1e-20, digits=2) == format_number(0.0)
    False
    >>> format_number(-0.0)
    '0'
    >>> format_number(1000.0), format_number(2980.96), format_number(0.00033535)
    ('1000', '2980', '0.000335')
    """
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "−inf"
    text = f"{value:.{digits}g}"
    rounded = float(text)
    if rounded == 0.0:
        return "0"
    if 1e-4 <= abs(rounded) < 1e6:
        text = np.format_float_positional(rounded, trim="-")
    elif "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPTS)}"
    return text.replace("-", "−", 1) if text.startswith("-") else text


def parse_number(text: str) -> float:
    """Inverse of :func:`format_number` (used by tests to read numbers back from prose).

    Examples
    --------
    >>> parse_number("−1.26 × 10⁻¹¹")
    -1.26e-11
    >>> parse_number(format_number(0.693147))
    0.693
    """
    text = text.replace("−", "-").replace("⁻", "-")
    text = text.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))
    if " × 10" in text:
        mantissa, exponent = text.split(" × 10")
        return float(f"{mantissa}e{exponent}")
    return float(text)


# --------------------------------------------------------------------------------------------
# The SVG machinery


def _rc(name: str) -> dict[str, Any]:
    """The rcParams every figure is drawn with (salted by figure name)."""
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": f"derivnotes-{name}",
        "svg.image_inline": True,
        "font.family": "sans-serif",
        "font.size": 11,
        "axes.titlesize": 11,
        "axes.labelsize": 11,
        "legend.fontsize": 10,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
        "text.color": INK,
        "axes.edgecolor": INK,
        "axes.labelcolor": INK,
        "axes.titlecolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "xtick.labelcolor": INK,
        "ytick.labelcolor": INK,
        "grid.color": INK,
        "grid.alpha": 0.15,
        "grid.linewidth": 0.8,
        "patch.edgecolor": INK,
        "hatch.color": INK,
        "axes.facecolor": "none",
        "figure.facecolor": "none",
        "figure.edgecolor": "none",
        "savefig.facecolor": "none",
        "savefig.edgecolor": "none",
        "savefig.transparent": True,
        "legend.frameon": False,
        "legend.facecolor": "none",
        "legend.edgecolor": INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "axes.unicode_minus": True,
        "axes.prop_cycle": cycler(color=[BLUE, ORANGE, GREEN]),
        "lines.linewidth": 2.0,
        "lines.markersize": 6,
        "mathtext.fontset": "dejavusans",
        "path.simplify": True,
    }


#: Figures whose drawing is a diagram that does not fit a phone's width at a legible size:
#: on a phone it keeps its wide drawing, at least :data:`PHONE_SCROLL_WIDTH` CSS px wide, and
#: scrolls sideways in its own box.
PHONE_SCROLL = frozenset({"computational-graph"})
PHONE_SCROLL_WIDTH = 720  # its smallest text, 9 pt of a 576 pt wide drawing, at 11.25 px

#: Width (inches) of a figure's phone drawing. Its text keeps its size in points, so on a
#: 360 px screen (about 328 px of content) 9 pt comes out at 11.4 CSS px; the wide drawing's
#: 9 pt needs 616 px of content for that.
PHONE_WIDTH = 3.6
_PHONE = contextvars.ContextVar("derivnotes_phone_drawing", default=False)


def phone_figsize(figsize: tuple[float, float]) -> tuple[float, float]:
    """The size of a figure's phone drawing: :data:`PHONE_WIDTH` wide, taller in proportion
    (a narrow plot needs height to stay readable), at most 1.3 times as tall as wide per panel
    row of the wide drawing."""
    width, height = figsize
    return PHONE_WIDTH, round(min(height * PHONE_WIDTH / width * 1.45, height * 0.95), 2)


@contextlib.contextmanager
def _drawing(
    name: str,
    figsize: tuple[float, float] = (7.0, 4.0),
    phone_size: tuple[float, float] | None = None,
) -> Iterator[MplFigure]:
    """A fresh pyplot-free matplotlib figure, drawn and saved under the site's rcParams (at
    *phone_size*, or :func:`phone_figsize`, while :func:`for_phones` is on)."""
    if _PHONE.get():
        name, figsize = f"{name}-phone", phone_size or phone_figsize(figsize)
    with _LOCK, matplotlib.rc_context(_rc(name)):
        yield MplFigure(figsize=figsize, layout="constrained")


@contextlib.contextmanager
def for_phones() -> Iterator[None]:
    """Draw figures at their phone size (see :data:`PHONE_WIDTH`) inside this block."""
    token = _PHONE.set(True)
    try:
        yield
    finally:
        _PHONE.reset(token)


_ID = re.compile(r' id="([^"]+)"')
_REFERENCE = re.compile(r'(?:url\(#|href="#)([^")]+)')
_FONT_FAMILY = re.compile(r"font-family:[^;\"]*;?\s*")
_ROOT = re.compile(r"<svg\b[^>]*>")
_VIEWBOX = re.compile(r'viewBox="([^"]+)"')
_STYLE_ELEMENT = re.compile(r"\s*<style\b[^>]*>.*?</style>", re.DOTALL)
_EMPTY_DEFS = re.compile(r"\s*<defs>\s*</defs>")

#: The root element's own style: responsive, page font, what matplotlib's <style> said.
_ROOT_STYLE = (
    "max-width:100%;height:auto;"
    "font-family:var(--md-text-font-family, sans-serif);"
    "stroke-linejoin:round;stroke-linecap:butt"
)


def finish_svg(raw: str, name: str, alt: str) -> str:
    """Turn matplotlib's SVG output into the inline element the site embeds.

    Strips the prolog and doctype, replaces the :data:`INK` sentinel by ``currentColor``,
    drops the per-text font lists (text inherits the page font), removes matplotlib's document
    wide ``<style>`` (it would restyle every SVG on the page), renames the ids that are
    referenced to ``dn-<name>-<digest>-<n>`` and drops the others, and writes a new root tag with
    ``role="img"``, ``aria-label`` and a ``<title>``.

    Parameters
    ----------
    raw : str
        What ``savefig(format="svg")`` wrote.
    name : str
        The figure name (used in class and id prefix).
    alt : str
        The alt text.

    Returns
    -------
    str
        The ``<svg>...</svg>`` element.

    Examples
    --------
    >>> raw = ('<?xml version="1.0"?>\\n<svg width="72pt" height="36pt" viewBox="0 0 72 36" '
    ...        'xmlns="http://www.w3.org/2000/svg">\\n<g id="figure_1"><path '
    ...        'style="stroke: #010203"/></g>\\n</svg>\\n')
    >>> print(finish_svg(raw, "demo", "A <demo>"))
    <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     version="1.1" class="dn-figure-svg dn-figure-demo" viewBox="0 0 72 36" width="96" height="48"
     role="img" aria-label="A &lt;demo&gt;"
     style="max-width:100%;height:auto;font-family:var(--md-text-font-family,
     sans-serif);stroke-linejoin:round;stroke-linecap:butt"><title>A &lt;demo&gt;</title><g><path
     style="stroke: currentColor"/></g>
    </svg>
    """
    start = raw.index("<svg")
    body = raw[start:].strip()
    root = _ROOT.match(body)
    if root is None:  # pragma: no cover - matplotlib always writes a root element
        raise ValueError("not an SVG document")
    viewbox_match = _VIEWBOX.search(root.group(0))
    if viewbox_match is None:  # pragma: no cover
        raise ValueError("SVG without a viewBox")
    viewbox = viewbox_match.group(1)
    width_pt, height_pt = (float(v) for v in viewbox.split()[2:])
    inner = body[root.end() :]

    inner = _STYLE_ELEMENT.sub("", inner)
    inner = _EMPTY_DEFS.sub("", inner)
    inner = re.sub(re.escape(INK), "currentColor", inner, flags=re.IGNORECASE)
    inner = _FONT_FAMILY.sub("", inner)
    inner = inner.replace('style=""', "").replace("; ;", ";")
    # No indentation and no blank lines: a Markdown processor meeting the element can neither
    # take an indented line for code nor end the HTML block at a blank line.
    inner = "\n".join(line.strip() for line in inner.splitlines() if line.strip())

    referenced = set(_REFERENCE.findall(inner))
    digest = hashlib.sha256(inner.encode()).hexdigest()[:8]
    renamed: dict[str, str] = {}
    for old in _ID.findall(inner):
        if old in referenced and old not in renamed:
            renamed[old] = f"dn-{name}-{digest}-{len(renamed) + 1}"

    def _swap_id(match: re.Match[str]) -> str:
        new = renamed.get(match.group(1))
        return f' id="{new}"' if new else ""

    inner = _ID.sub(_swap_id, inner)
    inner = _REFERENCE.sub(lambda m: m.group(0)[: -len(m.group(1))] + renamed[m.group(1)], inner)

    label = html.escape(alt, quote=True)
    head = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'version="1.1" class="dn-figure-svg dn-figure-{name}" viewBox="{viewbox}" '
        f'width="{round(width_pt * 96 / 72)}" height="{round(height_pt * 96 / 72)}" '
        f'role="img" aria-label="{label}" style="{_ROOT_STYLE}">'
        f"<title>{html.escape(alt, quote=False)}</title>"
    )
    return head + inner


def _finish(fig: MplFigure, name: str, alt: str, caption: str) -> Figure:
    """Save *fig* as SVG (inside the drawing context) and wrap it in a :class:`Figure`."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata=_NO_METADATA, transparent=True)
    return Figure(name=name, svg=finish_svg(buffer.getvalue(), name, alt), alt=alt, caption=caption)


def _powers_of_ten(axis: Any) -> None:
    """Label a log axis ``10⁻¹²`` in plain Unicode (mathtext is slow and ignores the page font)."""

    def label(value: float, _position: int) -> str:
        exponent = round(math.log10(value)) if value > 0 else 0
        if value <= 0 or not math.isclose(value, 10.0**exponent, rel_tol=1e-9):
            return ""
        return "1" if exponent == 0 else f"10{str(exponent).translate(_SUPERSCRIPTS)}"

    axis.set_major_formatter(FuncFormatter(label))
    axis.set_minor_formatter(NullFormatter())


def _legend(ax: Axes, **kwargs: Any) -> None:
    """A frameless legend whose text follows the ink colour; in a phone drawing, where the plot
    is too narrow to share with it, above the plot."""
    if _PHONE.get():
        handles, labels = ax.get_legend_handles_labels()
        ax.figure.legend(handles, labels, loc="outside upper center", frameon=False, labelcolor=INK)
        return
    ax.legend(frameon=False, labelcolor=INK, **kwargs)


# --------------------------------------------------------------------------------------------
# Figures


def sigmoid_figure(z_min: float = -8.0, z_max: float = 8.0, num: int = 401) -> Figure:
    """The sigmoid ``σ(z)`` and its derivative ``σ'(z) = σ(z)(1 − σ(z))``.

    Parameters
    ----------
    z_min, z_max : float
        The range of ``z``.
    num : int
        Number of sample points (odd with a symmetric range, so ``z = 0`` is sampled).

    Returns
    -------
    Figure
        The finished figure; its alt text names the maximum slope and where it is.

    Examples
    --------
    >>> fig = sigmoid_figure()
    >>> fig.svg.startswith("<svg")
    True
    >>> "maximum slope 0.25 at z = 0" in fig.alt
    True
    """
    z = np.linspace(z_min, z_max, num)
    s = numerics.sigmoid(z)
    ds = s * (1.0 - s)
    peak = int(np.argmax(ds))
    z_peak, ds_peak = float(z[peak]), float(ds[peak])
    with _drawing("sigmoid", (7.0, 3.8)) as fig:
        ax = fig.add_subplot()
        ax.plot(z, s, color=BLUE, linestyle="-", label="σ(z)")
        ax.plot(z, ds, color=ORANGE, linestyle="--", label="σ′(z) = σ(z)(1 − σ(z))")
        ax.plot([z_peak], [ds_peak], marker="o", color=ORANGE, linestyle="none")
        ax.annotate(
            f"maximum slope {format_number(ds_peak)} at z = {format_number(z_peak)}",
            xy=(z_peak, ds_peak),
            xytext=(z_peak + 1.0, ds_peak + 0.12),
            arrowprops={"arrowstyle": "->", "color": INK, "linewidth": 0.8},
        )
        ax.axhline(0.5, color=INK, linewidth=0.6, alpha=0.4, linestyle=":")
        ax.set_xlim(z_min, z_max)
        ax.set_ylim(-0.02, 1.05)
        ax.set_xlabel("z")
        _legend(ax, loc="upper left")
        alt = (
            f"Line plot of the sigmoid σ(z) and its derivative σ′(z) for z from "
            f"{format_number(z_min)} to {format_number(z_max)}. σ(z) rises in an S-shape from "
            f"{format_number(s[0])} to {format_number(s[-1])}, passing 0.5 at z = 0. σ′(z) is "
            f"a bell curve with maximum slope {format_number(ds_peak)} at "
            f"z = {format_number(z_peak)} and falls to {format_number(ds[0])} at "
            f"z = {format_number(z_min)}."
        )
        caption = (
            f"The sigmoid and its derivative σ′(z) = σ(z)(1 − σ(z)): the slope is largest, "
            f"{format_number(ds_peak)}, at z = {format_number(z_peak)}, and is below "
            f"{format_number(max(ds[0], ds[-1]), 2)} at the ends of the plot, where σ saturates."
        )
        return _finish(fig, "sigmoid", alt, caption)


def loss_vs_z_figure(z_min: float = -6.0, z_max: float = 6.0, num: int = 241) -> Figure:
    """The logistic loss ``L`` as a function of ``z`` for ``y = 1`` and ``y = 0``.

    Parameters
    ----------
    z_min, z_max : float
        The range of ``z`` (the caption quotes the loss at ``z_min`` for ``y = 1``).
    num : int
        Number of sample points.

    Returns
    -------
    Figure
        Alt text and caption quote ``L(0) = log 2`` and the loss of a confidently wrong
        prediction.

    Examples
    --------
    >>> fig = loss_vs_z_figure()
    >>> "0.693" in fig.alt
    True
    """
    z = np.linspace(z_min, z_max, num)
    loss1 = numerics.logistic_loss(z, 1.0)
    loss0 = numerics.logistic_loss(z, 0.0)
    at_zero = float(numerics.logistic_loss(0.0, 1.0))
    wrong = float(numerics.logistic_loss(z_min, 1.0))
    right = float(numerics.logistic_loss(z_max, 1.0))
    with _drawing("loss-vs-z", (7.0, 3.8)) as fig:
        ax = fig.add_subplot()
        ax.plot(z, loss1, color=BLUE, linestyle="-", label="y = 1:  L = −log σ(z)")
        ax.plot(z, loss0, color=ORANGE, linestyle="--", label="y = 0:  L = −log(1 − σ(z))")
        ax.plot([0.0], [at_zero], marker="o", color=INK, linestyle="none")
        ax.annotate(
            f"L = log 2 ≈ {format_number(at_zero)} at z = 0",
            xy=(0.0, at_zero),
            xytext=(1.0, at_zero + 0.05),
            va="center",
            arrowprops={"arrowstyle": "->", "color": INK, "linewidth": 0.8},
        )
        ax.set_xlim(z_min, z_max)
        ax.set_ylim(bottom=0.0)
        ax.set_xlabel("z")
        ax.set_ylabel("loss L")
        _legend(ax, loc="upper center")
        alt = (
            f"Line plot of the logistic loss L against z from {format_number(z_min)} to "
            f"{format_number(z_max)}. For y = 1 the loss falls from {format_number(wrong)} at "
            f"z = {format_number(z_min)} to {format_number(right)} at z = {format_number(z_max)}; "
            f"for y = 0 it is the mirror image. The curves cross at z = 0, where "
            f"L = log 2 ≈ {format_number(at_zero)}; far on the wrong side each grows almost "
            f"linearly in z."
        )
        caption = (
            f"The loss of one example as a function of z. A confident wrong prediction "
            f"(z = {format_number(z_min)} when y = 1) costs {format_number(wrong)}, a confident "
            f"right one costs {format_number(right)}; at z = 0 both are log 2 ≈ "
            f"{format_number(at_zero)}."
        )
        return _finish(fig, "loss-vs-z", alt, caption)


def gradient_check_data(
    m: int = 10, n: int = 3, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The small concrete data set of the gradient check: ``X, y, w, b``.

    Deterministic: drawn from ``numpy.random.default_rng(seed)``.

    Examples
    --------
    >>> X, y, w, b = gradient_check_data()
    >>> X.shape, y.shape, w.shape, b
    ((10, 3), (10,), (3,), 0.5)
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n))
    y = (rng.random(m) < 0.5).astype(float)
    w = rng.normal(size=n)
    return X, y, w, 0.5


def gradient_check_errors(eps: np.ndarray, m: int = 10, n: int = 3, seed: int = 0) -> np.ndarray:
    """Relative error of central differences against the analytic gradient, per step size.

    The error is ``‖g_num − g‖ / (‖g_num‖ + ‖g‖)`` over all partials ``(∂J/∂w, ∂J/∂b)`` of the
    logistic cost on :func:`gradient_check_data`.

    Examples
    --------
    >>> errors = gradient_check_errors(np.array([1e-1, 1e-5, 1e-12]))
    >>> bool(errors[1] < errors[0] and errors[1] < errors[2])
    True
    """
    X, y, w, b = gradient_check_data(m, n, seed)
    dj_dw, dj_db = numerics.logistic_gradient(X, y, w, b)
    analytic = np.append(dj_dw, dj_db)
    theta = np.append(w, b)

    def cost(t: np.ndarray) -> float:
        return float(numerics.logistic_cost(X, y, t[:-1], float(t[-1])))

    errors = []
    for step in np.asarray(eps, dtype=float):
        numeric = np.asarray(numerics.numerical_gradient(cost, theta, float(step)))
        scale = np.linalg.norm(numeric) + np.linalg.norm(analytic)
        errors.append(np.linalg.norm(numeric - analytic) / scale)
    return np.array(errors)


def gradient_check_error_figure(
    eps_min: float = 1e-12,
    eps_max: float = 1e-1,
    num: int = 45,
    m: int = 10,
    n: int = 3,
    seed: int = 0,
) -> Figure:
    """Relative error of the finite-difference gradient versus the step size ``ε`` (log-log).

    Truncation error (``∝ ε²``) falls as ``ε`` shrinks until rounding error (``∝ u/ε``, ``u``
    the machine epsilon) takes over: a V whose bottom is the best step.

    Parameters
    ----------
    eps_min, eps_max : float
        The range of step sizes (log-spaced).
    num : int
        Number of step sizes.
    m, n, seed : int
        Size and seed of the data set (:func:`gradient_check_data`).

    Returns
    -------
    Figure
        Alt text and caption quote the best step and its error.

    Examples
    --------
    >>> fig = gradient_check_error_figure()
    >>> "smallest relative error" in fig.alt
    True
    """
    eps = np.logspace(math.log10(eps_min), math.log10(eps_max), num)
    errors = gradient_check_errors(eps, m, n, seed)
    best = int(np.argmin(errors))
    eps_best, err_best = float(eps[best]), float(errors[best])
    unit = float(np.finfo(float).eps)
    with _drawing("gradient-check-error", (7.0, 4.0)) as fig:
        ax = fig.add_subplot()
        ax.loglog(eps, errors, color=BLUE, marker="o", markersize=4, label="measured error")
        # Guide lines through the two ends of the V: slope 2 (truncation), slope −1 (rounding).
        right_arm, left_arm = eps >= eps_best / 10, eps <= eps_best * 10
        truncation = errors[-1] * (eps[right_arm] / eps[-1]) ** 2
        rounding = errors[0] * (eps[0] / eps[left_arm])
        ax.loglog(eps[right_arm], truncation, color=ORANGE, linestyle="--", linewidth=1.2,
                  label="truncation ∝ ε²")  # fmt: skip
        ax.loglog(eps[left_arm], rounding, color=GREEN, linestyle=":", linewidth=1.6,
                  label="rounding ∝ u/ε")  # fmt: skip
        ax.plot(
            [eps_best],
            [err_best],
            marker="o",
            markersize=9,
            markerfacecolor="none",
            markeredgecolor=INK,
            linestyle="none",
        )
        if not _PHONE.get():  # on a phone there is no room beside the V: the caption says it
            ax.annotate(
                f"best: ε = {format_number(eps_best, 2)},\nerror {format_number(err_best, 2)}",
                xy=(eps_best, err_best),
                xytext=(-70, -25),
                textcoords="offset points",
                arrowprops={"arrowstyle": "->", "color": INK, "linewidth": 0.8},
                ha="right",
                va="top",
            )
        ax.set_ylim(err_best / 300, errors.max() * 10)
        _powers_of_ten(ax.xaxis)
        _powers_of_ten(ax.yaxis)
        ax.set_xlabel("step size ε")
        ax.set_ylabel("relative error")
        ax.grid(True, which="major")
        _legend(ax, loc="upper center")
        alt = (
            f"Log-log plot of the relative error between central finite differences and the "
            f"analytic gradient of the logistic cost ({m} examples, {n} features), for step "
            f"sizes ε from {format_number(eps_min)} to {format_number(eps_max)}. The error forms "
            f"a V: it falls like ε² from {format_number(errors[-1], 2)} at "
            f"ε = {format_number(eps[-1])} to the smallest relative error "
            f"{format_number(err_best, 2)} at ε = {format_number(eps_best, 2)}, then rises like "
            f"1/ε to {format_number(errors[0], 2)} at ε = {format_number(eps[0])}."
        )
        caption = (
            f"Central differences agree with the analytic gradient to a relative error of "
            f"{format_number(err_best, 2)} at the best step ε ≈ {format_number(eps_best, 2)} "
            f"(about the cube root of the machine epsilon u = {format_number(unit, 2)}, "
            f"i.e. {format_number(unit ** (1 / 3), 2)}); larger steps suffer truncation error, "
            f"smaller ones rounding error."
        )
        return _finish(fig, "gradient-check-error", alt, caption)


def naive_logistic_loss(z: np.ndarray | float, y: float) -> np.ndarray:
    """The textbook formula, computed naively: ``−[y log σ(z) + (1 − y) log(1 − σ(z))]``.

    Deliberately *not* :func:`derivnotes.numerics.logistic_loss`: ``σ`` is evaluated as
    ``1/(1 + exp(−z))``, so ``exp`` overflows for ``z < −709.78`` and ``σ`` rounds to exactly
    ``1`` for ``z > 36.74``, and the logs then give ``inf`` and ``0·(−inf) = nan``. Floating
    point warnings are silenced: they are what this function demonstrates.

    Examples
    --------
    >>> naive_logistic_loss(np.array([0.0, 40.0, -800.0]), 0.0)
    array([0.69314718,        inf,        nan])
    """
    z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        a = 1.0 / (1.0 + np.exp(-z))
        return -(y * np.log(a) + (1.0 - y) * np.log(1.0 - a))


def _naive_break(y: float, inside: float, outside: float) -> float:
    """The ``z`` at which the naive loss stops being finite (bisection between two points)."""
    for _ in range(200):
        middle = 0.5 * (inside + outside)
        if middle in (inside, outside):
            break
        if np.isfinite(naive_logistic_loss(middle, y)):
            inside = middle
        else:
            outside = middle
    return outside


def _naive_kind(y: float, z: float) -> str:
    value = float(naive_logistic_loss(z, y))
    return "nan" if math.isnan(value) else "inf"


def stable_vs_naive_loss_figure(num: int = 201) -> Figure:
    """Naive versus numerically stable logistic loss for large ``|z|``: where the naive one breaks.

    The stable loss is :func:`derivnotes.numerics.logistic_loss` (``log1p``/``logaddexp``); the
    naive one is :func:`naive_logistic_loss`. Three panels: (a) ``y = 0`` around the point where
    ``σ(z)`` rounds to exactly 1; (b) ``y = 1`` around the point where ``exp(−z)`` overflows;
    (c) the naive formula's relative error, which grows like ``u·eᶻ`` (``u`` the machine
    epsilon) long before it breaks. The break points are found by bisection, not typed in.

    Parameters
    ----------
    num : int
        Number of sample points per panel.

    Returns
    -------
    Figure
        Alt text and caption quote both break points and what the naive formula returns there.

    Examples
    --------
    >>> fig = stable_vs_naive_loss_figure()
    >>> "36.74" in fig.caption and "−709.8" in fig.caption
    True
    """
    unit = float(np.finfo(float).eps)
    high = _naive_break(0.0, 0.0, 1000.0)  # σ(z) == 1.0 from here on
    low = _naive_break(1.0, 0.0, -1000.0)  # exp(−z) overflows from here on
    kind_high = {y: _naive_kind(y, high) for y in (0.0, 1.0)}
    kind_low = {y: _naive_kind(y, low) for y in (0.0, 1.0)}
    z_high = np.linspace(0.0, math.ceil(high / 10.0) * 10.0 + 10.0, num)
    z_low = np.linspace(math.floor(low / 10.0) * 10.0 - 50.0, low + 50.0, num)

    def relative_error(z: np.ndarray, y: float) -> np.ndarray:
        stable = np.asarray(numerics.logistic_loss(z, y), dtype=float)
        naive = naive_logistic_loss(z, y)
        with np.errstate(invalid="ignore"):
            error = np.abs(naive - stable) / stable
        return np.where(np.isfinite(error) & (error > 0), error, np.nan)

    z_err = np.linspace(0.0, high, num // 2 + 1)
    errors = {y: relative_error(z_err, y) for y in (0.0, 1.0)}
    worst = {y: float(np.nanmax(errors[y])) for y in (0.0, 1.0)}

    phone = _PHONE.get()
    with _drawing("stable-vs-naive-loss", (7.5, 6.4), phone_size=(PHONE_WIDTH, 8.4)) as fig:
        # on a phone the three panels are stacked
        axes = fig.subplot_mosaic([["a"], ["b"], ["c"]] if phone else [["a", "b"], ["c", "c"]])
        for key, z, y, edge, side in (
            ("a", z_high, 0.0, high, "right"),
            ("b", z_low, 1.0, low, "left"),
        ):
            ax = axes[key]
            stable = np.asarray(numerics.logistic_loss(z, y), dtype=float)
            naive = naive_logistic_loss(z, y)
            kind = kind_high[y] if side == "right" else kind_low[y]
            span = (edge, z[-1]) if side == "right" else (z[0], edge)
            ax.axvspan(*span, color=INK, alpha=0.10, linewidth=0)
            ax.axvline(edge, color=INK, linewidth=0.8, linestyle=":")
            ax.plot(z, stable, color=BLUE, linestyle="-", label="stable (logaddexp)")
            ax.plot(
                z,
                np.where(np.isfinite(naive), naive, np.nan),
                color=ORANGE,
                linestyle="none",
                marker="x",
                markersize=5,
                markevery=6,
                label="naive formula",
            )
            ax.text(
                sum(span) / 2,
                0.5,
                f"naive\ngives\n{kind}",
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="center",
            )
            ax.set_xlim(z[0], z[-1])
            if side == "right":
                ax.set_ylim(bottom=0.0)
            ax.set_xlabel("z")
            ax.set_ylabel("loss L")
            why = "σ(z) rounds to 1" if side == "right" else "exp(−z) overflows"
            ax.set_title(
                f"({key}) y = {int(y)}: {why} at z = {format_number(edge, 4)}", fontsize=10
            )
        _legend(axes["a"], loc="upper left")
        ax = axes["c"]
        ax.semilogy(
            z_err,
            errors[0.0],
            color=ORANGE,
            linestyle="none",
            marker="x",
            markersize=4,
            label="y = 0",
        )
        ax.semilogy(
            z_err,
            errors[1.0],
            color=BLUE,
            linestyle="none",
            marker="+",
            markersize=5,
            label="y = 1",
        )
        ax.semilogy(
            z_err, unit * np.exp(z_err), color=INK, linestyle="--", linewidth=1.0, label="u·eᶻ"
        )
        ax.set_xlim(0.0, z_high[-1])
        ax.axvspan(high, z_high[-1], color=INK, alpha=0.10, linewidth=0)
        ax.text(
            (high + z_high[-1]) / 2,
            0.5,
            f"y = 0: {kind_high[0.0]}\ny = 1: {kind_high[1.0]}",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="center",
        )
        _powers_of_ten(ax.yaxis)
        ax.set_title("(c) relative error of the naive formula", fontsize=10)
        ax.set_xlabel("z")
        ax.set_ylabel("relative error")
        _legend(ax, loc="upper left")
        alt = (
            f"Three panels comparing the naive logistic loss with the stable one. (a) For y = 0 "
            f"and z from 0 to {format_number(z_high[-1])}, both grow like z until "
            f"z = {format_number(high, 4)}, where σ(z) rounds to exactly 1 and the naive formula "
            f"returns {kind_high[0.0]} (for y = 1 it returns {kind_high[1.0]} there). (b) For "
            f"y = 1 and very negative z, the naive formula returns {kind_low[1.0]} once "
            f"z ≤ {format_number(low, 4)}, where exp(−z) overflows (for y = 0 it returns "
            f"{kind_low[0.0]}), while the stable loss continues as the straight line L ≈ −z. "
            f"(c) On a log scale, the naive formula's relative error grows like u·eᶻ, from the "
            f"rounding level u = {format_number(unit, 2)} at z = 0 to as much as "
            f"{format_number(worst[0.0], 2)} for y = 0 and {format_number(worst[1.0], 2)} for "
            f"y = 1 just before z = {format_number(high, 4)}, where it breaks."
        )
        caption = (
            f"The naive formula breaks where σ(z) rounds to exactly 1 (z ≥ "
            f"{format_number(high, 4)}) or exp(−z) overflows (z ≤ {format_number(low, 4)}), "
            f"returning inf, or nan from 0 · log 0, and it has already lost most of its digits "
            f"before that; the stable form, built on log1p and logaddexp, is finite and accurate "
            f"for every z."
        )
        return _finish(fig, "stable-vs-naive-loss", alt, caption)


def descent_data(m: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The small two-feature classification data set of the gradient-descent figure.

    Two overlapping Gaussian clouds, labels 0 and 1, from ``numpy.random.default_rng(seed)``.

    Examples
    --------
    >>> X, y = descent_data()
    >>> X.shape, int(y.sum())
    ((40, 2), 20)
    """
    rng = np.random.default_rng(seed)
    half = m // 2
    negatives = rng.normal(loc=(-1.0, -0.5), scale=1.0, size=(half, 2))
    positives = rng.normal(loc=(1.0, 0.5), scale=1.0, size=(m - half, 2))
    X = np.vstack([negatives, positives])
    y = np.concatenate([np.zeros(half), np.ones(m - half)])
    return X, y


def run_descent(
    gradient: Callable[[np.ndarray, np.ndarray, np.ndarray, float], tuple[Any, Any]],
    X: np.ndarray,
    y: np.ndarray,
    w0: np.ndarray,
    b0: float,
    learning_rate: float,
    iterations: int,
) -> list[tuple[np.ndarray, float]]:
    """Plain batch gradient descent; the parameters ``(w, b)`` after each step, start included.

    Examples
    --------
    >>> X, y = descent_data()
    >>> path = run_descent(numerics.logistic_gradient, X, y, np.zeros(2), 0.0, 0.5, 3)
    >>> len(path)
    4
    """
    w, b = np.array(w0, dtype=float), float(b0)
    path = [(w.copy(), b)]
    for _ in range(iterations):
        dj_dw, dj_db = gradient(X, y, w, b)
        w = w - learning_rate * np.asarray(dj_dw, dtype=float)
        b = b - learning_rate * float(dj_db)
        path.append((w.copy(), b))
    return path


def _first_below(values: np.ndarray, threshold: float) -> int | None:
    hits = np.flatnonzero(values <= threshold)
    return int(hits[0]) if hits.size else None


def descent_convergence_figure(
    learning_rate: float = 1.0,
    iterations: int = 300,
    w0: tuple[float, float] = (-3.0, -3.0),
    b0: float = 0.0,
    m: int = 40,
    seed: int = 0,
) -> Figure:
    """Gradient descent from the same start: sigmoid + cross-entropy versus sigmoid + squared error.

    Both runs use the same data (:func:`descent_data`), learning rate and starting point, a
    confidently wrong one by default. Left: the cost each run minimises. Right: the
    cross-entropy (log-loss) of both runs' parameters, the common yardstick.

    Parameters
    ----------
    learning_rate : float
        Step size of both runs.
    iterations : int
        Number of steps.
    w0, b0 : tuple of float, float
        The starting weights and bias.
    m, seed : int
        Size and seed of the data set.

    Returns
    -------
    Figure
        Alt text and caption quote the iterations each run needs to reach a log-loss target.

    Examples
    --------
    >>> fig = descent_convergence_figure()
    >>> "iterations" in fig.alt
    True
    """
    X, y = descent_data(m, seed)
    start = np.asarray(w0, dtype=float)
    runs = {
        "ce": run_descent(numerics.logistic_gradient, X, y, start, b0, learning_rate, iterations),
        "se": run_descent(
            numerics.sigmoid_squared_error_gradient, X, y, start, b0, learning_rate, iterations
        ),
    }
    own = {
        "ce": np.array([numerics.logistic_cost(X, y, w, b) for w, b in runs["ce"]]),
        "se": np.array([numerics.sigmoid_squared_error_cost(X, y, w, b) for w, b in runs["se"]]),
    }
    log_loss = {
        key: np.array([numerics.logistic_cost(X, y, w, b) for w, b in path])
        for key, path in runs.items()
    }
    final_ce = float(log_loss["ce"][-1])
    # The squared-error run's plateau: iterations spent above 90 % of its starting cost.
    plateau = 0.9
    above = np.flatnonzero(own["se"] / own["se"][0] < plateau)
    plateau_steps = int(above[0]) if above.size else iterations
    # Target: within 10 % of the log-loss the cross-entropy run reaches (a fair finish line).
    target = 1.1 * final_ce
    reach = {key: _first_below(values, target) for key, values in log_loss.items()}
    steps = np.arange(iterations + 1)

    def reached(key: str) -> str:
        k = reach[key]
        return f"{k} iterations" if k is not None else f"not within {iterations} iterations"

    labels = {"ce": "sigmoid + cross-entropy", "se": "sigmoid + squared error"}
    styles = {"ce": (BLUE, "-"), "se": (ORANGE, "--")}
    with _drawing("descent-convergence", (7.5, 3.8), phone_size=(PHONE_WIDTH, 6.6)) as fig:
        left, right = fig.subplots(2, 1) if _PHONE.get() else fig.subplots(1, 2)  # stacked
        for key in ("ce", "se"):
            color, style = styles[key]
            left.plot(
                steps, own[key] / own[key][0], color=color, linestyle=style, label=labels[key]
            )
            right.plot(steps, log_loss[key], color=color, linestyle=style, label=labels[key])
            if reach[key] is not None:
                k = reach[key]
                right.plot([k], [log_loss[key][k]], marker="o", color=color, linestyle="none")
        right.axhline(target, color=INK, linewidth=0.8, linestyle=":", alpha=0.6)
        right.text(
            0.3 * iterations,
            target,
            f"target {format_number(target)}",
            ha="center",
            va="bottom",
            fontsize=9,
        )
        left.set_title("each run's own cost, relative to its start")
        right.set_title("log-loss (cross-entropy) of both")
        for ax in (left, right):
            ax.set_xlabel("iteration")
            ax.set_xlim(0, iterations)
            ax.set_ylim(bottom=0.0)
        _legend(left, loc="upper right")
        alt = (
            f"Two line plots of gradient descent on {m} examples with learning rate "
            f"{format_number(learning_rate)} for {iterations} iterations, both runs starting "
            f"at w = ({', '.join(format_number(v) for v in start)}), b = {format_number(b0)}. "
            f"Left: each run's own cost as a fraction of its starting value; the squared-error "
            f"run stays above {format_number(plateau, 2)} of its start for the first "
            f"{plateau_steps} iterations, a plateau. Right: the log-loss of both. Sigmoid with "
            f"cross-entropy falls from {format_number(log_loss['ce'][0])} to "
            f"{format_number(final_ce)} and reaches the target {format_number(target)} in "
            f"{reached('ce')}; sigmoid with squared error reaches it in {reached('se')}, ending at "
            f"log-loss {format_number(log_loss['se'][-1])}."
        )
        caption = (
            f"Same data, learning rate and confidently wrong start: cross-entropy reaches a "
            f"log-loss of "
            f"{format_number(target)} in {reached('ce')}, squared error with a sigmoid in "
            f"{reached('se')}: its gradient keeps the factor σ(z)(1 − σ(z)), which is tiny "
            f"while the model is confidently wrong."
        )
        return _finish(fig, "descent-convergence", alt, caption)


def sigmoid_squared_error_gradient_figure(
    z_min: float = -8.0, z_max: float = 8.0, num: int = 401, y: float = 1.0
) -> Figure:
    """``|∂L/∂z|`` for cross-entropy (``|f − y|``) and squared error (``|(f − y) f (1 − f)|``).

    For ``y = 1``, a very negative ``z`` is a confidently wrong prediction: cross-entropy's
    gradient is then nearly 1, squared error's nearly 0. The squared error here is
    ``½(f − y)²`` so that its ``∂L/∂z`` is exactly ``(f − y) f (1 − f)``.

    Parameters
    ----------
    z_min, z_max : float
        The range of ``z``.
    num : int
        Number of sample points.
    y : float
        The label (0 or 1).

    Returns
    -------
    Figure
        Alt text and caption quote both gradients at ``z_min`` and their ratio.

    Examples
    --------
    >>> fig = sigmoid_squared_error_gradient_figure()
    >>> "0.148" in fig.alt
    True
    """
    z = np.linspace(z_min, z_max, num)
    a = numerics.sigmoid(z)
    cross_entropy = np.abs(a - y)
    squared = np.abs((a - y) * a * (1.0 - a))
    wrong_z = z_min if y == 1.0 else z_max
    wrong_index = 0 if y == 1.0 else -1
    ce_wrong, se_wrong = float(cross_entropy[wrong_index]), float(squared[wrong_index])
    peak = int(np.argmax(squared))
    # The exact maximum of |(f − y) f (1 − f)| is 4/27 at f = 1/3 (y = 1) or f = 2/3 (y = 0).
    a_star = 1.0 / 3.0 if y == 1.0 else 2.0 / 3.0
    z_star = math.log(a_star / (1.0 - a_star))
    se_max = abs((a_star - y) * a_star * (1.0 - a_star))
    with _drawing("sigmoid-squared-error-gradient", (7.0, 3.8)) as fig:
        ax = fig.add_subplot()
        ax.plot(
            z, cross_entropy, color=BLUE, linestyle="-", label="cross-entropy: |∂L/∂z| = |f − y|"
        )
        ax.plot(
            z,
            squared,
            color=ORANGE,
            linestyle="--",
            label="squared error: |∂L/∂z| = |(f − y) f (1 − f)|",
        )
        ax.plot([z[peak]], [squared[peak]], marker="o", color=ORANGE, linestyle="none")
        ax.annotate(
            f"largest: {format_number(se_max)} at z = {format_number(z_star)}",
            xy=(z[peak], squared[peak]),
            xytext=(15, 40) if _PHONE.get() else (-15, 40),
            textcoords="offset points",
            arrowprops={"arrowstyle": "->", "color": INK, "linewidth": 0.8},
            ha="left" if _PHONE.get() else "right",
        )
        wrong_side = (z_min, -4.0) if y == 1.0 else (4.0, z_max)
        ax.axvspan(*wrong_side, color=INK, alpha=0.08, linewidth=0)
        ax.text(sum(wrong_side) / 2, 0.55, "confidently\nwrong", ha="center", fontsize=9)
        ax.set_xlim(z_min, z_max)
        ax.set_ylim(0.0, 1.05)
        ax.set_xlabel("z")
        ax.set_ylabel(f"|∂L/∂z| for y = {int(y)}")
        _legend(ax, loc="upper right")
        ratio = ce_wrong / se_wrong
        alt = (
            f"Line plot of the magnitude of ∂L/∂z against z from {format_number(z_min)} to "
            f"{format_number(z_max)} for y = {int(y)}. The cross-entropy gradient |f − y| is "
            f"{format_number(ce_wrong, 4)} at z = {format_number(wrong_z)} where the model is "
            f"confidently wrong, and shrinks only as the prediction becomes right. The squared "
            f"error gradient |(f − y) f (1 − f)| is only {format_number(se_wrong)} there, "
            f"{format_number(ratio)} times smaller; it peaks at {format_number(se_max)} "
            f"at z = {format_number(z_star)} and tends to 0 at both ends."
        )
        caption = (
            f"With a sigmoid, squared error multiplies the error f − y by f(1 − f): at "
            f"z = {format_number(wrong_z)}, confidently wrong, its gradient is "
            f"{format_number(se_wrong)} against {format_number(ce_wrong, 4)} for cross-entropy, "
            f"so learning stalls exactly when it is most needed."
        )
        return _finish(fig, "sigmoid-squared-error-gradient", alt, caption)


# --------------------------------------------------------------------------------------------
# The computational graph


@dataclass(frozen=True)
class GraphNode:
    """One node of the computational graph: its forward value and ``∂L/∂node``."""

    key: str
    label: str
    value: float
    grad: float | None


def computational_graph_values(
    x1: float = 1.5,
    x2: float = -2.0,
    w1: float = 0.8,
    w2: float = 0.3,
    b: float = -0.4,
    y: float = 1.0,
) -> dict[str, GraphNode]:
    """Forward values and backward gradients of ``L(σ(w1 x1 + w2 x2 + b), y)``, node by node.

    The backward pass is written out as backpropagation does it: each node's gradient is the
    gradient of the node it feeds times the local derivative on the edge between them.

    Returns
    -------
    dict of str to GraphNode
        Keys ``x1 w1 x2 w2 b p1 p2 z a L y`` (``p1 = w1·x1``, ``p2 = w2·x2``). ``y`` is a
        label, not a parameter: its gradient is None.

    Examples
    --------
    >>> nodes = computational_graph_values()
    >>> round(nodes["z"].value, 6), round(nodes["z"].grad, 6), round(nodes["w2"].grad, 6)
    (0.2, -0.450166, 0.900332)
    """
    p1, p2 = w1 * x1, w2 * x2
    z = p1 + p2 + b
    # A sum that cancels to within its rounding error (0.5 − 0.6 + 0.1 gives 2.8e-17) is zero:
    # showing the noise would only puzzle a reader.
    if abs(z) <= 4 * np.finfo(float).eps * (abs(p1) + abs(p2) + abs(b)):
        z = 0.0
    a = float(numerics.sigmoid(z))
    loss = float(numerics.logistic_loss(z, y))
    # Backward pass, one local derivative at a time.
    d_loss = 1.0
    d_a = d_loss * (-y / a + (1.0 - y) / (1.0 - a))  # ∂L/∂a
    d_z = d_a * a * (1.0 - a)  # ∂a/∂z = σ(z)(1 − σ(z))
    d_p1 = d_z * 1.0  # ∂z/∂p1 = 1
    d_p2 = d_z * 1.0
    d_b = d_z * 1.0  # ∂z/∂b = 1
    nodes = [
        GraphNode("x1", "x₁", x1, d_p1 * w1),
        GraphNode("w1", "w₁", w1, d_p1 * x1),
        GraphNode("x2", "x₂", x2, d_p2 * w2),
        GraphNode("w2", "w₂", w2, d_p2 * x2),
        GraphNode("b", "b", b, d_b),
        GraphNode("p1", "p₁ = w₁x₁", p1, d_p1),
        GraphNode("p2", "p₂ = w₂x₂", p2, d_p2),
        GraphNode("z", "z = p₁ + p₂ + b", z, d_z),
        GraphNode("a", "a = σ(z)", a, d_a),
        GraphNode("L", "L = loss(a, y)", loss, d_loss),
        GraphNode("y", "y", y, None),
    ]
    return {node.key: node for node in nodes}


#: (from, to, local derivative as a function of the nodes) for every edge of the graph.
_EDGES: list[tuple[str, str, str]] = [
    ("x1", "p1", "w1"),
    ("w1", "p1", "x1"),
    ("x2", "p2", "w2"),
    ("w2", "p2", "x2"),
    ("p1", "z", "one"),
    ("p2", "z", "one"),
    ("b", "z", "one"),
    ("z", "a", "sigma'"),
    ("a", "L", "dL/da"),
    ("y", "L", ""),
]

_POSITIONS = {
    "x1": (1.1, 6.0),
    "w1": (1.1, 4.7),
    "x2": (1.1, 3.2),
    "w2": (1.1, 1.9),
    "p1": (4.2, 5.35),
    "p2": (4.2, 2.55),
    "b": (4.2, 0.6),
    "z": (7.3, 3.5),
    "a": (10.6, 3.5),
    "L": (13.7, 3.5),
    "y": (13.7, 1.2),
}

#: Box widths in data units (the rest are _BOX_WIDTH).
_BOX_WIDTHS = {"p1": 2.45, "p2": 2.45, "z": 2.7, "L": 2.55}
_BOX_WIDTH, _BOX_HEIGHT = 2.1, 1.15


def _box_exit(key: str, dx: float, dy: float) -> float:
    """Fraction of the centre-to-centre vector (dx, dy) at which a line leaves box *key*."""
    half_width = _BOX_WIDTHS.get(key, _BOX_WIDTH) / 2
    half_height = _BOX_HEIGHT / 2
    return min(
        half_width / abs(dx) if dx else math.inf,
        half_height / abs(dy) if dy else math.inf,
    )


def computational_graph_figure(
    x1: float = 1.5,
    x2: float = -2.0,
    w1: float = 0.8,
    w2: float = 0.3,
    b: float = -0.4,
    y: float = 1.0,
) -> Figure:
    """The circuit view of ``z = w1 x1 + w2 x2 + b``, ``a = σ(z)``, ``L = loss(a, y)``.

    Every node is a box showing its forward value (``= …``) and its backward gradient
    (``∂L/∂node``); every arrow carries the local derivative ``×k`` by which the gradient is
    multiplied on its way back. Values come from :func:`computational_graph_values`.

    Parameters
    ----------
    x1, x2, w1, w2, b, y : float
        The concrete numbers. The defaults make every value and every gradient a different
        number (z = 0.2), so each product can be followed on the drawing.

    Returns
    -------
    Figure
        Alt text lists every node's value and gradient.

    Examples
    --------
    >>> fig = computational_graph_figure()
    >>> "∂L/∂w₂ = 0.9" in fig.alt
    True
    >>> "∂L/∂w₂ = −0.477" in computational_graph_figure(x2=4.0).alt
    True
    """
    nodes = computational_graph_values(x1, x2, w1, w2, b, y)
    a = nodes["a"].value
    local = {
        "w1": nodes["w1"].value,
        "x1": nodes["x1"].value,
        "w2": nodes["w2"].value,
        "x2": nodes["x2"].value,
        "one": 1.0,
        "sigma'": a * (1.0 - a),
        "dL/da": nodes["a"].grad,
    }
    with _drawing("computational-graph", (8.0, 4.6)) as fig:
        fig.set_layout_engine(None)
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        ax.set_xlim(-0.1, 15.05)
        ax.set_ylim(-1.5, 7.3)
        ax.set_axis_off()
        # The legend shows what the drawing shows: black arrows carry values forward; each
        # box's blue line is its value and its orange line its gradient, which flows back
        # along the same arrows, multiplied by the ×k they carry.
        ax.annotate(
            "",
            xy=(7.4, 6.85),
            xytext=(6.0, 6.85),
            arrowprops={"arrowstyle": "-|>", "color": INK, "linewidth": 1.0},
        )
        ax.text(7.55, 6.85, "forward: value → next box", va="center", ha="left")
        ax.text(6.0, 6.35, "= value", color=BLUE, va="center", ha="left", fontsize=10)
        ax.text(7.55, 6.35, "∂L/∂box: gradient, sent back ×k", color=ORANGE, va="center",
                ha="left", fontsize=9.5)  # fmt: skip
        boxes = {}
        for key, node in nodes.items():
            cx, cy = _POSITIONS[key]
            width = _BOX_WIDTHS.get(key, _BOX_WIDTH)
            tint = BLUE if key in ("w1", "w2", "b") else INK
            box = FancyBboxPatch(
                (cx - width / 2, cy - _BOX_HEIGHT / 2),
                width,
                _BOX_HEIGHT,
                boxstyle="round,pad=0.02,rounding_size=0.12",
                facecolor=(*to_rgb(tint), 0.10),
                edgecolor=INK,
                linewidth=1.0,
                linestyle="--" if node.grad is None else "-",
            )
            ax.add_patch(box)
            boxes[key] = box
            ax.text(cx, cy + 0.28, node.label, ha="center", va="center", fontweight="bold")
            ax.text(
                cx, cy - 0.02, f"= {format_number(node.value)}", ha="center", va="center",
                fontsize=10, color=BLUE,
            )  # fmt: skip
            if node.grad is not None:
                ax.text(
                    cx, cy - 0.31, f"∂L/∂{_short(key)} = {format_number(node.grad)}",
                    ha="center", va="center", fontsize=9.5, color=ORANGE,
                )  # fmt: skip
        for tail, head, factor in _EDGES:
            ax.add_patch(
                FancyArrowPatch(
                    posA=_POSITIONS[tail], posB=_POSITIONS[head], patchA=boxes[tail],
                    patchB=boxes[head], arrowstyle="-|>", mutation_scale=12, color=INK,
                    linewidth=1.0, shrinkA=0, shrinkB=1,
                )
            )  # fmt: skip
            if factor:
                (x0, y0), (x_end, y_end) = _POSITIONS[tail], _POSITIONS[head]
                # Middle of the visible part of the arrow, between the two boxes' borders.
                t = 0.5 * (_box_exit(tail, x_end - x0, y_end - y0) + 1.0
                           - _box_exit(head, x0 - x_end, y0 - y_end))  # fmt: skip
                mx, my = x0 + t * (x_end - x0), y0 + t * (y_end - y0)
                ax.text(
                    mx, my + 0.1, f"×{format_number(local[factor])}", ha="center",
                    va="bottom", fontsize=9, style="italic",
                )  # fmt: skip
        ax.text(
            0.0,
            -0.85,
            "Each box: its forward value (blue, after =) and its backward gradient ∂L/∂box "
            "(orange).\n×k on an arrow: the local derivative of its head with respect to its "
            "tail. Going backward, a box's\ngradient is the sum over its outgoing arrows of "
            "(the head's gradient) × k: ∂L/∂w₁ = ∂L/∂p₁ × x₁.",
            ha="left",
            va="center",
            fontsize=9,
        )
        parts = [
            f"{node.label}: value {format_number(node.value)}"
            + (f", ∂L/∂{_short(key)} = {format_number(node.grad)}" if node.grad is not None else "")
            for key, node in nodes.items()
        ]
        alt = (
            "Computational graph of logistic regression with two features: x₁ and w₁ feed the "
            "product p₁, x₂ and w₂ feed p₂, p₁, p₂ and b are summed to z, then a = σ(z) and "
            "the loss L(a, y). Forward values and backward gradients: " + "; ".join(parts) + "."
        )
        caption = (
            f"Forward, the numbers flow left to right: z = {format_number(nodes['z'].value)}, "
            f"a = {format_number(a)}, L = {format_number(nodes['L'].value)}. Backward, "
            f"∂L/∂z = a − y = {format_number(nodes['z'].grad)} is reused by every input, giving "
            f"∂L/∂w₁ = {format_number(nodes['w1'].grad)}, ∂L/∂w₂ = "
            f"{format_number(nodes['w2'].grad)} and ∂L/∂b = {format_number(nodes['b'].grad)}."
        )
        return _finish(fig, "computational-graph", alt, caption)


_SHORT = {"x1": "x₁", "w1": "w₁", "x2": "x₂", "w2": "w₂", "p1": "p₁", "p2": "p₂"}


def _short(key: str) -> str:
    """How a node is named in ``∂L/∂…`` (products are ``p₁ = w₁·x₁``, ``p₂ = w₂·x₂``)."""
    return _SHORT.get(key, key)


# --------------------------------------------------------------------------------------------
# Registry


#: Every figure the site can show, by name.
FIGURES: dict[str, Callable[..., Figure]] = {
    "sigmoid": sigmoid_figure,
    "loss-vs-z": loss_vs_z_figure,
    "gradient-check-error": gradient_check_error_figure,
    "stable-vs-naive-loss": stable_vs_naive_loss_figure,
    "descent-convergence": descent_convergence_figure,
    "sigmoid-squared-error-gradient": sigmoid_squared_error_gradient_figure,
    "computational-graph": computational_graph_figure,
}


def render_figure(name: str, **params: Any) -> Figure:
    """Draw the figure called *name* with *params* passed to its function.

    Parameters
    ----------
    name : str
        A key of :data:`FIGURES`.
    **params
        Keyword arguments of that figure's function.

    Returns
    -------
    Figure

    Raises
    ------
    KeyError
        For an unknown name; the message lists the known ones.

    Examples
    --------
    >>> render_figure("sigmoid").svg.startswith("<svg")
    True
    >>> render_figure("sigmod")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    KeyError: "unknown figure 'sigmod'; known figures: computational-graph, ..."
    """
    try:
        function = FIGURES[name]
    except KeyError:
        known = ", ".join(sorted(FIGURES))
        raise KeyError(f"unknown figure {name!r}; known figures: {known}") from None
    return function(**params)

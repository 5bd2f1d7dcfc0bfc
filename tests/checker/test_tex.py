"""Reading displayed TeX back into sympy (the display cross-check's reader)."""

from __future__ import annotations

import pytest
import sympy as sp

from derivnotes.checker.tex import SubscriptError, TexUnsupported, displayed_part, tex_to_sympy

# The names a typical block declares.
w, b, x, y, z, a, f, u, lam = sp.symbols("w b x y z a f u lambda_", real=True)
m, n = sp.symbols("m n", integer=True, positive=True)
i, j, k = sp.symbols("i j k", integer=True, positive=True)
X, W, Y = sp.IndexedBase("x", real=True), sp.IndexedBase("w", real=True), sp.IndexedBase("y")
t = sp.Dummy("t")
SIGMA = sp.Lambda(t, 1 / (1 + sp.exp(-t)))
NAMES = {
    "w": w,
    "b": b,
    "x": x,
    "y": y,
    "z": z,
    "a": a,
    "f": f,
    "u": u,
    "lambda_": lam,
    "m": m,
    "n": n,
    "sigma": SIGMA,
}
ARRAYS = {
    "x": X,
    "w": W,
    "y": Y,
    "m": m,
    "n": n,
    "i": i,
    "j": j,
    "k": k,
    "b": b,
    "lambda_": lam,
    "sigma": SIGMA,
}


def sigma(arg: sp.Expr) -> sp.Expr:
    return SIGMA(arg)


READINGS = {
    r"a(1-a)": a * (1 - a),
    r"f(1 - f)": f * (1 - f),
    r"\sigma(z)": sigma(z),
    r"\sigma(z)\left(1 - \sigma(z)\right)": sigma(z) * (1 - sigma(z)),
    r"\frac{a - y}{a(1-a)} \cdot a(1-a)": (a - y) / (a * (1 - a)) * a * (1 - a),
    r"\dfrac{1}{1 + e^{-z}}": 1 / (1 + sp.exp(-z)),
    r"\tfrac12 w^2": w**2 / 2,
    r"\ln(1 + e^{-z}) + (1-y) z": sp.log(1 + sp.exp(-z)) + (1 - y) * z,
    r"-\left[y \ln a + (1-y) \ln(1-a)\right]": -(y * sp.log(a) + (1 - y) * sp.log(1 - a)),
    r"\log a": sp.log(a),
    r"\log_{10} a": sp.log(a, 10),
    r"\exp(-z)": sp.exp(-z),
    r"\sqrt{u}": sp.sqrt(u),
    r"\left(\sigma(z) - y\right)\, x": (sigma(z) - y) * x,
    r"(\sigma(z) - y) \times x": (sigma(z) - y) * x,
    r"\frac{\partial}{\partial w}\left(w x + b\right)": sp.Derivative(w * x + b, w),
    r"\frac{d}{dz}\,\sigma(z)": sp.Derivative(sigma(z), z),
    r"\frac{\lambda}{m} w": lam / m * w,
    r"\quad a \; - \! y \,": a - y,
    r"\text{a} + \mathrm{y}": a + y,
    r"a - y.": a - y,
}


@pytest.mark.parametrize(("tex", "expected"), READINGS.items(), ids=list(READINGS))
def test_course_notation_reads_as_meant(tex: str, expected: sp.Expr) -> None:
    got = tex_to_sympy(tex, NAMES)
    assert sp.simplify(got - expected) == 0 or got == expected, got


INDEXED = {
    r"w_j": W[j],
    r"x_{ij}": X[i, j],
    r"x_{i,j}": X[i, j],
    r"x^{(i)}_j": X[i, j],
    r"x_j^{(i)}": X[i, j],
    r"y^{(i)}": Y[i],
    r"\sum_{j=1}^{n} w_j^2": sp.Sum(W[j] ** 2, (j, 1, n)),
    r"\frac{1}{m}\sum_{i=1}^{m} (y_i - b) x_{ik} + \frac{\lambda}{m} w_k": (
        sp.Sum((Y[i] - b) * X[i, k], (i, 1, m)) / m + lam / m * W[k]
    ),
}


@pytest.mark.parametrize(("tex", "expected"), INDEXED.items(), ids=list(INDEXED))
def test_subscripts_of_indexed_names_are_indices(tex: str, expected: sp.Expr) -> None:
    assert tex_to_sympy(tex, ARRAYS) == expected


def test_abbreviations_and_chain_names_stand_for_their_expressions() -> None:
    names = {**NAMES, "z": w * x + b, "L": sp.log(1 + sp.exp(-(w * x + b)))}
    assert tex_to_sympy(r"\sigma(z)", names) == sigma(w * x + b)
    got = tex_to_sympy(r"\frac{\partial L}{\partial w}", names)
    assert got == sp.Derivative(names["L"], w)


def test_greek_names_resolve_to_their_underscored_symbols() -> None:
    assert tex_to_sympy(r"\lambda w", NAMES) == lam * w


@pytest.mark.parametrize("tex", [r"x_j", r"x_{i}", r"x^{(i)}", r"b_1 + 1", r"y_i \ln a"])
def test_a_script_on_a_symbol_that_takes_none_is_an_error(tex: str) -> None:
    with pytest.raises(SubscriptError, match="not declared indexed"):
        tex_to_sympy(tex, NAMES)


def test_a_declared_name_with_an_underscore_is_read_whole() -> None:
    x_j = sp.Symbol("x_j", real=True)
    assert tex_to_sympy(r"x_j + x_{j}", {**NAMES, "x_j": x_j}) == 2 * x_j


CONVENTIONAL = {
    r"\tanh(z)^2": sp.tanh(z) ** 2,
    r"\ln(a)^2": sp.log(a) ** 2,
    r"\sin^2 z": sp.sin(z) ** 2,
    r"\ln a^2": sp.log(a**2),
    r"\sigma^2(z)": sigma(z) ** 2,
    r"\sigma(z)^{2}": sigma(z) ** 2,
    r"|a - y|": sp.Abs(a - y),
    r"\left| a \right| + \lvert y \rvert": sp.Abs(a) + sp.Abs(y),
    r"a|z|": a * sp.Abs(z),
    r"\max(0, z) - \min\{a, y\}": sp.Max(0, z) - sp.Min(a, y),
    r"\pi a": sp.pi * a,
    r"0.1 a": a / 10,
    r"\frac{d}{dz} z^2 + a": sp.Derivative(z**2, z) + a,
    r"\frac{\mathrm{d}}{\mathrm{d}z}\left(z a\right)": sp.Derivative(z * a, z),
    r"\dfrac{\mathrm{d} a}{\mathrm{d} z}": sp.Derivative(a, z),
    r"\color{red}{a} + \textcolor{blue}{y}": a + y,
    r"\boxed{a - y}": a - y,
    r"\underbrace{a(1-a)}_{\sigma'(z)} \cdot y": a * (1 - a) * y,
    r"\overbrace{a}^{\text{output}} - \cancel{y}": a - y,
    r"\displaystyle a \, \cdot \; y \quad": a * y,
    r"& a * y \\": a * y,
}


@pytest.mark.parametrize(("tex", "expected"), CONVENTIONAL.items(), ids=list(CONVENTIONAL))
def test_conventional_readings(tex: str, expected: sp.Expr) -> None:
    assert tex_to_sympy(tex, NAMES) == expected


@pytest.mark.parametrize(
    ("tex", "needle"),
    [
        (r"e^-z", "write ^{-z}"),
        (r"a \quad \text{for all } z", "not read"),
        (r"\sigma^{-1}(z)", "inverse"),
        (r"a \\ b", "line break"),
    ],
)
def test_readings_refused_with_advice(tex: str, needle: str) -> None:
    with pytest.raises(TexUnsupported, match=needle.replace("^", r"\^").replace("{", r"\{")):
        tex_to_sympy(tex, NAMES)


def test_a_chain_name_with_arguments_is_a_label() -> None:
    names = {**NAMES, "J": a**2}
    assert tex_to_sympy(r"J(w, b)", names, labels={"J"}) == a**2


UNSUPPORTED = {
    "prime-on-a-non-function": r"a'",
    "undeclared-name": r"q + 1",
    "function-without-argument": r"\sigma",
    "indexed-without-subscript": r"w",
    "vector-notation": r"\mathbf{x}",
    "unknown-command": r"\cdots",
    "partial-outside-fraction": r"\partial L",
    "ambiguous-exponent": r"a^23",
}


@pytest.mark.parametrize("tex", UNSUPPORTED.values(), ids=list(UNSUPPORTED))
def test_unsupported_notation_is_reported_with_a_reason(tex: str) -> None:
    names = {**NAMES, "w": W}
    with pytest.raises(TexUnsupported) as caught:
        tex_to_sympy(tex, names)
    assert str(caught.value)


@pytest.mark.parametrize(
    ("tex", "shown"),
    [
        (r"L = -\ln a", r" -\ln a"),
        (r"= a - y", r" a - y"),
        (r"\frac{\partial L}{\partial w} = (f - y)x", r" (f - y)x"),
        (r"\sum_{i=1}^{m} x_i", r"\sum_{i=1}^{m} x_i"),
        (r"a \leq b", r"a \leq b"),
    ],
)
def test_displayed_part_is_what_follows_the_last_top_level_equals(tex: str, shown: str) -> None:
    assert displayed_part(tex) == shown


def test_greedy_reading_lets_an_undelimited_argument_run_to_the_end_of_the_product() -> None:
    assert tex_to_sympy(r"\ln 2a", NAMES) == 2 * sp.log(2) / 2 * a  # ln(2) a
    assert tex_to_sympy(r"\ln 2a", NAMES, greedy=True) == sp.log(2 * a)
    assert tex_to_sympy(r"\ln(2) a", NAMES, greedy=True) == sp.log(2) * a


def test_primes_on_a_declared_function_are_its_derivatives() -> None:
    first = tex_to_sympy(r"\sigma'(z)", NAMES)
    assert sp.simplify(first - sigma(z) * (1 - sigma(z))) == 0
    second = tex_to_sympy(r"\sigma''(z)", NAMES)
    assert sp.simplify(second - sp.diff(sigma(z), z, 2)) == 0
    assert sp.simplify(tex_to_sympy(r"\sigma^{\prime}(z)", NAMES) - first) == 0


@pytest.mark.parametrize(
    "command", [r"\nabla_w J", r"\int_0^1 z", r"x_1 + \dots + x_n", r"a \approx b"]
)
def test_recognised_but_unread_notation_says_why(command: str) -> None:
    with pytest.raises(TexUnsupported, match=r"not read|not an equality"):
        tex_to_sympy(command, NAMES)


def test_an_accent_names_a_declared_symbol() -> None:
    y_hat = sp.Symbol("y_hat", real=True)
    assert tex_to_sympy(r"\hat{y} - y", {**NAMES, "y_hat": y_hat}) == y_hat - y
    with pytest.raises(TexUnsupported, match="declare y_hat"):
        tex_to_sympy(r"\hat{y}", NAMES)


def test_higher_order_leibniz_derivatives() -> None:
    assert tex_to_sympy(r"\frac{d^2}{dz^2} z^3", NAMES) == sp.Derivative(z**3, (z, 2))
    assert tex_to_sympy(r"\frac{\partial^{2} a}{\partial z^{2}}", NAMES) == sp.Derivative(a, (z, 2))


def test_products_and_big_delimiters() -> None:
    got = tex_to_sympy(
        r"\prod_{i=1}^{m} \Bigl(a + i\Bigr) + \big[y\big]", {**NAMES, **{"i": i, "m": m}}
    )
    assert got == sp.Product(a + i, (i, 1, m)) + y

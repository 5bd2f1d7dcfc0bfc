"""derivnotes.numerics: stability, accuracy, validation, gradients equal to finite differences."""

from __future__ import annotations

import doctest
import inspect
import tracemalloc
import warnings
from collections.abc import Callable

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from derivnotes import numerics as nx

TINY = np.finfo(np.float64).tiny  # the smallest normal float64, 2.2e-308
SMALLEST_SUBNORMAL = 2.0**-1074

# Logits across [-1e4, 1e4], with the points where exp over- or underflows and where
# sigmoid rounds to 1.
LOGITS = np.concatenate(
    [
        np.linspace(-1e4, 1e4, 20_001),
        [-745.2, -745.1, -709.8, -709.7, -708.4, -36.8, -1e-300, 0.0, 1e-300, 36.8, 709.8, 745.2],
    ]
)


@pytest.fixture(autouse=True)
def _numpy_warnings_are_errors():
    """Any warning (a numpy RuntimeWarning included) and any floating-point error fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            yield


def _mp_softplus(s: float) -> mpmath.mpf:
    """log(1 + exp(s)) to 50 significant digits."""
    with mpmath.workdps(50):
        return mpmath.log1p(mpmath.exp(mpmath.mpf(s)))


def _mp_sigmoid(s: float) -> mpmath.mpf:
    with mpmath.workdps(50):
        return 1 / (1 + mpmath.exp(-mpmath.mpf(s)))


def _relative_error(value: float, reference: mpmath.mpf) -> float:
    with mpmath.workdps(50):
        return float(abs(mpmath.mpf(value) - reference) / abs(reference))


# --- stability: no overflow, NaN/inf or warning for logits in [-1e4, 1e4] ---------------------
@pytest.mark.parametrize(
    ("func", "low", "high"),
    [
        (nx.sigmoid, 0.0, 1.0),
        (nx.log_sigmoid, -np.inf, 0.0),
        (lambda z: nx.logistic_loss(z, np.ones_like(z)), 0.0, np.inf),
        (lambda z: nx.logistic_loss(z, np.zeros_like(z)), 0.0, np.inf),
    ],
    ids=["sigmoid", "log_sigmoid", "logistic_loss-y1", "logistic_loss-y0"],
)
def test_activations_and_losses_are_finite_and_silent_for_logits_up_to_1e4(
    func: Callable, low: float, high: float
) -> None:
    values = np.asarray(func(LOGITS))
    assert values.shape == LOGITS.shape
    assert np.isfinite(values).all()
    assert ((values >= low) & (values <= high)).all()


@pytest.mark.parametrize(
    ("cost", "gradient"),
    [
        (nx.logistic_cost, nx.logistic_gradient),
        (nx.sigmoid_squared_error_cost, nx.sigmoid_squared_error_gradient),
        (nx.squared_error_cost, nx.squared_error_gradient),
    ],
    ids=["logistic", "sigmoid-squared-error", "linear-squared-error"],
)
@pytest.mark.parametrize("label", [0, 1])
def test_costs_and_gradients_are_finite_and_silent_for_logits_up_to_1e4(
    cost: Callable, gradient: Callable, label: int
) -> None:
    X = np.column_stack([np.linspace(-1.0, 1.0, 2001), np.full(2001, 0.5)])
    y = np.full(2001, float(label))
    for w in ([1e4, 0.0], [-1e4, 0.0], [0.0, 2e4]):  # logits over [-1e4, 1e4]
        J = cost(X, y, w, 0.0, lambda_=0.1)
        dj_dw, dj_db = gradient(X, y, w, 0.0, lambda_=0.1)
        assert np.isfinite(J) and np.isfinite(dj_dw).all() and np.isfinite(dj_db)


def test_softmax_functions_are_finite_and_silent_for_logits_up_to_1e4() -> None:
    rng = np.random.default_rng(4)
    extreme = [[1e4, -1e4, 0, 0, 0], np.zeros(5), [1.7e308, -1.7e308, 0, 0, 0]]
    Z = np.vstack([rng.uniform(-1e4, 1e4, size=(50, 5)), extreme])
    labels = np.concatenate([rng.integers(0, 5, size=50), [0, 1, 0]])
    P = nx.softmax(Z)
    assert np.isfinite(P).all()
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-15)
    assert np.isfinite(nx.softmax_cross_entropy(Z, labels))
    G = nx.softmax_cross_entropy_gradient(Z, labels)
    assert np.isfinite(G).all()
    np.testing.assert_allclose(G.sum(axis=1), 0.0, atol=1e-17)


# --- accuracy against high-precision references --------------------------------------------
@pytest.mark.parametrize("label", [0, 1])
def test_logistic_loss_is_within_1e12_of_mpmath_on_minus_800_to_800(label: int) -> None:
    # A dense grid, plus logits near 0 and near where the loss leaves float64's normal range.
    near_zero = np.geomspace(1e-12, 1.0, 200)
    border = np.linspace(-760.0, -700.0, 241)
    z = np.concatenate([np.linspace(-800, 800, 3201), near_zero, -near_zero, border, -border])
    s = z if label == 0 else -z  # the loss is softplus(s)
    ours = nx.logistic_loss(z, np.full_like(z, label))
    worst, normal, below = 0.0, 0, 0
    for value, si in zip(ours, s, strict=True):
        reference = _mp_softplus(float(si))
        if reference >= TINY:
            worst = max(worst, _relative_error(float(value), reference))
            normal += 1
        else:
            # Below float64's normal range there are at most 52 significant bits (none below
            # 2**-1075): the honest test is to be off by at most one step of that grid.
            assert abs(mpmath.mpf(float(value)) - reference) <= SMALLEST_SUBNORMAL
            below += 1
    assert normal > 3000 and below > 100  # both regimes are exercised
    assert worst < 1e-12, f"worst relative error {worst:.2e}"


def test_sigmoid_and_log_sigmoid_match_mpmath_to_a_few_ulps() -> None:
    z = np.concatenate([np.linspace(-708, 708, 1417), np.geomspace(1e-12, 50, 100) * -1])
    sig, log_sig = nx.sigmoid(z), nx.log_sigmoid(z)
    for zi, s, ls in zip(z, sig, log_sig, strict=True):
        assert _relative_error(float(s), _mp_sigmoid(float(zi))) < 1e-15
        assert _relative_error(float(ls), -_mp_softplus(-float(zi))) < 1e-15


@pytest.mark.parametrize(
    ("gradient", "slope"),
    [(nx.logistic_gradient, False), (nx.sigmoid_squared_error_gradient, True)],
    ids=["logistic", "sigmoid-squared-error"],
)
@pytest.mark.parametrize("z", [-700.0, -40.0, -3.0, 0.5, 40.0, 700.0])
@pytest.mark.parametrize("label", [0, 1])
def test_gradients_keep_tiny_residuals(gradient: Callable, slope: bool, z: float, label: int):
    # One example x = 1, so dJ/dw = dJ/db = dL/dz at z = w.
    dj_dw, dj_db = gradient(np.ones((1, 1)), [label], [z], 0.0)
    with mpmath.workdps(1000):  # 1 - sigmoid(700) needs over 300 digits
        f = 1 / (1 + mpmath.exp(-mpmath.mpf(z)))
        reference = (f - label) * (f * (1 - f) if slope else 1)
    assert dj_db == dj_dw[0]
    if abs(reference) >= TINY:
        assert _relative_error(dj_db, reference) < 1e-14
    else:  # below float64's normal range (exp(-1400)): 0 or a subnormal next to it
        assert abs(mpmath.mpf(dj_db) - reference) <= SMALLEST_SUBNORMAL


def test_softmax_cross_entropy_and_gradient_match_mpmath() -> None:
    rng = np.random.default_rng(7)
    Z = np.vstack([rng.normal(scale=5.0, size=(20, 4)), [[40.0, 0, 0, 0], [0, 0, 0, -700.0]]])
    labels = np.concatenate([rng.integers(0, 4, size=20), [0, 3]])
    losses, gradients = [], []
    with mpmath.workdps(50):
        for row, label in zip(Z, labels, strict=True):
            e = [mpmath.exp(mpmath.mpf(float(v))) for v in row]
            total = mpmath.fsum(e)
            losses.append(mpmath.log(total) - mpmath.mpf(float(row[label])))
            gradients.append([ec / total - (c == label) for c, ec in enumerate(e)])
        mean = mpmath.fsum(losses) / len(losses)
    assert _relative_error(nx.softmax_cross_entropy(Z, labels), mean) < 1e-14
    G = nx.softmax_cross_entropy_gradient(Z, labels) * Z.shape[0]
    for i, row in enumerate(gradients):
        for c, reference in enumerate(row):
            if reference != 0 and abs(reference) > TINY:
                assert _relative_error(float(G[i, c]), reference) < 1e-13, (i, c)
    # A confident right answer keeps its tiny loss and gradient (1 - p would round to 0).
    assert nx.softmax_cross_entropy([[40.0, 0.0]], [0]) == pytest.approx(np.exp(-40), rel=1e-15)
    assert nx.softmax_cross_entropy_gradient([[40.0, 0.0]], [0])[0, 0] < 0


def test_logistic_cost_is_the_mean_loss_plus_the_penalty_on_w() -> None:
    rng = np.random.default_rng(1)
    X, y, w, b = rng.normal(size=(30, 3)), rng.integers(0, 2, 30), rng.normal(size=3), 0.3
    expected = np.mean(nx.logistic_loss(X @ w + b, y)) + 0.4 / (2 * 30) * np.sum(w**2)
    assert nx.logistic_cost(X, y, w, b, lambda_=0.4) == pytest.approx(expected, rel=1e-14)


# --- blocks, memory layout and memory use ----------------------------------------------------
def _textbook(name: str, X, y, w, b, lam) -> tuple[float, np.ndarray, float]:
    """Cost and gradient straight from the course's formulas (fine for moderate logits)."""
    m = X.shape[0]
    z = X @ w + b
    penalty = lam / (2 * m) * np.sum(w**2)
    if name == "linear":
        f = z
        J, dz = np.sum((f - y) ** 2) / (2 * m), f - y
    else:
        f = 1 / (1 + np.exp(-z))
        if name == "logistic":
            J, dz = -np.mean(y * np.log(f) + (1 - y) * np.log(1 - f)), f - y
        else:
            J, dz = np.sum((f - y) ** 2) / (2 * m), (f - y) * f * (1 - f)
    return J + penalty, X.T @ dz / m + lam / m * w, np.mean(dz)


PAIRS = {
    "logistic": (nx.logistic_cost, nx.logistic_gradient),
    "sigmoid-squared-error": (nx.sigmoid_squared_error_cost, nx.sigmoid_squared_error_gradient),
    "linear": (nx.squared_error_cost, nx.squared_error_gradient),
}


@pytest.mark.parametrize("name", PAIRS)
@pytest.mark.parametrize("block_bytes", [64, 1000, 1 << 20], ids=["2-rows", "31-rows", "1MiB"])
@pytest.mark.parametrize("layout", ["C", "F", "strided", "float32", "int"])
def test_costs_and_gradients_equal_the_textbook_formulas_for_any_blocks_and_layout(
    name: str, block_bytes: int, layout: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nx, "_BLOCK_BYTES", block_bytes)
    rng = np.random.default_rng(2)
    X = rng.normal(size=(97, 8))  # 97 rows: the last block is a short one
    if layout == "F":
        X = np.asfortranarray(X)
    elif layout == "strided":
        X = rng.normal(size=(97, 16))[:, ::2]
    elif layout == "float32":
        X = X.astype(np.float32)
    elif layout == "int":
        X = rng.integers(-3, 4, size=(97, 8))
    y = rng.normal(size=97) if name == "linear" else rng.integers(0, 2, 97).astype(float)
    w, b, lam = rng.normal(size=8) * 0.5, -0.2, 0.3
    cost, gradient = PAIRS[name]
    with np.errstate(all="ignore"):
        J, dj_dw, dj_db = _textbook(name.split("-")[0], X.astype(np.float64), y, w, b, lam)
    assert cost(X, y, w, b, lambda_=lam) == pytest.approx(J, rel=1e-13)
    ours_dw, ours_db = gradient(X, y, w, b, lambda_=lam)
    np.testing.assert_allclose(ours_dw, dj_dw, rtol=1e-12, atol=1e-15)
    assert ours_db == pytest.approx(dj_db, rel=1e-12, abs=1e-15)
    assert isinstance(ours_db, float) and ours_dw.dtype == np.float64


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gradient_allocates_no_temporary_near_the_size_of_X(dtype: type) -> None:
    X = np.random.default_rng(3).normal(size=(200_000, 16)).astype(dtype)  # 26 or 13 MB
    y = (np.arange(200_000) % 2).astype(np.float64)
    w = np.full(16, 0.1)
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        nx.logistic_gradient(X, y, w, 0.0, lambda_=0.1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A few block-sized temporaries and m-length vectors; X is 13 or 26 MB.
    bound = 2 * nx._BLOCK_BYTES + 2 * y.nbytes
    assert peak - base < bound, f"peak extra memory {peak - base} B for X of {X.nbytes} B"


def test_inputs_are_not_modified() -> None:
    rng = np.random.default_rng(5)
    X, y, w = rng.normal(size=(9, 3)), rng.integers(0, 2, 9).astype(float), rng.normal(size=3)
    copies = [X.copy(), y.copy(), w.copy()]
    for cost, gradient in PAIRS.values():
        cost(X, y, w, 0.1, lambda_=0.2)
        gradient(X, y, w, 0.1, lambda_=0.2)
    Z, labels = rng.normal(size=(4, 3)), np.array([0, 2, 1, 1])
    Z_copy = Z.copy()
    nx.softmax(Z)
    nx.softmax_cross_entropy_gradient(Z, labels)
    for before, after in zip([*copies, Z_copy], [X, y, w, Z], strict=True):
        np.testing.assert_array_equal(before, after)


# --- validation: one test per error, each naming the argument and what it received ----------
X3 = np.array([[1.0, 2.0], [0.5, -1.0], [-2.0, 0.0]])
Y3 = np.array([1.0, 0.0, 1.0])
W2 = np.array([0.1, -0.2])


def _with(value, index, new):
    copy = np.array(value, dtype=float)
    copy[index] = new
    return copy


MODEL_CASES = [
    ("X-1d", (X3[0], Y3, W2, 0.0), {}, r"X must be a 2-D array .* got shape \(2,\)"),
    ("X-no-rows", (np.zeros((0, 2)), [], W2, 0.0), {}, r"at least one example .*\(0, 2\)"),
    ("X-strings", (X3.astype(str), Y3, W2, 0.0), {}, r"X must hold real numbers, got dtype <U"),
    ("X-complex", (X3 + 1j, Y3, W2, 0.0), {}, r"X must hold real numbers, got dtype complex"),
    ("X-ragged", ([[1.0, 2.0], [3.0]], [1, 0], W2, 0.0), {}, r"X must be an array of real"),
    (
        "X-nan",
        (_with(X3, (1, 0), np.nan), Y3, W2, 0.0),
        {},
        r"X must be finite, but X\[1, 0\] = nan",
    ),
    (
        "X-inf",
        (_with(X3, (2, 1), np.inf), Y3, W2, 0.0),
        {},
        r"X must be finite, but X\[2, 1\] = inf",
    ),
    (
        "X-nan-column-with-zero-weight-F-order",
        (np.asfortranarray(_with(X3, (0, 1), np.nan)), Y3, np.zeros(2), 0.0),
        {},
        r"X must be finite, but X\[0, 1\] = nan .*rows .* \[0\]",
    ),
    (
        "w-shape",
        (X3, Y3, [0.1, 0.2, 0.3], 0.0),
        {},
        r"w must have shape \(2,\) to match X of shape \(3, 2\), got shape \(3,\)",
    ),
    ("w-column", (X3, Y3, W2[:, None], 0.0), {}, r"w must have shape \(2,\) .* got shape \(2, 1\)"),
    ("w-inf", (X3, Y3, [np.inf, 0.0], 0.0), {}, r"w must be finite, but w\[0\] = inf"),
    ("w-nan", (X3, Y3, [0.0, np.nan], 0.0), {}, r"w must be finite, but w\[1\] = nan"),
    (
        "y-shape",
        (X3, Y3[:2], W2, 0.0),
        {},
        r"y must have shape \(3,\) to match X of shape \(3, 2\), got shape \(2,\)",
    ),
    ("y-column", (X3, Y3[:, None], W2, 0.0), {}, r"y must have shape \(3,\) .* got shape \(3, 1\)"),
    ("y-nan", (X3, _with(Y3, 2, np.nan), W2, 0.0), {}, r"y must be finite, but y\[2\] = nan"),
    ("b-nan", (X3, Y3, W2, np.nan), {}, r"b must be finite, got nan"),
    ("b-inf", (X3, Y3, W2, -np.inf), {}, r"b must be finite, got -inf"),
    (
        "b-array",
        (X3, Y3, W2, np.array([0.1, 0.2])),
        {},
        r"b must be a scalar, got an array of shape \(2,\)",
    ),
    ("lambda-negative", (X3, Y3, W2, 0.0), {"lambda_": -0.1}, r"lambda_ must be >= 0 .* got -0.1"),
    ("lambda-nan", (X3, Y3, W2, 0.0), {"lambda_": np.nan}, r"lambda_ must be finite, got nan"),
]


@pytest.mark.parametrize(
    "func",
    [
        nx.logistic_cost,
        nx.logistic_gradient,
        nx.sigmoid_squared_error_cost,
        nx.sigmoid_squared_error_gradient,
        nx.squared_error_cost,
        nx.squared_error_gradient,
    ],
)
@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [case[1:] for case in MODEL_CASES],
    ids=[case[0] for case in MODEL_CASES],
)
def test_model_functions_refuse_invalid_input_naming_it(func, args, kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        func(*args, **kwargs)


@pytest.mark.parametrize(
    ("func", "expected"),
    [
        (nx.logistic_cost, r"the cost overflows float64"),  # the y = 0 losses are 2e309
        (nx.squared_error_cost, r"the cost overflows float64"),
        (nx.squared_error_gradient, r"the gradient overflows float64"),
        (nx.logistic_gradient, ([1e308 / 3, 1e308 / 3], 1 / 3)),  # f - y = [0, 1, 0] exactly
        (nx.sigmoid_squared_error_cost, 1 / 6),
        (nx.sigmoid_squared_error_gradient, ([0.0, 0.0], 0.0)),  # f (1 - f) = 0 exactly
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_logits_beyond_float64_give_the_exact_result_or_a_value_error(func, expected) -> None:
    # Finite inputs whose logits, 2e309, overflow: an error only where the result overflows.
    args = (np.full((3, 2), 1e308), Y3, [10.0, 10.0], 0.0)
    if isinstance(expected, str):
        with pytest.raises(ValueError, match=expected + r": the inputs are too large"):
            func(*args)
    elif isinstance(expected, tuple):
        dj_dw, dj_db = func(*args)
        np.testing.assert_allclose(dj_dw, expected[0], rtol=1e-15)
        assert dj_db == pytest.approx(expected[1], rel=1e-15)
    else:
        assert func(*args) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(
    "func",
    [
        nx.logistic_cost,
        nx.logistic_gradient,
        nx.sigmoid_squared_error_cost,
        nx.sigmoid_squared_error_gradient,
    ],
)
@pytest.mark.parametrize(
    ("y", "message"),
    [
        ([1, 0, 2], r"y must hold labels 0 or 1, but it contains 2 \(1 of 3 values\)"),
        ([1, -1, -1], r"y must hold labels 0 or 1, but it contains -1 \(2 of 3 values\)"),
        ([0.5, 0, 1], r"y must hold labels 0 or 1, but it contains 0.5"),
        ([1e-17, 0, 1], r"y must hold labels 0 or 1, but it contains 1e-17"),
    ],
    ids=["two", "minus-one-convention", "soft-label", "almost-zero"],
)
def test_classification_functions_refuse_labels_outside_0_and_1(func, y, message) -> None:
    with pytest.raises(ValueError, match=message):
        func(X3, y, W2, 0.0)


ELEMENTWISE_CASES = [
    ("sigmoid-nan", lambda: nx.sigmoid([0.0, np.nan]), r"z must be finite, but z\[1\] = nan"),
    ("sigmoid-inf", lambda: nx.sigmoid(np.inf), r"z must be finite, but z = inf"),
    ("sigmoid-strings", lambda: nx.sigmoid(["a"]), r"z must hold real numbers, got dtype <U1"),
    (
        "log-sigmoid-inf",
        lambda: nx.log_sigmoid([[-np.inf]]),
        r"z must be finite, but z\[0, 0\] = -inf",
    ),
    ("loss-z-nan", lambda: nx.logistic_loss([np.nan], [1]), r"z must be finite, but z\[0\] = nan"),
    ("loss-y-nan", lambda: nx.logistic_loss(0.0, np.nan), r"y must be finite, but y = nan"),
    (
        "loss-soft-label",
        lambda: nx.logistic_loss(0.3, 0.5),
        r"y must hold labels 0 or 1, but it contains 0.5",
    ),
    (
        "loss-shapes",
        lambda: nx.logistic_loss(np.zeros(3), [1, 0]),
        r"z and y must have the same shape or broadcast together, got shapes \(3,\) and \(2,\)",
    ),
    ("softmax-nan", lambda: nx.softmax([np.nan, 1.0]), r"Z must be finite, but Z\[0\] = nan"),
    ("softmax-scalar", lambda: nx.softmax(1.0), r"Z must have at least one dimension"),
    (
        "softmax-axis",
        lambda: nx.softmax(np.zeros((2, 3)), axis=2),
        r"axis 2 is out of range for Z of shape \(2, 3\)",
    ),
    (
        "softmax-no-classes",
        lambda: nx.softmax(np.zeros((2, 0))),
        r"at least one class along axis -1, got shape \(2, 0\)",
    ),
    (
        "ce-Z-1d",
        lambda: nx.softmax_cross_entropy(np.zeros(3), [0]),
        r"Z must be a 2-D array .* got shape \(3,\)",
    ),
    (
        "ce-Z-inf",
        lambda: nx.softmax_cross_entropy([[0.0, np.inf]], [0]),
        r"Z must be finite, but Z\[0, 1\] = inf",
    ),
    (
        "ce-index-range",
        lambda: nx.softmax_cross_entropy(np.zeros((2, 3)), [0, 3]),
        r"integers in \[0, 2\] \(Z has 3 classes\), but it contains 3",
    ),
    (
        "ce-index-negative",
        lambda: nx.softmax_cross_entropy(np.zeros((2, 3)), [-1, 0]),
        r"but it contains -1",
    ),
    (
        "ce-index-fraction",
        lambda: nx.softmax_cross_entropy(np.zeros((2, 3)), [0.5, 1]),
        r"but it contains 0.5",
    ),
    (
        "ce-not-one-hot",
        lambda: nx.softmax_cross_entropy(np.zeros((2, 2)), [[1, 0], [1, 1]]),
        r"one-hot rows .* but Y\[1\] = \[1.0, 1.0\]",
    ),
    (
        "ce-soft-row",
        lambda: nx.softmax_cross_entropy(np.zeros((1, 2)), [[0.5, 0.5]]),
        r"but Y\[0\] = \[0.5, 0.5\]",
    ),
    (
        "ce-Y-shape",
        lambda: nx.softmax_cross_entropy(np.zeros((2, 3)), np.eye(2)),
        r"Y must be class indices of shape \(2,\) or one-hot rows of shape \(2, 3\) "
        r".* got shape \(2, 2\)",
    ),
    (
        "ce-Y-nan",
        lambda: nx.softmax_cross_entropy(np.zeros((2, 3)), [0, np.nan]),
        r"Y must be finite, but Y\[1\] = nan",
    ),
    (
        "ce-gradient-index-range",
        lambda: nx.softmax_cross_entropy_gradient(np.zeros((1, 2)), [2]),
        r"integers in \[0, 1\]",
    ),
    (
        "numgrad-eps-zero",
        lambda: nx.numerical_gradient(np.sum, [1.0], eps=0.0),
        r"eps must be > 0, got 0.0",
    ),
    (
        "numgrad-eps-nan",
        lambda: nx.numerical_gradient(np.sum, [1.0], eps=np.nan),
        r"eps must be finite, got nan",
    ),
    (
        "numgrad-x-inf",
        lambda: nx.numerical_gradient(np.sum, [1.0, np.inf]),
        r"x must be finite, but x\[1\] = inf",
    ),
    (
        "numgrad-f-array",
        lambda: nx.numerical_gradient(lambda v: v, [1.0]),
        r"f must return a finite real scalar, but at x \+ eps at coordinate 0 it returned "
        r"array\(\[1.000001\]\)",
    ),
    (
        "numgrad-f-nan",
        lambda: nx.numerical_gradient(lambda v: np.log(v[0]), [0.0]),
        r"f must return a finite real scalar, but at x - eps at coordinate 0 it returned",
    ),
    (
        "gradcheck-shape",
        lambda: nx.gradient_check(np.sum, lambda v: np.ones(3), [1.0, 2.0]),
        r"grad\(x\) must have the shape of x \(2,\), got shape \(3,\)",
    ),
    (
        "gradcheck-nan",
        lambda: nx.gradient_check(np.sum, lambda v: v * np.nan, [1.0]),
        r"grad\(x\) must be finite, but grad\(x\)\[0\] = nan",
    ),
]


@pytest.mark.parametrize(
    ("call", "message"),
    [case[1:] for case in ELEMENTWISE_CASES],
    ids=[case[0] for case in ELEMENTWISE_CASES],
)
def test_other_functions_refuse_invalid_input_naming_it(call: Callable, message: str) -> None:
    with np.errstate(all="ignore"), pytest.raises(ValueError, match=message):
        call()


# --- analytic gradients equal finite differences (hypothesis) --------------------------------
SETTINGS = settings(max_examples=30, deadline=None, derandomize=True)
finite = {"allow_nan": False, "allow_infinity": False}


@st.composite
def linear_problems(draw, labels: str):
    m = draw(st.integers(1, 8))
    n = draw(st.integers(1, 4))
    X = draw(hnp.arrays(np.float64, (m, n), elements=st.floats(-3, 3, **finite)))
    if labels == "binary":
        y = draw(hnp.arrays(np.float64, m, elements=st.sampled_from([0.0, 1.0])))
    else:
        y = draw(hnp.arrays(np.float64, m, elements=st.floats(-3, 3, **finite)))
    w = draw(hnp.arrays(np.float64, n, elements=st.floats(-2, 2, **finite)))
    b = draw(st.floats(-2, 2, **finite))
    return X, y, w, b


def _assert_gradient_equals_finite_differences(cost, gradient, problem, lambda_) -> None:
    X, y, w, b = problem
    n = w.size

    def J(theta: np.ndarray) -> float:
        return cost(X, y, theta[:n], theta[n], lambda_=lambda_)

    def dJ(theta: np.ndarray) -> np.ndarray:
        dj_dw, dj_db = gradient(X, y, theta[:n], theta[n], lambda_=lambda_)
        return np.append(dj_dw, dj_db)

    theta = np.append(w, b)
    analytic = dJ(theta)
    numeric = nx.numerical_gradient(J, theta)
    # Central differences with eps = 1e-6 are good to about 1e-10 |J| (rounding) + 1e-12.
    with np.errstate(under="ignore"):  # hypothesis likes subnormal inputs
        np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8 * (1 + abs(J(theta))))
        large = np.linalg.norm(analytic) > 1e-3
    if large:
        assert nx.gradient_check(J, dJ, theta) < 1e-6


@pytest.mark.parametrize("lambda_", [0.0, 0.7], ids=["plain", "regularized"])
@SETTINGS
@given(problem=linear_problems("binary"))
def test_logistic_gradient_equals_finite_differences(problem, lambda_: float) -> None:
    _assert_gradient_equals_finite_differences(
        nx.logistic_cost, nx.logistic_gradient, problem, lambda_
    )


@pytest.mark.parametrize("lambda_", [0.0, 0.7], ids=["plain", "regularized"])
@SETTINGS
@given(problem=linear_problems("real"))
def test_squared_error_gradient_equals_finite_differences(problem, lambda_: float) -> None:
    _assert_gradient_equals_finite_differences(
        nx.squared_error_cost, nx.squared_error_gradient, problem, lambda_
    )


@pytest.mark.parametrize("lambda_", [0.0, 0.7], ids=["plain", "regularized"])
@SETTINGS
@given(problem=linear_problems("binary"))
def test_sigmoid_squared_error_gradient_equals_finite_differences(problem, lambda_) -> None:
    _assert_gradient_equals_finite_differences(
        nx.sigmoid_squared_error_cost, nx.sigmoid_squared_error_gradient, problem, lambda_
    )


@SETTINGS
@given(
    Z=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=5).filter(
            lambda shape: shape[1] >= 2
        ),
        elements=st.floats(-10, 10, **finite),
    ),
    data=st.data(),
    one_hot=st.booleans(),
)
def test_softmax_cross_entropy_gradient_equals_finite_differences(Z, data, one_hot) -> None:
    m, k = Z.shape
    labels = data.draw(hnp.arrays(np.int64, m, elements=st.integers(0, k - 1)))
    Y = np.eye(k)[labels] if one_hot else labels
    analytic = nx.softmax_cross_entropy_gradient(Z, Y)
    numeric = nx.numerical_gradient(lambda z: nx.softmax_cross_entropy(z, Y), Z)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


@SETTINGS
@given(
    z=hnp.arrays(np.float64, st.integers(1, 20), elements=st.floats(-30, 30, **finite)),
    data=st.data(),
)
def test_elementwise_derivatives_equal_finite_differences(z, data) -> None:
    """dL/dz = sigmoid(z) - y, dsigmoid/dz = sigmoid(z)(1 - sigmoid(z)), dlog_sigmoid/dz =
    sigmoid(-z): the identities the derivations on the site rest on."""
    y = data.draw(hnp.arrays(np.float64, z.size, elements=st.sampled_from([0.0, 1.0])))
    s = nx.sigmoid(z)
    for func, derivative in [
        (lambda v: float(np.sum(nx.logistic_loss(v, y))), s - y),
        (lambda v: float(np.sum(nx.sigmoid(v))), s * (1 - s)),
        (lambda v: float(np.sum(nx.log_sigmoid(v))), nx.sigmoid(-z)),
    ]:
        np.testing.assert_allclose(nx.numerical_gradient(func, z), derivative, atol=1e-8)


def test_numerical_gradient_differentiates_any_shape_and_leaves_x_alone() -> None:
    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    before = x.copy()
    g = nx.numerical_gradient(lambda v: float(np.sum(v**3)), x)
    np.testing.assert_allclose(g, 3 * before**2, rtol=1e-9)
    np.testing.assert_array_equal(x, before)
    # Integer input is differentiated in float64 (x + eps on an int array would truncate).
    np.testing.assert_allclose(nx.numerical_gradient(lambda v: float(v @ v), [1, 2]), [2, 4])


def test_gradient_check_is_zero_for_a_right_gradient_and_large_for_a_wrong_one() -> None:
    def J(t: np.ndarray) -> float:
        return nx.logistic_cost(X3, Y3, t, 0.0)

    def right(t: np.ndarray) -> np.ndarray:
        return nx.logistic_gradient(X3, Y3, t, 0.0)[0]

    assert nx.gradient_check(J, right, W2) < 1e-9
    assert nx.gradient_check(J, lambda t: -right(t), W2) > 0.99  # a sign error
    assert nx.gradient_check(J, lambda t: 2 * right(t), W2) == pytest.approx(1 / 3, rel=1e-6)
    assert nx.gradient_check(lambda t: 1.0, lambda t: np.zeros(2), W2) == 0.0


# --- documentation ------------------------------------------------------------------------
@pytest.mark.parametrize("name", nx.__all__)
def test_public_function_has_a_numpy_style_docstring_with_examples(name: str) -> None:
    func = getattr(nx, name)
    doc = inspect.getdoc(func) or ""
    for section in ("Parameters\n----------", "Returns\n-------", "Examples\n--------"):
        assert section in doc, f"{name}: no {section.splitlines()[0]} section"
    assert ">>> " in doc
    hints = inspect.get_annotations(func)
    assert "return" in hints and set(inspect.signature(func).parameters) <= set(hints)


def test_docstring_examples_run() -> None:
    result = doctest.testmod(nx, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 2 * len(nx.__all__) and result.failed == 0

"""derivnotes.numerics: stability, accuracy, validation, gradients equal to finite differences."""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derivnotes import numerics as nx

LOGITS = np.concatenate([np.linspace(-1e4, 1e4, 2001), [-745.2, -709.8, 709.8, 745.2, 0.0]])


@pytest.fixture(autouse=True)
def _numpy_warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            yield


@pytest.mark.parametrize(
    "func",
    [
        nx.sigmoid,
        nx.log_sigmoid,
        lambda z: nx.logistic_loss(z, 1),
        lambda z: nx.logistic_loss(z, 0),
    ],
    ids=["sigmoid", "log_sigmoid", "loss_y1", "loss_y0"],
)
def test_no_overflow_nan_or_warning_for_logits_up_to_1e4(func) -> None:
    values = np.asarray(func(LOGITS))
    assert np.isfinite(values).all()


def test_costs_and_gradients_stay_finite_for_huge_logits() -> None:
    X = np.array([[1.0], [1.0], [-1.0], [-1.0]])
    y = np.array([1, 0, 1, 0])
    for w in (1e4, -1e4):
        assert np.isfinite(nx.logistic_cost(X, y, [w], 0.0))
        dw, db = nx.logistic_gradient(X, y, [w], 0.0)
        assert np.isfinite(dw).all() and np.isfinite(db)


def _reference_loss(z: float, y: int) -> mpmath.mpf:
    with mpmath.workdps(60):
        s = mpmath.mpf(-z if y == 1 else z)
        return mpmath.log1p(mpmath.exp(s))


@pytest.mark.parametrize("y", [0, 1])
def test_logistic_loss_is_within_1e12_of_a_high_precision_reference(y: int) -> None:
    z = np.concatenate([np.linspace(-800, 800, 3201), np.geomspace(1e-8, 800, 200)])
    z = np.concatenate([z, -z])
    ours = np.asarray(nx.logistic_loss(z, np.full_like(z, y)))
    worst = 0.0
    for value, zi in zip(ours, z, strict=True):
        ref = _reference_loss(float(zi), y)
        if ref < mpmath.mpf(
            np.finfo(float).tiny
        ):  # below float64's normal range: not representable
            assert value <= 2 * np.finfo(float).tiny
            continue
        worst = max(worst, float(abs(mpmath.mpf(float(value)) - ref) / ref))
    assert worst < 1e-12


def test_sigmoid_matches_its_definition_and_symmetry() -> None:
    z = np.linspace(-30, 30, 121)
    np.testing.assert_allclose(nx.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    np.testing.assert_allclose(1 - nx.sigmoid(z), nx.sigmoid(-z), rtol=0, atol=np.finfo(float).eps)


# --- validation ---------------------------------------------------------------------------------
X3 = np.array([[1.0, 2.0], [0.5, -1.0], [-2.0, 0.0]])
Y3 = np.array([1, 0, 1])
W2 = np.array([0.1, -0.2])


@pytest.mark.parametrize(
    "func",
    [nx.logistic_cost, nx.logistic_gradient, nx.squared_error_cost, nx.squared_error_gradient],
)
@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((X3, Y3, np.array([0.1, 0.2, 0.3]), 0.0), {}, r"w must have shape \(2,\).*\(3,\)"),
        ((X3, Y3[:2], W2, 0.0), {}, r"y must have shape \(3,\).*got \(2,\)"),
        ((X3[0], Y3, W2, 0.0), {}, r"X must be a 2-D array.*\(2,\)"),
        ((np.where(X3 == 0.5, np.nan, X3), Y3, W2, 0.0), {}, r"X must be finite.*rows \[1\]"),
        ((X3, Y3, np.array([np.inf, 0.0]), 0.0), {}, r"w must be finite.*inf"),
        ((X3, Y3, W2, np.nan), {}, r"b must be finite"),
        ((X3, Y3, W2, 0.0), {"lambda_": -0.1}, r"lambda_ must be .*>= 0.*-0.1"),
    ],
    ids=["w-shape", "y-shape", "X-1d", "X-nan", "w-inf", "b-nan", "negative-lambda"],
)
def test_bad_inputs_raise_value_error_naming_the_argument(func, args, kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        func(*args, **kwargs)


@pytest.mark.parametrize("func", [nx.logistic_cost, nx.logistic_gradient])
def test_labels_outside_0_and_1_are_refused(func) -> None:
    with pytest.raises(ValueError, match=r"y must hold labels 0 or 1.*\[2\.0\]"):
        func(X3, np.array([1, 0, 2]), W2, 0.0)


def test_logistic_loss_refuses_soft_labels_and_nan_logits() -> None:
    with pytest.raises(ValueError, match="labels 0 or 1"):
        nx.logistic_loss(0.3, 0.5)
    with pytest.raises(ValueError, match="z must be finite"):
        nx.logistic_loss(np.nan, 1)


def test_softmax_targets_are_validated() -> None:
    Z = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"class indices in \[0, 2\]"):
        nx.softmax_cross_entropy(Z, [0, 3])
    with pytest.raises(ValueError, match="shape of Z"):
        nx.softmax_cross_entropy(Z, np.eye(2))
    with pytest.raises(ValueError, match="Z must be finite"):
        nx.softmax(np.array([np.nan, 1.0]))


def test_numerical_gradient_leaves_its_input_unchanged() -> None:
    x = np.array([1.0, 2.0])
    nx.numerical_gradient(lambda v: float(v @ v), x)
    assert x.tolist() == [1.0, 2.0]


# --- analytic gradients equal finite differences ---------------------------------------------
@st.composite
def problems(draw, labels: str = "binary"):
    m = draw(st.integers(2, 6))
    n = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n))
    y = rng.integers(0, 2, size=m).astype(float) if labels == "binary" else rng.normal(size=m)
    w = rng.normal(size=n)
    b = float(rng.normal())
    lam = draw(st.sampled_from([0.0, 0.7]))
    return X, y, w, b, lam


def _params_check(cost, grad, X, y, w, b, lam) -> float:
    n = w.size

    def f(theta):
        return cost(X, y, theta[:n], theta[n], **({"lambda_": lam} if lam is not None else {}))

    def g(theta):
        dw, db = grad(X, y, theta[:n], theta[n], **({"lambda_": lam} if lam is not None else {}))
        return np.append(dw, db)

    theta = np.append(w, b)
    with np.errstate(all="ignore"):
        numeric = nx.numerical_gradient(f, theta, eps=1e-6)
    analytic = g(theta)
    # Relative where the gradient is sizeable, absolute near 0 (finite-difference rounding).
    return float(np.max(np.abs(analytic - numeric) / np.maximum(np.abs(analytic), 1e-2)))


SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)


@SETTINGS
@given(problems())
def test_logistic_gradient_equals_finite_differences(problem) -> None:
    X, y, w, b, lam = problem
    assert _params_check(nx.logistic_cost, nx.logistic_gradient, X, y, w, b, lam) < 1e-6


@SETTINGS
@given(problems(labels="real"))
def test_squared_error_gradient_equals_finite_differences(problem) -> None:
    X, y, w, b, lam = problem
    assert _params_check(nx.squared_error_cost, nx.squared_error_gradient, X, y, w, b, lam) < 1e-7


@SETTINGS
@given(problems())
def test_sigmoid_squared_error_gradient_equals_finite_differences(problem) -> None:
    X, y, w, b, _ = problem
    err = _params_check(
        nx.sigmoid_squared_error_cost, nx.sigmoid_squared_error_gradient, X, y, w, b, None
    )
    assert err < 1e-6


@SETTINGS
@given(st.integers(1, 5), st.integers(2, 5), st.integers(0, 2**32 - 1))
def test_softmax_cross_entropy_gradient_equals_finite_differences(m, k, seed) -> None:
    rng = np.random.default_rng(seed)
    Z = rng.normal(scale=3, size=(m, k))
    labels = rng.integers(0, k, size=m)
    with np.errstate(all="ignore"):
        numeric = nx.numerical_gradient(lambda z: nx.softmax_cross_entropy(z, labels), Z)
    analytic = nx.softmax_cross_entropy_gradient(Z, labels)
    # Absolute: a confident, correct prediction has a gradient near 0, where a relative error
    # would measure only the finite differences' rounding.
    np.testing.assert_allclose(analytic, numeric, rtol=0, atol=1e-8)


def test_gradient_check_flags_a_wrong_gradient() -> None:
    X, y = X3, Y3
    wrong = nx.gradient_check(
        lambda t: nx.logistic_cost(X, y, t, 0.0),
        lambda t: -nx.logistic_gradient(X, y, t, 0.0)[0],  # a sign error
        W2,
    )
    assert wrong > 0.5

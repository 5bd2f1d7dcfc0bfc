"""Numerically stable activations, losses, costs and gradients, with input validation.

Every number on the site that is not a derivation comes from here, and learners copy this
code, so each function

* is stable over the whole float64 range it can meet: logits anywhere in ``[-1e4, 1e4]`` give
  no overflow, no NaN/inf and no numpy warning;
* validates its inputs and raises :class:`ValueError` naming the argument, the shapes or the
  values received (wrong shapes, labels outside {0, 1}, NaN/inf, a negative ``lambda_``);
* follows the course's conventions: ``z = X @ w + b``, ``f = sigmoid(z)``,
  ``J = (1/m) sum L + (lambda_/(2m)) sum_j w_j**2`` (the bias is not regularized).

The gradients cost two matrix-vector products (``X @ w`` and ``X.T @ r``) and O(m + n) extra
work; nothing allocates a temporary the size of ``X`` (see ``benchmarks/numerics.py``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "gradient_check",
    "log_sigmoid",
    "logistic_cost",
    "logistic_gradient",
    "logistic_loss",
    "numerical_gradient",
    "sigmoid",
    "sigmoid_squared_error_cost",
    "sigmoid_squared_error_gradient",
    "softmax",
    "softmax_cross_entropy",
    "softmax_cross_entropy_gradient",
    "squared_error_cost",
    "squared_error_gradient",
]

Array = NDArray[np.float64]


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------
def _finite_array(name: str, value: ArrayLike) -> Array:
    array = np.asarray(value, dtype=np.float64)
    if not np.isfinite(array).all():
        bad = array[~np.isfinite(array)].ravel()[:3]
        raise ValueError(f"{name} must be finite, but it contains {', '.join(map(str, bad))}")
    return array


def _labels(name: str, value: ArrayLike, allowed: str = "binary") -> Array:
    y = _finite_array(name, value)
    if allowed == "binary" and not np.all((y == 0) | (y == 1)):
        bad = np.unique(y[(y != 0) & (y != 1)])[:5]
        raise ValueError(f"{name} must hold labels 0 or 1, but it contains {bad.tolist()}")
    if allowed == "unit" and not np.all((y >= 0) & (y <= 1)):
        bad = np.unique(y[(y < 0) | (y > 1)])[:5]
        raise ValueError(f"{name} must hold targets in [0, 1], but it contains {bad.tolist()}")
    return y


def _lambda(lambda_: float) -> float:
    value = float(lambda_)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"lambda_ must be a finite number >= 0, got {lambda_!r}")
    return value


def _model_inputs(
    X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float, labels: str
) -> tuple[Array, Array, Array, float]:
    """Check shapes and values of (X, y, w, b) without copying X or scanning it twice."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (m examples x n features), got shape {X.shape}")
    m, n = X.shape
    if m == 0:
        raise ValueError("X must hold at least one example, got shape (0, n)")
    w = _finite_array("w", w)
    if w.shape != (n,):
        raise ValueError(f"w must have shape ({n},) to match X of shape {X.shape}, got {w.shape}")
    y_arr = np.asarray(y, dtype=np.float64)
    if y_arr.shape != (m,):
        raise ValueError(f"y must have shape ({m},) to match X of shape {X.shape}, "
                         f"got {y_arr.shape}")
    y_arr = _labels("y", y_arr, labels) if labels != "real" else _finite_array("y", y_arr)
    b_value = float(np.asarray(b, dtype=np.float64))
    if not np.isfinite(b_value):
        raise ValueError(f"b must be finite, got {b!r}")
    return X, y_arr, w, b_value


def _logits(X: Array, w: Array, b: float) -> Array:
    """``X @ w + b``; a NaN/inf anywhere in X shows up here (inf * 0 is NaN), so X itself is
    scanned only to name the problem, never on the fast path."""
    with np.errstate(invalid="ignore", over="ignore"):  # reported below as a ValueError
        z = X @ w
        z += b
    if not np.isfinite(z).all():
        if not np.isfinite(X).all():
            rows = np.unique(np.nonzero(~np.isfinite(X))[0])[:5]
            raise ValueError(f"X must be finite, but rows {rows.tolist()} contain NaN or inf")
        raise ValueError("X @ w + b overflowed: the inputs are too large for float64")
    return z


# --------------------------------------------------------------------------------------------
# Activations and losses
# --------------------------------------------------------------------------------------------
def sigmoid(z: ArrayLike) -> Array | float:
    """The logistic function ``1 / (1 + exp(-z))``, without overflow for any float64 ``z``.

    Computed from ``exp(-|z|)``, which never overflows, on both sides of zero.

    Examples
    --------
    >>> float(sigmoid(0.0))
    0.5
    >>> np.round(sigmoid(np.array([-1e4, -2.0, 2.0, 1e4])), 6).tolist()
    [0.0, 0.119203, 0.880797, 1.0]
    """
    z_arr = np.asarray(z, dtype=np.float64)
    with np.errstate(under="ignore"):  # exp(-|z|) may underflow to 0: that is the right answer
        e = np.exp(-np.abs(z_arr))
        out = np.where(z_arr >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return float(out) if out.ndim == 0 else out


def log_sigmoid(z: ArrayLike) -> Array | float:
    """``log(sigmoid(z)) = -log(1 + exp(-z))``, accurate where ``sigmoid(z)`` rounds to 0 or 1.

    Examples
    --------
    >>> bool(log_sigmoid(0.0) == -np.log(2.0))
    True
    >>> float(log_sigmoid(-1000.0))  # log(sigmoid(-1000)) would be log(0) = -inf
    -1000.0
    """
    with np.errstate(under="ignore"):
        out = -np.logaddexp(0.0, -np.asarray(z, dtype=np.float64))
    return float(out) if np.ndim(out) == 0 else out


def logistic_loss(z: ArrayLike, y: ArrayLike) -> Array | float:
    """The cross-entropy loss of a logit ``z`` and a label ``y`` in {0, 1}, elementwise.

    ``L = -[y log(sigmoid(z)) + (1 - y) log(1 - sigmoid(z))]``, computed as
    ``log(1 + exp(s))`` with ``s = -z`` for ``y = 1`` and ``s = z`` for ``y = 0``: one softplus,
    no cancellation, accurate to a few ulps for every float64 logit.

    Examples
    --------
    >>> round(float(logistic_loss(0.0, 1)), 6)
    0.693147
    >>> float(logistic_loss(1000.0, 0))   # a confident wrong prediction: loss = z
    1000.0
    >>> float(logistic_loss(40.0, 1))     # a confident right one: exp(-40), not 0
    4.248354255291589e-18
    """
    z_arr = np.asarray(z, dtype=np.float64)
    y_arr = _labels("y", y)
    try:
        s = np.where(y_arr == 1, -z_arr, z_arr)
    except ValueError as exc:
        raise ValueError(f"z and y must broadcast together, got shapes {z_arr.shape} and "
                         f"{y_arr.shape}") from exc
    if not np.isfinite(s).all():
        raise ValueError("z must be finite, but it contains NaN or inf")
    with np.errstate(under="ignore"):
        out = np.logaddexp(0.0, s)
    return float(out) if out.ndim == 0 else out


# --------------------------------------------------------------------------------------------
# Logistic regression
# --------------------------------------------------------------------------------------------
def logistic_cost(X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float,
                  lambda_: float = 0.0) -> float:
    """The (regularized) logistic cost ``J = mean(L) + lambda_/(2m) * sum(w**2)``.

    Examples
    --------
    >>> X = np.array([[0.5, 1.0], [1.0, -1.0], [-1.5, 0.5]])
    >>> y = np.array([1, 0, 1])
    >>> round(logistic_cost(X, y, np.zeros(2), 0.0), 6)   # every prediction is 1/2
    0.693147
    >>> round(logistic_cost(X, y, np.array([1.0, -2.0]), 0.5, lambda_=1.0), 6)
    3.156647
    """
    lam = _lambda(lambda_)
    X, y_arr, w, b = _model_inputs(X, y, w, b, "binary")
    z = _logits(X, w, b)
    z *= 1.0 - 2.0 * y_arr  # s = -z where y = 1, z where y = 0
    with np.errstate(under="ignore"):
        loss = np.logaddexp(0.0, z, out=z)
    m = X.shape[0]
    return float(loss.mean() + lam / (2 * m) * np.dot(w, w))


def logistic_gradient(X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float,
                      lambda_: float = 0.0) -> tuple[Array, float]:
    """Gradient of :func:`logistic_cost`: ``(X.T @ (sigmoid(X @ w + b) - y) / m + lambda_/m * w,
    mean(sigmoid(X @ w + b) - y))``.

    Two matrix-vector products and O(m + n) extra memory.

    Examples
    --------
    >>> X = np.array([[0.5, 1.0], [1.0, -1.0], [-1.5, 0.5]])
    >>> y = np.array([1, 0, 1])
    >>> dj_dw, dj_db = logistic_gradient(X, y, np.zeros(2), 0.0)
    >>> np.round(dj_dw, 6).tolist(), round(dj_db, 6)
    ([0.333333, -0.416667], -0.166667)
    """
    lam = _lambda(lambda_)
    X, y_arr, w, b = _model_inputs(X, y, w, b, "binary")
    m = X.shape[0]
    # r = sigmoid(z) - y = 1 / (1 + exp(-z)) - y, in place on the one m-vector. exp(-z)
    # overflows to inf for z < -709, and 1 / (1 + inf) = 0 is then sigmoid(z) rounded
    # correctly, so that overflow is silenced rather than avoided (avoiding it costs passes).
    with np.errstate(invalid="ignore", over="ignore", under="ignore"):  # NaN/inf: see below
        r = X @ -w
        r -= b
        np.exp(r, out=r)
        r += 1.0
        np.divide(1.0, r, out=r)
        r -= y_arr
        dj_dw = X.T @ r
        dj_db = float(r.mean())
    # A NaN or inf anywhere in X reaches the result (inf * 0 is NaN): X is scanned only then.
    if not (np.isfinite(dj_dw).all() and np.isfinite(dj_db)):
        _logits(X, w, b)  # raises with the rows at fault
        raise ValueError("X @ w + b overflowed: the inputs are too large for float64")
    dj_dw /= m
    if lam:
        dj_dw += (lam / m) * w
    return dj_dw, dj_db


# --------------------------------------------------------------------------------------------
# Linear regression and sigmoid + squared error
# --------------------------------------------------------------------------------------------
def squared_error_cost(X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float,
                       lambda_: float = 0.0) -> float:
    """Linear regression's cost ``(1/(2m)) sum (X @ w + b - y)**2 + lambda_/(2m) sum w**2``.

    Examples
    --------
    >>> X = np.array([[1.0], [2.0], [3.0]])
    >>> squared_error_cost(X, [2.0, 4.0, 6.0], [2.0], 0.0)
    0.0
    >>> squared_error_cost(X, [2.0, 4.0, 6.0], [1.0], 0.0)   # errors 1, 2, 3
    2.3333333333333335
    """
    lam = _lambda(lambda_)
    X, y_arr, w, b = _model_inputs(X, y, w, b, "real")
    m = X.shape[0]
    r = _logits(X, w, b)
    r -= y_arr
    return float(np.dot(r, r) / (2 * m) + lam / (2 * m) * np.dot(w, w))


def squared_error_gradient(X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float,
                           lambda_: float = 0.0) -> tuple[Array, float]:
    """Gradient of :func:`squared_error_cost`: the same ``(f - y) x`` form as logistic regression.

    Examples
    --------
    >>> X = np.array([[1.0], [2.0], [3.0]])
    >>> dj_dw, dj_db = squared_error_gradient(X, [2.0, 4.0, 6.0], [1.0], 0.0)
    >>> dj_dw.tolist(), dj_db
    ([-4.666666666666667], -2.0)
    """
    lam = _lambda(lambda_)
    X, y_arr, w, b = _model_inputs(X, y, w, b, "real")
    m = X.shape[0]
    r = _logits(X, w, b)
    r -= y_arr
    dj_dw = X.T @ r
    dj_dw /= m
    if lam:
        dj_dw += (lam / m) * w
    return dj_dw, float(r.mean())


def sigmoid_squared_error_cost(X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float) -> float:
    """Squared error of a sigmoid output: ``(1/(2m)) sum (sigmoid(X @ w + b) - y)**2``.

    Examples
    --------
    >>> X = np.array([[0.5, 1.0], [1.0, -1.0]])
    >>> sigmoid_squared_error_cost(X, [1, 0], np.zeros(2), 0.0)   # both errors are 1/2
    0.125
    """
    X, y_arr, w, b = _model_inputs(X, y, w, b, "unit")
    f = np.asarray(sigmoid(_logits(X, w, b)))
    r = f - y_arr
    return float(np.dot(r, r) / (2 * X.shape[0]))


def sigmoid_squared_error_gradient(X: ArrayLike, y: ArrayLike, w: ArrayLike,
                                   b: float) -> tuple[Array, float]:
    """Gradient of :func:`sigmoid_squared_error_cost`: ``(f - y) f (1 - f) x``, averaged.

    The factor ``f (1 - f)`` does not cancel here: it vanishes when the model is confidently
    wrong, which is why this pairing learns slowly from its worst mistakes.

    Examples
    --------
    >>> X = np.array([[1.0], [1.0]])
    >>> dj_dw, dj_db = sigmoid_squared_error_gradient(X, [1, 1], [-20.0], 0.0)
    >>> dj_db < 1e-8       # confidently wrong, yet almost no gradient
    True
    """
    X, y_arr, w, b = _model_inputs(X, y, w, b, "unit")
    m = X.shape[0]
    f = np.asarray(sigmoid(_logits(X, w, b)))
    with np.errstate(under="ignore"):
        dz = (f - y_arr) * f * (1.0 - f)
    return (X.T @ dz) / m, float(dz.mean())


# --------------------------------------------------------------------------------------------
# Softmax
# --------------------------------------------------------------------------------------------
def softmax(Z: ArrayLike, axis: int = -1) -> Array:
    """``exp(Z) / sum(exp(Z))`` along *axis*, shifted by the maximum so nothing overflows.

    Examples
    --------
    >>> np.round(softmax(np.array([1.0, 2.0, 3.0])), 6).tolist()
    [0.090031, 0.244728, 0.665241]
    >>> softmax(np.array([1e4, 0.0])).tolist()
    [1.0, 0.0]
    """
    Z_arr = _finite_array("Z", Z)
    shifted = Z_arr - Z_arr.max(axis=axis, keepdims=True)
    with np.errstate(under="ignore"):
        e = np.exp(shifted)
        return e / e.sum(axis=axis, keepdims=True)


def _one_hot_targets(Z: Array, Y: ArrayLike) -> Array:
    Y_arr = np.asarray(Y)
    if Z.ndim != 2:
        raise ValueError(f"Z must be a 2-D array (m examples x k classes), got shape {Z.shape}")
    m, k = Z.shape
    if Y_arr.ndim == 1:
        if Y_arr.shape != (m,):
            raise ValueError(f"Y as class indices must have shape ({m},), got {Y_arr.shape}")
        if not np.issubdtype(Y_arr.dtype, np.integer):
            if not np.all(np.isfinite(Y_arr)) or not np.all(Y_arr == np.round(Y_arr)):
                raise ValueError("Y as class indices must hold integers")
            Y_arr = Y_arr.astype(np.int64)
        if Y_arr.min() < 0 or Y_arr.max() >= k:
            raise ValueError(f"Y must hold class indices in [0, {k - 1}], got values from "
                             f"{Y_arr.min()} to {Y_arr.max()}")
        onehot = np.zeros((m, k))
        onehot[np.arange(m), Y_arr] = 1.0
        return onehot
    Y_float = _finite_array("Y", Y_arr)
    if Y_float.shape != Z.shape:
        raise ValueError(f"Y must have the shape of Z {Z.shape} (one row of class "
                         f"probabilities per example), got {Y_float.shape}")
    if np.any(Y_float < 0) or not np.allclose(Y_float.sum(axis=1), 1.0):
        raise ValueError("each row of Y must be a probability vector (non-negative, sum 1)")
    return Y_float


def softmax_cross_entropy(Z: ArrayLike, Y: ArrayLike) -> float:
    """Mean cross-entropy ``-(1/m) sum_i sum_c Y[i, c] log softmax(Z[i])[c]``.

    *Y* is one-hot (or class probabilities) of Z's shape, or a vector of class indices.

    Examples
    --------
    >>> Z = np.array([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    >>> round(softmax_cross_entropy(Z, [0, 2]), 6)
    0.669079
    """
    Z_arr = _finite_array("Z", Z)
    target = _one_hot_targets(Z_arr, Y)
    shifted = Z_arr - Z_arr.max(axis=1, keepdims=True)
    with np.errstate(under="ignore"):
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-(target * log_p).sum() / Z_arr.shape[0])


def softmax_cross_entropy_gradient(Z: ArrayLike, Y: ArrayLike) -> Array:
    """Gradient of :func:`softmax_cross_entropy` with respect to the logits: ``(p - y) / m``.

    Examples
    --------
    >>> Z = np.array([[2.0, 0.0, 0.0]])
    >>> np.round(softmax_cross_entropy_gradient(Z, [0]), 6).tolist()
    [[-0.213014, 0.106507, 0.106507]]
    """
    Z_arr = _finite_array("Z", Z)
    target = _one_hot_targets(Z_arr, Y)
    return (softmax(Z_arr, axis=1) - target) / Z_arr.shape[0]


# --------------------------------------------------------------------------------------------
# Gradient checking
# --------------------------------------------------------------------------------------------
def numerical_gradient(f: Callable[[Array], float], x: ArrayLike, eps: float = 1e-6) -> Array:
    """Central finite differences ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every i.

    *x* is not modified (a copy is perturbed).

    Examples
    --------
    >>> g = numerical_gradient(lambda v: float(np.sum(v ** 3)), np.array([1.0, 2.0]))
    >>> np.round(g, 5).tolist()
    [3.0, 12.0]
    """
    if not eps > 0:
        raise ValueError(f"eps must be > 0, got {eps!r}")
    point = _finite_array("x", x).copy()
    grad = np.empty_like(point)
    flat, out = point.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        upper = f(point)
        flat[i] = saved - eps
        lower = f(point)
        flat[i] = saved
        out[i] = (upper - lower) / (2 * eps)
    return grad


def gradient_check(f: Callable[[Array], float], grad: Callable[[Array], ArrayLike],
                   x: ArrayLike, eps: float = 1e-6) -> float:
    """Relative error ``|a - n| / max(|a| + |n|, tiny)`` of the analytic gradient ``grad(x)``
    against :func:`numerical_gradient` of *f* (around 1e-9 or below means they agree).

    Examples
    --------
    >>> err = gradient_check(lambda v: float(v @ v), lambda v: 2 * v, np.array([1.0, -2.0]))
    >>> err < 1e-9
    True
    >>> gradient_check(lambda v: float(v @ v), lambda v: 3 * v, np.array([1.0, -2.0])) > 0.1
    True
    """
    point = _finite_array("x", x)
    analytic = np.asarray(grad(point.copy()), dtype=np.float64)
    numeric = numerical_gradient(f, point, eps)
    if analytic.shape != numeric.shape:
        raise ValueError(f"grad(x) has shape {analytic.shape} but x has shape {numeric.shape}")
    denominator = max(np.linalg.norm(analytic) + np.linalg.norm(numeric), np.finfo(float).tiny)
    return float(np.linalg.norm(analytic - numeric) / denominator)

"""Numerically stable activations, losses, costs and gradients, with input validation.

Every number on the site that is not a derivation comes from here, and learners copy this
code, so each function

* follows the course's notation: ``z = X @ w + b``, ``f = sigmoid(z)``,
  ``L(f, y) = -[y log f + (1 - y) log(1 - f)]`` and
  ``J = (1/m) sum_i L_i + (lambda_/(2m)) sum_j w_j**2`` (the bias ``b`` is not regularized);
* is stable over the whole float64 range: logits anywhere in ``[-1e4, 1e4]`` (and beyond) give
  no overflow, no NaN/inf and no numpy warning, and :func:`logistic_loss` is accurate to a few
  units in the last place wherever the loss is representable;
* validates its inputs and raises :class:`ValueError` naming the argument and the shapes or
  values it received: wrong shapes (``X`` vs ``w`` vs ``y``), labels outside {0, 1}, NaN or inf,
  a negative ``lambda_``.

The costs and gradients of the linear models walk ``X`` in blocks of rows (about
``_BLOCK_BYTES`` each): ``z = X_blk @ w + b``, the residual ``r`` of the block, then
``X_blk.T @ r`` while the block is still in the CPU cache. So ``X`` is read from memory once,
nothing allocates a temporary larger than a block, and ``X`` is never copied (an ``X`` that is
not float64 is converted one block at a time). ``benchmarks/numerics.py`` measures
:func:`logistic_gradient` against the two bare matrix-vector products ``X @ w`` and
``X.T @ r``.

Two identities carry the stability:

* with ``e = exp(-|s|)``, which never overflows, ``sigmoid(s) = 1/(1 + e)`` for ``s >= 0`` and
  ``e/(1 + e)`` for ``s < 0``; ``softplus(s) = log(1 + exp(s)) = max(s, 0) + log1p(e)``;
* for a label ``y`` in {0, 1}, put ``t = 1 - 2y`` (+1 for ``y = 0``, -1 for ``y = 1``). Then
  ``L = softplus(t z)`` and ``sigmoid(z) - y = t sigmoid(t z)``: one formula per label, and no
  subtraction of nearly equal numbers (``1 - sigmoid(40)`` would round to 0; ``sigmoid(-40)``
  does not).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
from numpy.lib.array_utils import normalize_axis_index
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

FloatArray = NDArray[np.float64]

#: Every public function runs with numpy's underflow reports off, whatever ``np.seterr`` says:
#: here a result that underflows to a subnormal number or to 0 (``exp(-800)``) is the correctly
#: rounded answer, not an error. Overflow and invalid operations are avoided, not silenced.
_UNDERFLOW_IS_FINE = np.errstate(under="ignore")

#: Bytes of ``X`` handled per block by the costs and gradients: small enough for a block to
#: stay in the CPU cache (L3) between ``X_blk @ w`` and ``X_blk.T @ r``, large enough that the
#: per-block overhead (a dozen numpy calls) is small. Measured on 1,000,000 x 32 on a 2-core
#: EPYC (512 KiB L2 per core, 32 MiB L3): 4 MiB blocks took about 10 % less time than 1 MiB.
_BLOCK_BYTES = 1 << 22


# --------------------------------------------------------------------------------------------
# Validation: every check names the argument and what it received.
# --------------------------------------------------------------------------------------------
def _real_array(name: str, value: ArrayLike) -> np.ndarray:
    """``value`` as a numpy array of real numbers (bool, int or float), without copying an
    array that already is one."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of real numbers: {exc}") from exc
    if array.dtype.kind == "O":  # e.g. a list holding Fractions or mpmath numbers
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must hold real numbers: {exc}") from exc
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers, got dtype {array.dtype}")
    return array


def _describe_nonfinite(name: str, array: np.ndarray) -> str:
    bad = np.argwhere(~np.isfinite(array))
    where = tuple(int(i) for i in bad[0])
    index = ", ".join(map(str, where))
    subscript = f"{name}[{index}]" if where else name
    return (
        f"{name} must be finite, but {subscript} = {array[where]} "
        f"({len(bad)} NaN/inf value{'s' if len(bad) != 1 else ''} in {name} of shape "
        f"{array.shape})"
    )


def _finite_float_array(name: str, value: ArrayLike) -> FloatArray:
    """A float64 copy-if-needed of ``value``, refused if it holds NaN or inf."""
    array = _real_array(name, value).astype(np.float64, copy=False)
    if not np.isfinite(array).all():
        raise ValueError(_describe_nonfinite(name, array))
    return array


def _scalar(name: str, value: float) -> float:
    array = _real_array(name, value)
    if array.ndim != 0:
        raise ValueError(f"{name} must be a scalar, got an array of shape {array.shape}")
    number = float(array)
    if not np.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number}")
    return number


def _regularization(lambda_: float) -> float:
    lam = _scalar("lambda_", lambda_)
    if lam < 0:
        raise ValueError(f"lambda_ must be >= 0 (it scales the penalty on w), got {lam}")
    return lam


def _check_binary_labels(name: str, y: FloatArray) -> None:
    valid = (y == 0) | (y == 1)
    if not valid.all():
        bad = np.unique(y[~valid])
        shown = ", ".join(f"{v:g}" for v in bad[:5]) + (", ..." if bad.size > 5 else "")
        raise ValueError(
            f"{name} must hold labels 0 or 1, but it contains {shown} "
            f"({np.count_nonzero(~valid)} of {y.size} values)"
        )


def _binary_labels(name: str, value: ArrayLike) -> FloatArray:
    y = _finite_float_array(name, value)
    _check_binary_labels(name, y)
    return y


def _linear_model_inputs(
    X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float, lambda_: float, labels: str
) -> tuple[np.ndarray, FloatArray, FloatArray, float, float]:
    """Check ``(X, y, w, b, lambda_)`` of ``z = X @ w + b``; ``labels`` is "binary" or "real".

    For binary labels the second item returned is not ``y`` but ``t = 1 - 2y`` (+1 where
    ``y = 0``, -1 where ``y = 1``), which is what the losses use.

    ``X`` is only checked for its shape and dtype here: its values are checked for NaN/inf as
    the blocks of ``X @ w + b`` are computed (see :func:`_logit_blocks`), so ``X`` is neither
    copied nor read an extra time.
    """
    lam = _regularization(lambda_)
    X = _real_array("X", X)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (m examples x n features), got shape {X.shape}")
    m, n = X.shape
    if m == 0:
        raise ValueError(f"X must hold at least one example (row), got shape {X.shape}")
    w = _finite_float_array("w", w)
    if w.shape != (n,):
        raise ValueError(
            f"w must have shape ({n},) to match X of shape {X.shape}, got shape {w.shape}"
        )
    y = _real_array("y", y).astype(np.float64, copy=False)
    if y.shape != (m,):
        raise ValueError(
            f"y must have shape ({m},) to match X of shape {X.shape}, got shape {y.shape}"
        )
    if labels == "binary":
        if not ((y == 0.0) | (y == 1.0)).all():  # false for NaN and inf too
            _finite_float_array("y", y)  # names a NaN/inf first
            _check_binary_labels("y", y)
        y = _label_signs(y)
    else:
        y = _finite_float_array("y", y)
    return X, y, w, _scalar("b", b), lam


def _raise_for_nonfinite_X(X: np.ndarray, context: str) -> None:
    """Name the first NaN/inf in ``X`` (scanned block by block), else report an overflow."""
    step = _block_rows(X.shape[1])
    bad_rows: list[int] = []
    first = ""
    for start in range(0, X.shape[0], step):
        rows = np.flatnonzero(~np.isfinite(X[start : start + step]).all(axis=1)) + start
        if rows.size and not first:
            i = int(rows[0])
            j = int(np.flatnonzero(~np.isfinite(X[i]))[0])
            first = f"X[{i}, {j}] = {X[i, j]}"
        bad_rows.extend(rows[: 5 - len(bad_rows)].tolist())
    if first:
        raise ValueError(
            f"X must be finite, but {first} (rows holding NaN/inf include {bad_rows}; "
            f"X has shape {X.shape})"
        )
    raise ValueError(
        f"{context} overflows float64: the inputs are too large (X of shape {X.shape})"
    )


def _block_rows(n: int) -> int:
    return max(1, _BLOCK_BYTES // (8 * max(n, 1)))


def _logit_blocks(
    X: np.ndarray, w: FloatArray, b: float
) -> Iterator[tuple[slice, FloatArray, FloatArray]]:
    """Yield ``(rows, X_blk, z_blk)`` with ``z_blk = X_blk @ w + b`` for blocks of rows of X.

    A NaN or inf anywhere in ``X`` reaches ``z`` (``inf * 0`` is NaN) or, through
    ``X.T @ r``, the gradient, so checking those small results checks ``X`` without reading it
    again. The callers check, and silence numpy's reports meanwhile.
    """
    m, n = X.shape
    step = _block_rows(n)
    for start in range(0, m, step):
        rows = slice(start, min(start + step, m))
        X_blk = X[rows]
        if X_blk.dtype != np.float64:
            X_blk = X_blk.astype(np.float64)  # a block-sized copy, never one of all of X
        z = X_blk @ w
        z += b
        yield rows, X_blk, z


# --------------------------------------------------------------------------------------------
# Stable building blocks (private: the public functions below validate, these do not)
# --------------------------------------------------------------------------------------------
def _exp_minus_abs(s: FloatArray) -> FloatArray:
    """``exp(-|s|)`` in a new array: in (0, 1], so it never overflows (it may underflow to 0,
    which is then the correctly rounded answer)."""
    e = np.copysign(s, -1.0)  # -|s|
    np.exp(e, out=e)
    return e


def _sigmoid_from(s: FloatArray, e: FloatArray) -> FloatArray:
    """``sigmoid(s)`` given ``e = exp(-|s|)``: ``1/(1+e)`` where ``s >= 0``, else ``e/(1+e)``."""
    out = np.where(s >= 0, 1.0, e)
    out /= 1.0 + e
    return out


def _softplus(s: FloatArray) -> FloatArray:
    """``log(1 + exp(s)) = max(s, 0) + log1p(exp(-|s|))``: two non-negative terms, so no
    cancellation, and no overflow."""
    out = _exp_minus_abs(s)
    np.log1p(out, out=out)
    out += np.maximum(s, 0.0)
    return out


def _label_signs(y: FloatArray) -> FloatArray:
    """``t = 1 - 2y``: +1 where ``y = 0``, -1 where ``y = 1``."""
    t = y * -2.0
    t += 1.0
    return t


def _as_output(out: FloatArray, ndim: int) -> FloatArray | float:
    """``out`` (computed at least 1-D) as a float when the inputs were scalars."""
    return float(out[0]) if ndim == 0 else out


# --------------------------------------------------------------------------------------------
# Activations and the logistic loss
# --------------------------------------------------------------------------------------------
@_UNDERFLOW_IS_FINE
def sigmoid(z: ArrayLike) -> FloatArray | float:
    """The logistic function ``sigmoid(z) = 1 / (1 + exp(-z))``, elementwise.

    Computed from ``e = exp(-|z|)``, which cannot overflow: ``1/(1 + e)`` for ``z >= 0`` and
    ``e/(1 + e)`` for ``z < 0``. Both are accurate to a few units in the last place, including
    the tiny values ``sigmoid(z) ~ exp(z)`` for very negative ``z`` (until they underflow,
    below ``z ~ -745``).

    Parameters
    ----------
    z : array_like of real numbers
        Logits; any shape. Converted to float64.

    Returns
    -------
    ndarray of float64, or float
        ``sigmoid(z)``, of the shape of ``z``; a Python float when ``z`` is a scalar.

    Raises
    ------
    ValueError
        If ``z`` is not real or holds NaN or inf.

    Examples
    --------
    >>> sigmoid(0.0)
    0.5
    >>> np.round(sigmoid([-1e4, -2.0, 2.0, 1e4]), 6).tolist()
    [0.0, 0.119203, 0.880797, 1.0]
    >>> f"{sigmoid(-40.0):.6e}"   # exp(-40) / (1 + exp(-40)), not 0
    '4.248354e-18'
    """
    z_arr = _finite_float_array("z", z)
    z1 = np.atleast_1d(z_arr)
    return _as_output(_sigmoid_from(z1, _exp_minus_abs(z1)), z_arr.ndim)


@_UNDERFLOW_IS_FINE
def log_sigmoid(z: ArrayLike) -> FloatArray | float:
    """``log(sigmoid(z)) = -log(1 + exp(-z))``, elementwise, without forming ``sigmoid(z)``.

    Computed as ``min(z, 0) - log1p(exp(-|z|))``: two non-positive terms, so it is accurate
    where ``sigmoid(z)`` rounds to 0 (``log`` would give ``-inf``) or to 1 (``log`` would give
    0 instead of ``-exp(-z)``).

    Parameters
    ----------
    z : array_like of real numbers
        Logits; any shape.

    Returns
    -------
    ndarray of float64, or float
        ``log(sigmoid(z))`` (always <= 0), of the shape of ``z``; a float for a scalar ``z``.

    Raises
    ------
    ValueError
        If ``z`` is not real or holds NaN or inf.

    Examples
    --------
    >>> round(log_sigmoid(0.0), 6)    # log(1/2)
    -0.693147
    >>> log_sigmoid(-1000.0)          # log(sigmoid(-1000)) would be log(0) = -inf
    -1000.0
    >>> f"{log_sigmoid(40.0):.6e}"    # log(sigmoid(40)) would round to log(1) = 0
    '-4.248354e-18'
    """
    z_arr = _finite_float_array("z", z)
    z1 = np.atleast_1d(z_arr)
    out = _exp_minus_abs(z1)
    np.log1p(out, out=out)
    np.subtract(np.minimum(z1, 0.0), out, out=out)
    return _as_output(out, z_arr.ndim)


@_UNDERFLOW_IS_FINE
def logistic_loss(z: ArrayLike, y: ArrayLike) -> FloatArray | float:
    """The logistic (cross-entropy) loss of logits ``z`` and labels ``y``, elementwise.

    ``L = -[y log(sigmoid(z)) + (1 - y) log(1 - sigmoid(z))]``, computed one label at a time:
    ``L = softplus(-z)`` where ``y = 1`` and ``L = softplus(z)`` where ``y = 0``, with
    ``softplus(s) = log(1 + exp(s)) = max(s, 0) + log1p(exp(-|s|))``. No ``log(0)``, no
    overflow, and no cancellation: the relative error is a few units in the last place for
    every float64 logit whose loss is representable.

    Parameters
    ----------
    z : array_like of real numbers
        Logits ``z = w . x + b``.
    y : array_like of 0 and 1
        Labels; broadcast against ``z``.

    Returns
    -------
    ndarray of float64, or float
        The losses (>= 0), of the broadcast shape; a float when both inputs are scalars.

    Raises
    ------
    ValueError
        If ``z`` or ``y`` holds NaN or inf, ``y`` holds a value other than 0 or 1, or the
        shapes do not broadcast.

    Examples
    --------
    >>> round(logistic_loss(0.0, 1), 6)      # log 2: the prediction 1/2
    0.693147
    >>> logistic_loss(1000.0, 0)             # confidently wrong: the loss is z
    1000.0
    >>> f"{logistic_loss(40.0, 1):.6e}"      # confidently right: exp(-40), not 0
    '4.248354e-18'
    >>> np.round(logistic_loss([-2.0, 2.0], [0, 0]), 6).tolist()
    [0.126928, 2.126928]
    """
    z_arr = _finite_float_array("z", z)
    y_arr = _binary_labels("y", y)
    try:
        s = z_arr * _label_signs(y_arr)  # s = -z where y = 1, z where y = 0
    except ValueError as exc:
        raise ValueError(
            f"z and y must have the same shape or broadcast together, got shapes "
            f"{z_arr.shape} and {y_arr.shape}"
        ) from exc
    return _as_output(_softplus(np.atleast_1d(s)), np.ndim(s))


# --------------------------------------------------------------------------------------------
# Linear models z = X @ w + b: costs and gradients, block by block
# --------------------------------------------------------------------------------------------
def _penalty(w: FloatArray, lam: float, m: int) -> float:
    return lam / (2 * m) * float(np.dot(w, w)) if lam else 0.0


def _gradient(
    X: np.ndarray,
    w: FloatArray,
    b: float,
    lam: float,
    residual: Callable[[FloatArray, slice], FloatArray],
) -> tuple[FloatArray, float]:
    """``(X.T @ r / m + lam/m * w, mean(r))`` where ``r = residual(z, rows)`` is ``dL/dz``.

    Computed block by block, so the only temporaries are a few block-length vectors. A NaN or
    inf in ``X`` (or an overflow) ends up in the result, which is checked once at the end.
    """
    m, n = X.shape
    dj_dw = np.zeros(n)
    dj_db = 0.0
    with np.errstate(over="ignore", invalid="ignore"):  # reported below, as a ValueError
        for rows, X_blk, z in _logit_blocks(X, w, b):
            r = residual(z, rows)
            dj_dw += r @ X_blk  # = X_blk.T @ r, while X_blk is still in the cache
            dj_db += float(r.sum())
        dj_dw /= m
        dj_db /= m
        if lam:
            dj_dw += (lam / m) * w
    if not (np.isfinite(dj_dw).all() and np.isfinite(dj_db)):
        _raise_for_nonfinite_X(X, "the gradient")
    return dj_dw, dj_db


def _cost(
    X: np.ndarray,
    w: FloatArray,
    b: float,
    lam: float,
    loss_sum: Callable[[FloatArray, slice], float],
    scale: float,
) -> float:
    """``scale * sum_blocks loss_sum(z, rows) / m + lam/(2m) * w.w``."""
    m = X.shape[0]
    total = 0.0
    with np.errstate(over="ignore", invalid="ignore"):  # reported below, as a ValueError
        for rows, X_blk, z in _logit_blocks(X, w, b):
            # Checked here, not only at the end: an infinite logit on the right side of the
            # boundary has a loss of 0, which would hide an inf in X. (A finite X whose logits
            # overflow is fine as long as the cost does not: sigmoid(2e308) is exactly 1.)
            if not np.isfinite(z).all() and not np.isfinite(X_blk).all():
                _raise_for_nonfinite_X(X, "X @ w + b")
            total += loss_sum(z, rows)
        cost = scale * total / m + _penalty(w, lam, m)
    if not np.isfinite(cost):
        _raise_for_nonfinite_X(X, "the cost")
    return cost


@_UNDERFLOW_IS_FINE
def logistic_cost(
    X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float, lambda_: float = 0.0
) -> float:
    """The (regularized) logistic regression cost.

    ``J(w, b) = (1/m) sum_i L(sigmoid(x_i . w + b), y_i) + (lambda_/(2m)) sum_j w_j**2``,
    each loss computed stably as in :func:`logistic_loss`. The bias is not regularized.

    Parameters
    ----------
    X : array_like, shape (m, n)
        One example per row; ``m >= 1``. Not copied when it is a float64 array.
    y : array_like, shape (m,)
        Labels 0 or 1.
    w : array_like, shape (n,)
        Weights.
    b : float
        Bias.
    lambda_ : float, default 0.0
        Regularization strength, ``>= 0``.

    Returns
    -------
    float
        ``J(w, b)``.

    Raises
    ------
    ValueError
        If ``X`` is not 2-D or has no rows, ``w`` or ``y`` does not match its shape, ``y``
        holds a value other than 0 or 1, any input holds NaN or inf, or ``lambda_ < 0``.

    Examples
    --------
    >>> X = np.array([[0.5, 1.0], [1.0, -1.0], [-1.5, 0.5]])
    >>> y = np.array([1, 0, 1])
    >>> round(logistic_cost(X, y, np.zeros(2), 0.0), 6)   # every prediction is 1/2
    0.693147
    >>> round(logistic_cost(X, y, np.array([1.0, -2.0]), 0.5, lambda_=1.0), 6)
    3.156647
    """
    X, t, w, b, lam = _linear_model_inputs(X, y, w, b, lambda_, "binary")

    def loss_sum(z: FloatArray, rows: slice) -> float:
        z *= t[rows]  # L = softplus(z) for y = 0, softplus(-z) for y = 1
        return float(_softplus(z).sum())

    return _cost(X, w, b, lam, loss_sum, 1.0)


@_UNDERFLOW_IS_FINE
def logistic_gradient(
    X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float, lambda_: float = 0.0
) -> tuple[FloatArray, float]:
    """The gradient of :func:`logistic_cost`.

    ``dJ/dw = (1/m) X.T @ (f - y) + (lambda_/m) w`` and ``dJ/db = (1/m) sum_i (f_i - y_i)``
    with ``f = sigmoid(X @ w + b)``: the ``f (1 - f)`` of the sigmoid's derivative cancels
    against the loss's ``1/(f (1 - f))``. ``f - y`` is computed as ``t sigmoid(t z)`` with
    ``t = 1 - 2y``, which keeps its tiny values (``sigmoid(40) - 1 = -sigmoid(-40)``, not 0).

    Cost: the two matrix-vector products ``X @ w`` and ``X.T @ r``, done block by block so
    that ``X`` is read from memory once; extra memory is a few block-length vectors.

    Parameters
    ----------
    X : array_like, shape (m, n)
        One example per row; ``m >= 1``. Not copied when it is a float64 array.
    y : array_like, shape (m,)
        Labels 0 or 1.
    w : array_like, shape (n,)
        Weights.
    b : float
        Bias.
    lambda_ : float, default 0.0
        Regularization strength, ``>= 0``.

    Returns
    -------
    dj_dw : ndarray of float64, shape (n,)
        ``dJ/dw``.
    dj_db : float
        ``dJ/db``.

    Raises
    ------
    ValueError
        As :func:`logistic_cost`.

    Examples
    --------
    >>> X = np.array([[0.5, 1.0], [1.0, -1.0], [-1.5, 0.5]])
    >>> y = np.array([1, 0, 1])
    >>> dj_dw, dj_db = logistic_gradient(X, y, np.zeros(2), 0.0)
    >>> np.round(dj_dw, 6).tolist(), round(dj_db, 6)
    ([0.333333, -0.416667], -0.166667)
    >>> dj_dw, dj_db = logistic_gradient(X, y, np.array([1.0, -2.0]), 0.5, lambda_=1.0)
    >>> np.round(dj_dw, 6).tolist(), round(dj_db, 6)
    ([0.975451, -1.380715], -0.213723)
    """
    X, t, w, b, lam = _linear_model_inputs(X, y, w, b, lambda_, "binary")  # t = 1 - 2y

    def residual(z: FloatArray, rows: slice) -> FloatArray:
        # f - y = t sigmoid(t z) = t / (1 + exp(-t z)): no cancellation (f - y is never formed
        # as a difference of nearly equal numbers), four in-place passes over the block. Where
        # exp(-t z) overflows (t z < -709.78), t sigmoid(t z) is below 1e-308 and 0 is returned.
        z *= t[rows]
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1.0
        np.divide(t[rows], z, out=z)
        return z

    return _gradient(X, w, b, lam, residual)


@_UNDERFLOW_IS_FINE
def squared_error_cost(
    X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float, lambda_: float = 0.0
) -> float:
    """Linear regression's cost ``J = (1/(2m)) sum_i (x_i . w + b - y_i)**2 + (lambda_/(2m))
    sum_j w_j**2``.

    Parameters
    ----------
    X : array_like, shape (m, n)
        One example per row; ``m >= 1``.
    y : array_like, shape (m,)
        Real targets.
    w : array_like, shape (n,)
        Weights.
    b : float
        Bias.
    lambda_ : float, default 0.0
        Regularization strength, ``>= 0``.

    Returns
    -------
    float
        ``J(w, b)``.

    Raises
    ------
    ValueError
        If ``X`` is not 2-D or has no rows, ``w`` or ``y`` does not match its shape, any input
        holds NaN or inf, ``lambda_ < 0``, or the cost overflows float64.

    Examples
    --------
    >>> X = np.array([[1.0], [2.0], [3.0]])
    >>> squared_error_cost(X, [2.0, 4.0, 6.0], [2.0], 0.0)
    0.0
    >>> round(squared_error_cost(X, [2.0, 4.0, 6.0], [1.0], 0.0), 6)  # errors -1, -2, -3
    2.333333
    >>> round(squared_error_cost(X, [2.0, 4.0, 6.0], [1.0], 0.0, lambda_=3.0), 6)
    2.833333
    """
    X, y, w, b, lam = _linear_model_inputs(X, y, w, b, lambda_, "real")

    def loss_sum(z: FloatArray, rows: slice) -> float:
        z -= y[rows]
        return float(np.dot(z, z))

    return _cost(X, w, b, lam, loss_sum, 0.5)


@_UNDERFLOW_IS_FINE
def squared_error_gradient(
    X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float, lambda_: float = 0.0
) -> tuple[FloatArray, float]:
    """The gradient of :func:`squared_error_cost`.

    ``dJ/dw = (1/m) X.T @ (f - y) + (lambda_/m) w`` and ``dJ/db = (1/m) sum_i (f_i - y_i)``
    with ``f = X @ w + b``: the same form as :func:`logistic_gradient`, with another ``f``.

    Parameters
    ----------
    X, y, w, b, lambda_
        As :func:`squared_error_cost`.

    Returns
    -------
    dj_dw : ndarray of float64, shape (n,)
        ``dJ/dw``.
    dj_db : float
        ``dJ/db``.

    Raises
    ------
    ValueError
        As :func:`squared_error_cost`.

    Examples
    --------
    >>> X = np.array([[1.0], [2.0], [3.0]])
    >>> dj_dw, dj_db = squared_error_gradient(X, [2.0, 4.0, 6.0], [1.0], 0.0)
    >>> np.round(dj_dw, 6).tolist(), round(dj_db, 6)
    ([-4.666667], -2.0)
    """
    X, y, w, b, lam = _linear_model_inputs(X, y, w, b, lambda_, "real")

    def residual(z: FloatArray, rows: slice) -> FloatArray:
        z -= y[rows]
        return z

    return _gradient(X, w, b, lam, residual)


@_UNDERFLOW_IS_FINE
def sigmoid_squared_error_cost(
    X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float, lambda_: float = 0.0
) -> float:
    """Squared error of a sigmoid output: ``J = (1/(2m)) sum_i (f_i - y_i)**2 +
    (lambda_/(2m)) sum_j w_j**2`` with ``f = sigmoid(X @ w + b)`` and labels in {0, 1}.

    The pairing the course uses to show why logistic regression does not use squared error:
    see :func:`sigmoid_squared_error_gradient`.

    Parameters
    ----------
    X : array_like, shape (m, n)
        One example per row; ``m >= 1``.
    y : array_like, shape (m,)
        Labels 0 or 1.
    w : array_like, shape (n,)
        Weights.
    b : float
        Bias.
    lambda_ : float, default 0.0
        Regularization strength, ``>= 0``.

    Returns
    -------
    float
        ``J(w, b)``.

    Raises
    ------
    ValueError
        As :func:`logistic_cost`.

    Examples
    --------
    >>> X = np.array([[0.5, 1.0], [1.0, -1.0]])
    >>> sigmoid_squared_error_cost(X, [1, 0], np.zeros(2), 0.0)   # both errors are 1/2
    0.125
    """
    X, t, w, b, lam = _linear_model_inputs(X, y, w, b, lambda_, "binary")

    def loss_sum(z: FloatArray, rows: slice) -> float:
        z *= t[rows]
        error = _sigmoid_from(z, _exp_minus_abs(z))  # |f - y| = sigmoid(t z)
        return float(np.dot(error, error))

    return _cost(X, w, b, lam, loss_sum, 0.5)


@_UNDERFLOW_IS_FINE
def sigmoid_squared_error_gradient(
    X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float, lambda_: float = 0.0
) -> tuple[FloatArray, float]:
    """The gradient of :func:`sigmoid_squared_error_cost`.

    ``dJ/dw = (1/m) X.T @ ((f - y) f (1 - f)) + (lambda_/m) w`` and
    ``dJ/db = (1/m) sum_i (f_i - y_i) f_i (1 - f_i)``. Here the sigmoid's ``f (1 - f)`` does not
    cancel: it vanishes when the model is confidently wrong, which is why this pairing learns
    slowly from its worst mistakes. ``f (1 - f)`` is computed as ``e / (1 + e)**2`` with
    ``e = exp(-|z|)``, which keeps its tiny values.

    Parameters
    ----------
    X, y, w, b, lambda_
        As :func:`sigmoid_squared_error_cost`.

    Returns
    -------
    dj_dw : ndarray of float64, shape (n,)
        ``dJ/dw``.
    dj_db : float
        ``dJ/db``.

    Raises
    ------
    ValueError
        As :func:`logistic_cost`.

    Examples
    --------
    >>> X = np.array([[1.0], [1.0]])
    >>> dj_dw, dj_db = sigmoid_squared_error_gradient(X, [1, 1], [-20.0], 0.0)
    >>> f"{dj_db:.3e}"    # confidently wrong (f = 2e-9), yet almost no gradient
    '-2.061e-09'
    >>> dj_dw, dj_db = logistic_gradient(X, [1, 1], [-20.0], 0.0)
    >>> round(dj_db, 6)   # cross-entropy: the full error f - y
    -1.0
    """
    X, t, w, b, lam = _linear_model_inputs(X, y, w, b, lambda_, "binary")

    def residual(z: FloatArray, rows: slice) -> FloatArray:
        e = _exp_minus_abs(z)  # the same for z and t z
        slope = e / np.square(1.0 + e)  # f (1 - f)
        z *= t[rows]
        r = _sigmoid_from(z, e)
        r *= t[rows]  # f - y
        r *= slope
        return r

    return _gradient(X, w, b, lam, residual)


# --------------------------------------------------------------------------------------------
# Softmax and its cross-entropy
# --------------------------------------------------------------------------------------------
@_UNDERFLOW_IS_FINE
def softmax(Z: ArrayLike, axis: int = -1) -> FloatArray:
    """``softmax(Z)_c = exp(Z_c) / sum_k exp(Z_k)`` along ``axis``.

    Each slice is shifted by its maximum first (softmax does not change when a constant is
    added to every logit), so the largest exponential is ``exp(0) = 1``: nothing overflows and
    the denominator is at least 1.

    Parameters
    ----------
    Z : array_like of real numbers
        Logits, at least 1-D; for a batch, one example per row and ``axis=-1``.
    axis : int, default -1
        The axis of the classes.

    Returns
    -------
    ndarray of float64
        Probabilities of the shape of ``Z``, summing to 1 along ``axis``.

    Raises
    ------
    ValueError
        If ``Z`` is a scalar, is empty along ``axis``, or holds NaN or inf, or ``axis`` is out
        of range.

    Examples
    --------
    >>> np.round(softmax([1.0, 2.0, 3.0]), 6).tolist()
    [0.090031, 0.244728, 0.665241]
    >>> softmax([1e4, 0.0]).tolist()
    [1.0, 0.0]
    >>> np.round(softmax([[0.0, 0.0], [0.0, np.log(3.0)]]), 6).tolist()
    [[0.5, 0.5], [0.25, 0.75]]
    """
    Z_arr = _finite_float_array("Z", Z)
    if Z_arr.ndim == 0:
        raise ValueError("Z must have at least one dimension (the classes), got a scalar")
    try:
        classes = Z_arr.shape[normalize_axis_index(axis, Z_arr.ndim)]
    except np.exceptions.AxisError as exc:
        raise ValueError(f"axis {axis} is out of range for Z of shape {Z_arr.shape}") from exc
    if classes == 0:
        raise ValueError(
            f"Z must hold at least one class along axis {axis}, got shape {Z_arr.shape}"
        )
    with np.errstate(over="ignore"):  # -inf differences give exp(-inf) = 0
        e = Z_arr - Z_arr.max(axis=axis, keepdims=True)
        np.exp(e, out=e)
    e /= e.sum(axis=axis, keepdims=True)
    return e


def _softmax_inputs(Z: ArrayLike, Y: ArrayLike) -> tuple[FloatArray, NDArray[np.intp]]:
    """Check ``Z`` (m x k logits) and ``Y``; return Z as float64 and the class of each row."""
    Z_arr = _finite_float_array("Z", Z)
    if Z_arr.ndim != 2 or Z_arr.shape[0] == 0 or Z_arr.shape[1] == 0:
        raise ValueError(
            f"Z must be a 2-D array of m >= 1 examples x k >= 1 classes, got shape {Z_arr.shape}"
        )
    m, k = Z_arr.shape
    Y_arr = _finite_float_array("Y", Y)
    if Y_arr.shape == (m,):  # class indices
        valid = (Y_arr == np.round(Y_arr)) & (Y_arr >= 0) & (Y_arr < k)
        if not valid.all():
            bad = np.unique(Y_arr[~valid])[:5]
            raise ValueError(
                f"Y as class indices must hold integers in [0, {k - 1}] (Z has {k} classes), "
                f"but it contains {', '.join(f'{v:g}' for v in bad)}"
            )
        return Z_arr, Y_arr.astype(np.intp)
    if Y_arr.shape == (m, k):  # one-hot rows
        binary = (Y_arr == 0) | (Y_arr == 1)
        ones = np.count_nonzero(Y_arr == 1, axis=1)
        if not binary.all() or (ones != 1).any():
            i = int(np.flatnonzero(~binary.all(axis=1) | (ones != 1))[0])
            raise ValueError(
                f"Y as one-hot rows must hold a single 1 and otherwise 0 in each row, "
                f"but Y[{i}] = {Y_arr[i].tolist()}"
            )
        return Z_arr, Y_arr.argmax(axis=1)
    raise ValueError(
        f"Y must be class indices of shape ({m},) or one-hot rows of shape ({m}, {k}) to match "
        f"Z of shape {Z_arr.shape}, got shape {Y_arr.shape}"
    )


def _softmax_parts(Z: FloatArray) -> tuple[NDArray[np.intp], FloatArray, FloatArray]:
    """``top`` (the argmax of each row), ``e = exp(Z - Z_top)`` and ``rest``, the sum of ``e``
    without the top entry, so that ``softmax(Z) = e / (1 + rest)`` and
    ``logsumexp(Z) = Z_top + log1p(rest)`` keep tiny probabilities and losses."""
    rows = np.arange(Z.shape[0])
    top = Z.argmax(axis=1)
    with np.errstate(over="ignore"):  # -inf differences give exp(-inf) = 0
        e = Z - Z[rows, top][:, np.newaxis]
        np.exp(e, out=e)
    e[rows, top] = 0.0
    rest = e.sum(axis=1)
    e[rows, top] = 1.0
    return top, e, rest


@_UNDERFLOW_IS_FINE
def softmax_cross_entropy(Z: ArrayLike, Y: ArrayLike) -> float:
    """Mean cross-entropy of softmax outputs: ``J = -(1/m) sum_i log softmax(Z_i)[y_i]``.

    Computed as ``(Z_i[top] - Z_i[y_i]) + log1p(sum_{c != top} exp(Z_ic - Z_i[top]))`` with
    ``top`` the largest logit of the row: two non-negative terms, so a confident right answer
    keeps its tiny loss instead of rounding to 0.

    Parameters
    ----------
    Z : array_like, shape (m, k)
        Logits, one example per row, one class per column.
    Y : array_like, shape (m,) or (m, k)
        The true classes: integer class indices in ``[0, k)``, or one-hot rows.

    Returns
    -------
    float
        The mean loss over the ``m`` examples.

    Raises
    ------
    ValueError
        If ``Z`` is not 2-D with at least one row and column, ``Y`` has another shape, holds
        an index outside ``[0, k)`` or a row that is not one-hot, or either holds NaN or inf.

    Examples
    --------
    >>> Z = np.array([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    >>> round(softmax_cross_entropy(Z, [0, 2]), 6)
    0.669079
    >>> round(softmax_cross_entropy(Z, np.array([[1, 0, 0], [0, 0, 1]])), 6)   # one-hot
    0.669079
    >>> f"{softmax_cross_entropy([[40.0, 0.0]], [0]):.6e}"   # log(1 + exp(-40)), not 0
    '4.248354e-18'
    """
    Z_arr, labels = _softmax_inputs(Z, Y)
    rows = np.arange(Z_arr.shape[0])
    top, _, rest = _softmax_parts(Z_arr)
    with np.errstate(over="ignore"):
        losses = (Z_arr[rows, top] - Z_arr[rows, labels]) + np.log1p(rest)
        loss = float(losses.sum() / Z_arr.shape[0])
    if not np.isfinite(loss):
        raise ValueError(f"the loss overflows float64: Z (shape {Z_arr.shape}) is too large")
    return loss


@_UNDERFLOW_IS_FINE
def softmax_cross_entropy_gradient(Z: ArrayLike, Y: ArrayLike) -> FloatArray:
    """Gradient of :func:`softmax_cross_entropy` with respect to the logits: ``(P - Y) / m``.

    ``P = softmax(Z)`` row by row and ``Y`` one-hot; the ``1/m`` comes from the mean over
    examples (row ``i`` alone is the gradient of example ``i``'s loss, divided by ``m``). For the
    true class, ``p - 1`` is computed as ``-(sum of the other probabilities)`` where the true
    class is the most probable, so it keeps its tiny values.

    Parameters
    ----------
    Z, Y
        As :func:`softmax_cross_entropy`.

    Returns
    -------
    ndarray of float64, shape (m, k)
        ``dJ/dZ``; each row sums to 0.

    Raises
    ------
    ValueError
        As :func:`softmax_cross_entropy`.

    Examples
    --------
    >>> Z = np.array([[2.0, 0.0, 0.0]])
    >>> np.round(softmax_cross_entropy_gradient(Z, [0]), 6).tolist()
    [[-0.213014, 0.106507, 0.106507]]
    >>> np.round(softmax_cross_entropy_gradient([[0.0, 0.0], [0.0, 0.0]], [1, 0]), 6).tolist()
    [[0.25, -0.25], [-0.25, 0.25]]
    """
    Z_arr, labels = _softmax_inputs(Z, Y)
    m = Z_arr.shape[0]
    rows = np.arange(m)
    top, gradient, rest = _softmax_parts(Z_arr)
    gradient /= (1.0 + rest)[:, np.newaxis]  # P
    gradient[rows, labels] -= 1.0  # P - Y
    hit = labels == top  # there p - 1 = -rest / (1 + rest), exactly
    gradient[rows[hit], labels[hit]] = -rest[hit] / (1.0 + rest[hit])
    gradient /= m
    return gradient


# --------------------------------------------------------------------------------------------
# Gradient checking
# --------------------------------------------------------------------------------------------
@_UNDERFLOW_IS_FINE
def numerical_gradient(
    f: Callable[[FloatArray], float], x: ArrayLike, eps: float = 1e-6
) -> FloatArray:
    """Central finite differences ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every
    coordinate ``i`` of ``x`` (any shape).

    The error is about ``eps**2 |f'''| / 6`` from the truncation plus ``|f| 1e-16 / eps`` from
    rounding; ``eps = 1e-6`` balances them for ``x`` and ``f`` of order 1. ``f`` is called
    ``2 x.size`` times on a float64 copy of ``x``, so the caller's array is never modified.

    Parameters
    ----------
    f : callable
        A scalar function of an array of the shape of ``x``.
    x : array_like of real numbers
        The point.
    eps : float, default 1e-6
        The step, ``> 0``.

    Returns
    -------
    ndarray of float64
        The approximate gradient, of the shape of ``x``.

    Raises
    ------
    ValueError
        If ``x`` holds NaN or inf, ``eps`` is not a positive number, or ``f`` returns
        something other than a finite scalar.

    Examples
    --------
    >>> g = numerical_gradient(lambda v: float(np.sum(v ** 3)), np.array([1.0, 2.0]))
    >>> np.round(g, 6).tolist()
    [3.0, 12.0]
    """
    step = _scalar("eps", eps)
    if step <= 0:
        raise ValueError(f"eps must be > 0, got {step}")
    point = _finite_float_array("x", x).copy()
    grad = np.empty_like(point)
    flat, out = point.reshape(-1), grad.reshape(-1)

    def value(i: int, sign: str) -> float:
        result = np.asarray(f(point))
        if result.ndim != 0 or result.dtype.kind not in "biuf" or not np.isfinite(result):
            raise ValueError(
                f"f must return a finite real scalar, but at x {sign} eps at coordinate {i} "
                f"it returned {result!r}"
            )
        return float(result)

    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + step
        upper = value(i, "+")
        flat[i] = saved - step
        lower = value(i, "-")
        flat[i] = saved
        out[i] = (upper - lower) / (2 * step)
    return grad


@_UNDERFLOW_IS_FINE
def gradient_check(
    f: Callable[[FloatArray], float],
    grad: Callable[[FloatArray], ArrayLike],
    x: ArrayLike,
    eps: float = 1e-6,
) -> float:
    """Relative error ``||a - n|| / max(||a|| + ||n||, tiny)`` of an analytic gradient
    ``a = grad(x)`` against ``n = numerical_gradient(f, x, eps)`` (2-norms).

    Around 1e-8 or below, the two agree to the accuracy of finite differences; a wrong
    derivation typically gives 1e-2 or more. Both gradients are 0 only when the result is 0.

    Parameters
    ----------
    f : callable
        A scalar function of an array of the shape of ``x``.
    grad : callable
        Its claimed gradient: returns an array of the shape of ``x``.
    x : array_like of real numbers
        The point; not modified.
    eps : float, default 1e-6
        The finite-difference step, ``> 0``.

    Returns
    -------
    float
        The relative error, in ``[0, 1]``.

    Raises
    ------
    ValueError
        If ``grad(x)`` does not have the shape of ``x`` or holds NaN or inf, or as
        :func:`numerical_gradient`.

    Examples
    --------
    >>> x = np.array([1.0, -2.0])
    >>> gradient_check(lambda v: float(v @ v), lambda v: 2 * v, x) < 1e-8
    True
    >>> round(gradient_check(lambda v: float(v @ v), lambda v: 3 * v, x), 6)   # wrong
    0.2
    """
    point = _finite_float_array("x", x)
    analytic = _finite_float_array("grad(x)", grad(point.copy()))
    if analytic.shape != point.shape:
        raise ValueError(
            f"grad(x) must have the shape of x {point.shape}, got shape {analytic.shape}"
        )
    numeric = numerical_gradient(f, point, eps)
    scale = max(float(np.linalg.norm(analytic) + np.linalg.norm(numeric)), np.finfo(float).tiny)
    return float(np.linalg.norm(analytic - numeric)) / scale

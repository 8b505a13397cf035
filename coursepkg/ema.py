"""Exponentially weighted (moving) averages in NumPy.

Chapter: *Exponentially weighted averages* (``book/ema.ipynb``).

The one primitive that momentum, RMSProp, Adam and batch-norm running
statistics all reuse is :func:`ema_step`; its companion :func:`bias_correction`
is a separate step whose result is **never** fed back into the recursion.

Notation (as in the chapter): observations :math:`\\theta_1, \\dots, \\theta_T`,
decay rate :math:`\\beta \\in [0, 1)`, average :math:`v_t`, with :math:`v_0 = 0`:

.. math::

    v_t = \\beta\\, v_{t-1} + (1 - \\beta)\\, \\theta_t
        = (1-\\beta) \\sum_{i=1}^{t} \\beta^{t-i} \\theta_i ,
    \\qquad
    \\hat v_t = \\frac{v_t}{1 - \\beta^t} .

The torch twin with the same names and signatures is :mod:`coursepkg.torch.ema`.
"""

from __future__ import annotations

import numpy as np

from ._validate import (
    check_beta,
    check_dtype,
    check_same_shape,
    check_series,
    check_step,
    check_window,
)

__all__ = [
    "bias_correction",
    "effective_window",
    "ema",
    "ema_group_delay",
    "ema_step",
    "ema_weights",
    "sma",
    "sma_group_delay",
]


def _as_float_array(x, name: str) -> np.ndarray:
    """``x`` as a NumPy array of a floating dtype (integers become float64)."""
    x = np.asarray(x)
    check_dtype(x, name)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


# ---- the formulas, written once; the torch twin calls these same three -------
def _step(avg, x, b):
    """v_t = beta * v_{t-1} + (1 - beta) * theta_t  (NumPy arrays or torch tensors)."""
    return b * avg + (1.0 - b) * x


def _correct(avg, b, t):
    """v_hat_t = v_t / (1 - beta**t)  (NumPy arrays or torch tensors)."""
    return avg / (1.0 - b**t)


def _run(xp, x, b, corrected):
    """The recursion over axis 0 with the namespace ``xp`` (``numpy`` or ``torch``).

    The correction is applied to what is *returned*; ``v`` itself stays uncorrected.
    """
    out = xp.empty_like(x)
    v = xp.zeros_like(x[0])  # v_0 = 0
    for t in range(1, x.shape[0] + 1):
        v = _step(v, x[t - 1], b)
        out[t - 1] = _correct(v, b, t) if corrected else v
    return out


# ---- public API -------------------------------------------------------------
def ema_step(avg, x, beta):
    """One step of the exponential moving average: ``beta * avg + (1 - beta) * x``.

    Args:
        avg: the previous average :math:`v_{t-1}`, any shape.
        x: the new observation :math:`\\theta_t`, same shape as ``avg``.
        beta: decay rate in ``[0, 1)``.

    Returns:
        :math:`v_t`, a new array (the inputs are not modified).
    """
    b = check_beta(beta)
    avg = _as_float_array(avg, "avg")
    x = _as_float_array(x, "x")
    check_same_shape(avg, x, ("avg", "x"))
    return _step(avg, x, b)


def bias_correction(avg, beta, t):
    """Undo the start-up bias of an average started at zero: ``avg / (1 - beta**t)``.

    ``t`` is the number of observations folded into ``avg`` (1 after the first
    step). Use the result; do not feed it back into :func:`ema_step`.
    """
    b = check_beta(beta)
    t = check_step(t)
    return _correct(_as_float_array(avg, "avg"), b, t)


def ema(x, beta, corrected=False):
    """Exponential moving average of a sequence along axis 0.

    Args:
        x: observations, shape ``(T, ...)``; ``x[t-1]`` is :math:`\\theta_t`.
        beta: decay rate in ``[0, 1)``.
        corrected: if true, return the bias-corrected :math:`\\hat v_t`
            (the recursion itself always runs on the uncorrected :math:`v_t`).

    Returns:
        Array of shape ``(T, ...)`` with :math:`v_1, \\dots, v_T` (float).
    """
    b = check_beta(beta)
    x = _as_float_array(x, "x")
    check_series(x, "x")
    return _run(np, x, b, corrected)


def ema_weights(beta, t, dtype=None):
    """Weights of the non-recursive form: ``w[i-1] = (1 - beta) * beta**(t - i)`` for ``i = 1..t``.

    ``ema(x, beta)[t-1] == ema_weights(beta, t) @ x[:t]``. The weights sum to
    ``1 - beta**t``, which is exactly what :func:`bias_correction` divides by.
    """
    b = check_beta(beta)
    t = check_step(t)
    powers = np.arange(t - 1, -1, -1, dtype=np.float64)
    return ((1.0 - b) * b**powers).astype(dtype or np.float64)


def sma(x, n):
    """Trailing simple moving average over the last ``n`` observations, along axis 0.

    ``out[t-1] = mean(x[t-n : t])``; the first ``n - 1`` entries are NaN
    because the window is not yet full (as in ``pandas.Series.rolling(n).mean()``).
    """
    n = check_window(n)
    x = _as_float_array(x, "x")
    check_series(x, "x")
    csum = np.cumsum(np.concatenate([np.zeros_like(x[:1]), x]), axis=0)
    out = np.full_like(x, np.nan)
    if n <= x.shape[0]:
        out[n - 1 :] = (csum[n:] - csum[:-n]) / n
    return out


def sma_group_delay(n):
    """Delay, in steps, of an ``n``-point trailing SMA: ``(n - 1) / 2``."""
    return (check_window(n) - 1) / 2


def ema_group_delay(beta):
    """Mean age of the data in an EMA, in steps: ``beta / (1 - beta)``.

    It equals the SMA's ``(n - 1) / 2`` when ``n = (1 + beta) / (1 - beta)``.
    """
    b = check_beta(beta)
    return b / (1.0 - b)


def effective_window(beta):
    """The rule of thumb ``1 / (1 - beta)``: roughly how many recent steps an EMA averages."""
    return 1.0 / (1.0 - check_beta(beta))

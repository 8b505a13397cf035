"""Exponentially weighted averages in PyTorch: the twin of :mod:`coursepkg.ema`.

Same names, signatures and formulas (they are literally shared: see
``coursepkg.ema._step``, ``_correct`` and ``_run``); inputs are tensors on any
device and outputs stay on that device. Integer tensors are promoted to
``torch.get_default_dtype()``.

Chapter: *Exponentially weighted averages* (``book/ema.ipynb``).
"""

from __future__ import annotations

import torch

from .. import ema as _np
from .._validate import (
    check_beta,
    check_dtype,
    check_same_shape,
    check_series,
    check_step,
    check_window,
)
from ..ema import effective_window, ema_group_delay, sma_group_delay

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


def _as_float_tensor(x, name: str, like: torch.Tensor | None = None) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        x = torch.as_tensor(x, device=None if like is None else like.device)
    check_dtype(x, name)
    return x if x.is_floating_point() else x.to(torch.get_default_dtype())


def ema_step(avg, x, beta):
    """One step of the exponential moving average: ``beta * avg + (1 - beta) * x``.

    See :func:`coursepkg.ema.ema_step`. ``torch.optim.Adam`` computes the same
    thing as ``avg.lerp_(x, 1 - beta)``.
    """
    b = check_beta(beta)
    avg = _as_float_tensor(avg, "avg")
    x = _as_float_tensor(x, "x", like=avg)
    check_same_shape(avg, x, ("avg", "x"))
    return _np._step(avg, x, b)


def bias_correction(avg, beta, t):
    """``avg / (1 - beta**t)``; see :func:`coursepkg.ema.bias_correction`."""
    b = check_beta(beta)
    t = check_step(t)
    return _np._correct(_as_float_tensor(avg, "avg"), b, t)


def ema(x, beta, corrected=False):
    """Exponential moving average along dim 0; see :func:`coursepkg.ema.ema`."""
    b = check_beta(beta)
    x = _as_float_tensor(x, "x")
    check_series(x, "x")
    return _np._run(torch, x, b, corrected)


def ema_weights(beta, t, dtype=None):
    """Weights ``(1 - beta) * beta**(t - i)`` for ``i = 1..t`` (CPU tensor, float64 by default)."""
    b = check_beta(beta)
    t = check_step(t)
    powers = torch.arange(t - 1, -1, -1, dtype=torch.float64)
    return ((1.0 - b) * b**powers).to(dtype or torch.float64)


def sma(x, n):
    """Trailing simple moving average along dim 0; see :func:`coursepkg.ema.sma`."""
    n = check_window(n)
    x = _as_float_tensor(x, "x")
    check_series(x, "x")
    csum = torch.cumsum(torch.cat([torch.zeros_like(x[:1]), x]), dim=0)
    out = torch.full_like(x, float("nan"))
    if n <= x.shape[0]:
        out[n - 1 :] = (csum[n:] - csum[:-n]) / n
    return out

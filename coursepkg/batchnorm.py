"""Batch normalization, forward and backward, in the layer style of :mod:`coursepkg.layers`.

Chapter: *Batch normalization* (``book/batchnorm.ipynb``).

Training mode normalizes each feature with the statistics of the mini-batch
(:math:`m` values per feature), then scales and shifts with learned :math:`\\gamma, \\beta`:

.. math::

    \\mu = \\tfrac1m \\sum_i x_i, \\quad
    \\sigma^2 = \\tfrac1m \\sum_i (x_i - \\mu)^2, \\quad
    \\hat x_i = \\frac{x_i - \\mu}{\\sqrt{\\sigma^2 + \\epsilon}}, \\quad
    y_i = \\gamma \\hat x_i + \\beta .

Inputs are ``(N, D)`` (features in columns, like ``torch.nn.BatchNorm1d``) or
``(N, C, H, W)`` (one mean and variance per channel over ``N*H*W`` values, like
``torch.nn.BatchNorm2d``); ``gamma`` and ``beta`` have shape ``(D,)`` or ``(C,)``.

Evaluation mode uses running statistics instead, kept by the exponential moving average
of the EMA chapter with decay ``decay`` (:func:`update_running_stats`). Two conventions
of ``torch.nn.BatchNorm*`` differ from the textbook and are options here:

* torch's ``momentum`` is the weight of the *new* batch: ``momentum = 1 - decay``
  (torch's default 0.1 is ``decay=0.9``).
* torch stores the *unbiased* batch variance ``m/(m-1) * sigma^2`` in ``running_var``
  (while normalizing the batch with the biased one); ``unbiased=True`` (the default)
  does the same, ``unbiased=False`` keeps the biased ``sigma^2`` of the formula above.

The formulas are written once for NumPy arrays and torch tensors; the torch twin is
:mod:`coursepkg.torch.batchnorm`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ._backend import is_tensor, namespace, numel
from ._validate import check_beta, check_positive, dtype_kind
from .ema import _step

__all__ = [
    "BatchNorm",
    "RunningStats",
    "batchnorm_backward",
    "batchnorm_backward_graph",
    "batchnorm_eval_backward",
    "batchnorm_eval_forward",
    "batchnorm_forward",
    "init_running_stats",
    "update_running_stats",
]


# ---- shapes -----------------------------------------------------------------------
def _check(x, gamma, beta):
    for name, a in (("x", x), ("gamma", gamma), ("beta", beta)):
        if dtype_kind(a.dtype) != "f":
            raise TypeError(f"Invalid dtype for {name}: {a.dtype} (expected a floating dtype)")
    if x.ndim not in (2, 4):
        raise ValueError(
            f"Invalid shape for x: {tuple(x.shape)} (expected 2-D (N, D) or 4-D (N, C, H, W))"
        )
    c = x.shape[1]
    for name, a in (("gamma", gamma), ("beta", beta)):
        if tuple(a.shape) != (c,):
            raise ValueError(
                f"Invalid shape for {name}: {tuple(a.shape)} (expected ({c},), one per feature of "
                f"x of shape {tuple(x.shape)})"
            )


def _axes(x):
    """The axes the statistics reduce over: the batch (and the spatial positions)."""
    return (0,) if x.ndim == 2 else (0, 2, 3)


def _bcast(p, x):
    """A per-feature vector shaped to broadcast against ``x``: ``(D,)`` or ``(1, C, 1, 1)``."""
    return p if x.ndim == 2 else p.reshape(1, -1, 1, 1)


def _affine_grads(dout, cache):
    """``(dgamma, dbeta)`` of ``out = gamma * x_hat + beta``: ``sum(dout * x_hat)``, ``sum(dout)``
    over the batch (and spatial) axes; the same in training and evaluation mode."""
    axes = cache["axes"]
    return _flat((dout * cache["x_hat"]).sum(axis=axes, keepdims=True)), _flat(
        dout.sum(axis=axes, keepdims=True)
    )


def _flat(a):
    """A statistic reduced with ``keepdims`` back to ``(D,)``."""
    return a.reshape(-1)


# ---- training mode: batch statistics ----------------------------------------------
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    """Batch norm in training mode: normalize with the mini-batch's own statistics.

    Shapes: ``x (N, D)`` or ``(N, C, H, W)``, ``gamma, beta (D,)`` -> ``out`` like ``x``.
    The cache holds what the backward pass needs and the batch statistics
    (``mu``, the biased ``var``, the count ``m``) that :func:`update_running_stats` uses.
    A feature that is constant over the batch has ``var = 0``: ``x_hat = 0`` and
    ``out = beta``, finite thanks to ``eps``.
    """
    _check(x, gamma, beta)
    eps = check_positive(eps, "eps")
    axes = _axes(x)
    m = numel(x) // x.shape[1]
    if m < 2:
        raise ValueError(
            f"Expected more than 1 value per feature when training, got input of shape "
            f"{tuple(x.shape)} (batch norm needs a batch: use eval mode for single examples)"
        )
    xp = namespace(x)
    mu = x.mean(axis=axes, keepdims=True)  # d mu / d x_i = 1/m
    xc = x - mu  # centred
    var = (xc * xc).mean(axis=axes, keepdims=True)  # biased: divides by m
    std = xp.sqrt(var + eps)
    inv_std = 1.0 / std  # d inv_std / d var = -1/2 (var + eps)^(-3/2)
    x_hat = xc * inv_std  # d x_hat / d xc = inv_std
    out = _bcast(gamma, x) * x_hat + _bcast(beta, x)  # d out / d x_hat = gamma
    cache = {"x_hat": x_hat, "xc": xc, "std": std, "inv_std": inv_std, "gamma": gamma}
    cache.update(mu=_flat(mu), var=_flat(var), m=m, axes=axes)
    return out, cache


def batchnorm_backward_graph(dout, cache):
    """Backward pass step by step through the graph of :func:`batchnorm_forward`.

    Graph: ``mu = mean(x)``, ``xc = x - mu``, ``var = mean(xc**2)``,
    ``std = sqrt(var + eps)``, ``inv_std = 1/std``, ``x_hat = xc * inv_std``,
    ``out = gamma * x_hat + beta``. Each line below undoes one node, right to left;
    ``xc`` feeds two nodes (``x_hat`` and ``var``), so its gradient is a sum.

    Returns ``(dx, dgamma, dbeta)``.
    """
    xc, std, inv_std = cache["xc"], cache["std"], cache["inv_std"]
    axes, m, gamma = cache["axes"], cache["m"], cache["gamma"]
    dgamma, dbeta = _affine_grads(dout, cache)  # out = gamma * x_hat + beta
    dx_hat = dout * _bcast(gamma, dout)
    dinv_std = (dx_hat * xc).sum(axis=axes, keepdims=True)  # x_hat = xc * inv_std
    dxc = dx_hat * inv_std  # ... first path into xc
    dstd = -dinv_std / (std * std)  # inv_std = 1 / std
    dvar = 0.5 * dstd / std  # std = sqrt(var + eps)
    dxc = dxc + 2.0 * xc * dvar / m  # var = mean(xc**2): second path into xc
    dmu = -dxc.sum(axis=axes, keepdims=True)  # xc = x - mu
    dx = dxc + dmu / m  # mu = mean(x)
    return dx, dgamma, dbeta


def batchnorm_backward(dout, cache):
    """Backward pass in closed form (the graph of :func:`batchnorm_backward_graph`, simplified).

    With ``g = dout * gamma`` (the gradient w.r.t. ``x_hat``) and sums over the batch:

    ``dx = inv_std / m * (m * g - sum(g) - x_hat * sum(g * x_hat))``,
    ``dgamma = sum(dout * x_hat)``, ``dbeta = sum(dout)``.

    The two subtracted terms remove from ``g`` its mean and its component along ``x_hat``:
    moving every ``x_i`` together, or scaling them all, does not change ``x_hat``.
    Returns ``(dx, dgamma, dbeta)``.
    """
    x_hat, inv_std, axes, m = cache["x_hat"], cache["inv_std"], cache["axes"], cache["m"]
    g = dout * _bcast(cache["gamma"], dout)
    g_sum = g.sum(axis=axes, keepdims=True)
    gx_sum = (g * x_hat).sum(axis=axes, keepdims=True)
    dx = inv_std / m * (m * g - g_sum - x_hat * gx_sum)
    return (dx, *_affine_grads(dout, cache))


# ---- evaluation mode: running statistics ------------------------------------------
class RunningStats(NamedTuple):
    """Running statistics of a batch-norm layer (buffers, not learned parameters).

    ``mean`` and ``var`` have shape ``(D,)``; ``t`` counts the batches seen (torch's
    ``num_batches_tracked``). They start at ``mean = 0``, ``var = 1`` as in torch.
    """

    mean: Any
    var: Any
    t: int


def init_running_stats(num_features, like=None) -> RunningStats:
    """``RunningStats(zeros(D), ones(D), 0)`` in ``like``'s dtype and device (float64 NumPy by default)."""
    if isinstance(num_features, bool) or not isinstance(num_features, int) or num_features < 1:
        raise ValueError(f"Invalid num_features: {num_features!r} (expected an integer >= 1)")
    if like is None:
        like = np.zeros(0)
    xp = namespace(like)
    if is_tensor(like):
        zeros = xp.zeros(num_features, dtype=like.dtype, device=like.device)
    else:
        zeros = xp.zeros(num_features, dtype=like.dtype)
    return RunningStats(zeros, zeros + 1.0, 0)


def update_running_stats(stats, cache, decay=0.9, unbiased=True) -> RunningStats:
    """One EMA step of the running statistics with the batch statistics in ``cache``.

    ``mean <- decay * mean + (1 - decay) * mu`` and the same for ``var`` with the batch
    variance, ``m/(m-1) * sigma^2`` if ``unbiased`` (torch's convention) else ``sigma^2``.
    ``decay`` is the ``beta`` of the EMA chapter: torch's ``momentum`` is ``1 - decay``.
    """
    d = check_beta(decay, "decay")
    m = cache["m"]
    var = cache["var"] * (m / (m - 1)) if unbiased else cache["var"]
    return RunningStats(_step(stats.mean, cache["mu"], d), _step(stats.var, var, d), stats.t + 1)


def batchnorm_eval_forward(x, gamma, beta, running_mean, running_var, eps=1e-5):
    """Batch norm in evaluation mode: a fixed affine map with the running statistics.

    ``out = gamma * (x - running_mean) / sqrt(running_var + eps) + beta``; works for any
    batch size, one example included, and the output of an example does not depend on
    the others in its batch.
    """
    _check(x, gamma, beta)
    eps = check_positive(eps, "eps")
    for name, a in (("running_mean", running_mean), ("running_var", running_var)):
        if tuple(a.shape) != tuple(gamma.shape):
            raise ValueError(
                f"Invalid shape for {name}: {tuple(a.shape)} (expected {tuple(gamma.shape)})"
            )
    inv_std = _bcast(1.0 / namespace(x).sqrt(running_var + eps), x)
    x_hat = (x - _bcast(running_mean, x)) * inv_std
    out = _bcast(gamma, x) * x_hat + _bcast(beta, x)
    return out, {"x_hat": x_hat, "inv_std": inv_std, "gamma": gamma, "axes": _axes(x)}


def batchnorm_eval_backward(dout, cache):
    """Gradients in evaluation mode: ``dx = dout * gamma * inv_std`` (the statistics are constants)."""
    dx = dout * _bcast(cache["gamma"], dout) * cache["inv_std"]
    return (dx, *_affine_grads(dout, cache))


# ---- a layer object, as used by the MLP --------------------------------------------
class BatchNorm:
    """A batch-norm layer: parameters ``gamma, beta``, running statistics, train/eval mode.

    ``forward(x, training=True)`` normalizes with the batch statistics and updates the
    running statistics; ``forward(x, training=False)`` uses the running statistics.
    ``backward(dout)`` returns ``(dx, dgamma, dbeta)`` for the last forward call.
    ``decay`` is the EMA decay (``1 - momentum`` in torch), ``unbiased`` as in
    :func:`update_running_stats`.
    """

    def __init__(self, num_features, decay=0.9, eps=1e-5, unbiased=True, like=None):
        self.decay = check_beta(decay, "decay")
        self.eps = check_positive(eps, "eps")
        self.unbiased = bool(unbiased)
        self.stats = init_running_stats(num_features, like)
        self.gamma = self.stats.var + 0.0  # ones
        self.beta = self.stats.mean + 0.0  # zeros
        self._cache, self._training = None, None

    def forward(self, x, training=True, gamma=None, beta=None):
        """``gamma``/``beta`` default to the layer's own (an MLP passes its parameters)."""
        gamma = self.gamma if gamma is None else gamma
        beta = self.beta if beta is None else beta
        if training:
            out, self._cache = batchnorm_forward(x, gamma, beta, self.eps)
            self.stats = update_running_stats(self.stats, self._cache, self.decay, self.unbiased)
        else:
            out, self._cache = batchnorm_eval_forward(
                x, gamma, beta, self.stats.mean, self.stats.var, self.eps
            )
        self._training = bool(training)
        return out

    def backward(self, dout):
        if self._cache is None:
            raise RuntimeError("call forward() before backward()")
        if self._training:
            return batchnorm_backward(dout, self._cache)
        return batchnorm_eval_backward(dout, self._cache)

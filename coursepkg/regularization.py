"""Regularization: penalties, inverted dropout, early stopping and bagging.

Chapter: *Regularization* (``book/regularization.ipynb``). Label smoothing is an option of
:func:`coursepkg.layers.softmax_cross_entropy`; data augmentation is
:mod:`coursepkg.augmentation`.

* **L2** (weight decay): ``penalty = lam/2 * sum_l ||W_l||_F^2`` with
  ``||W||_F^2 = sum_ij W_ij^2`` (the squared Frobenius norm sums the squares of *all*
  entries), gradient ``lam * W``. A gradient step on ``loss + penalty`` is
  ``W <- (1 - lr*lam) W - lr * dloss/dW``: shrink, then step. ``lam`` is torch's
  ``weight_decay``. With a loss averaged over ``m`` examples, the textbook
  ``lambda/(2m) ||W||^2`` is ``lam = lambda/m``.
* **L1**: ``penalty = lam * sum |W_ij|``, (sub)gradient ``lam * sign(W)`` (0 at 0).
* Penalties apply to weights, not biases: by default to the keys that start with ``"W"``.
* **Inverted dropout**: keep each unit with probability ``keep_prob`` and divide the
  survivors by ``keep_prob`` during training, so the expected activation is unchanged and
  evaluation is the identity (no rescaling at test time).

Every function works on NumPy arrays and torch tensors alike; the torch twin is
:mod:`coursepkg.torch.regularization`.
"""

from __future__ import annotations

import math

import numpy as np

from ._backend import copy, generator, namespace, uniform
from ._tree import leaves, tree_map
from ._validate import check_nonnegative, check_real, dtype_kind

__all__ = [
    "EarlyStopping",
    "bootstrap_indices",
    "dropout_backward",
    "dropout_forward",
    "ensemble_average",
    "inverse_variance_weights",
    "l1_penalty",
    "l2_penalty",
    "weights_only",
]


# ---- parameter-norm penalties ------------------------------------------------------
def weights_only(params, prefix="W"):
    """The entries of a parameter dict whose key starts with ``prefix`` (the weights)."""
    if not isinstance(params, dict):
        return params
    return {k: v for k, v in params.items() if k.startswith(prefix)}


def _penalty(params, lam, keys, value, grad):
    lam = check_nonnegative(lam, "lam")
    chosen = weights_only(params) if keys is None else {k: params[k] for k in keys}
    total = sum(float(value(w)) for _, w in leaves(chosen))
    grads = tree_map(lambda w: lam * grad(w), chosen)
    return lam * total, grads


def l2_penalty(params, lam, keys=None):
    """``(lam/2 * sum ||W||_F^2, {key: lam * W})`` over the weights (see the module docstring).

    ``params`` is one array or a dict such as ``MLP.params``; ``keys`` selects entries
    (default: those starting with ``"W"``). Add the gradients to the loss gradients.
    """
    return _penalty(params, lam, keys, lambda w: 0.5 * (w * w).sum(), lambda w: w)


def l1_penalty(params, lam, keys=None):
    """``(lam * sum |W|, {key: lam * sign(W)})`` over the weights."""
    return _penalty(
        params, lam, keys, lambda w: namespace(w).abs(w).sum(), lambda w: namespace(w).sign(w)
    )


# ---- inverted dropout --------------------------------------------------------------
def _keep_prob(keep_prob):
    p = check_real(keep_prob, "keep_prob")
    if not 0.0 < p <= 1.0:
        raise ValueError(f"Invalid keep_prob: {keep_prob} (expected 0 < keep_prob <= 1)")
    return p


def dropout_forward(x, keep_prob, rng=None, training=True):
    """Inverted dropout: ``out = x * mask / keep_prob`` with ``mask ~ Bernoulli(keep_prob)``.

    ``E[out] = x``. In evaluation (``training=False``) or with ``keep_prob=1`` it is the
    identity. ``rng``: a seed, a NumPy ``Generator`` (arrays) or ``torch.Generator``
    (tensors), or ``None`` for the global generator. torch's ``Dropout(p)`` has
    ``p = 1 - keep_prob``. Returns ``(out, cache)``.
    """
    p = _keep_prob(keep_prob)
    if dtype_kind(x.dtype) != "f":
        raise TypeError(f"Invalid dtype for x: {x.dtype} (expected a floating dtype)")
    if not training or p == 1.0:
        return x, None
    keep = uniform(generator(rng, x), tuple(x.shape), x) < p  # d out / d x = mask / p
    scaled = keep / p
    return x * scaled, scaled


def dropout_backward(dout, cache):
    """``dx = dout * mask / keep_prob`` (the identity when forward was)."""
    return dout if cache is None else dout * cache


# ---- early stopping ----------------------------------------------------------------
class EarlyStopping:
    """Stop when the monitored metric has not improved for ``patience`` evaluations.

    ``step(value, params)`` records one evaluation (e.g. the dev loss after an epoch) and
    returns ``True`` when training should stop. An improvement must beat the best value
    by more than ``min_delta`` (``mode="min"`` for losses and errors, ``"max"`` for
    accuracies). A copy of the parameters at the best evaluation is kept in
    ``best_params``; use it to restore the best model.
    """

    def __init__(self, patience=5, min_delta=0.0, mode="min"):
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"Invalid patience: {patience!r} (expected an integer >= 0)")
        if mode not in ("min", "max"):
            raise ValueError(f"Invalid mode: {mode!r} (expected 'min' or 'max')")
        self.patience, self.mode = patience, mode
        self.min_delta = check_nonnegative(min_delta, "min_delta")
        self.best, self.best_step, self.best_params = None, None, None
        self.steps, self.bad_steps, self.stopped = 0, 0, False

    def improved(self, value) -> bool:
        if self.best is None:
            return True
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def step(self, value, params=None) -> bool:
        value = check_real(value, "value")
        if math.isnan(value):
            raise ValueError("Invalid value: nan (the monitored metric diverged)")
        self.steps += 1
        if self.improved(value):
            self.best, self.best_step, self.bad_steps = value, self.steps, 0
            if params is not None:
                self.best_params = tree_map(copy, params)
        else:
            self.bad_steps += 1
        self.stopped = self.bad_steps > self.patience
        return self.stopped


# ---- bagging and model averaging ---------------------------------------------------
def _check_counts(n, n_models):
    for name, v in (("n", n), ("n_models", n_models)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"Invalid {name}: {v!r} (expected an integer >= 1)")


def bootstrap_indices(n, n_models, rng=None):
    """``(n_models, n)`` integer indices: one bootstrap sample (n draws with replacement) per model.

    Each sample leaves out about ``(1 - 1/n)^n ≈ 1/e ≈ 37 %`` of the examples.
    """
    _check_counts(n, n_models)
    return generator(rng, np.zeros(0)).integers(0, n, size=(n_models, n))


def ensemble_average(predictions, weights=None):
    """Average of the models' predictions along axis 0: ``sum_k w_k p_k`` with ``sum_k w_k = 1``.

    ``predictions`` is ``(K, ...)`` (e.g. K models' class probabilities ``(K, N, C)``);
    ``weights`` ``(K,)`` non-negative, normalized here (default: equal weights).
    """
    k = predictions.shape[0]
    if weights is None:
        return predictions.mean(axis=0)
    if tuple(weights.shape) != (k,):
        raise ValueError(f"Invalid shape for weights: {tuple(weights.shape)} (expected ({k},))")
    if bool((weights < 0).any()) or not float(weights.sum()) > 0:
        raise ValueError(f"Invalid weights: {weights} (expected non-negative, not all zero)")
    w = weights / weights.sum()
    return (w.reshape((k,) + (1,) * (predictions.ndim - 1)) * predictions).sum(axis=0)


def inverse_variance_weights(variances):
    """Weights ``w_k = (1/s_k^2) / sum_j (1/s_j^2)``: the minimum-variance combination of
    independent unbiased estimates with variances ``s_k^2``. Its variance is
    ``1 / sum_k (1/s_k^2)``, below the smallest ``s_k^2``."""
    if bool((variances <= 0).any()):
        raise ValueError(f"Invalid variances: {variances} (expected all > 0)")
    inv = 1.0 / variances
    return inv / inv.sum()

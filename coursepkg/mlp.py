"""A multilayer perceptron built from :mod:`coursepkg.layers`.

Chapter: *Feedforward networks and backpropagation* (``book/backprop.ipynb``).

``MLP([D, H1, ..., C])`` is ``linear -> activation -> ... -> linear``; the last layer
gives logits (``loss="cross_entropy"``, softmax output) or predictions
(``loss="mse"``, linear output). Parameters live in ``params`` as ``W1, b1, W2, ...``
with ``W_l`` of shape ``(fan_in, fan_out)``; :meth:`MLP.loss` returns the loss and a
dict of gradients with the same keys, ready for an optimizer.

The torch twin :class:`coursepkg.torch.mlp.MLP` is an ``nn.Module`` built from the
same configuration and, for the same ``seed``, the same initial weights.
"""

from __future__ import annotations

import itertools
import numbers

import numpy as np

from .init import INITIALIZERS
from .layers import ACTIVATIONS, linear_backward, linear_forward, mse_loss, softmax_cross_entropy

__all__ = ["LOSSES", "MLP", "check_config", "initial_params"]

LOSSES = ("cross_entropy", "mse")


def check_config(sizes, activation, init, loss):
    """Validate an MLP configuration (shared by the NumPy and torch versions)."""
    if (
        not isinstance(sizes, (list, tuple))
        or len(sizes) < 2
        or any(isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 1 for s in sizes)
    ):
        raise ValueError(f"Invalid sizes: {sizes!r} (expected a list of >= 2 positive integers)")
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"Invalid activation: {activation!r} (expected one of {sorted(ACTIVATIONS)})"
        )
    if init not in INITIALIZERS:
        raise ValueError(f"Invalid init: {init!r} (expected one of {sorted(INITIALIZERS)})")
    if loss not in LOSSES:
        raise ValueError(f"Invalid loss: {loss!r} (expected one of {list(LOSSES)})")
    return [int(s) for s in sizes]


def initial_params(sizes, init="he_normal", bias_init=0.0, seed=0) -> dict:
    """``{"W1": (D, H1), "b1": (H1,), ...}`` in float64 from ``np.random.default_rng(seed)``.

    ``bias_init`` > 0 (e.g. 0.01) is the small positive bias sometimes used with ReLU so
    that units start in their active region.
    """
    rng = np.random.default_rng(seed)
    params = {}
    for layer, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes), start=1):
        params[f"W{layer}"] = INITIALIZERS[init](fan_in, fan_out, rng=rng)
        params[f"b{layer}"] = np.full(fan_out, float(bias_init))
    return params


class MLP:
    """Multilayer perceptron in NumPy with a hand-written backward pass."""

    def __init__(
        self,
        sizes,
        activation="relu",
        init="he_normal",
        bias_init=0.0,
        seed=0,
        loss="cross_entropy",
    ):
        self.sizes = check_config(sizes, activation, init, loss)
        self.activation, self.loss_name = activation, loss
        self.params = initial_params(self.sizes, init, bias_init, seed)
        self._caches = None

    @property
    def num_layers(self) -> int:
        return len(self.sizes) - 1

    def forward(self, x):
        """Scores (logits, or predictions for ``loss="mse"``) of shape ``(N, C)``."""
        act_forward, _ = ACTIVATIONS[self.activation]
        caches, h = [], x
        for layer in range(1, self.num_layers + 1):
            h, lin_cache = linear_forward(h, self.params[f"W{layer}"], self.params[f"b{layer}"])
            act_cache = None
            if layer < self.num_layers:
                h, act_cache = act_forward(h)
            caches.append((lin_cache, act_cache))
        self._caches = caches
        return h

    def backward(self, dscores) -> dict:
        """Gradients of every parameter, given the gradient of the loss w.r.t. the scores."""
        if self._caches is None:
            raise RuntimeError("call forward() before backward()")
        _, act_backward = ACTIVATIONS[self.activation]
        grads, dh = {}, dscores
        for layer in range(self.num_layers, 0, -1):
            lin_cache, act_cache = self._caches[layer - 1]
            if layer < self.num_layers:
                dh = act_backward(dh, act_cache)
            dh, grads[f"W{layer}"], grads[f"b{layer}"] = linear_backward(dh, lin_cache)
        return grads

    def loss(self, x, y):
        """``(loss, grads)``: mean loss over the batch and the gradient of every parameter."""
        scores = self.forward(x)
        if self.loss_name == "cross_entropy":
            value, dscores = softmax_cross_entropy(scores, y)
        else:
            value, dscores = mse_loss(scores, y)
        return float(value), self.backward(dscores)

    def predict(self, x):
        """Class predictions (argmax of the logits), or the outputs for ``loss="mse"``."""
        scores = self.forward(x)
        return scores.argmax(axis=1) if self.loss_name == "cross_entropy" else scores

    def accuracy(self, x, y) -> float:
        return float((self.predict(x) == y).mean())

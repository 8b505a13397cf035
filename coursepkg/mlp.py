"""A multilayer perceptron built from :mod:`coursepkg.layers`.

Chapter: *Feedforward networks and backpropagation* (``book/backprop.ipynb``).

``MLP([D, H1, ..., C])`` is ``linear -> activation -> ... -> linear``; the last layer
gives logits (``loss="cross_entropy"``, softmax output) or predictions
(``loss="mse"``, linear output). Parameters live in ``params`` as ``W1, b1, W2, ...``
with ``W_l`` of shape ``(fan_in, fan_out)``; :meth:`MLP.loss` returns the loss and a
dict of gradients with the same keys, ready for an optimizer.

Two options come with later chapters: ``batchnorm=True`` puts a batch-norm layer
(:mod:`coursepkg.batchnorm`, chapter ``book/batchnorm.ipynb``) between each hidden linear
layer and its activation -- the hidden layers then have no bias ``b_l`` (batch norm's
mean subtraction cancels it; its shift ``beta_l`` takes its role) and parameters
``gamma_l, beta_l`` instead; ``keep_prob`` (a number, or one per hidden layer) applies
inverted dropout after each hidden activation (:mod:`coursepkg.regularization`).
:meth:`MLP.loss` runs in training mode (batch statistics, dropout on);
:meth:`MLP.predict` and :meth:`MLP.accuracy` in evaluation mode (running statistics,
no dropout).

The torch twin :class:`coursepkg.torch.mlp.MLP` is an ``nn.Module`` built from the
same configuration and, for the same ``seed``, the same initial weights.
"""

from __future__ import annotations

import itertools
import numbers

import numpy as np

from .batchnorm import BatchNorm
from .init import INITIALIZERS
from .layers import ACTIVATIONS, linear_backward, linear_forward, mse_loss, softmax_cross_entropy
from .regularization import _keep_prob, dropout_backward, dropout_forward

__all__ = ["LOSSES", "MLP", "check_config", "initial_params", "keep_probs"]

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


def initial_params(sizes, init="he_normal", bias_init=0.0, seed=0, batchnorm=False) -> dict:
    """``{"W1": (D, H1), "b1": (H1,), ...}`` in float64 from ``np.random.default_rng(seed)``.

    ``bias_init`` > 0 (e.g. 0.01) is the small positive bias sometimes used with ReLU so
    that units start in their active region. With ``batchnorm`` the hidden layers get
    ``gamma_l = 1`` and ``beta_l = 0`` instead of ``b_l`` (the weights are the same draws).
    """
    rng = np.random.default_rng(seed)
    params = {}
    last = len(sizes) - 1
    for layer, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes), start=1):
        params[f"W{layer}"] = INITIALIZERS[init](fan_in, fan_out, rng=rng)
        if batchnorm and layer < last:
            params[f"gamma{layer}"] = np.ones(fan_out)
            params[f"beta{layer}"] = np.zeros(fan_out)
        else:
            params[f"b{layer}"] = np.full(fan_out, float(bias_init))
    return params


def keep_probs(keep_prob, n_hidden) -> tuple:
    """One dropout keep probability per hidden layer, from a number or a sequence."""
    if isinstance(keep_prob, (list, tuple)):
        if len(keep_prob) != n_hidden:
            raise ValueError(
                f"Invalid keep_prob: {keep_prob!r} (expected one value per hidden layer, "
                f"{n_hidden})"
            )
        return tuple(_keep_prob(p) for p in keep_prob)
    return (_keep_prob(keep_prob),) * n_hidden


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
        batchnorm=False,
        keep_prob=1.0,
        decay=0.9,
    ):
        self.sizes = check_config(sizes, activation, init, loss)
        self.activation, self.loss_name = activation, loss
        self.batchnorm = bool(batchnorm)
        self.keep_probs = keep_probs(keep_prob, self.num_layers - 1)
        self.params = initial_params(self.sizes, init, bias_init, seed, self.batchnorm)
        # Batch-norm layers keep the running statistics (buffers); gamma/beta live in params.
        self.bn = {
            layer: BatchNorm(self.sizes[layer], decay)
            for layer in range(1, self.num_layers)
            if self.batchnorm
        }
        self._dropout_rng = np.random.default_rng([seed, 1])  # a stream apart from the init
        self._caches = self._drop_caches = None

    @property
    def num_layers(self) -> int:
        return len(self.sizes) - 1

    def forward(self, x, training=True):
        """Scores (logits, or predictions for ``loss="mse"``) of shape ``(N, C)``.

        ``training=False`` is evaluation mode: batch norm uses its running statistics and
        dropout is off.
        """
        act_forward, _ = ACTIVATIONS[self.activation]
        p = self.params
        caches, drop_caches, h = [], [], x
        for layer in range(1, self.num_layers + 1):
            hidden = layer < self.num_layers
            bias = p.get(f"b{layer}")
            if bias is None:  # batch norm follows: no bias
                bias = np.zeros(p[f"W{layer}"].shape[1], dtype=h.dtype)
            h, lin_cache = linear_forward(h, p[f"W{layer}"], bias)
            act_cache = drop_cache = None  # dropout's cache is kept apart: (lin, act) pairs
            if hidden and self.batchnorm:
                h = self.bn[layer].forward(h, training, p[f"gamma{layer}"], p[f"beta{layer}"])
            if hidden:
                h, act_cache = act_forward(h)
                keep = self.keep_probs[layer - 1]
                h, drop_cache = dropout_forward(h, keep, self._dropout_rng, training)
            caches.append((lin_cache, act_cache))
            drop_caches.append(drop_cache)
        self._caches, self._drop_caches = caches, drop_caches
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
                dh = dropout_backward(dh, self._drop_caches[layer - 1])
                dh = act_backward(dh, act_cache)
                if self.batchnorm:
                    dh, grads[f"gamma{layer}"], grads[f"beta{layer}"] = self.bn[layer].backward(dh)
            dh, grads[f"W{layer}"], db = linear_backward(dh, lin_cache)
            if f"b{layer}" in self.params:
                grads[f"b{layer}"] = db
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
        """Class predictions (argmax of the logits), or the outputs for ``loss="mse"``,
        in evaluation mode."""
        scores = self.forward(x, training=False)
        return scores.argmax(axis=1) if self.loss_name == "cross_entropy" else scores

    def accuracy(self, x, y) -> float:
        return float((self.predict(x) == y).mean())

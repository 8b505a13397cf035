"""The MLP as a ``torch.nn.Module``: the twin of :class:`coursepkg.mlp.MLP`.

Same constructor, same ``loss(x, y) -> (loss, grads)`` and ``predict``; it is an
``nn.Sequential`` of ``nn.Linear`` and activation modules, so autograd does the
backward pass. For the same ``seed`` the initial weights equal the NumPy model's
(they are drawn by the same NumPy code and copied in, transposed into
``nn.Linear``'s ``(out, in)`` layout), so both models train identically from the same
mini-batches. Move it with ``.to(get_device())``.

``batchnorm=True`` inserts ``nn.BatchNorm1d(momentum=1 - decay)`` between each hidden
``nn.Linear`` (then without bias) and its activation; ``keep_prob`` inserts
``nn.Dropout(p=1 - keep_prob)`` after each hidden activation. ``loss`` switches the module
to training mode, ``predict``/``accuracy`` to evaluation mode (and back).
"""

from __future__ import annotations

import itertools

import torch
from torch import nn

from ..mlp import check_config, initial_params, keep_probs

__all__ = ["MLP"]


class Abs(nn.Module):
    """``|x|`` as a module (torch has no ``nn.Abs``)."""

    def forward(self, x):
        return torch.abs(x)


ACTIVATION_MODULES = {
    "identity": nn.Identity,
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.01),
    "abs": Abs,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "softplus": nn.Softplus,
}


class MLP(nn.Module):
    """Multilayer perceptron; gradients by autograd. Keys of ``grads`` match the NumPy twin."""

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
        super().__init__()
        self.sizes = check_config(sizes, activation, init, loss)
        self.activation, self.loss_name = activation, loss
        self.batchnorm = bool(batchnorm)
        n_hidden = len(self.sizes) - 2
        self.keep_probs = keep_probs(keep_prob, n_hidden)
        layers = []
        for layer, (fan_in, fan_out) in enumerate(itertools.pairwise(self.sizes), start=1):
            hidden = layer <= n_hidden
            bias = not (hidden and self.batchnorm)
            layers.append(nn.Linear(fan_in, fan_out, bias=bias, dtype=torch.float64))
            if hidden:
                if self.batchnorm:
                    norm = nn.BatchNorm1d(fan_out, momentum=1.0 - decay, dtype=torch.float64)
                    layers.append(norm)
                layers.append(ACTIVATION_MODULES[activation]())
                if self.keep_probs[layer - 1] < 1.0:
                    layers.append(nn.Dropout(1.0 - self.keep_probs[layer - 1]))
        self.net = nn.Sequential(*layers)
        self.load_numpy_params(initial_params(self.sizes, init, bias_init, seed, self.batchnorm))

    @property
    def linears(self) -> list:
        return [m for m in self.net if isinstance(m, nn.Linear)]

    @property
    def norms(self) -> list:
        return [m for m in self.net if isinstance(m, nn.BatchNorm1d)]

    def _named(self):
        """``(key, parameter, transpose)`` in the NumPy twin's names and layout."""
        for layer, linear in enumerate(self.linears, start=1):
            yield f"W{layer}", linear.weight, True
            if linear.bias is not None:
                yield f"b{layer}", linear.bias, False
        for layer, norm in enumerate(self.norms, start=1):
            yield f"gamma{layer}", norm.weight, False
            yield f"beta{layer}", norm.bias, False

    @torch.no_grad()
    def load_numpy_params(self, params: dict) -> None:
        """Copy ``{"W1": (D, H), "b1": (H,), ...}`` (NumPy layout) into the layers."""
        for key, param, transpose in self._named():
            value = torch.as_tensor(params[key])
            param.copy_(value.T if transpose else value)

    def numpy_params(self) -> dict:
        """The parameters in the NumPy layout (``W_l`` as ``(fan_in, fan_out)``)."""
        return {
            key: (param.detach().T if transpose else param.detach()).cpu().numpy()
            for key, param, transpose in self._named()
        }

    def forward(self, x):
        return self.net(x)

    def loss(self, x, y):
        """``(loss, grads)`` like the NumPy twin; ``grads["W1"]`` is ``(fan_in, fan_out)``."""
        self.train()
        self.zero_grad(set_to_none=True)
        scores = self(x)
        if self.loss_name == "cross_entropy":
            value = nn.functional.cross_entropy(scores, y)
        else:
            value = nn.functional.mse_loss(scores, y)
        value.backward()
        return float(value.detach()), {
            key: param.grad.T if transpose else param.grad
            for key, param, transpose in self._named()
        }

    @torch.no_grad()
    def predict(self, x):
        """Class predictions (or outputs for ``loss="mse"``) in evaluation mode."""
        was_training = self.training
        self.eval()
        try:
            scores = self(x)
        finally:
            self.train(was_training)
        return scores.argmax(dim=1) if self.loss_name == "cross_entropy" else scores

    def accuracy(self, x, y) -> float:
        return float((self.predict(x) == y).double().mean())

"""The MLP as a ``torch.nn.Module``: the twin of :class:`coursepkg.mlp.MLP`.

Same constructor, same ``loss(x, y) -> (loss, grads)`` and ``predict``; it is an
``nn.Sequential`` of ``nn.Linear`` and activation modules, so autograd does the
backward pass. For the same ``seed`` the initial weights equal the NumPy model's
(they are drawn by the same NumPy code and copied in, transposed into
``nn.Linear``'s ``(out, in)`` layout), so both models train identically from the same
mini-batches. Move it with ``.to(get_device())``.
"""

from __future__ import annotations

import itertools

import torch
from torch import nn

from ..mlp import check_config, initial_params

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
    ):
        super().__init__()
        self.sizes = check_config(sizes, activation, init, loss)
        self.activation, self.loss_name = activation, loss
        layers = []
        for fan_in, fan_out in itertools.pairwise(self.sizes):
            layers += [
                nn.Linear(fan_in, fan_out, dtype=torch.float64),
                ACTIVATION_MODULES[activation](),
            ]
        self.net = nn.Sequential(*layers[:-1])  # no activation after the output layer
        self.load_numpy_params(initial_params(self.sizes, init, bias_init, seed))

    @property
    def linears(self) -> list:
        return [m for m in self.net if isinstance(m, nn.Linear)]

    @torch.no_grad()
    def load_numpy_params(self, params: dict) -> None:
        """Copy ``{"W1": (D, H), "b1": (H,), ...}`` (NumPy layout) into the ``nn.Linear`` layers."""
        for layer, linear in enumerate(self.linears, start=1):
            w, b = params[f"W{layer}"], params[f"b{layer}"]
            linear.weight.copy_(torch.as_tensor(w).T)
            linear.bias.copy_(torch.as_tensor(b))

    def numpy_params(self) -> dict:
        """The parameters in the NumPy layout (``W_l`` as ``(fan_in, fan_out)``)."""
        out = {}
        for layer, linear in enumerate(self.linears, start=1):
            out[f"W{layer}"] = linear.weight.detach().T.cpu().numpy()
            out[f"b{layer}"] = linear.bias.detach().cpu().numpy()
        return out

    def forward(self, x):
        return self.net(x)

    def loss(self, x, y):
        """``(loss, grads)`` like the NumPy twin; ``grads["W1"]`` is ``(fan_in, fan_out)``."""
        self.zero_grad(set_to_none=True)
        scores = self(x)
        if self.loss_name == "cross_entropy":
            value = nn.functional.cross_entropy(scores, y)
        else:
            value = nn.functional.mse_loss(scores, y)
        value.backward()
        grads = {}
        for layer, linear in enumerate(self.linears, start=1):
            grads[f"W{layer}"] = linear.weight.grad.T
            grads[f"b{layer}"] = linear.bias.grad
        return float(value.detach()), grads

    @torch.no_grad()
    def predict(self, x):
        scores = self(x)
        return scores.argmax(dim=1) if self.loss_name == "cross_entropy" else scores

    def accuracy(self, x, y) -> float:
        return float((self.predict(x) == y).double().mean())

"""Layers in PyTorch: the twin of :mod:`coursepkg.layers`.

Same names, signatures and formulas (the formulas in :mod:`coursepkg.layers` are
written once for NumPy arrays and torch tensors); these versions insist on tensors.
They work on any device; the backward passes are hand-written, not autograd, and the
tests compare them with autograd and with ``torch.nn``.

Chapter: *Feedforward networks and backpropagation* (``book/backprop.ipynb``).
"""

from __future__ import annotations

from .. import layers as _generic
from ._twin import tensors_only

__all__ = list(_generic.__all__)

for _name in __all__:
    _obj = getattr(_generic, _name)
    globals()[_name] = tensors_only(_obj, __name__) if callable(_obj) else _obj

ACTIVATIONS = {
    name: (globals()[fwd.__name__], globals()[bwd.__name__])
    for name, (fwd, bwd) in _generic.ACTIVATIONS.items()
}

"""Evaluation metrics in PyTorch: the twin of :mod:`coursepkg.metrics`.

Same names, signatures and formulas (the formulas in :mod:`coursepkg.metrics` are
written once for NumPy arrays and torch tensors); these versions insist on tensors and
keep per-class results on the input's device. Single numbers come back as Python floats,
as in the NumPy version. Python lists are still fine for ``labels``.

Chapter: *Error analysis and ML strategy* (``book/strategy.ipynb``).
"""

from __future__ import annotations

from .. import metrics as _generic
from ._twin import tensors_only

__all__ = list(_generic.__all__)

for _name in __all__:
    _obj = getattr(_generic, _name)
    # functions become tensor-only; the Rates class and the AVERAGES tuple are shared as is
    _wrap = callable(_obj) and not isinstance(_obj, type)
    globals()[_name] = tensors_only(_obj, __name__) if _wrap else _obj

"""Data augmentation on batches of image tensors (any device): the twin of
:mod:`coursepkg.augmentation` -- the same code, tensors only.

Chapter: *Regularization* (``book/regularization.ipynb``).
"""

from __future__ import annotations

from .. import augmentation as _generic
from ._twin import tensors_only

__all__ = list(_generic.__all__)

for _name in __all__:
    globals()[_name] = tensors_only(getattr(_generic, _name), __name__)

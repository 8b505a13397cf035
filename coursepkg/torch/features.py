"""Grayscale, DCT/DFT compression, image metrics and correlation on tensors: the twin of
:mod:`coursepkg.features`.

Same names, signatures and formulas (they are written once, in :mod:`coursepkg.features`);
these versions insist on tensors and compute on the tensor's device (the DCT is two matrix
products, the DFT is ``torch.fft``). :func:`dct_matrix` returns a tensor: in ``like``'s
dtype and device, or torch's default dtype on the CPU when ``like`` is ``None``. Integer
tensors are promoted to ``torch.get_default_dtype()``.

Chapter: *Feature optimization* (``book/features.ipynb``).
"""

from __future__ import annotations

import torch

from .. import features as _generic
from ._twin import tensors_only

__all__ = list(_generic.__all__)

LUMA = _generic.LUMA
compression_ratio = _generic.compression_ratio  # plain numbers in, a number out

for _name in __all__:
    if _name not in ("LUMA", "compression_ratio", "dct_matrix"):
        globals()[_name] = tensors_only(getattr(_generic, _name), __name__)


def dct_matrix(n, like=None):
    """Orthonormal DCT-II matrix ``(n, n)`` as a tensor (see
    :func:`coursepkg.features.dct_matrix`), in ``like``'s float dtype and on its device;
    torch's default dtype on the CPU when ``like`` is ``None``."""
    if like is None:
        like = torch.empty(0)
    elif not isinstance(like, torch.Tensor):
        raise TypeError(
            f"Invalid input to {__name__}.dct_matrix: like is {type(like).__name__} "
            "(expected a torch.Tensor or None)"
        )
    return _generic.dct_matrix(n, like=like)

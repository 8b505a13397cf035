"""Splits, standardization and mini-batches on tensors: the twin of
:mod:`coursepkg.preprocessing` (same functions; pass a ``torch.Generator`` or a seed)."""

from __future__ import annotations

from .. import preprocessing as _generic
from ._twin import tensors_only

__all__ = list(_generic.__all__)

Standardizer = _generic.Standardizer  # works on tensors as it is
minibatches = tensors_only(_generic.minibatches, __name__)
train_dev_test_split = tensors_only(_generic.train_dev_test_split, __name__)

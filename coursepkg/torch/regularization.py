"""Regularization in PyTorch: the twin of :mod:`coursepkg.regularization`.

Same names, signatures and formulas (written once for NumPy arrays and torch tensors);
``rng`` is a ``torch.Generator`` (or a seed, or ``None``). :class:`EarlyStopping` works on
both unchanged. Chapter: *Regularization* (``book/regularization.ipynb``).
"""

from __future__ import annotations

from .. import regularization as _generic
from .._backend import generator
from ._twin import tensors_only

__all__ = list(_generic.__all__)

EarlyStopping = _generic.EarlyStopping
weights_only = _generic.weights_only
dropout_backward = _generic.dropout_backward
dropout_forward = tensors_only(_generic.dropout_forward, __name__)
ensemble_average = tensors_only(_generic.ensemble_average, __name__)
inverse_variance_weights = tensors_only(_generic.inverse_variance_weights, __name__)
l1_penalty = _generic.l1_penalty
l2_penalty = _generic.l2_penalty


def bootstrap_indices(n, n_models, rng=None):
    """``(n_models, n)`` bootstrap indices as a tensor (``rng``: a ``torch.Generator``, a seed,
    or ``None`` for torch's global generator)."""
    import torch

    _generic._check_counts(n, n_models)
    rng = generator(rng, torch.zeros(0))
    return torch.randint(0, n, (n_models, n), generator=rng)

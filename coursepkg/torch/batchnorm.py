"""Batch normalization in PyTorch: the twin of :mod:`coursepkg.batchnorm`.

The functions have the same names, signatures and formulas as the NumPy ones (written once
for both) and insist on tensors; their backward passes are hand-written, and the tests
compare them with ``torch.nn.BatchNorm1d``/``BatchNorm2d`` and autograd. :class:`BatchNorm`
is an ``nn.Module`` whose forward uses those formulas (autograd differentiates them) and
whose running statistics follow :func:`update_running_stats`: with ``decay = 1 - momentum``
and ``unbiased=True`` it matches ``torch.nn.BatchNorm1d(momentum=momentum)``.

Chapter: *Batch normalization* (``book/batchnorm.ipynb``).
"""

from __future__ import annotations

import torch
from torch import nn

from .. import batchnorm as _generic
from .._validate import check_beta, check_positive
from ._twin import tensors_only

__all__ = list(_generic.__all__)

RunningStats = _generic.RunningStats
for _name in __all__:
    _obj = getattr(_generic, _name)
    if callable(_obj) and not isinstance(_obj, type):
        globals()[_name] = tensors_only(_obj, __name__)


def init_running_stats(num_features, like=None):  # noqa: F811 -- float64 CPU tensors by default
    """``RunningStats(zeros(D), ones(D), 0)`` as tensors like ``like`` (float64 CPU by default)."""
    if like is None:
        like = torch.zeros(0, dtype=torch.float64)
    return _generic.init_running_stats(num_features, like)


class BatchNorm(nn.Module):
    """Batch-norm layer as a module: parameters ``gamma``/``beta``, buffers ``running_mean``,
    ``running_var``, ``num_batches_tracked``; train/eval with ``.train()``/``.eval()``."""

    def __init__(self, num_features, decay=0.9, eps=1e-5, unbiased=True, like=None):
        super().__init__()
        self.decay = check_beta(decay, "decay")
        self.eps = check_positive(eps, "eps")
        self.unbiased = bool(unbiased)
        stats = init_running_stats(num_features, like)
        self.gamma = nn.Parameter(stats.var.clone())
        self.beta = nn.Parameter(stats.mean.clone())
        self.register_buffer("running_mean", stats.mean)
        self.register_buffer("running_var", stats.var.clone())
        self.num_batches_tracked = 0

    @property
    def stats(self):
        return RunningStats(self.running_mean, self.running_var, self.num_batches_tracked)

    def forward(self, x, training=None, gamma=None, beta=None):
        training = self.training if training is None else training
        gamma = self.gamma if gamma is None else gamma
        beta = self.beta if beta is None else beta
        if not training:
            return _generic.batchnorm_eval_forward(
                x, gamma, beta, self.running_mean, self.running_var, self.eps
            )[0]
        out, cache = _generic.batchnorm_forward(x, gamma, beta, self.eps)
        with torch.no_grad():
            detached = {**cache, "mu": cache["mu"].detach(), "var": cache["var"].detach()}
            new = _generic.update_running_stats(self.stats, detached, self.decay, self.unbiased)
            self.running_mean.copy_(new.mean)
            self.running_var.copy_(new.var)
            self.num_batches_tracked = new.t
        return out

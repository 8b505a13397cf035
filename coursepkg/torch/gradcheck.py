"""Gradient checking on tensors: the twin of :mod:`coursepkg.gradcheck` (same functions)."""

from __future__ import annotations

from .. import gradcheck as _generic
from ._twin import tensors_only

__all__ = list(_generic.__all__)

numerical_gradient = tensors_only(_generic.numerical_gradient, __name__, tensor_arg=1)
relative_error = tensors_only(_generic.relative_error, __name__)
grad_check = tensors_only(_generic.grad_check, __name__, tensor_arg=1)

"""The few places where NumPy and torch spell an operation differently.

The course writes each formula once; the formula asks :func:`namespace` for the
array module of its input (``numpy`` or ``torch``), and uses the helpers here
where the two libraries differ. torch accepts NumPy's ``axis=``/``keepdims=``
keywords for reductions, so most code needs nothing else.
"""

from __future__ import annotations

import numpy as np


def is_tensor(x) -> bool:
    return type(x).__module__.startswith("torch")


def namespace(x):
    """``torch`` for tensors, else ``numpy``."""
    if is_tensor(x):
        import torch

        return torch
    return np


def one_hot(y, num_classes: int, like):
    """Rows of the identity matrix picked by integer labels ``y``, in ``like``'s dtype/device."""
    if is_tensor(like):
        import torch

        return torch.nn.functional.one_hot(y, num_classes).to(like.dtype)
    return np.eye(num_classes, dtype=like.dtype)[y]


def copy(x):
    return x.clone() if is_tensor(x) else x.copy()


def numel(x) -> int:
    """Number of elements of an array or tensor."""
    return x.numel() if is_tensor(x) else x.size

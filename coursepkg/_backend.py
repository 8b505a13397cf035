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


def flip(x, axis: int):
    """``x`` reversed along ``axis`` (``np.flip`` / ``torch.flip``)."""
    if is_tensor(x):
        import torch

        return torch.flip(x, dims=(axis,))
    return np.flip(x, axis=axis)


def as_index(a):
    """Integer indices from a float array or tensor (``int64``), for gathering."""
    return a.long() if is_tensor(a) else a.astype(np.int64)


def generator(rng, like):
    """A random generator of ``like``'s library from ``rng``.

    ``rng`` is a seed, a generator (NumPy for arrays, ``torch.Generator`` for tensors) or
    ``None`` for the library's global generator (seeded by ``seed_everything``). Pass one
    generator for a whole run so that each call draws fresh, reproducible numbers.
    """
    if is_tensor(like):
        import torch

        if rng is None or isinstance(rng, torch.Generator):
            return rng
        return torch.Generator().manual_seed(int(rng))
    if rng is None:
        from .init import global_rng

        return global_rng()
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def uniform(rng, shape, like):
    """Samples of U[0, 1) of ``shape`` in ``like``'s dtype and device (``rng`` from :func:`generator`)."""
    if is_tensor(like):
        import torch

        u = torch.rand(tuple(shape), generator=rng, dtype=like.dtype)
        return u.to(like.device)
    return rng.random(shape).astype(like.dtype, copy=False)


def normal(rng, shape, like):
    """Samples of N(0, 1) of ``shape`` in ``like``'s dtype and device."""
    if is_tensor(like):
        import torch

        z = torch.randn(tuple(shape), generator=rng, dtype=like.dtype)
        return z.to(like.device)
    return rng.standard_normal(shape).astype(like.dtype, copy=False)

"""Weight initialization in PyTorch: the twin of :mod:`coursepkg.init`.

Same names and signatures; returns float64 tensors of shape ``(fan_in, fan_out)``
(``torch.nn.Linear.weight`` is the transpose). ``rng`` is ``None``, a seed or a
``torch.Generator``. The scales are the NumPy module's, written once there.
"""

from __future__ import annotations

import numbers

import torch

from .._validate import check_real
from ..init import _fans, he_bound, he_std, lecun_std, xavier_bound, xavier_std

__all__ = [
    "INITIALIZERS",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "normal",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]


def _generator(rng):
    """``None`` draws from torch's global generator (the one ``seed_everything`` seeds)."""
    if rng is None:
        return None
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return torch.Generator().manual_seed(int(rng))
    if not isinstance(rng, torch.Generator):
        raise TypeError(f"Invalid rng: {rng!r} (expected None, a seed or a torch.Generator)")
    return rng


def _normal(fan_in, fan_out, std, rng):
    out = torch.empty(fan_in, fan_out, dtype=torch.float64)
    return out.normal_(0.0, std, generator=_generator(rng))


def _uniform(fan_in, fan_out, bound, rng):
    out = torch.empty(fan_in, fan_out, dtype=torch.float64)
    return out.uniform_(-bound, bound, generator=_generator(rng))


def zeros(fan_in, fan_out, rng=None):
    fan_in, fan_out = _fans(fan_in, fan_out)
    return torch.zeros(fan_in, fan_out, dtype=torch.float64)


def normal(fan_in, fan_out, std=0.01, rng=None):
    fan_in, fan_out = _fans(fan_in, fan_out)
    s = check_real(std, "std")
    if s < 0:
        raise ValueError(f"Invalid std: {std} (expected std >= 0)")
    return _normal(fan_in, fan_out, s, rng)


def xavier_normal(fan_in, fan_out, gain=1.0, rng=None):
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _normal(fan_in, fan_out, xavier_std(fan_in, fan_out, gain), rng)


def xavier_uniform(fan_in, fan_out, gain=1.0, rng=None):
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _uniform(fan_in, fan_out, xavier_bound(fan_in, fan_out, gain), rng)


def lecun_normal(fan_in, fan_out, rng=None):
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _normal(fan_in, fan_out, lecun_std(fan_in), rng)


def he_normal(fan_in, fan_out, rng=None):
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _normal(fan_in, fan_out, he_std(fan_in), rng)


def he_uniform(fan_in, fan_out, rng=None):
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _uniform(fan_in, fan_out, he_bound(fan_in), rng)


INITIALIZERS = {
    "zeros": zeros,
    "normal": normal,
    "xavier_normal": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "lecun_normal": lecun_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
}

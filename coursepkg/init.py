"""Weight initialization.

Chapter: *Before training: splits, normalization, initialization*
(``book/before-training.ipynb``).

Each initializer returns a weight matrix of shape ``(fan_in, fan_out)``, the shape
:func:`coursepkg.layers.linear_forward` uses (``torch.nn.Linear.weight`` is the
transpose, ``(fan_out, fan_in)``). The distributions, each with the ``torch.nn.init``
function that draws from the same one:

- ``zeros``: 0 (``zeros_``);
- ``normal``: N(0, 0.01^2) (``normal_(std=0.01)``);
- ``xavier_normal``: N(0, 2 / (fan_in + fan_out)) (``xavier_normal_``);
- ``xavier_uniform``: U(-a, a), a = sqrt(6 / (fan_in + fan_out)) (``xavier_uniform_``);
- ``lecun_normal``: N(0, 1 / fan_in) (``kaiming_normal_(nonlinearity="linear")``);
- ``he_normal``: N(0, 2 / fan_in) (``kaiming_normal_(nonlinearity="relu")``);
- ``he_uniform``: U(-a, a), a = sqrt(6 / fan_in) (``kaiming_uniform_(nonlinearity="relu")``).

All keep Var(out) ≈ Var(in) through a layer: Xavier for tanh-like units (averaging
the forward and backward fan), He for ReLU (which zeroes half the inputs, hence the 2).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ._validate import check_real

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


def _fans(fan_in, fan_out):
    for name, value in (("fan_in", fan_in), ("fan_out", fan_out)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"Invalid {name}: {value!r} (expected an integer >= 1)")
    return int(fan_in), int(fan_out)


def global_rng() -> np.random.Generator:
    """A Generator drawn from NumPy's global state, so that ``rng=None`` is reproducible
    after :func:`coursepkg.device.seed_everything` (``default_rng(None)`` would not be)."""
    return np.random.default_rng(np.random.randint(0, 2**31 - 1))  # noqa: NPY002


def _rng(rng):
    if rng is None:
        return global_rng()
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(rng)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"Invalid rng: {rng!r} (expected None, a seed or a numpy Generator)")
    return rng


# The scales, written once; the torch twin uses them too.
def xavier_std(fan_in, fan_out, gain=1.0):
    return check_real(gain, "gain") * math.sqrt(2.0 / (fan_in + fan_out))


def xavier_bound(fan_in, fan_out, gain=1.0):
    return check_real(gain, "gain") * math.sqrt(6.0 / (fan_in + fan_out))


def lecun_std(fan_in):
    return math.sqrt(1.0 / fan_in)


def he_std(fan_in):
    return math.sqrt(2.0 / fan_in)


def he_bound(fan_in):
    return math.sqrt(6.0 / fan_in)


def zeros(fan_in, fan_out, rng=None):
    """All zeros: every hidden unit computes the same thing forever (symmetry is never broken)."""
    fan_in, fan_out = _fans(fan_in, fan_out)
    return np.zeros((fan_in, fan_out))


def normal(fan_in, fan_out, std=0.01, rng=None):
    """N(0, std^2), a fixed small scale: activations shrink layer by layer in deep nets."""
    fan_in, fan_out = _fans(fan_in, fan_out)
    s = check_real(std, "std")
    if s < 0:
        raise ValueError(f"Invalid std: {std} (expected std >= 0)")
    return _rng(rng).normal(0.0, s, size=(fan_in, fan_out))


def xavier_normal(fan_in, fan_out, gain=1.0, rng=None):
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _rng(rng).normal(0.0, xavier_std(fan_in, fan_out, gain), size=(fan_in, fan_out))


def xavier_uniform(fan_in, fan_out, gain=1.0, rng=None):
    fan_in, fan_out = _fans(fan_in, fan_out)
    a = xavier_bound(fan_in, fan_out, gain)
    return _rng(rng).uniform(-a, a, size=(fan_in, fan_out))


def lecun_normal(fan_in, fan_out, rng=None):
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _rng(rng).normal(0.0, lecun_std(fan_in), size=(fan_in, fan_out))


def he_normal(fan_in, fan_out, rng=None):
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _rng(rng).normal(0.0, he_std(fan_in), size=(fan_in, fan_out))


def he_uniform(fan_in, fan_out, rng=None):
    fan_in, fan_out = _fans(fan_in, fan_out)
    a = he_bound(fan_in)
    return _rng(rng).uniform(-a, a, size=(fan_in, fan_out))


#: name -> initializer(fan_in, fan_out, rng=...) with default hyperparameters
INITIALIZERS = {
    "zeros": zeros,
    "normal": normal,
    "xavier_normal": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "lecun_normal": lecun_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
}

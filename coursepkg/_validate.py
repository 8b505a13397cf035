"""Input checks shared by the NumPy and torch implementations.

Every check raises ``ValueError`` (bad value or shape) or ``TypeError`` (bad
type or dtype) with a message that names the offending value, in the wording
``torch.optim`` uses (``"Invalid learning rate: -1"``). Nothing here uses
``assert``: asserts vanish under ``python -O`` and say nothing useful.
"""

from __future__ import annotations

import numbers

import numpy as np


def check_real(value, name: str) -> float:
    """Return ``value`` as a float, or raise ``TypeError`` if it is not a real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        # 0-d arrays and tensors carry a real number too; accept them.
        if getattr(value, "ndim", None) == 0 and getattr(value, "dtype", None) is not None:
            kind = np.dtype(str(value.dtype).replace("torch.", "")).kind
            if kind in "fiu":
                return float(value)
        raise TypeError(
            f"Invalid {name}: {value!r} (expected a real number, got {type(value).__name__})"
        )
    return float(value)


def check_nonnegative(value, name: str) -> float:
    """A real number ``>= 0`` (NaN rejected); message ``"Invalid {name} value: -1"`` as in torch.optim."""
    v = check_real(value, f"{name} value")
    if not v >= 0.0:
        raise ValueError(f"Invalid {name} value: {value}")
    return v


def check_positive(value, name: str) -> float:
    """A real number ``> 0`` (NaN rejected)."""
    v = check_real(value, name)
    if not v > 0.0:
        raise ValueError(f"Invalid {name}: {value} (expected > 0)")
    return v


def check_beta(beta, name: str = "beta") -> float:
    """Decay rate of an exponential moving average: a real number in ``[0, 1)``."""
    b = check_real(beta, f"{name} value")
    if not 0.0 <= b < 1.0:
        raise ValueError(f"Invalid {name} value: {beta} (expected 0 <= {name} < 1)")
    return b


def check_step(t, name: str = "step t") -> int:
    """A 1-based step counter: an integer ``>= 1``."""
    if isinstance(t, bool) or not isinstance(t, numbers.Integral):
        raise TypeError(f"Invalid {name}: {t!r} (expected an integer >= 1)")
    if t < 1:
        raise ValueError(f"Invalid {name}: {t} (steps are counted from 1)")
    return int(t)


def check_window(n, name: str = "window n") -> int:
    """Length of a moving-average window: an integer ``>= 1``."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"Invalid {name}: {n!r} (expected an integer >= 1)")
    if n < 1:
        raise ValueError(f"Invalid {name}: {n} (expected an integer >= 1)")
    return int(n)


def dtype_kind(dtype) -> str:
    """NumPy's one-letter kind ('f', 'i', 'u', 'b', 'c', 'O', ...) for NumPy or torch dtypes."""
    if isinstance(dtype, np.dtype):
        return dtype.kind
    if type(dtype).__module__ == "torch":  # a torch.dtype (no need to import torch here)
        if dtype.is_floating_point:
            return "f"
        if dtype.is_complex:
            return "c"
        if str(dtype) == "torch.bool":
            return "b"
        return "i" if dtype.is_signed else "u"
    return np.dtype(dtype).kind


def check_dtype(x, name: str = "x") -> None:
    """Real numbers only: floating or integer dtype (not bool, complex, object or strings)."""
    if dtype_kind(x.dtype) not in "fiu":
        raise TypeError(
            f"Invalid dtype for {name}: {x.dtype} (expected a real floating or integer dtype)"
        )


def check_series(x, name: str = "x", *, min_ndim: int = 1) -> None:
    """A sequence of observations along axis 0: numeric (int or float), non-empty, ``ndim >= 1``."""
    check_dtype(x, name)
    if x.ndim < min_ndim:
        raise ValueError(
            f"Invalid shape for {name}: {tuple(x.shape)} (expected at least {min_ndim} dimension(s), "
            "time along axis 0)"
        )
    if x.shape[0] == 0:
        raise ValueError(
            f"Invalid {name}: empty input of shape {tuple(x.shape)} (need at least one step)"
        )


def check_same_shape(a, b, names: tuple[str, str]) -> None:
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(
            f"Invalid shape for {names[1]}: {tuple(b.shape)} (expected {tuple(a.shape)}, "
            f"the shape of {names[0]})"
        )

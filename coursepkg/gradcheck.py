"""Gradient checking: trust a hand-written backward pass only after comparing it with
centred finite differences.

Chapter: *Feedforward networks and backpropagation* (``book/backprop.ipynb``).

For a scalar function ``f`` the centred difference

    (f(x + h e_i) - f(x - h e_i)) / (2 h)

has error O(h^2) (the one-sided difference has O(h)). Compare the two gradients with
the relative error ``max|a - n| / max(|a| + |n|)``: in float64 with ``h = 1e-5``, a
correct backward pass gives about 1e-7 or less; 1e-4 or more means a bug.

Works on NumPy arrays and torch tensors (float64 strongly recommended: in float32 the
rounding error of ``f`` divided by ``2h`` swamps the comparison).
"""

from __future__ import annotations

from ._backend import copy, namespace
from ._validate import check_real, dtype_kind

__all__ = ["grad_check", "numerical_gradient", "relative_error"]


def numerical_gradient(f, x, dout=None, h=1e-5):
    """Centred-difference gradient of ``f`` at ``x``.

    Args:
        f: function of ``x``; returns a scalar, or an array when ``dout`` is given.
        x: the point (float array or tensor). It is perturbed in place one entry at a
            time and restored.
        dout: for array-valued ``f``, the upstream gradient; the result is then the
            gradient of ``sum(f(x) * dout)``, which is what ``<layer>_backward(dout, ...)``
            returns.
        h: step size.
    """
    step = check_real(h, "h")
    if step <= 0:
        raise ValueError(f"Invalid h: {h} (expected h > 0)")
    if dtype_kind(x.dtype) != "f":
        raise TypeError(f"Invalid dtype for x: {x.dtype} (expected a floating dtype)")
    scalar = (lambda v: v.item() if hasattr(v, "item") else float(v)) if dout is None else None

    def value(v):
        return scalar(v) if dout is None else (v * dout).sum().item()

    grad = namespace(x).zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.shape[0]):
        old = flat[i].item()
        flat[i] = old + step
        plus = value(f(x))
        flat[i] = old - step
        minus = value(f(x))
        flat[i] = old
        gflat[i] = (plus - minus) / (2 * step)
    return grad


def relative_error(a, b):
    """``max |a - b| / max(|a| + |b|)`` (0 when both are all zeros)."""
    xp = namespace(a)
    num = xp.abs(a - b).max()
    den = (xp.abs(a) + xp.abs(b)).max()
    return float(num / den) if float(den) > 0 else 0.0


def grad_check(f, x, analytic, dout=None, h=1e-5, tol=1e-7):
    """Compare an analytic gradient with :func:`numerical_gradient`.

    Returns ``(ok, error)`` with ``ok = error < tol``. ``x`` is left unchanged.
    """
    before = copy(x)
    numeric = numerical_gradient(f, x, dout=dout, h=h)
    if not bool((x == before).all()):
        raise RuntimeError("numerical_gradient did not restore x")
    error = relative_error(analytic, numeric)
    return error < check_real(tol, "tol"), error

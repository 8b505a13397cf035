"""Two-dimensional test functions and optimizer trajectories on their contour plots.

Chapters: *Momentum and Nesterov*, *Adaptive learning rates*, *Second-order methods*.

A :class:`Surface` bundles ``f``, its gradient and its Hessian. Points are arrays whose
last axis holds the two coordinates ``(x, y)``, so ``f`` evaluates a whole grid at
once (shape ``(..., 2) -> (...)``) for contour plots. The formulas work on NumPy arrays
and torch tensors alike (the twin is :mod:`coursepkg.torch.surfaces`).

* :func:`elongated_quadratic`: ``f = (a x^2 + b y^2) / 2``, condition number ``b / a``;
  the valley in which plain gradient descent zig-zags and momentum does not.
* :func:`rosenbrock`: ``f = (a - x)^2 + b (y - x^2)^2``, a curved valley, minimum ``(a, a^2)``.
* :func:`saddle`: ``f = (x^2 - y^2) / 2``, a saddle point at the origin.

:func:`trajectory` runs any optimizer of :mod:`coursepkg.optim` on a surface;
:func:`plot_trajectories` draws the paths on the contours.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ._backend import namespace
from ._validate import check_positive, check_real

__all__ = [
    "Surface",
    "elongated_quadratic",
    "plot_trajectories",
    "rosenbrock",
    "saddle",
    "trajectory",
]


class Surface(NamedTuple):
    """A test function with its derivatives and a window for plotting."""

    name: str
    f: Any  # (..., 2) -> (...)
    grad: Any  # (..., 2) -> (..., 2)
    hess: Any  # (..., 2) -> (..., 2, 2)
    minimum: tuple | None  # location of the minimum (None for the saddle)
    extent: tuple[float, float, float, float]  # (xmin, xmax, ymin, ymax) for plots


def _xy(w):
    if w.shape[-1] != 2:
        raise ValueError(f"Invalid shape for w: {tuple(w.shape)} (expected (..., 2): x and y last)")
    return w[..., 0], w[..., 1]


def _stack(xp, parts, axis=-1):
    return xp.stack(parts, axis=axis)


def _matrix(xp, a, b, c, d):
    """``[[a, b], [c, d]]`` with any leading shape."""
    return _stack(xp, [_stack(xp, [a, b]), _stack(xp, [c, d])], axis=-2)


def elongated_quadratic(a=1.0, b=10.0) -> Surface:
    """``f(x, y) = (a x^2 + b y^2) / 2``: gradient ``(a x, b y)``, Hessian ``diag(a, b)``.

    Gradient descent converges for ``lr < 2 / max(a, b)``; the best fixed rate
    ``2 / (a + b)`` still shrinks the error only by ``(b - a) / (b + a)`` per step.
    """
    a, b = check_positive(a, "a"), check_positive(b, "b")

    def f(w):
        x, y = _xy(w)
        return (a * x * x + b * y * y) / 2

    def grad(w):
        x, y = _xy(w)
        return _stack(namespace(w), [a * x, b * y])

    def hess(w):
        x, _ = _xy(w)
        xp = namespace(w)
        zero = xp.zeros_like(x)
        return _matrix(xp, zero + a, zero, zero, zero + b)

    rx, ry = 1.2 * np.sqrt(max(a, b) / a), 1.2 * np.sqrt(max(a, b) / b)  # the same level set
    name = f"elongated quadratic (a={a:g}, b={b:g})"
    return Surface(name, f, grad, hess, (0.0, 0.0), (-rx, rx, -ry, ry))


def rosenbrock(a=1.0, b=100.0) -> Surface:
    """``f(x, y) = (a - x)^2 + b (y - x^2)^2``, minimum 0 at ``(a, a^2)`` (``scipy.optimize.rosen``)."""
    a, b = check_real(a, "a"), check_positive(b, "b")

    def f(w):
        x, y = _xy(w)
        return (a - x) ** 2 + b * (y - x * x) ** 2

    def grad(w):
        x, y = _xy(w)
        return _stack(namespace(w), [-2 * (a - x) - 4 * b * x * (y - x * x), 2 * b * (y - x * x)])

    def hess(w):
        x, y = _xy(w)
        off = -4 * b * x
        return _matrix(
            namespace(w), 2 - 4 * b * (y - x * x) + 8 * b * x * x, off, off, 2 * b + 0 * x
        )

    return Surface(
        f"Rosenbrock (a={a:g}, b={b:g})", f, grad, hess, (a, a * a), (-2.0, 2.0, -1.0, 3.0)
    )


def saddle() -> Surface:
    """``f(x, y) = (x^2 - y^2) / 2``: a saddle point (zero gradient, not a minimum) at 0."""

    def f(w):
        x, y = _xy(w)
        return (x * x - y * y) / 2

    def grad(w):
        x, y = _xy(w)
        return _stack(namespace(w), [x, -y])

    def hess(w):
        x, _ = _xy(w)
        xp = namespace(w)
        zero = xp.zeros_like(x)
        return _matrix(xp, zero + 1, zero, zero, zero - 1)

    return Surface("saddle", f, grad, hess, None, (-2.0, 2.0, -2.0, 2.0))


def trajectory(optimizer, surface: Surface, w0, steps: int):
    """Iterates ``w_0, w_1, ..., w_steps`` of an optimizer from :mod:`coursepkg.optim` on ``surface``.

    Returns an array of shape ``(steps + 1, 2)`` (a tensor for a tensor ``w0``). Stops
    early, keeping the rows so far, if an iterate stops being finite (divergence).
    """
    xp = namespace(w0)
    w = w0 * 1.0 if xp is np else w0.clone()
    if tuple(w.shape) != (2,):
        raise ValueError(f"Invalid shape for w0: {tuple(w.shape)} (expected (2,))")
    path = [w]
    state = optimizer.init(w)
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported by stopping
        for _ in range(int(steps)):
            updates, state = optimizer.update(surface.grad(w), state, w)
            w = w + updates
            if not bool(xp.isfinite(w).all()):
                break
            path.append(w)
    return xp.stack(path)


def plot_trajectories(surface: Surface, paths: dict, ax=None, levels=20, log_levels=None, **kwargs):
    """Contours of ``surface`` with one line per ``{label: (T, 2) path}``; returns the axes.

    ``log_levels`` (default: on for Rosenbrock) spaces the contour levels geometrically.
    Extra keyword arguments go to every ``ax.plot`` call.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    x0, x1, y0, y1 = surface.extent
    X, Y = np.meshgrid(np.linspace(x0, x1, 300), np.linspace(y0, y1, 300))
    Z = np.asarray(surface.f(np.stack([X, Y], axis=-1)))
    if log_levels is None:
        log_levels = surface.name.startswith("Rosenbrock")
    if log_levels:
        lv = np.geomspace(max(Z.min(), 1e-3), Z.max(), levels)
    else:
        lv = levels
    ax.contour(X, Y, Z, levels=lv, colors="0.75", linewidths=0.8)
    for label, path in paths.items():
        p = np.asarray(path.detach().cpu() if hasattr(path, "detach") else path)
        ax.plot(p[:, 0], p[:, 1], "o-", ms=2.5, lw=1.2, label=label, **kwargs)
    if surface.minimum is not None:
        ax.plot(*surface.minimum, "k*", ms=10)
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="x", ylabel="y", title=surface.name)
    if paths:
        ax.legend(loc="best", fontsize=8)
    return ax

"""Second-order methods: Taylor expansions, Newton's method and BFGS.

Chapter: *Second-order methods* (``book/second-order.ipynb``).

Newton's method minimizes the second-order Taylor expansion around the current point:

.. math::
    f(x + d) \\approx f(x) + \\nabla f(x)^\\top d + \\tfrac12 d^\\top H(x)\\, d,
    \\qquad d^\\star = -H(x)^{-1} \\nabla f(x),

so it looks for a zero of the *gradient* (a stationary point: minimum, maximum or
saddle), not of ``f``. The step is computed with a linear solve, never an explicit
inverse. It stops when the gradient is small (``||grad|| <= gtol``) or the step is
(``||d|| <= xtol * (1 + ||x||)``); comparing *successive iterates*, not ``x @ x_new``.

BFGS replaces ``H^{-1}`` by an estimate ``B`` built from gradient differences, with the
inverse update ``B <- (I - rho s y^T) B (I - rho y s^T) + rho s s^T`` (``rho = 1/y^T s``),
and a Wolfe line search along ``-B g``; with :func:`scipy_bfgs_line_search` it takes the
same iterates as ``scipy.optimize.minimize(method="BFGS")``. ``taylor*`` and
``newton*`` also work on torch tensors (:mod:`coursepkg.torch.second_order`); for large
problems the production tools are ``torch.optim.LBFGS`` and ``scipy.optimize``.
"""

from __future__ import annotations

import numbers
from typing import Any, NamedTuple

import numpy as np

from ._backend import namespace
from ._validate import check_positive

__all__ = [
    "BFGSResult",
    "NewtonResult",
    "bfgs",
    "newton",
    "newton_step",
    "scipy_bfgs_line_search",
    "taylor1",
    "taylor2",
]


def _vector(x, name="x0"):
    if x.ndim != 1 or x.shape[0] == 0:
        raise ValueError(f"Invalid shape for {name}: {tuple(x.shape)} (expected a 1-D vector)")
    return x


def _max_iter(value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"Invalid max_iter: {value!r} (expected an integer >= 0)")
    return int(value)


def taylor1(f, grad, x0, x):
    """First-order Taylor estimate of ``f(x)`` from ``x0``: ``f(x0) + grad(x0) . (x - x0)``."""
    return f(x0) + grad(x0) @ (x - x0)


def taylor2(f, grad, hess, x0, x):
    """Second-order Taylor estimate: ``taylor1 + (x - x0)^T hess(x0) (x - x0) / 2``.

    Exact for quadratics. (A common mistake evaluates a fixed Hessian instead of the
    ``hess`` it is given.)
    """
    d = x - x0
    return taylor1(f, grad, x0, x) + 0.5 * d @ hess(x0) @ d


def newton_step(grad, hess, x):
    """``x - H(x)^{-1} grad(x)``, by solving ``H d = grad`` (no inverse is formed)."""
    xp = namespace(x)
    return x - xp.linalg.solve(hess(x), grad(x))


class NewtonResult(NamedTuple):
    x: Any  # the last iterate
    path: Any  # (n_iter + 1, n) iterates, x0 first
    n_iter: int  # Newton steps taken
    converged: bool  # a stopping rule was met (not max_iter)
    grad_norm: float  # ||grad(x)|| at the last iterate


def newton(grad, hess, x0, gtol=1e-8, xtol=1e-12, max_iter=50):
    """Newton's method for a stationary point of ``f``, from ``x0``.

    Stops when ``||grad(x)|| <= gtol``, when a step is shorter than ``xtol * (1 + ||x||)``,
    or after ``max_iter`` steps. A singular Hessian ends the run (``converged=False``).
    Pure Newton converges to *any* stationary point; on a saddle it converges to the saddle.
    """
    gtol, xtol, max_iter = (
        check_positive(gtol, "gtol"),
        check_positive(xtol, "xtol"),
        _max_iter(max_iter),
    )
    x0 = _vector(x0)
    xp = namespace(x0)
    x = x0 * 1.0
    path = [x]
    converged = False
    for _ in range(max_iter):
        g = grad(x)
        if float(xp.linalg.norm(g)) <= gtol:
            converged = True
            break
        try:
            x_new = x - xp.linalg.solve(hess(x), g)
        except (np.linalg.LinAlgError, RuntimeError):  # singular Hessian (NumPy / torch)
            break
        step = float(xp.linalg.norm(x_new - x))
        x = x_new
        path.append(x)
        if step <= xtol * (1.0 + float(xp.linalg.norm(x))):
            converged = True
            break
    else:
        converged = float(xp.linalg.norm(grad(x))) <= gtol
    return NewtonResult(x, xp.stack(path), len(path) - 1, converged, float(xp.linalg.norm(grad(x))))


class BFGSResult(NamedTuple):
    x: np.ndarray  # the last iterate
    path: np.ndarray  # (n_iter + 1, n) iterates, x0 first
    n_iter: int  # iterations (line searches) done
    converged: bool  # ||grad||_inf <= gtol
    inv_hessian: np.ndarray  # the final estimate B of H^{-1}


def _scipy_wolfe(f, grad, x, p, g, f_x, f_prev):
    """Strong-Wolfe line search of ``scipy.optimize.line_search`` (c1 = 1e-4, c2 = 0.9)."""
    from scipy.optimize import line_search

    return line_search(f, grad, x, p, g, f_x, f_prev, c1=1e-4, c2=0.9)


def scipy_bfgs_line_search(f, grad, x, p, g, f_x, f_prev):
    """The line search inside ``scipy.optimize.minimize(method="BFGS")``.

    MINPACK's ``dcsrch`` (``line_search_wolfe1``), falling back to ``line_search_wolfe2``.
    SciPy keeps it private (``scipy.optimize._optimize._line_search_wolfe12``); passing it
    to :func:`bfgs` reproduces ``minimize``'s iterates. Returns ``alpha=None`` where SciPy
    gives up. If a SciPy release moves the function, this raises ``ImportError`` naming it
    (the course's tests then fail loudly instead of comparing different line searches).
    """
    try:
        from scipy.optimize._optimize import _line_search_wolfe12, _LineSearchError
    except ImportError as err:  # pragma: no cover - depends on the SciPy release
        raise ImportError(
            "scipy.optimize._optimize._line_search_wolfe12 is gone from this SciPy release; "
            "use bfgs()'s default line search (scipy.optimize.line_search) instead"
        ) from err
    try:
        return _line_search_wolfe12(
            f, grad, x, p, g, f_x, f_prev, amin=1e-100, amax=1e100, c1=1e-4, c2=0.9
        )
    except _LineSearchError:
        return (None,) * 6


def bfgs(f, grad, x0, gtol=1e-5, max_iter=None, line_search=None):
    """BFGS with the inverse-Hessian update, ``B_0 = I``, as ``scipy.optimize.minimize``'s.

    ``line_search(f, grad, x, p, g, f_x, f_prev)`` returns scipy's tuple
    ``(alpha, n_f, n_g, f_new, f_x, g_new)`` (``alpha=None`` when it fails); the default
    is the public ``scipy.optimize.line_search``; with :func:`scipy_bfgs_line_search` the
    iterates are those of ``scipy.optimize.minimize(method="BFGS")``. The first trial step is sized from ``f_prev``,
    which starts at ``f(x0) + ||g0|| / 2`` (scipy's choice, a first move of length about 1).
    Stops when ``max |grad| <= gtol`` or after ``max_iter`` (default ``200 * n``) iterations.
    """
    x = _vector(np.asarray(x0, dtype=np.float64))
    gtol = check_positive(gtol, "gtol")
    max_iter = 200 * x.size if max_iter is None else _max_iter(max_iter)
    search = line_search or _scipy_wolfe
    n = x.size
    eye = np.eye(n)
    B = eye.copy()
    f_x, g = float(f(x)), np.asarray(grad(x), dtype=np.float64)
    f_prev = f_x + np.linalg.norm(g) / 2
    path = [x]
    k = 0
    while np.abs(g).max() > gtol and k < max_iter:
        p = -B @ g  # the quasi-Newton direction
        alpha, _, _, f_new, f_prev, g_new = search(f, grad, x, p, g, f_x, f_prev)
        if alpha is None:
            break  # no step satisfies the Wolfe conditions: precision is exhausted
        s = alpha * p
        x = x + s
        path.append(x)
        g_new = np.asarray(grad(x) if g_new is None else g_new, dtype=np.float64)
        y = g_new - g
        g, f_x = g_new, f_new
        k += 1
        if np.abs(g).max() <= gtol:
            break
        ys = y @ s
        rho = 1000.0 if ys == 0 else 1.0 / ys  # scipy's guard against division by zero
        A1 = eye - rho * np.outer(s, y)
        A2 = eye - rho * np.outer(y, s)
        B = A1 @ B @ A2 + rho * np.outer(s, s)
    return BFGSResult(x, np.stack(path), k, bool(np.abs(g).max() <= gtol), B)

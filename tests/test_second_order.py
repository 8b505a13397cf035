"""coursepkg.second_order and coursepkg.surfaces: derivatives vs autograd, finite differences
and SciPy; Newton's method; BFGS iterates vs scipy.optimize.minimize(method="BFGS")."""

import numpy as np
import pytest
import scipy.optimize
import torch

from coursepkg import optim, second_order, surfaces
from coursepkg.gradcheck import numerical_gradient, relative_error
from coursepkg.torch import second_order as tsecond
from coursepkg.torch import surfaces as tsurfaces
from tests.conftest import devices

SURFACES = {
    "quadratic": surfaces.elongated_quadratic(1.0, 25.0),
    "rosenbrock": surfaces.rosenbrock(),
    "rosenbrock-2-50": surfaces.rosenbrock(2.0, 50.0),
    "saddle": surfaces.saddle(),
}
POINTS = np.array([[-1.2, 1.0], [0.3, -0.7], [1.5, 2.0], [0.0, 0.0]])


# ---- derivatives of the test functions --------------------------------------------------
@pytest.mark.parametrize("name", SURFACES)
def test_gradient_and_hessian_pass_a_gradient_check(name):
    s = SURFACES[name]
    for w in POINTS:
        num = numerical_gradient(lambda x: s.f(x), w.copy())
        assert relative_error(s.grad(w), num) < 1e-8 or np.abs(num).max() < 1e-9
        for i in range(2):
            num_h = numerical_gradient(lambda x, i=i: s.grad(x)[i], w.copy())
            np.testing.assert_allclose(s.hess(w)[i], num_h, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("name", SURFACES)
def test_derivatives_match_autograd(name, device):
    s = SURFACES[name]
    for w in POINTS:
        wt = torch.tensor(w, device=device, requires_grad=True)
        s.f(wt).backward()
        torch.testing.assert_close(s.grad(wt.detach()), wt.grad)
        hess = torch.autograd.functional.hessian(s.f, wt.detach())
        torch.testing.assert_close(s.hess(wt.detach()), hess)


def test_rosenbrock_matches_scipy():
    s = surfaces.rosenbrock()
    for w in POINTS:
        assert s.f(w) == pytest.approx(scipy.optimize.rosen(w))
        np.testing.assert_allclose(s.grad(w), scipy.optimize.rosen_der(w))
        np.testing.assert_allclose(s.hess(w), scipy.optimize.rosen_hess(w))


def test_surfaces_evaluate_whole_grids():
    s = surfaces.rosenbrock()
    X, Y = np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-1, 3, 4))
    Z = s.f(np.stack([X, Y], axis=-1))
    assert Z.shape == (4, 5)
    assert Z[0, 0] == pytest.approx(scipy.optimize.rosen(np.array([-2.0, -1.0])))
    assert s.hess(np.stack([X, Y], axis=-1)).shape == (4, 5, 2, 2)


def test_trajectory_runs_an_optimizer_and_stops_on_divergence():
    q = surfaces.elongated_quadratic(1.0, 10.0)
    path = surfaces.trajectory(optim.sgd(lr=0.05), q, np.array([3.0, 1.0]), 50)
    assert path.shape == (51, 2)
    np.testing.assert_allclose(path[1], [3.0 - 0.05 * 3.0, 1.0 - 0.05 * 10.0])
    blown = surfaces.trajectory(optim.sgd(lr=0.5), q, np.array([3.0, 1.0]), 5000)
    assert len(blown) < 5001 and np.isfinite(blown).all()  # stopped before inf/NaN
    with pytest.raises(ValueError, match=r"Invalid shape for w0: \(3,\)"):
        surfaces.trajectory(optim.sgd(), q, np.zeros(3), 5)


@pytest.mark.parametrize("device", devices())
def test_torch_trajectory_matches_numpy(device):
    q = surfaces.elongated_quadratic(1.0, 10.0)
    from coursepkg.torch import optim as topt

    a = surfaces.trajectory(optim.adam(lr=0.1), q, np.array([3.0, 1.0]), 40)
    b = tsurfaces.trajectory(
        topt.adam(lr=0.1), q, torch.tensor([3.0, 1.0], dtype=torch.float64, device=device), 40
    )
    np.testing.assert_allclose(a, b.cpu().numpy(), rtol=1e-12)
    with pytest.raises(TypeError, match="expected a torch.Tensor"):
        tsurfaces.trajectory(topt.adam(), q, np.array([3.0, 1.0]), 3)


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda: surfaces.elongated_quadratic(0.0, 1.0), "Invalid a: 0.0"),
        (lambda: surfaces.rosenbrock(b=-1), "Invalid b: -1"),
        (lambda: surfaces.saddle().f(np.zeros(3)), r"Invalid shape for w: \(3,\)"),
    ],
)
def test_invalid_surfaces(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---- Taylor expansions and Newton's method -----------------------------------------------
def quad_f(x):
    return 5 + np.sum(3 * x**2)


def test_taylor_expansions_reproduce_the_worked_example():
    x0, x = np.array([2.0, 3.0]), np.array([3.0, 4.0])
    lin = (lambda x: 5 + np.sum(3 * x), lambda x: 0 * x + 3)
    assert lin[0](x0) == 20
    assert second_order.taylor1(*lin, x0, x) == pytest.approx(26.0) == lin[0](x)
    grad, hess = (lambda x: 6 * x), (lambda x: 6 * np.eye(2))
    assert quad_f(x0) == 44 and quad_f(x) == 80
    assert second_order.taylor1(quad_f, grad, x0, x) == pytest.approx(74.0)
    assert second_order.taylor2(quad_f, grad, hess, x0, x) == pytest.approx(80.0)


def test_newton_takes_one_step_on_a_positive_definite_quadratic():
    res = second_order.newton(lambda x: 6 * x, lambda x: 6 * np.eye(2), np.array([5.0, 3.0]))
    assert res.n_iter == 1 and res.converged
    np.testing.assert_allclose(res.x, [0.0, 0.0], atol=1e-15)
    q = surfaces.elongated_quadratic(1.0, 100.0)
    np.testing.assert_allclose(second_order.newton_step(q.grad, q.hess, np.array([3.0, 1.0])), 0)


def test_newton_converges_quadratically_on_rosenbrock():
    r = surfaces.rosenbrock()
    res = second_order.newton(r.grad, r.hess, np.array([-1.2, 1.0]), gtol=1e-10)
    assert res.converged and res.n_iter <= 8
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-10)
    errors = np.linalg.norm(res.path - 1.0, axis=1)
    # the last steps: the error is squared (up to a constant) at each step
    assert errors[-2] < 1e-5 and errors[-1] <= 10 * errors[-2] ** 2 + 1e-15


def test_newton_is_attracted_to_a_saddle_and_stops_on_a_singular_hessian():
    s = surfaces.saddle()
    res = second_order.newton(s.grad, s.hess, np.array([1.0, 1.0]))
    np.testing.assert_allclose(res.x, [0.0, 0.0])  # a stationary point, not a minimum
    flat = second_order.newton(lambda x: x * 0 + 1.0, lambda x: np.zeros((2, 2)), np.ones(2))
    assert not flat.converged and flat.n_iter == 0


@pytest.mark.parametrize("device", devices())
def test_torch_newton_matches_numpy(device):
    r = surfaces.rosenbrock()
    a = second_order.newton(r.grad, r.hess, np.array([-1.2, 1.0]))
    b = tsecond.newton(
        r.grad, r.hess, torch.tensor([-1.2, 1.0], dtype=torch.float64, device=device)
    )
    assert a.n_iter == b.n_iter
    np.testing.assert_allclose(a.path, b.path.cpu().numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "call,message",
    [
        (
            lambda: second_order.newton(None, None, np.zeros((2, 2))),
            r"Invalid shape for x0: \(2, 2\)",
        ),
        (lambda: second_order.newton(None, None, np.zeros(2), gtol=0), "Invalid gtol: 0"),
        (lambda: second_order.newton(None, None, np.zeros(2), max_iter=-1), "Invalid max_iter: -1"),
        (lambda: second_order.bfgs(None, None, np.zeros(2), gtol=-1), "Invalid gtol: -1"),
    ],
)
def test_invalid_newton_and_bfgs_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---- BFGS ---------------------------------------------------------------------------------
def _scipy_bfgs_path(f, grad, x0):
    path = [x0]
    res = scipy.optimize.minimize(
        f, x0, jac=grad, method="BFGS", callback=lambda xk: path.append(np.copy(xk))
    )
    return res, np.array(path)


@pytest.mark.parametrize("x0", [[-1.2, 1.0], [2.0, -1.0], [0.0, 0.0]])
def test_bfgs_iterates_equal_scipys_with_the_same_line_search(x0):
    r = surfaces.rosenbrock()
    f, grad, x0 = (lambda w: float(r.f(w))), r.grad, np.array(x0)
    res, ref = _scipy_bfgs_path(f, grad, x0)
    ours = second_order.bfgs(f, grad, x0, line_search=second_order.scipy_bfgs_line_search)
    assert ours.n_iter == res.nit and ours.converged == res.success
    np.testing.assert_allclose(ours.path, ref, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.inv_hessian, res.hess_inv, rtol=1e-4, atol=1e-6)


def test_bfgs_with_the_public_line_search_converges_on_rosenbrock():
    r = surfaces.rosenbrock()
    ours = second_order.bfgs(lambda w: float(r.f(w)), r.grad, np.array([-1.2, 1.0]))
    assert ours.converged and ours.n_iter < 60
    np.testing.assert_allclose(ours.x, [1.0, 1.0], atol=1e-5)
    # the inverse-Hessian estimate ends close to the true inverse Hessian at the minimum
    true_inv = np.linalg.inv(r.hess(np.array([1.0, 1.0])))
    assert np.abs(ours.inv_hessian - true_inv).max() < 0.1 * np.abs(true_inv).max()


def test_bfgs_satisfies_the_secant_condition_on_a_quadratic():
    """B y = s for the last pair B was updated with (the step that met gtol does not update B).
    Finite termination in n steps would need exact line searches."""
    A = np.array([[3.0, 1.0, 0.0], [1.0, 4.0, 0.5], [0.0, 0.5, 2.0]])
    f, grad = (lambda x: 0.5 * x @ A @ x), (lambda x: A @ x)
    res = second_order.bfgs(f, grad, np.array([1.0, -2.0, 3.0]), gtol=1e-10)
    assert res.converged and res.n_iter <= 15
    s = res.path[-2] - res.path[-3]
    y = grad(res.path[-2]) - grad(res.path[-3])
    np.testing.assert_allclose(res.inv_hessian @ y, s, rtol=1e-6, atol=1e-12)

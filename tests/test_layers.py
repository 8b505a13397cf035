"""coursepkg.layers and its torch twin: gradient checks in float64, forward and backward
against torch.nn.functional and autograd, numerical stability, and input errors."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from coursepkg import layers as L
from coursepkg.gradcheck import grad_check
from coursepkg.torch import layers as TL
from tests.conftest import devices

# name -> (torch reference, extra forward args)
ACTIVATION_REFS = {
    "identity": (lambda x: x, ()),
    "relu": (F.relu, ()),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.01), ()),
    "abs": (torch.abs, ()),
    "tanh": (torch.tanh, ()),
    "sigmoid": (torch.sigmoid, ()),
    "softplus": (F.softplus, ()),
}


def _x(rng, shape=(6, 5)):
    x = rng.normal(size=shape)
    x[np.abs(x) < 1e-3] = 0.5  # keep finite differences away from the kinks at 0
    return x


@pytest.mark.parametrize("name", sorted(L.ACTIVATIONS))
def test_activation_backward_passes_a_gradient_check(name, rng):
    forward, backward = L.ACTIVATIONS[name]
    x = _x(rng)
    dout = rng.normal(size=x.shape)
    _, cache = forward(x)
    ok, err = grad_check(lambda v: forward(v)[0], x, backward(dout, cache), dout=dout)
    assert ok, err


@pytest.mark.parametrize("name", sorted(L.ACTIVATIONS))
def test_activation_matches_torch_autograd(name, rng):
    forward, backward = L.ACTIVATIONS[name]
    ref, _ = ACTIVATION_REFS[name]
    x = _x(rng)
    dout = rng.normal(size=x.shape)
    out, cache = forward(x)
    xt = torch.tensor(x, requires_grad=True)
    yt = ref(xt)
    yt.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, yt.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(backward(dout, cache), xt.grad.numpy(), rtol=1e-12, atol=1e-14)


def test_relu_derivative_at_zero_is_zero_like_torch():
    x = np.array([[-1.0, 0.0, 2.0]])
    _, cache = L.relu_forward(x)
    np.testing.assert_array_equal(L.relu_backward(np.ones_like(x), cache), [[0.0, 0.0, 1.0]])


def test_linear_matches_torch_linear(rng):
    x, w, b = rng.normal(size=(7, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    dout = rng.normal(size=(7, 3))
    out, cache = L.linear_forward(x, w, b)
    dx, dw, db = L.linear_backward(dout, cache)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    yt = F.linear(xt, wt.T, bt)  # torch.nn.Linear stores weight as (out, in) = w.T
    yt.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, yt.detach().numpy(), rtol=1e-12)
    for ours, theirs in ((dx, xt), (dw, wt), (db, bt)):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), rtol=1e-12, atol=1e-14)
    for arg, ours in ((x, dx), (w, dw), (b, db)):
        f = {
            id(x): lambda v: L.linear_forward(v, w, b)[0],
            id(w): lambda v: L.linear_forward(x, v, b)[0],
            id(b): lambda v: L.linear_forward(x, w, v)[0],
        }[id(arg)]
        ok, err = grad_check(f, arg, ours, dout=dout)
        assert ok, err


@pytest.mark.parametrize("alpha_shape", [(), (1,), (5,)])
def test_prelu_matches_torch(alpha_shape, rng):
    x = _x(rng)
    alpha = np.full(alpha_shape, 0.25) + (
        rng.uniform(0, 0.1, size=alpha_shape) if alpha_shape else 0
    )
    alpha = np.asarray(alpha, dtype=float)
    dout = rng.normal(size=x.shape)
    out, cache = L.prelu_forward(x, alpha)
    dx, dalpha = L.prelu_backward(dout, cache)
    xt, at = torch.tensor(x, requires_grad=True), torch.tensor(alpha, requires_grad=True)
    yt = F.prelu(xt, at.reshape(-1) if at.ndim else at.reshape(1))
    yt.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, yt.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(dalpha, at.grad.numpy(), rtol=1e-12)
    ok, err = grad_check(lambda a: L.prelu_forward(x, a)[0], alpha, dalpha, dout=dout)
    assert ok, err


def test_softmax_seed_example():
    z = np.array([2.0, 5.0, -1.0, 3.0])
    p = L.softmax(z)
    np.testing.assert_allclose(p, torch.softmax(torch.tensor(z), 0).numpy(), rtol=1e-14)
    np.testing.assert_allclose(p, [0.04192238, 0.84203357, 0.00208719, 0.11395685], atol=1e-8)
    assert p.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("scale", [1.0, 1e4])
def test_softmax_cross_entropy_matches_torch_and_is_stable(scale, rng):
    z = rng.normal(size=(8, 5)) * scale
    y = rng.integers(0, 5, size=8)
    loss, dz = L.softmax_cross_entropy(z, y)
    zt = torch.tensor(z, requires_grad=True)
    lt = F.cross_entropy(zt, torch.tensor(y))
    lt.backward()
    assert np.isfinite(loss) and np.isfinite(dz).all()
    assert loss == pytest.approx(lt.item(), rel=1e-12)
    np.testing.assert_allclose(dz, zt.grad.numpy(), rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(
        L.log_softmax(z), F.log_softmax(torch.tensor(z), 1).numpy(), rtol=1e-12
    )
    if scale == 1.0:
        ok, err = grad_check(lambda v: L.softmax_cross_entropy(v, y)[0], z, dz)
        assert ok, err


def test_dz_is_a_minus_y():
    z = np.array([[2.0, 5.0, -1.0, 3.0]])
    _, dz = L.softmax_cross_entropy(z, np.array([1]))
    np.testing.assert_allclose(dz, L.softmax(z) - np.array([[0, 1, 0, 0]]))


@pytest.mark.parametrize("scale", [1.0, 1e4])
def test_sigmoid_cross_entropy_matches_torch(scale, rng):
    z = rng.normal(size=(6, 2)) * scale
    y = rng.integers(0, 2, size=(6, 2)).astype(float)
    loss, dz = L.sigmoid_cross_entropy(z, y)
    zt = torch.tensor(z, requires_grad=True)
    lt = F.binary_cross_entropy_with_logits(zt, torch.tensor(y))
    lt.backward()
    assert loss == pytest.approx(lt.item(), rel=1e-12)
    np.testing.assert_allclose(dz, zt.grad.numpy(), rtol=1e-10, atol=1e-15)
    assert np.isfinite(L.sigmoid(np.array([-1e4, 1e4]))).all()


def test_mse_matches_torch(rng):
    p, t = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    loss, dp = L.mse_loss(p, t)
    pt = torch.tensor(p, requires_grad=True)
    lt = F.mse_loss(pt, torch.tensor(t))
    lt.backward()
    assert loss == pytest.approx(lt.item(), rel=1e-13)
    np.testing.assert_allclose(dp, pt.grad.numpy(), rtol=1e-12)


# ---- the torch twin -------------------------------------------------------------------
@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("name", sorted(L.ACTIVATIONS))
def test_torch_twin_matches_numpy(device, name, rng):
    x = _x(rng)
    dout = rng.normal(size=x.shape)
    fwd, bwd = L.ACTIVATIONS[name]
    tfwd, tbwd = TL.ACTIVATIONS[name]
    out, cache = fwd(x)
    tout, tcache = tfwd(torch.tensor(x, device=device))
    assert tout.device.type == device
    np.testing.assert_allclose(tout.cpu().numpy(), out, rtol=1e-12)
    tdx = tbwd(torch.tensor(dout, device=device), tcache)
    np.testing.assert_allclose(tdx.cpu().numpy(), bwd(dout, cache), rtol=1e-12)


@pytest.mark.parametrize("device", devices())
def test_torch_twin_losses_match_numpy(device, rng):
    z, y = rng.normal(size=(8, 4)), rng.integers(0, 4, size=8)
    loss, dz = L.softmax_cross_entropy(z, y)
    tloss, tdz = TL.softmax_cross_entropy(
        torch.tensor(z, device=device), torch.tensor(y, device=device)
    )
    assert tloss.item() == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(tdz.cpu().numpy(), dz, rtol=1e-12)
    x, w, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=2)
    tout, _ = TL.linear_forward(*(torch.tensor(a, device=device) for a in (x, w, b)))
    np.testing.assert_allclose(tout.cpu().numpy(), L.linear_forward(x, w, b)[0], rtol=1e-12)


def test_torch_twin_rejects_numpy_input():
    with pytest.raises(
        TypeError, match="Invalid input to coursepkg.torch.layers.relu_forward: ndarray"
    ):
        TL.relu_forward(np.ones(3))


# ---- invalid input --------------------------------------------------------------------
def test_errors_name_the_bad_value():
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match=r"Invalid shape for w: \(4, 2\) \(expected \(3, M\)"):
        L.linear_forward(x, np.ones((4, 2)), np.ones(2))
    with pytest.raises(ValueError, match=r"Invalid shape for b: \(3,\) \(expected \(2,\)\)"):
        L.linear_forward(x, np.ones((3, 2)), np.ones(3))
    with pytest.raises(ValueError, match=r"Invalid shape for x: \(3,\)"):
        L.linear_forward(np.ones(3), np.ones((3, 2)), np.ones(2))
    with pytest.raises(TypeError, match="Invalid dtype for x: int64"):
        L.relu_forward(np.ones(3, dtype=np.int64))
    with pytest.raises(ValueError, match="Invalid label in y: 4 .expected 0 <= y < 4"):
        L.softmax_cross_entropy(np.zeros((2, 4)), np.array([0, 4]))
    with pytest.raises(TypeError, match="Invalid dtype for y: float64"):
        L.softmax_cross_entropy(np.zeros((2, 4)), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="Invalid alpha: -0.1"):
        L.leaky_relu_forward(x, alpha=-0.1)
    with pytest.raises(ValueError, match=r"Invalid shape for target: \(3,\)"):
        L.mse_loss(np.ones(2), np.ones(3))

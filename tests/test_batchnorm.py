"""coursepkg.batchnorm and its torch twin against torch.nn.BatchNorm1d/2d and autograd, in
float64: forward, backward (both derivations), running statistics over several steps (and
the two conventions that differ: momentum = 1 - decay, unbiased running variance),
evaluation mode, a constant feature, gradient checks, and input errors."""

import numpy as np
import pytest
import torch

from coursepkg import batchnorm as B
from coursepkg.gradcheck import grad_check
from coursepkg.mlp import MLP
from coursepkg.torch import batchnorm as TB
from coursepkg.torch.mlp import MLP as TorchMLP
from tests.conftest import devices

SHAPES = [(16, 5), (6, 3, 4, 4)]


def _inputs(rng, shape):
    x = rng.normal(2.0, 3.0, size=shape)
    c = shape[1]
    return x, rng.normal(1.0, 0.5, size=c), rng.normal(size=c), rng.normal(size=shape)


def _torch_bn(shape, momentum=0.1):
    cls = torch.nn.BatchNorm1d if len(shape) == 2 else torch.nn.BatchNorm2d
    return cls(shape[1], momentum=momentum, dtype=torch.float64)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("backward", [B.batchnorm_backward, B.batchnorm_backward_graph])
def test_forward_and_backward_match_torch_batchnorm(rng, shape, backward):
    x, gamma, beta, dout = _inputs(rng, shape)
    out, cache = B.batchnorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = backward(dout, cache)
    bn = _torch_bn(shape)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor(gamma))
        bn.bias.copy_(torch.tensor(beta))
    xt = torch.tensor(x, requires_grad=True)
    yt = bn(xt)
    yt.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dgamma, bn.weight.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dbeta, bn.bias.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
def test_both_derivations_agree_and_pass_a_gradient_check(rng, shape):
    x, gamma, beta, dout = _inputs(rng, shape)
    _, cache = B.batchnorm_forward(x, gamma, beta)
    closed = B.batchnorm_backward(dout, cache)
    graph = B.batchnorm_backward_graph(dout, cache)
    for a, b in zip(closed, graph, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    dx, dgamma, dbeta = closed
    for arg, grad, f in (
        (x, dx, lambda v: B.batchnorm_forward(v, gamma, beta)[0]),
        (gamma, dgamma, lambda v: B.batchnorm_forward(x, v, beta)[0]),
        (beta, dbeta, lambda v: B.batchnorm_forward(x, gamma, v)[0]),
    ):
        ok, err = grad_check(f, arg.copy(), grad, dout=dout)
        assert ok, err


def test_eval_backward_passes_a_gradient_check(rng):
    x, gamma, beta, dout = _inputs(rng, (8, 4))
    mean, var = rng.normal(size=4), rng.uniform(0.5, 2.0, size=4)
    _, cache = B.batchnorm_eval_forward(x, gamma, beta, mean, var)
    dx, dgamma, dbeta = B.batchnorm_eval_backward(dout, cache)
    for arg, grad, f in (
        (x, dx, lambda v: B.batchnorm_eval_forward(v, gamma, beta, mean, var)[0]),
        (gamma, dgamma, lambda v: B.batchnorm_eval_forward(x, v, beta, mean, var)[0]),
        (beta, dbeta, lambda v: B.batchnorm_eval_forward(x, gamma, v, mean, var)[0]),
    ):
        ok, err = grad_check(f, arg.copy(), grad, dout=dout)
        assert ok, err


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("decay", [0.9, 0.5])
def test_running_statistics_and_eval_mode_match_torch_over_several_steps(rng, shape, decay):
    _, gamma, beta, _ = _inputs(rng, shape)
    bn = _torch_bn(shape, momentum=1.0 - decay)  # torch's momentum is 1 - decay
    with torch.no_grad():
        bn.weight.copy_(torch.tensor(gamma))
        bn.bias.copy_(torch.tensor(beta))
    stats = B.init_running_stats(shape[1])
    for _ in range(5):
        x = rng.normal(1.0, 2.0, size=shape)
        _, cache = B.batchnorm_forward(x, gamma, beta)
        stats = B.update_running_stats(stats, cache, decay=decay)
        bn(torch.tensor(x))
    np.testing.assert_allclose(stats.mean, bn.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(stats.var, bn.running_var.numpy(), rtol=1e-12)
    assert stats.t == int(bn.num_batches_tracked) == 5
    x = rng.normal(size=shape)
    out, _ = B.batchnorm_eval_forward(x, gamma, beta, stats.mean, stats.var)
    bn.eval()
    np.testing.assert_allclose(out, bn(torch.tensor(x)).detach().numpy(), rtol=1e-12, atol=1e-12)


def test_biased_running_variance_differs_from_torch_by_m_over_m_minus_1(rng):
    """The convention difference, pinned: torch stores m/(m-1) * sigma^2."""
    x, gamma, beta, _ = _inputs(rng, (10, 3))
    _, cache = B.batchnorm_forward(x, gamma, beta)
    s0 = B.init_running_stats(3)
    biased = B.update_running_stats(s0, cache, decay=0.0, unbiased=False)
    unbiased = B.update_running_stats(s0, cache, decay=0.0, unbiased=True)
    np.testing.assert_allclose(biased.var, x.var(axis=0), rtol=1e-12)
    np.testing.assert_allclose(unbiased.var, x.var(axis=0, ddof=1), rtol=1e-12)
    np.testing.assert_allclose(unbiased.var / biased.var, 10 / 9, rtol=1e-12)


@pytest.mark.parametrize("device", devices())
def test_torch_twin_functions_and_module_match_torch(rng, device):
    x, gamma, beta, dout = _inputs(rng, (12, 4))
    t = [torch.tensor(a, device=device) for a in (x, gamma, beta, dout)]
    out, cache = TB.batchnorm_forward(t[0], t[1], t[2])
    dx, dgamma, dbeta = TB.batchnorm_backward(t[3], cache)
    ref_out, ref_cache = B.batchnorm_forward(x, gamma, beta)
    ref = B.batchnorm_backward(dout, ref_cache)
    np.testing.assert_allclose(out.cpu().numpy(), ref_out, rtol=1e-12, atol=1e-12)
    for a, b in zip((dx, dgamma, dbeta), ref, strict=True):
        np.testing.assert_allclose(a.cpu().numpy(), b, rtol=1e-10, atol=1e-12)

    like = torch.zeros(0, dtype=torch.float64, device=device)
    ours = TB.BatchNorm(4, decay=0.8, like=like)
    theirs = torch.nn.BatchNorm1d(4, momentum=0.2, dtype=torch.float64, device=device)
    for _ in range(4):
        xb = torch.tensor(rng.normal(3.0, 2.0, size=(12, 4)), device=device)
        a, b = ours(xb), theirs(xb)
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)
        a.square().sum().backward()
        b.square().sum().backward()
    torch.testing.assert_close(ours.running_mean, theirs.running_mean, rtol=1e-12, atol=0)
    torch.testing.assert_close(ours.running_var, theirs.running_var, rtol=1e-12, atol=0)
    torch.testing.assert_close(ours.gamma.grad, theirs.weight.grad, rtol=1e-9, atol=1e-12)
    ours.eval()
    theirs.eval()
    torch.testing.assert_close(ours(xb), theirs(xb), rtol=1e-12, atol=1e-12)


def test_numpy_layer_object_tracks_statistics_and_switches_mode(rng):
    layer = B.BatchNorm(3, decay=0.9)
    x = rng.normal(5.0, 2.0, size=(20, 3))
    out = layer.forward(x, training=True)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    assert layer.stats.t == 1
    np.testing.assert_allclose(layer.stats.mean, 0.1 * x.mean(axis=0), rtol=1e-12)
    single = layer.forward(x[:1], training=False)  # eval mode works for one example
    assert single.shape == (1, 3) and layer.stats.t == 1
    dx, dgamma, dbeta = layer.backward(np.ones((1, 3)))
    assert dx.shape == (1, 3)


def test_constant_feature_stays_finite(rng):
    x = rng.normal(size=(8, 3))
    x[:, 1] = 4.0  # variance 0
    gamma, beta = np.array([1.0, 2.0, 1.0]), np.array([0.0, 0.5, 0.0])
    out, cache = B.batchnorm_forward(x, gamma, beta)
    grads = B.batchnorm_backward(rng.normal(size=x.shape), cache)
    assert np.isfinite(out).all() and all(np.isfinite(g).all() for g in grads)
    np.testing.assert_allclose(out[:, 1], 0.5)  # x_hat = 0, so out = beta


def test_layer_bias_is_redundant_before_batchnorm(rng):
    """Adding a constant to every example (a bias) changes nothing after normalization."""
    x, gamma, beta, _ = _inputs(rng, (9, 4))
    a, _ = B.batchnorm_forward(x, gamma, beta)
    b, _ = B.batchnorm_forward(x + rng.normal(size=4), gamma, beta)
    np.testing.assert_allclose(a, b, atol=1e-12)


def test_gamma_and_beta_can_undo_the_normalization(rng):
    x = rng.normal(3.0, 2.0, size=(50, 2))
    _, cache = B.batchnorm_forward(x, np.ones(2), np.zeros(2), eps=1e-12)
    out, _ = B.batchnorm_forward(x, np.sqrt(cache["var"] + 1e-12), cache["mu"], eps=1e-12)
    np.testing.assert_allclose(out, x, rtol=1e-10)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"x": np.ones((1, 3))}, ValueError, r"more than 1 value per feature.*\(1, 3\)"),
        ({"x": np.ones((2, 3, 4))}, ValueError, r"Invalid shape for x: \(2, 3, 4\)"),
        ({"gamma": np.ones(4)}, ValueError, r"Invalid shape for gamma: \(4,\)"),
        ({"x": np.ones((4, 3), dtype=int)}, TypeError, "Invalid dtype for x: int64"),
        ({"eps": -1.0}, ValueError, "Invalid eps: -1.0"),
    ],
)
def test_invalid_inputs_raise_clear_errors(kwargs, error, match):
    args = {"x": np.ones((4, 3)), "gamma": np.ones(3), "beta": np.zeros(3), "eps": 1e-5, **kwargs}
    with pytest.raises(error, match=match):
        B.batchnorm_forward(**args)


def test_invalid_decay_and_torch_type_errors():
    with pytest.raises(ValueError, match="Invalid decay value: 1.5"):
        B.BatchNorm(3, decay=1.5)
    with pytest.raises(ValueError, match="Invalid num_features: 0"):
        B.init_running_stats(0)
    with pytest.raises(TypeError, match="expected a torch.Tensor"):
        TB.batchnorm_forward(np.ones((4, 3)), np.ones(3), np.zeros(3))


def test_mlp_with_batchnorm_matches_its_torch_twin_over_training_steps(rng):
    """NumPy MLP (our BN) vs the torch twin (torch.nn.BatchNorm1d): same losses, grads and
    running statistics after several SGD steps, and the same evaluation-mode predictions."""
    x, y = rng.normal(size=(32, 6)), rng.integers(0, 3, size=32)
    ours = MLP([6, 8, 7, 3], activation="tanh", batchnorm=True, seed=3, decay=0.8)
    twin = TorchMLP([6, 8, 7, 3], activation="tanh", batchnorm=True, seed=3, decay=0.8)
    assert sorted(ours.params) == sorted(twin.numpy_params())
    assert "b1" not in ours.params and {"gamma1", "beta1", "b3"} <= set(ours.params)
    xt, yt = torch.tensor(x), torch.tensor(y)
    for step in range(4):
        batch = slice(8 * step, 8 * step + 8)
        loss, grads = ours.loss(x[batch], y[batch])
        tloss, tgrads = twin.loss(xt[batch], yt[batch])
        assert loss == pytest.approx(tloss, rel=1e-12)
        for key in grads:
            np.testing.assert_allclose(grads[key], tgrads[key].numpy(), rtol=1e-8, atol=1e-12)
        for key in ours.params:
            ours.params[key] = ours.params[key] - 0.1 * grads[key]
        twin.load_numpy_params(ours.params)
    for layer, norm in enumerate(twin.norms, start=1):
        np.testing.assert_allclose(ours.bn[layer].stats.mean, norm.running_mean.numpy(), rtol=1e-12)
        np.testing.assert_allclose(ours.bn[layer].stats.var, norm.running_var.numpy(), rtol=1e-12)
    np.testing.assert_array_equal(ours.predict(x), twin.predict(xt).numpy())
    assert twin.training  # predict restored the mode

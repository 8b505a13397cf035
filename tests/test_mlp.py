"""The NumPy MLP: gradient check of the whole network, agreement with the torch twin
(forward, gradients and training), learning on digits, and configuration errors."""

import numpy as np
import pytest
import torch

from coursepkg.gradcheck import grad_check
from coursepkg.mlp import MLP
from coursepkg.torch.mlp import MLP as TorchMLP
from tests.conftest import devices

ACTS = ["relu", "tanh", "sigmoid", "leaky_relu", "softplus", "abs", "identity"]


@pytest.mark.parametrize("activation", ACTS)
def test_whole_network_passes_a_gradient_check(activation, rng):
    model = MLP([5, 7, 6, 3], activation=activation, init="xavier_normal", seed=1)
    x, y = rng.normal(size=(4, 5)), rng.integers(0, 3, size=4)
    _, grads = model.loss(x, y)
    for key, value in model.params.items():

        def f(v, key=key):
            old = model.params[key]
            model.params[key] = v
            try:
                return model.loss(x, y)[0]
            finally:
                model.params[key] = old

        ok, err = grad_check(f, value.copy(), grads[key])
        assert ok, (key, err)


def test_mse_network_gradient_check(rng):
    model = MLP([3, 4, 2], activation="tanh", loss="mse", seed=2)
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    _, grads = model.loss(x, y)
    w = model.params["W1"]

    def f(v):
        model.params["W1"] = v
        return model.loss(x, y)[0]

    ok, err = grad_check(f, w.copy(), grads["W1"])
    model.params["W1"] = w
    assert ok, err


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("activation", ACTS)
def test_torch_twin_has_the_same_weights_outputs_and_gradients(device, activation, rng):
    model = MLP([6, 8, 4], activation=activation, seed=5, bias_init=0.1)
    twin = TorchMLP([6, 8, 4], activation=activation, seed=5, bias_init=0.1).to(device)
    x, y = rng.normal(size=(10, 6)), rng.integers(0, 4, size=10)
    for k, v in twin.numpy_params().items():
        np.testing.assert_array_equal(v, model.params[k])
    loss, grads = model.loss(x, y)
    tloss, tgrads = twin.loss(torch.tensor(x, device=device), torch.tensor(y, device=device))
    assert tloss == pytest.approx(loss, rel=1e-12)
    for k in grads:
        np.testing.assert_allclose(tgrads[k].cpu().numpy(), grads[k], rtol=1e-10, atol=1e-14)


def test_numpy_and_torch_train_identically_and_learn_digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = (X - X.mean(0)) / np.where(X.std(0) > 0, X.std(0), 1)
    Xtr, ytr, Xte, yte = X[:1400], y[:1400], X[1400:], y[1400:]
    model, twin = MLP([64, 64, 10], seed=0), TorchMLP([64, 64, 10], seed=0)
    opt = torch.optim.SGD(twin.parameters(), lr=0.1)
    rng = np.random.default_rng(0)
    for _ in range(8):
        for idx in np.array_split(rng.permutation(len(Xtr)), len(Xtr) // 32):
            _, grads = model.loss(Xtr[idx], ytr[idx])
            for k in model.params:
                model.params[k] -= 0.1 * grads[k]
            twin.loss(torch.tensor(Xtr[idx]), torch.tensor(ytr[idx]))
            opt.step()
    for k, v in twin.numpy_params().items():
        np.testing.assert_allclose(v, model.params[k], rtol=1e-9, atol=1e-12)
    assert model.accuracy(Xte, yte) >= 0.9
    assert twin.accuracy(torch.tensor(Xte), torch.tensor(yte)) == model.accuracy(Xte, yte)


@pytest.mark.parametrize("cls", [MLP, TorchMLP], ids=["numpy", "torch"])
def test_invalid_configuration(cls):
    with pytest.raises(ValueError, match=r"Invalid sizes: \[5\]"):
        cls([5])
    with pytest.raises(ValueError, match=r"Invalid sizes: \[5, 0, 2\]"):
        cls([5, 0, 2])
    with pytest.raises(ValueError, match="Invalid activation: 'gelu'"):
        cls([5, 2], activation="gelu")
    with pytest.raises(ValueError, match="Invalid init: 'orthogonal'"):
        cls([5, 2], init="orthogonal")
    with pytest.raises(ValueError, match="Invalid loss: 'hinge'"):
        cls([5, 2], loss="hinge")


def test_backward_before_forward_is_an_error():
    with pytest.raises(RuntimeError, match="call forward"):
        MLP([2, 2]).backward(np.zeros((1, 2)))

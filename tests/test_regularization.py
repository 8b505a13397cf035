"""coursepkg.regularization (and label smoothing in coursepkg.layers), NumPy and torch:
penalties against torch.optim.SGD(weight_decay=...) and autograd, inverted dropout's
expectation and eval mode, early stopping, bagging helpers, label smoothing against
torch.nn.CrossEntropyLoss(label_smoothing=...), and input errors."""

import numpy as np
import pytest
import torch

from coursepkg import layers as L
from coursepkg import optim
from coursepkg import regularization as R
from coursepkg.gradcheck import grad_check
from coursepkg.mlp import MLP
from coursepkg.torch import layers as TL
from coursepkg.torch import regularization as TR
from coursepkg.torch.mlp import MLP as TorchMLP
from tests.conftest import devices


def _params(rng):
    return {"W1": rng.normal(size=(4, 3)), "b1": rng.normal(size=3), "W2": rng.normal(size=(3, 2))}


def test_l2_penalty_value_and_gradient_match_autograd_and_skip_biases(rng):
    params = _params(rng)
    value, grads = R.l2_penalty(params, 0.3)
    assert sorted(grads) == ["W1", "W2"]
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    ref = 0.15 * (tp["W1"].square().sum() + tp["W2"].square().sum())  # lam/2 ||W||_F^2
    ref.backward()
    assert value == pytest.approx(float(ref.detach()), rel=1e-12)
    for k in grads:
        np.testing.assert_allclose(grads[k], tp[k].grad.numpy(), rtol=1e-12)
    assert tp["b1"].grad is None


def test_l1_penalty_and_subgradient(rng):
    w = rng.normal(size=(5, 4))
    w[0, 0] = 0.0
    value, grads = R.l1_penalty({"W1": w}, 0.2)
    assert value == pytest.approx(0.2 * np.abs(w).sum(), rel=1e-12)
    np.testing.assert_allclose(grads["W1"], 0.2 * np.sign(w))
    assert grads["W1"][0, 0] == 0.0
    ok, err = grad_check(
        lambda v: np.array(R.l1_penalty({"W1": v}, 0.2)[0]), w[1:], grads["W1"][1:]
    )
    assert ok, err


def test_l2_gradient_steps_equal_torch_sgd_weight_decay_over_several_steps(rng):
    """loss + lam/2 ||w||^2 with plain SGD == torch.optim.SGD(weight_decay=lam) on the loss;
    and both equal the shrink-then-step form w <- (1 - lr*lam) w - lr * g."""
    a, b = rng.normal(size=(10, 4)), rng.normal(size=10)
    w0, lam, lr = rng.normal(size=4), 0.1, 0.05

    def loss_grad(w):
        return 2 * a.T @ (a @ w - b) / len(b)

    w, shrink = w0.copy(), w0.copy()
    opt = optim.sgd(lr)
    state = opt.init(w)
    wt = torch.tensor(w0, requires_grad=True)
    ref = torch.optim.SGD([wt], lr=lr, weight_decay=lam)
    for _ in range(10):
        _, pen = R.l2_penalty(w, lam, keys=None)
        updates, state = opt.update(loss_grad(w) + pen, state, w)
        w = optim.apply_updates(w, updates)
        shrink = (1 - lr * lam) * shrink - lr * loss_grad(shrink)
        ref.zero_grad()
        ((torch.tensor(a) @ wt - torch.tensor(b)).square().mean()).backward()
        ref.step()
    np.testing.assert_allclose(w, wt.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(shrink, w, rtol=1e-12)


@pytest.mark.parametrize("device", devices())
def test_torch_penalties_equal_numpy(rng, device):
    params = _params(rng)
    tparams = {k: torch.tensor(v, device=device) for k, v in params.items()}
    for fn, tfn in ((R.l2_penalty, TR.l2_penalty), (R.l1_penalty, TR.l1_penalty)):
        value, grads = fn(params, 0.4)
        tvalue, tgrads = tfn(tparams, 0.4)
        assert tvalue == pytest.approx(value, rel=1e-12)
        for k in grads:
            np.testing.assert_allclose(tgrads[k].cpu().numpy(), grads[k], rtol=1e-12)


@pytest.mark.parametrize("keep_prob", [0.5, 0.8])
def test_inverted_dropout_keeps_the_expected_activation(keep_prob):
    x = np.full((400, 250), 2.0)
    out, cache = R.dropout_forward(x, keep_prob, rng=np.random.default_rng(1))
    kept = out != 0
    # the fraction kept is keep_prob within 5 standard errors (100 000 Bernoulli draws)
    se = np.sqrt(keep_prob * (1 - keep_prob) / x.size)
    assert abs(kept.mean() - keep_prob) < 5 * se
    np.testing.assert_allclose(out[kept], 2.0 / keep_prob)
    assert abs(out.mean() - 2.0) < 5 * 2.0 / keep_prob * se
    np.testing.assert_array_equal(R.dropout_backward(np.ones_like(x), cache), out / 2.0)


@pytest.mark.parametrize("device", devices())
def test_torch_dropout_expectation_and_eval_identity(device):
    x = torch.full((300, 300), 1.0, dtype=torch.float64, device=device)
    out, _ = TR.dropout_forward(x, 0.7, rng=torch.Generator().manual_seed(0))
    assert out.device == x.device
    se = np.sqrt(0.7 * 0.3 / x.numel())
    assert abs(float((out != 0).double().mean()) - 0.7) < 5 * se
    assert abs(float(out.mean()) - 1.0) < 5 * se / 0.7
    same, cache = TR.dropout_forward(x, 0.7, training=False)
    assert same is x and cache is None


def test_dropout_is_the_identity_in_eval_mode_and_reproducible(rng):
    x = rng.normal(size=(6, 5))
    out, cache = R.dropout_forward(x, 0.5, training=False)
    assert out is x and R.dropout_backward(x, cache) is x
    a, _ = R.dropout_forward(x, 0.5, rng=3)
    b, _ = R.dropout_forward(x, 0.5, rng=3)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("keep_prob", [0.0, -0.1, 1.5, float("nan")])
def test_invalid_keep_prob_raises(keep_prob):
    with pytest.raises(ValueError, match="Invalid keep_prob"):
        R.dropout_forward(np.ones((2, 2)), keep_prob)
    with pytest.raises(ValueError, match="Invalid keep_prob"):
        MLP([3, 4, 2], keep_prob=keep_prob)


def test_negative_lambda_raises():
    with pytest.raises(ValueError, match="Invalid lam value: -0.1"):
        R.l2_penalty({"W1": np.ones((2, 2))}, -0.1)
    with pytest.raises(ValueError, match="Invalid lam value: -1"):
        R.l1_penalty({"W1": np.ones((2, 2))}, -1)


def test_mlp_dropout_gradients_pass_a_gradient_check(rng):
    """With the dropout masks held fixed (same rng state), the MLP's backward is exact."""
    x, y = rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)
    net = MLP([4, 5, 3], activation="tanh", keep_prob=0.6, seed=1)
    state = net._dropout_rng.bit_generator.state
    _, grads = net.loss(x, y)

    def loss_of(w):
        net._dropout_rng.bit_generator.state = state
        saved, net.params["W1"] = net.params["W1"], w
        scores = net.forward(x)
        net.params["W1"] = saved
        return np.array(L.softmax_cross_entropy(scores, y)[0])

    ok, err = grad_check(loss_of, net.params["W1"].copy(), grads["W1"])
    assert ok, err
    assert (net.forward(x, training=False) == net.forward(x, training=False)).all()


def test_torch_mlp_dropout_is_off_in_predict(rng):
    x = torch.tensor(rng.normal(size=(10, 4)))
    net = TorchMLP([4, 16, 3], keep_prob=0.5, seed=0)
    first = net.predict(x)
    np.testing.assert_array_equal(first.numpy(), net.predict(x).numpy())
    ours = MLP([4, 16, 3], keep_prob=0.5, seed=0)
    np.testing.assert_array_equal(ours.predict(x.numpy()), first.numpy())


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.3])
@pytest.mark.parametrize("device", devices())
def test_label_smoothing_matches_torch_cross_entropy(rng, eps, device):
    z, y = rng.normal(size=(7, 5)), rng.integers(0, 5, size=7)
    loss, dz = L.softmax_cross_entropy(z, y, label_smoothing=eps)
    zt = torch.tensor(z, device=device, requires_grad=True)
    ref = torch.nn.CrossEntropyLoss(label_smoothing=eps)(zt, torch.tensor(y, device=device))
    ref.backward()
    assert float(loss) == pytest.approx(float(ref.detach()), rel=1e-12)
    np.testing.assert_allclose(dz, zt.grad.cpu().numpy(), rtol=1e-10, atol=1e-14)
    tloss, tdz = TL.softmax_cross_entropy(zt.detach(), torch.tensor(y, device=device), eps)
    assert float(tloss) == pytest.approx(float(ref.detach()), rel=1e-12)
    ok, err = grad_check(lambda v: np.array(L.softmax_cross_entropy(v, y, eps)[0]), z, dz)
    assert ok, err


def test_invalid_label_smoothing_raises():
    with pytest.raises(ValueError, match="Invalid label_smoothing: 1.5"):
        L.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1]), label_smoothing=1.5)


def test_early_stopping_patience_min_delta_and_best_weights():
    stop = R.EarlyStopping(patience=2, min_delta=0.01)
    history = [1.0, 0.8, 0.795, 0.79, 0.9, 0.7]
    decisions = []
    for epoch, value in enumerate(history):
        params = {"W1": np.full(2, float(epoch))}
        decisions.append(stop.step(value, params))
        if decisions[-1]:
            break
    # 0.795 and 0.79 are not better than 0.8 by more than 0.01; 0.9 is the third miss
    assert decisions == [False, False, False, False, True]
    assert stop.best == 0.8 and stop.best_step == 2
    np.testing.assert_array_equal(stop.best_params["W1"], [1.0, 1.0])


def test_early_stopping_max_mode_and_errors():
    stop = R.EarlyStopping(patience=0, mode="max")
    assert not stop.step(0.5) and not stop.step(0.6) and stop.step(0.6)
    with pytest.raises(ValueError, match="Invalid patience: -1"):
        R.EarlyStopping(patience=-1)
    with pytest.raises(ValueError, match="Invalid mode: 'avg'"):
        R.EarlyStopping(mode="avg")
    with pytest.raises(ValueError, match="Invalid value: nan"):
        R.EarlyStopping().step(float("nan"))


def test_bootstrap_leaves_out_about_one_over_e(rng):
    idx = R.bootstrap_indices(1000, 20, rng=0)
    assert idx.shape == (20, 1000) and idx.min() >= 0 and idx.max() < 1000
    left_out = np.mean([1 - len(np.unique(row)) / 1000 for row in idx])
    assert abs(left_out - np.exp(-1)) < 0.01
    t = TR.bootstrap_indices(50, 3, rng=0)
    assert tuple(t.shape) == (3, 50) and t.dtype == torch.int64
    with pytest.raises(ValueError, match="Invalid n_models: 0"):
        R.bootstrap_indices(10, 0)


def test_ensemble_and_inverse_variance_weighting(rng):
    preds = rng.uniform(size=(3, 4, 2))
    np.testing.assert_allclose(R.ensemble_average(preds), preds.mean(axis=0))
    w = np.array([1.0, 0.0, 3.0])
    np.testing.assert_allclose(R.ensemble_average(preds, w), (preds[0] + 3 * preds[2]) / 4)
    weights = R.inverse_variance_weights(np.array([1.0, 4.0]))
    np.testing.assert_allclose(weights, [0.8, 0.2])
    # the combined variance 1 / (1 + 1/4) = 0.8 is below the best single estimator's 1
    np.testing.assert_allclose((weights**2 * np.array([1.0, 4.0])).sum(), 0.8)
    tw = TR.inverse_variance_weights(torch.tensor([1.0, 4.0], dtype=torch.float64))
    np.testing.assert_allclose(tw.numpy(), [0.8, 0.2])
    with pytest.raises(ValueError, match="Invalid variances"):
        R.inverse_variance_weights(np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match=r"Invalid shape for weights: \(2,\)"):
        R.ensemble_average(preds, np.ones(2))

"""Splits, standardization and mini-batches (NumPy and torch) against scikit-learn."""

import numpy as np
import pytest
import torch
from sklearn.preprocessing import StandardScaler

from coursepkg.gradcheck import grad_check, numerical_gradient, relative_error
from coursepkg.preprocessing import Standardizer, minibatches, train_dev_test_split
from coursepkg.torch import gradcheck as tgc
from coursepkg.torch import preprocessing as tpp


def test_standardizer_matches_sklearn_and_is_fitted_on_train_only(rng):
    X = rng.normal(3, [1, 10, 0.1], size=(50, 3))
    X[:, 1] = 7.0  # a constant feature
    Xtest = rng.normal(size=(5, 3))
    ours = Standardizer().fit(X)
    ref = StandardScaler().fit(X)
    np.testing.assert_allclose(ours.mean_, ref.mean_)
    np.testing.assert_allclose(ours.scale_, ref.scale_)
    np.testing.assert_allclose(ours.transform(Xtest), ref.transform(Xtest))
    np.testing.assert_allclose(ours.inverse_transform(ours.transform(X)), X)
    t = Standardizer().fit(torch.tensor(X))
    np.testing.assert_allclose(t.transform(torch.tensor(Xtest)).numpy(), ref.transform(Xtest))


def test_standardizer_errors():
    with pytest.raises(RuntimeError, match="not fitted"):
        Standardizer().transform(np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"Invalid shape for X: \(3,\)"):
        Standardizer().fit(np.ones(3))
    with pytest.raises(ValueError, match=r"Invalid shape for X: \(2, 3\) \(expected \(N, 2\)\)"):
        Standardizer().fit(np.ones((4, 2))).transform(np.ones((2, 3)))


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_split_is_a_partition(backend):
    X, y = np.arange(200.0).reshape(100, 2), np.arange(100)
    split = train_dev_test_split if backend == "numpy" else tpp.train_dev_test_split
    if backend == "torch":
        X, y = torch.tensor(X), torch.tensor(y)
    Xtr, Xdv, Xte, ytr, ydv, yte = split(X, y, dev_size=0.2, test_size=0.1, seed=3)
    assert (len(ytr), len(ydv), len(yte)) == (70, 20, 10)
    together = sorted(int(v) for part in (ytr, ydv, yte) for v in part)
    assert together == list(range(100))
    assert (Xtr[:, 0] == 2 * ytr).all()


def test_split_errors():
    X, y = np.ones((10, 2)), np.ones(10)
    with pytest.raises(ValueError, match="Invalid dev_size: 1.5"):
        train_dev_test_split(X, y, dev_size=1.5)
    with pytest.raises(ValueError, match="Invalid dev_size \\+ test_size: 1.0"):
        train_dev_test_split(X, y, dev_size=0.5, test_size=0.5)
    with pytest.raises(ValueError, match="Invalid y: 9 labels for 10 examples"):
        train_dev_test_split(X, y[:9])


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_minibatches_cover_the_data_once_and_reshuffle(backend):
    X, y = np.arange(10.0)[:, None], np.arange(10)
    gen, batches_fn = np.random.default_rng(0), minibatches
    if backend == "torch":
        X, y, gen, batches_fn = (
            torch.tensor(X),
            torch.tensor(y),
            torch.Generator().manual_seed(0),
            tpp.minibatches,
        )
    epochs = [[yb for _, yb in batches_fn(X, y, 4, rng=gen)] for _ in range(2)]
    assert [len(b) for b in epochs[0]] == [4, 4, 2]
    orders = [[int(v) for b in e for v in b] for e in epochs]
    assert sorted(orders[0]) == list(range(10)) and orders[0] != orders[1]
    plain = [int(v) for _, yb in batches_fn(X, y, 3, shuffle=False) for v in yb]
    assert plain == list(range(10))
    with pytest.raises(ValueError, match="Invalid batch_size: 0"):
        list(batches_fn(X, y, 0))


def test_gradcheck_helpers(rng):
    x = rng.normal(size=(3, 2))
    g = numerical_gradient(lambda v: (v**3).sum(), x)
    np.testing.assert_allclose(g, 3 * x**2, rtol=1e-8)
    assert relative_error(np.zeros(2), np.zeros(2)) == 0.0
    ok, err = grad_check(lambda v: (v**2).sum(), x, 2 * x)
    assert ok and err < 1e-9
    ok, err = grad_check(lambda v: (v**2).sum(), x, 2.2 * x)  # a buggy gradient
    assert not ok and err > 1e-2
    xt = torch.tensor(x)
    torch.testing.assert_close(tgc.numerical_gradient(lambda v: (v**3).sum(), xt), 3 * xt**2)
    with pytest.raises(ValueError, match="Invalid h: 0"):
        numerical_gradient(lambda v: v.sum(), x, h=0)
    with pytest.raises(TypeError, match="Invalid dtype for x: int64"):
        numerical_gradient(lambda v: v.sum(), np.ones(2, dtype=np.int64))


def test_rng_none_uses_the_seeded_global_generators():
    from coursepkg import init as ni
    from coursepkg.device import seed_everything
    from coursepkg.torch import init as ti

    X, y = np.arange(20.0)[:, None], np.arange(20)
    runs = []
    for _ in range(2):
        seed_everything(3)
        order = [int(v) for _, yb in minibatches(X, y, 5) for v in yb]
        torder = [
            int(v) for _, yb in tpp.minibatches(torch.tensor(X), torch.tensor(y), 5) for v in yb
        ]
        runs.append(
            (
                order,
                torder,
                ni.he_normal(3, 2).tolist(),
                ti.he_normal(3, 2).tolist(),
                torch.rand(2).tolist(),
            )
        )
    assert runs[0] == runs[1]
    seed_everything(3)
    first = [int(v) for _, yb in tpp.minibatches(torch.tensor(X), torch.tensor(y), 5) for v in yb]
    second = [int(v) for _, yb in tpp.minibatches(torch.tensor(X), torch.tensor(y), 5) for v in yb]
    assert first != second  # each epoch is shuffled anew

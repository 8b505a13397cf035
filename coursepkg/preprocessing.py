"""Before training: train/dev/test splits, standardization, mini-batches.

Chapter: *Before training: splits, normalization, initialization*
(``book/before-training.ipynb``).

The rule that matters: **fit on the training set, apply everywhere**. The mean and
standard deviation used to standardize the dev and test sets are the training set's;
computing them on dev/test leaks information and changes what the network sees.
"""

from __future__ import annotations

import numbers

from ._backend import generator, is_tensor, namespace
from ._validate import check_real

__all__ = ["Standardizer", "minibatches", "train_dev_test_split"]


def _fraction(value, name):
    v = check_real(value, name)
    if not 0.0 <= v < 1.0:
        raise ValueError(f"Invalid {name}: {value} (expected 0 <= {name} < 1)")
    return v


def _batch_size(batch_size, n):
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, numbers.Integral)
        or batch_size < 1
    ):
        raise ValueError(f"Invalid batch_size: {batch_size!r} (expected an integer >= 1)")
    return min(int(batch_size), n)


def _same_length(X, y):
    if y is not None and len(X) != len(y):
        raise ValueError(f"Invalid y: {len(y)} labels for {len(X)} examples")


def train_dev_test_split(X, y, dev_size=0.1, test_size=0.1, seed=0):
    """Shuffle once with ``seed`` and cut into train / dev / test.

    ``dev_size`` and ``test_size`` are fractions of the whole data set (e.g. 0.2/0.2
    for a few thousand examples, 0.01/0.01 for millions). Returns
    ``X_train, X_dev, X_test, y_train, y_dev, y_test`` (the order of
    ``sklearn.model_selection.train_test_split``). All three come from one shuffle of
    one distribution, as they must.
    """
    dev, test = _fraction(dev_size, "dev_size"), _fraction(test_size, "test_size")
    if dev + test >= 1.0:
        raise ValueError(f"Invalid dev_size + test_size: {dev + test} (expected < 1)")
    _same_length(X, y)
    n = len(X)
    n_dev, n_test = int(round(dev * n)), int(round(test * n))
    if n - n_dev - n_test < 1:
        raise ValueError(f"Invalid split: no training examples left out of {n}")
    order = _permutation(n, seed, like=X)
    tr, dv, te = (
        order[: n - n_dev - n_test],
        order[n - n_dev - n_test : n - n_test],
        order[n - n_test :],
    )
    return X[tr], X[dv], X[te], y[tr], y[dv], y[te]


def _permutation(n, rng, like):
    """A permutation of ``range(n)``.

    ``rng`` is a seed, a generator (NumPy for arrays, ``torch.Generator`` for tensors) or
    ``None`` for the library's global generator (seeded by ``seed_everything``). Pass
    one generator for a whole run so that every epoch gets a fresh, reproducible order.
    """
    rng = generator(rng, like)
    if is_tensor(like):
        import torch

        return torch.randperm(n, generator=rng).to(like.device)
    return rng.permutation(n)


class Standardizer:
    """``(x - mean_) / scale_`` per feature, with the statistics of the data given to ``fit``.

    ``scale_`` is the population standard deviation (``ddof=0``, as
    ``sklearn.preprocessing.StandardScaler``); constant features get ``scale_ = 1`` so
    nothing is divided by zero. Works on NumPy arrays and torch tensors.
    """

    def fit(self, X):
        xp = namespace(X)
        if X.ndim != 2 or X.shape[0] == 0:
            raise ValueError(f"Invalid shape for X: {tuple(X.shape)} (expected 2-D (N, D), N >= 1)")
        self.mean_ = X.mean(axis=0)
        std = xp.sqrt(((X - self.mean_) ** 2).mean(axis=0))
        self.scale_ = xp.where(std > 0, std, xp.ones_like(std))
        return self

    def _check(self, X):
        if not hasattr(self, "mean_"):
            raise RuntimeError("Standardizer is not fitted yet: call fit(X_train) first")
        if X.ndim != 2 or X.shape[1] != self.mean_.shape[0]:
            raise ValueError(
                f"Invalid shape for X: {tuple(X.shape)} (expected (N, {self.mean_.shape[0]}))"
            )

    def transform(self, X):
        self._check(X)
        return (X - self.mean_) / self.scale_

    def fit_transform(self, X):
        return self.fit(X).transform(X)

    def inverse_transform(self, Z):
        self._check(Z)
        return Z * self.scale_ + self.mean_


def minibatches(X, y, batch_size, rng=None, shuffle=True):
    """Yield ``(X_batch, y_batch)`` covering the data once (one epoch).

    With ``shuffle`` the order is a permutation drawn from ``rng`` (a seed, or a
    generator shared by the whole run so each epoch is shuffled anew); the last batch
    may be smaller (``ceil(N / batch_size)`` batches in all). ``batch_size = N`` is
    batch gradient descent, ``1`` is stochastic gradient descent.
    """
    _same_length(X, y)
    n = len(X)
    size = _batch_size(batch_size, n)
    order = _permutation(n, rng, like=X) if shuffle else None
    for start in range(0, n, size):
        idx = slice(start, start + size) if order is None else order[start : start + size]
        yield X[idx], (None if y is None else y[idx])

"""Hyperparameter tuning: grid and random search, sampling on the right scale,
coarse-to-fine refinement, and a thin bridge to Optuna (pruning, parallel workers).

Chapter: *Hyperparameter tuning* (``book/tuning.ipynb``).

A **search space** is a dict from hyperparameter names to how they are drawn::

    space = {
        "lr": LogUniform(1e-4, 1.0),            # 10 ** U(-4, 0): each decade equally often
        "hidden": IntUniform(16, 128, log=True),
        "batch_size": Choice([32, 64, 128]),    # a plain list means the same
        "beta": OneMinusLogUniform(0.9, 0.999), # 1 - 10 ** U(-3, -1)
        "epochs": 10,                           # anything else is a fixed value
    }

:class:`Uniform` samples evenly on a linear scale, :class:`LogUniform` evenly on a log
scale (learning rates, regularization strengths), :class:`OneMinusLogUniform` evenly in
``log(1 - beta)`` (EMA decay rates, whose effective window ``1 / (1 - beta)`` is what
matters: 0.9 -> 0.99 and 0.99 -> 0.999 are equally large steps). The same space drives
:func:`grid` (with ``spec.grid(n)``), :func:`random_search`, :func:`coarse_to_fine` and,
through :func:`suggest`, an Optuna trial (``trial.suggest_float(..., log=True)``...).

**Optuna.** :func:`optuna_objective` turns a training function into an Optuna objective
that reports each epoch's value for pruning; :func:`run_workers` runs one study in
several OS processes sharing a storage ("caviar" strategy). On one machine the storage is
a journal file (Optuna's ``JournalStorage`` with ``JournalFileBackend``, the storage
Optuna documents for multi-process runs without a database server; Optuna recommends
against SQLite for parallel writes). Across machines pass a database URL instead, e.g.
``"postgresql+psycopg2://user:password@host:5432/optuna"`` or
``"mysql+pymysql://user:password@host/optuna"`` (a running server and its driver are
needed); every machine then calls :func:`run_workers` with the same study name and URL.
Optuna is imported only by the functions that need it.

Random numbers come from ``rng``: a seed, a ``numpy.random.Generator``, or ``None`` for a
generator drawn from NumPy's global state (reproducible after
:func:`coursepkg.device.seed_everything`).
"""

from __future__ import annotations

import functools
import itertools
import math
import numbers
import os
import pickle
import pickletools
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._validate import check_real
from .init import _rng

__all__ = [
    "Choice",
    "IntUniform",
    "LogUniform",
    "OneMinusLogUniform",
    "OptunaObjective",
    "SearchResult",
    "Uniform",
    "coarse_to_fine",
    "from_optuna",
    "grid",
    "grid_search",
    "log_uniform",
    "one_minus_log_uniform",
    "open_storage",
    "optuna_objective",
    "random_search",
    "run_workers",
    "sample_space",
    "suggest",
    "toy_loss",
    "train_mlp_digits",
    "uniform",
]


# ---- the scales -------------------------------------------------------------------------
def _bounds(low, high, cls, *, positive=False, below_one=False):
    lo, hi = check_real(low, f"low of {cls}"), check_real(high, f"high of {cls}")
    if not (math.isfinite(lo) and math.isfinite(hi)) or not lo < hi:
        raise ValueError(f"Invalid range for {cls}: low={low}, high={high} (expected low < high)")
    if positive and not lo > 0:
        raise ValueError(f"Invalid low for {cls}: {low} (a log scale needs low > 0)")
    if below_one and not hi < 1:
        raise ValueError(f"Invalid high for {cls}: {high} (expected high < 1, as 1 - high > 0)")
    return lo, hi


def _store(spec, low, high):
    """Keep the bounds as Python floats (a frozen dataclass needs ``object.__setattr__``)."""
    object.__setattr__(spec, "low", low)
    object.__setattr__(spec, "high", high)


class _Continuous:
    """A range sampled uniformly in a coordinate ``u = _to(x)`` (``x = _from(u)``)."""

    low: float
    high: float

    def _to(self, x):
        return x

    def _from(self, u):
        return u

    def _u_range(self):
        a, b = self._to(self.low), self._to(self.high)
        return min(a, b), max(a, b)

    def sample(self, size=None, rng=None):
        """One value (a float) or an array of ``size`` values."""
        a, b = self._u_range()
        x = np.clip(self._from(_rng(rng).uniform(a, b, size)), self.low, self.high)
        return float(x) if size is None else x

    def grid(self, n):
        """``n`` values evenly spaced on this scale, ``low`` and ``high`` included."""
        n = _count(n, "n")
        a, b = self._u_range()
        return sorted(
            float(np.clip(self._from(u), self.low, self.high)) for u in np.linspace(a, b, n)
        )

    def narrow(self, center, shrink):
        """The sub-range of width ``shrink`` (times this one's, on this scale) centred on
        ``center`` and shifted to stay inside this range."""
        s = _shrink(shrink)
        a, b = self._u_range()
        c = self._to(min(max(check_real(center, "center"), self.low), self.high))
        half = 0.5 * s * (b - a)
        lo_u = min(max(c - half, a), b - 2 * half)
        ends = sorted((self._from(lo_u), self._from(lo_u + 2 * half)))
        lo, hi = float(max(ends[0], self.low)), float(min(ends[1], self.high))
        return type(self)(lo, hi)

    def suggest(self, trial, name):
        return trial.suggest_float(name, self.low, self.high)


@dataclass(frozen=True)
class Uniform(_Continuous):
    """``U(low, high)``: evenly on a linear scale (momentum ``beta`` in 0.8..0.95, dropout)."""

    low: float
    high: float

    def __post_init__(self):
        _store(self, *_bounds(self.low, self.high, "Uniform"))


@dataclass(frozen=True)
class LogUniform(_Continuous):
    """``10 ** U(log10 low, log10 high)``: each decade equally often (``0 < low < high``)."""

    low: float
    high: float

    def __post_init__(self):
        _store(self, *_bounds(self.low, self.high, "LogUniform", positive=True))

    def _to(self, x):
        return np.log10(x)

    def _from(self, u):
        return 10.0**u

    def suggest(self, trial, name):
        return trial.suggest_float(name, self.low, self.high, log=True)


@dataclass(frozen=True)
class OneMinusLogUniform(_Continuous):
    """``1 - 10 ** U(log10(1 - high), log10(1 - low))``, for decay rates close to 1.

    ``OneMinusLogUniform(0.9, 0.999)`` draws ``1 - beta`` log-uniformly in
    ``[0.001, 0.1]``: as many betas in 0.9..0.99 as in 0.99..0.999. In Optuna the trial
    stores ``1 - beta`` as ``"one_minus_<name>"`` (use :func:`from_optuna` to convert).
    """

    low: float
    high: float

    def __post_init__(self):
        _store(self, *_bounds(self.low, self.high, "OneMinusLogUniform", below_one=True))

    def _to(self, x):
        return np.log10(1.0 - x)

    def _from(self, u):
        return 1.0 - 10.0**u

    def suggest(self, trial, name):
        gap = trial.suggest_float(f"one_minus_{name}", 1.0 - self.high, 1.0 - self.low, log=True)
        return 1.0 - gap


@dataclass(frozen=True)
class IntUniform:
    """Integers ``low..high`` (both included, as Optuna's ``suggest_int``; NumPy's
    ``integers`` excludes ``high``), evenly or, with ``log=True``, evenly in ``log``."""

    low: int
    high: int
    log: bool = False

    def __post_init__(self):
        for name in ("low", "high"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, numbers.Integral):
                raise TypeError(f"Invalid {name} of IntUniform: {v!r} (expected an integer)")
            object.__setattr__(self, name, int(v))
        if not self.low < self.high:
            raise ValueError(
                f"Invalid range for IntUniform: low={self.low}, high={self.high} "
                "(expected low < high)"
            )
        if self.log and self.low < 1:
            raise ValueError(f"Invalid low of IntUniform: {self.low} (log=True needs low >= 1)")

    def _scale(self):  # continuous stand-in over [low, high + 1), floored
        cls = LogUniform if self.log else Uniform
        return cls(float(self.low), float(self.high + 1))

    def sample(self, size=None, rng=None):
        x = np.floor(self._scale().sample(size, rng)).astype(np.int64)
        x = np.minimum(x, self.high)
        return int(x) if size is None else x

    def grid(self, n):
        n = _count(n, "n")
        cls = LogUniform if self.log else Uniform
        values = cls(float(self.low), float(self.high)).grid(n)
        return sorted({int(round(v)) for v in values})

    def narrow(self, center, shrink):
        r = self._scale().narrow(float(center) + 0.5, shrink)
        lo, hi = int(math.floor(r.low)), int(math.ceil(r.high)) - 1
        lo, hi = max(lo, self.low), min(hi, self.high)
        if hi <= lo:  # keep at least two integers
            lo, hi = (lo, lo + 1) if lo + 1 <= self.high else (hi - 1, hi)
        return IntUniform(lo, hi, self.log)

    def suggest(self, trial, name):
        return trial.suggest_int(name, self.low, self.high, log=self.log)


@dataclass(frozen=True)
class Choice:
    """One of a few ``options`` (each equally likely): batch sizes, activations, optimizers."""

    options: tuple = field(default=())

    def __post_init__(self):
        opts = self.options
        if isinstance(opts, (str, bytes)) or not isinstance(opts, (list, tuple, np.ndarray)):
            raise TypeError(f"Invalid options of Choice: {opts!r} (expected a list)")
        opts = tuple(o.item() if isinstance(o, np.generic) else o for o in opts)
        if not opts:
            raise ValueError("Invalid options of Choice: empty")
        object.__setattr__(self, "options", opts)

    def sample(self, size=None, rng=None):
        idx = _rng(rng).integers(0, len(self.options), size)
        return self.options[int(idx)] if size is None else [self.options[int(i)] for i in idx]

    def grid(self, n=None):
        return list(self.options)

    def narrow(self, center, shrink):
        return self

    def suggest(self, trial, name):
        return trial.suggest_categorical(name, list(self.options))


SPECS = (Uniform, LogUniform, OneMinusLogUniform, IntUniform, Choice)


def _count(n, name):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"Invalid {name}: {n!r} (expected an integer >= 1)")
    return int(n)


def _shrink(shrink):
    s = check_real(shrink, "shrink")
    if not 0 < s < 1:
        raise ValueError(f"Invalid shrink: {shrink} (expected 0 < shrink < 1)")
    return s


def uniform(low, high, size=None, rng=None):
    """``size`` draws of ``U(low, high)`` (a float when ``size`` is None)."""
    return Uniform(low, high).sample(size, rng)


def log_uniform(low, high, size=None, rng=None):
    """``10 ** U(log10 low, log10 high)``: as many draws per decade (``0 < low < high``).

    ``log_uniform(1e-4, 1, 1000)`` puts about 250 draws in each of the four decades;
    ``uniform(1e-4, 1, 1000)`` would put about 900 in ``[0.1, 1]``.
    """
    return LogUniform(low, high).sample(size, rng)


def one_minus_log_uniform(low, high, size=None, rng=None):
    """``1 - 10 ** U(log10(1 - high), log10(1 - low))``: betas in ``[low, high]``, with
    ``1 - beta`` (hence the averaging window ``1 / (1 - beta)``) log-uniform."""
    return OneMinusLogUniform(low, high).sample(size, rng)


# ---- spaces -----------------------------------------------------------------------------
def _space(space):
    """Validated copy: lists become :class:`Choice`, other non-specs are fixed values."""
    if not isinstance(space, dict):
        raise TypeError(f"Invalid space: {space!r} (expected a dict name -> values or spec)")
    if not space:
        raise ValueError("Invalid space: empty (expected at least one hyperparameter)")
    out = {}
    for name, spec in space.items():
        if not isinstance(name, str):
            raise TypeError(f"Invalid hyperparameter name: {name!r} (expected a string)")
        if isinstance(spec, (list, tuple, np.ndarray)):
            spec = Choice(spec)
        out[name] = spec
    return out


def sample_space(space, n, rng=None):
    """``n`` random points of ``space`` (a list of dicts). Each hyperparameter gets its
    ``n`` draws in one go, in the order of the dict, from one generator."""
    space, n, gen = _space(space), _count(n, "n"), _rng(rng)
    columns = {
        name: spec.sample(n, gen) if isinstance(spec, SPECS) else [spec] * n
        for name, spec in space.items()
    }
    return [{name: _py(col[i]) for name, col in columns.items()} for i in range(n)]


def _py(value):
    return value.item() if isinstance(value, np.generic) else value


def grid(space):
    """The cartesian product of the values of each hyperparameter, as a list of dicts
    (the last hyperparameter varies fastest). Values are lists or :class:`Choice`; for a
    range use ``LogUniform(1e-4, 1).grid(5)``; anything else is a fixed value."""
    space = _space(space)
    axes = []
    for name, spec in space.items():
        if isinstance(spec, Choice):
            axes.append(spec.options)
        elif isinstance(spec, SPECS):
            raise TypeError(
                f"Invalid grid values for {name!r}: {spec!r} (a range has no grid; use "
                f"{type(spec).__name__}(...).grid(n) for n points on its scale)"
            )
        else:
            axes.append((spec,))
    names = list(space)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes)]


# ---- searching --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class SearchResult:
    """Every trial of a search: ``params[i]`` gave ``values[i]`` (in round ``rounds[i]``).

    Non-finite values (a diverged run) never win; ``best_*`` are ``None`` when no trial
    gave a finite value. ``spaces[r]`` is the space searched in round ``r``.
    """

    params: list
    values: np.ndarray
    rounds: np.ndarray
    spaces: list
    direction: str

    @property
    def best_index(self):
        finite = np.isfinite(self.values)
        if not finite.any():
            return None
        v = np.where(finite, self.values, np.inf if self.direction == "minimize" else -np.inf)
        return int(np.argmin(v) if self.direction == "minimize" else np.argmax(v))

    @property
    def best_params(self):
        i = self.best_index
        return None if i is None else self.params[i]

    @property
    def best_value(self):
        i = self.best_index
        return None if i is None else float(self.values[i])

    def column(self, name):
        """The values of one hyperparameter over all trials, as an array."""
        return np.array([p[name] for p in self.params])


def _direction(direction):
    if direction not in ("minimize", "maximize"):
        raise ValueError(f"Invalid direction: {direction!r} (expected 'minimize' or 'maximize')")
    return direction


def _evaluate(objective, points):
    if not callable(objective):
        raise TypeError(f"Invalid objective: {objective!r} (expected a callable)")
    return np.array([float(objective(dict(p))) for p in points], dtype=np.float64)


def grid_search(objective, space, *, direction="minimize"):
    """Evaluate ``objective(params)`` at every point of :func:`grid` ``(space)``."""
    direction = _direction(direction)
    points = grid(space)
    values = _evaluate(objective, points)
    return SearchResult(points, values, np.zeros(len(points), int), [_space(space)], direction)


def random_search(objective, space, n_trials, rng=None, *, direction="minimize"):
    """Evaluate ``objective(params)`` at ``n_trials`` points drawn by :func:`sample_space`.

    With the same budget as a grid, every trial tries a new value of *every*
    hyperparameter: 25 random trials try 25 learning rates where a 5 x 5 grid tries 5.
    """
    direction = _direction(direction)
    points = sample_space(space, n_trials, rng)
    values = _evaluate(objective, points)
    return SearchResult(points, values, np.zeros(len(points), int), [_space(space)], direction)


def coarse_to_fine(
    objective, space, n_trials, rounds=3, shrink=0.25, rng=None, *, direction="minimize"
):
    """Random search in ``rounds`` rounds of ``n_trials``, each round in a smaller box.

    After each round, every range (``Uniform``, ``LogUniform``, ...) is narrowed to
    ``shrink`` times its width *on its own scale* (decades for ``LogUniform``) around the
    best point found so far, shifted to stay inside the previous range; a :class:`Choice`
    and fixed values are kept. Returns all ``n_trials * rounds`` trials; ``rounds[i]``
    says in which round trial ``i`` ran and ``spaces`` holds the box of each round.
    """
    direction, space = _direction(direction), _space(space)
    n_trials, rounds = _count(n_trials, "n_trials"), _count(rounds, "rounds")
    shrink = _shrink(shrink)
    gen = _rng(rng)
    params, values, which, spaces = [], np.empty(0), [], []
    for r in range(rounds):
        if r:
            best = SearchResult(params, values, np.array(which), spaces, direction).best_params
            if best is not None:
                space = {
                    name: spec.narrow(best[name], shrink) if isinstance(spec, SPECS) else spec
                    for name, spec in space.items()
                }
        spaces.append(space)
        points = sample_space(space, n_trials, gen)
        params += points
        values = np.concatenate([values, _evaluate(objective, points)])
        which += [r] * n_trials
    return SearchResult(params, values, np.array(which), spaces, direction)


def toy_loss(params):
    """A simulated validation loss where only the learning rate matters much.

    ``(log10 lr + 2.5)**2 + 0.001 (log10 eps + 8)**2``: best at ``lr = 10**-2.5 ~ 3e-3``;
    Adam's ``eps`` (default 1e-8 when missing) changes the loss a thousand times less.
    Costs nothing, so searches over it can be repeated many times.
    """
    lr = check_real(params["lr"], "lr")
    eps = check_real(params.get("eps", 1e-8), "eps")
    if not (lr > 0 and eps > 0):
        raise ValueError(f"Invalid lr or eps: {lr}, {eps} (expected > 0)")
    return (math.log10(lr) + 2.5) ** 2 + 1e-3 * (math.log10(eps) + 8.0) ** 2


# ---- the built-in training objective ------------------------------------------------------
_DIGITS_DEFAULTS = {"lr": 0.1, "hidden": 64, "batch_size": 64, "beta": 0.9, "optimizer": "momentum"}


def _digits_arrays():
    """``X (1797, 64)`` (pixels 0..16) and ``y`` of scikit-learn's digits.

    Reads the file that ships inside scikit-learn, as ``sklearn.datasets.load_digits``
    does, but without importing ``sklearn.datasets``: that import costs a second or more
    of CPU in every worker process of :func:`run_workers`. Falls back to ``load_digits``
    if the file is not where it has been since scikit-learn 0.x.
    """
    import importlib.util

    spec = importlib.util.find_spec("sklearn")
    if spec is not None and spec.submodule_search_locations:
        path = Path(list(spec.submodule_search_locations)[0], "datasets", "data", "digits.csv.gz")
        if path.is_file():
            data = np.loadtxt(path, delimiter=",")
            return data[:, :-1], data[:, -1].astype(np.int64)
    from sklearn.datasets import load_digits

    digits = load_digits()
    return digits.data, digits.target.astype(np.int64)


@functools.lru_cache(maxsize=1)
def _digits():
    """sklearn's 8x8 digits (ships with sklearn: offline), 60/20/20 train/dev/test,
    standardized with the training statistics."""
    from .preprocessing import Standardizer, train_dev_test_split

    X, y = _digits_arrays()
    X_tr, X_dev, _, y_tr, y_dev, _ = train_dev_test_split(
        X / 16.0, y, dev_size=0.2, test_size=0.2, seed=0
    )
    scaler = Standardizer().fit(X_tr)
    return scaler.transform(X_tr), y_tr, scaler.transform(X_dev), y_dev


def train_mlp_digits(params, epochs=10, seed=0):
    """Train a one-hidden-layer :class:`~coursepkg.mlp.MLP` on sklearn's digits and yield
    the **dev accuracy after each epoch** (an iterator of ``epochs`` floats).

    ``params`` (missing keys take the defaults): ``lr`` (0.1), ``hidden`` units (64),
    ``batch_size`` (64), ``beta`` (0.9) and ``optimizer``: ``"momentum"`` (EMA form,
    :func:`coursepkg.optim.momentum` with ``beta``) or ``"adam"`` (``betas=(beta,
    0.999)``). Data: the 1797 8x8 digits, 1079 train / 359 dev (the test fifth is never
    touched). A run whose loss becomes non-finite stops early: it yields the accuracy
    reached (close to chance) once more and ends. A trial of 10 epochs takes well under
    a second on a CPU. Use it with :func:`optuna_objective` (pruning sees every epoch) or,
    for the last value only, ``list(train_mlp_digits(p))[-1]``.
    """
    from . import optim
    from .mlp import MLP

    if not isinstance(params, dict):
        raise TypeError(f"Invalid params: {params!r} (expected a dict)")
    unknown = set(params) - set(_DIGITS_DEFAULTS)
    if unknown:
        raise ValueError(
            f"Invalid hyperparameter: {sorted(unknown)[0]!r} (expected some of "
            f"{sorted(_DIGITS_DEFAULTS)})"
        )
    p = {**_DIGITS_DEFAULTS, **params}
    hidden, batch = _count(p["hidden"], "hidden"), _count(p["batch_size"], "batch_size")
    epochs = _count(epochs, "epochs")
    if p["optimizer"] == "momentum":
        opt = optim.momentum(lr=p["lr"], beta=p["beta"])
    elif p["optimizer"] == "adam":
        opt = optim.adam(lr=p["lr"], betas=(p["beta"], 0.999))
    else:
        raise ValueError(f"Invalid optimizer: {p['optimizer']!r} (expected 'momentum' or 'adam')")
    X, y, X_dev, y_dev = _digits()
    model = MLP([X.shape[1], hidden, 10], seed=seed)
    return _epochs(model, opt, X, y, X_dev, y_dev, batch, epochs, np.random.default_rng(seed))


def _epochs(model, opt, X, y, X_dev, y_dev, batch, epochs, rng):
    from .optim import apply_updates
    from .preprocessing import minibatches

    state = opt.init(model.params)
    for _ in range(epochs):
        with np.errstate(all="ignore"):  # a diverging run is reported, not warned about
            for xb, yb in minibatches(X, y, batch, rng=rng):
                loss, grads = model.loss(xb, yb)
                if not math.isfinite(loss):
                    yield model.accuracy(X_dev, y_dev)
                    return
                updates, state = opt.update(grads, state, model.params)
                model.params = apply_updates(model.params, updates)
            accuracy = model.accuracy(X_dev, y_dev)
        yield accuracy


# ---- the Optuna bridge ---------------------------------------------------------------------
def suggest(trial, space):
    """Draw ``space`` with an Optuna ``trial``: ``LogUniform`` -> ``suggest_float(log=True)``,
    ``Uniform`` -> ``suggest_float``, ``IntUniform`` -> ``suggest_int``, ``Choice`` ->
    ``suggest_categorical``, ``OneMinusLogUniform(lo, hi)`` -> ``1 -
    suggest_float("one_minus_<name>", 1 - hi, 1 - lo, log=True)``; fixed values pass
    through. Returns the dict of values, ready for the training function."""
    out = {}
    for name, spec in _space(space).items():
        out[name] = spec.suggest(trial, name) if isinstance(spec, SPECS) else spec
    return out


def from_optuna(params, space):
    """Optuna's parameter dict (``study.best_params``) in the names and values of ``space``:
    ``one_minus_beta`` becomes ``beta = 1 - one_minus_beta``; fixed values are added."""
    space = _space(space)
    out = {}
    for name, spec in space.items():
        if isinstance(spec, OneMinusLogUniform):
            out[name] = 1.0 - params[f"one_minus_{name}"]
        elif isinstance(spec, SPECS):
            out[name] = params[name]
        else:
            out[name] = spec
    return out


class OptunaObjective:
    """``objective(trial)`` for ``study.optimize``: draws ``space`` with :func:`suggest`
    and calls ``train_fn(params)``.

    ``train_fn`` returns the final value (a number), or yields one value per epoch: each
    is reported with ``trial.report(value, step=epoch)`` (epochs counted from 1) and the
    trial raises ``optuna.TrialPruned`` as soon as the study's pruner says so. The
    objective's value is the last one yielded. Instances pickle when ``train_fn`` does (a
    function defined in an importable module, or a ``functools.partial`` of one), which is
    what :func:`run_workers` needs.
    """

    def __init__(self, train_fn, space):
        if not callable(train_fn):
            raise TypeError(f"Invalid train_fn: {train_fn!r} (expected a callable)")
        self.train_fn, self.space = train_fn, _space(space)

    def __call__(self, trial):
        import optuna

        result = self.train_fn(suggest(trial, self.space))
        if isinstance(result, numbers.Real) or getattr(result, "ndim", None) == 0:
            return float(result)
        last = None
        for epoch, value in enumerate(result, start=1):
            last = float(value)
            trial.report(last, epoch)
            if trial.should_prune():
                if hasattr(result, "close"):
                    result.close()
                raise optuna.TrialPruned(f"pruned after epoch {epoch} (value {last:.4g})")
        if last is None:
            raise ValueError("Invalid train_fn: it yielded no value")
        return last


def optuna_objective(train_fn, space):
    """An :class:`OptunaObjective` (see there): ``study.optimize(optuna_objective(f, space))``.

    Example: ``optuna_objective(functools.partial(train_mlp_digits, epochs=10), space)``
    with ``direction="maximize"`` (it yields dev accuracy).
    """
    return OptunaObjective(train_fn, space)


def open_storage(storage):
    """An Optuna storage: a database URL (contains ``"://"``: ``"postgresql://..."``,
    ``"mysql://..."``, ``"sqlite:///file.db"``) is returned as is for Optuna to open; a
    path (``str`` or ``Path``) opens a journal file, ``JournalStorage(JournalFileBackend(
    path, JournalFileOpenLock(path)))``, safe for several processes on one machine (the
    lock is a file created with ``O_EXCL``, which works on Linux, macOS and Windows).
    Storage objects pass through."""
    import optuna
    from optuna.storages.journal import JournalFileBackend, JournalFileOpenLock

    if isinstance(storage, optuna.storages.BaseStorage):
        return storage
    if isinstance(storage, str) and "://" in storage:
        return storage
    if not isinstance(storage, (str, os.PathLike)):
        raise TypeError(f"Invalid storage: {storage!r} (expected a file path or a database URL)")
    path = os.fspath(Path(storage).absolute())
    return optuna.storages.JournalStorage(JournalFileBackend(path, JournalFileOpenLock(path)))


class _Tagged:
    """The objective of one worker: records the worker's index and process id on each trial."""

    def __init__(self, objective, index):
        self.objective, self.index = objective, index

    def __call__(self, trial):
        trial.set_user_attr("worker", self.index)
        trial.set_user_attr("pid", os.getpid())
        return self.objective(trial)


def _resolve(objective):
    if isinstance(objective, str):
        module, sep, attr = objective.partition(":")
        if not sep:
            raise ValueError(f"Invalid objective: {objective!r} (expected 'package.module:name')")
        import importlib

        return functools.reduce(getattr, attr.split("."), importlib.import_module(module))
    return objective


def _payload(job):
    """Pickle the job, refusing objects that a fresh process could not import."""
    for key in ("objective", "sampler", "pruner"):
        try:
            data = pickle.dumps(job[key], protocol=2)  # protocol 2 names globals in GLOBAL ops
        except (pickle.PicklingError, AttributeError, TypeError) as err:
            raise TypeError(
                f"Invalid {key}: it cannot be sent to another process ({err}); define it in a "
                ".py module (not as a lambda or a nested function) and import it"
            ) from err
        for op, arg, _ in pickletools.genops(data):
            if op.name == "GLOBAL" and arg.split(" ")[0] == "__main__":
                raise TypeError(
                    f"Invalid {key}: {arg.split(' ')[1]!r} is defined in __main__ (a notebook "
                    "or a script), which worker processes cannot import; move it to a .py "
                    "module and import it from there"
                )
    return pickle.dumps(job)


def run_workers(
    study_name,
    storage,
    objective,
    n_workers=2,
    n_trials_per_worker=10,
    *,
    direction="minimize",
    sampler=None,
    pruner=None,
    seed=None,
    timeout=None,
    verbose=False,
):
    """Run one Optuna study in ``n_workers`` separate processes and return it when all end.

    The "caviar" strategy on one machine: the study is created in ``storage`` (a journal
    file path, or a database URL; see :func:`open_storage`) if it does not exist yet, then
    each worker process, ``python -c "from coursepkg.tuning import _worker_main; ..."``,
    loads it and runs ``study.optimize(objective, n_trials=n_trials_per_worker)``. The
    storage hands out trial numbers, so the study ends with ``n_workers *
    n_trials_per_worker`` more trials, none lost or numbered twice; each trial records
    its ``worker`` index and ``pid`` in ``user_attrs``. To add machines, start the same
    call on each of them with a shared PostgreSQL/MySQL URL.

    ``objective``: an Optuna objective ``f(trial) -> float`` that a fresh process can
    import: a function of a ``.py`` module, an :class:`OptunaObjective` of one, or the
    string ``"package.module:name"``. Functions defined in a notebook cannot be sent
    (``TypeError``). ``sampler``: a sampler class or factory called as
    ``sampler(seed=...)`` in each worker (default ``optuna.samplers.TPESampler``); worker
    ``k`` gets ``seed + k`` so that the workers do not propose the same points.
    ``pruner``: an Optuna pruner (default: Optuna's ``MedianPruner``). ``timeout``: seconds
    per worker, passed to ``optimize``. Workers run with one BLAS thread each; their
    logs are printed with ``verbose=True`` and shown in the error if a worker fails.
    The returned study reads its storage lazily: keep a journal file (or the database)
    for as long as you use the study, e.g. copy ``study.trials`` before deleting a
    temporary directory that holds the file.
    """
    import optuna

    direction = _direction(direction)
    n_workers, n_trials = _count(n_workers, "n_workers"), _count(n_trials_per_worker, "n_trials")
    if not isinstance(study_name, str) or not study_name:
        raise ValueError(f"Invalid study_name: {study_name!r} (expected a non-empty string)")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise TypeError(f"Invalid seed: {seed!r} (expected None or an integer)")
    if sampler is not None and not callable(sampler):
        raise TypeError(f"Invalid sampler: {sampler!r} (expected a sampler class or factory)")
    if not isinstance(storage, (str, os.PathLike)):
        raise TypeError(
            f"Invalid storage: {storage!r} (expected a journal file path or a database URL, "
            "which every worker opens for itself)"
        )
    target = _resolve(objective)
    if not callable(target):
        raise TypeError(f"Invalid objective: {objective!r} (expected a callable)")
    job = {
        "study_name": study_name,
        "storage": storage if isinstance(storage, str) else os.fspath(Path(storage).absolute()),
        "objective": objective,
        "n_trials": n_trials,
        "sampler": sampler,
        "pruner": pruner,
        "seed": seed,
        "timeout": timeout,
        "verbose": bool(verbose),
    }
    data = _payload(job)
    optuna.create_study(
        study_name=study_name,
        storage=open_storage(job["storage"]),
        direction=direction,
        load_if_exists=True,
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) if p else os.getcwd() for p in sys.path)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    code = "import sys; from coursepkg.tuning import _worker_main; _worker_main(sys.argv[1:])"
    with tempfile.TemporaryDirectory(prefix="coursepkg-workers-") as tmp, ExitStack() as stack:
        job_path = Path(tmp, "job.pkl")
        job_path.write_bytes(data)
        procs, logs = [], []
        for k in range(n_workers):
            log = stack.enter_context(open(Path(tmp, f"worker{k}.log"), "w+b"))
            logs.append(log)
            cmd = [sys.executable, "-c", code, str(job_path), str(k)]
            procs.append(subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env))
        codes = [proc.wait() for proc in procs]
        texts = []
        for log in logs:
            log.seek(0)
            texts.append(log.read().decode(errors="replace"))
    if verbose:
        for k, text in enumerate(texts):
            print(f"--- worker {k} ---\n{text}", end="" if text.endswith("\n") else "\n")
    failed = [k for k, rc in enumerate(codes) if rc != 0]
    if failed:
        k = failed[0]
        raise RuntimeError(
            f"worker {k} of study {study_name!r} exited with code {codes[k]}; its output "
            f"ends with:\n{texts[k][-3000:]}"
        )
    return optuna.load_study(study_name=study_name, storage=open_storage(job["storage"]))


def _worker_main(argv):
    """Entry point of a worker process: ``argv = [job_path, index]``."""
    import optuna

    job_path, index = argv[0], int(argv[1])
    with open(job_path, "rb") as f:
        job = pickle.load(f)
    optuna.logging.set_verbosity(optuna.logging.INFO if job["verbose"] else optuna.logging.WARNING)
    factory = job["sampler"] or optuna.samplers.TPESampler
    sampler = factory(seed=None if job["seed"] is None else job["seed"] + index)
    study = optuna.load_study(
        study_name=job["study_name"],
        storage=open_storage(job["storage"]),
        sampler=sampler,
        pruner=job["pruner"],
    )
    objective = _Tagged(_resolve(job["objective"]), index)
    study.optimize(objective, n_trials=job["n_trials"], timeout=job["timeout"])

"""coursepkg.tuning: the sampling scales (log-uniform covers each decade evenly: chi-square
test, fixed seed), grid/random/coarse-to-fine search, the built-in digits objective, the
Optuna bridge (suggest, pruning on a designed case) and two worker processes sharing one
journal-file study without losing or duplicating a trial."""

import functools
import math
import os
import sys
import warnings

import numpy as np
import optuna
import pytest
from scipy.stats import chisquare

from coursepkg import tuning as T

optuna.logging.set_verbosity(optuna.logging.WARNING)


# ---- the scales ---------------------------------------------------------------------------
def test_log_uniform_covers_each_decade_evenly():
    x = T.log_uniform(1e-4, 1.0, 4000, rng=0)
    assert x.min() >= 1e-4 and x.max() <= 1.0
    counts = np.histogram(np.log10(x), bins=4, range=(-4, 0))[0]
    assert chisquare(counts).pvalue > 0.01, counts  # about 1000 per decade
    # a linear scale puts ~90% of the draws in the last decade: the test rejects it
    linear = np.histogram(np.log10(T.uniform(1e-4, 1.0, 4000, rng=0)), bins=4, range=(-4, 0))[0]
    assert chisquare(linear).pvalue < 1e-100 and linear[-1] > 0.85 * 4000


def test_one_minus_log_uniform_spreads_the_averaging_window():
    beta = T.one_minus_log_uniform(0.9, 0.999, 4000, rng=1)
    assert beta.min() >= 0.9 and beta.max() <= 0.999
    counts = np.histogram(np.log10(1 - beta), bins=2, range=(-3, -1))[0]
    assert chisquare(counts).pvalue > 0.01, counts  # as many in 0.9..0.99 as in 0.99..0.999
    assert abs(np.mean(beta > 0.99) - 0.5) < 0.03
    assert np.mean(T.uniform(0.9, 0.999, 4000, rng=1) > 0.99) < 0.1  # linear: ~9%
    assert T.OneMinusLogUniform(0.9, 0.999).grid(3) == pytest.approx([0.9, 0.99, 0.999])


def test_sampling_is_reproducible_and_scalar_without_size():
    assert np.array_equal(T.log_uniform(1e-3, 1, 5, rng=3), T.log_uniform(1e-3, 1, 5, rng=3))
    assert isinstance(T.log_uniform(1e-3, 1, rng=3), float)
    np.random.seed(7)  # noqa: NPY002 - rng=None uses the global state seed_everything sets
    a = T.uniform(0, 1, 3)
    np.random.seed(7)  # noqa: NPY002
    assert np.array_equal(a, T.uniform(0, 1, 3))
    gen = np.random.default_rng(0)
    assert not np.array_equal(T.uniform(0, 1, 3, rng=gen), T.uniform(0, 1, 3, rng=gen))


def test_int_uniform_includes_both_ends_and_choice_draws_options():
    x = T.IntUniform(1, 3).sample(300, rng=0)
    assert set(x.tolist()) == {1, 2, 3}
    y = T.IntUniform(16, 128, log=True).sample(2000, rng=0)
    assert y.min() == 16 and y.max() == 128
    assert abs(np.mean(y < 45) - 0.5) < 0.05  # 45 ~ sqrt(16 * 128): half on a log scale
    assert isinstance(T.IntUniform(1, 3).sample(rng=0), int)
    assert T.IntUniform(16, 128, log=True).grid(4) == [16, 32, 64, 128]
    assert set(T.Choice([32, 64]).sample(50, rng=0)) == {32, 64}
    assert T.Choice(np.array([1, 2])).options == (1, 2)  # NumPy scalars become Python ones


def test_invalid_ranges_raise():
    with pytest.raises(ValueError, match="Invalid range for LogUniform: low=1, high=0.1"):
        T.LogUniform(1, 0.1)
    with pytest.raises(ValueError, match="Invalid low for LogUniform: 0 .*low > 0"):
        T.log_uniform(0, 1)
    with pytest.raises(ValueError, match="Invalid range for Uniform: low=2, high=2"):
        T.uniform(2, 2)
    with pytest.raises(ValueError, match="Invalid high for OneMinusLogUniform: 1.0"):
        T.one_minus_log_uniform(0.9, 1.0)
    with pytest.raises(ValueError, match="Invalid range for IntUniform"):
        T.IntUniform(5, 5)
    with pytest.raises(ValueError, match="Invalid low of IntUniform: 0"):
        T.IntUniform(0, 10, log=True)
    with pytest.raises(TypeError, match="Invalid low of IntUniform: 1.5"):
        T.IntUniform(1.5, 10)
    with pytest.raises(ValueError, match="Invalid options of Choice: empty"):
        T.Choice([])
    with pytest.raises(TypeError, match="Invalid rng"):
        T.uniform(0, 1, 3, rng="seed")
    with pytest.raises(ValueError, match="Invalid shrink: 1.5"):
        T.coarse_to_fine(T.toy_loss, {"lr": T.LogUniform(1e-4, 1)}, 5, 2, 1.5, rng=0)


# ---- searches ------------------------------------------------------------------------------
SPACE = {"lr": T.LogUniform(1e-4, 1.0), "eps": T.LogUniform(1e-10, 1e-6)}


def test_grid_is_the_cartesian_product():
    g = T.grid({"lr": [0.1, 0.01], "batch": T.Choice([32, 64, 128]), "epochs": 5})
    assert len(g) == 6 and g[0] == {"lr": 0.1, "batch": 32, "epochs": 5}
    assert g[1] == {"lr": 0.1, "batch": 64, "epochs": 5}  # the last key varies fastest
    assert T.LogUniform(1e-4, 1).grid(5) == pytest.approx([1e-4, 1e-3, 1e-2, 1e-1, 1.0])
    with pytest.raises(TypeError, match=r"Invalid grid values for 'lr'.*\.grid\(n\)"):
        T.grid(SPACE)
    with pytest.raises(ValueError, match="Invalid space: empty"):
        T.grid({})


def test_random_search_tries_many_more_values_of_the_important_hyperparameter():
    budget = 25
    g = T.grid_search(T.toy_loss, {name: spec.grid(5) for name, spec in SPACE.items()})
    r = T.random_search(T.toy_loss, SPACE, budget, rng=0)
    assert len(g.values) == len(r.values) == budget
    assert len(set(g.column("lr"))) == 5 and len(set(r.column("lr"))) == budget
    assert r.best_value == min(r.values) and r.best_params == r.params[int(np.argmin(r.values))]
    assert r.best_value < g.best_value  # the grid never gets closer than lr = 1e-3 or 1e-2
    best_lr_error = abs(math.log10(r.best_params["lr"]) + 2.5)
    assert best_lr_error < 0.2


def test_search_direction_and_non_finite_values():
    r = T.random_search(lambda p: -T.toy_loss(p), SPACE, 10, rng=0, direction="maximize")
    assert r.best_value == max(r.values)
    nan_first = T.grid_search(lambda p: math.nan if p["x"] == 1 else p["x"], {"x": [1, 3, 2]})
    assert nan_first.best_params == {"x": 2}  # a diverged (nan) run never wins
    all_nan = T.grid_search(lambda p: math.nan, {"x": [1, 2]})
    assert all_nan.best_index is None and all_nan.best_params is None
    with pytest.raises(ValueError, match="Invalid direction: 'max'"):
        T.random_search(T.toy_loss, SPACE, 3, rng=0, direction="max")
    with pytest.raises(ValueError, match="Invalid n: 0"):
        T.random_search(T.toy_loss, SPACE, 0, rng=0)


def test_coarse_to_fine_narrows_around_the_best_point():
    r = T.coarse_to_fine(T.toy_loss, SPACE, 10, rounds=3, shrink=0.25, rng=0)
    assert len(r.values) == 30 and r.rounds.tolist() == [0] * 10 + [1] * 10 + [2] * 10
    widths = [math.log10(s["lr"].high / s["lr"].low) for s in r.spaces]
    assert widths == pytest.approx([4.0, 1.0, 0.25])  # decades: 4 -> 1 -> 0.25
    for outer, inner in zip(r.spaces, r.spaces[1:], strict=False):
        assert outer["lr"].low <= inner["lr"].low < inner["lr"].high <= outer["lr"].high
    for k in range(1, 3):  # every draw of a round lies in that round's box
        lr = r.column("lr")[r.rounds == k]
        assert (lr >= r.spaces[k]["lr"].low).all() and (lr <= r.spaces[k]["lr"].high).all()
    first_round = r.values[r.rounds == 0].min()
    assert r.best_value < first_round and r.best_index >= 10
    assert isinstance(r.spaces[1]["lr"].low, float)


def test_narrow_stays_inside_the_range():
    lo = T.LogUniform(1e-4, 1).narrow(1e-4, 0.25)  # centre at the edge: shifted inside
    assert lo.low == pytest.approx(1e-4) and lo.high == pytest.approx(1e-3)
    b = T.OneMinusLogUniform(0.9, 0.999).narrow(0.99, 0.5)
    assert b.low == pytest.approx(1 - 10**-1.5) and b.high == pytest.approx(1 - 10**-2.5)
    i = T.IntUniform(16, 128, log=True).narrow(128, 0.1)
    assert 16 <= i.low < i.high == 128
    assert T.Choice([1, 2]).narrow(1, 0.5) == T.Choice([1, 2])


# ---- the built-in objective ---------------------------------------------------------------------
def test_train_mlp_digits_yields_dev_accuracy_per_epoch():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        curve = list(T.train_mlp_digits({"lr": 0.1, "hidden": 32}, epochs=6, seed=0))
        assert curve == list(T.train_mlp_digits({"lr": 0.1, "hidden": 32}, epochs=6, seed=0))
        assert len(curve) == 6 and all(0 <= a <= 1 for a in curve)
        assert curve[-1] > 0.9 and curve[-1] > curve[0]
        slow = list(T.train_mlp_digits({"lr": 1e-4}, epochs=3))
        assert slow[-1] < 0.5  # a learning rate far too small barely moves
        diverged = list(T.train_mlp_digits({"lr": 1e8}, epochs=5))  # no RuntimeWarning
        assert len(diverged) < 5 and diverged[-1] < 0.3  # stops early near chance
    with pytest.raises(ValueError, match="Invalid hyperparameter: 'learning_rate'"):
        T.train_mlp_digits({"learning_rate": 0.1})
    with pytest.raises(ValueError, match="Invalid optimizer: 'sgd'"):
        T.train_mlp_digits({"optimizer": "sgd"})


def test_digits_are_sklearns():
    from sklearn.datasets import load_digits

    X, y = T._digits_arrays()
    digits = load_digits()
    np.testing.assert_array_equal(X, digits.data)
    np.testing.assert_array_equal(y, digits.target)
    X_tr, y_tr, X_dev, y_dev = T._digits()
    assert (len(y_tr), len(y_dev)) == (1079, 359) and X_tr.shape[1] == 64


# ---- the Optuna bridge -----------------------------------------------------------------------
TRIAL_SPACE = {
    "lr": T.LogUniform(1e-4, 1.0),
    "hidden": T.IntUniform(16, 128, log=True),
    "batch_size": [32, 64, 128],
    "beta": T.OneMinusLogUniform(0.9, 0.999),
    "optimizer": "momentum",
}


def test_suggest_uses_optuna_distributions_on_the_right_scale():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    trial = study.ask()
    params = T.suggest(trial, TRIAL_SPACE)
    assert set(params) == set(TRIAL_SPACE) and params["optimizer"] == "momentum"
    dist = trial.distributions
    assert dist["lr"].log and dist["hidden"].log and dist["one_minus_beta"].log
    assert (dist["one_minus_beta"].low, dist["one_minus_beta"].high) == pytest.approx((1e-3, 0.1))
    assert params["beta"] == pytest.approx(1 - trial.params["one_minus_beta"])
    assert params["batch_size"] in (32, 64, 128)
    fixed = optuna.trial.FixedTrial(
        {"lr": 0.01, "hidden": 64, "batch_size": 32, "one_minus_beta": 0.01}
    )
    assert T.suggest(fixed, TRIAL_SPACE)["beta"] == pytest.approx(0.99)
    assert T.from_optuna(fixed.params, TRIAL_SPACE) == pytest.approx(
        {"lr": 0.01, "hidden": 64, "batch_size": 32, "beta": 0.99, "optimizer": "momentum"}
    )


def _curve(params):
    """A designed learning curve: ``x`` sets how good the run is at every epoch."""
    for epoch in range(1, 6):
        yield params["x"] * epoch / 5


def test_pruning_stops_the_bad_trials_early():
    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.RandomSampler(seed=0),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=3),
    )
    study.optimize(T.optuna_objective(_curve, {"x": T.Uniform(0.0, 1.0)}), n_trials=20)
    state = optuna.trial.TrialState
    pruned = [t for t in study.trials if t.state == state.PRUNED]
    complete = [t for t in study.trials if t.state == state.COMPLETE]
    assert len(pruned) >= 5 and len(complete) >= 3
    assert all(len(t.intermediate_values) < 5 for t in pruned)
    assert all(list(t.intermediate_values) == [1, 2, 3, 4, 5] for t in complete)
    assert max(t.params["x"] for t in pruned) < max(t.params["x"] for t in complete)
    assert study.best_value == pytest.approx(study.best_params["x"])  # the last value


def test_objective_accepts_a_plain_number_and_rejects_an_empty_curve():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(T.optuna_objective(T.toy_loss, SPACE), n_trials=3)
    assert len(study.trials) == 3
    assert study.best_value == pytest.approx(T.toy_loss(study.best_params))
    empty = T.optuna_objective(lambda p: iter(()), {"x": T.Uniform(0, 1)})
    with pytest.raises(ValueError, match="yielded no value"):
        empty(optuna.trial.FixedTrial({"x": 0.5}))


def test_open_storage(tmp_path):
    assert isinstance(T.open_storage(tmp_path / "s.log"), optuna.storages.JournalStorage)
    assert T.open_storage("postgresql://user:pw@host/db") == "postgresql://user:pw@host/db"
    with pytest.raises(TypeError, match="Invalid storage: 3"):
        T.open_storage(3)


def test_two_worker_processes_share_one_study(tmp_path):
    space = {k: v for k, v in TRIAL_SPACE.items() if k != "optimizer"}
    objective = T.optuna_objective(functools.partial(T.train_mlp_digits, epochs=2), space)
    study = T.run_workers(
        "caviar", tmp_path / "study.log", objective, 2, 3, direction="maximize", seed=0
    )
    trials = study.trials
    assert sorted(t.number for t in trials) == list(range(6))  # none lost, none twice
    states = {t.state for t in trials}
    assert states <= {optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED}
    by_worker = {k: [t for t in trials if t.user_attrs["worker"] == k] for k in (0, 1)}
    assert [len(v) for v in by_worker.values()] == [3, 3]
    pids = {t.user_attrs["pid"] for t in trials}
    assert len(pids) == 2 and os.getpid() not in pids  # two separate OS processes
    assert study.direction == optuna.study.StudyDirection.MAXIMIZE
    assert 0 < study.best_value <= 1


def test_run_workers_refuses_what_a_worker_cannot_import(tmp_path, monkeypatch):
    def notebook_fn(trial):
        return 0.0

    notebook_fn.__module__, notebook_fn.__qualname__ = "__main__", "notebook_fn"
    monkeypatch.setattr(sys.modules["__main__"], "notebook_fn", notebook_fn, raising=False)
    with pytest.raises(TypeError, match="'notebook_fn' is defined in __main__"):
        T.run_workers("s", tmp_path / "s.log", notebook_fn, 2, 1)
    with pytest.raises(TypeError, match="Invalid objective: it cannot be sent to another process"):
        T.run_workers("s", tmp_path / "s.log", lambda trial: 0.0, 2, 1)
    with pytest.raises(ValueError, match="Invalid n_workers: 0"):
        T.run_workers("s", tmp_path / "s.log", T.toy_loss, 0, 1)


def test_a_failing_worker_raises_with_its_output(tmp_path):
    # toy_loss expects a dict, not a trial: the worker fails and the parent says so
    with pytest.raises(RuntimeError, match=r"worker 0 of study 'f' exited with code 1"):
        T.run_workers("f", tmp_path / "f.log", "coursepkg.tuning:toy_loss", 1, 1)

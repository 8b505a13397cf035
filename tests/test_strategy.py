"""coursepkg.strategy: the seed's bias/variance tables diagnosed by code (with its arithmetic
checked), data mismatch and dev-set overfitting, the error-analysis tally and its ceiling,
the satisficing choice of the seed's latency table, the weighted cross-entropy against
torch and a gradient check, balanced weights against sklearn, and input errors."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.utils.class_weight import compute_sample_weight

from coursepkg import strategy as S
from coursepkg.gradcheck import grad_check
from coursepkg.layers import softmax_cross_entropy
from tests.conftest import devices

# ---- bias and variance: the seed's model table (errors as fractions) --------------------------
BAYES, HUMAN = 0.005, 0.007
MODELS = {  # train, dev
    "A": (0.035, 0.078),
    "B": (0.035, 0.040),
    "C": (0.010, 0.050),
    "D": (0.008, 0.010),
}


def test_seed_model_table_is_reproduced():
    # seed rows: Bias / Avoidable bias = 3.0/2.8, 3.0/2.8, 0.5/0.3, 0.3/0.1 (%);
    # Variance = 4.3, 0.8, 4.0, 0.2 (%). Model B's variance is wrong in the seed:
    # dev - train = 4.0% - 3.5% = 0.5%, not 0.8%.
    expected = {  # bias (vs Bayes), avoidable bias (vs human level), variance
        "A": (0.030, 0.028, 0.043),
        "B": (0.030, 0.028, 0.005),  # the seed prints 0.8% for this variance
        "C": (0.005, 0.003, 0.040),
        "D": (0.003, 0.001, 0.002),
    }
    for model, (train, dev) in MODELS.items():
        vs_bayes = S.diagnose(BAYES, train, dev=dev)
        vs_human = S.diagnose(HUMAN, train, dev=dev)
        assert (vs_bayes.avoidable_bias, vs_human.avoidable_bias, vs_human.variance) == expected[
            model
        ]
        assert vs_bayes.verdict == vs_human.verdict
    verdicts = {m: S.diagnose(HUMAN, *MODELS[m][:1], dev=MODELS[m][1]).verdict for m in MODELS}
    assert verdicts == {
        "A": "both bias and variance",  # seed: high bias, high variance
        "B": "high bias",  # seed: high bias, low variance
        "C": "high variance",  # seed: low bias, high variance
        "D": "good",  # seed: low bias and variance, quite well trained
    }


def test_seed_train_dev_examples_are_reproduced():
    # seed: train/dev errors 1/12, 12/13, 12/20, 1/2 % (Bayes error about 0)
    cases = {
        (0.01, 0.12): ("high variance",),
        (0.12, 0.13): ("high bias",),
        (0.12, 0.20): ("high bias", "high variance"),
        (0.01, 0.02): (),
    }
    for (train, dev), problems in cases.items():
        assert S.diagnose(0.0, train, dev=dev).problems == problems


def test_advice_lists_the_knobs_of_each_problem_in_chain_order():
    d = S.diagnose(HUMAN, 0.035, dev=0.078)
    assert d.problems == ("high bias", "high variance")
    assert d.advice == S.KNOBS["high bias"] + S.KNOBS["high variance"]
    assert S.diagnose(HUMAN, 0.008, dev=0.01).advice == ()
    assert "bigger network (more units or layers)" in S.KNOBS["high bias"]
    assert not any("early stopping" in k for k in S.ORTHOGONALIZATION["fit the training set"])


def test_train_dev_set_separates_variance_from_data_mismatch():
    # human < train < train-dev < dev < test, as the seed lists it
    d = S.diagnose(0.01, 0.02, train_dev=0.025, dev=0.10, test=0.11)
    assert (d.avoidable_bias, d.variance, d.data_mismatch, d.dev_overfitting) == (
        0.01,
        0.005,
        0.075,
        0.01,
    )
    assert d.problems == ("data mismatch",) and d.verdict == "data mismatch"
    assert d.advice == S.KNOBS["data mismatch"]
    # without the train-dev set the same numbers look like variance
    assert S.diagnose(0.01, 0.02, dev=0.10).verdict == "high variance"
    overfit = S.diagnose(0.01, 0.015, dev=0.02, test=0.06)
    assert overfit.verdict == "overfitting the dev set"
    assert overfit.advice == S.KNOBS["overfitting the dev set"]


def test_largest_gap_is_the_verdict_and_missing_numbers_are_none():
    d = S.diagnose(0.0, 0.05, train_dev=0.06, dev=0.15)
    assert d.problems == ("high bias", "data mismatch") and d.verdict == "data mismatch"
    only_train = S.diagnose(0.01, 0.04)
    assert only_train.variance is None and only_train.data_mismatch is None
    assert only_train.dev_overfitting is None and only_train.verdict == "high bias"
    beats_humans = S.diagnose(0.005, 0.003, dev=0.004)  # the seed's "surpassing" example
    assert beats_humans.avoidable_bias == -0.002 and beats_humans.verdict == "good"
    assert S.diagnose(0.0, 0.12, dev=0.13, tol=0.005).problems == ("high bias", "high variance")


def test_diagnose_rejects_percentages_and_bad_values():
    with pytest.raises(ValueError, match=r"Invalid train error: 3.5 .*divide percentages by 100"):
        S.diagnose(0.5, 3.5, dev=7.8)
    with pytest.raises(ValueError, match="Invalid dev error: -0.1"):
        S.diagnose(0.0, 0.1, dev=-0.1)
    with pytest.raises(TypeError, match="Invalid bayes error"):
        S.diagnose("0.5%", 0.1)
    with pytest.raises(ValueError, match="Invalid tol: -1"):
        S.diagnose(0.0, 0.1, tol=-1)


# ---- error analysis -------------------------------------------------------------------------
SEED_CATEGORIES = [
    "too big",
    "blurry",
    "mislabeled",
    "cars",
    "data distribution 1",
    "weak representation",
]
SEED_PERCENT = [15, 42, 18, 32, 12, 18]  # "% of total" row of seed 004's table


def _seed_tags():
    """100 misclassified examples whose tags give the seed's percentages; the first three
    are the seed's rows (1: blurry + mislabeled, 2: cars + weak representation, 3: data
    distribution 1)."""
    tags = [set() for _ in range(100)]
    tags[0] |= {"blurry", "mislabeled"}
    tags[1] |= {"cars", "weak representation"}
    tags[2] |= {"data distribution 1"}
    for k, (name, percent) in enumerate(zip(SEED_CATEGORIES, SEED_PERCENT, strict=True)):
        missing = percent - sum(name in t for t in tags)
        free = [i for i in range(3, 100) if name not in tags[i]]
        start = 13 * k % len(free)  # spread the tags so that categories overlap
        for i in (free[start:] + free[:start])[:missing]:
            tags[i].add(name)
    return tags


def test_seed_error_analysis_table_is_reproduced():
    table = S.tally_errors(_seed_tags(), categories=SEED_CATEGORIES, error=0.10)
    by_name = {row.category: row for row in table}
    for name, percent in zip(SEED_CATEGORIES, SEED_PERCENT, strict=True):
        assert by_name[name].count == percent and by_name[name].fraction == percent / 100
    assert [row.category for row in table][:2] == ["blurry", "cars"]  # most frequent first
    # the percentages add up to 137%: examples carry several tags, nothing is wrong
    assert sum(row.fraction for row in table) == pytest.approx(1.37)
    # with a 10% dev error, fixing every blurry image can at best bring it to 5.8%
    assert by_name["blurry"].ceiling == 0.042 and by_name["blurry"].best_error == 0.058
    assert by_name["data distribution 1"].best_error == 0.088


def test_tally_without_error_and_default_order():
    table = S.tally_errors([{"b", "a"}, {"a"}, set(), ["c"]])
    assert [(r.category, r.count) for r in table][0] == ("a", 2)
    assert table[0].fraction == 0.5 and table[0].ceiling is None and table[0].best_error is None
    assert sorted(r.category for r in table) == ["a", "b", "c"]


def test_tally_rejects_bad_tags():
    with pytest.raises(TypeError, match="Invalid tags for example 1: 'blurry'"):
        S.tally_errors([{"cars"}, "blurry"])
    with pytest.raises(ValueError, match="Invalid tag for example 0: 'dogs'"):
        S.tally_errors([{"dogs"}], categories=["cars"])
    with pytest.raises(ValueError, match="Invalid tags: empty"):
        S.tally_errors([])
    with pytest.raises(ValueError, match="Invalid dev error: 10"):
        S.tally_errors([{"a"}], error=10)


# ---- satisficing and optimizing ---------------------------------------------------------------
SEED_LATENCY = {  # seed 004: accuracy and classification time of six classifiers
    "A": {"accuracy": 0.945, "time_ms": 70},
    "B": {"accuracy": 0.950, "time_ms": 95},
    "C": {"accuracy": 0.943, "time_ms": 35},
    "D": {"accuracy": 0.955, "time_ms": 240},
    "E": {"accuracy": 0.968, "time_ms": 980},
    "F": {"accuracy": 0.945, "time_ms": 60},
}


def test_seed_latency_table_is_solved():
    choice = S.satisficing_choice(SEED_LATENCY, "accuracy", {"time_ms": ("<", 100)})
    assert choice == S.Selection("B", 0.95, ("A", "B", "C", "F"))
    assert S.satisficing_choice(SEED_LATENCY, "accuracy").best == "E"  # no constraint
    fastest = S.satisficing_choice(
        SEED_LATENCY, "time_ms", {"accuracy": (">=", 0.95)}, maximize=False
    )
    assert fastest.best == "B" and fastest.feasible == ("B", "D", "E")
    nothing = S.satisficing_choice(SEED_LATENCY, "accuracy", {"time_ms": ("<", 10)})
    assert nothing == S.Selection(None, None, ())


def test_satisficing_rejects_bad_input():
    with pytest.raises(ValueError, match="Invalid constraint for 'time_ms'"):
        S.satisficing_choice(SEED_LATENCY, "accuracy", {"time_ms": ("<<", 100)})
    with pytest.raises(ValueError, match="Invalid candidate 'A': no metric 'f1'"):
        S.satisficing_choice(SEED_LATENCY, "f1")
    with pytest.raises(TypeError, match="Invalid candidates"):
        S.satisficing_choice([], "accuracy")


# ---- weighted cross-entropy -------------------------------------------------------------------
def _problem(rng, n=8, c=4):
    return rng.normal(size=(n, c)), rng.integers(0, c, n), rng.uniform(0.1, 3.0, n)


def test_weighted_cross_entropy_passes_a_gradient_check(rng):
    z, y, s = _problem(rng)
    loss, dz = S.weighted_cross_entropy(z, y, s)
    ok, err = grad_check(lambda v: S.weighted_cross_entropy(v, y, s)[0], z, dz)
    assert ok, err


@pytest.mark.parametrize("device", devices())
def test_weighted_cross_entropy_matches_torch(rng, device):
    z, y, s = _problem(rng)
    zt = torch.tensor(z, device=device, requires_grad=True)
    yt, st = torch.tensor(y, device=device), torch.tensor(s, device=device)
    ref = (st * F.cross_entropy(zt, yt, reduction="none")).sum() / st.sum()
    ref.backward()
    loss, dz = S.weighted_cross_entropy(zt.detach(), yt, st)
    assert dz.device.type == device
    np.testing.assert_allclose(loss.item(), ref.item(), rtol=1e-12)
    np.testing.assert_allclose(dz.cpu().numpy(), zt.grad.cpu().numpy(), rtol=1e-10, atol=1e-15)
    np_loss, np_dz = S.weighted_cross_entropy(z, y, s)
    np.testing.assert_allclose(np_loss, loss.item(), rtol=1e-12)
    np.testing.assert_allclose(np_dz, dz.cpu().numpy(), rtol=1e-12)


def test_unit_weights_give_softmax_cross_entropy_and_class_weights_give_torch_weight(rng):
    z, y, _ = _problem(rng)
    loss, dz = S.weighted_cross_entropy(z, y, np.ones(len(y)))
    ref_loss, ref_dz = softmax_cross_entropy(z, y)
    np.testing.assert_allclose(loss, ref_loss, rtol=1e-12)
    np.testing.assert_allclose(dz, ref_dz, rtol=1e-12)
    # torch's per-class weight= is s_i = weight[y_i], normalised by the same sum
    w = np.array([0.5, 2.0, 1.0, 4.0])
    ref = F.cross_entropy(torch.tensor(z), torch.tensor(y), weight=torch.tensor(w))
    np.testing.assert_allclose(S.weighted_cross_entropy(z, y, w[y])[0], ref.item(), rtol=1e-12)
    # scaling every weight leaves the loss unchanged; a zero weight removes an example
    np.testing.assert_allclose(
        S.weighted_cross_entropy(z, y, 7.0 * w[y])[0], ref.item(), rtol=1e-12
    )
    s = np.ones(len(y))
    s[0] = 0.0
    np.testing.assert_allclose(
        S.weighted_cross_entropy(z, y, s)[0], softmax_cross_entropy(z[1:], y[1:])[0], rtol=1e-12
    )


def test_weighted_cross_entropy_rejects_bad_weights(rng):
    z, y, s = _problem(rng)
    with pytest.raises(ValueError, match=r"Invalid shape for s: \(3,\)"):
        S.weighted_cross_entropy(z, y, s[:3])
    with pytest.raises(ValueError, match="Invalid s: all weights are zero"):
        S.weighted_cross_entropy(z, y, np.zeros(len(y)))
    with pytest.raises(ValueError, match="Invalid s: expected finite weights >= 0"):
        S.weighted_cross_entropy(z, y, -s)
    with pytest.raises(TypeError, match="Invalid dtype for s: int64"):
        S.weighted_cross_entropy(z, y, np.ones(len(y), dtype=np.int64))
    with pytest.raises(ValueError, match="Invalid label in y: 9"):
        S.weighted_cross_entropy(z, np.full(len(y), 9), s)


@pytest.mark.parametrize("device", devices())
def test_balanced_sample_weights_match_sklearn(rng, device):
    y = rng.choice([0, 1, 1, 1, 3, 3, 3, 3, 3, 3], size=50)  # class 2 absent
    expected = compute_sample_weight("balanced", y)
    np.testing.assert_allclose(S.balanced_sample_weights(y), expected, rtol=1e-12)
    got = S.balanced_sample_weights(torch.tensor(y, device=device))
    assert got.device.type == device and got.dtype == torch.float64
    np.testing.assert_allclose(got.cpu().numpy(), expected, rtol=1e-12)
    w = S.balanced_sample_weights(y)
    totals = [w[y == k].sum() for k in (0, 1, 3)]
    np.testing.assert_allclose(totals, totals[0])  # every class weighs the same in the loss
    with pytest.raises(TypeError, match="Invalid dtype for y: float64"):
        S.balanced_sample_weights(np.array([0.0, 1.0]))


def test_a_dominant_data_mismatch_is_the_verdict_even_with_bias_and_variance_high():
    d = S.diagnose(0.0, 0.055, train_dev=0.089, dev=0.438)
    assert set(d.problems) == {"high bias", "high variance", "data mismatch"}
    assert d.verdict == "data mismatch"

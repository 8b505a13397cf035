"""coursepkg.metrics and its torch twin: confusion matrix, precision/recall/F-beta and their
averages against sklearn.metrics on random labels, every rate of the confusion-matrix table
against hand-computed values, the seed's classifier tables, division by zero (defined
values, no warnings), the harmonic mean against scipy, and input errors."""

import math
import warnings

import numpy as np
import pytest
import torch
from scipy.stats import hmean
from sklearn import metrics as skm

from coursepkg import metrics as M
from coursepkg.torch import metrics as TM
from tests.conftest import devices

AVERAGES = ["binary", "micro", "macro", "weighted", None]
BETAS = [0.5, 1.0, 2.0, 3.7]


@pytest.fixture(autouse=True)
def _no_warnings():
    """Every metric here must compute without a RuntimeWarning or any other warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def _sk_prf(y_true, y_pred, **kw):
    kw.setdefault("average", "binary")  # sklearn's default is None, ours "binary"
    with warnings.catch_warnings():  # sklearn may warn (e.g. pos_label ignored); we must not
        warnings.simplefilter("ignore")
        return skm.precision_recall_fscore_support(y_true, y_pred, **kw)


def _labels(rng, n, k):
    return rng.integers(0, k, n), rng.integers(0, k, n)


def _assert_prf(ours, theirs):
    for a, b in zip(ours, theirs, strict=True):
        if b is None:
            assert a is None
        elif np.ndim(b) == 0:
            assert isinstance(a, float)
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=0)
        else:
            a = a.cpu().numpy() if isinstance(a, torch.Tensor) else a
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=0)


# ---- confusion matrix ------------------------------------------------------------------
@pytest.mark.parametrize("k", [2, 3, 7])
def test_confusion_matrix_matches_sklearn(rng, k):
    for _ in range(5):
        y_true, y_pred = _labels(rng, 60, k)
        np.testing.assert_array_equal(
            M.confusion_matrix(y_true, y_pred), skm.confusion_matrix(y_true, y_pred)
        )


def test_confusion_matrix_labels_order_subset_and_absent_classes(rng):
    y_true, y_pred = _labels(rng, 80, 5)
    for labels in ([4, 0, 2], [1, 9, 3], [3, 2, 1, 0, 4]):
        np.testing.assert_array_equal(
            M.confusion_matrix(y_true, y_pred, labels=labels),
            skm.confusion_matrix(y_true, y_pred, labels=labels),
        )


def test_confusion_matrix_layout_rows_are_true_classes():
    cm = M.confusion_matrix([1, 1, 1, 0], [1, 0, 1, 1])
    tn, fp, fn, tp = cm.ravel()  # sklearn's binary layout
    assert (tn, fp, fn, tp) == (0, 1, 1, 2)
    assert cm.dtype == np.int64


@pytest.mark.parametrize("device", devices())
def test_torch_confusion_matrix_stays_on_device(rng, device):
    y_true, y_pred = _labels(rng, 50, 4)
    cm = TM.confusion_matrix(
        torch.tensor(y_true, device=device), torch.tensor(y_pred, device=device)
    )
    assert cm.device.type == device and cm.dtype == torch.int64
    np.testing.assert_array_equal(cm.cpu().numpy(), skm.confusion_matrix(y_true, y_pred))


# ---- precision, recall, F-beta vs sklearn -------------------------------------------------
@pytest.mark.parametrize("beta", BETAS)
@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("k", [2, 4])
def test_precision_recall_fscore_matches_sklearn(rng, k, average, beta):
    if average == "binary" and k > 2:
        pytest.skip("binary averaging needs two classes")
    for _ in range(4):
        y_true, y_pred = _labels(rng, 40, k)
        ours = M.precision_recall_fscore(y_true, y_pred, beta=beta, average=average)
        theirs = _sk_prf(y_true, y_pred, beta=beta, average=average, zero_division=0.0)
        _assert_prf(ours, theirs)


@pytest.mark.parametrize("average", ["micro", "macro", "weighted", None])
def test_labels_argument_matches_sklearn(rng, average):
    y_true, y_pred = _labels(rng, 50, 5)
    for labels in ([0, 3], [4, 2, 9]):  # 9 never occurs: zero support, zero division
        ours = M.precision_recall_fscore(y_true, y_pred, average=average, labels=labels)
        theirs = _sk_prf(y_true, y_pred, average=average, labels=labels, zero_division=0.0)
        _assert_prf(ours, theirs)


@pytest.mark.parametrize("pos_label", [0, 1])
def test_pos_label_matches_sklearn(rng, pos_label):
    y_true, y_pred = _labels(rng, 40, 2)
    ours = M.precision_recall_fscore(y_true, y_pred, pos_label=pos_label, beta=2.0)
    _assert_prf(ours, _sk_prf(y_true, y_pred, pos_label=pos_label, beta=2.0))


def test_micro_average_equals_accuracy(rng):
    y_true, y_pred = _labels(rng, 100, 6)
    p, r, f, _ = M.precision_recall_fscore(y_true, y_pred, average="micro")
    acc = float((y_true == y_pred).mean())
    assert p == pytest.approx(acc, rel=1e-12) and r == pytest.approx(acc, rel=1e-12)
    assert f == pytest.approx(acc, rel=1e-12)


def test_shortcuts_match_sklearn(rng):
    y_true, y_pred = _labels(rng, 60, 3)
    for average in ("macro", "weighted", "micro"):
        assert M.f1_score(y_true, y_pred, average=average) == pytest.approx(
            skm.f1_score(y_true, y_pred, average=average), rel=1e-12
        )
        assert M.fbeta_score(y_true, y_pred, beta=0.5, average=average) == pytest.approx(
            skm.fbeta_score(y_true, y_pred, beta=0.5, average=average), rel=1e-12
        )


def test_bool_labels_are_accepted(rng):
    y_true, y_pred = rng.random(30) > 0.5, rng.random(30) > 0.4
    _assert_prf(M.precision_recall_fscore(y_true, y_pred), _sk_prf(y_true, y_pred))


@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("average", AVERAGES)
def test_torch_twin_equals_numpy(rng, device, average):
    k = 2 if average == "binary" else 5
    y_true, y_pred = _labels(rng, 70, k)
    ours = TM.precision_recall_fscore(
        torch.tensor(y_true, device=device),
        torch.tensor(y_pred, device=device),
        beta=2.0,
        average=average,
    )
    if average is None:
        assert all(t.device.type == device for t in ours)
    _assert_prf(ours, M.precision_recall_fscore(y_true, y_pred, beta=2.0, average=average))


# ---- division by zero: defined values, never a warning ---------------------------------------
@pytest.mark.parametrize("zero_division", [0.0, 1.0, math.nan])
@pytest.mark.parametrize(
    "y_true, y_pred",
    [
        ([1, 0, 1, 0], [0, 0, 0, 0]),  # no positive prediction: precision is 0/0
        ([0, 0, 0, 0], [1, 0, 1, 0]),  # no positive label: recall is 0/0
        ([0, 0, 0, 0], [0, 0, 0, 0]),  # neither: F is 0/0 too
    ],
)
def test_zero_division_matches_sklearn_without_warnings(y_true, y_pred, zero_division):
    y_true, y_pred = np.array(y_true), np.array(y_pred)
    ours = M.precision_recall_fscore(y_true, y_pred, zero_division=zero_division)
    theirs = _sk_prf(y_true, y_pred, zero_division=zero_division, average="binary")
    np.testing.assert_allclose(ours[:3], theirs[:3], rtol=0, atol=0)  # nan == nan here
    assert ours[3] is None


def test_zero_division_default_is_zero_not_nan():
    p, r, f, _ = M.precision_recall_fscore([1, 0, 1], [0, 0, 0])
    assert (p, r, f) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("zero_division", [0.0, 1.0, math.nan])
def test_zero_division_in_class_averages_matches_sklearn(zero_division):
    y_true = np.array([0, 0, 1, 1, 2, 2])
    y_pred = np.array([0, 0, 0, 1, 0, 1])  # class 2 never predicted: its precision is 0/0
    for average in ("macro", "weighted", None):
        ours = M.precision_recall_fscore(
            y_true, y_pred, average=average, zero_division=zero_division
        )
        theirs = _sk_prf(y_true, y_pred, average=average, zero_division=zero_division)
        for a, b in zip(ours[:3], theirs[:3], strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-12)


# ---- every rate of the table --------------------------------------------------------------
# A worked example (the seed's table has formulas but no numbers): TP=40, FP=10, FN=20,
# TN=130. P = 60, N = 140, PP = 50, PN = 150, ALL = 200.
HAND = {
    "prevalence": 60 / 200,  # P / ALL = 0.3. The seed writes PP / ALL (= 0.25): that is the
    # fraction *predicted* positive, not the prevalence of the positive class.
    "accuracy": 170 / 200,
    "ppv": 40 / 50,
    "fdr": 10 / 50,
    "for_": 20 / 150,
    "npv": 130 / 150,
    "tpr": 40 / 60,
    "fnr": 20 / 60,
    "fpr": 10 / 140,
    "tnr": 130 / 140,
    "lr_plus": (40 / 60) / (10 / 140),  # 9.333
    "lr_minus": (20 / 60) / (130 / 140),  # 0.359
    "dor": 40 * 130 / (10 * 20),  # 26
    "f1": 2 * 40 / (2 * 40 + 10 + 20),  # 0.727
}


def test_rates_match_hand_computed_values():
    r = M.rates(40, 10, 20, 130)
    assert r._fields == tuple(HAND)
    for name, value in HAND.items():
        assert getattr(r, name) == pytest.approx(value, rel=1e-12), name
        assert isinstance(getattr(r, name), float)
    assert r.dor == pytest.approx(r.lr_plus / r.lr_minus, rel=1e-12)
    assert r.precision == r.ppv and r.recall == r.tpr and r.sensitivity == r.tpr
    assert r.specificity == r.tnr == r.selectivity and r.fall_out == r.fpr
    assert r.miss_rate == r.fnr
    assert r.tpr + r.fnr == pytest.approx(1) and r.fpr + r.tnr == pytest.approx(1)
    assert r.ppv + r.fdr == pytest.approx(1) and r.for_ + r.npv == pytest.approx(1)


def test_binary_rates_reads_sklearn_layout_and_matches_sklearn(rng):
    y_true, y_pred = _labels(rng, 200, 2)
    cm = skm.confusion_matrix(y_true, y_pred)
    r = M.binary_rates(cm)
    assert r.ppv == pytest.approx(skm.precision_score(y_true, y_pred), rel=1e-12)
    assert r.tpr == pytest.approx(skm.recall_score(y_true, y_pred), rel=1e-12)
    assert r.accuracy == pytest.approx(skm.accuracy_score(y_true, y_pred), rel=1e-12)
    assert r.f1 == pytest.approx(skm.f1_score(y_true, y_pred), rel=1e-12)
    lr_plus, lr_minus = skm.class_likelihood_ratios(y_true, y_pred)
    assert (r.lr_plus, r.lr_minus) == pytest.approx((lr_plus, lr_minus), rel=1e-12)
    # class 0 as the positive class swaps the roles
    r0 = M.binary_rates(cm, positive=0)
    assert r0.tpr == pytest.approx(r.tnr) and r0.ppv == pytest.approx(r.npv)


def test_one_vs_rest_matches_sklearn_multilabel_confusion_matrix(rng):
    y_true, y_pred = _labels(rng, 90, 4)
    tp, fp, fn, tn = M.one_vs_rest(M.confusion_matrix(y_true, y_pred))
    mcm = skm.multilabel_confusion_matrix(y_true, y_pred)  # [[tn, fp], [fn, tp]] per class
    np.testing.assert_array_equal(np.stack([tn, fp, fn, tp], 1), mcm.reshape(-1, 4))
    per_class = M.rates(tp, fp, fn, tn)
    p, r, f, _ = M.precision_recall_fscore(y_true, y_pred, average=None)
    np.testing.assert_allclose(per_class.ppv, p, rtol=1e-12)
    np.testing.assert_allclose(per_class.tpr, r, rtol=1e-12)
    np.testing.assert_allclose(per_class.f1, f, rtol=1e-12)


@pytest.mark.parametrize("device", devices())
def test_torch_rates_equal_numpy(rng, device):
    y_true, y_pred = _labels(rng, 90, 4)
    cm = M.confusion_matrix(y_true, y_pred)
    ours = M.rates(*M.one_vs_rest(cm))
    theirs = TM.rates(*TM.one_vs_rest(torch.tensor(cm, device=device)))
    for a, b in zip(ours, theirs, strict=True):
        assert b.device.type == device
        np.testing.assert_allclose(b.cpu().numpy(), a, rtol=1e-12)
    assert TM.binary_rates(torch.tensor([[130, 10], [20, 40]], device=device)).dor == 26.0


def test_rates_division_by_zero_is_defined_and_documented():
    perfect = M.rates(5, 0, 0, 5)  # no false positive, no false negative
    assert perfect.lr_plus == math.inf and perfect.dor == math.inf  # x / 0 with x > 0
    assert perfect.lr_minus == 0.0 and perfect.f1 == 1.0
    nothing_predicted = M.rates(0, 0, 3, 7)  # PP = 0: precision and FDR are 0 / 0
    assert nothing_predicted.ppv == 0.0 and nothing_predicted.fdr == 0.0
    assert M.rates(0, 0, 3, 7, zero_division=1.0).ppv == 1.0
    assert math.isnan(M.rates(0, 0, 3, 7, zero_division=math.nan).ppv)
    no_positives = M.rates(0, 2, 0, 8)  # P = 0: TPR, FNR are 0 / 0; LR+ = 0 / 0.2 = 0
    assert (no_positives.tpr, no_positives.fnr, no_positives.lr_plus) == (0.0, 0.0, 0.0)
    assert no_positives.prevalence == 0.0
    empty = M.rates(0, 0, 0, 0)  # ALL = 0: everything is 0 / 0
    assert all(v == 0.0 for v in empty)


def test_seed_classifier_f1_table():
    # seed 004: (precision, recall) -> F1 printed as 92,90% / 92,73% / 93,50%
    for (p, r), f1 in {(0.96, 0.90): 0.9290, (0.98, 0.88): 0.9273, (0.94, 0.93): 0.9350}.items():
        assert round(M.harmonic_mean([p, r]), 4) == f1
        tp = 1000 * r  # any counts with these precision and recall
        fp, fn = tp / p - tp, 1000 - tp
        assert M.rates(tp, fp, fn, 5000).f1 == pytest.approx(M.harmonic_mean([p, r]))
        # the two forms of F-beta in the seed agree
        for beta in BETAS:
            b2 = beta**2
            assert (1 + b2) * p * r / (b2 * p + r) == pytest.approx(
                (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp), rel=1e-12
            )


def test_seed_class_average_table():
    # seed 004: per-class accuracy (%) of six classifiers -> average and harmonic mean
    scores = np.array(
        [[95, 90, 94, 99], [96, 93, 97, 94], [92, 93, 95, 97], [94, 95, 99, 94], [97, 98, 95, 97]]
        + [[99, 91, 96, 92]],
        dtype=float,
    )
    seed_mean = [94.5, 95.0, 94.3, 95.5, 96.8, 94.5]  # C and E rounded up from .25 and .75
    seed_harmonic = [94.39, 94.97, 94.21, 95.46, 96.74, 94.39]
    means, harmonic = scores.mean(axis=1), M.harmonic_mean(scores, axis=1)
    np.testing.assert_allclose(means, [94.5, 95.0, 94.25, 95.5, 96.75, 94.5])
    np.testing.assert_allclose(np.floor(means * 10 + 0.5) / 10, seed_mean)
    np.testing.assert_allclose(np.round(harmonic, 2), seed_harmonic)
    assert (harmonic <= means).all()
    assert np.argmax(harmonic) == np.argmax(means) == 4  # E wins on both


def test_harmonic_mean_matches_scipy(rng):
    x = rng.uniform(0.1, 2.0, size=(5, 7))
    np.testing.assert_allclose(M.harmonic_mean(x, axis=1), hmean(x, axis=1), rtol=1e-12)
    np.testing.assert_allclose(M.harmonic_mean(x, axis=0), hmean(x, axis=0), rtol=1e-12)
    assert M.harmonic_mean([0.5, 0.0, 1.0]) == 0.0  # a zero gives 0, without a warning
    t = TM.harmonic_mean(torch.tensor(x))
    np.testing.assert_allclose(t.numpy(), hmean(x, axis=-1), rtol=1e-12)


# ---- invalid input ------------------------------------------------------------------------
def test_invalid_inputs_name_the_value():
    y = np.array([0, 1, 1])
    with pytest.raises(ValueError, match=r"Invalid shape for y_pred: \(2,\)"):
        M.confusion_matrix(y, np.array([0, 1]))
    with pytest.raises(TypeError, match="Invalid dtype for y_true: float64"):
        M.precision_recall_fscore(np.array([0.0, 1.0]), np.array([0, 1]))
    with pytest.raises(ValueError, match="Invalid beta: 0"):
        M.fbeta_score(y, y, beta=0)
    with pytest.raises(ValueError, match="Invalid beta: -1"):
        M.precision_recall_fscore(y, y, beta=-1)
    with pytest.raises(ValueError, match="Invalid average: 'samples'"):
        M.precision_recall_fscore(y, y, average="samples")
    with pytest.raises(ValueError, match=r"Invalid average: 'binary' for 3 classes"):
        M.precision_recall_fscore([0, 1, 2], [0, 1, 2])
    with pytest.raises(ValueError, match="Invalid pos_label: 5"):
        M.precision_recall_fscore(y, y, pos_label=5)
    with pytest.raises(ValueError, match="Invalid zero_division: 2"):
        M.precision_recall_fscore(y, y, zero_division=2)
    with pytest.raises(ValueError, match="Invalid labels: .*duplicates"):
        M.confusion_matrix(y, y, labels=[1, 1])
    with pytest.raises(ValueError, match="Invalid y_true: empty"):
        M.confusion_matrix([], [])
    with pytest.raises(ValueError, match=r"Invalid shape for y_true: \(1, 3\)"):
        M.confusion_matrix(y[None], y[None])
    with pytest.raises(ValueError, match=r"Invalid fn: -1"):
        M.rates(1, 2, -1, 3)
    with pytest.raises(ValueError, match=r"Invalid shape for cm: \(3, 3\)"):
        M.binary_rates(np.eye(3, dtype=int))
    with pytest.raises(ValueError, match="Invalid values"):
        M.harmonic_mean([1.0, -2.0])
    with pytest.raises(TypeError, match="expected a torch.Tensor"):
        TM.confusion_matrix(y, y)
    with pytest.raises(TypeError, match="Invalid y_pred: ndarray"):
        M.confusion_matrix(torch.tensor(y), y)

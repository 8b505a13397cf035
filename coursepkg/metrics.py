"""Evaluation metrics: the confusion matrix, every rate derived from it, precision,
recall and F-beta with their averages over classes, and the harmonic mean.

Chapter: *Error analysis and ML strategy* (``book/strategy.ipynb``).

Layout and conventions follow ``sklearn.metrics`` (the tests compare with it):

* :func:`confusion_matrix` has one **row per true class** and one **column per
  predicted class**; for two classes ``cm.ravel()`` is ``tn, fp, fn, tp``.
* Labels are integers (or booleans) in 1-D arrays or tensors; sklearn also accepts
  strings, this module does not.
* :func:`precision_recall_fscore` takes sklearn's ``average`` values ``"binary"``,
  ``"micro"``, ``"macro"``, ``"weighted"`` and ``None`` (``"samples"`` is for
  multilabel data and is not offered).

**Division by zero.** A ratio whose denominator is zero (precision with no positive
prediction, recall with no positive label, ...) is replaced by ``zero_division``
(default ``0.0``; ``1.0`` or ``float("nan")`` on request, as in sklearn). No warning is
issued: asking for a value *is* the decision, so the value is never a surprise. The
three ratios *of rates* in :class:`Rates` (``lr_plus``, ``lr_minus``, ``dor``) differ:
a positive number divided by zero is ``inf`` (a test with no false positive has an
infinite positive likelihood ratio), and only ``0 / 0`` becomes ``zero_division``.
Averages skip ``nan`` entries (as sklearn does); an average of nothing but ``nan`` is
``nan``, which can only happen with ``zero_division=nan``.

Each formula is written once for NumPy arrays and torch tensors; the torch twin
:mod:`coursepkg.torch.metrics` insists on tensors and keeps them on their device.
Results that are single numbers come back as Python floats, per-class results as
arrays (tensors) of float64 (supports: int64).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._backend import is_tensor, namespace
from ._validate import check_real, dtype_kind

__all__ = [
    "AVERAGES",
    "Rates",
    "binary_rates",
    "confusion_matrix",
    "f1_score",
    "fbeta_score",
    "harmonic_mean",
    "one_vs_rest",
    "precision_recall_fscore",
    "rates",
]

#: the values of ``average`` that :func:`precision_recall_fscore` accepts
AVERAGES = ("binary", "micro", "macro", "weighted", None)


# ---- conversions and checks (NumPy or torch) ---------------------------------------------
def _int64(x):
    if is_tensor(x):
        import torch

        return x.to(torch.int64)
    return x.astype(np.int64)


def _float64(x):
    if is_tensor(x):
        import torch

        return x.to(torch.float64)
    return np.asarray(x, dtype=np.float64)


def _as_array(values, like=None):
    """``values`` as an array of ``like``'s library (a tensor on ``like``'s device)."""
    if like is not None and is_tensor(like) and not is_tensor(values):
        import torch

        return torch.as_tensor(values, device=like.device)
    if is_tensor(values) or isinstance(values, np.ndarray):
        return values
    return np.asarray(values)


def _scalar_or_array(x):
    """Python float for a 0-d result, else the array/tensor unchanged."""
    return float(x) if x.ndim == 0 else x


def _labels_1d(y, name):
    y = _as_array(y)
    if y.ndim == 1 and y.shape[0] == 0:
        raise ValueError(f"Invalid {name}: empty (expected at least one label)")
    kind = dtype_kind(y.dtype)
    if kind not in "iub":
        raise TypeError(
            f"Invalid dtype for {name}: {y.dtype} (expected integer class labels; "
            "sklearn also takes strings, this module does not)"
        )
    if y.ndim != 1:
        raise ValueError(f"Invalid shape for {name}: {tuple(y.shape)} (expected 1-D (N,))")
    return _int64(y)


def _pair(y_true, y_pred):
    y_true, y_pred = _labels_1d(y_true, "y_true"), _labels_1d(y_pred, "y_pred")
    if is_tensor(y_true) != is_tensor(y_pred):
        raise TypeError(
            f"Invalid y_pred: {type(y_pred).__name__} (expected the same kind of array as "
            f"y_true, a {type(y_true).__name__})"
        )
    if tuple(y_pred.shape) != tuple(y_true.shape):
        raise ValueError(
            f"Invalid shape for y_pred: {tuple(y_pred.shape)} (expected {tuple(y_true.shape)}, "
            "the shape of y_true)"
        )
    return y_true, y_pred


def _label_set(labels, y_true, y_pred):
    """The classes, in order: ``labels`` as given, or the sorted union of both arrays."""
    xp = namespace(y_true)
    if labels is None:
        return xp.unique(xp.concatenate([y_true, y_pred]))
    arr = _as_array(labels, like=y_true)
    if dtype_kind(arr.dtype) not in "iub" or arr.ndim != 1 or arr.shape[0] == 0:
        raise ValueError(f"Invalid labels: {labels!r} (expected a non-empty list of integers)")
    arr = _int64(arr)
    if is_tensor(arr):
        arr = arr.to(y_true.device)
    if xp.unique(arr).shape[0] != arr.shape[0]:
        raise ValueError(f"Invalid labels: {labels!r} (contains duplicates)")
    return arr


def _positions(y, labels):
    """Index of each entry of ``y`` in ``labels`` and a mask of the entries found there."""
    xp = namespace(y)
    order = xp.argsort(labels)
    ordered = labels[order]
    pos = xp.clip(xp.searchsorted(ordered, y), 0, labels.shape[0] - 1)
    return order[pos], ordered[pos] == y


def _divide(num, den, fill):
    """``num / den`` where ``den > 0``, else ``fill``, with no warning."""
    xp = namespace(num)
    ok = den > 0
    return xp.where(ok, num / xp.where(ok, den, xp.ones_like(den)), fill)


def _ratio(num, den, fill):
    """Ratio of two non-negative rates: ``x / 0 = inf`` for ``x > 0``; ``0 / 0 = fill``."""
    xp = namespace(num)
    at_zero = xp.where(num > 0, xp.full_like(num, math.inf), xp.full_like(num, fill))
    return xp.where(den > 0, _divide(num, den, fill), at_zero)


def _zero_division(value):
    v = check_real(value, "zero_division")
    if not (math.isnan(v) or 0.0 <= v <= 1.0):
        raise ValueError(f"Invalid zero_division: {value} (expected a number in [0, 1] or nan)")
    return v


# ---- the confusion matrix -------------------------------------------------------------
def confusion_matrix(y_true, y_pred, labels=None):
    """Counts ``cm[i, j]`` of examples of true class ``labels[i]`` predicted as ``labels[j]``.

    Shapes: ``y_true (N,)``, ``y_pred (N,)`` integer labels -> ``cm (C, C)`` int64, in the
    library of the inputs. ``labels`` fixes the classes and their order (default: the
    sorted union of the values in both arrays); examples whose true or predicted label
    is not among ``labels`` are left out, as in ``sklearn.metrics.confusion_matrix``.
    The diagonal holds the correct predictions; row sums are the class supports.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    classes = _label_set(labels, y_true, y_pred)
    c = classes.shape[0]
    ti, t_ok = _positions(y_true, classes)
    pi, p_ok = _positions(y_pred, classes)
    keep = t_ok & p_ok
    flat = ti[keep] * c + pi[keep]  # one bin per (true, predicted) pair
    return namespace(y_true).bincount(flat, minlength=c * c).reshape(c, c)


def one_vs_rest(cm):
    """``(tp, fp, fn, tn)`` per class of a ``(C, C)`` confusion matrix, each of shape ``(C,)``.

    Class ``k`` against all the others: ``tp = cm[k, k]``, ``fp`` = column ``k`` minus
    the diagonal, ``fn`` = row ``k`` minus the diagonal, ``tn`` = everything else (the
    layout of ``sklearn.metrics.multilabel_confusion_matrix``). Feed them to :func:`rates`.
    """
    cm = _square(cm)
    tp = namespace(cm).diagonal(cm)
    fp = cm.sum(axis=0) - tp
    fn = cm.sum(axis=1) - tp
    tn = cm.sum() - tp - fp - fn
    return tp, fp, fn, tn


def _square(cm):
    cm = _as_array(cm)
    if dtype_kind(cm.dtype) not in "iuf":
        raise TypeError(f"Invalid dtype for cm: {cm.dtype} (expected counts)")
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] < 2:
        raise ValueError(f"Invalid shape for cm: {tuple(cm.shape)} (expected (C, C) with C >= 2)")
    if not bool((cm >= 0).all()):
        raise ValueError("Invalid cm: negative count")
    return cm


# ---- every rate of a 2x2 table ---------------------------------------------------------
class Rates(NamedTuple):
    """Every quantity of the confusion-matrix table, for one positive class.

    With ``P = TP + FN`` (actual positives), ``N = FP + TN`` (actual negatives),
    ``PP = TP + FP`` (predicted positives), ``PN = FN + TN`` and ``ALL = P + N``:
    ``prevalence = P / ALL`` (of the *actual* positives, not of the predicted ones),
    ``accuracy = (TP + TN) / ALL``, ``ppv = TP / PP`` (precision), ``fdr = FP / PP``,
    ``for_ = FN / PN`` (false omission rate; ``for`` is a Python keyword),
    ``npv = TN / PN``, ``tpr = TP / P`` (recall, sensitivity), ``fnr = FN / P`` (miss
    rate), ``fpr = FP / N`` (fall-out), ``tnr = TN / N`` (specificity, selectivity),
    ``lr_plus = tpr / fpr``, ``lr_minus = fnr / tnr``,
    ``dor = (TP TN) / (FP FN)``, which equals ``lr_plus / lr_minus`` when ``P > 0`` and
    ``N > 0`` (computed from the counts, it never meets ``inf / inf``), and
    ``f1 = 2 TP / (2 TP + FP + FN)``, the harmonic mean of precision and recall.
    The aliases ``precision``, ``recall``, ``sensitivity``, ``specificity``,
    ``fall_out``, ``miss_rate`` and ``selectivity`` are properties.
    """

    prevalence: float
    accuracy: float
    ppv: float
    fdr: float
    for_: float
    npv: float
    tpr: float
    fnr: float
    fpr: float
    tnr: float
    lr_plus: float
    lr_minus: float
    dor: float
    f1: float

    @property
    def precision(self):
        return self.ppv

    @property
    def recall(self):
        return self.tpr

    @property
    def sensitivity(self):
        return self.tpr

    @property
    def specificity(self):
        return self.tnr

    @property
    def selectivity(self):
        return self.tnr

    @property
    def fall_out(self):
        return self.fpr

    @property
    def miss_rate(self):
        return self.fnr


def _counts(values, names):
    tensors = [v for v in values if is_tensor(v)]
    like = tensors[0] if tensors else None
    out = []
    for value, name in zip(values, names, strict=True):
        if isinstance(value, bool):
            raise TypeError(f"Invalid {name}: {value!r} (expected a count)")
        arr = _as_array(value, like=like)
        if dtype_kind(arr.dtype) not in "iuf":
            raise TypeError(f"Invalid dtype for {name}: {arr.dtype} (expected counts)")
        arr = _float64(arr)
        xp = namespace(arr)
        if not bool(xp.isfinite(arr).all()) or not bool((arr >= 0).all()):
            raise ValueError(f"Invalid {name}: {value!r} (expected finite counts >= 0)")
        out.append(arr)
    shape = tuple(out[0].shape)
    for arr, name in zip(out[1:], names[1:], strict=True):
        if tuple(arr.shape) != shape:
            raise ValueError(
                f"Invalid shape for {name}: {tuple(arr.shape)} (expected {shape}, the shape of tp)"
            )
    return out


def rates(tp, fp, fn, tn, *, zero_division=0.0):
    """All the rates of :class:`Rates` from the four counts of a 2x2 confusion matrix.

    The counts are numbers, or arrays/tensors of one shape (e.g. per class, from
    :func:`one_vs_rest`): the fields then have that shape. See the module docstring
    for division by zero (``zero_division`` for the rates, ``inf`` for ``x / 0`` in
    the likelihood ratios and the diagnostic odds ratio).
    """
    fill = _zero_division(zero_division)
    tp, fp, fn, tn = _counts((tp, fp, fn, tn), ("tp", "fp", "fn", "tn"))
    p, n, pp, pn = tp + fn, fp + tn, tp + fp, fn + tn
    total = p + n
    tpr, fnr = _divide(tp, p, fill), _divide(fn, p, fill)
    fpr, tnr = _divide(fp, n, fill), _divide(tn, n, fill)
    values = (
        _divide(p, total, fill),  # prevalence
        _divide(tp + tn, total, fill),  # accuracy
        _divide(tp, pp, fill),  # ppv
        _divide(fp, pp, fill),  # fdr
        _divide(fn, pn, fill),  # for
        _divide(tn, pn, fill),  # npv
        tpr,
        fnr,
        fpr,
        tnr,
        _ratio(tpr, fpr, fill),  # lr+
        _ratio(fnr, tnr, fill),  # lr-
        _ratio(tp * tn, fp * fn, fill),  # dor
        _divide(2 * tp, 2 * tp + fp + fn, fill),  # f1
    )
    return Rates(*(_scalar_or_array(v) for v in values))


def binary_rates(cm, *, positive=1, zero_division=0.0):
    """:func:`rates` of a ``(2, 2)`` confusion matrix (rows true, columns predicted).

    ``positive`` is the index (0 or 1) of the positive class; with the default 1,
    ``cm = [[tn, fp], [fn, tp]]`` as ``sklearn.metrics.confusion_matrix`` lays it out.
    """
    cm = _square(cm)
    if tuple(cm.shape) != (2, 2):
        raise ValueError(f"Invalid shape for cm: {tuple(cm.shape)} (expected (2, 2))")
    if positive not in (0, 1) or isinstance(positive, bool):
        raise ValueError(f"Invalid positive: {positive!r} (expected 0 or 1)")
    neg = 1 - positive
    return rates(
        cm[positive, positive],
        cm[neg, positive],
        cm[positive, neg],
        cm[neg, neg],
        zero_division=zero_division,
    )


# ---- precision, recall, F-beta -------------------------------------------------------
def _nanaverage(a, weights=None):
    """Mean of the non-nan entries (weighted by ``weights`` unless they are all zero)."""
    xp = namespace(a)
    keep = ~xp.isnan(a)
    if not bool(keep.any()):
        return math.nan
    a = a[keep]
    if weights is not None:
        w = _float64(weights)[keep]
        total = float(w.sum())
        if total > 0:
            return float((a * w).sum() / total)
    return float(a.mean())


def precision_recall_fscore(
    y_true,
    y_pred,
    *,
    beta=1.0,
    average="binary",
    pos_label=1,
    labels=None,
    zero_division=0.0,
):
    """Precision, recall, F-beta and support, as ``sklearn.metrics.precision_recall_fscore_support``.

    Per class ``k`` (one against the rest): ``precision = TP / (TP + FP)``,
    ``recall = TP / (TP + FN)``, and

        F_beta = (1 + beta^2) P R / (beta^2 P + R) = (1 + beta^2) TP / ((1 + beta^2) TP + beta^2 FN + FP),

    the weighted harmonic mean that counts recall ``beta`` times as much as precision
    (``beta = 1``: F1). ``average`` combines the classes:

    * ``"binary"``: only class ``pos_label`` (the data must hold at most two labels);
    * ``"micro"``: sum TP, FP and FN over the classes first (with every class in
      ``labels``, micro precision = micro recall = micro F = accuracy);
    * ``"macro"``: arithmetic mean of the per-class scores (every class counts the same);
    * ``"weighted"``: mean weighted by the support (number of true examples per class);
    * ``None``: the per-class arrays, in the order of ``labels`` (default: sorted union).

    Returns ``(precision, recall, fbeta, support)``: Python floats and ``support=None``
    when averaging, else arrays/tensors of shape ``(C,)``. ``pos_label`` is ignored unless
    ``average="binary"``. ``beta`` must be finite and ``> 0`` (sklearn also takes 0,
    which is plain precision). See the module docstring for ``zero_division``.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if average not in AVERAGES:
        raise ValueError(f"Invalid average: {average!r} (expected one of {list(AVERAGES)})")
    b = check_real(beta, "beta")
    if not (b > 0 and math.isfinite(b)):
        raise ValueError(f"Invalid beta: {beta} (expected a finite number > 0)")
    fill = _zero_division(zero_division)
    xp = namespace(y_true)
    if average == "binary":
        if isinstance(pos_label, bool) or not isinstance(pos_label, (int, np.integer)):
            raise TypeError(f"Invalid pos_label: {pos_label!r} (expected an integer label)")
        present = [int(v) for v in xp.unique(xp.concatenate([y_true, y_pred]))]
        if len(present) > 2:
            raise ValueError(
                f"Invalid average: 'binary' for {len(present)} classes {present} (use 'macro', "
                "'micro', 'weighted' or None)"
            )
        if pos_label not in present and len(present) == 2:
            raise ValueError(f"Invalid pos_label: {pos_label} (the labels are {present})")
        labels = [int(pos_label)]
    classes = _label_set(labels, y_true, y_pred)
    c = classes.shape[0]
    ti, t_ok = _positions(y_true, classes)
    pi, p_ok = _positions(y_pred, classes)
    true_sum = xp.bincount(ti[t_ok], minlength=c)
    pred_sum = xp.bincount(pi[p_ok], minlength=c)
    tp_sum = xp.bincount(ti[t_ok & (y_true == y_pred)], minlength=c)
    tp, t, pp = _float64(tp_sum), _float64(true_sum), _float64(pred_sum)
    if average == "micro":
        tp, t, pp = tp.sum(), t.sum(), pp.sum()
    b2 = b * b
    precision = _divide(tp, pp, fill)
    recall = _divide(tp, t, fill)
    fbeta = _divide((1 + b2) * tp, b2 * t + pp, fill)  # = (1+b2) TP / ((1+b2) TP + b2 FN + FP)
    if average is None:
        return precision, recall, fbeta, true_sum
    weights = true_sum if average == "weighted" else None
    return (
        _nanaverage(precision.reshape(-1), weights),
        _nanaverage(recall.reshape(-1), weights),
        _nanaverage(fbeta.reshape(-1), weights),
        None,
    )


def fbeta_score(
    y_true,
    y_pred,
    *,
    beta,
    average="binary",
    pos_label=1,
    labels=None,
    zero_division=0.0,
):
    """The F-beta part of :func:`precision_recall_fscore` (as ``sklearn.metrics.fbeta_score``)."""
    return precision_recall_fscore(
        y_true,
        y_pred,
        beta=beta,
        average=average,
        pos_label=pos_label,
        labels=labels,
        zero_division=zero_division,
    )[2]


def f1_score(y_true, y_pred, *, average="binary", pos_label=1, labels=None, zero_division=0.0):
    """:func:`fbeta_score` with ``beta = 1`` (as ``sklearn.metrics.f1_score``)."""
    return fbeta_score(
        y_true,
        y_pred,
        beta=1.0,
        average=average,
        pos_label=pos_label,
        labels=labels,
        zero_division=zero_division,
    )


# ---- averaging scores -----------------------------------------------------------------
def harmonic_mean(values, axis=-1):
    """``n / sum(1 / x)`` along ``axis``: the mean of scores that punishes a weak one.

    Values must be ``>= 0``; a zero anywhere makes the harmonic mean 0 (its limit), with
    no warning. It never exceeds the arithmetic mean, and equals it only when all the
    values are equal. F1 is the harmonic mean of precision and recall. Same as
    ``scipy.stats.hmean``. A 0-d result is returned as a Python float.
    """
    x = _as_array(values)
    if dtype_kind(x.dtype) not in "iuf":
        raise TypeError(f"Invalid dtype for values: {x.dtype} (expected real numbers)")
    x = _float64(x)
    xp = namespace(x)
    if x.ndim == 0 or x.shape[axis] == 0:
        raise ValueError(f"Invalid shape for values: {tuple(x.shape)} (nothing along axis {axis})")
    if not bool(xp.isfinite(x).all()) or not bool((x >= 0).all()):
        raise ValueError(f"Invalid values: {values!r} (expected finite numbers >= 0)")
    positive = x > 0
    inverse = xp.where(positive, 1.0 / xp.where(positive, x, xp.ones_like(x)), 0.0)
    has_zero = (~positive).any(axis=axis)
    n = x.shape[axis]
    out = xp.where(has_zero, 0.0, n / xp.where(has_zero, 1.0, inverse.sum(axis=axis)))
    return _scalar_or_array(out)

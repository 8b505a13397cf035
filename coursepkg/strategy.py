"""ML strategy: what to work on next, from error rates, error analysis and metrics.

Chapter: *Error analysis and ML strategy* (``book/strategy.ipynb``).

* :func:`diagnose` splits the error of a model into avoidable bias, variance, data
  mismatch and overfitting of the dev set, names the problem and lists the knobs for it.
* :func:`tally_errors` counts the categories of misclassified dev examples (error
  analysis) and gives the *ceiling*: how much the error can drop if a category is fixed.
* :func:`satisficing_choice` picks the best model on one optimizing metric among those
  that meet satisficing constraints (e.g. accuracy, subject to latency < 100 ms).
* :func:`weighted_cross_entropy` is the softmax cross-entropy with a weight ``s_i`` per
  example; :func:`balanced_sample_weights` gives the weights that balance the classes.

**Errors are fractions** in ``[0, 1]`` throughout (``0.035``, not ``3.5``): the same unit
as ``1 - accuracy`` from :mod:`coursepkg.metrics`. A value above 1 is rejected with a
message that suggests dividing percentages by 100.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from ._backend import namespace, one_hot
from ._validate import check_real, dtype_kind
from .layers import _labels, log_softmax

__all__ = [
    "KNOBS",
    "ORTHOGONALIZATION",
    "CategoryTally",
    "Selection",
    "Diagnosis",
    "balanced_sample_weights",
    "diagnose",
    "satisficing_choice",
    "tally_errors",
    "weighted_cross_entropy",
]

#: One knob per goal, in the order the goals are met (orthogonalization). Early stopping
#: is deliberately absent from "fit the training set": stopping early makes the training
#: fit *worse* while it helps the dev set, so it turns two knobs at once.
ORTHOGONALIZATION = {
    "fit the training set": (
        "bigger network (more units or layers)",
        "better optimizer (momentum, RMSProp, Adam) or learning rate",
        "train longer",
        "better initialization (Xavier/He)",
        "better architecture or hyperparameter search",
    ),
    "fit the dev set": (
        "regularization (L2, dropout)",
        "bigger training set",
        "data augmentation",
        "early stopping (not orthogonal: it also changes the training fit)",
    ),
    "fit the test set": ("bigger dev set",),
    "perform in the real world": (
        "change the dev/test set (it does not represent the real data)",
        "change the cost function or metric (it does not measure what matters)",
    ),
}

#: The knobs for each problem :func:`diagnose` can report.
KNOBS = {
    "high bias": ORTHOGONALIZATION["fit the training set"],
    "high variance": (
        "more training data from the dev/test distribution",
        "regularization (L2, dropout)",
        "data augmentation",
        "early stopping",
        "better architecture or hyperparameter search",
    ),
    "data mismatch": (
        "error analysis of how train and dev data differ",
        "collect training data that resembles the dev/test data",
        "synthesize such data (add noise, blur, distortions)",
    ),
    "overfitting the dev set": (
        "bigger dev set",
        "fresh dev set (the old one was tuned on too often)",
    ),
}

_COMPONENTS = (  # field -> problem name, in the order the chain of goals meets them
    ("avoidable_bias", "high bias"),
    ("variance", "high variance"),
    ("data_mismatch", "data mismatch"),
    ("dev_overfitting", "overfitting the dev set"),
)


class Diagnosis(NamedTuple):
    """What :func:`diagnose` found; gaps are fractions, ``None`` where an error is missing."""

    avoidable_bias: float
    variance: float | None
    data_mismatch: float | None
    dev_overfitting: float | None
    problems: tuple[str, ...]
    verdict: str
    advice: tuple[str, ...]


def _error(value, name):
    v = check_real(value, f"{name} error")
    if not 0.0 <= v <= 1.0:
        hint = "; divide percentages by 100" if 1.0 < v <= 100.0 else ""
        raise ValueError(f"Invalid {name} error: {value} (expected a fraction in [0, 1]{hint})")
    return v


def _gap(a, b):
    """``a - b`` rounded to 12 decimals: ``0.13 - 0.12`` is ``0.01``, not ``0.010000000000000009``."""
    return None if a is None or b is None else round(a - b, 12)


def diagnose(bayes, train, train_dev=None, dev=None, test=None, *, tol=0.01):
    """Split the error of a model into its parts and say what to work on.

    Arguments are error rates as fractions: ``bayes`` is the Bayes (lowest possible)
    error, or its best estimate, human-level error (the error of the best human experts);
    ``train_dev`` is the error on held-out examples from the *training* distribution.
    The gaps, each the rise in error from one set to the next:

    * ``avoidable_bias = train - bayes`` (negative when the model beats a human-level
      estimate; the estimate then says nothing about the bias left);
    * ``variance = train_dev - train``, or ``dev - train`` without a train-dev set;
    * ``data_mismatch = dev - train_dev`` (needs both);
    * ``dev_overfitting = test - dev`` (needs both; the dev set was tuned on too often).

    A gap is a problem when it exceeds ``tol`` (default 0.01, one percentage point; what
    counts as large depends on the application). ``problems`` lists them in the order of
    the chain of goals (training set, then train-dev/dev, then test); ``verdict`` is
    ``"good"`` without a problem, ``"both bias and variance"`` when those two are the
    two largest problems, otherwise the problem with the largest gap; ``advice`` lists the knobs of
    :data:`KNOBS` for every problem, in the same order. Gaps are rounded to 12 decimals.
    """
    t = check_real(tol, "tol")
    if not t >= 0:
        raise ValueError(f"Invalid tol: {tol} (expected >= 0)")
    b, tr = _error(bayes, "bayes"), _error(train, "train")
    td = None if train_dev is None else _error(train_dev, "train_dev")
    dv = None if dev is None else _error(dev, "dev")
    ts = None if test is None else _error(test, "test")
    gaps = {
        "avoidable_bias": _gap(tr, b),
        "variance": _gap(td, tr) if td is not None else _gap(dv, tr),
        "data_mismatch": _gap(dv, td),
        "dev_overfitting": _gap(ts, dv),
    }
    high = [(name, gaps[field]) for field, name in _COMPONENTS if (gaps[field] or 0.0) > t]
    problems = tuple(name for name, _ in high)
    ranked = [name for name, _ in sorted(high, key=lambda item: -item[1])]
    if not ranked:
        verdict = "good"
    elif set(ranked[:2]) == {"high bias", "high variance"}:
        verdict = "both bias and variance"
    else:
        verdict = ranked[0]
    advice = tuple(knob for name in problems for knob in KNOBS[name])
    return Diagnosis(**gaps, problems=problems, verdict=verdict, advice=advice)


# ---- error analysis ----------------------------------------------------------------------
class CategoryTally(NamedTuple):
    """One row of an error-analysis table."""

    category: str
    count: int
    fraction: float  # of the misclassified examples that carry this tag
    ceiling: float | None  # error removed if the category is fixed completely
    best_error: float | None  # the error then left: error - ceiling


def tally_errors(tags, *, categories=None, error=None):
    """Count the categories of misclassified examples and the ceiling each one gives.

    ``tags`` has one entry per misclassified (dev) example: the collection of category
    names that apply to it (``{"blurry", "mislabeled"}``), possibly empty. An example may
    carry several tags, so the fractions may add up to more than 1. ``categories`` fixes
    the categories and their order (a tag outside it is an error); by default they are
    taken in the order they first appear. With ``error`` (the model's dev error, a
    fraction) each row also gets ``ceiling = error * fraction``, the most that fixing
    that category can remove, and ``best_error = error - ceiling``.

    Returns a list of :class:`CategoryTally`, most frequent first (ties keep the category
    order): ``pandas.DataFrame(tally_errors(...))`` prints the table.
    """
    if isinstance(tags, (str, bytes)) or not isinstance(tags, Iterable):
        raise TypeError(f"Invalid tags: {tags!r} (expected one collection of tags per example)")
    rows = []
    for i, example in enumerate(tags):
        if isinstance(example, (str, bytes)) or not isinstance(example, Iterable):
            raise TypeError(
                f"Invalid tags for example {i}: {example!r} (expected a collection of "
                'category names, e.g. {"blurry"}, not a bare string)'
            )
        rows.append(set(example))
    if not rows:
        raise ValueError("Invalid tags: empty (expected at least one misclassified example)")
    err = None if error is None else _error(error, "dev")
    if categories is None:
        order = list(dict.fromkeys(tag for example in tags for tag in example))
    else:
        order = list(dict.fromkeys(categories))
        for i, example in enumerate(rows):
            unknown = example.difference(order)
            if unknown:
                raise ValueError(
                    f"Invalid tag for example {i}: {sorted(unknown, key=str)[0]!r} "
                    f"(expected one of {order})"
                )
    n = len(rows)
    table = []
    for name in order:
        count = sum(name in example for example in rows)
        fraction = count / n
        ceiling = None if err is None else round(err * fraction, 12)
        best = None if err is None else round(err - err * fraction, 12)
        table.append(CategoryTally(name, count, fraction, ceiling, best))
    table.sort(key=lambda row: -row.count)  # stable: ties keep the category order
    return table


# ---- satisficing and optimizing metrics --------------------------------------------------
class Selection(NamedTuple):
    """The winner of :func:`satisficing_choice` (``None`` when no candidate is feasible)."""

    best: object
    value: float | None
    feasible: tuple


_OPS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def satisficing_choice(candidates, optimize, constraints=None, *, maximize=True):
    """The best candidate on one *optimizing* metric among those meeting every
    *satisficing* constraint.

    ``candidates`` maps a name to its metrics, e.g. ``{"A": {"accuracy": 0.945,
    "time_ms": 70}, ...}``; ``optimize`` names the metric to maximize (or minimize with
    ``maximize=False``); ``constraints`` maps a metric to ``(op, threshold)`` with ``op``
    one of ``"<"``, ``"<="``, ``">"``, ``">="``: ``{"time_ms": ("<", 100)}``.
    Returns ``Selection(best, value, feasible)``: ``feasible`` lists the candidates that meet
    the constraints (in the given order), ``best`` the first of them with the best value,
    or ``None`` (and ``value=None``) when none does.
    """
    if not isinstance(candidates, Mapping) or not candidates:
        raise TypeError(
            f"Invalid candidates: {candidates!r} (expected a non-empty mapping name -> metrics)"
        )
    constraints = {} if constraints is None else constraints
    if not isinstance(constraints, Mapping):
        raise TypeError(f"Invalid constraints: {constraints!r} (expected metric -> (op, value))")
    checks = []
    for metric, rule in constraints.items():
        if not (isinstance(rule, tuple) and len(rule) == 2 and rule[0] in _OPS):
            raise ValueError(
                f"Invalid constraint for {metric!r}: {rule!r} (expected (op, threshold) with op "
                f"in {list(_OPS)})"
            )
        checks.append((metric, _OPS[rule[0]], check_real(rule[1], f"threshold of {metric}")))

    def metric_of(name, metric):
        metrics = candidates[name]
        if not isinstance(metrics, Mapping) or metric not in metrics:
            raise ValueError(f"Invalid candidate {name!r}: no metric {metric!r}")
        return check_real(metrics[metric], f"{metric} of {name!r}")

    feasible = tuple(
        name
        for name in candidates
        if all(op(metric_of(name, metric), bound) for metric, op, bound in checks)
    )
    values = {name: metric_of(name, optimize) for name in candidates}
    if not feasible:
        return Selection(None, None, ())
    sign = 1.0 if maximize else -1.0
    best = max(feasible, key=lambda name: sign * values[name])  # max keeps the first of ties
    return Selection(best, values[best], feasible)


# ---- weighted loss -----------------------------------------------------------------------
def weighted_cross_entropy(z, y, s):
    """Softmax cross-entropy with one weight ``s_i >= 0`` per example, and its gradient.

    ``loss = sum_i s_i l_i / sum_i s_i`` with ``l_i = -log softmax(z_i)[y_i]``, and
    ``dz_i = s_i (softmax(z_i) - onehot(y_i)) / sum_i s_i``. With every ``s_i = 1`` this
    is :func:`coursepkg.layers.softmax_cross_entropy`. In torch:
    ``(s * F.cross_entropy(z, y, reduction="none")).sum() / s.sum()``; torch's
    ``weight=`` argument is the special case of one weight per *class*,
    ``s_i = weight[y_i]`` (its mean divides by the same ``sum_i s_i``).

    Shapes: ``z (N, C)`` float logits, ``y (N,)`` integer labels, ``s (N,)`` float
    weights, not all zero -> ``(loss, dz (N, C))``. NumPy arrays or torch tensors.
    """
    _labels(z, y)
    if dtype_kind(s.dtype) != "f":
        raise TypeError(f"Invalid dtype for s: {s.dtype} (expected a floating dtype)")
    if tuple(s.shape) != (z.shape[0],):
        raise ValueError(f"Invalid shape for s: {tuple(s.shape)} (expected ({z.shape[0]},))")
    xp = namespace(z)
    if not bool(xp.isfinite(s).all()) or not bool((s >= 0).all()):
        raise ValueError("Invalid s: expected finite weights >= 0")
    total = s.sum()
    if not float(total) > 0:
        raise ValueError("Invalid s: all weights are zero (the weighted mean is undefined)")
    logp = log_softmax(z)
    onehot = one_hot(y, z.shape[1], like=z)
    per_example = -(logp * onehot).sum(axis=1)  # l_i
    w = (s / total)[:, None]
    return (s * per_example).sum() / total, w * (xp.exp(logp) - onehot)


def balanced_sample_weights(y):
    """Weights ``s_i = N / (K * n_{y_i})`` that give every class the same total weight.

    ``K`` is the number of classes present in ``y`` and ``n_k`` the count of class
    ``k``: a rare class gets a large weight. Same as
    ``sklearn.utils.class_weight.compute_sample_weight("balanced", y)``. ``y (N,)``
    integer labels >= 0 -> float64 ``(N,)``, in the library of ``y``.
    """
    if dtype_kind(y.dtype) not in "iu":
        raise TypeError(f"Invalid dtype for y: {y.dtype} (expected integer class labels)")
    if y.ndim != 1 or y.shape[0] == 0:
        raise ValueError(f"Invalid shape for y: {tuple(y.shape)} (expected non-empty (N,))")
    if int(y.min()) < 0:
        raise ValueError(f"Invalid label in y: {int(y.min())} (expected labels >= 0)")
    xp = namespace(y)
    counts = xp.asarray(xp.bincount(y), dtype=xp.float64)
    present = int((counts > 0).sum())
    per_class = y.shape[0] / (present * xp.where(counts > 0, counts, xp.ones_like(counts)))
    return per_class[y]

from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = None

@test_case(points=1, hidden=False)


def test_q3_per_class(per_class_scores):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close, expect_shape

    cm = np.array([[30, 5, 5], [2, 8, 0], [7, 3, 40]])
    with np.errstate(all="ignore"):
        out = call(per_class_scores, cm.copy())
    if out is None:
        raise LearnerCodeError(
            "per_class_scores returned None: did you forget `return` (the tuple of precision, recall and F1)?"
        )
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        raise LearnerCodeError(
            f"per_class_scores returned a {type(out).__name__}; return the tuple "
            "(precision, recall, f1) of three arrays."
        )
    names = ("precision", "recall", "f1")
    got = [
        expect_shape(a, (3,), f"the {n} returned by per_class_scores")
        for a, n in zip(out, names, strict=True)
    ]
    hits = np.diag(cm).astype(float)
    p, r = hits / cm.sum(axis=0), hits / cm.sum(axis=1)
    what = "cm = [[30, 5, 5], [2, 8, 0], [7, 3, 40]] (rows: true classes)"
    expect_close(
        np.array(got[:2]),
        np.array([p, r]),
        f"the per-class (precision, recall) for {what}",
        diagnoses=[
            (
                np.array([r, p]),
                (
                    "precision and recall are swapped: for class k, precision divides "
                    "cm[k, k] by the sum of column k (everything *predicted* as k, "
                    "cm.sum(axis=0)), recall by the sum of row k (everything *truly* "
                    "of class k, cm.sum(axis=1)). Reading cm transposed swaps them "
                    "too: the rows of cm are the true classes."
                ),
            )
        ],
    )
    expect_close(
        got[2],
        2 * p * r / (p + r),
        f"the per-class F1 for {what}",
        diagnoses=[
            (
                (p + r) / 2,
                (
                    "that is the arithmetic mean (P + R) / 2. F1 is the harmonic mean "
                    "2 P R / (P + R), which stays low when either score is low."
                ),
            )
        ],
    )
@test_case(points=1, hidden=False)


def test_q3_macro_micro(macro_micro_f1):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close, expect_shape

    cm = np.array([[30, 5, 5], [2, 8, 0], [7, 3, 40]])
    with np.errstate(all="ignore"):
        out = call(macro_micro_f1, cm.copy())
    if out is None:
        raise LearnerCodeError(
            "macro_micro_f1 returned None: did you forget `return` (the pair of macro and micro F1)?"
        )
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise LearnerCodeError(
            f"macro_micro_f1 returned a {type(out).__name__}; return the pair (macro, micro)."
        )
    hits = np.diag(cm).astype(float)
    p, r = hits / cm.sum(axis=0), hits / cm.sum(axis=1)
    f1 = 2 * p * r / (p + r)
    macro, micro = f1.mean(), hits.sum() / cm.sum()
    what = "cm = [[30, 5, 5], [2, 8, 0], [7, 3, 40]]"
    got = expect_shape(out, (2,), "the (macro, micro) returned by macro_micro_f1")
    if np.allclose(got, [micro, macro], rtol=1e-7, atol=1e-10):
        raise LearnerCodeError(
            f"(macro, micro) for {what} is not right: "
            + (
                "macro and micro are swapped: return (macro, micro), with macro "
                "the mean of the per-class F1 and micro the F1 of the summed "
                "counts."
            )
        )
    weighted = (f1 * cm.sum(axis=1)).sum() / cm.sum()
    expect_close(
        got[0],
        macro,
        f"the macro F1 for {what}",
        diagnoses=[
            (
                2 * p.mean() * r.mean() / (p.mean() + r.mean()),
                (
                    "that is the F1 of the macro precision and the macro recall. "
                    "Macro F1, as sklearn and the course define it, is the mean of "
                    "the per-class F1 scores."
                ),
            ),
            (
                micro,
                (
                    "that is the micro F1 (the accuracy here). Macro F1 is the mean "
                    "of the per-class F1 scores: every class counts the same."
                ),
            ),
            (
                weighted,
                (
                    "that is the support-weighted mean of the per-class F1 (sklearn's "
                    "average='weighted'); macro gives every class the same weight."
                ),
            ),
            (
                ((p + r) / 2).mean(),
                "that is the mean of per-class arithmetic means (P + R) / 2: "
                + (
                    "that is the arithmetic mean (P + R) / 2. F1 is the harmonic mean "
                    "2 P R / (P + R), which stays low when either score is low."
                ),
            ),
        ],
    )
    expect_close(
        got[1],
        micro,
        f"the micro F1 for {what}",
        diagnoses=[
            (
                macro,
                (
                    "that is the macro F1 (the mean of the per-class F1). Micro F1 "
                    "sums TP, FP and FN over the classes first and computes one F1 "
                    "from the sums: every example counts the same."
                ),
            )
        ],
    )

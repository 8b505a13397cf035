from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = None

@test_case(points=1, hidden=False)


def test_q1_example(precision_recall_f1):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close

    cm = np.array([[50, 10], [5, 35]])
    with np.errstate(all="ignore"):
        out = call(precision_recall_f1, cm.copy())
    if out is None:
        raise LearnerCodeError(
            "precision_recall_f1 returned None: did you forget `return` (the tuple of precision, recall and F1)?"
        )
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        raise LearnerCodeError(
            f"precision_recall_f1 returned a {type(out).__name__}; return the tuple "
            "(precision, recall, f1)."
        )
    what = "cm = [[50, 10], [5, 35]] (TN = 50, FP = 10, FN = 5, TP = 35)"
    p, r = 35 / 45, 35 / 40
    expect_close(
        [out[0], out[1]],
        [p, r],
        f"(precision, recall) for {what}",
        diagnoses=[
            (
                [r, p],
                (
                    "precision and recall are swapped. Precision divides TP by "
                    "everything *predicted* positive, TP + FP (column 1 of cm); "
                    "recall divides by everything *actually* positive, TP + FN (row "
                    "1). Reading cm transposed (predictions in rows) swaps them the "
                    "same way: in sklearn's layout the rows are the true classes, so "
                    "FP = cm[0, 1] and FN = cm[1, 0]."
                ),
            ),
            (
                [50 / 55, 50 / 60],
                (
                    "these are the scores of class 0. Class 1 is the positive class: "
                    "TP = cm[1, 1] (cm[0, 0] counts the true negatives)."
                ),
            ),
            (
                [0.85, r],
                "your precision is the accuracy (TP + TN) / all; precision only looks at "
                "the examples predicted positive: TP / (TP + FP).",
            ),
        ],
    )
    expect_close(
        out[2],
        70 / 85,
        f"F1 for {what}",
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

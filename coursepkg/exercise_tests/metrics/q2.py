from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = None

@test_case(points=1, hidden=False)


def test_q2_example(f_beta):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close

    p, r = 0.5, 0.8
    with np.errstate(all="ignore"):
        got = call(f_beta, p, r, 2.0)
    if got is None:
        raise LearnerCodeError("f_beta returned None: did you forget `return`?")
    expect_close(
        got,
        5 * p * r / (4 * p + r),
        "f_beta(0.5, 0.8, 2)",
        diagnoses=[
            (
                3 * p * r / (2 * p + r),
                (
                    "beta is not squared: F_beta = (1 + beta**2) P R / (beta**2 P + "
                    "R) (with beta = 1 the two agree, so F1 cannot tell them apart)."
                ),
            ),
            (
                5 * p * r / (p + 4 * r),
                (
                    "beta**2 multiplies the wrong score in the denominator: (1 + "
                    "beta**2) P R / (P + beta**2 R) favours precision (it is "
                    "F_(1/beta)). Recall should count beta times as much: the "
                    "denominator is beta**2 P + R."
                ),
            ),
            (
                (p + 4 * r) / 5,
                "that is a weighted arithmetic mean of P and R; F_beta is a weighted "
                "harmonic mean: (1 + beta**2) P R / (beta**2 P + R).",
            ),
            (2 * p * r / (p + r), "that is F1: beta is ignored."),
        ],
    )
    with np.errstate(all="ignore"):
        got = call(f_beta, p, r, 1.0)
    expect_close(got, 2 * p * r / (p + r), "f_beta(0.5, 0.8, 1), which must equal F1")

from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = None

@test_case(points=1, hidden=False)


def test_q1_small_matrix(covariance):
    import numpy as np

    from coursepkg import pca as P
    from coursepkg.grading import LearnerCodeError, call, expect_close

    if str(getattr(covariance, "__module__", "")).startswith("coursepkg"):
        raise LearnerCodeError("covariance is the course's reference: write your own with NumPy.")
    X = np.array(
        [[2.0, 0.0, 1.0], [4.0, 1.0, -1.0], [3.0, -1.0, 0.0], [7.0, 2.0, 2.0], [4.0, 3.0, 3.0]]
    )
    n = len(X)
    got = call(covariance, X.copy())
    if got is None:
        raise LearnerCodeError("covariance returned None: did you forget `return`?")
    if np.shape(got) == (n, n):
        raise LearnerCodeError(
            "covariance(X) for a 5 x 3 matrix X has shape (5, 5), one row and column per "
            "example: you computed the covariance between the rows (examples). The features "
            "are the columns, so the result is Xc.T @ Xc / (n - 1), of shape (d, d) = (3, 3) "
            "(np.cov would need rowvar=False for this layout)."
        )
    dev = X - X.mean(axis=0)
    by_rows = X - X.mean(axis=1, keepdims=True)
    expect_close(
        got,
        P.covariance(X),
        "covariance(X) for a 5 x 3 matrix X",
        diagnoses=[
            (
                X.T @ X / (n - 1),
                "you forgot to centre: subtract the mean of each column, X.mean(axis=0), "
                "before multiplying.",
            ),
            (
                dev.T @ dev / n,
                "you divided by n; the sample covariance divides by n - 1 (as np.cov and "
                "scikit-learn's PCA do).",
            ),
            (X.T @ X / n, "you forgot to centre, and divided by n instead of n - 1."),
            (dev.T @ dev, "you forgot to divide by n - 1."),
            (
                by_rows.T @ by_rows / (n - 1),
                "you subtracted the mean of each row (example); centre each column "
                "(feature): X.mean(axis=0).",
            ),
        ],
    )

from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = None

@test_case(points=1, hidden=False)


def test_q2_mean_and_singular_values(pca_svd):
    import numpy as np

    from coursepkg import pca as P
    from coursepkg.grading import LearnerCodeError, call, expect_close, expect_shape

    if str(getattr(pca_svd, "__module__", "")).startswith("coursepkg"):
        raise LearnerCodeError("pca_svd should be your own function, not the course's.")
    rng = np.random.default_rng(0)
    basis, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    X = rng.normal(size=(8, 3)) * [3.0, 1.0, 0.3] @ basis.T + [5.0, -2.0, 1.0]
    n = len(X)
    out = call(pca_svd, X.copy())
    if out is None:
        raise LearnerCodeError("pca_svd returned None: did you forget `return mu, V, S`?")
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        raise LearnerCodeError(
            f"pca_svd returned a {type(out).__name__}; return the tuple (mu, V, S)."
        )
    ref = P.PCA().fit(X)
    what = "for X of shape (8, 3)"
    expect_close(out[0], ref.mean_, f"the mu returned by pca_svd {what} (the column means)")
    s = ref.singular_values_
    raw = np.linalg.svd(X, compute_uv=False)
    S = expect_shape(out[2], (3,), f"the S returned by pca_svd {what}")
    expect_close(
        S,
        s,
        f"the singular values S returned by pca_svd {what}",
        diagnoses=[
            (
                raw,
                "these are the singular values of X itself: you forgot to centre. Take the "
                "SVD of X - mu.",
            ),
            (
                s[::-1],
                "they are in increasing order (np.linalg.eigh sorts eigenvalues that way). "
                "Return them in decreasing order, s_1 >= s_2 >= ..., as np.linalg.svd does.",
            ),
            (
                s**2 / (n - 1),
                "you returned the variances s**2 / (n - 1); return the singular values S "
                "themselves (question 4 squares them).",
            ),
            (
                s / np.sqrt(n - 1),
                "you returned the standard deviations sqrt(eigenvalues of the covariance) = "
                "S / sqrt(n - 1); return the singular values of the centred data.",
            ),
            (s**2, "you returned S**2; return the singular values S."),
        ],
    )
@test_case(points=1, hidden=False)


def test_q2_directions(pca_svd):
    import numpy as np

    from coursepkg import pca as P
    from coursepkg.grading import LearnerCodeError, call, expect_close, expect_shape

    rng = np.random.default_rng(0)
    basis, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    X = rng.normal(size=(8, 3)) * [3.0, 1.0, 0.3] @ basis.T + [5.0, -2.0, 1.0]
    out = call(pca_svd, X.copy())
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        raise LearnerCodeError("pca_svd should return the tuple (mu, V, S).")
    if np.shape(out[1]) == (8, 3):
        raise LearnerCodeError(
            "V has shape (8, 3) = (n, r), one row per example: that is U. The principal "
            "directions are the right singular vectors: V = Vt.T, of shape (d, r) = (3, 3)."
        )
    V = expect_shape(out[1], (3, 3), "the V returned by pca_svd for X of shape (8, 3)")
    want = P.PCA().fit(X).components_.T
    _, _, raw_vt = np.linalg.svd(X, full_matrices=False)

    def signed_like(a, b):
        """a with the sign of each column chosen to match the column of b."""
        s = np.sign(np.sum(a * b, axis=0))
        return a * np.where(s == 0, 1.0, s)

    def same(a, b):
        return np.allclose(signed_like(a, b), b, rtol=1e-6, atol=1e-8)

    if np.all(np.isfinite(V)) and not same(V, want):
        for wrong, hint in (
            (
                same(V.T, want),
                "the principal directions are the rows of Vt, which np.linalg.svd returns; "
                "you returned Vt itself. Return V = Vt.T, whose columns are the directions.",
            ),
            (
                same(V[:, ::-1], want),
                "your columns are in increasing order of variance (np.linalg.eigh sorts "
                "eigenvalues that way). The first column must be the direction of largest "
                "variance.",
            ),
            (same(V, raw_vt.T), "these are the directions of X itself: you forgot to centre."),
        ):
            if wrong:
                raise LearnerCodeError(f"V is not right: {hint}")
    expect_close(
        signed_like(V, want),
        want,
        "V (each column compared up to its sign)",
    )

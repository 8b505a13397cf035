from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = None

@test_case(points=1, hidden=False)


def test_q3_project(project):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close

    if str(getattr(project, "__module__", "")).startswith("coursepkg"):
        raise LearnerCodeError("project should be your own function, not the course's.")
    rng = np.random.default_rng(2)
    X = rng.normal(size=(5, 3)) + [4.0, -1.0, 2.0]
    mu = np.mean(X, axis=0)
    V, _ = np.linalg.qr(rng.normal(size=(3, 3)))  # orthonormal columns, not symmetric
    got = call(project, X.copy(), mu.copy(), V.copy(), 2)
    if got is None:
        raise LearnerCodeError("project returned None: did you forget `return`?")
    shape = np.shape(got)
    if shape == (5, 3):
        raise LearnerCodeError(
            "project(X, mu, V, 2) has shape (5, 3): you projected onto all the directions. "
            "Keep the first k columns, V[:, :k], so that Z has shape (n, k) = (5, 2)."
        )
    if shape == (2, 5):
        raise LearnerCodeError(
            "project(X, mu, V, 2) has shape (2, 5), one column per example: return one row "
            "per example, Z = (X - mu) @ V[:, :k], of shape (n, k) = (5, 2)."
        )
    V2 = V[:, :2]
    expect_close(
        got,
        (X - mu) @ V2,
        "project(X, mu, V, 2) for X of shape (5, 3)",
        diagnoses=[
            (X @ V2, "you forgot to subtract mu: Z = (X - mu) @ V[:, :k]."),
            (
                (X - mu) @ V[:2].T,
                "you used the first k rows of V; the directions are its columns: V[:, :k].",
            ),
            ((X + mu) @ V2, "subtract mu, do not add it: Z = (X - mu) @ V[:, :k]."),
        ],
    )
@test_case(points=1, hidden=False)


def test_q3_back_from_one_direction(reconstruct):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close

    rng = np.random.default_rng(4)
    V, _ = np.linalg.qr(rng.normal(size=(3, 3)))  # orthonormal columns, not symmetric
    mu = np.array([2.0, 0.0, -1.0])
    Z = np.array([[1.0], [-0.5], [2.0], [0.0]])
    want = Z @ V[:, :1].T + mu
    got = call(reconstruct, Z, mu, V)
    if got is None:
        raise LearnerCodeError("reconstruct returned None: did you forget `return`?")
    if np.shape(got) != (4, 3):
        raise LearnerCodeError(
            f"reconstruct(Z, mu, V) for Z of shape (4, 1) has shape {np.shape(got)}; expected "
            "(4, 3), one row per example in the original d = 3 dimensions. k is Z.shape[1]: "
            "use the first k columns of V, X_hat = Z @ V[:, :k].T + mu."
        )
    expect_close(
        got,
        want,
        "reconstruct(Z, mu, V) for Z of shape (4, 1) and V of shape (3, 3)",
        diagnoses=[
            (Z @ V[:, :1].T, "you forgot to add mu back: X_hat = Z @ V[:, :k].T + mu."),
            (Z @ V[:1] + mu, "you used the first k rows of V; the directions are its columns."),
        ],
    )

from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = None

@test_case(points=1, hidden=False)


def test_q1_size_4(dct_matrix):
    import numpy as np

    from coursepkg import features as F
    from coursepkg.grading import LearnerCodeError, call, expect_close

    if str(getattr(dct_matrix, "__module__", "")).startswith(("coursepkg", "scipy")):
        raise LearnerCodeError("dct_matrix should be your own function, written with NumPy.")
    got = call(dct_matrix, 4)
    if got is None:
        raise LearnerCodeError("dct_matrix returned None: did you forget `return`?")
    n = 4
    freq, pos = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    cosines = np.cos(np.pi * (2 * pos + 1) * freq / (2 * n))
    alpha = np.where(freq == 0, np.sqrt(1 / n), np.sqrt(2 / n))
    want = F.dct_matrix(n)
    expect_close(
        got,
        want,
        "dct_matrix(4)",
        diagnoses=[
            (
                want.T,
                "your matrix is transposed: row k holds the cosine of frequency k at the "
                "positions i = 0, ..., n-1, C[k, i] = alpha_k cos(pi (2i + 1) k / (2n)). "
                "(C.T is the inverse transform.)",
            ),
            (
                np.sqrt(2 / n) * cosines,
                "row 0 (frequency 0, the constant row) must be scaled by alpha_0 = "
                "sqrt(1/n), not sqrt(2/n): with sqrt(2/n) it has length sqrt(2) and C is "
                "not orthonormal.",
            ),
            (
                cosines,
                "the orthonormal scaling is missing: multiply row 0 by alpha_0 = sqrt(1/n) "
                "and the other rows by sqrt(2/n), so that C @ C.T = I.",
            ),
            (
                alpha * np.cos(np.pi * pos * freq / n),
                "the angle is pi (2i + 1) k / (2n): the samples sit at the half-integer "
                "positions i + 1/2, not at i.",
            ),
            (
                np.sqrt(1 / n) * cosines,
                "only row 0 gets sqrt(1/n); the rows k >= 1 get alpha_k = sqrt(2/n).",
            ),
        ],
    )

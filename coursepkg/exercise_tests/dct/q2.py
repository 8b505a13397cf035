from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = None

@test_case(points=1, hidden=False)


def test_q2_block_8x8(dct2, idct2):
    import numpy as np
    import scipy.fft

    from coursepkg import features as F
    from coursepkg.grading import LearnerCodeError, call, expect_close

    for fn in (dct2, idct2):
        if str(getattr(fn, "__module__", "")).startswith(("coursepkg", "scipy")):
            raise LearnerCodeError(f"{fn.__name__} should be your own function, with NumPy.")
    rng = np.random.default_rng(0)
    x = np.add.outer(np.arange(8.0), 0.5 * np.arange(8.0)) / 12 + 0.1 * rng.random((8, 8))
    C = F.dct_matrix(8)
    after_q1 = " (dct2 builds on your dct_matrix: if question 1 fails, fix it first.)"
    try:
        expect_close(
            call(dct2, x.copy()),
            scipy.fft.dctn(x, norm="ortho"),
            "dct2(x) for an 8x8 block x",
            diagnoses=[
                (
                    C.T @ x @ C,
                    "that is the inverse transform C.T @ x @ C; the forward DCT is C @ x @ C.T.",
                ),
                (
                    C @ x,
                    "you transformed the columns only (C @ x); transform the rows too: "
                    "C @ x @ C.T.",
                ),
                (x @ C.T, "you transformed the rows only (x @ C.T); also apply C from the left."),
                (C @ x @ C, "the factor on the right is the transpose: C @ x @ C.T."),
            ],
        )
    except LearnerCodeError as err:
        if "first mismatch" not in str(err):
            raise
        raise LearnerCodeError(f"{err}{after_q1}") from None
    y = scipy.fft.dctn(x, norm="ortho")
    expect_close(
        call(idct2, y.copy()),
        x,
        "idct2(dct2(x)) for an 8x8 block x (it should give x back)",
        diagnoses=[
            (
                C @ y @ C.T,
                "idct2 applied the forward transform again; the inverse uses the "
                "transposes: C.T @ y @ C.",
            )
        ],
    )

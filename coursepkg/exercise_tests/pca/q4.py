from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = None

@test_case(points=1, hidden=False)


def test_q4_ratio(explained_variance_ratio):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close

    if str(getattr(explained_variance_ratio, "__module__", "")).startswith("coursepkg"):
        raise LearnerCodeError("explained_variance_ratio should be your own function.")
    S = np.array([4.0, 2.0, 1.0, 1.0])
    got = call(explained_variance_ratio, S.copy())
    if got is None:
        raise LearnerCodeError("explained_variance_ratio returned None: did you forget `return`?")
    want = np.array([16.0, 4.0, 1.0, 1.0]) / 22.0
    expect_close(
        got,
        want,
        "explained_variance_ratio(S) for S = [4, 2, 1, 1]",
        diagnoses=[
            (
                S / S.sum(),
                "you divided the singular values by their sum. The variance along direction "
                "j is s_j**2 / (n - 1): square them first, ratio = S**2 / sum(S**2).",
            ),
            (
                np.cumsum(want),
                "that is the cumulative ratio; return the ratio of each component "
                "(choose_k adds them up).",
            ),
            (S**2, "divide by the total, sum(S**2), so that the ratios sum to 1."),
        ],
    )
@test_case(points=1, hidden=False)


def test_q4_choose_k(choose_k):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_number

    if str(getattr(choose_k, "__module__", "")).startswith("coursepkg"):
        raise LearnerCodeError("choose_k should be your own function.")
    for ratio, retained, want in (
        ([0.6, 0.3, 0.06, 0.04], 0.95, 3),
        ([0.5, 0.3, 0.15, 0.05], None, 4),
        ([0.7, 0.2, 0.05, 0.05], 0.5, 1),
    ):
        args = (np.array(ratio),) if retained is None else (np.array(ratio), retained)
        what = f"choose_k({ratio}" + (")" if retained is None else f", {retained})")
        got = call(choose_k, *args)
        if got is None:
            raise LearnerCodeError("choose_k returned None: did you forget `return`?")
        k = expect_number(got, what)
        if k == want:
            continue
        if k == want - 1:
            hint = (
                "one too few: your k looks like an index counting from 0. k counts "
                "components: the number of ratios you add up, index + 1."
            )
        elif k == 1 and want > 1:
            hint = (
                "compare the cumulative sum ratio[0] + ... + ratio[k-1] with retained, "
                "not each ratio on its own."
            )
        else:
            hint = "k is the smallest number of components whose cumulative ratio > retained."
        raise LearnerCodeError(f"{what} returned {got!r}; expected {want}: {hint}")
@test_case(points=0, hidden=False)


def test_q4_k_99_is_a_count(k_99):
    from coursepkg.grading import LearnerCodeError, expect_number

    k = expect_number(k_99, "k_99", low=1, high=65)
    if k != int(k):
        raise LearnerCodeError(f"k_99 = {k_99} should be a whole number of components.")

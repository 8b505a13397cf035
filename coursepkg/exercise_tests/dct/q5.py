from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = None

@test_case(points=0, hidden=False)


def test_q5_numbers(k_30db, ratio_30db):
    from coursepkg.grading import LearnerCodeError, expect_number

    if k_30db is None or ratio_30db is None:
        raise LearnerCodeError(
            "k_30db or ratio_30db is not defined: run the cell that sets them (did it fail?)."
        )
    expect_number(k_30db, "k_30db", low=1, high=9)
    expect_number(ratio_30db, "ratio_30db", low=0, high=1.0001)

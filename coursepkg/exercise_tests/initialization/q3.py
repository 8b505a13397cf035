from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = None

@test_case(points=0, hidden=False)


def test_q3_answers(best_for_relu, last_layer_std_ratio_xavier):
    from coursepkg.grading import LearnerCodeError, expect_number

    if best_for_relu is Ellipsis:
        raise LearnerCodeError("`best_for_relu` is still `...`: assign your answer to it.")
    if str(best_for_relu).strip().lower() not in ("he", "xavier"):
        raise LearnerCodeError(
            f'`best_for_relu` should be "he" or "xavier", not {best_for_relu!r}.'
        )
    expect_number(last_layer_std_ratio_xavier, "last_layer_std_ratio_xavier", low=0)

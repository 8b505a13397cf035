from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = None

@test_case(points=0, hidden=False)


def test_q3_numbers(window_098, beta_for_20_days):
    from coursepkg.grading import expect_number

    expect_number(window_098, "window_098", low=1)
    expect_number(beta_for_20_days, "beta_for_20_days", low=0, high=1)

from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = None

@test_case(points=0, hidden=False)


def test_q3_numbers(last_batch_size, updates_in_5_epochs):
    from coursepkg.grading import expect_number

    expect_number(last_batch_size, "last_batch_size", low=1)
    expect_number(updates_in_5_epochs, "updates_in_5_epochs", low=1)

from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = None

@test_case(points=1, hidden=False)


def test_q1_small(num_batches):
    from coursepkg.grading import LearnerCodeError, call, expect_number

    for m, batch_size, want in [(10, 5, 2), (10, 4, 3), (10, 3, 4)]:
        what = f"num_batches({m}, {batch_size})"
        got = call(num_batches, m, batch_size)
        if got is None:
            raise LearnerCodeError(f"{what} returned None: did you forget `return`?")
        got = expect_number(got, what)
        if got == want:
            continue
        if got == m // batch_size:
            raise LearnerCodeError(
                f"{what} = {got:g}: {m} // {batch_size} = {m // batch_size} leaves out the "
                f"last, partial mini-batch of {m % batch_size} examples. It is a step too, "
                f"so the epoch has {want} mini-batches."
            )
        if got == m / batch_size:
            raise LearnerCodeError(
                f"{what} = {got:g} is not a whole number: the last mini-batch is partial "
                "but still one mini-batch, so round up."
            )
        if got != want:
            raise LearnerCodeError(f"{what} = {got:g}; expected {want}.")

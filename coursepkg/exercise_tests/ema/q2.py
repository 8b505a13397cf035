from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = None

@test_case(points=1, hidden=False)


def test_q2_first_value(ema_corrected):
    import numpy as np

    from coursepkg.grading import call, expect_close, expect_shape

    x = np.array([4.0, 8.0, 6.0])
    got = expect_shape(call(ema_corrected, x, 0.98), (3,), "ema_corrected(x, 0.98)")
    expect_close(
        got[:1],
        [4.0],
        "ema_corrected(x, 0.98)[0] (it must equal x[0])",
        diagnoses=[
            ([0.08], "0.08 = 0.02 * 4 is the uncorrected v_1: divide by 1 - beta**1."),
        ],
        nan_hint="Look for a division by zero: t starts at 1, so the first divisor is 1 - beta**1, not 1 - beta**0.",
    )

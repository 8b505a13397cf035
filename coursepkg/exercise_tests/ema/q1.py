from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = None

@test_case(points=1, hidden=False)


def test_q1_shape(ema):
    import numpy as np

    from coursepkg.grading import call, expect_shape

    x = np.array([1.0, 2.0, 3.0, 4.0])
    expect_shape(call(ema, x, 0.5), (4,), "ema(x, 0.5) for x of shape (4,)")
@test_case(points=1, hidden=False)


def test_q1_constant(ema):
    import numpy as np

    from coursepkg.grading import call, expect_close

    x = np.full(5, 10.0)
    want = 10.0 * (1 - 0.5 ** np.arange(1, 6))  # 5, 7.5, 8.75, ...
    expect_close(
        call(ema, x, 0.5),
        want,
        "ema of a constant 10 with beta=0.5",
        diagnoses=[
            (
                np.full(5, 10.0),
                "you returned the constant itself. Did you start from v_0 = x[0] "
                "or apply the bias correction? This question asks for the uncorrected average, v_0 = 0.",
            ),
        ],
    )

from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = None

@test_case(points=1, hidden=False)


def test_q4_rmse(rmse):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close

    if str(getattr(rmse, "__module__", "")).startswith(("coursepkg", "sklearn", "skimage")):
        raise LearnerCodeError("rmse should be your own function.")
    a = np.array([[0.0, 0.5, 1.0], [0.2, 0.4, 0.6]])
    diff = np.array([[0.1, -0.2, 0.0], [0.3, 0.0, -0.1]])
    got = call(rmse, a + diff, a.copy())
    if got is None:
        raise LearnerCodeError("rmse returned None: did you forget `return`?")
    expect_close(
        got,
        np.sqrt(np.mean(diff**2)),
        "rmse(a, b) for two 2x3 arrays",
        diagnoses=[
            (np.mean(diff**2), "that is the mean squared error: take its square root."),
            (np.sqrt(np.sum(diff**2)), "take the mean of the squared errors, not their sum."),
            (np.mean(np.abs(diff)), "that is the mean absolute error; square, average, root."),
        ],
    )
@test_case(points=1, hidden=False)


def test_q4_known_error_in_decibels(psnr):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close

    a = np.zeros((4, 4))
    b = a + 0.1  # MSE = 0.01
    got = call(psnr, b, a)
    if got is None:
        raise LearnerCodeError("psnr returned None: did you forget `return`?")
    expect_close(
        got,
        20.0,
        "psnr(a, b) when every pixel is off by 0.1 (MSE = 0.01, data_range = 1): 20 dB",
        diagnoses=[
            (10.0, "you used the RMSE where the MSE goes: 10 log10(data_range**2 / MSE)."),
            (
                40.0,
                "20 log10 goes with the RMSE; with the MSE it is 10 log10(data_range**2 / MSE).",
            ),
            (-20.0, "the ratio is upside down: data_range**2 / MSE."),
        ],
    )
@test_case(points=1, hidden=False)


def test_q4_compression_ratio(compression_ratio):
    from coursepkg.grading import LearnerCodeError, call, expect_number

    if str(getattr(compression_ratio, "__module__", "")).startswith("coursepkg"):
        raise LearnerCodeError("compression_ratio should be your own function.")
    for k in (2, 8, 5):
        what = f"compression_ratio({k})"
        got = call(compression_ratio, k)
        if got is None:
            raise LearnerCodeError("compression_ratio returned None: did you forget `return`?")
        ratio = expect_number(got, what)
        want = k * k / 64
        if abs(ratio - want) < 1e-12:
            continue
        hints = {
            k / 8: "k / 8 counts one side of the square; a k x k square keeps k**2 of the 64 "
            "coefficients of a block: k**2 / 64.",
            64 / (k * k): "that is total / kept; return the fraction kept, k**2 / 64.",
            1 - want: "that is the fraction dropped; return the fraction kept, k**2 / 64.",
            k / 64: "each block keeps a k x k square, k**2 coefficients, not k.",
        }
        hint = next((h for v, h in hints.items() if abs(ratio - v) < 1e-12), "")
        raise LearnerCodeError(f"{what} returned {ratio:g}; expected {want:g}. {hint}")

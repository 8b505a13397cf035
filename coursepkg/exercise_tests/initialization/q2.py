from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = None

@test_case(points=1, hidden=False)


def test_q2_shape(he_normal):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_shape

    fan_in, fan_out = 30, 10
    what = "he_normal(30, 10, rng)"
    w = call(he_normal, fan_in, fan_out, np.random.default_rng(0))
    if np.shape(w) == (fan_out, fan_in):
        raise LearnerCodeError(
            f"{what} has shape (10, 30) = (fan_out, fan_in), the layout of "
            "torch.nn.Linear.weight; here W has shape (fan_in, fan_out) = (30, 10), "
            "as in x @ W + b."
        )
    w = expect_shape(w, (fan_in, fan_out), what)
    again = np.asarray(call(he_normal, fan_in, fan_out, np.random.default_rng(0)))
    if not np.array_equal(w, again):
        raise LearnerCodeError(
            f"{what} gives different weights for two generators with the same seed: "
            "draw with the `rng` argument (rng.normal), not np.random."
        )

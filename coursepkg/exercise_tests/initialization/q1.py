from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = None

@test_case(points=1, hidden=False)


def test_q1_shapes(xavier_normal, xavier_uniform):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_shape

    fan_in, fan_out = 3, 5
    for fn, what in [
        (xavier_normal, "xavier_normal(3, 5, rng)"),
        (xavier_uniform, "xavier_uniform(3, 5, rng)"),
    ]:
        w = call(fn, fan_in, fan_out, np.random.default_rng(0))
        if np.shape(w) == (fan_out, fan_in):
            raise LearnerCodeError(
                f"{what} has shape (5, 3) = (fan_out, fan_in), the layout of "
                "torch.nn.Linear.weight; here W has shape (fan_in, fan_out) = (3, 5), "
                "as in x @ W + b."
            )
        w = expect_shape(w, (fan_in, fan_out), what)
        again = np.asarray(call(fn, fan_in, fan_out, np.random.default_rng(0)))
        if not np.array_equal(w, again):
            raise LearnerCodeError(
                f"{what} gives different weights for two generators with the same seed: "
                "draw with the `rng` argument (rng.normal, rng.uniform), not np.random."
            )
        if np.all(w == w.flat[0]):
            raise LearnerCodeError(f"all weights of {what} are equal; draw them at random.")
@test_case(points=1, hidden=False)


def test_q1_uniform_range(xavier_uniform):
    import numpy as np

    from coursepkg import init as ref
    from coursepkg.grading import LearnerCodeError, call, expect_shape

    fan_in, fan_out = 20, 30
    what = "xavier_uniform(20, 30, rng)"
    w = expect_shape(
        call(xavier_uniform, fan_in, fan_out, np.random.default_rng(1)),
        (fan_in, fan_out),
        what,
    )
    a = ref.xavier_bound(fan_in, fan_out)
    top = np.abs(w).max()
    if w.min() >= 0:
        raise LearnerCodeError(
            f"all weights of {what} are >= 0; draw them from [-a, a], centred on 0."
        )
    if 0.9 * a <= top <= a * (1 + 1e-9):
        return
    for bound, hint in [
        (
            np.sqrt(1 / (fan_in + fan_out)),
            "you used a = sqrt(1 / (fan_in + fan_out)); the variance of U(-a, a) is "
            "a**2 / 3, so a = sqrt(3 * 2 / (fan_in + fan_out)) = sqrt(6 / (fan_in + fan_out)).",
        ),
        (
            np.sqrt(2 / (fan_in + fan_out)),
            "you used the standard deviation of xavier_normal as the bound; the variance "
            "of U(-a, a) is a**2 / 3, so a = sqrt(6 / (fan_in + fan_out)).",
        ),
        (
            np.sqrt(3 / (fan_in + fan_out)),
            "you used a = sqrt(3 / (fan_in + fan_out)), which gives the variance "
            "1 / (fan_in + fan_out); Xavier's is 2 / (fan_in + fan_out), so "
            "a = sqrt(6 / (fan_in + fan_out)).",
        ),
        (
            6 / (fan_in + fan_out),
            "a square root is missing: a = sqrt(6 / (fan_in + fan_out)).",
        ),
        (
            np.sqrt(6 / fan_in),
            "you used a = sqrt(6 / fan_in), He's uniform bound; Xavier's uses "
            "fan_in + fan_out: a = sqrt(6 / (fan_in + fan_out)).",
        ),
    ]:
        if 0.9 * bound <= top <= bound * (1 + 1e-9):
            raise LearnerCodeError(
                f"the weights of {what} reach {top:.4g} in absolute value, so your bound "
                f"is about {bound:.4g}, not a = {a:.4g}: {hint}"
            )
    raise LearnerCodeError(
        f"the weights of {what} reach {top:.4g} in absolute value; they should fill "
        f"[-a, a] with a = sqrt(6 / (fan_in + fan_out)) = {a:.4g}."
    )

from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = None

@test_case(points=1, hidden=False)


def test_q2_given_cache(dropout_backward):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close, expect_shape

    if str(getattr(dropout_backward, "__module__", "")).startswith("coursepkg"):
        raise LearnerCodeError(
            "dropout_backward is the course's reference: write your own with NumPy."
        )
    rng = np.random.default_rng(5)
    p, dout = 0.7, rng.normal(size=(6, 5))
    mask = rng.random((6, 5)) < p
    dx = call(dropout_backward, dout.copy(), (mask.copy(), p))
    what = "the dx of dropout_backward (keep_prob = 0.7)"
    if dx is None:
        raise LearnerCodeError("dropout_backward returned None: did you forget `return`?")
    got = expect_shape(dx, dout.shape, what)
    fresh = (
        "dx is not zero for some units that the forward pass dropped (mask False): use the "
        "mask stored in the cache; do not draw a new one."
    )
    diagnoses = [
        (
            dout * mask,
            "you forgot to divide by keep_prob: out = x * mask / keep_prob, so the gradient "
            "flows back through the same factor mask / keep_prob.",
        ),
        (dout / p, "you ignored the mask: the dropped units get no gradient."),
        (dout, "you passed dout through unchanged: multiply by mask / keep_prob."),
        (dout * ~mask / p, "you inverted the mask: it is True where the unit was kept."),
    ]
    matches = [np.allclose(got, alt) for alt, _ in diagnoses]
    if not np.allclose(got, dout * mask / p) and not any(matches) and np.any(got[~mask] != 0):
        raise LearnerCodeError(fresh)
    expect_close(got, dout * mask / p, what, diagnoses=diagnoses)

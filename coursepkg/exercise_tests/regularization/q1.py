from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = None

@test_case(points=1, hidden=False)


def test_q1_training_mode_keeps_the_expectation(dropout_forward):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_shape

    if str(getattr(dropout_forward, "__module__", "")).startswith("coursepkg"):
        raise LearnerCodeError(
            "dropout_forward is the course's reference: write your own with NumPy."
        )
    x, keep_prob = np.full((200, 50), 2.0), 0.8
    out = call(dropout_forward, x.copy(), keep_prob, np.random.default_rng(0))
    if out is None:
        raise LearnerCodeError(
            "dropout_forward returned None: did you forget `return`? Return the pair (out, cache)."
        )
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise LearnerCodeError(
            f"dropout_forward returned a {type(out).__name__}; return the pair (out, cache)."
        )
    got = expect_shape(out[0], x.shape, "the out of dropout_forward")
    what = "with x = 2 everywhere and keep_prob = 0.8, every entry of out should be 0 (dropped) "
    what += "or 2 / 0.8 = 2.5 (kept)"
    values = np.unique(np.round(got, 9))
    if set(values) <= {0.0, 2.0} and 0.0 in values:
        raise LearnerCodeError(
            f"{what}; yours are 0 or 2: you forgot to divide the kept units by keep_prob. "
            "Inverted dropout divides by keep_prob so that the expected activation stays x."
        )
    if set(values) <= {0.0, 1.6} and 0.0 in values:
        raise LearnerCodeError(
            f"{what}; yours are 0 or 1.6: you multiplied the kept units by keep_prob; divide."
        )
    if not set(values) <= {0.0, 2.5}:
        raise LearnerCodeError(f"{what}; yours include {values[:4]}.")
    kept = float(np.mean(got != 0))
    if kept == 1.0:
        raise LearnerCodeError(
            "no unit was dropped: in training mode drop each with 1 - keep_prob."
        )
    if abs(kept - (1 - keep_prob)) < 0.02:
        raise LearnerCodeError(
            f"you kept {kept:.1%} of the units with keep_prob = 0.8: you kept them with "
            "probability 1 - keep_prob. keep_prob is the probability of keeping a unit: "
            "keep where rng.random(x.shape) < keep_prob."
        )
    if abs(kept - keep_prob) > 0.02:
        raise LearnerCodeError(
            f"you kept {kept:.1%} of the units; with keep_prob = 0.8 about 80 % should be kept."
        )
    mean = float(got.mean())
    if abs(mean - 2.0) > 0.05:
        raise LearnerCodeError(
            f"the mean of out is {mean:.3f}; inverted dropout keeps the expectation, about 2."
        )
@test_case(points=1, hidden=False)


def test_q1_evaluation_mode_is_the_identity(dropout_forward):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close, expect_shape

    if str(getattr(dropout_forward, "__module__", "")).startswith("coursepkg"):
        raise LearnerCodeError(
            "dropout_forward is the course's reference: write your own with NumPy."
        )
    x = np.random.default_rng(1).normal(size=(5, 4))
    out = call(dropout_forward, x.copy(), 0.5, np.random.default_rng(1), training=False)
    if out is None:
        raise LearnerCodeError(
            "dropout_forward returned None: did you forget `return`? Return the pair (out, cache)."
        )
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise LearnerCodeError(
            f"dropout_forward returned a {type(out).__name__}; return the pair (out, cache)."
        )
    what = "the out of dropout_forward in evaluation mode (training=False, keep_prob = 0.5)"
    got = expect_shape(out[0], x.shape, what)
    if np.any(got == 0):
        raise LearnerCodeError(
            f"{what} has zeros: you dropped units at test time. Dropout is only for "
            "training; in evaluation mode return x unchanged."
        )
    expect_close(
        got,
        x,
        what,
        diagnoses=[
            (
                x / 0.5,
                "you divided by keep_prob at test time. Inverted dropout already divided by "
                "keep_prob during training, so evaluation is the identity: return x.",
            ),
            (
                x * 0.5,
                "you multiplied by keep_prob at test time: that is the weight-scaling rule of "
                "the original, non-inverted dropout. Inverted dropout scales during training, "
                "so evaluation is the identity: return x.",
            ),
        ],
    )

from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = None

@test_case(points=1, hidden=False)


def test_q3_softmax_uniform(softmax_loss):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close

    N, C = 4, 5
    y = np.array([0, 3, 1, 4])
    out = call(softmax_loss, np.zeros((N, C)), y)
    if out is None:
        raise LearnerCodeError("softmax_loss returned None: did you forget `return loss, dscores`?")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise LearnerCodeError("softmax_loss should return the pair (loss, dscores).")
    loss, dscores = out
    expect_close(
        loss,
        np.log(C),
        "the loss for all-zero scores, N=4, C=5 (every p is 1/5, so it must be log 5)",
        diagnoses=[
            (N * np.log(C), "that is the sum over the examples; the loss is the mean."),
            (-np.log(C), "wrong sign: the loss is -log p."),
        ],
    )
    want = (np.full((N, C), 1 / C) - np.eye(C)[y]) / N
    expect_close(
        dscores,
        want,
        "dscores for all-zero scores",
        diagnoses=[
            (
                N * want,
                "dscores is N times too large: the loss is the mean over the N "
                "examples, so dscores = (p - Y) / N.",
            ),
            (-want, "wrong sign: dscores = (p - Y) / N."),
            (-N * want, "wrong sign (p - Y, not Y - p) and a missing 1/N."),
        ],
    )

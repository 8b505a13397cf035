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
@test_case(points=1, hidden=False)


def test_q3_loss_of_a_small_network(two_layer_loss):
    import numpy as np

    from coursepkg import layers as L
    from coursepkg.grading import LearnerCodeError, call, expect_close, expect_shape

    N, D, H, C = 3, 2, 4, 3
    rng = np.random.default_rng(8)
    x, y = rng.normal(size=(N, D)), np.array([0, 2, 1])
    params = {
        "W1": rng.normal(size=(D, H)),
        "b1": rng.normal(size=H),
        "W2": rng.normal(size=(H, C)),
        "b2": rng.normal(size=C),
    }
    h, _ = L.relu_forward(L.linear_forward(x, params["W1"], params["b1"])[0])
    want_loss, _ = L.softmax_cross_entropy(L.linear_forward(h, params["W2"], params["b2"])[0], y)
    out = call(two_layer_loss, x, y, **params)
    if out is None:
        raise LearnerCodeError("two_layer_loss returned None: did you forget `return loss, grads`?")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise LearnerCodeError("two_layer_loss should return the pair (loss, grads).")
    loss, grads = out
    expect_close(loss, want_loss, "the loss of two_layer_loss for N=3, D=2, H=4, C=3")
    if not isinstance(grads, dict) or set(grads) != set(params):
        raise LearnerCodeError(
            "the grads of two_layer_loss should be a dict with keys 'W1', 'b1', 'W2', 'b2'."
        )
    for name, value in params.items():
        expect_shape(grads[name], value.shape, f"grads['{name}']")

from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = None

@test_case(points=1, hidden=False)


def test_q2_shapes(two_layer_backward):
    import numpy as np

    from coursepkg import layers as L
    from coursepkg.grading import LearnerCodeError, call, expect_shape

    N, D, H, C = 4, 3, 5, 2
    rng = np.random.default_rng(1)
    x, W1, b1 = rng.normal(size=(N, D)), rng.normal(size=(D, H)), rng.normal(size=H)
    W2, dscores = rng.normal(size=(H, C)), rng.normal(size=(N, C))
    z1, _ = L.linear_forward(x, W1, b1)
    h, _ = L.relu_forward(z1)
    try:
        grads = call(two_layer_backward, dscores, (x, z1, h, W2))
    except LearnerCodeError as err:
        if "ValueError" not in str(err):
            raise
        raise LearnerCodeError(
            f"{err} -- Hint: write down the shapes. For out = inp @ W + b, the gradient "
            "of W is inp.T @ dout, of the shape of W; dout @ inp does not fit."
        ) from None
    if grads is None:
        raise LearnerCodeError("two_layer_backward returned None: did you forget `return`?")
    if not isinstance(grads, dict) or set(grads) != {"W1", "b1", "W2", "b2"}:
        raise LearnerCodeError(
            "two_layer_backward should return a dict with the keys 'W1', 'b1', 'W2', "
            f"'b2'; it returned {grads!r:.80}"
        )
    for name, shape in {"W1": (D, H), "b1": (H,), "W2": (H, C), "b2": (C,)}.items():
        got = np.shape(grads[name])
        if len(shape) == 2 and got == shape[::-1]:
            raise LearnerCodeError(
                f"grads['{name}'] has shape {got}, the transpose of the shape {shape} "
                f"of {name}: for out = inp @ W + b the gradient of W is inp.T @ dout."
            )
        if len(shape) == 1 and got in ((N, shape[0]), (N,)):
            raise LearnerCodeError(
                f"grads['{name}'] has shape {got}, not {shape}: {name} is added to every "
                "example, so its gradient is the sum of the upstream gradient over "
                "the batch (axis 0)."
            )
        expect_shape(grads[name], shape, f"grads['{name}']")
@test_case(points=1, hidden=False)


def test_q2_second_layer(two_layer_backward):
    import numpy as np

    from coursepkg import layers as L
    from coursepkg.grading import LearnerCodeError, call, expect_close

    N, D, H, C = 4, 3, 5, 2
    rng = np.random.default_rng(2)
    x, W1, b1 = rng.normal(size=(N, D)), rng.normal(size=(D, H)), rng.normal(size=H)
    W2, dscores = rng.normal(size=(H, C)), rng.normal(size=(N, C))
    z1, _ = L.linear_forward(x, W1, b1)
    h, _ = L.relu_forward(z1)
    _, dW2, db2 = L.linear_backward(dscores, (h, W2))
    grads = call(two_layer_backward, dscores, (x, z1, h, W2))
    if not isinstance(grads, dict) or not {"W2", "b2"} <= set(grads):
        raise LearnerCodeError(
            "two_layer_backward should return a dict with keys 'W1', 'b1', 'W2', 'b2'."
        )
    for name, shape in {"W2": (H, C), "b2": (C,)}.items():
        if np.shape(grads[name]) != shape:
            raise LearnerCodeError(
                f"grads['{name}'] has shape {np.shape(grads[name])}, not {shape}: every "
                "gradient has the shape of its parameter."
            )
    again = "dscores already contains the 1/N of the mean loss; do not divide again."
    expect_close(
        grads["W2"],
        dW2,
        "grads['W2']",
        diagnoses=[(dW2 / N, f"it is N times too small: {again}")],
    )
    expect_close(
        grads["b2"],
        db2,
        "grads['b2']",
        diagnoses=[(db2 / N, f"you averaged over the batch; sum instead: {again}")],
    )

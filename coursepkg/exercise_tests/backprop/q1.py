from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = None

@test_case(points=1, hidden=False)


def test_q1_shapes(two_layer_forward):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_shape

    rng = np.random.default_rng(0)
    x, W1, b1 = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=5)
    W2, b2 = rng.normal(size=(5, 2)), rng.normal(size=2)
    out = call(two_layer_forward, x, W1, b1, W2, b2)
    if out is None:
        raise LearnerCodeError(
            "two_layer_forward returned None: did you forget `return scores, cache`?"
        )
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise LearnerCodeError(
            f"two_layer_forward returned a {type(out).__name__}; "
            "it should return the pair (scores, cache)."
        )
    expect_shape(out[0], (4, 2), "the scores for N=4, D=3, H=5, C=2")
@test_case(points=1, hidden=False)


def test_q1_small_network(two_layer_forward):
    import numpy as np

    from coursepkg import layers as L
    from coursepkg.grading import LearnerCodeError, call, expect_close

    x = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -3.0]])
    W1 = np.array([[1.0, -1.0, 0.5], [0.5, 1.0, -2.0]])
    b1 = np.array([0.1, -0.2, 0.3])
    W2 = np.array([[1.0, -2.0], [0.5, 1.0], [-1.0, 0.25]])
    b2 = np.array([0.05, -0.1])
    z1, _ = L.linear_forward(x, W1, b1)
    h, _ = L.relu_forward(z1)
    want, _ = L.linear_forward(h, W2, b2)
    out = call(two_layer_forward, x, W1, b1, W2, b2)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise LearnerCodeError("two_layer_forward should return the pair (scores, cache).")
    expect_close(
        out[0],
        want,
        "the scores of a network with N=3, D=2, H=3, C=2",
        diagnoses=[
            (
                L.linear_forward(z1, W2, b2)[0],
                "these are the scores without the ReLU: use h = max(z1, 0) between the two layers.",
            ),
            (
                L.relu_forward(want)[0],
                "you applied a ReLU to the scores too; the output layer is linear "
                "(scores are logits and may be negative).",
            ),
            (
                L.linear_forward(L.relu_forward(x @ W1)[0], W2, b2)[0],
                "b1 is missing: z1 = x W1 + b1.",
            ),
            (h @ W2, "b2 is missing: the scores are h W2 + b2."),
        ],
    )

from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = None

@test_case(points=1, hidden=False)


def test_q3_small_network(l2_penalty):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close

    if str(getattr(l2_penalty, "__module__", "")).startswith("coursepkg"):
        raise LearnerCodeError("l2_penalty is the course's reference: write your own with NumPy.")
    params = {
        "W1": np.array([[1.0, -2.0], [3.0, 0.5]]),
        "b1": np.array([1.0, -1.0]),
        "W2": np.array([[2.0], [-1.0]]),
        "b2": np.array([4.0]),
    }
    lam = 0.1
    out = call(l2_penalty, {k: v.copy() for k, v in params.items()}, lam)
    if out is None:
        raise LearnerCodeError(
            "l2_penalty returned None: did you forget `return`? Return the pair (penalty, grads)."
        )
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise LearnerCodeError(
            f"l2_penalty returned a {type(out).__name__}; return the pair (penalty, grads)."
        )
    weights = [v for k, v in params.items() if k.startswith("W")]
    squares = sum(float(np.sum(w**2)) for w in weights)
    with_biases = sum(float(np.sum(v**2)) for v in params.values())
    expect_close(
        out[0],
        lam / 2 * squares,
        f"the penalty of l2_penalty (lam = {lam})",
        diagnoses=[
            (
                lam / 2 * with_biases,
                "you penalized the biases too: the penalty sums over the weights only "
                "(the keys that start with 'W').",
            ),
            (
                lam * squares,
                "you used lam * sum ||W||_F^2; the penalty is lam/2 * sum ||W||_F^2 "
                "(the 1/2 makes its gradient lam * W).",
            ),
            (
                lam / 2 * sum(float(np.linalg.norm(w)) for w in weights),
                "||W||_F^2 is the squared Frobenius norm, the sum of the squares of all "
                "entries; np.linalg.norm(W) is its square root.",
            ),
            (
                lam * sum(float(np.sum(np.abs(w))) for w in weights),
                "that is the L1 penalty lam * sum |W|; L2 sums the squares.",
            ),
        ],
    )
    grads = out[1]
    if not isinstance(grads, dict) or set(grads) != set(params):
        keys = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
        raise LearnerCodeError(
            f"grads should be a dict with one entry per key of params, {sorted(params)}; "
            f"got {keys} (lam * W for the weights, zeros for the biases)."
        )
    for key, value in params.items():
        if key.startswith("W"):
            expect_close(
                grads[key],
                lam * value,
                f"grads['{key}'] (lam = {lam})",
                diagnoses=[
                    (lam / 2 * value, "the derivative of lam/2 * W**2 is lam * W, not lam/2 * W."),
                    (
                        2 * lam * value,
                        "the derivative of lam/2 * W**2 is lam * W, not 2 * lam * W.",
                    ),
                ],
            )
        else:
            expect_close(
                grads[key],
                np.zeros_like(value),
                f"grads['{key}'] (a bias)",
                diagnoses=[
                    (
                        lam * value,
                        "you penalized the biases: they are not penalized, so their gradient "
                        "from the penalty is 0.",
                    )
                ],
            )

from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = None

@test_case(points=1, hidden=False)


def test_q4_small_network(regularized_loss):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close, expect_shape
    from coursepkg.mlp import MLP
    from coursepkg.regularization import l2_penalty as l2_penalty_reference

    rng = np.random.default_rng(11)
    N, D, H, C, lam = 5, 3, 4, 2, 0.1
    x, y = rng.normal(size=(N, D)), rng.integers(0, C, size=N)
    params = {
        "W1": rng.normal(size=(D, H)),
        "b1": rng.normal(size=H),
        "W2": rng.normal(size=(H, C)),
        "b2": rng.normal(size=C),
    }
    net = MLP([D, H, C])
    net.params = {k: v.copy() for k, v in params.items()}
    data, data_grads = net.loss(x, y)
    penalty, penalty_grads = l2_penalty_reference(params, lam)
    want = {k: data_grads[k] + penalty_grads.get(k, 0.0) for k in params}
    out = call(regularized_loss, {k: v.copy() for k, v in params.items()}, x.copy(), y, lam)
    if out is None:
        raise LearnerCodeError(
            "regularized_loss returned None: did you forget `return`? Return (loss, grads)."
        )
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise LearnerCodeError("regularized_loss should return the pair (loss, grads).")
    loss, grads = out
    if not isinstance(grads, dict) or set(grads) != set(params):
        raise LearnerCodeError(
            "the grads of regularized_loss should be a dict with the keys "
            f"{sorted(params)}, one gradient per parameter."
        )
    grads = {k: expect_shape(grads[k], v.shape, f"grads['{k}']") for k, v in params.items()}
    biases = lam / 2 * sum(float(np.sum(params[k] ** 2)) for k in ("b1", "b2"))
    expect_close(
        loss,
        data + penalty,
        "the loss of regularized_loss (lam = 0.1)",
        diagnoses=[
            (data, "the penalty is missing: add lam/2 * sum ||W||_F^2 to the data loss."),
            (
                data + 2 * penalty,
                "the penalty is lam/2 * sum ||W||_F^2, not lam * sum ||W||_F^2 "
                "(check l2_penalty, question 3).",
            ),
            (data + penalty + biases, "the biases are penalized too: only the weights are."),
            (penalty, "that is the penalty alone: add the data loss."),
        ],
    )

    def grad_diagnoses(key):
        if key.startswith("b"):
            return [
                (
                    want[key] + lam * params[key],
                    "you penalized the biases: only the weights are, so a bias gets its data "
                    "gradient alone.",
                )
            ]
        return [
            (
                data_grads[key],
                "the penalty's gradient is missing: add lam * W to the data gradient of "
                "each weight.",
            ),
            (data_grads[key] + lam / 2 * params[key], "the penalty adds lam * W, not lam/2 * W."),
        ]

    for key in params:
        expect_close(grads[key], want[key], f"grads['{key}']", diagnoses=grad_diagnoses(key))

from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = None

@test_case(points=1, hidden=False)


def test_q1_small_batch(batchnorm_forward):
    import numpy as np

    from coursepkg import batchnorm as B
    from coursepkg.grading import LearnerCodeError, call, expect_close

    if str(getattr(batchnorm_forward, "__module__", "")).startswith("coursepkg"):
        raise LearnerCodeError(
            "batchnorm_forward is the course's reference: write your own with NumPy."
        )
    x = np.array([[1.0, 2.0, 0.0], [3.0, -1.0, 0.5], [-2.0, 0.0, 1.0], [2.0, 3.0, -1.5]])
    gamma, beta, eps = np.array([1.5, 0.5, 2.0]), np.array([0.1, -0.2, 0.3]), 0.1
    with np.errstate(all="ignore"):
        out = call(batchnorm_forward, x.copy(), gamma.copy(), beta.copy(), eps)
    if out is None:
        raise LearnerCodeError(
            "batchnorm_forward returned None: did you forget `return out, cache`?"
        )
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise LearnerCodeError(
            f"batchnorm_forward returned a {type(out).__name__}; return the pair (out, cache)."
        )
    want, ref = B.batchnorm_forward(x, gamma, beta, eps)
    xc, var = x - ref["mu"], ref["var"]
    rows = (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + eps)
    expect_close(
        out[0],
        want,
        "the out of batchnorm_forward for a batch of 4 examples with 3 features and eps = 0.1",
        diagnoses=[
            (
                gamma * xc / np.sqrt(x.var(axis=0, ddof=1) + eps) + beta,
                "you normalized with the unbiased variance (dividing by m - 1, ddof=1). Batch "
                "norm normalizes with the biased variance of the batch: the mean of "
                "(x - mu)**2, dividing by m (the default of np.var).",
            ),
            (
                gamma * xc / np.sqrt(var) + beta,
                "you forgot eps: divide by sqrt(var + eps). eps keeps the division finite "
                "when a feature is constant over the batch (var = 0).",
            ),
            (
                gamma * xc / (np.sqrt(var) + eps) + beta,
                "eps goes inside the square root: sqrt(var + eps), not sqrt(var) + eps.",
            ),
            (
                gamma * xc / (var + eps) + beta,
                "divide by the standard deviation sqrt(var + eps), not by the variance.",
            ),
            (
                gamma * rows + beta,
                "you normalized each example (a row, axis=1), which is layer normalization. "
                "Batch norm normalizes each feature (a column) over the batch: axis=0.",
            ),
            (
                ref["x_hat"],
                "that is x_hat: scale it by gamma and shift it by beta.",
            ),
            (
                beta * ref["x_hat"] + gamma,
                "gamma and beta are swapped: gamma scales x_hat, beta shifts it.",
            ),
        ],
        nan_hint="Look for a division by zero: did you forget eps in sqrt(var + eps)?",
    )

from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = None

@test_case(points=1, hidden=False)


def test_q3_one_update(update_running_stats):
    import numpy as np

    from coursepkg import batchnorm as B
    from coursepkg.grading import LearnerCodeError, call, expect_close

    x = np.array([[1.0, 2.0, 0.0], [3.0, -1.0, 0.5], [-2.0, 0.0, 1.0], [2.0, 3.0, -1.5]])
    gamma, eps = np.ones(3), 1e-5
    _, ref = B.batchnorm_forward(x, gamma, np.zeros(3), eps)
    cache = (x.copy(), ref["x_hat"].copy(), ref["mu"].copy(), ref["var"].copy(), gamma, eps)
    out = call(update_running_stats, np.zeros(3), np.ones(3), cache, 0.9)
    if out is None:
        raise LearnerCodeError(
            "update_running_stats returned None: did you forget `return`? "
            "Return the pair (running_mean, running_var)."
        )
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise LearnerCodeError(
            f"update_running_stats returned a {type(out).__name__}; "
            "return the pair (running_mean, running_var)."
        )
    swapped = (
        "decay and 1 - decay are swapped: the old running value keeps the weight decay and "
        "the batch statistic gets 1 - decay (torch's momentum = 0.1 is the weight of the "
        "new batch, i.e. decay = 0.9)."
    )
    biased = (
        "you averaged the biased batch variance; the running variance averages the unbiased "
        "m / (m - 1) * var, as in Ioffe and Szegedy's inference rule and torch.nn.BatchNorm1d."
    )
    want = B.update_running_stats(B.init_running_stats(3), ref, decay=0.9)
    mu, var = ref["mu"], ref["var"]
    expect_close(
        out[0],
        want.mean,
        "the running_mean after one step from 0 with decay = 0.9",
        diagnoses=[
            (0.9 * mu, swapped),
            (mu, "you replaced the running mean by the batch mean; average the two."),
        ],
    )
    expect_close(
        out[1],
        want.var,
        "the running_var after one step from 1 with decay = 0.9 on a batch of m = 4",
        diagnoses=[
            (0.9 + 0.1 * var, biased),
            (0.1 + 0.9 * var * 4 / 3, swapped),
            (0.1 + 0.9 * var, f"{swapped} Also, {biased}"),
            (0.9 + 0.1 * var * 3 / 4, "the factor is m / (m - 1), here 4/3, not (m - 1) / m."),
            (
                0.9 + 0.1 * np.sqrt(var * 4 / 3),
                "you averaged the standard deviation; average the (unbiased) variance.",
            ),
        ],
    )
@test_case(points=1, hidden=False)


def test_q3_eval_forward(batchnorm_eval_forward):
    import numpy as np

    from coursepkg import batchnorm as B
    from coursepkg.grading import LearnerCodeError, call, expect_close

    x = np.array([[0.5, -1.0], [2.0, 3.0], [-1.5, 0.0]])
    gamma, beta, eps = np.array([2.0, 0.5]), np.array([-1.0, 0.25]), 0.1
    mean, var = np.array([0.2, 1.0]), np.array([1.5, 4.0])
    with np.errstate(all="ignore"):
        out = call(batchnorm_eval_forward, x.copy(), gamma, beta, mean.copy(), var.copy(), eps)
    if out is None:
        raise LearnerCodeError("batchnorm_eval_forward returned None: did you forget `return`?")
    if isinstance(out, (tuple, list)):
        raise LearnerCodeError(
            f"batchnorm_eval_forward returned a {type(out).__name__}; return only the array out."
        )
    want, _ = B.batchnorm_eval_forward(x, gamma, beta, mean, var, eps)
    expect_close(
        out,
        want,
        "the out of batchnorm_eval_forward (running_mean = [0.2, 1], running_var = [1.5, 4], "
        "eps = 0.1)",
        diagnoses=[
            (
                B.batchnorm_forward(x, gamma, beta, eps)[0],
                "you normalized with the statistics of the batch x itself. Evaluation mode "
                "uses running_mean and running_var, so that an example's output does not "
                "depend on the rest of its batch (and a single example works).",
            ),
            (gamma * (x - mean) / np.sqrt(var) + beta, "you forgot eps: sqrt(running_var + eps)."),
            (
                gamma * (x - mean) / (np.sqrt(var) + eps) + beta,
                "eps goes inside the square root: sqrt(running_var + eps).",
            ),
            (
                gamma * (x - mean) / (var + eps) + beta,
                "divide by the standard deviation sqrt(running_var + eps), not the variance.",
            ),
            ((x - mean) / np.sqrt(var + eps), "scale by gamma and shift by beta."),
        ],
    )

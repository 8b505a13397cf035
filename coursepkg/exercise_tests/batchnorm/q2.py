from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = None

@test_case(points=1, hidden=False)


def test_q2_shapes_dgamma_dbeta(batchnorm_backward):
    import numpy as np

    from coursepkg import batchnorm as B
    from coursepkg.grading import LearnerCodeError, call, expect_close, expect_shape

    rng = np.random.default_rng(1)
    N, D, eps = 6, 4, 1e-5
    x, dout = rng.normal(1.0, 2.0, size=(N, D)), rng.normal(size=(N, D))
    gamma, beta = rng.normal(1.0, 0.5, size=D), rng.normal(size=D)
    _, ref = B.batchnorm_forward(x, gamma, beta, eps)
    cache = (x.copy(), ref["x_hat"].copy(), ref["mu"].copy(), ref["var"].copy(), gamma.copy(), eps)
    with np.errstate(all="ignore"):
        grads = call(batchnorm_backward, dout.copy(), cache)
    if grads is None:
        raise LearnerCodeError(
            "batchnorm_backward returned None: did you forget `return`? "
            "Return the tuple (dx, dgamma, dbeta)."
        )
    if not isinstance(grads, (tuple, list)) or len(grads) != 3:
        raise LearnerCodeError(
            f"batchnorm_backward returned a {type(grads).__name__}; "
            "return the tuple (dx, dgamma, dbeta)."
        )
    want = B.batchnorm_backward(dout, ref)
    expect_shape(grads[0], (N, D), "dx")
    summed = (
        "gamma and beta are shared by every example of the batch, so their gradients add "
        "up the contributions of all N examples: sum over axis 0 (do not average)."
    )
    for name, got in (("dgamma", grads[1]), ("dbeta", grads[2])):
        if np.shape(got) == (N, D):
            raise LearnerCodeError(f"{name} has shape {(N, D)}, not ({D},): {summed}")
    expect_close(
        grads[2],
        want[2],
        "dbeta",
        diagnoses=[(want[2] / N, f"dbeta is N times too small: {summed}")],
    )
    expect_close(
        grads[1],
        want[1],
        "dgamma",
        diagnoses=[
            (want[1] / N, f"dgamma is N times too small: {summed}"),
            (
                (dout * x).sum(axis=0),
                "you multiplied dout by x; gamma multiplies x_hat, so dgamma is the sum "
                "over the batch of dout * x_hat.",
            ),
            (want[2], "dgamma is the sum over the batch of dout * x_hat, not of dout."),
        ],
    )
@test_case(points=1, hidden=False)


def test_q2_dx_gradient_check(batchnorm_backward):
    import numpy as np

    from coursepkg import batchnorm as B
    from coursepkg.gradcheck import numerical_gradient
    from coursepkg.grading import LearnerCodeError, call, expect_close

    rng = np.random.default_rng(2)
    N, D, eps = 5, 3, 1e-5
    x, dout = rng.normal(2.0, 3.0, size=(N, D)), rng.normal(size=(N, D))
    gamma, beta = rng.normal(1.0, 0.5, size=D), rng.normal(size=D)
    _, ref = B.batchnorm_forward(x, gamma, beta, eps)
    cache = (x.copy(), ref["x_hat"].copy(), ref["mu"].copy(), ref["var"].copy(), gamma.copy(), eps)
    with np.errstate(all="ignore"):
        grads = call(batchnorm_backward, dout.copy(), cache)
    if grads is None:
        raise LearnerCodeError(
            "batchnorm_backward returned None: did you forget `return`? "
            "Return the tuple (dx, dgamma, dbeta)."
        )
    if not isinstance(grads, (tuple, list)) or len(grads) != 3:
        raise LearnerCodeError(
            f"batchnorm_backward returned a {type(grads).__name__}; "
            "return the tuple (dx, dgamma, dbeta)."
        )
    numeric = numerical_gradient(
        lambda v: B.batchnorm_forward(v, gamma, beta, eps)[0], x.copy(), dout=dout
    )
    inv_std = 1.0 / np.sqrt(ref["var"] + eps)
    xh, upstream = ref["x_hat"], dout * gamma
    no_gamma = B.batchnorm_backward(dout, {**ref, "gamma": np.ones(D)})[0]
    dx_diagnoses = [
        (
            upstream * inv_std,
            "that is the gradient with mu and var held fixed, dout * gamma / sqrt(var + eps): "
            "right in evaluation mode only. In training mode mu and var are computed from "
            "the batch, so each x_i also moves them: add the paths through mu and var.",
        ),
        (
            (upstream - upstream.mean(axis=0)) * inv_std,
            "the path through var is missing: var = mean((x - mu)**2) depends on x too, "
            "which adds a term along x_hat.",
        ),
        (
            (upstream - xh * (upstream * xh).mean(axis=0)) * inv_std,
            "the path through mu is missing: mu = mean(x) depends on every x_i, which "
            "subtracts the batch mean of the gradient reaching x_hat.",
        ),
        (no_gamma, "gamma is missing: the gradient reaching x_hat is dout * gamma."),
    ]
    expect_close(
        grads[0],
        numeric,
        "dx (compared with centred finite differences of the batch-norm output)",
        rtol=1e-5,
        atol=1e-8,
        diagnoses=dx_diagnoses,
        nan_hint="Look for a division by zero: use sqrt(var + eps) with the eps of the cache.",
    )

from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = None

@test_case(points=1, hidden=False)


def test_q2_first_step(rmsprop_step):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close

    theta, g = np.array([1.0, -1.0, 0.5]), np.array([0.2, -0.5, 4.0])
    lr, beta, eps = 0.01, 0.9, 1e-8
    out = call(rmsprop_step, theta.copy(), g.copy(), np.zeros(3), lr, beta, eps)
    if out is None:
        raise LearnerCodeError("rmsprop_step returned None: did you forget `return theta, v`?")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise LearnerCodeError(
            f"rmsprop_step returned a {type(out).__name__}; return the pair (theta, v)."
        )
    what = "of the first step (v = 0, lr = 0.01, beta = 0.9, g = [0.2, -0.5, 4])"
    v = 0.1 * g**2
    expect_close(
        out[1],
        v,
        f"the v {what}",
        diagnoses=[
            (0.1 * g, "v averages the squared gradients g**2, not g."),
            (
                0.9 * g**2,
                "(1 - beta) is on the wrong term: the old v gets the weight beta and the "
                "new g**2 the weight 1 - beta.",
            ),
            (g**2, "the factor (1 - beta) on g**2 is missing."),
        ],
    )
    with np.errstate(all="ignore"):
        expect_close(
            out[0],
            theta - lr * g / (np.sqrt(v) + eps),
            f"the theta {what}",
            diagnoses=[
                (
                    theta + lr * g / (np.sqrt(v) + eps),
                    "wrong sign: the step goes downhill, theta - lr * g / (sqrt(v) + eps).",
                ),
                (
                    theta - lr * g / (v + eps),
                    "the step divides by the square root of v, the root mean square of g.",
                ),
                (
                    theta - lr * g / eps,
                    "you divided by the old v (zero at the first step): update v first, "
                    "then step with the new v.",
                ),
            ],
        )
@test_case(points=1, hidden=False)


def test_q2_three_steps(rmsprop_step):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close
    from coursepkg.optim import apply_updates, rmsprop

    lr, beta, eps = 0.01, 0.9, 1e-8
    opt = rmsprop(lr=lr, alpha=beta, eps=eps)
    grads = [np.array([0.5, -1.0]), np.array([-0.2, 0.4]), np.array([1.0, 0.3])]
    theta0 = np.array([1.0, 2.0])
    want, fresh, state, theta = [], [], opt.init(theta0), theta0
    for g in grads:
        # the step from the state the previous step returned, and (a typical mistake) from
        # a fresh state, as if the incoming state were ignored
        fresh.append(apply_updates(theta, opt.update(g, opt.init(theta))[0]))
        updates, state = opt.update(g, state)
        theta = apply_updates(theta, updates)
        want.append(theta)
    theta, v = theta0, np.zeros(2)
    for k, g in enumerate(grads):
        with np.errstate(all="ignore"):
            out = call(rmsprop_step, theta, g, v, lr, beta, eps)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise LearnerCodeError("rmsprop_step should return the tuple (theta, v).")
        theta, v = out
        expect_close(
            theta,
            want[k],
            f"theta after {k + 1} of 3 steps (each step gets the state the previous one returned)",
            diagnoses=[]
            if k == 0
            else [
                (
                    fresh[k],
                    "this step ignored the incoming state: it moved as if it were the first "
                    "step. Update the state that is passed in, and return it.",
                )
            ],
        )

from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = None

@test_case(points=1, hidden=False)


def test_q1_first_step(momentum_step):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close

    theta, g = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    out = call(momentum_step, theta.copy(), g.copy(), np.zeros(2), 0.1, 0.9)
    if out is None:
        raise LearnerCodeError("momentum_step returned None: did you forget `return theta, m`?")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise LearnerCodeError(
            f"momentum_step returned a {type(out).__name__}; return the pair (theta, m)."
        )
    what = "of the first step (m = 0, lr = 0.1, beta = 0.9, g = [0.5, -1])"
    expect_close(
        out[1],
        0.1 * g,
        f"the m {what}",
        diagnoses=[
            (
                0.9 * g,
                "(1 - beta) is on the wrong term: the old average m gets the weight beta "
                "and the new gradient g the weight 1 - beta.",
            ),
            (
                g,
                "you added the whole gradient, m <- beta * m + g (torch's momentum buffer, "
                "a sum); the course's form is the average m <- beta * m + (1 - beta) * g.",
            ),
        ],
    )
    expect_close(
        out[0],
        theta - 0.01 * g,
        f"the theta {what}",
        diagnoses=[
            (theta + 0.01 * g, "wrong sign: the step goes downhill, theta - lr * m."),
            (theta, "theta did not move: did you step with the old m (zero here)? Update m first."),
            (theta - 0.1 * g, "you stepped along the raw gradient g; step along the new m."),
        ],
    )
@test_case(points=1, hidden=False)


def test_q1_three_steps(momentum_step):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close
    from coursepkg.optim import apply_updates, momentum

    lr, beta = 0.1, 0.9
    opt = momentum(lr=lr, beta=beta)
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
    theta, m = theta0, np.zeros(2)
    for k, g in enumerate(grads):
        with np.errstate(all="ignore"):
            out = call(momentum_step, theta, g, m, lr, beta)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise LearnerCodeError("momentum_step should return the tuple (theta, m).")
        theta, m = out
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

from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = None

@test_case(points=1, hidden=False)


def test_q3_first_step(adam_step):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close, expect_number
    from coursepkg.optim import adam, apply_updates

    theta, g = np.array([1.0, -2.0]), np.array([0.1, -3.0])
    lr, beta1, beta2, eps = 0.01, 0.9, 0.999, 1e-8
    with np.errstate(all="ignore"):
        out = call(
            adam_step, theta.copy(), g.copy(), np.zeros(2), np.zeros(2), 0, lr, beta1, beta2, eps
        )
    if out is None:
        raise LearnerCodeError("adam_step returned None: did you forget `return theta, m, v, t`?")
    if not isinstance(out, (tuple, list)) or len(out) != 4:
        raise LearnerCodeError(
            f"adam_step returned a {type(out).__name__}; return the tuple (theta, m, v, t)."
        )
    opt = adam(lr=lr, betas=(beta1, beta2), eps=eps)
    updates, _ = opt.update(g, opt.init(theta))
    m, v = (1 - beta1) * g, (1 - beta2) * g**2
    expect_close(
        out[0],
        apply_updates(theta, updates),
        "the theta of the first Adam step (m = v = 0, t = 0, lr = 0.01)",
        diagnoses=[
            (
                theta - lr * m / (np.sqrt(v) + eps),
                "that is a step without the bias corrections: divide m by 1 - beta1**t "
                "and v by 1 - beta2**t (t = 1 here) before the step.",
            ),
            (
                theta - lr * (m / (1 - beta1)) / (np.sqrt(v) + eps),
                "only m is corrected: divide v by 1 - beta2**t too.",
            ),
            (
                theta - lr * m / (np.sqrt(v / (1 - beta2)) + eps),
                "only v is corrected: divide m by 1 - beta1**t too.",
            ),
            (
                theta - updates,
                "wrong sign: the step goes downhill, theta - lr * m_hat / (sqrt(v_hat) + eps).",
            ),
        ],
        nan_hint="Look for a division by zero: the first step has t = 1 (add 1 to t first), so its "
        "bias correction divides by 1 - beta1**1, not 1 - beta1**0 = 0.",
    )
    t = expect_number(out[3], "the t returned by adam_step")
    if t != 1:
        raise LearnerCodeError(
            f"the first step returned t = {t:g}; expected 1: t counts the steps taken, so "
            "the state after the first step has t = 1."
        )
@test_case(points=1, hidden=False)


def test_q3_three_steps(adam_step):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close
    from coursepkg.optim import adam, apply_updates

    lr, beta1, beta2, eps = 0.01, 0.9, 0.999, 1e-8
    opt = adam(lr=lr, betas=(beta1, beta2), eps=eps)
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
    theta, m, v, t = theta0, np.zeros(2), np.zeros(2), 0
    for k, g in enumerate(grads):
        with np.errstate(all="ignore"):
            out = call(adam_step, theta, g, m, v, t, lr, beta1, beta2, eps)
        if not isinstance(out, (tuple, list)) or len(out) != 4:
            raise LearnerCodeError("adam_step should return the tuple (theta, m, v, t).")
        theta, m, v, t = out
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
                    "step. Update the state that is passed in (m, v and the step count t), and return it.",
                )
            ],
        )

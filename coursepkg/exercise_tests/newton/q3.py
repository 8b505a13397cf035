from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = None

@test_case(points=1, hidden=False)


def test_q3_quadratic(newton):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close, expect_number

    A, b = np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([1.0, -1.0])
    out = call(newton, lambda x: A @ x - b, lambda x: A, np.array([2.0, 3.0]), 1e-8, 50)
    if out is None:
        raise LearnerCodeError("newton returned None: did you forget `return x, n_iter`?")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise LearnerCodeError(
            f"newton returned a {type(out).__name__}; return the pair (x, n_iter)."
        )
    expect_close(
        out[0],
        np.linalg.solve(A, b),
        "the x of newton from [2, 3] on the quadratic of question 2 (if this fails, check "
        "newton_step first)",
    )
    n_iter = expect_number(out[1], "the n_iter returned by newton")
    if n_iter == 50:
        raise LearnerCodeError(
            "newton ran all max_iter = 50 steps on a quadratic although the gradient is 0 "
            "after the first one: the loop never stopped. Stop when "
            "np.linalg.norm(grad(x)) <= tol (x @ x_new, for example, is no distance and "
            "says nothing about convergence)."
        )
    if n_iter != 1:
        raise LearnerCodeError(
            f"newton returned n_iter = {n_iter:g} on a quadratic; expected 1: one step "
            "reaches the minimum, and the gradient there is 0. Test the gradient norm "
            "before each step and count the steps taken."
        )

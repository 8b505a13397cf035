from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = None

@test_case(points=1, hidden=False)


def test_q2_quadratic_in_one_step(newton_step):
    import numpy as np

    from coursepkg.grading import LearnerCodeError, call, expect_close

    A, b = np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([1.0, -1.0])
    x0 = np.array([2.0, 3.0])
    g = A @ x0 - b
    d = np.linalg.solve(A, g)
    got = call(newton_step, lambda x: A @ x - b, lambda x: A, x0.copy())
    if got is None:
        raise LearnerCodeError("newton_step returned None: did you forget `return`?")
    expect_close(
        got,
        np.linalg.solve(A, b),
        "newton_step from x0 = [2, 3] on f(x) = x^T A x / 2 - b^T x (it must land on the "
        "minimum A^-1 b = [0.6, -0.8])",
        diagnoses=[
            (x0 + d, "wrong sign: the Newton step is x - H^-1 grad(x); you went uphill."),
            (
                x0 - A @ g,
                "you multiplied the gradient by H; Newton divides by it: solve H d = grad(x) "
                "with np.linalg.solve(H, g), then step to x - d.",
            ),
            (-d, "that is minus the step d; return the new point x - d."),
            (d, "that is the step d itself; return the new point x - d."),
            (x0 - g, "that is a gradient-descent step (rate 1); Newton rescales it by H^-1."),
        ],
    )

"""Grading of the minibatches, optimizers and newton exercises, end to end.

For each exercise: the solution scores 100 %, the blank student notebook 0, and typical
wrong answers (edits of the solution notebook) score partial credit with feedback that
names the mistake; a submission that raises and one that loops forever are graded without
hanging, and the other questions keep their points. Regeneration, leaks of solutions or
hidden tests, and the Colab flow are checked for every exercise in tests/test_exercises.py.
"""

import pytest

from tests.exercise_grading import grading_tests

pytestmark = pytest.mark.slow

POSSIBLE = {"minibatches": 9, "optimizers": 13, "newton": 10}

# ---- minibatches: edits of the solution, expected {question: points}, feedback phrases -------
SHUFFLE = "order = np.random.default_rng(seed).permutation(m)\n    X, y = X[order], y[order]"
MINIBATCHES = {
    "solution": ([], {"q1": 2, "q2": 5, "q3": 2}, []),
    "floor_division": (
        [("return (m + batch_size - 1) // batch_size", "return m // batch_size")],
        {"q2": 5, "q3": 2},
        ["leaves out the last, partial mini-batch", "drops the last, partial mini-batch"],
    ),
    "no_shuffle": (
        [("    X, y = X[order], y[order]\n", "")],
        {"q1": 2, "q2": 2, "q3": 2},
        ["in their original order", "did you shuffle?"],
    ),
    "two_permutations": (
        [
            (
                SHUFFLE,
                "rng = np.random.default_rng(seed)\n"
                "    X, y = X[rng.permutation(m)], y[rng.permutation(m)]",
            )
        ],
        {"q1": 2, "q2": 2, "q3": 2},
        ["the labels no longer belong to their examples", "two different permutations"],
    ),
    "drop_last_batch": (
        [("range(0, m, batch_size)", "range(0, m - batch_size + 1, batch_size)")],
        {"q1": 2, "q2": 1, "q3": 2},
        ["keep the last, partial mini-batch", "No mini-batch at all"],
    ),
    "unseeded": (
        [
            (
                "order = np.random.default_rng(seed).permutation(m)",
                "order = np.random.permutation(m)",
            )
        ],
        {"q1": 2, "q2": 2, "q3": 2},
        ["cannot be reproduced"],
    ),
    "wrong_counts": (
        [
            ("last_batch_size = 40", "last_batch_size = 64"),
            ("updates_in_5_epochs = 80", "updates_in_5_epochs = 75"),
        ],
        {"q1": 2, "q2": 5},
        ["would need 16 * 64 = 1024 examples", "leaves out the partial mini-batch of each epoch"],
    ),
    "raises": (
        [("    m = len(X)\n", '    raise RuntimeError("oops")\n')],
        {"q1": 2, "q3": 2},
        ["raised RuntimeError: oops"],
    ),
    "endless_loop": (
        [("    m = len(X)\n", "    while True:\n        pass\n")],
        {"q1": 2, "q3": 2},
        ["did not finish within"],
    ),
}

# ---- optimizers ------------------------------------------------------------------------------
MOMENTUM_EMA = "m = beta * m + (1 - beta) * g"
RMSPROP_V = "    v = beta * v + (1 - beta) * g**2\n"
ADAM_RETURN = "(np.sqrt(v_hat) + eps), m, v, t"
OPTIMIZERS = {
    "solution": ([], {"q1": 4, "q2": 4, "q3": 5}, []),
    "momentum_swapped": (
        [(MOMENTUM_EMA, "m = (1 - beta) * m + beta * g")],
        {"q2": 4, "q3": 5},
        ["(1 - beta) is on the wrong term", "beta and 1 - beta swapped"],
    ),
    "momentum_sum": (
        [(MOMENTUM_EMA, "m = beta * m + g")],
        {"q2": 4, "q3": 5},
        ["torch's momentum buffer"],
    ),
    "rmsprop_eps_inside_sqrt": (
        [("g / (np.sqrt(v) + eps), v", "g / np.sqrt(v + eps), v")],
        {"q1": 4, "q2": 2, "q3": 5},
        ["eps goes outside the square root"],
    ),
    "rmsprop_no_square": (
        [(RMSPROP_V, RMSPROP_V.replace("g**2", "g"))],
        {"q1": 4, "q3": 5},
        ["v averages the squared gradients g**2, not g", "square root of a negative number"],
    ),
    "adam_correction_fed_back": (
        [(ADAM_RETURN, "(np.sqrt(v_hat) + eps), m_hat, v_hat, t")],
        {"q1": 4, "q2": 4, "q3": 1},
        ["you stored the bias-corrected average", "fed back into the state"],
    ),
    "adam_t_from_zero": (
        [("    t = t + 1\n", ""), (ADAM_RETURN, "(np.sqrt(v_hat) + eps), m, v, t + 1")],
        {"q1": 4, "q2": 4, "q3": 1},
        ["NaN or inf", "not 1 - beta1**0 = 0"],
    ),
    "adam_no_bias_correction": (
        [("m_hat = m / (1 - beta1**t)", "m_hat = m"), ("v_hat = v / (1 - beta2**t)", "v_hat = v")],
        {"q1": 4, "q2": 4, "q3": 1},
        ["without the bias corrections", "Adam without bias correction"],
    ),
    "raises": (
        [(RMSPROP_V, '    raise RuntimeError("oops")\n')],
        {"q1": 4, "q3": 5},
        ["raised RuntimeError: oops"],
    ),
    "endless_loop": (
        [("    t = t + 1\n", "    while True:\n        pass\n")],
        {"q1": 4, "q2": 4},
        ["did not finish within"],
    ),
    "momentum_ignores_incoming_state": (
        [(MOMENTUM_EMA, "m = (1 - beta) * g")],
        {"q1": 1, "q2": 4, "q3": 5},
        ["this step ignored the incoming state"],
    ),
}

# ---- newton ----------------------------------------------------------------------------------
NEWTON_STEP = "    d = np.linalg.solve(hess(x), grad(x))\n    return x - d"
NEWTON_LOOP = """    for k in range(max_iter):
        if np.linalg.norm(grad(x)) <= tol:
            return x, k
        x = newton_step(grad, hess, x)"""
X_DOT_X_NEW = """    for k in range(max_iter):
        x_new = newton_step(grad, hess, x)
        if np.sqrt(x @ x_new) <= tol:
            return x_new, k + 1
        x = x_new"""
NEWTON = {
    "solution": ([], {"q1": 3, "q2": 3, "q3": 4}, []),
    "decay_from_epoch_one": (
        [("return lr0 * gamma**epoch", "return lr0 * gamma ** (epoch + 1)")],
        {"q2": 3, "q3": 4},
        ["epoch 0 trains with lr0 itself", "one epoch ahead of torch's"],
    ),
    "inverse_wrong_sign": (
        [(NEWTON_STEP, "    return x + np.linalg.inv(hess(x)) @ grad(x)")],
        {"q1": 3},
        ["wrong sign: the Newton step is x - H^-1 grad(x)"],
    ),
    "multiply_by_hessian": (
        [("d = np.linalg.solve(hess(x), grad(x))", "d = hess(x) @ grad(x)")],
        {"q1": 3},
        ["you multiplied the gradient by H"],
    ),
    "in_place_step": (
        [(NEWTON_STEP, "    x -= np.linalg.solve(hess(x), grad(x))\n    return x")],
        {"q1": 3, "q2": 2, "q3": 4},
        ["changed its argument x in place"],
    ),
    "stop_on_x_dot_x_new": (
        [(NEWTON_LOOP, X_DOT_X_NEW)],
        {"q1": 3, "q2": 3, "q3": 1},
        ["the loop never stopped", "ran all max_iter = 50 steps on the Rosenbrock function"],
    ),
    "raises": (
        [("return lr0 * gamma**epoch", 'raise RuntimeError("oops")')],
        {"q2": 3, "q3": 4},
        ["raised RuntimeError: oops"],
    ),
    "endless_loop": (
        [("    x = np.asarray(x0, dtype=float)\n", "    while True:\n        pass\n")],
        {"q1": 3, "q2": 3},
        ["did not finish within"],
    ),
}

VARIANTS = {"minibatches": MINIBATCHES, "optimizers": OPTIMIZERS, "newton": NEWTON}

(
    autograders,
    test_grading_gives_the_expected_scores_and_feedback,
    test_blank_student_notebook_scores_zero,
) = grading_tests("exercises_optim", VARIANTS, POSSIBLE)

"""Grading of the batchnorm and regularization exercises, end to end.

For each exercise: the solution scores 100 %, the blank student notebook 0, and typical
wrong answers (edits of the solution notebook, some with one mistake in each of two
questions) score partial credit with feedback that names the mistake; a submission that
raises is graded without losing the other questions' points. Endless loops, regeneration,
leaks of solutions or hidden tests, and the Colab flow are checked once for the whole
pipeline in tests/test_exercises.py.
"""

import pytest

from tests.exercise_grading import grading_tests

pytestmark = pytest.mark.slow

POSSIBLE = {"batchnorm": 10, "regularization": 11}

# ---- batchnorm: edits of the solution, expected {question: points}, feedback phrases ---------
BN_VAR = "var = ((x - mu) ** 2).mean(axis=0)"
BN_X_HAT = "x_hat = (x - mu) / np.sqrt(var + eps)"
BN_EVAL_X_HAT = "x_hat = (x - running_mean) / np.sqrt(running_var + eps)"
BN_DX = """    dx = (m * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0)) / (
        m * np.sqrt(var + eps)
    )"""
BN_NEW_MEAN = "new_mean = decay * running_mean + (1 - decay) * mu"
BN_NEW_VAR = "new_var = decay * running_var + (1 - decay) * var * m / (m - 1)"
BATCHNORM = {
    "solution": ([], {"q1": 3, "q2": 4, "q3": 3}, []),
    "unbiased_variance_and_eval_with_batch_statistics": (
        [
            (BN_VAR, "var = x.var(axis=0, ddof=1)"),
            (BN_EVAL_X_HAT, "x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)"),
        ],
        {"q1": 1, "q2": 4, "q3": 1},
        [
            "you normalized with the unbiased variance",
            "you normalized with the statistics of the batch x itself",
            "every output is beta",
        ],
    ),
    "no_eps_and_decay_swapped": (
        [
            (BN_X_HAT, "x_hat = (x - mu) / np.sqrt(var)"),
            (BN_NEW_MEAN, "new_mean = (1 - decay) * running_mean + decay * mu"),
            (BN_NEW_VAR, "new_var = (1 - decay) * running_var + decay * var * m / (m - 1)"),
        ],
        {"q2": 4, "q3": 1},
        ["you forgot eps", "0 / 0", "decay and 1 - decay are swapped"],
    ),
    "statistics_held_fixed_in_backward": (
        [(BN_DX, "    dx = dx_hat / np.sqrt(var + eps)")],
        {"q1": 3, "q2": 1, "q3": 3},
        ["the gradient with mu and var held fixed", "add the paths through mu and var"],
    ),
    "dgamma_dbeta_not_summed_and_biased_running_variance": (
        [
            ("dbeta = dout.sum(axis=0)", "dbeta = dout"),
            ("dgamma = (dout * x_hat).sum(axis=0)", "dgamma = dout * x_hat"),
            (BN_NEW_VAR, "new_var = decay * running_var + (1 - decay) * var"),
        ],
        {"q1": 3, "q2": 1, "q3": 1},
        ["their gradients add up the contributions of all N examples", "biased batch variance"],
    ),
    "raises": (
        [("    mu = x.mean(axis=0)\n", '    raise RuntimeError("oops")\n')],
        {"q2": 4, "q3": 3},
        ["raised RuntimeError: oops"],
    ),
}

# ---- regularization ---------------------------------------------------------------------------
DROP_OUT = "return x * mask / keep_prob, (mask, keep_prob)"
L2_IF = 'if name.startswith("W"):'
REGULARIZATION = {
    "solution": ([], {"q1": 4, "q2": 2, "q3": 3, "q4": 2}, []),
    "no_rescaling": (
        [(DROP_OUT, "return x * mask, (mask, keep_prob)")],
        {"q1": 1, "q2": 2, "q3": 3, "q4": 2},
        ["you forgot to divide the kept units by keep_prob"],
    ),
    "rescaled_at_test_time_and_lam_not_halved": (
        [
            ("return x, None", "return x / keep_prob, None"),
            ("penalty += lam / 2 * np.sum(w**2)", "penalty += lam * np.sum(w**2)"),
        ],
        {"q1": 3, "q2": 2, "q3": 1},
        [
            "you divided by keep_prob at test time",
            "you used lam * sum ||W||_F^2",
            "your loss does not match it",
        ],
    ),
    "new_mask_in_backward_and_no_penalty_gradient": (
        [
            (
                "    mask, keep_prob = cache\n",
                "    _, keep_prob = cache\n    mask = np.random.random(dout.shape) < keep_prob\n",
            ),
            (
                "{key: grads[key] + penalty_grads[key] for key in params}",
                "grads",
            ),
        ],
        {"q1": 4, "q3": 3},
        ["do not draw a new one", "the penalty's gradient is missing"],
    ),
    "biases_penalized": (
        [(L2_IF, 'if name[0] in "Wb":')],
        {"q1": 4, "q2": 2},
        ["you penalized the biases too", "the biases are penalized too"],
    ),
    "raises": (
        [("    if not training:\n", '    raise RuntimeError("oops")\n    if not training:\n')],
        {"q2": 1, "q3": 3, "q4": 2},
        ["raised RuntimeError: oops"],
    ),
}

VARIANTS = {"batchnorm": BATCHNORM, "regularization": REGULARIZATION}

(
    autograders,
    test_grading_gives_the_expected_scores_and_feedback,
    test_blank_student_notebook_scores_zero,
) = grading_tests("exercises_reg", VARIANTS, POSSIBLE)

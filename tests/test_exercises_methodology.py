"""Grading of the metrics and search exercises (practical methodology), end to end.

For each exercise: the solution scores 100 %, the blank student notebook 0, and typical
wrong answers (edits of the solution notebook) score partial credit with feedback that
names the mistake; a submission that raises is graded without losing the other questions'
points. Endless loops, regeneration, leaks of solutions or hidden tests, and the Colab flow
are checked for every exercise in tests/test_exercises.py.
"""

import pytest

from tests.exercise_grading import grading_tests

pytestmark = pytest.mark.slow

POSSIBLE = {"metrics": 12, "search": 10}

# ---- metrics: edits of the solution, expected {question: points}, feedback phrases ----------
BINARY_COUNTS = "tp, fp, fn = cm[1, 1], cm[0, 1], cm[1, 0]"
F1_BINARY = "f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0"
METRICS = {
    "solution": ([], {"q1": 3, "q2": 2, "q3": 3, "q4": 4}, []),
    "binary_matrix_transposed": (
        [(BINARY_COUNTS, "tp, fp, fn = cm[1, 1], cm[1, 0], cm[0, 1]")],
        {"q1": 1, "q2": 2, "q3": 3, "q4": 4},
        ["precision and recall are swapped", "Reading cm transposed"],
    ),
    "f1_arithmetic_mean_beta_not_squared": (
        [(F1_BINARY, "f1 = (precision + recall) / 2"), ("b2 = beta**2", "b2 = beta")],
        {"q1": 1, "q3": 3, "q4": 4},
        ["that is the arithmetic mean (P + R) / 2", "beta is not squared"],
    ),
    "macro_micro_swapped": (
        [("return macro, micro", "return micro, macro")],
        {"q1": 3, "q2": 2, "q3": 1, "q4": 4},
        ["macro and micro are swapped"],
    ),
    "variance_dev_minus_human": (
        [('"variance": train_dev - train,', '"variance": dev - human,')],
        {"q1": 3, "q2": 2, "q3": 3},
        [
            "you computed dev - human",
            "should be 'data mismatch'; your diagnose says 'high variance'",
        ],
    ),
    "raises": (
        [("    gaps = {\n", '    raise RuntimeError("oops")\n    gaps = {\n')],
        {"q1": 3, "q2": 2, "q3": 3},
        ["raised RuntimeError: oops"],
    ),
}

# ---- search ----------------------------------------------------------------------------------
LR_SOLUTION = "    exponents = rng.uniform(-4, 0, size=n)\n    return 10.0**exponents"
BETA_SOLUTION = (
    "    one_minus_beta = 10.0 ** rng.uniform(-3, -1, size=n)\n    return 1 - one_minus_beta"
)
SEARCH = {
    "solution": ([], {"q1": 3, "q2": 3, "q3": 4}, []),
    "lr_uniform": (
        [(LR_SOLUTION, "    return rng.uniform(1e-4, 1, size=n)")],
        {"q1": 1, "q2": 3, "q3": 4},
        ["That is what uniform sampling on [1e-4, 1] gives"],
    ),
    "lr_exponent_bounds_beta_uniform": (
        [
            ("rng.uniform(-4, 0, size=n)", "rng.uniform(1e-4, 1, size=n)"),
            (BETA_SOLUTION, "    return rng.uniform(0.9, 0.999, size=n)"),
        ],
        {"q1": 1, "q2": 1, "q3": 4},
        ["wrote 10 ** U(1e-4, 1)", "sample 1 - beta log-uniformly"],
    ),
    "best_is_the_max": (
        [("np.nanargmin(losses)", "np.nanargmax(losses)")],
        {"q1": 3, "q2": 3},
        ["the best trial is the argmin, not the argmax"],
    ),
    "nan_wins_returns_one_minus_beta": (
        [
            ("np.nanargmin(losses)", "np.argmin(losses)"),
            ("return 1 - one_minus_beta", "return one_minus_beta"),
        ],
        {"q1": 3, "q2": 1, "q3": 3},
        ["do not skip NaN", "that is 1 - beta"],
    ),
    "raises": (
        [
            (
                "    lrs = sample_learning_rates",
                '    raise RuntimeError("oops")\n    lrs = sample_learning_rates',
            )
        ],
        {"q1": 3, "q2": 3},
        ["raised RuntimeError: oops"],
    ),
}

VARIANTS = {"metrics": METRICS, "search": SEARCH}

(
    autograders,
    test_grading_gives_the_expected_scores_and_feedback,
    test_blank_student_notebook_scores_zero,
) = grading_tests("exercises_methodology", VARIANTS, POSSIBLE)

"""Grading of the backprop and initialization exercises, end to end.

For each exercise: the solution scores 100 %, the blank student notebook 0, and typical
wrong answers (edits of the solution notebook) score partial credit with feedback that
names the mistake; a submission that raises and one that loops forever are graded without
hanging, and the other questions keep their points. Regeneration, leaks of solutions or
hidden tests, and the Colab flow are checked for every exercise in tests/test_exercises.py.
"""

import pytest

from tests.exercise_grading import grading_tests

pytestmark = pytest.mark.slow

POSSIBLE = {"backprop": 12, "initialization": 8}

# ---- backprop: edits of the solution, expected {question: points}, feedback phrases ----------
BACKPROP_FULL = {"q1": 3, "q2": 4, "q3": 5}
BACKPROP = {
    "solution": ([], BACKPROP_FULL, []),
    "no_relu_mask": (
        [("dz1 = dh * (z1 > 0)", "dz1 = dh")],
        {"q1": 3, "q2": 2, "q3": 4},
        ["you forgot the ReLU", "lacks the ReLU mask"],
    ),
    "dw_as_dout_times_x": (
        [("dW1 = x.T @ dz1", "dW1 = dz1 @ x")],
        {"q1": 3, "q3": 3},
        ["raised ValueError", "the gradient of W is inp.T @ dout"],
    ),
    "bias_not_summed": (
        [("db2 = dscores.sum(axis=0)", "db2 = dscores"), ("db1 = dz1.sum(axis=0)", "db1 = dz1")],
        {"q1": 3, "q3": 3},
        ["its gradient is the sum of the upstream gradient over the batch"],
    ),
    "missing_1_over_n": (
        [("return loss, dscores / n", "return loss, dscores")],
        {"q1": 3, "q2": 4, "q3": 2},
        ["dscores is N times too large", "N times the finite-difference gradient"],
    ),
    "unstable_softmax": (
        [("shifted = scores - scores.max(axis=1, keepdims=True)", "shifted = scores")],
        {"q1": 3, "q2": 4, "q3": 4},
        ["Subtract each row's maximum"],
    ),
    "raises": (
        [("z1 = x @ W1 + b1", 'raise RuntimeError("oops")\n    z1 = x @ W1 + b1')],
        {"q2": 4, "q3": 3},
        ["raised RuntimeError: oops"],
    ),
    "endless_loop": (
        [("x, z1, h, W2 = cache", "while True:\n        pass\n    x, z1, h, W2 = cache")],
        {"q1": 3, "q3": 3},
        ["did not finish within"],
    ),
}

# ---- initialization: one typical mistake per question in each of the first two submissions ---
XAVIER_NORMAL = "std = np.sqrt(2.0 / (fan_in + fan_out))\n    return rng.normal(0.0, std, size="
HE_STD = "std = np.sqrt(2.0 / fan_in)"
UNIFORM_BOUND = "a = np.sqrt(6.0 / (fan_in + fan_out))"
RATIO = 'stds["xavier"][-1] / stds["xavier"][0]'
INITIALIZATION = {
    "solution": ([], {"q1": 4, "q2": 2, "q3": 2}, []),
    "bound_sqrt_1_he_fan_out_answer_xavier": (
        [
            (UNIFORM_BOUND, "a = np.sqrt(1.0 / (fan_in + fan_out))"),
            (HE_STD, "std = np.sqrt(2.0 / fan_out)"),
            ('best_for_relu = "he"', 'best_for_relu = "xavier"'),
        ],
        {"q1": 2, "q2": 1, "q3": 1},
        [
            "you used a = sqrt(1 / (fan_in + fan_out))",
            "you used fan_out; He uses fan_in",
            "With Xavier the std shrinks layer after layer",
        ],
    ),
    "bound_sqrt_3_variance_as_std_ratio_inverted": (
        [
            (UNIFORM_BOUND, "a = np.sqrt(3.0 / (fan_in + fan_out))"),
            (HE_STD, "std = 2.0 / fan_in"),
            (RATIO, 'stds["xavier"][0] / stds["xavier"][-1]'),
        ],
        {"q1": 2, "q2": 1, "q3": 1},
        [
            "you used a = sqrt(3 / (fan_in + fan_out))",
            "you used the variance 2 / fan_in as the standard deviation",
            "you divided layer 1 by layer 10",
        ],
    ),
    "transposed": (
        [(XAVIER_NORMAL + "(fan_in, fan_out))", XAVIER_NORMAL + "(fan_out, fan_in))")],
        {"q1": 2, "q2": 2, "q3": 2},
        ["= (fan_out, fan_in), the layout of torch.nn.Linear.weight"],
    ),
    "raises": (
        [(UNIFORM_BOUND, 'raise RuntimeError("oops")')],
        {"q1": 1, "q2": 2, "q3": 2},
        ["raised RuntimeError: oops"],
    ),
    "endless_loop": (
        [(HE_STD, "while True:\n        pass")],
        {"q1": 4, "q3": 2},
        ["did not finish within"],
    ),
}

VARIANTS = {"backprop": BACKPROP, "initialization": INITIALIZATION}

(
    autograders,
    test_grading_gives_the_expected_scores_and_feedback,
    test_blank_student_notebook_scores_zero,
) = grading_tests("exercises_nn", VARIANTS, POSSIBLE)

"""Grading of the PCA and DCT exercises (chapters pca and features), end to end.

For each exercise: the solution scores 100 %, the blank student notebook 0, and typical
wrong answers (edits of the solution notebook, several with one mistake in each of two
questions) score partial credit with feedback that names the mistake; a submission that
raises is graded without losing the other questions' points. Endless loops, regeneration,
leaks of solutions or hidden tests, and the Colab flow are checked once for the whole
pipeline in tests/test_exercises.py.
"""

import pytest

from tests.exercise_grading import grading_tests

pytestmark = pytest.mark.slow

POSSIBLE = {"pca": 15, "dct": 17}

# ---- pca: edits of the solution, expected {question: points}, feedback phrases ---------------
PCA_SVD = "    U, S, Vt = np.linalg.svd(X - mu, full_matrices=False)\n    return mu, Vt.T, S"
PCA_EIGH = (
    "    lam, V = np.linalg.eigh(covariance(X))\n"
    "    return mu, V, np.sqrt(np.abs(lam) * (len(X) - 1))"
)
PCA = {
    "solution": ([], {"q1": 3, "q2": 4, "q3": 4, "q4": 4}, []),
    "not_centred": (
        [
            ("    Xc = X - mu\n", "    Xc = X\n"),
            ("np.linalg.svd(X - mu, full_matrices=False)", "np.linalg.svd(X, full_matrices=False)"),
        ],
        {"q3": 4, "q4": 3},
        ["you forgot to centre", "the SVD of the uncentred digits"],
    ),
    "covariance_by_n_and_U_instead_of_V": (
        [
            ("return Xc.T @ Xc / (X.shape[0] - 1)", "return Xc.T @ Xc / X.shape[0]"),
            ("return mu, Vt.T, S", "return mu, U, S"),
        ],
        {"q2": 1, "q3": 4, "q4": 4},
        ["you divided by n", "that is U"],
    ),
    "rows_of_V_and_ratio_of_singular_values": (
        [
            ("return (X - mu) @ V[:, :k]", "return (X - mu) @ V[:k].T"),
            ("    power = S**2\n", "    power = S\n"),
        ],
        {"q1": 3, "q2": 4, "q3": 2, "q4": 2},
        ["you used the first k rows of V", "square them first", "ratios of the singular values"],
    ),
    "eigh_unsorted_and_k_with_ge": (
        [(PCA_SVD, PCA_EIGH), ("cumulative <= retained", "cumulative < retained")],
        {"q1": 3, "q3": 4, "q4": 2},
        ["in increasing order of variance", "strictly greater than retained (>, not >=)"],
    ),
    "raises": (
        [("    mu = X.mean(axis=0)\n    Xc = X - mu\n", '    raise RuntimeError("oops")\n')],
        {"q2": 4, "q3": 4, "q4": 4},
        ["raised RuntimeError: oops"],
    ),
}

# ---- dct ----------------------------------------------------------------------------------------
DCT_ALPHA0 = "    C[0] = np.sqrt(1 / n)\n"
DCT_KEEP = "kept[:k, :k] = coeffs[:k, :k]"
DCT = {
    "solution": ([], {"q1": 3, "q2": 3, "q3": 4, "q4": 5, "q5": 2}, []),
    "transposed_dct_matrix": (
        [(DCT_ALPHA0 + "    return C\n", DCT_ALPHA0 + "    return C.T\n")],
        {"q4": 5, "q5": 1},
        ["your matrix is transposed", "that is the inverse transform"],
    ),
    "no_orthonormal_scaling_of_row_0": (
        [(DCT_ALPHA0, "")],
        {"q4": 5},
        ["must be scaled by alpha_0 = sqrt(1/n)", "if question 1 fails, fix it first"],
    ),
    "highest_frequencies_and_psnr_with_rmse": (
        [
            (DCT_KEEP, "kept[8 - k :, 8 - k :] = coeffs[8 - k :, 8 - k :]"),
            ("np.log10(data_range**2 / mse)", "np.log10(data_range**2 / np.sqrt(mse))"),
        ],
        {"q1": 3, "q2": 3, "q4": 3, "q5": 1},
        ["you kept the highest frequencies", "you used the RMSE where the MSE goes"],
    ),
    "ratio_k_over_8_and_rmse_without_root": (
        [
            ("return k * k / (block * block)", "return k / block"),
            ("return np.sqrt(np.mean((a - b) ** 2))", "return np.mean((a - b) ** 2)"),
        ],
        {"q1": 3, "q2": 3, "q3": 4, "q4": 2, "q5": 1},
        ["take its square root", "k / 8 counts one side of the square"],
    ),
    "raises": (
        [("    out = np.zeros(image.shape)\n", '    raise RuntimeError("oops")\n')],
        {"q1": 3, "q2": 3, "q4": 5},
        ["raised RuntimeError: oops"],
    ),
}

VARIANTS = {"pca": PCA, "dct": DCT}

(
    autograders,
    test_grading_gives_the_expected_scores_and_feedback,
    test_blank_student_notebook_scores_zero,
) = grading_tests("exercises_features", VARIANTS, POSSIBLE)

"""Shared checks for the end-to-end grading tests of each exercise (test_exercises_*.py).

A *case* is ``(edits, expected, phrases)``: edits of the solution notebook (pairs of old and
new text), the points expected per question (questions scoring 0 left out), and phrases the
feedback must contain.
"""

import pytest

from tests.test_exercises import ROOT, _variant, grade_notebook


def build_autograders(exercise_build):
    """A function giving the folder where an exercise is built (the shared build)."""
    out, _ = exercise_build
    return lambda exercise: out


def _grade(path, out, exercise):
    return grade_notebook(path, out / f"{exercise}-autograder.zip")


def assert_case_grades(out, tmp_path, exercise, name, case, possible):
    edits, expected, phrases = case
    sub = _variant(out / "solutions" / f"{exercise}.ipynb", edits, tmp_path / f"{name}.ipynb")
    scores, _, got_possible, feedback = _grade(sub, out, exercise)
    assert got_possible == possible
    assert {q: s for q, s in scores.items() if s} == expected, feedback
    text = "\n".join(feedback)
    for phrase in phrases:
        assert phrase in text, text


def assert_blank_scores_zero(out, exercise, possible):
    _, total, got_possible, feedback = _grade(
        ROOT / "book/exercises" / f"{exercise}.ipynb", out, exercise
    )
    assert (total, got_possible) == (0, possible)
    assert any("forget `return" in f for f in feedback), feedback


def grading_tests(group, variants, possible):
    """The session fixture and the two tests of a grading file, for ``variants``
    (``{exercise: {case name: case}}``) and ``possible`` (``{exercise: points}``). Use::

        autograders, test_grading_gives_the_expected_scores_and_feedback, \\
            test_blank_student_notebook_scores_zero = grading_tests("exercises_x", VARIANTS, POSSIBLE)
    """
    cases = [(exercise, name) for exercise, named in variants.items() for name in named]

    @pytest.fixture(scope="session")
    def autograders(exercise_build):
        return build_autograders(exercise_build)

    @pytest.mark.parametrize(("exercise", "name"), cases, ids=[f"{e}-{n}" for e, n in cases])
    def test_grading_gives_the_expected_scores_and_feedback(autograders, tmp_path, exercise, name):
        case = variants[exercise][name]
        assert_case_grades(
            autograders(exercise), tmp_path, exercise, name, case, possible[exercise]
        )

    @pytest.mark.parametrize("exercise", list(possible))
    def test_blank_student_notebook_scores_zero(autograders, exercise):
        assert_blank_scores_zero(autograders(exercise), exercise, possible[exercise])

    return (
        autograders,
        test_grading_gives_the_expected_scores_and_feedback,
        test_blank_student_notebook_scores_zero,
    )

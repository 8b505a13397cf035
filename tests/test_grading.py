"""coursepkg.grading: learner code never crashes or hangs a check, and failures become feedback."""

import threading
import time

import numpy as np
import pytest

from coursepkg import ema as ref
from coursepkg.grading import (
    LearnerCodeError,
    call,
    expect_close,
    expect_number,
    expect_shape,
    notebook_grader,
    public_tests_dir,
)


def test_call_returns_the_value():
    assert call(lambda a, b=1: a + b, 2, b=3) == 5


def test_call_reports_exceptions_without_a_traceback():
    def bad(x):
        raise RuntimeError("oops")

    with pytest.raises(LearnerCodeError, match=r"`bad\(\.\.\.\)` raised RuntimeError: oops"):
        call(bad, 1)


def test_call_stops_an_endless_loop_and_remembers_it():
    def spin():
        while True:
            pass

    start = time.perf_counter()
    with pytest.raises(LearnerCodeError, match="did not finish within 0.2 s"):
        call(spin, timeout=0.2)
    assert time.perf_counter() - start < 2
    start = time.perf_counter()
    with pytest.raises(LearnerCodeError, match="did not finish"):
        call(spin, timeout=5)  # fails at once: it already timed out
    assert time.perf_counter() - start < 0.5


def test_call_outside_the_main_thread_uses_a_worker_thread():
    box = {}

    def run():
        try:
            call(time.sleep, 5, timeout=0.2)
        except LearnerCodeError as exc:
            box["msg"] = str(exc)
        box["value"] = call(lambda: 7)

    t = threading.Thread(target=run)
    t.start()
    t.join(5)
    assert "did not finish" in box["msg"] and box["value"] == 7


@pytest.mark.parametrize(
    "fn, match",
    [(None, "not defined yet"), (Ellipsis, "not defined yet"), (3, "should be a function")],
)
def test_call_with_something_that_is_not_a_function(fn, match):
    with pytest.raises(LearnerCodeError, match=match):
        call(fn)


@pytest.mark.parametrize(
    "got, match",
    [
        (None, "forget `return`"),
        (Ellipsis, "replace the `...`"),
        ("abc", "not an array of numbers"),
        (np.zeros(3), r"has shape \(3,\); expected \(4,\)"),
        (np.array([1.0, np.nan, 0, 0]), "NaN or inf .first at index 1"),
        (np.array([1.0, 2.0, 3.5, 4.0]), "first mismatch at index 2: got 3.5, expected 3"),
    ],
)
def test_expect_close_feedback(got, match):
    with pytest.raises(LearnerCodeError, match=match):
        expect_close(got, [1.0, 2.0, 3.0, 4.0], "f(x)")


def test_expect_close_names_a_typical_mistake():
    x = np.arange(1.0, 6.0)
    swapped = ref.ema(x, 0.1)
    with pytest.raises(LearnerCodeError, match="beta and 1 - beta swapped"):
        expect_close(
            swapped, ref.ema(x, 0.9), "ema", diagnoses=[(swapped, "beta and 1 - beta swapped")]
        )
    expect_close(ref.ema(x, 0.9), ref.ema(x, 0.9), "ema")  # passes silently


def test_expect_shape_and_number():
    assert expect_shape([[1, 2]], (1, 2), "m").dtype == float
    assert expect_number(np.float32(0.5), "b", low=0, high=1) == 0.5
    for value, match in [
        (..., "still `...`"),
        ("1", "should be a number"),
        (True, "number"),
        (float("nan"), "finite"),
        (1.0, r"outside \[0, 1\)"),
    ]:
        with pytest.raises(LearnerCodeError, match=match):
            expect_number(value, "b", low=0, high=1)


def test_public_tests_ship_with_the_package():
    folder = public_tests_dir("ema")
    assert sorted(p.name for p in folder.glob("q*.py")) == ["q1.py", "q2.py", "q3.py"]
    with pytest.raises(ValueError, match=r"Invalid exercise: 'nope' \(known exercises: .*\bema\b"):
        public_tests_dir("nope")


def test_notebook_grader_runs_the_public_tests(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no notebook and no tests folder here: as in Colab
    grader = notebook_grader("ema")
    good = grader.check("q1", global_env={"ema": lambda x, beta: ref.ema(x, beta)})
    assert good.grade == 1
    blank = grader.check("q1", global_env={"ema": lambda x, beta: None})
    assert blank.grade == 0
    assert "forget `return`" in repr(blank)

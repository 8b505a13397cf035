"""coursepkg.grading: learner code never crashes or hangs a check, and failures become feedback."""

import json
import sys
import threading
import time
import types
from pathlib import Path

import numpy as np
import pytest

from coursepkg import ema as ref
from coursepkg.grading import (
    STOPPED,
    LearnerCodeError,
    call,
    call_and_inputs,
    expect_close,
    expect_number,
    expect_shape,
    export_submission,
    notebook_grader,
    public_tests_dir,
    try_it,
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


def test_a_missing_function_is_named_by_the_test_parameter_that_holds_it():
    def test_q2(ema, ema_corrected):
        call(ema_corrected, [1.0])

    with pytest.raises(LearnerCodeError, match="`ema_corrected` is not defined yet"):
        test_q2(lambda x: x, None)


def test_learner_code_gets_copies_and_in_place_changes_can_be_diagnosed():
    def centre(X, rng):
        X -= X.mean(axis=0)
        return X, rng.normal()

    X, rng = np.arange(6.0).reshape(3, 2), np.random.default_rng(0)
    (got, _), (X_after, rng_after) = call_and_inputs(centre, X, rng)
    assert np.array_equal(X, np.arange(6.0).reshape(3, 2))  # the test's own array is intact
    assert np.array_equal(X_after, got) and X_after is not X
    assert rng.normal() == np.random.default_rng(0).normal()  # nor did its generator advance


def test_low_precision_results_get_a_dtype_hint():
    torch = pytest.importorskip("torch")
    want = np.linspace(0, 1, 7) / 3
    for got in (torch.tensor(want, dtype=torch.float32), want.astype(np.float16)):
        with pytest.raises(LearnerCodeError, match="it is float(32|16).*float64"):
            expect_close(got, want, "f(x)", rtol=1e-12, atol=0)
    expect_close(torch.tensor(want, dtype=torch.float64), want, "f(x)")


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


# ---- cells that use learner functions: try_it ------------------------------------------
def test_try_it_turns_an_error_into_a_message_naming_the_learner_functions(capsys):
    def per_class_scores(cm):
        return None

    with try_it("per_class_scores", "macro_micro_f1"):
        precision, recall, f1 = per_class_scores([[1]])
        raise AssertionError("not reached")
    out = capsys.readouterr().out
    assert out.startswith(f"{STOPPED} TypeError: cannot unpack non-iterable NoneType object")
    assert "`per_class_scores`, `macro_micro_f1`: finish and check those first" in out


def test_try_it_names_the_learner_line_not_numpys(capsys):
    glob = {"__name__": "__main__", "np": np}
    # A learner function defined in a notebook cell: its globals are __main__'s.
    exec("def bad(x):\n    y = 1\n    return np.allclose(None, x)\n", glob)
    with try_it("bad"):
        glob["bad"](1.0)
    assert "(in `bad`, line 3)." in capsys.readouterr().out


def test_try_it_is_silent_when_all_goes_well_and_lets_interrupts_through(capsys):
    with try_it("f"):
        value = 1 + 1
    assert value == 2 and capsys.readouterr().out == ""
    with pytest.raises(KeyboardInterrupt), try_it("f"):
        raise KeyboardInterrupt


# ---- the file learners hand in: export_submission ----------------------------------------
def _notebook(exercise, extra=""):
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    source = f'grader = notebook_grader("{exercise}")\n{extra}'
    return {
        "cells": [{**cell, "source": source}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def test_export_copies_the_saved_notebook_of_this_exercise(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    (tmp_path / "Copy of ema.ipynb").write_text(json.dumps(_notebook("ema", "answer = 1")))
    (tmp_path / "pca.ipynb").write_text(json.dumps(_notebook("pca")))  # another exercise
    (tmp_path / "ema-submission.ipynb").write_text(json.dumps(_notebook("ema", "old")))
    (tmp_path / "broken.ipynb").write_text("{not json")
    path = export_submission("ema")
    assert path.resolve() == tmp_path / "ema-submission.ipynb"
    assert "answer = 1" in json.loads(path.read_text())["cells"][0]["source"]
    assert "Wrote ema-submission.ipynb from 'Copy of ema.ipynb'" in capsys.readouterr().out


def test_export_prefers_the_notebook_jupyter_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    (tmp_path / "a.ipynb").write_text(json.dumps(_notebook("ema", "mine = True")))
    (tmp_path / "b.ipynb").write_text(json.dumps(_notebook("ema", "other = True")))
    monkeypatch.setenv("JPY_SESSION_NAME", "course/a.ipynb")  # a path from the server's root
    (tmp_path / "out").mkdir()
    path = export_submission("ema", folder="out")
    assert path == Path("out/ema-submission.ipynb") and "mine = True" in path.read_text()


def test_export_in_colab_takes_the_browser_notebook_and_downloads_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # /content: the notebook itself is not on disk in Colab
    downloads = []
    message = types.SimpleNamespace(
        blocking_request=lambda kind, timeout_sec=5: {"ipynb": _notebook("ema", "unsaved = 1")}
    )
    colab = types.ModuleType("google.colab")
    colab._message = message
    colab.files = types.SimpleNamespace(download=downloads.append)
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setitem(sys.modules, "google.colab._message", message)
    monkeypatch.setitem(sys.modules, "google.colab.files", colab.files)
    path = export_submission("ema")
    assert "unsaved = 1" in path.read_text()
    assert downloads == ["ema-submission.ipynb"]


def test_export_without_a_notebook_says_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert export_submission("ema") is None
    assert "File > Download" in capsys.readouterr().out
    with pytest.raises(ValueError, match="Invalid exercise: 'nope'"):
        export_submission("nope")

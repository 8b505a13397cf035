"""Helpers for the autograded exercises (otter-grader).

Two jobs:

1. :func:`notebook_grader` builds the ``otter.Notebook`` a student notebook uses.
   The public tests ship inside this package (``coursepkg/exercise_tests``), so
   ``grader.check("q1")`` works in Colab with only ``coursepkg`` installed, however
   the copy of the notebook is named, and without downloading anything.
2. :func:`call` and :func:`expect_close` let test cases run learner code without
   ever crashing or hanging the learner's notebook: exceptions, ``None`` returns,
   wrong shapes, NaNs and endless loops all become an ``AssertionError`` whose
   message is feedback ("your values match the average with beta and 1 - beta
   swapped").
"""

from __future__ import annotations

import signal
import threading
from importlib import resources
from pathlib import Path

import numpy as np

__all__ = [
    "LearnerCodeError",
    "call",
    "expect_close",
    "expect_number",
    "expect_shape",
    "notebook_grader",
    "public_tests_dir",
]

DEFAULT_TIMEOUT_S = 3.0

# Functions that already ran out of time: calling them again fails at once, so a
# looping function costs one timeout in total, not one per test case.
_TIMED_OUT: set[int] = set()


class LearnerCodeError(AssertionError):
    """Learner code failed; the message is the feedback shown to the learner."""


def public_tests_dir(exercise: str) -> Path:
    """Folder of an exercise's public tests, shipped as package data."""
    root = resources.files("coursepkg") / "exercise_tests"
    path = Path(str(root / exercise))
    if not path.is_dir():
        known = sorted(p.name for p in Path(str(root)).iterdir() if p.is_dir())
        raise ValueError(f"Invalid exercise: {exercise!r} (known exercises: {', '.join(known)})")
    return path


def notebook_grader(exercise: str):
    """``otter.Notebook`` for ``exercise`` whose public tests come from the installed package."""
    import otter

    return otter.Notebook(tests_dir=str(public_tests_dir(exercise)))


class _Timeout(BaseException):
    """Raised inside learner code by the alarm; BaseException so ``except Exception`` can't swallow it."""


def _describe(fn) -> str:
    return getattr(fn, "__name__", repr(fn))


def call(fn, *args, timeout: float = DEFAULT_TIMEOUT_S, **kwargs):
    """Call learner function ``fn`` and return its result, or raise :class:`LearnerCodeError`.

    The call is stopped after ``timeout`` seconds (with ``SIGALRM`` in the main
    thread, where notebooks and otter run tests; elsewhere the result is simply
    not waited for). Exceptions raised by ``fn`` are reported with their type and
    message, not a traceback into the grader.
    """
    name = _describe(fn)
    if fn is None or fn is Ellipsis:
        raise LearnerCodeError(f"`{name}` is not defined yet: run the cell where you define it.")
    if not callable(fn):
        raise LearnerCodeError(f"`{name}` should be a function, but it is a {type(fn).__name__}.")

    slow = LearnerCodeError(
        f"`{name}(...)` did not finish within {timeout:g} s. Is there a loop that never ends "
        "(for example a `while` whose counter is never updated)?"
    )
    key = id(getattr(fn, "__code__", fn))
    if key in _TIMED_OUT:
        raise slow
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):

        def _alarm(signum, frame):
            raise _Timeout

        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            return fn(*args, **kwargs)
        except _Timeout:
            _TIMED_OUT.add(key)
            raise slow from None
        except Exception as exc:
            raise LearnerCodeError(f"`{name}(...)` raised {type(exc).__name__}: {exc}") from None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    box: dict = {}

    def _target():
        try:
            box["value"] = fn(*args, **kwargs)
        except Exception as exc:  # reported below
            box["error"] = exc

    worker = threading.Thread(target=_target, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        _TIMED_OUT.add(key)
        raise slow
    if "error" in box:
        exc = box["error"]
        raise LearnerCodeError(f"`{name}(...)` raised {type(exc).__name__}: {exc}")
    return box.get("value")


def _fmt(value) -> str:
    return f"{float(value):.10g}"


def _as_numbers(got, what: str) -> np.ndarray:
    """``got`` as a float array, or feedback for the usual ways it is not one."""
    if got is None:
        raise LearnerCodeError(f"{what} returned None: did you forget `return`?")
    if got is Ellipsis:
        raise LearnerCodeError(f"{what} returned `...`: replace the `...` with your code.")
    try:
        return np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise LearnerCodeError(
            f"{what} returned a {type(got).__name__}, which is not an array of numbers."
        ) from None


def expect_shape(got, shape: tuple, what: str) -> np.ndarray:
    """Check that a result is an array of numbers of the given shape; return it as floats."""
    arr = _as_numbers(got, what)
    if arr.shape != tuple(shape):
        raise LearnerCodeError(f"{what} has shape {arr.shape}; expected {tuple(shape)}.")
    return arr


def expect_number(value, name: str, *, low=None, high=None) -> float:
    """Check that a learner variable holds a real number (optionally in ``[low, high)``)."""
    if value is Ellipsis:
        raise LearnerCodeError(f"`{name}` is still `...`: assign your answer to it.")
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise LearnerCodeError(f"`{name}` should be a number, not {value!r}.")
    value = float(value)
    if not np.isfinite(value):
        raise LearnerCodeError(f"`{name}` is {value}; expected a finite number.")
    if (low is not None and value < low) or (high is not None and value >= high):
        raise LearnerCodeError(f"`{name}` = {value} lies outside [{low}, {high}).")
    return value


def expect_close(got, want, what: str, *, rtol=1e-7, atol=1e-10, diagnoses=(), nan_hint=None):
    """Check an array result against the expected one; fail with feedback, never crash.

    Args:
        got: what the learner's code returned.
        want: the expected array.
        what: how to name the result in messages, e.g. ``"ema(x, 0.9)"``.
        diagnoses: pairs ``(array, hint)``: if ``got`` matches one of these
            typical wrong answers, the hint explains the mistake.
        nan_hint: what to say when ``got`` contains NaN or inf (default: look for a
            division by zero or an overflow).
    """
    want = np.asarray(want, dtype=float)
    arr = expect_shape(got, want.shape, what)
    bad = ~np.isfinite(arr)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise LearnerCodeError(
            f"{what} contains NaN or inf (first at index {first[0] if len(first) == 1 else first}). "
            + (nan_hint or "Look for a division by zero or an overflow (exp of a large number).")
        )
    if np.allclose(arr, want, rtol=rtol, atol=atol):
        return
    for alternative, hint in diagnoses:
        alternative = np.asarray(alternative, dtype=float)
        if alternative.shape == arr.shape and np.allclose(arr, alternative, rtol=rtol, atol=atol):
            raise LearnerCodeError(f"{what} is not right: {hint}")
    wrong = np.argwhere(~np.isclose(arr, want, rtol=rtol, atol=atol))
    i = tuple(int(k) for k in wrong[0])
    at = i[0] if len(i) == 1 else i
    raise LearnerCodeError(
        f"{what} is not right: first mismatch at index {at}: got {_fmt(arr[i])}, "
        f"expected {_fmt(want[i])}."
    )

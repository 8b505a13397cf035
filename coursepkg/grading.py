"""Helpers for the autograded exercises (otter-grader).

Four jobs:

1. :func:`notebook_grader` builds the ``otter.Notebook`` a student notebook uses.
   The public tests ship inside this package (``coursepkg/exercise_tests``), so
   ``grader.check("q1")`` works in Colab with only ``coursepkg`` installed, however
   the copy of the notebook is named, and without downloading anything.
2. :func:`call` and :func:`expect_close` let test cases run learner code without
   ever crashing or hanging the learner's notebook: exceptions, ``None`` returns,
   wrong shapes, NaNs and endless loops all become an ``AssertionError`` whose
   message is feedback ("your values match the average with beta and 1 - beta
   swapped").
3. :func:`try_it` runs a cell that only *uses* learner functions (a table, a plot, a
   comparison with scikit-learn) without stopping "Run all" while they are unfinished.
4. :func:`export_submission` writes the file a learner hands in, ``<exercise>-submission.ipynb``:
   in Colab from the notebook open in the browser (and downloads it), elsewhere from the
   saved notebook file.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import signal
import sys
import threading
import time
from importlib import resources
from pathlib import Path

import numpy as np

__all__ = [
    "LearnerCodeError",
    "call",
    "call_and_inputs",
    "expect_close",
    "expect_number",
    "expect_shape",
    "export_submission",
    "notebook_grader",
    "public_tests_dir",
    "try_it",
]

STOPPED = "This cell stopped early:"

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


class _GradedElsewhere:
    """The grader of a notebook that the instructor's judge is running: checks do nothing,
    since the judge runs every test itself, outside the notebook."""

    def check(self, question=None, *args, **kwargs):
        print(f"{question or 'check'}: graded by the instructor's judge")

    def check_all(self, *args, **kwargs):
        self.check("check_all")


def notebook_grader(exercise: str):
    """``otter.Notebook`` for ``exercise`` whose public tests come from the installed package
    (inside the instructor's judge, where ``COURSEPKG_JUDGE`` is set, a grader whose checks
    do nothing)."""
    if os.environ.get("COURSEPKG_JUDGE") == "1":
        return _GradedElsewhere()
    import otter

    return otter.Notebook(tests_dir=str(public_tests_dir(exercise)))


@contextlib.contextmanager
def try_it(*names: str):
    """Run the body of a ``with try_it("f", "g"):`` block; if learner code in it raises, print
    what went wrong and which of the learner's functions the cell uses, instead of raising.

    Cells that only use the learner's answers (a table, a comparison with a library) wrap
    their body in this, so that running every cell of an unfinished notebook reaches the
    ``grader.check`` cells. Cells that *define* answers do not: their errors are the learner's
    to see in full.
    """
    try:
        yield
    except Exception as exc:
        uses = ", ".join(f"`{name}`" for name in names) or "your code"
        # The innermost frame of notebook code (a learner function or this cell), not NumPy's.
        tb, where = exc.__traceback__, ""
        while tb is not None:
            if tb.tb_frame.f_globals.get("__name__") == "__main__":
                name = tb.tb_frame.f_code.co_name
                place = "this cell" if name == "<module>" else f"`{name}`"
                where = f" (in {place}, line {tb.tb_lineno})"
            tb = tb.tb_next
        print(
            f"{STOPPED} {type(exc).__name__}: {exc}{where}.\n"
            f"It uses {uses}: finish and check those first (grader.check), then run it again."
        )


def _colab_notebook() -> dict | None:
    """The notebook open in Colab, unsaved edits included (None when Colab does not answer)."""
    try:
        from google.colab import _message

        reply = _message.blocking_request("get_ipynb", timeout_sec=30)
    except Exception:  # Colab's frontend API: any failure means "use File > Download"
        return None
    return reply.get("ipynb") if isinstance(reply, dict) else None


def _notebook_file(exercise: str) -> Path | None:
    """The saved notebook of ``exercise``: the one Jupyter or VS Code says is running, else the
    most recently saved notebook in the working folder that sets up this exercise's grader."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython else None
    hints = [
        os.environ.get("JPY_SESSION_NAME"),
        (shell.user_ns if shell else {}).get("__vsc_ipynb_file__"),
    ]
    for hint in filter(None, hints):
        for path in (Path(hint), Path.cwd() / Path(hint).name):
            if path.is_file() and _sets_up(path, exercise):
                return path
    return max(
        (p for p in Path.cwd().glob("*.ipynb") if _sets_up(p, exercise)),
        key=lambda p: p.stat().st_mtime,
        default=None,
    )


def _sets_up(path: Path, exercise: str) -> bool:
    """Whether ``path`` is a notebook (not an exported submission) with this exercise's grader."""
    if path.name.endswith("-submission.ipynb"):
        return False
    try:
        cells = json.loads(path.read_text())["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    marker = f'notebook_grader("{exercise}")'
    return any(marker in "".join(cell.get("source", "")) for cell in cells)


def export_submission(exercise: str, folder: str | Path = ".") -> Path | None:
    """Write ``<exercise>-submission.ipynb``, the file to hand in, into ``folder``; return its path.

    In Colab the notebook is taken from the browser, so unsaved edits are included, and the
    file is downloaded. Elsewhere the saved notebook file is copied: save before exporting.
    When no notebook can be found this prints what to do instead and returns None; it never
    raises for a learner.
    """
    public_tests_dir(exercise)  # a clear error for an unknown exercise name
    target = Path(folder) / f"{exercise}-submission.ipynb"
    colab = "google.colab" in sys.modules
    if colab:
        nb, source = _colab_notebook(), "the notebook open in Colab"
    else:
        path = _notebook_file(exercise)
        nb = json.loads(path.read_text()) if path else None
        if path:
            age = time.time() - path.stat().st_mtime
            source = f"{path.name!r}, saved {age / 60:.0f} min ago"
    if nb is None:
        print(
            f"Could not find this notebook ({exercise}). Save it, then use File > Download "
            f"(.ipynb) and hand in that file, renamed {target.name}."
        )
        return None
    target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    print(f"Wrote {target} from {source}: hand in this file.")
    if colab:
        from google.colab import files

        files.download(str(target))
    return target


class _Timeout(BaseException):
    """Raised inside learner code by the alarm; BaseException so ``except Exception`` can't swallow it."""


def _describe(fn) -> str:
    return getattr(fn, "__name__", repr(fn))


def _missing_names(fn) -> str:
    """The test's parameters that hold ``fn`` (None or ``...``): the names not defined yet."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals is globals():
        frame = frame.f_back
    names = []
    while frame is not None and not names:
        code = frame.f_code
        params = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
        names = [n for n in params if frame.f_locals.get(n, 0) is fn]
        frame = frame.f_back
    return " or ".join(f"`{n}`" for n in names) or f"`{_describe(fn)}`"


def _copy_in(value):
    """A copy of a test's argument for learner code (arrays, generators, lists, dicts)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, np.random.Generator):
        return copy.deepcopy(value)
    if type(value) in (list, tuple):
        return type(value)(_copy_in(v) for v in value)
    if type(value) is dict:
        return {k: _copy_in(v) for k, v in value.items()}
    return value


def _clip(text, size: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= size else text[: size - 3] + "..."


def call(fn, *args, timeout: float = DEFAULT_TIMEOUT_S, **kwargs):
    """Call learner function ``fn`` and return its result, or raise :class:`LearnerCodeError`.

    The learner's function gets copies of the arguments (arrays, generators, and lists,
    tuples and dicts of them), so nothing it does can change the test's own objects or the
    expected values computed from them. Under the instructor's judge, ``fn`` lives in the
    submission's jail and the call crosses over with plain data, under a CPU budget of
    ``timeout`` seconds kept from outside; in a notebook the call is stopped after
    ``timeout`` seconds (``SIGALRM`` in the main thread; elsewhere the result is simply
    not waited for). Exceptions raised by ``fn`` are reported with their type and (clipped)
    message, not a traceback into the grader.
    """
    return _call(fn, args, kwargs, timeout)[0]


def call_and_inputs(fn, *args, timeout: float = DEFAULT_TIMEOUT_S, **kwargs):
    """:func:`call`, returning ``(result, args_after)``: ``args_after`` are the copies of the
    positional arguments as ``fn`` left them, to diagnose in-place changes (``X -= mu``)."""
    return _call(fn, args, kwargs, timeout)


def _call(fn, args, kwargs, timeout):
    if fn is None or fn is Ellipsis:
        raise LearnerCodeError(
            f"{_missing_names(fn)} is not defined yet: run the cell where you define it."
        )
    remote = getattr(type(fn), "__judge_call__", None)
    if remote is not None:
        return remote(fn, args, kwargs, timeout)
    name = _describe(fn)
    if not callable(fn):
        raise LearnerCodeError(f"`{name}` should be a function, but it is a {type(fn).__name__}.")
    args, kwargs = _copy_in(args), _copy_in(kwargs)
    return _call_with_timeout(fn, name, args, kwargs, timeout), args


def _call_with_timeout(fn, name, args, kwargs, timeout):
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
            raise LearnerCodeError(
                f"`{name}(...)` raised {type(exc).__name__}: {_clip(exc)}"
            ) from None
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
        raise LearnerCodeError(f"`{name}(...)` raised {type(exc).__name__}: {_clip(exc)}")
    return box.get("value")


def _fmt(value) -> str:
    return f"{float(value):.10g}"


def _as_numbers(got, what: str) -> np.ndarray:
    """``got`` as a float array, or feedback for the usual ways it is not one."""
    if got is None:
        raise LearnerCodeError(f"{what} returned None: did you forget `return`?")
    if got is Ellipsis:
        raise LearnerCodeError(f"{what} returned `...`: replace the `...` with your code.")
    got = _from_torch(got)
    try:
        return np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise LearnerCodeError(
            f"{what} returned a {type(got).__name__}, which is not an array of numbers."
        ) from None


def _from_torch(got):
    """A PyTorch tensor (on any device) as a NumPy array of its dtype; anything else as is."""
    if type(got).__module__.split(".")[0] == "torch" and hasattr(got, "detach"):
        got = got.detach().cpu()
        try:
            return got.numpy()
        except TypeError:  # bfloat16 and other dtypes NumPy lacks
            return got.float().numpy()
    return got


def _low_precision(got) -> np.dtype | None:
    """The float dtype of ``got`` when it has less precision than float64 (else None)."""
    dtype = getattr(_from_torch(got), "dtype", None)
    try:
        dtype = np.dtype(dtype) if dtype is not None else None
    except TypeError:
        return None
    return dtype if dtype is not None and dtype.kind == "f" and dtype.itemsize < 8 else None


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
    single = _low_precision(got)
    if single is not None:
        loose = float(np.sqrt(np.finfo(single).eps))
        if np.allclose(
            arr, want, rtol=loose, atol=loose * max(1.0, float(np.abs(want).max(initial=0)))
        ):
            raise LearnerCodeError(
                f"{what} is not right: it is {single} ({np.finfo(single).precision} significant "
                "digits), and the expected values need float64. Compute in float64: "
                "np.asarray(x, dtype=np.float64) in NumPy, tensor.double() (torch.float64) in PyTorch."
            )
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

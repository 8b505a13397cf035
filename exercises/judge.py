"""Grade one submitted notebook: the student's code in a jail, the tests in the grader.

The submission's code cells run in a :class:`~exercises.sandbox.Sandbox`. The tests of the
autograder zip (public and hidden, otter's test-file format) run here, in the grading
process, which the student's code cannot reach: a test's argument ``ema`` is a
:class:`RemoteFunction`, and calling it sends plain-data copies of the arguments into the
jail and brings a plain-data result back (exercises/wire.py). Expected values, references
(``coursepkg.ema``) and comparisons (``expect_close``) all live here.

Failures are local and loud:

* a cell that raises is reported and the next cell runs; one that uses up its CPU budget
  or ends the process (``os._exit``, a crash) is reported and skipped, and the jail is
  restarted with the other cells (at most ``MAX_RESTARTS`` times);
* a function that loops forever or ends the process fails the tests that call it (once:
  later calls fail at once) and the others keep their points;
* every result has a score out of the assignment's points, and feedback that never quotes
  a test's source; text the student controls is clipped.
"""

from __future__ import annotations

import builtins
import copy
import inspect
import json
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from exercises import wire
from exercises.sandbox import DEFAULT_LIMITS, Limits, Sandbox, SandboxDied, SandboxTimeout

MAX_RESTARTS = 5
MAX_NOTEBOOK_BYTES = 20 * 2**20
MAX_MESSAGE = 1000
MAX_FEEDBACK = 8000
DEFAULT_CALL_CPU_S = 3.0
SKIP_TAG = "otter_ignore"


def clip(text: str, size: int = MAX_MESSAGE) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= size else text[: size - 3] + "..."


# ---- the assignment: tests read from the autograder zip --------------------------------------
@dataclass(frozen=True)
class Case:
    question: str
    function: Callable
    points: float
    hidden: bool


@dataclass(frozen=True)
class Assignment:
    name: str
    questions: tuple[str, ...]
    sources: dict  # question -> test file source (compiled anew for every submission)
    modules: tuple[str, ...]  # coursepkg modules the notebook may import in the jail

    @property
    def possible(self) -> float:
        return sum(case.points for case in self.cases())

    def cases(self) -> list[Case]:
        """Fresh test functions (a new namespace per call: no state shared between submissions)."""
        out = []
        for question in self.questions:
            recorded: list = []
            shim = _otter_shim(recorded)

            def _import(name, globals=None, locals=None, fromlist=(), level=0, _shim=shim):
                if name == "otter.test_files":
                    return _shim
                return builtins.__import__(name, globals, locals, fromlist, level)

            namespace = {
                "__builtins__": {**vars(builtins), "__import__": _import},
                "__name__": f"judge_tests.{self.name}.{question}",
            }
            exec(compile(self.sources[question], f"<{self.name} {question}>", "exec"), namespace)
            default = namespace.get("points")
            for fn, points, hidden in recorded:
                if points is None:
                    points = (default or len(recorded)) / len(recorded)
                out.append(Case(question, fn, float(points), bool(hidden)))
        return out


def _otter_shim(recorded: list):
    """What otter's test files import (``from otter.test_files import test_case``)."""

    class TestFiles:
        @staticmethod
        def test_case(points=None, hidden=False, **_):
            def record(fn):
                recorded.append((fn, points, hidden))
                return fn

            return record

    return TestFiles


def load_assignment(autograder: Path) -> Assignment:
    """The tests and settings in an autograder zip built by ``python -m exercises.build``."""
    with zipfile.ZipFile(autograder) as zf:
        names = sorted(n for n in zf.namelist() if n.startswith("tests/") and n.endswith(".py"))
        if not names:
            raise ValueError(f"{autograder} holds no tests/*.py: is it an autograder zip?")
        sources = {Path(n).stem: zf.read(n).decode() for n in names}
        config = (
            json.loads(zf.read("otter_config.json")) if "otter_config.json" in zf.namelist() else {}
        )
        judge = json.loads(zf.read("judge.json")) if "judge.json" in zf.namelist() else {}
    name = judge.get("exercise") or config.get("assignment_name") or autograder.stem.split("-")[0]
    return Assignment(name, tuple(sorted(sources)), sources, tuple(judge.get("modules", ())))


# ---- references to things that live in the jail ---------------------------------------------
class RemoteObject:
    """An object of the submission's that stays in the jail (shown by its type name only)."""

    def __init__(self, session: Session, fields: list):
        self._session, self._id = session, fields[0]
        self._type = clip(fields[1] or "object", 60)
        self.__name__ = clip(fields[2], 60) if isinstance(fields[2], str) else self._type
        self.__module__ = clip(fields[3], 60) if isinstance(fields[3], str) else "__main__"

    def __repr__(self) -> str:
        return f"<{self._type} {self.__name__}>"

    def __deepcopy__(self, memo):
        return self  # it lives in the jail: a copy is a new reference to the same object


class RemoteFunction(RemoteObject):
    """A learner function: calling it runs it in the jail under a CPU budget."""

    def __call__(self, *args, **kwargs):
        return self.__judge_call__(args, kwargs, DEFAULT_CALL_CPU_S)[0]

    def __judge_call__(self, args, kwargs, cpu_s: float):
        """``(result, args_after)`` (see ``coursepkg.grading.call_and_inputs``)."""
        return self._session.call(self, args, kwargs, cpu_s)


class FunctionFailed(AssertionError):
    """The learner function ended the jail or ran out of time; the message is feedback."""


# ---- one submission ------------------------------------------------------------------------
@dataclass
class Result:
    scores: dict = field(default_factory=dict)  # question -> points earned
    possible: float = 0.0
    feedback: list = field(default_factory=list)  # "q1: ..." lines for failed tests
    notes: list = field(default_factory=list)  # what happened to the notebook itself
    seconds: float = 0.0

    @property
    def total(self) -> float:
        return sum(self.scores.values())

    def text(self) -> str:
        text = " || ".join([*self.notes, *self.feedback])
        return clip(text, MAX_FEEDBACK)


class Session:
    """The jail of one submission, restarted when a cell or a call kills it."""

    def __init__(self, cells, name, text, package, package_target, limits, slot, notes):
        self.cells, self.name, self.text = cells, name, text
        self.limits, self.notes = limits, notes
        self.package, self.package_target, self.slot = package, package_target, slot
        self.skip: set[int] = set()  # cells that time out or end the process
        self.broken: dict[str, str] = {}  # learner function -> why it no longer runs
        self.restarts = 0
        self.sandbox: Sandbox | None = None
        self.generation = 0
        self._callbacks: dict[int, Callable] = {}

    def open(self) -> None:
        while True:
            self.sandbox = Sandbox(self.package, self.package_target, self.limits, self.slot)
            self.generation += 1
            self.sandbox.start(self.name, self.text)
            failed = self._run_cells()
            if failed is None:
                return
            self.sandbox.kill()
            self._restart_or_stop()

    def _restart_or_stop(self) -> None:
        self.restarts += 1
        if self.restarts > MAX_RESTARTS:
            raise SandboxDied(None)

    def _run_cells(self) -> int | None:
        """Run every cell; on a fatal cell, note it, mark it skipped, return its index."""
        for i, source in self.cells:
            if i in self.skip:
                continue
            try:
                reply = self.sandbox.request(
                    {"op": "run", "source": source}, self.limits.cell_cpu_s
                )
            except (SandboxTimeout, SandboxDied) as exc:
                self.skip.add(i)
                self.notes.append(
                    f"cell {i} {_cell_failure(exc)}; it was skipped and the other cells rerun"
                )
                return i
            if "error" in reply and not any(n.startswith(f"cell {i} raised") for n in self.notes):
                self.notes.append(f"cell {i} raised {clip(reply['error'], 200)}")
        return None

    def close(self) -> None:
        if self.sandbox is not None:
            self.sandbox.kill()

    # ---- names and calls -----------------------------------------------------------------
    def get(self, name: str):
        reply = self._request({"op": "get", "name": name}, DEFAULT_CALL_CPU_S)
        if not reply.get("found"):
            return None
        return self._decode(reply.get("value"))

    def call(self, fn: RemoteFunction, args, kwargs, cpu_s: float):
        if fn.__name__ in self.broken:
            raise FunctionFailed(self.broken[fn.__name__])
        if fn._session is not self or fn._generation != self.generation:
            fn = self._fresh(fn)
        self._callbacks = {}
        message = {
            "op": "call",
            "fn": [fn._id],
            "args": wire.encode(list(args), self._encode_other),
            "kwargs": wire.encode(dict(kwargs), self._encode_other),
        }
        try:
            reply = self.sandbox.request(message, cpu_s, on_callback=self._on_callback)
        except SandboxTimeout as exc:
            why = (
                f"`{fn.__name__}(...)` {exc}. Is there a loop that never ends (for example "
                "a `while` whose counter is never updated)?"
            )
            return self._lost(fn, why)
        except SandboxDied as exc:
            return self._lost(fn, f"`{fn.__name__}(...)` ended the notebook's process: {exc}.")
        except wire.WireError as exc:
            return self._lost(
                fn, f"`{fn.__name__}(...)` sent an answer the grader cannot read: {exc}."
            )
        if "error" in reply:
            from coursepkg.grading import LearnerCodeError

            raise LearnerCodeError(f"`{fn.__name__}(...)` raised {clip(reply['error'], 300)}")
        value = self._decode(reply.get("value"))
        after = copy.deepcopy([list(args), dict(kwargs)])
        _write_back(after, reply.get("writes") or [], self._decode)
        return value, tuple(after[0])

    def _fresh(self, fn: RemoteFunction) -> RemoteFunction:
        """The same learner function in the restarted jail."""
        again = self.get(fn.__name__)
        if not isinstance(again, RemoteFunction):
            raise FunctionFailed(f"`{fn.__name__}` is not defined after the notebook restarted.")
        return again

    def _lost(self, fn, why: str):
        self.broken[fn.__name__] = why
        self.sandbox.kill()
        self._restart_or_stop()
        self.open()
        raise FunctionFailed(why)

    def _request(self, message, cpu_s):
        try:
            return self.sandbox.request(message, cpu_s)
        except (SandboxTimeout, SandboxDied, wire.WireError):
            self._restart_or_stop()
            self.open()
            return self.sandbox.request(message, cpu_s)

    def _encode_other(self, obj):
        if isinstance(obj, RemoteObject) and obj._generation == self.generation:
            return {"$r": [obj._id, "", None, None, False]}
        if callable(obj):
            cid = len(self._callbacks) + 1
            self._callbacks[cid] = obj
            return {"$c": cid}
        raise wire.WireError(f"a {type(obj).__name__} cannot be sent to the notebook")

    def _on_callback(self, frame: dict) -> dict:
        fn = self._callbacks.get(frame.get("id"))
        try:
            if fn is None:
                raise wire.WireError("unknown callback")
            args = self._decode(frame.get("args"))
            kwargs = self._decode(frame.get("kwargs"))
            if not isinstance(args, list) or not isinstance(kwargs, dict):
                raise wire.WireError("bad callback arguments")
            return {"value": wire.encode(fn(*args, **kwargs), self._encode_other)}
        except Exception as exc:
            return {"error": clip(f"{type(exc).__name__}: {exc}", 300)}

    def _decode(self, data):
        def ref(fields):
            cls = RemoteFunction if fields[4] is True else RemoteObject
            obj = cls(self, fields)
            obj._generation = self.generation
            return obj

        return wire.decode(data, ref)


def _write_back(roots, writes, decode) -> None:
    """Apply the learner's changes to array and generator arguments to copies of them."""
    import numpy as np

    for path, data in writes:
        try:
            target = wire.leaf_at(roots, path)
            value = decode(data)
        except (LookupError, TypeError, wire.WireError):
            continue
        if isinstance(target, np.random.Generator) and isinstance(value, np.random.Generator):
            if type(target.bit_generator) is type(value.bit_generator):
                target.bit_generator.state = value.bit_generator.state
        elif (
            isinstance(target, np.ndarray)
            and isinstance(value, np.ndarray)
            and target.shape == value.shape
            and target.flags.writeable
        ):
            try:
                np.copyto(target, value, casting="unsafe")
            except (TypeError, ValueError):
                continue


def _cell_failure(exc: Exception) -> str:
    if isinstance(exc, SandboxTimeout):
        return str(exc)
    return f"ended the notebook's process ({exc})"


def code_cells(notebook_text: str) -> list[tuple[int, str]]:
    """``(number, source)`` of the code cells to run (1-based; cells tagged otter_ignore skipped)."""
    nb = json.loads(notebook_text)
    cells = nb["cells"] if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise ValueError("it has no list of cells")
    out = []
    for i, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        tags = (cell.get("metadata") or {}).get("tags") or []
        if SKIP_TAG in tags:
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        out.append((i, source))
    return out


def _failure_message(case: Case, exc: BaseException) -> str:
    from coursepkg.grading import LearnerCodeError

    if isinstance(exc, (LearnerCodeError, FunctionFailed)) or (
        isinstance(exc, AssertionError) and str(exc).strip()
    ):
        return clip(str(exc))
    kind = "a hidden test" if case.hidden else "a public test"
    return f"{kind} failed ({type(exc).__name__})"


def grade_notebook(
    path: Path,
    assignment: Assignment,
    package: Path,
    package_target: Path,
    limits: Limits = DEFAULT_LIMITS,
    slot: int = 0,
    deadline_s: float = 900.0,
) -> Result:
    """Grade the notebook at ``path``; never raises for anything the submission does."""
    start = time.monotonic()
    cases = assignment.cases()
    result = Result(scores=dict.fromkeys(assignment.questions, 0.0))
    result.possible = sum(case.points for case in cases)
    try:
        raw = path.read_bytes()
        if len(raw) > MAX_NOTEBOOK_BYTES:
            raise ValueError(
                f"it is {len(raw) / 2**20:.0f} MiB, over {MAX_NOTEBOOK_BYTES // 2**20} MiB"
            )
        text = raw.decode()
        cells = code_cells(text)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        result.notes.append(f"not a readable notebook: {clip(exc, 200)}")
        result.feedback = [f"{q}: not graded" for q in assignment.questions]
        return result
    session = Session(cells, path.name, text, package, package_target, limits, slot, result.notes)
    stopped = None  # why the remaining tests cannot run
    try:
        session.open()
    except SandboxDied as exc:
        stopped = (
            f"the notebook's process had to be restarted more than {MAX_RESTARTS} times"
            if session.restarts > MAX_RESTARTS
            else f"the notebook could not start ({exc})"
        )
    try:
        for case in cases:
            if stopped is None and time.monotonic() - start > deadline_s:
                stopped = f"the grading time for this notebook ({deadline_s:g} s) ran out"
            if stopped is not None:
                result.feedback.append(f"{case.question}: not graded: {stopped}")
                continue
            names = list(inspect.signature(case.function).parameters)
            try:
                case.function(*[session.get(name) for name in names])
            except SandboxDied:
                stopped = (
                    f"the notebook's process had to be restarted more than {MAX_RESTARTS} times"
                )
                result.feedback.append(f"{case.question}: not graded: {stopped}")
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # noqa: BLE001 -- any test failure is feedback
                result.feedback.append(f"{case.question}: {_failure_message(case, exc)}")
            else:
                result.scores[case.question] += case.points
    finally:
        session.close()
        result.seconds = time.monotonic() - start
    return result


def sandbox_package(modules, dest: Path) -> Path:
    """A ``coursepkg`` holding only ``grading`` and ``modules`` (and what they import from the
    package), for the jail; returns the folder. The reference implementations stay out."""
    import ast

    import coursepkg

    source = Path(coursepkg.__file__).resolve().parent
    want, todo = set(), ["grading", *modules]
    while todo:
        name = todo.pop()
        if name in want or not (source / f"{name}.py").is_file():
            continue
        want.add(name)
        tree = ast.parse((source / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    todo.append(node.module.split(".")[0])
                else:
                    todo += [alias.name for alias in node.names]
    pkg = dest / "coursepkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(
        f'"""coursepkg as the grader\'s jail sees it: {", ".join(sorted(want))}."""\n\n'
        f'__version__ = "{coursepkg.__version__}"\n'
    )
    for name in sorted(want):
        (pkg / f"{name}.py").write_bytes((source / f"{name}.py").read_bytes())
    for path in [pkg, *pkg.iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return pkg


def package_target() -> Path:
    """Where the grader's Python imports ``coursepkg`` from (the jail sees the cut-down one there)."""
    import coursepkg

    return Path(coursepkg.__file__).resolve().parent


def grade_solution(notebook: Path, autograder: Path, limits: Limits = DEFAULT_LIMITS) -> Result:
    """Grade one notebook with an autograder zip (its own jail package, cleaned up after)."""
    import tempfile

    assignment = load_assignment(autograder)
    with tempfile.TemporaryDirectory(prefix="coursepkg-judge-") as tmp:
        pkg = sandbox_package(assignment.modules, Path(tmp))
        return grade_notebook(notebook, assignment, pkg, package_target(), limits)


if __name__ == "__main__":  # one notebook: python -m exercises.judge NOTEBOOK AUTOGRADER_ZIP
    res = grade_solution(Path(sys.argv[1]), Path(sys.argv[2]))
    print(res.scores, f"{res.total:g} / {res.possible:g} in {res.seconds:.1f} s")
    print(res.text())

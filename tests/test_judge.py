"""The instructor's judge treats submissions as hostile: one case per attack class.

Each case is the ema solution (or the blank notebook) with an attack added, graded by the
judge (exercises/judge.py, exercises/sandbox.py). Each asserts the score and the feedback:
tampering changes no score, no classmate or batch is affected, and every failure has a
score and a reason. The wire format's own checks are at the end.
"""

import csv
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

from exercises import build, grade, judge, wire
from exercises.sandbox import Limits, bwrap_path
from tests.test_exercises import ROOT, _variant, grade_notebook

pytestmark = pytest.mark.slow

SOLUTION_Q1 = "v = beta * v + (1 - beta) * x[t]"
FULL = {"q1": 5, "q2": 4, "q3": 2}
SOURCE_MARKERS = ("def test_", "BEGIN TEST CONFIG", "hidden:", "import ema as ref", "@test_case")


@pytest.fixture(scope="module")
def ema(exercise_build):
    if bwrap_path() is None:
        pytest.fail("bubblewrap is not installed: `make jail` installs it")
    out, _ = exercise_build
    return out / "solutions" / "ema.ipynb", out / "ema-autograder.zip"


def _with_cell(notebook: Path, code: str, dest: Path, edits=()) -> Path:
    """``notebook`` with ``edits`` applied and a code cell ``code`` added at the end."""
    _variant(notebook, edits, dest)
    nb = json.loads(dest.read_text())
    nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "source": code})
    dest.write_text(json.dumps(nb))
    return dest


def _graded(path, autograder):
    scores, total, possible, feedback = grade_notebook(path, autograder)
    text = "\n".join(feedback)
    assert possible == 11
    for marker in SOURCE_MARKERS:
        assert marker not in text, f"feedback quotes a test: {marker!r} in {text}"
    return {q: s for q, s in scores.items() if s}, text


def _replace_q1_body(body: str):
    """Edits of the solution that make ``ema`` run ``body`` first."""
    return [(SOLUTION_Q1, body.replace("\n", "\n        ") + "\n        " + SOLUTION_Q1)]


# ---- tampering with the grader ------------------------------------------------------------------
PATCH_EVERYTHING = """
import sys, types
import numpy as np
import coursepkg.grading as g
g.expect_close = lambda *a, **k: None
g.expect_shape = lambda got, *a, **k: got
g.call = lambda fn, *a, **k: fn(*a, **k)
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, **k: np.ones(np.broadcast(a, b).shape, bool)
np._core.numeric.isclose = np.isclose
fake = types.ModuleType("coursepkg.grading")
fake.__dict__.update(g.__dict__, expect_close=lambda *a, **k: None)
sys.modules["coursepkg.grading"] = fake
try:
    import otter.test_files.abstract_test as at
    at.TestCaseResult.passed = property(lambda self: True)
except Exception:
    pass
"""


def test_patching_the_grader_numpy_or_otter_changes_no_score(ema, tmp_path):
    solution, zip_path = ema
    swapped = [(SOLUTION_Q1, "v = (1 - beta) * v + beta * x[t]")]
    sub = _with_cell(solution, PATCH_EVERYTHING, tmp_path / "patched.ipynb", swapped)
    scores, text = _graded(sub, zip_path)
    assert scores == {"q1": 2, "q3": 2}  # what the swapped beta scores without the patches
    assert "beta and 1 - beta swapped" in text
    blank = _with_cell(ROOT / "book/exercises/ema.ipynb", PATCH_EVERYTHING, tmp_path / "b.ipynb")
    assert _graded(blank, zip_path)[0] == {}


def test_the_reference_implementations_are_not_in_the_jail(ema, tmp_path):
    solution, zip_path = ema
    wrapper = "from coursepkg.ema import ema as _reference\n\n\ndef ema(x, beta):\n    return _reference(x, beta)\n"
    sub = _with_cell(solution, wrapper, tmp_path / "wrapper.ipynb")
    scores, text = _graded(sub, zip_path)
    assert "No module named 'coursepkg.ema'" in text
    assert scores == FULL  # the cell failed, so the student's own ema still stands
    via_package = "import coursepkg\nema = coursepkg.ema.ema\n"
    scores, text = _graded(_with_cell(solution, via_package, tmp_path / "pkg.ipynb"), zip_path)
    assert "AttributeError" in text and scores == FULL


# ---- secrets, files and processes outside the jail ---------------------------------------------
def _oracle(found: str) -> str:
    """A cell that keeps the q3 answer only when the expression ``found`` is empty."""
    return f"found = {found}\nwindow_098 = 50 if not found else 0\n"


def test_secrets_cannot_be_read(ema, tmp_path, monkeypatch):
    solution, zip_path = ema
    monkeypatch.setenv("INSTRUCTOR_TOKEN", "s3cret")
    paths = [
        zip_path,
        solution,
        ROOT / "exercises/ema/ema.ipynb",
        ROOT / "tests/test_exercises.py",
        ROOT / "_build",
        Path(tempfile.gettempdir()),
        Path.home() / ".bash_history",
    ]
    probe = f"""
import glob, os
import coursepkg
paths = {[str(p) for p in paths]!r}
paths += [os.path.join(os.path.dirname(coursepkg.__file__), "..", "_build")]
leaks = [p for p in paths if os.path.exists(p)]
leaks += [f for f in glob.glob("/proc/*/cmdline") if b"autograder" in open(f, "rb").read()]
leaks += glob.glob("/**/*autograder*", recursive=True)[:1]
leaks += [k for k in os.environ if k == "INSTRUCTOR_TOKEN"]
"""
    sub = _with_cell(solution, probe + _oracle("leaks"), tmp_path / "probe.ipynb")
    scores, text = _graded(sub, zip_path)
    assert scores == FULL, text


def test_a_submission_cannot_touch_files_outside_its_jail(ema, tmp_path):
    solution, zip_path = ema
    folder = tmp_path / "class"
    folder.mkdir()
    classmate = folder / "b_classmate.ipynb"
    classmate.write_text(solution.read_text())
    zip_before = hashlib.sha256(zip_path.read_bytes()).hexdigest()
    out = tmp_path / "grades.csv"
    targets = [classmate, zip_path, out, tmp_path / "pwned", ROOT / "pwned"]
    attack = f"""
import os
done = []
for path in {[str(t) for t in targets]!r}:
    try:
        with open(path, "w") as f:
            f.write("{{}}")
        done.append(path)
    except OSError:
        pass
with open("/tmp/pwned-by-a-student", "w") as f:  # the jail's own scratch space
    f.write("ok")
"""
    _with_cell(solution, attack + _oracle("done"), folder / "a_attacker.ipynb")
    rows = grade.grade_folder(folder, zip_path, out, jobs=2, echo=lambda *_: None)
    assert [(r["file"], r["total"]) for r in rows] == [
        ("a_attacker.ipynb", "11"),
        ("b_classmate.ipynb", "11"),
    ]
    assert classmate.read_text() == solution.read_text()
    assert hashlib.sha256(zip_path.read_bytes()).hexdigest() == zip_before
    assert not any(
        p.exists() for p in (tmp_path / "pwned", ROOT / "pwned", Path("/tmp/pwned-by-a-student"))
    )


def test_killing_other_processes_does_not_stop_the_batch(ema, tmp_path):
    solution, zip_path = ema
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "b_classmate.ipynb").write_text(solution.read_text())
    attack = """
import os, signal
for pid in range(1, 4096):
    if pid != os.getpid():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
os.kill(os.getppid(), signal.SIGKILL)
"""
    _with_cell(solution, attack, folder / "a_killer.ipynb")
    _with_cell(
        solution, "import os, signal\nos.killpg(0, signal.SIGKILL)\n", folder / "c_group.ipynb"
    )
    out = tmp_path / "grades.csv"
    rows = grade.grade_folder(folder, zip_path, out, jobs=2, echo=lambda *_: None)
    assert [r["total"] for r in rows] == ["11", "11", "11"]
    assert "ended the notebook's process" in rows[2]["feedback"]
    assert len(list(csv.DictReader(out.open()))) == 3


# ---- runaways and exits ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "body", "phrase"),
    [
        (
            "alarms_off",
            "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
            "signal.setitimer(signal.ITIMER_REAL, 0)\nwhile True:\n    pass",
            "did not finish within 3 s of CPU time",
        ),
        (
            "catches_base_exception",
            "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass",
            "did not finish within 3 s of CPU time",
        ),
        ("sleeps", "import time\ntime.sleep(10**6)", "wall-clock"),
        ("sys_exit", "import sys\nsys.exit(0)", "raised SystemExit"),
        (
            "os_exit",
            "import os\nos._exit(3)",
            "ended the notebook's process: it exited with status 3",
        ),
        ("huge_message", "raise ValueError('x' * 10**6)", "raised ValueError: xxx"),
    ],
)
def test_a_function_that_never_returns_costs_only_its_questions(ema, tmp_path, name, body, phrase):
    solution, zip_path = ema
    # the sleeper meets a short wall-clock ceiling; the loops run to their CPU budget, however
    # busy the machine
    limits = Limits(cell_cpu_s=10, wall_factor=1, wall_floor_s=3)
    sub = _variant(solution, _replace_q1_body(body), tmp_path / f"{name}.ipynb")
    result = judge.grade_solution(sub, zip_path, limits)
    text = result.text()
    assert {q: s for q, s in result.scores.items() if s} == {"q3": 2}, text
    assert phrase in text
    assert len(text) <= judge.MAX_FEEDBACK


@pytest.mark.parametrize(
    ("name", "code", "phrase"),
    [
        (
            "os_exit",
            "import os\nos._exit(3)",
            "ended the notebook's process (it exited with status 3)",
        ),
        ("sys_exit", "import sys\nsys.exit(4)", "raised SystemExit: 4"),
        ("endless", "while True:\n    pass", "did not finish within 10 s of CPU time"),
        ("memory", "import numpy as np\nbig = np.ones(3 * 2**30 // 8)", "raised MemoryError"),
    ],
)
def test_a_cell_that_exits_loops_or_allocates_keeps_every_point(ema, tmp_path, name, code, phrase):
    solution, zip_path = ema
    sub = _with_cell(solution, code, tmp_path / f"{name}.ipynb")
    result = judge.grade_solution(sub, zip_path, Limits(cell_cpu_s=10))
    assert result.total == 11, result.text()
    assert phrase in result.text()


def test_a_notebook_that_keeps_dying_gets_a_score_and_the_reason(ema, tmp_path):
    solution, zip_path = ema
    sub = _variant(solution, [], tmp_path / "dies.ipynb")
    nb = json.loads(sub.read_text())
    exits = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": "import os\nos._exit(1)"}
    ]
    nb["cells"] = nb["cells"][:4] + exits * (judge.MAX_RESTARTS + 2) + nb["cells"][4:]
    sub.write_text(json.dumps(nb))
    result = judge.grade_solution(sub, zip_path, Limits(cell_cpu_s=10))
    assert (result.total, result.possible) == (0, 11)
    assert f"restarted more than {judge.MAX_RESTARTS} times" in result.text()
    assert len(result.feedback) == len(judge.load_assignment(zip_path).cases())


def test_processes_are_limited(ema, tmp_path):
    solution, zip_path = ema
    spawn = """
import subprocess
children = []
try:
    for _ in range(500):
        children.append(subprocess.Popen(["sleep", "30"]))
except OSError:
    pass
for child in children:
    child.kill()
"""
    sub = _with_cell(solution, spawn + _oracle("len(children) >= 100"), tmp_path / "fork.ipynb")
    assert _graded(sub, zip_path)[0] == FULL


# ---- test quality ------------------------------------------------------------------------------
def test_changing_the_arguments_in_place_cannot_change_the_expected_values(ema, tmp_path):
    """ema zeroes its input and returns zeros: if a test computed its expected values from
    that input after the call, zeros would pass."""
    solution, zip_path = ema
    zeroing = "def ema(x, beta):\n    x[...] = 0\n    return np.zeros_like(x, dtype=float)\n"
    sub = _with_cell(solution, zeroing, tmp_path / "zeroing.ipynb")
    scores, _ = _graded(sub, zip_path)
    assert scores == {"q1": 1, "q3": 2}  # only the shape test of q1


def test_a_missing_function_is_named(ema, tmp_path):
    solution, zip_path = ema
    sub = _with_cell(solution, "del ema_corrected\n", tmp_path / "missing.ipynb")
    scores, text = _graded(sub, zip_path)
    assert scores == {"q1": 5, "q3": 2}
    assert "`ema_corrected` is not defined yet" in text


def test_low_precision_results_get_a_dtype_hint(ema, tmp_path):
    solution, zip_path = ema
    half = [
        (
            "        out[t] = v\n    return out",
            "        out[t] = v\n    return out.astype(np.float16)",
        )
    ]
    sub = _variant(solution, half, tmp_path / "half.ipynb")
    scores, text = _graded(sub, zip_path)
    assert "it is float16" in text and "float64" in text


# ---- the grading run -----------------------------------------------------------------------------
def test_grades_are_written_row_by_row_and_a_run_resumes(ema, tmp_path, monkeypatch):
    solution, zip_path = ema
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.ipynb").write_text(solution.read_text())
    out = tmp_path / "grades.csv"
    fields = ["file", "q1", "q2", "q3", "total", "possible", "feedback"]
    with out.open("w", newline="") as f:  # an interrupted run: one row, then a cut-off line
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerow({"file": "b.ipynb", "q1": 5, "q2": 4, "q3": 2, "total": 11, "possible": 11})
        f.write("a.ipynb,5")
    seen = []
    rows = grade.grade_folder(folder, zip_path, out, jobs=2, resume=True, echo=seen.append)
    assert sorted(r["file"] for r in rows) == ["a.ipynb", "b.ipynb", "c.ipynb"]
    assert sum(": 11 / 11" in line for line in seen) == 2  # b was not graded again
    assert [r["file"] for r in csv.DictReader(out.open())] == ["a.ipynb", "b.ipynb", "c.ipynb"]
    assert list(tmp_path.glob("coursepkg-judge-*")) == []  # no copy of anything left behind


def test_private_tests_from_outside_the_repository(ema, tmp_path):
    solution, zip_path = ema
    private = tmp_path / "private" / "ema"
    private.mkdir(parents=True)
    (private / "q1.py").write_text(
        "from otter.test_files import test_case\n\n\n"
        "@test_case(points=3, hidden=True)\n"
        "def test_q1_long_series(ema):\n"
        "    import numpy as np\n"
        "    from coursepkg.grading import call, expect_close\n"
        "    from coursepkg import ema as ref\n"
        "    x = np.linspace(0, 1, 500)\n"
        "    expect_close(call(ema, x, 0.99), ref.ema(x, 0.99), 'ema of a ramp')\n"
    )
    out = tmp_path / "built"  # a copy: the shared build stays as it is
    (out / "solutions").mkdir(parents=True)
    shutil.copy(solution, out / "solutions" / "ema.ipynb")
    zip_path = Path(shutil.copy(zip_path, out / "ema-autograder.zip"))
    original = zip_path.read_bytes()
    build.check_private_tests(private.parent, out)
    assert judge.load_assignment(zip_path).possible == 14
    swapped = _variant(
        solution, [(SOLUTION_Q1, "v = (1 - beta) * v + beta * x[t]")], tmp_path / "s.ipynb"
    )
    result = judge.grade_solution(swapped, zip_path)
    assert result.scores["q1"] == 2 and "ema of a ramp" in result.text()
    (private / "q1.py").write_text(
        (private / "q1.py").read_text().replace("0.99), 'ema", "0.9), 'ema")
    )
    zip_path.write_bytes(original)
    with pytest.raises(SystemExit, match="the ema solution scores 11 / 14"):
        build.check_private_tests(private.parent, out)


# ---- the wire format ---------------------------------------------------------------------------------
def test_wire_round_trips_plain_data():
    rng = np.random.default_rng(5)
    rng.normal()
    value = {
        "a": np.arange(6, dtype=np.float32).reshape(2, 3),
        ("t", 1): [1, 2.5, None, True, "s", ...],
        "scalar": np.float64(0.5),
        "rng": rng,
    }
    data = json.loads(json.dumps(wire.encode(value, pytest.fail)))
    back = wire.decode(data, pytest.fail)
    assert back["a"].dtype == np.float32 and np.array_equal(back["a"], value["a"])
    assert back[("t", 1)] == [1, 2.5, None, True, "s", ...]
    assert type(back["scalar"]) is np.float64
    assert back["rng"].normal() == rng.normal()


@pytest.mark.parametrize(
    "data",
    [
        {"$a": ["O", [1], ""]},  # object arrays could unpickle
        {"$a": ["<f8", [2], "AAAA"]},  # data that does not fit the shape
        {"$g": {"$d": [["bit_generator", "os.system"]]}},
        {"$x": 1},
        {"$t": [], "$d": []},
        {"$r": [1, "T", None, None, True]},  # a reference where none may come
        json.loads("[" * 40 + "0" + "]" * 40),  # too deep
    ],
)
def test_wire_rejects_what_is_not_plain_data(data):
    def no_refs(fields):
        raise wire.WireError("no references here")

    with pytest.raises(wire.WireError):
        wire.decode(data, no_refs)


def test_wire_frames_are_bounded():
    buffer = bytearray((wire.MAX_FRAME + 1).to_bytes(4, "big"))
    with pytest.raises(wire.WireError, match="over the limit"):
        wire.split_frames(buffer)


def test_the_jail_package_holds_no_reference_implementation(tmp_path):
    pkg = judge.sandbox_package(["gradcheck"], tmp_path)
    names = sorted(p.name for p in pkg.iterdir())
    assert "grading.py" in names and "gradcheck.py" in names
    assert not {"ema.py", "optim.py", "pca.py", "torch"} & set(names)
    assert os.stat(pkg).st_mode & 0o005 == 0o005  # readable by the jail's own uid

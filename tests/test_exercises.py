"""The exercise pipeline end to end: regeneration, what students see, Colab, and grading.

The masters in exercises/ are the single source; these tests prove that

* regenerating gives exactly the committed student notebooks and public tests;
* no student notebook or shipped test file carries solution code or a hidden test;
* a renamed copy of the notebook, in a fresh folder, with only the built wheel of
  coursepkg importable, runs its public tests (what happens in Colab);
* the solution scores 100 %, a blank notebook 0, typical wrong answers partial credit
  with feedback naming the mistake, and broken submissions (raising, wrong shape, NaN,
  endless loops) are graded without hanging and without losing other questions' points.
"""

import json
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from exercises import build, grade, judge
from exercises.sandbox import Limits

ROOT = Path(__file__).resolve().parent.parent
MASTERS = build.masters()
pytestmark = pytest.mark.slow


def _cells(path):
    return json.loads(Path(path).read_text())["cells"]


def _source(cell):
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def solution_blocks(master: Path) -> list[tuple[str, ...]]:
    """The non-trivial code lines that only the solution has, one tuple per solution block
    (``# BEGIN SOLUTION`` ... ``# END SOLUTION``, or a single ``# SOLUTION`` line)."""
    blocks, current = [], None
    for cell in _cells(master):
        if cell["cell_type"] != "code":
            continue
        for line in _source(cell).splitlines():
            s = line.strip()
            if s.endswith("# END SOLUTION"):
                blocks.append(tuple(current or ()))
                current = None
            elif s.endswith("# BEGIN SOLUTION"):
                current = []
            elif current is not None or s.endswith("# SOLUTION"):
                code = s.removesuffix("# SOLUTION").strip()
                if len(code) >= 8 and code not in ("return out",):
                    if current is None:
                        blocks.append((code,))
                    else:
                        current.append(code)
    return [b for b in blocks if b]


def solution_lines(master: Path) -> set[str]:
    """Non-trivial code lines that only the solution has (inside solution blocks)."""
    return {line for block in solution_blocks(master) for line in block}


def hidden_test_names(master: Path) -> set[str]:
    names = set()
    for cell in _cells(master):
        src = _source(cell)
        if re.search(r"^hidden:\s*true", src, flags=re.M):
            names |= set(re.findall(r"^def (test_\w+)", src, flags=re.M))
    return names


@pytest.fixture(scope="session")
def built(exercise_build):
    return exercise_build


def test_there_is_a_master_per_student_notebook():
    assert [m.stem for m in MASTERS] == sorted(
        p.stem for p in (ROOT / "book/exercises").glob("*.ipynb")
    )


def test_regeneration_is_deterministic_and_committed(built):
    _, stale = built
    assert stale == [], f"run `make exercises` and commit: {stale}"


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.stem)
def test_students_get_no_solutions_and_no_hidden_tests(master):
    secrets = solution_lines(master)
    hidden = hidden_test_names(master)
    assert secrets and hidden, "the master should have solutions and hidden tests"
    shipped = [
        ROOT / "book/exercises" / f"{master.stem}.ipynb",
        *sorted((ROOT / "coursepkg/exercise_tests" / master.stem).glob("*.py")),
    ]
    for path in shipped:
        text = path.read_text()
        leaked = sorted(s for s in secrets | hidden if s in text)
        assert not leaked, f"{path.relative_to(ROOT)} leaks {leaked}"
        assert "BEGIN SOLUTION" not in text and "hidden=True" not in text


def test_the_sdist_and_the_wheel_carry_no_solution_and_no_hidden_test(tmp_path):
    build_sdist = (
        "from setuptools import build_meta; build_meta.build_sdist(__import__('sys').argv[1])"
    )
    subprocess.run(
        [sys.executable, "-c", build_sdist, str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    subprocess.run([*pip_wheel, "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (sdist,) = tmp_path.glob("coursepkg-*.tar.gz")
    (wheel,) = tmp_path.glob("coursepkg-*.whl")
    with tarfile.open(sdist) as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    with zipfile.ZipFile(wheel) as zf:
        files |= {f"wheel/{name}": zf.read(name) for name in zf.namelist()}
    assert not [
        name for name in files if "/tests/" in name or "/exercises/" in name.split("coursepkg/")[0]
    ]
    # The package's reference implementations may share a line with a solution
    # (`return dx, dgamma, dbeta`); a complete solution block (as the site check) may not.
    blocks = [b for m in MASTERS for b in solution_blocks(m) if len(b) >= 2]
    hidden = set().union(*(hidden_test_names(m) for m in MASTERS))
    for name, data in files.items():
        text = data.decode(errors="replace")
        leaked = sorted(t for t in hidden if t in text)
        leaked += [block[0] for block in blocks if all(line in text for line in block)]
        assert not leaked, f"{name} leaks {leaked[:3]}"
        if not name.endswith(("PKG-INFO", "README.md", "METADATA")):  # the README explains them
            assert "BEGIN SOLUTION" not in text and "hidden=True" not in text, name


def _tested_names(master: Path) -> dict[str, tuple[set, set]]:
    """Per question, the notebook names its public tests and its hidden tests take."""
    out, question = {}, None
    for cell in _cells(master):
        src = _source(cell)
        begin = re.match(r"# BEGIN QUESTION\s*\nname:\s*(\w+)", src)
        if begin:
            question = begin.group(1)
            out[question] = (set(), set())
        elif question and "BEGIN TEST CONFIG" in src:
            hidden = bool(re.search(r"^hidden:\s*true", src, flags=re.M))
            for params in re.findall(r"^def test_\w+\(([^)]*)\)", src, flags=re.M):
                out[question][hidden].update(p.strip() for p in params.split(",") if p.strip())
    return out


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.stem)
def test_every_question_and_every_answer_has_a_public_test(master):
    questions = _tested_names(master)
    everything_public = set().union(*(public for public, _ in questions.values()))
    for question, (public, hidden) in questions.items():
        assert public, f"{master.stem} {question} has no public test"
        missing = hidden - everything_public
        assert not missing, f"{master.stem} {question}: no public test of {missing}"


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.stem)
def test_instructor_zip_has_the_hidden_tests(built, master):
    out, _ = built
    with zipfile.ZipFile(out / f"{master.stem}-autograder.zip") as z:
        text = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("tests/"))
    assert hidden_test_names(master) <= set(re.findall(r"def (test_\w+)", text))


def test_colab_flow_renamed_copy_with_only_the_wheel(built, tmp_path):
    """Colab: 'Copy of ema.ipynb' in /content, coursepkg installed from a wheel, nothing else."""
    out, _ = built
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("coursepkg-*.whl")
    with zipfile.ZipFile(wheel) as z:
        assert "coursepkg/exercise_tests/ema/q1.py" in z.namelist()
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )

    content = tmp_path / "content"
    content.mkdir()
    nb = json.loads((out / "solutions" / "ema.ipynb").read_text())
    nb["cells"].append(
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "id": "where",
            "source": "import coursepkg; print('FROM', coursepkg.__file__)",
        }
    )
    copy = content / "Copy of ema.ipynb"
    copy.write_text(json.dumps(nb))
    env = {
        "PYTHONPATH": str(site),
        "PATH": str(Path(sys.executable).parent),
        "HOME": str(tmp_path),
        "COURSEPKG_OFFLINE": "1",
        "MPLBACKEND": "Agg",
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--output",
            "executed.ipynb",
            str(copy),
        ],
        check=True,
        cwd=content,
        env=env,
        capture_output=True,
        timeout=120,
    )
    outputs = json.dumps(json.loads((content / "executed.ipynb").read_text())["cells"])
    assert f"FROM {site}" in outputs  # the package came from the wheel, not the repository
    for q in ("q1", "q2", "q3"):
        assert f"{q} results: All test cases passed!" in outputs, q


# ---- grading ---------------------------------------------------------------------
SOLUTION_Q1 = "v = beta * v + (1 - beta) * x[t]"
SOLUTION_Q2 = """    v = ema(x, beta)
    t = np.arange(1, len(v) + 1).reshape((-1,) + (1,) * (v.ndim - 1))
    return v / (1 - beta**t)"""
FED_BACK = """    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    v = np.zeros_like(x[0])
    for t in range(1, len(x) + 1):
        v = (beta * v + (1 - beta) * x[t - 1]) / (1 - beta**t)
        out[t - 1] = v
    return out"""
Q1_START = "x = np.asarray(x, dtype=float)\n    v = np.zeros_like"

# name: (edits to the solution, expected {question: points}, phrases the feedback must contain)
VARIANTS = {
    "solution": ([], {"q1": 5, "q2": 4, "q3": 2}, []),
    "swapped": (
        [(SOLUTION_Q1, "v = (1 - beta) * v + beta * x[t]")],
        {"q1": 2, "q3": 2},
        ["beta and 1 - beta swapped"],
    ),
    "fed_back": (
        [(SOLUTION_Q2, FED_BACK)],
        {"q1": 5, "q2": 1, "q3": 2},
        ["fed the corrected value back into the recursion"],
    ),
    "t_from_zero": (
        [("np.arange(1, len(v) + 1)", "np.arange(0, len(v))")],
        {"q1": 5, "q3": 2},
        ["1 - beta**0"],
    ),
    "t_off_by_one": (
        [("np.arange(1, len(v) + 1)", "np.arange(2, len(v) + 2)")],
        {"q1": 5, "q3": 2},
        ["off by one in t"],
    ),
    "raises": (
        [(Q1_START, "raise RuntimeError('oops')\n    v = np.zeros_like")],
        {"q3": 2},
        ["raised RuntimeError: oops"],
    ),
    "wrong_shape": (
        [("        out[t] = v\n    return out", "        out[t] = v\n    return out[:-1]")],
        {"q3": 2},
        ["has shape (3,); expected (4,)"],
    ),
    "nan": (
        [("return v / (1 - beta**t)", "return v / (1 - beta**t) * np.nan")],
        {"q1": 5, "q3": 2},
        ["NaN or inf"],
    ),
    "endless_loop": (
        [(Q1_START, "while True:\n        pass\n    v = np.zeros_like")],
        {"q3": 2},
        ["did not finish within"],
    ),
    "endless_top_level_loop": (
        [("window_098 = 50", "while True:\n    pass\nwindow_098 = 50")],
        {"q1": 5, "q2": 4},
        ["should be a number"],
    ),
}


def grade_notebook(path, autograder):
    """``(scores, total, possible, feedback lines)`` of one notebook, graded by the judge."""
    result = judge.grade_solution(path, autograder, Limits(cell_cpu_s=10))
    return result.scores, result.total, result.possible, [*result.notes, *result.feedback]


def _variant(solution: Path, edits, dest: Path) -> Path:
    nb = json.loads(solution.read_text())
    for old, new in edits:
        hits = [cell for cell in nb["cells"] if old in _source(cell)]
        assert len(hits) == 1, f"edit target not found once: {old!r}"
        hits[0]["source"] = _source(hits[0]).replace(old, new)
    dest.write_text(json.dumps(nb))
    return dest


@pytest.mark.parametrize("name", list(VARIANTS))
def test_grading_gives_the_expected_scores_and_feedback(built, tmp_path, name):
    out, _ = built
    edits, expected, phrases = VARIANTS[name]
    sub = _variant(out / "solutions" / "ema.ipynb", edits, tmp_path / f"{name}.ipynb")
    scores, total, possible, feedback = grade_notebook(sub, out / "ema-autograder.zip")
    assert possible == 11
    assert {q: s for q, s in scores.items() if s} == expected, feedback
    text = "\n".join(feedback)
    for phrase in phrases:
        assert phrase in text, text


def test_blank_student_notebook_scores_zero(built):
    out, _ = built
    scores, total, possible, feedback = grade_notebook(
        ROOT / "book/exercises/ema.ipynb", out / "ema-autograder.zip"
    )
    assert (total, possible) == (0, 11)
    assert any("forget `return`" in f for f in feedback)


def test_grade_folder_writes_a_csv(built, tmp_path):
    out, _ = built
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "a.ipynb").write_text((out / "solutions" / "ema.ipynb").read_text())
    (subs / "broken.ipynb").write_text("{not json")
    csv_path = tmp_path / "grades.csv"
    rows = grade.grade_folder(subs, out / "ema-autograder.zip", csv_path, jobs=2)
    assert [(r["file"], r["total"], r["possible"]) for r in rows] == [
        ("a.ipynb", "11", "11"),
        ("broken.ipynb", "0", "11"),
    ]
    assert "not a readable notebook" in rows[1]["feedback"]
    assert csv_path.read_text().splitlines()[0] == "file,q1,q2,q3,total,possible,feedback"

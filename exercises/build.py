"""Build every exercise from its otter-grader master (the single source).

For each master ``exercises/<name>/<name>.ipynb`` this runs ``otter assign`` into
``<out>/<name>/`` and then

* writes the student notebook to ``book/exercises/<name>.ipynb`` (committed: the
  book and its Colab button serve it), with deterministic cell ids;
* writes the public tests to ``coursepkg/exercise_tests/<name>/`` (committed package
  data, so ``grader.check`` works with only ``coursepkg`` installed);
* keeps the instructor artifacts in ``<out>`` (gitignored): the solution notebook
  ``<out>/solutions/<name>.ipynb`` and the autograder zip ``<out>/<name>-autograder.zip``
  (with the hidden tests).

Usage::

    python -m exercises.build              # regenerate (make exercises)
    python -m exercises.build --check      # fail if the committed files are stale
    python -m exercises.build --private-tests ~/course-private   # add your own hidden tests

The masters, and so every solution and hidden test in them, are public in the course's
repository. Tests a class must not see go in a folder outside it:
``<folder>/<exercise>/<question>.py``, in otter's test format (see :func:`add_private_tests`);
they are added to the autograder zips only, and the build checks that the solution passes them.
"""

from __future__ import annotations

import argparse
import ast
import filecmp
import json
import os
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MASTERS = ROOT / "exercises"
STUDENT_DIR = ROOT / "book" / "exercises"
PUBLIC_TESTS_DIR = ROOT / "coursepkg" / "exercise_tests"
DEFAULT_OUT = ROOT / "_build" / "exercises"


def masters() -> list[Path]:
    return sorted(p for p in MASTERS.glob("*/*.ipynb") if p.stem == p.parent.name)


def otter_assign(master: Path, dest: Path) -> None:
    shutil.rmtree(dest, ignore_errors=True)
    otter = [sys.executable, "-m", "otter", "assign", "--no-pdfs"]
    proc = subprocess.run(
        [*otter, str(master), str(dest)], capture_output=True, text=True, cwd=master.parent
    )
    log = proc.stdout + proc.stderr
    # otter assign runs every test against the solution; any failure means a broken master.
    if proc.returncode != 0 or "Test case failed" in log:
        raise SystemExit(f"otter assign failed for {master}:\n{log}")


def normalized_student_notebook(path: Path, name: str) -> str:
    """The student notebook as text, with cell ids that do not change between runs."""
    nb = json.loads(path.read_text())
    for i, cell in enumerate(nb["cells"]):
        cell["id"] = f"{name}-{i:02d}"
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def build_one(master: Path, out: Path, check: bool) -> list[str]:
    """Build one exercise; return the committed files that differ (check mode) or were written."""
    name = master.stem
    dest = out / name
    otter_assign(master, dest)

    changed = []
    student_text = normalized_student_notebook(dest / "student" / f"{name}.ipynb", name)
    student_target = STUDENT_DIR / f"{name}.ipynb"
    if not student_target.exists() or student_target.read_text() != student_text:
        changed.append(str(student_target.relative_to(ROOT)))
        if not check:
            student_target.parent.mkdir(parents=True, exist_ok=True)
            student_target.write_text(student_text)

    tests_src = dest / "student" / "tests"
    tests_target = PUBLIC_TESTS_DIR / name
    diff = filecmp.dircmp(tests_src, tests_target) if tests_target.exists() else None
    if diff is None or diff.left_only or diff.right_only or diff.diff_files:
        changed.append(str(tests_target.relative_to(ROOT)) + "/")
        if not check:
            shutil.rmtree(tests_target, ignore_errors=True)
            shutil.copytree(tests_src, tests_target)

    (out / "solutions").mkdir(parents=True, exist_ok=True)
    shutil.copy(dest / "autograder" / f"{name}.ipynb", out / "solutions" / f"{name}.ipynb")
    (zip_path,) = (dest / "autograder").glob(f"{name}-autograder_*.zip")
    target = out / f"{name}-autograder.zip"
    shutil.copy(zip_path, target)
    settings = {"exercise": name, "modules": notebook_modules(student_text)}
    with zipfile.ZipFile(target, "a") as zf:
        zf.writestr("judge.json", json.dumps(settings, indent=1) + "\n")
    return changed


def notebook_modules(notebook_text: str) -> list[str]:
    """The ``coursepkg`` modules the given cells of a student notebook import (besides
    ``grading``): the judge's jail offers those and no other reference implementation."""
    found = set()
    for cell in json.loads(notebook_text)["cells"]:
        if cell["cell_type"] != "code":
            continue
        try:
            tree = ast.parse("".join(cell["source"]))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("coursepkg"):
                parts = node.module.split(".")
                found |= {parts[1]} if len(parts) > 1 else {a.name for a in node.names}
            elif isinstance(node, ast.Import):
                found |= {
                    a.name.split(".")[1] for a in node.names if a.name.startswith("coursepkg.")
                }
    return sorted(found - {"grading"})


def add_private_tests(zip_path: Path, folder: Path) -> list[str]:
    """Append the instructor's own hidden tests to the autograder zip.

    ``folder`` holds ``<question>.py`` files (``q1.py``, ...) in otter's test format: test
    functions decorated with ``@test_case(points=..., hidden=True)``, whose parameters name
    the notebook's variables. They are added to that question's tests; every one must be
    hidden. Returns the question files changed.
    """
    with zipfile.ZipFile(zip_path) as zf:
        entries = {info.filename: zf.read(info) for info in zf.infolist()}
    changed = []
    for extra in sorted(folder.glob("*.py")):
        key = f"tests/{extra.stem}.py"
        if key not in entries:
            known = sorted(Path(k).stem for k in entries if k.startswith("tests/"))
            raise SystemExit(f"{extra}: no question {extra.stem!r} (questions: {', '.join(known)})")
        source = extra.read_text()
        tree = ast.parse(source, filename=str(extra))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            hidden = [
                kw
                for dec in node.decorator_list
                if isinstance(dec, ast.Call)
                for kw in dec.keywords
                if kw.arg == "hidden"
                and isinstance(kw.value, ast.Constant)
                and kw.value.value is True
            ]
            if not hidden:
                raise SystemExit(
                    f"{extra}: test {node.name} must be decorated @test_case(..., hidden=True)"
                )
        body = "\n".join(
            line
            for line in source.splitlines()
            if not line.startswith("from otter.test_files import")
        )
        entries[key] = (
            entries[key] + f"\n\n# ---- private tests from {extra.name}\n{body}\n".encode()
        )
        changed.append(key)
    partial = zip_path.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    partial.replace(zip_path)
    return changed


def build_all(out: Path, check: bool) -> list[str]:
    """:func:`build_one` for every master, one per CPU at a time (each is an ``otter assign``
    subprocess writing only its own files); returns the changed files in master order."""
    jobs = os.cpu_count() or 1
    # Executed solutions leave exported submissions beside them; start from an empty folder.
    shutil.rmtree(out / "solutions", ignore_errors=True)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda master: build_one(master, out, check), masters()))
    for master in masters():
        print(f"built {master.relative_to(ROOT)} -> {out}")
    return [path for changed in results for path in changed]


def check_private_tests(folder: Path, out: Path) -> None:
    """Add ``folder/<exercise>/*.py`` to the exercises' autograder zips, then grade each
    solution with them: a private test that the solution fails stops the build."""
    from exercises import judge

    names = {m.stem for m in masters()}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        if sub.name not in names:
            raise SystemExit(
                f"{sub}: no exercise {sub.name!r} (exercises: {', '.join(sorted(names))})"
            )
        zip_path = out / f"{sub.name}-autograder.zip"
        added = add_private_tests(zip_path, sub)
        result = judge.grade_solution(out / "solutions" / f"{sub.name}.ipynb", zip_path)
        if result.total != result.possible:
            raise SystemExit(
                f"the {sub.name} solution scores {result.total:g} / {result.possible:g} with the "
                f"private tests of {sub}: {result.text()}"
            )
        print(
            f"added private tests to {zip_path.name}: {', '.join(added)}; the solution scores 100 %"
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="instructor artifacts")
    parser.add_argument(
        "--check", action="store_true", help="do not write committed files; fail if they are stale"
    )
    parser.add_argument(
        "--private-tests",
        type=Path,
        help="folder with <exercise>/<question>.py files of extra hidden tests (kept outside "
        "the public repository) to add to the autograder zips",
    )
    args = parser.parse_args(argv)
    stale = build_all(args.out.resolve(), args.check)
    if args.private_tests:
        check_private_tests(args.private_tests, args.out.resolve())
    if args.check and stale:
        print("Stale generated files (run `make exercises` and commit):", *stale, sep="\n  ")
        return 1
    if stale:
        print("Updated:", *stale, sep="\n  ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

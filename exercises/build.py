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
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
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
    shutil.copy(zip_path, out / f"{name}-autograder.zip")
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="instructor artifacts")
    parser.add_argument(
        "--check", action="store_true", help="do not write committed files; fail if they are stale"
    )
    args = parser.parse_args(argv)
    stale = build_all(args.out.resolve(), args.check)
    if args.check and stale:
        print("Stale generated files (run `make exercises` and commit):", *stale, sep="\n  ")
        return 1
    if stale:
        print("Updated:", *stale, sep="\n  ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

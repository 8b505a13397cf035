"""Grade a folder of submitted notebooks with an autograder zip, each in its own jail.

Usage::

    python -m exercises.grade SUBMISSIONS/ --autograder _build/exercises/ema-autograder.zip \\
        --out grades.csv [--jobs N] [--resume]

Every submission runs in a bubblewrap jail (exercises/sandbox.py: no network, read-only
system, no view of the tests, the solutions or the other submissions, limits on memory,
processes and file size). The tests run in this process, never in the jail
(exercises/judge.py), so a submission cannot change how it is graded, nor affect another
submission or the batch.

* ``--jobs N`` submissions are graded at once (default: the number of CPUs).
* Each cell gets ``--cell-cpu`` seconds of CPU time, each call of a learner function the
  budget its test sets (3 s by default), measured from outside the jail; code that
  sleeps is stopped after a wall-clock ceiling. Whatever the submission does, it gets a
  score out of the full points and feedback saying what happened.
* ``grades.csv`` is written row by row as submissions finish: one row per submission
  (file, points per question, total, possible, feedback). ``--resume`` keeps the rows
  already there and grades only the rest. At the end the rows are sorted by file name.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from exercises import judge
from exercises.sandbox import DEFAULT_LIMITS, Limits, bwrap_path


def _fields(assignment: judge.Assignment) -> list[str]:
    return ["file", *assignment.questions, "total", "possible", "feedback"]


def row_of(name: str, result: judge.Result) -> dict:
    return {
        "file": name,
        **{q: f"{s:g}" for q, s in result.scores.items()},
        "total": f"{result.total:g}",
        "possible": f"{result.possible:g}",
        "feedback": result.text(),
    }


def _done_rows(out: Path, fields: list[str]) -> list[dict]:
    """Rows of an earlier, interrupted run (``--resume``)."""
    if not out.exists() or out.stat().st_size == 0:
        return []
    with out.open(newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != fields:
            raise SystemExit(
                f"{out} has the columns {reader.fieldnames}, not {fields}: another "
                "assignment? Use another --out, or delete it."
            )
        return [row for row in reader if row.get("possible")]  # a cut-off last line is redone


def grade_folder(
    folder: Path,
    autograder: Path,
    out: Path,
    *,
    jobs: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    resume: bool = False,
    deadline_s: float = 900.0,
    echo=print,
) -> list[dict]:
    """Grade every ``*.ipynb`` in ``folder``; write and return the CSV rows (sorted by file)."""
    assignment = judge.load_assignment(autograder)
    fields = _fields(assignment)
    rows = _done_rows(out, fields) if resume else []
    done = {row["file"] for row in rows}
    todo = [p for p in sorted(folder.glob("*.ipynb")) if p.name not in done]
    jobs = max(1, jobs or os.cpu_count() or 1)
    lock = threading.Lock()
    mode = "a" if rows else "w"
    start = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="coursepkg-judge-") as tmp,
        out.open(mode, newline="") as f,
    ):
        package = judge.sandbox_package(assignment.modules, Path(tmp))
        target = judge.package_target()
        writer = csv.DictWriter(f, fieldnames=fields)
        if mode == "w":
            writer.writeheader()
            f.flush()
        slots = list(range(jobs))

        def grade(path: Path) -> dict:
            with lock:
                slot = slots.pop()
            try:
                result = judge.grade_notebook(
                    path, assignment, package, target, limits, slot=slot, deadline_s=deadline_s
                )
            except Exception as exc:  # a bug of the grader's: say so in the row, go on
                result = judge.Result(scores=dict.fromkeys(assignment.questions, 0.0))
                result.possible = assignment.possible
                result.notes.append(
                    f"not graded: internal error of the grader ({type(exc).__name__}: {exc})"
                )
            finally:
                with lock:
                    slots.append(slot)
            return row_of(path.name, result)

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(grade, path) for path in todo]
            for n, future in enumerate(as_completed(futures), 1):
                row = future.result()
                with lock:
                    writer.writerow(row)
                    f.flush()
                    os.fsync(f.fileno())
                rows.append(row)
                echo(f"[{n}/{len(todo)}] {row['file']}: {row['total']} / {row['possible']}")
    rows.sort(key=lambda row: row["file"])
    _rewrite_sorted(out, fields, rows)
    took = time.monotonic() - start
    if todo:
        echo(
            f"graded {len(todo)} submissions in {took:.0f} s ({60 * len(todo) / took:.1f} per minute, {jobs} at a time)"
        )
    return rows


def _rewrite_sorted(out: Path, fields: list[str], rows: list[dict]) -> None:
    partial = out.with_name(out.name + ".sorting")
    with partial.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    partial.replace(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="folder of submitted .ipynb files")
    parser.add_argument("--autograder", type=Path, required=True, help="autograder zip")
    parser.add_argument("--out", type=Path, default=Path("grades.csv"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="submissions at once")
    parser.add_argument("--resume", action="store_true", help="keep the rows already in --out")
    parser.add_argument(
        "--cell-cpu", type=float, default=Limits.cell_cpu_s, help="CPU seconds per cell"
    )
    parser.add_argument(
        "--memory-mb", type=int, default=Limits.memory_mb, help="memory per process"
    )
    parser.add_argument(
        "--timeout", type=float, default=900.0, help="wall-clock seconds per submission, all tests"
    )
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"not a folder: {args.folder}")
    if not args.autograder.is_file():
        parser.error(f"no autograder zip at {args.autograder} (run `make exercises`)")
    if args.jobs < 1:
        parser.error(f"Invalid jobs: {args.jobs} (it must be at least 1)")
    if bwrap_path() is None:
        parser.error("bubblewrap is not installed (Debian/Ubuntu: apt install bubblewrap)")
    limits = Limits(cell_cpu_s=args.cell_cpu, memory_mb=args.memory_mb)
    grade_folder(
        args.folder,
        args.autograder,
        args.out,
        jobs=args.jobs,
        limits=limits,
        resume=args.resume,
        deadline_s=args.timeout,
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

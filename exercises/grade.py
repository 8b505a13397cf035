"""Grade a folder of submitted notebooks with an autograder zip, without Docker.

Usage::

    python -m exercises.grade SUBMISSIONS/ --autograder _build/exercises/ema-autograder.zip \\
        --out grades.csv

Each notebook is graded by ``otter run`` (the autograder zip holds the public and
hidden tests) in its own process, so one submission can never stall or break the
others:

* each cell of the submission may run at most ``--cell-timeout`` seconds; a cell
  that runs longer (``while True: pass`` at top level) is interrupted and the
  grading goes on with the next cell;
* each test case calls learner functions through :func:`coursepkg.grading.call`,
  which stops a call after a few seconds, so an endless loop inside a function
  costs only the test cases that call it;
* the whole submission gets ``--timeout`` seconds; past that it scores 0 with a
  message saying so.

The CSV has one row per submission: file, one column per question (points), total,
possible, and a feedback column naming the failed test cases.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def _grade_in_this_process(submission: Path, autograder: Path, out_dir: Path, cell_timeout: int):
    """Run otter on one submission, with a per-cell execution timeout."""
    import nbconvert.preprocessors as preprocessors
    from traitlets import Bool, Integer

    class _TimedExecutePreprocessor(preprocessors.ExecutePreprocessor):
        timeout = Integer(cell_timeout).tag(config=True)
        interrupt_on_timeout = Bool(True).tag(config=True)

    # otter imports ExecutePreprocessor from this module when it grades.
    preprocessors.ExecutePreprocessor = _TimedExecutePreprocessor
    from otter.api import grade_submission

    results = grade_submission(str(submission), str(autograder), quiet=True)
    (out_dir / "results.json").write_text(json.dumps(results.to_dict(), default=str))


def grade_one(submission: Path, autograder: Path, timeout: int, cell_timeout: int) -> dict:
    """Grade one notebook in a child process; never raises for a bad submission."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable,
            "-m",
            "exercises.grade",
            "--_one",
            str(submission),
            str(autograder),
            tmp,
            str(cell_timeout),
        ]
        try:
            proc = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd=Path(__file__).resolve().parent.parent,
            )
        except subprocess.TimeoutExpired:
            return {"error": f"grading stopped after {timeout} s (the notebook never finished)"}
        path = Path(tmp) / "results.json"
        if proc.returncode != 0 or not path.exists():
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            return {"error": "grading failed: " + " | ".join(tail)}
        return json.loads(path.read_text())


def summarize(results: dict) -> tuple[dict[str, float], float, float, list[str]]:
    """Per-question scores, total, possible and feedback lines from otter's results dict."""
    scores, feedback = {}, []
    possible = total = 0.0
    for name, res in sorted(results.items()):
        scores[name] = float(res.get("score") or 0.0)
        total += scores[name]
        possible += float(res.get("possible") or 0.0)
        for case in res.get("test_case_results", []):
            if not case.get("passed"):
                feedback.append(f"{name}: {case.get('message', '').strip().splitlines()[-1]}")
    return scores, total, possible, feedback


def grade_folder(folder: Path, autograder: Path, out: Path, timeout: int, cell_timeout: int):
    rows, questions = [], set()
    for submission in sorted(folder.glob("*.ipynb")):
        results = grade_one(submission, autograder, timeout, cell_timeout)
        if "error" in results:
            row = {
                "file": submission.name,
                "total": 0.0,
                "possible": "",
                "feedback": results["error"],
            }
        else:
            scores, total, possible, feedback = summarize(results)
            questions |= set(scores)
            row = {
                "file": submission.name,
                **scores,
                "total": total,
                "possible": possible,
                "feedback": " || ".join(feedback),
            }
        rows.append(row)
        print(f"{submission.name}: {row['total']} / {row['possible']}")
    fields = ["file", *sorted(questions), "total", "possible", "feedback"]
    with out.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, restval=0.0)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--_one":  # internal: the child process
        submission, autograder, out_dir, cell_timeout = argv[1:5]
        _grade_in_this_process(Path(submission), Path(autograder), Path(out_dir), int(cell_timeout))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="folder of submitted .ipynb files")
    parser.add_argument("--autograder", type=Path, required=True, help="autograder zip")
    parser.add_argument("--out", type=Path, default=Path("grades.csv"))
    parser.add_argument("--timeout", type=int, default=300, help="seconds per submission")
    parser.add_argument("--cell-timeout", type=int, default=60, help="seconds per notebook cell")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"not a folder: {args.folder}")
    if not args.autograder.is_file():
        parser.error(f"no autograder zip at {args.autograder} (run `make exercises`)")
    grade_folder(args.folder, args.autograder, args.out, args.timeout, args.cell_timeout)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

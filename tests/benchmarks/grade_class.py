"""Benchmark: grading a class, as ``python -m exercises.grade`` does.

Generates ``--n`` submissions of one exercise (default ema, 300) from its solution and the
typical mistakes of its grading tests, with ``--runaways`` of them looping forever inside a
learner function, then grades the folder ``--jobs`` at a time in jails. Prints the wall
time, submissions per minute, and the time per submission. Goal on a 2-core machine: 300
submissions in <= 10 min. A speed goal is a number printed here, never a timed unit test.

    .venv/bin/python -m tests.benchmarks.grade_class [--n 300] [--runaways 6] [--jobs 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from exercises import build, grade
from tests.test_exercises import ROOT, VARIANTS, _variant

RUNAWAY = "endless_loop"


def make_class(solution: Path, folder: Path, n: int, runaways: int) -> None:
    """``n`` notebooks: every ``n // runaways``-th one a runaway, the others cycling
    through the solution and the typical mistakes."""
    honest = [name for name in VARIANTS if name not in (RUNAWAY, "endless_top_level_loop")]
    every = max(1, n // runaways) if runaways else n + 1
    for i in range(n):
        name = RUNAWAY if i % every == every - 1 else honest[i % len(honest)]
        _variant(solution, VARIANTS[name][0], folder / f"student{i:04d}-{name}.ipynb")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--runaways", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        build.build_one(ROOT / "exercises/ema/ema.ipynb", tmp / "built", check=True)
        folder = tmp / "class"
        folder.mkdir()
        make_class(tmp / "built/solutions/ema.ipynb", folder, args.n, args.runaways)
        start = time.perf_counter()
        rows = grade.grade_folder(
            folder,
            tmp / "built/ema-autograder.zip",
            tmp / "grades.csv",
            jobs=args.jobs,
            echo=lambda *_: None,
        )
        took = time.perf_counter() - start
    totals = [float(r["total"]) for r in rows]
    print(
        f"graded {len(rows)} submissions ({args.runaways} runaways), {args.jobs} at a time, "
        f"on {os.cpu_count()} CPUs"
    )
    print(f"wall time {took:.0f} s = {took / 60:.1f} min (goal for 300 on 2 cores: <= 10 min)")
    print(f"{60 * len(rows) / took:.1f} submissions per minute, {took / len(rows):.2f} s each")
    print(f"scores: mean {statistics.mean(totals):.2f} / 11, full marks {totals.count(11.0)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

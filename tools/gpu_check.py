"""The GPU path, checked in one command on a CUDA machine (``make gpu-check``).

1. runs the CUDA-marked tests (``pytest -m cuda``);
2. executes every chapter, one at a time so that each has the GPU to itself, and records its
   time against the "Colab GPU: ~N s" budget its page states (and that it ran on CUDA: the
   chapter's ``report()`` line says so);
3. runs the three benchmarks with ``--device cuda`` (MLP epoch, optimizer steps with Adam's
   bandwidth against ``clone()``, PCA fit);
4. writes one report, ``_build/gpu-check/report.md``, and prints it.

It fails when a CUDA test fails, a chapter raises, runs over its GPU budget or did not run on
CUDA. Without a GPU it stops at once; ``--allow-cpu`` runs the same steps on the CPU
(to try the tool itself; budgets are then not enforced).

    python -m tools.gpu_check [--chapters ema pca] [--no-tests] [--no-benchmarks]
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import torch

from tools.book_cache import chapters as book_chapters
from tools.nbrun import budget_of

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ("mlp_epoch", "optim_step", "pca_fit")
GPU_BUDGET = re.compile(r"Colab GPU: ~(\d+) s")


def gpu_budget(path: Path) -> float | None:
    """The "Colab GPU: ~N s" figure of a chapter's first cell."""
    first = json.loads(path.read_text())["cells"][0]["source"]
    found = GPU_BUDGET.search("".join(first))
    return float(found[1]) if found else None


def run_tests() -> tuple[bool, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "tests", "-m", "cuda", "-q", "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    lines = proc.stdout.strip().splitlines()
    return proc.returncode == 0, lines[-1] if lines else proc.stderr.strip()[-300:]


def execute(path: Path, timeout: int) -> dict:
    """Execute one chapter in a fresh kernel; its time, error and the device it reported."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    )
    start, error = time.perf_counter(), ""
    try:
        client.execute()
    except Exception as exc:  # the cell's error goes into the report
        error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:200]}"
    seconds = time.perf_counter() - start
    shown = json.dumps([c.get("outputs", []) for c in nb.cells])
    device = re.search(r"device: (\w+)", shown)
    return {"seconds": seconds, "error": error, "device": device[1] if device else "?"}


def run_benchmark(name: str, device: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", f"tests.benchmarks.{name}", "--device", device],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return (
        proc.stdout
        + (f"\n(exit {proc.returncode}) {proc.stderr[-500:]}" if proc.returncode else "")
    ).strip()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", nargs="*", help="chapter names (default: every chapter)")
    parser.add_argument("--no-tests", action="store_true")
    parser.add_argument("--no-benchmarks", action="store_true")
    parser.add_argument("--allow-cpu", action="store_true", help="try the tool on the CPU")
    parser.add_argument("--cell-timeout", type=int, default=300)
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "gpu-check")
    args = parser.parse_args(argv)
    cuda = torch.cuda.is_available()
    if not cuda and not args.allow_cpu:
        print("make gpu-check needs a CUDA GPU (torch.cuda.is_available() is False)")
        return 2
    device = "cuda" if cuda else "cpu"
    name = torch.cuda.get_device_name() if cuda else "no CUDA GPU (--allow-cpu)"
    report = [
        "# GPU check",
        "",
        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC · {name} · "
        f"torch {torch.__version__} (CUDA {torch.version.cuda}) · Python {sys.version.split()[0]}",
    ]
    failed = []

    if not args.no_tests:
        ok, summary = run_tests()
        report += ["", "## CUDA tests (`pytest -m cuda`)", "", summary]
        failed += [] if ok else ["CUDA tests"]

    paths = book_chapters()
    if args.chapters is not None:
        paths = [p for p in paths if p.stem in args.chapters]
    report += ["", f"## Chapters on {device}, one at a time", ""]
    report += ["| chapter | seconds | Colab GPU budget | CPU budget | device | result |"]
    report += ["| --- | ---: | ---: | ---: | --- | --- |"]
    for path in paths:
        run = execute(path, args.cell_timeout)
        budget = gpu_budget(path)
        problems = [run["error"]] if run["error"] else []
        if cuda and run["device"] != "cuda":
            problems.append(f"ran on {run['device']}")
        if cuda and (budget is None or run["seconds"] > budget):
            problems.append("over its GPU budget" if budget else "states no GPU budget")
        failed += [path.stem] if problems else []
        stated = f"{budget:g}" if budget else "-"
        report.append(
            f"| {path.stem} | {run['seconds']:.1f} | {stated} | "
            f"{budget_of(path):g} | {run['device']} | {'; '.join(problems) or 'ok'} |"
        )
        print(report[-1], flush=True)

    if not args.no_benchmarks:
        report += ["", f"## Benchmarks (`--device {device}`)"]
        for bench in BENCHMARKS:
            output = run_benchmark(bench, device)
            report += ["", f"### {bench}", "", "```", output, "```"]

    report += ["", f"**Result: {'FAILED: ' + ', '.join(failed) if failed else 'ok'}**", ""]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.md").write_text("\n".join(report))
    print("\n".join(report))
    print(f"wrote {args.out / 'report.md'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

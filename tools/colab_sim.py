"""Execute the notebooks on a Colab-like kernel stack, as a learner opening them in Colab would.

The kernel runs in a virtual environment (cached in ``_build/colab-sim/``) that holds Colab's
exact versions (``tools/colab/pip-freeze.gpu.txt``) of the kernel stack and the scientific
packages, every other package that installing the course reaches at Colab's version too,
and this machine's CPU build of torch. Its IPython imports a stand-in ``google.colab`` at
start, as Colab's kernel does, so each notebook takes its Colab branch:

* the setup cell really installs ``coursepkg`` from its git URL and tag: git's ``insteadOf``
  sends that URL to a snapshot of this working tree, tagged as the setup cell asks. The venv
  is first put back to Colab's packages only, so the first notebook pays the whole install
  and prints its time;
* every notebook is a renamed copy ("Copy of ema.ipynb") alone in an empty folder.

Checks: no cell raises; solutions pass every ``grader.check``, ``grader.check_all()`` and
export their submission (downloaded through ``google.colab.files``); blank student notebooks
get feedback from every ``grader.check`` and export too; chapters run; and afterwards no
Colab package in the venv has changed version.

    python -m tools.colab_sim --exercises            # part of make test
    python -m tools.colab_sim --exercises --chapters # make colab-sim

The simulation differs from Colab in what this machine can provide, and says so when it
starts: Python 3.11 (the CPU torch wheel here is built for it; Colab has 3.13), torch 2.13 on
the CPU (Colab: 2.11 with CUDA), and ``COURSEPKG_OFFLINE=1`` (no network but the package
index), so the data loaders use their offline stand-ins.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from packaging.specifiers import SpecifierSet

from coursepkg.grading import STOPPED
from tools import colab_env as env
from tools import setup_cell

WORK = env.ROOT / "_build" / "colab-sim"
SOLUTIONS = env.ROOT / "_build" / "exercises" / "solutions"
STUB = env.SNAPSHOT / "stub"
PYTHON = "3.11"  # the local CPU torch wheel's Python
TORCH = "torch==2.13.0"  # the local CPU build (an unpinned torch pulls CUDA wheels)
# Colab's versions of these are installed; every package they or the course need is
# constrained to Colab's version as well.
STACK = [
    "ipython",
    "ipykernel",
    "jupyter-client",
    "notebook",
    "nbformat",
    "numpy",
    "scipy",
    "scikit-learn",
    "scikit-image",
    "matplotlib",
    "pandas",
    "pip",
]
# Not at Colab's versions: the torch family (this machine's CPU build instead), and
# setuptools, which torch 2.13 needs at >= 77.0.3 (Colab's torch 2.11 lives with 75.2.0):
# the nearest release that torch 2.13 accepts.
REPLACED = {"setuptools": "77.0.3"}
NOT_CONSTRAINED = ("torch", "torchvision", "torchaudio", "triton", "nvidia-")
TOOL_VERSION = "1"
INSTALLED = re.compile(
    r"^installed coursepkg (\S+)(?: with the exercise grader)? in (\d+) s$", re.M
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
ALREADY = re.compile(r"^coursepkg \S+(?: with the exercise grader)? is already installed$", re.M)


# ---- the venv ----------------------------------------------------------------------------
def build_venv(venv: Path) -> dict:
    """The cached venv at its baseline (Colab's packages only). Returns ``{"baseline": {name:
    version}, "differs": {name: why}}``: what is installed, and what is not Colab's version."""
    colab = env.freeze()
    exe, described = env.find_python(PYTHON)
    key = f"{env.snapshot_id()} {exe} {TOOL_VERSION}"
    state_file = venv / "colab-baseline.json"
    if env.cached_venv(venv, exe, key):
        print(f"[colab-sim] venv reused: {venv} ({described})")
        return json.loads(state_file.read_text())
    print(f"[colab-sim] building {venv} with {described}")
    env.pip(venv, "install", "-q", f"pip=={colab['pip']}")
    wheel = env.build_wheel(WORK / "wheel")
    # The course's own dependencies are installed too, so that they are present at Colab's
    # versions, as in Colab; the course itself and what Colab lacks are removed again below.
    wanted = [
        TORCH,
        *(f"{n}=={colab[n]}" for n in STACK),
        f"coursepkg[exercises] @ {wheel.as_uri()}",
    ]
    pins = {n: v for n, v in colab.items() if not n.startswith(NOT_CONSTRAINED)} | REPLACED
    differs = {"torch": "this machine's CPU build"} | {
        n: f"Colab's {colab[n]} conflicts with torch 2.13" for n in REPLACED
    }
    # A few of Colab's versions need a newer Python than this one: those take the newest
    # release that installs here.
    pin_file = WORK / "constraints.txt"
    pin_file.write_text("".join(f"{n}=={v}\n" for n, v in pins.items()))
    python = env.run(
        [env.venv_python(venv), "-c", "import platform; print(platform.python_version())"]
    )
    for meta in env.planned(venv, "--ignore-requires-python", "-c", pin_file, *wanted):
        name, needs = env.canonical(meta["name"]), meta.get("requires_python")
        if needs and python.stdout.strip() not in SpecifierSet(needs):
            pins.pop(name)
            differs[name] = f"Colab's {colab[name]} needs Python {needs}"
    pin_file.write_text("".join(f"{n}=={v}\n" for n, v in pins.items()))
    env.pip(venv, "install", "-q", "-c", pin_file, *wanted)
    extra = [name for name in env.installed(venv) if name not in colab and name != "torch"]
    env.pip(venv, "uninstall", "-q", "-y", *extra)
    shutil.copytree(STUB / "google", env.site_packages(venv) / "google", dirs_exist_ok=True)
    baseline = env.installed(venv)
    changed = {
        n: v for n, v in baseline.items() if n in colab and colab[n] != v and n not in differs
    }
    if changed:
        raise SystemExit(f"the venv could not take Colab's versions of {changed}")
    state = {
        "baseline": baseline,
        "differs": {n: f"{baseline[n]} ({why})" for n, why in differs.items() if n in baseline},
    }
    state_file.write_text(json.dumps(state, indent=1, sort_keys=True))
    env.mark_built(venv, key)
    return state


def restore(venv: Path, baseline: dict[str, str]) -> None:
    """Uninstall what earlier runs' setup cells added; fail if a Colab package changed."""
    now = env.installed(venv)
    changed = diff(baseline, now)
    if changed:
        raise SystemExit(f"[colab-sim] the venv's Colab packages changed: {changed}; delete {venv}")
    extra = sorted(set(now) - set(baseline))
    if extra:
        env.pip(venv, "uninstall", "-q", "-y", *extra)


def diff(baseline: dict[str, str], now: dict[str, str]) -> list[str]:
    return [f"{n} {v} -> {now.get(n, 'removed')}" for n, v in baseline.items() if now.get(n) != v]


# ---- the repository the setup cell installs from ---------------------------------------
def snapshot_repository(dest: Path) -> Path:
    """This working tree (tracked and untracked, not ignored files) as a git repository with
    the tag the setup cells install; returns a git config that sends the URL there."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    files = env.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=env.ROOT
    ).stdout.split("\0")
    for name in filter(None, files):
        src = env.ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    git = ["git", "-c", "user.name=colab-sim", "-c", "user.email=colab-sim@localhost"]
    env.run([*git, "init", "-q"], cwd=dest)
    env.run([*git, "add", "-A"], cwd=dest)
    env.run([*git, "commit", "-q", "-m", "working tree"], cwd=dest)
    env.run([*git, "tag", setup_cell.ref()], cwd=dest)
    config = dest.parent / "gitconfig"
    url = setup_cell.config()["repository"]["url"]
    config.write_text(f'[url "{dest.resolve().as_uri()}"]\n\tinsteadOf = {url}\n')
    return config


# ---- one notebook ------------------------------------------------------------------------
def kernel_environment(venv: Path, gitconfig: Path) -> dict[str, str]:
    """The environment of the executing process: a ``colab-sim`` kernel whose IPython imports
    google.colab at start, git sending the repository URL to the snapshot, offline data,
    progress bars on (as in Colab: the builds' TQDM_DISABLE is dropped)."""
    share = WORK / "jupyter"
    spec = share / "kernels" / "colab-sim"
    spec.mkdir(parents=True, exist_ok=True)
    argv = [str(env.venv_python(venv)), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "Colab simulation", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    startup = WORK / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-colab.py").write_text("import google.colab  # noqa: F401  (as Colab's kernel)\n")
    return {
        **{k: v for k, v in os.environ.items() if k != "TQDM_DISABLE"},
        "JUPYTER_PATH": str(share),
        "IPYTHONDIR": str(WORK / "ipython"),
        "GIT_CONFIG_GLOBAL": str(gitconfig),
        "GIT_CONFIG_NOSYSTEM": "1",
        "COURSEPKG_OFFLINE": "1",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "PYTHONHASHSEED": "0",
        "PIP_NO_CACHE_DIR": "1",  # a fresh Colab runtime has no pip cache: time the downloads
    }


def execute(source: Path, name: str, kind: str, environ: dict, timeout: int) -> dict:
    """Execute a copy of ``source`` named ``name`` in an empty folder; return what it showed."""
    folder = WORK / "runs" / f"{kind}-{source.stem}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    copy = folder / name
    shutil.copy(source, copy)
    downloads = folder.parent / f"{folder.name}.downloads"
    downloads.write_text("")
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "tools.colab_sim", "--_one", str(copy), str(timeout)],
        capture_output=True,
        text=True,
        cwd=env.ROOT,
        env={**environ, "COLAB_SIM_NOTEBOOK": str(copy), "COLAB_SIM_DOWNLOADS": str(downloads)},
    )
    seconds = time.perf_counter() - start
    executed = folder.parent / f"{folder.name}.executed.ipynb"
    cells = json.loads(executed.read_text())["cells"] if executed.exists() else []
    return {
        "notebook": str(source.relative_to(env.ROOT)),
        "kind": kind,
        "seconds": seconds,
        "error": proc.stderr.strip() if proc.returncode else "",
        "cells": [(setup_cell.source(c), shown(c)) for c in cells if c["cell_type"] == "code"],
        "folder": folder,
        "copy": copy,
        "downloads": downloads.read_text().split(),
    }


def shown(cell: dict) -> str:
    """Everything a code cell showed, as text."""
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append("".join(out["text"]))
        for mime in ("text/plain", "text/html"):
            if mime in out.get("data", {}):
                parts.append("".join(out["data"][mime]))
        if out.get("output_type") == "error":
            parts.append(f"{out['ename']}: {out['evalue']}")
    return "\n".join(parts)


def execute_here(path: Path, timeout: int) -> int:
    """Child process: run every cell of ``path`` in the colab-sim kernel, stop at an error."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="colab-sim",
        timeout=timeout,
        allow_errors=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
        return 0
    except Exception as exc:  # the cell's error, reported by the parent
        print(f"{type(exc).__name__}: {str(exc)[-2000:]}", file=sys.stderr)
        return 1
    finally:
        out = path.parent.parent / f"{path.parent.name}.executed.ipynb"
        nbformat.write(nb, out)


# ---- checks --------------------------------------------------------------------------------
def check(run: dict) -> list[str]:
    """What is wrong with one executed notebook (empty when all is well)."""
    error = ANSI.sub("", run["error"]).strip()
    problems = [error.splitlines()[-1] if error else ""]
    cells = run["cells"]
    setup = cells[0][1] if cells else ""
    if not (INSTALLED.search(setup) or ALREADY.search(setup)):
        problems.append(f"the setup cell did not say what it installed: {setup[-300:]!r}")
    if run["kind"] == "chapter":
        return [p for p in problems if p]
    exercise = Path(run["notebook"]).stem
    if run["kind"] == "solution":
        problems += [f"a cell of the solution {out[:300]!r}" for _, out in cells if STOPPED in out]
    checks = [(src, out) for src, out in cells if re.fullmatch(r'grader\.check\("q\d+"\)', src)]
    if not checks:
        problems.append("no grader.check cell")
    for src, out in checks:
        passed = "All test cases passed" in out
        if run["kind"] == "solution" and not passed:
            problems.append(f"{src} did not pass: {out[-300:]!r}")
        if run["kind"] == "blank" and (passed or "failed" not in out.lower()):
            problems.append(f"{src} gave a blank notebook no feedback: {out[-300:]!r}")
    check_all = [out for src, out in cells if src.strip() == "grader.check_all()"]
    if len(check_all) != 1:
        problems.append("no grader.check_all() cell")
    elif run["kind"] == "solution" and "failed" in check_all[0].lower():
        problems.append(f"check_all failed for the solution: {check_all[0][-300:]!r}")
    submission = run["folder"] / f"{exercise}-submission.ipynb"
    if not submission.exists() or str(submission.resolve()) not in run["downloads"]:
        problems.append(f"the export cell did not write and download {submission.name}")
    elif json.loads(submission.read_text()) != json.loads(run["copy"].read_text()):
        problems.append(f"{submission.name} is not the notebook open in the browser")
    return [p for p in problems if p]


# ---- driver ----------------------------------------------------------------------------------
def plan(exercises: bool, chapters: bool) -> list[tuple[Path, str]]:
    jobs = []
    if chapters:
        jobs += [(p, "chapter") for p in sorted((env.ROOT / "book").glob("*.ipynb"))]
    if exercises:
        for student in sorted((env.ROOT / "book" / "exercises").glob("*.ipynb")):
            solution = SOLUTIONS / student.name
            if not solution.exists():
                raise SystemExit(f"no solution notebook {solution}: run `make exercises` first")
            jobs += [(solution, "solution"), (student, "blank")]
    return jobs


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--_one":  # internal: the child process that executes one notebook
        return execute_here(Path(argv[1]), int(argv[2]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercises", action="store_true", help="solutions and blank copies")
    parser.add_argument("--chapters", action="store_true", help="every chapter")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cell-timeout", type=int, default=300, help="seconds per cell")
    args = parser.parse_args(argv)
    if not (args.exercises or args.chapters):
        parser.error("say --exercises, --chapters or both")
    start = time.perf_counter()
    WORK.mkdir(parents=True, exist_ok=True)
    venv = WORK / "venv"
    state = build_venv(venv)
    baseline = state["baseline"]
    restore(venv, baseline)
    environ = kernel_environment(venv, snapshot_repository(WORK / "repo"))
    jobs = plan(args.exercises, args.chapters)
    print(
        f"[colab-sim] Colab's {', '.join(f'{n} {baseline[n]}' for n in STACK[:6])}, ...; "
        f"torch {baseline['torch']} (CPU), Python {PYTHON}, COURSEPKG_OFFLINE=1; "
        f"{len(jobs)} notebooks, {args.jobs} at a time"
    )
    print(
        "[colab-sim] not at Colab's versions: "
        + "; ".join(f"{n} {w}" for n, w in state["differs"].items())
    )

    def one(job):
        path, kind = job
        run = execute(path, f"Copy of {path.name}", kind, environ, args.cell_timeout)
        print(f"  {run['seconds']:5.1f} s  {kind:8}  {run['notebook']}", flush=True)
        return run

    # The first notebook of each kind of install runs alone: its setup cell pays the install.
    firsts = [
        next(j for j in jobs if j[1] == k)
        for k in ("chapter", "solution")
        if any(j[1] == k for j in jobs)
    ]
    runs = [one(job) for job in firsts]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        runs += list(pool.map(one, [j for j in jobs if j not in firsts]))

    failures = 0
    print(f"\n{'seconds':>8}  {'kind':8}  notebook")
    for run in sorted(runs, key=lambda r: -r["seconds"]):
        problems = check(run)
        failures += bool(problems)
        installed = INSTALLED.search(run["cells"][0][1] if run["cells"] else "")
        note = f"  (setup cell: {installed[0]}; goal <= 30 s)" if installed else ""
        print(f"{run['seconds']:8.1f}  {run['kind']:8}  {run['notebook']}{note}")
        for problem in problems:
            print(f"          PROBLEM: {problem}")
    changed = diff(baseline, env.installed(venv))
    if changed:
        failures += 1
        print(f"PROBLEM: the setup cells changed Colab's packages: {changed}")
    verdict = f"{failures} notebooks with problems" if failures else "ok"
    print(f"\n[colab-sim] {verdict}; {len(runs)} notebooks in {time.perf_counter() - start:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

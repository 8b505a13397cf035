"""Cached virtual environments for developer tools that must not share the course's ``.venv``.

A checker such as ``jupyter-repo2docker`` or ``actionlint`` brings dependencies of its own
(docker, ruamel.yaml, a Go binary, ...) that have nothing to do with the course: each gets a
venv under ``_build/<tool>/venv``, built once from pinned requirements and reused while the
requirements, the interpreter and :data:`TOOL_VERSION` stay the same (a stamp file holds
that key). Used by :mod:`tools.binder_check` and :mod:`tools.workflow_check`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tools import colab_env

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
TOOL_VERSION = "1"  # bump to rebuild every venv made here
STAMP = ".tool-venv-key"


class ToolError(RuntimeError):
    """A tool could not be set up or run; the message says what and why. The checks report
    it and exit with status 2 (1 is kept for findings)."""


def run(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    """:func:`tools.colab_env.run`, raising :class:`ToolError` on failure."""
    return colab_env.run(cmd, error=ToolError, **kwargs)


def report(tag: str, problems: list[str], start: float, ok: str = "ok") -> int:
    """Print each problem and the verdict line of check ``tag``; the exit status (0 or 1)."""
    for problem in problems:
        print(f"  FAILED: {problem}")
    took = time.perf_counter() - start
    if problems:
        print(f"[{tag}] FAILED: {len(problems)} problems ({took:.0f} s)")
        return 1
    print(f"[{tag}] {ok} ({took:.0f} s)")
    return 0


def bin_dir(venv: Path) -> Path:
    return venv / ("Scripts" if sys.platform == "win32" else "bin")


def key(requirements: list[str], pip_args: list[str], python: str) -> str:
    return json.dumps(
        {"requirements": requirements, "pip": pip_args, "python": python, "tool": TOOL_VERSION},
        sort_keys=True,
    )


def ensure(
    venv: Path, requirements: list[str], pip_args: list[str] = (), python: str = sys.executable
) -> bool:
    """Make sure ``venv`` holds ``requirements`` (installed with ``pip_args``); return True
    when a cached venv was reused, False when it was (re)built now."""
    pip_args = list(pip_args)
    wanted = key(list(requirements), pip_args, python)
    stamp = venv / STAMP
    if stamp.exists() and stamp.read_text() == wanted and (bin_dir(venv) / "python").exists():
        return True
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    run([python, "-m", "venv", venv])
    pip = [bin_dir(venv) / "python", "-m", "pip", "--disable-pip-version-check"]
    run([*pip, "install", "--quiet", *pip_args, *requirements])
    stamp.write_text(wanted)
    return False

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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
TOOL_VERSION = "1"  # bump to rebuild every venv made here
STAMP = ".tool-venv-key"


class ToolError(RuntimeError):
    """A tool could not be set up or run; the message says what and why. The checks report
    it and exit with status 2 (1 is kept for findings)."""


def run(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    """``subprocess.run`` capturing text output; on failure, raise with the tail of both."""
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    if proc.returncode:
        raise ToolError(
            f"command failed ({proc.returncode}): {' '.join(map(str, cmd))}\n"
            f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return proc


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

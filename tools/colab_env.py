"""Colab's published package set (``tools/colab/``) and the virtual environments built from it.

Shared by :mod:`tools.colab_deps` (the dependency dry run) and :mod:`tools.colab_sim` (the
Colab-like kernel stack).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "tools" / "colab"
FREEZE = SNAPSHOT / "pip-freeze.gpu.txt"
OS_INFO = SNAPSHOT / "os-info-gpu.txt"
SETUP_SPEC = re.compile(r'spec = "(coursepkg(?:\[[\w,-]+\])? @ git\+\S+@\S+)"')


def canonical(name: str) -> str:
    """A distribution name in PEP 503 normal form (``Jinja2`` -> ``jinja2``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def freeze() -> dict[str, str]:
    """Colab's preinstalled packages: canonical name -> version (``name==version`` lines;
    packages installed from a URL, such as ``google-colab`` itself, have no version here)."""
    pinned = {}
    for line in FREEZE.read_text().splitlines():
        name, sep, ver = line.strip().partition("==")
        if sep and not line.startswith("#"):
            pinned[canonical(name)] = ver
    return pinned


def url_installed() -> set[str]:
    """Preinstalled packages that Colab installed from a URL (no version to reproduce)."""
    names = set()
    for line in FREEZE.read_text().splitlines():
        name, sep, _ = line.partition(" @ ")
        if sep and not line.startswith("#"):
            names.add(canonical(name))
    return names


def python_version() -> str:
    """Colab's Python as ``major.minor.micro`` (from ``os-info-gpu.txt``)."""
    return re.search(r"^Python (\d+\.\d+\.\d+)", OS_INFO.read_text(), flags=re.M)[1]


def snapshot_id() -> str:
    """A short hash of the committed snapshot: caches built from another snapshot are rebuilt."""
    data = FREEZE.read_bytes() + OS_INFO.read_bytes()
    return hashlib.sha256(data).hexdigest()[:12]


def find_python(minor: str) -> tuple[str, str]:
    """An interpreter for Python ``minor`` (e.g. "3.13") and a description of it: from PATH or
    pyenv when the machine has that version, else this interpreter (said so)."""
    candidates = [shutil.which(f"python{minor}")]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += sorted(str(p) for p in pyenv.glob(f"{minor}.*/bin/python{minor}"))
    for exe in filter(None, candidates):
        try:
            out = subprocess.run(
                [exe, "-c", "import platform, venv; print(platform.python_version())"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            continue
        return exe, f"Python {out} ({exe})"
    here = ".".join(map(str, sys.version_info[:3]))
    return sys.executable, f"Python {here} ({sys.executable}; no Python {minor} on this machine)"


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def run(cmd: list, *, error: type[BaseException] = SystemExit, **kwargs):
    """``subprocess.run`` capturing text output; on failure, raise ``error`` with the command
    and the tail of its output (SystemExit: the tool stops and says why)."""
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    if proc.returncode:
        raise error(
            f"command failed ({proc.returncode}): {' '.join(map(str, cmd))}\n"
            f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        )
    return proc


def pip(venv: Path, *args, **kwargs) -> subprocess.CompletedProcess:
    return run([venv_python(venv), "-m", "pip", "--disable-pip-version-check", *args], **kwargs)


def cached_venv(venv: Path, python: str, key: str) -> bool:
    """Make sure ``venv`` exists and was built for ``key``; return True when it was reused.

    A venv built for another key (another snapshot, interpreter or tool version) is rebuilt
    from scratch; the caller then installs into it and calls :func:`mark_built`."""
    stamp = venv / ".colab-key"
    if stamp.exists() and stamp.read_text() == key and venv_python(venv).exists():
        return True
    shutil.rmtree(venv, ignore_errors=True)
    run([python, "-m", "venv", venv])
    return False


def mark_built(venv: Path, key: str) -> None:
    (venv / ".colab-key").write_text(key)


def planned(venv: Path, *args) -> list[dict]:
    """The metadata (``name``, ``version``, ``requires_python``, ...) of every distribution
    ``pip install ARGS`` would install into ``venv``: a dry run with pip's JSON report."""
    out = pip(venv, "install", "--dry-run", "--quiet", "--report", "-", *args).stdout
    return [item["metadata"] for item in json.loads(out)["install"]]


def site_packages(venv: Path) -> Path:
    out = run(
        [venv_python(venv), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
    )
    return Path(out.stdout.strip())


def installed(venv: Path) -> dict[str, str]:
    """Canonical name -> version of every distribution in ``venv``."""
    out = pip(venv, "list", "--format", "json").stdout
    return {canonical(d["name"]): d["version"] for d in json.loads(out)}


def notebook_specs() -> dict[str, list[str]]:
    """Each distinct install spec of the setup cells learners run -> the notebooks using it."""
    specs: dict[str, list[str]] = {}
    for path in sorted((ROOT / "book").glob("**/*.ipynb")):
        code = "".join(
            "".join(cell["source"])
            for cell in json.loads(path.read_text())["cells"]
            if cell["cell_type"] == "code"
        )
        for spec in sorted(set(SETUP_SPEC.findall(code))):
            specs.setdefault(spec, []).append(str(path.relative_to(ROOT)))
    return specs


def build_wheel(dest: Path) -> Path:
    """A wheel of this checkout (what pip builds from the git URL of the setup cell)."""
    shutil.rmtree(dest, ignore_errors=True)
    run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
        + ["-w", dest, ROOT]
    )
    (wheel,) = dest.glob("coursepkg-*.whl")
    return wheel


def local_spec(spec: str, wheel: Path) -> str:
    """``coursepkg[x] @ git+URL@REF`` -> the same requirement pointing at a local wheel."""
    name = spec.split(" @ ", 1)[0]
    return f"{name} @ {wheel.resolve().as_uri()}"

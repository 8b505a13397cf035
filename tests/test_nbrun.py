"""tools/nbrun.py: budgets in kernel CPU time, the executed notebooks kept for the book."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tools.nbrun import CEILING_S, budget_of

ROOT = Path(__file__).resolve().parent.parent


def _notebook(path: Path, budget, code: str) -> Path:
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    if budget is not None:
        meta["coursepkg"] = {"cpu_budget_s": budget}
    cell = {
        "cell_type": "code",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
        "id": "c0",
        "source": code,
    }
    path.write_text(
        json.dumps({"cells": [cell], "metadata": meta, "nbformat": 4, "nbformat_minor": 5})
    )
    return path


def test_budget_is_read_from_metadata_and_capped(tmp_path):
    assert budget_of(_notebook(tmp_path / "a.ipynb", 15, "")) == 15
    assert budget_of(_notebook(tmp_path / "b.ipynb", None, "")) == CEILING_S
    assert budget_of(_notebook(tmp_path / "c.ipynb", 500, "")) == CEILING_S


def _nbrun(tmp_path, *paths, options=()):
    return subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "--nbval-lax", "-p", "tools.nbrun", "-q"),
            *("-p", "no:cacheprovider", "--rootdir", str(tmp_path), *options),
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


BURN = "import time\nend = time.process_time() + {s}\nwhile time.process_time() < end:\n    pass"


@pytest.mark.slow
def test_budgets_are_kernel_cpu_time_not_wall_clock(tmp_path):
    """Two seconds of computing break a one-second budget; two seconds of sleeping do not
    (a loaded machine stretches the wall clock the way the sleep does)."""
    burns = _notebook(tmp_path / "burns.ipynb", 1, BURN.format(s=2))
    sleeps = _notebook(tmp_path / "sleeps.ipynb", 1, "import time\ntime.sleep(2)")
    proc = _nbrun(tmp_path, burns, sleeps, options=["--nb-report", str(tmp_path / "r.json")])
    assert proc.returncode == 1, proc.stdout
    over = [line for line in proc.stdout.splitlines() if "OVER BUDGET" in line]
    assert len(over) == 1 and "burns.ipynb" in over[0] and " CPU " in over[0], proc.stdout
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["sleeps.ipynb"]["cpu_s"] < 1 < 2 <= report["sleeps.ipynb"]["wall_s"]
    assert report["burns.ipynb"]["cpu_s"] >= 2
    assert _nbrun(tmp_path, burns, options=["--nb-budgets=report"]).returncode == 0


@pytest.mark.slow
def test_the_executed_notebooks_are_kept_for_the_book(tmp_path):
    nb = _notebook(tmp_path / "shows.ipynb", 10, "print('hello')\n6 * 7")
    proc = _nbrun(tmp_path, nb, options=["--nb-executed", str(tmp_path / "out")])
    assert proc.returncode == 0, proc.stdout
    (cell,) = json.loads((tmp_path / "out" / "shows.ipynb").read_text())["cells"]
    assert cell["execution_count"] == 1
    assert "".join(cell["outputs"][0]["text"]) == "hello\n"
    assert "".join(cell["outputs"][1]["data"]["text/plain"]) == "42"
    assert cell["outputs"][1]["execution_count"] == 1
    assert not list(Path(tempfile.gettempdir()).glob("nbrun-kernel-*"))  # its sockets are gone

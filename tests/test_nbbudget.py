"""The nbval budget plugin fails a run whose notebook exceeds its stated CPU budget."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.nbbudget import CEILING_S, budget_of

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


@pytest.mark.slow
def test_a_notebook_over_budget_fails_the_run(tmp_path):
    nb = _notebook(tmp_path / "slow.ipynb", 1, "import time\ntime.sleep(2)")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "-p",
            "tests.nbbudget",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(nb),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stdout
    assert "OVER BUDGET" in proc.stdout and "1 passed" in proc.stdout

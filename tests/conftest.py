"""Shared fixtures and the ``cuda`` marker: CUDA tests are skipped without a GPU."""

import fcntl
import json

import numpy as np
import pytest
import torch


def pytest_collection_modifyitems(config, items):
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU")
    for item in items:
        if "cuda" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def devices():
    """CPU always; CUDA as a marked parameter (skipped where there is none)."""
    return ["cpu", pytest.param("cuda", marks=pytest.mark.cuda)]


@pytest.fixture(scope="session")
def exercise_build(tmp_path_factory):
    """Every exercise built once per test run, shared by the xdist workers: ``(folder, stale)``,
    the folder holding ``solutions/`` and the autograder zips, and the committed files that
    regeneration would change. Tests must not change it (copy what they edit)."""
    from exercises import build

    shared = tmp_path_factory.getbasetemp().parent  # the same for every xdist worker
    out, done = shared / "exercise-build", shared / "exercise-build.json"
    with open(shared / "exercise-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first worker builds, the others wait
        if not done.exists():
            stale = build.build_all(out, check=True)
            done.write_text(json.dumps(stale))
    return out, json.loads(done.read_text())

"""Shared fixtures and the ``cuda`` marker: CUDA tests are skipped without a GPU."""

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

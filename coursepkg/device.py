"""Which device and which dataset a notebook is using, and seeding.

Every chapter calls :func:`report` near its top so that a reader (and a
reviewer reading CI logs) sees at a glance whether the numbers came from a GPU
or the CPU and from the real dataset or its offline stand-in.
"""

from __future__ import annotations

import os
import random

import numpy as np

__all__ = ["get_device", "report", "seed_everything"]


def get_device(prefer: str | None = None):
    """The torch device to use: ``prefer`` if given, else CUDA when present, else the CPU.

    The environment variable ``COURSEPKG_DEVICE`` (e.g. ``cpu``) overrides the
    automatic choice, which is handy for comparing CPU and GPU timings.
    """
    import torch

    choice = prefer or os.environ.get("COURSEPKG_DEVICE")
    if choice:
        device = torch.device(choice)
        if device.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(f"Invalid device: {choice!r} (torch.cuda.is_available() is False)")
        return device
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def seed_everything(seed: int = 0) -> None:
    """Seed Python's ``random``, NumPy's global generator and torch (CPU and CUDA)."""
    import torch

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"Invalid seed: {seed!r} (expected a non-negative integer)")
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 -- seeds code that still uses the global generator
    torch.manual_seed(seed)  # also seeds every CUDA device


def describe(dataset=None) -> str:
    """One line: device, torch version and (if given) the dataset in use."""
    import torch

    device = get_device()
    if device.type == "cuda":
        where = f"cuda ({torch.cuda.get_device_name(device)})"
    else:
        where = f"{device.type} (no CUDA GPU found)" if device.type == "cpu" else device.type
    parts = [f"device: {where}", f"torch {torch.__version__}"]
    if dataset is not None:
        parts.append(f"dataset: {dataset}")
    return " | ".join(parts)


def report(dataset=None) -> str:
    """Print and return :func:`describe`'s line."""
    line = describe(dataset)
    print(line)
    return line

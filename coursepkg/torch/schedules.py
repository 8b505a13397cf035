"""Learning-rate schedules for torch optimizers: the twin of :mod:`coursepkg.schedules`.

The schedules are plain functions of the epoch and return Python floats, so they are
the same objects as in :mod:`coursepkg.schedules`. :func:`as_scheduler` plugs one into
any ``torch.optim`` optimizer (ours or torch's) as a ``torch.optim.lr_scheduler.LambdaLR``.
"""

from __future__ import annotations

import torch

from .. import schedules as _generic
from ..schedules import (  # noqa: F401 (the same functions, re-exported)
    constant,
    cosine_decay,
    exponential_decay,
    inverse_sqrt_decay,
    inverse_time_decay,
    linear_decay,
    step_decay,
)

__all__ = [*_generic.__all__, "as_scheduler"]


def as_scheduler(optimizer, schedule):
    """A ``LambdaLR`` that sets every group's lr to ``schedule(epoch)``, 0-based.

    Call ``scheduler.step()`` once per epoch, after the epoch's ``optimizer.step()`` calls,
    as with every torch scheduler. ``schedule(0)`` must equal each group's initial lr.
    """
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(
            f"Invalid optimizer: {type(optimizer).__name__} (expected a torch.optim.Optimizer)"
        )
    lr0 = schedule(0)
    for i, group in enumerate(optimizer.param_groups):
        if group["lr"] != lr0:
            raise ValueError(
                f"Invalid schedule: schedule(0) = {lr0} but param group {i} has lr = {group['lr']}"
            )
    if lr0 == 0:
        raise ValueError("Invalid schedule: schedule(0) = 0 (LambdaLR scales the initial lr)")
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda e: schedule(e) / lr0)

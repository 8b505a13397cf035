"""Learning-rate schedules: plain functions of the epoch (or step) counter.

Chapter: *Learning-rate schedules* (``book/schedules.ipynb``).

Each factory returns a function ``schedule(e) -> learning rate`` with ``schedule(0) ==
lr0``: ``e`` counts completed epochs (or steps) from 0, the convention of
``torch.optim.lr_scheduler`` (the learning rate of the first epoch is ``lr0``). Pass a
schedule as the ``lr`` of any optimizer in :mod:`coursepkg.optim` (it is then called
with the step count ``t - 1``), or convert it for a torch optimizer with
:func:`coursepkg.torch.schedules.as_scheduler`.

==========================  ====================================================  =====================================
schedule                    formula                                               torch.optim.lr_scheduler
==========================  ====================================================  =====================================
``inverse_time_decay``      ``lr0 / (1 + decay_rate * e)``                        ``LambdaLR``; Adagrad's ``lr_decay``
``exponential_decay``       ``lr0 * gamma**e``                                    ``ExponentialLR(gamma)``
``inverse_sqrt_decay``      ``lr0 / sqrt(1 + decay_rate * e)``                    ``LambdaLR``
``step_decay``              ``lr0 * gamma**(e // step_size)`` (staircase)         ``StepLR(step_size, gamma)``
``linear_decay``            ``(1 - e/tau) lr0 + (e/tau) lr_tau``, then ``lr_tau``  ``LinearLR(1, lr_tau / lr0, tau)``
``cosine_decay``            ``lr_min + (lr0 - lr_min)(1 + cos(pi e / T)) / 2``     ``CosineAnnealingLR(T, lr_min)``
==========================  ====================================================  =====================================

torch's ``CosineAnnealingLR`` is periodic: after ``T`` it climbs back up to ``lr0``, while
:func:`cosine_decay` stays at ``lr_min`` (they agree for ``e <= T``).

The often-quoted ``k / sqrt(epoch) * lr0`` is infinite at epoch 0 and its ``k`` only
rescales ``lr0``; :func:`inverse_sqrt_decay` is the well-defined version.
"""

from __future__ import annotations

import math
import numbers

from ._validate import check_nonnegative, check_real

__all__ = [
    "constant",
    "cosine_decay",
    "exponential_decay",
    "inverse_sqrt_decay",
    "inverse_time_decay",
    "linear_decay",
    "step_decay",
]


# ---- checks (torch.optim's wording) ---------------------------------------------------
def check_lr(lr) -> float:
    value = check_real(lr, "learning rate")
    if not value >= 0.0:  # also rejects NaN
        raise ValueError(f"Invalid learning rate: {lr}")
    return value


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"Invalid {name} value: {value!r} (expected an integer >= 1)")
    return int(value)


def _epoch(e) -> float:
    v = check_real(e, "epoch")
    if not v >= 0.0:
        raise ValueError(f"Invalid epoch: {e} (epochs are counted from 0)")
    return v


# ---- schedules --------------------------------------------------------------------------
def constant(lr0):
    """``lr0`` at every epoch."""
    lr0 = check_lr(lr0)

    def schedule(e):
        _epoch(e)
        return lr0

    return schedule


def inverse_time_decay(lr0, decay_rate):
    """``lr0 / (1 + decay_rate * e)``: the rate halves at ``e = 1 / decay_rate``.

    ``torch.optim.Adagrad(lr_decay=...)`` applies this one per step (``e = t - 1``).
    """
    lr0, decay_rate = check_lr(lr0), check_nonnegative(decay_rate, "decay_rate")

    def schedule(e):
        return lr0 / (1.0 + decay_rate * _epoch(e))

    return schedule


def exponential_decay(lr0, gamma):
    """``lr0 * gamma**e`` with ``0 < gamma <= 1`` (``gamma = exp(-k)`` for ``lr0 * exp(-k e)``)."""
    lr0, gamma_ = check_lr(lr0), check_real(gamma, "gamma value")
    if not 0.0 < gamma_ <= 1.0:
        raise ValueError(f"Invalid gamma value: {gamma} (expected 0 < gamma <= 1)")

    def schedule(e):
        return lr0 * gamma_ ** _epoch(e)

    return schedule


def inverse_sqrt_decay(lr0, decay_rate=1.0):
    """``lr0 / sqrt(1 + decay_rate * e)``: finite at ``e = 0``, unlike ``k / sqrt(e)``."""
    lr0, decay_rate = check_lr(lr0), check_nonnegative(decay_rate, "decay_rate")

    def schedule(e):
        return lr0 / math.sqrt(1.0 + decay_rate * _epoch(e))

    return schedule


def step_decay(lr0, step_size, gamma=0.5):
    """Staircase: multiply by ``gamma`` every ``step_size`` epochs (``lr0 * gamma**(e // step_size)``)."""
    lr0, step_size = check_lr(lr0), _positive_int(step_size, "step_size")
    gamma_ = check_real(gamma, "gamma value")
    if not 0.0 < gamma_ <= 1.0:
        raise ValueError(f"Invalid gamma value: {gamma} (expected 0 < gamma <= 1)")

    def schedule(e):
        return lr0 * gamma_ ** (int(_epoch(e)) // step_size)

    return schedule


def linear_decay(lr0, lr_tau, tau):
    """Linear from ``lr0`` at ``e = 0`` to ``lr_tau`` at ``e = tau``, then constant.

    With ``a = e / tau``: ``(1 - a) * lr0 + a * lr_tau`` (Goodfellow et al., §8.3.1, who
    suggest ``lr_tau`` about 1 % of ``lr0`` and ``tau`` a few hundred passes).
    """
    lr0, lr_tau, tau = check_lr(lr0), check_lr(lr_tau), _positive_int(tau, "tau")

    def schedule(e):
        a = min(_epoch(e) / tau, 1.0)
        return (1.0 - a) * lr0 + a * lr_tau

    return schedule


def cosine_decay(lr0, T, lr_min=0.0):
    """Half a cosine from ``lr0`` at ``e = 0`` to ``lr_min`` at ``e = T``, then ``lr_min``."""
    lr0, lr_min, T = check_lr(lr0), check_lr(lr_min), _positive_int(T, "T")

    def schedule(e):
        a = min(_epoch(e) / T, 1.0)
        return lr_min + (lr0 - lr_min) * (1.0 + math.cos(math.pi * a)) / 2.0

    return schedule

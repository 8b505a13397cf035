"""coursepkg.schedules against torch.optim.lr_scheduler, epoch by epoch."""

import math

import numpy as np
import pytest
import torch

from coursepkg import optim, schedules
from coursepkg.torch import optim as topt
from coursepkg.torch import schedules as tsched

EPOCHS = 40
LR0 = 0.3


def _torch_lrs(make_scheduler, epochs=EPOCHS, optimizer_cls=torch.optim.SGD):
    """The lr of each epoch 0..epochs-1 under a torch scheduler stepped once per epoch."""
    opt = optimizer_cls([torch.zeros(1, requires_grad=True)], lr=LR0)
    sched = make_scheduler(opt)
    lrs = []
    for _ in range(epochs):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return np.array(lrs)


def _ours(schedule, epochs=EPOCHS):
    return np.array([schedule(e) for e in range(epochs)])


CASES = {
    "exponential": (
        schedules.exponential_decay(LR0, 0.9),
        lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
    ),
    "step": (
        schedules.step_decay(LR0, step_size=7, gamma=0.5),
        lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.5),
    ),
    "linear": (
        schedules.linear_decay(LR0, lr_tau=0.003, tau=25),
        lambda o: torch.optim.lr_scheduler.LinearLR(
            o, start_factor=1.0, end_factor=0.003 / LR0, total_iters=25
        ),
    ),
    "inverse_time": (
        schedules.inverse_time_decay(LR0, 0.5),
        lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda e: 1 / (1 + 0.5 * e)),
    ),
    "inverse_sqrt": (
        schedules.inverse_sqrt_decay(LR0, 2.0),
        lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda e: 1 / math.sqrt(1 + 2.0 * e)),
    ),
    "constant": (
        schedules.constant(LR0),
        lambda o: torch.optim.lr_scheduler.ConstantLR(o, factor=1.0, total_iters=0),
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_schedule_matches_torch_lr_scheduler(name):
    ours, make = CASES[name]
    np.testing.assert_allclose(_ours(ours), _torch_lrs(make), rtol=1e-12, atol=1e-15)


def test_cosine_matches_torch_up_to_T_then_stays_at_lr_min():
    """torch's CosineAnnealingLR is periodic: after T_max it climbs back up. Ours stays."""
    T, lr_min = 20, 0.01
    ours = _ours(schedules.cosine_decay(LR0, T, lr_min))
    theirs = _torch_lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T, lr_min))
    np.testing.assert_allclose(ours[: T + 1], theirs[: T + 1], rtol=1e-12)
    assert np.all(ours[T:] == pytest.approx(lr_min))
    assert theirs[-1] > 10 * lr_min  # torch: on its way back up to lr0


def test_adagrad_lr_decay_is_the_per_step_inverse_time_schedule():
    decay = schedules.inverse_time_decay(1.0, 0.1)
    opt = optim.adagrad(lr=2.0, lr_decay=0.1)
    state = opt.init(np.zeros(1))
    for t in range(1, 6):
        g = np.array([3.0])
        updates, state = opt.update(g, state, np.zeros(1))
        # |update| = lr_t * g / sqrt(r_t), r_t = 9 t
        assert -updates[0] == pytest.approx(2.0 * decay(t - 1) * 3.0 / math.sqrt(9 * t))


@pytest.mark.parametrize("name", ["exponential", "step", "inverse_time"])
def test_as_scheduler_gives_torchs_lrs_with_our_optimizers(name):
    ours, make = CASES[name]
    got = _torch_lrs(lambda o: tsched.as_scheduler(o, ours), optimizer_cls=topt.SGD)
    np.testing.assert_allclose(got, _torch_lrs(make), rtol=1e-12)


def test_as_scheduler_checks_its_inputs():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match=r"schedule\(0\) = 0.3 but param group 0 has lr = 0.1"):
        tsched.as_scheduler(opt, schedules.constant(0.3))
    with pytest.raises(TypeError, match="Invalid optimizer: dict"):
        tsched.as_scheduler({}, schedules.constant(0.3))


def test_the_torch_module_reexports_the_same_functions():
    for name in schedules.__all__:
        assert getattr(tsched, name) is getattr(schedules, name)


@pytest.mark.parametrize(
    "call,error,message",
    [
        (lambda: schedules.exponential_decay(-1, 0.9), ValueError, "Invalid learning rate: -1"),
        (lambda: schedules.exponential_decay(0.1, 1.5), ValueError, "Invalid gamma value: 1.5"),
        (lambda: schedules.exponential_decay(0.1, 0), ValueError, "Invalid gamma value: 0"),
        (lambda: schedules.inverse_time_decay(0.1, -2), ValueError, "Invalid decay_rate value: -2"),
        (lambda: schedules.step_decay(0.1, 0), ValueError, "Invalid step_size value: 0"),
        (lambda: schedules.step_decay(0.1, 2.5), ValueError, "Invalid step_size value: 2.5"),
        (lambda: schedules.linear_decay(0.1, 0.01, 0), ValueError, "Invalid tau value: 0"),
        (lambda: schedules.cosine_decay(0.1, 10, -1), ValueError, "Invalid learning rate: -1"),
        (lambda: schedules.constant(0.1)(-1), ValueError, "Invalid epoch: -1"),
        (lambda: schedules.constant("0.1"), TypeError, "Invalid learning rate: '0.1'"),
        (
            lambda: optim.sgd(lr=lambda e: -1.0).update(np.ones(1), optim.sgd().init(np.ones(1))),
            ValueError,
            "Invalid learning rate: -1.0",
        ),
    ],
)
def test_invalid_schedules_raise_errors_that_name_the_value(call, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()

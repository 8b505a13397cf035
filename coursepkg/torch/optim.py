"""Optimizers in PyTorch: the twin of :mod:`coursepkg.optim`, and ``torch.optim.Optimizer``
subclasses built on it.

Chapter: *Inside a framework's optimizer* (``book/optimizer-internals.ipynb``).

Two layers, as in ``torch.optim`` itself:

1. **Functional**: ``sgd``, ``momentum``, ``adagrad``, ``rmsprop``, ``adam``, ``adamw``
   and ``apply_updates`` have the names and signatures of their NumPy twins and run the
   *same* formulas (those of :mod:`coursepkg.optim`, written once for arrays and
   tensors) on tensors, on any device.
2. **Stateful**: :class:`SGD`, :class:`Momentum`, :class:`Adagrad`, :class:`RMSprop`,
   :class:`Adam` and :class:`AdamW` are thin ``torch.optim.Optimizer`` subclasses. The
   constructor validates the hyperparameters (torch's error messages) and hands them to
   ``Optimizer``, which keeps ``param_groups`` and the per-parameter ``state``; ``step``
   calls the functional ``update`` on each parameter (the *single-tensor* path). They are
   drop-in replacements for the ``torch.optim`` classes of the same name: ``zero_grad``,
   ``state_dict``, ``add_param_group`` and ``torch.optim.lr_scheduler`` all work.

``SGD``, ``Adam`` and ``AdamW`` also have a **foreach** (multi-tensor) path: one call of
a ``torch._foreach_*`` kernel updates every parameter of a group at once, in place, as
``torch.optim`` does with ``foreach=True``. It is written separately (in-place kernels
cannot share the out-of-place formulas), so a test pins it to the single-tensor path.
``foreach=None`` picks it when every parameter is on a CUDA device, torch's default.

The per-parameter state uses the chapter's symbols: ``t``, ``m``, ``v``, ``b``, ``r``
(torch calls them ``step``, ``exp_avg``, ``exp_avg_sq``, ``momentum_buffer``, ``sum``).
"""

from __future__ import annotations

import functools
import math

import numpy as np
import torch

from .. import optim as _np
from .._tree import leaves
from ..optim import (
    AdaGradState,
    AdamState,
    GradientTransformation,
    MomentumState,
    RMSPropState,
    SGDState,
)
from ..schedules import check_lr

__all__ = [
    "SGD",
    "AdaGradState",
    "Adagrad",
    "Adam",
    "AdamState",
    "AdamW",
    "GradientTransformation",
    "Momentum",
    "MomentumState",
    "RMSPropState",
    "RMSprop",
    "SGDState",
    "adagrad",
    "adam",
    "adamw",
    "apply_updates",
    "momentum",
    "rmsprop",
    "sgd",
]


# ---- 1. functional twins ------------------------------------------------------------------
def _tensor_leaves(tree, name):
    for path, leaf in leaves(tree):
        if isinstance(leaf, np.ndarray) or not isinstance(leaf, torch.Tensor):
            raise TypeError(
                f"Invalid {name}{path}: {type(leaf).__name__} (expected a torch.Tensor; "
                "use coursepkg.optim for NumPy arrays)"
            )


def _twin(factory):
    """The NumPy module's optimizer factory, with init/update that insist on tensors."""

    @functools.wraps(factory)
    def make(*args, **kwargs):
        inner = factory(*args, **kwargs)

        def init(params):
            _tensor_leaves(params, "params")
            return inner.init(params)

        def update(grads, state, params=None):
            _tensor_leaves(grads, "grads")
            if params is not None:
                _tensor_leaves(params, "params")
            return inner.update(grads, state, params)

        return GradientTransformation(init, update)

    make.__module__ = __name__
    return make


sgd = _twin(_np.sgd)
momentum = _twin(_np.momentum)
adagrad = _twin(_np.adagrad)
rmsprop = _twin(_np.rmsprop)
adam = _twin(_np.adam)
adamw = _twin(_np.adamw)


def apply_updates(params, updates):
    """``params + updates`` leaf by leaf; see :func:`coursepkg.optim.apply_updates`."""
    _tensor_leaves(params, "params")
    _tensor_leaves(updates, "updates")
    return _np.apply_updates(params, updates)


# ---- 2. torch.optim.Optimizer subclasses --------------------------------------------------
class _Optimizer(torch.optim.Optimizer):
    """Keeps ``param_groups`` and ``state``; the math is the functional ``update``.

    Subclasses name the functional factory (``_factory``), its state type and
    hyperparameters, and optionally a foreach kernel.
    """

    _factory = None  # e.g. coursepkg.optim.adam
    _state_type = None  # e.g. AdamState
    _hyper: tuple[str, ...] = ()
    _foreach_kernel = None

    def __init__(self, params, defaults: dict, foreach: bool | None = None):
        check_lr(defaults["lr"])  # a float: torch's schedulers rescale group["lr"]
        self._transform(defaults)  # validates every hyperparameter, in torch's words
        if foreach and self._foreach_kernel is None:
            raise ValueError(
                f"Invalid foreach: {foreach} ({type(self).__name__} has no foreach path)"
            )
        super().__init__(params, {**defaults, "foreach": foreach})

    def _transform(self, group) -> GradientTransformation:
        return type(self)._factory(**{k: group[k] for k in self._hyper})

    def _use_foreach(self, group, params) -> bool:
        if self._foreach_kernel is None or group["foreach"] is False:
            return False
        if group["foreach"]:
            return True
        return all(p.is_cuda for p in params)  # torch's default: foreach on CUDA

    @torch.no_grad()
    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns ``closure()``'s loss."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if not params:
                continue
            for p in params:
                if p.grad.is_sparse:
                    raise RuntimeError(f"{type(self).__name__} does not support sparse gradients")
            transform = self._transform(group)
            for p in params:
                if not self.state[p]:
                    self.state[p] = transform.init(p)._asdict()
            if self._use_foreach(group, params):
                kernel = type(self)._foreach_kernel
                hyper = {k: group[k] for k in self._hyper}
                kernel(params, [p.grad for p in params], [self.state[p] for p in params], **hyper)
            else:
                for p in params:  # the single-tensor path: the shared formulas
                    update, new = transform.update(p.grad, self._state_type(**self.state[p]), p)
                    p.add_(update)
                    self.state[p] = new._asdict()
        return loss


# ---- foreach kernels (pinned to the single-tensor path by tests/test_optim.py) -------------
def _sgd_foreach(params, grads, states, *, lr, momentum, dampening, weight_decay, nesterov):
    if weight_decay:
        grads = torch._foreach_add(grads, params, alpha=weight_decay)
    if momentum:
        old = [i for i, s in enumerate(states) if s["t"] > 0]
        for i, s in enumerate(states):
            if s["t"] == 0:  # b_1 = g_1 (a copy)
                s["b"] = torch.clone(grads[i]).detach()
        if old:
            bufs = [states[i]["b"] for i in old]
            torch._foreach_mul_(bufs, momentum)  # b = mu b + (1 - d) g
            torch._foreach_add_(bufs, [grads[i] for i in old], alpha=1.0 - dampening)
        bufs = [s["b"] for s in states]
        grads = torch._foreach_add(grads, bufs, alpha=momentum) if nesterov else bufs
    torch._foreach_add_(params, grads, alpha=-lr)
    for s in states:
        s["t"] += 1


def _adam_foreach(params, grads, states, *, lr, betas, eps, weight_decay, amsgrad, decoupled):
    beta1, beta2 = betas
    for s in states:
        s["t"] += 1
    m, v = [s["m"] for s in states], [s["v"] for s in states]
    if weight_decay:
        if decoupled:
            torch._foreach_mul_(params, 1.0 - lr * weight_decay)
        else:
            grads = torch._foreach_add(grads, params, alpha=weight_decay)
    torch._foreach_lerp_(m, grads, 1.0 - beta1)  # m = beta1 m + (1 - beta1) g
    torch._foreach_mul_(v, beta2)  # v = beta2 v + (1 - beta2) g^2
    torch._foreach_addcmul_(v, grads, grads, 1.0 - beta2)
    if amsgrad:
        v_max = [s["v_max"] for s in states]
        torch._foreach_maximum_(v_max, v)
        v = v_max
    denom = torch._foreach_sqrt(v)  # sqrt(v_hat) + eps = sqrt(v) / sqrt(1 - beta2^t) + eps
    torch._foreach_div_(denom, [math.sqrt(1.0 - beta2 ** s["t"]) for s in states])
    torch._foreach_add_(denom, eps)
    step_sizes = [-lr / (1.0 - beta1 ** s["t"]) for s in states]  # -lr / (1 - beta1^t)
    torch._foreach_addcdiv_(params, m, denom, step_sizes)


class SGD(_Optimizer):
    """``torch.optim.SGD`` rebuilt on :func:`coursepkg.optim.sgd` (same arguments and iterates)."""

    _factory = staticmethod(_np.sgd)
    _state_type = SGDState
    _hyper = ("lr", "momentum", "dampening", "weight_decay", "nesterov")
    _foreach_kernel = staticmethod(_sgd_foreach)

    def __init__(
        self,
        params,
        lr=1e-3,
        momentum=0.0,
        dampening=0.0,
        weight_decay=0.0,
        nesterov=False,
        *,
        foreach=None,
    ):
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
        )
        super().__init__(params, defaults, foreach)


class Momentum(_Optimizer):
    """Momentum in the EMA form (:func:`coursepkg.optim.momentum`); no torch.optim equivalent.

    Equals ``torch.optim.SGD(lr=lr * (1 - beta), momentum=beta, nesterov=nesterov)``.
    """

    _factory = staticmethod(_np.momentum)
    _state_type = MomentumState
    _hyper = ("lr", "beta", "nesterov", "bias_correction")

    def __init__(self, params, lr=1e-2, beta=0.9, nesterov=False, bias_correction=False):
        defaults = dict(lr=lr, beta=beta, nesterov=nesterov, bias_correction=bias_correction)
        super().__init__(params, defaults)


class Adagrad(_Optimizer):
    """``torch.optim.Adagrad`` rebuilt on :func:`coursepkg.optim.adagrad`."""

    _factory = staticmethod(_np.adagrad)
    _state_type = AdaGradState
    _hyper = ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def __init__(
        self,
        params,
        lr=1e-2,
        lr_decay=0.0,
        weight_decay=0.0,
        initial_accumulator_value=0.0,
        eps=1e-10,
    ):
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
        )
        super().__init__(params, defaults)


class RMSprop(_Optimizer):
    """``torch.optim.RMSprop`` rebuilt on :func:`coursepkg.optim.rmsprop`."""

    _factory = staticmethod(_np.rmsprop)
    _state_type = RMSPropState
    _hyper = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered")

    def __init__(
        self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False
    ):
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
        )
        super().__init__(params, defaults)


class Adam(_Optimizer):
    """``torch.optim.Adam`` rebuilt on :func:`coursepkg.optim.adam` (coupled L2 weight decay)."""

    _factory = staticmethod(_np.adam)
    _state_type = AdamState
    _hyper = ("lr", "betas", "eps", "weight_decay", "amsgrad")
    _foreach_kernel = staticmethod(functools.partial(_adam_foreach, decoupled=False))

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        amsgrad=False,
        *,
        foreach=None,
    ):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
        super().__init__(params, defaults, foreach)


class AdamW(Adam):
    """``torch.optim.AdamW`` rebuilt on :func:`coursepkg.optim.adamw` (decoupled weight decay)."""

    _factory = staticmethod(_np.adamw)
    _foreach_kernel = staticmethod(functools.partial(_adam_foreach, decoupled=True))

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=1e-2,
        amsgrad=False,
        *,
        foreach=None,
    ):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach)

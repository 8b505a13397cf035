"""The gradient-descent family in NumPy: SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW.

Chapters: *Batch, stochastic and mini-batch gradient descent*, *Momentum and Nesterov*,
*Adaptive learning rates* and *Inside a framework's optimizer* (``book/gradient-descent``,
``book/momentum``, ``book/adaptive``, ``book/optimizer-internals``).

An optimizer is a pair of pure functions, as in optax::

    opt = adam(lr=1e-3)
    state = opt.init(params)                        # AdamState(t=0, m=0, v=0, ...)
    updates, state = opt.update(grads, state, params)
    params = apply_updates(params, updates)         # params + updates

``params`` and ``grads`` are one array or a dict/list of arrays (``MLP.params``); the
state is a ``NamedTuple`` whose fields carry the chapter's symbols (``t``, ``m``, ``v``,
...). Hyperparameters live in the closure, never in the state.

Each formula is written once, below, and every optimizer is composed from them:

* :func:`ema_step` and :func:`bias_correction` of :mod:`coursepkg.ema` (momentum's
  EMA form, RMSProp, Adam);
* ``_trace``: the heavy-ball sum ``mu * b + (1 - dampening) * g`` (torch's momentum
  buffer, RMSProp's momentum);
* ``_l2``: the gradient of the L2 penalty, ``g + weight_decay * p``;
* ``_descend``: the sign and the learning rate, ``-lr * direction``, the only place
  where a minus sign appears.

Hyperparameter names are ``torch.optim``'s (``lr``, ``betas``, ``alpha``, ``eps``,
``weight_decay``, ``momentum``, ``dampening``, ``nesterov``, ``centered``, ``amsgrad``),
and for the same hyperparameters the iterates equal ``torch.optim``'s (the tests check
100 steps in float64). ``lr`` may also be a schedule from :mod:`coursepkg.schedules`,
called with ``t - 1``. The torch twins, including ``torch.optim.Optimizer`` subclasses,
are in :mod:`coursepkg.torch.optim`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from . import ema as _ema
from ._backend import copy, namespace
from ._tree import check_float_tree, check_same_structure, tree_map
from ._validate import check_beta, check_nonnegative, check_real
from .schedules import check_lr, inverse_time_decay

__all__ = [
    "AdaGradState",
    "AdamState",
    "GradientTransformation",
    "MomentumState",
    "RMSPropState",
    "SGDState",
    "adagrad",
    "adam",
    "adamw",
    "apply_updates",
    "momentum",
    "rmsprop",
    "sgd",
]


class GradientTransformation(NamedTuple):
    """``init(params) -> state`` and ``update(grads, state, params) -> (updates, state)``."""

    init: Any
    update: Any


def apply_updates(params, updates):
    """``params + updates``, leaf by leaf (new arrays; nothing is modified in place)."""
    check_same_structure(params, updates, ("params", "updates"))
    return tree_map(lambda p, u: p + u, params, updates)


# ---- the formulas, each written once (NumPy arrays or torch tensors) ---------------------
def _zeros(tree):
    return tree_map(lambda p: namespace(p).zeros_like(p), tree)


def _l2(grads, params, weight_decay):
    """Gradient of ``J + weight_decay/2 * ||p||^2``: ``g + weight_decay * p`` (coupled L2)."""
    if not weight_decay:
        return grads
    return tree_map(lambda g, p: g + weight_decay * p, grads, _required(params))


def _required(params):
    if params is None:
        raise ValueError("Invalid params: None (weight_decay needs the parameters)")
    return params


def _trace(b, g, mu, dampening=0.0):
    """Heavy-ball sum ``mu * b + (1 - dampening) * g`` (not an average unless dampening = mu)."""
    return mu * b + (1.0 - dampening) * g


def _rms(v, eps, m=None):
    """``sqrt(v) + eps``, or ``sqrt(v - m**2) + eps`` when centered on the mean ``m``."""
    xp = namespace(v)
    return xp.sqrt(v if m is None else v - m * m) + eps


def _descend(direction, lr):
    """The update ``-lr * direction``: the only minus sign of the module."""
    return -lr * direction


def _learning_rate(lr, t):
    """``lr`` at step ``t`` (a schedule is called with the number of completed steps)."""
    return check_lr(lr(t - 1)) if callable(lr) else lr


# ---- checks (torch.optim's wording) -------------------------------------------------------
def _lr(lr):
    return lr if callable(lr) else check_lr(lr)


def _betas(betas):
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"Invalid betas: {betas!r} (expected a pair (beta1, beta2))")
    out = []
    for i, b in enumerate(betas):
        value = check_real(b, f"beta parameter at index {i}")
        if not 0.0 <= value < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {b}")
        out.append(value)
    return tuple(out)


def _check_step_inputs(grads, state_tree, params):
    check_float_tree(grads, "grads")
    check_same_structure(state_tree, grads, ("params", "grads"))
    if params is not None:
        check_same_structure(state_tree, params, ("the state", "params"))


def _init(params):
    check_float_tree(params, "params")
    return _zeros(params)


# ---- SGD with torch's momentum buffer -----------------------------------------------------
class SGDState(NamedTuple):
    t: int  # steps taken
    b: Any  # momentum buffer (None without momentum): b_1 = g_1, b_t = mu b_{t-1} + (1-d) g_t


def sgd(lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    """SGD, optionally with momentum, exactly as ``torch.optim.SGD``.

    .. math::
        g \\leftarrow g + \\lambda\\theta, \\quad
        b_t = \\mu b_{t-1} + (1 - d) g_t \\ (b_1 = g_1), \\quad
        \\theta \\leftarrow \\theta - \\alpha\\,(g_t + \\mu b_t \\text{ if nesterov else } b_t)

    torch's buffer is a *sum*, not an average: with ``dampening=0`` it equals the
    velocity form ``v = -lr * b`` (``v <- mu v - lr g``) and ``1 / (1 - mu)`` times the
    EMA of :func:`momentum`, so ``sgd(lr * (1 - beta), momentum=beta)`` takes the same
    steps as ``momentum(lr, beta)``. The first step copies ``g`` into the buffer even when
    ``dampening > 0`` (torch's convention; an EMA started at 0 would give ``(1 - d) g``).
    """
    lr = _lr(lr)
    mu = check_nonnegative(momentum, "momentum")
    d = check_nonnegative(dampening, "dampening")
    wd = check_nonnegative(weight_decay, "weight_decay")
    if nesterov and (mu <= 0.0 or d != 0.0):
        raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def init(params):
        return SGDState(t=0, b=_zeros(params) if mu else None)

    def update(grads, state, params=None):
        _check_step_inputs(grads, state.b if mu else grads, params)
        t = state.t + 1
        lr_t = _learning_rate(lr, t)
        g = _l2(grads, params, wd)
        if not mu:
            return tree_map(lambda g: _descend(g, lr_t), g), SGDState(t, None)
        if t == 1:  # torch's convention: the buffer starts as a copy of the first gradient
            b = tree_map(copy, g)
        else:
            b = tree_map(lambda b, g: _trace(b, g, mu, d), state.b, g)
        # Nesterov's look-ahead, in torch's form: g + mu * b is _trace(b, g, mu).
        direction = tree_map(lambda b, g: _trace(b, g, mu), b, g) if nesterov else b
        return tree_map(lambda x: _descend(x, lr_t), direction), SGDState(t, b)

    return GradientTransformation(init, update)


# ---- momentum in the EMA form -------------------------------------------------------------
class MomentumState(NamedTuple):
    t: int  # steps taken
    m: Any  # EMA of the gradients, m_t = beta m_{t-1} + (1 - beta) g_t, m_0 = 0


def momentum(lr=1e-2, beta=0.9, nesterov=False, bias_correction=False):
    """Gradient descent with momentum in the EMA form of the course (and of Ng's lectures).

    .. math::
        m_t = \\beta m_{t-1} + (1-\\beta) g_t, \\qquad
        \\theta \\leftarrow \\theta - \\alpha\\, m_t
        \\quad(\\text{Nesterov: } \\theta \\leftarrow \\theta - \\alpha\\,[\\beta m_t + (1-\\beta) g_t])

    Same iterates as ``torch.optim.SGD(lr=lr * (1 - beta), momentum=beta,
    nesterov=nesterov)``: the EMA is ``(1 - beta)`` times torch's buffer. With
    ``bias_correction`` the step uses ``m_t / (1 - beta**t)`` (rarely done for momentum).
    """
    lr, b = _lr(lr), check_beta(beta)

    def init(params):
        return MomentumState(t=0, m=_init(params))

    def update(grads, state, params=None):
        _check_step_inputs(grads, state.m, params)
        t = state.t + 1
        lr_t = _learning_rate(lr, t)
        m = tree_map(lambda m, g: _ema._step(m, g, b), state.m, grads)
        # Nesterov's look-ahead in the EMA form: one more EMA step with the same gradient.
        direction = tree_map(lambda m, g: _ema._step(m, g, b), m, grads) if nesterov else m
        if bias_correction:
            direction = tree_map(lambda x: _ema._correct(x, b, t), direction)
        return tree_map(lambda x: _descend(x, lr_t), direction), MomentumState(t, m)

    return GradientTransformation(init, update)


# ---- AdaGrad ------------------------------------------------------------------------------
class AdaGradState(NamedTuple):
    t: int  # steps taken
    r: Any  # sum of squared gradients, r_t = r_{t-1} + g_t**2


def adagrad(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10):
    """AdaGrad, exactly as ``torch.optim.Adagrad``.

    .. math::
        r_t = r_{t-1} + g_t \\odot g_t, \\qquad
        \\theta \\leftarrow \\theta - \\frac{\\alpha_t}{\\sqrt{r_t} + \\epsilon} \\odot g_t,
        \\qquad \\alpha_t = \\frac{\\alpha}{1 + (t-1)\\,\\text{lr\\_decay}}

    ``eps`` is added *outside* the square root (Goodfellow et al.'s δ); ``alpha_t`` is
    :func:`coursepkg.schedules.inverse_time_decay` per step.
    """
    lr = _lr(lr)
    decay = check_nonnegative(lr_decay, "lr_decay")
    wd = check_nonnegative(weight_decay, "weight_decay")
    r0 = check_nonnegative(initial_accumulator_value, "initial_accumulator_value")
    eps = check_nonnegative(eps, "epsilon")
    decay_factor = inverse_time_decay(1.0, decay)  # 1 / (1 + lr_decay * (t - 1))

    def init(params):
        return AdaGradState(t=0, r=tree_map(lambda z: z + r0, _init(params)))

    def update(grads, state, params=None):
        _check_step_inputs(grads, state.r, params)
        t = state.t + 1
        lr_t = _learning_rate(lr, t) * decay_factor(t - 1)
        g = _l2(grads, params, wd)
        r = tree_map(lambda r, g: r + g * g, state.r, g)
        updates = tree_map(lambda g, r: _descend(g / _rms(r, eps), lr_t), g, r)
        return updates, AdaGradState(t, r)

    return GradientTransformation(init, update)


# ---- RMSProp ------------------------------------------------------------------------------
class RMSPropState(NamedTuple):
    t: int  # steps taken
    v: Any  # EMA of squared gradients, v_t = alpha v_{t-1} + (1 - alpha) g_t**2
    m: Any  # EMA of the gradients (centered only), else None
    b: Any  # momentum buffer on the scaled gradient (momentum > 0 only), else None


def rmsprop(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False):
    """RMSProp, exactly as ``torch.optim.RMSprop``.

    .. math::
        v_t = \\alpha v_{t-1} + (1-\\alpha)\\, g_t \\odot g_t, \\qquad
        \\theta \\leftarrow \\theta - \\text{lr}\\, \\frac{g_t}{\\sqrt{v_t} + \\epsilon}

    ``alpha`` is the decay rate (β₂ in Ng's lectures, ρ in Goodfellow et al.); torch's
    default 0.99 differs from the 0.9 Hinton suggested. ``eps`` is outside the square
    root (Goodfellow et al. put δ inside: the two differ only for tiny ``v``). No bias
    correction: the first steps are ``1 / sqrt(1 - alpha)`` = 10 times larger than the
    gradient's sign. ``centered`` divides by the estimated standard deviation
    ``sqrt(v - m**2)`` instead; ``momentum`` keeps a heavy-ball buffer of the scaled step.
    """
    lr = _lr(lr)
    a = check_beta(alpha, "alpha")
    eps = check_nonnegative(eps, "epsilon")
    wd = check_nonnegative(weight_decay, "weight_decay")
    mu = check_nonnegative(momentum, "momentum")

    def init(params):
        z = _init(params)
        return RMSPropState(
            t=0, v=z, m=_zeros(params) if centered else None, b=_zeros(params) if mu else None
        )

    def update(grads, state, params=None):
        _check_step_inputs(grads, state.v, params)
        t = state.t + 1
        lr_t = _learning_rate(lr, t)
        g = _l2(grads, params, wd)
        v = tree_map(lambda v, g: _ema._step(v, g * g, a), state.v, g)
        m = tree_map(lambda m, g: _ema._step(m, g, a), state.m, g) if centered else None
        if centered:
            denom = tree_map(lambda v, m: _rms(v, eps, m), v, m)
        else:
            denom = tree_map(lambda v: _rms(v, eps), v)
        direction = tree_map(lambda g, d: g / d, g, denom)
        b = tree_map(lambda b, x: _trace(b, x, mu), state.b, direction) if mu else None
        updates = tree_map(lambda x: _descend(x, lr_t), b if mu else direction)
        return updates, RMSPropState(t, v, m, b)

    return GradientTransformation(init, update)


# ---- Adam and AdamW -----------------------------------------------------------------------
class AdamState(NamedTuple):
    t: int  # steps taken
    m: Any  # first moment, m_t = beta1 m_{t-1} + (1 - beta1) g_t
    v: Any  # second moment, v_t = beta2 v_{t-1} + (1 - beta2) g_t**2
    v_max: Any  # running maximum of v_t (amsgrad only), else None


def _adam(lr, betas, eps, weight_decay, amsgrad, decoupled):
    lr = _lr(lr)
    eps = check_nonnegative(eps, "epsilon")
    b1, b2 = _betas(betas)
    wd = check_nonnegative(weight_decay, "weight_decay")

    def init(params):
        z = _init(params)
        return AdamState(t=0, m=z, v=_zeros(params), v_max=_zeros(params) if amsgrad else None)

    def update(grads, state, params=None):
        _check_step_inputs(grads, state.m, params)
        t = state.t + 1
        lr_t = _learning_rate(lr, t)
        g = grads if decoupled else _l2(grads, params, wd)
        if decoupled and wd:
            _required(params)
        m = tree_map(lambda m, g: _ema._step(m, g, b1), state.m, g)
        v = tree_map(lambda v, g: _ema._step(v, g * g, b2), state.v, g)
        v_max = (
            tree_map(lambda a, b: namespace(a).maximum(a, b), state.v_max, v) if amsgrad else None
        )
        v_used = v_max if amsgrad else v

        def direction(m, v, p):
            d = _ema._correct(m, b1, t) / _rms(_ema._correct(v, b2, t), eps)
            return d + wd * p if wd and decoupled else d  # AdamW: decay outside the scaling

        updates = tree_map(
            lambda m, v, p: _descend(direction(m, v, p), lr_t),
            m,
            v_used,
            params if params is not None else m,
        )
        return updates, AdamState(t, m, v, v_max)

    return GradientTransformation(init, update)


def adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False):
    """Adam (Kingma & Ba), exactly as ``torch.optim.Adam``.

    .. math::
        m_t = \\beta_1 m_{t-1} + (1-\\beta_1) g_t,\\quad
        v_t = \\beta_2 v_{t-1} + (1-\\beta_2) g_t^2,\\quad
        \\theta \\leftarrow \\theta - \\alpha\\,
            \\frac{m_t / (1-\\beta_1^t)}{\\sqrt{v_t / (1-\\beta_2^t)} + \\epsilon}

    The bias corrections are applied to what the step uses; ``m`` and ``v`` themselves
    stay uncorrected. ``eps`` is outside the square root, as in the paper and in torch
    (a common variant writes ``sqrt(v + eps)``: with ``eps = 1e-8`` that adds up to
    ``1e-4`` to the denominator, not ``1e-8``). ``weight_decay`` is the *coupled* L2
    penalty, added to the gradient before the moments; for decoupled decay use
    :func:`adamw`. ``amsgrad`` divides by the running maximum of ``v``.
    """
    return _adam(lr, betas, eps, weight_decay, amsgrad, decoupled=False)


def adamw(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False):
    """AdamW (Loshchilov & Hutter), exactly as ``torch.optim.AdamW``.

    The same moments as :func:`adam` on the raw gradient, and the weight decay added
    to the step *after* the adaptive scaling:
    ``theta <- theta - lr * (m_hat / (sqrt(v_hat) + eps) + weight_decay * theta)``
    (torch writes it as ``theta *= 1 - lr * weight_decay`` first). Every weight then
    shrinks at the same rate ``lr * weight_decay``, whatever its gradient history.
    """
    return _adam(lr, betas, eps, weight_decay, amsgrad, decoupled=True)

"""Layers of a feedforward network, forward and backward, in the CS231n style.

Chapter: *Feedforward networks and backpropagation* (``book/backprop.ipynb``).

Every layer is a pair of functions::

    out, cache = <layer>_forward(x, ...)     # keep what backward needs in `cache`
    dx, ...    = <layer>_backward(dout, cache)

``dout`` is the gradient of the loss with respect to ``out``; backward returns the
gradient with respect to each input. The local derivative is written next to its
forward formula. Rows are examples: ``x`` has shape ``(N, D)``.

The formulas are written once and work on NumPy arrays and on torch tensors alike
(the torch twin :mod:`coursepkg.torch.layers` checks that its inputs are tensors and
calls these same functions). Conventions that differ from ``torch.nn``:

* ``linear_forward`` takes ``w`` of shape ``(D, M)`` and computes ``x @ w + b``;
  ``torch.nn.Linear`` stores ``weight`` as ``(M, D)`` and computes ``x @ weight.T + bias``.
* ``mse_loss`` averages over all elements, like ``torch.nn.MSELoss()`` (no factor 1/2).
* ``softmax_cross_entropy`` averages over the batch, like ``torch.nn.CrossEntropyLoss()``.
"""

from __future__ import annotations

from ._backend import namespace, numel, one_hot
from ._validate import check_real, dtype_kind

__all__ = [
    "ACTIVATIONS",
    "abs_backward",
    "abs_forward",
    "identity_backward",
    "identity_forward",
    "leaky_relu_backward",
    "leaky_relu_forward",
    "linear_backward",
    "linear_forward",
    "log_softmax",
    "mse_loss",
    "prelu_backward",
    "prelu_forward",
    "relu_backward",
    "relu_forward",
    "sigmoid",
    "sigmoid_backward",
    "sigmoid_cross_entropy",
    "sigmoid_forward",
    "softmax",
    "softmax_cross_entropy",
    "softplus_backward",
    "softplus_forward",
    "tanh_backward",
    "tanh_forward",
]


# ---- input checks -------------------------------------------------------------
def _float(x, name):
    if dtype_kind(x.dtype) != "f":
        raise TypeError(f"Invalid dtype for {name}: {x.dtype} (expected a floating dtype)")
    return x


def _matrix(x, name):
    _float(x, name)
    if x.ndim != 2:
        raise ValueError(f"Invalid shape for {name}: {tuple(x.shape)} (expected 2-D (N, D))")
    return x


def _same_shape(a, b, names):
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(
            f"Invalid shape for {names[1]}: {tuple(b.shape)} (expected {tuple(a.shape)}, "
            f"the shape of {names[0]})"
        )


# ---- affine ---------------------------------------------------------------------
def linear_forward(x, w, b):
    """Affine layer ``out = x @ w + b``.

    Shapes: ``x (N, D)``, ``w (D, M)``, ``b (M,)`` -> ``out (N, M)``.
    """
    _matrix(x, "x")
    _matrix(w, "w")
    _float(b, "b")
    if w.shape[0] != x.shape[1]:
        raise ValueError(
            f"Invalid shape for w: {tuple(w.shape)} (expected ({x.shape[1]}, M) to match x "
            f"of shape {tuple(x.shape)})"
        )
    if tuple(b.shape) != (w.shape[1],):
        raise ValueError(f"Invalid shape for b: {tuple(b.shape)} (expected ({w.shape[1]},))")
    out = x @ w + b  # d out / d x = w,  d out / d w = x,  d out / d b = 1
    return out, (x, w)


def linear_backward(dout, cache):
    """Gradients of the affine layer.

    Graph: ``p = x @ w``, ``out = p + b``. Backward, step by step:
    ``dp = dout`` and ``db = sum_n dout[n]`` (the bias is broadcast over the
    batch, so its gradient sums over it); ``dx = dp @ w.T``; ``dw = x.T @ dp``.

    Returns ``(dx (N, D), dw (D, M), db (M,))``.
    """
    x, w = cache
    dx = dout @ w.T
    dw = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db


# ---- activations: out = f(x), dx = dout * f'(x) ------------------------------------
def identity_forward(x):
    """``out = x`` (a linear output unit)."""
    return x, None


def identity_backward(dout, cache):
    return dout


def relu_forward(x):
    """``out = max(x, 0)``; ``f'(x) = 1 if x > 0 else 0`` (0 at x = 0, as in torch)."""
    xp = namespace(_float(x, "x"))
    return xp.where(x > 0, x, xp.zeros_like(x)), x


def relu_backward(dout, cache):
    x = cache
    return dout * (x > 0)


def leaky_relu_forward(x, alpha=0.01):
    """``out = x if x > 0 else alpha * x``; ``f'(x) = 1 if x > 0 else alpha``."""
    a = check_real(alpha, "alpha")
    if a < 0:
        raise ValueError(f"Invalid alpha: {alpha} (expected alpha >= 0)")
    xp = namespace(_float(x, "x"))
    return xp.where(x > 0, x, a * x), (x, a)


def leaky_relu_backward(dout, cache):
    x, a = cache
    xp = namespace(x)
    return xp.where(x > 0, dout, a * dout)


def prelu_forward(x, alpha):
    """Parametric ReLU: ``out = x if x > 0 else alpha * x`` with a learned ``alpha``.

    ``alpha`` has shape ``()`` (one slope) or ``(D,)`` (one per feature), as
    ``torch.nn.PReLU(num_parameters=...)``.
    """
    xp = namespace(_float(x, "x"))
    _float(alpha, "alpha")
    if alpha.ndim > 1 or (alpha.ndim == 1 and alpha.shape[0] not in (1, x.shape[-1])):
        raise ValueError(
            f"Invalid shape for alpha: {tuple(alpha.shape)} (expected () or ({x.shape[-1]},))"
        )
    return xp.where(x > 0, x, alpha * x), (x, alpha)


def prelu_backward(dout, cache):
    """Returns ``(dx, dalpha)``: ``dx = dout * (1 if x > 0 else alpha)``,
    ``dalpha = sum of dout * x over the positions where x <= 0``."""
    x, alpha = cache
    xp = namespace(x)
    dx = xp.where(x > 0, dout, alpha * dout)
    contrib = xp.where(x > 0, xp.zeros_like(x), dout * x)  # d out / d alpha = x where x <= 0
    if alpha.ndim == 0:
        dalpha = contrib.sum()
    elif alpha.shape[0] == 1:
        dalpha = contrib.sum().reshape(1)
    else:
        dalpha = contrib.reshape(-1, x.shape[-1]).sum(axis=0)
    return dx, dalpha


def abs_forward(x):
    """``out = |x|``; ``f'(x) = sign(x)`` (0 at x = 0)."""
    xp = namespace(_float(x, "x"))
    return xp.abs(x), x


def abs_backward(dout, cache):
    xp = namespace(cache)
    return dout * xp.sign(cache)


def tanh_forward(x):
    """``out = tanh(x)``; ``f'(x) = 1 - tanh(x)**2`` (computed from the output)."""
    xp = namespace(_float(x, "x"))
    out = xp.tanh(x)
    return out, out


def tanh_backward(dout, cache):
    out = cache
    return dout * (1.0 - out * out)


def sigmoid(x):
    """The logistic function ``1 / (1 + exp(-x))``, written as ``(1 + tanh(x/2)) / 2``.

    The tanh form never overflows: ``exp(-x)`` does for ``x < -709`` in float64.
    """
    xp = namespace(x)
    return 0.5 * (1.0 + xp.tanh(0.5 * x))


def sigmoid_forward(x):
    """``out = sigmoid(x)``; ``f'(x) = out * (1 - out)``."""
    out = sigmoid(_float(x, "x"))
    return out, out


def sigmoid_backward(dout, cache):
    out = cache
    return dout * out * (1.0 - out)


def softplus_forward(x):
    """``out = log(1 + exp(x))`` (a smooth ReLU); ``f'(x) = sigmoid(x)``."""
    xp = namespace(_float(x, "x"))
    return xp.logaddexp(xp.zeros_like(x), x), x


def softplus_backward(dout, cache):
    return dout * sigmoid(cache)


#: name -> (forward, backward) for the hidden units an :class:`~coursepkg.mlp.MLP` can use
ACTIVATIONS = {
    "identity": (identity_forward, identity_backward),
    "relu": (relu_forward, relu_backward),
    "leaky_relu": (leaky_relu_forward, leaky_relu_backward),
    "abs": (abs_forward, abs_backward),
    "tanh": (tanh_forward, tanh_backward),
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "softplus": (softplus_forward, softplus_backward),
}


# ---- output units and losses ------------------------------------------------------
def log_softmax(z, axis=-1):
    """``log(softmax(z))`` computed stably: ``z - max(z) - log(sum(exp(z - max(z))))``."""
    xp = namespace(_float(z, "z"))
    shifted = z - xp.amax(z, axis=axis, keepdims=True)  # the largest entry becomes 0
    return shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(z, axis=-1):
    """``exp(z) / sum(exp(z))``, shifted by ``max(z)`` first so that no ``exp`` overflows.

    Subtracting a constant from every logit leaves the result unchanged, because it
    multiplies numerator and denominator by the same ``exp(-c)``.
    """
    xp = namespace(_float(z, "z"))
    e = xp.exp(z - xp.amax(z, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _labels(z, y):
    _matrix(z, "z")
    if dtype_kind(y.dtype) not in "iu":
        raise TypeError(f"Invalid dtype for y: {y.dtype} (expected integer class labels)")
    if tuple(y.shape) != (z.shape[0],):
        raise ValueError(f"Invalid shape for y: {tuple(y.shape)} (expected ({z.shape[0]},))")
    if len(y) and (int(y.min()) < 0 or int(y.max()) >= z.shape[1]):
        bad = int(y.min()) if int(y.min()) < 0 else int(y.max())
        raise ValueError(f"Invalid label in y: {bad} (expected 0 <= y < {z.shape[1]})")


def softmax_cross_entropy(z, y, label_smoothing=0.0):
    """Mean cross-entropy of softmax outputs, and its gradient with respect to the logits.

    ``loss = -(1/N) sum_n sum_c q_nc log softmax(z_n)_c`` and ``dz = (softmax(z) - q) / N``
    with targets ``q``: the one-hot labels ``Y`` (the famous ``dZ = A - Y`` per example),
    or with label smoothing ``eps`` the mixture ``q = (1 - eps) Y + eps / C`` -- the same
    targets as ``torch.nn.CrossEntropyLoss(label_smoothing=eps)``.

    Shapes: ``z (N, C)`` logits, ``y (N,)`` integer labels -> ``(loss, dz (N, C))``.
    """
    _labels(z, y)
    eps = check_real(label_smoothing, "label_smoothing")
    if not 0.0 <= eps <= 1.0:
        raise ValueError(f"Invalid label_smoothing: {label_smoothing} (expected 0 <= eps <= 1)")
    n, c = z.shape
    logp = log_softmax(z)
    q = one_hot(y, c, like=z)
    if eps:
        q = (1.0 - eps) * q + eps / c
    loss = -(logp * q).sum() / n
    dz = (namespace(z).exp(logp) - q) / n
    return loss, dz


def sigmoid_cross_entropy(z, y):
    """Mean binary cross-entropy of sigmoid outputs, and its gradient w.r.t. the logits.

    ``loss = mean(-y log s - (1 - y) log(1 - s))`` with ``s = sigmoid(z)``, computed as
    ``max(z, 0) - z y + log(1 + exp(-|z|))`` so it never takes ``log(0)``;
    ``dz = (s - y) / N``. Shapes: ``z`` and ``y`` (targets in [0, 1]) of the same shape.
    """
    xp = namespace(_float(z, "z"))
    _float(y, "y")
    _same_shape(z, y, ("z", "y"))
    losses = xp.where(z > 0, z, xp.zeros_like(z)) - z * y + xp.log1p(xp.exp(-xp.abs(z)))
    return losses.mean(), (sigmoid(z) - y) / numel(z)


def mse_loss(pred, target):
    """Mean squared error over all elements, ``mean((pred - target)**2)``, and ``dpred``.

    ``dpred = 2 (pred - target) / numel``. Same as ``torch.nn.MSELoss()``.
    """
    _float(pred, "pred")
    _float(target, "target")
    _same_shape(pred, target, ("pred", "target"))
    diff = pred - target
    return (diff * diff).mean(), 2.0 * diff / numel(diff)

"""Data augmentation on batches of images: flips, crops, rotations, scaling, shifts, noise.

Chapter: *Regularization* (``book/regularization.ipynb``), section on data augmentation.

Images come in batches, ``x`` of shape ``(N, H, W)`` (grayscale) or ``(N, C, H, W)``,
floating point. Each example gets its own random transformation; the output has the
input's shape, dtype and device. Geometric transforms sample the input bilinearly and
fill what comes from outside the image with 0, so values stay within
``[min(0, x.min()), max(0, x.max())]`` (for images in ``[0, 1]``: in ``[0, 1]``).

``rng``: a seed, a NumPy ``Generator`` (arrays) or ``torch.Generator`` (tensors), or ``None``
for the global generator. The same code runs on NumPy arrays and on torch tensors (on the
GPU too); the torch twin is :mod:`coursepkg.torch.augmentation`.
"""

from __future__ import annotations

import math

from ._backend import as_index, flip, generator, is_tensor, namespace, normal, uniform
from ._validate import check_nonnegative, check_real, dtype_kind

__all__ = ["affine", "gaussian_noise", "hflip", "random_affine", "random_crop"]


def _images(x):
    if dtype_kind(x.dtype) != "f":
        raise TypeError(f"Invalid dtype for x: {x.dtype} (expected a floating dtype)")
    if x.ndim not in (3, 4):
        raise ValueError(
            f"Invalid shape for x: {tuple(x.shape)} (expected a batch (N, H, W) or (N, C, H, W))"
        )
    return x


def _per_example(value, n, like, name):
    """A scalar or an ``(N,)`` array of per-example parameters, as an ``(N,)`` array like ``like``."""
    xp = namespace(like)
    if getattr(value, "ndim", 0) == 0:
        return xp.zeros_like(like[:, 0, 0, 0]) + check_real(value, name)
    if tuple(value.shape) != (n,):
        raise ValueError(f"Invalid shape for {name}: {tuple(value.shape)} (expected () or ({n},))")
    return value


def _arange(n, like):
    xp = namespace(like)
    if is_tensor(like):
        return xp.arange(n, dtype=like.dtype, device=like.device)
    return xp.arange(n, dtype=like.dtype)


def hflip(x, p=0.5, rng=None):
    """Mirror each image left-right with probability ``p``."""
    _images(x)
    p = check_real(p, "p")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"Invalid p: {p} (expected 0 <= p <= 1)")
    xp = namespace(x)
    chosen = uniform(generator(rng, x), (x.shape[0],), x) < p
    chosen = chosen.reshape((-1,) + (1,) * (x.ndim - 1))
    return xp.where(chosen, flip(x, -1), x)


def affine(x, angle=0.0, scale=1.0, shift=(0.0, 0.0)):
    """Rotate by ``angle`` degrees (counter-clockwise as displayed), scale about the centre,
    then shift by ``shift = (rows, cols)`` pixels (down, right); bilinear, zero fill.

    ``angle``, ``scale`` and each shift may be scalars or ``(N,)`` arrays (one per example).
    ``angle=90`` on a square image equals ``np.rot90``; ``angle=0, scale=1, shift=0`` is
    the identity.
    """
    _images(x)
    x4 = x if x.ndim == 4 else x[:, None]
    n, c, h, w = x4.shape
    xp = namespace(x)
    theta = _per_example(angle, n, x4, "angle") * (math.pi / 180.0)
    s = _per_example(scale, n, x4, "scale")
    if bool((s <= 0).any()):
        raise ValueError(f"Invalid scale: {scale} (expected > 0)")
    tr = _per_example(shift[0], n, x4, "shift[0]")
    tc = _per_example(shift[1], n, x4, "shift[1]")
    # Output pixel p_out = R(theta) s (p_in - centre) + centre + t, so p_in is found by
    # undoing the shift, the scaling and the rotation (rows point down: y = -row).
    rows = _arange(h, x4)[None, :, None] - (h - 1) / 2.0 - tr[:, None, None]
    cols = _arange(w, x4)[None, None, :] - (w - 1) / 2.0 - tc[:, None, None]
    cos, sin = (f(theta)[:, None, None] / s[:, None, None] for f in (xp.cos, xp.sin))
    src_r = sin * cols + cos * rows + (h - 1) / 2.0
    src_c = cos * cols - sin * rows + (w - 1) / 2.0
    return _bilinear(x4, src_r, src_c).reshape(x.shape)


def _bilinear(x4, r, c):
    """``x4`` (N, C, H, W) sampled at real coordinates ``r, c`` (N, H', W'); zero outside."""
    xp = namespace(x4)
    n, ch, h, w = x4.shape
    r0, c0 = xp.floor(r), xp.floor(c)
    fr, fc = r - r0, c - c0  # weights of the lower/right neighbours
    batch = as_index(_arange(n, x4))[:, None, None, None]
    chan = as_index(_arange(ch, x4))[None, :, None, None]
    out = 0.0
    for dr, wr in ((0, 1.0 - fr), (1, fr)):
        for dc, wc in ((0, 1.0 - fc), (1, fc)):
            rr, cc = r0 + dr, c0 + dc
            inside = (rr >= 0) & (rr <= h - 1) & (cc >= 0) & (cc <= w - 1)
            ri = as_index(xp.clip(rr, 0, h - 1))[:, None]
            ci = as_index(xp.clip(cc, 0, w - 1))[:, None]
            weight = (wr * wc * inside)[:, None]
            out = out + weight * x4[batch, chan, ri, ci]
    return out


def random_affine(x, degrees=0.0, scale=(1.0, 1.0), shift=0.0, rng=None):
    """Each image rotated by ``U(-degrees, degrees)``, scaled by ``U(scale)`` and shifted by
    ``U(-shift, shift)`` pixels along each axis (see :func:`affine`)."""
    _images(x)
    degrees, shift = check_nonnegative(degrees, "degrees"), check_nonnegative(shift, "shift")
    lo, hi = (check_real(v, "scale") for v in scale)
    if not 0.0 < lo <= hi:
        raise ValueError(f"Invalid scale: {scale} (expected 0 < low <= high)")
    g = generator(rng, x)
    n = x.shape[0]

    def draw(low, high):
        return low + (high - low) * uniform(g, (n,), x)

    return affine(
        x, draw(-degrees, degrees), draw(lo, hi), (draw(-shift, shift), draw(-shift, shift))
    )


def random_crop(x, padding=2, rng=None):
    """Pad each image with ``padding`` zeros on every side and crop a random ``H x W`` window:
    an integer shift of up to ``padding`` pixels in each direction."""
    _images(x)
    if isinstance(padding, bool) or not isinstance(padding, int) or padding < 0:
        raise ValueError(f"Invalid padding: {padding!r} (expected an integer >= 0)")
    g = generator(rng, x)
    n = x.shape[0]
    xp = namespace(x)
    offsets = [xp.floor(uniform(g, (n,), x) * (2 * padding + 1)) - padding for _ in range(2)]
    return affine(x, shift=tuple(offsets))


def gaussian_noise(x, std=0.1, rng=None, clip=(0.0, 1.0)):
    """``x + std * N(0, 1)`` noise, clipped to ``clip`` (``None`` to keep the raw sum)."""
    if dtype_kind(x.dtype) != "f":
        raise TypeError(f"Invalid dtype for x: {x.dtype} (expected a floating dtype)")
    std = check_nonnegative(std, "std")
    out = x + std * normal(generator(rng, x), tuple(x.shape), x)
    if clip is None:
        return out
    return namespace(x).clip(out, clip[0], clip[1])

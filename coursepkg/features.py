"""Hand-made features: grayscale, DCT/DFT compression, image error metrics, correlation.

Chapter: *Feature optimization* (``book/features.ipynb``). PCA, the learned linear
feature, is in :mod:`coursepkg.pca`.

Every function is written once for NumPy arrays and torch tensors (the DCT is a pair of
matrix products, so it runs on a GPU as it is); the twin that insists on tensors is
:mod:`coursepkg.torch.features`. Images are float arrays with the two spatial axes
**last** (``(..., H, W)``, a batch is fine), except :func:`grayscale`, whose input has the
colour channels last (``(..., 3)``, as ``skimage`` and ``matplotlib`` store images).
Integer inputs (e.g. ``uint8``) are converted to float64 (torch: the default dtype)
**without** rescaling: divide by 255 first if you want values in ``[0, 1]``.

* :func:`grayscale`: :math:`Y = 0.2126 R + 0.7152 G + 0.0722 B` (ITU-R BT.709 luma
  weights, :data:`LUMA`). ``skimage.color.rgb2gray`` uses 0.2125, 0.7154, 0.0721 (it says
  "calibrated for contemporary CRT phosphors"): the two differ by at most
  :math:`4 \\times 10^{-4}` on ``[0, 1]`` images.
* :func:`dct_matrix`, :func:`dct2`, :func:`idct2`: the orthonormal DCT-II,
  :math:`C_{ki} = \\alpha_k \\cos\\frac{\\pi (2i + 1) k}{2n}`, :math:`\\alpha_0 =
  \\sqrt{1/n}`, :math:`\\alpha_k = \\sqrt{2/n}`; :math:`C C^\\top = I`, so the 2-D transform
  :math:`C_H X C_W^\\top` is inverted by :math:`C_H^\\top Y C_W`. Same as
  ``scipy.fft.dctn(x, norm="ortho", axes=(-2, -1))``.
* :func:`block_dct`, :func:`block_idct`, :func:`dct_compress`: JPEG-style 8x8 blocks,
  keeping the :math:`k \\times k` lowest frequencies of each block.
* :func:`dft_compress`: the same with the 2-D discrete Fourier transform.
* :func:`rmse`, :func:`psnr`, :func:`compression_ratio`: how much is kept and lost.
* :func:`correlation_matrix`: Pearson correlation between the columns (pixels) of a data
  matrix.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ._backend import is_tensor, namespace
from ._validate import check_dtype, check_positive

__all__ = [
    "LUMA",
    "block_dct",
    "block_idct",
    "compression_ratio",
    "correlation_matrix",
    "dct2",
    "dct_compress",
    "dct_matrix",
    "dft_compress",
    "grayscale",
    "idct2",
    "psnr",
    "rmse",
]

LUMA = (0.2126, 0.7152, 0.0722)
"""ITU-R BT.709 luma weights of (R, G, B); they sum to 1, green counts most."""


# ---- helpers --------------------------------------------------------------------------------
def _as_float(x, name="x"):
    """Floating inputs kept; integer inputs become float64 (torch: the default dtype)."""
    check_dtype(x, name)
    if is_tensor(x):
        import torch

        return x if x.is_floating_point() else x.to(torch.get_default_dtype())
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def _like(a, like):
    """The NumPy array ``a`` in ``like``'s float dtype (and on its device)."""
    if is_tensor(like):
        import torch

        dtype = like.dtype if like.is_floating_point() else torch.get_default_dtype()
        return torch.as_tensor(a, dtype=dtype, device=like.device)
    like = np.asarray(like)
    return np.asarray(a, dtype=like.dtype if like.dtype.kind == "f" else np.float64)


def _host(x):
    """A NumPy copy of a (small) array or tensor, for error messages."""
    return x.detach().cpu().numpy() if is_tensor(x) else np.asarray(x)


def _int(value, name, low, high=None):
    ok = not isinstance(value, bool) and isinstance(value, numbers.Integral)
    if not ok or value < low or (high is not None and value > high):
        bounds = f"{low} <= {name}" + (f" <= {high}" if high is not None else "")
        raise ValueError(f"Invalid {name}: {value!r} (expected an integer, {bounds})")
    return int(value)


def _image(x, name="image"):
    x = _as_float(x, name)
    if x.ndim < 2:
        raise ValueError(
            f"Invalid shape for {name}: {tuple(x.shape)} (expected (..., H, W), at least 2-D)"
        )
    return x


# ---- grayscale ------------------------------------------------------------------------------
def grayscale(rgb, weights=LUMA):
    """Weighted sum of the colour channels: ``rgb @ weights``, shape ``(..., 3) -> (...)``.

    ``weights`` is any 3 real numbers (a tuple, array or tensor): :data:`LUMA` by default,
    or e.g. the first principal component of the pixels' colours (PCA grayscale). They are
    not normalized: the LUMA weights sum to 1, so a ``[0, 1]`` image stays in ``[0, 1]``.
    The result is float, in the units of the input (``uint8`` gives ``[0, 255]``).
    """
    rgb = _as_float(rgb, "rgb")
    if rgb.ndim < 1 or rgb.shape[-1] != 3:
        raise ValueError(
            f"Invalid shape for rgb: {tuple(rgb.shape)} (expected (..., 3), channels last)"
        )
    w = _like(_host(weights) if is_tensor(weights) else np.asarray(weights, dtype=float), rgb)
    if tuple(w.shape) != (3,):
        raise ValueError(
            f"Invalid shape for weights: {tuple(w.shape)} (expected 3 numbers, for R, G, B)"
        )
    return rgb @ w


# ---- the discrete cosine transform ----------------------------------------------------------
def dct_matrix(n, like=None):
    """Orthonormal DCT-II matrix ``C`` of shape ``(n, n)``: row ``k`` is the cosine of
    frequency ``k``, :math:`C_{ki} = \\alpha_k \\cos\\frac{\\pi (2i+1) k}{2n}`, with
    :math:`\\alpha_0 = \\sqrt{1/n}`, :math:`\\alpha_{k>0} = \\sqrt{2/n}`.

    ``C @ x`` is ``scipy.fft.dct(x, norm="ortho")`` and ``C.T @ y`` its inverse
    (:math:`C^{-1} = C^\\top`). The matrix has ``like``'s float dtype and device (float64
    NumPy when ``like`` is ``None``).
    """
    n = _int(n, "n", 1)
    i = np.arange(n)
    C = np.sqrt(2.0 / n) * np.cos(np.pi * (2 * i[None, :] + 1) * i[:, None] / (2 * n))
    C[0] = np.sqrt(1.0 / n)
    return C if like is None else _like(C, like)


def dct2(x):
    """2-D orthonormal DCT-II over the last two axes: :math:`C_H\\, x\\, C_W^\\top`.

    ``x`` has shape ``(..., H, W)``; the result has the same shape, coefficient
    ``[..., u, v]`` for vertical frequency ``u`` and horizontal frequency ``v`` (the
    lowest, the scaled mean, at ``[..., 0, 0]``). Equals
    ``scipy.fft.dctn(x, norm="ortho", axes=(-2, -1))``; energy is preserved (Parseval).
    """
    x = _image(x, "x")
    H, W = x.shape[-2:]
    return dct_matrix(H, like=x) @ x @ dct_matrix(W, like=x).T


def idct2(coeffs):
    """Inverse of :func:`dct2`: :math:`C_H^\\top\\, y\\, C_W`, i.e.
    ``scipy.fft.idctn(coeffs, norm="ortho", axes=(-2, -1))``."""
    y = _image(coeffs, "coeffs")
    H, W = y.shape[-2:]
    return dct_matrix(H, like=y).T @ y @ dct_matrix(W, like=y)


def _block(block):
    return _int(block, "block", 1)


def _to_blocks(x, b, name):
    """``(..., H, W) -> (..., H/b, W/b, b, b)``; ``H`` and ``W`` must be multiples of ``b``."""
    *lead, H, W = x.shape
    if H % b or W % b:
        raise ValueError(
            f"Invalid shape for {name}: {tuple(x.shape)} (height and width must be multiples of "
            f"block = {b}; crop first, e.g. {name}[..., :{H - H % b}, :{W - W % b}])"
        )
    return x.reshape(*lead, H // b, b, W // b, b).swapaxes(-3, -2)


def _from_blocks(blocks, shape):
    return blocks.swapaxes(-3, -2).reshape(*shape)


def block_dct(image, block=8):
    """JPEG-style blockwise DCT: :func:`dct2` of every ``block x block`` tile.

    ``image`` has shape ``(..., H, W)`` with ``H`` and ``W`` multiples of ``block``
    (otherwise ``ValueError``; nothing is padded or cropped silently). The result has the
    same shape, each tile holding its own coefficients (the lowest frequency at the tile's
    top-left corner).
    """
    x = _image(image)
    return _from_blocks(dct2(_to_blocks(x, _block(block), "image")), x.shape)


def block_idct(coeffs, block=8):
    """Inverse of :func:`block_dct`: :func:`idct2` of every ``block x block`` tile."""
    y = _image(coeffs, "coeffs")
    return _from_blocks(idct2(_to_blocks(y, _block(block), "coeffs")), y.shape)


def dct_compress(image, k, block=8):
    """Keep the ``k x k`` lowest-frequency DCT coefficients of every tile, zero the rest,
    and return the reconstruction (same shape as ``image``).

    ``block`` is the tile size (8 as in JPEG; ``H`` and ``W`` must be multiples of it) with
    ``1 <= k <= block``; ``k = block`` reconstructs the image exactly (up to round-off).
    ``block=None`` transforms the whole image at once (:func:`dct2`) with
    ``1 <= k <= min(H, W)``. The fraction of coefficients kept is
    :func:`compression_ratio` ``(k, block)`` (or ``(k, (H, W))`` for ``block=None``).
    """
    x = _image(image)
    if block is None:
        k = _int(k, "k", 1, min(x.shape[-2:]))
        c = dct2(x)
        c[..., k:, :] = 0
        c[..., :, k:] = 0
        return idct2(c)
    b = _block(block)
    k = _int(k, "k", 1, b)
    c = dct2(_to_blocks(x, b, "image"))
    c[..., k:, :] = 0
    c[..., :, k:] = 0
    return _from_blocks(idct2(c), x.shape)


# ---- the discrete Fourier transform ---------------------------------------------------------
def _low_frequencies(n, k):
    """The ``k`` integer frequencies of smallest ``|f|`` among the ``n`` of a length-``n``
    DFT: ``-(k // 2) <= f <= (k - 1) // 2`` (the centred window of ``fftshift``)."""
    f = np.round(np.fft.fftfreq(n) * n)
    return (f >= -(k // 2)) & (f <= (k - 1) // 2)


def dft_compress(image, k):
    """Keep the ``k x k`` lowest frequencies of the 2-D DFT of ``image`` (last two axes),
    zero the rest, and return the real part of the inverse transform.

    "Lowest" means smallest :math:`|f|` along each axis, both signs: frequencies
    :math:`-\\lfloor k/2 \\rfloor \\le f \\le \\lfloor (k-1)/2 \\rfloor` — the centred
    ``k x k`` window of ``np.fft.fftshift(np.fft.fft2(image))``, **not** the top-left corner
    of the unshifted array (which would keep only non-negative frequencies). For odd ``k``
    the window is symmetric, so the kept spectrum is conjugate-symmetric and the inverse is
    real; for even ``k`` the extra frequency :math:`-k/2` has no partner and taking the real
    part keeps half of it. ``1 <= k <= min(H, W)``; ``k = H = W`` is lossless.
    """
    x = _image(image)
    H, W = x.shape[-2:]
    k = _int(k, "k", 1, min(H, W))
    xp = namespace(x)
    mask = _like(np.outer(_low_frequencies(H, k), _low_frequencies(W, k)), x)
    spectrum = xp.fft.fft2(x)
    return xp.fft.ifft2(spectrum * mask).real


def compression_ratio(k, block=8):
    """Fraction of the coefficients kept, ``k * k / (block_h * block_w)``.

    ``block`` is an int (square tiles, as for :func:`dct_compress`) or a pair ``(H, W)``
    (the whole image, as for ``dct_compress(..., block=None)`` or :func:`dft_compress`).
    This is *kept / total* (between 0 and 1); image codecs usually quote the inverse
    ("10:1").
    """
    shape = (block, block) if isinstance(block, numbers.Integral) else tuple(block)
    if len(shape) != 2:
        raise ValueError(f"Invalid block: {block!r} (expected an int or a pair (H, W))")
    h, w = (_int(s, "block", 1) for s in shape)
    k = _int(k, "k", 0, min(h, w))
    return k * k / (h * w)


# ---- error metrics --------------------------------------------------------------------------
def _pair(a, b):
    a, b = _as_float(a, "a"), _as_float(b, "b")
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(
            f"Invalid shape for b: {tuple(b.shape)} (expected {tuple(a.shape)}, the shape of a)"
        )
    return a, b


def rmse(a, b):
    """Root-mean-square error :math:`\\sqrt{\\operatorname{mean}((a - b)^2)}` over all
    elements, as a Python float."""
    a, b = _pair(a, b)
    d = a - b
    return math.sqrt(float((d * d).mean()))


def psnr(a, b, data_range=1.0):
    """Peak signal-to-noise ratio in dB:
    :math:`10 \\log_{10}(\\text{data\\_range}^2 / \\operatorname{mean}((a - b)^2))`.

    ``data_range`` is the span of possible values (1 for ``[0, 1]`` images, 255 for
    ``uint8``). Identical images give ``inf``. Same as
    ``skimage.metrics.peak_signal_noise_ratio(a, b, data_range=data_range)``.
    """
    r = check_positive(data_range, "data_range")
    a, b = _pair(a, b)
    d = a - b
    mse = float((d * d).mean())
    return math.inf if mse == 0.0 else 10.0 * math.log10(r * r / mse)


# ---- correlation ----------------------------------------------------------------------------
def correlation_matrix(X):
    """Pearson correlation coefficients between the columns of ``X`` (shape ``(n, d)``, one
    example per row, ``n >= 2``): :math:`R_{jk} = \\frac{\\sum_i (x_{ij} - \\bar x_j)(x_{ik} -
    \\bar x_k)}{\\sqrt{\\sum_i (x_{ij} - \\bar x_j)^2 \\sum_i (x_{ik} - \\bar x_k)^2}}`,
    shape ``(d, d)``, clipped to ``[-1, 1]``.

    Equals ``np.corrcoef(X, rowvar=False)`` (NumPy's default ``rowvar=True`` correlates
    the *rows*). A constant column has no correlation (0/0; NumPy returns NaN with a
    warning): here it raises ``ValueError`` naming the constant columns; drop them first,
    e.g. ``X[:, X.std(axis=0) > 0]`` (the border pixels of digit images are constant).
    NaN or infinity also raises ``ValueError``.
    """
    X = _as_float(X, "X")
    if X.ndim != 2 or X.shape[0] < 2:
        raise ValueError(
            f"Invalid shape for X: {tuple(X.shape)} (expected 2-D (n_samples, n_features) with "
            "n_samples >= 2)"
        )
    xp = namespace(X)
    if not bool(xp.isfinite(X).all()):
        raise ValueError("Invalid X: it contains NaN or infinity")
    constant = np.flatnonzero(_host(xp.amax(X, axis=0) == xp.amin(X, axis=0)))
    if constant.size:
        shown = ", ".join(str(j) for j in constant[:10]) + (", ..." if constant.size > 10 else "")
        raise ValueError(
            f"Invalid X: {constant.size} constant column(s) [{shown}] have zero variance, so "
            "their correlation is undefined; drop them first, e.g. X[:, X.std(axis=0) > 0]"
        )
    Xc = X - X.mean(axis=0)
    C = Xc.T @ Xc
    s = xp.sqrt(xp.diagonal(C))
    return xp.clip(C / s[:, None] / s[None, :], -1.0, 1.0)

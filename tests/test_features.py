"""Grayscale, DCT/DFT compression, image metrics and correlation (NumPy and torch) against
scipy.fft, scikit-image and NumPy, in float64."""

import numpy as np
import pytest
import scipy.fft
import torch
from skimage.color import rgb2gray
from skimage.data import astronaut
from skimage.metrics import mean_squared_error, peak_signal_noise_ratio

from coursepkg import features as nf
from coursepkg.torch import features as tf

from .conftest import devices

BACKENDS = ["numpy", *devices()]


def to_numpy(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def make(backend, *arrays):
    """The features module for ``backend`` and the arrays converted for it."""
    if backend == "numpy":
        return (nf, *arrays)
    return (tf, *(torch.tensor(a, device=backend) for a in arrays))


@pytest.fixture(scope="module")
def image():
    """A 64 x 96 grayscale crop of skimage's astronaut, in [0, 1] (float64)."""
    return rgb2gray(astronaut()[80:144, 200:296])


def test_twin_has_the_same_names():
    assert sorted(tf.__all__) == sorted(nf.__all__)
    assert tf.LUMA == nf.LUMA == (0.2126, 0.7152, 0.0722)


# ---- grayscale ------------------------------------------------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_grayscale_is_the_weighted_sum_of_the_channels(backend, rng):
    rgb = rng.uniform(size=(2, 5, 7, 3))
    mod, x = make(backend, rgb)
    direct = 0.2126 * rgb[..., 0] + 0.7152 * rgb[..., 1] + 0.0722 * rgb[..., 2]
    gray = mod.grayscale(x)
    assert tuple(gray.shape) == (2, 5, 7)
    np.testing.assert_allclose(to_numpy(gray), direct, rtol=1e-14)
    w = (0.1, 0.2, 0.3)
    np.testing.assert_allclose(to_numpy(mod.grayscale(x, w)), rgb @ np.array(w), rtol=1e-14)


def test_grayscale_against_skimage_rgb2gray():
    img = astronaut()  # uint8
    unit = img / 255.0
    ref = rgb2gray(img)
    # skimage's weights are 0.2125, 0.7154, 0.0721 — not quite the BT.709 luma weights.
    np.testing.assert_allclose(nf.grayscale(unit, (0.2125, 0.7154, 0.0721)), ref, atol=1e-12)
    diff = np.abs(nf.grayscale(unit) - ref).max()
    assert 0 < diff <= 4e-4
    # uint8 input: float output in the input's units (no rescaling)
    gray = nf.grayscale(img)
    assert gray.dtype == np.float64 and gray.max() > 1
    np.testing.assert_allclose(gray / 255, nf.grayscale(unit), rtol=1e-12)
    tgray = tf.grayscale(torch.tensor(img))
    assert tgray.dtype == torch.get_default_dtype()
    np.testing.assert_allclose(tgray.numpy(), gray, rtol=1e-5)


def test_grayscale_accepts_tensor_weights_such_as_a_principal_component():
    rgb = torch.rand(4, 4, 3, dtype=torch.float64)
    w = torch.tensor([0.5, 0.3, 0.2], dtype=torch.float64)
    np.testing.assert_allclose(tf.grayscale(rgb, w).numpy(), rgb.numpy() @ w.numpy())


# ---- DCT ------------------------------------------------------------------------------------
def test_dct_matrix_is_orthonormal_and_is_scipys_dct():
    for n in (1, 5, 8):
        C = nf.dct_matrix(n)
        np.testing.assert_allclose(C @ C.T, np.eye(n), atol=1e-14)
        np.testing.assert_allclose(C, scipy.fft.dct(np.eye(n), norm="ortho", axis=0), atol=1e-14)
    T = tf.dct_matrix(8)
    assert T.dtype == torch.get_default_dtype() and T.device.type == "cpu"
    like = torch.zeros(1, dtype=torch.float64)
    np.testing.assert_allclose(tf.dct_matrix(8, like=like).numpy(), nf.dct_matrix(8), atol=0)


@pytest.mark.parametrize("backend", BACKENDS)
def test_dct2_and_idct2_match_scipy(backend, rng):
    x = rng.standard_normal((2, 3, 12, 20))
    mod, xb = make(backend, x)
    ref = scipy.fft.dctn(x, norm="ortho", axes=(-2, -1))
    y = mod.dct2(xb)
    np.testing.assert_allclose(to_numpy(y), ref, atol=1e-12)
    np.testing.assert_allclose(
        to_numpy(mod.idct2(y)), scipy.fft.idctn(ref, norm="ortho", axes=(-2, -1)), atol=1e-12
    )
    np.testing.assert_allclose(to_numpy(mod.idct2(y)), x, atol=1e-12)
    np.testing.assert_allclose((to_numpy(y) ** 2).sum(), (x**2).sum(), rtol=1e-12)  # Parseval


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("block", [4, 8])
def test_block_dct_transforms_each_tile(backend, block, image):
    mod, xb = make(backend, image)
    coeffs = to_numpy(mod.block_dct(xb, block))
    assert coeffs.shape == image.shape
    for r, c in [(0, 0), (1, 2), (7, 11)]:
        tile = (slice(r * block, (r + 1) * block), slice(c * block, (c + 1) * block))
        np.testing.assert_allclose(
            coeffs[tile], scipy.fft.dctn(image[tile], norm="ortho"), atol=1e-12
        )
    back = mod.block_idct(mod.block_dct(xb, block), block)
    np.testing.assert_allclose(to_numpy(back), image, atol=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_dct_compress_keeps_the_top_left_corner_and_improves_with_k(backend, image):
    mod, xb = make(backend, image)
    np.testing.assert_allclose(to_numpy(mod.dct_compress(xb, 8)), image, atol=1e-12)
    errors = [nf.rmse(to_numpy(mod.dct_compress(xb, k)), image) for k in range(1, 9)]
    assert (np.diff(errors) < 0).all(), errors
    # k = 3, against a direct scipy computation on one tile
    out = to_numpy(mod.dct_compress(xb, 3))
    tile = (slice(8, 16), slice(16, 24))
    coeffs = scipy.fft.dctn(image[tile], norm="ortho")
    coeffs[3:, :] = 0
    coeffs[:, 3:] = 0
    np.testing.assert_allclose(out[tile], scipy.fft.idctn(coeffs, norm="ortho"), atol=1e-12)
    # k = 1 keeps each tile's mean
    np.testing.assert_allclose(to_numpy(mod.dct_compress(xb, 1))[tile], image[tile].mean())
    # the whole image at once
    square = xb[:, :64]
    whole = [
        nf.rmse(to_numpy(mod.dct_compress(square, k, block=None)), image[:, :64])
        for k in (4, 16, 64)
    ]
    assert whole[0] > whole[1] > whole[2] and whole[2] < 1e-12
    assert nf.compression_ratio(3) == 9 / 64
    assert nf.compression_ratio(16, (64, 96)) == 256 / (64 * 96)


# ---- DFT ------------------------------------------------------------------------------------
def dft_compress_reference(x, k):
    """The centred k x k window of the shifted spectrum, by fftshift."""
    F = np.fft.fftshift(np.fft.fft2(x))
    mask = np.zeros(x.shape)
    rows, cols = (n // 2 - k // 2 for n in x.shape)
    mask[rows : rows + k, cols : cols + k] = 1
    return np.fft.ifft2(np.fft.ifftshift(F * mask)).real


@pytest.mark.parametrize("backend", BACKENDS)
def test_dft_compress(backend, image):
    square = image[:, :64]
    odd = image[:63, :63]
    mod, sq, od = make(backend, square, odd)
    np.testing.assert_allclose(to_numpy(mod.dft_compress(sq, 64)), square, atol=1e-12)
    np.testing.assert_allclose(to_numpy(mod.dft_compress(od, 63)), odd, atol=1e-12)
    for k in (1, 6, 7, 20):
        out = mod.dft_compress(sq, k)
        assert not (
            torch.is_complex(out) if isinstance(out, torch.Tensor) else np.iscomplexobj(out)
        )
        np.testing.assert_allclose(to_numpy(out), dft_compress_reference(square, k), atol=1e-12)
    np.testing.assert_allclose(to_numpy(mod.dft_compress(sq, 1)), square.mean(), atol=1e-12)
    errors = [nf.rmse(to_numpy(mod.dft_compress(sq, k)), square) for k in range(1, 65, 3)]
    assert (np.diff(errors) <= 0).all(), errors


def test_dct_compacts_energy_better_than_dft(image):
    """The DFT's implicit periodic extension creates edges at the borders; the DCT's
    mirror extension does not, so the same number of kept coefficients loses less."""
    x = image[:, :64]
    for k in (8, 16):
        assert nf.rmse(nf.dct_compress(x, k, block=None), x) < nf.rmse(nf.dft_compress(x, k), x)


# ---- metrics --------------------------------------------------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_rmse_and_psnr_match_skimage(backend, image, rng):
    noisy = np.clip(image + 0.05 * rng.standard_normal(image.shape), 0, 1)
    mod, a, b = make(backend, image, noisy)
    np.testing.assert_allclose(mod.rmse(a, b), np.sqrt(mean_squared_error(image, noisy)))
    np.testing.assert_allclose(
        mod.psnr(a, b), peak_signal_noise_ratio(image, noisy, data_range=1.0), rtol=1e-12
    )
    np.testing.assert_allclose(
        mod.psnr(a * 255, b * 255, data_range=255),
        peak_signal_noise_ratio(image * 255, noisy * 255, data_range=255),
        rtol=1e-12,
    )
    assert mod.psnr(a, a) == float("inf") and mod.rmse(a, a) == 0.0
    assert isinstance(mod.rmse(a, b), float) and isinstance(mod.psnr(a, b), float)


# ---- correlation ----------------------------------------------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_correlation_matrix_is_corrcoef(backend, rng):
    X = rng.standard_normal((50, 6)) @ rng.standard_normal((6, 6)) + 10
    mod, Xb = make(backend, X)
    R = to_numpy(mod.correlation_matrix(Xb))
    np.testing.assert_allclose(R, np.corrcoef(X, rowvar=False), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(np.diag(R), 1.0, rtol=1e-14)
    assert np.abs(R).max() <= 1.0
    np.testing.assert_allclose(R, R.T, atol=0)


@pytest.mark.parametrize("backend", ["numpy", "cpu"])
def test_correlation_matrix_rejects_constant_columns_and_nan(backend, rng):
    X = rng.standard_normal((20, 5))
    X[:, 1] = 0.1
    X[:, 3] = -2.0
    mod, Xb = make(backend, X)
    with pytest.raises(ValueError, match=r"2 constant column\(s\) \[1, 3\] have zero variance"):
        mod.correlation_matrix(Xb)
    Y = rng.standard_normal((20, 5))
    Y[0, 0] = np.nan
    mod, Yb = make(backend, Y)
    with pytest.raises(ValueError, match="Invalid X: it contains NaN or infinity"):
        mod.correlation_matrix(Yb)
    with pytest.raises(ValueError, match=r"Invalid shape for X: \(1, 5\)"):
        mod.correlation_matrix(Yb[:1])
    with pytest.raises(ValueError, match=r"Invalid shape for X: \(5,\)"):
        mod.correlation_matrix(Yb[0])


# ---- invalid input --------------------------------------------------------------------------
def test_invalid_inputs(image):
    with pytest.raises(ValueError, match=r"Invalid shape for image: \(64, 90\) \(height and width"):
        nf.block_dct(image[:, :90])
    with pytest.raises(ValueError, match=r"crop first, e.g. image\[..., :64, :88\]"):
        nf.dct_compress(image[:, :90], 2)
    with pytest.raises(ValueError, match=r"Invalid shape for coeffs: \(60, 96\)"):
        nf.block_idct(image[:60])
    for bad in (0, 9, 2.0, True):
        with pytest.raises(ValueError, match=r"Invalid k: .* \(expected an integer, 1 <= k <= 8\)"):
            nf.dct_compress(image, bad)
    with pytest.raises(ValueError, match=r"Invalid k: 65 \(expected an integer, 1 <= k <= 64\)"):
        nf.dft_compress(image, 65)
    with pytest.raises(ValueError, match="Invalid block: 0"):
        nf.block_dct(image, 0)
    with pytest.raises(ValueError, match="Invalid n: 0"):
        nf.dct_matrix(0)
    with pytest.raises(ValueError, match=r"Invalid shape for x: \(8,\)"):
        nf.dct2(np.ones(8))
    with pytest.raises(ValueError, match=r"Invalid shape for rgb: \(4, 4\) \(expected \(..., 3\)"):
        nf.grayscale(np.ones((4, 4)))
    with pytest.raises(ValueError, match=r"Invalid shape for weights: \(2,\)"):
        nf.grayscale(np.ones((4, 3)), (0.5, 0.5))
    with pytest.raises(TypeError, match="Invalid dtype for x: complex128"):
        nf.dct2(np.ones((4, 4), dtype=complex))
    with pytest.raises(TypeError, match="Invalid dtype for rgb"):
        nf.grayscale(np.array([["a", "b", "c"]]))
    with pytest.raises(ValueError, match=r"Invalid shape for b: \(3,\) \(expected \(2,\)"):
        nf.rmse(np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="Invalid data_range: 0"):
        nf.psnr(np.ones(2), np.ones(2), data_range=0)
    with pytest.raises(ValueError, match="Invalid k: 9"):
        nf.compression_ratio(9)
    with pytest.raises(TypeError, match=r"expected a torch.Tensor"):
        tf.dct2(image)
    with pytest.raises(TypeError, match=r"expected a torch.Tensor"):
        tf.rmse(torch.ones(2), np.ones(2))
    with pytest.raises(TypeError, match=r"like is ndarray \(expected a torch.Tensor or None\)"):
        tf.dct_matrix(4, like=np.ones(1))

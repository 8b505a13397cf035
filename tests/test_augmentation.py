"""coursepkg.augmentation and its torch twin: shapes, dtypes, devices and value ranges are
preserved; the geometric conventions are pinned (90 degrees == np.rot90, integer shifts ==
np.roll with zero fill, identity); NumPy and torch give the same transform for the same
parameters; invalid inputs raise clear errors."""

import numpy as np
import pytest
import torch

from coursepkg import augmentation as A
from coursepkg.torch import augmentation as TA
from tests.conftest import devices

RANDOM = {
    "hflip": lambda x, rng: A.hflip(x, rng=rng),
    "random_crop": lambda x, rng: A.random_crop(x, padding=2, rng=rng),
    "random_affine": lambda x, rng: A.random_affine(
        x, degrees=15, scale=(0.9, 1.1), shift=2, rng=rng
    ),
    "gaussian_noise": lambda x, rng: A.gaussian_noise(x, std=0.2, rng=rng),
}


@pytest.mark.parametrize("name", sorted(RANDOM))
@pytest.mark.parametrize("shape", [(5, 8, 8), (4, 3, 6, 7)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_transforms_preserve_shape_dtype_and_range(rng, name, shape, dtype):
    x = rng.uniform(size=shape).astype(dtype)
    out = RANDOM[name](x, np.random.default_rng(0))
    assert out.shape == x.shape and out.dtype == x.dtype
    assert out.min() >= 0.0 and out.max() <= 1.0 + 1e-6
    again = RANDOM[name](x, np.random.default_rng(0))
    np.testing.assert_array_equal(out, again)  # seeded: reproducible


@pytest.mark.parametrize("name", sorted(RANDOM))
@pytest.mark.parametrize("device", devices())
def test_torch_transforms_preserve_shape_dtype_device_and_range(rng, name, device):
    x = torch.tensor(rng.uniform(size=(6, 2, 9, 9)), dtype=torch.float32, device=device)
    fn = getattr(TA, name)
    kwargs = {
        "random_crop": {"padding": 2},
        "random_affine": {"degrees": 15, "scale": (0.9, 1.1), "shift": 2},
        "gaussian_noise": {"std": 0.2},
    }.get(name, {})
    out = fn(x, rng=torch.Generator().manual_seed(0), **kwargs)
    assert out.shape == x.shape and out.dtype == x.dtype and out.device == x.device
    assert float(out.min()) >= 0.0 and float(out.max()) <= 1.0 + 1e-6


def test_geometric_conventions(rng):
    x = rng.uniform(size=(2, 7, 7))
    np.testing.assert_allclose(A.affine(x), x, atol=1e-12)
    np.testing.assert_allclose(A.affine(x, angle=90.0), np.rot90(x, axes=(1, 2)), atol=1e-12)
    shifted = A.affine(x, shift=(1.0, -2.0))  # one row down, two columns left, zero fill
    expected = np.zeros_like(x)
    expected[:, 1:, :-2] = x[:, :-1, 2:]
    np.testing.assert_allclose(shifted, expected, atol=1e-12)
    np.testing.assert_allclose(A.hflip(x, p=1.0), x[:, :, ::-1])
    np.testing.assert_array_equal(A.hflip(x, p=0.0), x)
    zoom = A.affine(np.ones((1, 9, 9)), scale=0.5)  # shrinking leaves a zero border
    assert zoom[0, 4, 4] == 1.0 and zoom[0, 0, 0] == 0.0


def test_random_crop_shifts_by_whole_pixels_only(rng):
    x = rng.uniform(size=(20, 6, 6))
    out = A.random_crop(x, padding=1, rng=0)
    for a, b in zip(x, out, strict=True):
        matches = [
            np.allclose(
                b[max(dr, 0) : 6 + min(dr, 0), max(dc, 0) : 6 + min(dc, 0)],
                a[max(-dr, 0) : 6 + min(-dr, 0), max(-dc, 0) : 6 + min(-dc, 0)],
            )
            for dr in (-1, 0, 1)
            for dc in (-1, 0, 1)
        ]
        assert any(matches)


@pytest.mark.parametrize("device", devices())
def test_numpy_and_torch_give_the_same_transform_for_the_same_parameters(rng, device):
    x = rng.uniform(size=(3, 2, 8, 10))
    angle, scale = np.array([10.0, -30.0, 45.0]), np.array([1.0, 0.8, 1.2])
    shift = (np.array([0.5, -1.0, 2.0]), np.array([0.0, 1.5, -0.5]))
    ours = A.affine(x, angle, scale, shift)

    def t(a):
        return torch.tensor(a, device=device)

    theirs = TA.affine(t(x), t(angle), t(scale), (t(shift[0]), t(shift[1])))
    np.testing.assert_allclose(theirs.cpu().numpy(), ours, rtol=1e-12, atol=1e-12)


def test_noise_statistics_and_no_clip(rng):
    x = np.full((200, 10, 10), 0.5)
    out = A.gaussian_noise(x, std=0.1, rng=1, clip=None)
    assert abs(out.mean() - 0.5) < 0.002 and abs(out.std() - 0.1) < 0.002


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: A.hflip(np.ones((4, 4))), ValueError, r"Invalid shape for x: \(4, 4\)"),
        (lambda: A.hflip(np.ones((2, 4, 4), dtype=np.uint8)), TypeError, "Invalid dtype for x"),
        (lambda: A.hflip(np.ones((2, 4, 4)), p=2.0), ValueError, "Invalid p: 2.0"),
        (lambda: A.random_crop(np.ones((2, 4, 4)), padding=-1), ValueError, "Invalid padding"),
        (lambda: A.affine(np.ones((2, 4, 4)), scale=0.0), ValueError, "Invalid scale: 0.0"),
        (lambda: A.random_affine(np.ones((2, 4, 4)), degrees=-5), ValueError, "Invalid degrees"),
        (lambda: A.gaussian_noise(np.ones((2, 4, 4)), std=-1), ValueError, "Invalid std value"),
        (lambda: TA.hflip(np.ones((2, 4, 4))), TypeError, "expected a torch.Tensor"),
    ],
)
def test_invalid_inputs_raise_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()

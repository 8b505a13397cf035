"""Initializers (NumPy and torch twin) against torch.nn.init: same distribution, within
sampling tolerance, on a large matrix; invalid arguments raise."""

import math

import numpy as np
import pytest
import torch

from coursepkg import init as ni
from coursepkg.torch import init as ti

FAN_IN, FAN_OUT = 400, 300


def torch_reference(name):
    """The torch.nn.init call for each initializer, on nn.Linear's (out, in) layout."""
    w = torch.empty(FAN_OUT, FAN_IN, dtype=torch.float64)
    torch.manual_seed(0)
    nn_init = torch.nn.init
    {
        "zeros": lambda: nn_init.zeros_(w),
        "normal": lambda: nn_init.normal_(w, std=0.01),
        "xavier_normal": lambda: nn_init.xavier_normal_(w),
        "xavier_uniform": lambda: nn_init.xavier_uniform_(w),
        "lecun_normal": lambda: nn_init.kaiming_normal_(w, nonlinearity="linear"),
        "he_normal": lambda: nn_init.kaiming_normal_(w, nonlinearity="relu"),
        "he_uniform": lambda: nn_init.kaiming_uniform_(w, nonlinearity="relu"),
    }[name]()
    return w.T.numpy()  # to (fan_in, fan_out)


@pytest.mark.parametrize("twin", ["numpy", "torch"])
@pytest.mark.parametrize("name", sorted(ni.INITIALIZERS))
def test_initializer_matches_torch_nn_init(name, twin):
    fn = (ni if twin == "numpy" else ti).INITIALIZERS[name]
    ours = np.asarray(fn(FAN_IN, FAN_OUT, rng=1))
    ref = torch_reference(name)
    assert ours.shape == ref.shape == (FAN_IN, FAN_OUT)
    if name == "zeros":
        assert not ours.any() and not ref.any()
        return
    n = ours.size
    # std within 5 standard errors of the sample std (se ~ std / sqrt(2n))
    assert ours.std() == pytest.approx(ref.std(), rel=5 * math.sqrt(2 / n) * 2)
    assert abs(ours.mean()) < 5 * ref.std() / math.sqrt(n)
    if name.endswith("uniform"):
        bound = ref.std() * math.sqrt(3)
        assert np.abs(ours).max() <= bound * (1 + 1e-3)
        assert np.abs(ours).max() > 0.99 * bound


def test_exact_scales():
    assert ni.he_std(50) == pytest.approx(math.sqrt(2 / 50))
    assert ni.xavier_std(100, 300) == pytest.approx(math.sqrt(2 / 400))
    assert ni.xavier_bound(100, 300) == pytest.approx(math.sqrt(6 / 400))
    assert (
        ni.he_bound(24)
        == pytest.approx(math.sqrt(6 / 24))
        == pytest.approx(torch.nn.init.calculate_gain("relu") * math.sqrt(3 / 24))
    )


def test_seeds_make_initializers_reproducible():
    np.testing.assert_array_equal(ni.he_normal(5, 4, rng=3), ni.he_normal(5, 4, rng=3))
    torch.testing.assert_close(ti.he_normal(5, 4, rng=3), ti.he_normal(5, 4, rng=3))


@pytest.mark.parametrize("mod", [ni, ti], ids=["numpy", "torch"])
def test_invalid_arguments(mod):
    with pytest.raises(ValueError, match="Invalid fan_in: 0"):
        mod.he_normal(0, 3)
    with pytest.raises(ValueError, match="Invalid fan_out: 2.5"):
        mod.xavier_uniform(3, 2.5)
    with pytest.raises(ValueError, match="Invalid std: -1"):
        mod.normal(3, 3, std=-1)
    with pytest.raises(TypeError, match="Invalid rng: 'seed'"):
        mod.he_uniform(3, 3, rng="seed")

"""coursepkg.ema (NumPy) and coursepkg.torch.ema: closed forms, pandas as the production
reference, NumPy/torch agreement in float64, and errors on invalid input."""

import inspect

import numpy as np
import pandas as pd
import pytest
import torch

from coursepkg import ema as nema
from coursepkg.torch import ema as tema
from tests.conftest import devices

PUBLIC = sorted(nema.__all__)
BETAS = [0.0, 0.5, 0.9, 0.98]


def test_twins_have_the_same_names_and_signatures():
    assert sorted(tema.__all__) == PUBLIC
    for name in PUBLIC:
        assert inspect.signature(getattr(nema, name)) == inspect.signature(getattr(tema, name)), (
            name
        )


# ---- closed forms -----------------------------------------------------------
@pytest.mark.parametrize("beta", BETAS)
def test_ema_of_a_constant_has_the_closed_form(beta):
    t = np.arange(1, 31)
    got = nema.ema(np.full(30, 5.0), beta)
    np.testing.assert_allclose(got, 5.0 * (1 - beta**t), rtol=1e-13)
    np.testing.assert_allclose(nema.ema(np.full(30, 5.0), beta, corrected=True), 5.0, rtol=1e-13)


def test_ema_step_is_the_recursion():
    assert nema.ema_step(2.0, 6.0, 0.9) == pytest.approx(0.9 * 2 + 0.1 * 6)
    # the seed's RMSProp example: s = 0.9 * 2 + 0.1 * 6**2 = 5.4
    assert nema.ema_step(2.0, 36.0, 0.9) == pytest.approx(5.4)


@pytest.mark.parametrize("beta", BETAS)
def test_non_recursive_weights_reproduce_the_recursion(beta, rng):
    x = rng.normal(size=(25, 3))
    v = nema.ema(x, beta)
    for t in (1, 2, 7, 25):
        w = nema.ema_weights(beta, t)
        np.testing.assert_allclose(w @ x[:t], v[t - 1], rtol=1e-12, atol=1e-15)
        assert w.sum() == pytest.approx(1 - beta**t, abs=1e-14)


def test_seed_numbers_for_beta_098():
    """v1 = 0.02 th1; v2 = 0.0196 th1 + 0.02 th2; corrected v1 = th1, v2 = weights / 0.0396."""
    np.testing.assert_allclose(nema.ema_weights(0.98, 1), [0.02])
    np.testing.assert_allclose(nema.ema_weights(0.98, 2), [0.0196, 0.02])
    th = np.array([3.0, 7.0])
    vhat = nema.ema(th, 0.98, corrected=True)
    assert vhat[0] == pytest.approx(3.0)
    assert vhat[1] == pytest.approx((0.0196 * 3 + 0.02 * 7) / 0.0396)


def test_correction_is_never_fed_back(rng):
    x = rng.normal(10, 1, size=50)
    v = nema.ema(x, 0.9)
    vhat = nema.ema(x, 0.9, corrected=True)
    np.testing.assert_allclose(vhat, v / (1 - 0.9 ** np.arange(1, 51)), rtol=1e-13)
    np.testing.assert_allclose(nema.bias_correction(v[4], 0.9, 5), vhat[4])


def test_delays_and_window():
    assert nema.sma_group_delay(5) == 2.0
    assert nema.ema_group_delay(0.9) == pytest.approx(9.0)
    assert nema.effective_window(0.98) == pytest.approx(50.0)
    # an EMA and an SMA with n = (1 + beta) / (1 - beta) have the same delay
    beta = 0.9
    n = round((1 + beta) / (1 - beta))
    assert nema.sma_group_delay(n) == pytest.approx(nema.ema_group_delay(beta))
    # the mean age of the EMA weights is the group delay
    w = nema.ema_weights(beta, 2000)
    ages = np.arange(len(w))[::-1]
    assert (w * ages).sum() / w.sum() == pytest.approx(nema.ema_group_delay(beta), rel=1e-9)


# ---- production reference: pandas ------------------------------------------
@pytest.mark.parametrize("beta", [0.5, 0.9, 0.98])
def test_corrected_ema_matches_pandas_adjust_true(beta, rng):
    x = rng.normal(size=200)
    want = pd.Series(x).ewm(alpha=1 - beta, adjust=True).mean().to_numpy()
    np.testing.assert_allclose(nema.ema(x, beta, corrected=True), want, rtol=1e-12)


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.98])
def test_uncorrected_ema_matches_pandas_adjust_false_after_a_zero(beta, rng):
    """pandas' adjust=False starts at y_0 = x_0; ours starts at v_0 = 0. Prepend the 0."""
    x = rng.normal(size=200)
    want = pd.Series(np.r_[0.0, x]).ewm(alpha=1 - beta, adjust=False).mean().to_numpy()[1:]
    np.testing.assert_allclose(nema.ema(x, beta), want, rtol=1e-12, atol=1e-15)
    # and without the zero they differ: that is the start-up bias
    plain = pd.Series(x).ewm(alpha=1 - beta, adjust=False).mean().to_numpy()
    assert abs(plain[0] - nema.ema(x, beta)[0]) > 1e-3


@pytest.mark.parametrize("n", [1, 3, 10])
def test_sma_matches_pandas_rolling(n, rng):
    x = rng.normal(size=40)
    want = pd.Series(x).rolling(n).mean().to_numpy()
    np.testing.assert_allclose(nema.sma(x, n), want, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(
        tema.sma(torch.from_numpy(x), n).numpy(), want, rtol=1e-12, equal_nan=True
    )


def test_sma_window_longer_than_the_series_is_all_nan():
    assert np.isnan(nema.sma([1.0, 2.0], 3)).all()


# ---- NumPy and torch agree ---------------------------------------------------
@pytest.mark.parametrize("device", devices())
@pytest.mark.parametrize("beta", BETAS)
@pytest.mark.parametrize("corrected", [False, True])
def test_torch_twin_matches_numpy_in_float64(device, beta, corrected, rng):
    x = rng.normal(size=(60, 4))
    got = tema.ema(torch.tensor(x, device=device), beta, corrected=corrected)
    assert got.device.type == device and got.dtype == torch.float64
    np.testing.assert_allclose(
        got.cpu().numpy(), nema.ema(x, beta, corrected=corrected), rtol=1e-12, atol=1e-15
    )


@pytest.mark.parametrize("device", devices())
def test_torch_step_matches_torch_optim_lerp(device, rng):
    """torch.optim.Adam updates exp_avg with lerp_(grad, 1 - beta1): the same EMA step."""
    avg = torch.tensor(rng.normal(size=7), device=device)
    x = torch.tensor(rng.normal(size=7), device=device)
    torch.testing.assert_close(
        tema.ema_step(avg, x, 0.9), avg.clone().lerp_(x, 0.1), rtol=1e-13, atol=1e-15
    )


def test_torch_weights_and_corrections_match_numpy():
    torch.testing.assert_close(
        tema.ema_weights(0.9, 12), torch.from_numpy(nema.ema_weights(0.9, 12))
    )
    assert tema.ema_weights(0.9, 3, dtype=torch.float32).dtype == torch.float32
    v = torch.tensor([0.5, 1.0])
    torch.testing.assert_close(tema.bias_correction(v, 0.9, 3), v / (1 - 0.9**3))


def test_integer_input_is_promoted():
    assert nema.ema([1, 2, 3], 0.5).dtype == np.float64
    assert tema.ema(torch.tensor([1, 2, 3]), 0.5).is_floating_point()


# ---- invalid input -----------------------------------------------------------
@pytest.mark.parametrize("mod", [nema, tema], ids=["numpy", "torch"])
@pytest.mark.parametrize("beta", [1.0, -0.1, 1.5])
def test_beta_out_of_range(mod, beta):
    with pytest.raises(ValueError, match=f"Invalid beta value: {beta}"):
        mod.ema([1.0, 2.0], beta)
    with pytest.raises(ValueError, match=f"Invalid beta value: {beta}"):
        mod.effective_window(beta)


@pytest.mark.parametrize("mod", [nema, tema], ids=["numpy", "torch"])
def test_bad_types_and_shapes(mod):
    with pytest.raises(TypeError, match="Invalid beta value: '0.9'"):
        mod.ema([1.0], "0.9")
    with pytest.raises(TypeError, match="Invalid beta value: True"):
        mod.ema([1.0], True)
    with pytest.raises(ValueError, match=r"empty input of shape \(0,\)"):
        mod.ema(np.array([]), 0.9)
    with pytest.raises(ValueError, match=r"Invalid shape for x: \(\)"):
        mod.ema(np.float64(3.0), 0.9)
    with pytest.raises(ValueError, match=r"Invalid step t: 0"):
        mod.bias_correction(np.ones(2), 0.9, 0)
    with pytest.raises(TypeError, match=r"Invalid step t: 1.5"):
        mod.ema_weights(0.9, 1.5)
    with pytest.raises(ValueError, match=r"Invalid window n: 0"):
        mod.sma([1.0, 2.0], 0)
    with pytest.raises(ValueError, match=r"Invalid shape for x: \(3,\) \(expected \(2,\)"):
        mod.ema_step(np.zeros(2), np.zeros(3), 0.9)


def test_bad_dtypes_are_named():
    with pytest.raises(TypeError, match="Invalid dtype for x: complex128"):
        nema.ema(np.ones(3, dtype=complex), 0.9)
    with pytest.raises(TypeError, match="Invalid dtype for x: bool"):
        nema.ema(np.ones(3, dtype=bool), 0.9)
    with pytest.raises(TypeError, match="Invalid dtype for x: <U1"):
        nema.ema(["a", "b"], 0.9)
    with pytest.raises(TypeError, match="Invalid dtype for x: torch.complex64"):
        tema.ema(torch.ones(3, dtype=torch.complex64), 0.9)
    with pytest.raises(TypeError, match="Invalid dtype for x: torch.bool"):
        tema.ema(torch.ones(3, dtype=torch.bool), 0.9)


def test_beta_may_be_a_zero_dim_array_or_tensor():
    np.testing.assert_allclose(nema.ema([2.0], np.float64(0.5)), [1.0])
    np.testing.assert_allclose(tema.ema(torch.tensor([2.0]), torch.tensor(0.5)).numpy(), [1.0])

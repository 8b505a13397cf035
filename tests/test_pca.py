"""PCA (NumPy and torch) against sklearn.decomposition.PCA(svd_solver="full"), float64."""

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA as SkPCA
from sklearn.utils.extmath import svd_flip as sk_svd_flip

from coursepkg import pca as npca
from coursepkg.pca import PCA, eig_pca, n_components_for_variance, svd_flip
from coursepkg.torch import pca as tpca

from .conftest import devices


def spectrum_data(n=80, d=24, seed=0, low=0.05):
    """``n x d`` data with well-separated variances (so every component is well defined)."""
    rng = np.random.default_rng(seed)
    basis, _ = np.linalg.qr(rng.standard_normal((d, d)))
    scales = np.geomspace(10.0, low, d)
    return rng.standard_normal((n, d)) * scales @ basis.T + rng.uniform(-5, 5, d)


def low_rank_plus_noise(n=300, d=120, rank=6, noise=1e-2, seed=1):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, rank)) * np.geomspace(20, 2, rank) @ rng.standard_normal((rank, d))
    return A + noise * rng.standard_normal((n, d))


def to_numpy(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def make(backend, X):
    """The PCA class for ``backend`` and ``X`` converted for it."""
    if backend == "numpy":
        return PCA, X
    return tpca.PCA, torch.tensor(X, device=backend)


BACKENDS = ["numpy", *devices()]
ATTRS = ("mean_", "explained_variance_", "explained_variance_ratio_", "singular_values_")


def test_twin_has_the_same_names():
    assert sorted(tpca.__all__) == sorted(npca.__all__)


# ---- agreement with scikit-learn ------------------------------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("n_components", [None, 7, 0.9, 0.99])
@pytest.mark.parametrize("shape", [(80, 24), (30, 40)])
def test_full_solver_matches_sklearn(backend, n_components, shape):
    X = spectrum_data(*shape)
    ref = SkPCA(n_components, svd_solver="full").fit(X)
    cls, Xb = make(backend, X)
    ours = cls(n_components).fit(Xb)
    assert ours.n_components_ == ref.n_components_
    assert (ours.n_samples_, ours.n_features_in_) == (ref.n_samples_, ref.n_features_in_)
    for name in ATTRS:
        np.testing.assert_allclose(
            to_numpy(getattr(ours, name)), getattr(ref, name), rtol=1e-10, atol=1e-12
        )
    np.testing.assert_allclose(float(ours.noise_variance_), ref.noise_variance_, rtol=1e-10)
    # Components: the directions with a non-zero variance (centring 30 rows leaves rank 29,
    # the 30th direction of the wide matrix is arbitrary, in scikit-learn too).
    keep = ref.explained_variance_ > 1e-8 * ref.explained_variance_[0]
    ours_c, ref_c = to_numpy(ours.components_)[keep], ref.components_[keep]
    np.testing.assert_allclose(np.abs(ours_c), np.abs(ref_c), atol=1e-10)  # up to sign
    np.testing.assert_allclose(ours_c, ref_c, atol=1e-10)  # same sign convention
    Z, Z_ref = to_numpy(ours.transform(Xb)), ref.transform(X)
    np.testing.assert_allclose(Z[:, keep], Z_ref[:, keep], atol=1e-9)


@pytest.mark.parametrize("backend", BACKENDS)
def test_transform_round_trip_and_fit_transform(backend):
    X = spectrum_data()
    cls, Xb = make(backend, X)
    pca = cls().fit(Xb)
    Z = pca.transform(Xb)
    assert tuple(Z.shape) == (80, 24)
    np.testing.assert_allclose(to_numpy(pca.inverse_transform(Z)), X, atol=1e-11)
    np.testing.assert_allclose(to_numpy(cls().fit_transform(Xb)), to_numpy(Z), atol=1e-11)
    # Projected coordinates are uncorrelated, with the explained variances as variances.
    cov = np.cov(to_numpy(Z), rowvar=False)
    np.testing.assert_allclose(cov, np.diag(to_numpy(pca.explained_variance_)), atol=1e-10)
    # Fewer components: the reconstruction error is the discarded variance.
    k = 5
    small = cls(k).fit(Xb)
    X_hat = to_numpy(small.inverse_transform(small.transform(Xb)))
    discarded = to_numpy(pca.explained_variance_)[k:].sum()
    np.testing.assert_allclose(((X - X_hat) ** 2).sum() / (80 - 1), discarded, rtol=1e-10)


@pytest.mark.parametrize("retained", [0.3, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999])
def test_float_n_components_agrees_with_sklearn(retained):
    X = spectrum_data(100, 30, low=0.5)
    ref = SkPCA(retained, svd_solver="full").fit(X)
    ratio = PCA().fit(X).explained_variance_ratio_
    assert n_components_for_variance(ratio, retained) == ref.n_components_
    assert PCA(retained).fit(X).n_components_ == ref.n_components_
    k = ref.n_components_
    assert ratio[:k].sum() > retained and ratio[: k - 1].sum() <= retained
    assert tpca.n_components_for_variance(torch.tensor(ratio), retained) == k


def test_n_components_for_variance_rule_at_ties_and_limits():
    ratio = np.array([0.5, 0.25, 0.125, 0.125])
    # scikit-learn's rule: the cumulative ratio must *exceed* the target; at an exact tie
    # (0.5 + 0.25 == 0.75) it takes one more component than ">=" would.
    assert n_components_for_variance(ratio, 0.75) == 3
    assert n_components_for_variance(ratio, 0.74) == 2
    assert n_components_for_variance(ratio, 0.1) == 1
    assert n_components_for_variance(ratio, 1.0) == 4  # capped at the number of ratios
    with pytest.raises(ValueError, match=r"sums to 0.75 < retained = 0.9"):
        n_components_for_variance(ratio[:2], 0.9)
    for bad in (0, 1.5, -0.1, float("nan")):
        with pytest.raises(ValueError, match="Invalid retained"):
            n_components_for_variance(ratio, bad)
    with pytest.raises(ValueError, match=r"Invalid shape for explained_variance_ratio: \(2, 2\)"):
        n_components_for_variance(ratio.reshape(2, 2))


@pytest.mark.parametrize("backend", BACKENDS)
def test_randomized_solver_is_close_to_full_on_low_rank_plus_noise(backend):
    X = low_rank_plus_noise()
    cls, Xb = make(backend, X)
    full = cls(6).fit(Xb)
    fast = cls(6, svd_solver="randomized").fit(Xb)
    for name in ATTRS:
        np.testing.assert_allclose(
            to_numpy(getattr(fast, name)), to_numpy(getattr(full, name)), rtol=1e-8
        )
    np.testing.assert_allclose(to_numpy(fast.components_), to_numpy(full.components_), atol=1e-8)
    np.testing.assert_allclose(float(fast.noise_variance_), float(full.noise_variance_), rtol=1e-6)
    ref = SkPCA(6, svd_solver="randomized", random_state=0).fit(X)
    np.testing.assert_allclose(to_numpy(fast.components_), ref.components_, atol=1e-8)
    np.testing.assert_allclose(float(fast.noise_variance_), ref.noise_variance_, rtol=1e-8)
    # The NumPy and torch versions draw the same sketch: they agree to round-off.
    same = PCA(6, svd_solver="randomized").fit(X)
    np.testing.assert_allclose(to_numpy(fast.components_), same.components_, atol=1e-12)


def test_randomized_svd_and_power_iterations():
    X = low_rank_plus_noise(noise=0.5)
    s_true = np.linalg.svd(X, compute_uv=False)[:6]
    errors = []
    for q in (0, 1, 4):
        U, S, Vt = npca.randomized_svd(X, 6, n_oversamples=2, n_iter=q)
        assert U.shape == (300, 6) and S.shape == (6,) and Vt.shape == (6, 120)
        np.testing.assert_allclose(U.T @ U, np.eye(6), atol=1e-12)
        errors.append(np.abs(S - s_true).max() / s_true[0])
    assert errors[2] < errors[1] < errors[0]  # power iterations sharpen the estimate
    assert errors[2] < 1e-10
    Ut, St, Vtt = tpca.randomized_svd(torch.tensor(X), 6, n_oversamples=2, n_iter=4)
    np.testing.assert_allclose(Vtt.numpy(), Vt, atol=1e-12)


@pytest.mark.parametrize("solver", ["full", "randomized"])
def test_two_fits_are_identical(solver):
    X = low_rank_plus_noise()
    a, b = (PCA(6, svd_solver=solver).fit(X) for _ in range(2))
    for name in (*ATTRS, "components_"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    ta, tb = (tpca.PCA(6, svd_solver=solver).fit(torch.tensor(X)) for _ in range(2))
    assert torch.equal(ta.components_, tb.components_)


# ---- sign convention, covariance route ------------------------------------------------------
def test_svd_flip_is_sklearns_pca_convention(rng):
    A = rng.standard_normal((9, 5))
    U, S, Vt = np.linalg.svd(A, full_matrices=False)
    u, vt = svd_flip(U, Vt)
    u_ref, vt_ref = sk_svd_flip(U.copy(), Vt.copy(), u_based_decision=False)
    np.testing.assert_array_equal(u, u_ref)
    np.testing.assert_array_equal(vt, vt_ref)
    np.testing.assert_allclose(u * S @ vt, A, atol=1e-13)
    rows = np.arange(5)
    assert (vt[rows, np.abs(vt).argmax(axis=1)] > 0).all()
    assert np.array_equal(U, np.linalg.svd(A, full_matrices=False)[0])  # inputs untouched
    _, tvt = tpca.svd_flip(None, torch.tensor(Vt))
    np.testing.assert_array_equal(tvt.numpy(), vt_ref)


@pytest.mark.parametrize("backend", BACKENDS)
def test_covariance_route_equals_svd_route(backend):
    X = spectrum_data()
    cls, Xb = make(backend, X)
    mod = npca if backend == "numpy" else tpca
    np.testing.assert_allclose(to_numpy(mod.covariance(Xb)), np.cov(X, rowvar=False), rtol=1e-12)
    values, vectors = mod.eig_pca(Xb, 10)
    pca = cls(10).fit(Xb)
    np.testing.assert_allclose(to_numpy(values), to_numpy(pca.explained_variance_), rtol=1e-10)
    np.testing.assert_allclose(to_numpy(vectors), to_numpy(pca.components_), atol=1e-9)
    assert tuple(mod.eig_pca(Xb)[1].shape) == (24, 24)


def test_eig_pca_keeps_round_off_that_the_svd_does_not_show():
    X = spectrum_data(10, 40)  # d > n: 31 variances are exactly 0
    values, _ = eig_pca(X)
    assert values.shape == (40,) and np.abs(values[9:]).max() < 1e-12
    assert values[9:].min() != 0.0  # not clipped: round-off of either sign
    pca = PCA().fit(X)
    assert pca.n_components_ == 10 and (pca.explained_variance_ >= 0).all()
    with pytest.raises(ValueError, match=r"Invalid n_components: 41 \(expected <= n_features"):
        eig_pca(X, 41)


# ---- dtypes, devices, constant features -----------------------------------------------------
def test_float32_is_kept_and_close_to_sklearn_float32():
    X = spectrum_data().astype(np.float32)
    ours, ref = PCA(5).fit(X), SkPCA(5, svd_solver="full").fit(X)
    assert ours.components_.dtype == np.float32 and ours.transform(X).dtype == np.float32
    np.testing.assert_allclose(ours.explained_variance_ratio_, ref.explained_variance_ratio_, 1e-5)
    np.testing.assert_allclose(ours.components_, ref.components_, atol=1e-4)
    t = tpca.PCA(5).fit(torch.tensor(X))
    assert t.components_.dtype == torch.float32
    np.testing.assert_allclose(t.components_.numpy(), ref.components_, atol=1e-4)


def test_integer_input_becomes_float64():
    X = np.random.default_rng(0).integers(0, 10, size=(20, 4))
    ours = PCA().fit(X)
    assert ours.components_.dtype == np.float64
    np.testing.assert_allclose(ours.components_, SkPCA().fit(X).components_, atol=1e-12)
    t = tpca.PCA().fit(torch.tensor(X))
    assert t.components_.dtype == torch.get_default_dtype()


@pytest.mark.parametrize("device", devices())
def test_torch_attributes_live_on_the_input_device(device):
    X = torch.tensor(spectrum_data(), device=device)
    pca = tpca.PCA(3).fit(X)
    for name in (*ATTRS, "components_", "noise_variance_"):
        value = getattr(pca, name)
        assert isinstance(value, torch.Tensor) and value.device.type == device, name
    assert pca.transform(X).device.type == device


@pytest.mark.parametrize("backend", BACKENDS)
def test_constant_features_get_zero_variance(backend):
    X = spectrum_data(50, 6)
    X[:, 2] = 3.7  # constant
    ref = SkPCA(svd_solver="full").fit(X)
    cls, Xb = make(backend, X)
    pca = cls().fit(Xb)
    ratio = to_numpy(pca.explained_variance_ratio_)
    assert np.isfinite(ratio).all()
    np.testing.assert_allclose(ratio.sum(), 1.0, rtol=1e-12)
    np.testing.assert_allclose(ratio, ref.explained_variance_ratio_, atol=1e-12)
    assert ratio[-1] < 1e-25  # the constant feature's direction carries no variance
    np.testing.assert_allclose(to_numpy(pca.components_)[:5, 2], 0.0, atol=1e-12)
    with pytest.raises(ValueError, match="every feature is constant"):
        cls().fit(Xb[:, 2:3] * Xb[:, 2:3] ** 0)


# ---- invalid input --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "bad",
    [0, -1, 25, 1.0, 1.5, -0.5, 0.0, True, "mle", "3", [2]],
)
def test_invalid_n_components(bad):
    X = spectrum_data()  # min(n, d) = 24
    with pytest.raises(ValueError, match=r"Invalid n_components: "):
        PCA(bad).fit(X)
    with pytest.raises(ValueError, match=r"Invalid n_components: "):
        tpca.PCA(bad).fit(torch.tensor(X))


def test_invalid_hyperparameters():
    X = spectrum_data()
    with pytest.raises(ValueError, match=r"Invalid svd_solver: 'arpack'"):
        PCA(svd_solver="arpack").fit(X)
    with pytest.raises(ValueError, match=r"Invalid n_components: 0.9 \(a variance fraction needs"):
        PCA(0.9, svd_solver="randomized").fit(X)
    with pytest.raises(ValueError, match="Invalid n_iter: -1"):
        PCA(3, svd_solver="randomized", n_iter=-1).fit(X)
    with pytest.raises(ValueError, match="Invalid n_oversamples: 2.5"):
        PCA(3, svd_solver="randomized", n_oversamples=2.5).fit(X)
    assert repr(PCA(0.95)) == "PCA(n_components=0.95, svd_solver='full')"


@pytest.mark.parametrize("backend", ["numpy", "cpu"])
def test_invalid_data(backend):
    cls, X = make(backend, spectrum_data())
    with pytest.raises(ValueError, match=r"Invalid shape for X: \(80,\) \(expected 2-D"):
        cls().fit(X[:, 0])
    with pytest.raises(ValueError, match=r"Invalid shape for X: \(2, 40, 24\)"):
        cls().fit(X.reshape(2, 40, 24))
    with pytest.raises(ValueError, match=r"Invalid shape for X: \(1, 24\) \(expected at least 2"):
        cls().fit(X[:1])
    for value in (float("nan"), float("inf")):
        Y = X.copy() if backend == "numpy" else X.clone()
        Y[3, 4] = value
        with pytest.raises(ValueError, match="Invalid X: it contains NaN or infinity"):
            cls().fit(Y)
    bad_dtype = X > 0  # bool
    with pytest.raises(TypeError, match="Invalid dtype for X: .*bool"):
        cls().fit(bad_dtype)
    with pytest.raises(RuntimeError, match=r"PCA is not fitted yet; call fit\(X\) first"):
        cls().transform(X)
    with pytest.raises(RuntimeError, match="not fitted yet"):
        cls().inverse_transform(X)
    pca = cls(3).fit(X)
    with pytest.raises(ValueError, match=r"Invalid shape for X: \(80, 23\) \(expected \(n_samples"):
        pca.transform(X[:, :23])
    with pytest.raises(ValueError, match=r"Invalid shape for Z: \(80, 4\) \(expected \(n_samples"):
        pca.inverse_transform(X[:, :4])


def test_strings_and_mixed_backends_are_rejected():
    X = spectrum_data()
    with pytest.raises(TypeError, match="Invalid dtype for X"):
        PCA().fit(np.array([["a", "b"], ["c", "d"]]))
    with pytest.raises(TypeError, match=r"expected a torch.Tensor; use coursepkg.pca.PCA"):
        tpca.PCA().fit(X)
    with pytest.raises(TypeError, match="expected a torch.Tensor"):
        tpca.covariance(X)
    fitted = tpca.PCA(2).fit(torch.tensor(X))
    with pytest.raises(TypeError, match="expected a torch.Tensor"):
        fitted.transform(X)
    with pytest.raises(TypeError, match="fitted on a torch.Tensor"):
        fitted.inverse_transform(np.ones((3, 2)))
    with pytest.raises(TypeError, match="fitted on a NumPy array"):
        PCA(2).fit(X).transform(torch.tensor(X))

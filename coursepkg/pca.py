"""Principal component analysis (PCA) from scratch, written once for NumPy and torch.

Chapter: *Principal component analysis and eigenfaces* (``book/pca.ipynb``).

Notation (as in the chapter): data :math:`X \\in \\mathbb{R}^{n \\times d}` (one example per
row), mean :math:`\\mu = \\frac1n \\sum_i x_i`, centred data :math:`X_c = X - \\mu`.

* **Covariance route** (:func:`covariance`, :func:`eig_pca`):
  :math:`\\Sigma = X_c^\\top X_c / (n - 1) = V \\Lambda V^\\top`, eigenvalues in decreasing order.
* **SVD route** (:class:`PCA`, the default): :math:`X_c = U S V^\\top`, so that
  :math:`\\Sigma = V \\frac{S^2}{n-1} V^\\top`: the right singular vectors are the eigenvectors
  and :math:`\\lambda_j = s_j^2 / (n - 1)`. The SVD never forms :math:`X_c^\\top X_c`, whose
  condition number is the *square* of that of :math:`X_c`; small variances computed through
  the covariance lose about twice as many digits (and can even come out negative).
* **Projection** onto the top :math:`k` directions :math:`V_k \\in \\mathbb{R}^{d \\times k}`:
  :math:`z = V_k^\\top (x - \\mu)`, i.e. ``Z = (X - mean_) @ components_.T``; **reconstruction**
  :math:`\\hat x = V_k z + \\mu`.
* **Variance retained** by :math:`k` components:
  :math:`\\sum_{j \\le k} \\lambda_j / \\sum_j \\lambda_j`.

Conventions (all as ``sklearn.decomposition.PCA(svd_solver="full")`` 1.9):

* ``components_`` has shape ``(k, d)``: the principal directions are its **rows**.
* Signs are made deterministic by :func:`svd_flip`: in every row of ``components_`` the entry
  of largest absolute value is positive (scikit-learn's ``u_based_decision=False``, the
  decision PCA uses), so the components equal scikit-learn's, not just up to sign.
* ``explained_variance_`` divides by ``n - 1`` (unbiased), not ``n``.

The torch twin (same names and signatures, tensors on any device) is
:mod:`coursepkg.torch.pca`.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._backend import copy, is_tensor, namespace
from ._validate import check_dtype, check_real, dtype_kind

__all__ = [
    "PCA",
    "covariance",
    "eig_pca",
    "n_components_for_variance",
    "randomized_svd",
    "svd_flip",
]


# ---- backend helpers ------------------------------------------------------------------------
def _as_float(x):
    """``float32``/``float64`` kept; any other real dtype becomes float64 (NumPy) or torch's
    default dtype (torch), as the linear algebra needs it."""
    if is_tensor(x):
        import torch

        return x if x.dtype in (torch.float32, torch.float64) else x.to(torch.get_default_dtype())
    return x if x.dtype in (np.float32, np.float64) else x.astype(np.float64)


def _like(a, like):
    """The NumPy array ``a`` in the dtype (and on the device) of ``like``."""
    if is_tensor(like):
        import torch

        return torch.as_tensor(a, dtype=like.dtype, device=like.device)
    return np.asarray(a, dtype=like.dtype)


def _arange(n, like):
    if is_tensor(like):
        import torch

        return torch.arange(n, device=like.device)
    return np.arange(n)


def _svd(a):
    """Thin SVD ``a = U diag(S) Vt``, singular values in decreasing order (LAPACK ``gesdd``).

    NumPy arrays go through ``scipy.linalg.svd``, as in scikit-learn: same algorithm as
    ``numpy.linalg.svd``, but SciPy's LAPACK build was about 1.8x faster in float32 on the
    course's CI machine (``tests/benchmarks/pca_fit.py``). Tensors use ``torch.linalg.svd``.
    """
    if is_tensor(a):
        import torch

        return torch.linalg.svd(a, full_matrices=False)
    import scipy.linalg

    return scipy.linalg.svd(a, full_matrices=False, check_finite=False)


def _check_matrix(X, name="X", min_rows=2):
    """A finite real 2-D array with at least ``min_rows`` rows, as a float array."""
    check_dtype(X, name)
    if X.ndim != 2:
        raise ValueError(
            f"Invalid shape for {name}: {tuple(X.shape)} (expected 2-D (n_samples, n_features))"
        )
    if X.shape[0] < min_rows or X.shape[1] < 1:
        raise ValueError(
            f"Invalid shape for {name}: {tuple(X.shape)} (expected at least {min_rows} samples "
            "and 1 feature)"
        )
    X = _as_float(X)
    if not bool(namespace(X).isfinite(X).all()):
        raise ValueError(f"Invalid {name}: it contains NaN or infinity")
    return X


def _check_int(value, name, low):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"Invalid {name}: {value!r} (expected an integer >= {low})")
    return int(value)


# ---- the formulas ---------------------------------------------------------------------------
def svd_flip(u, vt):
    """Deterministic signs for an SVD: flip each singular pair so that the entry of largest
    absolute value in every row of ``vt`` is positive.

    ``u`` (shape ``(n, k)``, or ``None``) and ``vt`` (shape ``(k, d)``) come from
    ``u @ diag(s) @ vt``; flipping the sign of column ``j`` of ``u`` *and* row ``j`` of ``vt``
    leaves the product unchanged. This is the decision ``sklearn.decomposition.PCA`` makes
    (``sklearn.utils.extmath.svd_flip(u, v, u_based_decision=False)``); note that
    scikit-learn's *default* for ``svd_flip`` itself is the ``u``-based decision, which PCA
    does not use. Ties go to the first maximal entry. Returns new arrays ``(u, vt)``.
    """
    xp = namespace(vt)
    rows = _arange(vt.shape[0], like=vt)
    signs = xp.sign(vt[rows, xp.argmax(xp.abs(vt), axis=1)])
    signs = xp.where(signs == 0, xp.ones_like(signs), signs)
    return (None if u is None else u * signs[None, :]), vt * signs[:, None]


def randomized_svd(A, n_components, *, n_oversamples=10, n_iter=4, random_state=0):
    """Approximate top-``n_components`` SVD ``A ≈ U diag(S) Vt`` (Halko, Martinsson and Tropp,
    2011: randomized range finder with power iterations).

    1. Sketch the range of ``A`` (shape ``(m, n)``) with a Gaussian test matrix
       :math:`\\Omega \\in \\mathbb{R}^{n \\times l}`, :math:`l = k +` ``n_oversamples``:
       :math:`Q = \\operatorname{qr}(A \\Omega)`.
    2. ``n_iter`` power iterations :math:`Q \\leftarrow \\operatorname{qr}(A\\,
       \\operatorname{qr}(A^\\top Q))` sharpen the sketch (the singular values are raised to
       the power :math:`2q+1`, so a slowly decaying spectrum is separated from the noise);
       re-orthonormalizing at each step keeps the small directions from being lost.
    3. Exact SVD of the small matrix :math:`B = Q^\\top A` (shape ``(l, n)``):
       :math:`B = \\hat U S V^\\top`, and :math:`U = Q \\hat U`.

    :math:`\\Omega` is drawn by NumPy from ``random_state`` (a seed; ``None`` for fresh
    entropy) and then moved to ``A``'s dtype and device, so a NumPy array and a tensor with
    the same values give the same sketch. Signs follow :func:`svd_flip`. Cost
    :math:`O(mnl)` per pass instead of :math:`O(mn \\min(m, n))`.
    """
    check_dtype(A, "A")
    if A.ndim != 2:
        raise ValueError(f"Invalid shape for A: {tuple(A.shape)} (expected 2-D (m, n))")
    A = _as_float(A)
    m, n = A.shape
    k = _check_int(n_components, "n_components", 1)
    if k > min(m, n):
        raise ValueError(f"Invalid n_components: {k} (expected <= min(A.shape) = {min(m, n)})")
    p = _check_int(n_oversamples, "n_oversamples", 0)
    q = _check_int(n_iter, "n_iter", 0)
    xp = namespace(A)
    sketch_size = min(k + p, m, n)
    omega = _like(np.random.default_rng(random_state).standard_normal((n, sketch_size)), A)
    Q, _ = xp.linalg.qr(A @ omega)
    for _ in range(q):
        Q, _ = xp.linalg.qr(A.T @ Q)
        Q, _ = xp.linalg.qr(A @ Q)
    U_hat, S, Vt = _svd(Q.T @ A)
    U, Vt = svd_flip((Q @ U_hat)[:, :k], Vt[:k])
    return U, S[:k], Vt


def covariance(X):
    """Sample covariance of the columns of ``X`` (shape ``(n, d)``, ``n >= 2``):
    :math:`\\Sigma = (X - \\mu)^\\top (X - \\mu) / (n - 1)`, shape ``(d, d)``.

    Equals ``np.cov(X, rowvar=False)`` (NumPy's default ``rowvar=True`` treats *rows* as
    variables; the course always has one example per row).
    """
    X = _check_matrix(X)
    Xc = X - X.mean(axis=0)
    return Xc.T @ Xc / (X.shape[0] - 1)


def eig_pca(X, n_components=None):
    """PCA through the eigendecomposition of :func:`covariance` — the textbook route, for
    comparison with :class:`PCA`'s SVD.

    Returns ``(explained_variance, components)``: the eigenvalues :math:`\\lambda_1 \\ge
    \\lambda_2 \\ge \\dots` (shape ``(k,)``) and the unit eigenvectors as **rows** (shape
    ``(k, d)``, signs as :func:`svd_flip`), the top ``n_components`` (an int, or ``None``
    for all ``d``). On well-conditioned data they equal ``PCA.explained_variance_`` and
    ``PCA.components_``. The eigenvalues are returned as computed, **not** clipped at 0:
    on rank-deficient data (``d > n``, constant or collinear features) the ones that should
    be 0 come out as round-off of either sign, one reason the SVD route is preferred.
    """
    C = covariance(X)
    d = C.shape[0]
    k = d if n_components is None else _check_int(n_components, "n_components", 1)
    if k > d:
        raise ValueError(f"Invalid n_components: {k} (expected <= n_features = {d})")
    xp = namespace(C)
    eigenvalues, eigenvectors = xp.linalg.eigh(C)  # ascending order, eigenvectors as columns
    eigenvalues = xp.flip(eigenvalues, (0,))[:k]
    _, components = svd_flip(None, xp.flip(eigenvectors, (1,)).T[:k])
    return eigenvalues, components


def n_components_for_variance(explained_variance_ratio, retained=0.99):
    """The number of components that retains more than the fraction ``retained`` of the
    variance: the smallest :math:`k` with :math:`r_1 + \\dots + r_k > \\text{retained}`.

    ``explained_variance_ratio`` is a 1-D array of ratios in decreasing order (all of
    them, e.g. from ``PCA().fit(X)``, so that they sum to 1); ``retained`` is in
    ``(0, 1]``. This is scikit-learn's rule for a float ``n_components``
    (``searchsorted(cumsum, retained, side="right") + 1``): the cumulative ratio must
    *exceed* ``retained``, which differs from "``>= retained``" only at an exact tie, where
    it takes one more component. The result is capped at ``len(explained_variance_ratio)``
    (for ``retained = 1`` or when round-off leaves the total a hair below ``retained``).
    Raises ``ValueError`` when the ratios given fall short of ``retained`` by more than
    round-off (a truncated PCA cannot tell how many more components are needed).
    """
    r = explained_variance_ratio
    check_dtype(r, "explained_variance_ratio")
    if r.ndim != 1 or r.shape[0] == 0:
        raise ValueError(
            f"Invalid shape for explained_variance_ratio: {tuple(r.shape)} (expected 1-D, "
            "non-empty)"
        )
    target = check_real(retained, "retained")
    if not 0.0 < target <= 1.0:
        raise ValueError(f"Invalid retained: {retained} (expected 0 < retained <= 1)")
    cumulative = namespace(r).cumsum(_as_float(r), axis=0)
    total = float(cumulative[-1])
    if total < target - 1e-6:
        raise ValueError(
            f"Invalid explained_variance_ratio: it sums to {total:.6g} < retained = {target} "
            "(pass the ratios of all components, e.g. from PCA().fit(X))"
        )
    k = int((cumulative <= target).sum()) + 1
    return min(k, r.shape[0])


# ---- the estimator --------------------------------------------------------------------------
class PCA:
    """Principal component analysis in the scikit-learn style: ``fit(X)`` learns the mean
    and the principal directions, ``transform`` projects, ``inverse_transform``
    reconstructs.

    Parameters (stored as given; checked by ``fit``):

    ``n_components``
        ``None``: all :math:`\\min(n, d)` components; an int :math:`k` with
        :math:`1 \\le k \\le \\min(n, d)`; or a float in :math:`(0, 1)`: the fraction of the
        variance to retain, :math:`k` chosen by :func:`n_components_for_variance`
        (``svd_solver="full"`` only). Booleans and strings are rejected.
    ``svd_solver``
        ``"full"``: thin SVD of the centred data (LAPACK ``gesdd``: ``scipy.linalg.svd``
        for NumPy, as in scikit-learn, ``torch.linalg.svd`` for tensors), exact; never the
        covariance matrix (see :func:`eig_pca` for that route). ``"randomized"``:
        :func:`randomized_svd` with ``n_oversamples``, ``n_iter`` power iterations and the
        seed ``random_state`` — approximate, much faster when :math:`k \\ll \\min(n, d)`.

    Input: a finite real 2-D array ``(n_samples, n_features)`` with ``n_samples >= 2``;
    ``float32`` and ``float64`` are kept, other real dtypes become ``float64``. ``X`` is
    never modified.

    Fitted attributes (as ``sklearn.decomposition.PCA``): ``mean_`` ``(d,)``,
    ``components_`` ``(k, d)`` (rows = directions, signs by :func:`svd_flip`),
    ``explained_variance_`` :math:`s_j^2/(n-1)`, ``explained_variance_ratio_`` (divided by
    the total variance of the data), ``singular_values_`` :math:`s_j`, ``n_components_``,
    ``n_samples_``, ``n_features_in_``, and ``noise_variance_`` (the mean of the discarded
    variances, the probabilistic-PCA estimate; 0 when nothing is discarded).

    Constant features are allowed: they add nothing to the variance, so no component
    loads on them and ``explained_variance_ratio_`` stays finite (the trailing variances of
    rank-deficient data are 0 up to round-off). Data where *every* feature is constant
    has no variance to explain and raises ``ValueError``.
    """

    _SOLVERS = ("full", "randomized")

    def __init__(
        self,
        n_components=None,
        *,
        svd_solver="full",
        n_oversamples=10,
        n_iter=4,
        random_state=0,
    ):
        self.n_components = n_components
        self.svd_solver = svd_solver
        self.n_oversamples = n_oversamples
        self.n_iter = n_iter
        self.random_state = random_state

    def __repr__(self) -> str:
        args = [f"n_components={self.n_components!r}", f"svd_solver={self.svd_solver!r}"]
        if self.svd_solver == "randomized":
            args += [
                f"n_oversamples={self.n_oversamples!r}",
                f"n_iter={self.n_iter!r}",
                f"random_state={self.random_state!r}",
            ]
        return f"{type(self).__name__}({', '.join(args)})"

    # -- checks (the torch twin overrides _check_input to insist on tensors) --
    def _check_input(self, X, name="X"):
        return _check_matrix(X, name)

    def _check_n_components(self, n, d):
        """``("all", m)``, ``("int", k)`` or ``("fraction", f)``."""
        m = min(n, d)
        nc = self.n_components
        if self.svd_solver not in self._SOLVERS:
            raise ValueError(
                f"Invalid svd_solver: {self.svd_solver!r} (expected 'full' or 'randomized')"
            )
        if nc is None:
            return "all", m
        if isinstance(nc, bool) or not isinstance(nc, numbers.Real):
            raise ValueError(
                f"Invalid n_components: {nc!r} (expected None, an integer in [1, {m}] or a "
                "float in (0, 1))"
            )
        if isinstance(nc, numbers.Integral):
            if not 1 <= nc <= m:
                raise ValueError(
                    f"Invalid n_components: {nc} (expected 1 <= n_components <= "
                    f"min(n_samples, n_features) = {m})"
                )
            return "int", int(nc)
        if not 0.0 < nc < 1.0:
            raise ValueError(
                f"Invalid n_components: {nc} (a float is the fraction of variance to retain, "
                "expected 0 < n_components < 1)"
            )
        if self.svd_solver != "full":
            raise ValueError(
                f"Invalid n_components: {nc} (a variance fraction needs svd_solver='full', "
                f"got {self.svd_solver!r})"
            )
        return "fraction", float(nc)

    def _check_fitted(self):
        if not hasattr(self, "components_"):
            raise RuntimeError(f"{type(self).__name__} is not fitted yet; call fit(X) first")

    def _check_like_fit(self, X, width, name):
        """Same kind of array, device and width as at fit; cast to the fitted dtype."""
        X = self._check_input(X, name) if name == "X" else X
        if is_tensor(X) != is_tensor(self.mean_):
            kind = "a torch.Tensor" if is_tensor(self.mean_) else "a NumPy array"
            raise TypeError(f"Invalid {name}: {type(X).__name__} (this PCA was fitted on {kind})")
        if is_tensor(X) and X.device != self.mean_.device:
            raise ValueError(
                f"Invalid device for {name}: {X.device} (this PCA was fitted on "
                f"{self.mean_.device})"
            )
        if X.ndim != 2 or X.shape[1] != width:
            raise ValueError(
                f"Invalid shape for {name}: {tuple(X.shape)} (expected (n_samples, {width}))"
            )
        return X.to(self.mean_.dtype) if is_tensor(X) else X.astype(self.mean_.dtype, copy=False)

    # -- fit --
    def _fit(self, X):
        X = self._check_input(X)
        n, d = X.shape
        mode, value = self._check_n_components(n, d)
        xp = namespace(X)
        if bool((xp.amax(X, axis=0) == xp.amin(X, axis=0)).all()):
            raise ValueError(
                "Invalid X: every feature is constant (total variance 0, nothing to explain)"
            )
        m = min(n, d)
        self.mean_ = X.mean(axis=0)
        Xc = X - self.mean_
        if self.svd_solver == "full":
            U, S, Vt = _svd(Xc)
            U, Vt = svd_flip(U, Vt)
            variance = S**2 / (n - 1)
            ratio = variance / variance.sum()
            k = n_components_for_variance(ratio, value) if mode == "fraction" else value
            noise = variance[k:].sum() / max(m - k, 1)
        else:
            k = value
            U, S, Vt = randomized_svd(
                Xc,
                k,
                n_oversamples=self.n_oversamples,
                n_iter=self.n_iter,
                random_state=self.random_state,
            )
            variance = S**2 / (n - 1)
            total = (Xc * Xc).sum() / (n - 1)
            ratio = variance / total
            noise = (total - variance.sum()) / max(m - k, 1)
            if k == m:
                noise = noise * 0
        self.components_ = copy(Vt[:k])
        self.explained_variance_ = copy(variance[:k])
        self.explained_variance_ratio_ = copy(ratio[:k])
        self.singular_values_ = copy(S[:k])
        self.noise_variance_ = noise
        self.n_components_ = k
        self.n_samples_ = n
        self.n_features_in_ = d
        return U[:, :k], S[:k]

    def fit(self, X):
        """Learn ``mean_`` and the principal directions from ``X`` ``(n, d)``; returns ``self``."""
        self._fit(X)
        return self

    def fit_transform(self, X):
        """``fit(X)`` then the projection of ``X``, computed as :math:`U_k S_k` from the SVD
        (equal to ``transform(X)`` up to round-off, as in scikit-learn)."""
        U, S = self._fit(X)
        return U * S[None, :]

    def transform(self, X):
        """Project: ``Z = (X - mean_) @ components_.T``, shape ``(n, n_components_)``."""
        self._check_fitted()
        X = self._check_like_fit(X, self.n_features_in_, "X")
        return (X - self.mean_) @ self.components_.T

    def inverse_transform(self, Z):
        """Reconstruct: ``X_hat = Z @ components_ + mean_``, shape ``(n, n_features_in_)``.

        With all :math:`\\min(n, d)` components this gives ``X`` back (up to round-off) for
        the training data; with fewer it is the best rank-``k`` approximation around
        ``mean_`` in the least-squares sense.
        """
        self._check_fitted()
        check_dtype(Z, "Z")
        if dtype_kind(Z.dtype) != "f":
            Z = _as_float(Z)
        Z = self._check_like_fit(Z, self.n_components_, "Z")
        return Z @ self.components_ + self.mean_

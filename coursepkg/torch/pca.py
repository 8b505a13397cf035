"""Principal component analysis on tensors: the twin of :mod:`coursepkg.pca`.

Same names, signatures and formulas (they are written once, in :mod:`coursepkg.pca`):
``torch.linalg.svd`` for the full solver, the same randomized range finder (Halko et al.)
for ``svd_solver="randomized"``, the same sign convention (:func:`svd_flip`). Inputs must
be tensors; everything is computed on their device, and the fitted attributes
(``mean_``, ``components_``, ``explained_variance_``, ...) are tensors on that device.
Integer tensors are promoted to ``torch.get_default_dtype()``.

Chapter: *Principal component analysis and eigenfaces* (``book/pca.ipynb``).
"""

from __future__ import annotations

import torch

from .. import pca as _generic
from ._twin import tensors_only

__all__ = list(_generic.__all__)

covariance = tensors_only(_generic.covariance, __name__)
eig_pca = tensors_only(_generic.eig_pca, __name__)
n_components_for_variance = tensors_only(_generic.n_components_for_variance, __name__)
randomized_svd = tensors_only(_generic.randomized_svd, __name__)
svd_flip = tensors_only(_generic.svd_flip, __name__, tensor_arg=1)  # u may be None


class PCA(_generic.PCA):
    __doc__ = (_generic.PCA.__doc__ or "") + (
        "\n    This twin takes ``torch.Tensor`` input only (``TypeError`` for a NumPy array) and"
        "\n    keeps every fitted array on the input's device.\n"
    )

    def _check_input(self, X, name="X"):
        if not isinstance(X, torch.Tensor):
            raise TypeError(
                f"Invalid input to {__name__}.PCA: {name} is {type(X).__name__} "
                "(expected a torch.Tensor; use coursepkg.pca.PCA for NumPy arrays)"
            )
        return super()._check_input(X, name)

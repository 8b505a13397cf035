"""PyTorch twins of the NumPy implementations in :mod:`coursepkg`.

Each module here has the same name, the same function names and the same
signatures as its NumPy twin, works on tensors on any device (CUDA when
present), and is tested against the NumPy version and the production library.
"""

from . import (
    augmentation,
    batchnorm,
    ema,
    features,
    gradcheck,
    init,
    layers,
    metrics,
    mlp,
    optim,
    pca,
    preprocessing,
    regularization,
    schedules,
    second_order,
    surfaces,
)

__all__ = [
    "augmentation",
    "batchnorm",
    "ema",
    "features",
    "gradcheck",
    "init",
    "layers",
    "metrics",
    "mlp",
    "optim",
    "pca",
    "preprocessing",
    "regularization",
    "schedules",
    "second_order",
    "surfaces",
]

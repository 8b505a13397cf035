"""coursepkg: the companion package of the open course *Training Deep Models*.

Each concept the book teaches has a module named as its chapter names it, with a
from-scratch NumPy implementation; :mod:`coursepkg.torch` holds the PyTorch
twins (same names and signatures, any device). The public API is small on purpose:

- :mod:`coursepkg.ema`       exponentially weighted averages
- :mod:`coursepkg.layers`    forward/backward of linear layers, activations and losses
- :mod:`coursepkg.mlp`       a multilayer perceptron composed from those layers
- :mod:`coursepkg.batchnorm` batch normalization, forward/backward, running statistics
- :mod:`coursepkg.regularization` L1/L2 penalties, inverted dropout, early stopping, bagging
- :mod:`coursepkg.augmentation` data augmentation on batches of images
- :mod:`coursepkg.gradcheck` centred-difference gradient checking
- :mod:`coursepkg.init`      weight initializers (zeros ... Xavier, LeCun, He)
- :mod:`coursepkg.preprocessing` train/dev/test splits, standardization, mini-batches
- :mod:`coursepkg.optim`     SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW
- :mod:`coursepkg.schedules` learning-rate schedules
- :mod:`coursepkg.second_order` Taylor expansions, Newton's method, BFGS
- :mod:`coursepkg.surfaces`  2-D test functions and optimizer trajectories
- :mod:`coursepkg.features`  grayscale, DCT/DFT compression, image metrics, correlation
- :mod:`coursepkg.pca`       principal component analysis (full and randomized SVD)
- :mod:`coursepkg.metrics`   confusion matrix, precision/recall/F-beta and every derived rate
- :mod:`coursepkg.strategy`  bias/variance diagnosis, error analysis, satisficing metrics
- :mod:`coursepkg.tuning`    grid/random/coarse-to-fine search and the Optuna bridge
- :mod:`coursepkg.data`      datasets: checksummed cached downloads, offline fallbacks
- :mod:`coursepkg.device`    which device and which dataset a notebook is using
- :mod:`coursepkg.grading`   helpers the autograded exercises use

Each algorithm module has a twin of the same name in :mod:`coursepkg.torch`.
"""

__version__ = "0.1.0"

from . import (  # noqa: E402
    augmentation,
    batchnorm,
    data,
    device,
    ema,
    features,
    gradcheck,
    grading,
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
    strategy,
    surfaces,
    tuning,
)

__all__ = [
    "__version__",
    "augmentation",
    "batchnorm",
    "data",
    "device",
    "ema",
    "features",
    "gradcheck",
    "grading",
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
    "strategy",
    "surfaces",
    "tuning",
]

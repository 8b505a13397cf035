"""coursepkg: the companion package of the open course *Training Deep Models*.

Each concept the book teaches has a module named as its chapter names it, with a
from-scratch NumPy implementation; :mod:`coursepkg.torch` holds the PyTorch
twins (same names and signatures, any device). The public API is small on purpose:

- :mod:`coursepkg.ema`       exponentially weighted averages
- :mod:`coursepkg.layers`    forward/backward of linear layers, activations and losses
- :mod:`coursepkg.mlp`       a multilayer perceptron composed from those layers
- :mod:`coursepkg.gradcheck` centred-difference gradient checking
- :mod:`coursepkg.init`      weight initializers (zeros ... Xavier, LeCun, He)
- :mod:`coursepkg.preprocessing` train/dev/test splits, standardization, mini-batches
- :mod:`coursepkg.data`      datasets: checksummed cached downloads, offline fallbacks
- :mod:`coursepkg.device`    which device and which dataset a notebook is using
- :mod:`coursepkg.grading`   helpers the autograded exercises use

Each algorithm module has a twin of the same name in :mod:`coursepkg.torch`.
"""

__version__ = "0.1.0"

from . import data, device, ema, gradcheck, grading, init, layers, mlp, preprocessing  # noqa: E402

__all__ = [
    "__version__",
    "data",
    "device",
    "ema",
    "gradcheck",
    "grading",
    "init",
    "layers",
    "mlp",
    "preprocessing",
]

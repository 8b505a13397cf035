"""coursepkg: the companion package of the open course *Training Deep Models*.

Each concept the book teaches has a module named as its chapter names it, with a
from-scratch NumPy implementation; :mod:`coursepkg.torch` holds the PyTorch
twins (same names and signatures, any device). The public API is small on purpose:

- :mod:`coursepkg.ema`       exponentially weighted averages (and the torch twin
  :mod:`coursepkg.torch.ema`)
- :mod:`coursepkg.data`      datasets: checksummed cached downloads, offline fallbacks
- :mod:`coursepkg.device`    which device and which dataset a notebook is using
- :mod:`coursepkg.grading`   helpers the autograded exercises use
"""

__version__ = "0.1.0"

from . import data, device, ema, grading  # noqa: E402

__all__ = ["__version__", "data", "device", "ema", "grading"]

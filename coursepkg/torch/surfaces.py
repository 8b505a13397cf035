"""Test functions on tensors: the twin of :mod:`coursepkg.surfaces`.

The surfaces' formulas are shared (they work on arrays and tensors); ``trajectory``
here insists on a tensor start point and runs the optimizers of
:mod:`coursepkg.torch.optim` on any device.
"""

from __future__ import annotations

from .. import surfaces as _generic
from ._twin import tensors_only

__all__ = list(_generic.__all__)

Surface = _generic.Surface
elongated_quadratic = _generic.elongated_quadratic
rosenbrock = _generic.rosenbrock
saddle = _generic.saddle
plot_trajectories = _generic.plot_trajectories
trajectory = tensors_only(_generic.trajectory, __name__, tensor_arg=2)

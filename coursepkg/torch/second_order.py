"""Taylor expansions and Newton's method on tensors: the twin of :mod:`coursepkg.second_order`.

The same formulas (``torch.linalg.solve`` for the Newton step), on any device. BFGS is
NumPy-only (it relies on SciPy's Wolfe line search); its production counterpart for
tensors is ``torch.optim.LBFGS``.
"""

from __future__ import annotations

from .. import second_order as _generic
from ._twin import tensors_only

__all__ = ["NewtonResult", "newton", "newton_step", "taylor1", "taylor2"]

NewtonResult = _generic.NewtonResult
taylor1 = tensors_only(_generic.taylor1, __name__, tensor_arg=2)
taylor2 = tensors_only(_generic.taylor2, __name__, tensor_arg=3)
newton_step = tensors_only(_generic.newton_step, __name__, tensor_arg=2)
newton = tensors_only(_generic.newton, __name__, tensor_arg=2)

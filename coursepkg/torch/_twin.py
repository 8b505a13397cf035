"""Make a torch twin from backend-generic functions: same name and signature, tensors only."""

from __future__ import annotations

import functools

import numpy as np
import torch


def tensors_only(fn, module: str, tensor_arg: int = 0):
    """``fn`` raising ``TypeError`` unless its argument number ``tensor_arg`` is a tensor and
    no argument is a NumPy array (a NumPy array passed by mistake would silently compute
    on the CPU)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        for i, arg in enumerate(args):
            if isinstance(arg, np.ndarray) or (
                i == tensor_arg and not isinstance(arg, torch.Tensor)
            ):
                raise TypeError(
                    f"Invalid input to {module}.{fn.__name__}: {type(arg).__name__} "
                    "(expected a torch.Tensor)"
                )
        return fn(*args, **kwargs)

    return wrapper

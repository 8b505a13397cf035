"""Parameters as trees: a single array, or dicts/lists/tuples of arrays (``MLP.params``).

Optimizers apply the same element-wise formula to every array of a model; these helpers
apply a function leaf by leaf and check that two trees have the same structure and shapes.
"""

from __future__ import annotations

from ._validate import dtype_kind


def is_leaf(x) -> bool:
    return not isinstance(x, (dict, list, tuple))


def tree_map(fn, tree, *rest):
    """``fn`` applied leaf by leaf to ``tree`` and the trees in ``rest`` (same structure)."""
    if isinstance(tree, dict):
        return {k: tree_map(fn, v, *(r[k] for r in rest)) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(tree_map(fn, *leaves) for leaves in zip(tree, *rest, strict=True))
    return fn(tree, *rest)


def leaves(tree, prefix: str = "") -> list[tuple[str, object]]:
    """``[(path, leaf), ...]``, dict keys sorted (as in JAX); paths read like ``['W1']`` or ``[0]``."""
    if isinstance(tree, dict):
        return [item for k in sorted(tree) for item in leaves(tree[k], f"{prefix}[{k!r}]")]
    if isinstance(tree, (list, tuple)):
        return [item for i, v in enumerate(tree) for item in leaves(v, f"{prefix}[{i}]")]
    return [(prefix, tree)]


def check_float_tree(tree, name: str) -> None:
    """Every leaf is a floating-point array or tensor (``TypeError`` naming the bad leaf)."""
    for path, leaf in leaves(tree):
        dtype = getattr(leaf, "dtype", None)
        if dtype is None or dtype_kind(dtype) != "f":
            raise TypeError(
                f"Invalid {name}{path}: {type(leaf).__name__} of dtype {dtype} "
                "(expected a floating-point array or tensor)"
            )


def check_same_structure(ref, tree, names: tuple[str, str]) -> None:
    """``tree`` has the keys, lengths and leaf shapes of ``ref`` (``ValueError`` otherwise)."""
    ref_leaves, got = leaves(ref), leaves(tree)
    if [p for p, _ in ref_leaves] != [p for p, _ in got]:
        raise ValueError(
            f"Invalid {names[1]}: keys {[p for p, _ in got]} "
            f"(expected {[p for p, _ in ref_leaves]}, those of {names[0]})"
        )
    for (path, a), (_, b) in zip(ref_leaves, got, strict=True):
        if tuple(a.shape) != tuple(b.shape):
            raise ValueError(
                f"Invalid shape for {names[1]}{path}: {tuple(b.shape)} "
                f"(expected {tuple(a.shape)}, the shape of {names[0]}{path})"
            )

"""Progress bars for downloads and long loops: :mod:`tqdm.auto` (a widget in Jupyter and Colab).

Bars disappear when their work is done (``leave=False``) and are switched off by
``TQDM_DISABLE=1``, tqdm's own switch, which the course's builds and tests set so
that built pages and test outputs carry no bars. (tqdm's notebook widget ignores
that variable by itself, so :func:`progress` reads it.)
"""

from __future__ import annotations

import os

__all__ = ["bars_disabled", "progress"]


def bars_disabled() -> bool:
    """Whether ``TQDM_DISABLE`` is ``1``/``true``/``yes`` (any case)."""
    return os.environ.get("TQDM_DISABLE", "").strip().lower() in ("1", "true", "yes")


def progress(iterable=None, **kwargs):
    """``tqdm.auto.tqdm(iterable, **kwargs)`` with ``leave=False`` and ``TQDM_DISABLE`` honoured.

    Use it as tqdm: ``for epoch in progress(range(epochs), desc="epochs"):`` or, for
    a byte count, ``progress(total=n, unit="B", unit_scale=True)``.
    """
    from tqdm.auto import tqdm

    kwargs.setdefault("leave", False)
    kwargs.setdefault("disable", bars_disabled())
    return tqdm(iterable, **kwargs)

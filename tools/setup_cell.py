"""The Colab setup cell: the first code cell of every chapter and exercise, from one template.

In Colab the cell installs ``coursepkg`` at the version of the book being read: the git tag
``v<coursepkg.__version__>`` of the repository named once in ``_config.yml``. The launch
buttons open the notebooks at that same tag (``repository.branch``), so the notebook and the
package it installs always come from one commit. Exercise notebooks add the
``[exercises]`` extra (the Colab-compatible otter-grader). Anywhere else the cell does
nothing. It prints one line: what was installed, and how long it took.

    python -m tools.setup_cell            # list notebooks whose setup cell is out of date
    python -m tools.setup_cell --write    # rewrite them (then `make exercises`)

A release bumps ``coursepkg.__version__``, runs ``--write`` and ``make exercises``, and
tags the commit ``v<version>``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

TEMPLATE = """\
# Colab setup: install coursepkg {version}, the version of this book (does nothing elsewhere).
import sys

if "google.colab" in sys.modules:
    import importlib.metadata
    import importlib.util
    import subprocess
    import time

    spec = "{spec}"
    try:
        have = importlib.metadata.version("coursepkg")
    except importlib.metadata.PackageNotFoundError:
        have = None
    if have == "{version}"{also}:
        print("coursepkg {version}{what} is already installed")
    else:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", spec], check=True)
        took = time.perf_counter() - start
        print(f"installed coursepkg {version}{what} in {{took:.0f}} s")"""


def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def version() -> str:
    """``coursepkg.__version__``, read from its source (no import of torch needed)."""
    text = (ROOT / "coursepkg" / "__init__.py").read_text()
    return re.search(r'^__version__ = "([^"]+)"', text, flags=re.M)[1]


def ref() -> str:
    """The git tag the setup cells install from and the launch buttons open."""
    return f"v{version()}"


def spec(kind: str) -> str:
    """The pip requirement the setup cell of a ``kind`` ("chapter" or "exercise") installs."""
    extra = "[exercises]" if kind == "exercise" else ""
    return f"coursepkg{extra} @ git+{config()['repository']['url']}@{ref()}"


def render(kind: str) -> str:
    """The setup cell's source for a chapter or an exercise."""
    if kind not in ("chapter", "exercise"):
        raise ValueError(f"Invalid kind: {kind!r} (expected 'chapter' or 'exercise')")
    exercise = kind == "exercise"
    return TEMPLATE.format(
        version=version(),
        spec=spec(kind),
        also=' and importlib.util.find_spec("otter") is not None' if exercise else "",
        what=" with the exercise grader" if exercise else "",
    )


def notebooks() -> list[tuple[Path, str]]:
    """Every notebook with a setup cell and its kind: the chapters, and the exercise masters
    (the student notebooks are generated from the masters by ``make exercises``)."""
    chapters = [(p, "chapter") for p in sorted((ROOT / "book").glob("*.ipynb"))]
    masters = [
        (p, "exercise")
        for p in sorted((ROOT / "exercises").glob("*/*.ipynb"))
        if p.stem == p.parent.name
    ]
    return chapters + masters


def source(cell: dict) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def setup_cell(nb: dict) -> dict:
    """The notebook's first code cell, which must be its setup cell."""
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    if "google.colab" not in source(cell):
        raise ValueError("the first code cell is not the Colab setup cell")
    return cell


def stale() -> list[Path]:
    """Notebooks whose setup cell differs from the template."""
    return [
        path
        for path, kind in notebooks()
        if source(setup_cell(json.loads(path.read_text()))) != render(kind)
    ]


def write(path: Path, kind: str) -> None:
    nb = json.loads(path.read_text())
    setup_cell(nb)["source"] = render(kind).splitlines(keepends=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the out-of-date cells")
    args = parser.parse_args(argv)
    kinds = dict(notebooks())
    paths = stale()
    for path in paths:
        if args.write:
            write(path, kinds[path])
        print(("rewrote " if args.write else "stale: ") + str(path.relative_to(ROOT)))
    if paths and not args.write:
        print("run `python -m tools.setup_cell --write` and `make exercises`")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

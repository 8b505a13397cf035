"""Execute every chapter into Jupyter Book's execution cache, several at a time.

Jupyter Book 1 executes notebooks one after another. With ``execute_notebooks: cache``
(``_config.yml``) it first looks for each notebook in a jupyter-cache; this script fills
that cache with a pool of worker processes (one per CPU), so ``jupyter-book build`` then
only renders. The cache is emptied first: every build executes every chapter against the
current ``coursepkg`` (the cache keys on notebook content only, so a kept cache could show
outputs of older package code). A chapter that fails here is left out of the cache, and
the build executes it again and fails with the full traceback.

    python -m tests.execute_chapters [--cache _build/.jupyter_cache]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def chapters() -> list[Path]:
    """The notebooks the book executes: every .ipynb in _toc.yml outside book/exercises/."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = []

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections", []))
            walk(entry.get("chapters", []))

    walk(toc.get("parts", []))
    paths = [ROOT / f"{f}.ipynb" for f in files]
    return [p for p in paths if p.exists() and "exercises" not in p.parts]


def main(argv=None) -> int:
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default=str(ROOT / "_build" / ".jupyter_cache"))
    parser.add_argument("--timeout", type=int, default=60, help="seconds per cell")
    args = parser.parse_args(argv)
    shutil.rmtree(args.cache, ignore_errors=True)
    cache = get_cache(args.cache)
    for path in chapters():
        cache.add_nb_to_project(str(path))
    start = time.perf_counter()
    result = load_executor("local-parallel", cache).run_and_cache(timeout=args.timeout)
    print(
        f"executed {len(result.succeeded)} chapters in {time.perf_counter() - start:.0f} s; "
        f"failed: {sorted(Path(u).name for u in result.excepted + result.errored) or 'none'}"
    )
    return 0  # failures are reported by the build, which executes them again


if __name__ == "__main__":
    sys.exit(main())

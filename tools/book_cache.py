"""Fill Jupyter Book's execution cache with the chapters ``make notebooks`` executed.

``_config.yml`` sets ``execute_notebooks: cache``: the build looks each chapter up in a
jupyter-cache (by its code and kernel) and renders the outputs found there. The chapters
are executed once per ``make test``, by nbval under their CPU budgets, which writes each
executed notebook under ``_build/executed`` (tools/nbrun.py); this script puts those in a
fresh cache, so the build renders them without executing anything again. A chapter that
was not executed, or was edited since (its code differs), fails here rather than being
executed a second time, or shown with stale outputs.

    python -m tools.book_cache [--executed _build/executed] [--cache _build/.jupyter_cache]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
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


def _code(path: Path) -> list[str]:
    cells = json.loads(path.read_text())["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def main(argv=None) -> int:
    from jupyter_cache import get_cache

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--executed", type=Path, default=ROOT / "_build" / "executed")
    parser.add_argument("--cache", type=Path, default=ROOT / "_build" / ".jupyter_cache")
    args = parser.parse_args(argv)
    shutil.rmtree(args.cache, ignore_errors=True)
    cache = get_cache(str(args.cache))
    problems = []
    for path in chapters():
        executed = args.executed / path.relative_to(ROOT)
        if not executed.exists():
            problems.append(f"{path.relative_to(ROOT)} was not executed (run `make notebooks`)")
        elif _code(executed) != _code(path):
            problems.append(f"{path.relative_to(ROOT)} changed since it ran (run `make notebooks`)")
        else:
            cache.cache_notebook_file(str(executed), uri=str(path), check_validity=False)
    if problems:
        print("book cache: " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"book cache: {len(chapters())} chapters from {args.executed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Check the built site: run after ``jupyter-book build`` (``python -m tests.check_site _build/html``).

* every page in the table of contents was built;
* every chapter page shows its figures (executed outputs made it into the HTML);
* the bibliography rendered its entries;
* no page shows a cell's stderr (warnings, tracebacks, progress bars) or a path of the
  machine that built it.

What a reader sees (no request to another host, rendered math, alt text, phone layout, no
exercise secret in the rendered text, ...) is checked in a real browser by
``python -m tools.browse_site``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def toc_pages() -> list[str]:
    return re.findall(r"file:\s*(\S+)", (ROOT / "_toc.yml").read_text()) + [
        re.search(r"root:\s*(\S+)", (ROOT / "_toc.yml").read_text())[1]
    ]


def check(html_dir: Path) -> list[str]:
    problems = []
    for page in toc_pages():
        html = html_dir / f"{page}.html"
        if not html.exists():
            problems.append(f"missing page {html}")
            continue
        source = ROOT / f"{page}.ipynb"
        if source.exists() and not page.startswith("book/exercises/"):
            nb = json.loads(source.read_text())
            shows = sum("plt.show()" in "".join(c["source"]) for c in nb["cells"])
            images = len(re.findall(r"<img [^>]*src=\"[^\"]+\.png\"", html.read_text()))
            if images < shows:
                problems.append(f"{html}: {images} figures in the page, {shows} plt.show() calls")
    bib = html_dir / "book" / "bibliography.html"
    if bib.exists() and "Kingma" not in bib.read_text():
        problems.append(f"{bib}: the bibliography has no entries")
    for html in sorted(html_dir.rglob("*.html")):
        text = html.read_text(errors="replace")
        if 'class="output stderr' in text:
            problems.append(f"{html}: a cell writes to stderr (a warning?) in the page")
        for path in {str(ROOT), str(Path.home())} - {"/"}:
            if path in text:
                problems.append(f"{html}: shows the build machine's path {path}")
    return problems


def main(argv=None) -> int:
    html_dir = Path((argv or sys.argv[1:] or ["_build/html"])[0])
    problems = check(html_dir)
    for p in problems:
        print("SITE CHECK:", p)
    print(f"site check: {'FAILED' if problems else 'ok'} ({html_dir})")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())

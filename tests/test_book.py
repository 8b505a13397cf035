"""Static checks on the book's sources: stripped notebooks, the Colab setup cell, budgets, TOC."""

import json
import re
from pathlib import Path

import pytest
import yaml

import coursepkg
from tools import setup_cell

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO_URL = CONFIG["repository"]["url"]
BRANCH = CONFIG["repository"]["branch"]
NOTEBOOKS = sorted(ROOT.glob("book/**/*.ipynb")) + sorted(ROOT.glob("exercises/*/*.ipynb"))
CHAPTERS = [p for p in NOTEBOOKS if p.parent == ROOT / "book"]
STUDENT = sorted(ROOT.glob("book/exercises/*.ipynb"))


def cells(path):
    return json.loads(path.read_text())["cells"]


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def rel(path):
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=rel)
def test_notebooks_are_committed_without_outputs(path):
    for cell in cells(path):
        if cell["cell_type"] == "code":
            assert not cell["outputs"] and cell["execution_count"] is None, rel(path)


@pytest.mark.parametrize("path", CHAPTERS + STUDENT, ids=rel)
def test_setup_cell_installs_this_version_from_the_configured_repository(path):
    """The first code cell is the template of tools/setup_cell.py: the repository of
    _config.yml at the tag v<coursepkg.__version__>, with the exercise extra in exercises."""
    kind = "exercise" if path in STUDENT else "chapter"
    first = source(next(c for c in cells(path) if c["cell_type"] == "code"))
    assert first == setup_cell.render(kind), "run `python -m tools.setup_cell --write`"
    assert f"coursepkg{'[exercises]' if kind == 'exercise' else ''} @ git+{REPO_URL}@" in first


def test_launch_buttons_open_the_tag_that_the_setup_cells_install():
    assert BRANCH == setup_cell.ref() == f"v{coursepkg.__version__}"
    assert setup_cell.stale() == []


@pytest.mark.parametrize("path", STUDENT, ids=rel)
def test_exercises_end_with_check_all_and_export(path):
    """The otter convention: a check-all cell, then the cell that writes the submission
    file; the export cell is skipped when the instructor grades (tag otter_ignore)."""
    code = [c for c in cells(path) if c["cell_type"] == "code"]
    assert source(code[-2]) == "grader.check_all()"
    assert f'export_submission("{path.stem}")' in source(code[-1])
    assert "otter_ignore" in code[-1]["metadata"].get("tags", [])


@pytest.mark.parametrize("path", CHAPTERS + STUDENT, ids=rel)
def test_each_page_states_the_budget_that_ci_enforces(path):
    nb = json.loads(path.read_text())
    budget = nb["metadata"]["coursepkg"]["cpu_budget_s"]
    assert 0 < budget <= 60
    stated = re.search(r"CPU: ~(\d+) s", source(nb["cells"][0]))
    assert stated and int(stated[1]) == budget, (
        "the first cell must say 'CPU: ~N s' with N = budget"
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=rel)
def test_chapters_seed_and_report(path):
    code = "\n".join(source(c) for c in cells(path) if c["cell_type"] == "code")
    assert "seed_everything(" in code and "report(" in code


# Our private source notes: readers have none of them, so nothing a reader sees may name
# them. Random seeds ("the seed-to-seed range", "the seeds 123 and 124") are fine.
PRIVATE_SOURCES = re.compile(
    r"seeds? 00\d|\bthe seeds?\b(?!-to-| \d)|\bseed's|lecture notes|\bthe slides?\b"
    r"|\bour (?:own |private |source )?notes\b|\bthe notes'|\bour sources?\b",
    re.I,
)
READER_FACING = ["README.md", "book/**/*.md", "book/**/*.ipynb", "coursepkg/**/*.py"]


@pytest.mark.parametrize(
    "path", sorted({p for pattern in READER_FACING for p in ROOT.glob(pattern)}), ids=rel
)
def test_no_reader_facing_text_names_our_private_sources(path):
    found = sorted({m[0] for m in PRIVATE_SOURCES.finditer(path.read_text())})
    assert not found, f"{rel(path)} names {found}: cite references.bib or call it a common mistake"


def test_every_toc_entry_exists_and_every_page_is_listed():
    toc = (ROOT / "_toc.yml").read_text()
    entries = re.findall(r"(?:file|root):\s*(\S+)", toc)
    for entry in entries:
        assert any((ROOT / f"{entry}{ext}").exists() for ext in (".md", ".ipynb")), entry
    pages = {
        rel(p).rsplit(".", 1)[0] for p in ROOT.glob("book/**/*") if p.suffix in (".md", ".ipynb")
    }
    assert pages == set(entries)


def test_citations_exist_in_the_bibliography():
    bib = (ROOT / "references.bib").read_text()
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    for page in ROOT.glob("book/**/*"):
        if page.suffix in (".md", ".ipynb"):
            for group in re.findall(r"\{cite[a-z:]*\}`([^`]+)`", page.read_text()):
                for key in group.split(","):
                    assert key.strip() in keys, f"{rel(page)} cites unknown {key}"


def test_the_book_renders_the_chapters_nbval_executed_from_its_cache():
    """tools/book_cache.py fills the cache the build reads with every chapter `make notebooks`
    executed; a chapter it missed would be executed a second time by the build."""
    from tools.book_cache import chapters

    assert set(chapters()) == set(CHAPTERS)
    assert CONFIG["execute"]["execute_notebooks"] == "cache"
    assert "cache" not in CONFIG["execute"]  # Jupyter Book's default: _build/.jupyter_cache


FIGURE_ALT_PATH = re.compile(r"^\S*[/\\]\S*$|\.(png|svg|jpe?g)$", re.IGNORECASE)


@pytest.mark.parametrize("path", CHAPTERS, ids=rel)
def test_every_figure_has_a_caption_and_alt_text(path):
    # myst-nb turns the metadata {"mystnb": {"figure": {"caption"}, "image": {"alt"}}} of a
    # cell into a captioned figure whose image carries that alt text (not a file path).
    for cell in cells(path):
        if cell["cell_type"] != "code" or "plt.show()" not in source(cell):
            continue
        meta = cell["metadata"].get("mystnb", {})
        caption = meta.get("figure", {}).get("caption", "")
        alt = meta.get("image", {}).get("alt", "")
        where = f"{rel(path)} cell {cell['id']}"
        assert len(caption.split()) >= 5, f"{where}: no figure caption"
        assert len(alt.split()) >= 8 and not FIGURE_ALT_PATH.search(alt), f"{where}: alt text"
        assert source(cell).count("plt.show()") == 1, f"{where}: one figure per cell"

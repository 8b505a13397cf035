"""Static checks on the book's sources: stripped notebooks, the Colab setup cell, budgets, TOC."""

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO_URL = CONFIG["repository"]["url"]
BRANCH = CONFIG["repository"]["branch"]
NOTEBOOKS = sorted(ROOT.glob("book/**/*.ipynb")) + sorted(ROOT.glob("exercises/*/*.ipynb"))
CHAPTERS = [p for p in NOTEBOOKS if p.parent == ROOT / "book"]


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


@pytest.mark.parametrize("path", CHAPTERS + sorted(ROOT.glob("book/exercises/*.ipynb")), ids=rel)
def test_setup_cell_installs_from_the_configured_repository(path):
    code = [source(c) for c in cells(path) if c["cell_type"] == "code"]
    assert "google.colab" in code[0], "the first code cell must be the Colab setup cell"
    assert f"coursepkg @ git+{REPO_URL}@{BRANCH}" in code[0]


@pytest.mark.parametrize("path", CHAPTERS + sorted(ROOT.glob("book/exercises/*.ipynb")), ids=rel)
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


def test_parallel_pre_execution_covers_every_chapter_and_the_book_uses_its_cache():
    """tests/execute_chapters.py fills the cache the build reads; a chapter it missed would be
    executed serially by the build (correct, but slow)."""
    from tests.execute_chapters import chapters

    assert set(chapters()) == set(CHAPTERS)
    assert CONFIG["execute"]["execute_notebooks"] == "cache"
    assert "cache" not in CONFIG["execute"]  # Jupyter Book's default: _build/.jupyter_cache

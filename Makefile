# Training Deep Models -- the two commands a newcomer needs:
#   make book   set up .venv, execute every chapter and build the site into _build/html
#   make test   set up .venv and run every check (offline, as CI does)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
# The package only sets a floor (torch>=2.2). On a machine without a torch yet, an
# unpinned install pulls a multi-GB CUDA build; this CPU build is what CI and the
# course's CPU budgets use. Override for a GPU box: make test TORCH_SPEC='torch>=2.2'
TORCH_SPEC ?= torch==2.13.0
BOOK_FLAGS := -W -n --keep-going
SUDO       := $(if $(filter 0,$(shell id -u)),,sudo)
export COURSEPKG_OFFLINE ?=
export PYTHONHASHSEED := 0
# No progress bars in built pages and test outputs (coursepkg.progress honours tqdm's switch).
export TQDM_DISABLE := 1

.PHONY: help env book serve test lint unit notebooks exercises book-check colab-deps \
	colab-exercises colab-sim gpu-check binder-check workflow-check browse-check rehearsal jail clean

help:
	@echo "make book       build the site into _build/html (sets up .venv first)"
	@echo "make test       run every check offline, as CI does (sets up .venv first)"
	@echo "make exercises  regenerate student notebooks and instructor autograder zips"
	@echo "make serve      serve _build/html on http://localhost:8000"
	@echo "make colab-sim  run every chapter and exercise on a Colab-like kernel stack"
	@echo "make gpu-check  on a CUDA machine: CUDA tests, chapters and benchmarks, one report"

env: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install -q "$(TORCH_SPEC)"
	$(PY) -m pip install -q -e ".[instructor,test,book]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# Every notebook is executed once, by nbval, two kernels at a time with one BLAS/OpenMP
# thread each (or they oversubscribe the cores). tools/nbrun.py measures each kernel's CPU
# time against the notebook's budget (a loaded machine slows the clock, not that) and keeps
# the executed chapters in _build/executed, which the book renders (tools/book_cache.py).
# The cell timeout only catches a hung kernel; it is not a budget.
NB_THREADS := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
NBRUN = $(NB_THREADS) $(PY) -m pytest --nbval-lax -p tools.nbrun --nbval-cell-timeout=600 \
	-n 2 --dist loadscope --nb-executed _build/executed

book: $(STAMP)
	$(PY) -m tools.npm_assets mathjax _build/assets
	rm -rf _build/executed
	$(NBRUN) --nb-budgets=report -q --ignore=book/exercises book
	$(PY) -m tools.book_cache
	$(BIN)/jupyter-book build . $(BOOK_FLAGS)
	@echo "Site built: file://$(CURDIR)/_build/html/index.html"

serve: book
	$(PY) -m http.server --directory _build/html --bind 127.0.0.1 8000

exercises: $(STAMP)
	$(PY) -m exercises.build

# ---- every check, offline -------------------------------------------------
TEST_STEPS := lint unit notebooks book-check rehearsal colab-deps colab-exercises binder-check \
	workflow-check
test: export COURSEPKG_OFFLINE := 1
test: $(STAMP)
	@mkdir -p _build && : > _build/test-times.txt
	@for step in $(TEST_STEPS); do \
	  start=$$(date +%s); \
	  $(MAKE) --no-print-directory $$step || exit 1; \
	  echo "make $$step: $$(( $$(date +%s) - start )) s" | tee -a _build/test-times.txt; \
	done
	@echo "make test: every step passed"; cat _build/test-times.txt

lint: $(STAMP)
	$(BIN)/ruff check coursepkg tests exercises book tools
	$(BIN)/ruff format --check coursepkg tests exercises book tools

unit: $(STAMP) jail
	$(PY) -m pytest tests -n 2 --durations=10 --timeout=300

# The grader runs each submission in a bubblewrap jail (Debian's package; exercises/sandbox.py).
jail:
	command -v bwrap >/dev/null || $(SUDO) apt-get install -y -qq bubblewrap >/dev/null \
	  || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq bubblewrap >/dev/null)

# Every chapter and every exercise solution, each under its CPU budget, executed once: the
# book-check renders these outputs. (exercises.build --check also proves regeneration is
# deterministic and committed.)
notebooks: $(STAMP)
	$(PY) -m exercises.build --check
	rm -rf _build/executed
	$(NBRUN) --durations=10 --ignore=book/exercises book _build/exercises/solutions

# Renders what `make notebooks` executed (run it first; `make test` does).
book-check: $(STAMP)
	rm -rf _build/html _build/.doctrees
	$(PY) -m tools.npm_assets mathjax _build/assets
	$(PY) -m tools.book_cache
	$(BIN)/jupyter-book build . $(BOOK_FLAGS)
	$(PY) -m tests.check_site _build/html
	$(MAKE) --no-print-directory browse-check

# Every page of the built site in headless Chromium (Debian's package; never a browser
# download), the network beyond loopback blocked: tools/browse_site.py.
browse-check: $(STAMP)
	command -v chromium >/dev/null || $(SUDO) apt-get install -y -qq chromium >/dev/null \
	  || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null)
	$(PY) -m tools.browse_site _build/html

# The chapters' online branch (what the published site and Colab users run): full-size
# MNIST, CIFAR-10 and LFW files in their real formats, with learnable content, served from a
# loopback server; each loader downloads and verifies them, then every chapter runs on them
# under its CPU budget (tools/rehearsal.py; one BLAS/OpenMP thread per kernel).
rehearsal: $(STAMP)
	$(PY) -m tools.rehearsal

# ---- Colab's GPU runtime (tools/colab/ holds the package set Google publishes) ----------
# Installing the course, with each install spec of the setup cells, changes none of Colab's
# packages: a dry run in a cached venv of Colab's versions (_build/colab-deps).
colab-deps: $(STAMP)
	$(PY) -m tools.colab_deps

# Exercise solutions and blank renamed copies on Colab's kernel stack (after `notebooks`,
# which builds the solutions); make colab-sim adds every chapter.
colab-exercises: $(STAMP)
	$(PY) -m tools.colab_sim --exercises

colab-sim: $(STAMP)
	$(PY) -m exercises.build --check
	$(PY) -m tools.colab_sim --exercises --chapters

# On a CUDA machine (make gpu-check TORCH_SPEC='torch>=2.2' where no torch is installed yet).
gpu-check: $(STAMP)
	$(PY) -m tools.gpu_check

# ---- publishing: the Binder launch button and the GitHub Actions workflows ---------------------
# repo2docker (pinned, cached venv in _build/binder-check) writes the Dockerfile mybinder.org
# would build from binder/; the check reads it (no Docker needed).
binder-check: $(STAMP)
	$(PY) -m tools.binder_check

# actionlint and shellcheck on .github/ (cached venvs in _build/workflow-check).
workflow-check: $(STAMP)
	$(PY) -m tools.workflow_check

clean:
	rm -rf _build .pytest_cache

"""Developer tooling of the course: checks and builds that are not unit tests and never ship.

- :mod:`tools.setup_cell`  the Colab setup cell of every notebook, rendered from one template
- :mod:`tools.colab_env`   Colab's published package set and the venvs built from it
- :mod:`tools.colab_deps`  installing the course changes none of Colab's packages (dry run)
- :mod:`tools.colab_sim`   the notebooks executed on a Colab-like kernel stack
- :mod:`tools.gpu_check`   CUDA tests, chapters and benchmarks on a GPU, in one report
- :mod:`tools.npm_assets`  pinned, checksummed front-end files from the npm registry (MathJax, axe-core)
- :mod:`tools.binder_check` the Binder launch button builds (repo2docker dry run)
- :mod:`tools.workflow_check` actionlint and shellcheck on the GitHub workflows
- :mod:`tools.tool_venv`   cached venvs for tools kept out of .venv
"""

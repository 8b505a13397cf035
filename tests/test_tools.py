"""The Colab tooling's own logic: the snapshot, the install specs, the torch stub, and the
verdicts of the Colab simulation. (The tools themselves run in `make test`.)"""

import importlib.metadata
import json
import re
import sys

import pytest
import torch

from tools import colab_deps, colab_env, colab_sim, gpu_check, setup_cell


def test_the_committed_snapshot_is_colabs_gpu_runtime():
    colab = colab_env.freeze()
    assert colab["torch"] == "2.11.0+cu128" and colab["numpy"] == "2.1.3"
    assert colab["ipywidgets"] == "7.7.1" and colab["wrapt"] == "2.3.0"
    assert colab["jupyter-client"] == "7.4.9"  # names in PEP 503 form
    assert "google-colab" in colab_env.url_installed() and "google-colab" not in colab
    assert colab_env.python_version() == "3.13.15"


def test_the_notebooks_use_two_install_specs():
    specs = colab_env.notebook_specs()
    chapter, exercise = setup_cell.spec("chapter"), setup_cell.spec("exercise")
    assert set(specs) == {chapter, exercise}
    assert len(specs[chapter]) == len(setup_cell.notebooks()) - len(specs[exercise])
    assert all(p.startswith("book/exercises/") for p in specs[exercise])


def test_a_spec_is_pointed_at_the_local_wheel_with_its_extras(tmp_path):
    wheel = tmp_path / "coursepkg-0.1.0-py3-none-any.whl"
    spec = setup_cell.spec("exercise")
    assert colab_env.local_spec(spec, wheel) == f"coursepkg[exercises] @ {wheel.as_uri()}"
    with pytest.raises(ValueError, match="Invalid kind: 'lab'"):
        setup_cell.render("lab")


def test_torch_stub_is_seen_as_installed(tmp_path, monkeypatch):
    monkeypatch.setattr(colab_env, "site_packages", lambda venv: tmp_path)
    colab_deps.stub_torch(tmp_path, "2.11.0+cu128")
    (dist,) = importlib.metadata.distributions(path=[str(tmp_path)])
    assert (dist.metadata["Name"], dist.version) == ("torch", "2.11.0+cu128")
    assert dist.requires is None  # torch's own requirements are not checked


def test_without_the_wanted_python_the_current_one_is_used_and_said():
    exe, described = colab_env.find_python("9.99")
    assert exe == sys.executable and "no Python 9.99 on this machine" in described


# ---- the simulation's verdicts --------------------------------------------------------
def _run(
    tmp_path, kind, checks, check_all="", export=True, setup="installed coursepkg 0.1.0 in 9 s"
):
    folder = tmp_path / kind
    folder.mkdir()
    copy = folder / "Copy of ema.ipynb"
    copy.write_text(json.dumps({"cells": [{"source": "x"}]}))
    downloads = []
    if export:
        (folder / "ema-submission.ipynb").write_text(copy.read_text())
        downloads = [str((folder / "ema-submission.ipynb").resolve())]
    cells = [("# Colab setup: ...", setup)]
    cells += [(f'grader.check("q{i}")', out) for i, out in enumerate(checks, 1)]
    cells += [("grader.check_all()", check_all), ('export_submission("ema");', "Wrote")]
    return {
        "notebook": "book/exercises/ema.ipynb",
        "kind": kind,
        "error": "",
        "cells": cells,
        "folder": folder,
        "copy": copy,
        "downloads": downloads,
    }


def test_sim_accepts_a_passing_solution_and_a_blank_with_feedback(tmp_path):
    ok = "q1 results: All test cases passed!"
    assert colab_sim.check(_run(tmp_path, "solution", [ok, ok], check_all=ok)) == []
    failed = "q1 results:\n ❌ Test case failed\n LearnerCodeError: ema returned None"
    assert colab_sim.check(_run(tmp_path, "blank", [failed, failed], check_all=failed)) == []


def test_sim_flags_what_a_learner_would_trip_over(tmp_path):
    failed = "q1 results:\n ❌ Test case failed"
    solution = colab_sim.check(_run(tmp_path, "solution", [failed], setup="", export=False))
    assert any("did not say what it installed" in p for p in solution)
    assert any('grader.check("q1") did not pass' in p for p in solution)
    assert any("did not write and download ema-submission.ipynb" in p for p in solution)
    passed = "q1 results: All test cases passed!"
    blank = colab_sim.check(_run(tmp_path, "blank", [passed]))
    assert any("gave a blank notebook no feedback" in p for p in blank)


def test_sim_flags_a_solution_cell_that_stopped_early(tmp_path):
    run = _run(tmp_path, "solution", ["q1 results: All test cases passed!"])
    run["cells"].insert(1, ("with try_it('f'): ...", f"{colab_sim.STOPPED} TypeError: x"))
    assert any("stopped early" in p for p in colab_sim.check(run))


# ---- make gpu-check ---------------------------------------------------------------------
def test_every_chapter_states_a_colab_gpu_budget():
    from tools.book_cache import chapters

    assert all(gpu_check.gpu_budget(path) for path in chapters())


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the behaviour without a GPU")
def test_gpu_check_stops_without_a_gpu_and_tries_itself_on_the_cpu(tmp_path, capsys):
    assert gpu_check.main(["--out", str(tmp_path)]) == 2
    assert "needs a CUDA GPU" in capsys.readouterr().out
    argv = ["--allow-cpu", "--chapters", "ema", "--no-tests", "--no-benchmarks"]
    assert gpu_check.main([*argv, "--out", str(tmp_path)]) == 0
    report = (tmp_path / "report.md").read_text()
    assert re.search(r"\| ema \| [\d.]+ \| 10 \| 15 \| cpu \| ok \|", report), report

"""The GitHub Actions workflows do what the README says, and the pieces of them that read the
repository (the version, the Makefile's TORCH_SPEC) read it right. actionlint itself runs in
`python -m tools.workflow_check`."""

import re
import subprocess

import yaml

from tools import setup_cell, workflow_check
from tools.tool_venv import ROOT

GITHUB = ROOT / ".github"


def load(name: str) -> dict:
    workflow = yaml.safe_load((GITHUB / "workflows" / name).read_text())
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads `on:` as True
    return workflow


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def uses(workflow: dict) -> dict[str, dict]:
    return {s["uses"].split("@")[0]: s.get("with", {}) for s in steps(workflow) if "uses" in s}


def scripts(workflow: dict) -> str:
    return "\n".join(s["run"] for s in steps(workflow) if "run" in s)


def test_pages_builds_the_book_online_and_deploys_it():
    pages = load("pages.yml")
    assert set(pages["on"]) == {"push", "workflow_dispatch"}
    assert pages["on"]["push"]["branches"] == ["main"]
    assert pages["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert pages["concurrency"]["group"]
    actions = uses(pages)
    assert {"actions/configure-pages", "actions/deploy-pages", "actions/cache"} <= set(actions)
    assert actions["actions/upload-pages-artifact"]["path"] == "_build/html"
    assert actions["actions/cache"]["path"] == "${{ env.COURSEPKG_DATA_DIR }}"
    assert "make book" in scripts(pages) and "COURSEPKG_DATA_DIR=" in scripts(pages)
    assert "COURSEPKG_OFFLINE" not in (GITHUB / "workflows" / "pages.yml").read_text()


def test_release_tests_then_tags_the_version_of_the_package():
    release = load("release.yml")
    assert release["permissions"] == {"contents": "read"}
    assert release["jobs"]["release"]["permissions"] == {"contents": "write"}
    order = [s.get("run", s.get("uses", "")) for s in release["jobs"]["release"]["steps"]]
    test = order.index("make test")
    assert any("git push origin" in s and "gh release create" in s for s in order[test + 1 :])
    # the version is read as tools/setup_cell.py reads it, without importing coursepkg
    (code,) = re.findall(r"python3 -c '([^']+)'", scripts(release))
    out = subprocess.run(["python3", "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == setup_cell.version()


def test_ci_runs_the_projects_ci_script():
    ci = load("ci.yml")
    assert {"push", "pull_request"} <= set(ci["on"])
    assert ".ci/run" in scripts(ci)


def test_the_course_env_action_finds_the_makefiles_torch_spec():
    action = yaml.safe_load((GITHUB / "actions" / "course-env" / "action.yml").read_text())
    script = next(s["run"] for s in action["runs"]["steps"] if "run" in s)
    sed = re.search(r"spec=\$\((sed [^)]+)\)", script)[1]
    spec = subprocess.run(sed, shell=True, cwd=ROOT, capture_output=True, text=True).stdout
    assert re.fullmatch(r"torch\S*\n", spec), spec


def test_composite_scripts_are_extracted_with_expressions_blanked():
    action = {
        "runs": {
            "using": "composite",
            "steps": [
                {"uses": "actions/setup-python@v6"},
                {"name": "a", "shell": "bash", "run": 'echo "${{ inputs.x }}"'},
                {"shell": "pwsh", "run": "Write-Output 1"},
            ],
        }
    }
    assert workflow_check.composite_scripts(action) == [
        ("a", 'echo "' + "_" * len("${{ inputs.x }}") + '"')
    ]
    assert workflow_check.composite_scripts({"runs": {"using": "node24"}}) == []

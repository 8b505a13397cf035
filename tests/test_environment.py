"""pyproject.toml and environment.yml (conda, Binder) ask for the same packages and ranges."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"torch": "pytorch"}  # conda-forge's name where it differs from PyPI's


def _split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", requirement.split(";")[0]).groups()
    return name.lower(), spec.replace(" ", "")


def test_environment_yml_matches_pyproject():
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = project["dependencies"] + [
        r for group in ("exercises", "instructor", "test", "book") for r in extras[group]
    ]
    wanted = dict(_split(r) for r in wanted if not r.startswith("coursepkg"))
    wanted = {CONDA_NAMES.get(name, name): spec for name, spec in wanted.items()}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    pip = next(d["pip"] for d in env if isinstance(d, dict))
    listed = [d for d in env if isinstance(d, str)] + [r for r in pip if not r.startswith("-e")]
    listed = dict(_split(r) for r in listed if not r.startswith(("python", "pip")))
    assert listed == wanted

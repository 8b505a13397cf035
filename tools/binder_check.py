"""The Binder launch button works: repo2docker builds the course from ``binder/``.

mybinder.org builds a repository with repo2docker. When a ``binder/`` folder exists,
repo2docker reads its configuration from there only (the top-level ``environment.yml``, the
full developer environment, is ignored). The course's configuration:

- ``binder/environment.yml``: ``python=X.Y`` (one minor version: repo2docker picks its base
  environment, with Jupyter, for it) and pyproject.toml's dependencies plus its ``exercises``
  extra, with the same floors and ranges (conda-forge names where they differ);
- ``binder/postBuild``: run after the repository is copied into the image; installs coursepkg
  from that copy (``pip install --no-deps -e .``).

The check, with no Docker needed:

1. static: the environment file agrees with pyproject.toml, pins Python, and installs nothing
   local; postBuild is an executable bash script that installs the package;
2. runs ``jupyter-repo2docker --no-build --debug`` (pinned, in a cached venv under
   ``_build/binder-check/``) on a copy of the files git would commit, as mybinder.org's user
   (uid 1000, jovyan), and checks the Dockerfile it generates: the base environment is
   the pinned Python's, the environment installed is ``binder/environment.yml``, the source
   is copied before postBuild runs, postBuild runs, and no top-level file is used.

    python -m tools.binder_check [--static-only] [--repo2docker SPEC]

Exit status: 0 ok, 1 a finding, 2 the check itself could not run (e.g. no package index).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from tools import tool_venv

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    from pip._vendor import tomli as tomllib

ROOT = tool_venv.ROOT
CACHE = tool_venv.BUILD / "binder-check"
# What mybinder.org runs changes with its deployments; this pin keeps the check
# reproducible. Bump it (and look at the generated Dockerfile) from time to time.
REPO2DOCKER = "jupyter-repo2docker==2026.4.0"
ENV_FILE = "binder/environment.yml"
POST_BUILD = "binder/postBuild"
EXTRAS = ("exercises",)  # what the exercise notebooks install, on top of the dependencies
# conda-forge's name where it differs from PyPI's (matplotlib-base: matplotlib without Qt).
CONDA_NAMES = {"torch": "pytorch", "matplotlib": "matplotlib-base"}
PYPI_NAMES = {conda: pypi for pypi, conda in CONDA_NAMES.items()}
NOT_PACKAGES = {"python", "pip"}  # conda entries that are no dependency of the course
PYTHON_PIN = re.compile(r"python\s*==?\s*(\d+\.\d+)(\.\d+)?$")
# mybinder.org builds as this user; the dry run's COPY --chown lines then match its images.
BINDER_USER = ("1000", "jovyan")


# ---- binder/environment.yml against pyproject.toml ---------------------------------------
def read_pyproject(root: Path = ROOT) -> dict:
    return tomllib.loads((root / "pyproject.toml").read_text())


def read_env(root: Path = ROOT) -> dict:
    return yaml.safe_load((root / ENV_FILE).read_text()) or {}


def pinned_python(env: dict) -> str | None:
    """The ``X.Y`` of the environment's ``python=X.Y`` (or ``X.Y.Z``), None if not pinned."""
    for dep in env.get("dependencies") or []:
        if isinstance(dep, str) and (m := PYTHON_PIN.match(dep.strip())):
            return m[1]
    return None


def wanted(pyproject: dict, python: str, extras=EXTRAS) -> dict[str, SpecifierSet]:
    """PyPI name -> range of every package the course needs with ``extras``, as pyproject says
    (markers evaluated for ``python``; ``coursepkg[x]`` self-references followed)."""
    project = pyproject["project"]
    optional = project.get("optional-dependencies", {})
    out: dict[str, SpecifierSet] = {}
    todo = [(r, "") for r in project["dependencies"]]
    todo += [(r, extra) for extra in extras for r in optional[extra]]
    seen = set(extras)
    while todo:
        text, extra = todo.pop(0)
        req = Requirement(text)
        if req.marker and not req.marker.evaluate({"python_version": python, "extra": extra}):
            continue
        name = canonicalize_name(req.name)
        if name == canonicalize_name(project["name"]):
            for sub in sorted(req.extras - seen):
                seen.add(sub)
                todo += [(r, sub) for r in optional[sub]]
            continue
        out[name] = out.get(name, SpecifierSet()) & req.specifier
    return out


def listed(env: dict) -> tuple[dict[str, SpecifierSet], list[str]]:
    """PyPI name -> range of every package ``binder/environment.yml`` installs, and problems
    (unparsable entries, a package listed twice, local installs)."""
    out: dict[str, SpecifierSet] = {}
    problems = []

    def add(name: str, spec: SpecifierSet) -> None:
        name = canonicalize_name(PYPI_NAMES.get(name, name))
        if name in out:
            problems.append(f"{ENV_FILE}: {name} is listed twice")
        out[name] = spec

    for dep in env.get("dependencies") or []:
        if isinstance(dep, dict):
            for line in dep.get("pip") or []:
                if line.startswith("-") or line.startswith(".") or "/" in line:
                    problems.append(
                        f"{ENV_FILE}: pip entry {line!r} installs from a path; the course "
                        f"itself is installed by {POST_BUILD}, after the source is copied"
                    )
                    continue
                try:
                    req = Requirement(line)
                except InvalidRequirement as err:
                    problems.append(f"{ENV_FILE}: invalid pip entry {line!r}: {err}")
                    continue
                add(req.name, req.specifier)
            continue
        m = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)$", str(dep).strip())
        name, spec = m[1].lower(), m[2].replace(" ", "")
        if name in NOT_PACKAGES:
            continue
        try:
            add(name, SpecifierSet(spec))
        except InvalidSpecifier:
            problems.append(f"{ENV_FILE}: {dep!r}: write the range as in pyproject (>=, <, ==)")
    return out, problems


def env_problems(pyproject: dict, env: dict) -> list[str]:
    """Why ``binder/environment.yml`` does not match pyproject.toml (empty: it does)."""
    problems = []
    python = pinned_python(env)
    if python is None:
        return [
            f"{ENV_FILE} pins no Python: add `python=X.Y` (else repo2docker uses its default, "
            f"3.10 today, which it says will change)"
        ]
    requires = SpecifierSet(pyproject["project"].get("requires-python", ""))
    if not requires.contains(f"{python}.0"):
        problems.append(f"{ENV_FILE}: python={python} is outside requires-python {requires}")
    if (env.get("channels") or [None])[0] != "conda-forge":
        problems.append(f"{ENV_FILE}: the first channel must be conda-forge")
    need = wanted(pyproject, python)
    have, found = listed(env)
    problems += found
    for name in sorted(need.keys() - have.keys()):
        conda = f" (conda-forge: {CONDA_NAMES[name]})" if name in CONDA_NAMES else ""
        problems.append(f"{ENV_FILE} lacks {name}{need[name]}, as pyproject.toml says{conda}")
    for name in sorted(have.keys() - need.keys()):
        problems.append(
            f"{ENV_FILE} installs {name}{have[name]}, which pyproject.toml's dependencies and "
            f"extras {', '.join(EXTRAS)} do not name"
        )
    for name in sorted(need.keys() & have.keys()):
        if need[name] != have[name]:
            problems.append(
                f"{ENV_FILE}: {name}{have[name] or ' (no range)'} but pyproject.toml says "
                f"{name}{need[name] or ' (no range)'}"
            )
    return problems


# ---- binder/postBuild ---------------------------------------------------------------------
def commands(script: str) -> list[list[str]]:
    """The shell commands of a script, as words: continuation lines joined, comments dropped,
    ``a && b`` and ``a; b`` split."""
    text = re.sub(r"\\\n", " ", script)
    out = []
    for line in text.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        try:
            words = list(lexer)
        except ValueError:  # an unbalanced quote: not a command we look for
            continue
        current: list[str] = []
        for word in [*words, ";"]:
            if word in (";", "&&", "||", "|", "&"):
                if current:
                    out.append(current)
                current = []
            else:
                current.append(word)
    return out


def installs_package(script: str) -> bool:
    """Whether a command of ``script`` pip-installs the repository itself: ``pip install .``,
    ``-e .``, ``.[extra]`` (or ``./``), through ``pip``, ``pip3`` or ``python -m pip``."""
    for words in commands(script):
        for i, word in enumerate(words[:-1]):
            if Path(word).name in ("pip", "pip3") and words[i + 1] == "install":
                args = words[i + 2 :]
                if any(re.fullmatch(r"\.(/)?(\[[\w,\-]+\])?", a) for a in args):
                    return True
    return False


def post_build_problems(root: Path = ROOT) -> list[str]:
    path = root / POST_BUILD
    if not path.is_file():
        return [f"{POST_BUILD} is missing: nothing would install coursepkg in the image"]
    script = path.read_text()
    problems = []
    if not script.startswith("#!"):
        problems.append(f"{POST_BUILD} has no #! line (repo2docker executes it directly)")
    if not os.access(path, os.X_OK):
        problems.append(f"{POST_BUILD} is not executable (chmod +x, and commit the mode)")
    if shutil.which("bash"):
        syntax = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
        if syntax.returncode:
            problems.append(f"{POST_BUILD} is not valid bash: {syntax.stderr.strip()}")
    if not installs_package(script):
        problems.append(
            f"{POST_BUILD} does not pip-install the repository (`pip install --no-deps -e .`)"
        )
    return problems


# ---- the Dockerfile repo2docker generates -------------------------------------------------
@dataclass
class Instruction:
    line: int  # 1-based line of the Dockerfile where it starts
    keyword: str
    args: str


def instructions(dockerfile: str) -> list[Instruction]:
    """A Dockerfile's instructions, continuation lines joined; comments and blanks dropped."""
    out: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(dockerfile.splitlines(), 1):
        line = raw.rstrip()
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if not pending:
            start = number
        pending.append(line[:-1] if line.endswith("\\") else line)
        if not line.endswith("\\"):
            keyword, _, args = " ".join(pending).strip().partition(" ")
            out.append(Instruction(start, keyword.upper(), args.strip()))
            pending = []
    return out


def unescape(name: str) -> str:
    """A build-context file name repo2docker made from a path (``-2f`` for ``/``, ...)."""
    name = re.sub(r"-[0-9a-f]{6}$", "", name.rsplit("/", 1)[-1])
    return re.sub(r"-([0-9a-f]{2})", lambda m: chr(int(m[1], 16)), name)


def base_python(steps: list[Instruction]) -> str | None:
    """The Python of the base environment the Dockerfile installs (from its lock file)."""
    for step in steps:
        if step.keyword == "COPY" and step.args.endswith(" /tmp/env/environment.lock"):
            source = step.args.split()[-2]
            m = re.search(r"environment\.py-(\d+\.\d+)-", unescape(source))
            return m[1] if m else None
    return None


def dockerfile_problems(dockerfile: str, python: str) -> list[str]:
    """Why the Dockerfile would not build the course from ``binder/`` (empty: it would)."""
    steps = instructions(dockerfile)
    problems = []

    def first(pred) -> Instruction | None:
        return next((s for s in steps if pred(s)), None)

    got = base_python(steps)
    if got != python:
        problems.append(
            f"the base environment is Python {got or '(none found)'}, not the pinned {python}"
        )
    env_runs = [s for s in steps if s.keyword == "RUN" and " env update " in s.args]
    files = [m for s in env_runs for m in re.findall(r'--file "([^"]+)"', s.args)]
    if files != [ENV_FILE]:
        problems.append(f"the environment installed is {files or 'none'}, not [{ENV_FILE!r}]")
    elif "-p ${NB_PYTHON_PREFIX}" not in env_runs[0].args:
        problems.append("the environment is not installed into the notebook's kernel env")
    source = first(
        lambda s: s.keyword == "COPY" and re.search(r"(^| )src/ \$\{REPO_DIR\}/$", s.args)
    )
    run_post = first(lambda s: s.keyword == "RUN" and s.args == f"./{POST_BUILD}")
    if source is None:
        problems.append("the repository is never copied into the image (COPY src/ ${REPO_DIR}/)")
    if run_post is None:
        problems.append(f"{POST_BUILD} is never run (RUN ./{POST_BUILD})")
    if source and run_post and run_post.line < source.line:
        problems.append(
            f"{POST_BUILD} runs (line {run_post.line}) before the source is copied "
            f"(line {source.line}): it could not install the package"
        )
    if source and env_runs and env_runs[0].line > source.line:
        problems.append(
            "the environment is installed after the source is copied: every commit would "
            f"rebuild it (does {ENV_FILE} install something local?)"
        )
    top_level = [
        s
        for s in steps
        if re.search(r'(^|[ "])(environment\.ya?ml|requirements\.txt|setup\.py)"?( |$)', s.args)
    ]
    for step in top_level:
        text = re.sub(r"\s+", " ", f"{step.keyword} {step.args}")
        problems.append(f"line {step.line} uses a top-level file: {text[:120]}")
    return problems


# ---- running repo2docker -------------------------------------------------------------------
def stage(dest: Path, root: Path = ROOT) -> int:
    """Copy the files git would commit (tracked and untracked-not-ignored) to ``dest``: what
    mybinder.org clones, without .venv, _build or an ignored stray config. Returns the count."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    try:
        out = tool_venv.run(
            ["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
        ).stdout
    except (tool_venv.ToolError, OSError) as err:
        raise tool_venv.ToolError(f"cannot list the repository's files with git: {err}") from err
    count = 0
    for rel in filter(None, out.split("\0")):
        src = root / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
            count += 1
    return count


def repo2docker(repo: Path, spec: str, cache: Path) -> tuple[str, str, bool]:
    """The Dockerfile ``jupyter-repo2docker --no-build`` generates for ``repo``, its log, and
    whether the tool's venv was reused."""
    venv = cache / "venv"
    reused = tool_venv.ensure(venv, [spec])
    exe = tool_venv.bin_dir(venv) / "jupyter-repo2docker"
    uid, user = BINDER_USER
    proc = tool_venv.run(
        [exe, "--no-build", "--debug", "--user-id", uid, "--user-name", user, repo], cwd=cache
    )
    return proc.stdout, proc.stderr, reused


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--static-only", action="store_true", help="skip repo2docker")
    parser.add_argument("--repo2docker", default=REPO2DOCKER, help="pip spec of repo2docker")
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        return check(args, start)
    except tool_venv.ToolError as err:
        print(f"[binder-check] could not run: {err}")
        return 2


def check(args, start: float) -> int:
    env = read_env()
    python = pinned_python(env)
    problems = env_problems(read_pyproject(), env) + post_build_problems()
    print(
        f"[binder-check] {ENV_FILE}: python={python}, "
        f"{len(listed(env)[0])} packages (pyproject dependencies + {', '.join(EXTRAS)})"
    )
    if not args.static_only and python:
        count = stage(args.cache / "repo")
        dockerfile, log, reused = repo2docker(args.cache / "repo", args.repo2docker, args.cache)
        (args.cache / "Dockerfile").write_text(dockerfile)
        (args.cache / "repo2docker.log").write_text(log)
        print(
            f"  {args.repo2docker} ({'venv reused' if reused else 'venv built'}) on "
            f"{count} files; Dockerfile: {(args.cache / 'Dockerfile').relative_to(ROOT)}"
        )
        if f"Building conda environment for python={python}" not in log:
            problems.append(f"repo2docker did not say it builds python={python}:\n{log}")
        problems += dockerfile_problems(dockerfile, python)
    steps = "environment and postBuild" if args.static_only else "Dockerfile"
    return tool_venv.report("binder-check", problems, start, f"ok: {steps} as intended")


if __name__ == "__main__":
    sys.exit(main())

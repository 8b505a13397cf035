"""Binder's configuration (binder/) and the pure parts of tools/binder_check.py: the
environment agrees with pyproject.toml, postBuild installs the package, and the Dockerfile
repo2docker generates is read correctly. (The repo2docker dry run itself is
`python -m tools.binder_check`.)"""

import copy
import textwrap

import pytest

from tools import binder_check as bc

# The lines of `jupyter-repo2docker --no-build` output (2026.4.0, binder/ present, uid 1000)
# that the check reads; the rest of the Dockerfile is elided.
LOCK = (
    "build_script_files/-2fsrv-2fr2d-2flib-2fpython3-2e11-2fsite-2dpackages-2frepo2docker"
    "-2fbuildpacks-2fconda-2fenvironment-2epy-2d{py}-2dlinux-2d64-2elock-8dc2d9"
)
ENV_UPDATE = """\
USER ${{NB_USER}}
RUN TIMEFORMAT='time: %3R' \\
bash -c 'time ${{MAMBA_EXE}} env update -p ${{NB_PYTHON_PREFIX}} --file "{env}" && \\
time ${{MAMBA_EXE}} clean --all -f -y && \\
${{MAMBA_EXE}} list -p ${{NB_PYTHON_PREFIX}} \\
'
"""
POST_BUILD = """\
# Make sure that postBuild scripts are marked executable before executing them
RUN chmod +x binder/postBuild
RUN ./binder/postBuild
"""
DOCKERFILE = """\
FROM docker.io/library/buildpack-deps:24.04
ENV NB_PYTHON_PREFIX=${{CONDA_DIR}}/envs/notebook
COPY --chown=1000:1000 {lock} /tmp/env/environment.lock
RUN TIMEFORMAT='time: %3R' \\
bash -c 'time /tmp/install-base-env.bash' && \\
rm -rf /tmp/install-base-env.bash /tmp/env
WORKDIR ${{REPO_DIR}}
# Run pre-assemble scripts! These are instructions that depend on the content
{preassemble}
# ensure root user after preassemble scripts
USER root

# Copy stuff.
COPY --chown=1000:1000 src/ ${{REPO_DIR}}/

# Run assemble scripts! These will actually turn the specification
{assemble}
USER ${{NB_USER}}

{post_build}
CMD ["jupyter", "notebook", "--ip", "0.0.0.0"]
"""


def dockerfile(py="3.11", binder=True):
    """With ``binder``: binder/environment.yml installed before the source is copied, then
    postBuild. Without: what repo2docker made of the top-level environment.yml (with `-e .`)."""
    lock = LOCK.format(py=py.replace(".", "-2e"))
    if not binder:
        env = ENV_UPDATE.format(env="environment.yml")
        return DOCKERFILE.format(lock=lock, preassemble="", assemble=env, post_build="")
    env = ENV_UPDATE.format(env="binder/environment.yml")
    copy_env = (
        "COPY --chown=1000:1000 src/binder/environment.yml ${REPO_DIR}/binder/environment.yml\n"
    )
    return DOCKERFILE.format(
        lock=lock, preassemble=copy_env + env, assemble="", post_build=POST_BUILD
    )


# ---- binder/environment.yml ------------------------------------------------------------
def test_binder_environment_matches_pyproject():
    pyproject, env = bc.read_pyproject(), bc.read_env()
    assert bc.env_problems(pyproject, env) == []
    assert bc.pinned_python(env) in ("3.11", "3.12")
    # the runtime of the chapters and exercises, not the developer tooling
    names = set(bc.listed(env)[0])
    assert {"torch", "numpy", "otter-grader"} <= names
    assert not names & {"pytest", "jupyter-book", "ruff", "nbval"}


def test_a_python_floor_is_not_a_pin():
    env = {"dependencies": ["python>=3.10", "numpy>=1.24"]}
    assert bc.pinned_python(env) is None
    assert "pins no Python" in bc.env_problems(bc.read_pyproject(), env)[0]
    assert bc.pinned_python({"dependencies": ["python=3.12"]}) == "3.12"
    assert bc.pinned_python({"dependencies": ["python=3.11.9"]}) == "3.11"


def test_every_disagreement_with_pyproject_is_reported():
    pyproject, env = bc.read_pyproject(), copy.deepcopy(bc.read_env())
    deps = env["dependencies"]
    deps[deps.index("scipy>=1.10")] = "scipy>=1.9"
    deps.remove("pooch>=1.7")
    deps.insert(1, "pandas>=2.0")
    deps[-1]["pip"].append("-e .")
    problems = "\n".join(bc.env_problems(pyproject, env))
    assert "scipy>=1.9 but pyproject.toml says scipy>=1.10" in problems
    assert "lacks pooch>=1.7" in problems
    assert "installs pandas>=2.0, which pyproject.toml" in problems
    assert "'-e .' installs from a path" in problems


def test_pyproject_ranges_follow_extras_and_markers():
    pyproject = {
        "project": {
            "name": "coursepkg",
            "dependencies": ["numpy>=1.24", "tomli>=2; python_version < '3.11'"],
            "optional-dependencies": {
                "exercises": ["coursepkg[grading]", "otter-grader>=5.7.1,<6"],
                "grading": ["Dill>=0.3"],
            },
        }
    }
    want = {k: str(v) for k, v in bc.wanted(pyproject, "3.11").items()}
    assert want == {"numpy": ">=1.24", "otter-grader": "<6,>=5.7.1", "dill": ">=0.3"}
    assert "tomli" in bc.wanted(pyproject, "3.10")


# ---- binder/postBuild --------------------------------------------------------------------
def test_post_build_installs_the_package():
    assert bc.post_build_problems() == []


@pytest.mark.parametrize(
    ("script", "installs"),
    [
        ("python -m pip install --no-cache-dir --no-deps -e .", True),
        ("pip install '.[exercises]'", True),
        ("set -e; pip3 install ./ && echo done", True),
        ("python -m pip install \\\n    --no-deps \\\n    -e .", True),
        ("# pip install -e .\necho nothing", False),
        ("pip install numpy", False),
        ("pip download .", False),
    ],
)
def test_which_scripts_install_the_repository(script, installs):
    assert bc.installs_package(script) is installs


# ---- the generated Dockerfile ------------------------------------------------------------
def test_the_lock_file_name_gives_the_base_python():
    name = LOCK.format(py="3-2e11")
    assert bc.unescape(name).endswith(
        "repo2docker/buildpacks/conda/environment.py-3.11-linux-64.lock"
    )
    assert bc.base_python(bc.instructions(dockerfile("3.12"))) == "3.12"


def test_a_binder_dockerfile_passes():
    steps = bc.instructions(dockerfile())
    assert [s.keyword for s in steps][:3] == ["FROM", "ENV", "COPY"]
    run = next(s for s in steps if "env update" in s.args)
    assert run.line == 11 and "rm -rf" not in run.args and run.args.endswith("'")
    assert bc.dockerfile_problems(dockerfile(), "3.11") == []


def test_a_wrong_python_or_order_fails():
    assert bc.dockerfile_problems(dockerfile("3.10"), "3.11") == [
        "the base environment is Python 3.10, not the pinned 3.11"
    ]
    lines = dockerfile().splitlines()
    post = lines.index("RUN ./binder/postBuild")
    moved = lines[:post] + lines[post + 1 :]
    moved.insert(moved.index("# Copy stuff."), "RUN ./binder/postBuild")
    problems = bc.dockerfile_problems("\n".join(moved), "3.11")
    assert len(problems) == 1 and "before the source is copied" in problems[0]
    assert "never run" in bc.dockerfile_problems(dockerfile().replace("RUN ./", "# "), "3.11")[0]


def test_the_top_level_environment_fails():
    problems = "\n".join(bc.dockerfile_problems(dockerfile("3.10", binder=False), "3.11"))
    assert "Python 3.10, not the pinned 3.11" in problems
    assert "['environment.yml'], not ['binder/environment.yml']" in problems
    assert "binder/postBuild is never run" in problems
    assert "installed after the source is copied" in problems
    assert "uses a top-level file: RUN TIMEFORMAT" in problems


def test_instructions_join_continuations_and_skip_comments():
    text = textwrap.dedent(
        """\
        # comment
        RUN a && \\
            b

        COPY x y
        """
    )
    steps = bc.instructions(text)
    assert [(s.line, s.keyword) for s in steps] == [(2, "RUN"), (5, "COPY")]
    assert steps[0].args.split() == ["a", "&&", "b"]

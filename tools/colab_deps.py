"""Installing the course in Colab's GPU runtime changes none of Colab's preinstalled packages.

The check, run by ``make test``:

1. builds a virtual environment (cached in ``_build/colab-deps/``) with Colab's Python when
   this machine has it (else this interpreter, said so) and Colab's pip;
2. puts torch in it as Colab's version through a stub ``dist-info`` (no CUDA wheel is
   downloaded; the stub declares no requirements, so torch's own are not checked);
3. dry-runs ``pip install`` with every install spec the notebooks' setup cells use, pointed
   at a wheel of this checkout, and installs (``--no-deps``, Colab's exact versions) each
   preinstalled package the dry run reaches, until nothing new is reached: the venv then
   holds the whole dependency closure at Colab's versions;
4. fails when a dry run would upgrade, downgrade or reinstall a preinstalled package, and
   prints what it would add.

    python -m tools.colab_deps [--cache _build/colab-deps]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tools import colab_env as env

DEFAULT_CACHE = env.ROOT / "_build" / "colab-deps"
TOOL_VERSION = "1"  # bump to rebuild every cached venv


def stub_torch(venv: Path, version: str) -> None:
    """Make pip see torch ``version`` as installed, without its files."""
    site = env.site_packages(venv)
    info = site / f"torch-{version}.dist-info"
    info.mkdir(exist_ok=True)
    files = {
        "METADATA": f"Metadata-Version: 2.1\nName: torch\nVersion: {version}\n",
        "INSTALLER": "colab-deps stub\n",
    }
    for name, text in files.items():
        (info / name).write_text(text)
    record = [f"{info.name}/{name},," for name in (*files, "RECORD")]
    (info / "RECORD").write_text("\n".join(record) + "\n")


def dry_run(venv: Path, requirement: str) -> list[tuple[str, str]]:
    """``(name, version)`` of every distribution ``pip install requirement`` would install."""
    return [(env.canonical(m["name"]), m["version"]) for m in env.planned(venv, requirement)]


def close_over(venv: Path, requirements: dict[str, str], colab: dict[str, str]) -> dict:
    """Install preinstalled packages the dry runs reach until none is new; return the last
    dry run of each spec: ``{spec: [(name, version), ...]}``."""
    while True:
        have = env.installed(venv)
        reports = {spec: dry_run(venv, req) for spec, req in requirements.items()}
        missing = sorted(
            {
                name
                for plan in reports.values()
                for name, _ in plan
                if name in colab and name not in have
            }
        )
        if not missing:
            return reports
        print(f"  closure: + {len(missing)} preinstalled packages: {', '.join(missing)}")
        env.pip(venv, "install", "--quiet", "--no-deps", *(f"{n}=={colab[n]}" for n in missing))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    start = time.perf_counter()

    colab = env.freeze()
    exe, described = env.find_python(env.python_version().rsplit(".", 1)[0])
    venv = args.cache / "venv"
    key = f"{env.snapshot_id()} {exe} {TOOL_VERSION}"
    reused = env.cached_venv(venv, exe, key)
    if not reused:
        env.pip(venv, "install", "--quiet", f"pip=={colab['pip']}")
        stub_torch(venv, colab["torch"])
        env.mark_built(venv, key)
    print(
        f"[colab-deps] Colab snapshot {env.snapshot_id()} (Python {env.python_version()}, "
        f"{len(colab)} packages); using {described}, pip {colab['pip']}, "
        f"torch {colab['torch']} as a stub; venv {'reused' if reused else 'built'}: {venv}"
    )

    wheel = env.build_wheel(args.cache / "wheel")
    specs = env.notebook_specs()
    if not specs:
        raise SystemExit("no setup cell with an install spec found in book/")
    requirements = {spec: env.local_spec(spec, wheel) for spec in specs}
    reports = close_over(venv, requirements, colab)
    closure = set(env.installed(venv)) & set(colab)
    print(f"  closure: {len(closure)} preinstalled packages at Colab's versions (torch a stub)")

    failed = False
    for spec, plan in reports.items():
        plan = [(n, v) for n, v in plan if n != "coursepkg"]
        changed = [f"{n} {colab[n]} -> {v}" for n, v in plan if n in colab]
        unknown = [f"{n} {v}" for n, v in plan if n in env.url_installed()]
        added = [f"{n} {v}" for n, v in plan if n not in colab and n not in env.url_installed()]
        users = specs[spec]
        print(f"\n{spec}\n  used by {len(users)} notebooks ({', '.join(users[:3])}, ...)")
        print(f"  changes {len(changed)} preinstalled packages" + (": " if changed else ""))
        for line in changed + unknown:
            print(f"    CHANGED {line}")
        print(f"  adds {len(added)}: {', '.join(added) or '-'}")
        failed |= bool(changed or unknown)

    verdict = "FAILED: the install would change Colab's packages" if failed else "ok"
    print(f"\n[colab-deps] {verdict} ({time.perf_counter() - start:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""pytest plugin for nbval runs: enforce each notebook's CPU budget and report the slowest.

Each chapter states its budget on the page ("CPU: ~15 s") and in its metadata
(``{"coursepkg": {"cpu_budget_s": 15}}``). This plugin sums the time of every nbval
item (kernel start, every cell) per notebook, prints the notebooks slowest first,
and fails the session when a notebook ran over its budget, or over the course-wide
ceiling of 60 s when it states none. Load it with ``-p tests.nbbudget``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

CEILING_S = 60.0

_seconds: dict[str, float] = defaultdict(float)


def budget_of(path: str | Path) -> float:
    """The notebook's stated CPU budget in seconds (the ceiling when it states none)."""
    meta = json.loads(Path(path).read_text()).get("metadata", {})
    stated = meta.get("coursepkg", {}).get("cpu_budget_s")
    return min(float(stated), CEILING_S) if stated else CEILING_S


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _seconds[path] += report.duration


def _over_budget(rootdir: Path) -> list[tuple[str, float, float]]:
    return [
        (path, s, budget_of(rootdir / path))
        for path, s in _seconds.items()
        if s > budget_of(rootdir / path)
    ]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _seconds:
        return
    root = Path(config.rootpath)
    terminalreporter.section("notebook time vs CPU budget (slowest first)")
    for path, s in sorted(_seconds.items(), key=lambda kv: -kv[1]):
        budget = budget_of(root / path)
        flag = "  OVER BUDGET" if s > budget else ""
        terminalreporter.write_line(f"{s:7.1f} s / {budget:4.0f} s  {path}{flag}")


def pytest_sessionfinish(session, exitstatus):
    if _over_budget(Path(session.config.rootpath)) and session.exitstatus == 0:
        session.exitstatus = 1

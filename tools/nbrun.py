"""pytest plugin for nbval runs: each notebook's CPU budget, measured in CPU time, and its outputs.

Load it with ``-p tools.nbrun``. Each chapter states its budget on the page ("CPU: ~15 s")
and in its metadata (``{"coursepkg": {"cpu_budget_s": 15}}``); exercise solutions and
notebooks that state none get the course-wide ceiling of 60 s.

* **Budgets are CPU time.** After each cell, the kernel process's CPU time is read from
  ``/proc`` (user + system, its waited-for children included, kernel start included).
  With one BLAS/OpenMP thread per kernel (the Makefile sets them) this is what the
  notebook costs on an idle core, however loaded the machine is while it is measured: a
  busy machine slows the wall clock, not this. The wall-clock time is printed beside it,
  for information. Where ``/proc`` is missing the wall-clock time is the measure.
* ``--nb-budgets=check`` (default) fails the session when a notebook runs over its budget;
  ``report`` only prints the table.
* ``--nb-executed DIR`` writes each executed notebook, with the outputs of this run, under
  DIR at its path relative to the rootdir: ``make book`` and ``make book-check`` render
  those (tools/book_cache.py) instead of executing every chapter a second time.
* ``--nb-report FILE`` writes ``{notebook: {cpu_s, wall_s, budget_s, failed}}`` as JSON.
* **No port races.** nbval's kernels talk over IPC sockets in a folder of their own, not
  TCP ports: a port picked as free can be taken by another process starting a kernel at
  the same moment, and the kernel then dies before replying to ``kernel_info``.
"""

from __future__ import annotations

import copy
import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

CEILING_S = 60.0
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

_cpu: dict[str, float] = {}  # controller: notebook -> kernel CPU seconds (after its last cell)
_wall: dict[str, float] = defaultdict(float)
_failed: set[str] = set()
_outputs: dict[str, dict[int, list]] = defaultdict(dict)  # worker: notebook -> cell -> outputs


def budget_of(path: str | Path) -> float:
    """The notebook's stated CPU budget in seconds (the ceiling when it states none)."""
    meta = json.loads(Path(path).read_text()).get("metadata", {})
    stated = meta.get("coursepkg", {}).get("cpu_budget_s")
    return min(float(stated), CEILING_S) if stated else CEILING_S


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process and its waited-for children (None: unknown)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    fields = stat[stat.rindex(b")") + 2 :].split()
    return sum(int(f) for f in fields[11:15]) / _TICK


def _kernel_pid(item) -> int | None:
    kernel = getattr(item.parent, "kernel", None)
    km = getattr(kernel, "km", None)
    process = getattr(getattr(km, "provisioner", None), "process", None)
    return getattr(process, "pid", None)


def _ipc_kernel_manager():
    """jupyter_client's KernelManager over IPC sockets with a name of their own (jupyter_client
    removes the socket files when the kernel shuts down)."""
    import tempfile
    import uuid

    from jupyter_client.manager import KernelManager
    from traitlets import CaselessStrEnum

    class IPCKernelManager(KernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        def _ip_default(self):
            return str(Path(tempfile.gettempdir()) / f"nbrun-kernel-{uuid.uuid4().hex[:12]}")

    return IPCKernelManager


def pytest_configure(config):
    try:
        import nbval.kernel
    except ImportError:
        return
    if os.name == "posix":
        nbval.kernel.KernelManager = _ipc_kernel_manager()


def pytest_addoption(parser):
    group = parser.getgroup("nbrun", "notebook budgets and outputs (tools/nbrun.py)")
    group.addoption("--nb-budgets", choices=("check", "report"), default="check")
    group.addoption(
        "--nb-executed", default=None, help="write executed notebooks under this folder"
    )
    group.addoption(
        "--nb-report", default=None, help="write CPU and wall time per notebook as JSON"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.when == "call" and hasattr(item, "test_outputs"):  # an nbval cell
        pid = _kernel_pid(item)
        cpu = process_cpu_seconds(pid) if pid else None
        if cpu is not None:
            report.user_properties.append(("kernel_cpu_s", cpu))
        if item.config.getoption("--nb-executed"):
            index = next(i for i, cell in enumerate(item.parent.nb.cells) if cell is item.cell)
            _outputs[item.parent.nodeid][index] = list(item.test_outputs or [])
    return report


def pytest_runtest_teardown(item, nextitem):
    folder = item.config.getoption("--nb-executed")
    last = nextitem is None or nextitem.parent is not item.parent
    if folder and last and hasattr(item, "test_outputs"):
        _write_executed(item.parent, Path(folder) / item.parent.nodeid)


def _write_executed(notebook_item, target: Path) -> None:
    """The notebook as nbval ran it: every code cell with this run's outputs and count."""
    import nbformat

    nb = copy.deepcopy(notebook_item.nb)
    outputs = _outputs.pop(notebook_item.nodeid, {})
    count = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or index not in outputs:
            continue
        count += 1
        cell.execution_count = count
        cell.outputs = [copy.deepcopy(out) for out in outputs[index]]
        for out in cell.outputs:
            if out.get("output_type") == "execute_result":
                out["execution_count"] = count
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(target))


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if not path.endswith(".ipynb"):
        return
    _wall[path] += report.duration
    if report.failed:
        _failed.add(path)
    for key, value in report.user_properties:
        if key == "kernel_cpu_s":
            _cpu[path] = max(_cpu.get(path, 0.0), value)


def measured(path: str) -> tuple[float, str]:
    """The time a notebook is judged by: its kernel's CPU time, else its wall-clock time."""
    return (_cpu[path], "CPU") if path in _cpu else (_wall[path], "wall")


def _over_budget(rootdir: Path) -> list[str]:
    return [path for path in _wall if measured(path)[0] > budget_of(rootdir / path)]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _wall:
        return
    root = Path(config.rootpath)
    terminalreporter.section(
        "notebook CPU time vs its budget (slowest first; wall clock beside it)"
    )
    for path in sorted(_wall, key=lambda p: -measured(p)[0]):
        seconds, kind = measured(path)
        budget = budget_of(root / path)
        flag = "  OVER BUDGET" if seconds > budget else ""
        terminalreporter.write_line(
            f"{seconds:7.1f} s {kind:4s} / {budget:4.0f} s   (wall {_wall[path]:6.1f} s)  {path}{flag}"
        )
    report = config.getoption("--nb-report")
    if report:
        Path(report).write_text(
            json.dumps(
                {
                    path: {
                        "cpu_s": _cpu.get(path),
                        "wall_s": _wall[path],
                        "budget_s": budget_of(root / path),
                        "failed": path in _failed,
                    }
                    for path in _wall
                },
                indent=1,
            )
        )


def pytest_sessionfinish(session, exitstatus):
    if session.config.getoption("--nb-budgets") != "check" or hasattr(
        session.config, "workerinput"
    ):
        return
    if _over_budget(Path(session.config.rootpath)) and session.exitstatus == 0:
        session.exitstatus = 1

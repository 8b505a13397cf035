"""A jail for one submission: bubblewrap, resource limits and deadlines kept from outside.

:class:`Sandbox` starts ``sandbox_worker.py`` under ``bwrap`` (Debian's ``bubblewrap``):

* new user, PID, network, IPC, UTS and cgroup namespaces: no network, and no process
  outside the jail can be seen or signalled (the grader, classmates' jails);
* a root made of read-only binds of the system, the Python installation and a *course
  package cut down to what the exercise's notebook may import* (grading helpers and the
  modules its given cells use, never the reference implementations the exercise asks
  for); writable space is a size-limited ``tmpfs`` holding only the notebook;
* an empty environment (nothing of the instructor's is passed on);
* run as root, the grader switches to an unprivileged uid of its own per job slot;
* ``prlimit``: address space (``memory_mb``), processes and threads, file size, open
  files, no core files, and a total CPU-time ceiling.

Deadlines are enforced by the grader, never by the student's process: each request has a
budget of CPU seconds, read from ``/proc`` for the jail's processes (so a loaded machine
does not turn a fast submission into a timeout), and a wall-clock ceiling for code that
sleeps or blocks (past it, a jail that still computes goes on to its CPU budget, up to ten
times the ceiling). Past either, the whole jail is killed (it dies with its PID namespace).
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from exercises import wire

HERE = Path(__file__).resolve().parent
WORKER_FILES = ("sandbox_worker.py", "wire.py")
HOME = "/home/student"
FIRST_UID = 61000  # jails run as root take uids from here on
STALLED = 0.05  # a jail using less CPU than this share of the wall clock is sleeping or blocked
_TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Limits:
    """Per-submission limits. CPU budgets are seconds of CPU time used by the jail."""

    memory_mb: int = 2048  # address space of each process
    processes: int = 64  # processes and threads in the jail
    file_mb: int = 64  # largest file it may write
    tmp_mb: int = 128  # its writable space in all
    cell_cpu_s: float = 60.0  # one notebook cell
    total_cpu_s: float = 600.0  # everything, a backstop (RLIMIT_CPU)
    wall_factor: float = 4.0  # wall-clock ceiling = max(wall_floor_s, factor * CPU budget)
    wall_floor_s: float = 60.0

    def wall(self, cpu_s: float) -> float:
        return max(self.wall_floor_s, self.wall_factor * cpu_s)


DEFAULT_LIMITS = Limits()


class SandboxDied(RuntimeError):
    """The jail's process ended (an exit, a crash, a kill) before it answered."""

    def __init__(self, status: int | None):
        self.status = status
        if status is None:
            what = "it stopped answering"
        elif status < 0:
            what = f"it was killed by signal {signal.Signals(-status).name}"
        else:
            what = f"it exited with status {status}"
        super().__init__(what)


class SandboxTimeout(RuntimeError):
    """A request used up its CPU budget or its wall-clock ceiling; the jail was killed."""

    def __init__(self, cpu_s: float, wall: bool):
        self.cpu_s, self.wall = cpu_s, wall
        super().__init__(
            f"still running after {cpu_s:g} s of wall-clock time (sleeping or blocked)"
            if wall
            else f"did not finish within {cpu_s:g} s of CPU time"
        )


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def _descendants(root: int) -> list[int]:
    """``root`` and every process below it (from /proc; no /proc/*/children here)."""
    parent = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_bytes()
            except OSError:
                continue
            parent[int(entry.name)] = int(stat[stat.rindex(b")") + 2 :].split()[1])
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, ppid in parent.items() if ppid in frontier]
        found += frontier
    return found


def _cpu_seconds(pids) -> float:
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2 :].split()
        total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / _TICK


class Sandbox:
    """One running jail. ``package`` is the cut-down ``coursepkg`` folder to expose at
    ``package_target`` (where the grader's Python imports ``coursepkg`` from)."""

    def __init__(self, package: Path, package_target: Path, limits: Limits, slot: int = 0):
        self.package, self.package_target = package, package_target
        self.limits, self.slot = limits, slot
        self.proc: subprocess.Popen | None = None
        self._buffer = bytearray()
        self._pids: list[int] = []
        self._pids_at = 0.0

    # ---- start and stop ------------------------------------------------------------------
    def start(self, notebook_name: str, notebook_text: str) -> None:
        bwrap = bwrap_path()
        if bwrap is None:
            raise RuntimeError(
                "bubblewrap is not installed: the grader runs every submission in a bwrap "
                "jail (Debian/Ubuntu: apt install bubblewrap)"
            )
        fds, args = [], []

        readonly: list[Path] = []
        made = {Path("/"), Path("/home"), Path("/tmp")}

        def bind(path, dest):
            # bwrap would create missing parents with mode 0700, closed to the jail's user.
            for parent in reversed(Path(dest).parents):
                if parent in made or any(parent.is_relative_to(m) for m in readonly):
                    continue
                args.extend(["--perms", "0755", "--dir", str(parent)])
                made.add(parent)
            args.extend(["--ro-bind", str(path), str(dest)])
            readonly.append(Path(dest))

        def data_fd(data: bytes, dest, flag="--ro-bind-data"):
            read, write = os.pipe()
            os.write(write, data)  # small files: fits in the pipe buffer
            os.close(write)
            fds.append(read)
            args.extend(["--perms", "0644", flag, str(read), str(dest)])

        # The writable scratch space first: a Python installation or a checkout under /tmp or
        # /home is bound on top of it, not hidden by it.
        size = str(self.limits.tmp_mb * 2**20 // 2)
        args += ["--perms", "0755", "--size", size, "--tmpfs", "/home"]
        args += ["--perms", "1777", "--size", size, "--tmpfs", "/tmp"]
        for top in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
            path = Path("/", top)
            if path.is_symlink():
                args += ["--symlink", os.readlink(path), str(path)]
            elif path.is_dir():
                bind(path, path)
        bound: list[Path] = []
        for path in map(Path, ("/usr", "/etc", sys.base_prefix, sys.prefix)):
            if not any(path.resolve().is_relative_to(done) for done in bound):
                bind(path.resolve(), path)
                bound.append(path.resolve())
        bind(self.package, self.package_target)
        for name in WORKER_FILES:
            data_fd((HERE / name).read_bytes(), f"/opt/judge/{name}")
        args += ["--perms", "1777", "--dir", HOME]
        data_fd(notebook_text.encode(), f"{HOME}/{notebook_name}", flag="--file")
        env = {
            "HOME": HOME,
            "USER": "student",
            "PATH": f"{sys.prefix}/bin:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "MPLBACKEND": "Agg",
            "OMP_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "COURSEPKG_JUDGE": "1",
            "COURSEPKG_OFFLINE": "1",
            "TQDM_DISABLE": "1",
        }
        for key, value in env.items():
            args += ["--setenv", key, value]
        limits = self.limits
        nproc = limits.processes
        if os.geteuid() == 0:
            # bwrap sets up the jail as root, then setpriv drops to a uid no other jail on this
            # machine holds, with no capabilities: the process limit counts only this jail.
            uid = str(self._claim_uid())
            namespaces = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts"]
            namespaces += [
                "--unshare-cgroup-try",
                "--cap-add",
                "CAP_SETUID",
                "--cap-add",
                "CAP_SETGID",
            ]
            drop = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
            drop += ["--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
        else:
            # An unprivileged user namespace; the limit counts every process of this user,
            # so leave room for what runs now.
            namespaces, drop = ["--unshare-all"], []
            nproc += _user_tasks(os.geteuid())
        cmd = [
            "prlimit",
            f"--as={limits.memory_mb * 2**20}",
            f"--nproc={nproc}",
            f"--fsize={limits.file_mb * 2**20}",
            "--nofile=256",
            "--core=0",
            f"--cpu={int(limits.total_cpu_s)}",
            "--",
            bwrap,
            *namespaces,
            "--die-with-parent",
            "--new-session",
            "--clearenv",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            *args,
            "--chdir",
            HOME,
            *drop,
            sys.executable,
            "-B",
            "/opt/judge/sandbox_worker.py",
        ]
        try:
            self.proc = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                pass_fds=fds,
                process_group=0,
            )
        finally:
            for fd in fds:
                os.close(fd)
        os.set_blocking(self.proc.stdout.fileno(), False)
        os.set_blocking(self.proc.stdin.fileno(), False)
        hello = self._wait(cpu_s=30.0, wall_s=limits.wall(30.0))
        if hello.get("op") != "ready":
            self.kill()
            raise SandboxDied(None)

    def _claim_uid(self) -> int:
        """A uid from FIRST_UID on that no other jail holds (an flock per uid, kept until the
        jail is killed), so that jails of parallel grading runs never share a process count."""
        import fcntl

        locks = Path(tempfile.gettempdir()) / "coursepkg-jail-uids"
        locks.mkdir(mode=0o700, exist_ok=True)
        for uid in range(FIRST_UID + self.slot, FIRST_UID + 4096):
            fd = os.open(locks / str(uid), os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self._uid_lock = fd
            return uid
        raise RuntimeError("no free uid for a jail: 4096 jails are running")

    def kill(self) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
        if getattr(self, "_uid_lock", None) is not None:  # the jail's processes are gone
            os.close(self._uid_lock)
            self._uid_lock = None

    close = kill

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()

    # ---- requests ------------------------------------------------------------------------
    def request(self, message: dict, cpu_s: float, on_callback=None) -> dict:
        """Send ``message``; return the reply. While waiting, answer the jail's callback
        requests with ``on_callback(frame) -> reply``. Raises SandboxDied or SandboxTimeout
        (after killing the jail)."""
        self._send(message, cpu_s)
        return self._wait(cpu_s, self.limits.wall(cpu_s), on_callback)

    def _send(self, message: dict, cpu_s: float) -> None:
        data = bytearray()

        class _Sink:
            write, flush = data.extend, staticmethod(lambda: None)

        wire.write_frame(_Sink, message)
        deadline = time.monotonic() + self.limits.wall(cpu_s)
        view = memoryview(bytes(data))
        while view:
            if time.monotonic() > deadline:
                self.kill()
                raise SandboxTimeout(cpu_s, wall=True)
            try:
                _, ready, _ = select.select([], [self.proc.stdin], [], 0.05)
                if ready:
                    view = view[os.write(self.proc.stdin.fileno(), view) :]
            except (BrokenPipeError, ValueError, OSError):
                raise SandboxDied(self._status()) from None

    def _status(self) -> int | None:
        if self.proc is None:
            return None
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        # bwrap reports its child's exit status; a signal shows as 128 + signal number.
        return -(code - 128) if 128 < code < 160 else code

    def _cpu(self) -> float:
        now = time.monotonic()
        if now - self._pids_at > 1.0 or not self._pids:
            self._pids, self._pids_at = _descendants(self.proc.pid), now
        return _cpu_seconds(self._pids)

    def _wait(self, cpu_s: float, wall_s: float, on_callback=None) -> dict:
        start_cpu, start = self._cpu(), time.monotonic()
        fd = self.proc.stdout.fileno()
        while True:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(fd, 1 << 20)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise SandboxDied(self._status())
                self._buffer += chunk
                try:
                    frames = wire.split_frames(self._buffer)
                except wire.WireError:
                    self.kill()
                    raise
                for frame in frames:
                    if frame.get("op") == "callback" and on_callback is not None:
                        paused = time.monotonic()
                        self._send(on_callback(frame), cpu_s)
                        start += time.monotonic() - paused
                        continue
                    return frame
            used, elapsed = self._cpu() - start_cpu, time.monotonic() - start
            if used > cpu_s:
                self.kill()
                raise SandboxTimeout(cpu_s, wall=False)
            # Past the wall-clock ceiling, a jail that is computing (only slowly, on a busy
            # machine) goes on to its CPU budget; one that sleeps or blocks is stopped.
            if elapsed > wall_s and (used < STALLED * elapsed or elapsed > 10 * wall_s):
                self.kill()
                raise SandboxTimeout(wall_s, wall=True)


def _user_tasks(uid: int) -> int:
    """Processes and threads that ``uid`` runs now (what RLIMIT_NPROC counts)."""
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(f"{entry.path}/task"))
            except OSError:
                continue
    return count

"""The jail around every learner kernel: bubblewrap when present, resource limits always.

The command chain is ``prlimit`` (memory, CPU seconds, processes, file size, no core dumps) ->
``setpriv`` (an unprivileged uid of our own, so the process limit bites and we can kill every
process the kernel made) -> ``bwrap`` (no network, read-only system, only the course package, the
data and a private writable work dir visible) -> ipykernel. All three are small C programs, so the
chain adds milliseconds, not a Python start-up.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import sys
import sysconfig
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path


class SandboxUnavailable(RuntimeError):
    """``--require-sandbox`` was given and bubblewrap cannot run here."""


@dataclass(frozen=True)
class Limits:
    memory_bytes: int = 2 * 1024**3
    cpu_seconds: int = 600
    processes: int = 256  # threads count too: ipykernel and BLAS start several
    file_bytes: int = 64 * 1024**2
    open_files: int = 256
    output_bytes: int = 2 * 1024**2  # enforced by the executor, not the kernel


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


_BWRAP_OK: dict[str, bool] = {}


def bwrap_works() -> bool:
    """bwrap is installed and can create the namespaces we need (some containers forbid them)."""
    path = bwrap_path()
    if path is None:
        return False
    if path not in _BWRAP_OK:
        import subprocess

        cmd = [path, "--unshare-net", "--unshare-pid", "--die-with-parent", "--ro-bind", "/", "/",
               "--proc", "/proc", "--dev", "/dev", *_drop_privileges(_probe_uid()), "true"]
        if os.geteuid() != 0:
            cmd.insert(1, "--unshare-user")
        try:
            _BWRAP_OK[path] = subprocess.run(cmd, capture_output=True, timeout=20).returncode == 0
        except (OSError, subprocess.SubprocessError):
            _BWRAP_OK[path] = False
    return _BWRAP_OK[path]


def _probe_uid() -> int | None:
    return 299_999 if os.geteuid() == 0 else None


def _drop_privileges(uid: int | None) -> list[str]:
    if uid is None:
        return []
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
            "--bounding-set=-all", "--"]


_COUNTER = itertools.count()


def _world_traversable(path: Path) -> bool:
    """Can any uid reach ``path``? (An interpreter under /root is not, without bwrap to rebind it.)"""
    path = path.resolve()
    return all(os.stat(p).st_mode & 0o001 for p in [*reversed(path.parents), path] if p.is_dir())


def sandbox_uid(use_bwrap: bool = True) -> int | None:
    """A uid nobody else uses, fresh for every kernel (only when we run as root and can switch).

    Fresh per kernel, so the process limit of one submission never counts the dying processes of the
    previous one (a fork bomb takes a moment to be reaped).
    """
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return None
    if not use_bwrap and not (_world_traversable(Path(sys.base_prefix)) and _world_traversable(Path(sys.prefix))):
        return None
    return 300_000 + (os.getpid() % 4_000_000) * 16 % 4_000_000 + next(_COUNTER) % 16


@dataclass
class Sandbox:
    """How to start one kernel. ``hidden`` paths are never bound, so they do not exist inside."""

    workdir: Path
    limits: Limits = field(default_factory=Limits)
    use_bwrap: bool = True
    readonly: list[Path] = field(default_factory=list)
    uid: int | None = None
    env: dict[str, str] = field(default_factory=dict)  # added to the kernel's clean environment

    def prepare(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.workdir.parent, 0o711)  # the sandbox uid may pass through, not list
        if self.uid is not None:
            os.chown(self.workdir, self.uid, self.uid)
        os.chmod(self.workdir, 0o700)

    def give(self, path: Path) -> None:
        """Hand a file in the work dir (e.g. the connection file) to the sandbox uid."""
        if self.uid is not None:
            os.chown(path, self.uid, self.uid)

    def wrap(self, cmd: list[str]) -> list[str]:
        """``prlimit`` -> ``bwrap`` (as root: no user namespace needed) -> ``setpriv`` (our uid) -> cmd."""
        lim = self.limits
        chain = ["prlimit", f"--as={lim.memory_bytes}", f"--cpu={lim.cpu_seconds}",
                 f"--fsize={lim.file_bytes}", f"--nofile={lim.open_files}", "--core=0"]
        if self.uid is not None:
            chain.append(f"--nproc={lim.processes}")  # root ignores it; it bites after setpriv
        chain.append("--")
        if self.use_bwrap:
            chain += self._bwrap()
        return chain + _drop_privileges(self.uid) + cmd

    def _bwrap(self) -> list[str]:
        namespaces = ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
        if os.geteuid() != 0:
            namespaces.append("--unshare-user")
        args = [bwrap_path() or "bwrap", *namespaces, "--die-with-parent", "--new-session",
                "--unsetenv", "JPY_PARENT_PID"]  # pid 1 is bwrap's init: ipykernel's parent poller would quit
        for name in ("usr", "bin", "sbin", "lib", "lib32", "lib64", "etc"):
            top = Path("/") / name
            if top.is_symlink():
                args += ["--symlink", os.readlink(top), str(top)]
            elif top.exists():
                args += ["--ro-bind", str(top), str(top)]
        args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
        binds = [(p, "--ro-bind") for p in self._python_paths() + self.readonly] + [(self.workdir, "--bind")]
        made: set[Path] = {Path("/"), Path("/tmp")}
        for path, _ in binds:  # parents bwrap would otherwise create with mode 0700
            for parent in reversed(path.parents):
                if parent not in made and not str(parent).startswith(("/usr", "/etc", "/proc", "/dev")):
                    args += ["--perms", "0755", "--dir", str(parent)]
                    made.add(parent)
        for path, how in binds:
            args += [how, str(path), str(path)]
        args += ["--chdir", str(self.workdir), "--remount-ro", "/"]
        return args

    @staticmethod
    def _python_paths() -> list[Path]:
        """The interpreter, its stdlib and the virtualenv (only what is outside /usr), and any other
        site-packages folder on sys.path (a ``.pth`` file's ``site.addsitedir``: stacked environments)."""
        paths: set[Path] = set()
        stacked = [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
        for p in (sys.prefix, sys.base_prefix, sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
                  *stacked):
            path = Path(p).resolve()
            if not str(path).startswith(("/usr/", "/etc/")) and path.exists():
                paths.add(path)
        # keep only the outermost of nested paths
        return sorted(p for p in paths if not any(q != p and q in p.parents for q in paths))

    def kernel_env(self, extra_pythonpath: list[Path] | None = None) -> dict[str, str]:
        """A clean environment: nothing of the grader's leaks in (tokens, database URLs...)."""
        env = {
            "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.workdir), "TMPDIR": "/tmp" if self.use_bwrap else str(self.workdir),
            "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(self.workdir / ".mpl"),
            "PYTHONDONTWRITEBYTECODE": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }
        if extra_pythonpath:
            env["PYTHONPATH"] = os.pathsep.join(str(p) for p in extra_pythonpath)
        if "AWS_COURSE_ROOT" in os.environ:
            env["AWS_COURSE_ROOT"] = os.environ["AWS_COURSE_ROOT"]
        env.update(self.env)
        return env


def kill_tree(pid: int | None, uid: int | None) -> None:
    """SIGKILL the kernel's process group and, when it has its own uid, every process of that uid.

    SIGKILL cannot be ignored, so code that ignores SIGINT, forks, or calls setsid still stops.
    """
    if pid:
        for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                target()
            except (ProcessLookupError, PermissionError):
                pass
    if uid is not None:
        deadline = time.monotonic() + 2
        while _processes_of(uid) and time.monotonic() < deadline:
            child = os.fork()
            if child == 0:  # pragma: no cover - runs in the forked helper
                try:
                    os.setgid(uid)
                    os.setuid(uid)
                    os.kill(-1, signal.SIGKILL)
                finally:
                    os._exit(0)
            os.waitpid(child, 0)
            time.sleep(0.01)


def _processes_of(uid: int) -> bool:
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    return True
            except OSError:
                continue
    return False


def describe(use_bwrap: bool) -> str:
    return "bubblewrap + resource limits" if use_bwrap else "resource limits only (no bubblewrap)"


def choose(require_sandbox: bool) -> bool:
    """Whether to use bwrap; warn loudly, or refuse with ``--require-sandbox``, when it cannot run."""
    if bwrap_works():
        return True
    reason = "bubblewrap (bwrap) is not installed" if bwrap_path() is None else "bwrap cannot create namespaces here"
    if require_sandbox:
        raise SandboxUnavailable(f"{reason}; refusing to grade without a sandbox (--require-sandbox)")
    warnings.warn(f"{reason}: kernels run with resource limits only; learner code can read the file system "
                  "and open network connections. Install bubblewrap (apt-get install bubblewrap).",
                  RuntimeWarning, stacklevel=2)
    return False

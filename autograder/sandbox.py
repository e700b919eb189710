"""Where a submission's kernel runs: in a bubblewrap sandbox, or under resource limits alone.

``--sandbox`` chooses:

* ``auto`` (the default): bubblewrap when it works on this machine; otherwise the resource limits
  alone, with a one-line warning naming what is then not protected;
* ``required``: bubblewrap, or no grading at all;
* ``off``: the resource limits alone.

Inside the sandbox a kernel sees the Python environment, the shipped data and its own run folder
(its working copy of the submission, its transcripts, its connection sockets), read-only except
that folder; it has no network but loopback inside its own namespace, its own process ids, and no
way back to the grader but the kernel's ipc sockets; what it can write is in memory, a tmpfs of
``--disk`` bytes each (see :func:`bubblewrap_arguments`). Every mode applies the resource limits of
:mod:`autograder.confine`: ``--memory`` (address space) and ``--disk`` (the size of each file),
and in the sandbox a cap on processes. What the run folder's judge/ and kernel/ hold on the
grader's disk is capped in all by :mod:`autograder.execute`, also at ``--disk``.
"""
import functools
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import zmq
from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer, List, Unicode

MODES = ("auto", "required", "off")
DEFAULT_MEMORY = 4 * 2**30
# Bytes a kernel may write: the size of each file it writes, and in the sandbox the size of each
# place it can write to (/tmp, /dev/shm, its working folder: each a tmpfs, so in memory).
DEFAULT_DISK = 2**30
# Its home folder holds IPython's and matplotlib's caches, some 100 kB.
HOME_SIZE = 64 * 2**20
# Seconds a submission's cells may run in all (each cell has its own limit too, --timeout). The
# slowest notebook takes about 20 s to grade when correct: this leaves room for a busy machine,
# and bounds what a submission that sleeps in each of its up to 52 cells costs (26 min at 30 s).
DEFAULT_SUBMISSION_TIMEOUT = 600
# Processes and threads of a sandbox's user. A kernel uses about 10; a fork bomb stops here.
DEFAULT_PROCESSES = 512
# A kernel started by root runs as an unprivileged user id of this range, drawn at random, so
# that the process cap binds (Linux does not apply it to root) and files it makes are its own.
SANDBOX_UIDS = range(200_000, 300_000)
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# What Python, numpy and matplotlib read from /etc; nothing else of it is visible.
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group",
             "nsswitch.conf", "fonts", "mime.types", "matplotlibrc")


# All a kernel inherits of the grader's environment (with the locale's LC_* variables): what
# Python, numpy (BLAS threads), matplotlib and the course read. The grader's own variables (API
# tokens, PGPASSWORD, DASK_*, TMPDIR, PYTHONPATH...) never reach a submission's code.
KERNEL_VARIABLES = ("PATH", "LANG", "LANGUAGE", "TZ", "MPLBACKEND", "OPENBLAS_NUM_THREADS",
                    "OMP_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
                    "NUMEXPR_NUM_THREADS", "DESCENT_MNIST", "DESCENT_DATA_DIR")


class SandboxError(Exception):
    """The sandbox was required and cannot run here; the message says why and what to do."""


@dataclass(frozen=True)
class Sandbox:
    """How kernels are confined: plain data, sent along with each grading task."""

    mode: str = "auto"
    memory: int = DEFAULT_MEMORY
    processes: int = DEFAULT_PROCESSES
    disk: int = DEFAULT_DISK
    submission_timeout: int = DEFAULT_SUBMISSION_TIMEOUT

    def isolated(self):
        """(bubblewrap is used, warning or None); raises SandboxError if required but unusable."""
        if self.mode == "off":
            return False, None
        problem = bubblewrap_problem()
        if problem is None:
            return True, None
        if self.mode == "required":
            raise SandboxError(f"--sandbox required, but {problem}: install bubblewrap "
                               "(Debian/Ubuntu: apt-get install bubblewrap) or grade with "
                               "--sandbox auto")
        return False, (f"no sandbox ({problem}): kernels can read every file you can, solutions/ "
                       "and the gradebook included, reach the network and start any number of "
                       "processes, and fill any disk you can write to, one file of --disk at a time; "
                       "only the memory limit and that file size apply")


@functools.cache
def bubblewrap_problem():
    """None if bubblewrap starts a sandboxed Python here, else why not (checked once per process)."""
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed"
    run = Path(tempfile.mkdtemp(prefix="descent-probe-"))
    try:
        uid = sandbox_uid()
        prepare_run_folder(run, uid)
        command = kernel_command([sys.executable, "-c", "import numpy"], Sandbox("required"),
                                 run, isolated=True, uid=uid)
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap could not start ({error})"
    finally:
        shutil.rmtree(run, ignore_errors=True)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        return f"bubblewrap does not work here ({last})"
    return None


def sandbox_uid():
    """The user id a kernel runs as: a fresh unprivileged one if we are root, else none."""
    return SANDBOX_UIDS[secrets.randbelow(len(SANDBOX_UIDS))] if os.geteuid() == 0 else None


def kernel_command(command, sandbox, run, *, isolated, uid=None):
    """``command`` (a kernel's launch command) wrapped in the limits, and in bubblewrap if isolated."""
    if os.name != "posix":  # no resource limits to set, and no bubblewrap
        return list(command)
    confine = [sys.executable, "-m", "autograder.confine", "--memory", str(sandbox.memory),
               "--file-size", str(sandbox.disk)]
    if isolated and sandbox.processes:  # in bubblewrap's own user namespace, or as ``uid``
        confine += ["--processes", str(sandbox.processes)]
    if isolated and uid is not None:
        confine += ["--user", str(uid)]
    confine += ["--", *command]
    if not isolated:
        return confine
    arguments = bubblewrap_arguments(Path(run), sandbox.disk, privileged=uid is not None)
    return ["bwrap", *arguments, *confine]


def bubblewrap_arguments(run, disk, *, privileged):
    """The sandbox's file system, namespaces and (for root) the capabilities to drop to ``uid``.

    What it can write is a tmpfs of ``disk`` bytes each (/tmp, /dev/shm, its working folder), a
    small one for its home, and its run folder's judge/ (transcripts) and kernel/ (sockets).
    """
    arguments = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                 "--unshare-cgroup-try", "--die-with-parent",
                 "--proc", "/proc", "--dev", "/dev", *_tmpfs("/tmp", disk), *_tmpfs("/dev/shm", disk)]
    for folder in SYSTEM_DIRS:
        if os.path.islink(folder):
            arguments += ["--symlink", os.readlink(folder), folder]
        elif os.path.isdir(folder):
            arguments += ["--ro-bind", folder, folder]
    for name in ETC_FILES:
        if os.path.exists(f"/etc/{name}"):
            arguments += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    readable = readable_paths()
    for folder in _parents([*readable, str(run)]):  # else bubblewrap makes them private (0700)
        arguments += ["--perms", "0755", "--dir", folder]
    for path in readable:
        arguments += ["--ro-bind", path, path]
    arguments += ["--bind", str(run), str(run), *_tmpfs(run / "work", disk),
                  *_tmpfs(run / "home", HOME_SIZE), "--chdir", str(run / "work")]
    # ipykernel takes a parent process id of 1 for "my parent died"; in a process namespace it is
    # always 1. Without the variable it does not watch, and --die-with-parent does that job.
    arguments += ["--unsetenv", "JPY_PARENT_PID"]
    if privileged:  # root: confine drops to the sandbox's own user id, then has no capability
        arguments += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:  # a user namespace of its own, where the process cap counts only the sandbox's
        arguments += ["--unshare-user"]
    return arguments


def _tmpfs(folder, size):
    """Arguments that mount a tmpfs of ``size`` bytes, writable by all, on ``folder``."""
    return ["--size", str(size), "--perms", "1777", "--tmpfs", str(folder)]


def _parents(paths):
    """The folders above ``paths`` that the sandbox has to create, top down."""
    made = {"/", "/tmp", "/dev", "/proc", *SYSTEM_DIRS}
    return sorted({str(parent) for path in paths for parent in Path(path).parents} - made,
                  key=lambda folder: folder.count("/"))


def readable_paths():
    """The Python environment, this package and the shipped data: all a kernel may read."""
    from . import data

    candidates = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(Path(__file__).parent),
                  str(data.DATA_DIR), os.environ.get("DESCENT_DATA_DIR", ""),
                  os.environ.get("DESCENT_MNIST", "")}
    real = {os.path.realpath(p) for p in candidates if p and os.path.exists(p)}
    real = {p for p in real if not p.startswith(("/usr/", "/etc/")) and p != "/usr"}
    return sorted(p for p in real if not any(p.startswith(other + os.sep) for other in real))


def prepare_run_folder(run, uid):
    """``run/{work,judge,kernel,home}``, owned by the kernel's user when it has its own."""
    for name in ("work", "judge", "kernel", "home"):
        (run / name).mkdir(parents=True, exist_ok=True)
    if uid is not None:
        for path in (run, *run.rglob("*")):
            os.chown(path, uid, uid)


def kernel_environment(run, inherited=os.environ):
    """A kernel's whole environment: the :data:`KERNEL_VARIABLES` of ``inherited`` (ours), and
    variables that keep its own files (history, caches, config) in its run folder."""
    allowed = {name: value for name, value in inherited.items()
               if name in KERNEL_VARIABLES or name.startswith("LC_")}
    home = str(run / "home")
    return {**allowed, "HOME": home, "IPYTHONDIR": f"{home}/.ipython", "MPLCONFIGDIR": f"{home}/.matplotlib",
            "JUPYTER_RUNTIME_DIR": str(run / "kernel"), "PYTHONDONTWRITEBYTECODE": "1"}


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel starts inside :func:`kernel_command`, talking over ipc."""

    command_prefix = List(Unicode(), help="The command the kernel's own is appended to").tag(config=True)
    sandbox_uid = Integer(None, allow_none=True, help="Owner to give the connection file").tag(config=True)
    max_message = Integer(0, help="Largest message part taken from the kernel; a larger one "
                          "drops the connection, which zmq makes again (0: no limit)").tag(config=True)

    def format_kernel_cmd(self, extra_arguments=None):
        return [*self.command_prefix, *super().format_kernel_cmd(extra_arguments)]

    def client(self, **kwargs):
        client = super().client(**kwargs)
        if self.max_message:  # the default of every socket the client opens
            client.context.setsockopt(zmq.MAXMSGSIZE, self.max_message)
        return client

    def write_connection_file(self, **kwargs):
        super().write_connection_file(**kwargs)
        if self.sandbox_uid is not None:
            os.chown(self.connection_file, self.sandbox_uid, self.sandbox_uid)

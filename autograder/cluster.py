"""Grading on a Dask distributed cluster (``autograder grade --scheduler ADDRESS``).

The workers execute and judge (:func:`autograder.worker.run_task`); this process, the coordinator,
keeps the gradebook. A task is plain data, so workers need the course's Python environment but
neither ``solutions/`` nor the gradebook. If a worker dies mid-task, the scheduler gives the task to
another worker: nothing is lost, and nothing is saved twice, since only finished results reach the
coordinator.
"""
import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from .course import CourseError
from .sandbox import SandboxError


@contextlib.contextmanager
def dask_runner(address, sandbox):
    """(executor, tasks to keep in flight, notices) for the cluster whose scheduler is at ``address``."""
    try:
        from distributed import Client
    except ModuleNotFoundError:
        raise CourseError("--scheduler needs Dask distributed: pip install 'descent[cluster]'") from None
    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError) as error:
        raise CourseError(f"cannot reach a Dask scheduler at {address} ({error}): start one "
                          "with 'dask scheduler' and give the address it prints") from None
    with client:
        threads = sum(client.nthreads().values())
        if not threads:
            raise CourseError(f"the Dask scheduler at {address} has no workers: start them with "
                              f"'dask worker {address} --nthreads 1 --nworkers N'")
        yield client.get_executor(pure=False), 2 * threads, _sandbox_notices(client, sandbox)


def _sandbox_notices(client, sandbox):
    """What each worker's sandbox leaves unprotected; raises if it is required and missing."""
    answers = client.run(sandbox_status, sandbox)
    refused = {worker: text for worker, (usable, text) in answers.items() if not usable}
    if refused:
        raise CourseError("; ".join(f"worker {w}: {text}" for w, text in sorted(refused.items())))
    return [f"worker {w}: {text}" for w, (_, text) in sorted(answers.items()) if text]


def sandbox_status(sandbox):
    """On a worker: (can grade, warning or refusal) for its sandbox."""
    try:
        return True, sandbox.isolated()[1]
    except SandboxError as error:
        return False, str(error)


@contextlib.contextmanager
def local_cluster(workers, folder):
    """A scheduler and ``workers`` single-threaded workers, each its own process, on loopback, as
    ``dask scheduler`` and ``dask worker`` start them by hand: (address, {name: worker process}).
    Every process is killed on exit, with the kernels it started."""
    from distributed import Client

    dask = Path(sys.executable).parent / "dask"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    processes = {}

    def start(name, *arguments):
        with open(Path(folder) / f"{name}.log", "w") as log:
            processes[name] = subprocess.Popen([str(dask), *arguments, "--no-dashboard"],
                                               stdout=log, stderr=subprocess.STDOUT, cwd=folder,
                                               start_new_session=True)

    try:
        start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1])
        for i in range(workers):
            start(f"w{i + 1}", "worker", address, "--name", f"w{i + 1}", "--nthreads", "1",
                  "--no-nanny", "--host", "127.0.0.1")
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(workers, timeout=120)
        yield address, {name: p for name, p in processes.items() if name != "scheduler"}
    finally:
        for process in processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

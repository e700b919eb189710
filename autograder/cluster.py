"""Grading on a Dask distributed cluster (``autograder grade --scheduler ADDRESS``).

The workers execute and judge (:func:`autograder.worker.run_task`); this process, the coordinator,
keeps the gradebook. A task is plain data, so workers need the course's Python environment but
neither ``solutions/`` nor the gradebook. If a worker dies mid-task, the scheduler gives the task to
another worker: nothing is lost, and nothing is saved twice, since only finished results reach the
coordinator.
"""
import contextlib

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

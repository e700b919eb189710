"""The work folder's safety: one grading at a time, no half-written file, a prompt stop on a signal.

* :func:`locked`: a run holds ``<work>/.lock`` (``fcntl.flock``) from before it writes anything
  until it ends; a second run on the same folder names the holder and stops. The kernel releases
  the lock when its holder dies, so a crashed run's lock is simply taken over.
* :func:`swap_folder` (and :func:`autograder.atomic.atomic_write` for single files): a feedback
  folder is written next to its final place and renamed into it; the previous version stays until
  the new one is complete.
* :func:`stop_on_signals`: SIGINT, SIGTERM, SIGHUP (the terminal closed) and SIGQUIT stop grading
  with :class:`Stopped`, but never in the middle of saving a submission (:func:`deferred_signals`);
  :func:`run_stoppable` runs a kernel's event loop so that they cancel it (nbclient's own handlers
  would only kill the kernel, and grading would go on with the student marked failed). Once a stop
  has begun, further stop signals are ignored, so that a second Ctrl-C cuts short neither its
  cleanup nor the exit. :class:`WorkerPool` is the process pool that relays the stop to its workers
  and their kernels, whose workers stop by themselves if the grading process dies (``kill -9``),
  and which replaces itself when a worker is killed.
"""
import asyncio
import contextlib
import contextvars
import errno
import fcntl
import json
import multiprocessing.connection
import os
import shutil
import signal
import socket
import sys
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path

from .atomic import PART, sync_folder
from .course import CourseError

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
# What a terminal sends to its whole foreground group: a pool's workers leave it to the grading process
TERMINAL_SIGNALS = (signal.SIGINT, signal.SIGHUP, signal.SIGQUIT)
ORPHAN_GRACE = 30  # seconds an orphaned worker has to shut its kernel down before it exits
LOCK_FILE = ".lock"


class Stopped(SystemExit):
    """Grading was stopped by a signal; the exit status is 128 + its number.

    A SystemExit, so that ``except Exception`` lets it through, and a pool worker that receives it
    while idle exits quietly (multiprocessing prints no traceback for SystemExit).
    """

    def __init__(self, signum):
        super().__init__(128 + signum)
        self.signum = signum

    def __str__(self):
        return f"stopped by {signal.Signals(self.signum).name}"


# -- the lock ---------------------------------------------------------------------------------

@contextlib.contextmanager
def locked(work):
    """Create ``work`` if needed and hold its lock; CourseError naming the holder if it is taken."""
    work = Path(work)
    with folder_errors(work):
        work.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(work / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    with os.fdopen(descriptor, "r+") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CourseError(f"{work} is in use by another grading ({_holder(file)}): wait for it "
                              "to finish, or grade into another --out") from None
        with folder_errors(work):
            file.truncate()
            file.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                   "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
                                   "command": " ".join(sys.argv)}) + "\n")
            file.flush()
        yield work  # closing the file releases the lock


def _holder(file):
    try:
        holder = json.loads(file.read())
        return (f"pid {holder['pid']} on {holder['host']}, started {holder['started']}: "
                f"{holder['command']}")
    except (ValueError, KeyError, TypeError):
        return "its holder has not said who it is yet"


@contextlib.contextmanager
def folder_errors(work):
    """An OSError writing in ``work`` (read-only, full, not a folder) as a one-line CourseError."""
    try:
        yield
    except OSError as error:
        unnamed_full = error.filename is None and error.errno in (errno.ENOSPC, errno.EDQUOT)
        if not (unnamed_full or _inside(error.filename, work)):
            raise
        what = error.strerror or str(error)
        advice = WRITE_ERRORS.get(error.errno, "make it writable")
        raise CourseError(f"cannot write in the work folder {work} ({what}): {advice}, or grade "
                          "into another folder with --out") from None


WRITE_ERRORS = {errno.ENOSPC: "free some space", errno.EDQUOT: "free some space",
                errno.EROFS: "make it writable", errno.EACCES: "make it writable",
                errno.ENOTDIR: "give a folder, not a file", errno.EEXIST: "give a folder, not a file"}


def _inside(path, folder):
    if not isinstance(path, (str, bytes, os.PathLike)):
        return False
    return Path(os.fsdecode(path)).resolve().is_relative_to(Path(folder).resolve())


# -- atomic writes ----------------------------------------------------------------------------

def swap_folder(new, final):
    """Put the complete folder ``new`` in the place of ``final``, which stays until then."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    old = _previous(final)
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    try:
        Path(new).rename(final)
    except BaseException:
        if old.exists():
            old.rename(final)
        raise
    shutil.rmtree(old, ignore_errors=True)
    sync_folder(final.parent)


def _previous(final):
    """Where :func:`swap_folder` keeps ``final``'s previous version while it swaps."""
    return final.with_name(f".{final.name}{OLD}")


OLD, STAGING = ".old", ".feedback-"  # see swap_folder, and the feedback's staging in grading


def tidy(work):
    """Put right what a run killed outright (``kill -9``, a power cut) left in ``work``: a feedback
    folder killed between the renames of its swap gets its previous version back; the previous
    versions, staging folders and temporary files go. Only under the work folder's lock."""
    work = Path(work)
    for old in work.glob(f"feedback/*/.*{OLD}"):
        final = old.with_name(old.name[1:-len(OLD)])
        if final.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.rename(final)
    for staging in work.glob(f"{STAGING}*"):
        shutil.rmtree(staging, ignore_errors=True)
    for temporary in work.rglob(f".*{PART}"):
        temporary.unlink(missing_ok=True)


# -- stopping on a signal ---------------------------------------------------------------------

_deferred = threading.local()


def _raise_stopped(signum, frame):
    if getattr(_deferred, "depth", 0):
        _deferred.signum = getattr(_deferred, "signum", None) or signum
        return
    raise _stopping(signum)


_stopped_by = None  # the signal of the stop under way in this process, if one is


def _stopping(signum):
    """The :class:`Stopped` for ``signum``; from now on this process ignores the stop signals, so
    that a second Ctrl-C interrupts neither the stop's cleanup (kernels shut down, run folders
    removed, the lock released) nor the exit; :func:`raise_if_stopped` raises it again if it was
    lost. Only in the main thread."""
    global _stopped_by
    _stopped_by = _stopped_by or signum
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    return Stopped(signum)


def raise_if_stopped():
    """Raise the stop under way again: a handler's Stopped is lost where it lands in code that
    swallows exceptions (an object's ``__del__`` run by the garbage collector), and the signals
    that would repeat it are ignored by then. Called where grading goes on: each kernel's start,
    each submission."""
    if _stopped_by is not None:
        raise Stopped(_stopped_by)


@contextlib.contextmanager
def stop_on_signals():
    """The :data:`STOP_SIGNALS` raise :class:`Stopped` (in the main thread; elsewhere nothing
    changes). After a stop they stay ignored (see :func:`_stopping`)."""
    global _stopped_by
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _stopped_by = None
    previous = {s: signal.signal(s, _raise_stopped) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            if signal.getsignal(number) is _raise_stopped:
                signal.signal(number, handler)


@contextlib.contextmanager
def deferred_signals():
    """A stop signal received inside waits until the block is done (a submission's saving)."""
    _deferred.depth = getattr(_deferred, "depth", 0) + 1
    try:
        yield
    finally:
        _deferred.depth -= 1
        signum = getattr(_deferred, "signum", None) if not _deferred.depth else None
        if signum:
            _deferred.signum = None
            raise _stopping(signum)


class KernelLoop(asyncio.SelectorEventLoop):
    """An event loop on which nbclient cannot take over SIGINT and SIGTERM (see run_stoppable)."""

    def add_signal_handler(self, sig, callback, *args):
        if sig not in STOP_SIGNALS:
            super().add_signal_handler(sig, callback, *args)

    def remove_signal_handler(self, sig):
        return sig not in STOP_SIGNALS and super().remove_signal_handler(sig)


def _loop_running():
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run_stoppable(coroutine):
    """Run ``coroutine`` on a loop of its own, where a stop signal cancels it.

    The coroutine's cleanup runs (nbclient shuts its kernel down), then :class:`Stopped` is
    raised. Only in the main thread, and only for the signals this process does not ignore. Inside
    a running event loop (the formgrader's server grading through nbgrader's autograde), it runs on
    a thread of its own, and signals stay the server's.
    """
    raise_if_stopped()
    if _loop_running():
        with ThreadPoolExecutor(1) as thread:
            # in this thread's context: the language of the messages (autograder.i18n), say
            return thread.submit(contextvars.copy_context().run, run_stoppable, coroutine).result()
    loop = KernelLoop()
    task = loop.create_task(coroutine)
    received = []

    def stop(signum):
        if not received:  # a second signal must not cancel the kernel's shutdown
            received.append(signum)
            task.cancel()

    watched = []
    if threading.current_thread() is threading.main_thread():
        watched = [s for s in STOP_SIGNALS if signal.getsignal(s) is not signal.SIG_IGN]
    previous = {s: signal.getsignal(s) for s in watched}
    try:
        for number in watched:
            asyncio.SelectorEventLoop.add_signal_handler(loop, number, stop, number)
        return loop.run_until_complete(task)
    except asyncio.CancelledError:
        if received:
            raise _stopping(received[0]) from None
        raise
    finally:
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, watched)  # none lost while swapped
        for number in watched:
            asyncio.SelectorEventLoop.remove_signal_handler(loop, number)
            signal.signal(number, signal.SIG_IGN if received else previous[number])  # _stopping
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        _close(loop)


def raise_if_cancelled():
    """Re-raise a cancellation that nbclient turned into DeadKernelError (it assumes that only
    its own watch on the kernel cancels a cell)."""
    if asyncio.current_task().cancelling():
        raise asyncio.CancelledError


def _close(loop):
    """Close ``loop`` after cancelling what nbclient left running on it (its kernel watches)."""
    leftover = asyncio.all_tasks(loop)
    for task in leftover:
        task.cancel()
    if leftover:
        loop.run_until_complete(_gathered(leftover))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


async def _gathered(tasks):
    await asyncio.gather(*tasks, return_exceptions=True)


class WorkerPool(Executor):
    """``--jobs N``: a pool of spawned processes that a stop reaches promptly and quietly.

    A terminal's Ctrl-C (or its closing) goes to every process of the foreground group; workers
    ignore it and leave the decision to the grading process, which on any exception (a stop
    included) cancels what has not started and sends each worker SIGTERM: a worker running a
    kernel shuts it down and exits, an idle one exits. Workers are started with the stop signals
    blocked until they are set up, so that none dies with a traceback while it imports. If the
    grading process dies without a word (``kill -9``), each worker stops as if sent SIGTERM
    (:func:`_stop_when_orphaned`). If a worker is killed, the tasks in the pool fail with
    BrokenProcessPool and the next task starts a new pool.
    """

    def __init__(self, jobs):
        self.jobs = jobs
        self._pool = self._new_pool()

    def _new_pool(self):
        return ProcessPoolExecutor(self.jobs, mp_context=get_context("spawn"),
                                   initializer=_worker_signals)

    def submit(self, fn, /, *args, **kwargs):
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:  # the workers it spawns inherit the mask
            try:
                return self._pool.submit(_in_worker, fn, *args, **kwargs)
            except BrokenProcessPool:  # a worker was killed (kill -9, the OOM killer)
                self._pool.shutdown(wait=False)
                self._pool = self._new_pool()
                return self._pool.submit(_in_worker, fn, *args, **kwargs)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def shutdown(self, wait=True, *, cancel_futures=False):
        self._pool.shutdown(wait, cancel_futures=cancel_futures)

    def __exit__(self, kind, error, traceback):
        if kind is not None:
            workers = list((self._pool._processes or {}).values())  # shutdown() forgets them
            self.shutdown(wait=False, cancel_futures=True)
            for process in workers:
                with contextlib.suppress(OSError, ValueError):
                    process.terminate()
        self.shutdown(wait=True)
        return False


def _worker_signals():
    for number in TERMINAL_SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _raise_stopped)
    threading.Thread(target=_stop_when_orphaned, daemon=True).start()
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    except Stopped as stop:  # stopped before it took any work: go quietly
        os._exit(stop.code)


def _in_worker(fn, /, *args, **kwargs):
    """A task in a worker: a stop ends the worker once the task has cleaned up (its kernel shut
    down, its run folder removed); the pool, being stopped too, wants no result."""
    try:
        return fn(*args, **kwargs)
    except Stopped as stop:
        os._exit(stop.code)


def _stop_when_orphaned():
    """In a worker: once the grading process is gone, stop as it would have stopped this worker,
    and exit after :data:`ORPHAN_GRACE` seconds whatever the worker is doing then (say, blocked
    writing a result that no one will read)."""
    multiprocessing.connection.wait([multiprocessing.parent_process().sentinel])
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(ORPHAN_GRACE)
    os._exit(128 + signal.SIGTERM)

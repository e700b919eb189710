"""A time limit for a piece of the grader's own work, in whichever thread it runs.

The grader replays each test from a transcript the kernel wrote; a crafted transcript could make
a test's checks loop for ever. :func:`time_limit` stops such a replay so that it costs only that
test.

Why a watchdog thread and an asynchronous exception rather than ``SIGALRM``: the judge runs in
the grading process's main thread, in a process pool's worker, or in one of a Dask worker's
threads, and Python delivers signals only to the main thread (where the grading process also
has its own handlers). ``PyThreadState_SetAsyncExc`` raises an exception in one given thread at
its next bytecode, in any thread. Its limit: a single long call into C (one huge numpy
operation) is stopped only when it returns; transcripts are capped in size, so such calls are
bounded. :class:`TimeLimitExceeded` derives from ``BaseException`` so that the tests' own
``except Exception`` clauses cannot swallow it.
"""
import contextlib
import ctypes
import threading


class TimeLimitExceeded(BaseException):
    """Raised in the limited thread when its time is up."""


@contextlib.contextmanager
def time_limit(seconds):
    """Run the body of the ``with`` in this thread; raise TimeLimitExceeded after ``seconds``."""
    target = ctypes.c_ulong(threading.get_ident())
    lock, state = threading.Lock(), {"running": True, "fired": False}

    def expire():
        with lock:
            if state["running"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(target, ctypes.py_object(TimeLimitExceeded))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["running"] = False
            if state["fired"]:  # not yet delivered if the body ended just as time ran out
                ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)

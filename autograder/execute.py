"""Run a submission's notebook so that a faulty cell costs only the questions it touches.

nbclient runs the cells in order in one kernel, and two faults would end that run: a cell that
keeps running after the interrupt sent at its time limit, and a cell that kills its kernel
(``os._exit``, a crash in C code, the out-of-memory killer). Here such a cell gets an error output
naming the cause, a fresh kernel starts, the earlier cells that the remaining ones need are re-run
with their outputs discarded, and execution goes on with the next cell.

More limits bound what one submission costs the grader: its outputs are kept only up to
:data:`CELL_OUTPUT` and :data:`NOTEBOOK_OUTPUT` as they arrive (a single message over
:data:`MAX_MESSAGE` is a fault); its cells share a :class:`TimeBudget`; when that is spent the
running cell is interrupted and the rest are marked, not run. And what its kernels write into the
run folder on the grader's disk (``judge/`` and ``kernel/``) is measured every
:data:`DISK_CHECK_SECONDS` while a cell runs and after it (see :func:`autograder.cleanup.overflow`):
past ``--disk`` bytes in all, or too many files, the kernel is stopped, the cell is a fault and the
rest are marked, not run, as when time is up.
"""
import ast
import asyncio
import atexit
import contextlib
import copy
import json
import os
import signal
import time
from dataclasses import dataclass

import zmq
from jupyter_core.utils import ensure_async
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat.v4 import new_output

from .cleanup import overflow
from .course import DEMO_TAG
from .i18n import Message, _
from .sandbox import SandboxedKernelManager, kernel_command
from .workfolder import raise_if_cancelled, run_stoppable

# A notebook that brings down this many kernels has the rest of its cells marked, not run.
MAX_RESTARTS = 10
# Characters of output kept per cell and per notebook, counted as the kernel's messages arrive;
# what comes beyond is dropped and one marker line says so. Errors always pass, cut to ERROR_TEXT.
CELL_OUTPUT = 2**20
NOTEBOOK_OUTPUT = 10 * 2**20
ERROR_TEXT = 10_000
# A message part from the kernel larger than this is never received: zmq drops the kernel's output
# channel instead, before the message takes our memory, and the cell is a fault. (ipykernel sends
# what a cell printed in a fifth of a second as one message; pictures are some 100 kB.)
MAX_MESSAGE = 16 * CELL_OUTPUT
OUTPUT_MESSAGES = ("stream", "display_data", "update_display_data", "execute_result")
DISK_CHECK_SECONDS = 0.1
# Grading kernels import matplotlib only when a cell uses it (not the demo cells: they are skipped)
KERNEL_ARGUMENTS = ["--ext=autograder.lazy_matplotlib"]


@dataclass
class Fault:
    cell: int  # index in the notebook
    ename: str
    cause: str


@dataclass
class TimeBudget:
    """The seconds a submission's cells may run in all, over its notebooks and kernels (starting
    kernels is not counted: it does not depend on the submission)."""
    seconds: float
    used: float = 0.0

    def left(self):
        return self.seconds - self.used

    @contextlib.contextmanager
    def spending(self):
        started = time.monotonic()
        try:
            yield
        finally:
            self.used += time.monotonic() - started


class Unresponsive(Exception):
    """The cell did not stop when interrupted at its time limit."""


class FaultTolerantClient(NotebookClient):
    """An nbclient that starts a fresh kernel after a fault and goes on with the next cell."""

    def __init__(self, nb, *, run, sandbox, isolated, uid, env, timeout, budget):
        super().__init__(nb, timeout=timeout, allow_errors=True, interrupt_on_timeout=True,
                         error_on_timeout=None, raise_on_iopub_timeout=False,
                         skip_cells_with_tag=DEMO_TAG, shutdown_kernel="immediate",
                         extra_arguments=KERNEL_ARGUMENTS,
                         kernel_manager_class=SandboxedKernelManager,
                         resources={"metadata": {"path": str(run / "work")}})
        self.run, self.env, self.uid, self.budget = run, env, uid, budget
        self.disk = sandbox.disk
        self.disk_overflow = None  # what judge/ and kernel/ exceeded, once they did
        self._cell_timeout = timeout  # the running cell's: its own limit or what is left
        self.prefix = kernel_command([], sandbox, run, isolated=isolated, uid=uid)
        self.faults, self.kernels_started = [], 0
        self.interrupted = set()  # cells stopped at their time limit: never re-run
        self.executed = 0
        self._interrupted = None
        self.output_size, self._cell_output_size, self._cut = 0, 0, False
        self._iopub_monitor = None  # the running kernel's, see async_start_new_kernel_client

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        self.kernels_started += 1
        km.command_prefix, km.sandbox_uid = self.prefix, self.uid
        km.max_message = MAX_MESSAGE
        # Interrupt by message: a signal to the kernel's process group would reach bubblewrap.
        km.kernel_spec.interrupt_mode = "message"
        if os.name == "posix":  # sockets in the run folder, which the sandbox shares
            km.transport, km.ip = "ipc", str(self.run / "kernel" / f"k{self.kernels_started}")
        km.connection_file = str(self.run / "kernel" / f"kernel-{self.kernels_started}.json")
        return km

    async def async_start_new_kernel_client(self):
        client = await super().async_start_new_kernel_client()
        # Told when zmq drops the output channel, which it does for a message over MAX_MESSAGE
        self._iopub_monitor = client.iopub_channel.socket.get_monitor_socket(zmq.EVENT_DISCONNECTED)
        return client

    def execute_all(self):
        """Execute every cell; the faults, in cell order. SIGINT or SIGTERM shut the kernel down
        and raise :class:`autograder.workfolder.Stopped`."""
        try:
            run_stoppable(self._execute_all())
        finally:
            self._abandoned_kernel()
        return self.faults

    def _abandoned_kernel(self):
        """Shut down a kernel that a stop left running, and take back nbclient's own cleanup at
        exit: it registers one per kernel and forgets it if a stop comes while the kernel starts
        or shuts down, and at exit it then fails with a traceback."""
        atexit.unregister(self._cleanup_kernel)
        if self.km is not None:
            with contextlib.suppress(Exception):
                self._cleanup_kernel()

    async def _execute_all(self):
        self.reset_execution_trackers()
        start = 0
        with open(self.run / "kernel" / "log.txt", "ab") as log:  # the kernels' own messages
            while start < len(self.nb.cells):
                start = await self._one_kernel(start, log)

    async def _one_kernel(self, start, log):
        """Start a kernel, restore what it needs, run from ``start``; where the next one starts."""
        if self.kernels_started > MAX_RESTARTS:
            return self._not_run(start, "DeadKernelError", Message(
                "the notebook brought down {count} kernels before reaching this cell",
                count=MAX_RESTARTS))
        if self.budget.left() <= 0:
            return self._out_of_time(start)
        if self.disk_overflow:
            return self._not_run(start, "DiskLimitError", Message(
                "{cause} before this cell", cause=self._disk_cause()))
        async with self.async_setup_kernel(env=self.env, stdout=log, stderr=log):
            if self.faults and not await self._restore(start):
                return start  # a cell being re-run failed this time: it is excluded, start again
            return await self._execute_from(start)

    async def _execute_from(self, start):
        """Run the cells from ``start`` until one faults; the index to go on from."""
        for index in range(start, len(self.nb.cells)):
            cell = self.nb.cells[index]
            if _runs(cell) and self.budget.left() <= 0:
                return self._out_of_time(index)
            fault = await self._execute(cell, index)
            if _runs(cell):
                self.executed += 1  # numbered in notebook order, whatever the kernels did
                cell.execution_count = self.executed
            if fault:
                self._fault(index, *fault)
                return index + 1
            if self._interrupted is cell:
                self.interrupted.add(index)
                cell.outputs = [o for o in cell.outputs if o.get("ename") != "KeyboardInterrupt"]
                cell.outputs.append(_error("CellTimeoutError", Message(
                    "the cell ran past {limit} and was interrupted",
                    limit=self._time_limit()).translated()))
        return len(self.nb.cells)

    async def _restore(self, start):
        """Re-run, quietly, the earlier cells that the cells from ``start`` on need."""
        excluded = {f.cell for f in self.faults} | self.interrupted
        for index in cells_needed(self.nb.cells, start, excluded):
            kept, output_size = self.nb.cells[index], self.output_size
            try:  # nbclient puts the cell it ran into the notebook: run a copy, keep the original
                fault = await self._execute(copy.deepcopy(kept), index)
            finally:
                self.nb.cells[index], self.output_size = kept, output_size
            if fault:
                self.faults.append(Fault(index, fault[0], f"{fault[1]} (while being re-run)"))
                return False
        return True

    async def _execute(self, cell, index):
        """None, or (ename, cause) if the cell hung past its interrupt or killed the kernel."""
        self._cell_output_size, self._cut = 0, False
        self._cell_timeout = max(0.1, min(self.timeout, self.budget.left()))
        watch = asyncio.ensure_future(self._watch_disk())
        try:
            with self.budget.spending():
                await self.async_execute_cell(cell, index, store_history=False)
        except Unresponsive:
            return "CellTimeoutError", Message(
                "the cell ran past {limit} and did not stop when interrupted, so its kernel was "
                "stopped", limit=self._time_limit())
        except DeadKernelError:
            raise_if_cancelled()  # a stop signal, not the cell, ended the kernel
            if self.disk_overflow:
                return self._disk_fault()
            return "DeadKernelError", await self._death_cause()
        finally:
            watch.cancel()
        self.disk_overflow = self.disk_overflow or self._measure_disk()
        if self.disk_overflow:
            return self._disk_fault()
        if await self._iopub_monitor.poll(0):  # zmq cut the output channel, or the kernel closed it
            return "OutputLimitError", Message(
                "the cell's output stopped reaching the grader (a message over {size}, which grading "
                "does not take, or an output channel the cell closed), so its kernel was stopped",
                size=_megabytes(MAX_MESSAGE))
        return None

    async def _watch_disk(self):
        """While a cell runs: stop its kernel once judge/ and kernel/ exceed their limits."""
        while not self.disk_overflow:
            await asyncio.sleep(DISK_CHECK_SECONDS)
            self.disk_overflow = await asyncio.to_thread(self._measure_disk)
        with contextlib.suppress(RuntimeError, ProcessLookupError):  # unless it died already
            await ensure_async(self.km.signal_kernel(signal.SIGKILL))  # nbclient then sees it dead

    def _measure_disk(self):
        return overflow([self.run / "judge", self.run / "kernel"], self.disk)

    def _disk_cause(self):
        return Message("the submission wrote {amount} into the grading folders on the grader's "
                       "disk (judge/ and kernel/)", amount=self.disk_overflow)

    def _disk_fault(self):
        return "DiskLimitError", Message("{cause}, so its kernel was stopped",
                                         cause=self._disk_cause())

    def process_message(self, msg, cell, cell_index):
        """nbclient's, with outputs kept within :data:`CELL_OUTPUT` and :data:`NOTEBOOK_OUTPUT`."""
        kind, content = msg["msg_type"], msg["content"]
        if kind == "error":
            _shorten_error(content)
        elif kind == "clear_output":  # what was cleared no longer counts
            self.output_size -= self._cell_output_size
            self._cell_output_size, self._cut = 0, False
        elif kind in OUTPUT_MESSAGES and not self._within_caps(content, cell):
            return None
        return super().process_message(msg, cell, cell_index)

    def _within_caps(self, content, cell):
        """Whether the output fits; the first one that does not is replaced by a marker line (a
        stream keeps what fits, then the marker), and the cell's later outputs are dropped."""
        cell_room = CELL_OUTPUT - self._cell_output_size
        room = min(cell_room, NOTEBOOK_OUTPUT - self.output_size)
        size = output_size(content)
        if size > room:
            if self._cut:
                return False
            self._cut = True
            limit = (_("this cell's limit of {size}").format(size=_megabytes(CELL_OUTPUT))
                     if cell_room == room else
                     _("the notebook's limit of {size}").format(size=_megabytes(NOTEBOOK_OUTPUT)))
            marker = _("\n[output cut at {limit}: the rest was dropped]\n").format(limit=limit)
            if "text" not in content:
                cell.outputs.append(new_output("stream", name="stderr", text=marker))
                return False
            size = max(room, 0)
            content["text"] = content["text"][:size] + marker
        self._cell_output_size += size
        self.output_size += size
        return True

    def _get_timeout(self, cell):
        return self._cell_timeout

    def _time_limit(self):
        """The limit the running cell was stopped at, in words."""
        if self._cell_timeout < self.timeout:
            return Message("the submission's time limit of {seconds} s",
                           seconds=f"{self.budget.seconds:g}")
        return Message("its time limit of {seconds} s", seconds=self.timeout)

    def _out_of_time(self, start):
        return self._not_run(start, "SubmissionTimeoutError", Message(
            "the submission reached its time limit of {seconds} s before this cell",
            seconds=f"{self.budget.seconds:g}"))

    def _not_run(self, start, ename, cause):
        """Every cell from ``start`` on that would run is marked ``not run: cause``; the end."""
        for index in range(start, len(self.nb.cells)):
            if _runs(self.nb.cells[index]):
                self._fault(index, ename, Message("not run: {cause}", cause=cause))
        return len(self.nb.cells)

    async def _async_handle_timeout(self, timeout, cell=None):
        """First time limit: interrupt and wait one more. Second: give up on the kernel."""
        if cell is not None and self._interrupted is not cell:
            self._interrupted = cell
            await ensure_async(self.km.interrupt_kernel())
            return None
        raise Unresponsive

    async def _death_cause(self):
        code = await ensure_async(self.km.provisioner.poll()) if self.km.provisioner else None
        signal = -code if code is not None and code < 0 else (
            code - 128 if code is not None and code > 128 else None)
        if signal == 9:
            return Message("the kernel was killed (signal 9), most likely for using too much memory")
        if signal:
            return Message("the kernel died of signal {signal}", signal=signal)
        if code is not None:
            return Message("the kernel died (exit code {code})", code=code)
        return Message("the kernel died")

    def _fault(self, index, ename, cause):
        """A fault: ``cause`` (a Message) in English for the instructor, translated in the cell."""
        self.faults.append(Fault(index, ename, str(cause)))  # a plain string, in English
        self.nb.cells[index].setdefault("outputs", []).append(_error(ename, cause.translated()))


def _runs(cell):
    """Whether grading runs the cell: a code cell not tagged as a demo."""
    return cell.cell_type == "code" and DEMO_TAG not in cell.metadata.get("tags", [])


def output_size(content):
    """Characters of an output message's text and data (an image counts its base64 text)."""
    if "text" in content:
        return len(content["text"])
    return sum(len(value) if isinstance(value, str) else len(json.dumps(value))
               for value in content.get("data", {}).values())


def _shorten_error(content):
    """An error message cut to :data:`ERROR_TEXT` characters of value and of traceback."""
    content["evalue"] = str(content.get("evalue", ""))[:ERROR_TEXT]
    traceback, kept = content.get("traceback", []), []
    for line in reversed(traceback):  # the last frames say the most
        if sum(map(len, kept)) + len(line) > ERROR_TEXT:
            kept.append(line[:ERROR_TEXT - sum(map(len, kept))])
            break
        kept.append(line)
    content["traceback"] = kept[::-1]


def _megabytes(size):
    return f"{size / 2**20:g} MB"


def _error(ename, evalue):
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def cells_needed(cells, start, excluded):
    """The code cells before ``start`` whose definitions the cells from ``start`` on use.

    A backward slice by name: a cell is needed if it defines a name a needed or remaining cell
    uses. Cells that define nothing but are not tests (``np.random.seed(0)``, settings) are kept
    for their side effects, and a cell Python cannot parse (IPython magics) is kept to be safe.
    """
    runnable = [i for i, c in enumerate(cells) if _runs(c) and c.source.strip() and i not in excluded]
    wanted = set()
    for index in (i for i in runnable if i >= start):
        wanted |= cell_names(cells[index].source)[1]
    needed = []
    for index in reversed([i for i in runnable if i < start]):
        defined, used = cell_names(cells[index].source)
        keep = (defined is None or defined & wanted
                or (not defined and not _is_test(cells[index])))
        if keep:
            needed.append(index)
            wanted |= used
    return sorted(needed)


def cell_names(source):
    """(names the cell defines, names it uses before defining them); (None, set()) if unparsable."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None, set()
    defined, used = set(), set()
    for statement in tree.body:
        used |= _loads(statement) - defined
        defined |= _stores(statement)
    return defined, used


def _stores(node):
    names = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and not isinstance(child.ctx, ast.Load):
            names.add(child.id)
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(child.name)
        elif isinstance(child, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in child.names}
    return names


def _loads(node):
    """Names read by ``node``, less those local to the functions and comprehensions inside it."""
    loads = {c.id for c in ast.walk(node) if isinstance(c, ast.Name) and isinstance(c.ctx, ast.Load)}
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ListComp, ast.SetComp,
              ast.DictComp, ast.GeneratorExp)
    local = set()
    for scope in (c for c in ast.walk(node) if isinstance(c, scopes)):
        local |= {c.arg for c in ast.walk(scope) if isinstance(c, ast.arg)}
        local |= {c.id for c in ast.walk(scope)
                  if isinstance(c, ast.Name) and isinstance(c.ctx, ast.Store)}
    return loads - local


def _is_test(cell):
    grading = cell.get("metadata", {}).get("nbgrader", {})
    return bool(grading.get("grade")) and not grading.get("solution")

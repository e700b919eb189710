"""Transcripts of a test's calls into a student's code: recorded in the kernel, replayed by the grader.

While a notebook is graded, every call a test makes to a graded function (or to a graded class and
its instances) is recorded in the student's kernel: the arguments, the result or the exception,
and the arguments again afterwards when the call changed them in place. The grader then runs the
same test code in its own process and answers each call from the transcript.

A transcript crosses from untrusted code to the grader, so it is plain JSON, never pickle. Arrays
travel as their raw bytes with a numeric dtype, so decoding cannot run code and always gives back
plain ``numpy.ndarray`` objects; whatever cannot be encoded (an object that claims to equal
everything, say) arrives as an :class:`Opaque` marker that no check accepts. An iterator that a
graded function returns (a generator of mini-batches, say) is read to its end while recording, so
its items travel like a list and the grader iterates over them.
"""
import base64
import copy
import errno
import hashlib
import json
import itertools
import os
import stat
import types
from collections import defaultdict, deque
from collections.abc import Iterator

import numpy as np

from .i18n import _

NUMERIC_KINDS = "biufc"  # bool, signed, unsigned, float, complex
MAX_DEPTH = 32
# A transcript's bytes, and the values it holds (arrays, lists, numbers, strings...): parsing makes
# a Python object of some 50 to 250 bytes of each value, so a file of 3-byte values ("{},{},...")
# would cost the grader 25 times its size. The course's largest transcripts take some 100 kB and
# a few thousand values.
MAX_TRANSCRIPT_BYTES = 64 * 2**20
MAX_JSON_VALUES = 2**19
# encode() nests at most MAX_DEPTH values, and a value takes at most three levels of JSON
# ({"dict": [[key, value]]}); an event and the file add a few more.
MAX_JSON_DEPTH = 3 * (MAX_DEPTH + 1) + 8
MAX_ITERATOR_ITEMS = 100_000


class TranscriptError(Exception):
    """A transcript is malformed, or the calls it records are not the calls the test makes."""


class Opaque:
    """Stands for a value the kernel could not encode, such as an object of a student's class."""

    def __init__(self, description):
        self.description = description

    def __repr__(self):
        return f"<{self.description}>"


# ----------------------------------------------------------------------------------- encoding

def encode(value, depth=0):
    """Turn a value into JSON data; arrays keep their exact bytes, other objects become opaque."""
    if depth > MAX_DEPTH:
        return {"opaque": "deeply nested value"}
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return {"float": repr(value)}
    if isinstance(value, (np.ndarray, np.generic)):
        return _encode_array(value)
    if type(value) in (list, tuple):
        return {type(value).__name__: [encode(item, depth + 1) for item in value]}
    if type(value) is dict and all(type(key) is str for key in value):
        return {"dict": [[key, encode(item, depth + 1)] for key, item in value.items()]}
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        return {"callable": value.__qualname__}
    if callable(value):
        return {"callable": type(value).__qualname__}
    return {"opaque": f"{type(value).__name__} object"}


def _encode_array(value):
    array = np.asarray(value.view(np.ndarray) if isinstance(value, np.ndarray) else value)
    if array.dtype.kind not in NUMERIC_KINDS:
        return {"opaque": f"array of dtype {array.dtype}"}
    kind = "array" if isinstance(value, np.ndarray) else "scalar"
    return {kind: {"dtype": array.dtype.str, "shape": list(array.shape),
                   "data": base64.b64encode(np.ascontiguousarray(array).tobytes()).decode()}}


def decode(data, depth=0):
    """Inverse of :func:`encode`; rejects anything :func:`encode` does not write."""
    if depth > MAX_DEPTH:
        raise TranscriptError("transcript nested too deeply")
    if data is None or type(data) in (bool, int, str):
        return data
    if type(data) is not dict or len(data) != 1:
        raise TranscriptError(f"unexpected transcript value {str(data)[:60]!r}")
    (tag, body), = data.items()
    if tag == "float":
        return float(body)
    if tag in ("array", "scalar"):
        array = _decode_array(body)
        return array if tag == "array" else array[()]
    if tag in ("list", "tuple"):
        items = [decode(item, depth + 1) for item in _require(body, list)]
        return items if tag == "list" else tuple(items)
    if tag == "dict":
        return {_require(key, str): decode(item, depth + 1) for key, item in _require(body, list)}
    if tag == "iterator":
        return iter([decode(item, depth + 1) for item in _require(body, list)])
    if tag == "callable":
        return Opaque(f"function {_require(body, str)}")
    if tag == "opaque":
        return Opaque(_require(body, str))
    raise TranscriptError(f"unknown transcript tag {tag!r}")


def _decode_array(body):
    dtype = np.dtype(_require(body["dtype"], str))
    shape = tuple(_require(n, int) for n in _require(body["shape"], list))
    if dtype.kind not in NUMERIC_KINDS or any(n < 0 for n in shape):
        raise TranscriptError(f"bad array in transcript: dtype {dtype}, shape {shape}")
    raw = base64.b64decode(_require(body["data"], str), validate=True)
    if len(raw) != dtype.itemsize * int(np.prod(shape)):
        raise TranscriptError("array data in transcript does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def _require(value, kind):
    if type(value) is not kind:
        raise TranscriptError(f"expected {kind.__name__} in transcript, found {type(value).__name__}")
    return value


def call_key(target, op, name, args, kwargs):
    """Identify a call by what was called and the exact bytes of its arguments."""
    text = json.dumps([target, op, name, encode(args), encode(kwargs)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------------------------- recording

class Recorder:
    """Records, in the student's kernel, every interaction with the graded objects of one test."""

    def __init__(self):
        self.events = []
        self.instances = 0

    def proxy(self, obj, target):
        return _RecordingProxy(self, obj, target)

    def record(self, target, op, name, args, kwargs, perform):
        """Run ``perform()`` and log it; an event is logged before the call so a hang stays visible."""
        before = encode((args, kwargs))
        event = {"target": target, "op": op, "name": name,
                 "key": call_key(target, op, name, args, kwargs)}
        self.events.append(event)
        try:
            result = _drained(perform())
        except BaseException as exc:
            event["raised"] = {"type": type(exc).__name__, "message": _safe_str(exc),
                               "bases": [cls.__name__ for cls in type(exc).__mro__]}
            raise
        finally:
            after = encode((args, kwargs))
            if after != before:
                event["after"] = after
        return self._log_result(event, result)

    def _log_result(self, event, result):
        if event["op"] == "new":
            instance = f"i{self.instances}"
            self.instances += 1
            event["result"] = {"instance": instance}
            return _RecordingProxy(self, result, instance)
        if event["op"] == "getattr" and callable(result):
            event["result"] = {"method": event["name"]}
            return _RecordingMethod(self, result, event["target"], event["name"])
        if isinstance(result, _Drained):
            event["result"] = {"iterator": [encode(item) for item in result]}
            return iter(result)
        event["result"] = encode(result)
        return result

    def save(self, path, test_name, seed):
        with open(path, "w") as file:
            json.dump({"test": test_name, "seed": seed, "events": self.events}, file)


class _Drained(list):
    """The items of an iterator that a graded call returned, read to its end while recording."""


def _drained(result):
    """``result`` itself, or, for an iterator, all its items (at most MAX_ITERATOR_ITEMS)."""
    if not isinstance(result, Iterator):
        return result
    items = _Drained(itertools.islice(result, MAX_ITERATOR_ITEMS + 1))
    if len(items) > MAX_ITERATOR_ITEMS:
        raise RuntimeError(f"the iterator it returned yielded more than {MAX_ITERATOR_ITEMS} items")
    return items


class _RecordingProxy:
    def __init__(self, recorder, obj, target):
        object.__setattr__(self, "_recording", (recorder, obj, target))

    def __call__(self, *args, **kwargs):
        recorder, obj, target = self._recording
        op = "new" if isinstance(obj, type) else "call"
        return recorder.record(target, op, None, args, kwargs, lambda: obj(*args, **kwargs))

    def __getattr__(self, name):
        recorder, obj, target = self._recording
        return recorder.record(target, "getattr", name, (), {}, lambda: getattr(obj, name))

    def __setattr__(self, name, value):
        recorder, obj, target = self._recording
        recorder.record(target, "setattr", name, (value,), {}, lambda: setattr(obj, name, value))


class _RecordingMethod:
    def __init__(self, recorder, method, target, name):
        self._recording = (recorder, method, target, name)

    def __call__(self, *args, **kwargs):
        recorder, method, target, name = self._recording
        return recorder.record(target, "method", name, args, kwargs, lambda: method(*args, **kwargs))


def _safe_str(exc):
    try:
        return str(exc)[:2000]
    except Exception:
        return "(the exception's message could not be shown)"


# ------------------------------------------------------------------ reading what the kernel wrote

def open_folder(path):
    """A descriptor of the judge folder ``path``; refuses a symlink put in its place."""
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)


def read_untrusted(folder_fd, name):
    """The bytes of the file ``name`` in the folder open as ``folder_fd``, which the kernel wrote.

    The kernel could have put anything there: a symlink to a file only the grader may read, a FIFO
    that never delivers, a hard link to another file, an endless or huge file. So the file is
    opened without following links or blocking, must be a regular file with one link, and is read
    up to MAX_TRANSCRIPT_BYTES. Raises FileNotFoundError if there is no such file.
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(name, flags, dir_fd=folder_fd)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise TranscriptError(_("transcript is a symbolic link, not a regular file")) from None
        raise TranscriptError(_("transcript could not be read ({reason})").format(
            reason=exc.strerror)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            raise TranscriptError(_("transcript is not a regular file"))
        if info.st_size > MAX_TRANSCRIPT_BYTES:
            raise TranscriptError(_("transcript too large"))
        with os.fdopen(fd, "rb", closefd=False) as file:
            raw = file.read(MAX_TRANSCRIPT_BYTES + 1)  # it may have grown since fstat
    finally:
        os.close(fd)
    if len(raw) > MAX_TRANSCRIPT_BYTES:
        raise TranscriptError(_("transcript too large"))
    return raw


_LEVEL_STEP = np.zeros(256, dtype=np.int8)
_LEVEL_STEP[[ord("["), ord("{")]], _LEVEL_STEP[[ord("]"), ord("}")]] = 1, -1
_STARTS_VALUE = np.zeros(256, dtype=bool)
_STARTS_VALUE[[ord(","), ord(":"), ord("["), ord("{")]] = True
_SCAN_CHUNK = 2**22


def json_structure(raw):
    """(depth, values) of the JSON text ``raw``, found without parsing it: how deeply its arrays
    and objects nest, and how many values and keys it holds (one, plus one per comma, colon and
    opening bracket outside strings: exact but for one more per empty array or object). The
    memory it takes does not grow with either.

    Escaped backslashes and quotes are dropped (pairing backslashes left to right, as a parser
    does); then a character is inside a string when an odd number of quotes come before it. Exact
    for valid JSON; for invalid JSON at least what a parser meets before it stops.
    """
    text = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    level = deepest = quotes = 0
    values = 1
    for start in range(0, len(text), _SCAN_CHUNK):  # chunks bound the memory used
        chunk = np.frombuffer(text, dtype=np.uint8, count=min(_SCAN_CHUNK, len(text) - start), offset=start)
        is_quote = chunk == ord('"')
        in_string = (quotes + np.cumsum(is_quote, dtype=np.int64)) % 2 == 1
        outside = ~in_string & ~is_quote
        levels = level + np.cumsum(_LEVEL_STEP[chunk] * outside, dtype=np.int64)
        values += int(np.count_nonzero(_STARTS_VALUE[chunk] & outside))
        quotes += int(np.count_nonzero(is_quote))
        level, deepest = int(levels[-1]), max(deepest, int(levels.max()))
    return deepest, values


# ---------------------------------------------------------------------------------- replaying

class Replay:
    """Answers, in the grader, the calls a test makes from a transcript recorded in the kernel."""

    def __init__(self, events, labels):
        self.labels = dict(labels)
        self.pending = defaultdict(deque)
        self.changed = {}  # id -> _Changed, for each object the kernel changed in place
        for event in _require(events, list):
            self.pending[_require(_require(event, dict).get("key"), str)].append(event)

    @classmethod
    def from_folder(cls, folder_fd, name, labels):
        """The replay of transcript ``name`` in the judge folder open as ``folder_fd``."""
        return cls.from_json(read_untrusted(folder_fd, name), labels)

    @classmethod
    def from_json(cls, raw, labels):
        """The replay of a transcript's bytes, checked before they are parsed."""
        depth, values = json_structure(raw)
        if depth > MAX_JSON_DEPTH:
            raise TranscriptError(_("transcript nested too deeply"))
        if values > MAX_JSON_VALUES:
            raise TranscriptError(_("transcript holds too many values"))
        try:
            return cls(_require(json.loads(raw), dict).get("events"), labels)
        except (ValueError, KeyError, RecursionError) as exc:  # RecursionError: json_structure's backstop
            raise TranscriptError(_("unreadable transcript: {error}").format(
                error=str(exc)[:200])) from None

    def proxy(self, target, is_class=False):
        return _ReplayProxy(self, target, "new" if is_class else "call")

    def answer(self, target, op, name, args, kwargs):
        """The recorded outcome of this exact call; in-place changes are applied to ``args`` too."""
        label = self._describe(target, op, name)
        queue = self.pending.get(call_key(target, op, name, args, kwargs))
        if not queue:
            raise TranscriptError(_(
                "{call} was not called with these arguments in your notebook's kernel: the test "
                "stopped before this call, or something in the notebook changed the test's inputs"
            ).format(call=label))
        event = queue.popleft()
        if "after" in event:
            self._write_back_call(args, kwargs, decode(event["after"]))
        raised = event.get("raised")
        if raised and raised.get("type") != "KeyboardInterrupt":  # an interrupt is the time limit
            text = (_("{call} raised {error}: {message}") if raised.get("message")
                    else _("{call} raised {error}")).format(
                call=label, error=raised.get("type"), message=raised.get("message"))
            raise SubmissionError(text, label=label,
                                  raised=_raised_names(raised), message=str(raised.get("message", "")))
        if "result" not in event:
            raise SubmissionError(_("{call} did not return: it was stopped by the time limit "
                                    "(an infinite loop?)").format(call=label))
        return self._result(event, label)

    def _result(self, event, label):
        result = event["result"]
        if event["op"] == "new":
            instance = _require(result.get("instance"), str)
            self.labels[instance] = f"{self.labels.get(event['target'], 'object')}(...)"
            return _ReplayProxy(self, instance, "call")
        if event["op"] == "getattr" and type(result) is dict and "method" in result:
            return _ReplayMethod(self, event["target"], event["name"])
        return decode(result)

    def _write_back_call(self, args, kwargs, changed):
        """Apply the kernel's in-place changes to the arguments of a call, each as the kernel saw it."""
        changed_args, changed_kwargs = _require(changed, tuple)
        for item, new in zip(args, _require(changed_args, tuple)):
            self._write_back(item, new)
        for key, new in _require(changed_kwargs, dict).items():
            if key in kwargs:
                self._write_back(kwargs[key], new)

    def _write_back(self, original, changed):
        """Apply the kernel's in-place changes to the grader's copy of one argument, remembering
        what it held before."""
        if type(original) is tuple and type(changed) is tuple and len(original) == len(changed):
            for item, new in zip(original, changed):
                self._write_back(item, new)
        elif encode(original) != encode(changed):
            before = copy.deepcopy(original)
            if _overwrite(original, changed):
                change = self.changed.setdefault(id(original), _Changed(original, before))
                change.written = encode(original)

    def pristine(self, value):
        """``value`` as the test made it, before the kernel changed any of it in place (deeply).

        An object the kernel changed and that still holds what the kernel wrote into it is replaced
        by a fresh copy of what it held before the first call that changed it; tuples, lists and
        dicts are searched for such objects. So a reference never computes on inputs that the
        student's code overwrote (a function that sets ``y[...] = t`` and returns 0 makes the
        reference see the real ``y``), and may change its copy without touching the test's object.
        """
        change = self.changed.get(id(value))
        if change is not None and change.obj is value and encode(value) == change.written:
            return copy.deepcopy(change.before)
        if type(value) in (tuple, list):
            return type(value)(self.pristine(item) for item in value)
        if type(value) is dict:
            return {key: self.pristine(item) for key, item in value.items()}
        return value

    def _describe(self, target, op, name):
        owner = self.labels.get(target, target)
        return {"call": owner, "new": owner, "method": f"{owner}.{name}()",
                "getattr": f"{owner}.{name}", "setattr": _("setting {attribute}").format(attribute=f"{owner}.{name}")}[op]


def _overwrite(original, changed):
    """Make ``original`` hold ``changed``, in place, where their kinds allow it; whether it did."""
    if isinstance(original, np.ndarray) and isinstance(changed, np.ndarray):
        if original.shape != changed.shape or not original.flags.writeable:
            return False
        np.copyto(original, changed, casting="unsafe")
    elif type(original) is dict and type(changed) is dict:
        original.clear()
        original.update(changed)
    elif type(original) is list and type(changed) is list:
        original[:] = changed
    else:
        return False
    return True


class _Changed:
    """An argument the kernel changed in place: the object, a copy from before, what was written."""

    def __init__(self, obj, before):
        self.obj, self.before, self.written = obj, before, None


class SubmissionError(AssertionError):
    """The student's code raised, or never returned, when the kernel ran this call.

    ``raised`` names the class of the exception the kernel saw and its base classes (empty when
    the call never returned), so a test expecting an exception can recognise it.
    """

    def __init__(self, text, *, raised=(), message="", label=""):
        super().__init__(text)
        self.label = label  # the call, as in "softmax" or "LinearModel(...).loss()"
        self.raised = tuple(raised)
        self.message = message


def _raised_names(raised):
    names = raised.get("bases")
    if type(names) is list and all(type(name) is str for name in names):
        return names
    return [str(raised.get("type"))]


class _ReplayProxy:
    def __init__(self, replay, target, call_op):
        object.__setattr__(self, "_replay", (replay, target, call_op))

    def __call__(self, *args, **kwargs):
        replay, target, call_op = self._replay
        return replay.answer(target, call_op, None, args, kwargs)

    def __getattr__(self, name):
        replay, target, _ = self._replay
        return replay.answer(target, "getattr", name, (), {})

    def __setattr__(self, name, value):
        replay, target, _ = self._replay
        replay.answer(target, "setattr", name, (value,), {})


class _ReplayMethod:
    def __init__(self, replay, target, name):
        self._replay = (replay, target, name)

    def __call__(self, *args, **kwargs):
        replay, target, name = self._replay
        return replay.answer(target, "method", name, args, kwargs)



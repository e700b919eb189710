"""The transcript codec and record/replay, in one process (the real kernel path is in test_judge.py)."""
import itertools
import json
import pickle
import re

import numpy as np
import pytest

from autograder.testing import assert_raises, recording
from autograder.transcript import (Opaque, Recorder, Replay, SubmissionError, TranscriptError,
                                   decode, encode)


def roundtrip(value):
    return decode(json.loads(json.dumps(encode(value))))


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "uint8", "bool", "complex128"])
def test_arrays_keep_dtype_shape_and_bytes(dtype):
    array = (np.arange(24).reshape(2, 3, 4) % 5).astype(dtype)
    back = roundtrip(array)
    assert type(back) is np.ndarray and back.dtype == array.dtype and back.shape == array.shape
    assert back.tobytes() == array.tobytes()


def test_special_floats_scalars_and_containers_roundtrip():
    value = {"a": [1, 2.5, None, True, "x"], "b": (np.float32(1.5), np.int64(-3)),
             "c": [float("inf"), -0.0]}
    back = roundtrip(value)
    assert back["a"] == [1, 2.5, None, True, "x"]
    assert isinstance(back["b"], tuple) and back["b"][0].dtype == np.float32 and back["b"][1] == -3
    assert back["c"][0] == float("inf") and np.signbit(back["c"][1])
    assert np.isnan(roundtrip(float("nan")))


def test_ndarray_subclass_arrives_as_plain_array_with_its_real_data():
    class AlwaysEqual(np.ndarray):
        def __eq__(self, other):
            return True

    back = roundtrip(np.zeros(3).view(AlwaysEqual))
    assert type(back) is np.ndarray and not np.array_equal(back, np.ones(3))


def test_objects_that_cannot_travel_become_opaque():
    class Anything:
        def __eq__(self, other):
            return True

    assert isinstance(roundtrip(Anything()), Opaque)
    assert isinstance(roundtrip(np.array([Anything()], dtype=object)), Opaque)
    assert isinstance(roundtrip({1: "not a str key"}), Opaque)


@pytest.mark.parametrize("data", [
    {"array": {"dtype": "|O", "shape": [1], "data": ""}},
    {"array": {"dtype": "<f8", "shape": [2], "data": "AAAAAAAAAAA="}},  # 8 bytes for 2 floats
    {"array": {"dtype": "<f8", "shape": [-1], "data": ""}},
    {"pickle": "gASV"},
    {"list": [1], "dict": []},
    [1, 2],
])
def test_malformed_data_is_rejected(data):
    with pytest.raises(TranscriptError):
        decode(data)


def test_a_pickled_transcript_is_refused_without_being_run(tmp_path):
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    with pytest.raises(TranscriptError):
        Replay.from_json(pickle.dumps(Payload()), {})
    assert not marker.exists()


def record(test, *objects):
    recorder = Recorder()
    test(*(recorder.proxy(obj, f"g{i}") for i, obj in enumerate(objects)))
    return json.loads(json.dumps(recorder.events))


def replay(events, test, *names, classes=()):
    session = Replay(events, {f"g{i}": name for i, name in enumerate(names)})
    return test(*(session.proxy(f"g{i}", name in classes) for i, name in enumerate(names)))


def test_replay_answers_each_call_with_the_recorded_result():
    def test(square):
        return [square(np.array([1.0, 2.0])), square(np.array([3.0]))]

    events = record(test, lambda x: x ** 2)
    results = replay(events, test, "square")
    assert [r.tolist() for r in results] == [[1.0, 4.0], [9.0]]


def test_a_call_the_kernel_did_not_make_is_refused():
    events = record(lambda f: f(np.array([1.0])), np.sqrt)
    with pytest.raises(TranscriptError, match="was not called with these arguments"):
        replay(events, lambda f: f(np.array([2.0])), "sqrt")


def test_exceptions_and_in_place_changes_are_replayed():
    def clobber(x):
        x[:] = 7
        raise ValueError("bad input")

    def test(f):
        x = np.zeros(2)
        try:
            f(x)
        except (ValueError, SubmissionError) as error:
            return x, str(error)

    events = record(test, clobber)
    x, message = replay(events, test, "clobber")
    assert x.tolist() == [7.0, 7.0] and message == "clobber raised ValueError: bad input"


def test_callables_stateful_dicts_and_objects_replay():
    class Net:
        def __init__(self, size):
            self.params = {"w": np.ones(size)}

        def loss(self, x):
            return float(self.params["w"] @ x)

    def step(w, config=None):
        config = dict(config or {}, count=(config or {}).get("count", 0) + 1)
        return w - 1, config

    def test(Net, step, apply):
        net = Net(2)
        net.params["w"] = np.array([2.0, 3.0])
        w, config = step(np.zeros(2))
        w, config = step(w, config)
        return net.loss(np.array([1.0, 1.0])), w, config, apply(lambda v: v + 1, 1.0)

    events = record(test, Net, step, lambda f, v: f(v))
    loss, w, config, applied = replay(events, test, "Net", "step", "apply", classes={"Net"})
    assert loss == 5.0 and w.tolist() == [-2.0, -2.0] and config == {"count": 2} and applied == 2.0


def test_a_call_interrupted_in_the_kernel_is_reported_as_not_returning():
    def hang(x):
        raise KeyboardInterrupt

    recorder = Recorder()
    with pytest.raises(KeyboardInterrupt):
        recorder.proxy(hang, "g0")(1.0)
    events = json.loads(json.dumps(recorder.events))
    with pytest.raises(SubmissionError, match="did not return: it was stopped by the time limit"):
        replay(events, lambda f: f(1.0), "hang")


class KindError(ValueError):
    pass


def choose(kind):
    if kind not in ("l1", "l2"):
        raise KindError(f"unknown kind {kind!r}: use 'l1' or 'l2'")
    return kind


@pytest.mark.parametrize("in_grader", [False, True])
@pytest.mark.parametrize("expected, match, kind, failure", [
    (ValueError, "'l1' or 'l2'", "l3", None),  # a subclass of the expected exception counts
    (KindError, None, "l3", None),
    (TypeError, None, "l3", "should raise TypeError, but it raised KindError: unknown kind 'l3'"),
    (ValueError, "l4", "l3", "does not mention 'l4'"),
    (ValueError, None, "l1", "should raise ValueError, but it returned normally"),
])
def test_assert_raises_judges_the_exception_the_kernel_saw(in_grader, expected, match, kind, failure):
    def test(choose):
        assert_raises(expected, lambda: choose(kind), f"choose({kind!r})", match=match)

    if in_grader:
        token = recording.set(True)
        try:
            events = record(test, choose)  # while recording, assert_raises only makes the call
        finally:
            recording.reset(token)
        run = lambda: replay(events, test, "choose")  # noqa: E731
    else:
        run = lambda: test(choose)  # noqa: E731
    if failure is None:
        run()
    else:
        with pytest.raises(AssertionError, match=re.escape(failure)):
            run()


def test_assert_raises_lets_an_unfinished_exercise_say_so():
    def stub(kind):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        assert_raises(ValueError, lambda: stub("l3"), "stub('l3')")


def test_a_returned_generator_is_read_while_recording_and_replayed_as_its_items():
    def batches(x, size):
        for start in range(0, len(x), size):
            yield x[start:start + size]

    def endless():
        yield from itertools.count()

    def test(batches, endless):
        items = [b.tolist() for b in batches(np.arange(5.0), 2)]
        try:
            endless()
        except (RuntimeError, SubmissionError) as error:
            return items, str(error)

    events = record(test, batches, endless)
    items, message = replay(events, test, "batches", "endless")
    assert items == [[0.0, 1.0], [2.0, 3.0], [4.0]]
    assert message.startswith("endless raised RuntimeError: the iterator it returned yielded more than")


def test_pristine_gives_back_inputs_as_they_were_before_the_kernel_changed_them():
    def clobber(pair, weights, *, config):
        pair[0][:] = 0.0
        weights.append(9.0)
        config["step"] = 1

    def test(clobber):
        x, untouched = np.arange(3.0), np.ones(2)
        pair, weights, config = (x, untouched), [1.0], {"step": 0}
        clobber(pair, weights, config=config)
        return x, pair, weights, config

    events = record(test, clobber)
    session = Replay(events, {"g0": "clobber"})
    x, pair, weights, config = test(session.proxy("g0"))
    assert x.tolist() == [0.0, 0.0, 0.0] and weights == [1.0, 9.0] and config == {"step": 1}
    (x_then, untouched), weights_then, config_then = session.pristine((pair, weights, config))
    assert x_then.tolist() == [0.0, 1.0, 2.0] and untouched is pair[1]
    assert weights_then == [1.0] and config_then == {"step": 0}
    x_then[:] = 5.0  # a fresh copy each time: the reference may change it
    assert session.pristine(x).tolist() == [0.0, 1.0, 2.0]
    x[:] = 4.0  # the test's own later change is not the kernel's: it stays
    assert session.pristine(x) is x

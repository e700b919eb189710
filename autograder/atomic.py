"""Files written whole or not at all: a crash, a signal or a full disk leaves the previous version."""
import contextlib
import csv
import io
import os
import tempfile
from pathlib import Path

PART = ".part"  # the temporary file's suffix: ".<name>.<random>.part" beside its final place


def atomic_write(path, content):
    """Write ``content`` to ``path`` through a synced temporary file beside it, renamed into place.

    ``content`` is text (written as UTF-8), bytes, or a function that writes into the open binary
    file. The file is readable by everyone and writable by its owner, like one made by ``open``.
    """
    path = Path(path)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PART, dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as file:
            if callable(content):
                content(file)
            else:
                file.write(content.encode() if isinstance(content, str) else content)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)  # mkstemp made it readable by its owner only
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    sync_folder(path.parent)


def atomic_csv(path, rows):
    """The lists ``rows`` as a CSV file at ``path``, written as :func:`atomic_write` writes."""
    table = io.StringIO(newline="")
    csv.writer(table).writerows(rows)
    atomic_write(path, table.getvalue())


def sync_folder(folder):
    """Make a rename in ``folder`` durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

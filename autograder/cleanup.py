"""Measuring what a kernel writes into its run folder while it runs, and removing the folder after,
whatever shape the kernel left it in.

The run folder's ``judge/`` (transcripts) and ``kernel/`` (sockets, connection files, the kernels'
log) are on the grader's disk, where each file is capped (``RLIMIT_FSIZE``) but not their number.
:func:`overflow` says when they hold more than their limits, counting without following links and
stopping at the first excess, so that measuring a hostile tree costs little.

A kernel can leave behind folders nested thousands deep, folders with mode 000 or 500, and files
owned by its own user. ``shutil.rmtree`` (and so ``TemporaryDirectory``) recurses once per level
in Python 3.11 and stops with ``RecursionError`` past about a thousand, and it gives up on a folder
it may not read. :func:`remove_tree` walks without recursion, keeps at most MAX_OPEN_FOLDERS
folders open (a deeper folder is moved up to the top and emptied from there, so neither the
descriptors nor the path length grow with the depth), gives each folder back the permissions
needed to empty it, and never deletes through a symbolic link: every step is relative to an open
folder, opened without following links.
"""
import os
import secrets
import stat

from .i18n import Message

MAX_OPEN_FOLDERS = 64
_OPEN_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# What the kernels of one notebook may keep in judge/ and kernel/ besides --disk bytes: a notebook
# writes a transcript per test and some six files per kernel (at most 11 kernels), all flat. (The
# heaviest reference solutions keep 35 entries and 0.6 MB there.)
MAX_ENTRIES = 1000
MAX_DEPTH = 4


def overflow(folders, max_bytes, max_entries=MAX_ENTRIES, max_depth=MAX_DEPTH):
    """None while ``folders`` together hold at most ``max_bytes`` (of disk blocks) in at most
    ``max_entries`` files and folders, nested at most ``max_depth`` deep; else what they exceed
    (a :class:`autograder.i18n.Message`)."""
    tops = []
    for folder in folders:
        try:
            tops.append((os.open(folder, _OPEN_FOLDER), 0))
        except FileNotFoundError:
            continue
    stack, size, entries = tops, 0, 0
    try:
        while stack:
            fd, depth = stack.pop()
            try:
                found = _listing(fd)
                entries += len(found)
                if entries > max_entries:
                    return Message("more than {count} files and folders", count=max_entries)
                for name, info in found:
                    size += info.st_blocks * 512
                    if stat.S_ISDIR(info.st_mode):
                        if depth >= max_depth:
                            return Message("folders nested more than {depth} deep",
                                           depth=max_depth)
                        stack.append((os.open(name, _OPEN_FOLDER, dir_fd=fd), depth + 1))
                if size > max_bytes:
                    return Message("more than {size} MB", size=f"{max_bytes / 2**20:g}")
            except PermissionError:
                return Message("a folder the grader may not read")
            except FileNotFoundError:  # removed while we looked: counted as it was
                pass
            finally:
                os.close(fd)
    finally:
        for fd, _ in stack:
            os.close(fd)
    return None


def _listing(fd):
    """(name, lstat) of each entry of the open folder ``fd``, but those removed meanwhile."""
    found = []
    with os.scandir(fd) as entries:
        for entry in entries:
            try:
                found.append((entry.name, entry.stat(follow_symlinks=False)))
            except FileNotFoundError:
                continue
    return found


def remove_tree(path):
    """Delete the folder ``path`` and everything in it."""
    parent, name = os.path.split(os.path.abspath(path))
    parent_fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        top = _open_folder(name, parent_fd)
        try:
            _empty(top)
        finally:
            os.close(top)
        os.rmdir(name, dir_fd=parent_fd)
    finally:
        os.close(parent_fd)


def _empty(top):
    """Delete everything in the open folder ``top``, depth first, without recursion."""
    stack = [(top, None, _remove_files(top))]  # (folder, its name, its subfolders left to do)
    while stack:
        fd, folder_name, subfolders = stack[-1]
        if not subfolders:
            stack.pop()
            if stack:  # a subfolder, now empty
                os.close(fd)
                os.rmdir(folder_name, dir_fd=stack[-1][0])
            continue
        name = subfolders.pop()
        if len(stack) < MAX_OPEN_FOLDERS:
            child = _open_folder(name, fd)
            stack.append((child, name, _remove_files(child)))
        else:  # too deep to keep open: move it up to the top, to be emptied from there
            moved = f".removing-{secrets.token_hex(8)}"
            os.rename(name, moved, src_dir_fd=fd, dst_dir_fd=top)
            stack[0][2].append(moved)


def _open_folder(name, parent_fd):
    """Open the subfolder ``name``, first giving it the permissions it takes to empty it."""
    try:
        fd = os.open(name, _OPEN_FOLDER, dir_fd=parent_fd)
    except PermissionError:  # mode 000 and not root: we own it (the kernel ran as us)
        if not stat.S_ISDIR(os.stat(name, dir_fd=parent_fd, follow_symlinks=False).st_mode):
            raise
        os.chmod(name, stat.S_IRWXU, dir_fd=parent_fd)  # Linux has no lchmod
        fd = os.open(name, _OPEN_FOLDER, dir_fd=parent_fd)
    if os.fstat(fd).st_mode & stat.S_IRWXU != stat.S_IRWXU:
        os.fchmod(fd, stat.S_IRWXU)  # read, write and enter: mode 500 blocks removing its files
    return fd


def _remove_files(fd):
    """Unlink everything in the open folder ``fd`` but its subfolders; the names of those."""
    subfolders = []
    with os.scandir(fd) as entries:
        names = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries]
    for name, is_folder in names:
        if is_folder:
            subfolders.append(name)
        else:
            os.unlink(name, dir_fd=fd)
    return subfolders

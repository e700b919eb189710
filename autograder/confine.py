"""The last step before a submission's kernel starts: resource limits, then the kernel itself.

``python -m autograder.confine --memory BYTES [--file-size BYTES] [--processes N] [--user UID]
-- COMMAND...`` sets the limits, becomes ``UID`` if asked (a sandbox started by root keeps only the
capabilities needed for this), and replaces itself with ``COMMAND``. It imports nothing heavy: it
runs once per kernel.

* ``--memory`` caps the address space, so an oversized allocation fails with ``MemoryError`` in the
  cell that asked for it instead of taking the machine down.
* ``--file-size`` caps the size of each file it writes (``RLIMIT_FSIZE``): a write beyond it fails
  with ``OSError: File too large`` (Python ignores the signal SIGXFSZ that would kill it).
* ``--processes`` caps the processes and threads of the kernel's user (``RLIMIT_NPROC``): a fork
  bomb stops there. Linux does not apply this limit to root, hence ``--user``.
"""
import argparse
import os
import resource
import sys


def main(argv=None):
    args = _parser().parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        _parser().error("no command to run after --")
    limits = [(resource.RLIMIT_AS, args.memory), (resource.RLIMIT_CORE, 0)]
    if args.file_size:
        limits.append((resource.RLIMIT_FSIZE, args.file_size))
    if args.processes:
        limits.append((resource.RLIMIT_NPROC, args.processes))
    for limit, value in limits:
        try:
            resource.setrlimit(limit, (value, value))
        except (ValueError, OSError) as error:  # macOS does not enforce RLIMIT_AS, for one
            print(f"autograder.confine: limit {limit} not set: {error}", file=sys.stderr)
    if args.user is not None:
        os.setgroups([])
        os.setgid(args.user)
        os.setuid(args.user)
    os.execvp(command[0], command)


def _parser():
    parser = argparse.ArgumentParser(prog="python -m autograder.confine", description=__doc__)
    parser.add_argument("--memory", type=int, required=True, help="bytes of address space")
    parser.add_argument("--file-size", type=int, help="bytes of each file it writes")
    parser.add_argument("--processes", type=int, help="processes and threads of the user")
    parser.add_argument("--user", type=int, help="user and group id to run the command as")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    return parser


if __name__ == "__main__":
    main()

"""lintgate's own lines on stderr, and stdout and stderr made safe to write to.

Every `lintgate: ...` line of a run goes through `say` (control characters escaped, so text
from outside stays one line); `tolerant_streams` makes an encoding that lacks a character
write an escape instead of raising; `internal_error` is the one line of a bug.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
from pathlib import Path
from typing import IO, AnyStr, Callable, Iterator

__all__ = [
    "StdoutFailed",
    "internal_error",
    "say",
    "stdout_writes",
    "tolerant_streams",
    "unusable_paths",
    "warn",
    "write_all",
]


# An internal error's message is cut to this many characters: it has to stay one line.
INTERNAL_MESSAGE_MAX = 500


def internal_error(e: Exception) -> None:
    """Report an unexpected exception (a bug in lintgate) as the one line
    `lintgate: internal error: TYPE: MESSAGE; please report it`, preceded by the traceback
    when LINTGATE_DEBUG=1 is set. Exit status 2 whatever was printed before (bit 2: lintgate
    could not do its job; findings already printed do not add bit 1)."""
    if os.environ.get("LINTGATE_DEBUG") == "1":
        import traceback

        traceback.print_exception(e, file=sys.stderr)
    message = str(e)
    if len(message) > INTERNAL_MESSAGE_MAX:
        message = message[: INTERNAL_MESSAGE_MAX - 3] + "..."
    say(f"internal error: {type(e).__name__}: {message}; please report it")


def tolerant_streams() -> Callable[[], None]:
    """Make sys.stdout and sys.stderr write what their encoding cannot hold as escapes
    (report.terminal.OUTPUT_ERRORS: a file name's undecodable bytes as they were, other
    characters as `\\u2192`) instead of raising UnicodeEncodeError (stdout with
    PYTHONIOENCODING=ascii or LANG=C); returns the function that restores them."""
    from lintgate.report.terminal import OUTPUT_ERRORS, register_output_errors

    register_output_errors()
    previous = []
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        errors = getattr(stream, "errors", None)
        if reconfigure is None or errors is None:
            continue  # not a text file (a test's capture object): leave it
        with contextlib.suppress(ValueError, OSError):
            reconfigure(errors=OUTPUT_ERRORS)
            previous.append((reconfigure, errors))

    def restore() -> None:
        for reconfigure, errors in previous:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors=errors)

    return restore


def unusable_paths(args: argparse.Namespace, cwd: Path) -> list[str]:
    """Take the path arguments that cannot even be looked at (a name longer than NAME_MAX or
    PATH_MAX, a NUL byte) out of `args.paths`; returns one line for each, naming the path
    (shortened past 80 characters) and the system's reason. Other problems (a missing path, a
    link loop) are left to discovery, which reports them. isort, too, reports such a path and
    checks the others; black refuses the whole run."""
    kept, errors = [], []
    for path in args.paths:
        try:
            os.lstat(os.path.join(cwd, path))
        except OSError as e:
            if e.errno != errno.ENAMETOOLONG:
                kept.append(path)
                continue
            why = e.strerror or str(e)
        except ValueError as e:  # a NUL byte
            why = str(e)
        else:
            kept.append(path)
            continue
        shown = path if len(path) <= 80 else f"{path[:38]}...{path[-38:]}"
        errors.append(f"{shown}: {why[:1].lower()}{why[1:]}")
    args.paths = kept
    return errors


def warn(message: str) -> None:
    """Print `lintgate: warning: MESSAGE` to stderr (`say`)."""
    say(f"warning: {message}")


def say(message: str, prefix: str = "lintgate: ") -> None:
    """Print one line to stderr: `prefix` and `message`, its control characters escaped
    (report.terminal.escape_controls): the one place lintgate's own stderr lines are written,
    so that text from outside (an exception's, a registry's, a file name) stays one line."""
    from lintgate.progress import interrupt
    from lintgate.replay import capture
    from lintgate.report.terminal import escape_controls

    interrupt()  # a progress line on the terminal is erased first
    line = prefix + escape_controls(message)
    capture.stderr(line)
    print(line, file=sys.stderr)


class StdoutFailed(Exception):
    """Writing to stdout failed (not a closed pipe); `str(error)` is the system's reason."""


@contextlib.contextmanager
def stdout_writes() -> Iterator[None]:
    """Turn an OSError of the writes to stdout inside into StdoutFailed (a BrokenPipeError
    goes on as it is: lintgate.cli.main ends quietly on it)."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as e:
        raise StdoutFailed(e.strerror or str(e)) from None


def write_all(stream: IO[AnyStr], data: AnyStr) -> None:
    """Write `data` (str for a text stream, bytes for a binary one) to `stream` and flush it.
    On a stream with a file descriptor the bytes go out through os.write until all are
    written: CPython's buffered writer can lose a partial write to a pipe its reader closed
    (`lintgate | head`) without raising, whereas the next os.write raises BrokenPipeError
    (lintgate.cli.main then ends quietly). Raises OSError as the writes do."""
    from lintgate.replay import capture

    try:
        fd = stream.fileno()
    except (OSError, ValueError, AttributeError):  # a test's capture object: no descriptor
        capture.spoil()
        stream.write(data)
        stream.flush()
        return
    stream.flush()  # what the stream holds goes first
    if isinstance(data, str):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        raw = data.encode(encoding, getattr(stream, "errors", None) or "strict")
    else:
        raw = bytes(data)
    if fd == 1:
        capture.stdout(raw)
    else:
        capture.spoil()
    view = memoryview(raw)
    while view:
        view = view[os.write(fd, view) :]

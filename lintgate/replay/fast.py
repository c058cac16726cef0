"""Answer a run from its replay record (lintgate.replay), before anything else is imported.

A record is one file: a JSON line (the format, the witnesses' digest, the exit status, the
stdout bytes, the stderr lines before the summary, the summary line without its seconds),
then the witnesses' paths, NUL-separated. Bytes travel in the JSON as latin-1 text.
"""

from __future__ import annotations

import json
import os
import time
from typing import Mapping, NamedTuple, Sequence

from lintgate.replay import FORMAT
from lintgate.replay.key import record_path, witness_digest


class Record(NamedTuple):
    """A replay record: the `digest` of the `witnesses`, the exit `status`, the `stdout`
    bytes, the `stderr` bytes written before the summary line, and the `summary` line's text
    up to its seconds (`lintgate: 3 files checked, 1 finding, 3 from cache, `)."""

    digest: str
    status: int
    stdout: bytes
    stderr: bytes
    summary: str
    witnesses: list[str]

    def dump(self) -> bytes:
        """The record's bytes (lintgate.replay.fast's format)."""
        head = {
            "format": FORMAT,
            "digest": self.digest,
            "status": self.status,
            "stdout": self.stdout.decode("latin-1"),
            "stderr": self.stderr.decode("latin-1"),
            "summary": self.summary,
        }
        paths = "\0".join(self.witnesses).encode("utf-8", "surrogateescape")
        return json.dumps(head).encode("ascii") + b"\n" + paths

    @classmethod
    def load(cls, data: bytes) -> Record | None:
        """The record in `data`, or None when it is not one of this format."""
        head, _, paths = data.partition(b"\n")
        try:
            top = json.loads(head)
            if top["format"] != FORMAT:
                return None
            witnesses = paths.decode("utf-8", "surrogateescape").split("\0") if paths else []
            return cls(
                str(top["digest"]),
                int(top["status"]),
                str(top["stdout"]).encode("latin-1"),
                str(top["stderr"]).encode("latin-1"),
                str(top["summary"]),
                witnesses,
            )
        except (ValueError, KeyError, TypeError, UnicodeError):
            return None


def answer(argv: Sequence[str], environ: Mapping[str, str]) -> int | None:
    """Replay this invocation's record when its witnesses are unchanged: write its output and
    return its exit status. None when there is no such record (the run goes the normal way).
    A stdout that cannot be written ends the run as lintgate.cli.main ends it (exit 2)."""
    start = time.monotonic()
    path = record_path(argv, environ)
    if path is None:
        return None
    try:
        with open(path, "rb") as f:
            record = Record.load(f.read())
    except OSError:
        return None
    if record is None or witness_digest(record.witnesses) != record.digest:
        return None
    try:
        _write(1, record.stdout)
    except BrokenPipeError:  # the reader went away (`lintgate | head`): quietly, as Unix filters
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        return 2
    except OSError as e:
        _write(2, f"lintgate: stdout: cannot write: {e.strerror or e}\n".encode())
        return 2
    seconds = time.monotonic() - start
    summary = f"{record.summary}{seconds:.2f}s\n".encode("utf-8", "surrogateescape")
    try:
        _write(2, record.stderr + summary)
    except OSError:
        pass  # nowhere left to say it
    return record.status


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]

"""The key of a cached result: the content digest of a file's bytes and the `Entry` naming the
linter, versions and settings that judged them (the lowest cache module: no sqlite, no I/O)."""

from __future__ import annotations

import hashlib
from typing import Any, NamedTuple

from lintgate import __version__ as LINTGATE_VERSION
from lintgate.context import RunMemo

_HEX = frozenset("0123456789abcdef")
# How an external linter's results are told apart (issue 14): their linter_version starts with
# this; an export puts them in layers of their own media type (lintgate.cache.oci.media).
EXTERNAL_VERSION_MARK = "external "


class Entry(NamedTuple):
    """What a cached result depends on: the parts of its key.

    content_digest: sha256 hex of the file's bytes; linter: its name ("black");
    linter_version: the engine's version; lintgate_version: lintgate's; settings_digest: the
    linter module's `settings_digest(settings)` for the file's config directory.
    """

    content_digest: str
    linter: str
    linter_version: str
    settings_digest: str
    lintgate_version: str = LINTGATE_VERSION

    @property
    def key(self) -> str:
        """The entry key: sha256 hex over linter, linter_version, lintgate_version,
        settings_digest and content_digest, each followed by NUL (none contains NUL)."""
        group = (
            self.linter,
            self.linter_version,
            self.lintgate_version,
            self.settings_digest,
        )
        prefix = _KEY_PREFIXES.get(group)
        if prefix is None:
            prefix = hashlib.sha256("".join(p + "\0" for p in group).encode())
            _KEY_PREFIXES[group] = prefix
        # The group's parts come first: one hash state per group is copied, not rebuilt.
        h = prefix.copy()
        h.update(self.content_digest.encode() + b"\0")
        return h.hexdigest()


# group -> sha256 state, kept for the run (lintgate.context): a run has a few groups per
# linter and directory
_KEY_PREFIXES: RunMemo[tuple[str, str, str, str], Any] = RunMemo("lintgate.cache.keys.prefixes")


def content_digest(data: bytes) -> str:
    """sha256 hex of a file's bytes: the first part of an entry key."""
    return hashlib.sha256(data).hexdigest()


def is_digest(value: object) -> bool:
    """True for a 64-character lower-case sha256 hex string."""
    return isinstance(value, str) and len(value) == 64 and _HEX.issuperset(value)

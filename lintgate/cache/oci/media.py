"""The records and constants shared by the OCI export, import and registry modules (the
lowest of them: it imports nothing of theirs, so lintgate.cache.oci and .registry no longer
import each other)."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Callable, NamedTuple

from lintgate.cache.keys import is_digest

MANIFEST_MT = "application/vnd.oci.image.manifest.v1+json"
INDEX_MT = "application/vnd.oci.image.index.v1+json"
ARTIFACT_TYPE = "application/vnd.lintgate.cache.v1"
CONFIG_MT = "application/vnd.lintgate.cache.config.v1+json"
LAYER_MT = "application/vnd.lintgate.cache.results.v1.tar+gzip"
# The exclusion verdicts of the store's memo table: a fresh checkout at the same path then
# needs no tool settings (whose building imports isort and black) to know what to skip.
MEMO_MT = "application/vnd.lintgate.cache.memo.v1.tar+gzip"
# The results of external linters (issue 14; linter_version starting with
# keys.EXTERNAL_VERSION_MARK): the results layer's body, in layers of their own media type so
# that a reader (or a registry's policy) can tell a subprocess's verdicts from lintgate's own.
EXTERNAL_MT = "application/vnd.lintgate.cache.external.v1.tar+gzip"
# The image-spec's empty descriptor: the one layer of an export that has no entries (the
# manifest schema wants at least one layer).
EMPTY_MT = "application/vnd.oci.empty.v1+json"
EMPTY_BLOB = b"{}"
REF_NAME = "org.opencontainers.image.ref.name"
CREATED = "org.opencontainers.image.created"
LAYER_FILE = "results.json"
MEMO_FILE = "memo.json"
MAX_MEMO_VALUE = 1024  # characters: a memo value is a short string ("0", "1", a digest)
DEFAULT_TAG = "latest"
MAX_JSON_BLOB = 16 << 20  # bytes: a manifest, config or index larger than this is not ours
# Limits on what an import reads (a registry or a shared directory may be hostile): a
# Django-sized export is about 2 MB in all, its manifest about 10 kB.
MAX_MANIFEST = 4 << 20  # bytes: a manifest (or index) from a registry
MAX_BLOB = 64 << 20  # bytes: a layer's declared (compressed) size
MAX_LAYER_JSON = 64 << 20  # bytes: a layer's JSON, decompressed
MAX_LAYERS = 4096  # layers in one manifest (Django, mode=max, three linters: about 60)
CHUNK_ENTRIES = 512  # a group with more entries is split into chunk layers

Warn = Callable[[str], None]


class CacheSpecError(ValueError):
    """A bad --export-cache / --import-cache value; `str(error)` is the one-line message."""


class OCIError(Exception):
    """An export could not be written (unwritable directory, registry refused); one line."""


class Descriptor(NamedTuple):
    """An OCI content descriptor: the blob's media type, `sha256:<hex>` digest and size in bytes."""

    media_type: str
    digest: str
    size: int

    def to_json(self) -> dict[str, Any]:
        """The descriptor as its JSON object."""
        return {"mediaType": self.media_type, "digest": self.digest, "size": self.size}


class Artifact(NamedTuple):
    """A built export: the manifest's descriptor and bytes, and every blob by digest
    (config, layers and the manifest itself). `entries`: how many results it holds; `memo`:
    how many memo rows."""

    manifest: Descriptor
    blobs: dict[str, bytes]
    layers: int
    entries: int
    memo: int = 0


def sha256_digest(data: bytes) -> str:
    """`sha256:<hex>` of `data` (an OCI digest)."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


class ExportResult(NamedTuple):
    """What an export did: where, the manifest digest, layers and entries in it, blobs written
    (new), reused (already there, verified) and removed (no manifest refers to them any more).
    """

    location: str
    tag: str
    manifest_digest: str
    layers: int
    entries: int
    blobs_written: int
    blobs_reused: int
    blobs_removed: int


class ImportResult(NamedTuple):
    """What an import did: entries merged into the store, layers accepted and rejected, memo
    rows merged."""

    location: str
    entries: int
    layers: int
    rejected: int
    memo: int = 0


Fetch = Callable[[str, int], "bytes | None"]


def parse_descriptor(obj: object) -> Descriptor | None:
    """The Descriptor of a JSON descriptor object, or None unless it has a string media
    type, a sha256 digest and a non-negative integer size."""
    if not isinstance(obj, dict):
        return None
    mt, digest, size = obj.get("mediaType"), obj.get("digest"), obj.get("size")
    if not isinstance(mt, str) or not isinstance(digest, str) or type(size) is not int or size < 0:
        return None
    if not digest.startswith("sha256:") or not is_digest(digest[7:]):
        return None
    return Descriptor(mt, digest, size)


class FetchAborted(Exception):
    """The source of an import stopped answering in time: no more blobs are asked for;
    `str(error)` is one line."""


def shown(text: str, limit: int = 100) -> str:
    """`text` from an untrusted source as it may appear in a warning: printable characters
    only (others become `?`), at most `limit` of them."""
    cut = text[:limit] + ("..." if len(text) > limit else "")
    return "".join(c if c.isprintable() else "?" for c in cut)


def parse_json(data: bytes | str) -> object:
    """json.loads for untrusted bytes. Raises ValueError for bad JSON and for JSON nested
    too deeply for the decoder's recursion (`nested too deeply`), which json raises as a
    RecursionError."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def size_text(n: int) -> str:
    """`4 MiB`, `64 KiB` or `N bytes`: how limits are named in warnings."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return f"{n >> shift} {unit}"
    return f"{n} bytes"

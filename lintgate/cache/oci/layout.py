"""The OCI image layout directory (`type=local`; opencontainers/image-spec image-layout.md):
write an artifact under a tag, collect unreferenced blobs, import a tagged manifest."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from lintgate.cache.keys import is_digest
from lintgate.cache.oci.layers import json_bytes
from lintgate.cache.oci.media import (
    ARTIFACT_TYPE,
    DEFAULT_TAG,
    INDEX_MT,
    MANIFEST_MT,
    MAX_JSON_BLOB,
    REF_NAME,
    Artifact,
    ExportResult,
    ImportResult,
    OCIError,
    Warn,
    parse_descriptor,
    parse_json,
)
from lintgate.cache.oci.merge import import_manifest
from lintgate.cache.store import Store

if TYPE_CHECKING:
    from lintgate.cache.oci.signing import PublicKey
from lintgate.util.files import flocked, opened, replace_bytes

LOCK_TIMEOUT = 60.0  # seconds


@contextlib.contextmanager
def _locked(directory: Path, exclusive: bool) -> Iterator[None]:
    """flock(2) on the directory itself: writers exclude each other and readers; readers share.
    Raises OSError when another process holds it for more than LOCK_TIMEOUT seconds (an
    export takes a second or two; a lock held longer is not one to wait for)."""
    with opened(directory, os.O_RDONLY | os.O_DIRECTORY) as fd:
        with flocked(fd, exclusive, timeout=LOCK_TIMEOUT):
            yield


def blob_path(root: Path, digest: str) -> Path:
    """Where the layout at `root` keeps the blob `digest` (`sha256:<hex>`). Raises ValueError
    for another algorithm or a malformed digest (never a path outside blobs/sha256)."""
    algo, _, hexpart = digest.partition(":")
    if algo != "sha256" or not is_digest(hexpart):
        raise ValueError(f"unsupported digest {digest!r}")
    return root / "blobs" / "sha256" / hexpart


def read_capped(path: Path, limit: int) -> bytes | None:
    """At most `limit` + 1 bytes of `path` (one more than allowed reveals an oversized blob)."""
    try:
        with open(path, "rb") as f:
            return f.read(limit + 1)
    except FileNotFoundError:
        return None


def write_layout(
    dest: str | os.PathLike[str], artifact: Artifact, tag: str = DEFAULT_TAG
) -> ExportResult:
    """Write `artifact` into the OCI image layout at `dest` under `tag`, replacing the manifest
    an older export gave that tag, then remove blobs no manifest refers to. Holds an exclusive
    lock on the directory meanwhile. Raises OCIError."""
    root = Path(dest)
    try:
        root.mkdir(parents=True, exist_ok=True)
        with _locked(root, exclusive=True):
            return _write_layout_locked(root, artifact, tag)
    except OSError as e:
        raise OCIError(f"cannot write cache export to {root}: {e.strerror or e}") from None


def _write_layout_locked(root: Path, artifact: Artifact, tag: str) -> ExportResult:
    blobdir = root / "blobs" / "sha256"
    blobdir.mkdir(parents=True, exist_ok=True)
    written = reused = 0
    for digest, data in artifact.blobs.items():
        path = blob_path(root, digest)
        old = read_capped(path, len(data))
        if old == data:
            reused += 1
            continue
        replace_bytes(path, data, durable=True)
        written += 1
    layout = root / "oci-layout"
    if _read_json(layout) != {"imageLayoutVersion": "1.0.0"}:
        replace_bytes(layout, json_bytes({"imageLayoutVersion": "1.0.0"}), durable=True)
    index = _read_json(root / "index.json")
    manifests = index.get("manifests") if isinstance(index, dict) else None
    kept = [
        m
        for m in (manifests if isinstance(manifests, list) else [])
        if isinstance(m, dict) and (m.get("annotations") or {}).get(REF_NAME) != tag
    ]
    desc = artifact.manifest.to_json()
    desc["artifactType"] = ARTIFACT_TYPE
    desc["annotations"] = {REF_NAME: tag}
    kept.append(desc)
    replace_bytes(
        root / "index.json",
        json_bytes({"schemaVersion": 2, "mediaType": INDEX_MT, "manifests": kept}),
        durable=True,
    )
    removed = _collect_garbage(root, kept)
    return ExportResult(
        str(root),
        tag,
        artifact.manifest.digest,
        artifact.layers,
        artifact.entries,
        written,
        reused,
        removed,
    )


def _read_json(path: Path) -> object:
    data = read_capped(path, MAX_JSON_BLOB)
    if data is None or len(data) > MAX_JSON_BLOB:
        return None
    try:
        return parse_json(data)
    except ValueError:
        return None


def _collect_garbage(root: Path, manifests: list[Any]) -> int:
    """Remove the blobs (and stale temporary files) that no descriptor reachable from the index
    refers to. Removes nothing when a referenced manifest or index cannot be read: better a
    stray blob than a deleted one someone needs."""
    referenced: set[str] = set()
    stack = list(manifests)
    while stack:
        desc = stack.pop()
        digest = desc.get("digest") if isinstance(desc, dict) else None
        if not isinstance(digest, str) or digest in referenced:
            continue
        referenced.add(digest)
        if desc.get("mediaType") not in (MANIFEST_MT, INDEX_MT):
            continue
        try:
            doc = _read_json(blob_path(root, digest))
        except ValueError:
            doc = None
        if not isinstance(doc, dict):
            return 0
        if isinstance(doc.get("config"), dict):
            stack.append(doc["config"])
        for key in ("layers", "manifests", "blobs"):
            if isinstance(doc.get(key), list):
                stack.extend(doc[key])
    keep = {d.partition(":")[2] for d in referenced if d.startswith("sha256:")}
    removed = 0
    for path in (root / "blobs" / "sha256").iterdir():
        if path.name not in keep and (is_digest(path.name) or path.name.endswith(".tmp")):
            path.unlink()
            removed += 1
    return removed


def import_layout(
    store: Store,
    src: str | os.PathLike[str],
    tag: str,
    warn: Warn,
    trusted: Sequence[PublicKey] | None = None,
) -> ImportResult:
    """Import the manifest tagged `tag` from the OCI image layout at `src` into `store`
    (`trusted`: see import_manifest).

    A missing directory, index or tag is a warning, and the import does nothing; see
    import_manifest for the checks on blobs. Holds a shared lock on the directory."""
    root = Path(src)
    source = f"{root}:{tag}"
    if not (root / "index.json").is_file():
        warn(
            f"cache import: {root} is not a lintgate cache export (no index.json); going on without it"
        )
        return ImportResult(source, 0, 0, 0)
    try:
        with _locked(root, exclusive=False):
            return _import_layout_locked(store, root, tag, source, warn, trusted)
    except OSError as e:
        warn(f"cache import: cannot read {root}: {e.strerror or e}; going on without it")
        return ImportResult(source, 0, 0, 0)


def _import_layout_locked(
    store: Store, root: Path, tag: str, source: str, warn: Warn, trusted: Sequence[PublicKey] | None
) -> ImportResult:
    index = _read_json(root / "index.json")
    found = None
    for m in index.get("manifests", []) if isinstance(index, dict) else []:
        if isinstance(m, dict) and (m.get("annotations") or {}).get(REF_NAME) == tag:
            found = parse_descriptor(m)
    if found is None or found.media_type != MANIFEST_MT:
        warn(f"cache import: {root} has no manifest tagged {tag!r}; going on without it")
        return ImportResult(source, 0, 0, 0)

    def fetch(digest: str, size: int) -> bytes | None:
        return read_capped(blob_path(root, digest), size)

    return import_manifest(store, found, fetch, source, warn, trusted)

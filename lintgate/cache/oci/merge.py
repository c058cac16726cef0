"""Verify an artifact blob by blob against its descriptors and merge what passes into the
store (the one import path of a layout directory and of a registry)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from lintgate.cache.keys import EXTERNAL_VERSION_MARK, Entry
from lintgate.cache.oci.layers import parse_memo_layer, parse_results_layer
from lintgate.cache.oci.media import (
    ARTIFACT_TYPE,
    CONFIG_MT,
    EMPTY_MT,
    EXTERNAL_MT,
    LAYER_MT,
    MAX_BLOB,
    MAX_JSON_BLOB,
    MAX_LAYERS,
    MAX_MANIFEST,
    MEMO_MT,
    Descriptor,
    Fetch,
    FetchAborted,
    ImportResult,
    Warn,
    parse_descriptor,
    parse_json,
    sha256_digest,
    shown,
    size_text,
)
from lintgate.cache.store import Store

if TYPE_CHECKING:
    from lintgate.cache.oci.signing import PublicKey
from lintgate.diagnostic import Finding


def _check_blob(
    fetch: Fetch, desc: Descriptor, what: str, source: str, warn: Warn, limit: int
) -> bytes | None:
    """The blob of `desc`, or None after a warning naming it when it declares more than
    `limit` bytes (then it is not fetched), is missing, of another size or another digest."""
    if desc.size > limit:
        warn(
            f"cache import from {source}: {what} {desc.digest} declares {desc.size} bytes,"
            f" more than the limit of {size_text(limit)}; not imported"
        )
        return None
    try:
        data = fetch(desc.digest, desc.size)
    except ValueError as e:
        warn(f"cache import from {source}: {what} {desc.digest}: {e}; not imported")
        return None
    if data is None:
        problem = "is missing"
    elif len(data) != desc.size:
        problem = f"has {'fewer' if len(data) < desc.size else 'more'} bytes than its descriptor's {desc.size} (truncated or tampered)"
    elif sha256_digest(data) != desc.digest:
        problem = "does not match its digest (tampered)"
    else:
        return data
    warn(f"cache import from {source}: {what} {desc.digest} {problem}; not imported")
    return None


def import_manifest(
    store: Store,
    manifest: Descriptor,
    fetch: Fetch,
    source: str,
    warn: Warn,
    trusted: Sequence[PublicKey] | None = None,
) -> ImportResult:
    """Verify and merge the artifact whose manifest is `manifest` into `store`.

    trusted: public keys (lintgate.cache.signing.load_trusted_keys); when given and not
    empty, a manifest none of them signed imports nothing.

    fetch(digest, size) returns the blob's bytes (at most size + 1 of them) or None when it
    is missing; it may raise ValueError for an unreadable blob. Every blob is checked
    against its descriptor before use: a bad manifest or config imports nothing, a bad layer
    is skipped; each problem is one warning naming the blob. Never raises for bad content.
    """
    data = _check_blob(fetch, manifest, "manifest", source, warn, MAX_MANIFEST)
    if data is None:
        return ImportResult(source, 0, 0, 1)
    try:
        doc = parse_json(data)
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        doc = {}  # not a lintgate cache, as one without layers
    layers = doc.get("layers")
    config = parse_descriptor(doc.get("config"))
    if (
        not isinstance(layers, list)
        or config is None
        or doc.get("artifactType", config.media_type) not in (ARTIFACT_TYPE, CONFIG_MT)
        or config.media_type != CONFIG_MT
    ):
        warn(
            f"cache import from {source}: manifest {manifest.digest} is not a lintgate cache; not imported"
        )
        return ImportResult(source, 0, 0, 1)
    if len(layers) > MAX_LAYERS:
        warn(
            f"cache import from {source}: manifest {manifest.digest} lists {len(layers)} layers,"
            f" more than the limit of {MAX_LAYERS}; not imported"
        )
        return ImportResult(source, 0, 0, 1)
    if trusted:
        from lintgate.cache.oci import signing

        problem = signing.check(doc, trusted)
        if problem:
            warn(f"cache import from {source}: manifest {manifest.digest} {problem}; not imported")
            return ImportResult(source, 0, 0, 1)
    try:
        return _import_layers(store, config, layers, fetch, source, warn, manifest.digest)
    except FetchAborted as e:  # nothing merged: _import_layers merges at its end only
        warn(f"cache import from {source}: {e}; not imported")
        return ImportResult(source, 0, 0, 1)


def _import_layers(
    store: Store,
    config: Descriptor,
    layers: list[object],
    fetch: Fetch,
    source: str,
    warn: Warn,
    manifest_digest: str,
) -> ImportResult:
    """Check the config blob, then fetch, check and merge each layer of `layers` (see
    import_manifest). Raises FetchAborted (nothing merged) when the source stops answering."""
    config_data = _check_blob(fetch, config, "config", source, warn, MAX_JSON_BLOB)
    if config_data is None:
        return ImportResult(source, 0, 0, 1)
    accepted: list[tuple[Entry, list[Finding]]] = []
    memo: dict[str, str] = {}
    ok = rejected = 0
    for raw in layers:
        desc = parse_descriptor(raw)
        if desc is None:
            warn(
                f"cache import from {source}: a layer descriptor of {manifest_digest} is invalid; skipped"
            )
            rejected += 1
            continue
        if desc.media_type == EMPTY_MT:
            continue
        if desc.media_type not in (LAYER_MT, MEMO_MT, EXTERNAL_MT):
            warn(
                f"cache import from {source}: layer {desc.digest} has media type"
                f" {shown(desc.media_type)}; skipped"
            )
            rejected += 1
            continue
        blob = _check_blob(fetch, desc, "layer", source, warn, MAX_BLOB)
        if blob is None:
            rejected += 1
            continue
        try:
            if desc.media_type == MEMO_MT:
                memo.update(parse_memo_layer(blob))
            else:
                accepted.extend(_results(parse_results_layer(blob), desc.media_type))
        except ValueError as e:
            warn(f"cache import from {source}: layer {desc.digest}: {e}; not imported")
            rejected += 1
            continue
        ok += 1
    if accepted:
        store.put_many(accepted, used=False)
    if memo:
        store.memo_put_many(memo, used=False)
    return ImportResult(source, len(accepted), ok, rejected, len(memo))


def _results(
    entries: list[tuple[Entry, list[Finding]]], media_type: str
) -> list[tuple[Entry, list[Finding]]]:
    """The entries of a results layer, checked against its media type: an external linter's
    (issue 14) only in EXTERNAL_MT layers and the others only in LAYER_MT ones. Raises
    ValueError."""
    external = media_type == EXTERNAL_MT
    for entry, _ in entries:
        if entry.linter_version.startswith(EXTERNAL_VERSION_MARK) != external:
            raise ValueError(f"an entry of {entry.linter} in a layer of media type {media_type}")
    return entries

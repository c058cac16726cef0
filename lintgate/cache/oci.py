"""Export and import of the result cache as an OCI artifact, with BuildKit's flag syntax.

An export is one OCI image manifest (artifactType `application/vnd.lintgate.cache.v1`):
its config blob (`application/vnd.lintgate.cache.config.v1+json`) names the versions, the
creation time and the settings digests; its layers (`application/vnd.lintgate.cache.results.v1.tar+gzip`)
each hold the results of one *group*: one linter, linter version, lintgate version and
settings digest. Layers form a graph: a layer may name others as its children, by digest,
as a git tree names its subtrees (a large group is a layer naming one chunk layer per leading
digit of the content digests). A layer is identified by its content and shared, written
once, by every manifest and every path that reaches it. The export walk keeps
a visited set, so its cost grows with the number of distinct groups, never with the number of
paths through them. Memo layers (`application/vnd.lintgate.cache.memo.v1.tar+gzip`) carry
the store's memo rows (exclusion verdicts), chunked by the leading digits of their keys.

Where it goes: an OCI image layout directory (`type=local`, spec: opencontainers/image-spec
image-layout.md) or a registry (`type=registry`, lintgate/cache/registry.py).
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import io
import json
import os
import tarfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator, NamedTuple, Sequence

from lintgate import __version__ as LINTGATE_VERSION
from lintgate.cache.ocitypes import (
    ARTIFACT_TYPE,
    CHUNK_ENTRIES,
    CONFIG_MT,
    CREATED,
    DEFAULT_TAG,
    EMPTY_BLOB,
    EMPTY_MT,
    INDEX_MT,
    LAYER_FILE,
    LAYER_MT,
    MANIFEST_MT,
    MAX_BLOB,
    MAX_JSON_BLOB,
    MAX_LAYER_JSON,
    MAX_LAYERS,
    MAX_MANIFEST,
    MAX_MEMO_VALUE,
    MEMO_FILE,
    MEMO_MT,
    REF_NAME,
    Artifact,
    CacheSpecError,
    Descriptor,
    ExportResult,
    Fetch,
    FetchAborted,
    ImportResult,
    OCIError,
    Warn,
)
from lintgate.cache.ocitypes import parse_descriptor as _descriptor
from lintgate.cache.ocitypes import parse_json, sha256_digest, shown, size_text
from lintgate.cache.spec import CacheSpec, parse_export_cache, parse_import_cache, split_ref
from lintgate.cache.store import Entry, Store, decode_findings, is_digest

# The names other modules and the tests take from here (records and flag parsing moved out).
__all__ = [
    "ARTIFACT_TYPE",
    "CHUNK_ENTRIES",
    "CONFIG_MT",
    "EMPTY_MT",
    "INDEX_MT",
    "LAYER_MT",
    "MANIFEST_MT",
    "MAX_MEMO_VALUE",
    "MEMO_MT",
    "Artifact",
    "CacheSpec",
    "CacheSpecError",
    "Descriptor",
    "ExportResult",
    "ImportResult",
    "OCIError",
    "build_artifact",
    "export_cache",
    "import_cache",
    "import_layout",
    "import_manifest",
    "parse_export_cache",
    "parse_import_cache",
    "split_ref",
    "write_layout",
]

# -- the result graph and its blobs -----------------------------------------------------------


class Group(NamedTuple):
    """What every entry of one layer shares (all but the content digest of the entry key)."""

    linter: str
    linter_version: str
    settings_digest: str
    lintgate_version: str = LINTGATE_VERSION


class Node:
    """One layer to be: the results of one group, `[(content_digest, findings_json), ...]`,
    and links to other nodes. Nodes may be shared by several parents (a DAG, not a tree).
    """

    __slots__ = ("group", "entries", "children")

    def __init__(
        self,
        group: Group,
        entries: Sequence[tuple[str, str]] = (),
        children: Sequence[Node] = (),
    ) -> None:
        self.group = group
        self.entries = list(entries)
        self.children = list(children)


_digest = sha256_digest


def _json_bytes(obj: object) -> bytes:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def _tar_gz(name: str, data: bytes) -> bytes:
    """A one-file tar in gzip, byte-for-byte reproducible: fixed mtimes, owners and mode."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = len(data), 0, 0o644
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", fileobj=out, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def _chunks(items: Sequence[tuple[str, str]], widen: bool = True) -> list[list[tuple[str, str]]]:
    """`items` (sorted by their hex first element) as one list, or, past CHUNK_ENTRIES, one
    list per leading hex digit (with `widen`, two digits past CHUNK_ENTRIES * 16)."""
    if len(items) <= CHUNK_ENTRIES:
        return [list(items)]
    width = 1 if len(items) <= CHUNK_ENTRIES * 16 or not widen else 2
    chunks: dict[str, list[tuple[str, str]]] = {}
    for item in items:
        chunks.setdefault(item[0][:width], []).append(item)
    return [chunks[k] for k in sorted(chunks)]


def group_node(group: Group, entries: Sequence[tuple[str, str]]) -> Node:
    """The node of one group's entries (sorted by content digest). A group of more than
    CHUNK_ENTRIES entries becomes an entry-less node linking to chunks, one per leading hex
    digit (or two) of the content digest: a changed file then changes one chunk's layer,
    and a re-export writes or uploads that layer, not the whole group's."""
    if len(entries) <= CHUNK_ENTRIES:
        return Node(group, entries)
    return Node(group, [], [Node(group, chunk) for chunk in _chunks(entries)])


def nodes_from_store(store: Store, mode: str = "min") -> list[Node]:
    """The export graph of `store`: one node per group (see group_node), holding the entries
    this run used (mode "min") or every entry (mode "max"), sorted so the export is
    reproducible."""
    keys = None if mode == "max" else store.used
    groups: dict[Group, list[tuple[str, str]]] = {}
    for entry, findings in store.iter_entries(keys):
        group = Group(
            entry.linter,
            entry.linter_version,
            entry.settings_digest,
            entry.lintgate_version,
        )
        groups.setdefault(group, []).append((entry.content_digest, findings))
    return [group_node(g, sorted(groups[g])) for g in sorted(groups)]


def memo_from_store(store: Store, mode: str = "min") -> list[tuple[str, str]]:
    """The memo rows to export, `[(key, value), ...]` in key order: those this run read or
    wrote (mode "min", `store.memo_used`) or every row (mode "max")."""
    return store.iter_memo(None if mode == "max" else store.memo_used)


def _iter_post_order(roots: Sequence[Node]) -> Iterator[Node]:
    """Each node reachable from `roots` once, children before parents: an iterative DFS with a
    visited set, linear in nodes + edges however many paths lead to a node."""
    visited: set[int] = set()
    for root in roots:
        if id(root) in visited:
            continue
        visited.add(id(root))
        stack = [(root, iter(root.children))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if id(child) not in visited:
                    visited.add(id(child))
                    stack.append((child, iter(child.children)))
                    break
            else:
                stack.pop()
                yield node


def build_artifact(
    roots: Sequence[Node],
    created: str | None = None,
    memo: Sequence[tuple[str, str]] = (),
    sign: Callable[[dict], None] | None = None,
) -> Artifact:
    """Serialize the graph under `roots` into blobs: a layer per distinct node, then the memo
    rows `memo` (`[(key, value), ...]` sorted by key, see memo_from_store) in one layer, or
    one per leading hex digit of the key past CHUNK_ENTRIES rows; the config, the manifest.
    `created`: RFC 3339 time for the config and manifest; default $SOURCE_DATE_EPOCH (as
    reproducible builds and BuildKit use it), else now.
    """
    created = created or _created_now()
    blobs: dict[str, bytes] = {}
    digest_of: dict[int, str] = {}
    layers: list[Descriptor] = []
    groups: set[Group] = set()
    entries = 0
    for node in _iter_post_order(roots):
        body = {
            "linter": node.group.linter,
            "linter_version": node.group.linter_version,
            "lintgate_version": node.group.lintgate_version,
            "settings_digest": node.group.settings_digest,
            "children": [digest_of[id(c)] for c in node.children],
            "entries": [[d, json.loads(f)] for d, f in node.entries],
        }
        data = _tar_gz(LAYER_FILE, _json_bytes(body))
        digest = _digest(data)
        digest_of[id(node)] = digest
        if digest not in blobs:  # two nodes with the same content are one layer
            blobs[digest] = data
            layers.append(Descriptor(LAYER_MT, digest, len(data)))
            entries += len(node.entries)
        groups.add(node.group)
    # At most 16 memo layers: a verdict changes only with a path or a config, not with a
    # file's bytes, so finer chunks would only multiply blobs (Django: 8,454 rows, about 320 kB).
    for chunk in _chunks(memo, widen=False) if memo else []:
        data = _tar_gz(MEMO_FILE, _json_bytes({"entries": [list(item) for item in chunk]}))
        blobs[_digest(data)] = data
        layers.append(Descriptor(MEMO_MT, _digest(data), len(data)))
    if not layers:
        blobs[_digest(EMPTY_BLOB)] = EMPTY_BLOB
        layers.append(Descriptor(EMPTY_MT, _digest(EMPTY_BLOB), len(EMPTY_BLOB)))
    config = {
        "created": created,
        "lintgate_version": LINTGATE_VERSION,
        "entries": entries,
        "memo_entries": len(memo),
        "roots": sorted({digest_of[id(r)] for r in roots}),
        "groups": [g._asdict() for g in sorted(groups)],
    }
    config_data = _json_bytes(config)
    config_desc = Descriptor(CONFIG_MT, _digest(config_data), len(config_data))
    blobs[config_desc.digest] = config_data
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_MT,
        "artifactType": ARTIFACT_TYPE,
        "config": config_desc.to_json(),
        "layers": [d.to_json() for d in layers],
        "annotations": {CREATED: created},
    }
    if sign is not None:  # lintgate.cache.signing.export_signer
        sign(manifest)
    manifest_data = _json_bytes(manifest)
    manifest_desc = Descriptor(MANIFEST_MT, _digest(manifest_data), len(manifest_data))
    blobs[manifest_desc.digest] = manifest_data
    return Artifact(manifest_desc, blobs, len(layers), entries, len(memo))


def _created_now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    t = float(epoch) if epoch.isdigit() else time.time()
    return datetime.fromtimestamp(int(t), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the OCI image layout directory -----------------------------------------------------------


@contextlib.contextmanager
def _locked(directory: Path, exclusive: bool) -> Iterator[None]:
    """flock(2) on the directory itself: writers exclude each other and readers; readers share.
    Raises OSError when another process holds it for more than LOCK_TIMEOUT seconds (an
    export takes a second or two; a lock held longer is not one to wait for)."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        end = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > end:
                    raise OSError(
                        f"locked by another process for more than {LOCK_TIMEOUT:g} s"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)


LOCK_TIMEOUT = 60.0  # seconds


def _write_file(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _blob_path(root: Path, digest: str) -> Path:
    algo, _, hexpart = digest.partition(":")
    if algo != "sha256" or not is_digest(hexpart):
        raise ValueError(f"unsupported digest {digest!r}")
    return root / "blobs" / "sha256" / hexpart


def _read_capped(path: Path, limit: int) -> bytes | None:
    """At most `limit` + 1 bytes of `path` (one more than allowed reveals an oversized blob)."""
    try:
        with open(path, "rb") as f:
            return f.read(limit + 1)
    except FileNotFoundError:
        return None


def write_layout(
    dest: str | os.PathLike, artifact: Artifact, tag: str = DEFAULT_TAG
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
        path = _blob_path(root, digest)
        old = _read_capped(path, len(data))
        if old == data:
            reused += 1
            continue
        _write_file(path, data)
        written += 1
    layout = root / "oci-layout"
    if _read_json(layout) != {"imageLayoutVersion": "1.0.0"}:
        _write_file(layout, _json_bytes({"imageLayoutVersion": "1.0.0"}))
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
    _write_file(
        root / "index.json",
        _json_bytes({"schemaVersion": 2, "mediaType": INDEX_MT, "manifests": kept}),
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
    data = _read_capped(path, MAX_JSON_BLOB)
    if data is None or len(data) > MAX_JSON_BLOB:
        return None
    try:
        return parse_json(data)
    except ValueError:
        return None


def _collect_garbage(root: Path, manifests: list[dict]) -> int:
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
            doc = _read_json(_blob_path(root, digest))
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


# -- import -----------------------------------------------------------------------------------


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
    elif _digest(data) != desc.digest:
        problem = "does not match its digest (tampered)"
    else:
        return data
    warn(f"cache import from {source}: {what} {desc.digest} {problem}; not imported")
    return None


def _layer_json(data: bytes, name: str, what: str) -> dict:
    """The JSON object in file `name` of the tar+gzip layer `data`. Raises ValueError
    (`not a {what} layer`) when it is not one."""
    try:  # as a stream, its first member only: a tar of a million members costs one header
        with tarfile.open(fileobj=io.BytesIO(data), mode="r|gz") as tar:
            member = tar.next()
            if member is None or member.name != name:
                raise ValueError(f"its first file is not {name}")
            if not member.isfile() or member.size > MAX_LAYER_JSON:
                raise ValueError(f"{name} is not a regular file of a sane size")
            f = tar.extractfile(member)
            body = parse_json(f.read() if f else b"")
    except (tarfile.TarError, KeyError, OSError, EOFError, ValueError) as e:
        raise ValueError(f"not a {what} layer ({e})") from None
    if not isinstance(body, dict):
        raise ValueError(f"not a {what} layer")
    return body


def _parse_memo_layer(data: bytes) -> list[tuple[str, str]]:
    """The rows of a memo layer, `[(key, value), ...]`: keys sha256 hex, values strings of
    at most MAX_MEMO_VALUE characters. Raises ValueError when it is not one."""
    entries = _layer_json(data, MEMO_FILE, "memo").get("entries")
    if not isinstance(entries, list):
        raise ValueError("memo layer without entries")
    out = []
    for item in entries:
        if not (
            isinstance(item, list)
            and len(item) == 2
            and is_digest(item[0])
            and isinstance(item[1], str)
            and len(item[1]) <= MAX_MEMO_VALUE
        ):
            raise ValueError(f"bad memo entry {item!r:.80}")
        out.append((item[0], item[1]))
    return out


def _parse_layer(data: bytes) -> list[tuple[Entry, list]]:
    """The entries of a results layer. Raises ValueError when it is not one."""
    body = _layer_json(data, LAYER_FILE, "results")
    parts = [
        body.get(k) for k in ("linter", "linter_version", "settings_digest", "lintgate_version")
    ]
    if not all(isinstance(p, str) and p and "\0" not in p for p in parts):
        raise ValueError("results layer without its group")
    entries = body.get("entries")
    if not isinstance(entries, list):
        raise ValueError("results layer without entries")
    out = []
    for item in entries:
        if not (isinstance(item, list) and len(item) == 2 and is_digest(item[0])):
            raise ValueError(f"bad entry {item!r:.80}")
        findings = decode_findings(json.dumps(item[1]))
        out.append((Entry(item[0], parts[0], parts[1], parts[2], parts[3]), findings))
    return out


def import_manifest(
    store: Store,
    manifest: Descriptor,
    fetch: Fetch,
    source: str,
    warn: Warn,
    trusted: Sequence | None = None,
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
    layers = doc.get("layers") if isinstance(doc, dict) else None
    config = _descriptor(doc.get("config")) if isinstance(doc, dict) else None
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
        from lintgate.cache import signing

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
    layers: list,
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
    accepted: list[tuple[Entry, list]] = []
    memo: dict[str, str] = {}
    ok = rejected = 0
    for raw in layers:
        desc = _descriptor(raw)
        if desc is None:
            warn(
                f"cache import from {source}: a layer descriptor of {manifest_digest} is invalid; skipped"
            )
            rejected += 1
            continue
        if desc.media_type == EMPTY_MT:
            continue
        if desc.media_type not in (LAYER_MT, MEMO_MT):
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
                memo.update(_parse_memo_layer(blob))
            else:
                accepted.extend(_parse_layer(blob))
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


def import_layout(
    store: Store, src: str | os.PathLike, tag: str, warn: Warn, trusted: Sequence | None = None
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
    store: Store, root: Path, tag: str, source: str, warn: Warn, trusted: Sequence | None
) -> ImportResult:
    index = _read_json(root / "index.json")
    found = None
    for m in index.get("manifests", []) if isinstance(index, dict) else []:
        if isinstance(m, dict) and (m.get("annotations") or {}).get(REF_NAME) == tag:
            found = _descriptor(m)
    if found is None or found.media_type != MANIFEST_MT:
        warn(f"cache import: {root} has no manifest tagged {tag!r}; going on without it")
        return ImportResult(source, 0, 0, 0)

    def fetch(digest: str, size: int) -> bytes | None:
        return _read_capped(_blob_path(root, digest), size)

    return import_manifest(store, found, fetch, source, warn, trusted)


# -- the two flags, end to end ----------------------------------------------------------------


def export_cache(
    store: Store, spec: CacheSpec, roots: Sequence[Node] | None = None
) -> ExportResult:
    """Export `store` as `spec` says (mode min: this run's entries and memo rows; max: all),
    or the graph under `roots` when given (without memo rows). Raises OCIError (and
    registry.RegistryError, a subclass), also for a bad signing key (spec.sign_key, else
    $LINTGATE_CACHE_SIGNING_KEY: lintgate.cache.signing).
    """
    from lintgate.cache import signing  # imports cryptography only when there is a key

    try:
        sign = signing.export_signer(spec.sign_key)
    except ValueError as e:
        raise OCIError(str(e)) from None
    if roots is None:
        artifact = build_artifact(
            nodes_from_store(store, spec.mode), memo=memo_from_store(store, spec.mode), sign=sign
        )
    else:
        artifact = build_artifact(roots, sign=sign)
    if spec.type == "registry":
        from lintgate.cache import registry  # requests is imported only for registries

        return registry.push(spec, artifact)
    return write_layout(spec.location, artifact, spec.tag)


def import_cache(
    store: Store, spec: CacheSpec, warn: Warn, trusted: Sequence | None = None
) -> ImportResult:
    """Merge the cache `spec` names into `store`. Never raises for a missing or bad source:
    each problem is one warning (via `warn`) and the run goes on with what was valid.
    trusted: see import_manifest."""
    if spec.type == "registry":
        from lintgate.cache import registry

        pulled = registry.pull(spec, warn)
        if pulled is None:
            return ImportResult(f"{spec.location}:{spec.tag}", 0, 0, 0)
        source = f"{spec.location}:{spec.tag}"
        return import_manifest(store, pulled[0], pulled[1], source, warn, trusted)
    return import_layout(store, spec.location, spec.tag, warn, trusted)

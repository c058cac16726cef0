"""The export graph of a store and the artifact built from it: one layer per distinct group
node (chunked past CHUNK_ENTRIES entries), memo layers, the config and the manifest."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timezone
from typing import Any, Callable, Iterator, NamedTuple, Sequence

from lintgate import __version__ as LINTGATE_VERSION
from lintgate.cache.keys import EXTERNAL_VERSION_MARK
from lintgate.cache.oci.layers import json_bytes, tar_gz
from lintgate.cache.oci.media import (
    ARTIFACT_TYPE,
    CHUNK_ENTRIES,
    CONFIG_MT,
    CREATED,
    EMPTY_BLOB,
    EMPTY_MT,
    EXTERNAL_MT,
    LAYER_FILE,
    LAYER_MT,
    MANIFEST_MT,
    MEMO_FILE,
    MEMO_MT,
    Artifact,
    Descriptor,
    sha256_digest,
)
from lintgate.cache.store import Store


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


def layer_media_type(linter_version: str) -> str:
    """EXTERNAL_MT for an external linter's results (issue 14), else LAYER_MT."""
    return EXTERNAL_MT if linter_version.startswith(EXTERNAL_VERSION_MARK) else LAYER_MT


def build_artifact(
    roots: Sequence[Node],
    created: str | None = None,
    memo: Sequence[tuple[str, str]] = (),
    sign: Callable[[dict[str, Any]], None] | None = None,
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
        data = tar_gz(LAYER_FILE, json_bytes(body))
        digest = sha256_digest(data)
        digest_of[id(node)] = digest
        if digest not in blobs:  # two nodes with the same content are one layer
            blobs[digest] = data
            layers.append(
                Descriptor(layer_media_type(node.group.linter_version), digest, len(data))
            )
            entries += len(node.entries)
        groups.add(node.group)
    # At most 16 memo layers: a verdict changes only with a path or a config, not with a
    # file's bytes, so finer chunks would only multiply blobs (Django: 8,454 rows, about 320 kB).
    for chunk in _chunks(memo, widen=False) if memo else []:
        data = tar_gz(MEMO_FILE, json_bytes({"entries": [list(item) for item in chunk]}))
        blobs[sha256_digest(data)] = data
        layers.append(Descriptor(MEMO_MT, sha256_digest(data), len(data)))
    if not layers:
        blobs[sha256_digest(EMPTY_BLOB)] = EMPTY_BLOB
        layers.append(Descriptor(EMPTY_MT, sha256_digest(EMPTY_BLOB), len(EMPTY_BLOB)))
    config = {
        "created": created,
        "lintgate_version": LINTGATE_VERSION,
        "entries": entries,
        "memo_entries": len(memo),
        "roots": sorted({digest_of[id(r)] for r in roots}),
        "groups": [g._asdict() for g in sorted(groups)],
    }
    config_data = json_bytes(config)
    config_desc = Descriptor(CONFIG_MT, sha256_digest(config_data), len(config_data))
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
    manifest_data = json_bytes(manifest)
    manifest_desc = Descriptor(MANIFEST_MT, sha256_digest(manifest_data), len(manifest_data))
    blobs[manifest_desc.digest] = manifest_data
    return Artifact(manifest_desc, blobs, len(layers), entries, len(memo))


def _created_now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    t = float(epoch) if epoch.isdigit() else time.time()
    return datetime.fromtimestamp(int(t), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

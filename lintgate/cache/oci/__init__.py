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

Where it goes: an OCI image layout directory (`type=local`, layout.py) or a registry
(`type=registry`, registry.py over http.py and auth.py).

The modules, lowest first: media (media types, descriptors, records, limits), spec (the
flags), layers (tar+gzip blobs), artifact (the graph and the manifest), merge (verify and
merge into the store), layout, registry, signing, transfer (the two flags end to end). This
package imports tarfile and gzip: a warm run never imports it (lintgate.cache does not).
"""

from lintgate.cache.oci.artifact import (
    Group,
    Node,
    build_artifact,
    group_node,
    memo_from_store,
    nodes_from_store,
)
from lintgate.cache.oci.layers import json_bytes, tar_gz
from lintgate.cache.oci.layout import import_layout, write_layout
from lintgate.cache.oci.media import (
    ARTIFACT_TYPE,
    CHUNK_ENTRIES,
    CONFIG_MT,
    CREATED,
    EMPTY_MT,
    INDEX_MT,
    LAYER_FILE,
    LAYER_MT,
    LAYER_V1_MT,
    MANIFEST_MT,
    MAX_MEMO_VALUE,
    MEMO_FILE,
    MEMO_MT,
    Artifact,
    CacheSpecError,
    Descriptor,
    ExportResult,
    ImportResult,
    OCIError,
    sha256_digest,
)
from lintgate.cache.oci.merge import import_manifest
from lintgate.cache.oci.spec import (
    CacheSpec,
    for_shard,
    parse_export_cache,
    parse_import_cache,
    split_ref,
)
from lintgate.cache.oci.transfer import export_cache, import_cache

__all__ = [
    "ARTIFACT_TYPE",
    "CHUNK_ENTRIES",
    "CONFIG_MT",
    "CREATED",
    "EMPTY_MT",
    "INDEX_MT",
    "LAYER_FILE",
    "LAYER_MT",
    "LAYER_V1_MT",
    "MANIFEST_MT",
    "MAX_MEMO_VALUE",
    "MEMO_FILE",
    "MEMO_MT",
    "Artifact",
    "CacheSpec",
    "CacheSpecError",
    "Descriptor",
    "ExportResult",
    "Group",
    "ImportResult",
    "Node",
    "OCIError",
    "build_artifact",
    "export_cache",
    "group_node",
    "import_cache",
    "import_layout",
    "import_manifest",
    "json_bytes",
    "memo_from_store",
    "nodes_from_store",
    "for_shard",
    "parse_export_cache",
    "parse_import_cache",
    "sha256_digest",
    "split_ref",
    "tar_gz",
    "write_layout",
]

"""The two flags end to end: --export-cache (build, sign, write or push) and --import-cache
(read or pull, verify, merge). The registry code (requests) and the signing code
(cryptography) are imported only when a spec asks for them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from lintgate.cache.oci.artifact import Node, build_artifact, memo_from_store, nodes_from_store
from lintgate.cache.oci.layout import import_layout, write_layout
from lintgate.cache.oci.media import ExportResult, ImportResult, OCIError, Warn
from lintgate.cache.oci.merge import import_manifest
from lintgate.cache.oci.spec import CacheSpec
from lintgate.cache.store import Store

if TYPE_CHECKING:
    from lintgate.cache.oci.signing import PublicKey


def export_cache(
    store: Store, spec: CacheSpec, roots: Sequence[Node] | None = None
) -> ExportResult:
    """Export `store` as `spec` says (mode min: this run's entries and memo rows; max: all),
    or the graph under `roots` when given (without memo rows). Raises OCIError (and
    registry.RegistryError, a subclass), also for a bad signing key (spec.sign_key, else
    $LINTGATE_CACHE_SIGNING_KEY: lintgate.cache.signing).
    """
    from lintgate.cache.oci import signing  # imports cryptography only when there is a key

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
        from lintgate.cache.oci import registry  # requests is imported only for registries

        return registry.push(spec, artifact)
    return write_layout(spec.location, artifact, spec.tag)


def import_cache(
    store: Store, spec: CacheSpec, warn: Warn, trusted: Sequence[PublicKey] | None = None
) -> ImportResult:
    """Merge the cache `spec` names into `store`. Never raises for a missing or bad source:
    each problem is one warning (via `warn`) and the run goes on with what was valid.
    trusted: see import_manifest."""
    if spec.type == "registry":
        from lintgate.cache.oci import registry

        pulled = registry.pull(spec, warn)
        if pulled is None:
            return ImportResult(f"{spec.location}:{spec.tag}", 0, 0, 0)
        source = f"{spec.location}:{spec.tag}"
        return import_manifest(store, pulled[0], pulled[1], source, warn, trusted)
    return import_layout(store, spec.location, spec.tag, warn, trusted)

"""--export-cache / --import-cache values, parsed with BuildKit's syntax."""

from __future__ import annotations

import csv
import io
import re
from typing import Iterable, NamedTuple, Sequence

from lintgate.cache.oci.media import DEFAULT_TAG, CacheSpecError
from lintgate.shards.partition import MAX_SHARDS


class CacheSpec(NamedTuple):
    """One parsed --export-cache or --import-cache value.

    type: "local" or "registry"; location: the directory (dest= or src=) or the registry ref
    without its tag; tag: the tag (tag=, or the ref's :TAG; default "latest"); mode: "min" or
    "max" (exports); insecure: registry.insecure=true (plain HTTP); sign_key: the private
    key file that signs an export (sign-key=PATH; lintgate.cache.signing), or "";
    ignore_error: an export that fails is a warning, not exit bit 2 (BuildKit's
    ignore-error=true); shards: an import of the parts of N shards' exports (shards=N: the
    tags TAG-shard-1-of-N ... TAG-shard-N-of-N, see `shard_tag`), 0 for the tag itself.
    """

    type: str
    location: str
    tag: str = DEFAULT_TAG
    mode: str = "min"
    insecure: bool = False
    sign_key: str = ""
    ignore_error: bool = False
    shards: int = 0


_TAG_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_NAME_RE = re.compile(
    r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
)
_HOST_RE = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:]+\])(?::[0-9]+)?"
)


def split_ref(ref: str) -> tuple[str, str, str]:
    """`HOST[:PORT]/NAME[:TAG]` -> (host[:port], name, tag); tag defaults to "latest".

    Follows the distribution reference grammar (lower-case path components separated by
    `/`, tags of up to 128 word characters, dots and dashes). Raises CacheSpecError.
    """
    host, slash, rest = ref.partition("/")
    if not slash or not rest or not _HOST_RE.fullmatch(host):
        raise CacheSpecError(f"invalid registry ref {ref!r}: expected HOST[:PORT]/NAME[:TAG]")
    name, tag = rest, DEFAULT_TAG
    last = rest.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = rest.rsplit(":", 1)
    if not _NAME_RE.fullmatch(name):
        raise CacheSpecError(
            f"invalid repository name {name!r} in {ref!r}: use lower-case letters, digits, . _ - and /"
        )
    if not _TAG_RE.fullmatch(tag):
        raise CacheSpecError(f"invalid tag {tag!r} in {ref!r}")
    return host, name, tag


def _csv_fields(value: str) -> list[str]:
    # BuildKit reads these values as one CSV record (so `"dest=a,b"` may hold a comma).
    try:
        rows = list(csv.reader([value]))
    except csv.Error as e:
        raise CacheSpecError(f"invalid value {value!r}: {e}") from None
    return [f.strip() for f in rows[0]] if rows else []


def _csv_join(fields: Iterable[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(list(fields))
    return buf.getvalue()


def _parse_csv(flag: str, value: str, export: bool) -> CacheSpec:
    attrs: dict[str, str] = {}
    for field in _csv_fields(value):
        key, eq, val = field.partition("=")
        if not eq:
            raise CacheSpecError(f"invalid {flag} field {field!r}: expected key=value")
        attrs[key.strip().lower()] = val.strip()
    kind = attrs.pop("type", "")
    if not kind:
        raise CacheSpecError(f"{flag} requires type=<type>")
    mode = attrs.pop("mode", "min") if export else "min"
    sign_key = attrs.pop("sign-key", "") if export else ""
    extra = _export_or_import_attrs(flag, attrs, export)
    if mode not in ("min", "max"):
        raise CacheSpecError(f"invalid {flag} mode={mode!r}: use min or max")
    if kind == "local":
        where = "dest" if export else "src"
        location = attrs.pop(where, "")
        if not location:
            raise CacheSpecError(f"{flag} type=local requires {where}=DIR")
        tag = attrs.pop("tag", DEFAULT_TAG) or DEFAULT_TAG
        if not _TAG_RE.fullmatch(tag):
            raise CacheSpecError(f"invalid {flag} tag={tag!r}")
        spec = CacheSpec("local", location, tag, mode, False, sign_key, *extra)
    elif kind == "registry":
        ref = attrs.pop("ref", "")
        if not ref:
            raise CacheSpecError(f"{flag} type=registry requires ref=HOST[:PORT]/NAME[:TAG]")
        host, name, tag = split_ref(ref)
        insecure = attrs.pop("registry.insecure", "false").lower()
        if insecure not in ("true", "false"):
            raise CacheSpecError(
                f"invalid {flag} registry.insecure={insecure!r}: use true or false"
            )
        spec = CacheSpec(
            "registry", f"{host}/{name}", tag, mode, insecure == "true", sign_key, *extra
        )
    else:
        raise CacheSpecError(f"unsupported {flag} type={kind!r}: use local or registry")
    if attrs:
        raise CacheSpecError(f"unknown {flag} attribute {sorted(attrs)[0]!r} for type={kind}")
    return spec


# The most shards an import's shards=N names (one import, one manifest fetch, each) is
# MAX_SHARDS, the most shards of a run (`--shard K/N`): one constant for both.


def _export_or_import_attrs(flag: str, attrs: dict[str, str], export: bool) -> tuple[bool, int]:
    """(ignore_error, shards) taken out of `attrs`: `ignore-error=true|false` (exports, as
    BuildKit's) and `shards=N` (imports, 1 <= N <= MAX_SHARDS). Raises CacheSpecError."""
    ignore, shards = "false", "0"
    if export:
        ignore = attrs.pop("ignore-error", "false").lower()
        if ignore not in ("true", "false"):
            raise CacheSpecError(f"invalid {flag} ignore-error={ignore!r}: use true or false")
    elif "shards" in attrs:
        shards = attrs.pop("shards")
        # ASCII digits, short enough for int() (which refuses over 4,300 digits)
        if not re.fullmatch(r"[0-9]{1,9}", shards) or not 1 <= int(shards) <= MAX_SHARDS:
            raise CacheSpecError(
                f"invalid {flag} shards={shards!r}: a number of shards from 1 to {MAX_SHARDS}"
            )
    return ignore == "true", int(shards)


def shard_tag(tag: str, index: int, total: int) -> str:
    """The tag of shard `index` of `total`'s part of the cache tagged `tag`:
    `TAG-shard-K-of-N`. Raises CacheSpecError when it is longer than a tag may be."""
    name = f"{tag}-shard-{index}-of-{total}"
    if not _TAG_RE.fullmatch(name):
        raise CacheSpecError(f"tag {tag!r} is too long for its shard suffix ({name!r})")
    return name


def for_shard(
    imports: list[CacheSpec], exports: list[CacheSpec], shard: tuple[int, int] | None
) -> tuple[list[CacheSpec], list[CacheSpec]]:
    """The imports with each `shards=N` one made N imports of the shards' tags, and, for a run
    that is `shard` (K, N) of a sharded job (None: not sharded), the exports tagged with its
    shard suffix (shard_tag), so that N jobs exporting to one tag write N tags and never
    replace each other's manifest. Raises CacheSpecError."""
    expanded = []
    for spec in imports:
        if spec.shards:
            n = spec.shards
            tags = [shard_tag(spec.tag, k, n) for k in range(1, n + 1)]
            expanded += [spec._replace(tag=t, shards=0) for t in tags]
        else:
            expanded.append(spec)
    if shard is not None and shard[1] > 1:
        exports = [s._replace(tag=shard_tag(s.tag, *shard)) for s in exports]
    return expanded, exports


def _is_bare_path(value: str) -> bool:
    return bool(value.strip()) and "=" not in value


def parse_export_cache(
    values: Sequence[str], legacy_opts: Sequence[str] = ()
) -> tuple[list[CacheSpec], list[str]]:
    """Parse the --export-cache values (and the deprecated --export-cache-opt values).

    Accepts `type=local,dest=DIR[,mode=min|max][,tag=NAME][,sign-key=PATH]` and
    `type=registry,ref=HOST[:PORT]/NAME[:TAG][,registry.insecure=true][,mode=min|max]
    [,sign-key=PATH]`, and,
    deprecated (one warning each, showing the new form), a bare path (local) and
    `--export-cache-opt mode=max` beside it. Mirrors buildctl's ParseExportCache, except that a
    bare value is a directory here, not a registry ref. Returns (specs, warnings); raises
    CacheSpecError.
    """
    specs, warnings = [], []
    if legacy_opts and len(values) != 1:
        raise CacheSpecError("--export-cache-opt requires exactly one --export-cache")
    for value in values:
        if not _is_bare_path(value):
            if legacy_opts:
                raise CacheSpecError(
                    "--export-cache-opt is not supported with --export-cache type=...:"
                    " use --export-cache type=<type>,<opt>=<value>"
                )
            specs.append(_parse_csv("--export-cache", value, export=True))
            continue
        opts: dict[str, str] = {}
        for opt in legacy_opts:
            for field in _csv_fields(opt):
                key, eq, val = field.partition("=")
                if not eq or key.strip() != "mode":
                    raise CacheSpecError(
                        f"invalid --export-cache-opt {field!r}: only mode=min|max is supported"
                    )
                opts["mode"] = val.strip()
        new = _csv_join(["type=local", f"dest={value}"] + [f"{k}={v}" for k, v in opts.items()])
        old = f"--export-cache {value}" + "".join(f" --export-cache-opt {o}" for o in legacy_opts)
        warnings.append(f"{old} is deprecated: use --export-cache {new}")
        specs.append(_parse_csv("--export-cache", new, export=True))
    return specs, warnings


def parse_import_cache(values: Sequence[str]) -> tuple[list[CacheSpec], list[str]]:
    """Parse the --import-cache values: `type=local,src=DIR[,tag=NAME]`,
    `type=registry,ref=HOST[:PORT]/NAME[:TAG][,registry.insecure=true]`, or (deprecated, with
    a warning showing the new form) a bare directory. Returns (specs, warnings); raises
    CacheSpecError.
    """
    specs, warnings = [], []
    for value in values:
        if _is_bare_path(value):
            new = _csv_join(["type=local", f"src={value}"])
            warnings.append(f"--import-cache {value} is deprecated: use --import-cache {new}")
            value = new
        specs.append(_parse_csv("--import-cache", value, export=False))
    return specs, warnings

"""The blobs of a lintgate cache artifact: reproducible one-file tar+gzip layers and their JSON,
written for an export and parsed, with every shape checked, on an import."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from typing import Any

from lintgate.cache import legacy
from lintgate.cache.findings import decode_findings
from lintgate.cache.keys import Entry, is_digest
from lintgate.cache.oci.media import (
    LAYER_FILE,
    MAX_LAYER_JSON,
    MAX_MEMO_VALUE,
    MEMO_FILE,
    parse_json,
)
from lintgate.diagnostic import Finding, StoredResult


def json_bytes(obj: object) -> bytes:
    """`obj` as compact, key-sorted UTF-8 JSON: the same object always gives the same bytes."""
    return json.dumps(obj, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def tar_gz(name: str, data: bytes) -> bytes:
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


def layer_json(data: bytes, name: str, what: str) -> dict[str, Any]:
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


def parse_memo_layer(data: bytes) -> list[tuple[str, str]]:
    """The rows of a memo layer, `[(key, value), ...]`: keys sha256 hex, values strings of
    at most MAX_MEMO_VALUE characters. Raises ValueError when it is not one."""
    entries = layer_json(data, MEMO_FILE, "memo").get("entries")
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


def entry_json(content_digest: str, result: StoredResult) -> list[object]:
    """A results layer's (v2) entry: `[content_digest, findings, parse_error, nolint]`, each
    finding (and the parse error, or null) as `[line, col, message, severity, end_line]`."""
    error = None if result.parse_error is None else list(result.parse_error)
    return [content_digest, [list(f) for f in result.findings], error, result.nolint]


def parse_results_layer(data: bytes, v1: bool = False) -> list[tuple[Entry, StoredResult]]:
    """The entries of a results layer (`v1`: of the older format, upgraded by
    lintgate.cache.legacy). Raises ValueError when it is not one."""
    body = layer_json(data, LAYER_FILE, "results")
    parts: list[str] = []
    for k in ("linter", "linter_version", "settings_digest", "lintgate_version"):
        part = body.get(k)
        if not (isinstance(part, str) and part and "\0" not in part):
            raise ValueError("results layer without its group")
        parts.append(part)
    entries = body.get("entries")
    if not isinstance(entries, list):
        raise ValueError("results layer without entries")
    out: list[tuple[Entry, StoredResult]] = []
    for item in entries:
        if not (isinstance(item, list) and len(item) == (2 if v1 else 4) and is_digest(item[0])):
            raise ValueError(f"bad entry {item!r:.80}")
        findings = decode_findings(json.dumps(item[1]))
        if v1:
            result = legacy.upgrade(parts[0], findings)
        else:
            result = StoredResult(tuple(findings), _parse_error(item[2]), _flag(item[3], item))
        out.append((Entry(item[0], parts[0], parts[1], parts[2], parts[3]), result))
    return out


def _parse_error(value: object) -> Finding | None:
    """An entry's parse error: null, or one finding's array. Raises ValueError."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise ValueError(f"bad parse error {value!r:.80}")
    return decode_findings(json.dumps([value]))[0]


def _flag(value: object, item: object) -> bool:
    """An entry's `nolint`: true or false. Raises ValueError."""
    if type(value) is not bool:
        raise ValueError(f"bad entry {item!r:.80}")
    return value

"""Export to and import from an OCI image layout; BuildKit's flag syntax."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import jsonschema
import pytest
import referencing
import referencing.jsonschema

from lintgate.cache import Entry, Store, content_digest, oci
from lintgate.cache.oci import CacheSpec, CacheSpecError, Group, Node
from lintgate.diagnostic import Finding, StoredResult

# The project's shared/ folder sits beside the repository (in CI too: a clone with shared/ beside it).
SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "oci"
CREATED = "2026-01-02T03:04:05Z"


# -- flags ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, spec",
    [
        ("type=local,dest=out", CacheSpec("local", "out", "latest", "min")),
        (
            "type=local,dest=out,mode=max,tag=main",
            CacheSpec("local", "out", "main", "max"),
        ),
        ('type=local,"dest=a,b",mode=min', CacheSpec("local", "a,b", "latest", "min")),
        (
            "type=registry,ref=localhost:5000/team/lint-cache:pr-1,registry.insecure=true,mode=max",
            CacheSpec("registry", "localhost:5000/team/lint-cache", "pr-1", "max", True),
        ),
        (
            "type=registry,ref=ghcr.io/o/c",
            CacheSpec("registry", "ghcr.io/o/c", "latest", "min", False),
        ),
    ],
)
def test_parse_export_cache(value, spec):
    assert oci.parse_export_cache([value]) == ([spec], [])


@pytest.mark.parametrize(
    "value, spec",
    [
        ("type=local,src=in", CacheSpec("local", "in", "latest")),
        ("type=local,src=in,tag=v1.2", CacheSpec("local", "in", "v1.2")),
        (
            "type=registry,ref=127.0.0.1:5000/c:t,registry.insecure=true",
            CacheSpec("registry", "127.0.0.1:5000/c", "t", "min", True),
        ),
    ],
)
def test_parse_import_cache(value, spec):
    assert oci.parse_import_cache([value]) == ([spec], [])


def test_deprecated_forms_warn_with_the_new_form():
    assert oci.parse_export_cache(["cache-dir"]) == (
        [CacheSpec("local", "cache-dir")],
        ["--export-cache cache-dir is deprecated: use --export-cache type=local,dest=cache-dir"],
    )
    assert oci.parse_export_cache(["/tmp/c"], ["mode=max"]) == (
        [CacheSpec("local", "/tmp/c", mode="max")],
        [
            "--export-cache /tmp/c --export-cache-opt mode=max is deprecated: use --export-cache type=local,dest=/tmp/c,mode=max"
        ],
    )
    assert oci.parse_import_cache(["a dir,with comma"]) == (
        [CacheSpec("local", "a dir,with comma")],
        [
            '--import-cache a dir,with comma is deprecated: use --import-cache type=local,"src=a dir,with comma"'
        ],
    )


@pytest.mark.parametrize(
    "values, opts, message",
    [
        (["dest=out"], (), "--export-cache requires type=<type>"),
        (["mode=max,dest=out"], (), "--export-cache requires type=<type>"),
        (["type=local"], (), "--export-cache type=local requires dest=DIR"),
        (
            ["type=local,dest=x,mode=all"],
            (),
            "invalid --export-cache mode='all': use min or max",
        ),
        (
            ["type=s3,bucket=b"],
            (),
            "unsupported --export-cache type='s3': use local or registry",
        ),
        (
            ["type=local,dest=x,compression=zstd"],
            (),
            "unknown --export-cache attribute 'compression' for type=local",
        ),
        (
            ["type=registry"],
            (),
            "--export-cache type=registry requires ref=HOST[:PORT]/NAME[:TAG]",
        ),
        (
            ["type=registry,ref=lint-cache"],
            (),
            "invalid registry ref 'lint-cache': expected HOST[:PORT]/NAME[:TAG]",
        ),
        (
            ["type=registry,ref=h:1/Upper"],
            (),
            "invalid repository name 'Upper' in 'h:1/Upper': use lower-case letters, digits, . _ - and /",
        ),
        (
            ["type=registry,ref=h/n,registry.insecure=yes"],
            (),
            "invalid --export-cache registry.insecure='yes': use true or false",
        ),
        (
            ["type=local,dest=x"],
            ("mode=max",),
            "--export-cache-opt is not supported with --export-cache type=...: use --export-cache type=<type>,<opt>=<value>",
        ),
        (
            ["a", "b"],
            ("mode=max",),
            "--export-cache-opt requires exactly one --export-cache",
        ),
        (
            ["a"],
            ("ref=x",),
            "invalid --export-cache-opt 'ref=x': only mode=min|max is supported",
        ),
        (
            ["type=local,destx"],
            (),
            "invalid --export-cache field 'destx': expected key=value",
        ),
    ],
)
def test_parse_export_cache_errors(values, opts, message):
    with pytest.raises(CacheSpecError) as err:
        oci.parse_export_cache(values, opts)
    assert str(err.value) == message


def test_parse_import_cache_requires_type():
    with pytest.raises(CacheSpecError, match=r"^--import-cache requires type=<type>$"):
        oci.parse_import_cache(["src=x"])
    with pytest.raises(CacheSpecError, match=r"^--import-cache type=local requires src=DIR$"):
        oci.parse_import_cache(["type=local,dest=x"])


# -- helpers ----------------------------------------------------------------------------------


def filled_store(path: Path, linters=("black", "isort"), n: int = 30) -> Store:
    s = Store(path)
    items = []
    for linter in linters:
        for i in range(n):
            e = Entry(
                content_digest(f"{i}".encode()),
                linter,
                "1.0",
                hashlib.sha256(linter.encode()).hexdigest(),
            )
            items.append(
                (
                    e,
                    (
                        [
                            Finding(
                                i + 1,
                                i % 4,
                                f"{linter} says {i}",
                                "error" if i % 2 else "warning",
                            )
                        ]
                        if i % 3
                        else []
                    ),
                )
            )
    s.put_many(items, used=False)
    return s


def export(store: Store, dest: Path, tag: str = "latest", mode: str = "max") -> oci.ExportResult:
    artifact = oci.build_artifact(
        oci.nodes_from_store(store, mode), CREATED, oci.memo_from_store(store, mode)
    )
    return oci.write_layout(dest, artifact, tag)


def blob(dest: Path, digest: str) -> Path:
    return dest / "blobs" / "sha256" / digest.split(":")[1]


def manifest_of(dest: Path, tag: str = "latest") -> dict:
    index = json.loads((dest / "index.json").read_text())
    [desc] = [
        m
        for m in index["manifests"]
        if m["annotations"]["org.opencontainers.image.ref.name"] == tag
    ]
    return json.loads(blob(dest, desc["digest"]).read_bytes())


def layer_body(path: Path, name: str = "results.json") -> dict:
    with tarfile.open(path, mode="r:gz") as tar:
        return json.load(tar.extractfile(name))


def memo_rows(n: int) -> dict[str, str]:
    """n memo rows as the runner writes them: sha256 hex keys, "0" or "1"."""
    return {content_digest(f"memo {i}".encode()): "1" if i % 3 == 0 else "0" for i in range(n)}


def validator(name: str) -> jsonschema.Draft4Validator:
    def retrieve(uri: str) -> referencing.Resource:
        doc = json.loads((SCHEMAS / uri.rsplit("/", 1)[-1]).read_text())
        return referencing.jsonschema.DRAFT4.create_resource(doc)

    registry = referencing.Registry(retrieve=retrieve)
    schema = json.loads((SCHEMAS / name).read_text())
    registry = registry.with_resource(
        schema["id"], referencing.jsonschema.DRAFT4.create_resource(schema)
    )
    return jsonschema.Draft4Validator(schema, registry=registry)


# -- the layout -------------------------------------------------------------------------------


@pytest.mark.skipif(
    not SCHEMAS.is_dir(), reason="shared/schemas/oci not found beside the repository"
)
def test_export_validates_against_the_oci_schemas(tmp_path):
    s = filled_store(tmp_path / "cache")
    result = export(s, tmp_path / "out", tag="main")
    out = tmp_path / "out"
    assert (
        result.layers,
        result.entries,
        result.blobs_written,
        result.blobs_removed,
    ) == (2, 60, 4, 0)
    layout = json.loads((out / "oci-layout").read_text())
    index = json.loads((out / "index.json").read_text())
    validator("image-layout-schema.json").validate(layout)
    validator("image-index-schema.json").validate(index)
    [desc] = index["manifests"]
    assert desc["mediaType"] == oci.MANIFEST_MT
    assert desc["artifactType"] == oci.ARTIFACT_TYPE
    assert desc["annotations"] == {"org.opencontainers.image.ref.name": "main"}
    assert desc["digest"] == result.manifest_digest
    manifest = manifest_of(out, "main")
    validator("image-manifest-schema.json").validate(manifest)
    assert manifest["mediaType"] == oci.MANIFEST_MT
    assert manifest["artifactType"] == oci.ARTIFACT_TYPE
    descriptors = [desc, manifest["config"], *manifest["layers"]]
    for d in descriptors:
        validator("content-descriptor.json").validate(d)
        data = blob(out, d["digest"]).read_bytes()
        assert (len(data), "sha256:" + hashlib.sha256(data).hexdigest()) == (
            d["size"],
            d["digest"],
        )
    # Each descriptor names the blob's real media type.
    config = json.loads(blob(out, manifest["config"]["digest"]).read_bytes())
    assert manifest["config"]["mediaType"] == oci.CONFIG_MT
    assert config["created"] == CREATED and config["entries"] == 60
    assert [(g["linter"], g["linter_version"]) for g in config["groups"]] == [
        ("black", "1.0"),
        ("isort", "1.0"),
    ]
    assert [g["settings_digest"] for g in config["groups"]] == [
        hashlib.sha256(n).hexdigest() for n in (b"black", b"isort")
    ]
    for layer in manifest["layers"]:
        assert layer["mediaType"] == oci.LAYER_MT
        raw = gzip.decompress(blob(out, layer["digest"]).read_bytes())
        with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
            [member] = tar.getmembers()
            assert (member.name, member.mtime, member.uid, member.mode) == (
                "results.json",
                0,
                0,
                0o644,
            )
            body = json.load(tar.extractfile(member))
        assert len(body["entries"]) == 30
    # Nothing else under blobs/.
    assert sorted(p.name for p in (out / "blobs" / "sha256").iterdir()) == sorted(
        d["digest"][7:] for d in descriptors
    )


def test_export_is_reproducible(tmp_path):
    s = filled_store(tmp_path / "cache")
    a = export(s, tmp_path / "a")
    b = export(s, tmp_path / "b")
    assert a.manifest_digest == b.manifest_digest
    assert sorted(os.listdir(tmp_path / "a" / "blobs" / "sha256")) == sorted(
        os.listdir(tmp_path / "b" / "blobs" / "sha256")
    )
    again = export(s, tmp_path / "a")
    assert (again.blobs_written, again.blobs_reused, again.blobs_removed) == (0, 4, 0)


def test_same_tag_is_replaced_and_orphans_removed(tmp_path):
    out = tmp_path / "out"
    s = filled_store(tmp_path / "c1", linters=("black",))
    first = export(s, out, tag="main")
    other = export(filled_store(tmp_path / "c2", linters=("isort",)), out, tag="pr")
    s.put_many(
        [
            (
                Entry(
                    content_digest(b"new"),
                    "black",
                    "1.0",
                    hashlib.sha256(b"black").hexdigest(),
                ),
                [],
            )
        ]
    )
    second = export(s, out, tag="main")
    index = json.loads((out / "index.json").read_text())
    assert sorted(
        (m["annotations"]["org.opencontainers.image.ref.name"], m["digest"])
        for m in index["manifests"]
    ) == [
        ("main", second.manifest_digest),
        ("pr", other.manifest_digest),
    ]
    # The first "main" manifest, its config and its layer are no longer referenced: removed.
    assert second.blobs_removed == 3
    assert not blob(out, first.manifest_digest).exists()
    kept = {
        d["digest"][7:]
        for tag in ("main", "pr")
        for d in [manifest_of(out, tag)["config"], *manifest_of(out, tag)["layers"]]
    }
    kept |= {second.manifest_digest[7:], other.manifest_digest[7:]}
    assert set(os.listdir(out / "blobs" / "sha256")) == kept


def test_mode_min_exports_the_entries_this_run_used(tmp_path):
    filled_store(tmp_path / "cache").close()
    s = Store(tmp_path / "cache")
    e = Entry(content_digest(b"3"), "isort", "1.0", hashlib.sha256(b"isort").hexdigest())
    fresh = (
        Entry(content_digest(b"fresh"), "black", "1.0", "f" * 64),
        [Finding(1, 0, "fresh")],
    )
    assert s.get_many([e.key, "0" * 64])
    s.put_many([fresh])
    result = export(s, tmp_path / "out", mode="min")
    assert (result.layers, result.entries) == (2, 2)
    t = Store(tmp_path / "empty")
    assert oci.import_layout(t, tmp_path / "out", "latest", pytest.fail).entries == 2
    assert sorted(t.iter_entries()) == sorted(s.iter_entries([e.key, fresh[0].key]))


def test_empty_export_uses_the_empty_descriptor(tmp_path):
    s = Store(tmp_path / "cache")
    result = export(s, tmp_path / "out", mode="min")
    manifest = manifest_of(tmp_path / "out")
    assert manifest["layers"] == [
        {
            "mediaType": oci.EMPTY_MT,
            "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
            "size": 2,
        }
    ]
    assert result.entries == 0
    assert (
        oci.import_layout(Store(tmp_path / "c2"), tmp_path / "out", "latest", pytest.fail).entries
        == 0
    )


def test_round_trip_into_an_empty_store(tmp_path):
    s = filled_store(tmp_path / "cache")
    spec = oci.parse_export_cache([f"type=local,dest={tmp_path / 'out'},mode=max,tag=ci"])[0][0]
    oci.export_cache(s, spec)
    t = Store(tmp_path / "fresh")
    warnings: list[str] = []
    result = oci.import_cache(
        t,
        oci.parse_import_cache([f"type=local,src={tmp_path / 'out'},tag=ci"])[0][0],
        warnings.append,
    )
    assert warnings == []
    assert (result.entries, result.layers, result.rejected) == (60, 2, 0)
    assert list(t.iter_entries()) == list(s.iter_entries())
    keys = [e.key for e, _ in s.iter_entries()]
    assert t.get_many(keys) == s.get_many(keys)


@pytest.mark.skipif(
    shutil.which("skopeo") is None,
    reason="skopeo is not installed (Debian package skopeo)",
)
def test_skopeo_reads_our_manifest(tmp_path):
    s = filled_store(tmp_path / "cache")
    result = export(s, tmp_path / "out", tag="main")
    out = subprocess.run(
        ["skopeo", "inspect", "--raw", f"oci:{tmp_path / 'out'}:main"],
        capture_output=True,
        check=True,
    )
    assert out.stdout == blob(tmp_path / "out", result.manifest_digest).read_bytes()


# -- tampering --------------------------------------------------------------------------------


def _tamper_setup(tmp_path):
    s = filled_store(tmp_path / "cache")
    export(s, tmp_path / "out")
    layers = manifest_of(tmp_path / "out")["layers"]
    return s, layers


def _import(tmp_path):
    t = Store(tmp_path / "fresh")
    warnings: list[str] = []
    result = oci.import_layout(t, tmp_path / "out", "latest", warnings.append)
    return t, result, warnings


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage, problem",
    [
        (
            lambda p: _flip(p, p.stat().st_size // 2),
            "does not match its digest (tampered)",
        ),
        (
            lambda p: p.write_bytes(p.read_bytes()[:-10]),
            "has fewer bytes than its descriptor's {size} (truncated or tampered)",
        ),
        (
            lambda p: p.write_bytes(p.read_bytes() + b"x"),
            "has more bytes than its descriptor's {size} (truncated or tampered)",
        ),
        (lambda p: p.unlink(), "is missing"),
    ],
    ids=["flipped", "truncated", "extended", "deleted"],
)
def test_damaged_layer_is_named_and_skipped(tmp_path, damage, problem):
    s, layers = _tamper_setup(tmp_path)
    bad, good = layers
    damage(blob(tmp_path / "out", bad["digest"]))
    t, result, warnings = _import(tmp_path)
    assert warnings == [
        f"cache import from {tmp_path / 'out'}:latest: layer {bad['digest']} {problem.format(size=bad['size'])}; not imported"
    ]
    assert (result.layers, result.rejected) == (1, 1)
    # Exactly the good layer's entries arrived, with their values.
    good_linter = layer_body(blob(tmp_path / "out", good["digest"]))["linter"]
    expected = [(e, f) for e, f in s.iter_entries() if e.linter == good_linter]
    assert list(t.iter_entries()) == expected and len(expected) == 30


def test_damaged_manifest_imports_nothing(tmp_path):
    _tamper_setup(tmp_path)
    index = json.loads((tmp_path / "out" / "index.json").read_text())
    digest = index["manifests"][0]["digest"]
    _flip(blob(tmp_path / "out", digest), 10)
    t, result, warnings = _import(tmp_path)
    assert warnings == [
        f"cache import from {tmp_path / 'out'}:latest: manifest {digest} does not match its digest (tampered); not imported"
    ]
    assert result.entries == 0 and t.status().entries == 0


def test_damaged_config_imports_nothing(tmp_path):
    _tamper_setup(tmp_path)
    config = manifest_of(tmp_path / "out")["config"]
    blob(tmp_path / "out", config["digest"]).unlink()
    t, result, warnings = _import(tmp_path)
    assert warnings == [
        f"cache import from {tmp_path / 'out'}:latest: config {config['digest']} is missing; not imported"
    ]
    assert t.status().entries == 0


def test_missing_source_or_tag_is_a_warning(tmp_path):
    t = Store(tmp_path / "fresh")
    warnings: list[str] = []
    oci.import_cache(t, CacheSpec("local", str(tmp_path / "nowhere")), warnings.append)
    export(filled_store(tmp_path / "cache"), tmp_path / "out", tag="main")
    oci.import_cache(t, CacheSpec("local", str(tmp_path / "out"), "other"), warnings.append)
    assert warnings == [
        f"cache import: {tmp_path / 'nowhere'} is not a lintgate cache export (no index.json); going on without it",
        f"cache import: {tmp_path / 'out'} has no manifest tagged 'other'; going on without it",
    ]
    assert t.status().entries == 0


def test_foreign_layer_content_is_rejected(tmp_path):
    """A layer whose digest is right but whose content is not ours (a re-signed tamper)."""
    node = Node(Group("black", "1", "s" * 64), [("x" * 64, StoredResult())])  # "x"*64: no hex
    oci.write_layout(tmp_path / "out", oci.build_artifact([node], CREATED))
    t, result, warnings = _import(tmp_path)
    assert (
        len(warnings) == 1 and "bad entry" in warnings[0] and warnings[0].endswith("; not imported")
    )
    assert result.rejected == 1 and t.status().entries == 0


# -- the diamond ladder -----------------------------------------------------------------------


def diamond_ladder(rungs: int) -> tuple[list[Node], list[Node]]:
    """Two nodes per rung, each linking to both nodes of the next rung: the last rung is
    reached by 2**(rungs-1) paths from each root."""
    nodes: list[Node] = []
    below: list[Node] = []
    for i in reversed(range(rungs)):
        rung = [
            Node(
                Group("black", "1.0", hashlib.sha256(f"{i}{side}".encode()).hexdigest()),
                [
                    (
                        content_digest(f"{i}{side}".encode()),
                        StoredResult((Finding(i + 1, 0, f"rung {i} {side}", "warning", 0),)),
                    )
                ],
                below,
            )
            for side in "ab"
        ]
        nodes += rung
        below = rung
    return below, nodes


def test_diamond_ladder_exports_each_node_once(tmp_path):
    roots, nodes = diamond_ladder(40)
    result = oci.write_layout(tmp_path / "out", oci.build_artifact(roots, CREATED))
    assert (result.layers, result.entries) == (80, 80)
    assert result.blobs_written == 82  # 80 layers, the config, the manifest: each once
    assert len(os.listdir(tmp_path / "out" / "blobs" / "sha256")) == 82
    manifest = manifest_of(tmp_path / "out")
    config = json.loads(blob(tmp_path / "out", manifest["config"]["digest"]).read_bytes())
    # Children come before parents; a parent names both nodes of the rung below by digest.
    bodies = [layer_body(blob(tmp_path / "out", d["digest"])) for d in manifest["layers"]]
    digests = [d["digest"] for d in manifest["layers"]]
    assert config["roots"] == sorted(digests[-2:])
    assert bodies[-1]["children"] == bodies[-2]["children"] == digests[-4:-2]
    assert all(len(b["children"]) == 2 for b in bodies[2:]) and bodies[0]["children"] == []
    t = Store(tmp_path / "fresh")
    assert oci.import_layout(t, tmp_path / "out", "latest", pytest.fail).entries == 80


def test_concurrent_exports_to_one_directory(tmp_path):
    """Two processes export different tags into one directory at once: the lock keeps both."""
    filled_store(tmp_path / "cache").close()
    code = """
import sys
from lintgate.cache import Store
from lintgate.cache import oci
s = Store(sys.argv[1])
for i in range(15):
    oci.export_cache(s, oci.parse_export_cache([f"type=local,dest={sys.argv[2]},mode=max,tag={sys.argv[3]}-{i % 3}"])[0][0])
"""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                code,
                str(tmp_path / "cache"),
                str(tmp_path / "out"),
                tag,
            ],
            env=env,
        )
        for tag in ("x", "y")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    index = json.loads((tmp_path / "out" / "index.json").read_text())
    assert sorted(
        m["annotations"]["org.opencontainers.image.ref.name"] for m in index["manifests"]
    ) == ["x-0", "x-1", "x-2", "y-0", "y-1", "y-2"]
    for tag in ("x-0", "y-2"):
        t = Store(tmp_path / f"in-{tag}")
        assert oci.import_layout(t, tmp_path / "out", tag, pytest.fail).entries == 60


def test_unwritable_destination_is_one_line_error(tmp_path):
    (tmp_path / "file").write_text("")
    spec = oci.parse_export_cache([f"type=local,dest={tmp_path / 'file'}"])[0][0]
    with pytest.raises(oci.OCIError) as err:
        oci.export_cache(Store(tmp_path / "cache"), spec)
    assert str(err.value) == f"cannot write cache export to {tmp_path / 'file'}: File exists"


def test_large_group_is_chunked_and_re_exported_incrementally(tmp_path):
    s = filled_store(tmp_path / "cache", linters=("black",), n=oci.CHUNK_ENTRIES + 100)
    first = export(s, tmp_path / "out")
    manifest = manifest_of(tmp_path / "out")
    bodies = [layer_body(blob(tmp_path / "out", d["digest"])) for d in manifest["layers"]]
    chunks, top = bodies[:-1], bodies[-1]
    # 16 chunks by the content digest's first hex digit, then the group's node naming them.
    assert len(chunks) == 16 and first.layers == 17
    assert top["entries"] == [] and top["children"] == [
        d["digest"] for d in manifest["layers"][:-1]
    ]
    assert all({e[0][0] for e in c["entries"]} == {c["entries"][0][0][0]} for c in chunks)
    assert sum(len(c["entries"]) for c in chunks) == first.entries == oci.CHUNK_ENTRIES + 100
    # One new result: one chunk, the group's node, the config and the manifest are new.
    e = Entry(
        content_digest(b"one more"),
        "black",
        "1.0",
        hashlib.sha256(b"black").hexdigest(),
    )
    s.put_many([(e, [Finding(1, 0, "new")])])
    second = export(s, tmp_path / "out")
    assert (second.blobs_written, second.blobs_reused, second.blobs_removed) == (
        4,
        15,
        4,
    )
    t = Store(tmp_path / "fresh")
    assert (
        oci.import_layout(t, tmp_path / "out", "latest", pytest.fail).entries == first.entries + 1
    )
    assert list(t.iter_entries()) == list(s.iter_entries())


# -- memo layers: the exclusion verdicts ------------------------------------------------------


def test_memo_rows_travel_in_their_own_layer(tmp_path):
    s = filled_store(tmp_path / "cache")
    rows = memo_rows(3)
    s.memo_put_many(rows)
    result = export(s, tmp_path / "out")
    manifest = manifest_of(tmp_path / "out")
    if SCHEMAS.is_dir():
        validator("image-manifest-schema.json").validate(manifest)
    assert [d["mediaType"] for d in manifest["layers"]] == [oci.LAYER_MT] * 2 + [oci.MEMO_MT]
    assert result.layers == 3 and result.entries == 60
    memo_layer = blob(tmp_path / "out", manifest["layers"][2]["digest"])
    assert layer_body(memo_layer, "memo.json") == {"entries": sorted(map(list, rows.items()))}
    config = json.loads(blob(tmp_path / "out", manifest["config"]["digest"]).read_bytes())
    assert (config["entries"], config["memo_entries"]) == (60, 3)
    # Imported rows never replace local ones, and do not count as used by the importing run.
    t = Store(tmp_path / "fresh")
    first = next(iter(rows))
    t.memo_put_many({first: "local"})
    t.memo_used.clear()
    imported = oci.import_layout(t, tmp_path / "out", "latest", pytest.fail)
    assert (imported.entries, imported.layers, imported.rejected, imported.memo) == (60, 3, 0, 3)
    assert t.memo_used == set()
    assert dict(t.iter_memo()) == {**rows, first: "local"}


def test_mode_min_exports_the_memo_rows_this_run_used(tmp_path):
    rows = memo_rows(4)
    s = Store(tmp_path / "cache")
    s.memo_put_many(rows)  # an earlier run's
    s.memo_used.clear()
    a, b, c, d = sorted(rows)
    s.memo_get_many([a, "0" * 64])  # read by this run
    s.memo_put_many({b: "1"})  # written by this run
    export(s, tmp_path / "out", mode="min")
    [layer] = manifest_of(tmp_path / "out")["layers"]
    assert layer["mediaType"] == oci.MEMO_MT
    body = layer_body(blob(tmp_path / "out", layer["digest"]), "memo.json")
    assert body == {"entries": [[a, rows[a]], [b, "1"]]}
    export(s, tmp_path / "all", mode="max")
    t = Store(tmp_path / "fresh")
    assert oci.import_layout(t, tmp_path / "all", "latest", pytest.fail).memo == 4
    assert dict(t.iter_memo()) == {**rows, b: "1"}


def test_a_large_memo_is_chunked_and_re_exported_incrementally(tmp_path):
    s = Store(tmp_path / "cache")
    rows = memo_rows(oci.CHUNK_ENTRIES + 100)
    s.memo_put_many(rows)
    first = export(s, tmp_path / "out")
    layers = manifest_of(tmp_path / "out")["layers"]
    assert first.layers == len(layers) == 16
    bodies = [layer_body(blob(tmp_path / "out", d["digest"]), "memo.json") for d in layers]
    assert [b["entries"][0][0][0] for b in bodies] == list("0123456789abcdef")
    assert all({k[0] for k, _ in b["entries"]} == {b["entries"][0][0][0]} for b in bodies)
    assert sorted(tuple(e) for b in bodies for e in b["entries"]) == sorted(rows.items())
    # One verdict changes: one memo layer and the manifest are new (the config counts rows).
    key = sorted(rows)[0]
    s.memo_put_many({key: "1" if rows[key] == "0" else "0"})
    second = export(s, tmp_path / "out")
    assert (second.blobs_written, second.blobs_reused, second.blobs_removed) == (2, 16, 2)
    # Never finer than 16 layers (a results group would go to 256 past CHUNK_ENTRIES * 16).
    s.memo_put_many(memo_rows(oci.CHUNK_ENTRIES * 16 + 1))
    assert export(s, tmp_path / "out").layers == 16


@pytest.mark.parametrize(
    "entries",
    [
        [["x" * 64, "1"]],  # not a sha256 hex key
        [[content_digest(b"k"), 1]],  # not a string value
        [[content_digest(b"k"), "v" * (oci.MAX_MEMO_VALUE + 1)]],
        [[content_digest(b"k")]],
    ],
    ids=["key", "value-type", "value-size", "shape"],
)
def test_a_foreign_memo_layer_is_skipped_and_the_results_imported(tmp_path, entries):
    s = filled_store(tmp_path / "cache")
    s.memo_put_many(memo_rows(2))
    export(s, tmp_path / "out")
    # Re-sign a memo layer with foreign content: its digest is right, its content is not ours.
    data = oci.tar_gz("memo.json", json.dumps({"entries": entries}).encode())
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    blob(tmp_path / "out", digest).write_bytes(data)
    manifest = manifest_of(tmp_path / "out")
    manifest["layers"][2] = {"mediaType": oci.MEMO_MT, "digest": digest, "size": len(data)}
    mdata = json.dumps(manifest).encode()
    mdigest = "sha256:" + hashlib.sha256(mdata).hexdigest()
    blob(tmp_path / "out", mdigest).write_bytes(mdata)
    index = json.loads((tmp_path / "out" / "index.json").read_text())
    index["manifests"][0].update(digest=mdigest, size=len(mdata))
    (tmp_path / "out" / "index.json").write_text(json.dumps(index))
    t, result, warnings = _import(tmp_path)
    assert len(warnings) == 1
    assert warnings[0].startswith(f"cache import from {tmp_path / 'out'}:latest: layer {digest}: ")
    assert "bad memo entry" in warnings[0] and warnings[0].endswith("; not imported")
    assert (result.entries, result.layers, result.rejected, result.memo) == (60, 2, 1, 0)
    assert t.iter_memo() == []

"""A registry is a trust boundary: a hostile or broken one (tests/fake_registry.py plays it on
127.0.0.1) must never get credentials meant for another host, never make lintgate read without
bound, wait without end or crash: each bad answer is one warning and the run goes on without
the import."""

from __future__ import annotations

import base64
import fcntl
import gzip
import hashlib
import io
import json
import os
import tarfile
import time
import tracemalloc
from pathlib import Path

import pytest
from fake_registry import FakeRegistry
from helpers import REPOS, copy_repo, lintgate, normalize_stderr

from lintgate.cache import Entry, Store, content_digest, oci
from lintgate.cache.oci import layout, registry
from lintgate.cache.oci.registry import RegistryError
from lintgate.diagnostic import Finding

REPO = "lint/cache"
USER = ("alice", "s3cret")
BASIC = "Basic " + base64.b64encode(b"alice:s3cret").decode()


def filled_store(path: Path, n: int = 4) -> Store:
    s = Store(path)
    s.put_many(
        (Entry(content_digest(f"{i}".encode()), "black", "1.0", "0" * 64), [Finding(i + 1, 0, "x")])
        for i in range(n)
    )
    return s


def spec(addr: str, tag: str = "main") -> oci.CacheSpec:
    value = f"type=registry,ref={addr}/{REPO}:{tag},registry.insecure=true,mode=max"
    return oci.parse_export_cache([value])[0][0]


def docker_login(tmp_path: Path, monkeypatch, addr: str) -> None:
    (tmp_path / "docker").mkdir(exist_ok=True)
    auth = base64.b64encode(b"alice:s3cret").decode()
    (tmp_path / "docker" / "config.json").write_text(json.dumps({"auths": {addr: {"auth": auth}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))


def pull_warnings(tmp_path: Path, addr: str, tag: str = "main") -> tuple[oci.ImportResult, list]:
    warnings: list[str] = []
    result = oci.import_cache(Store(tmp_path / "pulled"), spec(addr, tag), warnings.append)
    return result, warnings


def pull_measured(tmp_path: Path, addr: str) -> tuple[oci.ImportResult, list, int]:
    """pull_warnings, and the peak of the memory Python allocated meanwhile (bytes)."""
    tracemalloc.start()
    try:
        result, warnings = pull_warnings(tmp_path, addr)
        return result, warnings, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.fixture(autouse=True)
def no_docker_login(tmp_path, monkeypatch):
    """No credentials unless a test logs in (never the ones of the user running the tests)."""
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "no-docker"))


# -- 1. credentials stay with their host ------------------------------------------------------


def test_credentials_are_not_sent_to_an_upload_location_on_another_host(tmp_path, monkeypatch):
    with FakeRegistry(auth=USER) as reg, FakeRegistry() as other:

        @reg.route("POST", r"/v2/lint/cache/blobs/uploads/")
        def start(h, m):
            if h.headers.get("Authorization") != BASIC:
                h.answer(401, headers={"WWW-Authenticate": 'Basic realm="fake"'})
            else:
                h.answer(202, headers={"Location": f"http://{other.addr}/upload/1"})

        @other.route("PUT", r"/upload/1\?.*")
        def harvest(h, m):
            h.body()
            h.answer(401, headers={"WWW-Authenticate": 'Basic realm="evil"'})

        docker_login(tmp_path, monkeypatch, reg.addr)
        with pytest.raises(RegistryError) as err:
            oci.export_cache(filled_store(tmp_path / "c"), spec(reg.addr))
        assert str(err.value) == (
            f"registry {reg.addr}: {other.addr} asks for credentials (PUT /upload/1);"
            f" lintgate sends them only to {reg.addr}"
        )
        assert [s.method for s in other.seen] == ["PUT"]
        assert all(s.authorization is None for s in other.seen)
        assert any(s.authorization == BASIC for s in reg.seen)


def test_credentials_are_not_sent_along_a_redirect_to_another_host(tmp_path, monkeypatch):
    with FakeRegistry(auth=USER) as reg, FakeRegistry(host="127.0.0.2") as other:
        for kind in ("manifests", "blobs"):

            @reg.route("GET", rf"/v2/lint/cache/{kind}/(.+)")
            def moved(h, m, kind=kind):
                if h.headers.get("Authorization") != BASIC:
                    h.answer(401, headers={"WWW-Authenticate": 'Basic realm="fake"'})
                else:
                    h.answer(307, headers={"Location": f"http://{other.addr}/{kind}/{m[1]}"})

        @other.route("GET", r"/manifests/main")
        def give(h, m):
            h.answer(200, b"{}")

        docker_login(tmp_path, monkeypatch, reg.addr)
        result, warnings = pull_warnings(tmp_path, reg.addr)
        # the redirect was followed (the manifest came from the other host), without credentials
        assert [s.path for s in other.seen] == ["/manifests/main"]
        assert all(s.authorization is None for s in other.seen)
        assert warnings == [
            f"cache import from {reg.addr}/{REPO}:main: manifest {sha(b'{}')} is not a lintgate"
            " cache; not imported"
        ]


def test_a_bearer_token_is_not_sent_along_a_redirect(tmp_path, monkeypatch):
    with FakeRegistry() as reg, FakeRegistry() as other:
        good = "Bearer tok"

        @reg.route("GET", r"/token\?.*")
        def token(h, m):
            h.answer(200, b'{"token": "tok"}')

        @reg.route("GET", r"/v2/lint/cache/manifests/main")
        def manifest(h, m):
            if h.headers.get("Authorization") != good:
                realm = f'Bearer realm="http://{reg.addr}/token",service="fake"'
                h.answer(401, headers={"WWW-Authenticate": realm})
            else:
                h.answer(302, headers={"Location": f"http://{other.addr}/elsewhere"})

        @other.route("GET", r"/elsewhere")
        def fail(h, m):
            h.answer(500)

        docker_login(tmp_path, monkeypatch, reg.addr)
        result, warnings = pull_warnings(tmp_path, reg.addr)
        assert [(s.path, s.authorization) for s in other.seen] == [("/elsewhere", None)]
        assert warnings == [
            f"cache import: registry {reg.addr}: GET /elsewhere answered 500; going on without it"
        ]


def test_basic_credentials_do_not_go_to_a_plain_http_realm_on_another_host(tmp_path, monkeypatch):
    with FakeRegistry() as reg, FakeRegistry() as other:

        @reg.route("GET", r"/v2/lint/cache/manifests/main")
        def manifest(h, m):
            realm = f'Bearer realm="http://{other.addr}/token",service="fake"'
            h.answer(401, headers={"WWW-Authenticate": realm})

        @other.route("GET", r"/token\?.*")
        def token(h, m):
            h.answer(401)

        docker_login(tmp_path, monkeypatch, reg.addr)
        result, warnings = pull_warnings(tmp_path, reg.addr)
        assert [s.authorization for s in other.seen] == [None]  # asked anonymously
        assert warnings == [
            f"cache import: registry {reg.addr}: no token from http://{other.addr}/token"
            " (credentials missing or refused); going on without it"
        ]


# -- 2. every read bounded in size and time, every parse guarded ------------------------------


def test_an_endless_manifest_is_cut_at_the_limit(tmp_path):
    with FakeRegistry() as reg:

        @reg.route("GET", r"/v2/lint/cache/manifests/main")
        def endless(h, m):
            h.send_response(200)
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            block = b"a" * 65536
            try:
                for _ in range(2048):  # 128 MiB: as good as endless
                    h.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
            except OSError:
                pass  # the client hung up: what it should do

        result, warnings, peak = pull_measured(tmp_path, reg.addr)
        assert warnings == [
            f"cache import: registry {reg.addr}: the manifest of main is larger than"
            " 4 MiB; going on without it"
        ]
        assert peak < 32 << 20
        assert result.entries == 0


def test_a_gzip_bomb_is_not_expanded(tmp_path):
    bomb = gzip.compress(b"\0" * (256 << 20), compresslevel=1)  # 256 MiB in about 1 MiB
    with FakeRegistry() as reg:

        @reg.route("GET", r"/v2/lint/cache/manifests/main")
        def encoded(h, m):
            h.answer(200, bomb, {"Content-Encoding": "gzip"})

        result, warnings, peak = pull_measured(tmp_path, reg.addr)
        assert warnings == [
            f"cache import: registry {reg.addr}: the manifest of main is larger than"
            " 4 MiB; going on without it"
        ]
        assert peak < 32 << 20


def _manifest_with_layer(reg: FakeRegistry, layer: dict) -> str:
    config = b"{}"
    reg.blobs[sha(config)] = config
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": oci.MANIFEST_MT,
            "artifactType": oci.ARTIFACT_TYPE,
            "config": {"mediaType": oci.CONFIG_MT, "digest": sha(config), "size": len(config)},
            "layers": [layer],
        }
    ).encode()
    reg.manifests["main"] = manifest
    return sha(manifest)


def test_a_huge_declared_blob_is_not_fetched(tmp_path):
    digest = "sha256:" + "ab" * 32
    with FakeRegistry() as reg:
        _manifest_with_layer(reg, {"mediaType": oci.LAYER_MT, "digest": digest, "size": 1200 << 20})
        result, warnings = pull_warnings(tmp_path, reg.addr)
        assert warnings == [
            f"cache import from {reg.addr}/{REPO}:main: layer {digest} declares 1258291200 bytes,"
            " more than the limit of 64 MiB; not imported"
        ]
        assert (result.entries, result.rejected) == (0, 1)
        assert not [s for s in reg.seen if s.path.endswith(digest)]


def test_a_dripping_answer_ends_at_the_deadline(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "REQUEST_DEADLINE", 2.0)
    with FakeRegistry() as reg:

        @reg.route("GET", r"/v2/lint/cache/manifests/main")
        def drip(h, m):
            h.send_response(200)
            h.send_header("Content-Length", "1000")
            h.end_headers()
            try:
                for _ in range(1000):
                    h.wfile.write(b" ")
                    h.wfile.flush()
                    time.sleep(0.5)  # well within any socket timeout
            except OSError:
                pass

        start = time.monotonic()
        result, warnings = pull_warnings(tmp_path, reg.addr)
        assert time.monotonic() - start < 4
        assert warnings == [
            f"cache import: registry {reg.addr}: no complete answer to GET"
            f" /v2/{REPO}/manifests/main within 2 s; going on without it"
        ]


def test_dripping_headers_end_at_the_deadline(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "REQUEST_DEADLINE", 2.0)
    with FakeRegistry() as reg:

        @reg.route("GET", r"/v2/lint/cache/manifests/main")
        def drip(h, m):
            try:
                h.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                for _ in range(1000):
                    h.wfile.write(b"a")
                    h.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
            h.close_connection = True

        start = time.monotonic()
        result, warnings = pull_warnings(tmp_path, reg.addr)
        assert time.monotonic() - start < 4
        assert warnings == [
            f"cache import: registry {reg.addr}: no complete answer to GET"
            f" /v2/{REPO}/manifests/main within 2 s; going on without it"
        ]


@pytest.mark.parametrize("status", [200, 400])
def test_deeply_nested_json_is_a_warning(tmp_path, status):
    deep = b"[" * 100_000 + b"]" * 100_000
    with FakeRegistry() as reg:

        @reg.route("GET", r"/v2/lint/cache/manifests/main")
        def nested(h, m):
            h.answer(status, deep)

        result, warnings = pull_warnings(tmp_path, reg.addr)
        if status == 200:
            expected = (
                f"cache import from {reg.addr}/{REPO}:main: manifest {sha(deep)} is not a"
                " lintgate cache; not imported"
            )
        else:
            expected = (
                f"cache import: registry {reg.addr}: GET /v2/{REPO}/manifests/main answered 400;"
                " going on without it"
            )
        assert warnings == [expected]


def test_a_deeply_nested_layer_is_a_warning(tmp_path):
    layer = oci.tar_gz(oci.LAYER_FILE, b"[" * 100_000 + b"]" * 100_000)
    with FakeRegistry() as reg:
        reg.blobs[sha(layer)] = layer
        _manifest_with_layer(
            reg, {"mediaType": oci.LAYER_MT, "digest": sha(layer), "size": len(layer)}
        )
        result, warnings = pull_warnings(tmp_path, reg.addr)
        assert warnings == [
            f"cache import from {reg.addr}/{REPO}:main: layer {sha(layer)}: not a results layer"
            " (nested too deeply); not imported"
        ]


@pytest.mark.parametrize("body", [b"[1,2,3]", b"null", b'{"token": 7}', b"\xff"])
def test_a_token_endpoint_answering_nonsense_is_a_warning(tmp_path, body):
    with FakeRegistry() as reg:

        @reg.route("GET", r"/token\?.*")
        def token(h, m):
            h.answer(200, body)

        @reg.route("GET", r"/v2/lint/cache/manifests/main")
        def manifest(h, m):
            realm = f'Bearer realm="http://{reg.addr}/token",service="fake"'
            h.answer(401, headers={"WWW-Authenticate": realm})

        result, warnings = pull_warnings(tmp_path, reg.addr)
        assert warnings == [
            f"cache import: registry {reg.addr}: no token from http://{reg.addr}/token"
            " (credentials missing or refused); going on without it"
        ]


def test_a_hostile_registry_leaves_the_run_as_without_the_import(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    with FakeRegistry() as reg:

        @reg.route("GET", r"/v2/lint/cache/manifests/main")
        def nested(h, m):
            h.answer(200, b"[" * 100_000 + b"]" * 100_000)

        ref = f"type=registry,ref={reg.addr}/{REPO}:main,registry.insecure=true"
        proc = lintgate(repo, "--import-cache", ref, timeout=60)
    assert proc.stdout == (REPOS / "both" / "expected.stdout").read_text("utf-8")
    lines = normalize_stderr(proc.stderr).splitlines()
    assert lines == [
        f"lintgate: warning: cache import from {reg.addr}/{REPO}:main: manifest"
        f" {sha(b'[' * 100_000 + b']' * 100_000)} is not a lintgate cache; not imported",
        "lintgate: 1 file checked, 2 findings, 0 from cache, N.NNs",
    ]
    assert proc.returncode == 1


def test_an_import_stops_at_its_overall_deadline(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "PULL_DEADLINE", 2.0)
    digests = ["sha256:" + f"{i:064x}" for i in range(50)]
    with FakeRegistry() as reg:
        for d in digests:  # fifty layers, each answered slowly but within its own deadline
            _manifest_with_layer(reg, {"mediaType": oci.LAYER_MT, "digest": d, "size": 100})
        doc = json.loads(reg.manifests["main"])
        doc["layers"] = [{"mediaType": oci.LAYER_MT, "digest": d, "size": 100} for d in digests]
        reg.manifests["main"] = json.dumps(doc).encode()

        @reg.route("GET", r"/v2/lint/cache/blobs/sha256:0{32}.*")
        def slow(h, m):
            time.sleep(0.6)
            h.answer(200, b"x" * 100)

        start = time.monotonic()
        result, warnings = pull_warnings(tmp_path, reg.addr)
        assert time.monotonic() - start < 4
        assert warnings[-1] == (
            f"cache import from {reg.addr}/{REPO}:main: registry {reg.addr}: the import took"
            " more than 2 s; not imported"
        )
        assert 2 <= len(warnings) <= 5  # the few layers that came in time: tampered
        assert result.entries == 0


def test_a_manifest_with_too_many_layers_is_refused(tmp_path):
    with FakeRegistry() as reg:
        digest = _manifest_with_layer(reg, {})
        doc = json.loads(reg.manifests["main"])
        doc["layers"] = [{"mediaType": oci.EMPTY_MT, "digest": sha(b"{}"), "size": 2}] * 5000
        reg.manifests["main"] = data = json.dumps(doc).encode()
        result, warnings = pull_warnings(tmp_path, reg.addr)
        assert warnings == [
            f"cache import from {reg.addr}/{REPO}:main: manifest {sha(data)} lists 5000 layers,"
            " more than the limit of 4096; not imported"
        ]
        assert digest != sha(data)


def test_a_layer_of_many_tar_members_costs_one_header(tmp_path):
    empty = tarfile.TarInfo("empty").tobuf(tarfile.USTAR_FORMAT)  # one header, no data
    body = json.dumps({"entries": []}).encode()
    info = tarfile.TarInfo(oci.LAYER_FILE)
    info.size = len(body)
    last = info.tobuf(tarfile.USTAR_FORMAT) + body.ljust(512, b"\0") + b"\0" * 1024
    raw = io.BytesIO(empty * 100_000 + last)  # a hundred thousand members, then ours
    layer = gzip.compress(raw.getvalue())
    with FakeRegistry() as reg:
        reg.blobs[sha(layer)] = layer
        _manifest_with_layer(
            reg, {"mediaType": oci.LAYER_MT, "digest": sha(layer), "size": len(layer)}
        )
        result, warnings, peak = pull_measured(tmp_path, reg.addr)
        assert warnings == [
            f"cache import from {reg.addr}/{REPO}:main: layer {sha(layer)}: not a results layer"
            f" (its first file is not {oci.LAYER_FILE}); not imported"
        ]
        assert peak < 32 << 20


def test_a_deeply_nested_index_in_a_shared_directory_is_a_warning(tmp_path):
    out = tmp_path / "shared"
    out.mkdir()
    (out / "index.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    warnings: list[str] = []
    spec = oci.parse_import_cache([f"type=local,src={out}"])[0][0]
    oci.import_cache(Store(tmp_path / "t"), spec, warnings.append)
    assert warnings == [f"cache import: {out} has no manifest tagged 'latest'; going on without it"]


def test_a_shared_directory_locked_for_ever_is_a_warning(tmp_path, monkeypatch):
    monkeypatch.setattr(layout, "LOCK_TIMEOUT", 0.5)
    out = tmp_path / "shared"
    oci.export_cache(
        filled_store(tmp_path / "c"), oci.parse_export_cache([f"type=local,dest={out}"])[0][0]
    )
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # a writer that never finishes
        warnings: list[str] = []
        spec = oci.parse_import_cache([f"type=local,src={out}"])[0][0]
        start = time.monotonic()
        assert oci.import_cache(Store(tmp_path / "t"), spec, warnings.append).entries == 0
        assert time.monotonic() - start < 2
        assert warnings == [
            f"cache import: cannot read {out}: locked by another process for more than 0.5 s;"
            " going on without it"
        ]
    finally:
        os.close(fd)

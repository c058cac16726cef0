"""Push to and pull from a real registry: Debian's docker-registry (distribution 2.x), started
on a free loopback port with a temporary storage directory."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.server
import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from lintgate.cache import Entry, Store, content_digest, oci
from lintgate.cache.oci.registry import Client, RegistryError, credentials_for
from lintgate.diagnostic import Finding

REGISTRY = "/usr/bin/docker-registry"
CONFIG = Path(__file__).parent / "fixtures" / "cache" / "registry.yml"
needs_registry = pytest.mark.skipif(
    not Path(REGISTRY).exists(),
    reason="docker-registry is not installed (apt-get install docker-registry; .ci/run does)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _htpasswd_line(user: str, password: str) -> str:
    if shutil.which("htpasswd"):
        out = subprocess.run(
            ["htpasswd", "-Bbn", user, password],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    bcrypt = pytest.importorskip("bcrypt", reason="neither htpasswd (apache2-utils) nor bcrypt")
    return f"{user}:{bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()}"


@contextlib.contextmanager
def registry(tmp: Path, auth: tuple[str, str] | None = None):
    """A running registry; yields (address "127.0.0.1:PORT", storage root)."""
    tmp.mkdir(parents=True, exist_ok=True)
    addr = f"127.0.0.1:{_free_port()}"
    auth_block = ""
    if auth:
        (tmp / "htpasswd").write_text(_htpasswd_line(*auth) + "\n")
        auth_block = f"auth:\n  htpasswd:\n    realm: lintgate-test\n    path: {tmp / 'htpasswd'}\n"
    config = CONFIG.read_text().replace("@ROOT@", str(tmp / "data")).replace("@ADDR@", addr)
    (tmp / "config.yml").write_text(config.replace("@AUTH@", auth_block))
    log = open(tmp / "registry.log", "wb")
    proc = subprocess.Popen([REGISTRY, "serve", str(tmp / "config.yml")], stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"http://{addr}/v2/", timeout=1)
                break
            except urllib.error.HTTPError:
                break  # 401: up, and asking for credentials
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"docker-registry did not start: {(tmp / 'registry.log').read_text()}"
                    ) from None
                time.sleep(0.05)
        yield addr, tmp / "data"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def filled_store(path: Path) -> Store:
    s = Store(path)
    items = [
        (
            Entry(
                content_digest(f"{i}".encode()),
                linter,
                "1.0",
                hashlib.sha256(linter.encode()).hexdigest(),
            ),
            [Finding(i + 1, 0, f"{linter} {i}")] if i % 2 else [],
        )
        for linter in ("black", "isort")
        for i in range(20)
    ]
    s.put_many(items)
    return s


def spec(addr: str, tag: str = "main", mode: str = "max") -> oci.CacheSpec:
    value = f"type=registry,ref={addr}/lint/cache:{tag},registry.insecure=true,mode={mode}"
    return oci.parse_export_cache([value])[0][0]


@needs_registry
def test_push_get_pull(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # one config blob, whatever the clock
    s = filled_store(tmp_path / "cache")
    with registry(tmp_path / "reg") as (addr, storage):
        result = oci.export_cache(s, spec(addr))
        assert (result.layers, result.entries, result.blobs_written) == (2, 40, 4)
        again = oci.export_cache(s, spec(addr))
        assert (again.blobs_written, again.blobs_reused) == (
            1,
            3,
        )  # only the manifest PUT again
        # A plain HTTP GET gives back our manifest, byte for byte.
        req = urllib.request.Request(
            f"http://{addr}/v2/lint/cache/manifests/main",
            headers={"Accept": oci.MANIFEST_MT},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
            assert resp.headers["Docker-Content-Digest"] == result.manifest_digest
            assert resp.headers["Content-Type"] == oci.MANIFEST_MT
        assert "sha256:" + hashlib.sha256(body).hexdigest() == result.manifest_digest
        manifest = json.loads(body)
        assert manifest["artifactType"] == oci.ARTIFACT_TYPE
        assert manifest["config"]["mediaType"] == oci.CONFIG_MT
        # Pull into an empty store: the same entries.
        t = Store(tmp_path / "fresh")
        pulled = oci.import_cache(t, spec(addr), pytest.fail)
        assert (pulled.entries, pulled.layers, pulled.rejected) == (40, 2, 0)
        assert list(t.iter_entries()) == list(s.iter_entries())

        # A layer damaged in the registry's storage: named, skipped, the other one imported.
        layer = manifest["layers"][0]["digest"][7:]
        data = (
            storage / "docker" / "registry" / "v2" / "blobs" / "sha256" / layer[:2] / layer / "data"
        )
        raw = bytearray(data.read_bytes())
        raw[len(raw) // 2] ^= 1
        data.write_bytes(bytes(raw))
        u = Store(tmp_path / "fresh2")
        warnings: list[str] = []
        pulled = oci.import_cache(u, spec(addr), warnings.append)
        assert warnings == [
            f"cache import from {addr}/lint/cache:main: layer sha256:{layer} does not match its digest"
            " (tampered); not imported"
        ]
        assert (pulled.entries, pulled.layers, pulled.rejected) == (20, 1, 1)
        assert set(u.iter_entries()) < set(s.iter_entries())

        # An export of a run that used nothing: one empty layer, accepted by the registry.
        empty = oci.export_cache(Store(tmp_path / "empty"), spec(addr, tag="none", mode="min"))
        assert (empty.layers, empty.entries) == (1, 0)
        assert oci.import_cache(u, spec(addr, tag="none"), pytest.fail).entries == 0

        # A tag that is not there: a warning naming the tags there (the registry's tags/list),
        # nothing imported.
        warnings = []
        oci.import_cache(u, spec(addr, tag="nope"), warnings.append)
        assert warnings == [
            f"cache import: {addr}/lint/cache:nope not found (tags there: main, none);"
            " going on without it"
        ]


@needs_registry
def test_basic_auth_from_docker_config(tmp_path, monkeypatch):
    s = filled_store(tmp_path / "cache")
    docker = tmp_path / "docker"
    docker.mkdir()
    monkeypatch.setenv("DOCKER_CONFIG", str(docker))
    with registry(tmp_path / "reg", auth=("alice", "s3cret")) as (addr, _):
        with pytest.raises(RegistryError) as err:
            oci.export_cache(s, spec(addr))
        assert str(err.value) == (
            f"registry {addr} requires credentials and {docker / 'config.json'} has none for it"
            f" (docker login {addr})"
        )
        warnings: list[str] = []
        oci.import_cache(Store(tmp_path / "nocreds"), spec(addr), warnings.append)
        assert warnings == [f"cache import: {err.value}; going on without it"]

        (docker / "config.json").write_text(
            json.dumps({"auths": {addr: {"auth": base64.b64encode(b"alice:wrong").decode()}}})
        )
        with pytest.raises(RegistryError) as err:
            oci.export_cache(s, spec(addr))
        assert str(err.value) == (
            f"registry {addr} refused the credentials for it in {docker / 'config.json'}"
            " (401 Unauthorized)"
        )

        (docker / "config.json").write_text(
            json.dumps({"auths": {addr: {"auth": base64.b64encode(b"alice:s3cret").decode()}}})
        )
        result = oci.export_cache(s, spec(addr))
        assert result.entries == 40
        t = Store(tmp_path / "fresh")
        assert oci.import_cache(t, spec(addr), pytest.fail).entries == 40
        assert list(t.iter_entries()) == list(s.iter_entries())


def test_unreachable_registry(tmp_path):
    addr = f"127.0.0.1:{_free_port()}"  # nothing listens there
    s = filled_store(tmp_path / "cache")
    with pytest.raises(RegistryError, match=rf"^registry {addr} unreachable: ConnectionError$"):
        oci.export_cache(s, spec(addr))
    warnings: list[str] = []
    assert oci.import_cache(s, spec(addr), warnings.append).entries == 0
    assert warnings == [
        f"cache import: registry {addr} unreachable: ConnectionError; going on without it"
    ]


def test_credentials_for(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "auths": {
                    "https://reg.example:5000/v1/": {
                        "auth": base64.b64encode(b"u:p:with:colons").decode()
                    },
                    "other.example": {"username": "v", "password": "q"},
                    "broken.example": {"auth": "!!!"},
                }
            }
        )
    )
    assert credentials_for("reg.example:5000", config) == ("u", "p:with:colons")
    assert credentials_for("other.example", config) == ("v", "q")
    assert credentials_for("broken.example", config) is None
    assert credentials_for("reg.example", config) is None
    assert credentials_for("x", tmp_path / "absent.json") is None


class _BearerHandler(http.server.BaseHTTPRequestHandler):
    """A registry front door that wants a Bearer token from its realm (docker's token
    protocol): the realm gives one for alice's Basic credentials; with it, every manifest
    is "not found"."""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        addr = f"{self.server.server_address[0]}:{self.server.server_address[1]}"
        if self.path.startswith("/token?"):
            query = urllib.parse.parse_qs(self.path.split("?", 1)[1])
            good = "Basic " + base64.b64encode(b"alice:s3cret").decode()
            if self.headers.get("Authorization") != good or query.get("service") != ["fake"]:
                self.send_response(401)
                self.end_headers()
                return
            body = json.dumps({"token": "tok:" + query["scope"][0]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)
            return
        if self.headers.get("Authorization") == "Bearer tok:repository:lint/cache:pull":
            self.send_response(404)
        else:
            self.send_response(401)
            self.send_header(
                "WWW-Authenticate",
                f'Bearer realm="http://{addr}/token",service="fake",scope="repository:lint/cache:pull"',
            )
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_bearer_token_challenge(tmp_path, monkeypatch):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _BearerHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        addr = f"127.0.0.1:{server.server_address[1]}"
        monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
        client = Client(addr, "lint/cache", insecure=True)
        with pytest.raises(RegistryError) as err:
            client.get_manifest("main")
        assert str(err.value) == (
            f"registry {addr}: no token from http://{addr}/token (credentials missing or refused)"
        )
        auth = base64.b64encode(b"alice:s3cret").decode()
        (tmp_path / "config.json").write_text(json.dumps({"auths": {addr: {"auth": auth}}}))
        client = Client(addr, "lint/cache", insecure=True)
        assert client.get_manifest("main") is None  # authorized, and the tag is absent
    finally:
        server.shutdown()
        server.server_close()

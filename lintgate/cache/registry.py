"""Push and pull a cache export to and from an OCI registry (the distribution API, v2).

Push: each blob (HEAD to skip what the registry has, else POST an upload session and PUT the
bytes with their digest), then PUT the manifest by tag. Pull: GET the manifest by tag, then
GET each blob, checking every one against its descriptor (lintgate.cache.oci.import_manifest).

HTTP goes through `requests`. The ORAS Python client (`oras`) was tried first and set aside:
its request wrapper retries every failure (a refused connection, a 401 it cannot answer) five
times with sleeps of 3 to 83 seconds, and it re-serializes manifests, so the bytes pushed are
not the bytes whose digest the export computed.

Credentials: when the registry answers 401, the `auths` entry for its host in the Docker config
file ($DOCKER_CONFIG/config.json, else ~/.docker/config.json; the base64 `auth` field, or
`username` and `password`) is used, for a Basic challenge directly and for a Bearer challenge
to fetch a token from the realm (docker's token protocol).
"""

from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path

import requests

from lintgate.cache.ocitypes import (
    MANIFEST_MT,
    Artifact,
    Descriptor,
    ExportResult,
    Fetch,
    OCIError,
    Warn,
    sha256_digest,
)
from lintgate.cache.spec import CacheSpec

TIMEOUT = 30.0  # seconds per HTTP request


class RegistryError(OCIError):
    """The registry refused or could not be reached; `str(error)` is one line."""


def docker_config_path() -> Path:
    """$DOCKER_CONFIG/config.json, else ~/.docker/config.json (where `docker login` writes)."""
    base = os.environ.get("DOCKER_CONFIG")
    return Path(base) / "config.json" if base else Path.home() / ".docker" / "config.json"


def credentials_for(host: str, config: Path | None = None) -> tuple[str, str] | None:
    """(username, password) for registry `host` ("HOST[:PORT]") from the Docker config's
    `auths`, or None. Keys may be the bare host or a URL with it (docker accepts both).
    """
    path = config or docker_config_path()
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    auths = doc.get("auths") if isinstance(doc, dict) else None
    if not isinstance(auths, dict):
        return None
    for key, value in auths.items():
        bare = re.sub(r"^[a-z]+://", "", key).split("/", 1)[0]
        if bare != host or not isinstance(value, dict):
            continue
        if isinstance(value.get("auth"), str) and value["auth"]:
            try:
                user, sep, password = base64.b64decode(value["auth"]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                continue
            if sep:
                return user, password
        if isinstance(value.get("username"), str) and isinstance(value.get("password"), str):
            return value["username"], value["password"]
    return None


def _challenge(header: str) -> tuple[str, dict[str, str]]:
    """`Bearer realm="...",service="..."` -> ("bearer", {"realm": ..., "service": ...})."""
    scheme, _, rest = header.strip().partition(" ")
    params = dict(re.findall(r'(\w+)="([^"]*)"', rest))
    return scheme.lower(), params


class Client:
    """A session with one repository: `host` ("HOST[:PORT]"), `name` (the repository path).
    insecure=True speaks plain HTTP (registry.insecure=true)."""

    def __init__(
        self, host: str, name: str, insecure: bool = False, config: Path | None = None
    ) -> None:
        self.host, self.name = host, name
        self.base = f"{'http' if insecure else 'https'}://{host}/v2/{name}"
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies from the environment for a registry we named
        self.config = config
        self._auth: str | None = None  # the Authorization header that worked

    def request(self, method: str, url: str, ok: tuple[int, ...], **kw) -> requests.Response:
        """Send, answering one 401 challenge with the Docker config's credentials.
        Raises RegistryError unless the status is in `ok`."""
        headers = dict(kw.pop("headers", {}))
        resp = self._send(method, url, headers, **kw)
        if resp.status_code == 401:
            self._authenticate(resp)
            resp = self._send(method, url, headers, **kw)
            if resp.status_code == 401:
                raise RegistryError(
                    f"registry {self.host} refused the credentials for it in"
                    f" {self.config or docker_config_path()} (401 Unauthorized)"
                )
        if resp.status_code not in ok:
            raise RegistryError(
                f"registry {self.host}: {method} {_path(url)} answered {resp.status_code}{_reason(resp)}"
            )
        return resp

    def _send(self, method: str, url: str, headers: dict, **kw) -> requests.Response:
        if self._auth:
            headers = {**headers, "Authorization": self._auth}
        try:
            return self.session.request(method, url, headers=headers, timeout=TIMEOUT, **kw)
        except requests.RequestException as e:
            raise RegistryError(f"registry {self.host} unreachable: {type(e).__name__}") from None

    def _authenticate(self, resp: requests.Response) -> None:
        creds = credentials_for(self.host, self.config)
        scheme, params = _challenge(resp.headers.get("WWW-Authenticate", ""))
        if scheme == "basic":
            if creds is None:
                raise RegistryError(
                    f"registry {self.host} requires credentials and {self.config or docker_config_path()}"
                    f" has none for it (docker login {self.host})"
                )
            self._auth = "Basic " + base64.b64encode(f"{creds[0]}:{creds[1]}".encode()).decode()
        elif scheme == "bearer" and params.get("realm"):
            query = {k: params[k] for k in ("service", "scope") if k in params}
            if "scope" not in query:
                query["scope"] = f"repository:{self.name}:pull,push"
            try:
                r = self.session.get(params["realm"], params=query, auth=creds, timeout=TIMEOUT)
                token = r.json().get("token") or r.json().get("access_token") if r.ok else None
            except (requests.RequestException, ValueError):
                token = None
            if not token:
                raise RegistryError(
                    f"registry {self.host}: no token from {params['realm']} (credentials missing or refused)"
                )
            self._auth = f"Bearer {token}"
        else:
            raise RegistryError(
                f"registry {self.host} asks for an unsupported authentication: {scheme or 'none'}"
            )

    def push_blob(self, digest: str, data: bytes) -> bool:
        """Upload one blob unless the registry has it; True when it was uploaded."""
        if self.request("HEAD", f"{self.base}/blobs/{digest}", ok=(200, 404)).status_code == 200:
            return False
        start = self.request("POST", f"{self.base}/blobs/uploads/", ok=(202,))
        location = start.headers.get("Location", "")
        if not location:
            raise RegistryError(f"registry {self.host} gave no upload location")
        url = requests.compat.urljoin(f"{self.base}/", location)
        self.request(
            "PUT",
            url,
            ok=(201, 204),
            params={"digest": digest},
            data=data,
            headers={"Content-Type": "application/octet-stream"},
        )
        return True

    def put_manifest(self, tag: str, data: bytes) -> None:
        """PUT the manifest bytes (as they are: their digest is the one exported) under `tag`."""
        self.request(
            "PUT",
            f"{self.base}/manifests/{tag}",
            ok=(200, 201),
            data=data,
            headers={"Content-Type": MANIFEST_MT},
        )

    def get_manifest(self, tag: str) -> tuple[bytes, str | None] | None:
        """(manifest bytes, Docker-Content-Digest header) for `tag`, or None when absent."""
        resp = self.request(
            "GET",
            f"{self.base}/manifests/{tag}",
            ok=(200, 404),
            headers={"Accept": MANIFEST_MT},
        )
        if resp.status_code == 404:
            return None
        return resp.content, resp.headers.get("Docker-Content-Digest")

    def get_blob(self, digest: str, size: int) -> bytes | None:
        """At most size + 1 bytes of a blob, or None when the registry does not have it."""
        try:
            resp = self.request("GET", f"{self.base}/blobs/{digest}", ok=(200, 404), stream=True)
        except RegistryError as e:
            raise ValueError(str(e)) from None
        with resp:
            if resp.status_code == 404:
                return None
            out = bytearray()
            try:
                for chunk in resp.iter_content(65536):
                    out += chunk
                    if len(out) > size:
                        break
            except requests.RequestException as e:
                raise ValueError(f"download failed: {type(e).__name__}") from None
            return bytes(out[: size + 1])


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[-1].split("?", 1)[0]


def _reason(resp: requests.Response) -> str:
    try:
        errors = resp.json().get("errors") or []
        return f" ({errors[0].get('code')}: {errors[0].get('message')})" if errors else ""
    except (ValueError, AttributeError, IndexError):
        return ""


def _client(spec: CacheSpec) -> Client:
    host, _, name = spec.location.partition("/")
    return Client(host, name, spec.insecure)


def push(spec: CacheSpec, artifact: Artifact) -> ExportResult:
    """Push `artifact` to the registry repository of `spec` under `spec.tag`: blobs first,
    then the manifest. Raises RegistryError (one line)."""
    client = _client(spec)
    written = reused = 0
    for digest, data in artifact.blobs.items():
        if digest == artifact.manifest.digest:
            continue
        if client.push_blob(digest, data):
            written += 1
        else:
            reused += 1
    client.put_manifest(spec.tag, artifact.blobs[artifact.manifest.digest])
    return ExportResult(
        f"{spec.location}:{spec.tag}",
        spec.tag,
        artifact.manifest.digest,
        artifact.layers,
        artifact.entries,
        written + 1,
        reused,
        0,
    )


def pull(spec: CacheSpec, warn: Warn) -> tuple[Descriptor, Fetch] | None:
    """The manifest descriptor of the artifact tagged `spec.tag` and a fetch function for its
    blobs (lintgate.cache.oci.import_manifest checks and merges them), or None after one
    warning when the registry is unreachable, wants credentials it is not given or lacks the
    tag."""
    source = f"{spec.location}:{spec.tag}"
    client = _client(spec)
    try:
        got = client.get_manifest(spec.tag)
    except RegistryError as e:
        warn(f"cache import: {e}; going on without it")
        return None
    if got is None:
        warn(f"cache import: {source} not found; going on without it")
        return None
    data, digest = got
    # The registry names the manifest's digest; check the bytes against it as against a descriptor.
    desc = Descriptor(MANIFEST_MT, digest or sha256_digest(data), len(data))
    blobs = {desc.digest: data}

    def fetch(d: str, size: int) -> bytes | None:
        return blobs[d] if d in blobs else client.get_blob(d, size)

    return desc, fetch

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
to fetch a token from the realm (docker's token protocol); lintgate.cache.auth says where they
may go. Every answer is read through lintgate.cache.http.read_body (bounded in size and time).
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import requests

from lintgate.cache.oci.answers import MAX_TAGS, parse_tags, reason, tags_hint, url_path
from lintgate.cache.oci.auth import (
    authority,
    challenge,
    credentials_for,
    docker_config_path,
    realm_may_get_credentials,
    same_origin,
)
from lintgate.cache.oci.http import (
    BodyError,
    Deadline,
    TooLarge,
    TooSlow,
    read_body,
    session_with_watchdog,
)
from lintgate.cache.oci.media import (
    MANIFEST_MT,
    MAX_MANIFEST,
    Artifact,
    Descriptor,
    ExportResult,
    Fetch,
    FetchAborted,
    OCIError,
    Warn,
    parse_json,
    sha256_digest,
    shown,
)
from lintgate.cache.oci.spec import CacheSpec

REQUEST_DEADLINE = 60.0  # seconds: the whole of one request, its answer's body included
BLOB_RATE = 256 << 10  # bytes per second: a blob's deadline grows by its size at this rate
CONNECT_TIMEOUT = 10.0  # seconds
PULL_DEADLINE = 300.0  # seconds: all the requests of one import together
MAX_REDIRECTS = 5
MAX_SMALL_BODY = 1 << 20  # bytes: a token answer


class RegistryError(OCIError):
    """The registry refused or could not be reached; `str(error)` is one line."""


class Client:
    """A session with one repository: `host` ("HOST[:PORT]"), `name` (the repository path).
    insecure=True speaks plain HTTP (registry.insecure=true).

    Credentials (the Authorization header that answered a 401) go only to URLs on `host`
    with this scheme, whatever Location headers and redirects name (see lintgate.cache.auth).
    """

    def __init__(
        self, host: str, name: str, insecure: bool = False, config: Path | None = None
    ) -> None:
        self.host, self.name = host, name
        self.scheme = "http" if insecure else "https"
        self.base = f"{self.scheme}://{host}/v2/{name}"
        self.session, self._watchdog = session_with_watchdog()
        self.session.trust_env = False  # no proxies from the environment for a registry we named
        self.config = config
        self.budget: Deadline | None = None  # when set, no request outlives it (a pull's)
        self._auth: str | None = None  # the Authorization header that worked

    def request(
        self, method: str, url: str, ok: tuple[int, ...], deadline: float = 0.0, **kw: Any
    ) -> tuple[requests.Response, Deadline]:
        """Send, answering one 401 challenge with the Docker config's credentials.

        Returns the streamed response (read it with read_body, or close it) and the request's
        deadline (`deadline` seconds, default REQUEST_DEADLINE). Raises RegistryError unless
        the status is in `ok`, and when a host other than `host` asks for credentials.
        """
        timer = Deadline(deadline or REQUEST_DEADLINE)
        if self.budget is not None:
            timer = self.budget.sooner(timer.seconds)
        headers = dict(kw.pop("headers", {}))
        resp = self._send(method, url, headers, timer, **kw)
        if resp.status_code == 401:
            resp.close()
            self._refuse_foreign(resp, method)
            self._authenticate(resp, timer)
            resp = self._send(method, url, headers, timer, **kw)
            if resp.status_code == 401:
                resp.close()
                self._refuse_foreign(resp, method)
                raise RegistryError(
                    f"registry {self.host} refused the credentials for it in"
                    f" {self.config or docker_config_path()} (401 Unauthorized)"
                )
        if resp.status_code not in ok:
            why = reason(resp, timer)
            raise RegistryError(
                f"registry {self.host}: {method} {url_path(resp.url)} answered {resp.status_code}{why}"
            )
        return resp, timer

    def _send(
        self, method: str, url: str, headers: dict[str, str], deadline: Deadline, **kw: Any
    ) -> requests.Response:
        """One request, following up to MAX_REDIRECTS redirects of a GET or HEAD itself, so
        that the credentials go along only to `host`."""
        for _ in range(MAX_REDIRECTS + 1):
            sent = {**headers, "Accept-Encoding": "identity"}
            if self._auth and same_origin(url, self.scheme, self.host):
                sent["Authorization"] = self._auth
            left = deadline.left()
            if not left:
                raise self._too_slow(method, url, deadline)
            try:
                with self._watchdog.armed(left):  # until the headers are in
                    resp = self.session.request(
                        method,
                        url,
                        headers=sent,
                        timeout=(min(CONNECT_TIMEOUT, left), left),
                        allow_redirects=False,
                        stream=True,
                        **kw,
                    )
            except requests.RequestException as e:
                if not deadline.left():
                    raise self._too_slow(method, url, deadline) from None
                if isinstance(e, requests.exceptions.SSLError) and self.scheme == "https":
                    raise RegistryError(  # most often a registry that speaks plain HTTP
                        f"registry {self.host} did not answer over HTTPS (a TLS error); if it"
                        " speaks plain HTTP, add registry.insecure=true to the cache spec"
                    ) from None
                raise RegistryError(
                    f"registry {self.host} unreachable: {type(e).__name__}"
                ) from None
            if not (resp.is_redirect and method in ("GET", "HEAD")):
                return resp
            resp.close()
            url = requests.compat.urljoin(url, resp.headers["Location"])
        raise RegistryError(
            f"registry {self.host}: more than {MAX_REDIRECTS} redirects for {method} {url_path(url)}"
        )

    def _too_slow(self, method: str, url: str, deadline: Deadline) -> RegistryError:
        return RegistryError(
            f"registry {self.host}: no complete answer to {method} {url_path(url)}"
            f" within {deadline.seconds:g} s"
        )

    def _refuse_foreign(self, resp: requests.Response, method: str) -> None:
        """Raise RegistryError when the 401 `resp` comes from another host than ours: the
        credentials are for `host` only."""
        if not same_origin(resp.url, self.scheme, self.host):
            raise RegistryError(
                f"registry {self.host}: {authority(resp.url)} asks for credentials"
                f" ({method} {url_path(resp.url)}); lintgate sends them only to {self.host}"
            )

    def _authenticate(self, resp: requests.Response, deadline: Deadline) -> None:
        creds = credentials_for(self.host, self.config)
        scheme, params = challenge(resp.headers.get("WWW-Authenticate", ""))
        if scheme == "basic":
            if creds is None:
                raise RegistryError(
                    f"registry {self.host} requires credentials and {self.config or docker_config_path()}"
                    f" has none for it (docker login {self.host})"
                )
            self._auth = "Basic " + base64.b64encode(f"{creds[0]}:{creds[1]}".encode()).decode()
        elif scheme == "bearer" and params.get("realm"):
            realm = params["realm"]
            query: dict[str, str] = {k: params[k] for k in ("service", "scope") if k in params}
            if "scope" not in query:
                query["scope"] = f"repository:{self.name}:pull,push"
            if not realm_may_get_credentials(realm, self.scheme, self.host):
                creds = None  # ask anonymously: a public repository's pull token needs none
            token = self._token(realm, query, creds, deadline)
            if not token:
                raise RegistryError(
                    f"registry {self.host}: no token from {shown(realm)} (credentials missing or refused)"
                )
            self._auth = f"Bearer {token}"
        else:
            raise RegistryError(
                f"registry {self.host} asks for an unsupported authentication: {scheme or 'none'}"
            )

    def _token(
        self, realm: str, query: dict[str, str], creds: tuple[str, str] | None, deadline: Deadline
    ) -> str | None:
        """The token the realm gives (docker's token protocol: `token` or `access_token`
        in a JSON object), or None for any other answer."""
        left = deadline.left()
        try:
            with self._watchdog.armed(left or 0.001):
                r = self.session.get(
                    realm,
                    params=query,
                    auth=creds,
                    timeout=(min(CONNECT_TIMEOUT, left), left or 0.001),
                    allow_redirects=False,
                    stream=True,
                    headers={"Accept-Encoding": "identity"},
                )
            if not r.ok:
                r.close()
                return None
            doc = parse_json(read_body(r, MAX_SMALL_BODY, deadline))
        except (requests.RequestException, ValueError):
            return None
        token = (doc.get("token") or doc.get("access_token")) if isinstance(doc, dict) else None
        return token if isinstance(token, str) and token.isprintable() else None

    def push_blob(self, digest: str, data: bytes) -> bool:
        """Upload one blob unless the registry has it; True when it was uploaded."""
        head, _ = self.request("HEAD", f"{self.base}/blobs/{digest}", ok=(200, 404))
        head.close()
        if head.status_code == 200:
            return False
        start, _ = self.request("POST", f"{self.base}/blobs/uploads/", ok=(202,))
        start.close()
        location = start.headers.get("Location", "")
        if not location:
            raise RegistryError(f"registry {self.host} gave no upload location")
        url = requests.compat.urljoin(f"{self.base}/", location)
        resp, _ = self.request(
            "PUT",
            url,
            ok=(201, 204),
            params={"digest": digest},
            data=data,
            headers={"Content-Type": "application/octet-stream"},
        )
        resp.close()
        return True

    def put_manifest(self, tag: str, data: bytes) -> None:
        """PUT the manifest bytes (as they are: their digest is the one exported) under `tag`."""
        resp, _ = self.request(
            "PUT",
            f"{self.base}/manifests/{tag}",
            ok=(200, 201),
            data=data,
            headers={"Content-Type": MANIFEST_MT},
        )
        resp.close()

    def get_manifest(self, tag: str) -> tuple[bytes, str | None] | None:
        """(manifest bytes, Docker-Content-Digest header) for `tag`, or None when absent.
        Raises RegistryError, also for a manifest larger than MAX_MANIFEST or too slow."""
        url = f"{self.base}/manifests/{tag}"
        resp, deadline = self.request("GET", url, ok=(200, 404), headers={"Accept": MANIFEST_MT})
        if resp.status_code == 404:
            resp.close()
            return None
        try:
            data = read_body(resp, MAX_MANIFEST, deadline)
        except TooSlow:
            raise self._too_slow("GET", url, deadline) from None
        except BodyError as e:
            raise RegistryError(f"registry {self.host}: the manifest of {tag} is {e}") from None
        return data, resp.headers.get("Docker-Content-Digest")

    def list_tags(self) -> list[str] | None:
        """The repository's tags (lintgate.cache.oci.answers.parse_tags: the first MAX_TAGS),
        or None when the registry does not say."""
        url = f"{self.base}/tags/list?n={MAX_TAGS}"
        try:
            resp, deadline = self.request("GET", url, ok=(200,))
            return parse_tags(parse_json(read_body(resp, MAX_SMALL_BODY, deadline)))
        except (RegistryError, ValueError, TooSlow, BodyError):
            return None

    def get_blob(self, digest: str, size: int) -> bytes | None:
        """The blob's bytes, or None when the registry does not have it. Raises ValueError
        (one line) when it cannot be had, is larger than `size` or too slow (its deadline:
        REQUEST_DEADLINE plus `size` at BLOB_RATE), FetchAborted once the pull's budget
        (PULL_DEADLINE) is spent."""
        try:
            return self._get_blob(digest, size)
        except ValueError:
            if self.budget is not None and not self.budget.left():
                raise FetchAborted(
                    f"registry {self.host}: the import took more than {self.budget.seconds:g} s"
                ) from None
            raise

    def _get_blob(self, digest: str, size: int) -> bytes | None:
        url = f"{self.base}/blobs/{digest}"
        if self.budget is not None and not self.budget.left():
            raise ValueError("no time left")
        try:
            resp, deadline = self.request(
                "GET", url, ok=(200, 404), deadline=REQUEST_DEADLINE + size / BLOB_RATE
            )
        except RegistryError as e:
            raise ValueError(str(e)) from None
        if resp.status_code == 404:
            resp.close()
            return None
        try:
            return read_body(resp, size, deadline)
        except TooLarge:
            raise ValueError(f"has more bytes than its descriptor's {size} (tampered)") from None
        except TooSlow:
            raise ValueError(str(self._too_slow("GET", url, deadline))) from None
        except BodyError as e:
            raise ValueError(str(e)) from None


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
    client.budget = Deadline(PULL_DEADLINE)
    try:
        got = client.get_manifest(spec.tag)
    except RegistryError as e:
        warn(f"cache import: {e}; going on without it")
        return None
    if got is None:
        warn(
            f"cache import: {source} not found{tags_hint(client.list_tags())}; going on without it"
        )
        return None
    data, digest = got
    # The registry names the manifest's digest; check the bytes against it as against a descriptor.
    desc = Descriptor(MANIFEST_MT, digest or sha256_digest(data), len(data))
    blobs = {desc.digest: data}

    def fetch(d: str, size: int) -> bytes | None:
        return blobs[d] if d in blobs else client.get_blob(d, size)

    return desc, fetch

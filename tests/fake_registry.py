"""A small in-memory OCI registry on 127.0.0.1 for the tests (http.server in a thread): the
distribution API lintgate speaks (blobs HEAD/GET, uploads POST/PUT, manifests PUT/GET, the
tag list), an optional Basic password, a log of every request, and `routes` that override any
answer, so a test can play a hostile registry."""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import re
import threading
import uuid
from typing import Callable, NamedTuple


class Seen(NamedTuple):
    """One request as the server saw it."""

    method: str
    path: str
    authorization: str | None


# (method, path regex, handler(request_handler, match)) -> answer the request itself
Route = tuple[str, str, Callable[["_Handler", "re.Match[str]"], None]]


class FakeRegistry:
    """Start with `with FakeRegistry() as reg:`; `reg.addr` is "127.0.0.1:PORT".

    auth: (user, password) makes every request without them answer 401 with a Basic
    challenge. routes: tried in order before the registry's own answers.
    """

    def __init__(self, auth: tuple[str, str] | None = None, host: str = "127.0.0.1") -> None:
        self.blobs: dict[str, bytes] = {}
        self.manifests: dict[str, bytes] = {}
        self.uploads: dict[str, bool] = {}
        self.seen: list[Seen] = []
        self.routes: list[Route] = []
        self.auth = None
        if auth:
            self.auth = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        self.server = http.server.ThreadingHTTPServer((host, 0), _Handler)
        self.server.daemon_threads = True
        self.server.registry = self  # type: ignore[attr-defined]
        self.addr = f"{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeRegistry:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def route(self, method: str, pattern: str) -> Callable:
        """Decorator: answer `method` requests whose path fully matches `pattern`."""

        def add(fn: Callable) -> Callable:
            self.routes.append((method, pattern, fn))
            return fn

        return add


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    @property
    def registry(self) -> FakeRegistry:
        return self.server.registry  # type: ignore[attr-defined]

    def answer(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        """Send a complete answer (Content-Length set)."""
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _dispatch(self) -> None:
        reg = self.registry
        reg.seen.append(Seen(self.command, self.path, self.headers.get("Authorization")))
        for method, pattern, fn in reg.routes:
            match = re.fullmatch(pattern, self.path)
            if method == self.command and match:
                fn(self, match)
                return
        if reg.auth and self.headers.get("Authorization") != reg.auth:
            self.body()
            self.answer(401, headers={"WWW-Authenticate": 'Basic realm="fake"'})
            return
        self._serve()

    def _serve(self) -> None:
        reg, path = self.registry, self.path.split("?", 1)[0]
        tags = re.fullmatch(r"/v2/(.+)/tags/list", path)
        if tags and self.command == "GET":  # the distribution API's tag list (one page)
            names = sorted(t for t in reg.manifests if not t.startswith("sha256:"))
            body = json.dumps({"name": tags.group(1), "tags": names or None}).encode()
            self.answer(200, body, {"Content-Type": "application/json"})
            return
        m = re.fullmatch(r"/v2/(.+?)/(blobs/uploads|blobs|manifests)/(.*)", path)
        if not m:
            self.answer(404)
            return
        kind, ref = m.group(2), m.group(3)
        if kind == "blobs/uploads" and self.command == "POST":
            self.body()
            session = uuid.uuid4().hex
            reg.uploads[session] = True
            self.answer(202, headers={"Location": f"/v2/{m.group(1)}/blobs/uploads/{session}"})
        elif kind == "blobs/uploads" and self.command == "PUT":
            data = self.body()
            digest = self.path.split("digest=", 1)[-1].replace("%3A", ":")
            reg.blobs[digest] = data
            self.answer(201, headers={"Docker-Content-Digest": digest})
        elif kind == "manifests" and self.command == "PUT":
            data = self.body()
            reg.manifests[ref] = data
            self.answer(201)
        elif kind in ("blobs", "manifests") and self.command in ("GET", "HEAD"):
            store = reg.blobs if kind == "blobs" else reg.manifests
            if ref not in store:
                self.answer(404)
                return
            data = store[ref]
            digest = "sha256:" + hashlib.sha256(data).hexdigest()
            self.answer(200, data, {"Docker-Content-Digest": digest})
        else:
            self.answer(405)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch

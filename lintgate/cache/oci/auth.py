"""Registry credentials: where they come from and where they may go.

They come from the Docker config file ($DOCKER_CONFIG/config.json, else
~/.docker/config.json, as `docker login` writes it): the `auths` entry for the registry's
host. They go only to that host (with the scheme the registry is spoken to), never to
another host named by an upload Location or a redirect (as docker strips them), and, for a
Bearer challenge, to the token realm the registry names when that realm is on the same host
or, over HTTPS, within the registry's parent domain (auth.docker.io for registry-1.docker.io,
gitlab.com for registry.gitlab.com): elsewhere the token is asked for anonymously.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit


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


def challenge(header: str) -> tuple[str, dict[str, str]]:
    """`Bearer realm="...",service="..."` -> ("bearer", {"realm": ..., "service": ...})."""
    scheme, _, rest = header.strip().partition(" ")
    params = dict(re.findall(r'(\w+)="([^"]*)"', rest))
    return scheme.lower(), params


def authority(url: str) -> str:
    """The `host[:port]` of `url`, lower-cased ("" when it has none)."""
    try:
        return (urlsplit(url).netloc.rpartition("@")[2]).lower()
    except ValueError:
        return ""


def same_origin(url: str, scheme: str, host: str) -> bool:
    """Whether `url` is on registry `host` ("HOST[:PORT]") spoken to with `scheme`; a URL with
    user information never is (what it would send is not ours to decide)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (
        parts.scheme == scheme and "@" not in parts.netloc and parts.netloc.lower() == host.lower()
    )


def _parent(hostname: str) -> str | None:
    try:
        ipaddress.ip_address(hostname.strip("[]"))
        return None  # an address has no parent domain
    except ValueError:
        pass
    labels = hostname.split(".")
    return ".".join(labels[1:]) if len(labels) > 2 else hostname if len(labels) == 2 else None


def realm_may_get_credentials(realm: str, scheme: str, host: str) -> bool:
    """Whether the token `realm` a registry's Bearer challenge names may receive the
    registry's credentials: on the registry's own origin, or over HTTPS on a host within the
    registry's parent domain (the registry's host minus its first label, or the host itself
    for a two-label one)."""
    if same_origin(realm, scheme, host):
        return True
    try:
        parts = urlsplit(realm)
    except ValueError:
        return False
    registry_name = urlsplit(f"//{host}").hostname or ""
    parent = _parent(registry_name)
    name = parts.hostname or ""
    return (
        parts.scheme == "https"
        and "@" not in parts.netloc
        and parent is not None
        and (name == parent or name.endswith("." + parent))
    )

"""Signed exports: an Ed25519 signature over the manifest, checked on import against the
public keys of the project's `CacheTrustedKeys`.

The signature sits in two manifest annotations (the manifest stays a plain OCI image
manifest): SIGNATURE, the base64 signature, and SIGNED_BY, `sha256:<hex>` of the signing
public key's raw 32 bytes (which trusted key to try). What is signed: DOMAIN followed by the
manifest without those two annotations, serialized as lintgate serializes manifests (sorted
keys, no spaces, UTF-8). That covers the config's and every layer's descriptor (media type,
digest, size), and the digests cover the bytes: a verified manifest vouches for all the blobs
the import then checks against it. Verification re-serializes the manifest as parsed, so what
is verified is exactly what the import uses.

The private key (PEM, PKCS#8) comes from the export's `sign-key=PATH`, else from the
environment variable LINTGATE_CACHE_SIGNING_KEY (the PEM text itself: a CI secret).
Uses the `cryptography` package, imported only when a key is used.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Callable, Sequence

SIGNATURE = "dev.lintgate.cache.signature"
SIGNED_BY = "dev.lintgate.cache.signature.key"
ENV_KEY = "LINTGATE_CACHE_SIGNING_KEY"
DOMAIN = b"lintgate cache manifest v1\n"  # a signature for a lintgate manifest and nothing else

PublicKey = Any  # cryptography's Ed25519PublicKey (its import is deferred)


def payload(manifest: dict[str, Any]) -> bytes:
    """The bytes signed for `manifest` (a parsed or built manifest object)."""
    doc = dict(manifest)
    annotations = doc.get("annotations")
    if isinstance(annotations, dict):
        doc["annotations"] = {
            k: v for k, v in annotations.items() if k not in (SIGNATURE, SIGNED_BY)
        }
    body = json.dumps(doc, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return DOMAIN + body.encode("utf-8", "surrogatepass")


def key_id(public: PublicKey) -> str:
    """`sha256:<hex>` of the public key's raw 32 bytes."""
    from cryptography.hazmat.primitives import serialization

    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def load_private_key(pem: bytes, where: str) -> Any:
    """The Ed25519 private key in `pem`. Raises ValueError `WHERE: not a PEM Ed25519
    private key`."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{where}: not a PEM Ed25519 private key")
    return key


def load_public_key(pem: bytes, where: str) -> PublicKey:
    """The Ed25519 public key in `pem`. Raises ValueError `WHERE: not a PEM Ed25519 public
    key`."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{where}: not a PEM Ed25519 public key")
    return key


def load_trusted_keys(values: Sequence[str], root: Path) -> list[PublicKey]:
    """The public keys of `CacheTrustedKeys`: each value a PEM public key, or the path of
    one relative to the project root `root`. Raises ValueError naming the bad value."""
    keys = []
    for value in values:
        if value.lstrip().startswith("-----BEGIN"):
            keys.append(load_public_key(value.encode(), "a PEM key in CacheTrustedKeys"))
            continue
        try:
            pem = (root / value).read_bytes()
        except OSError as e:
            raise ValueError(f"{value}: cannot read: {e.strerror or e}") from None
        keys.append(load_public_key(pem, value))
    return keys


def _names_a_file(value: str) -> bool:
    """Whether `value` (one line) is the path of an existing file: the mistake of putting a key
    file's path in $LINTGATE_CACHE_SIGNING_KEY, which holds the PEM text itself."""
    if "\n" in value or "\0" in value:
        return False
    try:
        return os.path.isfile(value)
    except (OSError, ValueError):
        return False


def export_signer(sign_key: str) -> Callable[[dict[str, Any]], None] | None:
    """The function that signs a manifest object in place (adding the two annotations) with
    the key at path `sign_key`, else the PEM in $LINTGATE_CACHE_SIGNING_KEY; None when
    neither is set (the export is unsigned). Raises ValueError (one line) for a bad key."""
    if sign_key:
        try:
            pem = Path(sign_key).read_bytes()
        except OSError as e:
            raise ValueError(f"sign-key={sign_key}: cannot read: {e.strerror or e}") from None
        key = load_private_key(pem, f"sign-key={sign_key}")
    elif os.environ.get(ENV_KEY, "").strip():
        value = os.environ[ENV_KEY]
        if "-----BEGIN" not in value and _names_a_file(value.strip()):
            raise ValueError(
                f"{ENV_KEY} holds the key's PEM text, not a path; use sign-key=PATH for a key file"
            )
        key = load_private_key(value.encode(), ENV_KEY)
    else:
        return None
    signer = key_id(key.public_key())

    def sign(manifest: dict[str, Any]) -> None:
        annotations = dict(manifest.get("annotations") or {})
        annotations.pop(SIGNATURE, None)
        annotations[SIGNED_BY] = signer
        manifest["annotations"] = annotations
        annotations[SIGNATURE] = base64.b64encode(key.sign(payload(manifest))).decode()

    return sign


def check(manifest: dict[str, Any], trusted: Sequence[PublicKey]) -> str | None:
    """None when a key of `trusted` signed `manifest` (a parsed manifest object), else the
    problem, to follow `manifest sha256:...` in a warning."""
    from cryptography.exceptions import InvalidSignature

    annotations = manifest.get("annotations")
    annotations = annotations if isinstance(annotations, dict) else {}
    signature, signer = annotations.get(SIGNATURE), annotations.get(SIGNED_BY)
    if signature is None:
        return "is not signed, and CacheTrustedKeys asks for a signature"
    if not isinstance(signature, str) or not isinstance(signer, str):
        return "has a malformed signature"
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return "has a malformed signature"
    keys = [k for k in trusted if key_id(k) == signer]
    if not keys:
        shown = "".join(c if c.isprintable() else "?" for c in signer[:80])
        return f"is signed by key {shown}, which CacheTrustedKeys does not list"
    try:
        keys[0].verify(raw, payload(manifest))
    except (InvalidSignature, ValueError, RecursionError):
        return "has a signature that does not verify (tampered)"
    return None


def write_key_pair(path: Path) -> Path:
    """Write a new private key to `path` (mode 0600, never over an existing file) and its
    public key to `path`.pub; returns the latter. Raises ValueError (one line)."""
    private, public = generate()
    pub = path.with_name(path.name + ".pub")
    for target in (path, pub):
        if target.exists() or target.is_symlink():
            raise ValueError(f"{target} exists; not overwritten")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(private)
        with open(pub, "xb") as f:
            f.write(public)
    except OSError as e:
        raise ValueError(f"cannot write {e.filename}: {e.strerror or e}") from None
    return pub


def generate() -> tuple[bytes, bytes]:
    """A new key pair as PEM: (private key, PKCS#8 unencrypted; public key, SPKI)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public

"""Signed exports: a job holding the private key signs the manifest it exports; a job whose
configuration lists trusted public keys (CacheTrustedKeys) imports only what one of them
signed. Through the library on a local layout and the fake registry, and through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_registry import FakeRegistry
from helpers import REPOS, copy_repo, lintgate, normalize_stderr
from test_cache_oci import SCHEMAS, validator

from lintgate.cache import Entry, Store, content_digest, oci
from lintgate.cache.oci import signing
from lintgate.diagnostic import Finding

serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization")
ed25519 = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ed25519")


def keypair(tmp_path: Path, name: str) -> tuple[Path, str]:
    """(private key PEM file, public key PEM text)."""
    key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (tmp_path / f"{name}.pem").write_bytes(private)
    return tmp_path / f"{name}.pem", public.decode()


def filled_store(path: Path) -> Store:
    s = Store(path)
    s.put_many(
        (Entry(content_digest(f"{i}".encode()), "black", "1.0", "0" * 64), [Finding(i + 1, 0, "x")])
        for i in range(6)
    )
    return s


def local(dest: Path, key: Path | None = None) -> oci.CacheSpec:
    value = f"type=local,dest={dest},mode=max" + (f",sign-key={key}" if key else "")
    return oci.parse_export_cache([value])[0][0]


def trusted(*pems: str) -> list:
    return signing.load_trusted_keys(list(pems), Path("."))


def manifest_of(dest: Path) -> tuple[dict, Path]:
    index = json.loads((dest / "index.json").read_text())
    path = dest / "blobs" / "sha256" / index["manifests"][0]["digest"][7:]
    return json.loads(path.read_bytes()), path


def test_a_signed_export_imports_where_its_key_is_trusted(tmp_path):
    key, public = keypair(tmp_path, "ci")
    out = tmp_path / "export"
    oci.export_cache(filled_store(tmp_path / "c"), local(out, key))
    manifest, _ = manifest_of(out)
    assert set(manifest["annotations"]) == {oci.CREATED, signing.SIGNATURE, signing.SIGNED_BY}
    assert manifest["annotations"][signing.SIGNED_BY] == signing.key_id(trusted(public)[0])
    result = oci.import_cache(
        Store(tmp_path / "t"),
        oci.parse_import_cache([f"type=local,src={out}"])[0][0],
        pytest.fail,
        trusted=trusted(public),
    )
    assert (result.entries, result.rejected) == (6, 0)


def _import(tmp_path: Path, out: Path, keys: list | None) -> tuple[oci.ImportResult, list[str]]:
    warnings: list[str] = []
    spec = oci.parse_import_cache([f"type=local,src={out}"])[0][0]
    result = oci.import_cache(Store(tmp_path / "t"), spec, warnings.append, trusted=keys)
    return result, warnings


def test_a_tampered_layer_with_a_rewritten_manifest_is_refused(tmp_path):
    key, public = keypair(tmp_path, "ci")
    out = tmp_path / "export"
    oci.export_cache(filled_store(tmp_path / "c"), local(out, key))
    manifest, path = manifest_of(out)
    # someone with write access to the shared cache but not the key: a layer of their own,
    # and the manifest's descriptor updated to match, so every digest checks out
    evil = oci.tar_gz(
        oci.LAYER_FILE,
        json.dumps(
            {
                "linter": "black",
                "linter_version": "1.0",
                "settings_digest": "0" * 64,
                "lintgate_version": oci.Group("a", "b", "c").lintgate_version,
                "children": [],
                "entries": [[content_digest(b"0"), [], None, False]],
            }
        ).encode(),
    )
    digest = oci.sha256_digest(evil)
    (out / "blobs" / "sha256" / digest[7:]).write_bytes(evil)
    manifest["layers"][0] = {"mediaType": oci.LAYER_MT, "digest": digest, "size": len(evil)}
    data = json.dumps(manifest).encode()
    new = oci.sha256_digest(data)
    (out / "blobs" / "sha256" / new[7:]).write_bytes(data)
    index = json.loads((out / "index.json").read_text())
    index["manifests"][0].update(digest=new, size=len(data))
    (out / "index.json").write_text(json.dumps(index))
    result, warnings = _import(tmp_path, out, trusted(public))
    assert warnings == [
        f"cache import from {out}:latest: manifest {new} has a signature that does not verify"
        " (tampered); not imported"
    ]
    assert (result.entries, result.layers, result.rejected) == (0, 0, 1)
    # without trusted keys the forgery goes in: the risk docs/cache.md names
    result, warnings = _import(tmp_path, out, None)
    assert (result.entries, warnings) == (1, [])


def test_an_export_signed_with_another_key_is_refused(tmp_path):
    key, _ = keypair(tmp_path, "ci")
    _, other = keypair(tmp_path, "other")
    out = tmp_path / "export"
    oci.export_cache(filled_store(tmp_path / "c"), local(out, key))
    manifest, _ = manifest_of(out)
    result, warnings = _import(tmp_path, out, trusted(other))
    signer = manifest["annotations"][signing.SIGNED_BY]
    assert warnings == [
        f"cache import from {out}:latest: manifest {oci.sha256_digest(_.read_bytes())} is signed"
        f" by key {signer}, which CacheTrustedKeys does not list; not imported"
    ]
    assert result.entries == 0


def test_an_unsigned_export_is_refused_when_keys_are_trusted_and_imported_when_not(tmp_path):
    _, public = keypair(tmp_path, "ci")
    out = tmp_path / "export"
    oci.export_cache(filled_store(tmp_path / "c"), local(out))
    manifest, path = manifest_of(out)
    assert signing.SIGNATURE not in manifest["annotations"]
    result, warnings = _import(tmp_path, out, trusted(public))
    assert warnings == [
        f"cache import from {out}:latest: manifest {oci.sha256_digest(path.read_bytes())} is"
        " not signed, and CacheTrustedKeys asks for a signature; not imported"
    ]
    assert result.entries == 0
    result, warnings = _import(tmp_path, out, None)
    assert (result.entries, warnings) == (6, [])


def test_the_signing_key_from_the_environment_and_through_a_registry(tmp_path, monkeypatch):
    key, public = keypair(tmp_path, "ci")
    monkeypatch.setenv(signing.ENV_KEY, key.read_text())
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "no-docker"))
    with FakeRegistry() as reg:
        ref = f"type=registry,ref={reg.addr}/lint/cache:main,registry.insecure=true,mode=max"
        oci.export_cache(filled_store(tmp_path / "c"), oci.parse_export_cache([ref])[0][0])
        spec = oci.parse_import_cache([ref.replace(",mode=max", "")])[0][0]
        result = oci.import_cache(Store(tmp_path / "t"), spec, pytest.fail, trusted=trusted(public))
        assert result.entries == 6


@pytest.mark.parametrize(
    "value, message",
    [
        ("not a key", f"{signing.ENV_KEY}: not a PEM Ed25519 private key"),
        ("", None),  # empty: no signing
    ],
)
def test_a_bad_signing_key_fails_the_export(tmp_path, monkeypatch, value, message):
    monkeypatch.setenv(signing.ENV_KEY, value)
    out = tmp_path / "export"
    if message is None:
        oci.export_cache(filled_store(tmp_path / "c"), local(out))
        return
    with pytest.raises(oci.OCIError) as err:
        oci.export_cache(filled_store(tmp_path / "c"), local(out))
    assert str(err.value) == message
    assert not out.exists()


def test_a_key_files_path_in_the_signing_key_variable_is_named_as_the_mistake(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".git").mkdir()
    (repo / "a.py").write_text("x = 1\n")
    keygen = lintgate(repo, "cache", "keygen", "ci-key")
    assert keygen.returncode == 0
    key = repo / "ci-key"
    out = tmp_path / "export"
    env = {signing.ENV_KEY: str(key)}
    proc = lintgate(repo, "--export-cache", f"type=local,dest={out}", env=env)
    assert (proc.stdout, normalize_stderr(proc.stderr), proc.returncode) == (
        "",
        f"lintgate: --export-cache local {out}: {signing.ENV_KEY} holds the key's PEM text, "
        "not a path; use sign-key=PATH for a key file\n"
        "lintgate: 1 file checked, 0 findings, 0 from cache, N.NNs\n",
        2,
    )
    assert not out.exists()
    env = {signing.ENV_KEY: key.read_text()}  # the PEM text: signed
    proc = lintgate(repo, "--export-cache", f"type=local,dest={out}", env=env)
    assert (proc.stdout, proc.returncode) == ("", 0)
    assert out.exists()
    env = {signing.ENV_KEY: str(tmp_path / "no-such-key")}  # not a file: the usual line
    proc = lintgate(repo, "--export-cache", f"type=local,dest={tmp_path / 'other'}", env=env)
    assert proc.stderr.startswith(
        f"lintgate: --export-cache local {tmp_path / 'other'}: {signing.ENV_KEY}: "
        "not a PEM Ed25519 private key\n"
    )


def test_trusted_keys_from_files_and_bad_ones(tmp_path):
    _, public = keypair(tmp_path, "ci")
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "ci.pub").write_text(public)
    assert signing.load_trusted_keys(["keys/ci.pub", public], tmp_path)[0] is not None
    with pytest.raises(ValueError) as err:
        signing.load_trusted_keys(["keys/absent.pub"], tmp_path)
    assert str(err.value) == "keys/absent.pub: cannot read: No such file or directory"
    (tmp_path / "keys" / "junk.pub").write_text("junk")
    with pytest.raises(ValueError) as err:
        signing.load_trusted_keys(["keys/junk.pub"], tmp_path)
    assert str(err.value) == "keys/junk.pub: not a PEM Ed25519 public key"


def test_the_gate_imports_only_trusted_exports(tmp_path):
    key, public = keypair(tmp_path, "ci")
    _, other = keypair(tmp_path, "other")
    repo = copy_repo("both", tmp_path / "repo")
    out = tmp_path / "export"
    proc = lintgate(repo, "--export-cache", f"type=local,dest={out},sign-key={key}")
    assert proc.returncode == 1, proc.stderr
    expected = (REPOS / "both" / "expected.stdout").read_text("utf-8")
    for keys, from_cache in (([public], 1), ([other], 0), ([], 1)):
        fresh = copy_repo("both", tmp_path / f"fresh{from_cache}{len(keys)}")
        (fresh / "lintgate.json").write_text(json.dumps({"CacheTrustedKeys": keys}))
        proc = lintgate(fresh, "--import-cache", f"type=local,src={out}")
        assert proc.stdout == expected
        lines = normalize_stderr(proc.stderr).splitlines()
        assert lines[-1] == f"lintgate: 1 file checked, 2 findings, {from_cache} from cache, N.NNs"
        if keys == [other]:
            assert len(lines) == 2 and "CacheTrustedKeys does not list" in lines[0]
        else:
            assert len(lines) == 1
        assert proc.returncode == 1


@pytest.mark.skipif(
    not SCHEMAS.is_dir(), reason="shared/schemas/oci not found beside the repository"
)
def test_a_signed_manifest_is_a_valid_oci_manifest(tmp_path):
    key, _ = keypair(tmp_path, "ci")
    out = tmp_path / "export"
    oci.export_cache(filled_store(tmp_path / "c"), local(out, key))
    manifest, _ = manifest_of(out)
    validator("image-manifest-schema.json").validate(manifest)
    for name in (signing.SIGNATURE, signing.SIGNED_BY):
        assert isinstance(manifest["annotations"][name], str)


def test_cache_keygen_writes_a_key_pair_once(tmp_path):
    proc = lintgate(tmp_path, "cache", "keygen", "ci-key")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == (
        "wrote the private key to ci-key (a CI secret: LINTGATE_CACHE_SIGNING_KEY) and the"
        " public key to ci-key.pub (list it in CacheTrustedKeys)\n"
    )
    assert (tmp_path / "ci-key").stat().st_mode & 0o777 == 0o600
    private = (tmp_path / "ci-key").read_bytes()
    public = (tmp_path / "ci-key.pub").read_text()
    key = signing.load_private_key(private, "ci-key")
    assert signing.key_id(key.public_key()) == signing.key_id(trusted(public)[0])
    again = lintgate(tmp_path, "cache", "keygen", "ci-key")
    assert (again.returncode, again.stdout) == (2, "")
    assert again.stderr == "lintgate cache: keygen: ci-key exists; not overwritten\n"
    assert (tmp_path / "ci-key").read_bytes() == private


def test_an_unreadable_trusted_key_refuses_the_imports_with_one_warning(tmp_path):
    key, _ = keypair(tmp_path, "ci")
    repo = copy_repo("both", tmp_path / "repo")
    out = tmp_path / "export"
    lintgate(repo, "--export-cache", f"type=local,dest={out},sign-key={key}")
    fresh = copy_repo("both", tmp_path / "fresh")
    (fresh / "lintgate.json").write_text(json.dumps({"CacheTrustedKeys": ["ci/absent.pub"]}))
    proc = lintgate(fresh, "--import-cache", f"type=local,src={out}")
    assert proc.stdout == (REPOS / "both" / "expected.stdout").read_text("utf-8")
    assert normalize_stderr(proc.stderr).splitlines() == [
        "lintgate: warning: cache import: CacheTrustedKeys: ci/absent.pub: cannot read:"
        " No such file or directory; going on without the imports",
        "lintgate: 1 file checked, 2 findings, 0 from cache, N.NNs",
    ]
    assert proc.returncode == 1

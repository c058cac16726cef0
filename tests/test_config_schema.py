"""The JSON Schema of lintgate.json (issue 16), shipped in the package: it has exactly the keys
of the loader (lintgate/config/keys.py: a key added there fails here until the schema has it),
accepts every value the loader accepts and the same JSON types, rejects the fixture configs
the loader rejects; and `lintgate config verify` / `lintgate config schema` use it."""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from helpers import FIXTURES, lintgate
from hypothesis import given, settings
from hypothesis import strategies as st

from lintgate.config import (
    KEYS,
    MAX_CONCURRENCY,
    REPORTING_ONLY,
    ConfigError,
    read_config_file,
    read_raw,
)
from lintgate.config.command import SCHEMA_PATH, load_schema

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = load_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=None)


def _schema_accepts(data: dict) -> bool:
    return not list(VALIDATOR.iter_errors(data))


def _loader_accepts(key: str, value: object) -> bool:
    try:
        KEYS[key](value, "probe")
    except ConfigError:
        return False
    return True


def test_schema_is_a_valid_draft_2020_12_schema_shipped_as_package_data():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]
    rel = SCHEMA_PATH.relative_to(ROOT / "lintgate")
    package = "lintgate." + ".".join(rel.parent.parts)
    assert any(fnmatch.fnmatch(rel.name, pattern) for pattern in package_data[package])


def test_schema_has_exactly_the_keys_of_the_loader():
    # A key added to lintgate/config/keys.py KEYS fails here until lintgate.schema.json has it.
    assert SCHEMA["additionalProperties"] is False
    assert sorted(SCHEMA["properties"]) == sorted(KEYS)


# Values of every JSON type, valid in content for some key each: the schema must accept all
# the values the loader accepts, and accept a JSON type exactly when the loader accepts some
# value of that type. A new key whose type none of these shows needs a probe here.
PROBES = {
    "boolean": [True, False],
    "integer": [0, 3, 2097152],
    "number": [1.5],
    "string": ["90s", "0", "text", "{path}: {message}", "x", "local", "dask://127.0.0.1:8786"],
    "array": [[], ["isort"], ["generated"], ["line", "path"], ["black\\)$"]],
    "object": [{}, {"black": "error"}, {"isort": "{message}"}],
    "null": [None],
}


@pytest.mark.parametrize("key", sorted(KEYS))
def test_schema_and_loader_agree_on_each_keys_values_and_types(key):
    for kind, values in PROBES.items():
        loader = [_loader_accepts(key, v) for v in values]
        schema = [_schema_accepts({key: v}) for v in values]
        for value, by_loader, by_schema in zip(values, loader, schema):
            assert by_schema or not by_loader, f"{key}: the schema rejects {value!r}"
        assert any(schema) == any(loader), f"{key}: {kind}: schema {schema}, loader {loader}"


def test_schema_lists_are_those_of_the_code():
    from lintgate.config.keys import _linter_names  # noqa: F401  (the Enable/Disable check)
    from lintgate.diagnostic import SEVERITIES
    from lintgate.filters import SORT_KEYS
    from lintgate.report import FORMATS

    props = SCHEMA["properties"]
    assert props["Severity"]["additionalProperties"]["enum"] == list(SEVERITIES)
    assert props["Sort"]["items"]["enum"] == [*SORT_KEYS, "none"]
    assert props["Format"]["anyOf"][0]["enum"] == list(FORMATS)
    assert SCHEMA["$defs"]["linters"]["items"]["not"]["enum"] == list(REPORTING_ONLY)
    assert props["Concurrency"]["maximum"] == MAX_CONCURRENCY
    # the loader keeps JSON integers of more than 18 digits as text (no key takes one)
    assert props["MaxFileSize"]["maximum"] == 10**18 - 1
    assert _loader_accepts("MaxFileSize", 10**18 - 1)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.nsuµmhd -", max_size=12))
def test_duration_pattern_is_the_duration_parser(text):
    from lintgate.config.duration import parse_duration

    pattern = SCHEMA["$defs"]["duration"]["pattern"]
    try:
        parse_duration(text)
    except ValueError as e:
        if "longer than" in str(e):  # the limit is the loader's alone
            assert re.search(pattern, text)
        else:
            assert not re.search(pattern, text), text
    else:
        assert re.search(pattern, text), text


def _fixture_configs() -> list[Path]:
    found = [ROOT / "lintgate.json"]
    for name in ("lintgate.json", ".lintgate.json"):
        found += sorted(FIXTURES.rglob(name))
    return found


# Fixture configs the loader rejects for what the schema cannot say, and why.
LOADER_ONLY = {
    "fuzz/deadline-overflow/repo/lintgate.json": "a duration longer than Go's limit",
}


@pytest.mark.parametrize(
    "path", _fixture_configs(), ids=lambda p: str(p.relative_to(ROOT)).replace("/", ":")
)
def test_schema_agrees_with_the_loader_on_every_fixture_config(path):
    try:
        read_config_file(path)
        loader = True
    except ConfigError:
        loader = False
    data = read_raw(path)[0]  # as verify parses it (a huge integer stays text)
    rel = str(path.relative_to(FIXTURES)) if FIXTURES in path.parents else path.name
    if rel in LOADER_ONLY:
        assert not loader and _schema_accepts(data)
    else:
        assert _schema_accepts(data) == loader, list(VALIDATOR.iter_errors(data))


def test_the_loader_accepts_schema_key(tmp_path):
    (tmp_path / "lintgate.json").write_text('{"$schema": "./lintgate.schema.json", "Vendor": true}')
    assert read_config_file(tmp_path / "lintgate.json") == {
        "$schema": "./lintgate.schema.json",
        "Vendor": True,
    }
    (tmp_path / "lintgate.json").write_text('{"$schema": 1}')
    with pytest.raises(ConfigError, match=r"^lintgate.json: \$schema: expected the path or URL"):
        read_config_file(tmp_path / "lintgate.json", "lintgate.json")


# --- lintgate config verify / schema ---------------------------------------------------------


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def test_config_verify_a_valid_file_found_or_named(tmp_path):
    repo = _repo(tmp_path)
    (repo / "lintgate.json").write_text('{"$schema": "x", "Deadline": "5m", "Enable": ["black"]}')
    proc = lintgate(repo / "sub", "config", "verify")
    assert (proc.stdout, proc.stderr, proc.returncode) == ("../lintgate.json: valid\n", "", 0)
    (repo / "pyproject.toml").write_text('[tool.lintgate]\nSort = ["path"]\n')
    proc = lintgate(repo, "config", "verify", "pyproject.toml")
    assert (proc.stdout, proc.stderr, proc.returncode) == (
        "pyproject.toml [tool.lintgate]: valid\n",
        "",
        0,
    )
    # found: lintgate.json first, the other named in a warning
    proc = lintgate(repo, "config", "verify")
    assert (proc.stdout, proc.returncode) == ("lintgate.json: valid\n", 0)
    assert proc.stderr == (
        "lintgate: warning: lintgate.json and pyproject.toml [tool.lintgate] both exist; "
        "using lintgate.json\n"
    )


@pytest.mark.parametrize(
    "name,text,line",
    [
        (
            "lintgate.json",
            '{"Skipp": []}',
            "lintgate.json: unknown key 'Skipp' (did you mean 'Skip'?)",
        ),
        (
            "lintgate.json",
            '{"Deadline": "99999999999h"}',
            "lintgate.json: Deadline: invalid duration '99999999999h': longer than 2562047h47m16.854775807s",
        ),
        (
            "lintgate.json",
            '{"Enable": ["imprts"]}',
            "lintgate.json: Enable: unknown linter 'imprts' (did you mean 'imports'?)",
        ),
        ("lintgate.json", "[1]", "lintgate.json: expected a JSON object at the top level"),
        (
            "pyproject.toml",
            "[tool.lintgate]\nSort = ['none', 'path']\n",
            "pyproject.toml [tool.lintgate]: Sort: 'none' (keep the order found) cannot be combined with other keys",
        ),
    ],
    ids=["unknown-key", "duration-limit", "unknown-linter", "not-an-object", "pyproject"],
)
def test_config_verify_an_invalid_file_prints_the_loaders_line(tmp_path, name, text, line):
    repo = _repo(tmp_path)
    (repo / name).write_text(text)
    proc = lintgate(repo, "config", "verify")
    assert (proc.stdout, proc.stderr, proc.returncode) == ("", f"lintgate: {line}\n", 2)


def test_config_verify_without_a_file(tmp_path):
    repo = _repo(tmp_path)
    proc = lintgate(repo, "config", "verify")
    assert (proc.stdout, proc.returncode) == ("", 2)
    assert proc.stderr == (
        "lintgate: config verify: no config file found (lintgate.json, .lintgate.json, or "
        "pyproject.toml with [tool.lintgate]) here or above, up to the repository root\n"
    )
    proc = lintgate(repo, "config", "verify", "missing.json")
    assert (proc.stdout, proc.stderr, proc.returncode) == (
        "",
        "lintgate: missing.json: cannot read: No such file or directory\n",
        2,
    )
    proc = lintgate(repo, "config", "frobnicate")
    assert proc.returncode == 2 and proc.stderr.startswith(
        "lintgate config: error: argument verify|schema: invalid choice: 'frobnicate'"
    )


def test_config_verify_reports_a_schema_the_loader_disagrees_with(tmp_path, monkeypatch, capsys):
    # A schema stricter than the loader is a lintgate bug; verify says which rule, in one line.
    from lintgate.config import command

    schema = load_schema()
    schema["properties"]["Vendor"] = {"const": False}
    strict = tmp_path / "strict.schema.json"
    strict.write_text(json.dumps(schema))
    monkeypatch.setattr(command, "SCHEMA_PATH", strict)
    (tmp_path / "lintgate.json").write_text('{"Vendor": true}')
    monkeypatch.chdir(tmp_path)
    assert command.config_main(["verify", "lintgate.json"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == (
        "",
        "lintgate: lintgate.json: Vendor: False was expected (lintgate.schema.json)\n",
    )


def test_config_verify_without_jsonschema_uses_the_loader_alone(tmp_path):
    (tmp_path / "lintgate.json").write_text('{"Vendor": true}')
    code = (
        "import sys; sys.modules['jsonschema'] = None; from lintgate.__main__ import main; "
        "sys.exit(main(['config', 'verify', 'lintgate.json']))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True
    )
    assert (proc.stdout, proc.stderr, proc.returncode) == (
        "lintgate.json: valid\n",
        "lintgate: warning: jsonschema is not installed: checked by lintgate's loader only\n",
        0,
    )


def test_config_schema_prints_the_shipped_schema(tmp_path):
    proc = lintgate(tmp_path, "config", "schema")
    assert (proc.stderr, proc.returncode) == ("", 0)
    assert proc.stdout == SCHEMA_PATH.read_text(encoding="utf-8")
    assert json.loads(proc.stdout) == SCHEMA


def test_schema_knows_every_key_of_a_linters_definition():
    from lintgate.external.spec import FIELDS, PARTITIONS

    definition = SCHEMA["properties"]["Linters"]["additionalProperties"]["anyOf"][1]
    assert list(definition["properties"]) == list(FIELDS)
    assert definition["properties"]["PartitionStrategy"]["enum"] == list(PARTITIONS)
    assert _schema_accepts({"Linters": {"f": "flake8:PATH:LINE:COL:MESSAGE"}})
    assert not _schema_accepts({"Linters": {"f": {"Comand": "flake8"}}})

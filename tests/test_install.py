"""Installing lintgate with pinned tools (issue 16): the isort, black and libcst versions of
constraints.txt, pyproject.toml's `pinned` extra and the pre-commit hook's
additional_dependencies agree and are the ones installed; the Dockerfile pins its base image
and its tools and pulls no `# syntax=` frontend."""

from __future__ import annotations

import re
import sys
from importlib.metadata import version
from pathlib import Path

import yaml
from dockerfile_parse import DockerfileParser
from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ["isort", "black", "libcst"]


def _constraints() -> list[str]:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_pins_agree_everywhere_and_are_what_the_tests_run_with():
    pins = _constraints()
    assert [Requirement(p).name for p in pins] == TOOLS
    for pin in pins:  # exact versions, nothing else (no markers, no ranges)
        assert re.fullmatch(r"[a-z]+==\d+(\.\d+)+", pin), pin
    assert _pyproject()["project"]["optional-dependencies"]["pinned"] == pins
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["additional_dependencies"] for h in hooks] == [pins] * len(hooks)
    # Each pin is allowed by lintgate's own dependency ranges, and is what runs these tests
    # (the expected outputs of the fixtures are those of these versions).
    ranges = {Requirement(d).name: Requirement(d) for d in _pyproject()["project"]["dependencies"]}
    for pin in pins:
        name, _, pinned = pin.partition("==")
        assert ranges[name].specifier.contains(pinned), (pin, str(ranges[name]))
        assert version(name) == pinned, f"{name} {version(name)} installed, {pinned} pinned"
    # --version names them (lintgate.versions.TOOLS), in this order
    from lintgate.versions import TOOLS as named

    assert list(named) == TOOLS


def _dockerfile() -> DockerfileParser:
    return DockerfileParser(str(ROOT / "Dockerfile"))


def test_dockerfile_has_no_syntax_directive():
    # `# syntax=docker/dockerfile:1` makes every build pull the frontend image from Docker Hub;
    # RUN --mount (bind, cache) is in the frontend built into BuildKit.
    text = (ROOT / "Dockerfile").read_text()
    assert not re.search(r"^\s*#\s*syntax\s*=", text, re.M | re.I)
    runs = [i["value"] for i in _dockerfile().structure if i["instruction"] == "RUN"]
    mounts = {m for run in runs for m in re.findall(r"--mount=type=(\w+)", run)}
    assert mounts == {"bind", "cache"}  # the stable mount types: no secret/ssh/tmpfs, no heredoc
    assert not any("<<" in run for run in runs)


def test_dockerfile_pins_base_image_and_installs_with_constraints():
    structure = _dockerfile().structure
    froms = [i["value"].split() for i in structure if i["instruction"] == "FROM"]
    stages = {words[2] for words in froms if len(words) == 3}
    external = [words[0] for words in froms if words[0] not in stages]
    assert external, froms
    for image in external:  # a Python patch release on a named Debian release, or a digest
        assert re.fullmatch(
            r"python:3\.\d+\.\d+-slim-[a-z]+(@sha256:[0-9a-f]{64})?", image
        ), f"{image}: not pinned"
    copies = [i["value"].split() for i in structure if i["instruction"] == "COPY"]
    assert ["pyproject.toml", "README.md", "constraints.txt", "/tmp/lintgate/"] in copies
    runs = [i["value"] for i in structure if i["instruction"] == "RUN"]
    install = [r for r in runs if "pip install" in r]
    assert len(install) == 1
    assert re.sub(r"^(--mount=\S+\s+)*", "", install[0]) == (
        "pip install -c /tmp/lintgate/constraints.txt /tmp/lintgate && rm -rf /tmp/lintgate"
    )


# The install command of the Quick start: the form the README, docs/install.md and the CI
# examples use (OWNER/lintgate: a placeholder for the repository lintgate comes from).
INSTALL = 'python -m pip install "lintgate[pinned] @ git+https://github.com/OWNER/lintgate"'
# `pip install lintgate` (or pipx), bare or with extras: a name on PyPI that is not ours.
_NAME = r"lintgate(?:\[[^\]]*\])?"
_PYPI_NAME = re.compile(
    rf"pipx?\s+install\s+(?:-\S+\s+)*(?:\"{_NAME}\"|'{_NAME}'|{_NAME})(?=\s|$|`)"
)


def test_quick_start_installs_from_the_repository_never_by_the_pypi_name():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme[readme.index("## Quick start") : readme.index("## Pinning the tools")]
    assert f"\n    {INSTALL}\n    lintgate\n" in quick
    assert (
        '\n    pipx install "lintgate[pinned] @ git+https://github.com/OWNER/lintgate"\n' in quick
    )
    assert "OWNER/lintgate` stands for the repository you got lintgate from" in quick
    # the two commands of a clone: set up and run the gate; run the tests (with the pins)
    assert (
        "\n    python3 -m venv .venv && .venv/bin/pip install -c constraints.txt -e . && " in quick
    )
    assert "-c constraints.txt -e '.[test]' && .venv/bin/python -m pytest -q\n" in quick
    texts = {"README.md": readme, "Dockerfile": (ROOT / "Dockerfile").read_text()}
    texts.update({str(p.relative_to(ROOT)): p.read_text() for p in (ROOT / "docs").glob("*.md")})
    texts.update({str(p.relative_to(ROOT)): p.read_text() for p in (ROOT / "examples").glob("*")})
    for name, text in texts.items():
        for line in text.splitlines():
            if "never" not in line:  # the warning itself names the command
                assert not _PYPI_NAME.search(line), f"{name}: {line}"
    assert _PYPI_NAME.search("python -m pip install lintgate")
    assert _PYPI_NAME.search("pipx install 'lintgate[pinned]'")
    assert not _PYPI_NAME.search(INSTALL)

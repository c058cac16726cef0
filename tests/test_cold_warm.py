"""A cold run and a warm run (answered from the cache) of the same files agree: same stdout,
same stderr but for the seconds and the count of files from the cache, same exit status;
also for files that no parser accepts and that make a linter fail."""

from __future__ import annotations

import re

import pytest
from helpers import lintgate, normalize_stderr

NUL_IMPORT = b"import os\nimport s\0ys\n"


def _comparable(stderr: str) -> str:
    return re.sub(r", \d+ from cache, ", ", N from cache, ", normalize_stderr(stderr))


@pytest.mark.parametrize(
    "flags",
    [
        [],
        ["-D", "imports"],
        ["-D", "black"],
        ["--disable-all", "-E", "isort"],
        ["-D", "black,imports"],
    ],
)
def test_a_nul_byte_in_an_import_line_gives_the_same_verdict_cold_and_warm(tmp_path, flags):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "a.py").write_bytes(NUL_IMPORT)
    (repo / "b.py").write_bytes(b"import os\n\nx = os\n")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    cold = lintgate(repo, "--no-config", *flags, env=env)
    warm = lintgate(repo, "--no-config", *flags, env=env)
    assert "Traceback" not in cold.stderr
    assert (warm.returncode, warm.stdout, _comparable(warm.stderr)) == (
        cold.returncode,
        cold.stdout,
        _comparable(cold.stderr),
    )
    # the file's one finding: the parse error (black's, else the imports linter's, else
    # black's parser's for the `syntax` pseudo-linter); a linter that ran before the parse
    # error may have failed on it too (a tool error, bit 2), cold and warm alike
    assert re.fullmatch(r"a\.py:\d:\d: ❌ cannot parse: [^\n]+ \(syntax\)\n", cold.stdout)

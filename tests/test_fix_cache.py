"""`lintgate --fix` records its check of the bytes it wrote, keyed on their digest: the check
after a fix is answered from the cache (every file `from cache`, the bytes of a run without
it), and a file changed after the write is checked again, never given the stale answer."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import lintgate

FILES = {
    "pkg/__init__.py": b"",
    "pkg/a.py": b"import sys, os\nx = {'a':1}\nprint(sys, os, x)\n",
    "pkg/b.py": b"import os\n\nprint(os.sep)\n",
    "pkg/c.py": b"import sys\nimport os  # nolint: isort\ny=[1,2]\nprint(sys, os, y)\n",
    "pkg/d.py": b"def f(:\n",
}


def make_tree(root: Path) -> Path:
    for name, data in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (root / "pyproject.toml").write_text('[tool.isort]\nprofile = "black"\n')
    return root


def timeless(text: str) -> str:
    return re.sub(r"\d+\.\d\ds$", "N.NNs", text, flags=re.M)


def test_the_check_after_a_fix_is_answered_from_the_cache(tmp_path):
    root = make_tree(tmp_path / "repo")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    fixed = lintgate(root, "--fix", "-j", "2", env=env)
    assert fixed.returncode == 1, fixed.stderr  # d.py does not parse
    assert "lintgate: 2 file(s) fixed\n" in fixed.stderr
    plain = lintgate(root, "--no-cache", "-j", "2")
    warm = lintgate(root, "-j", "2", env=env)
    assert (
        (warm.stdout, warm.returncode)
        == (plain.stdout, plain.returncode)
        == (
            "pkg/d.py:1:7: ❌ cannot parse: bad input (syntax)\n",
            1,
        )
    )
    assert timeless(warm.stderr) == timeless(plain.stderr).replace(
        " 0 from cache", f" {len(FILES)} from cache"
    )


def test_a_file_changed_after_the_fix_is_checked_again(tmp_path):
    root = make_tree(tmp_path / "repo")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    assert lintgate(root, "--fix", "-j", "2", env=env).returncode == 1
    (root / "pkg/a.py").write_bytes((root / "pkg/a.py").read_bytes() + b"z = {'b':2}\n")
    plain = lintgate(root, "--no-cache", "-j", "2")
    warm = lintgate(root, "-j", "2", env=env)
    assert "pkg/a.py:6:1: ⚠️ would reformat line 6 (black)\n" in warm.stdout
    assert (warm.stdout, warm.returncode) == (plain.stdout, plain.returncode)
    assert timeless(warm.stderr) == timeless(plain.stderr).replace(
        " 0 from cache", f" {len(FILES) - 1} from cache"
    )


def test_diff_records_nothing_it_did_not_write(tmp_path):
    root = make_tree(tmp_path / "repo")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    assert lintgate(root, "--diff", "-j", "2", env=env).returncode == 1
    warm = lintgate(root, "-j", "2", env=env)
    # every file's bytes were checked by --diff (and recorded); none was written
    assert warm.stderr.endswith(f" {len(FILES)} from cache, " + warm.stderr.split(", ")[-1])
    assert "pkg/a.py:1:1" in warm.stdout

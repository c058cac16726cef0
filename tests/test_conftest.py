"""The shared fixtures of tests/conftest.py: a download that cannot happen skips, naming why."""

from __future__ import annotations

import conftest
import pytest


def test_an_sdist_that_cannot_be_downloaded_skips_with_the_reason(tmp_path, monkeypatch):
    # No index and an empty directory of links: what pip meets offline, without waiting for
    # its network retries.
    monkeypatch.setattr(conftest, "DOWNLOADS", tmp_path / "downloads")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path))
    with pytest.raises(pytest.skip.Exception) as skipped:
        conftest.download_sdist("Django", conftest.DJANGO)
    assert str(skipped.value).startswith(
        "cannot download Django==5.2.8 from PyPI: ERROR: No matching distribution found for "
        "Django==5.2.8"
    ), str(skipped.value)
    assert sorted(p.name for p in (tmp_path / "downloads").iterdir()) == []


def test_a_downloaded_sdist_is_taken_from_downloads_without_pip(tmp_path, monkeypatch):
    monkeypatch.setattr(conftest, "DOWNLOADS", tmp_path)
    (tmp_path / "django-5.2.8" / "django").mkdir(parents=True)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path / "nowhere"))
    assert conftest.download_sdist("Django", "5.2.8") == tmp_path / "django-5.2.8"

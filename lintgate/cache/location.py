"""Where the cache lives (--cache-dir, $LINTGATE_CACHE_DIR, the user cache directory) and
the ages `lintgate cache prune --older-than` takes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

ENV_VAR = "LINTGATE_CACHE_DIR"


def resolve_cache_dir(
    explicit: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """Where the cache lives: `explicit` (--cache-dir), else $LINTGATE_CACHE_DIR, else the
    platformdirs user cache directory for "lintgate" (~/.cache/lintgate on Linux, honouring
    XDG_CACHE_HOME). Returns an absolute path; does not create it.
    """
    env = os.environ if environ is None else environ
    if explicit:
        return Path(explicit).expanduser().absolute()
    if env.get(ENV_VAR):
        return Path(env[ENV_VAR]).expanduser().absolute()
    import platformdirs  # small, but only needed on this path

    return Path(platformdirs.user_cache_dir("lintgate", appauthor=False)).absolute()


def parse_age(text: str) -> float:
    """A duration like "30d", "12h", "90m", "45s" or "1d12h" (Go-style units s, m, h, d;
    decimals allowed) in seconds: lintgate.config.duration's syntax with the unit d.
    Raises ValueError with a one-line message otherwise.
    """
    from lintgate.config.duration import parse_duration

    try:
        return parse_duration(text.strip(), days=True)
    except ValueError as e:
        why = "too long" if "longer than" in str(e) else "use a number and a unit s, m, h or d"
        raise ValueError(f"invalid age {text[:40]!r}: {why}, e.g. 30d") from None

"""What the CI formats need from a run besides the findings (issue 16): the ReportContext
fields `path_prefix` (lintgate.report.paths), `lines` (lintgate.report.fingerprint) and
`errors`, each computed only when a report that reads it is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from lintgate.diagnostic import Diagnostic
from lintgate.report import ANCHORED

# the formats whose fingerprints hash the text of a finding's line
FINGERPRINTED = frozenset({"sarif", "gitlab"})


def ci_fields(
    outputs: Sequence[tuple[str, str | None]],
    config: Any,
    places: tuple[Path, Path],
    diagnostics: Sequence[Diagnostic],
    errors: Sequence[str],
) -> dict[str, Any]:
    """The ReportContext fields for the reports `outputs` ((format, path) pairs): the path
    prefix of `config`'s `path_mode` and `path_prefix` for a run in `places` (the working
    directory, the project root), asked only for a CI format (gitroot may cost a `git
    rev-parse`); the text of the `diagnostics`' lines, read only for a sarif or gitlab report;
    the run's one-line `errors`."""
    from lintgate.report.fingerprint import read_lines
    from lintgate.report.paths import path_prefix

    cwd, root = places
    names = {name for name, _ in outputs}
    prefix = (
        path_prefix(config.path_mode, config.path_prefix, cwd, root) if names & ANCHORED else ""
    )
    return {
        "path_prefix": prefix,
        "lines": read_lines(diagnostics, cwd) if names & FINGERPRINTED else {},
        "errors": tuple(str(e) for e in errors),
    }

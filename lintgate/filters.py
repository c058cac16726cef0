"""What counts: gometalinter's output filters as pure functions over diagnostics.

Each filter takes a list of Diagnostics and returns a new list; `apply` runs them all in
gometalinter's order: MessageOverride and Severity rewrite each finding first, so Exclude and
Include see the rewritten line; then Aggregate, Sort and Errors. `nolint` suppression
(lintgate.nolint) and new-code selection (lintgate.newcode) come before `apply`: they need the
linter names before Aggregate joins them.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from lintgate.diagnostic import ERROR, SEVERITIES, Diagnostic, render_gometalinter
from lintgate.report.template import compile_template

if TYPE_CHECKING:
    import regex  # type: ignore[import-untyped]  # no stubs on PyPI worth a dependency

__all__ = [
    "SORT_KEYS",
    "FilterOptions",
    "aggregate",
    "apply",
    "exclude",
    "include",
    "only_errors",
    "override_message",
    "override_severity",
    "sort",
]

# Sort key -> the Diagnostic attribute it compares; "none" keeps the order given.
SORT_KEYS = {
    "path": "path",
    "line": "line",
    "column": "col",
    "severity": "severity",
    "message": "message",
    "linter": "linter",
}


@dataclass(frozen=True)
class FilterOptions:
    """The filter settings, named after gometalinter's config keys.

    exclude / include: regular expressions (Python `re` syntax, compiled by the `regex` module,
        searched anywhere in the line, all of them within MATCH_SECONDS);
    severity: linter name -> "warning" or "error";
    message_override: linter name -> line template (see lintgate.report.template);
    sort: sort keys (see SORT_KEYS), or ("none",); empty means the default order of DESIGN.md
        (path, line, column, linter, message);
    aggregate: merge findings at the same place with the same message;
    errors: keep only errors.
    """

    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)
    message_override: Mapping[str, str] = field(default_factory=dict)
    sort: tuple[str, ...] = ()
    aggregate: bool = False
    errors: bool = False

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> FilterOptions:
        """Build from a mapping with gometalinter's keys (`Exclude`, `Include`, `Severity`,
        `MessageOverride`, `Sort`, `Aggregate`, `Errors`); missing keys take the defaults,
        other keys are ignored. Values are not checked here: `apply` checks them."""
        return cls(
            exclude=tuple(config.get("Exclude", ())),
            include=tuple(config.get("Include", ())),
            severity=dict(config.get("Severity", {})),
            message_override=dict(config.get("MessageOverride", {})),
            sort=tuple(config.get("Sort", ())),
            aggregate=bool(config.get("Aggregate", False)),
            errors=bool(config.get("Errors", False)),
        )


# The time all Exclude and Include expressions of a run may take together, in seconds. Go's
# RE2 (gometalinter's) matches in linear time; Python's backtracking engines can take years
# on an expression such as `(a|aa)+$`, so the matching is bounded instead.
MATCH_SECONDS = 5.0


def compile_regex(pattern: str) -> regex.Pattern[str]:
    """`pattern`, which must be valid for Python's `re`, compiled by the `regex` module in its
    `re`-compatible mode (VERSION0), which can stop a search after a timeout: the flavour of
    Exclude and Include. Raises re.error (`re`'s message) for a bad expression."""
    re.compile(pattern)
    import regex  # only for a run that has Exclude or Include

    try:
        return regex.compile(pattern, regex.VERSION0)
    except regex.error as e:  # pragma: no cover - re accepted it
        raise re.error(str(e)) from None


def _compile(patterns: Iterable[str], key: str) -> list[regex.Pattern[str]]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(compile_regex(pattern))
        except re.error as e:
            raise ValueError(f"{key}: bad regular expression {pattern!r}: {e}") from None
    return compiled


def _matcher(
    patterns: Iterable[str], key: str, deadline: float | None
) -> Callable[[Diagnostic], bool] | None:
    """A function from a diagnostic to True when its gometalinter line matches any of
    `patterns`, or None when there are none. It raises ValueError naming `key` and the
    expression once the matching has gone on past `deadline` (time.monotonic(); None: from
    now, MATCH_SECONDS)."""
    regexes = _compile(patterns, key)
    if not regexes:
        return None
    until = time.monotonic() + MATCH_SECONDS if deadline is None else deadline

    def matches(d: Diagnostic) -> bool:
        line = render_gometalinter(d)
        for r in regexes:
            try:
                if r.search(line, timeout=max(until - time.monotonic(), 1e-6)):
                    return True
            except TimeoutError:
                raise ValueError(
                    f"{key}: regular expression {r.pattern!r} took more than "
                    f"{MATCH_SECONDS:g}s to match the findings (nested quantifiers such as "
                    "(a+)+ backtrack without end: rewrite it)"
                ) from None
        return False

    return matches


def exclude(
    diagnostics: list[Diagnostic], patterns: Iterable[str], deadline: float | None = None
) -> list[Diagnostic]:
    """Drop every diagnostic whose gometalinter line (`render_gometalinter`) matches any of the
    regular expressions `patterns` (searched, not anchored, as Go's MatchString).

    Mirrors gometalinter's `--exclude`. Raises ValueError for a bad expression, or one that
    runs past `deadline` (see `_matcher`)."""
    matches = _matcher(patterns, "Exclude", deadline)
    if matches is None:
        return list(diagnostics)
    return [d for d in diagnostics if not matches(d)]


def include(
    diagnostics: list[Diagnostic], patterns: Iterable[str], deadline: float | None = None
) -> list[Diagnostic]:
    """Keep only the diagnostics whose gometalinter line matches at least one of `patterns`;
    all of them when `patterns` is empty.

    Mirrors gometalinter's `--include`. Raises ValueError for a bad expression, or one that
    runs past `deadline` (see `_matcher`)."""
    matches = _matcher(patterns, "Include", deadline)
    if matches is None:
        return list(diagnostics)
    return [d for d in diagnostics if matches(d)]


def override_severity(
    diagnostics: list[Diagnostic], severity: Mapping[str, str]
) -> list[Diagnostic]:
    """Give every finding of a linter named in `severity` that severity.

    Mirrors gometalinter's `Severity` key. Raises ValueError for a severity other than
    "warning" or "error"."""
    for linter, value in severity.items():
        if value not in SEVERITIES:
            raise ValueError(f"Severity: {linter!r} has {value!r}, expected 'warning' or 'error'")
    return [
        d._replace(severity=severity[d.linter]) if d.linter in severity else d for d in diagnostics
    ]


def override_message(
    diagnostics: list[Diagnostic], overrides: Mapping[str, str]
) -> list[Diagnostic]:
    """Replace the message of every finding of a linter named in `overrides` by its template
    rendered for that finding: `{{.Message}}` (or `{message}`) is the original message, and
    the other fields (path, line, col, severity, linter) are available too.

    Mirrors gometalinter's `MessageOverride`. Raises ValueError for a bad template."""
    templates = {}
    for linter, template in overrides.items():
        try:
            templates[linter] = compile_template(template)
        except ValueError as e:
            raise ValueError(f"MessageOverride: {linter!r}: {e}") from None
    return [
        d._replace(message=templates[d.linter](d)) if d.linter in templates else d
        for d in diagnostics
    ]


def aggregate(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Merge findings with the same path, line, column and message into one whose linter is
    the sorted, de-duplicated linter names joined with ", " and whose severity is error if any
    of them is. The merged finding takes the place of the first one.

    Mirrors gometalinter's `--aggregate` (which keeps an arbitrary one's severity)."""
    groups: dict[tuple[str, int, int, str], list[Diagnostic]] = {}
    for d in diagnostics:
        groups.setdefault((d.path, d.line, d.col, d.message), []).append(d)
    out = []
    for group in groups.values():
        linters = ", ".join(sorted({d.linter for d in group}))
        severity = ERROR if any(d.severity == ERROR for d in group) else group[0].severity
        out.append(group[0]._replace(linter=linters, severity=severity))
    return out


def sort(diagnostics: list[Diagnostic], keys: Iterable[str] = ()) -> list[Diagnostic]:
    """Sort by `keys` (SORT_KEYS names, compared in turn: strings as strings, so "error" sorts
    before "warning"); ties keep the default order of DESIGN.md (path, line, column, linter,
    message), which is also the order for empty `keys`. `("none",)` keeps the given order.

    Mirrors gometalinter's `--sort`. Raises ValueError for an unknown key."""
    keys = tuple(keys)
    if keys == ("none",):
        return list(diagnostics)
    for key in keys:
        if key not in SORT_KEYS:
            raise ValueError(
                f"Sort: unknown key {key!r}; valid keys are {', '.join(SORT_KEYS)}, or none"
            )
    attrs = [SORT_KEYS[key] for key in keys]
    ordered = sorted(diagnostics)
    if attrs:
        ordered.sort(key=lambda d: tuple(getattr(d, a) for a in attrs))
    return ordered


def only_errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Keep only the findings of severity error (gometalinter's `--errors`)."""
    return [d for d in diagnostics if d.severity == ERROR]


def apply(diagnostics: list[Diagnostic], options: FilterOptions) -> list[Diagnostic]:
    """Run every filter of `options` in gometalinter's order: MessageOverride, Severity,
    Exclude, Include, Aggregate, Sort, Errors. Returns the diagnostics to report, in order.

    Raises ValueError (one line, naming the key) for a bad expression, template, severity or
    sort key, whether or not any diagnostic would have used it, and for Exclude and Include
    expressions that take more than MATCH_SECONDS together."""
    result = override_message(diagnostics, options.message_override)
    result = override_severity(result, options.severity)
    deadline = time.monotonic() + MATCH_SECONDS  # one budget for both
    result = exclude(result, options.exclude, deadline)
    result = include(result, options.include, deadline)
    if options.aggregate:
        result = aggregate(result)
    result = sort(result, options.sort)
    if options.errors:
        result = only_errors(result)
    return result

"""Reading a registry's answers (lintgate.cache.oci.registry's helpers): the reason a refusal
gives, the path of a URL for a message, and the repository's tag list, named in the warning
for a missing tag."""

from __future__ import annotations

import requests

from lintgate.cache.oci.http import Deadline, read_body
from lintgate.cache.oci.media import parse_json, shown

MAX_ERROR_BODY = 64 << 10  # bytes: the JSON error body of a refusal
MAX_TAGS = 100  # tags asked for when an import's tag is missing (one page of tags/list)
SHOWN_TAGS = 10  # of them named in the warning


def url_path(url: str) -> str:
    """The path of `url` without its query, for a message (`/v2/team/cache/manifests/main`)."""
    return "/" + url.split("/", 3)[-1].split("?", 1)[0]


def reason(resp: requests.Response, deadline: Deadline) -> str:
    """` (CODE: message)` from the registry's JSON error body, or "" (never raises)."""
    try:
        doc = parse_json(read_body(resp, MAX_ERROR_BODY, deadline.sooner(5.0)))
    except ValueError:
        return ""
    errors = doc.get("errors") if isinstance(doc, dict) else None
    first = errors[0] if isinstance(errors, list) and errors else None
    if not isinstance(first, dict):
        return ""
    text = f"{first.get('code')}: {first.get('message')}"
    return " (" + "".join(c if c.isprintable() else "?" for c in text[:200]) + ")"


def parse_tags(doc: object) -> list[str] | None:
    """The tags of a `tags/list` answer (`{"name": ..., "tags": [...]}`, the distribution
    API's), sorted, at most MAX_TAGS; [] for `"tags": null` (how the distribution registry
    answers for a repository without tags); None when it is not that shape."""
    if not isinstance(doc, dict) or "tags" not in doc:
        return None
    tags = doc["tags"]
    if tags is None:
        return []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        return None
    return sorted(tags)[:MAX_TAGS]


def tags_hint(tags: list[str] | None) -> str:
    """` (tags there: a, b, ... and N more)` (at most SHOWN_TAGS named; `N+` when the list
    was cut at MAX_TAGS), ` (the repository has no tags)`, or "" when `tags` is None (the
    registry did not say)."""
    if tags is None:
        return ""
    if not tags:
        return " (the repository has no tags)"
    named = ", ".join(shown(t, 128) for t in tags[:SHOWN_TAGS])
    more = len(tags) - SHOWN_TAGS
    if more > 0:
        named += f" and {more}{'+' if len(tags) == MAX_TAGS else ''} more"
    return f" (tags there: {named})"

"""Why a claim got worse, in the words the run summary and `check --json` give (issue 17).

A source that changed under the quote is said first (the article is not at fault), then a
link that fails (with its health: failing k/n since when, dead, blocked), then the verdict.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from factcheck.models import ClaimStatus, Verification
from factcheck.schedule import Health

SOURCE_CHANGES = {"removed": "quote removed", "edited": "quote edited"}


def why_worse(
    status: ClaimStatus, checks: Sequence[Verification], health: Mapping[str, Health]
) -> str:
    """A short reason, e.g. 'source changed: quote removed on 2026-12-03'."""
    for v in checks:
        if v.drift in SOURCE_CHANGES:
            return f"source changed: {SOURCE_CHANGES[v.drift]} on {v.fetch.fetched_at[:10]}"
    if status is ClaimStatus.UNAVAILABLE:
        failing = [v for v in checks if not v.fetch.status.readable]
        return "; ".join(_failure(v, health.get(v.url)) for v in failing) or "no source read"
    if status is ClaimStatus.MISQUOTED:
        changes = [d for v in checks for d in v.match.differences]
        words = ", ".join(f"'{d.source}' → '{d.quote}'" for d in changes[:3])
        return f"misquoted: {words}" if words else "misquoted"
    if status is ClaimStatus.UNVERIFIED:
        return "the quote is not in its sources"
    if status is ClaimStatus.PARTLY:
        return "some specifics are missing from its sources or conflict"
    return ""


def _failure(v: Verification, health: Health | None) -> str:
    said = f" ({v.fetch.reason})" if v.fetch.reason else ""
    if health is None or health.state == "unknown":
        return f"source {v.fetch.status.value}{said}"
    return f"source {health}: {v.fetch.status.value}{said}"

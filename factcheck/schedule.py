"""Pure re-check logic: intervals, which sources are due, and failing versus dead."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from factcheck.clock import from_iso
from factcheck.models import Claim

INTERVAL_RE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
FAILURES = frozenset(
    {"gone", "server_error", "timeout", "unreachable", "tls_error", "redirect_loop", "invalid"}
)


def parse_interval(text: str) -> timedelta:
    """'12h', '7d', '2w' (and '30m') as a timedelta; ValueError otherwise."""
    found = INTERVAL_RE.match(text)
    if not found:
        raise ValueError(f"bad interval {text!r}: use a number and m, h, d or w, e.g. 7d")
    return timedelta(**{UNITS[found.group(2)]: int(found.group(1))})


@dataclass(frozen=True)
class SourceDue:
    url: str
    interval: timedelta  # the shortest interval of the claims citing it
    last_checked_at: str | None


def source_schedule(
    claims: Sequence[Claim], default: str, last_fetched: Mapping[str, str]
) -> list[SourceDue]:
    """Each source's re-check interval (shortest of its claims') and last check time."""
    intervals: dict[str, timedelta] = {}
    for claim in claims:
        interval = parse_interval(claim.recheck or default)
        for source in claim.sources:
            old = intervals.get(source.url)
            intervals[source.url] = interval if old is None else min(old, interval)
    return [SourceDue(url, iv, last_fetched.get(url)) for url, iv in intervals.items()]


def due_sources(schedule: Sequence[SourceDue], now: datetime) -> list[str]:
    """URLs never checked, or whose last check is at least their interval old."""
    return [
        s.url
        for s in schedule
        if s.last_checked_at is None or now - from_iso(s.last_checked_at) >= s.interval
    ]


def source_health(
    history: Sequence[tuple[str, str]], failures_needed: int, days_needed: float
) -> str:
    """'ok', 'blocked', 'failing' or 'dead' from (checked_at, fetch_status), oldest first.

    One failure never makes a source dead: it is dead only after `failures_needed`
    consecutive failed checks spanning at least `days_needed` days (InternetArchiveBot's rule).
    An `error` check (a bug of ours while fetching) says nothing about the source: skipped.
    """
    history = [h for h in history if h[1] != "error"]
    if not history:
        return "unknown"
    last_status = history[-1][1]
    if last_status == "fetched":
        return "ok"
    if last_status == "blocked":
        return "blocked"
    if last_status not in FAILURES:
        return "failing"
    streak: list[str] = []
    for checked_at, status in reversed(history):
        if status not in FAILURES:
            break
        streak.append(checked_at)
    span = from_iso(streak[0]) - from_iso(streak[-1])
    if len(streak) >= failures_needed and span >= timedelta(days=days_needed):
        return "dead"
    return "failing"

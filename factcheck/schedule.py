"""Pure re-check logic: intervals, which sources are due (and which claims have no verdict
for their present words), and link health: failing versus dead."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from factcheck.clock import from_iso
from factcheck.models import Claim

INTERVAL_RE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
FAILURES = frozenset(
    {"gone", "server_error", "timeout", "unreachable", "tls_error", "redirect_loop", "invalid"}
)
# Outcomes that say nothing about the source: --offline without a snapshot, the run's own
# failure. They never become checks, so never a verdict, a transition or a link failure.
NOT_CHECKS = frozenset({"not_cached", "error"})


def counts_as_check(fetch_status: str) -> bool:
    """Whether a fetch outcome is news about the source (issue 17, point 2)."""
    return fetch_status not in NOT_CHECKS


def claims_by_source(claims: Sequence[Claim]) -> dict[str, list[Claim]]:
    """The claims citing each source URL, in claims-file order; URLs in first-cited order."""
    by_url: dict[str, list[Claim]] = {}
    for claim in claims:
        for source in claim.sources:
            by_url.setdefault(source.url, []).append(claim)
    return by_url


@lru_cache(maxsize=65_536)
def claim_fingerprint(claim: Claim) -> str:
    """Changes whenever the words a check looks for change."""
    from factcheck.specifics import SPECIFICS_VERSION  # not loaded for `status` (issue 21)

    words = json.dumps(
        [
            claim.claim,
            claim.quote,
            claim.evidence,
            claim.specifics,
            claim.published,
            SPECIFICS_VERSION,
        ]
    )
    return hashlib.sha256(words.encode()).hexdigest()[:16]


def unjudged(claims: Sequence[Claim], url: str, judged: Mapping[tuple[str, str], str]) -> bool:
    """Whether some claim citing `url` has no verdict on it for its present words: a new
    claim or source, or an edited quote, evidence or specifics (due at once, issue 17).
    `judged` maps claim x source to the fingerprint its newest check judged."""
    return any(judged.get((c.id, url)) != claim_fingerprint(c) for c in claims)


@lru_cache(maxsize=256)  # a claims file uses a few intervals, each on thousands of claims
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


@dataclass(frozen=True)
class Health:
    """A link's health from its network checks: ok, failing (k of n, since), dead, blocked."""

    state: str  # "ok", "failing", "dead", "blocked" or "unknown" (never checked)
    failures: int = 0  # consecutive failed checks, newest last
    needed: int = 3  # consecutive failures (over enough days) that make it dead
    since: str | None = None  # when the failing, dead or blocked streak began

    def __str__(self) -> str:
        """'ok', 'failing 2/3 since 2026-12-03', 'dead since …', 'blocked since …'."""
        text = self.state
        if self.state == "failing":
            text += f" {min(self.failures, self.needed)}/{self.needed}"
        if self.since and self.state != "ok":
            text += f" since {self.since[:10]}"
        return text


def source_health(
    history: Sequence[tuple[str, str]], failures_needed: int, days_needed: float
) -> Health:
    """A source's health from (checked_at, fetch_status) of its checks, oldest first.

    One failure never makes a source dead: it is dead only after `failures_needed`
    consecutive failed checks spanning at least `days_needed` days (InternetArchiveBot's rule).
    Outcomes that are not checks (offline without a snapshot, `error`: a bug of ours while
    fetching) are left out: they say nothing about the link.
    """
    history = [(at, status) for at, status in history if counts_as_check(status)]
    if not history:
        return Health("unknown", needed=failures_needed)
    last_status = history[-1][1]
    if last_status == "fetched":
        return Health("ok", needed=failures_needed)
    streak: list[str] = []  # the newest run of checks that failed the same way
    for checked_at, status in reversed(history):
        if _kind(status) != _kind(last_status):
            break
        streak.append(checked_at)
    if last_status == "blocked":
        return Health("blocked", len(streak), failures_needed, streak[-1])
    span = from_iso(streak[0]) - from_iso(streak[-1])
    dead = last_status in FAILURES and len(streak) >= failures_needed
    state = "dead" if dead and span >= timedelta(days=days_needed) else "failing"
    return Health(state, len(streak), failures_needed, streak[-1])


def _kind(fetch_status: str) -> str:
    if fetch_status in ("fetched", "blocked"):
        return fetch_status
    return "failure" if fetch_status in FAILURES else "other"

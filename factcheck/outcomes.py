"""A run's outcome per claim: its status, the change since the last run, and why a claim
got worse, in the words the run summary and `check --json` give (issue 17).

A source that changed under the quote is said first (the article is not at fault), then a
link that fails (with its health: failing k/n since when, dead, blocked), then the verdict.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from factcheck.models import ClaimStatus, Verification
from factcheck.schedule import Health

# Higher is worse; used to sort transitions ("newly broken first").
SEVERITY = {
    ClaimStatus.SUPPORTED: 0,
    ClaimStatus.UNCHECKED: 1,
    ClaimStatus.UNSOURCED: 1,
    ClaimStatus.PARTLY: 2,
    ClaimStatus.UNAVAILABLE: 3,
    ClaimStatus.UNVERIFIED: 3,
    ClaimStatus.MISQUOTED: 4,
}


@dataclass(frozen=True)
class ClaimOutcome:
    claim_id: str
    status: ClaimStatus
    previous: ClaimStatus | None
    reason: str = ""  # why it changed, or why a source was not re-checked

    @property
    def change(self) -> str:
        """'worse', 'better', 'new' or 'same' compared with the previous run."""
        if self.previous is None:
            return "new"
        delta = SEVERITY[self.status] - SEVERITY[self.previous]
        if delta == 0 and self.status != self.previous:
            return "worse" if self.status is ClaimStatus.UNAVAILABLE else "better"
        return "worse" if delta > 0 else "better" if delta < 0 else "same"


@dataclass(frozen=True)
class RunSummary:
    run_id: int | None  # None: a due run with nothing due records no run
    outcomes: tuple[ClaimOutcome, ...]
    sources_checked: int

    def counts(self) -> Counter[str]:
        return Counter(o.status.value for o in self.outcomes)

    def failed(self, statuses: set[str]) -> list[ClaimOutcome]:
        """Claims whose status is one of `statuses` (`--fail-on`)."""
        return [o for o in self.outcomes if o.status.value in statuses]

    def transitions(self) -> list[ClaimOutcome]:
        """Claims whose status changed since the last run, newly broken first."""
        changed = [o for o in self.outcomes if o.change in ("worse", "better")]
        return sorted(changed, key=lambda o: (o.change != "worse", -SEVERITY[o.status]))


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

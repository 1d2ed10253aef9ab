"""The stable JSON contracts for scripts: `status --json` and `check --json` (see the README)."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from factcheck.models import ClaimReport, Report, SourceReport
from factcheck.review import contradicted
from factcheck.settings import Settings

if TYPE_CHECKING:  # `status` must not pay for importing the fetch stage
    from factcheck.outcomes import ClaimOutcome, RunSummary


DEAD_FAILURES = Settings().dead_after_failures


def has_conflict(claim: ClaimReport) -> bool:
    """Some source of the claim contradicts one of its specifics."""
    return any(f.status.value == "conflict" for s in claim.sources for f in s.specifics)


def status_contract(report: Report) -> dict[str, Any]:
    """`status --json`: every claim's latest status, and the claims with conflicting specifics."""
    return {
        "claims": [claim_contract(c) for c in report.claims],
        "conflicts": [c.id for c in report.claims if has_conflict(c)],
    }


def claim_contract(c: ClaimReport) -> dict[str, Any]:
    previous = c.history[-2].status if len(c.history) > 1 else None
    return {
        "id": c.id,
        "status": c.status,
        "previous_status": previous,
        "claim": c.claim,
        "quote": c.quote,
        "speaker": c.speaker,
        "checked_at": c.checked_at,
        "human": [asdict(r) for r in c.reviews],
        "human_contradicted": contradicted(c),
        "sources": [
            {
                "url": s.url,
                "fetch_status": s.fetch_status,
                "http_status": s.http_status,
                "quote_status": s.quote_status,
                "score": s.score,
                "excerpt": s.excerpt,
                "start": s.start,
                "end": s.end,
                "fragment_url": s.fragment_url,
                "differences": [asdict(d) for d in s.differences],
                "checked_at": s.checked_at,
                "health": _health(s),
                "drift": {"class": s.last_drift, "at": s.last_drift_at} if s.last_drift else None,
                "specifics": [
                    {
                        "kind": f.specific.kind.value,
                        "text": f.specific.text,
                        "status": f.status.value,
                        "found": f.found_text,
                        "sentence": f.sentence,
                    }
                    for f in s.specifics
                ],
                "evidence": [asdict(e) for e in s.evidence],
            }
            for s in c.sources
        ],
        "verdict": c.verdict,
        "coverage": [
            {
                "text": row.specific.text,
                "kind": row.role,
                "status": row.status,
                "sources": [cell.status.value if cell else None for cell in row.cells],
            }
            for row in c.coverage
        ],
    }


def _health(s: SourceReport) -> dict[str, Any] | None:
    """A source's link health: state, consecutive failed checks (of those that make it
    dead), since when; None if never checked."""
    if s.health is None:
        return None
    since = s.failing_since if s.health != "ok" else None
    return {"state": s.health, "failures": s.failures, "of": DEAD_FAILURES, "since": since}


def history_contract(claim_id: str, timelines: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """`history --json`: each source's checks, oldest first (`history.source_timelines`)."""
    return {"id": claim_id, "sources": timelines}


def check_contract(summary: RunSummary, failing: set[str]) -> dict[str, Any]:
    """`check --json`: the run, its counts, what changed, every claim, and the failed claims."""
    return {
        "run_id": summary.run_id,
        "sources_checked": summary.sources_checked,
        "counts": dict(summary.counts()),
        "changed": [_outcome(o) for o in summary.transitions()],
        "claims": [_outcome(o) for o in summary.outcomes],
        "failed": [o.claim_id for o in summary.failed(failing)],
    }


def _outcome(o: ClaimOutcome) -> dict[str, Any]:
    return {
        "id": o.claim_id,
        "status": o.status.value,
        "previous": o.previous.value if o.previous else None,
        "change": o.change,
        "reason": o.reason,
    }

"""Claim roll-up: one claim status from the latest verification of each of its sources."""

from __future__ import annotations

from collections.abc import Sequence

from factcheck.models import Claim, ClaimStatus, FetchStatus, QuoteStatus, Verification

FOUND = frozenset({QuoteStatus.VERBATIM, QuoteStatus.EDITED})
IN_PART = frozenset({QuoteStatus.OUT_OF_CONTEXT, QuoteStatus.PARTIAL})


def roll_up(claim: Claim, verifications: Sequence[Verification]) -> ClaimStatus:
    """A claim's status from its latest verification per source."""
    if not claim.sources:
        return ClaimStatus.UNSOURCED
    if claim.quote and any(v.archive_status in FOUND for v in verifications):
        return ClaimStatus.SUPPORTED  # the quote was there when cited, per the archive
    readable = [v for v in verifications if v.fetch.status is FetchStatus.FETCHED]
    if not readable:
        return ClaimStatus.UNAVAILABLE
    if claim.quote:
        statuses = {v.match.status for v in readable}
        if statuses & FOUND:
            return ClaimStatus.SUPPORTED
        if statuses & IN_PART:
            return ClaimStatus.PARTLY  # never supported (issue 16, points 3 and 4)
        if QuoteStatus.ALTERED in statuses:
            return ClaimStatus.MISQUOTED
        return ClaimStatus.UNVERIFIED
    if claim.evidence and any(all(e.status in FOUND for e in v.evidence) for v in readable):
        return ClaimStatus.SUPPORTED
    return _roll_up_specifics(claim, readable)


def _roll_up_specifics(claim: Claim, readable: Sequence[Verification]) -> ClaimStatus:
    """Across all readable sources: every deciding specific found somewhere and none
    contradicted is `supported` (issue 18, point 1; specifics/coverage.py)."""
    if not any(v.specifics for v in readable):
        if claim.evidence:
            found = any(e.status in FOUND for v in readable for e in v.evidence)
            return ClaimStatus.PARTLY if found else ClaimStatus.UNVERIFIED
        return ClaimStatus.UNCHECKED
    from factcheck.specifics.coverage import cover  # names and patterns: only for fact claims

    return cover(claim.claim, [v.specifics for v in readable]).status

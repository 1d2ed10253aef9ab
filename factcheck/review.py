"""Human decisions: record reviews and spot machine verdicts that contradict them."""

from __future__ import annotations

import getpass
import os

from factcheck.clock import now_iso
from factcheck.errors import ExitCode, FactcheckError, NotFoundError
from factcheck.models import ClaimReport, Rating, Review
from factcheck.store.database import Store


class ReviewError(FactcheckError):
    """A review command that does not say what was decided."""

    exit_code = ExitCode.USAGE


def reviewer(by: str | None) -> str:
    if by:
        return by
    env = os.environ.get("FACTCHECK_REVIEWER")
    if env:
        return env
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def record_review(
    store: Store,
    claim_id: str,
    *,
    decision: str | None,
    url: str | None,
    rating: tuple[int | None, int | None, int | None, str | None],
    note: str | None,
    by: str | None,
) -> Review:
    """Validate and append one decision; the machine's own record is never changed."""
    store.reader.require_claim(claim_id)
    if url is not None and url not in {s["url"] for s in store.reader.claim_sources([claim_id])}:
        raise NotFoundError(f"{url!r} is not a source of {claim_id!r}")
    value, best, worst, label = rating
    human_rating = None
    if value is not None or label is not None:
        human_rating = Rating(value=value, best=best, worst=worst, label=label)
        decision = decision or "rating"
    if decision is None:
        if not note:
            raise ReviewError(
                "say what was decided: --accept, --reject, --checked, --rating or --note"
            )
        decision = "note"
    results = store.reader.claim_results([claim_id])
    review = Review(
        claim_id=claim_id,
        decision=decision,
        by=reviewer(by),
        at=now_iso(),
        url=url,
        note=note,
        rating=human_rating,
        machine_status=results[-1]["status"] if results else None,
    )
    store.writer.add_review(review)
    return review


def contradicted(claim: ClaimReport) -> bool:
    """An accepted verdict that a later machine check no longer agrees with."""
    accepts = [r for r in claim.reviews if r.decision == "accept" and r.url is None]
    if not accepts or accepts[-1].machine_status is None:
        return False
    return claim.status != accepts[-1].machine_status

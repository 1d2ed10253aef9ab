"""Human decisions: record reviews and spot machine verdicts that contradict them."""

from __future__ import annotations

import getpass
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from factcheck.clock import now_iso
from factcheck.errors import ExitCode, FactcheckError, NotFoundError
from factcheck.models import ClaimReport, Rating, Review, redact_url

if TYPE_CHECKING:
    from factcheck.store.database import Store

DEFAULT_BEST = 5  # the top of a rating scale when --best is not given


class ReviewError(FactcheckError):
    """A review command that does not say what was decided, or why."""

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
    decisions: Sequence[str],
    url: str | None,
    rating: tuple[int | None, int | None, int | None, str | None],
    note: str | None,
    by: str | None,
) -> Review:
    """Validate and append one decision; the machine's own record is never changed.

    Exactly one decision (`--accept`, `--reject`, `--checked` or a rating), always with a note.
    """
    store.reader.require_claim(claim_id)
    value, best, worst, label = rating
    rated = value is not None or label is not None
    chosen = [*decisions, "rating"] if rated else list(decisions)
    if len(chosen) != 1:
        raise ReviewError(
            "give exactly one decision: --accept, --reject, --checked or --rating"
            + (f" (got {', '.join(chosen)})" if chosen else "")
        )
    if not note or not note.strip():
        raise ReviewError("say why with --note")
    human_rating = checked_rating(value, best, worst, label) if rated else None
    url = source_url(store, claim_id, url)
    results = store.reader.claim_results([claim_id])
    review = Review(
        claim_id=claim_id,
        decision=chosen[0],
        by=reviewer(by),
        at=now_iso(),
        url=url,
        note=note,
        rating=human_rating,
        machine_status=results[-1]["status"] if results else None,
    )
    store.writer.add_review(review)
    return review


def checked_rating(
    value: int | None, best: int | None, worst: int | None, label: str | None
) -> Rating:
    """A rating on a scale from `worst` (default 1) to `best` (default 5), value inside it."""
    if value is None:  # a label alone (ClaimReview's alternateName)
        return Rating(best=best, worst=worst, label=label)
    best = DEFAULT_BEST if best is None else best
    worst = 1 if worst is None else worst
    if not 1 <= worst < best:
        raise ReviewError(f"the scale must run from --worst {worst} >= 1 up to --best {best}")
    if not worst <= value <= best:
        raise ReviewError(f"--rating {value} is outside the scale {worst}..{best}")
    return Rating(value=value, best=best, worst=worst, label=label)


def source_url(store: Store, claim_id: str, url: str | None) -> str | None:
    """The claim's source that `url` names, as written or as reports show it (credentials
    redacted)."""
    if url is None:
        return None
    for source in store.reader.claim_sources([claim_id]):
        if url in (source["url"], redact_url(source["url"])):
            return str(source["url"])
    raise NotFoundError(f"{redact_url(url)!r} is not a source of {claim_id!r}")


def effective_rating(
    file_rating: Rating | None, reviews: Sequence[Review]
) -> tuple[Rating | None, str | None]:
    """The rating every format shows and who set it: the latest `review --rating` (reviews
    come in the order they were recorded), else the claims file's (who: None)."""
    for review in reversed(reviews):
        if review.rating is not None:
            return review.rating, review.by
    return file_rating, None


def contradicted(claim: ClaimReport) -> bool:
    """An accepted verdict that a later machine check no longer agrees with."""
    accepts = [r for r in claim.reviews if r.decision == "accept" and r.url is None]
    if not accepts or accepts[-1].machine_status is None:
        return False
    return claim.status != accepts[-1].machine_status

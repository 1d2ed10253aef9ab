"""Content drift: what happened to a quote when its source's text changed between checks."""

from __future__ import annotations

from enum import StrEnum

from factcheck.models import FetchStatus, QuoteStatus, Verification

FOUND = frozenset({QuoteStatus.VERBATIM, QuoteStatus.EDITED})


class Drift(StrEnum):
    UNCHANGED = "unchanged"  # text changed elsewhere; the quote reads as before
    EDITED = "edited"  # the quote is still there but its words differ
    REMOVED = "removed"  # page alive, quote gone
    MOVED = "moved"  # redirected to a new address and found there
    RESTORED = "restored"  # a quote that had gone is back


def classify_drift(old: Verification, new: Verification) -> Drift | None:
    """Compare the last readable check with this one; None when there is nothing to say."""
    if new.fetch.status is not FetchStatus.FETCHED or old.fetch.status is not FetchStatus.FETCHED:
        return None
    if old.text_hash is None or old.text_hash == new.text_hash:
        return None
    was, now = old.match.status, new.match.status
    if was is QuoteStatus.UNCHECKED or now is QuoteStatus.UNCHECKED:
        return None
    old_home = old.fetch.final_url or old.url
    new_home = new.fetch.final_url or new.url
    if now in FOUND and new_home != old_home:
        return Drift.MOVED
    if was in FOUND and now not in FOUND:
        return Drift.EDITED if now is QuoteStatus.ALTERED else Drift.REMOVED
    if was not in FOUND and now in FOUND:
        return Drift.RESTORED
    if was in FOUND and old.match.excerpt != new.match.excerpt:
        return Drift.EDITED
    return Drift.UNCHANGED

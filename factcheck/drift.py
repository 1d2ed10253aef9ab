"""Content drift: what happened to a quote when its source's text changed between checks."""

from __future__ import annotations

from difflib import SequenceMatcher
from enum import StrEnum

from factcheck.models import DiffOp, FetchStatus, QuoteStatus, Verification

FOUND = frozenset({QuoteStatus.VERBATIM, QuoteStatus.EDITED})
# Still on the page, but its words now differ, are hedged or are there only in part.
CHANGED = frozenset({QuoteStatus.ALTERED, QuoteStatus.OUT_OF_CONTEXT, QuoteStatus.PARTIAL})


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
        return Drift.EDITED if now in CHANGED else Drift.REMOVED
    if was not in FOUND and now in FOUND:
        return Drift.RESTORED
    if was in FOUND and old.match.excerpt != new.match.excerpt:
        return Drift.EDITED
    return Drift.UNCHANGED


def around(text: str, start: int | None, end: int | None, width: int = 200) -> str:
    """The text around a span (or the start of the text when there is no span)."""
    if start is None or end is None:
        return text[: 2 * width]
    return text[max(0, start - width) : end + width]


def word_diff(before: str, after: str) -> list[DiffOp]:
    """Word-level difference between two passages, as DiffOps (source = before)."""
    old, new = before.split(), after.split()
    ops = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        ops.append(DiffOp(tag, " ".join(old[i1:i2]), " ".join(new[j1:j2])))
    return ops

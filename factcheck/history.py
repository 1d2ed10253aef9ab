"""A claim's sources over time, for `history` (each source's timeline of checks) and `diff`
(the text around the quote before and after its source's last change)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from factcheck.drift import around, word_diff
from factcheck.errors import ExtractError
from factcheck.models import DiffOp, FetchResult, FetchStatus, redact_url
from factcheck.snapshots.cache import SnapshotCache
from factcheck.store.database import Store
from factcheck.store.rows import Row

if TYPE_CHECKING:
    from factcheck.verify import SourceChecker


def source_timelines(store: Store, claim_id: str) -> dict[str, list[dict[str, Any]]]:
    """Per source, every check oldest first, marking where the extracted text changed."""
    out: dict[str, list[dict[str, Any]]] = {}
    for r in store.reader.check_history([claim_id]):
        points = out.setdefault(redact_url(r["url"]), [])
        # compared with the last check that read a text: a failed check between is no change
        last_hash = next((p["text_hash"] for p in reversed(points) if p["text_hash"]), None)
        points.append(
            {
                "checked_at": r["checked_at"],
                "fetch_status": r["fetch_status"],
                "quote_status": r["quote_status"],
                "score": r["score"],
                "text_hash": r["text_hash"],
                "text_changed": bool(points)
                and r["text_hash"] is not None
                and last_hash is not None
                and r["text_hash"] != last_hash,
                "drift": r["drift"],
                "archive_url": r["archive_url"] and redact_url(r["archive_url"]),
            }
        )
    return out


@dataclass(frozen=True)
class TextChange:
    """A source's text around the quote at its last two different snapshots."""

    url: str
    before_at: str
    after_at: str
    before: str
    after: str
    diff: list[DiffOp]
    drift: str | None
    missing: str = ""  # why the text cannot be shown (its snapshot left the cache)


def text_changes(store: Store, cache_dir: Path, claim_id: str) -> list[TextChange]:
    """Per source whose text changed (as `history` shows), the passage around the quote
    before and after: from the text cache, else re-extracted from the snapshot's pack."""
    from factcheck.verify import SourceChecker  # extraction, only for `diff`

    checker = SourceChecker(SnapshotCache(cache_dir))
    by_source: dict[str, list[Row]] = {}
    for r in store.reader.check_history([claim_id]):
        if r["text_hash"]:
            by_source.setdefault(r["url"], []).append(r)
    changes = []
    for url, rows in by_source.items():
        after = rows[-1]
        before = next((r for r in reversed(rows) if r["text_hash"] != after["text_hash"]), None)
        if before is None:
            continue
        change = TextChange(
            redact_url(url), before["checked_at"], after["checked_at"], "", "", [], None
        )
        change = replace(
            change, drift=next((r["drift"] for r in reversed(rows) if r["drift"]), None)
        )
        old, new = _text(checker, before), _text(checker, after)
        if old is None or new is None:
            gone = before if old is None else after
            why = f"the text of {gone['checked_at']} is no longer in the snapshot cache"
            changes.append(replace(change, missing=why))
            continue
        old_text = around(old, before["start"], before["end"])
        start, end = after["start"], after["end"]
        if start is None and before["start"] is not None:  # quote gone: look where it was
            start = end = int(before["start"] * len(new) / max(1, len(old)))
        new_text = around(new, start, end)
        changes.append(
            replace(change, before=old_text, after=new_text, diff=word_diff(old_text, new_text))
        )
    return changes


def _text(checker: SourceChecker, check: Row) -> str | None:
    """The text a check read, or None when neither it nor its snapshot is cached any more."""
    if not check["body_hash"]:
        return None
    snapshot = FetchResult(
        check["url"],
        FetchStatus.FETCHED,
        check["checked_at"],
        final_url=check["final_url"],
        content_type=check["content_type"],
        body_hash=check["body_hash"],
    )
    from factcheck.verify import SnapshotGoneError

    try:
        return checker.read_text(snapshot).text
    except (SnapshotGoneError, ExtractError):
        return None

"""A claim's sources over time, for `history` (each source's timeline of checks) and `diff`
(the text around the quote before and after its source's last change)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factcheck.drift import around, word_diff
from factcheck.models import DiffOp, redact_url
from factcheck.snapshots.cache import SnapshotCache
from factcheck.store.database import Store
from factcheck.store.rows import Row


def source_timelines(store: Store, claim_id: str) -> dict[str, list[dict[str, Any]]]:
    """Per source, every check oldest first, marking where the extracted text changed."""
    out: dict[str, list[dict[str, Any]]] = {}
    for r in store.reader.check_history([claim_id]):
        points = out.setdefault(redact_url(r["url"]), [])
        last_hash = points[-1]["text_hash"] if points else None
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


def text_changes(store: Store, cache_dir: Path, claim_id: str) -> list[TextChange]:
    """Per source whose text changed, the passage around the quote before and after."""
    cache = SnapshotCache(cache_dir)
    by_source: dict[str, list[Row]] = {}
    for r in store.reader.check_history([claim_id]):
        if r["text_hash"] and r["body_hash"]:
            by_source.setdefault(r["url"], []).append(r)
    changes = []
    for url, rows in by_source.items():
        after = rows[-1]
        before = next((r for r in reversed(rows) if r["text_hash"] != after["text_hash"]), None)
        if before is None:
            continue
        old, new = cache.get_text(before["body_hash"]), cache.get_text(after["body_hash"])
        if old is None or new is None:
            continue
        old_text = around(str(old["text"]), before["start"], before["end"])
        start, end = after["start"], after["end"]
        if start is None and before["start"] is not None:  # quote gone: look where it was
            start = end = int(
                before["start"] * len(str(new["text"])) / max(1, len(str(old["text"])))
            )
        new_text = around(str(new["text"]), start, end)
        changes.append(
            TextChange(
                redact_url(url),
                before["checked_at"],
                after["checked_at"],
                old_text,
                new_text,
                word_diff(old_text, new_text),
                after["drift"],
            )
        )
    return changes

"""Report rows: the recorded state of claims, rebuilt from the store for commands and formats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from factcheck.clock import now_iso
from factcheck.drift import around, word_diff
from factcheck.models import (
    Article,
    ClaimReport,
    DiffOp,
    HistoryPoint,
    Rating,
    Report,
    Review,
    SourceMetadata,
    SourceReport,
    redact_url,
)
from factcheck.review import effective_rating
from factcheck.schedule import source_health
from factcheck.settings import Settings
from factcheck.snapshots.cache import SnapshotCache
from factcheck.store.database import Store
from factcheck.store.rows import Row, diff_ops, differences, findings_from_json, from_json

DEAD_FAILURES = Settings().dead_after_failures
DEAD_DAYS = Settings().dead_after_days


def build_report(
    store: Store,
    *,
    article: Article | None = None,
    claim_ids: Sequence[str] = (),
    statuses: Sequence[str] = (),
) -> Report:
    """Every (selected) claim with its latest status, sources, history and reviews.

    Reads each table once for all claims (a report of 10,000 claims is a few queries).
    """
    rows = store.claim_rows(list(claim_ids) or None)
    ids = [r["id"] for r in rows] if claim_ids else None
    results = _grouped(store.claim_results(ids))
    latest = _grouped(store.latest_checks(ids))
    histories = _grouped(store.status_history(ids))
    links = _grouped(store.claim_sources(ids))
    reviews = _grouped(store.reviews(ids))
    health = store.fetch_histories(sorted({link["id"] for ls in links.values() for link in ls}))
    claims = []
    for row in rows:
        cid = row["id"]
        claim = claim_report(
            row,
            results.get(cid, []),
            {r["url"]: r for r in latest.get(cid, [])},
            _source_histories(histories.get(cid, [])),
            [(link, health[link["id"]]) for link in links.get(cid, [])],
            reviews.get(cid, []),
        )
        if not statuses or claim.status in statuses:
            claims.append(claim)
    if article and article.url:
        article = replace(article, url=redact_url(article.url))
    return Report(generated_at=now_iso(), claims=tuple(claims), article=article)


def _grouped(rows: list[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for r in rows:
        out.setdefault(r["claim_id"], []).append(r)
    return out


def claim_report(
    row: Row,
    results: list[Row],
    latest: dict[str, Row],
    per_source: dict[str, tuple[HistoryPoint, ...]],
    links: list[tuple[Row, list[tuple[str, str]]]],
    reviews: list[Row],
) -> ClaimReport:
    history = tuple(HistoryPoint(r["checked_at"], r["status"]) for r in results)
    sources = tuple(
        source_report(
            link,
            latest.get(link["url"]),
            per_source.get(link["url"], ()),
            source_health(fetches, DEAD_FAILURES, DEAD_DAYS),
        )
        for link, fetches in links
    )
    human = tuple(review_from_row(r) for r in reviews)
    rating, rating_by = effective_rating(_rating(from_json(row["rating"])), human)
    return ClaimReport(
        id=row["id"],
        claim=row["claim"],
        status=results[-1]["status"] if results else "unchecked",
        quote=row["quote"],
        speaker=row["speaker"],
        tags=tuple(from_json(row["tags"], [])),
        rating=rating,
        sources=sources,
        reviews=human,
        history=history,
        checked_at=history[-1].checked_at if history else None,
        rating_by=rating_by,
    )


def source_report(
    link: Row, check: Row | None, history: Sequence[HistoryPoint], health: str
) -> SourceReport:
    url = redact_url(link["url"])
    if check is None:
        return SourceReport(url=url, note=link["note"])
    meta: dict[str, Any] = from_json(check.get("metadata"), {}) or {}
    meta["authors"] = tuple(meta.get("authors") or ())
    return SourceReport(
        url=url,
        note=link["note"],
        fetch_status=check["fetch_status"],
        http_status=check["http_status"],
        final_url=_redacted(check["final_url"]),
        quote_status=check["quote_status"],
        score=check["score"],
        excerpt=check["excerpt"],
        start=check["start"],
        end=check["end"],
        diff=diff_ops(from_json(check["diff"], [])),
        differences=differences(from_json(check["differences"], [])),
        fragment_url=_redacted(check["fragment_url"]),
        archive_url=_redacted(check["archive_url"]),
        archived_at=check["archived_at"],
        archive_status=check["archive_status"],
        checked_at=check["checked_at"],
        reason=redact_url(check["reason"] or ""),
        metadata=SourceMetadata(**meta),
        specifics=findings_from_json(check["specifics"]),
        history=tuple(history),
        health=health,
        drift=check["drift"],
    )


def excerpt_contexts(
    store: Store, cache_dir: Path, claim: ClaimReport, width: int = 160
) -> dict[str, str]:
    """Per source URL, the matched excerpt with `width` characters of its snapshot around it."""
    cache = SnapshotCache(cache_dir)
    out = {}
    for check in store.latest_checks([claim.id]):
        start, end, digest = check["start"], check["end"], check["body_hash"]
        if start is None or end is None or not digest:
            continue
        data = cache.get_text(digest)
        if data is None:
            continue
        text = str(data["text"])
        out[redact_url(check["url"])] = " ".join(text[max(0, start - width) : end + width].split())
    return out


def source_timelines(store: Store, claim_id: str) -> dict[str, list[dict[str, Any]]]:
    """Per source, every check oldest first, marking where the extracted text changed."""
    out: dict[str, list[dict[str, Any]]] = {}
    for r in store.check_history([claim_id]):
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
                "archive_url": _redacted(r["archive_url"]),
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
    for r in store.check_history([claim_id]):
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


def _source_histories(checks: list[Row]) -> dict[str, tuple[HistoryPoint, ...]]:
    out: dict[str, list[HistoryPoint]] = {}
    for r in checks:
        status = r["quote_status"] if r["fetch_status"] == "fetched" else r["fetch_status"]
        out.setdefault(r["url"], []).append(HistoryPoint(r["checked_at"], status))
    return {url: tuple(points) for url, points in out.items()}


def review_from_row(r: Row) -> Review:
    return Review(
        claim_id=r["claim_id"],
        decision=r["decision"],
        by=r["by"],
        at=r["at"],
        url=_redacted(r["url"]),
        note=r["note"],
        rating=_rating(from_json(r["rating"])),
        machine_status=r["machine_status"],
    )


def _redacted(url: str | None) -> str | None:
    return redact_url(url) if url else url


def _rating(data: dict[str, Any] | None) -> Rating | None:
    return Rating(**data) if data else None

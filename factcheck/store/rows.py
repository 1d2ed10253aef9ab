"""Every row <-> model mapping of the store: JSON columns, claims, snapshots, checks and the
verifications they hold, reviews, and the report models rebuilt from recorded rows."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from factcheck.models import (
    Claim,
    ClaimReport,
    Difference,
    DiffOp,
    FetchResult,
    FetchStatus,
    HistoryPoint,
    QuoteMatch,
    QuoteStatus,
    Rating,
    Review,
    Segment,
    SourceMetadata,
    SourceReport,
    SourceText,
    Specific,
    SpecificFinding,
    SpecificKind,
    SpecificStatus,
    Verification,
)

Row = dict[str, Any]
_DECODE = json.JSONDecoder().decode


def to_json(value: Any) -> str:
    """Serialise dataclasses, tuples and plain values for a TEXT column."""
    return json.dumps(value, default=_default, ensure_ascii=False, sort_keys=True)


def _default(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def from_json(text: str | None, fallback: Any = None) -> Any:
    if text == "[]":  # most list columns are empty: skip the decoder
        return []
    return _DECODE(text) if text else fallback


# A check's columns besides its id fall in two parts. A check carried over from an earlier
# one (Verification.reused_from) takes FRESH_COLUMNS from this run's fetch of the source and
# copies CARRIED_OVER, its verdict; WORD_DETAIL is the part of that verdict a run need not load.
FRESH_COLUMNS = (
    "run_id",
    "snapshot_id",
    "checked_at",
    "fetch_status",
    "reused",
    "drift",
    "archive_url",
    "archived_at",
    "archive_status",
)
WORD_DETAIL = ("diff", "differences", "normalisations", "segments", "selector")
CARRIED_OVER = (
    "claim_id",
    "source_id",
    "quote_status",
    "score",
    "excerpt",
    "start",
    "end",
    "diff",
    "differences",
    "normalisations",
    "occurrences",
    "segments",
    "selector",
    "fragment_url",
    "evidence",
    "specifics",
    "text_hash",
    "matcher_version",
    "claim_hash",
)


def carried_fresh(run_id: int, snapshot_id: int, fetched_at: str, fetch_status: str) -> Row:
    """FRESH_COLUMNS of a verdict carried over by a fetch (snapshot `snapshot_id`): that fetch's
    run, time and status, marked reused, with no drift and no archive answer of its own."""
    return {
        "run_id": run_id,
        "snapshot_id": snapshot_id,
        "checked_at": fetched_at,
        "fetch_status": fetch_status,
        "reused": 1,
        "drift": None,
        "archive_url": None,
        "archived_at": None,
        "archive_status": None,
    }


def claim_row(claim: Claim, position: int) -> Row:
    """The claims-table row of one claim of the file (without its timestamps)."""
    return {
        "id": claim.id,
        "claim": claim.claim,
        "quote": claim.quote,
        "speaker": claim.speaker,
        "tags": to_json(list(claim.tags)),
        "recheck": claim.recheck,
        "rating": to_json(claim.rating) if claim.rating else None,
        "evidence": to_json(list(claim.evidence)),
        "specifics": to_json(list(claim.specifics)),
        "position": position,
        "line": claim.line,
        "removed_at": None,
    }


def snapshot_row(
    run_id: int,
    source_id: int,
    result: FetchResult,
    text: SourceText | None,
    text_hash: str | None,
) -> Row:
    """The snapshots-table row of one fetch (title, metadata, text hash: of the text it
    read, if it read one)."""
    title, metadata = (text.title, to_json(text.metadata)) if text else (None, None)
    fetched = result.status is FetchStatus.FETCHED
    return {
        "source_id": source_id,
        "run_id": run_id,
        "fetched_at": result.fetched_at,
        "fetch_status": str(result.status),
        "http_status": result.http_status,
        "final_url": result.final_url,
        "redirects": to_json(list(result.redirects)),
        "content_type": result.content_type,
        "etag": result.etag,
        "last_modified": result.last_modified,
        "body_hash": result.body_hash if fetched else None,
        "text_hash": text_hash if text else None,
        "size": result.size,
        "reason": result.reason,
        "not_modified": int(result.not_modified),
        "from_cache": int(result.from_cache),
        "elapsed_ms": result.elapsed_ms,
        "title": title,
        "metadata": metadata,
    }


def review_row(review: Review) -> Row:
    return {
        "claim_id": review.claim_id,
        "url": review.url,
        "decision": review.decision,
        "note": review.note,
        "rating": to_json(review.rating) if review.rating else None,
        "by": review.by,
        "at": review.at,
        "machine_status": review.machine_status,
    }


def check_row(run_id: int, source_id: int, snapshot_id: int, v: Verification) -> Row:
    """The checks-table row of one verification."""
    m = v.match
    return {
        "run_id": run_id,
        "claim_id": v.claim_id,
        "source_id": source_id,
        "snapshot_id": snapshot_id,
        "checked_at": v.fetch.fetched_at,
        "fetch_status": str(v.fetch.status),
        "quote_status": str(m.status),
        "score": m.score,
        "excerpt": m.excerpt or None,
        "start": m.start,
        "end": m.end,
        "diff": to_json(list(m.diff)),
        "differences": to_json(list(m.differences)),
        "normalisations": to_json(list(m.normalisations)),
        "occurrences": m.occurrences,
        "segments": to_json(list(m.segments)),
        "selector": to_json({"exact": m.excerpt, "prefix": m.prefix, "suffix": m.suffix})
        if m.excerpt
        else None,
        "fragment_url": v.fragment_url,
        "evidence": to_json(list(v.evidence)),
        "specifics": to_json(list(v.specifics)),
        "text_hash": v.text_hash,
        "matcher_version": v.matcher_version,
        "reused": int(v.reused),
        "drift": v.drift,
        "claim_hash": v.claim_hash,
        "archive_url": v.archive_url,
        "archived_at": v.archived_at,
        "archive_status": v.archive_status,
    }


def verification_from_row(r: Row, *, detail: bool = True) -> Verification:
    """Rebuild a verification from a check row joined with its snapshot.

    Without `detail` the match keeps its verdict (status, score, excerpt, offsets) but not
    its word diff, differences, segments, normalisations or selector context: much cheaper
    for the thousands of previous checks a run only carries over, rolls up or compares.
    """
    fetch = FetchResult(
        url=r["url"],
        status=FetchStatus(r["fetch_status"]),
        fetched_at=r["checked_at"],
        http_status=r.get("http_status"),
        final_url=r.get("final_url"),
        redirects=tuple(from_json(r.get("redirects"), [])),
        content_type=r.get("content_type"),
        etag=r.get("etag"),
        last_modified=r.get("last_modified"),
        body_hash=r.get("body_hash"),
        reason=r.get("reason") or "",
    )
    return Verification(
        claim_id=r["claim_id"],
        url=r["url"],
        fetch=fetch,
        match=match_from_row(r) if detail else _verdict_from_row(r),
        text_hash=r["text_hash"],
        fragment_url=r["fragment_url"],
        evidence=tuple(_match_from_dict(d) for d in from_json(r["evidence"], [])),
        specifics=findings_from_json(r["specifics"]),
        matcher_version=r["matcher_version"] or "",
        claim_hash=r["claim_hash"] or "",
        drift=r["drift"],
        archive_url=r["archive_url"],
        archived_at=r["archived_at"],
        archive_status=r["archive_status"],
        reused=bool(r["reused"]),
    )


def match_from_row(r: Row) -> QuoteMatch:
    selector = from_json(r["selector"], {})
    return _match_from_dict(
        {
            "status": r["quote_status"],
            "score": r["score"] or 0.0,
            "excerpt": r["excerpt"] or "",
            "start": r["start"],
            "end": r["end"],
            "diff": from_json(r["diff"], []),
            "differences": from_json(r["differences"], []),
            "normalisations": from_json(r["normalisations"], []),
            "occurrences": r["occurrences"] or 0,
            "segments": from_json(r["segments"], []),
            "prefix": selector.get("prefix", ""),
            "suffix": selector.get("suffix", ""),
        }
    )


def _verdict_from_row(r: Row) -> QuoteMatch:
    return QuoteMatch(
        status=QuoteStatus(r["quote_status"]),
        score=r["score"] or 0.0,
        excerpt=r["excerpt"] or "",
        start=r["start"],
        end=r["end"],
        occurrences=r["occurrences"] or 0,
    )


def _match_from_dict(d: dict[str, Any]) -> QuoteMatch:
    return QuoteMatch(
        status=QuoteStatus(d["status"]),
        score=d.get("score") or 0.0,
        excerpt=d.get("excerpt") or "",
        start=d.get("start"),
        end=d.get("end"),
        diff=diff_ops(d.get("diff", [])),
        differences=differences(d.get("differences", [])),
        normalisations=tuple(d.get("normalisations", [])),
        occurrences=d.get("occurrences") or 0,
        segments=tuple(Segment(**x) for x in d.get("segments", [])),
        prefix=d.get("prefix", ""),
        suffix=d.get("suffix", ""),
    )


def finding_from_dict(d: dict[str, Any]) -> SpecificFinding:
    spec = d["specific"]
    return SpecificFinding(
        specific=Specific(SpecificKind(spec["kind"]), spec["text"], spec["value"]),
        status=SpecificStatus(d["status"]),
        found_text=d.get("found_text", ""),
        start=d.get("start"),
        end=d.get("end"),
        sentence=d.get("sentence", ""),
    )


def diff_ops(items: list[dict[str, str]]) -> tuple[DiffOp, ...]:
    return tuple(DiffOp(**x) for x in items)


def differences(items: list[dict[str, str]]) -> tuple[Difference, ...]:
    return tuple(Difference(**x) for x in items)


def findings_from_json(text: str | None) -> tuple[SpecificFinding, ...]:
    return tuple(finding_from_dict(d) for d in from_json(text, []))


# -- report models rebuilt from recorded rows -------------------------------------------------


def claim_report(
    row: Row, results: list[Row], sources: tuple[SourceReport, ...], reviews: list[Row]
) -> ClaimReport:
    """A claims row with its claim_results (oldest first), source reports and review rows."""
    history = tuple(HistoryPoint(r["checked_at"], r["status"]) for r in results)
    return ClaimReport(
        id=row["id"],
        claim=row["claim"],
        status=results[-1]["status"] if results else "unchecked",
        quote=row["quote"],
        speaker=row["speaker"],
        tags=tuple(from_json(row["tags"], [])),
        rating=rating_from_json(row["rating"]),
        sources=sources,
        reviews=tuple(review_from_row(r) for r in reviews),
        history=history,
        checked_at=history[-1].checked_at if history else None,
    )


def source_report(
    link: Row, check: Row, history: tuple[HistoryPoint, ...], **shown: Any
) -> SourceReport:
    """A claim's source link with its newest check (joined with its snapshot), its history
    and `shown` (health, last drift)."""
    meta: dict[str, Any] = from_json(check.get("metadata"), {}) or {}
    meta["authors"] = tuple(meta.get("authors") or ())
    return SourceReport(
        **_verdict_shown(link, check),
        diff=diff_ops(from_json(check["diff"], [])),
        metadata=SourceMetadata(**meta),
        history=history,
        **shown,
    )


def lean_source_report(link: Row, check: Row, **shown: Any) -> SourceReport:
    """`source_report` for `status` (issue 21, point 5): without the word diff, page metadata
    and history it never shows, and with `shown` (health, last drift) set at once, not copied."""
    return SourceReport(**_verdict_shown(link, check), **shown)


def _verdict_shown(link: Row, check: Row) -> dict[str, Any]:
    """The fields of a source report that every view of the check shows."""
    return {
        "url": link["url"],
        "note": link["note"],
        "fetch_status": check["fetch_status"],
        "http_status": check["http_status"],
        "final_url": check["final_url"],
        "quote_status": check["quote_status"],
        "score": check["score"],
        "excerpt": check["excerpt"],
        "start": check["start"],
        "end": check["end"],
        "differences": differences(from_json(check["differences"], [])),
        "fragment_url": check["fragment_url"],
        "archive_url": check["archive_url"],
        "archived_at": check["archived_at"],
        "archive_status": check["archive_status"],
        "checked_at": check["checked_at"],
        "reason": check["reason"] or "",
        "specifics": findings_from_json(check["specifics"]),
        "drift": check["drift"],
    }


def source_histories(checks: list[Row]) -> dict[str, tuple[HistoryPoint, ...]]:
    """Per source URL, each check's status (its fetch status when the fetch failed)."""
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
        url=r["url"],
        note=r["note"],
        rating=rating_from_json(r["rating"]),
        machine_status=r["machine_status"],
    )


def rating_from_json(text: str | None) -> Rating | None:
    data = from_json(text)
    return Rating(**data) if data else None


def matches_from_json(text: str | None) -> tuple[QuoteMatch, ...]:
    return tuple(_match_from_dict(d) for d in from_json(text, []))

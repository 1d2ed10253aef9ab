"""The report: the recorded state of claims, rebuilt from the store for `report`, `status`
and `show` (a source's history and text changes, for `history` and `diff`, are in history.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from factcheck.clock import now_iso
from factcheck.models import (
    Article,
    ClaimReport,
    EvidenceReport,
    HistoryPoint,
    Report,
    Review,
    SourceReport,
    redact_url,
)
from factcheck.review import effective_rating
from factcheck.schedule import FAILURES, source_health
from factcheck.settings import Settings
from factcheck.store.database import Store
from factcheck.store.rows import (
    Row,
    claim_report,
    from_json,
    lean_source_report,
    matches_from_json,
    source_histories,
    source_report,
)

DEAD_FAILURES = Settings().dead_after_failures
DEAD_DAYS = Settings().dead_after_days


def build_report(
    store: Store,
    *,
    article: Article | None = None,
    claim_ids: Sequence[str] = (),
    statuses: Sequence[str] = (),
    history: bool = True,
    coverage: bool = True,
) -> Report:
    """Every (selected) claim with its latest status, sources, history and reviews.

    Reads each table once for all claims (a report of 10,000 claims is a few queries).
    Without `history` (what `status` shows) a claim's history holds only its last two
    statuses, and a source neither its history nor its word diff nor its page's metadata: the
    reads stay the same size as runs accumulate. Without `coverage` a fact claim's coverage
    table and verdict are not worked out (`status` prints them only as JSON).
    """
    reader = store.reader
    rows = reader.claim_rows(list(claim_ids) or None)
    ids = [r["id"] for r in rows] if claim_ids else None
    results = _grouped(reader.claim_results(ids, last=None if history else 2))
    latest = _grouped(reader.latest_checks(ids) if history else reader.status_checks(ids))
    histories = _grouped(reader.status_history(ids)) if history else {}
    links = _grouped(reader.claim_sources(ids))
    reviews = _grouped(reader.reviews(ids))
    source_ids = sorted({link["id"] for ls in links.values() for link in ls})
    fetches = reader.fetch_histories(source_ids, () if history else FAILURES | {"blocked"})
    health = {source_id: _health(streak) for source_id, streak in fetches.items()}
    drifts = _grouped(reader.last_drifts(ids))
    claims = []
    for row in rows:
        cid = row["id"]
        checks = {r["url"]: r for r in latest.get(cid, [])}
        per_source = source_histories(histories.get(cid, [])) if history else None
        drift = {r["url"]: r for r in drifts.get(cid, [])}
        sources = tuple(
            _source(
                link,
                checks.get(link["url"]),
                per_source.get(link["url"], ()) if per_source is not None else None,
                health[link["id"]],
                drift.get(link["url"]),
            )
            for link in links.get(cid, [])
        )
        passages = from_json(row.get("evidence"), []) or []
        sources = tuple(
            _with_evidence(s, passages, checks.get(s.url)) if passages else s for s in sources
        )
        claim = claim_report(row, results.get(cid, []), sources, reviews.get(cid, []))
        if coverage:
            claim = _with_coverage(claim)
        if not statuses or claim.status in statuses:
            claims.append(shown(claim))
    if article and article.url:
        article = replace(article, url=redact_url(article.url))
    return Report(generated_at=now_iso(), claims=tuple(claims), article=article)


def _source(
    link: Row,
    check: Row | None,
    history: tuple[HistoryPoint, ...] | None,
    health: dict[str, Any],
    drift: Row | None,
) -> SourceReport:
    """A claim's source with its newest check, link health and last drift to its quote;
    without `history`, the lean form `status` reads."""
    if check is None:
        return SourceReport(url=link["url"], note=link["note"])  # never checked
    shown = {
        **health,
        "last_drift": drift["drift"] if drift else None,
        "last_drift_at": drift["checked_at"] if drift else None,
    }
    if history is None:
        return lean_source_report(link, check, **shown)
    return source_report(link, check, history, **shown)


def _health(fetches: list[tuple[str, str]]) -> dict[str, Any]:
    """A source's link health, as the fields of its reports (one source, many claims)."""
    health = source_health(fetches, DEAD_FAILURES, DEAD_DAYS)
    return {
        "health": health.state,
        "failures": health.failures if health.state in ("failing", "dead") else 0,
        "failing_since": health.since,
        "health_text": str(health),
    }


def shown(claim: ClaimReport) -> ClaimReport:
    """The claim as every output shows it: its effective rating (and who set it), and no
    credentials in any URL (issue 19). Copied only where that changes something."""
    rating, rating_by = effective_rating(claim.rating, claim.reviews)
    sources = tuple(redacted(dated(s)) for s in claim.sources)
    reviews = tuple(_masked_review(r) for r in claim.reviews)
    if rating_by is None and sources == claim.sources and reviews == claim.reviews:
        return claim  # most claims: no copy (10,000 of them cost `status` 0.1 s)
    return replace(claim, rating=rating, rating_by=rating_by, sources=sources, reviews=reviews)


def _masked_review(review: Review) -> Review:
    return (
        replace(review, url=redact_url(review.url)) if review.url and "@" in review.url else review
    )


def dated(source: SourceReport) -> SourceReport:
    """`source` with its page's published date read into ISO ("20 Nov 2019 08:02 GMT" ->
    "2019-11-20"), so every format cites the same date; an unreadable one is dropped."""
    published = source.metadata.published
    if published is None:
        return source
    from factcheck.specifics.relative import page_date  # dateutil: only for a page's date

    iso = page_date(published)
    if iso == published:
        return source
    return replace(source, metadata=replace(source.metadata, published=iso))


def redacted(source: SourceReport) -> SourceReport:
    """`source` with user-info masked in its addresses and in its fetch reason."""
    urls = (source.url, source.final_url, source.fragment_url, source.archive_url, source.reason)
    links = [e.fragment_url for e in source.evidence]
    if not any(u and "@" in u for u in (*urls, *links)):
        return source
    return replace(
        source,
        url=redact_url(source.url),
        final_url=_masked(source.final_url),
        fragment_url=_masked(source.fragment_url),
        archive_url=_masked(source.archive_url),
        reason=redact_url(source.reason),
        evidence=tuple(replace(e, fragment_url=_masked(e.fragment_url)) for e in source.evidence),
    )


def _masked(url: str | None) -> str | None:
    return redact_url(url) if url else url


def _with_coverage(claim: ClaimReport) -> ClaimReport:
    """A fact claim with its specifics x sources table and what decided its status."""
    if claim.quote or not any(s.specifics for s in claim.sources):
        return claim
    from factcheck.specifics.coverage import cover  # only for fact claims

    readable = [s.specifics if s.fetch_status == "fetched" else None for s in claim.sources]
    coverage = cover(claim.claim, readable)
    return replace(claim, coverage=coverage.rows, verdict=coverage.verdict)


def _with_evidence(source: SourceReport, passages: list[str], check: Row | None) -> SourceReport:
    """The claim's `evidence:` passages against one source, each with its own link."""
    if check is None:
        return source
    from factcheck.match.fragments import text_fragment_url

    page = check["final_url"] or check["url"]
    web = page.startswith(("http://", "https://"))
    evidence = tuple(
        EvidenceReport(
            passage,
            m.status.value,
            m.score,
            m.excerpt,
            m.start,
            m.end,
            m.diff,
            text_fragment_url(page, m) if web else None,
        )
        for passage, m in zip(passages, matches_from_json(check["evidence"]), strict=False)
    )
    return replace(source, evidence=evidence)


def _grouped(rows: list[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for r in rows:
        out.setdefault(r["claim_id"], []).append(r)
    return out


def excerpt_contexts(
    store: Store, cache_dir: Path, claim: ClaimReport, width: int = 160
) -> dict[str, str]:
    """Per source URL, the matched excerpt with `width` characters of its snapshot around it."""
    from factcheck.snapshots.cache import SnapshotCache

    cache = SnapshotCache(cache_dir)
    out = {}
    for check in store.reader.latest_checks([claim.id]):
        start, end, digest = check["start"], check["end"], check["body_hash"]
        if start is None or end is None or not digest:
            continue
        data = cache.get_text(digest)
        if data is None:
            continue
        text = str(data["text"])
        out[redact_url(check["url"])] = " ".join(text[max(0, start - width) : end + width].split())
    return out

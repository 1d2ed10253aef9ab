"""The report: the recorded state of claims, rebuilt from the store for `report`, `status`
and `show` (a source's history and text changes, for `history` and `diff`, are in history.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from factcheck.clock import now_iso
from factcheck.match.fragments import text_fragment_url
from factcheck.models import (
    Article,
    ClaimReport,
    EvidenceReport,
    Report,
    SourceReport,
    redact_url,
)
from factcheck.review import effective_rating
from factcheck.schedule import FAILURES, source_health
from factcheck.settings import Settings
from factcheck.snapshots.cache import SnapshotCache
from factcheck.specifics.coverage import cover
from factcheck.specifics.relative import page_date
from factcheck.store.database import Store
from factcheck.store.rows import (
    Row,
    claim_report,
    from_json,
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
) -> Report:
    """Every (selected) claim with its latest status, sources, history and reviews.

    Reads each table once for all claims (a report of 10,000 claims is a few queries).
    Without `history`, a claim's history holds only its last two statuses and a source's
    none (what `status` shows): the reads stay the same size as runs accumulate.
    """
    reader = store.reader
    rows = reader.claim_rows(list(claim_ids) or None)
    ids = [r["id"] for r in rows] if claim_ids else None
    results = _grouped(reader.claim_results(ids, last=None if history else 2))
    latest = _grouped(reader.latest_checks(ids))
    histories = _grouped(reader.status_history(ids)) if history else {}
    links = _grouped(reader.claim_sources(ids))
    reviews = _grouped(reader.reviews(ids))
    source_ids = sorted({link["id"] for ls in links.values() for link in ls})
    health = reader.fetch_histories(source_ids, () if history else FAILURES)
    claims = []
    for row in rows:
        cid = row["id"]
        checks = {r["url"]: r for r in latest.get(cid, [])}
        per_source = source_histories(histories.get(cid, []))
        sources = tuple(
            source_report(
                link,
                checks.get(link["url"]),
                per_source.get(link["url"], ()),
                source_health(health[link["id"]], DEAD_FAILURES, DEAD_DAYS),
            )
            for link in links.get(cid, [])
        )
        passages = from_json(row.get("evidence"), []) or []
        sources = tuple(
            _with_evidence(s, passages, checks.get(s.url)) if passages else s for s in sources
        )
        claim = _with_coverage(
            claim_report(row, results.get(cid, []), sources, reviews.get(cid, []))
        )
        if not statuses or claim.status in statuses:
            claims.append(shown(claim))
    if article and article.url:
        article = replace(article, url=redact_url(article.url))
    return Report(generated_at=now_iso(), claims=tuple(claims), article=article)


def shown(claim: ClaimReport) -> ClaimReport:
    """The claim as every output shows it: its effective rating (and who set it), and no
    credentials in any URL (issue 19)."""
    rating, rating_by = effective_rating(claim.rating, claim.reviews)
    return replace(
        claim,
        rating=rating,
        rating_by=rating_by,
        sources=tuple(redacted(dated(s)) for s in claim.sources),
        reviews=tuple(replace(r, url=_masked(r.url)) for r in claim.reviews),
    )


def dated(source: SourceReport) -> SourceReport:
    """`source` with its page's published date read into ISO ("20 Nov 2019 08:02 GMT" ->
    "2019-11-20"), so every format cites the same date; an unreadable one is dropped."""
    published = source.metadata.published
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
    readable = [s.specifics if s.fetch_status == "fetched" else None for s in claim.sources]
    coverage = cover(claim.claim, readable)
    return replace(claim, coverage=coverage.rows, verdict=coverage.verdict)


def _with_evidence(source: SourceReport, passages: list[str], check: Row | None) -> SourceReport:
    """The claim's `evidence:` passages against one source, each with its own link."""
    if check is None:
        return source
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

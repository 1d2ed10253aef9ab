"""The work of a run with sources to check: fetch, extract and match them, record each
result as it comes, look up web archives (--archive), then roll every claim up.

Imported only when some source is due (see run.py), so a due run with nothing due never
loads the fetch and match stages.
"""

from __future__ import annotations

import functools
import logging
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from factcheck.errors import CacheError
from factcheck.fetch.fetcher import Fetcher
from factcheck.match.version import MATCHER_VERSION
from factcheck.models import (
    Claim,
    ClaimsFile,
    ClaimStatus,
    FetchResult,
    PreviousCheck,
    QuoteStatus,
    Verification,
)
from factcheck.outcomes import ClaimOutcome, RunSummary, why_worse
from factcheck.rollup import roll_up
from factcheck.schedule import Health, counts_as_check, source_health
from factcheck.settings import Settings
from factcheck.snapshots.cache import SnapshotCache
from factcheck.store.database import Store
from factcheck.verify import SourceOutcome, Verifier
from factcheck.wayback.fallback import ArchiveFallback, needs_archive

log = logging.getLogger("factcheck.run")  # the run logs as one, whichever module does the work


def check_sources(
    settings: Settings,
    store: Store,
    files: Sequence[ClaimsFile],
    urls: Sequence[str],
    *,
    due: bool,
    fetcher: Fetcher | None = None,
    on_outcome: Callable[[SourceOutcome], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> RunSummary:
    """Check the sources `urls` of the claims in `files` (synced already) as one run."""
    claims = tuple(claim for f in files for claim in f.claims)
    is_file = {s.url: s.is_file for c in claims for s in c.sources}
    requests = store.reader.fetch_requests([(url, is_file[url]) for url in urls])
    if on_start is not None:
        on_start(len(requests))
    cache = SnapshotCache(usable_cache_dir(settings.cache_dir))
    paths = ", ".join(f.path for f in files)
    run_id = store.writer.start_run("due" if due else "full", paths, MATCHER_VERSION)
    log.info("run %d: %d sources to check (%s)", run_id, len(requests), "due" if due else "all")
    # a due run is mostly revalidations: httpx's CPU gets a core of its own (fetch/process.py)
    fetcher = fetcher or Fetcher(settings, cache, notice=on_notice, own_process=due)
    verifier = Verifier(fetcher, cache, settings.workers)
    current: dict[tuple[str, str], Verification] = {}  # each claim x source's verdict now
    fresh: set[tuple[str, str]] = set()  # checked in this run
    skipped: dict[str, str] = {}  # url -> why this run could not re-check it

    @functools.cache
    def last_verdicts() -> Mapping[tuple[str, str], PreviousCheck]:
        """Read while the first requests are out: what carry-over and drift compare with."""
        latest = store.reader.latest_verifications([c.id for c in claims])
        current.update((key, prev.verification) for key, prev in latest.items())
        return store.reader.previous_texts(latest)

    def record(outcome: SourceOutcome) -> None:
        if not counts_as_check(outcome.fetch.status.value):
            # offline with no snapshot, or the run's own failure: not news about the
            # source, so the last verdict stands and link health is untouched
            skipped[outcome.fetch.url] = f"not re-checked: {outcome.fetch.reason}"
        else:
            store.writer.record_outcome(
                run_id, outcome.fetch, outcome.text, outcome.text_hash, list(outcome.verifications)
            )
            for v in outcome.verifications:
                current[(v.claim_id, v.url)] = v
                fresh.add((v.claim_id, v.url))
        if on_outcome is not None:
            on_outcome(outcome)

    try:
        verifier.verify(claims, requests, record, last_verdicts)
        last_verdicts()  # read even when nothing was fetched: every claim is rolled up
        if settings.archive:
            pending = [current[key] for key in fresh]
            _archive_fallback(settings, verifier, store, run_id, files, pending, current)
    except BaseException:
        store.writer.finish_run(run_id, "interrupted")
        raise
    outcomes = _roll_up_all(store, settings, run_id, claims, current, skipped)
    store.writer.finish_run(run_id)
    log.info("run %d finished: %d claims rolled up", run_id, len(outcomes))
    return RunSummary(run_id, tuple(outcomes), len(requests) - len(skipped))


def _archive_fallback(
    settings: Settings,
    verifier: Verifier,
    store: Store,
    run_id: int,
    files: Sequence[ClaimsFile],
    fresh: list[Verification],
    current: dict[tuple[str, str], Verification],
) -> None:
    """Check web-archive captures for this run's sources that failed or lost the quote."""
    pending = [
        v
        for v in fresh
        if v.match.status is not QuoteStatus.UNCHECKED or not v.fetch.status.readable
    ]
    pending = [v for v in pending if needs_archive(v.fetch, v.match.status)]
    if not pending:
        return
    cited: dict[str, str] = {}
    for claims_file in files:
        published = claims_file.article.published if claims_file.article else None
        for claim in claims_file.claims:
            for source in claim.sources:
                when = source.accessed or published
                if when:
                    cited[source.url] = when

    def check(result: FetchResult, citing: list[Claim]) -> Sequence[Verification]:
        return verifier.verify_source(result, citing, {}).verifications

    fallback = ArchiveFallback(verifier.fetcher, check, settings.archive_cdx, settings.archive_base)
    recovered = fallback.recover(pending, [c for f in files for c in f.claims], cited)
    store.writer.record_archive(run_id, recovered)
    for v in recovered:
        current[(v.claim_id, v.url)] = v


def _roll_up_all(
    store: Store,
    settings: Settings,
    run_id: int,
    claims: Sequence[Claim],
    current: dict[tuple[str, str], Verification],
    skipped: Mapping[str, str],
) -> list[ClaimOutcome]:
    previous = store.reader.previous_claim_statuses(run_id)
    outcomes, checked = [], {}
    for claim in claims:
        checks = [current[(claim.id, s.url)] for s in claim.sources if (claim.id, s.url) in current]
        before = previous.get(claim.id)
        status = roll_up(claim, checks)
        if not checks and claim.sources:
            status = ClaimStatus(before) if before else ClaimStatus.UNCHECKED  # nothing known
        note = next((skipped[s.url] for s in claim.sources if s.url in skipped), "")
        outcomes.append(
            ClaimOutcome(claim.id, status, ClaimStatus(before) if before else None, note)
        )
        checked[claim.id] = checks
    worse = [o for o in outcomes if o.change == "worse"]
    failing = {v.url for o in worse for v in checked[o.claim_id] if not v.fetch.status.readable}
    health = _health(store, settings, sorted(failing))
    reasons = {o.claim_id: why_worse(o.status, checked[o.claim_id], health) for o in worse}
    outcomes = [replace(o, reason=reasons.get(o.claim_id, o.reason)) for o in outcomes]
    store.writer.record_claim_results(run_id, [(o.claim_id, o.status.value) for o in outcomes])
    return outcomes


def _health(store: Store, settings: Settings, urls: Sequence[str]) -> dict[str, Health]:
    """Link health of the given sources, from their network checks (this run's included)."""
    if not urls:
        return {}
    ids = {url: store.writer.source_id(url) for url in urls}
    fetches = store.reader.fetch_histories(list(ids.values()))
    return {
        url: source_health(fetches[i], settings.dead_after_failures, settings.dead_after_days)
        for url, i in ids.items()
    }


def usable_cache_dir(path: Path) -> Path:
    """Fail before any fetching when snapshots could not be kept (full disk, read-only, a file)."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path) as probe:
            probe.write(b"probe")
    except OSError as exc:
        raise CacheError(
            f"cannot write to the snapshot cache {path}: {exc.strerror or exc}"
        ) from exc
    return path

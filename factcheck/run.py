"""One check run: sync claims, fetch and verify due sources, record each result as it comes."""

from __future__ import annotations

import fcntl
import logging
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from factcheck.carryover import carries_over
from factcheck.clock import utc_now
from factcheck.errors import CacheError, StoreError
from factcheck.fetch.fetcher import Fetcher
from factcheck.match.find import MATCHER_VERSION
from factcheck.models import (
    Claim,
    ClaimsFile,
    ClaimStatus,
    FetchRequest,
    FetchResult,
    PreviousCheck,
    QuoteStatus,
    Verification,
)
from factcheck.rollup import roll_up
from factcheck.schedule import due_sources, source_schedule
from factcheck.settings import Settings
from factcheck.snapshots.cache import SnapshotCache
from factcheck.store.database import Store
from factcheck.verify import SourceOutcome, Verifier, claims_by_source
from factcheck.wayback.fallback import ArchiveFallback, needs_archive

log = logging.getLogger(__name__)

# Higher is worse; used to sort transitions ("newly broken first").
SEVERITY = {
    ClaimStatus.SUPPORTED: 0,
    ClaimStatus.UNCHECKED: 1,
    ClaimStatus.UNSOURCED: 1,
    ClaimStatus.PARTLY: 2,
    ClaimStatus.UNAVAILABLE: 3,
    ClaimStatus.UNVERIFIED: 3,
    ClaimStatus.MISQUOTED: 4,
}


@dataclass(frozen=True)
class ClaimOutcome:
    claim_id: str
    status: ClaimStatus
    previous: ClaimStatus | None

    @property
    def change(self) -> str:
        """'worse', 'better', 'new' or 'same' compared with the previous run."""
        if self.previous is None:
            return "new"
        delta = SEVERITY[self.status] - SEVERITY[self.previous]
        if delta == 0 and self.status != self.previous:
            return "worse" if self.status is ClaimStatus.UNAVAILABLE else "better"
        return "worse" if delta > 0 else "better" if delta < 0 else "same"


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    outcomes: tuple[ClaimOutcome, ...]
    sources_checked: int

    def counts(self) -> Counter[str]:
        return Counter(o.status.value for o in self.outcomes)

    def failed(self, statuses: set[str]) -> list[ClaimOutcome]:
        """Claims whose status is one of `statuses` (`--fail-on`)."""
        return [o for o in self.outcomes if o.status.value in statuses]

    def transitions(self) -> list[ClaimOutcome]:
        """Claims whose status changed since the last run, newly broken first."""
        changed = [o for o in self.outcomes if o.change in ("worse", "better")]
        return sorted(changed, key=lambda o: (o.change != "worse", -SEVERITY[o.status]))


ProgressFn = Callable[[SourceOutcome], None]


def run_check(
    settings: Settings,
    claims_file: ClaimsFile,
    store: Store,
    *,
    due: bool = False,
    now: datetime | None = None,
    fetcher: Fetcher | None = None,
    on_outcome: ProgressFn | None = None,
    on_start: Callable[[int], None] | None = None,
) -> RunSummary:
    """Check every source (or only the due ones), recording each outcome as soon as it exists."""
    with run_lock(settings.db_path):
        store.writer.sync_claims(claims_file)
        claims = claims_file.claims
        latest = store.reader.latest_verifications([c.id for c in claims])
        previous = store.reader.previous_texts(latest)  # what reuse and drift compare with
        requests = _requests(store, claims, settings, now or utc_now(), due, previous)
        if on_start is not None:
            on_start(len(requests))
        cache = SnapshotCache(usable_cache_dir(settings.cache_dir))
        run_id = store.writer.start_run("due" if due else "full", claims_file.path, MATCHER_VERSION)
        log.info("run %d: %d sources to check (%s)", run_id, len(requests), "due" if due else "all")
        verifier = Verifier(fetcher or Fetcher(settings, cache), cache, settings.workers)
        current = {key: prev.verification for key, prev in latest.items()}
        fresh: set[tuple[str, str]] = set()  # checked in this run

        def record(outcome: SourceOutcome) -> None:
            store.writer.record_outcome(
                run_id, outcome.fetch, outcome.text, outcome.text_hash, list(outcome.verifications)
            )
            for v in outcome.verifications:
                current[(v.claim_id, v.url)] = v
                fresh.add((v.claim_id, v.url))
            if on_outcome is not None:
                on_outcome(outcome)

        try:
            verifier.verify(claims, requests, record, previous=previous)
            if settings.archive:
                pending = [current[key] for key in fresh]
                _archive_fallback(settings, verifier, store, run_id, claims_file, pending, current)
        except BaseException:
            store.writer.finish_run(run_id, "interrupted")
            raise
        outcomes = _roll_up_all(store, run_id, claims, current)
        store.writer.finish_run(run_id)
        log.info("run %d finished: %d claims rolled up", run_id, len(outcomes))
    return RunSummary(run_id, tuple(outcomes), len(requests))


def _requests(
    store: Store,
    claims: Sequence[Claim],
    settings: Settings,
    now: datetime,
    due: bool,
    latest: Mapping[tuple[str, str], PreviousCheck],
) -> list[FetchRequest]:
    citing = claims_by_source(claims)
    is_file = {s.url: s.is_file for c in claims for s in c.sources}
    urls = list(citing)
    if due:
        schedule = source_schedule(claims, settings.recheck_default, store.reader.last_fetched())
        urls = due_sources(schedule, now)
    return store.reader.fetch_requests(
        [
            (
                url,
                is_file[url],
                not all(carries_over(latest.get((c.id, url)), c) for c in citing[url]),
            )
            for url in urls
        ]
    )


def _archive_fallback(
    settings: Settings,
    verifier: Verifier,
    store: Store,
    run_id: int,
    claims_file: ClaimsFile,
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
    published = claims_file.article.published if claims_file.article else None
    cited: dict[str, str] = {}
    for claim in claims_file.claims:
        for source in claim.sources:
            when = source.accessed or published
            if when:
                cited[source.url] = when

    def check(result: FetchResult, citing: list[Claim]) -> Sequence[Verification]:
        return verifier.verify_source(result, citing, {}).verifications

    fallback = ArchiveFallback(verifier.fetcher, check, settings.archive_cdx, settings.archive_base)
    recovered = fallback.recover(pending, claims_file.claims, cited)
    store.writer.record_archive(run_id, recovered)
    for v in recovered:
        current[(v.claim_id, v.url)] = v


def _roll_up_all(
    store: Store,
    run_id: int,
    claims: Sequence[Claim],
    current: dict[tuple[str, str], Verification],
) -> list[ClaimOutcome]:
    previous = store.reader.previous_claim_statuses(run_id)
    outcomes = []
    for claim in claims:
        checks = [current[(claim.id, s.url)] for s in claim.sources if (claim.id, s.url) in current]
        before = previous.get(claim.id)
        outcomes.append(
            ClaimOutcome(claim.id, roll_up(claim, checks), ClaimStatus(before) if before else None)
        )
    store.writer.record_claim_results(run_id, [(o.claim_id, o.status.value) for o in outcomes])
    return outcomes


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


@contextmanager
def run_lock(db_path: Path) -> Iterator[None]:
    """One run per database at a time: a second run waits, then finds the work already done."""
    lock_path = Path(f"{Path(db_path).resolve()}.lock")  # one lock per file, whatever the path
    try:
        handle = lock_path.open("a")
    except OSError as exc:
        raise StoreError(f"cannot create run lock {lock_path}: {exc}") from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # say why nothing happens yet (issue 15)
            log.warning("another factcheck run is using %s: waiting for it to finish", db_path)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

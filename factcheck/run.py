"""One check run: sync the claims, decide which sources are due, and hand those to
checking.py (fetch, verify, record); with nothing due, say so without loading those stages."""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from factcheck.clock import utc_now
from factcheck.errors import StoreError
from factcheck.models import Claim, ClaimsFile, ClaimStatus
from factcheck.outcomes import ClaimOutcome, RunSummary
from factcheck.schedule import claims_by_source, due_sources, source_schedule, unjudged
from factcheck.settings import Settings
from factcheck.store.database import Store

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # fetching and matching are imported only when some source is due
    from factcheck.fetch.fetcher import Fetcher
    from factcheck.verify import SourceOutcome

ProgressFn = Callable[["SourceOutcome"], None]  # called as each source's outcome is recorded


def run_check(
    settings: Settings,
    claims_files: ClaimsFile | Sequence[ClaimsFile],
    store: Store,
    *,
    due: bool = False,
    now: datetime | None = None,
    fetcher: Fetcher | None = None,
    on_outcome: ProgressFn | None = None,
    on_start: Callable[[int], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> RunSummary:
    """Check every source (or only the due ones), recording each outcome as soon as it exists."""
    files = [claims_files] if isinstance(claims_files, ClaimsFile) else list(claims_files)
    with run_lock(settings.db_path):
        for claims_file in files:
            store.writer.sync_claims(claims_file, header=len(files) == 1)
        claims = tuple(claim for f in files for claim in f.claims)
        citing = claims_by_source(claims)
        urls = _due_urls(store, claims, citing, settings, now or utc_now()) if due else list(citing)
        if due and not urls and (unchanged := _nothing_due(store, claims)) is not None:
            return unchanged
        from factcheck.checking import check_sources  # fetching, matching: only with work

        return check_sources(
            settings,
            store,
            files,
            urls,
            due=due,
            fetcher=fetcher,
            on_outcome=on_outcome,
            on_start=on_start,
            on_notice=on_notice,
        )


def _due_urls(
    store: Store,
    claims: Sequence[Claim],
    citing: Mapping[str, Sequence[Claim]],
    settings: Settings,
    now: datetime,
) -> list[str]:
    """Sources due by their interval, and wherever a claim has no verdict for its words."""
    wanted = set(
        due_sources(
            source_schedule(claims, settings.recheck_default, store.reader.last_fetched()), now
        )
    )
    judged = store.reader.judged_fingerprints()
    wanted.update(url for url, cited in citing.items() if unjudged(cited, url, judged))
    return [url for url in citing if url in wanted]


def _nothing_due(store: Store, claims: Sequence[Claim]) -> RunSummary | None:
    """Every claim as the last run left it, recording nothing and fetching nothing; None
    when some claim was never rolled up (it gets a run of its own: an unsourced claim)."""
    last = store.reader.previous_claim_statuses()
    if any(claim.id not in last for claim in claims):
        return None
    same = (ClaimOutcome(c.id, ClaimStatus(last[c.id]), ClaimStatus(last[c.id])) for c in claims)
    return RunSummary(None, tuple(same), 0)


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

"""Fetch, extract and match: one `SourceOutcome` per source (workers, when many)."""

from __future__ import annotations

import functools
import hashlib
import logging
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from factcheck.carryover import carries_over, reusable
from factcheck.drift import classify_drift
from factcheck.errors import CacheError, ExtractError
from factcheck.fetch.fetcher import Fetcher
from factcheck.match.fragments import pdf_page_url, text_fragment_url
from factcheck.match.version import MATCHER_VERSION
from factcheck.models import (
    Claim,
    FetchRequest,
    FetchResult,
    FetchStatus,
    PreviousCheck,
    QuoteMatch,
    QuoteStatus,
    SourceMetadata,
    SourceText,
    SpecificFinding,
    Verification,
)
from factcheck.rollup import FOUND
from factcheck.schedule import claim_fingerprint, claims_by_source
from factcheck.snapshots.cache import SnapshotCache

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

log = logging.getLogger("factcheck.run")  # the run logs as one, whichever module does the work
UNCHECKED_MATCH = QuoteMatch(status=QuoteStatus.UNCHECKED)
MAX_TEXT_CHARS = 1_000_000  # ~150,000 words: far beyond any article, bounds matching memory
PARALLEL_MIN_SOURCES = 50  # below this, starting worker processes costs more than it saves


@dataclass(frozen=True)
class SourceOutcome:
    """Everything learned from one source in one run (the body already dropped)."""

    fetch: FetchResult
    text: SourceText | None  # from a worker process: title and metadata, without the text
    text_hash: str | None
    verifications: tuple[Verification, ...]


class SourceChecker:
    """Extract and match one fetched source for the claims citing it (CPU work only)."""

    def __init__(self, cache: SnapshotCache) -> None:
        self.cache = cache

    def verify_source(
        self,
        result: FetchResult,
        claims: Sequence[Claim],
        previous: Mapping[tuple[str, str], PreviousCheck],
    ) -> SourceOutcome:
        """Extract the text of one fetch result and match every claim citing it.

        A bug of ours while extracting or matching ends neither the run nor what it recorded:
        the source's outcome is `error` (logged with its traceback), which counts as no check,
        so the source's last verdict stands (as a bug while fetching, issue 15).
        """
        if self.unchanged(result, claims, previous):
            return carry_over(result, claims, previous)
        try:
            return self._check(result, claims, previous)
        except CacheError:  # a full disk or an unwritable cache/ ends the run, clearly
            raise
        except Exception as err:  # never lose a run to one page
            log.error("internal error checking %s", result.url, exc_info=err)
            reason = f"internal error: {type(err).__name__}: {err}"
            failed = replace(
                _drop_body(result), status=FetchStatus.ERROR, reason=reason, body_hash=None
            )
            unread = tuple(self._verify_claim(c, failed, None, None, None) for c in claims)
            return SourceOutcome(failed, None, None, unread)

    def _check(
        self,
        result: FetchResult,
        claims: Sequence[Claim],
        previous: Mapping[tuple[str, str], PreviousCheck],
    ) -> SourceOutcome:
        text: SourceText | None = None
        if result.status is FetchStatus.FETCHED:
            try:
                text = self.read_text(result)
                if len(text.text) >= MAX_TEXT_CHARS:
                    reason = f"text cut to its first {MAX_TEXT_CHARS:,} characters"
                    result = replace(result, reason=reason)
            except ExtractError as exc:
                result = replace(result, status=FetchStatus.UNSUPPORTED, reason=str(exc))
            except SnapshotGoneError:  # deleted or corrupt since the 304: the next run fetches it
                reason = "the snapshot left the cache during the run; fetched again next run"
                status = FetchStatus.NOT_CACHED
                result = replace(result, status=status, reason=reason, body_hash=None)
        result = _drop_body(result)
        text_hash = _text_hash(text) if text is not None else None
        verifications = tuple(
            self._verify_claim(claim, result, text, text_hash, previous.get((claim.id, result.url)))
            for claim in claims
        )
        return SourceOutcome(result, text, text_hash, verifications)

    @staticmethod
    def unchanged(
        result: FetchResult,
        claims: Sequence[Claim],
        previous: Mapping[tuple[str, str], PreviousCheck],
    ) -> bool:
        """True when every claim's last verdict on these very bytes can be carried over."""
        return bool(claims) and all(
            reusable(previous.get((claim.id, result.url)), claim, result) for claim in claims
        )

    def read_text(self, result: FetchResult) -> SourceText:
        """Extract a snapshot's text once; later runs read it back from the text cache.

        A 304 may have left the body in the cache (FetchRequest.body_needed): it is read
        there only if the text is not cached either.
        """
        assert result.body_hash is not None
        cached = self.cache.get_text(result.body_hash)
        if cached is not None:
            return source_text_from_dict(cached)
        body = result.body if result.body is not None else self.cache.get(result.body_hash)
        if body is None:
            raise SnapshotGoneError(result.body_hash)
        from factcheck.extract.html import extract_source  # bs4 + lxml: only when a page changed

        text = extract_source(body, result.content_type, result.final_url or result.url)
        if len(text.text) > MAX_TEXT_CHARS:  # a hostile page must not cost unbounded memory
            text = replace(text, text=text.text[:MAX_TEXT_CHARS])
        self.cache.put_text(result.body_hash, asdict(text))
        return text

    def _verify_claim(
        self,
        claim: Claim,
        result: FetchResult,
        text: SourceText | None,
        text_hash: str | None,
        before: PreviousCheck | None,
    ) -> Verification:
        base = Verification(
            claim_id=claim.id,
            url=result.url,
            fetch=result,
            match=UNCHECKED_MATCH,
            text_hash=text_hash,
            title=text.title if text else None,
            matcher_version=MATCHER_VERSION,
            claim_hash=claim_fingerprint(claim),
        )
        if text_hash is None:
            return base
        if carries_over(before, claim) and before is not None and before.text_hash == text_hash:
            return _carried(claim, result, before)
        assert text is not None
        fresh = match_claim(claim, base, text)
        if before is None:
            return fresh
        drift = classify_drift(before.verification, fresh)
        return replace(fresh, drift=drift.value if drift else None)


class Verifier(SourceChecker):
    """Runs fetch -> extract -> match for a set of claims; never touches the store."""

    def __init__(self, fetcher: Fetcher, cache: SnapshotCache, workers: int = 1) -> None:
        super().__init__(cache)
        self.fetcher = fetcher
        self.workers = workers

    def verify(
        self,
        claims: Sequence[Claim],
        requests: Sequence[FetchRequest],
        on_outcome: Callable[[SourceOutcome], None],
        last_verdicts: Callable[[], Mapping[tuple[str, str], PreviousCheck]] = dict,
    ) -> None:
        """Fetch every request concurrently and report each source's outcome as it is ready.

        The fetcher works on its own thread (or process) and pauses when results wait.
        `last_verdicts` (what carry-over and drift compare with) is read once the requests
        are on their way: with the first result. Sources whose bytes changed are extracted and
        matched in worker processes when there are enough of them, so both cores work;
        outcomes still arrive here, in this thread, one at a time.
        """
        by_url = claims_by_source(claims)
        priors = functools.cache(last_verdicts)  # read once, when first needed

        if self.workers <= 1 or len(requests) < PARALLEL_MIN_SOURCES:
            self.fetcher.fetch_many(
                requests,
                lambda r: on_outcome(self.verify_source(r, by_url.get(r.url, []), priors())),
            )
            return
        pool: ProcessPoolExecutor | None = None  # started by the first source that changed
        pending: deque[Future[SourceOutcome]] = deque()

        def on_result(result: FetchResult) -> None:
            nonlocal pool
            cited, prior = by_url.get(result.url, []), priors()
            if self.unchanged(result, cited, prior):
                on_outcome(carry_over(result, cited, prior))
            else:
                if pool is None:
                    pool = start_pool(self.workers)
                # only the priors of this source's claims go to the worker process
                mine = {key: prior[key] for c in cited if (key := (c.id, result.url)) in prior}
                root = self.cache.root
                pending.append(pool.submit(_check_in_worker, root, result, cited, mine))
            while pending and (pending[0].done() or len(pending) > 2 * self.workers):
                on_outcome(pending.popleft().result())

        try:
            self.fetcher.fetch_many(requests, on_result)
            while pending:
                on_outcome(pending.popleft().result())
        finally:
            if pool is not None:
                pool.shutdown()


def start_pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes for extracting and matching (multiprocessing loaded only then)."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    return ProcessPoolExecutor(workers, mp_context=get_context("forkserver"))


class SnapshotGoneError(Exception):
    """The snapshot a 304 pointed at is no longer in the cache."""


_WORKER_CHECKER: SourceChecker | None = None


def _check_in_worker(
    cache_root: Path,
    result: FetchResult,
    claims: Sequence[Claim],
    previous: Mapping[tuple[str, str], PreviousCheck],
) -> SourceOutcome:
    """Runs in a worker process: one checker (and its page-index cache) per process."""
    global _WORKER_CHECKER
    if _WORKER_CHECKER is None or _WORKER_CHECKER.cache.root != cache_root:
        _WORKER_CHECKER = SourceChecker(SnapshotCache(cache_root))
    outcome = _WORKER_CHECKER.verify_source(result, claims, previous)
    if outcome.text is None:
        return outcome
    # Only the title and metadata are recorded: the text itself stays here and in the text
    # cache rather than being pickled back to the parent (issue 21, point 2).
    return replace(outcome, text=replace(outcome.text, text="", page_starts=()))


def match_claim(claim: Claim, base: Verification, text: SourceText) -> Verification:
    """Match a claim's quote, evidence passages and specifics against one source text.

    A fact claim (no quote) gets the passage holding most of its specifics as its excerpt
    and link (issue 18, point 2); its quote status stays `unchecked`.
    """
    link_url = base.fetch.final_url or base.url
    # the matcher and the specifics load with the first page matched: a run that carries
    # every verdict over needs neither (issue 17's due run)
    from factcheck.match.find import match_quote
    from factcheck.specifics import about_publication, extract_specifics, find_specifics

    match = match_quote(claim.quote, text.text) if claim.quote else UNCHECKED_MATCH
    evidence = tuple(match_quote(passage, text.text) for passage in claim.evidence)
    # A quote claim stands or falls by its quote; specifics are for fact claims (issue 8).
    specifics = (
        ()
        if claim.quote and not claim.specifics
        else find_specifics(
            extract_specifics(claim.claim, claim.specifics, claim.published),
            text.text,
            text.metadata.published,
            about_publication(claim.claim),
        )
    )
    if not claim.quote:
        match = passage_match(specifics, text)
    proved = match.status in FOUND or (match.status is QuoteStatus.UNCHECKED and match.excerpt)
    shown = match if proved else next((e for e in evidence if e.status in FOUND), None)
    fragment = None
    if shown is not None and link_url.startswith(("http://", "https://")):
        fragment = pdf_page_url(link_url, text.page_starts, shown.start) or text_fragment_url(
            link_url, replace(shown, status=QuoteStatus.VERBATIM)
        )
    return replace(base, match=match, evidence=evidence, specifics=specifics, fragment_url=fragment)


def passage_match(specifics: Sequence[SpecificFinding], source: SourceText) -> QuoteMatch:
    """The fact claim's proving passage in `text` as an unchecked match with an excerpt."""
    text = source.text
    from factcheck.specifics import best_passage

    span = best_passage(specifics, text, source.metadata.published)
    if span is None:
        return UNCHECKED_MATCH
    start, end = span
    excerpt = text[start:end]
    return QuoteMatch(
        status=QuoteStatus.UNCHECKED,
        excerpt=excerpt,
        start=start,
        end=end,
        occurrences=text.count(excerpt),
        prefix=text[max(0, start - 32) : start],
        suffix=text[end : end + 32],
    )


def carry_over(
    result: FetchResult, claims: Sequence[Claim], previous: Mapping[tuple[str, str], PreviousCheck]
) -> SourceOutcome:
    """The outcome of a source whose bytes, claims and matcher are as last time (see
    `SourceChecker.unchanged`): every verdict carried over, nothing read or matched."""
    result = _drop_body(result)
    verifications = tuple(_carried(c, result, previous[(c.id, result.url)]) for c in claims)
    return SourceOutcome(result, None, verifications[0].text_hash, verifications)


def _carried(claim: Claim, result: FetchResult, before: PreviousCheck) -> Verification:
    old = before.verification
    return Verification(
        claim_id=claim.id,
        url=result.url,
        fetch=result,
        match=old.match,
        text_hash=before.text_hash,
        fragment_url=old.fragment_url,
        evidence=old.evidence,
        specifics=old.specifics,
        matcher_version=MATCHER_VERSION,
        claim_hash=claim_fingerprint(claim),
        reused=True,
        reused_from=before.check_id,
    )


def source_text_from_dict(data: Mapping[str, object]) -> SourceText:
    meta = data.get("metadata") or {}
    assert isinstance(meta, dict)
    meta = {**meta, "authors": tuple(meta.get("authors") or ())}
    starts = data.get("page_starts") or ()
    assert isinstance(starts, list | tuple)
    title = data.get("title")
    return SourceText(
        text=str(data["text"]),
        title=title if isinstance(title, str) else None,
        metadata=SourceMetadata(**meta),
        page_starts=tuple(int(s) for s in starts),
    )


def _drop_body(result: FetchResult) -> FetchResult:
    """Keep the size, drop the bytes: outcomes are held and recorded without bodies."""
    if result.body is None:  # a 304 whose body stayed in the cache
        return result
    return replace(result, body=None, size=len(result.body))


def _text_hash(text: SourceText) -> str:
    return hashlib.sha256(text.text.encode("utf-8", "surrogatepass")).hexdigest()

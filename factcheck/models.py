"""Domain data: frozen dataclasses and status enums shared by every pipeline stage."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

# `scheme://user:password@` anywhere in a text: the user-info part, up to the first @ before
# any path, query or fragment (https://url.spec.whatwg.org/#url-writing).
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s@]+@")


def redact_url(text: str, mask: str = "***") -> str:
    """`text` with the user-info of every URL in it replaced by `mask` (dropped when empty):
    credentials are used for the request and never shown or sent elsewhere (issue 19).
    """
    if "@" not in text:
        return text
    return _USERINFO.sub(lambda m: m.group(1) + (f"{mask}@" if mask else ""), text)


class FetchStatus(StrEnum):
    """How fetching one source ended. Never an exception: every source gets one."""

    FETCHED = "fetched"
    GONE = "gone"  # 404, 410, soft 404 (redirect to site root / not-found page)
    BLOCKED = "blocked"  # 401, 403, 429 after retries, bot-challenge or consent wall
    SERVER_ERROR = "server_error"
    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"  # DNS, connect, reset
    TLS_ERROR = "tls_error"
    REDIRECT_LOOP = "redirect_loop"
    TOO_LARGE = "too_large"
    UNSUPPORTED = "unsupported"  # content type we cannot read
    INVALID = "invalid"  # bad URL, missing local file
    NOT_CACHED = "not_cached"  # --offline and no snapshot
    ERROR = "error"  # a bug in factcheck while fetching (logged); says nothing about the source

    @property
    def readable(self) -> bool:
        return self is FetchStatus.FETCHED


class QuoteStatus(StrEnum):
    """How a quoted passage relates to one source's text."""

    VERBATIM = "verbatim"
    EDITED = "edited"  # only acceptable editorial edits
    ALTERED = "altered"  # near-identical but a material change
    OUT_OF_CONTEXT = "out_of_context"  # found, but the source hedges, negates or frames it
    PARTIAL = "partial"  # some of its ellipsis-separated segments found, others not
    PARAPHRASE = "paraphrase"  # substantial shared content, not a quotation
    ABSENT = "absent"
    UNCHECKED = "unchecked"  # nothing to check (no quote), or source unreadable


class ClaimStatus(StrEnum):
    """Roll-up of a claim over all its sources."""

    SUPPORTED = "supported"
    PARTLY = "partly"
    MISQUOTED = "misquoted"
    UNVERIFIED = "unverified"
    UNAVAILABLE = "unavailable"
    UNSOURCED = "unsourced"
    UNCHECKED = "unchecked"


@dataclass(frozen=True)
class SourceRef:
    """One source of a claim, as written in claims.yaml."""

    url: str  # http(s) URL, or an absolute local file path for file sources
    note: str | None = None
    is_file: bool = False
    accessed: str | None = None  # ISO date the article cited it


@dataclass(frozen=True)
class Rating:
    """A human truth rating (for ClaimReview); never produced by the machine."""

    value: int | None = None
    best: int | None = None
    worst: int | None = None
    label: str | None = None


@dataclass(frozen=True)
class Claim:
    """One claim of an article, as validated from claims.yaml."""

    id: str
    claim: str
    quote: str | None = None
    speaker: str | None = None
    sources: tuple[SourceRef, ...] = ()
    tags: tuple[str, ...] = ()
    recheck: str | None = None  # interval like "7d"
    rating: Rating | None = None
    evidence: tuple[str, ...] = ()
    specifics: tuple[str, ...] = ()
    line: int = 0  # line in claims.yaml where the claim starts
    published: str | None = None  # the article's date: "last month", "in August" resolve to it


@dataclass(frozen=True)
class Article:
    title: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date


@dataclass(frozen=True)
class ClaimsFile:
    path: str
    claims: tuple[Claim, ...]
    article: Article | None = None
    digest: str = ""  # of the file's bytes and folder, when known: an unchanged file skips sync


@dataclass(frozen=True)
class FetchRequest:
    """What the fetcher needs to fetch one source, including conditional-request state."""

    url: str
    is_file: bool = False
    etag: str | None = None
    last_modified: str | None = None
    previous_hash: str | None = None  # body hash of the last good snapshot
    previous_size: int | None = None
    # False (as a run asks): a 304 leaves the body in the cache unread; the verifier reads the
    # extracted text, or else the body, there if some verdict on it does not carry over
    body_needed: bool = True


@dataclass(frozen=True)
class FetchResult:
    """Outcome of fetching one source. `body` is set only when status is FETCHED."""

    url: str
    status: FetchStatus
    fetched_at: str  # UTC ISO-8601
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[str, ...] = ()
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body: bytes | None = None
    body_hash: str | None = None  # sha256 hex of body; the cache key
    size: int | None = None  # body length in bytes (kept when the body is dropped)
    reason: str = ""
    not_modified: bool = False  # a 304 reused the previous snapshot
    from_cache: bool = False  # --offline read it from cache/
    elapsed_ms: int = 0


@dataclass(frozen=True)
class SourceMetadata:
    title: str | None = None
    site_name: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    modified: str | None = None
    canonical_url: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class SourceText:
    """Readable text of one snapshot; offsets everywhere refer to `text`."""

    text: str
    title: str | None = None
    metadata: SourceMetadata = field(default_factory=SourceMetadata)
    page_starts: tuple[int, ...] = ()  # PDF: offset where page i+1 starts


@dataclass(frozen=True)
class DiffOp:
    """One word-level edit between the source span and the quote."""

    op: str  # "equal" | "replace" | "insert" | "delete"
    source: str = ""  # words in the source ("" for insert)
    quote: str = ""  # words in the quote ("" for delete)


@dataclass(frozen=True)
class Difference:
    """A material difference: it changes what the quote says."""

    # "number" | "negation" | "name" | "word" | "omission" (source words the quote drops, or
    # a splice) | "context" (source words that govern the quote) | "missing" (a segment not
    # found)
    kind: str
    source: str
    quote: str


@dataclass(frozen=True)
class Segment:
    """One ellipsis-separated part of a quote and where it was found."""

    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class QuoteMatch:
    """The matcher's verdict for one passage against one text, with evidence."""

    status: QuoteStatus
    score: float = 0.0  # 0..100
    excerpt: str = ""  # original source text of the best span
    start: int | None = None
    end: int | None = None
    diff: tuple[DiffOp, ...] = ()
    differences: tuple[Difference, ...] = ()
    normalisations: tuple[str, ...] = ()
    occurrences: int = 0
    segments: tuple[Segment, ...] = ()
    prefix: str = ""  # up to 32 chars before the match (TextQuoteSelector)
    suffix: str = ""  # up to 32 chars after


@dataclass(frozen=True)
class Verification:
    """One claim x source check, as produced by the verifier and recorded as history."""

    claim_id: str
    url: str
    fetch: FetchResult
    match: QuoteMatch
    text_hash: str | None = None
    title: str | None = None
    fragment_url: str | None = None
    evidence: tuple[QuoteMatch, ...] = ()
    specifics: tuple[SpecificFinding, ...] = ()
    matcher_version: str = ""
    claim_hash: str = ""  # fingerprint of the claim's words when checked
    drift: str | None = None  # drift.Drift value when the text changed since the last check
    archive_url: str | None = None  # the capture checked when the live source failed us
    archived_at: str | None = None
    archive_status: str | None = None  # the quote's status in that capture
    reused: bool = False  # text and matcher unchanged: verdict carried over from the last check
    reused_from: int | None = None  # the check it was carried over from (recorded as a copy)


@dataclass(frozen=True)
class PreviousCheck:
    """The last check of a claim x source: lets a run skip re-matching unchanged text.

    `verification` is its verdict without word-level detail (see store.latest_verifications);
    a verdict carried over is recorded by copying check `check_id` whole.
    """

    checked_at: str
    text_hash: str | None
    matcher_version: str | None
    verification: Verification
    check_id: int | None = None


class SpecificKind(StrEnum):
    DATE = "date"
    NUMBER = "number"
    MONEY = "money"
    PERCENT = "percent"
    RANGE = "range"
    NAME = "name"


class SpecificStatus(StrEnum):
    FOUND = "found"
    MISSING = "missing"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class Specific:
    """A checkable detail of a claim: a date, number, amount, percentage, range or name."""

    kind: SpecificKind
    text: str  # as written in the claim
    value: str  # normalised value used for comparison, e.g. "2025-12-19", "12000000000 NZD"


@dataclass(frozen=True)
class SpecificFinding:
    specific: Specific
    status: SpecificStatus
    found_text: str = ""  # what the source says (the match, or the conflicting value)
    start: int | None = None
    end: int | None = None
    sentence: str = ""  # the source's sentence holding it (quoted for a conflict)


@dataclass(frozen=True)
class CoverageRow:
    """One specific of a fact claim across the claim's sources (issue 18)."""

    specific: Specific
    role: str  # number, date, person, organisation, place, context (a place that does not decide)
    status: str  # SpecificStatus value across all readable sources
    cells: tuple[SpecificFinding | None, ...] = ()  # one per claim source; None: not read


@dataclass(frozen=True)
class EvidenceReport:
    """One `evidence:` passage of a claim against one source, reported like a quote."""

    passage: str
    status: str  # QuoteStatus value
    score: float = 0.0
    excerpt: str = ""
    start: int | None = None
    end: int | None = None
    diff: tuple[DiffOp, ...] = ()
    fragment_url: str | None = None


@dataclass(frozen=True)
class Review:
    """A human decision on a claim or one of its sources (append-only audit trail)."""

    claim_id: str
    decision: str  # "accept" | "reject" | "rating" | "note"
    by: str
    at: str
    url: str | None = None
    note: str | None = None
    rating: Rating | None = None
    machine_status: str | None = None  # the machine's claim status when the human decided


@dataclass(frozen=True)
class HistoryPoint:
    checked_at: str
    status: str


@dataclass(frozen=True)
class SourceReport:
    """Everything a report says about one claim x source, from the latest check."""

    url: str
    note: str | None = None
    fetch_status: str | None = None  # None: never checked
    http_status: int | None = None
    final_url: str | None = None
    quote_status: str | None = None
    score: float | None = None
    excerpt: str | None = None
    start: int | None = None
    end: int | None = None
    diff: tuple[DiffOp, ...] = ()
    differences: tuple[Difference, ...] = ()
    fragment_url: str | None = None
    archive_url: str | None = None
    archived_at: str | None = None
    archive_status: str | None = None
    checked_at: str | None = None  # last check; also the accessed date
    reason: str = ""
    metadata: SourceMetadata = field(default_factory=SourceMetadata)
    specifics: tuple[SpecificFinding, ...] = ()
    history: tuple[HistoryPoint, ...] = ()
    health: str | None = None  # ok, failing, dead, blocked (re-check history)
    drift: str | None = None
    failures: int = 0  # failing or dead: consecutive failed checks (of dead_after_failures)
    failing_since: str | None = None  # when the failing, dead or blocked streak began
    health_text: str | None = None  # e.g. "failing 2/3 since 2026-12-03"
    last_drift: str | None = None  # the last change to the quote's source text (drift class)
    last_drift_at: str | None = None  # and when it was seen
    evidence: tuple[EvidenceReport, ...] = ()


@dataclass(frozen=True)
class ClaimReport:
    id: str
    claim: str
    status: str  # ClaimStatus value
    quote: str | None = None
    speaker: str | None = None
    tags: tuple[str, ...] = ()
    rating: Rating | None = None  # the effective rating: latest `review --rating`, else the file's
    sources: tuple[SourceReport, ...] = ()
    reviews: tuple[Review, ...] = ()
    history: tuple[HistoryPoint, ...] = ()  # claim status per run, oldest first
    checked_at: str | None = None
    coverage: tuple[CoverageRow, ...] = ()  # a fact claim's specifics x sources
    verdict: str = ""  # which specifics decided a fact claim's status
    rating_by: str | None = None  # who gave `rating` by `review`; None: the claims file


@dataclass(frozen=True)
class Report:
    generated_at: str
    claims: tuple[ClaimReport, ...]
    article: Article | None = None
    schema_version: str = "1.0"

"""Helpers shared by the report formats: status labels, grouping, dates, links and diffs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from functools import lru_cache
from urllib.parse import quote, urlsplit, urlunsplit

from factcheck.models import (
    ClaimReport,
    ClaimStatus,
    DiffOp,
    QuoteStatus,
    Rating,
    SourceReport,
    SpecificStatus,
    redact_url,
)

# Problems first: an editor reads the report top-down and should meet what needs work first.
CLAIM_STATUS_ORDER: tuple[str, ...] = (
    ClaimStatus.MISQUOTED,
    ClaimStatus.UNVERIFIED,
    ClaimStatus.PARTLY,
    ClaimStatus.UNAVAILABLE,
    ClaimStatus.UNSOURCED,
    ClaimStatus.UNCHECKED,
    ClaimStatus.SUPPORTED,
)

CLAIM_STATUS_LABELS: dict[str, str] = {
    ClaimStatus.SUPPORTED: "Supported",
    ClaimStatus.PARTLY: "Partly supported",
    ClaimStatus.MISQUOTED: "Misquoted",
    ClaimStatus.UNVERIFIED: "Unverified",
    ClaimStatus.UNAVAILABLE: "Source unavailable",
    ClaimStatus.UNSOURCED: "Unsourced",
    ClaimStatus.UNCHECKED: "Not checked",
}

QUOTE_STATUS_LABELS: dict[str, str] = {
    QuoteStatus.VERBATIM: "Verbatim",
    QuoteStatus.EDITED: "Edited (acceptable edits only)",
    QuoteStatus.ALTERED: "Altered",
    QuoteStatus.OUT_OF_CONTEXT: "Out of context (the source hedges, negates or frames it)",
    QuoteStatus.PARTIAL: "Partly found (some segments missing)",
    QuoteStatus.PARAPHRASE: "Paraphrase",
    QuoteStatus.ABSENT: "Not found in source",
    QuoteStatus.UNCHECKED: "No quoted words to match",
}

# What happened to a source that could not be read, for badges in place of a quote status.
FETCH_LABELS: dict[str, str] = {
    "gone": "Gone",
    "blocked": "Blocked",
    "server_error": "Server error",
    "timeout": "Timed out",
    "unreachable": "Source unreachable",
    "tls_error": "TLS error",
    "redirect_loop": "Redirect loop",
    "too_large": "Too large to read",
    "unsupported": "Unsupported content",
    "invalid": "Invalid address",
    "not_cached": "Not in cache (offline)",
    "error": "Internal error (not the source's fault)",
}

# Statuses whose excerpt is a real span of the source, so a text fragment can point at it.
FOUND_QUOTE_STATUSES = frozenset(
    {
        QuoteStatus.VERBATIM,
        QuoteStatus.EDITED,
        QuoteStatus.ALTERED,
        QuoteStatus.OUT_OF_CONTEXT,
        QuoteStatus.PARTIAL,
        QuoteStatus.PARAPHRASE,
    }
)

# drift.Drift values (factcheck/drift.py), worded for a reader.
DRIFT_LABELS: dict[str, str] = {
    "unchanged": "page changed elsewhere, quoted passage unchanged",
    "edited": "the quoted passage was edited on the page",
    "removed": "the quoted passage was removed from the page",
    "moved": "the page moved; passage found at the new address",
    "restored": "the quoted passage is back on the page",
}

LINK_SCHEMES = frozenset({"http", "https"})
_URL_SAFE = "!#$%&'*+,/:;=?@~-._[]"  # no parentheses, quotes, spaces or angle brackets
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def claim_label(status: str) -> str:
    """Readable name of a claim status (unknown values pass through)."""
    return CLAIM_STATUS_LABELS.get(status, status)


def quote_label(status: str | None) -> str:
    """Readable name of a quote status; `None` means the source was never checked."""
    return "Never checked" if status is None else QUOTE_STATUS_LABELS.get(status, status)


def source_label(source: SourceReport) -> str:
    """The badge of a claim x source: the quote status, or for a source that could not be
    read what happened to it ('Gone (404)', 'Source unreachable')."""
    if source.fetch_status is None or source.fetch_status == "fetched":
        if source.quote_status == QuoteStatus.UNCHECKED and source.specifics:
            return specifics_label(source)  # a fact claim's source: no quote, its specifics
        return quote_label(source.quote_status)
    label = FETCH_LABELS.get(source.fetch_status, source.fetch_status.replace("_", " "))
    return f"{label} ({source.http_status})" if source.http_status else label


def specifics_label(source: SourceReport) -> str:
    """A fact claim's source by its specifics: 'Specifics: 1 of 2 found, 1 contradicted'."""
    statuses = [f.status for f in source.specifics]
    found, conflicts = statuses.count(SpecificStatus.FOUND), statuses.count(SpecificStatus.CONFLICT)
    label = f"Specifics: {found} of {len(statuses)} found"
    return label + (f", {conflicts} contradicted" if conflicts else "")


def status_rank(status: str) -> int:
    """Sort key putting claim statuses in `CLAIM_STATUS_ORDER`, unknown ones last."""
    order = list(CLAIM_STATUS_ORDER)
    return order.index(status) if status in order else len(order)


def group_by_status(claims: Iterable[ClaimReport]) -> list[tuple[str, list[ClaimReport]]]:
    """Claims grouped by status, groups in `CLAIM_STATUS_ORDER`, claims in input order."""
    groups: dict[str, list[ClaimReport]] = {}
    for claim in claims:
        groups.setdefault(claim.status, []).append(claim)
    return sorted(groups.items(), key=lambda item: (status_rank(item[0]), item[0]))


def status_counts(claims: Iterable[ClaimReport]) -> list[tuple[str, int]]:
    """(status, count) for every status that occurs, in display order."""
    return [(status, len(group)) for status, group in group_by_status(claims)]


def one_line(text: str | None) -> str:
    """Collapse all whitespace runs (newlines included) to single spaces."""
    return " ".join(text.split()) if text else ""


def show_time(stamp: str | None) -> str:
    """'2025-01-02T10:00:00Z' -> '2025-01-02 10:00 UTC'; dates and odd values pass through."""
    if not stamp:
        return ""
    match = re.match(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})", stamp)
    return f"{match.group(1)} {match.group(2)} UTC" if match else stamp


def date_parts(stamp: str | None) -> list[int] | None:
    """[year, month?, day?] of an ISO date or timestamp, or None.

    Reports come with page dates already read into ISO (report.py, specifics.relative.page_date).
    Sentinel dates that CMSs fill in for "no date" (a year before 1900, the Unix epoch) are
    dropped; of an impossible month or day only the year (and month) is kept.
    """
    match = _DATE.match(stamp or "")
    if not match:
        return None
    parts = [int(part) for part in match.groups() if part is not None]
    if len(parts) == 3 and not _valid_day(*parts):
        parts = parts[:2] if 1 <= parts[1] <= 12 else parts[:1]
    elif len(parts) == 2 and not 1 <= parts[1] <= 12:
        parts = parts[:1]
    if parts[0] < 1900 or parts == [1970, 1, 1]:
        return None
    return parts


def _valid_day(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def show_date(stamp: str | None) -> str:
    """YYYY[-MM[-DD]] of a date (see `date_parts`); "" when there is none to show."""
    parts = date_parts(stamp)
    return "-".join(f"{p:02d}" for p in parts) if parts else ""


@lru_cache(maxsize=65536)  # a report repeats its sources' URLs many times
def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for any link syntax, or None (javascript:, local paths...).

    Characters that end a link in HTML, Markdown, BibTeX or CSV are percent-encoded;
    existing %XX escapes are kept; user-info is never shown.
    """
    if not url:
        return None
    try:
        parts = urlsplit(redact_url(url.strip()))
        host = parts.netloc.encode("idna").decode("ascii") if parts.netloc else ""
    except (ValueError, UnicodeError):
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not host:
        return None
    path, query, fragment = (quote(p, safe=_URL_SAFE) for p in parts[2:])
    return urlunsplit((parts.scheme.lower(), host, path, query, fragment))


def encode_fragment_term(term: str) -> str:
    """Percent-encode one text-directive term, '-', ',' and '&' included.

    https://wicg.github.io/scroll-to-text-fragment/#syntax
    """
    return quote(term, safe="").replace("-", "%2D")


def text_fragment_url(url: str, excerpt: str) -> str:
    """`url#:~:text=start[,end]` highlighting `excerpt`; long excerpts use start and end."""
    words = one_line(excerpt).split(" ")
    if len(words) > 10:
        directive = encode_fragment_term(" ".join(words[:5]))
        directive += "," + encode_fragment_term(" ".join(words[-5:]))
    else:
        directive = encode_fragment_term(" ".join(words))
    base, _, fragment = url.partition("#")
    fragment = fragment.split(":~:", 1)[0]
    return f"{base}#{fragment}:~:text={directive}"


def fragment_link(source: SourceReport) -> str | None:
    """The link that opens the source with the quote highlighted, if there is one."""
    if source.fragment_url:
        return safe_url(source.fragment_url)
    page = safe_url(source.final_url or source.url)
    if page and source.excerpt and source.quote_status in FOUND_QUOTE_STATUSES:
        return text_fragment_url(page, source.excerpt)
    return None


def has_changes(diff: Iterable[DiffOp]) -> bool:
    """True when a word diff holds anything but equal runs."""
    return any(op.op != "equal" for op in diff)


def render_word_diff(
    diff: Iterable[DiffOp],
    equal: Callable[[str], str],
    removed: Callable[[str], str],
    added: Callable[[str], str],
) -> str:
    """A word diff in any markup: source words `removed`, quote words `added`."""
    parts: list[str] = []
    for op in diff:
        if op.op == "equal":
            parts.append(equal(op.source or op.quote))
            continue
        if op.source:
            parts.append(removed(op.source))
        if op.quote:
            parts.append(added(op.quote))
    return " ".join(part for part in parts if part)


def diff_text(diff: Iterable[DiffOp]) -> str:
    """Plain word diff in `git diff --word-diff=plain` style: [-source-]{+quote+}, words and
    their punctuation as they are."""
    parts = []
    for op in diff:
        if op.op == "equal":
            parts.append(one_line(op.source or op.quote))
            continue
        removed = f"[-{one_line(op.source)}-]" if op.source else ""
        parts.append(removed + (f"{{+{one_line(op.quote)}+}}" if op.quote else ""))
    return " ".join(part for part in parts if part)


def source_title(source: SourceReport) -> str:
    """The page title, else the URL."""
    return one_line(source.metadata.title) or redact_url(source.url)


def latest_check(claim: ClaimReport) -> str | None:
    """When the claim or any of its sources was last checked."""
    stamps = [s.checked_at for s in claim.sources if s.checked_at]
    if claim.checked_at:
        stamps.append(claim.checked_at)
    return max(stamps) if stamps else None


def fetch_summary(source: SourceReport) -> str:
    """'Fetched (HTTP 200) · last checked 2025-01-02 10:00 UTC', or 'Never checked'."""
    if source.fetch_status is None:
        return "Never checked"
    text = source.fetch_status.replace("_", " ").capitalize()
    if source.http_status:
        text += f" (HTTP {source.http_status})"
    if source.reason and source.reason not in ("ok", f"HTTP {source.http_status}"):
        text += f": {one_line(source.reason)}"
    text += f" · last checked {show_time(source.checked_at)}"
    if source.health and source.health != "ok":
        text += f" · link health: {source.health}"
    if source.drift:
        text += " · since the previous check: " + DRIFT_LABELS.get(source.drift, source.drift)
    return text


def rating_text(rating: Rating) -> str:
    """'Misleading (2/5)': the same words in every format."""
    scale = f"{rating.value}/{rating.best}" if rating.value is not None and rating.best else ""
    label = one_line(rating.label)
    return f"{label} ({scale})" if label and scale else label or scale


def rating_credit(claim: ClaimReport) -> str:
    """Who set the claim's effective rating: 'by Ben' or 'from the claims file'."""
    return f"by {one_line(claim.rating_by)}" if claim.rating_by else "from the claims file"


def claim_anchor(claim_id: str) -> str:
    """The URL fragment of a claim's section ('claim-' + id, percent-encoded); the html
    report gives each claim this id, so `article-url#claim-ID` links to its card."""
    return "claim-" + quote(claim_id, safe="-._~")


def pdf_page(source: SourceReport) -> int | None:
    """The PDF page the excerpt is on, when the check linked it as `#page=N`."""
    found = re.search(r"#page=(\d+)$", source.fragment_url or "")
    return int(found.group(1)) if found else None


def fragment_label(source: SourceReport) -> str:
    """What the fragment link opens: the quote (a fact claim's passage) highlighted, or the
    PDF page it is on."""
    page = pdf_page(source)
    if page:
        return f"page {page} of the PDF"
    shown = "passage" if source.quote_status == QuoteStatus.UNCHECKED else "quote"
    return f"{shown} highlighted in the source"

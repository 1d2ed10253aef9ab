"""Helpers shared by the report formats: status labels, grouping, dates, links and diffs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from urllib.parse import quote, urlsplit, urlunsplit

from factcheck.models import ClaimReport, ClaimStatus, DiffOp, QuoteStatus, SourceReport

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
    """[year, month?, day?] from the start of an ISO date or timestamp, else None."""
    match = _DATE.match(stamp or "")
    if not match:
        return None
    parts = [int(part) for part in match.groups() if part is not None]
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        return parts[:1]  # an impossible month or day is dropped, the year kept
    return parts[:2] if len(parts) > 2 and not 1 <= parts[2] <= 31 else parts


def show_date(stamp: str | None) -> str:
    """The YYYY[-MM[-DD]] part of an ISO date or timestamp; other text as given."""
    parts = date_parts(stamp)
    return "-".join(f"{p:02d}" for p in parts) if parts else one_line(stamp)


@lru_cache(maxsize=65536)  # a report repeats its sources' URLs many times
def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for any link syntax, or None (javascript:, local paths...).

    Characters that end a link in HTML, Markdown, BibTeX or CSV are percent-encoded;
    existing %XX escapes are kept.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
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
    """Plain word diff in `git diff --word-diff` style: [-source-]{+quote+}."""
    return render_word_diff(
        diff, one_line, lambda w: f"[-{one_line(w)}-]", lambda w: f"{{+{one_line(w)}+}}"
    )


def source_title(source: SourceReport) -> str:
    """The page title, else the URL."""
    return one_line(source.metadata.title) or source.url


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

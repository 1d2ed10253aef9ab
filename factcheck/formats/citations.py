"""One citation per distinct source URL, with stable keys, for CSL-JSON, BibTeX and RIS."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from urllib.parse import urlsplit

from nameparser import HumanName

from factcheck.formats.common import date_parts, one_line, safe_url
from factcheck.formats.interface import ReportFormat, plural
from factcheck.models import Report, SourceMetadata, SourceReport, redact_url

# Archive services by host, for CSL `archive` / RIS `DP`; others are named by their host.
ARCHIVE_NAMES = {
    "web.archive.org": "Internet Archive",
    "archive.org": "Internet Archive",
    "archive.today": "archive.today",
    "archive.ph": "archive.today",
    "archive.is": "archive.today",
    "perma.cc": "Perma.cc",
}
_STOP_WORDS = frozenset({"a", "an", "the", "of", "on", "in", "and", "to", "for", "at"})
# A byline with one of these words names an organisation, not a person.
_ORG_WORDS_TEXT = """
news staff agency press reuters associated desk team editorial editors bureau media times post
herald tribune ministry department office government inc ltd llc co corp university institute
council association foundation committee organisation organization corporation group service
network radio tv television channel magazine journal newsroom online daily weekly report
reporters correspondents wire afp ap bbc cnn
"""
_ORG_WORDS = frozenset(_ORG_WORDS_TEXT.split())
_NAME_WORD = re.compile(r"^[^\W\d_][\w.'’-]*$")


@dataclass(frozen=True)
class Name:
    """A byline as citation tools want it: a person's family/given parts, else a literal."""

    literal: str
    family: str = ""
    given: str = ""
    suffix: str = ""

    @property
    def is_person(self) -> bool:
        return bool(self.family)


def parse_name(byline: str, site: str = "") -> Name:
    """'Laura Winter' -> family Winter, given Laura; 'Reuters Staff' stays a literal.

    A person's byline is 2-5 name-like words with no organisation word and not the site's
    own name; the parts come from nameparser (particles, suffixes, 'Family, Given').
    """
    text = one_line(byline)
    words = text.replace(",", " ").split()
    organisation = (
        not 2 <= len(words) <= 5
        or text.casefold() == site.casefold()
        or any(w.strip(".").casefold() in _ORG_WORDS for w in words)
        or not all(_NAME_WORD.match(w) for w in words)
    )
    if organisation:
        return Name(text)
    name = HumanName(text)
    if not name.last or not name.first:
        return Name(text)
    given = " ".join(p for p in (name.first, name.middle) if p)
    return Name(text, family=name.last, given=given, suffix=name.suffix)


@dataclass(frozen=True)
class Citation:
    """A cited web page: the freshest check of one URL plus the claims citing it."""

    key: str
    url: str
    source: SourceReport
    claim_ids: tuple[str, ...]

    @property
    def metadata(self) -> SourceMetadata:
        return self.source.metadata

    @property
    def title(self) -> str:
        """The page title; else the URL, or for a local file its name."""
        fallback = self.url if self.link else PurePath(self.url).name
        return one_line(self.metadata.title) or fallback

    @property
    def file_url(self) -> str | None:
        """A local file source as a `file://` URL with its path; None for web pages."""
        if self.link:
            return None
        for path in (PurePosixPath(self.url), PureWindowsPath(self.url)):
            if path.is_absolute():
                return path.as_uri()
        return None

    @property
    def site(self) -> str:
        return one_line(self.metadata.site_name) or (urlsplit(self.url).hostname or "")

    @property
    def authors(self) -> tuple[str, ...]:
        return tuple(a for a in (one_line(name) for name in self.metadata.authors) if a)

    @property
    def names(self) -> tuple[Name, ...]:
        """The bylines split into people and organisations."""
        return tuple(parse_name(a, self.site) for a in self.authors)

    @property
    def issued(self) -> list[int] | None:
        return date_parts(self.metadata.published)

    @property
    def accessed(self) -> list[int] | None:
        return date_parts(self.source.checked_at)

    @property
    def link(self) -> str | None:
        """The http(s) URL percent-encoded for citation fields; None for local files."""
        return safe_url(self.url)

    @property
    def archive_url(self) -> str | None:
        """The archive capture, only if it is a real http(s) link."""
        return safe_url(self.source.archive_url)

    @property
    def archive_name(self) -> str | None:
        if not self.archive_url:
            return None
        host = (urlsplit(self.archive_url).hostname or "").removeprefix("www.")
        return ARCHIVE_NAMES.get(host, host)


def dedupe_key(url: str) -> str:
    """URLs that name the same page: fragment dropped, scheme and host case-folded."""
    parts = urlsplit(url.strip())
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}"


def collect_citations(report: Report) -> list[Citation]:
    """Distinct sources in order of first appearance, each from its latest check."""
    best: dict[str, SourceReport] = {}
    cited_by: dict[str, list[str]] = {}
    for claim in report.claims:
        for source in claim.sources:
            key = dedupe_key(source.url)
            ids = cited_by.setdefault(key, [])
            if claim.id not in ids:
                ids.append(claim.id)
            current = best.get(key)
            if current is None or (source.checked_at or "") > (current.checked_at or ""):
                best[key] = source
    keys = assign_keys([best[k] for k in best])
    return [
        Citation(key=cite_key, url=redact_url(src.url), source=src, claim_ids=tuple(cited_by[k]))
        for (k, src), cite_key in zip(best.items(), keys, strict=True)
    ]


def ascii_word(text: str) -> str:
    """Lower-case ASCII letters and digits of `text` (accents folded)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def base_key(source: SourceReport) -> str:
    """author-or-site + year + first significant title word, e.g. 'doe2024budget'."""
    meta = source.metadata
    who = meta.authors[0].split()[-1] if meta.authors and meta.authors[0].split() else ""
    who = ascii_word(who) or ascii_word(meta.site_name or "")
    who = who or ascii_word((urlsplit(source.url).hostname or "").removeprefix("www."))
    issued = date_parts(meta.published)
    year = str(issued[0]) if issued else ""
    words = [ascii_word(w) for w in (meta.title or "").split()]
    word = next((w for w in words if w and w not in _STOP_WORDS), "")
    return (who or "source")[:24] + year + word[:16]


def assign_keys(sources: list[SourceReport]) -> list[str]:
    """Unique citation keys; clashes get a, b, c... suffixes (all of them, like biber)."""
    bases = [base_key(s) for s in sources]
    seen: dict[str, int] = {}
    used: set[str] = set()
    keys: list[str] = []
    for base in bases:
        clash = bases.count(base) > 1
        n = seen.get(base, 0)
        key = base + suffix(n) if clash else base
        while key in used:
            n += 1
            key = base + suffix(n)
        seen[base] = n + 1
        used.add(key)
        keys.append(key)
    return keys


def suffix(n: int) -> str:
    """0 -> 'a', 25 -> 'z', 26 -> 'aa'."""
    letters = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(97 + rem) + letters
    return letters


class CitationFormat(ReportFormat):
    """A format with one entry per distinct source: its summary counts sources."""

    def written(self, report: Report) -> str:
        return plural(len(collect_citations(report)), "source")

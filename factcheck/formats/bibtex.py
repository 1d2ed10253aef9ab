"""BibTeX citations: biblatex `@online` entries, or classic `@misc` for old styles."""

from __future__ import annotations

from typing import Literal

from factcheck.formats.citations import Citation, collect_citations
from factcheck.formats.common import date_parts, one_line
from factcheck.formats.interface import ReportFormat
from factcheck.models import Report

BibStyle = Literal["online", "misc"]

# Braces are never escaped as \{ and \}: BibTeX counts them anyway and an unmatched one
# breaks the entry, so they become brace-free text commands.
_LATEX = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "^": r"\textasciicircum{}",
        "~": r"\textasciitilde{}",
    }
)


def bib_text(text: str | None) -> str:
    """Untrusted text as a safe BibTeX field value (without the outer braces)."""
    return one_line(text).translate(_LATEX)


def iso(parts: list[int] | None) -> str:
    return "-".join(f"{p:02d}" for p in parts) if parts else ""


def online_fields(c: Citation) -> list[tuple[str, str]]:
    """biblatex @online: author, title, organization, date, url, urldate, langid."""
    fields = [
        ("author", " and ".join(f"{{{bib_text(a)}}}" for a in c.authors)),
        ("title", bib_text(c.title)),
        ("organization", bib_text(c.site)),
        ("date", iso(c.issued)),
        ("url", c.link or ""),
        ("urldate", iso(c.accessed)),
        ("langid", bib_text(c.metadata.language)),
    ]
    if c.archive_url:
        # Not biblatex fields: kept for readers and tools, ignored by styles.
        fields += [("archiveurl", c.archive_url)]
        fields += [("archivedate", iso(date_parts(c.source.archived_at)))]
    return fields


def misc_fields(c: Citation) -> list[tuple[str, str]]:
    """Classic BibTeX @misc: URL in howpublished and the access date in note."""
    url = (c.link or "").replace("%", r"\%").replace("#", r"\#")
    note = f"Accessed {iso(c.accessed)}" if c.accessed else ""
    if c.archive_url:
        archive = c.archive_url.replace("%", r"\%").replace("#", r"\#")
        note += ("; " if note else "") + f"archived at \\url{{{archive}}}"
    return [
        ("author", " and ".join(f"{{{bib_text(a)}}}" for a in c.authors)),
        ("title", bib_text(c.title)),
        ("howpublished", f"\\url{{{url}}}" if url else ""),
        ("organization", bib_text(c.site)),
        ("year", str(c.issued[0]) if c.issued else ""),
        ("url", c.link or ""),
        ("note", note),
    ]


def entry(c: Citation, style: BibStyle) -> str:
    fields = online_fields(c) if style == "online" else misc_fields(c)
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{style}{{{c.key},\n{body}\n}}\n"


class BibtexFormat(ReportFormat):
    """One entry per distinct source with a unique key; `style="misc"` for classic BibTeX."""

    name = "bibtex"
    description = "BibTeX citations (@online for biblatex; @misc fallback style)"
    media_type = "application/x-bibtex"
    extension = "bib"

    def __init__(self, style: BibStyle = "online") -> None:
        self.style: BibStyle = style

    def render(self, report: Report) -> str:
        return "\n".join(entry(c, self.style) for c in collect_citations(report))

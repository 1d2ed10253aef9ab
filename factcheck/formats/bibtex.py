"""BibTeX citations: biblatex `@online` entries, or classic `@misc` for old styles."""

from __future__ import annotations

from typing import Literal

from factcheck.formats.citations import Citation, CitationFormat, Name, collect_citations
from factcheck.formats.common import date_parts, one_line
from factcheck.models import Report

BibStyle = Literal["online", "misc"]

# No "@" inside: BibTeX and pybtex would start an entry there.
FALLBACK_NOTE = (
    "@comment{Entries of type online, for biblatex. Classic BibTeX (v1) styles have no such\n"
    "  type and print them as misc entries: the URL is repeated in howpublished for them.}\n"
)

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


def bib_title(text: str) -> str:
    """A title whose capitals survive styles that lower-case titles: each word with a capital
    letter is braced ('{US} service members in {Afghanistan}')."""
    words = one_line(text).split(" ")
    return " ".join(
        f"{{{bib_text(w)}}}" if any(ch.isupper() for ch in w) else bib_text(w) for w in words
    )


def bib_name(name: Name) -> str:
    """'Family, Given' (or 'Family, Suffix, Given') for a person; an organisation braced whole
    so BibTeX does not split it into names."""
    if not name.is_person:
        return f"{{{bib_text(name.literal)}}}"
    parts = [name.family, name.suffix, name.given] if name.suffix else [name.family, name.given]
    # a family name of several words stays one family name
    family, *rest = (bib_text(p) for p in parts)
    family = f"{{{family}}}" if " " in family else family
    return ", ".join([family, *rest])


def bib_url(c: Citation) -> str:
    return c.link or c.file_url or ""


def iso(parts: list[int] | None) -> str:
    return "-".join(f"{p:02d}" for p in parts) if parts else ""


def online_fields(c: Citation) -> list[tuple[str, str]]:
    """biblatex @online: author, title, organization, date, url, urldate, langid."""
    fields = [
        ("author", " and ".join(bib_name(n) for n in c.names)),
        ("title", bib_title(c.title)),
        ("organization", bib_text(c.site)),
        ("date", iso(c.issued)),
        ("url", bib_url(c)),
        # classic BibTeX reads an @online entry as @misc, which prints howpublished
        ("howpublished", misc_url(c)),
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
    note = f"Accessed {iso(c.accessed)}" if c.accessed else ""
    if c.archive_url:
        archive = c.archive_url.replace("%", r"\%").replace("#", r"\#")
        note += ("; " if note else "") + f"archived at \\url{{{archive}}}"
    return [
        ("author", " and ".join(bib_name(n) for n in c.names)),
        ("title", bib_title(c.title)),
        ("howpublished", misc_url(c)),
        ("organization", bib_text(c.site)),
        ("year", str(c.issued[0]) if c.issued else ""),
        ("url", bib_url(c)),
        ("note", note),
    ]


def misc_url(c: Citation) -> str:
    """`\\url{...}` for howpublished, with the characters plain BibTeX needs escaped."""
    url = bib_url(c).replace("%", r"\%").replace("#", r"\#")
    return f"\\url{{{url}}}" if url else ""


def entry(c: Citation, style: BibStyle) -> str:
    fields = online_fields(c) if style == "online" else misc_fields(c)
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{style}{{{c.key},\n{body}\n}}\n"


class BibtexFormat(CitationFormat):
    """One entry per distinct source with a unique key; `style="misc"` for classic BibTeX."""

    name = "bibtex"
    description = "BibTeX citations (@online for biblatex; @misc fallback style)"
    media_type = "application/x-bibtex"
    extension = "bib"

    def __init__(self, style: BibStyle = "online") -> None:
        self.style: BibStyle = style

    def render(self, report: Report) -> str:
        entries = [entry(c, self.style) for c in collect_citations(report)]
        return "\n".join([FALLBACK_NOTE, *entries] if self.style == "online" else entries)

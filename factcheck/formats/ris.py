"""RIS citations (`TY  - ELEC`), one record per distinct source, for reference managers."""

from __future__ import annotations

from factcheck.formats.citations import Citation, CitationFormat, Name, collect_citations
from factcheck.formats.common import one_line, show_date
from factcheck.models import Report


def ris_date(parts: list[int] | None) -> str:
    """RIS date: YYYY/MM/DD/ with missing parts left empty."""
    if not parts:
        return ""
    padded = [f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:])]
    return "/".join(padded + [""] * (3 - len(padded))) + "/"


def ris_name(name: Name) -> str:
    """'Family, Given[, Suffix]' for a person (RIS AU), an organisation as written."""
    if not name.is_person:
        return name.literal
    return ", ".join(p for p in (name.family, name.given, name.suffix) if p)


def tag(name: str, value: str | None) -> str:
    """One `XX  - value` line; values are one line so they cannot forge a tag or `ER`."""
    text = one_line(value)
    return f"{name}  - {text}" if text else ""


def record(c: Citation) -> str:
    """Tags as Zotero reads them: T2 site, DA published, Y2 accessed, DP/AN archive."""
    lines = [tag("TY", "ELEC"), tag("ID", c.key), tag("TI", c.title)]
    lines += [tag("AU", ris_name(name)) for name in c.names]
    lines += [
        tag("T2", c.site),
        tag("PY", str(c.issued[0]) if c.issued else ""),
        tag("DA", ris_date(c.issued)),
        tag("UR", c.link or c.file_url),
        tag("Y2", ris_date(c.accessed)),
        tag("LA", c.metadata.language),
    ]
    if c.archive_url:
        lines += [tag("DP", c.archive_name), tag("AN", c.archive_url)]
        captured = show_date(c.source.archived_at)
        lines.append(tag("N1", f"Archived copy captured {captured}" if captured else ""))
    lines.append("ER  - ")
    return "\r\n".join(line for line in lines if line) + "\r\n"


class RisFormat(CitationFormat):
    """RIS records for EndNote, Zotero, Mendeley and the like."""

    name = "ris"
    description = "RIS citations (TY  - ELEC) for reference managers"
    media_type = "application/x-research-info-systems"
    extension = "ris"

    def render(self, report: Report) -> str:
        return "\r\n".join(record(c) for c in collect_citations(report))

"""CSL-JSON citations (one `webpage` item per source) for Zotero, pandoc and citeproc."""

from __future__ import annotations

import json
from typing import Any

from factcheck.formats.citations import Citation, CitationFormat, Name, collect_citations
from factcheck.formats.common import date_parts, one_line
from factcheck.models import Report


def csl_date(parts: list[int] | None) -> dict[str, Any] | None:
    """CSL date object from `date_parts` (unreadable and sentinel dates give none)."""
    return {"date-parts": [parts]} if parts else None


def csl_name(name: Name) -> dict[str, str]:
    """A person as family/given (APA then cites and sorts by family name), else a literal."""
    if not name.is_person:
        return {"literal": name.literal}
    parts = {"family": name.family, "given": name.given}
    return parts | ({"suffix": name.suffix} if name.suffix else {})


def csl_item(citation: Citation) -> dict[str, Any]:
    """One CSL-JSON item; https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html"""
    meta, source = citation.metadata, citation.source
    item: dict[str, Any] = {
        "id": citation.key,
        "type": "webpage" if citation.link else "document",
        "title": citation.title,
    }
    if citation.link or citation.file_url:
        item["URL"] = citation.link or citation.file_url
    if citation.site:
        item["container-title"] = citation.site
    if citation.names:
        item["author"] = [csl_name(name) for name in citation.names]
    issued = csl_date(citation.issued)
    if issued:
        item["issued"] = issued
    accessed = csl_date(citation.accessed)
    if accessed:
        item["accessed"] = accessed
    if meta.language:
        item["language"] = one_line(meta.language)
    if citation.archive_url and citation.archive_name:
        item["archive"] = citation.archive_name
        item["archive_location"] = citation.archive_url
        captured = date_parts(source.archived_at)
        if captured:
            item["note"] = "Archived " + "-".join(f"{p:02d}" for p in captured)
    return item


class CslJsonFormat(CitationFormat):
    """Citations as a CSL-JSON array, de-duplicated by URL."""

    name = "csl-json"
    description = "CSL-JSON citations for Zotero, pandoc and other citeproc tools"
    media_type = "application/vnd.citationstyles.csl+json"
    extension = "json"

    def render(self, report: Report) -> str:
        items = [csl_item(c) for c in collect_citations(report)]
        return json.dumps(items, indent=2, ensure_ascii=False) + "\n"

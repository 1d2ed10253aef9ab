"""CSL-JSON citations (one `webpage` item per source) for Zotero, pandoc and citeproc."""

from __future__ import annotations

import json
from typing import Any

from factcheck.formats.citations import Citation, collect_citations
from factcheck.formats.common import date_parts, one_line
from factcheck.formats.interface import ReportFormat
from factcheck.models import Report


def csl_date(parts: list[int] | None, raw: str | None = None) -> dict[str, Any] | None:
    """CSL date object: date-parts when parseable, else the raw string."""
    if parts:
        return {"date-parts": [parts]}
    return {"raw": raw} if raw else None


def csl_item(citation: Citation) -> dict[str, Any]:
    """One CSL-JSON item; https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html"""
    meta, source = citation.metadata, citation.source
    item: dict[str, Any] = {
        "id": citation.key,
        "type": "webpage" if citation.link else "document",
        "title": citation.title,
    }
    if citation.link:
        item["URL"] = citation.link
    if citation.site:
        item["container-title"] = citation.site
    if citation.authors:
        # Page bylines are free text; splitting them into given/family names guesses wrong
        # for organisations and many languages, so they stay literal.
        item["author"] = [{"literal": name} for name in citation.authors]
    issued = csl_date(citation.issued, meta.published)
    if issued:
        item["issued"] = issued
    accessed = csl_date(citation.accessed, source.checked_at)
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


class CslJsonFormat(ReportFormat):
    """Citations as a CSL-JSON array, de-duplicated by URL."""

    name = "csl-json"
    description = "CSL-JSON citations for Zotero, pandoc and other citeproc tools"
    media_type = "application/vnd.citationstyles.csl+json"
    extension = "json"

    def render(self, report: Report) -> str:
        items = [csl_item(c) for c in collect_citations(report)]
        return json.dumps(items, indent=2, ensure_ascii=False) + "\n"

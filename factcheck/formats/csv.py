"""CSV with one row per claim x source, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from factcheck.formats.common import (
    diff_text,
    fragment_link,
    has_changes,
    one_line,
    rating_credit,
    rating_text,
    safe_url,
)
from factcheck.formats.interface import ReportFormat
from factcheck.models import ClaimReport, Report, SourceReport

COLUMNS: tuple[str, ...] = (
    "claim_id",
    "claim_status",
    "claim",
    "quote",
    "speaker",
    "human_rating",
    "human_rating_by",
    "source_url",
    "source_title",
    "site_name",
    "authors",
    "published",
    "fetch_status",
    "http_status",
    "quote_status",
    "score",
    "excerpt",
    "word_diff",
    "differences",
    "fragment_url",
    "archive_url",
    "archived_at",
    "checked_at",
    "health",
    "drift",
    "specifics",
    "reviews",
)

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
# https://owasp.org/www-community/attacks/CSV_Injection
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Prefix a single quote to cells a spreadsheet would treat as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def claim_cells(claim: ClaimReport) -> list[str]:
    return [
        claim.id,
        claim.status,
        claim.claim,
        claim.quote or "",
        claim.speaker or "",
        rating_text(claim.rating) if claim.rating else "",
        rating_credit(claim) if claim.rating else "",
    ]


def source_cells(source: SourceReport) -> list[str]:
    meta = source.metadata
    specifics = "; ".join(
        f"{f.specific.kind} {f.specific.text}: {f.status}"
        + (f" ({f.found_text})" if f.found_text else "")
        for f in source.specifics
    )
    return [
        source.url,
        meta.title or "",
        meta.site_name or "",
        "; ".join(meta.authors),
        meta.published or "",
        source.fetch_status or "",
        str(source.http_status or ""),
        source.quote_status or "",
        "" if source.score is None else f"{source.score:.1f}",
        source.excerpt or "",
        diff_text(source.diff) if has_changes(source.diff) else "",
        "; ".join(f"{d.kind}: {d.source} -> {d.quote}" for d in source.differences),
        fragment_link(source) or "",
        safe_url(source.archive_url) or "",
        source.archived_at or "",
        source.checked_at or "",
        source.health or "",
        source.drift or "",
        specifics,
    ]


def review_cell(claim: ClaimReport) -> str:
    return "; ".join(
        f"{r.at} {r.decision} by {r.by}"
        + (f" [{rating_text(r.rating)}]" if r.rating else "")
        + (f": {r.note}" if r.note else "")
        for r in claim.reviews
    )


class CsvFormat(ReportFormat):
    """A flat table for spreadsheets: one row per claim x source (one row if unsourced)."""

    name = "csv"
    description = "CSV, one row per claim x source, spreadsheet-formula safe"
    media_type = "text/csv"
    extension = "csv"

    def __init__(self, excel: bool = False) -> None:
        self.excel = excel  # a UTF-8 byte-order mark: Excel otherwise reads the file as ANSI

    def render(self, report: Report) -> str:
        out = io.StringIO()
        if self.excel:
            out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        blank = [""] * (len(COLUMNS) - 8)
        for claim in report.claims:
            sources = [source_cells(s) for s in claim.sources] or [blank]
            for cells in sources:
                row = [*claim_cells(claim), *cells, review_cell(claim)]
                writer.writerow([neutralise(one_line(cell)) for cell in row])
        return out.getvalue()

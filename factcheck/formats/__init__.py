"""Report formats: a registry of `ReportFormat`s keyed by their `--format` name."""

from __future__ import annotations

from factcheck.formats.bibtex import BibtexFormat
from factcheck.formats.claimreview import ClaimReviewFormat
from factcheck.formats.csl_json import CslJsonFormat
from factcheck.formats.csv import CsvFormat
from factcheck.formats.html import HtmlFormat
from factcheck.formats.interface import ReportFormat
from factcheck.formats.json import JsonFormat
from factcheck.formats.markdown import MarkdownFormat
from factcheck.formats.ris import RisFormat
from factcheck.models import Report

FORMATS: dict[str, ReportFormat] = {
    f.name: f
    for f in (
        MarkdownFormat(),
        HtmlFormat(),
        JsonFormat(),
        CsvFormat(),
        CslJsonFormat(),
        BibtexFormat(),
        RisFormat(),
        ClaimReviewFormat(),
    )
}

__all__ = ["FORMATS", "ReportFormat", "render"]


def render(report: Report, fmt: str) -> str:
    """Render `report` in the format registered as `fmt` (a `--format` choice)."""
    try:
        formatter = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}") from None
    return formatter.render(report)

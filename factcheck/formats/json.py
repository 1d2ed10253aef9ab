"""The full report as JSON, versioned and described by the shipped `report.schema.json`."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from factcheck.formats.common import fragment_link, status_counts
from factcheck.formats.interface import ReportFormat
from factcheck.models import Report

SCHEMA_FILE = "report.schema.json"
SCHEMA_ID = (
    "https://github.com/factcheck-tool/factcheck/blob/main/factcheck/formats/report.schema.json"
)


def report_data(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data: every model field plus a status summary."""
    data = asdict(report)
    # the text-fragment link md, html and csv show (computed there for altered quotes too)
    for claim, claim_data in zip(report.claims, data["claims"], strict=True):
        for source, source_data in zip(claim.sources, claim_data["sources"], strict=True):
            source_data["fragment_url"] = fragment_link(source)
    return {
        "$schema": SCHEMA_ID,
        "schema_version": data.pop("schema_version"),
        "generated_at": data.pop("generated_at"),
        "summary": dict(status_counts(report.claims)),
        **data,
    }


class JsonFormat(ReportFormat):
    """Everything the database knows about each claim, for scripts and archives."""

    name = "json"
    description = f"Full report data as JSON (schema {SCHEMA_FILE})"
    media_type = "application/json"
    extension = "json"

    def render(self, report: Report) -> str:
        return json.dumps(report_data(report), indent=2, ensure_ascii=False) + "\n"

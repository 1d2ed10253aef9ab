"""The README's quote-status examples are what the matcher says (issue 3, point 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from factcheck.match.find import match_quote
from factcheck.models import QuoteStatus

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def status_table() -> tuple[str, list[tuple[str, str]]]:
    """The source text and (status, example quote) rows of the README's quote-status table."""
    section = README.split("## Statuses", 1)[1].split("\n## ", 1)[0]
    header = next(line for line in section.splitlines() if line.startswith("| status"))
    source = re.search(r"says “(.+?)”", header)
    assert source, header
    rows = re.findall(r"^\| `(\w+)` \|[^|]*\| “(.+?)” \|$", section, re.M)
    return source.group(1), rows


SOURCE, ROWS = status_table()


def test_the_table_has_one_example_per_quote_status() -> None:
    assert sorted(status for status, _ in ROWS) == sorted(
        s.value for s in QuoteStatus if s is not QuoteStatus.UNCHECKED
    )


@pytest.mark.parametrize(("status", "quote"), ROWS)
def test_each_example_gets_its_status(status: str, quote: str) -> None:
    assert match_quote(quote, SOURCE).status == QuoteStatus(status)

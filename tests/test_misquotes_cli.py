"""Issue 16's table through the CLI on a local site: misquotes that keep the source's words.

A row each: the quote status, its claim's status, and the difference `status --json`, `show`
and the reports give. The seed claims C2, C15 and C19 use short sources modelled on theirs
(tests/data/misquotes/README.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.site import Page, Site

if TYPE_CHECKING:
    from tests.conftest import Invoke, WriteClaims

DATA = Path(__file__).resolve().parent / "data" / "misquotes"
PAGES = ("statement", "c2", "c15", "c19_could", "c19_potentially")

# id, quote, source pages, quote status per source, claim status, (kind, source words) or None
ROWS: list[tuple[str, str, tuple[str, ...], tuple[str, ...], str, tuple[str, str] | None]] = [
    (
        "drops-not",
        "We will … raise taxes on working families this year",
        ("statement",),
        ("altered",),
        "misquoted",
        ("omission", "not"),
    ),
    (
        "drops-never",
        "I … said the deal was dead.",
        ("statement",),
        ("altered",),
        "misquoted",
        ("omission", "never"),
    ),
    (
        "drops-could",
        "The threat … be imminent",
        ("statement",),
        ("altered",),
        "misquoted",
        ("omission", "could"),
    ),
    (
        "c19-hedged",
        "imminent",
        ("c19_could", "c19_potentially"),
        ("out_of_context", "out_of_context"),
        "partly",
        ("context", "could be imminent"),
    ),
    (
        "c15-half-found",
        "in accordance with international law and best practice ... demonstrating our "
        "commitment to the international rules-based system",
        ("c15",),
        ("partial",),
        "partly",
        ("missing", ""),
    ),
    (
        "bracket-pronoun",
        "[The government] will not raise taxes …",
        ("statement",),
        ("edited",),
        "supported",
        None,
    ),
    (
        "c2-source-bracket",
        "Our forces already work well together, and this agreement will create the conditions "
        "for even more seamless cooperation.",
        ("c2",),
        ("edited",),
        "supported",
        None,
    ),
]


@pytest.fixture
def pages() -> dict[str, Page]:
    return {f"/{name}": Page((DATA / f"{name}.html").read_text("utf-8")) for name in PAGES}


@pytest.fixture
def checked(
    tmp_path: Path, site: Site, invoke: Invoke, write_claims: WriteClaims
) -> tuple[Path, dict[str, Any]]:
    """Every row checked once; the claims file and `status --json` by claim id."""
    claims = write_claims(
        tmp_path,
        [
            {"id": i, "claim": f"Row {i}", "quote": q, "sources": [site.url(f"/{p}") for p in ps]}
            for i, q, ps, *_ in ROWS
        ],
    )
    db = tmp_path / "fc.db"
    code, _, err = invoke("check", "--claims", str(claims), "--db", str(db), "--retries", "0")
    assert code in (0, 3), err
    code, out, err = invoke("status", "--claims", str(claims), "--db", str(db), "--json")
    assert code == 0, err
    return claims, {c["id"]: c for c in json.loads(out)["claims"]}


@pytest.mark.parametrize(("claim_id", "quote", "urls", "statuses", "status", "difference"), ROWS)
def test_each_row_of_the_table(
    checked: tuple[Path, dict[str, Any]],
    claim_id: str,
    quote: str,
    urls: tuple[str, ...],
    statuses: tuple[str, ...],
    status: str,
    difference: tuple[str, str] | None,
) -> None:
    claim = checked[1][claim_id]
    assert [s["quote_status"] for s in claim["sources"]] == list(statuses)
    assert claim["status"] == status
    found = [(d["kind"], d["source"]) for d in claim["sources"][0]["differences"]]
    assert found == ([difference] if difference else [])


def test_show_names_the_dropped_word_and_the_governing_words(
    checked: tuple[Path, dict[str, Any]], invoke: Invoke
) -> None:
    claims = checked[0]
    db = claims.parent / "fc.db"
    _, out, _ = invoke("show", "drops-not", "--claims", str(claims), "--db", str(db))
    assert "altered" in out and "omission: 'not'" in out and "drops a negation" in out
    _, out, _ = invoke("show", "c19-hedged", "--claims", str(claims), "--db", str(db))
    assert "out_of_context" in out and "'could be imminent'" in out and "partly" in out
    _, out, _ = invoke("show", "c15-half-found", "--claims", str(claims), "--db", str(db))
    assert "partial" in out and "missing" in out and "rules-based system" in out


@pytest.mark.parametrize("fmt", ["md", "html", "json", "csv"])
def test_reports_show_the_new_statuses_and_kinds(
    checked: tuple[Path, dict[str, Any]], invoke: Invoke, fmt: str
) -> None:
    claims = checked[0]
    db = claims.parent / "fc.db"
    code, out, err = invoke("report", "--format", fmt, "--claims", str(claims), "--db", str(db))
    assert code == 0, err
    for words in ("omission", "could be imminent", "context", "missing"):
        assert words in out, (fmt, words)
    labels = ("Out of context", "Partly found") if fmt in ("md", "html") else ("out_of_context",)
    for label in labels:
        assert label in out, (fmt, label)

"""Hostile pages from 127.0.0.1: every source gets a status, and every report format is inert."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from bs4 import BeautifulSoup

from factcheck.formats import FORMATS
from tests.site import Page, Site, serve

if TYPE_CHECKING:
    from tests.conftest import Invoke, WriteClaims

EVIL_TITLE = (
    "&lt;script&gt;alert('title')&lt;/script&gt; <b onmouseover=alert(1)>x</b> "
    '=HYPERLINK("http://evil.example","t") }, author = {Mallory} @misc{evil,\n'
    "ER  - \nTY  - JOUR\n"
)
SCRIPT_QUOTE = "He wrote <script>alert(1)</script> in the comment box on Monday"
FORMULA_QUOTE = '=HYPERLINK("http://evil.example/x","open") was the text of the cell'
HIDDEN_QUOTE = "only a machine can read these hidden words about the harbour"
DEEP_QUOTE = "the deeply nested sentence survived every level of markup"
TINY_QUOTE = "the sentence after many tiny elements was still found"
LINE_QUOTE = "the end of a very long single line held this sentence"
BASE_QUOTE = "the page with a base element said the budget was 12 million"


def page(title: str, body: str, head: str = "") -> Page:
    return Page(f"<!doctype html><html><head><title>{title}</title>{head}</head>{body}</html>")


FULL = {"nested": 100_000, "tiny": 1_000_000, "line_words": 1_000_000}  # the sizes
SMALL = {"nested": 5_000, "tiny": 20_000, "line_words": 100_000}  # the fast suite's


def hostile_pages(nested: int, tiny: int, line_words: int) -> dict[str, Page]:
    """Each hostile page by path; sizes: nesting depth, tiny elements, words on one line."""
    return {
        "/script": page(
            EVIL_TITLE,
            "<body><script>document.write('x')</script><p>He wrote &lt;script&gt;alert(1)"
            "&lt;/script&gt; in the comment box on Monday.</p>"
            "<img src=x onerror=alert(2)><iframe src='javascript:alert(3)'></iframe></body>",
        ),
        "/formula": page(
            "=cmd|' /C calc'!A0",
            "<body><p>=HYPERLINK(&quot;http://evil.example/x&quot;,&quot;open&quot;) was the "
            "text of the cell, she said.</p><p>+1 -1 @SUM(A1)</p></body>",
        ),
        "/hidden": page(
            "Hidden",
            f"<body><p style='display:none'>{HIDDEN_QUOTE}</p><div hidden>{HIDDEN_QUOTE}</div>"
            "<p>The visible story is about something else entirely.</p></body>",
        ),
        "/deep": page("Deep", "<body>" + "<div>" * nested + DEEP_QUOTE + "</div>" * nested),
        "/tiny": page("Tiny", "<body>" + "<i>a</i>" * tiny + f"<p>{TINY_QUOTE}.</p></body>"),
        "/line": page("Line", "<body><p>" + "word " * line_words + LINE_QUOTE + ".</p></body>"),
        "/base": page(
            "Base",
            f"<body><p>{BASE_QUOTE}.</p></body>",
            head="<base href='javascript:alert(4)//'><link rel=canonical "
            "href='javascript:alert(5)'><meta property='og:url' content='data:text/html,"
            "<script>alert(6)</script>'><meta name=author content='<script>alert(7)</script>'>",
        ),
    }


CLAIMS = {
    "script": ("/script", SCRIPT_QUOTE),
    "formula": ("/formula", FORMULA_QUOTE),
    "hidden": ("/hidden", HIDDEN_QUOTE),
    "deep": ("/deep", DEEP_QUOTE),
    "tiny": ("/tiny", TINY_QUOTE),
    "line": ("/line", LINE_QUOTE),
    "base": ("/base", BASE_QUOTE),
}


def hostile_claims(site: Site) -> list[dict[str, Any]]:
    return [
        {
            "id": claim_id,
            "claim": "=SUM(1+1) <img src=x onerror=alert(9)> " + claim_id,
            "quote": quote,
            "speaker": "@Mallory <script>alert(10)</script>",
            "sources": [site.url(path)],
            "rating": {"value": 1, "best": 5, "label": "<script>alert(11)</script>"},
        }
        for claim_id, (path, quote) in CLAIMS.items()
    ]


def checked(
    invoke: Invoke, write_claims: WriteClaims, tmp_path: Path, sizes: dict[str, int]
) -> Iterator[tuple[Path, Path]]:
    with serve() as site:
        site.pages.update(hostile_pages(**sizes))
        article = {
            "title": "<script>alert(8)</script>",
            "url": "https://paper.example/a?x=<y>",  # ClaimReview requires it
            "published": "2026-01-16",
        }
        claims = write_claims(tmp_path, hostile_claims(site), article)
        db = tmp_path / "fc.db"
        code, _, err = invoke("check", "--claims", str(claims), "--db", str(db), "--retries", "0")
        assert code in (0, 3), err
        assert "Traceback" not in err
        yield claims, db


@pytest.fixture(scope="module")
def recorded(
    invoke: Invoke, write_claims: WriteClaims, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Path]]:
    yield from checked(invoke, write_claims, tmp_path_factory.mktemp("hostile"), SMALL)


def statuses(db: Path) -> dict[str, tuple[str, str]]:
    con = sqlite3.connect(db)
    rows = con.execute("SELECT claim_id, fetch_status, quote_status FROM checks").fetchall()
    con.close()
    return {r[0]: (r[1], r[2]) for r in rows}


def test_every_hostile_page_gets_a_recorded_status(recorded: tuple[Path, Path]) -> None:
    found = statuses(recorded[1])
    assert set(found) == set(CLAIMS)
    for claim_id in ("script", "formula", "deep", "tiny", "line", "base"):
        assert found[claim_id] == ("fetched", "verbatim"), (claim_id, found[claim_id])


def test_quote_only_in_invisible_text_is_not_verified(recorded: tuple[Path, Path]) -> None:
    assert statuses(recorded[1])["hidden"][1] not in ("verbatim", "edited")


def report(invoke: Invoke, recorded: tuple[Path, Path], fmt: str) -> str:
    claims, db = recorded
    code, out, err = invoke("report", "--format", fmt, "--claims", str(claims), "--db", str(db))
    assert code == 0, err
    assert "Traceback" not in err
    return out


def test_html_report_is_inert(recorded: tuple[Path, Path], invoke: Invoke) -> None:
    html = report(invoke, recorded, "html")
    assert "<script" not in html.lower()
    soup = BeautifulSoup(html, "lxml")
    assert soup.find(["script", "iframe", "img", "object", "embed", "base"]) is None
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), (tag.name, name)
            if name in ("href", "src", "action"):
                assert str(value).startswith(("http://", "https://", "#")), value
    assert "alert(1)" in soup.get_text()  # the words are shown, as text


def test_markdown_report_is_inert(recorded: tuple[Path, Path], invoke: Invoke) -> None:
    text = report(invoke, recorded, "md")
    # CommonMark shows a backslash-escaped "\<" as text; only an unescaped "<" opens a tag
    assert re.search(r"(?<!\\)<script", text, re.IGNORECASE) is None
    assert re.search(r"(?<!\\)<\w+[^>]*\bon\w+=", text, re.IGNORECASE) is None
    assert re.search(r"\]\((?!https?://|#)", text) is None  # every link target is http(s)


def test_csv_report_neutralises_formulas(recorded: tuple[Path, Path], invoke: Invoke) -> None:
    rows = list(csv.reader(io.StringIO(report(invoke, recorded, "csv"))))
    assert len(rows) == 1 + len(CLAIMS)
    cells = [cell for row in rows for cell in row]
    assert any("HYPERLINK" in cell for cell in cells)
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_ris_report_keeps_one_record_per_source(
    recorded: tuple[Path, Path], invoke: Invoke
) -> None:
    text = report(invoke, recorded, "ris")
    lines = [line for line in text.splitlines() if line.strip()]
    for line in lines:
        assert re.match(r"^[A-Z][A-Z0-9]  - ", line), line
    assert sum(line.startswith("TY  - ") for line in lines) == sum(
        line.startswith("ER  - ") for line in lines
    )


def test_bibtex_report_braces_balance(recorded: tuple[Path, Path], invoke: Invoke) -> None:
    text = report(invoke, recorded, "bibtex")
    entries = re.split(r"(?m)^@", text)[1:]
    assert entries
    for entry in entries:
        depth = 0
        for ch in entry:
            depth += {"{": 1, "}": -1}.get(ch, 0)
            assert depth >= 0, entry[:200]
        assert depth == 0, entry[:200]
    assert "Mallory} @misc" not in text


@pytest.mark.parametrize("fmt", ["json", "csl-json", "claimreview"])
def test_json_reports_parse(recorded: tuple[Path, Path], fmt: str, invoke: Invoke) -> None:
    assert json.loads(report(invoke, recorded, fmt))


def test_every_format_renders_hostile_records(recorded: tuple[Path, Path], invoke: Invoke) -> None:
    for fmt in FORMATS:
        assert report(invoke, recorded, fmt).strip(), fmt


@pytest.mark.slow
def test_full_size_hostile_pages(invoke: Invoke, write_claims: WriteClaims, tmp_path: Path) -> None:
    """100,000 levels, 1,000,000 elements, a 5 MB line: a status each; every format renders."""
    for recorded_full in checked(invoke, write_claims, tmp_path, FULL):
        found = statuses(recorded_full[1])
        assert found["deep"] == ("fetched", "verbatim")
        # 5 MB of text: a source contributes its first 1,000,000 characters (verify.MAX_TEXT_CHARS),
        # so the quote at the very end is not read, and the snapshot says why
        assert found["line"] == ("fetched", "absent")
        con = sqlite3.connect(recorded_full[1])
        reasons = [r[0] for r in con.execute("SELECT reason FROM snapshots")]
        assert any("cut to its first 1,000,000 characters" in r for r in reasons)
        assert found["tiny"] == ("unsupported", "unchecked")  # extract's tag limit refuses it
        for fmt in FORMATS:
            assert report(invoke, recorded_full, fmt).strip(), fmt

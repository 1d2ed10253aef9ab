"""Report formats: golden files, registry exhaustiveness, schemas, hostile-source safety."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import replace
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest
from markdown_it import MarkdownIt

from factcheck.formats import FORMATS, render
from factcheck.formats.bibtex import BibStyle, BibtexFormat
from factcheck.formats.citations import collect_citations
from factcheck.formats.common import encode_fragment_term, safe_url, text_fragment_url
from factcheck.formats.json import SCHEMA_FILE
from factcheck.models import (
    Article,
    ClaimReport,
    CoverageRow,
    Difference,
    DiffOp,
    EvidenceReport,
    HistoryPoint,
    Rating,
    Report,
    Review,
    SourceMetadata,
    SourceReport,
    Specific,
    SpecificFinding,
    SpecificKind,
    SpecificStatus,
)

DECLARED = ("md", "html", "json", "csv", "csl-json", "bibtex", "ris", "claimreview")
GOLDEN = Path(__file__).parent / "golden"
DATA = Path(__file__).parent / "data"
SCRIPT = "<script>alert(1)</script>"
HOSTILE = f'=HYPERLINK("http://x") {SCRIPT}</td> }} \\ {{ 50% & $5'
BUDGET_URL = "https://news.example.org/2025/budget-speech"


def budget_source(checked_at: str = "2025-03-02T09:30:00Z") -> SourceReport:
    return SourceReport(
        url=BUDGET_URL,
        fetch_status="fetched",
        http_status=200,
        final_url=BUDGET_URL,
        quote_status="verbatim",
        score=100.0,
        excerpt="We will build 12,000 homes by 2027",
        diff=(
            DiffOp(
                "equal", "We will build 12,000 homes by 2027", "We will build 12,000 homes by 2027"
            ),
        ),
        fragment_url=BUDGET_URL + "#:~:text=We%20will%20build%2012%2C000%20homes%20by%202027",
        archive_url="https://web.archive.org/web/20250301000000/" + BUDGET_URL,
        archived_at="2025-03-01T00:00:00Z",
        checked_at=checked_at,
        metadata=SourceMetadata(
            title="Minister unveils the 2025 budget",
            site_name="Example News",
            authors=("Jane Doe", "Ana Müller"),
            published="2025-02-28T18:00:00+00:00",
            language="en",
        ),
        specifics=(
            SpecificFinding(
                Specific(SpecificKind.NUMBER, "12,000", "12000"), SpecificStatus.FOUND, "12,000"
            ),
            SpecificFinding(
                Specific(SpecificKind.DATE, "2027", "2027"), SpecificStatus.FOUND, "2027"
            ),
        ),
        history=(
            HistoryPoint("2025-02-28T10:00:00Z", "absent"),
            HistoryPoint(checked_at, "verbatim"),
        ),
    )


def hostile_source() -> SourceReport:
    url = "https://evil.example/page?q=(1)&x=<y>"
    return SourceReport(
        url=url,
        note="-2+3 per the ministry",
        fetch_status="fetched",
        http_status=200,
        final_url=url,
        quote_status="paraphrase",
        score=71.5,
        excerpt=f'{SCRIPT} well-known, rock & roll </td> }} \\ =HYPERLINK("http://x")',
        archive_url="javascript:alert(1)",
        checked_at="2025-03-02T09:31:00Z",
        reason="",
        metadata=SourceMetadata(
            title=HOSTILE,
            site_name="@SUM(1+1)",
            authors=("+cmd|' /C calc'!A0", "Mallory {O'Hare} \\"),
            published="2024-13-45",
        ),
    )


def gone_source() -> SourceReport:
    return SourceReport(
        url="https://gov.example/report-2019.pdf",
        fetch_status="gone",
        http_status=404,
        quote_status="unchecked",
        reason="HTTP 404",
        checked_at="2025-03-02T09:32:00Z",
        health="dead",
    )


def fact_claim() -> ClaimReport:
    """A fact claim (issue 18): coverage table, a conflict quoting a hostile sentence, evidence."""
    url = BUDGET_URL
    votes = Specific(SpecificKind.RANGE, "9 to 5", "9..5")
    day = Specific(SpecificKind.DATE, "16 November", "--11-16")
    said = f"The council voted 9 to 4 on 16 November {SCRIPT}"
    conflict = SpecificFinding(votes, SpecificStatus.CONFLICT, "9 to 4", 18, 24, said)
    found = SpecificFinding(day, SpecificStatus.FOUND, "16 November", 28, 39, said)
    source = SourceReport(
        url=url,
        fetch_status="fetched",
        http_status=200,
        quote_status="unchecked",
        excerpt=said,
        start=0,
        end=len(said),
        fragment_url=url + "#:~:text=The%20council%20voted%209%20to%204",
        checked_at="2025-03-01T06:00:00Z",
        metadata=budget_source().metadata,
        specifics=(conflict, found),
        evidence=(
            EvidenceReport("voted 9 to 4", "verbatim", 100.0, "voted 9 to 4", 12, 24, (), url),
        ),
    )
    return ClaimReport(
        id="vote",
        claim="The council voted 9 to 5 on 16 November.",
        status="partly",
        sources=(source, gone_source()),
        coverage=(
            CoverageRow(votes, "range", "conflict", (conflict, None)),
            CoverageRow(day, "date", "found", (found, None)),
        ),
        verdict="conflict on 9 to 5 (range): source says 9 to 4; found: 16 November (date)",
        checked_at="2025-03-02T09:34:00Z",
    )


def sample_report() -> Report:
    """A fixed report: varied statuses, edits, reviews, history and one hostile source."""
    misleading = Rating(value=2, best=5, worst=1, label="Misleading")
    claims = (
        ClaimReport(
            id="homes",
            claim="The minister promised 12,000 new homes by 2027.",
            status="supported",
            quote="We will build 12,000 homes by 2027",
            speaker="Finance Minister",
            tags=("housing", "budget"),
            sources=(budget_source(),),
            history=(
                HistoryPoint("2025-02-28T10:00:00Z", "unverified"),
                HistoryPoint("2025-03-01T10:00:00Z", "supported"),
                HistoryPoint("2025-03-02T09:30:00Z", "supported"),
            ),
            checked_at="2025-03-02T09:30:00Z",
        ),
        ClaimReport(
            id="jobs",
            claim="The minister said 15 million jobs would follow.",
            status="misquoted",
            quote="this will create 15 million jobs",
            speaker="Finance Minister",
            rating=misleading,
            sources=(
                SourceReport(
                    url=BUDGET_URL + "#section-2",
                    fetch_status="fetched",
                    http_status=200,
                    quote_status="altered",
                    score=93.2,
                    excerpt="this could create 12 million jobs",
                    diff=(
                        DiffOp("equal", "this", "this"),
                        DiffOp("replace", "could", "will"),
                        DiffOp("equal", "create", "create"),
                        DiffOp("replace", "12", "15"),
                        DiffOp("equal", "million jobs", "million jobs"),
                    ),
                    differences=(Difference("number", "12", "15"),),
                    checked_at="2025-03-01T08:00:00Z",
                    drift="edited",
                    metadata=SourceMetadata(title="Minister unveils the 2025 budget"),
                ),
            ),
            reviews=(
                Review(
                    "jobs", "note", "sam", "2025-03-02T11:00:00Z", note="Asked the desk to fix."
                ),
            ),
            history=(
                HistoryPoint("2025-03-01T08:00:00Z", "misquoted"),
                HistoryPoint("2025-03-02T09:30:00Z", "misquoted"),
            ),
            checked_at="2025-03-02T09:30:00Z",
        ),
        ClaimReport(
            id="evil",
            claim=f"A claim citing a hostile page {SCRIPT}",
            status="partly",
            quote="well-known, rock & roll",
            speaker="*Anon* [x](javascript:alert(1))",
            sources=(hostile_source(), budget_source("2025-03-01T07:00:00Z")),
            reviews=(
                Review("evil", "accept", "kim", "2025-03-02T12:00:00Z", url=hostile_source().url),
            ),
            checked_at="2025-03-02T09:31:00Z",
        ),
        ClaimReport(
            id="gone",
            claim="The report was published in 2019.",
            status="unavailable",
            sources=(gone_source(),),
        ),
        ClaimReport(
            id="rumour",
            claim="Taxes will double next year.",
            status="unsourced",
            rating=Rating(1, 5, 1, "False"),  # report.py puts the latest review's rating here
            rating_by="lee",
            reviews=(
                Review(
                    "rumour",
                    "rating",
                    "lee",
                    "2025-03-02T13:00:00Z",
                    rating=Rating(1, 5, 1, "False"),
                ),
            ),
        ),
        ClaimReport(
            id="later",
            claim="Not checked yet.",
            status="unchecked",
            quote="to be checked",
            sources=(
                SourceReport(url="https://later.example/a"),
                SourceReport(
                    url="/home/reporter/notes/interview.txt",
                    fetch_status="fetched",
                    quote_status="verbatim",
                    excerpt="to be checked",
                    checked_at="2025-03-02T09:33:00Z",
                    reason="read from a local file",
                ),
            ),
        ),
        fact_claim(),
    )
    article = Article(
        title="Budget 2025: what the minister said",
        url="https://paper.example/budget-2025",
        published="2025-03-03",
    )
    return Report(generated_at="2025-03-03T08:00:00Z", claims=claims, article=article)


def golden_path(name: str) -> Path:
    return GOLDEN / f"report.{name}.{FORMATS[name].extension}"


def test_registry_matches_declared_list() -> None:
    assert tuple(FORMATS) == DECLARED
    for key, fmt in FORMATS.items():
        assert fmt.name == key
        assert fmt.description and "/" in fmt.media_type and fmt.extension.isalnum()


@pytest.mark.parametrize("name", DECLARED)
def test_every_format_renders_full_and_empty_reports(name: str) -> None:
    assert render(sample_report(), name).strip()
    assert isinstance(render(Report(generated_at="2025-01-01T00:00:00Z", claims=()), name), str)


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        render(sample_report(), "pdf")


@pytest.mark.parametrize("name", DECLARED)
def test_golden(name: str) -> None:
    out = render(sample_report(), name)
    path = golden_path(name)
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(out.encode("utf-8"))
    assert out == path.read_bytes().decode("utf-8")


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_json_is_complete_and_validates_against_shipped_schema() -> None:
    data = json.loads(render(sample_report(), "json"))
    validator = jsonschema.Draft202012Validator(
        json.loads(resources.files("factcheck.formats").joinpath(SCHEMA_FILE).read_text("utf-8"))
    )
    validator.validate(data)
    assert data["schema_version"] == "1.0"
    ids = [c["id"] for c in data["claims"]]
    assert ids == ["homes", "jobs", "evil", "gone", "rumour", "later", "vote"]
    assert data["claims"][2]["sources"][0]["metadata"]["title"] == HOSTILE
    assert data["summary"]["supported"] == 1
    data["claims"][0]["surprise"] = 1  # the schema is strict, so drift in models shows up
    assert not validator.is_valid(data)


def test_csl_json_validates_and_has_one_entry_per_url() -> None:
    items = json.loads(render(sample_report(), "csl-json"))
    jsonschema.Draft202012Validator(load_json(DATA / "csl-data.subset.schema.json")).validate(items)
    urls = [item.get("URL") for item in items]
    assert len(urls) == len(set(urls)) == 5
    assert items[-1]["type"] == "document" and items[-1]["title"] == "interview.txt"
    budget = items[0]
    assert budget["type"] == "webpage"
    assert budget["issued"] == {"date-parts": [[2025, 2, 28]]}
    assert budget["accessed"] == {"date-parts": [[2025, 3, 2]]}  # the latest of two checks
    assert budget["archive"] == "Internet Archive"
    assert budget["archive_location"].startswith("https://web.archive.org/")
    hostile = items[1]
    assert hostile["issued"] == {"date-parts": [[2024]]}  # "2024-13-45": impossible month
    assert "archive_location" not in hostile  # javascript: is not an archive


def test_claimreview_only_for_human_ratings() -> None:
    out = render(sample_report(), "claimreview")
    reviews = json.loads(out)
    schema = load_json(DATA / "claimreview.subset.schema.json")
    jsonschema.Draft202012Validator(schema).validate(reviews)
    assert [r["claimReviewed"] for r in reviews] == [
        "The minister said 15 million jobs would follow.",
        "Taxes will double next year.",
    ]
    assert [r["reviewRating"]["alternateName"] for r in reviews] == ["Misleading", "False"]
    machine = {"supported", "partly", "misquoted", "unverified", "verbatim", "altered"}
    assert not machine & set(re.findall(r"[a-z]+", out.lower()))
    assert "<" not in out and ">" not in out  # safe inside <script type=application/ld+json>


def test_claimreview_ignores_machine_statuses_entirely() -> None:
    report = sample_report()
    unrated = tuple(
        replace(c, rating=None, reviews=tuple(r for r in c.reviews if r.rating is None))
        for c in report.claims
    )
    assert json.loads(render(replace(report, claims=unrated), "claimreview")) == []


def test_hostile_source_is_inert_in_html() -> None:
    out = render(sample_report(), "html")
    assert "<script" not in out.lower() and "</td>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    tags = TagCollector()
    tags.feed(out)
    allowed = {"html", "head", "meta", "title", "style", "body", "div", "h1", "h2", "h3", "h4"}
    allowed |= {"p", "a", "span", "svg", "rect", "text", "title", "section", "article", "ol"}
    allowed |= {"ul", "li", "dl", "dt", "dd", "blockquote", "footer", "sup", "del", "ins"}
    allowed |= {"strong", "cite", "bdi", "span"}
    assert tags.names <= allowed
    assert not [a for a in tags.attrs if a.startswith("on")]
    assert all(h.startswith(("https://", "#ref-")) for h in tags.hrefs)
    assert 'http-equiv="Content-Security-Policy"' in out and "<link" not in out


def test_hostile_source_is_inert_in_markdown() -> None:
    out = render(sample_report(), "md")
    html = MarkdownIt("commonmark").render(out)  # raw HTML is on: escaping must stop it
    assert "<script" not in html and "</td>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:" not in re.sub(r"\\.", "", "".join(re.findall(r'href="[^"]*"', html)))
    assert "<em>Anon</em>" not in html  # the speaker's *Anon* stays literal
    assert '=HYPERLINK("http://x")' in html.replace("&quot;", '"')


def test_hostile_source_is_neutralised_in_csv() -> None:
    rows = list(csv.reader(io.StringIO(render(sample_report(), "csv"))))
    assert rows[0][:2] == ["claim_id", "claim_status"]
    assert len(rows) == 1 + 10  # one row per claim x source; one for the unsourced claim
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert f"'{HOSTILE}".replace("  ", " ") in cells
    assert "'@SUM(1+1)" in cells and "'-2+3 per the ministry" not in cells  # note not a column


@pytest.mark.parametrize("style", ["online", "misc"])
def test_hostile_source_keeps_bibtex_balanced(style: BibStyle) -> None:
    out = BibtexFormat(style).render(sample_report())
    entries = re.split(r"\n(?=@)", out.strip())
    assert len([e for e in entries if not e.startswith("@comment")]) == 5
    for entry in entries:
        depth = 0
        for char in entry:
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0
        assert depth == 0
    assert r"\textbraceright{} \textbackslash{} \textbraceleft{} 50\% \& \$5" in out
    keys = re.findall(r"^@(?!comment)\w+\{([^,]+),", out, flags=re.M)
    assert len(keys) == len(set(keys)) == 5
    assert "javascript" not in out


def test_hostile_source_stays_on_its_ris_lines() -> None:
    out = render(sample_report(), "ris")
    lines = out.split("\r\n")
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines if line)
    assert out.count("TY  - ELEC") == out.count("ER  - ") == 5
    assert f"TI  - {HOSTILE}" in lines
    assert "UR  - https://evil.example/page?q=%281%29&x=%3Cy%3E" in lines


def test_text_fragment_terms_are_percent_encoded_per_spec() -> None:
    assert encode_fragment_term("well-known, rock & roll") == "well%2Dknown%2C%20rock%20%26%20roll"
    long = "one two three four five six seven eight nine ten eleven-twelve"
    assert text_fragment_url("https://a.example/p#top", long) == (
        "https://a.example/p#top:~:text=one%20two%20three%20four%20five,"
        "seven%20eight%20nine%20ten%20eleven%2Dtwelve"
    )
    for name in ("md", "html", "csv"):
        out = render(sample_report(), name)
        if name == "csv":  # commas separate cells there: read the column
            out = " ".join(row["fragment_url"] for row in csv.DictReader(io.StringIO(out)))
        links = re.findall(r":~:text=([^)\s\"<>&,]*(?:,[^)\s\"<>&,]*)*)", out)
        assert links, name
        for directive in links:
            for term in directive.split(","):
                assert re.fullmatch(r"[A-Za-z0-9%._~]+", term), (name, term)
                assert unquote(term).strip()


@pytest.mark.parametrize("name", ["csl-json", "bibtex", "ris"])
def test_citations_give_local_files_as_file_urls(name: str) -> None:
    """A local file is cited with its path, as a file:// URL (issue 19), not a bare name."""
    out = render(sample_report(), name)
    assert "file:///home/reporter/notes/interview.txt" in out


def test_safe_url_refuses_scripts_and_encodes_delimiters() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,<script>") is None
    assert safe_url("/home/me/report.pdf") is None
    assert safe_url('https://x.example/a b(c)"{d}') == "https://x.example/a%20b%28c%29%22%7Bd%7D"
    assert safe_url("https://x.example/already%20encoded") == "https://x.example/already%20encoded"


def test_citation_keys_are_unique_when_bases_clash() -> None:
    meta = SourceMetadata(title="Budget plans", authors=("Jane Doe",), published="2025-01-01")
    sources = tuple(SourceReport(url=f"https://n.example/{i}", metadata=meta) for i in range(3)) + (
        SourceReport(url="https://n.example/0#again", metadata=meta),
    )
    claim = ClaimReport(id="c", claim="c", status="unchecked", sources=sources)
    report = Report(generated_at="2025-01-01T00:00:00Z", claims=(claim,))
    assert [c.key for c in collect_citations(report)] == [
        "doe2025budgeta",
        "doe2025budgetb",
        "doe2025budgetc",
    ]


class TagCollector(HTMLParser):
    """Every tag, attribute name and href in an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.attrs: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.add(tag)
        self.attrs |= {name for name, _ in attrs}
        self.hrefs += [value or "" for name, value in attrs if name == "href"]


def test_every_failed_fetch_status_has_a_badge() -> None:
    """Issue 15: a new status (`error`) must not reach readers as a raw value."""
    from factcheck.formats.common import FETCH_LABELS
    from factcheck.models import FetchStatus

    assert set(FETCH_LABELS) == {s.value for s in FetchStatus} - {"fetched"}


@pytest.mark.parametrize("name", ["md", "html"])
def test_a_fact_claims_source_is_labelled_by_its_specifics(name: str) -> None:
    """A fact claim has no quote: its source's badge counts the specifics found, and the link
    opens the passage, not a quote (found by reading the reports, after issue 18)."""
    report = Report(generated_at="2025-03-03T08:00:00Z", claims=(fact_claim(),))
    out = render(report, name)
    assert "Specifics: 1 of 2 found, 1 contradicted" in out
    assert "passage highlighted in the source" in out
    assert "No quoted words to match" not in out and "quote highlighted" not in out

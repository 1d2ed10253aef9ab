"""Issue 19: each report opened in the tools people use (all offline): GFM and markdown-it for
Markdown, Google's ClaimReview fields, citeproc-py / pybtex / bibtexparser / rispy for
citations, HTML structure for phones and right-to-left text (and a headless browser where one
is installed)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import cmarkgfm
import pybtex.database
import pytest
import rispy
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from cmarkgfm.cmark import Options
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from factcheck.formats import render
from factcheck.formats.claimreview import ClaimReviewFormat, Organization
from factcheck.formats.common import date_parts
from factcheck.formats.csv import CsvFormat
from factcheck.formats.interface import MissingFieldError
from factcheck.models import (
    Article,
    ClaimReport,
    DiffOp,
    Rating,
    Report,
    SourceMetadata,
    SourceReport,
)
from factcheck.report import dated

ARABIC = "تصريحات الوزير حول الميزانية"
LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänswitwe" * 3


def source(url: str, **meta: object) -> SourceReport:
    return SourceReport(
        url=url,
        fetch_status="fetched",
        http_status=200,
        quote_status="verbatim",
        excerpt="the words",
        checked_at="2025-03-02T09:30:00Z",
        metadata=SourceMetadata(**meta),  # type: ignore[arg-type]
    )


def consumer_report() -> Report:
    """Ten sources, most untitled (bare URLs), one Arabic title, odd dates and bylines."""
    untitled = [source(f"http://host.example/{n}_x.html") for n in range(7)]
    people = dated(  # as build_report reads the page's date
        source(
            "https://news.example/afghanistan",
            title="US service members leave Afghanistan",
            authors=("Laura Winter", "Reuters Staff"),
            published="20 Nov 2019 08:02 GMT",
            site_name="Example News",
        )
    )
    sentinel = source(
        "https://cms.example/page",
        title=ARABIC,
        authors=("Ludwig van Beethoven",),
        published="0001-01-01T00:00:00Z",
    )
    local = SourceReport(url="/home/reporter/statement.txt", fetch_status="fetched")
    altered = replace(
        people,
        url="https://news.example/altered",
        quote_status="altered",
        excerpt="this could create 12 million jobs",
        diff=(DiffOp("equal", "this", "this"), DiffOp("replace", "could,", "will,")),
    )
    gone = SourceReport(url="https://gone.example/x", fetch_status="gone", http_status=404)
    down = SourceReport(url="https://down.example/x", fetch_status="unreachable")
    claims = (
        ClaimReport(
            id="c1",
            claim=f"{LONG_WORD} said so",
            status="misquoted",
            quote="this will create 12 million jobs",
            speaker="The minister",
            rating=Rating(2, 5, 1, "Misleading"),
            rating_by="Ben",
            sources=(*untitled, people, sentinel, local, altered),
        ),
        ClaimReport(
            id="c 2/ü",
            claim="Second claim",
            status="unavailable",
            rating=Rating(label="False"),
            sources=(gone, down),
        ),
        ClaimReport(id="c3", claim="Unrated", status="supported", sources=(people,)),
    )
    article = Article(title="Budget", url="https://paper.example/budget", published="2025-03-03")
    return Report(generated_at="2025-03-04T08:00:00Z", claims=claims, article=article)


# -- Markdown ----------------------------------------------------------------------------


def footnotes_resolve(html: str) -> tuple[set[str], set[str]]:
    """(footnote targets referenced, footnote ids defined) in rendered HTML."""
    refs = set(re.findall(r'<a href="#(fn-[^"]+)"', html))
    defined = set(re.findall(r'<li id="(fn-[^"]+)"', html))
    return refs, defined


def test_markdown_footnotes_resolve_in_cmark_gfm() -> None:
    """GitHub's renderer (cmark-gfm with its autolink extension): every marker is a footnote."""
    md = render(consumer_report(), "md")
    html = cmarkgfm.github_flavored_markdown_to_html(md, options=Options.CMARK_OPT_FOOTNOTES)
    refs, defined = footnotes_resolve(html)
    markers = set(re.findall(r"\[\^([^\]]+)\]:", md))
    assert len(markers) == 13  # 11 web pages, the local file, the gone and unreachable ones
    assert len(refs) == len(markers) and refs == defined
    assert "%5B%5E" not in html and "[^" not in html  # no marker swallowed into a link
    assert "<em>http" not in html  # no emphasis around a bare URL


def test_markdown_footnotes_resolve_in_markdown_it() -> None:
    md = render(consumer_report(), "md")
    parser = MarkdownIt("commonmark", {"linkify": True}).enable("linkify").use(footnote_plugin)
    html = parser.render(md)
    refs = set(re.findall(r'<a href="#(fn\d+)"', html))
    defined = set(re.findall(r'<li id="(fn\d+)"', html))
    assert len(defined) == 13 and refs == defined
    assert "[^" not in html


@pytest.mark.parametrize("reader", ["gfm", "commonmark_x", "markdown"])
def test_markdown_footnotes_resolve_in_pandoc(reader: str) -> None:
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        pytest.skip("pandoc is not installed (apt-get install pandoc)")
    md = render(consumer_report(), "md")
    html = subprocess.run(
        [pandoc, "-f", reader, "-t", "html"], input=md, capture_output=True, text=True, timeout=60
    ).stdout
    refs = set(re.findall(r'href="#(fn\d+)"', html))
    defined = set(re.findall(r'id="(fn\d+)"', html))
    # pandoc numbers each reference anew: the source cited twice gets two notes
    assert len(defined) == 14 and refs == defined
    assert "[^" not in html


def test_markdown_word_diff_is_plain_markers() -> None:
    md = render(consumer_report(), "md")
    assert "this \\[-could,-\\]{+will,+}" in md
    assert "~~" not in md


# -- ClaimReview -------------------------------------------------------------------------

REQUIRED = ("claimReviewed", "reviewRating", "url")
RECOMMENDED = ("author", "datePublished", "itemReviewed")


def test_claimreview_has_googles_required_and_recommended_fields() -> None:
    """https://developers.google.com/search/docs/appearance/structured-data/factcheck"""
    fmt = ClaimReviewFormat(Organization("Paper Checks", "https://paper.example/"))
    items = json.loads(fmt.render(consumer_report()))
    assert len(items) == 2  # only the rated claims
    for item in items:
        assert all(item.get(k) for k in REQUIRED + RECOMMENDED), item
        assert item["reviewRating"]["alternateName"]  # required inside Rating
        assert item["author"] == {
            "@type": "Organization",
            "name": "Paper Checks",
            "url": "https://paper.example/",
        }
    assert [i["url"] for i in items] == [
        "https://paper.example/budget#claim-c1",
        "https://paper.example/budget#claim-c%202%2F%C3%BC",
    ]
    claim = items[0]["itemReviewed"]
    assert claim["author"] == {"@type": "Person", "name": "The minister"}
    assert claim["datePublished"] == "2019-11-20"  # the earliest known appearance
    assert {"@type": "CreativeWork", "url": "https://news.example/afghanistan"}.items() <= (
        claim["appearance"][7].items()
    )
    assert fmt.written(consumer_report()) == "2 ClaimReviews (1 of 3 claims without a human rating)"


def test_claimreview_html_anchor_exists() -> None:
    html = render(consumer_report(), "html")
    assert 'id="claim-c1"' in html and 'id="claim-c 2/ü"' in html


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"article": Article(title="no url")}, "url"),
        ({"article": None}, "url"),
    ],
)
def test_claimreview_missing_required_field_is_an_error(
    change: dict[str, object], field: str
) -> None:
    with pytest.raises(MissingFieldError) as caught:
        render(replace(consumer_report(), **change), "claimreview")  # type: ignore[arg-type]
    assert caught.value.field == field


def test_claimreview_rating_without_label_is_an_error() -> None:
    report = consumer_report()
    claims = (replace(report.claims[0], rating=Rating(2, 5, 1)), *report.claims[1:])
    with pytest.raises(MissingFieldError, match="reviewRating.alternateName"):
        render(replace(report, claims=claims), "claimreview")


# -- Citations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("20 Nov 2019 08:02 GMT", [2019, 11, 20]),
        ("Wed, 20 Nov 2019 08:02:00 +0000", [2019, 11, 20]),
        ("November 20, 2019", [2019, 11, 20]),
        ("2019-11-20T08:02:00Z", [2019, 11, 20]),
        ("2019-11", [2019, 11]),
        ("0001-01-01T00:00:00Z", None),
        ("1970-01-01T00:00:00Z", None),
        ("1899-12-31", None),
        ("not a date", None),
    ],
)
def test_dates_as_pages_write_them(text: str, parts: list[int] | None) -> None:
    """build_report reads the page's date (python-dateutil), the formats drop sentinels."""
    published = dated(source("https://x.example/", published=text)).metadata.published
    assert date_parts(published) == parts


def test_csl_json_renders_in_citeproc_py() -> None:
    items = json.loads(render(consumer_report(), "csl-json"))
    style_dir = Path(__import__("citeproc").__file__).parent / "data" / "styles"
    style = CitationStylesStyle(str(next(style_dir.glob("*.csl"))), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    text = "\n".join(str(entry) for entry in bibliography.bibliography())
    assert "Winter, L." in text and "Laura Winter" not in text  # family name first
    assert "Reuters Staff" in text  # an organisation stays whole
    assert "2019" in text and "C.E." not in text and "0001" not in text
    assert "van Beethoven" in text
    afghanistan = next(i for i in items if i["id"].startswith("winter"))
    assert afghanistan["issued"] == {"date-parts": [[2019, 11, 20]]}
    assert afghanistan["author"] == [
        {"family": "Winter", "given": "Laura"},
        {"literal": "Reuters Staff"},
    ]
    statement = next(i for i in items if i["title"] == "statement.txt")
    assert statement["URL"] == "file:///home/reporter/statement.txt"


def test_bibtex_parses_in_pybtex_and_bibtexparser() -> None:
    text = render(consumer_report(), "bibtex")
    data = pybtex.database.parse_string(text, "bibtex")
    entry = next(e for k, e in data.entries.items() if k.startswith("winter"))
    people = entry.persons["author"]
    assert [str(p) for p in people] == ["Winter, Laura", "{Reuters Staff}"]
    assert people[0].last_names == ["Winter"] and people[0].first_names == ["Laura"]
    assert entry.fields["title"] == "{US} service members leave {Afghanistan}"
    assert entry.fields["date"] == "2019-11-20"
    sentinel = next(e for k, e in data.entries.items() if k.startswith("beethoven"))
    assert "date" not in sentinel.fields
    assert "0001" not in text and "01-01-01" not in text
    assert "file:///home/reporter/statement.txt" in text
    assert text.startswith("@comment{") and "misc" in text  # the fallback note
    if hasattr(bibtexparser, "parse_string"):  # bibtexparser 2
        library = bibtexparser.parse_string(text)
        assert not library.failed_blocks and len(library.entries) == 13
    else:  # bibtexparser 1
        assert len(bibtexparser.loads(text).entries) == 13


def test_ris_parses_in_rispy() -> None:
    records = rispy.loads(render(consumer_report(), "ris"))
    assert len(records) == 13
    winter = next(r for r in records if r.get("title", "").startswith("US service"))
    assert winter["authors"] == ["Winter, Laura", "Reuters Staff"]
    assert winter["year"] == "2019" and winter["date"] == "2019/11/20/"
    sentinel = next(r for r in records if r.get("title") == ARABIC)
    assert "year" not in sentinel and "date" not in sentinel
    statement = next(r for r in records if r.get("title") == "statement.txt")
    assert statement["urls"] == ["file:///home/reporter/statement.txt"]


# -- HTML, JSON, CSV ---------------------------------------------------------------------


class Texts(HTMLParser):
    """Which text runs sit inside an element that isolates direction (bdi or dir=auto)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.isolated: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("meta", "br", "img", "rect", "link"):
            return
        isolated = tag == "bdi" or ("dir", "auto") in attrs
        self.stack.append(isolated or bool(self.stack and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("meta", "br", "img", "rect", "link") and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] and data.strip():
            self.isolated.append(data)


def test_html_isolates_source_text_and_names_failures() -> None:
    html = render(consumer_report(), "html")
    parser = Texts()
    parser.feed(html)
    isolated = " ".join(parser.isolated)
    for text in (ARABIC, "the words", "this could create 12 million jobs", "Example News"):
        assert text in isolated, text
    assert "Gone (404)" in html and "Source unreachable" in html
    assert "No quoted words to match" not in html
    assert "overflow-wrap: anywhere" in html


def test_json_gives_the_fragment_link_of_altered_quotes() -> None:
    data = json.loads(render(consumer_report(), "json"))
    altered = data["claims"][0]["sources"][-1]
    assert altered["quote_status"] == "altered"
    assert altered["fragment_url"] == (
        "https://news.example/altered#:~:text=this%20could%20create%2012%20million%20jobs"
    )


def test_csv_excel_option_adds_a_bom() -> None:
    assert CsvFormat(excel=True).render(consumer_report()).startswith("\ufeffclaim_id,")
    assert render(consumer_report(), "csv").startswith("claim_id,")


# -- A real browser, where one is installed ----------------------------------------------

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "headless_shell")


@pytest.mark.parametrize("width", [360, 1280])
def test_html_has_no_horizontal_scroll_in_chromium(tmp_path: Path, width: int) -> None:
    browser = next((b for b in map(shutil.which, BROWSERS) if b), None)
    if browser is None:
        pytest.skip("no headless Chromium installed (apt-get install chromium)")
    html = render(consumer_report(), "html")
    # The report allows no scripts (CSP); this probe copy, shown in an iframe exactly `width`
    # px wide (a headless window is at least 500 px), writes the page's scroll width into the
    # outer page's title, which --dump-dom then shows.
    probe = (
        "<script>addEventListener('load',()=>{parent.document.title="
        "'W='+document.documentElement.scrollWidth+'/'+innerWidth})</script>"
    )
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    inner = escape(html.replace("</body>", probe + "</body>"), quote=True)
    page = tmp_path / "frame.html"
    page.write_text(
        '<!DOCTYPE html><html><head><title>-</title></head><body style="margin:0">'
        f'<iframe srcdoc="{inner}" width="{width}" height="900" style="border:0"></iframe>'
        "</body></html>",
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1400,1000",
            "--virtual-time-budget=3000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.search(r"W=(\d+)/(\d+)", result.stdout)
    assert found, result.stderr[-2000:]
    scroll, inner_width = map(int, found.groups())
    assert inner_width == width
    assert scroll <= inner_width, f"page is {scroll}px wide in a {inner_width}px window"

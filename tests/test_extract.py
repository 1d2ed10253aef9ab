"""HTML to visible text and metadata; dispatch by content type; hostile input bounded."""

from __future__ import annotations

import time

import pytest

from factcheck.errors import ExtractError
from factcheck.extract.html import MAX_TAGS, extract_source, html_to_text

ARTICLE = """<!doctype html>
<html lang="en-GB"><head>
<title> Plant  closes | Daily News </title>
<meta property="og:title" content="Plant closes after outbreak">
<meta property="og:site_name" content="Daily News">
<meta name="author" content="Ann Reporter">
<meta property="article:published_time" content="2019-11-19T10:00:00Z">
<meta property="article:modified_time" content="2019-11-20T08:30:00Z">
<link rel="canonical" href="https://news.example/plant-closes">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "x"},
 {"@type": "NewsArticle", "headline": "Plant closes", "datePublished": "2019-11-19",
  "author": [{"@type": "Person", "name": "Ann Reporter"}, {"@type": "Person", "name": "Bo Li"}]}]}
</script>
<style>p { color: red }</style>
</head><body>
<script>var hidden = "never shown";</script>
<noscript>Enable JavaScript</noscript>
<template><p>template text</p></template>
<h1>Plant closes</h1>
<p>The plant, which opened in <b>1998</b>, will close.<!-- a comment --></p><p>Next paragraph
   has   odd   spacing and a&nbsp;non-breaking space.</p>
<div>Line one<br>Line two</div>
<ul><li>First item</li><li>Second <a href="#">linked</a> item</li></ul>
<table><tr><td>Cell A</td><td>Cell B</td></tr></table>
<pre>keep   this
  layout</pre>
<time datetime="2019-11-18">Monday</time>
</body></html>"""


def test_visible_text_with_paragraph_breaks() -> None:
    text = html_to_text(ARTICLE).text
    assert "never shown" not in text and "Enable JavaScript" not in text
    assert "template text" not in text and "color: red" not in text and "comment" not in text
    assert "Plant closes\n\nThe plant, which opened in 1998, will close.\n\nNext paragraph" in text
    assert "has odd spacing and a\u00a0non-breaking space." in text
    assert "Line one\nLine two" in text
    assert "First item\n\nSecond linked item" in text
    assert "Cell A\n\nCell B" in text
    assert "keep   this\n  layout" in text
    assert "\n\n\n" not in text and not text.startswith("\n")


def test_title_and_metadata() -> None:
    source = html_to_text(ARTICLE)
    assert source.title == "Plant closes | Daily News"
    meta = source.metadata
    assert meta.title == "Plant closes after outbreak"
    assert meta.site_name == "Daily News"
    assert meta.authors == ("Ann Reporter", "Bo Li")
    assert meta.published == "2019-11-19T10:00:00Z"
    assert meta.modified == "2019-11-20T08:30:00Z"
    assert meta.canonical_url == "https://news.example/plant-closes"
    assert meta.language == "en-GB"


def test_metadata_fallbacks_from_json_ld_and_time() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@type": "Article", '
        '"headline": "Only LD", "dateModified": "2020-01-02", "author": "Cy Writer"}</script>'
        '<script type="application/ld+json">{broken json</script></head>'
        '<body><time datetime="2020-01-01">New Year</time><p>Body</p></body></html>'
    )
    meta = html_to_text(html).metadata
    assert meta.title == "Only LD"
    assert meta.authors == ("Cy Writer",)
    assert meta.published == "2020-01-01"
    assert meta.modified == "2020-01-02"
    assert meta.language is None


def test_glued_paragraphs_are_separated() -> None:
    text = html_to_text("<div><p>He said.</p><p>Next</p>tail</div>").text
    assert text == "He said.\n\nNext\n\ntail"


@pytest.mark.slow
def test_a_hundred_thousand_nested_tags_do_not_recurse() -> None:
    depth = 100_000
    html = "<div>" * depth + "deep text" + "</div>" * depth
    started = time.perf_counter()
    assert html_to_text(html).text == "deep text"
    assert time.perf_counter() - started < 60


def test_nesting_far_beyond_the_recursion_limit() -> None:
    html = "<span>" * 20_000 + "<p>deep</p>" + "</span>" * 20_000 + "<p>after</p>"
    assert html_to_text(html).text == "deep\n\nafter"


def test_a_million_tiny_elements_is_refused() -> None:
    html = "<p>" + "<b>x</b>" * 1_000_000 + "</p>"
    with pytest.raises(ExtractError, match="tags"):
        html_to_text(html)


def test_many_elements_under_the_limit_still_work() -> None:
    html = "<p>" + "<span>w </span>" * 20_000 + "</p>"
    assert html_to_text(html).text.count("w") == 20_000
    assert MAX_TAGS > 20_000


def test_extract_source_dispatches_html_and_plain_text() -> None:
    body = "<html><body><p>Caf\u00e9 text</p></body></html>".encode()
    source = extract_source(body, "text/html; charset=utf-8", "https://x.example/a")
    assert source.text == "Caf\u00e9 text"
    plain = extract_source(b"just words", "text/plain; charset=utf-8", "https://x.example/b")
    assert plain.text == "just words"
    xhtml = extract_source(b"<html><body><p>x</p></body></html>", "application/xhtml+xml", "u")
    assert xhtml.text == "x"


def test_extract_source_sniffs_missing_content_type() -> None:
    source = extract_source(b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", None, "u")
    assert source.text == "Hi"


def test_extract_source_pdf_errors_are_extract_errors() -> None:
    with pytest.raises(ExtractError):
        extract_source(b"%PDF-1.4 not really a pdf", "application/pdf", "https://x.example/c")


def test_unsupported_content_type_raises() -> None:
    with pytest.raises(ExtractError, match="image/png"):
        extract_source(b"\x89PNG", "image/png", "https://x.example/d.png")


# --- lxml's own tree read like BeautifulSoup's (issue 21, point 2) ----------------------------

_PAGES = [
    ARTICLE,
    "<p>a <b>bold </b> word</p><pre>  keep\n   this </pre>tail<br><i>after a break</i>",
    "<div hidden><p>gone</p></div><p style='display: none'>gone too</p><span>shown</span>",
    "<p>x<!-- c -->y<?pi z?>w</p><ruby>\u6f22<rt>kan</rt><rp>(</rp></ruby>\u5b57",
    "<html><head><title>t</title></head></html><body><p>body after a closed html</p></body>",
    "<p>a</p><div><html><body class='x'><p>widget</p></body></html></div><p>b</p>",
    "plain text, no tags",
]


@pytest.mark.parametrize("html", _PAGES)
def test_lxml_tree_reads_as_beautifulsoup_does(html: str) -> None:
    from factcheck.extract.html import soup_text
    from factcheck.extract.tree import parse_html, read_heads, visible_pieces
    from factcheck.extract.visible import join_pieces

    roots = parse_html(html)
    assert roots
    assert (join_pieces(visible_pieces(roots)), read_heads(roots)) == soup_text(html)


def test_content_after_a_closed_html_root_is_read() -> None:
    html = "<html><head><title>t</title></head></html><body><p>body after html</p></body>"
    assert html_to_text(html).text == "body after html"


def test_nesting_at_libxml2s_depth_limit_falls_back() -> None:
    # libxml2 keeps 2,047 levels and silently drops the rest of the page, "after" included
    html = "<span>" * 2046 + "<p>deep</p>" + "</span>" * 2046 + "<p>after</p>"
    assert html_to_text(html).text == "deep\n\nafter"


def test_ruby_annotations_are_not_text() -> None:
    assert html_to_text("<p><ruby>\u6f22<rt>kan</rt></ruby>\u5b57</p>").text == "\u6f22\u5b57"

"""A match's TextQuoteSelector context (exact, prefix, suffix) and text-fragment links."""

from __future__ import annotations

from urllib.parse import unquote

from factcheck.match.find import match_quote
from factcheck.match.fragments import encode_directive_part, text_fragment_url
from factcheck.models import QuoteMatch, QuoteStatus

PAGE = (
    "Officials said the co-operative, founded in 1998, will close.\n\n"
    "“We tried everything – really, everything & more,” the chair said. "
    "Members voted 40-2 to wind it up on Friday after a long meeting in the village hall.\n\n"
    "The chair said: members voted. Later a second note read: members voted."
)


def test_selector_has_exact_prefix_and_suffix() -> None:
    m = match_quote("the co-operative, founded in 1998, will close", PAGE)
    assert (m.excerpt, m.prefix, m.suffix) == (
        "the co-operative, founded in 1998, will close",
        "Officials said ",
        ".\n\n“We tried everything – really",
    )


def test_no_evidence_for_absent() -> None:
    m = QuoteMatch(QuoteStatus.ABSENT)
    assert text_fragment_url("https://example.org/a", m) is None


def test_encoding_covers_dash_comma_ampersand() -> None:
    assert encode_directive_part("a-b, c & d") == "a%2Db%2C%20c%20%26%20d"
    assert encode_directive_part("40–2") == "40%E2%80%932"


def test_fragment_url_for_short_match_drops_existing_fragment() -> None:
    m = match_quote("really, everything & more", PAGE)
    url = text_fragment_url("https://example.org/news?id=3#comments", m)
    assert url == "https://example.org/news?id=3#:~:text=really%2C%20everything%20%26%20more"


def test_fragment_url_uses_start_and_end_for_long_passages() -> None:
    quote = (
        "Members voted 40-2 to wind it up on Friday after a long meeting in the village hall."
        "\n\nThe chair said"
    )
    m = match_quote(quote, PAGE)
    url = text_fragment_url("https://example.org/a", m)
    assert url is not None
    directive = url.split("#:~:text=", 1)[1]
    start, end = directive.split(",")
    assert unquote(start) == "Members voted 40-2 to wind"
    assert unquote(end) == "The chair said"
    assert "%2D" in start


def test_fragment_url_adds_context_when_the_text_repeats() -> None:
    m = match_quote("members voted.", PAGE)
    assert m.occurrences == 2
    url = text_fragment_url("https://example.org/a", m)
    assert url is not None
    parts = url.split("#:~:text=", 1)[1].split(",")
    assert parts[0].endswith("-") and parts[-1].startswith("-")
    assert unquote(parts[0][:-1]) == "chair said:"
    assert unquote(parts[1]) == "members voted."


def test_long_single_block_passage_uses_five_words_each_end() -> None:
    quote = "Members voted 40-2 to wind it up on Friday after a long meeting in the village hall."
    m = match_quote(quote * 2, PAGE + "\n\n" + quote * 2)
    url = text_fragment_url("https://example.org/a", m)
    assert url is not None
    start, end = url.split("#:~:text=", 1)[1].split(",")
    assert unquote(start) == "Members voted 40-2 to wind"
    assert unquote(end) == "meeting in the village hall."

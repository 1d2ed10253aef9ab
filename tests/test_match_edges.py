"""Matcher rules found by checking generated cases (bench/make_cases.py, issue 3)."""

from __future__ import annotations

import random

from factcheck.match.align import find_places
from factcheck.match.candidates import index_text
from factcheck.match.find import match_quote
from factcheck.match.quote import parse_quote
from factcheck.models import QuoteStatus

PAGE = (
    "Read the results first, the reviewers said. And the results are in. The new 16-inch "
    "laptop is a lot like the old 15-inch laptop, save for a few throwback features.\n\n"
    "I was the patron of the [National Society for the Prevention of Cruelty to Children] "
    "campaign at the time, she wrote.\n\n"
    "Staff face up to 1,000 alarms per shift[1], and most need no action at all[2].\n\n"
    "The report was published on May 18, 2018. See also studies (32, 33).\n\n"
    "The company said its chief executive would step down next spring."
)


def test_a_changed_first_word_is_reported_beside_its_neighbours() -> None:
    m = match_quote("The old 16-inch laptop is a lot like the old 15-inch laptop", PAGE)
    assert m.status is QuoteStatus.ALTERED
    assert [(d.source, d.quote) for d in m.differences] == [("new", "old")]
    assert m.excerpt.startswith("The new 16-inch")


def test_brackets_copied_from_the_source_are_not_editorial() -> None:
    quote = "the [National Society for the Prevention of Carelessness to Children] campaign"
    m = match_quote(quote, PAGE)
    assert m.status is QuoteStatus.ALTERED
    assert [(d.source, d.quote) for d in m.differences] == [("Cruelty", "Carelessness")]


def test_a_changed_footnote_number_is_not_an_editorial_bracket() -> None:
    m = match_quote("up to 1,000 alarms per shift[1], and most need no action at all[1].", PAGE)
    assert m.status is QuoteStatus.ALTERED
    assert m.differences[0].kind == "number"


def test_only_whole_bracketed_words_stand_in_for_source_words() -> None:
    words = parse_quote("[T]he firm said [Acme]'s boss shift[1]").words
    assert [w.bracket for w in words] == [False, False, False, True, False, False]
    assert match_quote(
        "The company said [Acme]'s chief executive would step down", PAGE
    ).status is (QuoteStatus.EDITED)


def test_a_missing_space_between_numbers_is_a_whitespace_edit() -> None:
    for quote in ("The report was published on May 18,2018.", "See also studies (32,33)."):
        m = match_quote(quote, PAGE)
        assert m.status is QuoteStatus.EDITED, (quote, m.differences)
        assert m.excerpt.endswith(("2018.", "33)."))


def test_a_changed_number_is_still_altered_when_spaced_differently() -> None:
    assert match_quote("The report was published on May 18,2019.", PAGE).status is (
        QuoteStatus.ALTERED
    )


def test_places_give_the_lcs_length_at_each_candidate() -> None:
    page = index_text(PAGE)
    quote = parse_quote("the company said its chief executive would leave next spring")
    best = find_places(page, quote.keys)[0]
    assert best.equal == len(quote.words) - 1
    assert "company" in page.keys[best.start : best.end]


def test_the_absent_shortcut_keeps_paraphrases() -> None:
    said = "next spring the chief executive of the company would step down, it said"
    assert match_quote(said, PAGE).status is QuoteStatus.PARAPHRASE
    assert match_quote("Nothing about this sentence is on that page at all", PAGE).status is (
        QuoteStatus.ABSENT
    )


def test_an_ellipsis_quote_is_found_from_its_rarest_segment() -> None:
    """Each word before the ellipsis occurs hundreds of times, so votes from the first few
    hundred occurrences cannot reach a place late in the page; the number after it occurs
    once: the quote is found from there, then its first segment just before it."""
    rng = random.Random(4)
    vocab = [
        "council",
        "budget",
        "harbour",
        "policy",
        "review",
        "funding",
        "water",
        "rail",
        "energy",
        "school",
        "market",
        "coast",
        "forest",
        "union",
        "workers",
        "industry",
        "climate",
        "treaty",
        "export",
        "tariff",
    ]
    salad = [rng.choice(vocab) for _ in range(9000)]
    source = "harbour budget council policy water rail said the 2031 deadline stands"
    words = salad[:7600] + source.split() + salad[7600:]
    page = ". ".join(" ".join(words[i : i + 12]) for i in range(0, len(words), 12)) + "."
    quote = "harbour budget council policy water rail … 2031 deadline stands"
    assert page.count("2031") == 1 and min(page.count(w) for w in vocab[:6]) > 256
    match = match_quote(quote, page)
    assert match.status is QuoteStatus.EDITED
    assert match.excerpt.endswith("2031 deadline stands")

"""Issue 16's rules one by one: what an ellipsis drops, splices, context, partial finds, brackets."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from factcheck.extract.html import html_to_text
from factcheck.match.find import match_quote
from factcheck.models import QuoteStatus

CORPUS = Path(__file__).resolve().parent / "data" / "corpus" / "pages"
ALTERED, EDITED, VERBATIM = QuoteStatus.ALTERED, QuoteStatus.EDITED, QuoteStatus.VERBATIM

PAGE = (
    "The mayor spoke on Monday. We will not raise taxes on working families this year, she "
    "said. The bridge may reopen in spring if the repairs go well. Nearly 400 people attended "
    "the meeting at the Riverside Hall. Some residents only wanted answers about the new road. "
    "Officials said the plan would probably cost about 12 million dollars over three years, "
    "and the council will vote on it next week."
)


def kinds(quote: str, page: str = PAGE) -> tuple[QuoteStatus, list[tuple[str, str]]]:
    m = match_quote(quote, page)
    return m.status, [(d.kind, d.source) for d in m.differences]


@pytest.mark.parametrize(
    ("quote", "dropped"),
    [
        ("We will … raise taxes on working families this year", "not"),  # negation
        ("The bridge … reopen in spring if the repairs go well", "may"),  # modal
        ("… 400 people attended the meeting", "Nearly"),  # approximator
        ("Some residents … wanted answers about the new road", "only"),  # focus word
        ("the plan would … cost about 12 million dollars", "probably"),  # epistemic hedge
        ("The bridge may reopen in spring … the repairs go well", "if"),  # condition
        ("the plan would probably cost about … million dollars", "12"),  # number
        ("the meeting at the … Hall", "Riverside"),  # name
    ],
)
def test_an_ellipsis_that_drops_meaning_is_an_omission(quote: str, dropped: str) -> None:
    assert kinds(quote) == (ALTERED, [("omission", dropped)])


@pytest.mark.parametrize(
    "quote",
    [
        "We will not raise taxes … this year",  # `on working families`
        "Nearly 400 people attended … the Riverside Hall.",  # `the meeting at`
        "Officials said the plan … over three years",  # a phrase with a hedge in it
        "The mayor spoke on Monday. We will not raise taxes … she said.",
    ],
)
def test_an_ellipsis_that_only_shortens_is_an_edit(quote: str) -> None:
    assert kinds(quote) == (EDITED, [])


def test_the_segment_before_an_ellipsis_is_placed_nearest_the_next_one() -> None:
    # A one-word segment also occurs a sentence earlier: placed there, the ellipsis would
    # swallow a whole sentence and the hedge with it and pass as a plain shortening.
    page = "Stir well. It will thicken as it cools. It could take 24-48 hours to set. Enjoy."
    assert kinds("It … take 24-48 hours to set.", page) == (ALTERED, [("omission", "could")])


def test_a_silently_dropped_hedge_is_an_omission_naming_it() -> None:
    assert kinds("the plan would cost about 12 million dollars") == (
        ALTERED,
        [("omission", "probably")],
    )


SPEAKERS = (
    "“We are ready to sign,” Smith said on Tuesday.\n\n"
    "“We will never accept these terms, whatever happens,” Jones replied.\n\n"
    "“The talks can go on,” Smith added. One. Two. Three. Four. “Nothing is settled yet.”"
)


@pytest.mark.parametrize(
    ("quote", "note"),
    [
        ("We are ready to sign … whatever happens", "skips another quotation"),
        ("We are ready to sign … The talks can go on", "skips another quotation"),
        ("The talks can go on … Nothing is settled yet", "skips another quotation"),
        ("We will never accept these terms … We are ready to sign", "out of order"),
    ],
)
def test_a_splice_is_reported(quote: str, note: str) -> None:
    m = match_quote(quote, SPEAKERS)
    assert m.status is ALTERED
    assert [d.kind for d in m.differences] == ["omission"] and note in m.differences[0].quote


def test_an_ellipsis_over_several_sentences_is_a_splice() -> None:
    page = "The talks went on. They ate. They slept. They read. Nothing was settled then."
    m = match_quote("The talks went on … Nothing was settled then.", page)
    assert m.status is ALTERED and m.differences[0].quote == "skips 3 sentences"
    assert match_quote("They ate … They read.", page).status is EDITED


def test_an_ellipsis_over_a_paragraph_of_other_material_is_a_splice() -> None:
    page = (
        "The council met on Monday to discuss the budget.\n\n"
        "Residents filled the hall and many of them waited for hours before they could speak "
        "to the members of the council about the road\n\n"
        "The budget passed by seven votes to two."
    )
    m = match_quote("The council met on Monday … The budget passed by seven votes to two.", page)
    assert m.status is ALTERED and m.differences[0].quote == "skips a paragraph"


def test_sentences_run_together_without_an_ellipsis_are_not_a_quotation() -> None:
    page = PAGE + " " + " ".join(f"Filler sentence number {n} is here." for n in range(8))
    quote = "The mayor spoke on Monday. Filler sentence number 6 is here."
    assert match_quote(quote, page).status not in (VERBATIM, EDITED)


@pytest.mark.parametrize(
    ("page", "quote", "governing"),
    [
        ("The threat could be imminent, officials said.", "imminent", "could be imminent"),
        ("They warned of a potentially imminent threat.", "imminent threat", "potentially"),
        ("The minister said an attack was not imminent.", "imminent", "not imminent"),
        ("He denied it was imminent.", "imminent", "denied it was imminent"),
        ("What critics called “imminent” was a plan.", "imminent", "called “imminent"),
        ("It is a so-called 'historic' deal.", "historic", "so-called 'historic"),
        ("He said it was not true that the plan will cut costs for everyone.", "true that", "not"),
    ],
)
def test_a_short_quote_is_read_in_context(page: str, quote: str, governing: str) -> None:
    m = match_quote(quote, page)
    assert m.status is QuoteStatus.OUT_OF_CONTEXT
    assert [d.kind for d in m.differences] == ["context"] and governing in m.differences[0].source


def test_a_plain_occurrence_elsewhere_is_enough() -> None:
    page = "The threat could be imminent, one said. Another said it is imminent."
    assert match_quote("imminent", page).status is VERBATIM


def test_a_long_quote_is_read_at_its_edge_for_a_negation_only() -> None:
    page = "He said they would not cut the budget for schools this year. It could rain all day."
    assert match_quote("cut the budget for schools this year", page).status is (
        QuoteStatus.OUT_OF_CONTEXT
    )
    assert match_quote("rain all day", page).status is QuoteStatus.OUT_OF_CONTEXT  # short
    assert match_quote("It could rain all day.", page).status is VERBATIM
    assert match_quote("would not cut the budget", page).status is VERBATIM


C15 = "The transit was carried out in accordance with international law and best practice."


def test_a_half_found_quote_is_partial() -> None:
    m = match_quote(
        "in accordance with international law and best practice … demonstrating our "
        "commitment to the international rules-based system",
        C15,
    )
    assert m.status is QuoteStatus.PARTIAL
    assert [s.quote for s in m.segments] == [
        "in accordance with international law and best practice"
    ]
    assert [(d.kind, d.quote) for d in m.differences] == [
        ("missing", "demonstrating our commitment to the international rules-based system")
    ]
    assert m.excerpt == "in accordance with international law and best practice"


def test_no_segment_found_is_absent_and_a_changed_one_is_not_partial() -> None:
    assert match_quote("words nobody wrote … anywhere at all", C15).status is (QuoteStatus.ABSENT)
    changed = "in accordance with national law and best practice … our commitment to peace"
    assert match_quote(changed, C15).status is not QuoteStatus.PARTIAL


BRACKETS = "On Monday the finance minister spoke. She said the new rules will take effect soon."


@pytest.mark.parametrize(
    "quote",
    [
        "[The minister] said the new rules will take effect soon.",  # leading pronoun
        "She said [the new banking rules] will take effect soon.",  # a short noun phrase
        "She said the new rules will take effect [in March].",  # a trailing clarification
        "She said the new rules [sic] will take effect soon.",
        "She said the new rules will take effect soon [emphasis added].",
    ],
)
def test_a_bracket_stands_in_for_a_few_words(quote: str) -> None:
    assert match_quote(quote, BRACKETS).status is EDITED


def test_a_bracket_may_not_stand_in_for_a_whole_clause() -> None:
    quote = "She said [taxes] will take effect soon."
    page = "She said the new rules on banks and their branches will take effect soon."
    assert match_quote(quote, page).status is not EDITED


def test_the_sources_own_bracketed_insertion_left_out_is_editorial() -> None:
    page = "“Our forces work well together, and this [ACSA] agreement will help,” she said."
    m = match_quote("Our forces work well together, and this agreement will help", page)
    assert (m.status, m.differences) == (EDITED, ())


LONG = (
    "The council met on a cold Monday evening in the old town hall. Residents had queued "
    "since the afternoon to speak about the road. The mayor opened the meeting with a short "
    "speech about the budget. She said the city could not afford every project this year. "
    "Several members asked why the park had been delayed again. The treasurer answered that "
    "the contractor had gone bankrupt in the spring. A local teacher asked about the school "
    "roof, which leaks whenever it rains. The council promised to inspect it before winter. "
    "Shop owners complained that the parking rules were driving customers away. The debate "
    "went on until well after ten o'clock. In the end the budget passed by a narrow margin. "
    "Two members voted against it and one abstained. The next meeting is set for March."
)


def test_a_dropped_sentence_in_a_long_quote_is_one_omission() -> None:
    sentences = LONG.split(". ")
    quote = ". ".join(sentences[:7] + sentences[8:])
    m = match_quote(quote, LONG)
    assert m.status is ALTERED
    assert [(d.kind, d.source) for d in m.differences] == [("omission", sentences[7])]


def test_an_added_sentence_is_one_insertion() -> None:
    sentences = LONG.split(". ")
    quote = ". ".join([*sentences[:5], "Nobody had expected such a result at all", *sentences[5:]])
    m = match_quote(quote, LONG)
    assert m.status is ALTERED
    assert [d.kind for d in m.differences] == ["insertion"]


def test_a_paraphrase_lists_no_pairs_the_alignment_guessed() -> None:
    page = (
        "The Washington Post reported a plague case, according to Alex Horton, and officials "
        "said it was not possible to confirm a third case before Friday."
    )
    m = match_quote("officials reported a third plague case according to the Post on Friday", page)
    assert m.status is QuoteStatus.PARAPHRASE
    assert all(len(d.source.split()) <= 4 >= len(d.quote.split()) for d in m.differences)
    assert not any("Horton" in d.source or "Washington" in d.source for d in m.differences)


def test_a_1500_word_quote_with_a_sentence_dropped_is_altered_not_paraphrase() -> None:
    raw = CORPUS / "e593d7fe88f9f5cd6587ac172be2db6055d40b6f071023f97ab1ce373534261e.html.gz"
    text = html_to_text(gzip.decompress(raw.read_bytes()).decode("utf-8")).text
    start = text.find(". ", len(text) // 4) + 2
    sentences = re.split(r"(?<=[.!?]) ", " ".join(text[start:].split()[:1500]))
    dropped = sentences[len(sentences) // 2]
    quote = " ".join(s for s in sentences if s is not dropped)
    m = match_quote(quote, text)
    assert m.status is ALTERED
    assert [(d.kind, d.source) for d in m.differences] == [("omission", dropped.rstrip("."))]


def test_brackets_the_source_prints_too_are_its_words() -> None:
    page = "A lander could possibly take people back to the Moon [SpaceX via Nasa]\n\nMore text."
    m = match_quote("A lander could … take people back to the Moon [SpaceX via Nasa]", page)
    assert (m.status, [s.quote for s in m.segments][-1]) == (
        ALTERED,  # the ellipsis drops `possibly`; the caption's bracket is found
        "take people back to the Moon [SpaceX via Nasa",
    )
    assert match_quote("A lander … people back to the Moon [SpaceX via Nasa]", page).status is (
        EDITED
    )

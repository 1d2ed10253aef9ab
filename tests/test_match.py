"""Quote matching: statuses, editorial edits, material differences (issue 3)."""

from __future__ import annotations

import pytest

from factcheck.match.candidates import index_text
from factcheck.match.find import match_quote
from factcheck.match.quote import parse_quote
from factcheck.match.version import MATCHER_VERSION
from factcheck.models import QuoteStatus

PAGE = (
    "Health officials said on Tuesday that 12 people had been admitted to hospital.\n\n"
    "“We did not expect this many cases,” said Dr. Maria Keller, who leads the unit. "
    "“It isn’t a crisis — but we’re watching it closely.”\n\n"
    "The outbreak began in early March 2019, when three workers at the Lyon plant fell ill. "
    "The company said it would spend $4.5 million on new filters and never again use the old "
    "cooling system.\n\n"
    "Keller said the team cannot rule out further cases before the end of the month."
)
V, E, A, P, X = (
    QuoteStatus.VERBATIM,
    QuoteStatus.EDITED,
    QuoteStatus.ALTERED,
    QuoteStatus.PARAPHRASE,
    QuoteStatus.ABSENT,
)


def test_matcher_version_is_a_string() -> None:
    assert isinstance(MATCHER_VERSION, str) and MATCHER_VERSION


def test_verbatim_with_offsets_excerpt_and_context() -> None:
    quote = "12 people had been admitted to hospital"
    m = match_quote(quote, PAGE)
    assert m.status is V and m.score == 100
    assert m.start is not None and m.end is not None
    assert PAGE[m.start : m.end] == m.excerpt == quote
    assert PAGE.endswith(m.suffix, 0, m.end + len(m.suffix))
    assert m.prefix == PAGE[m.start - 32 : m.start]
    assert m.occurrences == 1


def test_verbatim_across_a_paragraph_break() -> None:
    quote = "admitted to hospital. “We did not expect this many cases,”"
    m = match_quote(quote, PAGE)
    assert m.status is V
    assert "\n\n" in m.excerpt
    assert match_quote(quote.replace(". ", ".\n\n"), PAGE).status is V


@pytest.mark.parametrize(
    ("quote", "normalisation"),
    [
        ('"We did not expect this many cases," said Dr. Maria Keller', "quotes"),
        ("It isn’t a crisis -- but we’re watching it closely.", "dashes"),
        ("It isn’t a crisis — but we’re watching it closely!", "punctuation"),
        ("the company said it would spend $4.5 million", "case"),
        ("12 people had been admitted to hospital ,", "whitespace"),
        ("“The outbreak began in early March 2019”", "outer_quotes"),
    ],
)
def test_typographic_edits_are_edited(quote: str, normalisation: str) -> None:
    m = match_quote(quote, PAGE)
    assert m.status is E, m
    assert normalisation in m.normalisations
    assert not m.differences


@pytest.mark.parametrize(
    "quote",
    [
        "The outbreak began in early March 2019 … fell ill.",
        "The outbreak began in early March 2019 [...] fell ill.",
        "The outbreak began in early March 2019 ... fell ill.",
        "The outbreak began in early March 2019 . . . fell ill.",
    ],
)
def test_ellipsis_segments_found_in_order(quote: str) -> None:
    m = match_quote(quote, PAGE)
    assert m.status is E
    assert "ellipsis" in m.normalisations
    assert [s.quote for s in m.segments] == ["The outbreak began in early March 2019", "fell ill"]
    first, second = m.segments
    assert PAGE[first.start : first.end] == "The outbreak began in early March 2019"
    assert first.end < second.start
    assert m.excerpt.startswith("The outbreak") and m.excerpt.endswith("fell ill.")


def test_ellipsis_segments_out_of_order_are_not_edited() -> None:
    quote = "three workers at the Lyon plant fell ill … The outbreak began in early March 2019"
    assert match_quote(quote, PAGE).status not in (V, E)


@pytest.mark.parametrize(
    "quote",
    [
        "[T]he company said it would spend $4.5 million on new filters",
        "The company said [Acme] would spend $4.5 million on new filters",
        "The company [Acme Corp] said it would spend $4.5 million on new filters",
        "The company said it would spend $4.5 million [sic] on new filters",
        "[Keller] said the team cannot rule out further cases",
    ],
)
def test_square_brackets_are_editorial(quote: str) -> None:
    m = match_quote(quote, PAGE)
    assert m.status is E, m
    assert "brackets" in m.normalisations
    assert not m.differences


@pytest.mark.parametrize(
    ("quote", "kind", "source", "said"),
    [
        ("Health officials said on Tuesday that 21 people had been admitted", "number", "12", "21"),
        (
            "The company said it would spend $4.5 billion on new filters",
            "number",
            "million",
            "billion",
        ),
        ("when four workers at the Lyon plant fell ill", "number", "three", "four"),
        ("The outbreak began in early March 2018, when three workers", "number", "2019", "2018"),
        ("“We did expect this many cases,” said Dr. Maria Keller", "negation", "not", ""),
        ("Keller said the team can rule out further cases before", "negation", "cannot", "can"),
        ("said Dr. Maria Schmidt, who leads the unit", "name", "Keller", "Schmidt"),
        ("when three workers at the Paris plant fell ill", "name", "Lyon", "Paris"),
        (
            "would spend $4.5 million on new filters and always again use the old",
            "word",
            "never",
            "always",
        ),
        (
            "The company said it would spend $4.5 million on new pumps and never",
            "word",
            "filters",
            "pumps",
        ),
    ],
)
def test_material_changes_are_altered(quote: str, kind: str, source: str, said: str) -> None:
    m = match_quote(quote, PAGE)
    assert m.status is A, m
    assert len(m.differences) == 1
    diff = m.differences[0]
    assert diff.kind == kind or (kind == "word" and diff.kind == "negation")
    assert (diff.source, diff.quote) == (source, said)
    assert any(op.op != "equal" for op in m.diff)


def test_never_antonym_is_reported_as_negation_or_word() -> None:
    m = match_quote("would spend $4.5 million on new filters and always again use", PAGE)
    assert m.status is A
    assert m.differences[0].kind in ("negation", "word")


def test_word_level_diff_records_the_change() -> None:
    m = match_quote("Health officials said on Tuesday that 21 people had been admitted", PAGE)
    changed = [op for op in m.diff if op.op != "equal"]
    assert [(op.op, op.source, op.quote) for op in changed] == [("replace", "12", "21")]
    inserted = match_quote("The company said it would not spend $4.5 million on new filters", PAGE)
    assert inserted.status is A
    assert [(op.op, op.quote) for op in inserted.diff if op.op != "equal"] == [("insert", "not")]


def test_absent_quote() -> None:
    m = match_quote("The minister resigned after the vote on the budget was lost", PAGE)
    assert m.status is X
    assert m.start is None and m.excerpt == ""


def test_paraphrase_shares_content_but_is_not_a_quotation() -> None:
    quote = "Keller said further cases cannot be ruled out by the team before the month ends"
    assert match_quote(quote, PAGE).status is P


def test_repeated_quote_counts_occurrences() -> None:
    page = PAGE + "\n\nAgain: 12 people had been admitted to hospital."
    m = match_quote("12 people had been admitted to hospital", page)
    assert m.status is V and m.occurrences == 2
    edited = match_quote("12 people had been admitted to Hospital!", page)
    assert edited.status is E and edited.occurrences == 2


def test_short_quotes_are_exact_only() -> None:
    assert match_quote("Lyon plant", PAGE).status is V
    assert match_quote("lyon Plant", PAGE).status is E
    assert match_quote("Paris plant", PAGE).status is X
    assert match_quote("three workers", PAGE).status is V


def test_empty_quote_is_unchecked() -> None:
    assert match_quote("  \n ", PAGE).status is QuoteStatus.UNCHECKED
    assert match_quote("— …", PAGE).status is X


def test_non_english_pages() -> None:
    korean = (
        "이 드라마의 긴장감을 이끌어야 할 진정한 주인공 강찬기를 연기한 조현재는 다소 심심했다."
    )
    russian = "Такая скорость у Вас и будет, стоит отметить, что показатель не прибавится."
    page = f"{korean}\n\n{russian}"
    assert match_quote(korean, page).status is V
    assert match_quote(russian.replace("Такая", "такая"), page).status is E
    changed = match_quote(korean.replace("드라마의", "영화의"), page)
    assert changed.status is A
    assert match_quote(russian.replace("скорость", "машина"), page).status is A


def test_parse_quote_segments_and_brackets() -> None:
    parsed = parse_quote("[T]he firm … said [Acme] [sic] grew")
    assert [[w.key for w in seg] for seg in parsed.segments] == [
        ["the", "firm"],
        ["said", "[acme]", "grew"],  # a stand-in: it matches no source word
    ]
    assert parsed.ellipsis and parsed.brackets
    assert [w.bracket for w in parsed.segments[1]] == [False, True, False]


def test_page_index_is_cached() -> None:
    assert index_text(PAGE) is index_text(PAGE)


# Property tests (Hypothesis): substrings are verbatim; one changed digit is altered.
from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from factcheck.text import collapse_whitespace, tokenize  # noqa: E402

NUMBERS_PAGE = PAGE + (
    "\n\nIn 2021 the council spent 4,512 pounds on 37 new benches for the park. "
    "Attendance rose 18.5% to 9,340 visitors in the first quarter, the report said.\n\n"
    "Only 7 of the 64 applicants — about 11 percent — were accepted in 2022."
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_substring_is_found_verbatim_at_its_offsets(data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(NUMBERS_PAGE) - 1))
    end = data.draw(st.integers(start + 1, min(len(NUMBERS_PAGE), start + 400)))
    quote = NUMBERS_PAGE[start:end]
    assume(collapse_whitespace(quote))
    m = match_quote(quote, NUMBERS_PAGE)
    # Words the page negates or hedges are there, out of context (issue 16, point 3).
    assert m.status is QuoteStatus.VERBATIM or [d.kind for d in m.differences] == ["context"]
    assert m.start is not None and m.end is not None
    assert m.excerpt == NUMBERS_PAGE[m.start : m.end]
    assert collapse_whitespace(m.excerpt) == collapse_whitespace(quote)
    if m.occurrences == 1:
        assert m.start <= start + len(quote) - len(quote.lstrip())


_NUMBER_TOKENS = [t for t in tokenize(NUMBERS_PAGE) if any(c.isdigit() for c in t.key)]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_changing_one_digit_of_a_number_gives_altered(data: st.DataObject) -> None:
    token = data.draw(st.sampled_from(_NUMBER_TOKENS))
    digits = [i for i in range(token.start, token.end) if NUMBERS_PAGE[i].isdigit()]
    pos = data.draw(st.sampled_from(digits))
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != NUMBERS_PAGE[pos]]))
    words_before = data.draw(st.integers(3, 12))
    words_after = data.draw(st.integers(3, 12))
    tokens = tokenize(NUMBERS_PAGE)
    idx = tokens.index(token)
    first = tokens[max(0, idx - words_before)]
    last = tokens[min(len(tokens) - 1, idx + words_after)]
    quote = NUMBERS_PAGE[first.start : pos] + new + NUMBERS_PAGE[pos + 1 : last.end]
    assume(collapse_whitespace(quote) not in collapse_whitespace(NUMBERS_PAGE))
    m = match_quote(quote, NUMBERS_PAGE)
    assert m.status is QuoteStatus.ALTERED, (quote, m)
    assert [d.kind for d in m.differences] == ["number"]


def test_verbatim_prefers_an_occurrence_on_word_boundaries() -> None:
    page = "Officials say she said the plan was fine. Later he said the plan was fine."
    m = match_quote("he said the plan was fine", page)
    assert m.status is QuoteStatus.VERBATIM and m.occurrences == 2
    assert m.start == page.index("Later he") + len("Later ")


_ALPHABET = st.sampled_from(list("ab 1.,…[]'’\"“-—\n\u00a0Xé한"))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(_ALPHABET, max_size=40), st.text(_ALPHABET, max_size=200))
def test_any_input_gives_a_consistent_verdict(quote: str, page: str) -> None:
    m = match_quote(quote, page)
    if m.start is not None and m.end is not None:
        assert 0 <= m.start <= m.end <= len(page)
        assert m.excerpt == page[m.start : m.end]
    assert 0.0 <= m.score <= 100.0

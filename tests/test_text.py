"""Normalisation with an offset map, and word tokens (issue 3, point 1)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from factcheck.text import (
    ASCII_STAND_INS,
    ASCII_TOKEN_RE,
    TOKEN_RE,
    ascii_keys,
    collapse_whitespace,
    fold,
    normalise,
    plain_words_only,
    token_key,
    tokenize,
)


def test_quotes_dashes_and_case_are_folded() -> None:
    assert fold("“Don’t” — she said") == '"don\'t" - she said'


def test_nfkc_folds_compatibility_forms() -> None:
    assert fold("ﬁnal ＡＢＣ ①") == "final abc 1"


def test_ellipsis_forms_become_three_dots() -> None:
    assert fold("wait… then") == "wait... then"
    assert fold("wait. . . then") == "wait... then"


def test_nbsp_and_runs_of_whitespace_become_one_space() -> None:
    assert fold("a\u00a0\u00a0b\n\n\tc") == "a b c"
    assert collapse_whitespace("  a\u00a0 b\n\nc  ") == "a b c"


def test_case_kept_when_asked() -> None:
    assert normalise("Ünited “Nations”", fold_case=False).text == 'Ünited "Nations"'


def test_offsets_map_back_to_the_original() -> None:
    original = "He said: “Prices rose 12\u00a0%…”   Then\u2014nothing."
    norm = normalise(original)
    pos = norm.text.index("12 %...")
    start, end = norm.original_span(pos, pos + len("12 %..."))
    assert original[start:end] == "12\u00a0%…"
    pos = norm.text.index("then-nothing")
    start, end = norm.original_span(pos, pos + len("then-nothing"))
    assert original[start:end] == "Then\u2014nothing"
    assert len(norm.offsets) == len(norm.text) + 1


def test_offsets_survive_expanding_case_folds() -> None:
    original = "Straße und Maß"
    norm = normalise(original)
    assert norm.text == "strasse und mass"
    pos = norm.text.index("und")
    assert original[slice(*norm.original_span(pos, pos + 3))] == "und"


def test_spaced_ellipsis_offsets() -> None:
    original = "so . . . and"
    norm = normalise(original)
    assert norm.text == "so ... and"
    start, end = norm.original_span(3, 6)
    assert original[start:end] == ". . ."


def test_tokens_keep_numbers_apostrophes_and_offsets() -> None:
    text = "It isn’t $449,000 or 5.1% — it’s Seoul’s 서울에서 value."
    tokens = tokenize(text)
    keys = [t.key for t in tokens]
    assert keys == [
        "it",
        "isn't",
        "$",
        "449,000",
        "or",
        "5.1",
        "%",
        "it's",
        "seoul's",
        "서울에서",
        "value",
    ]
    for token in tokens:
        assert fold(text[token.start : token.end]) == token.key


def test_sentence_final_number_keeps_its_full_stop_out() -> None:
    assert [t.key for t in tokenize("in 2019. Then")] == ["in", "2019", "then"]


def test_cjk_characters_are_single_tokens() -> None:
    assert [t.key for t in tokenize("我们今天")] == ["我", "们", "今", "天"]


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_ascii_tokens_are_the_unicode_tokens(text: str) -> None:
    assert ASCII_TOKEN_RE.findall(text) == TOKEN_RE.findall(text)


@given(st.text(max_size=200))
def test_collapse_whitespace_matches_the_regex_definition(text: str) -> None:
    assert collapse_whitespace(text) == re.sub(r"\s+", " ", text).strip()


# Word characters, separators of numbers, apostrophes, signs and the stand-in marks.
_KEY_ALPHABET = st.sampled_from(list("aZ_9 0.,'$%-!\n\u212a’‘“”—–é") + ["don’t", "5.1", "''"])


@given(st.lists(_KEY_ALPHABET, max_size=40).map("".join))
def test_ascii_keys_are_the_token_keys(text: str) -> None:
    keys = ascii_keys(text)
    if keys is None:  # other non-ASCII characters: the caller tokenises the slow way
        assert not text.translate(dict.fromkeys(map(ord, "’‘“”—–"))).isascii()
    else:
        assert keys == [token_key(t) for t in TOKEN_RE.findall(text)]


def test_ascii_keys_of_a_typographic_sentence() -> None:
    text = "“We won’t cut 5.1% — or $3,000,” she said of the ‘rock’n’roll’ fund’s plans."
    assert ascii_keys(text) == [
        "we", "won't", "cut", "5.1", "%", "or", "$", "3,000", "she", "said", "of", "the",
        "rock'n'roll", "fund's", "plans",
    ]  # fmt: skip
    assert ascii_keys("Zürich’s mayor") is None


def test_ascii_stand_ins_split_text_into_the_same_tokens() -> None:
    for mark, stand_in in ASCII_STAND_INS:
        assert not re.fullmatch(r"\w", mark)
        text = f"{mark}a{mark}b {mark}c{mark}{mark}d{mark}"
        same = text.replace(mark, stand_in)
        assert [t.start for t in tokenize(text)] == [t.start for t in tokenize(same)]
        assert [t.key for t in tokenize(text)] == [t.key for t in tokenize(same)]


@given(st.text(alphabet="ab 09.,$%'\n", max_size=40))
def test_plain_words_only_is_the_regex_rule(text: str) -> None:
    """No `$`, `%` or digit-separator-digit: as a regex search would say, without one."""
    expected = not ("$" in text or "%" in text or re.search(r"\d[.,]\d", text))
    assert plain_words_only(text) == expected

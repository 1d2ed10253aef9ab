"""The page index and the candidate voting against plain reference definitions (issue 3, point 8)."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.match.candidates import SLACK, PageIndex, index_text, vote_diagonals
from factcheck.match.find import _may_be_verbatim
from factcheck.match.quote import parse_quote, plain_keys
from factcheck.text import collapse_whitespace, tokenize

# Words, numbers, apostrophes, CJK, signs and every kind of whitespace run.
_PIECES = st.sampled_from(
    ["the", "The", "mayor", "said", "5.1", "1,000", "don’t", "é", "我", " ", "  ", "\n\n", "\t",
     "\u00a0", " \u00a0 ", ",", ".", "…", "$", "%", "—", "“", "”", "'"]
)  # fmt: skip
_TEXTS = st.lists(_PIECES, max_size=60).map("".join)


def _reference_original(text: str) -> list[int]:
    """Original offset of every offset of re.sub(r"\\s+", " ", text), the plain way."""
    mapping = []
    pos = 0
    for m in re.finditer(r"\s+|\S+", text):
        if m.group()[0].isspace():
            mapping.append(m.start())
        else:
            mapping.extend(range(m.start(), m.end()))
        pos = m.end()
    return [*mapping, pos]


@given(_TEXTS)
def test_index_holds_the_tokens_and_maps_collapsed_offsets_back(text: str) -> None:
    page = index_text(text)
    tokens = tokenize(text)
    assert list(page.keys) == [t.key for t in tokens]
    assert list(page.starts) == [t.start for t in tokens]
    assert list(page.ends) == [t.end for t in tokens]
    assert page.collapsed == re.sub(r"\s+", " ", text)
    assert [page.original(i) for i in range(len(page.collapsed) + 1)] == _reference_original(text)
    found = page.positions.of(page.keys[::2])  # found in one pass, the rest one at a time
    for key in {*page.keys, "absent-word"}:
        expected = [i for i, k in enumerate(page.keys) if k == key]
        assert page.positions.count(key) == len(expected)
        assert (key in page.positions) == bool(expected)
        assert page.positions.of([key]).get(key, []) == expected
    assert found is page.positions.of([])  # kept: asked again, looked up again never


def _reference_votes(
    page: PageIndex, keys: list[str], lo: int, hi: int
) -> tuple[list[tuple[int, int]], int]:
    """The voting rule written plainly: rarest words first, common ones only while few vote."""
    anchors = []
    for i, key in enumerate(keys):
        inside = [p for p, k in enumerate(page.keys) if k == key and lo <= p < hi]
        if inside:
            anchors.append((len(inside), i, inside))
    anchors.sort()
    votes: Counter[int] = Counter()
    used = cast = 0
    for count, i, pos in anchors[:16]:
        if used >= 3 and (count > 64 or cast > 400):
            break
        votes.update(p - i for p in pos[:256])
        used += 1
        cast += min(count, 256)
    scored = [
        (sum(votes[e] for e in range(d - SLACK, d + SLACK + 1)), d)
        for d, _ in votes.most_common(16)
    ]
    scored.sort(key=lambda sd: (-sd[0], sd[1]))
    return scored, used


_WORDS = [f"w{i}" for i in range(40)] + ["the"] * 30 + ["of"] * 20


@settings(max_examples=200)
@given(
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=800),
    st.lists(st.sampled_from([*_WORDS, "missing"]), min_size=1, max_size=60),
    st.integers(0, 900),
    st.integers(0, 900),
)
def test_voting_is_the_plain_rule(words: list[str], keys: list[str], lo: int, hi: int) -> None:
    page = index_text(" ".join(words))
    assert vote_diagonals(page, keys, 0, len(words)) == _reference_votes(page, keys, 0, len(words))
    assert vote_diagonals(page, keys, lo, hi) == _reference_votes(page, keys, lo, hi)


@given(_TEXTS, st.data())
def test_any_part_of_a_page_may_be_verbatim(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    core = collapse_whitespace(text[start : data.draw(st.integers(start, len(text)))])
    assert _may_be_verbatim(index_text(text), core)


def test_a_quote_with_a_word_the_page_lacks_is_not_searched_for() -> None:
    page = index_text("The mayor said the budget would rise by 5.1% next year.")
    assert _may_be_verbatim(page, "mayor said the budget would rise")
    assert not _may_be_verbatim(page, "mayor said the tunnel would rise")
    assert _may_be_verbatim(page, "mayor said, the budget")  # "said," is no plain word


@given(st.lists(_PIECES, max_size=40).map("".join))
def test_plain_keys_are_the_parsed_keys(quote: str) -> None:
    keys = plain_keys(quote)
    if keys is not None:
        assert keys == parse_quote(quote).keys

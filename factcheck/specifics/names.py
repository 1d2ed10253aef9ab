"""Names of people, places and organisations in a claim: runs of capitalised words."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from factcheck.models import Specific, SpecificKind
from factcheck.specifics.patterns import TOKEN
from factcheck.specifics.vocabulary import (
    ABBREV,
    CONNECTORS,
    DEMONYMS,
    INSTITUTIONS,
    NOT_NAMES,
    STOP_CAPS,
    TITLES,
    WEEKDAYS,
)
from factcheck.text import fold_char

K = SpecificKind
_NAME_HEADS = INSTITUTIONS | {"party", "union", "association", "federation", "league", "fund"}


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """text.fold_char (quotes, dashes, case) after dropping accents: 'Māori' ~ 'Maori'."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return "".join(map(fold_char, bare))


def fold_diacritics(text: str) -> tuple[str, list[int] | None]:
    """Case- and diacritic-folded text, with a map from folded offsets back to `text`.

    The map is None when folding keeps every offset (the usual case).
    """
    table = {ord(c): _fold_char(c) for c in set(text)}
    if all(len(f) == 1 for f in table.values()):
        return text.translate(table), None
    parts: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        f = table[ord(ch)]
        parts.append(f)
        where.extend([i] * len(f))
    where.append(len(text))
    return "".join(parts), where


def is_sentence_start(text: str, pos: int) -> bool:
    """Whether `pos` starts a sentence (quotes and brackets before it are skipped)."""
    i = pos - 1
    while i >= 0 and text[i] in " \t\"“”‘’'([":
        i -= 1
    if i < 0 or text[i] in "!?:\n":
        return True
    if text[i] != ".":
        return False
    before = re.search(r"(\w+)\.$", text[max(0, i - 20) : i + 1])
    word = before.group(1) if before else ""
    return not ((len(word) == 1 and word.isupper()) or word.lower() in ABBREV)


def name_value(text: str) -> str:
    """The comparison form of a name: acronyms as written, other names folded."""
    bare = re.sub(r"\s+", " ", text.strip())
    if bare.replace(".", "").replace(" ", "").isupper():
        return bare
    return re.sub(r"\s+", " ", fold_diacritics(bare)[0])


def _split_word(token: str) -> tuple[int, str, bool]:
    """(offset, word, ends): 'Japan’s' -> (0, 'Japan', True); 'Mogami-class' -> (0, 'Mogami',
    True); 'post-World' -> (5, 'World', False)."""
    for tail in ("’s", "'s"):
        if token.endswith(tail):
            return 0, token[:-2], True
    if token.endswith(("s’", "s'")):
        return 0, token[:-1], True
    parts = token.split("-")
    lower = [i for i, p in enumerate(parts) if p.islower()]
    if lower and lower[0] > 0:
        return 0, "-".join(parts[: lower[0]]), True
    if len(parts) > 1 and parts[0].islower() and not parts[-1].islower():
        return len(parts[0]) + 1, "-".join(parts[1:]), False
    return 0, token, False


def _claim_name_spans(claim: str, taken: bytes) -> Iterator[tuple[int, int]]:
    """Runs of capitalised words (with 'of', 'the' … inside) outside the numeric spans."""
    tokens = [(m.start(), m.group()) for m in TOKEN.finditer(claim)]
    run: list[tuple[int, str]] = []
    prev_end = 0
    for i, (at, tok) in enumerate(tokens):
        skip, word, ends = _split_word(tok)
        if run and (claim[prev_end:at].strip(" ") or skip):
            yield from _run_names(claim, run)
            run = []
        prev_end, start = at + len(tok), at + skip
        if word[:1].isupper() and not any(taken[at:prev_end]):
            run.append((start, word))
            if ends and not (tok.endswith(("s’", "s'")) and _possessive_inside(tokens, i)):
                yield from _run_names(claim, run)
                run = []
        elif run and (word in CONNECTORS or word == "and") and _connects(tokens, i):
            run.append((start, word))
        else:
            yield from _run_names(claim, run)
            run = []
    yield from _run_names(claim, run)


def _possessive_inside(tokens: list[tuple[int, str]], i: int) -> bool:
    """'Veterans' Affairs', 'Workers' Party': a plural possessive inside an institution's name
    (unlike 'the Philippines' Marcos', which names two things)."""
    for _, tok in tokens[i + 1 : i + 4]:
        if not tok[:1].isupper():
            return False
        if tok.lower() in _NAME_HEADS:
            return True
    return False


def _connects(tokens: list[tuple[int, str]], i: int) -> bool:
    while i < len(tokens) and (tokens[i][1] in CONNECTORS or tokens[i][1] == "and"):
        i += 1
    return i < len(tokens) and tokens[i][1][:1].isupper()


def _run_names(claim: str, run: list[tuple[int, str]]) -> Iterator[tuple[int, int]]:
    """Names in a run; 'and' joins only within an institution ('Acquisition and … Agreement')."""
    if not run:
        return
    if run[-1][1].lower() in INSTITUTIONS or all(w != "and" for _, w in run):
        yield from _core_names(claim, run)
        return
    cut = next(i for i, (_, w) in enumerate(run) if w == "and")
    yield from _core_names(claim, run[:cut])
    yield from _run_names(claim, run[cut + 1 :])


def _core_names(claim: str, run: list[tuple[int, str]]) -> Iterator[tuple[int, int]]:
    if not run:
        return
    initial = is_sentence_start(claim, run[0][0])
    while initial and run and run[0][1].lower() in STOP_CAPS:
        run = run[1:]
    initial = initial and bool(run) and is_sentence_start(claim, run[0][0])
    titles = [i for i, (_, w) in enumerate(run) if w.lower() in TITLES]
    if titles:
        run = run[titles[-1] + 1 :]
        if run and run[0][1] in CONNECTORS:  # 'Secretary of War Pete Hegseth'
            run = run[1:][-2:] if len(run) > 3 else []
    while run and run[-1][1] in CONNECTORS:
        run = run[:-1]
    while run and run[0][1] in CONNECTORS:  # '… and the SOVFA'
        run = run[1:]
    if len(run) > 1 and all(is_acronym(w) for _, w in run):
        for start, w in run:
            if w not in NOT_NAMES:
                yield start, start + len(w)
    elif len(run) > 1 or (run and _single_name(run[0][1], initial)):
        yield run[0][0], run[-1][0] + len(run[-1][1])


def is_acronym(word: str) -> bool:
    """'NZDF', 'U.S.': more than one letter, all capitals."""
    return len(word) > 1 and word.replace(".", "").isupper()


def _single_name(word: str, initial: bool) -> bool:
    w = word.lower()
    if word in NOT_NAMES or w in DEMONYMS or w in WEEKDAYS or w in TITLES or w.endswith("ese"):
        return False
    return not initial or not (w in STOP_CAPS or w.endswith(("ing", "ed", "ly")))


def claim_names(claim: str, taken: bytes) -> list[tuple[int, Specific]]:
    """Names outside the `taken` (numeric) spans, with their offsets; a lone surname of a
    full name in the claim is dropped."""
    names = [(s, Specific(K.NAME, claim[s:e], name_value(claim[s:e])))
             for s, e in _claim_name_spans(claim, taken)]  # fmt: skip
    surnames = {n.value.split()[-1] for _, n in names if " " in n.value}
    return [(s, n) for s, n in names if " " in n.value or n.value not in surnames]

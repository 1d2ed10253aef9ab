"""Edits (acceptable when quoting) and material changes that make_cases applies to a span."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from typing import Any

Made = tuple[str, str] | None  # (quote, detail)
Change = Callable[[str, random.Random, str, list[str]], Made]

_CURLY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
_PRONOUNS = ("he", "she", "they", "it", "him", "her", "them", "his", "its", "their")
_NAME = re.compile(r"(?<=[a-z,] )([A-Z][a-z]{2,}(?: [A-Z][a-z]{2,})?)")
_NEGATABLE = re.compile(r"\b(is|was|are|were|will|can|could|would|should|may|might|has|had)\b")
_NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve")
_ANTONYM_PAIRS = (
    "higher/lower more/less increase/decrease increased/decreased before/after with/without "
    "up/down first/last new/old large/small long/short win/lose won/lost rise/fall "
    "rose/fell good/bad best/worst early/late open/closed strong/weak major/minor "
    "positive/negative accept/reject above/below inside/outside true/false easy/hard "
    "hot/cold young/old top/bottom start/end many/few most/least always/rarely "
    "success/failure love/hate right/wrong public/private full/empty high/low"
)
_ANTONYMS = dict(pair.split("/") for pair in _ANTONYM_PAIRS.split())
_ANTONYMS |= {v: k for k, v in _ANTONYMS.items()}
_STOP = {"that", "this", "with", "from", "have", "were", "they", "their", "there", "which"}


def _sub_once(pattern: str, repl: str, span: str, rng: random.Random) -> str | None:
    hits = list(re.finditer(pattern, span))
    if not hits:
        return None
    m = rng.choice(hits)
    return span[: m.start()] + m.expand(repl) + span[m.end() :]


def quote_style(span: str, rng: random.Random, page: str, donors: list[str]) -> Made:
    if any(c in span for c in "’‘“”"):
        return span.translate(_CURLY), "curly->straight"
    if "'" in span or '"' in span:
        out = re.sub(r'"([^"]*)"', "“\\1”", span).replace("'", "’")
        return out, "straight->curly"
    return None


def dash(span: str, rng: random.Random, page: str, donors: list[str]) -> Made:
    for old, new in (("—", rng.choice(("--", "-"))), ("–", "-"), (" - ", " — ")):
        if old in span:
            return span.replace(old, new, 1), f"dash {old!r}->{new!r}"
    return None


def whitespace(span: str, rng: random.Random, page: str, donors: list[str]) -> Made:
    if rng.random() < 0.5:
        out = _sub_once(r"([,;:]) (?=\w)", r"\1", span, rng)
        return (out, "missing space after punctuation") if out else None
    out = _sub_once(r"(\w)([,;:]) ", r"\1 \2 ", span, rng)
    return (out, "extra space before punctuation") if out else None


def case_start(span: str, rng: random.Random, page: str, donors: list[str]) -> Made:
    if not span[0].isalpha():
        return None
    return span[0].swapcase() + span[1:], "case of first letter"


def ellipsis(span: str, rng: random.Random, page: str, donors: list[str]) -> Made:
    words = span.split(" ")
    if len(words) < 7:
        return None
    size = rng.randint(2, min(10, len(words) - 5))
    start = rng.randint(2, len(words) - size - 2)
    cut = " ".join(words[start : start + size]).lower()
    if re.search(r"\b(not|no|never|cannot|without)\b|n't", cut):
        return None
    mark = rng.choice(("...", "…", "[...]", ". . ."))
    out = " ".join(words[:start]) + f" {mark} " + " ".join(words[start + size :])
    return out, f"ellipsis {mark!r} replaces {size} words"


def bracket(span: str, rng: random.Random, page: str, donors: list[str]) -> Made:
    names = _NAME.findall(page)
    style = rng.choice(("pronoun", "after_noun", "first_letter", "sic"))
    if style == "first_letter" and span[0].isalpha():
        return f"[{span[0].swapcase()}]{span[1:]}", "bracketed first letter"
    if style == "sic":
        words = span.split(" ")
        i = rng.randrange(1, len(words))
        return " ".join([*words[:i], "[sic]", *words[i:]]), "inserted [sic]"
    if not names:
        return None
    name = rng.choice(names)
    if style == "pronoun":
        out = _sub_once(rf"\b({'|'.join(_PRONOUNS)})\b", f"[{name}]", span, rng)
        return (out, f"pronoun -> [{name}]") if out else None
    out = _sub_once(
        r"\b(the (?:company|firm|team|group|city|government|club|man|woman))\b(?![’'])",
        rf"\1 [{name}]",
        span,
        rng,
    )
    return (out, f"added [{name}]") if out else None


def trailing_punct(span: str, rng: random.Random, page: str, donors: list[str]) -> Made:
    if span[-1] in ".!?,;:":
        new = rng.choice(["", ","] if span[-1] == "." else ["", "."])
        return span[:-1] + new, f"trailing {span[-1]!r}->{new!r}"
    new = rng.choice((".", ","))
    return span + new, f"trailing ''->{new!r}"


def outer_quotes(span: str, rng: random.Random, page: str, donors: list[str]) -> Made:
    if span[0] in "\"“‘'" and span[-1] in "\"”’'":
        return span[1:-1], "removed outer quotes"
    left, right = rng.choice((("“", "”"), ('"', '"'), ("‘", "’")))
    return f"{left}{span}{right}", f"added {left}{right}"


def number(span: str, rng: random.Random, page: str, donors: list[str]) -> Made:
    digits = list(re.finditer(r"\d+", span))
    if digits:
        m = rng.choice(digits)
        old = m.group()
        new = str(int(old) + rng.choice((1, 2, 5, -1))) if int(old) > 1 else str(int(old) + 3)
        return span[: m.start()] + new + span[m.end() :], f"number {old} -> {new}"
    for old, new in (("million", "billion"), ("billion", "million")):
        if re.search(rf"\b{old}\b", span):
            return re.sub(rf"\b{old}\b", new, span, count=1), f"number {old} -> {new}"
    words = [w for w in _NUMBER_WORDS if re.search(rf"\b{w}\b", span)]
    if words:
        old = rng.choice(words)
        new = rng.choice([w for w in _NUMBER_WORDS if w != old])
        return re.sub(rf"\b{old}\b", new, span, count=1), f"number {old} -> {new}"
    return None


def negation(span: str, rng: random.Random, page: str, donors: list[str]) -> Made:
    for pattern, repl, detail in (
        (r"\b(\w+) not\b", r"\1", "removed 'not'"),
        (r"\bcannot\b", "can", "cannot -> can"),
        (
            r"\b(did|does|do|is|was|are|were|could|would|should|has|had)n[’']t\b",
            r"\1",
            "removed n't",
        ),
    ):
        out = _sub_once(pattern, repl, span, rng)
        if out is not None:
            return out, detail
    out = _sub_once(_NEGATABLE.pattern, r"\1 not", span, rng)
    return (out, "added 'not'") if out else None


def entity(span: str, rng: random.Random, page: str, donors: list[str]) -> Made:
    mine = _NAME.findall(span)
    theirs = [n for d in donors for n in _NAME.findall(d[:20000]) if n not in page]
    if not mine or not theirs:
        return None
    old, new = rng.choice(mine), rng.choice(theirs)
    return span.replace(old, new, 1), f"name {old} -> {new}"


def antonym(span: str, rng: random.Random, page: str, donors: list[str]) -> Made:
    hits = [m for m in re.finditer(r"\b[a-z]+\b", span) if m.group() in _ANTONYMS]
    if not hits:
        return None
    m = rng.choice(hits)
    new = _ANTONYMS[m.group()]
    return span[: m.start()] + new + span[m.end() :], f"antonym {m.group()} -> {new}"


def word(span: str, rng: random.Random, page: str, donors: list[str]) -> Made:
    vocab = sorted(set(re.findall(r"\b[a-z]{4,}\b", page)) - _STOP)
    hits = [m for m in re.finditer(r"\b[a-z]{4,}\b", span) if m.group() not in _STOP]
    if not hits:
        return None
    m = rng.choice(hits)
    old = m.group()
    alike = [w for w in vocab if w != old and w[0] == old[0] and abs(len(w) - len(old)) <= 2]
    if not alike:
        return None
    new = rng.choice(alike)
    return span[: m.start()] + new + span[m.end() :], f"word {old} -> {new}"


EDITS: dict[str, Change] = {
    "quote_style": quote_style,
    "dash": dash,
    "whitespace": whitespace,
    "case_start": case_start,
    "ellipsis": ellipsis,
    "bracket": bracket,
    "trailing_punct": trailing_punct,
    "outer_quotes": outer_quotes,
}
ALTERATIONS: dict[str, Change] = {
    "number": number,
    "negation": negation,
    "entity": entity,
    "antonym": antonym,
    "word": word,
}
TEMPLATES = (
    "{name} said the {org} would spend {num} million on {thing} by {year}.",
    "The {org} has not decided whether {name} will return to {place} in {month}.",
    "According to {name}, {num} people attended the meeting in {place} last {day}.",
    "{name} told reporters that the plan to expand {thing} was never about money.",
    "In {year}, the {org} opened {num} new offices across {place}, {name} recalled.",
)
_FILL = {
    "name": ("Maria Keller", "Tomas Reyes", "Aiko Tanaka", "Samuel Okafor", "Lena Brandt"),
    "org": ("council", "agency", "museum", "foundation", "ministry", "league"),
    "thing": ("solar panels", "school buses", "bike lanes", "water filters", "park benches"),
    "place": ("Lisbon", "Winnipeg", "Nairobi", "Tucson", "Aberdeen"),
    "month": ("March", "June", "October"),
    "day": ("Tuesday", "Friday", "Sunday"),
}


def fill_template(rng: random.Random, templates: Sequence[str], pages: Sequence[Any]) -> str:
    """One to four template sentences with random names, places and numbers."""
    out = []
    for _ in range(rng.randint(1, 4)):
        values = {k: rng.choice(v) for k, v in _FILL.items()}
        values |= {"num": str(rng.randint(2, 900)), "year": str(rng.randint(1990, 2030))}
        out.append(rng.choice(templates).format(**values))
    return " ".join(out)

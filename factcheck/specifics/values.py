"""Normalised values: amounts, ordinals, dates, currencies, and the unit after a count."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache

from factcheck.specifics.patterns import NEXT_WORD
from factcheck.specifics.vocabulary import (
    COLLECTIVE,
    CURRENCIES,
    ORD_VALUES,
    PASS,
    SCALES,
    STOP,
    WORD_VALUES,
)


def canon(d: Decimal) -> str:
    """A number as a value string: '12', '6.92', never '12.0' or '1E+1'."""
    return str(int(d)) if d == d.to_integral_value() else format(d.normalize(), "f")


@lru_cache(maxsize=4096)
def amount_of(text: str) -> Decimal:
    """Value of '12', '9,000', '6.92', 'twenty-five', 'six billion', '1.5 million'."""
    words = re.split(r"[\s-]+", text.strip().lower())
    if words[0][0].isdigit():
        digits = Decimal(words[0].replace(",", ""))
        return digits * SCALES[words[1]] if len(words) > 1 else digits
    total, current = 0, 0
    for w in words:  # 'two hundred thousand' = (2 * 100) * 1000
        if w in WORD_VALUES:
            current += WORD_VALUES[w]
        elif w == "hundred":
            current *= 100
        elif w in SCALES:
            total, current = total + max(current, 1) * SCALES[w], 0
    return Decimal(total + current)


def ordinal_value(text: str) -> int:
    """'10th' -> 10, 'twenty-first' -> 21."""
    t = text.lower()
    if t[0].isdigit():
        return int(t[:-2])
    parts = t.split("-")
    return sum(WORD_VALUES.get(p, 0) for p in parts[:-1]) + ORD_VALUES[parts[-1]]


def ordinal_suffix(n: int) -> str:
    """'st', 'nd', 'rd' or 'th' for `n`."""
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def date_value(y: int | None, m: int | None, d: int | None, part: str | None) -> str:
    """'2025-12-19', '2025-08', '-08 mid' (no year), '2025'."""
    v = f"{y:04d}" if y else "-"
    v += f"-{m:02d}" if m else ""
    v += f"-{d:02d}" if d and m else ""
    return v + (f" {part.lower()}" if part else "")


def currency_code(pre: str | None, post: str | None) -> str:
    """ISO code from the marks before and after an amount; '$' when only a dollar sign."""

    def norm(s: str | None) -> str:
        s = re.sub(r"\s+", " ", (s or "").lower()).replace("u.s.", "us")
        return CURRENCIES.get(s, CURRENCIES.get(s.rstrip("s"), ""))

    p, q = norm(pre), norm(post)
    return q if q and q != "$" else p or q or "$"


def to_singular(word: str) -> str:
    """Lower-case singular of an English noun, good enough to compare units."""
    w = word.lower().replace("’", "'")
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    return w[:-1] if is_plural(w) else w


def is_plural(w: str) -> bool:
    """An English plural by its ending ('soldiers', not 'bus' or 'crisis')."""
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is"))


def words_after(text: str, pos: int, limit: int = 3) -> Iterator[tuple[str, int, str]]:
    """Up to `limit` following words (singular, end offset, separator), stopping at stop words."""
    for _ in range(limit):
        m = NEXT_WORD.match(text, pos)
        if not m or m.group(2).lower() in STOP:
            return
        pos = m.end()
        yield to_singular(m.group(2)), pos, m.group(1)


def unit_after(text: str, pos: int, singular: bool) -> tuple[str, int] | None:
    """The head noun a count refers to: '53 soldiers', 'seven Chinese warships', 'three-day',
    '10th country', 'first Japanese naval visit' (singular: the last word before a break)."""
    last: tuple[str, int] | None = None
    for i, (word, end, sep) in enumerate(words_after(text, pos)):
        raw = text[pos:end].strip(" -")
        if i == 0 and sep == "-":
            return word, end
        if singular and last and raw[:1].isupper():
            break  # '10th country Japan has …'
        pos = end
        if word in PASS:
            continue
        if not singular and (word != raw.lower() or raw.lower() in COLLECTIVE):
            return word, end
        last = (word, end)
    return last if singular else None

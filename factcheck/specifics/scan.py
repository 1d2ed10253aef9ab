"""Scanning a text for dates, money, percentages, ranges and counts (claims and sources)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from factcheck.models import SpecificKind
from factcheck.specifics.patterns import DATES, MONEY, NUMBER, ORDINAL, PERCENT, RANGES
from factcheck.specifics.values import (
    amount_of,
    canon,
    currency_code,
    date_value,
    is_plural,
    ordinal_suffix,
    ordinal_value,
    to_singular,
)
from factcheck.specifics.vocabulary import COLLECTIVE, MONTHS, SCALES

K = SpecificKind


@dataclass(frozen=True)
class Hit:
    """One value found by a scanner: its kind, span and normalised value."""

    kind: SpecificKind
    start: int
    end: int
    value: str
    unit_from: int = -1  # where a unit word may follow (numbers and ranges), else -1


def _scan_dates(text: str) -> Iterator[Hit]:
    for rx in DATES:
        for m in rx.finditer(text):
            g = m.groupdict()
            month = (
                int(g["mn"]) if g.get("mn") else MONTHS.get((g.get("m") or "").rstrip(".").lower())
            )
            y = int(g["y"]) if g.get("y") else None
            d = int(g["d"]) if g.get("d") else None
            yield Hit(K.DATE, m.start(), m.end(), date_value(y, month, d, g.get("part")))


def _scan_money(text: str) -> Iterator[Hit]:
    for rx in MONEY:
        for m in rx.finditer(text):
            g = m.groupdict()
            scale = g.get("scale") or g.get("abbr")
            amount = amount_of(g["amt"]) * (SCALES[scale.lower()] if scale else 1)
            cur = currency_code(g.get("pre"), g.get("post"))
            yield Hit(K.MONEY, m.start(), m.end(), f"{canon(amount)} {cur}")


def _scan_percents(text: str) -> Iterator[Hit]:
    for m in PERCENT.finditer(text):
        value = canon(amount_of(m["amt"])) + (" pp" if m["pp"] else "%")
        yield Hit(
            K.PERCENT, m.start(), m.end(), value + (f" of {m['of'].lower()}" if m["of"] else "")
        )


def _scan_ranges(text: str) -> Iterator[Hit]:
    for rx in RANGES:
        for m in rx.finditer(text):
            lo, hi = amount_of(m["lo"]), amount_of(m["hi"])
            sep = (m.groupdict().get("sep") or "").strip()
            if sep and hi < lo and len(m["hi"]) == 2 and len(m["lo"]) == 4:
                hi += lo // 100 * 100
            year_like = len(m["lo"]) == 4 and m["lo"][:2] in ("19", "20")
            ordered = "sep" not in m.groupdict() or (sep in "–—‒-" and not year_like)
            if hi == lo or (hi < lo and not ordered) or (sep == "/" and not year_like):
                continue  # a pair in order ('voted 9-4') may go down; a span may not
            unit = m.groupdict().get("mid") or ""
            value = f"{canon(lo)}..{canon(hi)}"
            head = [w for w in unit.split() if is_plural(w.lower()) or w.lower() in COLLECTIVE]
            if head:
                yield Hit(K.RANGE, m.start(), m.end(), f"{value} {to_singular(head[-1])}")
            else:
                yield Hit(K.RANGE, m.start(), m.end(), value, m.end())


def _scan_numbers(text: str) -> Iterator[Hit]:
    for m in NUMBER.finditer(text):
        n = m["n"]
        if ORDINAL.fullmatch(n):
            k = ordinal_value(n)
            yield Hit(K.NUMBER, m.start(), m.end(), f"{k}{ordinal_suffix(k)}", m.end())
        else:
            yield Hit(K.NUMBER, m.start(), m.end(), canon(amount_of(n)), m.end())


SCANNERS: dict[SpecificKind, Callable[[str], Iterator[Hit]]] = {
    K.MONEY: _scan_money,
    K.PERCENT: _scan_percents,
    K.RANGE: _scan_ranges,
    K.DATE: _scan_dates,
    K.NUMBER: _scan_numbers,
}


def drop_overlaps(hits: Iterator[Hit] | Sequence[Hit], size: int) -> list[Hit]:
    """Keep hits in the order given (priority), dropping any that overlap a kept one; linear."""
    covered = bytearray(size)
    kept = []
    for h in hits:
        if not any(covered[h.start : h.end]):
            covered[h.start : h.end] = b"\x01" * (h.end - h.start)
            kept.append(h)
    return sorted(kept, key=lambda h: h.start)

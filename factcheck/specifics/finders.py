"""Finding one specific of each kind in a source: the same value, or rival values."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache

from factcheck.models import Specific, SpecificFinding, SpecificKind, SpecificStatus
from factcheck.specifics.patterns import BOUNDS
from factcheck.specifics.scan import Hit
from factcheck.specifics.source import Source, name_spans_in
from factcheck.specifics.values import canon
from factcheck.specifics.vocabulary import DOLLARS, PART_DAYS

K = SpecificKind
NEAR = 300  # chars: how close a conflicting value must be to something the source confirms


def _found(spec: Specific, src: Source, start: int, end: int) -> SpecificFinding:
    return SpecificFinding(spec, SpecificStatus.FOUND, src.text[start:end], start, end)


# Each kind: parse a normalised value, then `match` (same value) and `differs` (a rival value of
# the same kind and unit). Values are the strings built by the scanners above.

_DATE_V = re.compile(r"^(?:(\d{4})|-)(?:-(\d{2}))?(?:-(\d{2}))?(?: (early|mid|late))?$")
_NUMBER_V = re.compile(r"^(\d+(?:\.\d+)?)(st|nd|rd|th)?(?: (.+))?$")
_MONEY_V = re.compile(r"^(\d+(?:\.\d+)?) (\S+)$")
_PERCENT_V = re.compile(r"^(\d+(?:\.\d+)?)(%| pp)(?: of (.+))?$")
_RANGE_V = re.compile(r"^(\d+(?:\.\d+)?)\.\.(\d+(?:\.\d+)?)(?: (.+))?$")
_DateT = tuple[int | None, int | None, int | None, str | None]
_SameUnit = Callable[[str, str], bool]


@lru_cache(maxsize=4096)
def _date(value: str) -> _DateT | None:
    m = _DATE_V.match(value)
    if not m:
        return None
    y, mo, d, part = m.groups()
    return (int(y) if y else None, int(mo) if mo else None, int(d) if d else None, part)


def _date_match(c: _DateT, s: _DateT, strict: bool) -> bool:
    (cy, cm, cd, cp), (sy, sm, sd, sp) = c, s
    if cm is None:
        return cy is not None and cy == sy
    if sm != cm or (cy and sy and cy != sy) or (strict and cy and not sy):
        return False
    if cd:
        return sd == cd
    if cp and sd:
        return PART_DAYS[cp][0] <= sd <= PART_DAYS[cp][1]
    return not (cp and sp and cp != sp)


def _date_comparable(c: _DateT, s: _DateT) -> bool:
    if c[1] is None:
        return s[0] is not None and s[1] is None
    return s[1] is not None and (c[2] is None or s[2] is not None)


def _find_date(spec: Specific, src: Source) -> tuple[SpecificFinding | None, list[Hit]]:
    c = _date(spec.value)
    hits = src.event_dates()
    if c is None:
        return None, []
    for strict in (True, False):
        for h in hits:
            s = _date(h.value)
            if s and _date_match(c, s, strict):
                return _found(spec, src, h.start, h.end), []
    rivals = [h for h in hits if (s := _date(h.value)) and _date_comparable(c, s)]
    return None, rivals


def find_publication_date(spec: Specific, src: Source) -> SpecificFinding | None:
    """A claim about when the page appeared: its dateline, byline or metadata date."""
    c = _date(spec.value)
    for h in src.hits(K.DATE):
        s = _date(h.value)
        if c and s and src.in_dateline(h) and _date_match(c, s, False):
            return _found(spec, src, h.start, h.end)
    s = _date(src.published) if src.published else None
    if c and s and _date_match(c, s, False):
        return SpecificFinding(spec, SpecificStatus.FOUND, f"published {src.published} (metadata)")
    return None


def _same_currency(a: str, b: str) -> bool:
    return a == b or (a in DOLLARS and b in DOLLARS and "$" in (a, b))


def _find_amount(
    spec: Specific, src: Source, kind: SpecificKind, rx: re.Pattern[str], same_unit: _SameUnit
) -> tuple[SpecificFinding | None, list[Hit]]:
    """Money or a percentage: found with the same amount and unit; other amounts in the same
    unit are rivals."""
    c = rx.match(spec.value)
    if c is None:
        return None, []
    rivals = []
    for h in src.hits(kind):
        s = rx.match(h.value)
        if s and same_unit(c[2], s[2]):
            if Decimal(s[1]) == Decimal(c[1]):
                return _found(spec, src, h.start, h.end), []
            rivals.append(h)
    return None, rivals


def _find_money(spec: Specific, src: Source) -> tuple[SpecificFinding | None, list[Hit]]:
    return _find_amount(spec, src, K.MONEY, _MONEY_V, _same_currency)


def _find_percent(spec: Specific, src: Source) -> tuple[SpecificFinding | None, list[Hit]]:
    return _find_amount(spec, src, K.PERCENT, _PERCENT_V, str.__eq__)


@lru_cache(maxsize=4096)
def _number(value: str) -> tuple[Decimal, bool, str | None] | None:
    m = _NUMBER_V.match(value)
    return (Decimal(m[1]), bool(m[2]), m[3]) if m else None


def _find_number(spec: Specific, src: Source) -> tuple[SpecificFinding | None, list[Hit]]:
    c = _number(spec.value)
    if c is None:
        return None, []
    same, rivals = [], []
    for h in src.hits(K.NUMBER):
        s = _number(h.value)
        if s is None or s[1] != c[1]:
            continue
        end = src.unit_end(h, c[2])
        with_unit = Hit(h.kind, h.start, end or h.end, h.value, h.unit_from)
        if s[0] == c[0]:
            same.append((end is None, h.start, with_unit))
        elif end is not None:
            rivals.append(with_unit)
    if same:
        h = min(same)[2]
        if _bounded_otherwise(spec, src, h):
            return None, [h]
        return _found(spec, src, h.start, h.end), []
    return None, rivals


def _bound(text: str) -> str | None:
    """'max' for 'up to 53', 'min' for 'more than 53', 'lt' for 'fewer than 53': the bound
    word before the last number of `text`, if any."""
    numbers = list(re.finditer(r"\d+(?:[.,]\d+)*", text))
    if not numbers:
        return None
    m = BOUNDS.search(text[: numbers[-1].start()])
    return m.lastgroup if m else None


def _bounded_otherwise(spec: Specific, src: Source, h: Hit) -> bool:
    """The source gives the same number as a limit the claim does not: '53' vs 'up to 53'."""
    said = _bound(src.text[max(0, h.start - 25) : h.end])
    return said is not None and said != _bound(spec.text)


def _find_range(spec: Specific, src: Source) -> tuple[SpecificFinding | None, list[Hit]]:
    c = _RANGE_V.match(spec.value)
    if c is None:
        return None, []
    lo, hi = Decimal(c[1]), Decimal(c[2])
    rivals = []
    for h in src.hits(K.RANGE):
        s = _RANGE_V.match(h.value)
        if s and (Decimal(s[1]), Decimal(s[2])) == (lo, hi):
            if _bounded_otherwise(spec, src, h):
                return None, [h]
            return _found(spec, src, h.start, h.end), []
        if s and (Decimal(s[1]) == lo) != (Decimal(s[2]) == hi):
            rivals.append(h)
    if rivals:  # the source pairs one end with another number: '9 to 4' for '9 to 5'
        return None, rivals
    ends = _endpoints(src)
    at_lo = [h for h in ends if h.value == canon(lo)]
    at_hi = [h for h in ends if h.value == canon(hi)]
    pairs = [(a, b) for a in at_lo for b in at_hi if abs(a.start - b.start) <= NEAR // 2]
    if pairs:
        a, b = pairs[0]
        return _found(spec, src, min(a.start, b.start), max(a.end, b.end)), []
    known = {canon(lo), canon(hi)}
    near = [
        h
        for a in at_lo + at_hi
        for h in ends
        if h.value not in known and 0 < abs(h.start - a.start) <= NEAR // 2
    ]
    return None, near


def _endpoints(src: Source) -> list[Hit]:
    years = [h for h in src.hits(K.DATE) if re.fullmatch(r"\d{4}", h.value)]
    return sorted(src.hits(K.NUMBER) + years, key=lambda h: h.start)


def find_name(spec: Specific, src: Source) -> SpecificFinding | None:
    """Where a name (or one of its aliases) first occurs in the source, if it does."""
    spans = name_spans_in(spec, src)
    return _found(spec, src, *spans[0]) if spans else None


FINDERS: dict[
    SpecificKind, Callable[[Specific, Source], tuple[SpecificFinding | None, list[Hit]]]
] = {
    K.DATE: _find_date,
    K.MONEY: _find_money,
    K.PERCENT: _find_percent,
    K.NUMBER: _find_number,
    K.RANGE: _find_range,
}

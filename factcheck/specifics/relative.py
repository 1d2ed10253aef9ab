"""Dates relative to the article: 'last month', 'this year', 'in August' (issue 18, point 6).

Owns python-dateutil: the article's `published` date is parsed with its ISO parser and moved
with `relativedelta`; `page_date` reads a source's date as pages write it, for citations. A
month or day without a year is the latest one on or before the article date, or the next one
after it when the claim speaks of the future ('will sign in March').
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache

from dateutil.parser import isoparse
from dateutil.parser import parse as parse_date
from dateutil.relativedelta import relativedelta

from factcheck.models import Specific, SpecificKind
from factcheck.specifics.scan import Hit
from factcheck.specifics.values import date_value

K = SpecificKind
RELATIVE = re.compile(
    r"\b(?:(?P<rel>last|this|next|past|previous|coming)|earlier\s+this|later\s+this)\s+"
    r"(?P<unit>month|year)\b",
    re.I,
)
_FUTURE = re.compile(r"\b(?:will|shall|plans?\s+to|scheduled|expected\s+to|due\s+to)\b", re.I)
_NO_YEAR = re.compile(r"^-(?:-(\d{2}))(?:-(\d{2}))?(?: (early|mid|late))?$")
_SHIFT = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}


_ISO_START = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?(?:[T ]|$)")


@lru_cache(maxsize=4096)  # a report repeats its sources' dates
def page_date(text: str | None) -> str | None:
    """A page's date ("20 Nov 2019 08:02 GMT", "Nov 20, 2019", ISO) as ISO `YYYY-MM-DD`, or as
    given when it is already ISO (its precision kept); None when it cannot be read."""
    text = " ".join((text or "").split())
    if not text or _ISO_START.match(text):
        return text or None
    if len(text) > 64 or not re.search(r"\d", text):
        return None
    try:
        return parse_date(text).date().isoformat()
    except (ValueError, OverflowError):
        return None


def article_date(published: str | None) -> date | None:
    """The article's date from its ISO `published` value, or None."""
    if not published:
        return None
    try:
        return isoparse(published).date()
    except ValueError:
        return None


def relative_hits(claim: str, published: date) -> Iterator[Hit]:
    """'last month', 'this year', 'next year'… as dates on the article's calendar."""
    for m in RELATIVE.finditer(claim):
        rel = (m["rel"] or "this").lower()
        if m["unit"].lower() == "year":
            value = date_value(published.year + _SHIFT.get(rel, 0), None, None, None)
        else:
            when = published + relativedelta(months=_SHIFT.get(rel, 0))
            value = date_value(when.year, when.month, None, None)
        yield Hit(K.DATE, m.start(), m.end(), value)


def with_year(spec: Specific, claim: str, published: date) -> Specific:
    """A date without a year ('--08', '--12-19') placed in the year the article implies."""
    m = _NO_YEAR.match(spec.value) if spec.kind is K.DATE else None
    if m is None:
        return spec
    month, day = int(m[1]), int(m[2]) if m[2] else None
    year = published.year
    if _FUTURE.search(claim):
        if (month, day or 1) < (published.month, published.day if day else 1):
            year += 1
    elif (month, day or 1) > (published.month, published.day if day else 1):
        year -= 1
    return Specific(spec.kind, spec.text, date_value(year, month, day, m[3]))

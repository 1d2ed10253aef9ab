"""Regular expressions that find dates, money, percentages, ranges and counts."""

from __future__ import annotations

import re
from collections.abc import Sequence

from factcheck.specifics.vocabulary import (
    MONTH_NAMES,
    ORD,
    ORD_TENS,
    QUALIFIERS,
    SMALL,
    TENS,
)


def _alt(words: Sequence[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_DIG = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WBASE = rf"(?:(?:{_alt(TENS)})(?:-(?:{_alt(SMALL[1:10])}))?|(?:{_alt(SMALL)}))(?!\w)"
_WNUM = rf"{_WBASE}(?:\s+(?:hundred|thousand|million|billion|trillion)(?!\w))*"
_WORD_ORD = rf"(?:(?:{_alt(TENS)})-)?(?:{_alt(ORD + ORD_TENS)})(?!\w)"
_NUM = rf"(?:{_DIG}|{_WNUM})"
_QUAL = "|".join(q.replace(" ", r"\s+") for q in QUALIFIERS.split("|"))
_Y = r"(?P<y>(?:1[89]|20)\d{2})(?![\w%]|[.,]\d)"
_MF = "|".join(MONTH_NAMES.split())
_MA = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_D = r"(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_PART = r"(?:(?P<part>[Ee]arly|[Mm]id|[Ll]ate)(?:-|\s+))?"
DATES = [
    re.compile(rf"(?<![\w-]){_Y}-(?P<mn>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\w-])"),
    re.compile(rf"(?<![\w.,]){_D}\s+(?:of\s+)?(?P<m>{_MF}|{_MA})(?![a-z])(?:,?\s+{_Y})?"),
    re.compile(rf"(?P<m>{_MF}|{_MA})(?![a-z])\s+{_D}(?![\w:]|[.,]\d)(?:,?\s+{_Y})?"),
    re.compile(rf"{_PART}(?P<m>{_MF})(?![a-z])(?:,?\s+{_Y})?"),
    re.compile(rf"{_PART}(?P<m>{_MA})(?![a-z])\s+{_Y}"),
    re.compile(rf"(?<![\w.,$/–—-])(?:(?P<by>[Bb]y|until|before)\s+)?{_PART}(?:FY\s?)?{_Y}"),
]
_PRE = r"(?P<pre>NZ\$|\$NZ|US\$|\$US|AU?\$|\$AU?|CA?\$|NZD|USD|AUD|CAD|EUR|GBP|JPY|CNY|€|£|¥|\$)"
_SCALE = r"(?:\s*(?P<scale>thousand|million|billion|trillion|bn|mn|tn)|(?P<abbr>[bmk]))?(?!\w)"
_POST = (
    r"(?P<post>(?:New\s+Zealand|NZ|U\.?S\.?|American|Australian|Canadian)\s+dollars?|dollars?"
    r"|euros?|pounds?(?:\s+sterling)?|yen|yuan|renminbi|NZD|USD|AUD|CAD|EUR|GBP|JPY|CNY)(?!\w)"
)
MONEY = [
    re.compile(rf"(?<![\w$]){_PRE}\s?(?P<amt>{_DIG}){_SCALE}(?:\s+{_POST})?", re.I),
    re.compile(rf"(?<![\w$.,])(?P<amt>{_NUM}){_SCALE}\s+{_POST}", re.I),
]
PERCENT = re.compile(
    rf"(?<![\w.,])(?P<amt>{_NUM})\s?(?:%|per\s?cent|pct)(?P<pp>age\s+points?)?(?!\w)"
    r"(?:\s+of\s+(?P<of>[A-Za-z][\w-]*))?",
    re.I,
)
RANGES = [
    re.compile(
        rf"\b(?:from|between)\s+(?P<lo>{_NUM})(?P<mid>(?:\s+[A-Za-z][\w-]*){{0,3}}?)\s+(?:to|and)"
        rf"\s+(?:(?:up\s+to|about|around|nearly|almost|as\s+many\s+as|more\s+than)\s+)?"
        rf"(?P<hi>{_NUM})(?!\w|[.,]\d)",
        re.I,
    ),
    re.compile(
        r"(?<![\w.,/–—-])(?:FY\s?)?(?P<lo>\d{1,3}(?:,\d{3})+|\d+)(?P<sep>\s?[–—‒-]\s?|/)"
        r"(?P<hi>\d{1,3}(?:,\d{3})+|\d+)(?!\w|[.,/–—-]\d)"
    ),
    # a pair in order: a vote or score '9 to 4' (a dash pair '9-4' is matched above)
    re.compile(
        r"(?<![\w.,/–—$-])(?P<lo>\d{1,3}(?:,\d{3})+|\d+)\s+to\s+(?P<hi>\d{1,3}(?:,\d{3})+|\d+)"
        r"(?!\w|[.,/–—-]\d)"
    ),
]
# Bounds that make a number a limit, not a count: 'up to 53' is not '53' (issue 18, point 3).
BOUNDS = re.compile(
    r"\b(?:(?P<max>up\s+to|as\s+many\s+as|at\s+most|no\s+more\s+than|a\s+maximum\s+of)|"
    r"(?P<min>more\s+than|at\s+least|over|upwards\s+of|a\s+minimum\s+of)|"
    r"(?P<lt>fewer\s+than|less\s+than|under|below))\s+$",
    re.I,
)
NUMBER = re.compile(
    rf"(?<![\w.,$£€¥/])(?<![A-Za-z]-)(?:(?P<q>{_QUAL})\s+)?(?P<n>\d+(?:st|nd|rd|th)|{_DIG}"
    rf"(?:\s+(?:thousand|million|billion|trillion)(?!\w))?|\b{_WORD_ORD}|\b{_WNUM})(?!\w|[.,]\d|%)",
    re.I,
)
ORDINAL = re.compile(rf"\d+(?:st|nd|rd|th)|{_WORD_ORD}", re.I)
NEXT_WORD = re.compile(r"(\s+|-)([A-Za-z][\w’'-]*)")
TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_][\w’'-]*|\S")

"""Checkable specifics of a claim (dates, counts, money, names) and their lookup in a source."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from factcheck.models import ClaimStatus, Specific, SpecificFinding, SpecificKind, SpecificStatus

K = SpecificKind
NEAR = 300  # chars: how close a conflicting value must be to something the source confirms

# --- vocabulary ---------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MONTH_NAMES = (
    "January February March April May June July August September October November December"
)
_MONTHS = {m.lower(): i for i, m in enumerate(_MONTH_NAMES.split(), 1)}
_MONTHS.update({m[:3].lower(): i for m, i in _MONTHS.copy().items()} | {"sept": 9})
_SMALL = _words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
_TENS = _words("twenty thirty forty fifty sixty seventy eighty ninety")
_ORD = _words(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
)
_ORD_TENS = _words("twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth")
_WORD_VALUES = {w: i for i, w in enumerate(_SMALL)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}
_ORD_VALUES = {w: i for i, w in enumerate(_ORD, 1)} | {
    w: 20 + 10 * i for i, w in enumerate(_ORD_TENS)
}
_SCALES = {
    "hundred": 100,
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
}
_SCALES |= {"k": 10**3, "m": 10**6, "mn": 10**6, "b": 10**9, "bn": 10**9, "tn": 10**12}
_CURRENCIES = {
    "nz$": "NZD", "$nz": "NZD", "nzd": "NZD", "new zealand dollar": "NZD", "nz dollar": "NZD",
    "us$": "USD", "$us": "USD", "usd": "USD", "us dollar": "USD", "u.s. dollar": "USD",
    "american dollar": "USD", "a$": "AUD", "au$": "AUD", "$a": "AUD", "$au": "AUD", "aud": "AUD",
    "australian dollar": "AUD", "c$": "CAD", "ca$": "CAD", "cad": "CAD", "canadian dollar": "CAD",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "£": "GBP", "gbp": "GBP", "pound": "GBP",
    "pound sterling": "GBP", "¥": "JPY", "jpy": "JPY", "yen": "JPY", "yuan": "CNY",
    "renminbi": "CNY", "cny": "CNY", "$": "$", "dollar": "$",
}  # fmt: skip
_DOLLARS = {"$", "NZD", "USD", "AUD", "CAD"}
_STOP = _wordset(
    "a an the and or but of to in on at by for from with as than that which who whom is are was "
    "were be been being has have had will would can could may might its it their his her our this "
    "these those into onto per since after before during about including while when where if "
    "ago away later earlier each every any"
)
_PASS = _wordset("new more other additional different extra further separate")
_COLLECTIVE = _wordset("personnel staff people troops police crew children men women aircraft")
_TITLES = _wordset(
    "minister minster president secretary director chief head chair chairman chairwoman "
    "spokesperson spokesman spokeswoman ambassador senator governor mayor premier chancellor "
    "commissioner commander general admiral captain colonel lieutenant sergeant judge deputy "
    "pm mr mrs ms dr prof professor sir dame lord lady king queen prince princess vice acting"
)
_CONNECTORS = _wordset("of the de van von der den da di du la le bin al")
_STOP_CAPS = _wordset(
    "the a an in on at by for from with as this that these those it its he she they we i you his "
    "her their our my your according during after before since while when where if but and or so "
    "yet although though however meanwhile then now also there here some many most several both "
    "each all no not other another such one two three last next today yesterday tomorrow why how "
    "what who which signing defence defense government officials critics analysts experts "
    "ministers sources reports data figures under over amid despite following"
)
_DEMONYMS = _wordset(
    "american australian british canadian european asian african french german russian indian "
    "korean filipino western eastern northern southern"
)
_INSTITUTIONS = _wordset(
    "agreement treaty act accord pact ministry department commission council committee office "
    "affairs services service institute forces"
)
_NOT_NAMES = {"GDP", "GNP", "CEO", "AM", "PM", "TV", "OK", "I"}
_ALIASES = [
    ("US", "U.S.", "USA", "United States"),
    ("NZ", "New Zealand"),
    ("UK", "U.K.", "Britain", "United Kingdom"),
    ("UN", "U.N.", "United Nations"),
]
_ALIAS_INDEX = {a.lower(): group for group in _ALIASES for a in group}
_QUALIFIERS = (
    "nearly|almost|about|around|approximately|roughly|some|more than|fewer than|less than|"
    "at least|up to|as many as|close to|just over|just under"
)

# --- regular expressions ------------------------------------------------------------------


def _alt(words: Sequence[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_DIG = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WBASE = rf"(?:(?:{_alt(_TENS)})(?:-(?:{_alt(_SMALL[1:10])}))?|(?:{_alt(_SMALL)}))(?!\w)"
_WNUM = rf"{_WBASE}(?:\s+(?:hundred|thousand|million|billion|trillion)(?!\w))*"
_WORD_ORD = rf"(?:(?:{_alt(_TENS)})-)?(?:{_alt(_ORD + _ORD_TENS)})(?!\w)"
_NUM = rf"(?:{_DIG}|{_WNUM})"
_QUAL = "|".join(q.replace(" ", r"\s+") for q in _QUALIFIERS.split("|"))
_Y = r"(?P<y>(?:1[89]|20)\d{2})(?![\w%]|[.,]\d)"
_MF = "|".join(_MONTH_NAMES.split())
_MA = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_D = r"(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_PART = r"(?:(?P<part>[Ee]arly|[Mm]id|[Ll]ate)(?:-|\s+))?"
_DATES = [
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
_MONEY = [
    re.compile(rf"(?<![\w$]){_PRE}\s?(?P<amt>{_DIG}){_SCALE}(?:\s+{_POST})?", re.I),
    re.compile(rf"(?<![\w$.,])(?P<amt>{_NUM}){_SCALE}\s+{_POST}", re.I),
]
_PERCENT = re.compile(
    rf"(?<![\w.,])(?P<amt>{_NUM})\s?(?:%|per\s?cent|pct)(?P<pp>age\s+points?)?(?!\w)"
    r"(?:\s+of\s+(?P<of>[A-Za-z][\w-]*))?",
    re.I,
)
_RANGES = [
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
]
_NUMBER = re.compile(
    rf"(?<![\w.,$£€¥/])(?<![A-Za-z]-)(?:(?P<q>{_QUAL})\s+)?(?P<n>\d+(?:st|nd|rd|th)|{_DIG}"
    rf"(?:\s+(?:thousand|million|billion|trillion)(?!\w))?|\b{_WORD_ORD}|\b{_WNUM})(?!\w|[.,]\d|%)",
    re.I,
)
_ORDINAL = re.compile(rf"\d+(?:st|nd|rd|th)|{_WORD_ORD}", re.I)
_NEXT_WORD = re.compile(r"(\s+|-)([A-Za-z][\w’'-]*)")
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_][\w’'-]*|\S")


# --- normalised values ----------------------------------------------------------------------


def _canon(d: Decimal) -> str:
    return str(int(d)) if d == d.to_integral_value() else format(d.normalize(), "f")


@lru_cache(maxsize=4096)
def _amount(text: str) -> Decimal:
    """Value of '12', '9,000', '6.92', 'twenty-five', 'six billion', '1.5 million'."""
    words = re.split(r"[\s-]+", text.strip().lower())
    if words[0][0].isdigit():
        digits = Decimal(words[0].replace(",", ""))
        return digits * _SCALES[words[1]] if len(words) > 1 else digits
    total, current = 0, 0
    for w in words:  # 'two hundred thousand' = (2 * 100) * 1000
        if w in _WORD_VALUES:
            current += _WORD_VALUES[w]
        elif w == "hundred":
            current *= 100
        elif w in _SCALES:
            total, current = total + max(current, 1) * _SCALES[w], 0
    return Decimal(total + current)


def _ordinal_value(text: str) -> int:
    t = text.lower()
    if t[0].isdigit():
        return int(t[:-2])
    parts = t.split("-")
    return sum(_WORD_VALUES.get(p, 0) for p in parts[:-1]) + _ORD_VALUES[parts[-1]]


def _suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _date_value(y: int | None, m: int | None, d: int | None, part: str | None) -> str:
    v = f"{y:04d}" if y else "-"
    v += f"-{m:02d}" if m else ""
    v += f"-{d:02d}" if d and m else ""
    return v + (f" {part.lower()}" if part else "")


def _currency(pre: str | None, post: str | None) -> str:
    def norm(s: str | None) -> str:
        s = re.sub(r"\s+", " ", (s or "").lower()).replace("u.s.", "us")
        return _CURRENCIES.get(s, _CURRENCIES.get(s.rstrip("s"), ""))

    p, q = norm(pre), norm(post)
    return q if q and q != "$" else p or q or "$"


def _singular(word: str) -> str:
    w = word.lower().replace("’", "'")
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    return w[:-1] if _is_plural(w) else w


def _is_plural(w: str) -> bool:
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is"))


def _words_after(text: str, pos: int, limit: int = 3) -> Iterator[tuple[str, int, str]]:
    """Up to `limit` following words (singular, end offset, separator), stopping at stop words."""
    for _ in range(limit):
        m = _NEXT_WORD.match(text, pos)
        if not m or m.group(2).lower() in _STOP:
            return
        pos = m.end()
        yield _singular(m.group(2)), pos, m.group(1)


def _unit_after(text: str, pos: int, singular: bool) -> tuple[str, int] | None:
    """The head noun a count refers to: '53 soldiers', 'seven Chinese warships', 'three-day',
    '10th country', 'first Japanese naval visit' (singular: the last word before a break)."""
    last: tuple[str, int] | None = None
    for i, (word, end, sep) in enumerate(_words_after(text, pos)):
        raw = text[pos:end].strip(" -")
        if i == 0 and sep == "-":
            return word, end
        if singular and last and raw[:1].isupper():
            break  # '10th country Japan has …'
        pos = end
        if word in _PASS:
            continue
        if not singular and (word != raw.lower() or raw.lower() in _COLLECTIVE):
            return word, end
        last = (word, end)
    return last if singular else None


# --- scanning (shared by claims and sources) -------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    kind: SpecificKind
    start: int
    end: int
    value: str
    unit_from: int = -1  # where a unit word may follow (numbers and ranges), else -1


def _scan_dates(text: str) -> Iterator[_Hit]:
    for rx in _DATES:
        for m in rx.finditer(text):
            g = m.groupdict()
            month = (
                int(g["mn"]) if g.get("mn") else _MONTHS.get((g.get("m") or "").rstrip(".").lower())
            )
            y = int(g["y"]) if g.get("y") else None
            d = int(g["d"]) if g.get("d") else None
            yield _Hit(K.DATE, m.start(), m.end(), _date_value(y, month, d, g.get("part")))


def _scan_money(text: str) -> Iterator[_Hit]:
    for rx in _MONEY:
        for m in rx.finditer(text):
            g = m.groupdict()
            scale = g.get("scale") or g.get("abbr")
            amount = _amount(g["amt"]) * (_SCALES[scale.lower()] if scale else 1)
            cur = _currency(g.get("pre"), g.get("post"))
            yield _Hit(K.MONEY, m.start(), m.end(), f"{_canon(amount)} {cur}")


def _scan_percents(text: str) -> Iterator[_Hit]:
    for m in _PERCENT.finditer(text):
        value = _canon(_amount(m["amt"])) + (" pp" if m["pp"] else "%")
        yield _Hit(
            K.PERCENT, m.start(), m.end(), value + (f" of {m['of'].lower()}" if m["of"] else "")
        )


def _scan_ranges(text: str) -> Iterator[_Hit]:
    for rx in _RANGES:
        for m in rx.finditer(text):
            lo, hi = _amount(m["lo"]), _amount(m["hi"])
            sep = (m.groupdict().get("sep") or "").strip()
            if sep and hi < lo and len(m["hi"]) == 2 and len(m["lo"]) == 4:
                hi += lo // 100 * 100
            year_like = len(m["lo"]) == 4 and m["lo"][:2] in ("19", "20")
            if hi <= lo or (sep == "/" and not year_like):
                continue
            unit = m.groupdict().get("mid") or ""
            value = f"{_canon(lo)}..{_canon(hi)}"
            head = [w for w in unit.split() if _is_plural(w.lower()) or w.lower() in _COLLECTIVE]
            if head:
                yield _Hit(K.RANGE, m.start(), m.end(), f"{value} {_singular(head[-1])}")
            else:
                yield _Hit(K.RANGE, m.start(), m.end(), value, m.end())


def _scan_numbers(text: str) -> Iterator[_Hit]:
    for m in _NUMBER.finditer(text):
        n = m["n"]
        if _ORDINAL.fullmatch(n):
            k = _ordinal_value(n)
            yield _Hit(K.NUMBER, m.start(), m.end(), f"{k}{_suffix(k)}", m.end())
        else:
            yield _Hit(K.NUMBER, m.start(), m.end(), _canon(_amount(n)), m.end())


_SCANNERS: dict[SpecificKind, Callable[[str], Iterator[_Hit]]] = {
    K.MONEY: _scan_money,
    K.PERCENT: _scan_percents,
    K.RANGE: _scan_ranges,
    K.DATE: _scan_dates,
    K.NUMBER: _scan_numbers,
}


def _drop_overlaps(hits: Iterator[_Hit] | Sequence[_Hit], size: int) -> list[_Hit]:
    """Keep hits in the order given (priority), dropping any that overlap a kept one; linear."""
    covered = bytearray(size)
    kept = []
    for h in hits:
        if not any(covered[h.start : h.end]):
            covered[h.start : h.end] = b"\x01" * (h.end - h.start)
            kept.append(h)
    return sorted(kept, key=lambda h: h.start)


# --- extraction from a claim ------------------------------------------------------------------

_ABBREV = _wordset("mr mrs ms dr st no vs gen col lt sen rep gov prof inc co ltd jr sr") | set(
    _MONTHS
)
_ONE_SKIP = _wordset("a the this that which similar another any each every no such")
_PART_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
_WEEKDAYS = _wordset("monday tuesday wednesday thursday friday saturday sunday")


def _is_sentence_start(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t\"“”‘’'([":
        i -= 1
    if i < 0 or text[i] in "!?:\n":
        return True
    if text[i] != ".":
        return False
    before = re.search(r"(\w+)\.$", text[max(0, i - 20) : i + 1])
    word = before.group(1) if before else ""
    return not ((len(word) == 1 and word.isupper()) or word.lower() in _ABBREV)


def _with_unit(text: str, h: _Hit) -> _Hit:
    """Extend a count or range to the noun it counts: '53 soldiers', '10th country'."""
    if h.unit_from < 0:
        return h
    singular = not h.value[-1].isdigit() or h.value in ("1", "1..1")
    unit = _unit_after(text, h.unit_from, singular)
    if unit is None:
        return h
    return _Hit(h.kind, h.start, unit[1], f"{h.value} {unit[0]}")


def _keep_in_claim(claim: str, h: _Hit) -> bool:
    """Drop 'Pillar Two' (capitalised word number mid-sentence) and pronoun 'one'."""
    if h.kind is not K.NUMBER:
        return True
    words = claim[h.start : h.end].split()
    if words[0][0].isupper() and not _is_sentence_start(claim, h.start):
        return False
    if words[-1].lower() != "one":
        return True
    prev = claim[: h.start].split()[-1:] or [""]
    after = claim[h.end : h.end + 5].lstrip()
    return not (prev[0].lower() in _ONE_SKIP or after[:1] in ",.;:)" or after.startswith("of "))


def _numeric_hits(text: str, claim_rules: bool) -> list[_Hit]:
    hits = [
        _with_unit(text, h)
        for scan in _SCANNERS.values()
        for h in scan(text)
        if not claim_rules or _keep_in_claim(text, h)
    ]
    return _drop_overlaps(hits, len(text))


def _name_value(text: str) -> str:
    bare = re.sub(r"\s+", " ", text.strip())
    if bare.replace(".", "").replace(" ", "").isupper():
        return bare
    return re.sub(r"\s+", " ", _fold(bare)[0])


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


def _name_spans(claim: str, taken: bytes) -> Iterator[tuple[int, int]]:
    """Runs of capitalised words (with 'of', 'the' … inside) outside the numeric spans."""
    tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(claim)]
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
            if ends:
                yield from _run_names(claim, run)
                run = []
        elif run and (word in _CONNECTORS or word == "and") and _connects(tokens, i):
            run.append((start, word))
        else:
            yield from _run_names(claim, run)
            run = []
    yield from _run_names(claim, run)


def _connects(tokens: list[tuple[int, str]], i: int) -> bool:
    while i < len(tokens) and (tokens[i][1] in _CONNECTORS or tokens[i][1] == "and"):
        i += 1
    return i < len(tokens) and tokens[i][1][:1].isupper()


def _run_names(claim: str, run: list[tuple[int, str]]) -> Iterator[tuple[int, int]]:
    """Names in a run; 'and' joins only within an institution ('Acquisition and … Agreement')."""
    if not run:
        return
    if run[-1][1].lower() in _INSTITUTIONS or all(w != "and" for _, w in run):
        yield from _core_names(claim, run)
        return
    cut = next(i for i, (_, w) in enumerate(run) if w == "and")
    yield from _core_names(claim, run[:cut])
    yield from _run_names(claim, run[cut + 1 :])


def _core_names(claim: str, run: list[tuple[int, str]]) -> Iterator[tuple[int, int]]:
    if not run:
        return
    initial = _is_sentence_start(claim, run[0][0])
    while initial and run and run[0][1].lower() in _STOP_CAPS:
        run = run[1:]
    initial = initial and bool(run) and _is_sentence_start(claim, run[0][0])
    titles = [i for i, (_, w) in enumerate(run) if w.lower() in _TITLES]
    if titles:
        run = run[titles[-1] + 1 :]
        if run and run[0][1] in _CONNECTORS:  # 'Secretary of War Pete Hegseth'
            run = run[1:][-2:] if len(run) > 3 else []
    while run and run[-1][1] in _CONNECTORS:
        run = run[:-1]
    if len(run) > 1 and all(_is_acronym(w) for _, w in run):
        for start, w in run:
            if w not in _NOT_NAMES:
                yield start, start + len(w)
    elif len(run) > 1 or (run and _single_name(run[0][1], initial)):
        yield run[0][0], run[-1][0] + len(run[-1][1])


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.replace(".", "").isupper()


def _single_name(word: str, initial: bool) -> bool:
    w = word.lower()
    if word in _NOT_NAMES or w in _DEMONYMS or w in _WEEKDAYS or w in _TITLES or w.endswith("ese"):
        return False
    return not initial or not (w in _STOP_CAPS or w.endswith(("ing", "ed", "ly")))


def _claim_names(claim: str, taken: bytes) -> list[tuple[int, Specific]]:
    names = [(s, Specific(K.NAME, claim[s:e], _name_value(claim[s:e])))
             for s, e in _name_spans(claim, taken)]  # fmt: skip
    surnames = {n.value.split()[-1] for _, n in names if " " in n.value}
    return [(s, n) for s, n in names if " " in n.value or n.value not in surnames]


def extract_specifics(claim: str, pinned: Sequence[str] = ()) -> tuple[Specific, ...]:
    """The checkable specifics of a claim, in claim order; `pinned` (claims.yaml) replaces them.

    Each pinned string becomes one specific, classified and normalised like extracted ones.
    """
    if pinned:
        return tuple(_classify(p.strip()) for p in pinned if p.strip())
    hits = _numeric_hits(claim, claim_rules=True)
    taken = bytearray(len(claim))
    for h in hits:
        taken[h.start : h.end] = b"\x01" * (h.end - h.start)
    found = [(h.start, Specific(h.kind, claim[h.start : h.end], h.value)) for h in hits]
    unique: dict[tuple[SpecificKind, str], Specific] = {}
    for _, s in sorted(found + _claim_names(claim, bytes(taken)), key=lambda p: p[0]):
        unique.setdefault((s.kind, s.value), s)
    return tuple(unique.values())


def _classify(text: str) -> Specific:
    """A pinned specific: the first (longest) numeric reading of the string, else a name."""
    hits = _numeric_hits(text, claim_rules=False)
    if not hits:
        return Specific(K.NAME, text, _name_value(text))
    best = min(hits, key=lambda h: (h.start, h.start - h.end))
    return Specific(best.kind, text, best.value)


# --- lookup in a source text --------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n")
_PUNCT_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-"})


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return bare.casefold().translate(_PUNCT_FOLD)


def _fold(text: str) -> tuple[str, list[int] | None]:
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


class _Source:
    """A source text with its specifics scanned lazily, once per kind."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._hits: dict[SpecificKind, list[_Hit]] = {}
        self._folded: tuple[str, list[int] | None] | None = None
        self._ends: list[int] | None = None
        self._names: dict[str, list[tuple[int, int]]] = {}

    def hits(self, kind: SpecificKind) -> list[_Hit]:
        if kind not in self._hits:
            found = _drop_overlaps(_SCANNERS[kind](self.text), len(self.text))
            if kind is K.NUMBER:
                covered = bytearray(len(self.text))
                for other in (K.MONEY, K.PERCENT, K.DATE):
                    for h in self.hits(other):
                        covered[h.start : h.end] = b"\x01" * (h.end - h.start)
                found = [h for h in found if not covered[h.end - 1]]
            self._hits[kind] = found
        return self._hits[kind]

    def folded(self) -> tuple[str, list[int] | None]:
        if self._folded is None:
            self._folded = _fold(self.text)
        return self._folded

    def name_spans(self, form: str) -> list[tuple[int, int]]:
        if form not in self._names:
            self._names[form] = _search_name(form, self)
        return self._names[form]

    def unit_end(self, h: _Hit, unit: str | None) -> int | None:
        """End of `unit` among the words after a count ('53 NZDF soldiers'), if it is there."""
        if unit is None or h.unit_from < 0:
            return None
        return next((end for w, end, _ in _words_after(self.text, h.unit_from) if w == unit), None)

    def sentence(self, pos: int) -> int:
        if self._ends is None:
            self._ends = [m.end() for m in _SENTENCE_END.finditer(self.text)]
        return bisect_left(self._ends, pos + 1)


def _found(spec: Specific, src: _Source, start: int, end: int) -> SpecificFinding:
    return SpecificFinding(spec, SpecificStatus.FOUND, src.text[start:end], start, end)


def _conflict(spec: Specific, src: _Source, h: _Hit) -> SpecificFinding:
    return SpecificFinding(spec, SpecificStatus.CONFLICT, src.text[h.start : h.end], h.start, h.end)


_Anchor = tuple[int, int, int, int]  # start, end, which specific, sentence


def _nearest(
    hits: Sequence[_Hit], anchors: Sequence[_Anchor], src: _Source, need: bool
) -> _Hit | None:
    """The rival sharing a sentence with most confirmed specifics, then the closest one.

    With `need`, a rival must share a sentence with one or lie within NEAR characters of one.
    """
    best: tuple[tuple[int, int, int, int], _Hit] | None = None
    for h in hits:
        gaps = [max(a - h.end, h.start - b) for a, b, _, _ in anchors]
        if any(g < 0 for g in gaps):
            continue  # it is the wording of something the source confirms
        sentence = src.sentence(h.start)
        shared = len({i for _, _, i, s in anchors if s == sentence})
        gap = min(gaps, default=NEAR + 1)
        near = shared > 0 or gap <= NEAR
        if need and not near:
            continue
        key = (0 if near else 1, -shared, gap, h.start)
        if best is None or key < best[0]:
            best = (key, h)
    return best[1] if best else None


# Each kind: parse a normalised value, then `match` (same value) and `differs` (a rival value of
# the same kind and unit). Values are the strings built by the scanners above.

_DATE_V = re.compile(r"^(?:(\d{4})|-)(?:-(\d{2}))?(?:-(\d{2}))?(?: (early|mid|late))?$")
_NUMBER_V = re.compile(r"^(\d+(?:\.\d+)?)(st|nd|rd|th)?(?: (.+))?$")
_MONEY_V = re.compile(r"^(\d+(?:\.\d+)?) (\S+)$")
_PERCENT_V = re.compile(r"^(\d+(?:\.\d+)?)(%| pp)(?: of (.+))?$")
_RANGE_V = re.compile(r"^(\d+(?:\.\d+)?)\.\.(\d+(?:\.\d+)?)(?: (.+))?$")
_DateT = tuple[int | None, int | None, int | None, str | None]


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
        return _PART_DAYS[cp][0] <= sd <= _PART_DAYS[cp][1]
    return not (cp and sp and cp != sp)


def _date_comparable(c: _DateT, s: _DateT) -> bool:
    if c[1] is None:
        return s[0] is not None and s[1] is None
    return s[1] is not None and (c[2] is None or s[2] is not None)


def _find_date(spec: Specific, src: _Source) -> tuple[SpecificFinding | None, list[_Hit]]:
    c = _date(spec.value)
    hits = src.hits(K.DATE)
    if c is None:
        return None, []
    for strict in (True, False):
        for h in hits:
            s = _date(h.value)
            if s and _date_match(c, s, strict):
                return _found(spec, src, h.start, h.end), []
    rivals = [h for h in hits if (s := _date(h.value)) and _date_comparable(c, s)]
    return None, rivals


def _same_currency(a: str, b: str) -> bool:
    return a == b or (a in _DOLLARS and b in _DOLLARS and "$" in (a, b))


def _find_money(spec: Specific, src: _Source) -> tuple[SpecificFinding | None, list[_Hit]]:
    c = _MONEY_V.match(spec.value)
    if c is None:
        return None, []
    amount, cur = Decimal(c[1]), c[2]
    rivals = []
    for h in src.hits(K.MONEY):
        s = _MONEY_V.match(h.value)
        if s and _same_currency(cur, s[2]):
            if Decimal(s[1]) == amount:
                return _found(spec, src, h.start, h.end), []
            rivals.append(h)
    return None, rivals


def _find_percent(spec: Specific, src: _Source) -> tuple[SpecificFinding | None, list[_Hit]]:
    c = _PERCENT_V.match(spec.value)
    if c is None:
        return None, []
    rivals = []
    for h in src.hits(K.PERCENT):
        s = _PERCENT_V.match(h.value)
        if s and s[2] == c[2]:
            if Decimal(s[1]) == Decimal(c[1]):
                return _found(spec, src, h.start, h.end), []
            rivals.append(h)
    return None, rivals


@lru_cache(maxsize=4096)
def _number(value: str) -> tuple[Decimal, bool, str | None] | None:
    m = _NUMBER_V.match(value)
    return (Decimal(m[1]), bool(m[2]), m[3]) if m else None


def _find_number(spec: Specific, src: _Source) -> tuple[SpecificFinding | None, list[_Hit]]:
    c = _number(spec.value)
    if c is None:
        return None, []
    same, rivals = [], []
    for h in src.hits(K.NUMBER):
        s = _number(h.value)
        if s is None or s[1] != c[1]:
            continue
        end = src.unit_end(h, c[2])
        with_unit = _Hit(h.kind, h.start, end or h.end, h.value, h.unit_from)
        if s[0] == c[0]:
            same.append((end is None, h.start, with_unit))
        elif end is not None:
            rivals.append(with_unit)
    if same:
        h = min(same)[2]
        return _found(spec, src, h.start, h.end), []
    return None, rivals


def _find_range(spec: Specific, src: _Source) -> tuple[SpecificFinding | None, list[_Hit]]:
    c = _RANGE_V.match(spec.value)
    if c is None:
        return None, []
    lo, hi = Decimal(c[1]), Decimal(c[2])
    rivals = []
    for h in src.hits(K.RANGE):
        s = _RANGE_V.match(h.value)
        if s and (Decimal(s[1]), Decimal(s[2])) == (lo, hi):
            return _found(spec, src, h.start, h.end), []
        if s and (Decimal(s[1]) == lo) != (Decimal(s[2]) == hi):
            rivals.append(h)
    ends = _endpoints(src)
    at_lo = [h for h in ends if h.value == _canon(lo)]
    at_hi = [h for h in ends if h.value == _canon(hi)]
    pairs = [(a, b) for a in at_lo for b in at_hi if abs(a.start - b.start) <= NEAR // 2]
    if pairs:
        a, b = pairs[0]
        return _found(spec, src, min(a.start, b.start), max(a.end, b.end)), []
    known = {_canon(lo), _canon(hi)}
    near = [
        h
        for a in at_lo + at_hi
        for h in ends
        if h.value not in known and 0 < abs(h.start - a.start) <= NEAR // 2
    ]
    return None, rivals or near


def _endpoints(src: _Source) -> list[_Hit]:
    years = [h for h in src.hits(K.DATE) if re.fullmatch(r"\d{4}", h.value)]
    return sorted(src.hits(K.NUMBER) + years, key=lambda h: h.start)


def _find_name(spec: Specific, src: _Source) -> SpecificFinding | None:
    spans = _name_spans_in(spec, src)
    return _found(spec, src, *spans[0]) if spans else None


def _name_spans_in(spec: Specific, src: _Source) -> list[tuple[int, int]]:
    """Where a name (or an alias: 'NZ' for 'New Zealand') occurs, first 50 per spelling."""
    value = spec.value if spec.kind is K.NAME else _name_value(spec.text)
    forms = _ALIAS_INDEX.get(value.lower(), (value,))
    return sorted(span for form in forms for span in src.name_spans(form))


def _search_name(form: str, src: _Source, limit: int = 50) -> list[tuple[int, int]]:
    # The pattern starts with the literal so the regex engine can skip ahead; word boundaries
    # before it are checked by hand.
    acronym = _is_acronym(form.replace(" ", ""))
    words = re.split(r"[\s-]+", form if acronym else _name_value(form).removeprefix("the "))
    text, where = (src.text, None) if acronym else src.folded()
    tail = r"(?![\w$])" if acronym else r"(?!\w)"
    rx = re.compile(r"[\s-]+".join(map(re.escape, words)) + tail)
    spans = []
    for m in rx.finditer(text):
        if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "_."):
            continue
        spans.append((where[m.start()], where[m.end() - 1] + 1) if where else m.span())
        if len(spans) == limit:
            break
    return spans


_FINDERS: dict[
    SpecificKind, Callable[[Specific, _Source], tuple[SpecificFinding | None, list[_Hit]]]
] = {
    K.DATE: _find_date,
    K.MONEY: _find_money,
    K.PERCENT: _find_percent,
    K.NUMBER: _find_number,
    K.RANGE: _find_range,
}
# Rivals of these kinds count only near something the source confirms (a page has many dates);
# counts and ranges carry their own context (the unit, the other end of the range).
_NEED_ANCHOR = {K.DATE, K.MONEY, K.PERCENT}


def find_specifics(specifics: Sequence[Specific], text: str) -> tuple[SpecificFinding, ...]:
    """Look each specific up in a source text: found (where), missing, or conflict (rival value).

    A conflict is a different value of the same kind next to the same unit, or near another of
    the claim's specifics that this source confirms; `found_text` then holds the source's wording.
    """
    src = _Source(text)
    results: list[tuple[Specific, SpecificFinding | None, list[_Hit]]] = []
    for spec in specifics:
        if spec.kind is K.NAME or spec.kind not in _FINDERS:
            results.append((spec, _find_name(spec, src), []))
        else:
            results.append((spec, *_FINDERS[spec.kind](spec, src)))
    anchors: list[_Anchor] = []
    for i, (spec, finding, _) in enumerate(results):
        if finding is None or finding.start is None or finding.end is None:
            continue
        spans = _name_spans_in(spec, src) if spec.kind is K.NAME else []
        for start, end in spans or [(finding.start, finding.end)]:
            anchors.append((start, end, i, src.sentence(start)))
    out = []
    for spec, finding, rivals in results:
        rival = None if finding else _nearest(rivals, anchors, src, spec.kind in _NEED_ANCHOR)
        if finding:
            out.append(finding)
        elif rival:
            out.append(_conflict(spec, src, rival))
        else:
            out.append(SpecificFinding(spec, SpecificStatus.MISSING))
    return tuple(out)


def rollup_specifics(findings: Sequence[SpecificFinding]) -> ClaimStatus:
    """supported: all found; partly: some found or conflicting; unverified: none found."""
    statuses = [f.status for f in findings]
    if statuses and all(s is SpecificStatus.FOUND for s in statuses):
        return ClaimStatus.SUPPORTED
    if any(s is not SpecificStatus.MISSING for s in statuses):
        return ClaimStatus.PARTLY
    return ClaimStatus.UNVERIFIED

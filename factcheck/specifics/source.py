"""A source text with its specifics, names and sentences found lazily, once each."""

from __future__ import annotations

import re
from bisect import bisect_left

from factcheck.models import Specific, SpecificKind
from factcheck.specifics.acronyms import expansion_pattern, initials_of
from factcheck.specifics.names import fold_diacritics, is_acronym, name_value
from factcheck.specifics.scan import SCANNERS, Hit, drop_overlaps
from factcheck.specifics.values import words_after
from factcheck.specifics.vocabulary import ABBREV, ALIAS_INDEX, WEEKDAYS

K = SpecificKind
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n")


# A dateline or byline around a date: it dates the page, not the event (issue 18, point 4).
_BYLINE = re.compile(
    r"\b(?:published|updated|posted|modified)\b|^\s*by\s|[|•·]|"
    r"\((?:Reuters|AP|AFP|AAP|RNZ|Bloomberg|Xinhua|Kyodo|PTI|UPI|Yonhap|dpa|ANI|Jiji)\)",
    re.I,
)
_WIRE_PLACE = re.compile(r"[A-Z][A-Z .'-]{2,40},\s*")  # 'WELLINGTON, ' before a wire date
_WIRE_AFTER = re.compile(r"\s*(?:\([^)]{2,20}\)\s*)?[-–—]")  # ' (Reuters) -' after it
_FILLER = WEEKDAYS | {"on", "at", "am", "pm", "nzt", "nzdt", "gmt", "utc", "et", "bst"}
DATELINE_CHARS = 160  # a longer line is prose, whatever dates it holds
DATELINE_TOP = 600  # a line holding only a date dates the page only this near the top
BYLINE_WORDS = 4  # words beside the page's own date on a byline ('Jane Smith, staff writer')


class Source:
    """A source text with its specifics scanned lazily, once per kind."""

    def __init__(self, text: str, published: str | None = None) -> None:
        self.text = text
        self.published = (published or "")[:10]  # the page's metadata date, YYYY-MM-DD
        self._event_dates: list[Hit] | None = None
        self._hits: dict[SpecificKind, list[Hit]] = {}
        self._folded: tuple[str, list[int] | None] | None = None
        self._ends: list[int] | None = None
        self._names: dict[str, list[tuple[int, int]]] = {}

    def hits(self, kind: SpecificKind) -> list[Hit]:
        if kind not in self._hits:
            found = drop_overlaps(SCANNERS[kind](self.text), len(self.text))
            if kind is K.NUMBER:
                covered = bytearray(len(self.text))
                for other in (K.MONEY, K.PERCENT, K.DATE):
                    for h in self.hits(other):
                        covered[h.start : h.end] = b"\x01" * (h.end - h.start)
                found = [h for h in found if not covered[h.end - 1]]
            self._hits[kind] = found
        return self._hits[kind]

    def event_dates(self) -> list[Hit]:
        """The dates of the text that are not in a dateline or byline."""
        if self._event_dates is None:
            self._event_dates = [h for h in self.hits(K.DATE) if not self.in_dateline(h)]
        return self._event_dates

    def in_dateline(self, h: Hit) -> bool:
        """'WELLINGTON, 31 July 2025 (Reuters) -', 'Published 18 November 2025', a line that is
        only the date, or a short line holding the page's own publication date."""
        start = self.text.rfind("\n", 0, h.start) + 1
        end = self.text.find("\n", h.end)
        line = self.text[start : end if end >= 0 else len(self.text)]
        wire = _WIRE_PLACE.fullmatch(self.text, start, h.start)
        if wire and _WIRE_AFTER.match(self.text, h.end):
            return True
        if len(line) > DATELINE_CHARS:
            return False
        rest = self.text[start : h.start] + " " + self.text[h.end : start + len(line)]
        words = [w for w in re.findall(r"[A-Za-z]{2,}", rest) if w.lower() not in _FILLER]
        if _BYLINE.search(line):
            return True
        # near the top, a date alone or beside a few words ('Jane Smith, 18 Nov') when it is
        # the page's own date; further down a date heading is a timeline's event
        few = len(words) <= (BYLINE_WORDS if h.value == self.published else 0)
        return few and start < DATELINE_TOP

    def folded(self) -> tuple[str, list[int] | None]:
        if self._folded is None:
            self._folded = fold_diacritics(self.text)
        return self._folded

    def name_spans(self, form: str) -> list[tuple[int, int]]:
        if form not in self._names:
            self._names[form] = _search_name(form, self)
        return self._names[form]

    def expansion_spans(self, acronym: str) -> list[tuple[int, int]]:
        """Runs of capitalised words whose initials spell `acronym`, first 50."""
        key = "\0" + acronym
        if key not in self._names:
            rx = expansion_pattern(acronym)
            found = rx.finditer(self.text) if rx else iter(())
            self._names[key] = [m.span() for _, m in zip(range(50), found, strict=False)]
        return self._names[key]

    def unit_end(self, h: Hit, unit: str | None) -> int | None:
        """End of `unit` among the words after a count ('53 NZDF soldiers'), if it is there."""
        if unit is None or h.unit_from < 0:
            return None
        return next((end for w, end, _ in words_after(self.text, h.unit_from) if w == unit), None)

    def sentence(self, pos: int) -> int:
        if self._ends is None:
            self._ends = [
                m.end() for m in _SENTENCE_END.finditer(self.text) if not self._abbreviation(m)
            ]
        return bisect_left(self._ends, pos + 1)

    def _abbreviation(self, end: re.Match[str]) -> bool:
        """'Oct. 20', 'Mr. Motegi', 'U.S. forces', 'J. Smith': a full stop that ends no sentence."""
        if self.text[end.start()] != ".":
            return False
        word = re.search(r"(\w+)$", self.text[max(0, end.start() - 12) : end.start()])
        return word is not None and (len(word[1]) == 1 or word[1].lower() in ABBREV)

    def sentence_span(self, index: int) -> tuple[int, int]:
        """Start and end of sentence `index` (as numbered by `sentence`), spaces trimmed."""
        self.sentence(0)
        assert self._ends is not None
        start = self._ends[index - 1] if index else 0
        end = self._ends[index] if index < len(self._ends) else len(self.text)
        while end > start and self.text[end - 1].isspace():
            end -= 1
        while start < end and self.text[start].isspace():
            start += 1
        return start, end


def name_spans_in(spec: Specific, src: Source) -> list[tuple[int, int]]:
    """Where a name occurs, first 50 per spelling: as written, as an alias ('NZ' for 'New
    Zealand'), by its initials ('ISA') or, for an acronym, spelled out (acronyms.py)."""
    value = spec.value if spec.kind is K.NAME else name_value(spec.text)
    head, _, rest = value.partition(" ")
    forms = [*ALIAS_INDEX.get(value.lower(), (value,)), *initials_of(spec.text)]
    if rest and head.lower() in ALIAS_INDEX:  # 'UN Command' is 'United Nations Command'
        forms += [f"{alias} {rest}" for alias in ALIAS_INDEX[head.lower()]]
    spans = {span for form in forms for span in src.name_spans(form)}
    if is_acronym(value):
        spans.update(src.expansion_spans(value))
    return sorted(spans)


def _search_name(form: str, src: Source, limit: int = 50) -> list[tuple[int, int]]:
    # The pattern starts with the literal so the regex engine can skip ahead; word boundaries
    # before it are checked by hand.
    acronym = is_acronym(form.replace(" ", ""))
    words = re.split(r"[\s-]+", form if acronym else name_value(form).removeprefix("the "))
    text, where = (src.text, None) if acronym else src.folded()
    tail = r"(?![\w$])" if acronym else r"(?!\w)"
    rx = re.compile(r"[\s-]+".join(_word_pattern(w, acronym) for w in words) + tail)
    spans = []
    for m in rx.finditer(text):
        if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "_."):
            continue
        spans.append((where[m.start()], where[m.end() - 1] + 1) if where else m.span())
        if len(spans) == limit:
            break
    return spans


def _word_pattern(word: str, acronym: bool) -> str:
    """A word of a name; a plural may carry a possessive apostrophe or not ('Veterans' Affairs'
    is also written 'Veterans Affairs')."""
    bare = word.rstrip("'")
    if acronym or not bare.endswith("s"):
        return re.escape(word)
    return re.escape(bare) + "'?"

"""Shared text normalisation and word tokens, always with offsets into the original text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Typographic variants folded for comparison (issue 3, point 1).
QUOTE_CHARS = "\"'“”„‟«»‹›‘’‚‛′″`´ʼ＂＇"
DASH_CHARS = "-‐‑‒–—―−﹘﹣－"
_FOLD = str.maketrans(
    {
        **dict.fromkeys("“”„‟«»″＂", '"'),
        **dict.fromkeys("‘’‚‛′`´ʼ‹›＇", "'"),
        **dict.fromkeys(DASH_CHARS, "-"),
        "…": "...",
        "\u00ad": "",  # soft hyphen
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\u2060": "",
        "\ufeff": "",
    }
)
_SPECIAL = re.compile(r"\s+|[^\x21-\x7e]|[A-Z`]")
_ELLIPSIS_DOTS = re.compile(r"\.(?: ?\.){2,}")
_APOS = "'’ʼ‘"
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = rf"[^\W{_CJK}]+"
# Numbers keep their separators (5.1, 449,000); words keep inner apostrophes (isn't).
TOKEN_RE = re.compile(
    rf"\d+(?:[.,]\d+)+(?:{_WORD})?"
    rf"|{_WORD}(?:[{_APOS}]{_WORD})*"
    rf"|[{_CJK}]"
    r"|[$€£¥₩₽₹%]"
)
# TOKEN_RE for ASCII text: the same tokens, found about twice as fast.
ASCII_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)+\w*|\w+(?:'\w+)*|[$%]", re.ASCII)
# Without `$`, `%` or numbers like 5.1, ASCII tokens are the runs of word characters and of
# apostrophes between two word characters: found by `str.split`, faster than by a regex.
_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")
_LOOSE_APOSTROPHE = re.compile(r"'(?:(?!\w)|(?<!\w'))", re.ASCII)  # not between two
_ASCII_GAPS = str.maketrans(
    dict.fromkeys((c for c in map(chr, range(128)) if not (c.isalnum() or c in "_'")), " ")
)
# Typographic marks with ASCII stand-ins that split text into the same tokens with the same
# keys: none is a word character, and the apostrophes fold to "'" (see tests/test_text.py).
ASCII_STAND_INS = (("’", "'"), ("‘", "'"), ("“", " "), ("”", " "), ("—", " "), ("–", " "))


@dataclass(frozen=True)
class Normalised:
    """Normalised text with `offsets[i]` = index in the original of normalised char i.

    `offsets` has one extra entry at the end (the original length) so spans map cleanly.
    """

    text: str
    offsets: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised [start, end) span back to original offsets."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1


@dataclass(frozen=True)
class Token:
    """One word of a text: its comparison key and its original offsets."""

    key: str
    start: int
    end: int


def fold_char(char: str) -> str:
    """Normalise one character: NFKC, quotes, dashes, ellipsis, case folding."""
    return unicodedata.normalize("NFKC", char.translate(_FOLD)).translate(_FOLD).casefold()


def normalise(text: str, *, fold_case: bool = True) -> Normalised:
    """NFKC, straight quotes, hyphens, `...`, single spaces and (by default) case folding.

    Runs of whitespace (NBSP included) become one space; `. . .` becomes `...`. Every
    character of the result maps back to an original offset.
    """
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _SPECIAL.finditer(text):
        if m.start() > pos:  # plain printable ASCII: copied as is
            out.append(text[pos : m.start()])
            offsets.extend(range(pos, m.start()))
        chunk = m.group()
        if chunk[0].isspace():
            out.append(" ")
            offsets.append(m.start())
        else:
            folded = fold_char(chunk) if fold_case else _fold_keep_case(chunk)
            out.append(folded)
            offsets.extend([m.start()] * len(folded))
        pos = m.end()
    out.append(text[pos:])
    offsets.extend(range(pos, len(text)))
    joined = "".join(out)
    return _dots(Normalised(joined, tuple(offsets) + (len(text),)))


def _fold_keep_case(char: str) -> str:
    return unicodedata.normalize("NFKC", char.translate(_FOLD)).translate(_FOLD)


def _dots(norm: Normalised) -> Normalised:
    """Rewrite `. . .` (spaced ellipsis) as `...`, keeping the offset map aligned."""
    if ". ." not in norm.text:
        return norm
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _ELLIPSIS_DOTS.finditer(norm.text):
        parts.append(norm.text[pos : m.start()])
        offsets.extend(norm.offsets[pos : m.start()])
        dots = [i for i in range(m.start(), m.end()) if norm.text[i] == "."]
        parts.append("." * len(dots))
        offsets.extend(norm.offsets[i] for i in dots)
        pos = m.end()
    parts.append(norm.text[pos:])
    offsets.extend(norm.offsets[pos:])
    return Normalised("".join(parts), tuple(offsets))


def collapse_whitespace(text: str) -> str:
    """Every run of Unicode whitespace (NBSP included) becomes one space; ends trimmed."""
    return " ".join(text.split())  # str.split() splits on exactly the chars \s matches


def fold(text: str) -> str:
    """The comparison form of a string (see `normalise`), without the offset map."""
    return normalise(text).text


def token_key(word: str) -> str:
    """Comparison key of one token: NFKC, folded apostrophes, no soft hyphens, casefolded."""
    if word.isascii():
        return word.lower()
    return unicodedata.normalize("NFKC", word.translate(_FOLD)).translate(_FOLD).casefold()


def ascii_keys(text: str) -> list[str] | None:
    """`token_key` of every token of ASCII `text` (typographic marks allowed); else None.

    A few passes over the whole text rather than a call per word: the quote matcher's fast
    path (issue 3, point 8). The tokens are those of TOKEN_RE.
    """
    plain = ascii_stand_in(text)
    if plain is None:
        return None
    low = plain.lower()  # token_key of an ASCII word is its lower case
    if not plain_words_only(low):
        return ASCII_TOKEN_RE.findall(low)
    if "'" in low:
        low = _LOOSE_APOSTROPHE.sub(" ", low)
    return low.translate(_ASCII_GAPS).split()


def plain_words_only(text: str) -> bool:
    """Whether ASCII `text` has no `$`, `%` or number like 5.1 or 1,000: its tokens are then
    the runs of word characters (and apostrophes between two). A translate and a few
    substring searches: several times faster than a regex search of the whole text."""
    if "$" in text or "%" in text:
        return False
    digits = text.translate(_DIGITS_AS_ZERO)
    return "0.0" not in digits and "0,0" not in digits


def ascii_stand_in(text: str) -> str | None:
    """`text` with its typographic marks as their same-length ASCII stand-ins, if then ASCII."""
    if text.isascii():
        return text
    for mark, stand_in in ASCII_STAND_INS:
        text = text.replace(mark, stand_in)
    return text if text.isascii() else None


def tokenize(text: str) -> list[Token]:
    """Words, numbers, CJK characters and currency/percent signs, with original offsets."""
    return [Token(token_key(m.group()), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]

"""Words that carry a quote's meaning: what an ellipsis drops, and what governs a quote (issue 16).

Journalism's rule (AP, Reuters, Chicago): an ellipsis may shorten a quotation, never change
its meaning. These are word classes, not phrases: a negation, a modal or hedge, a quantifier,
a condition or contrast, a number or a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from factcheck.match.candidates import PageIndex


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NEGATIONS = _words(
    "not no never none nobody nothing nowhere neither nor without cannot cant won't nay non "
    "can't don't doesn't didn't isn't aren't wasn't weren't hasn't haven't hadn't "
    "shouldn't wouldn't couldn't mustn't needn't ain't n't"
)
NUMBER_WORDS = _words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred thousand million billion trillion dozen dozens half quarter "
    "first second third fourth fifth once twice double triple percent % $ € £ ¥"
)
STOPWORDS = _words(
    "the a an and or but of to in on at for with by from as is are was were be been it its "
    "this that these those he she they we you i his her their our my your not no so if then "
    "than there here which who whom what when where how has have had do does did will would "
    "can could may might should said says also just more most very about into over after"
)
# Modals, epistemic hedges and approximators: how sure, how bound, how exact the speaker is.
MODALS = _words("can could may might must shall should would ought need needs")
EPISTEMIC = _words(
    "possibly potentially perhaps probably likely unlikely maybe allegedly reportedly "
    "apparently seemingly supposedly arguably presumably purportedly conceivably reputedly "
    "ostensibly evidently possible potential probable alleged suspected apparent supposed "
    "purported presumed expected estimated"
)
APPROXIMATORS = _words(
    "nearly almost virtually practically roughly approximately about around partly "
    "partially largely mostly mainly generally usually often sometimes occasionally rarely "
    "seldom hardly barely scarcely slightly somewhat relatively fairly essentially "
    "effectively basically primarily predominantly typically frequently commonly normally "
    "very really extremely highly quite rather too somewhat increasingly"
)
HEDGES = MODALS | EPISTEMIC | APPROXIMATORS
# Quantifiers and focus words: they say how much of something, or only/even which.
QUANTIFIERS = _words(
    "only just merely solely even still yet already some several few many most all every "
    "each any much more less fewer least enough both either various numerous certain "
    "also especially particularly exclusively ever again"
)
# Conditions and contrast: they make the kept words hold only in part.
CONDITIONS = _words(
    "if unless except excepting provided providing whether until but although though "
    "however yet despite whereas otherwise nevertheless nonetheless albeit barring assuming"
)
# Words that report a quote as someone else's, or deny it (`denied it was imminent`).
DENIALS = _words(
    "denied deny denies denying rejected rejects dismissed dismisses disputed disputes "
    "refuted refutes contested contests"
)
NAMING = _words("called dubbed termed labelled labeled branded described")
SHORT_GAP = 2  # an ellipsis this short drops a modifier of the kept words, not a passage
CONTEXT_REACH = 4  # source words before a short quote read for what governs it
PARAGRAPH_WORDS = 12  # a skipped block this long is a paragraph of other material, not a line
SPLICE_SENTENCES = 3  # an ellipsis skipping this many sentence ends joins separate passages
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n")
SENTENCE_BREAK = re.compile(r"[.!?\n]")  # between two words: they are in different sentences
_LINKING = _words("be is are was were been being am have has had")
_LINKS = 1  # plain words allowed between a hedge and the words it governs
_CLAUSE_BREAK = re.compile(r"[.!?;:,()\[\]—–]|\s-\s|\n")
_NEXT_QUOTATION = re.compile(r"[\"”][^\"“”]*?(?:[.!?]\s|\n)[^\"“”]*[\"“]")  # ends one, opens one
_QUOTATION = re.compile(r"[\"“]\s*(?:[^\"“”\s]+\s+){3,}[^\"“”]*[\"”]")  # 4 words or more


@dataclass(frozen=True)
class Omission:
    """Source words an ellipsis drops that change the kept words' meaning."""

    dropped: str  # the source's words the ellipsis stands for (shortened if long)
    note: str  # what the omission does, e.g. "skips 5 sentences"


def is_number(key: str) -> bool:
    """A numeral, a number word or a currency/percent sign."""
    return key in NUMBER_WORDS or any(c.isdigit() for c in key)


def is_name(text: str, start: int) -> bool:
    """A capitalised word that does not merely start a sentence (nor is `I`)."""
    if not text[start].isupper() or text[start : start + 2].rstrip(" ’'") == "I":
        return False
    before = text[max(0, start - 3) : start].rstrip(" \"'“‘(\u00a0")
    return bool(before) and before[-1] not in ".!?:\n"


def is_negation(key: str) -> bool:
    return key in NEGATIONS or key.endswith(("n't", "n’t"))


def judge_gap(page: PageIndex, s1: int, s2: int) -> Omission | None:
    """What an ellipsis between page words s1 (the first dropped) and s2 drops, if it matters.

    A splice: it skips another quotation, a whole paragraph or several sentences. A change:
    it drops a negation of the kept words' sentence, or in a short gap a hedge, quantifier,
    condition, number or name that modifies them.
    """
    if s2 <= s1:
        return None
    gap = page.text[_after(page, s1 - 1) : _before(page, s2)]
    dropped = _shorten(page.text[page.starts[s1] : page.ends[s2 - 1]])
    splice = _splice(gap)
    if splice:
        return Omission(dropped, splice)
    if any(is_negation(page.keys[i]) for i in _beside_kept(page, s1, s2)):
        return Omission(dropped, "drops a negation")
    keys = page.keys[s1:s2]
    if len(keys) == 1 and is_name(page.text, page.starts[s1]):
        return Omission(dropped, "drops a name")
    kinds = [_meaning(key) for key in keys]
    if len(keys) > SHORT_GAP or not all(kinds):
        return None  # a passage, or a phrase with more in it than a modifier: an abridgement
    return Omission(dropped, f"drops {kinds[0]}")


def _meaning(key: str) -> str:
    """What kind of meaning a word carries on its own ('' if none of these)."""
    if key in HEDGES or key in QUANTIFIERS:
        return "a hedge or qualifier"
    if key in CONDITIONS:
        return "a condition"
    return "a number" if is_number(key) else ""


def _beside_kept(page: PageIndex, s1: int, s2: int) -> list[int]:
    """Gap words [s1, s2) within SHORT_GAP words of the kept words, in their sentence."""
    near = [*range(s1, min(s2, s1 + SHORT_GAP)), *range(max(s1, s2 - SHORT_GAP), s2)]
    first = _after(page, s1 - 1)
    ends = [m.start() for m in _SENTENCE_END.finditer(page.text, first, _before(page, s2))]
    return [i for i in near if not ends or page.starts[i] < ends[0] or page.ends[i] > ends[-1]]


def _after(page: PageIndex, i: int) -> int:
    """Where the text after page word i starts (0 before the first word)."""
    return page.ends[i] if i >= 0 else 0


def _before(page: PageIndex, i: int) -> int:
    """Where page word i starts (the text's end after the last word)."""
    return page.starts[i] if i < len(page.keys) else len(page.text)


def _splice(gap: str) -> str:
    """Why a gap joins separate passages ('' if it does not)."""
    if _QUOTATION.search(gap) or _NEXT_QUOTATION.search(gap):
        return "skips another quotation"
    if gap.count("\n\n") >= 2 and len(gap.split()) >= PARAGRAPH_WORDS:
        return "skips a paragraph"
    sentences = len(_SENTENCE_END.findall(gap))
    return f"skips {sentences} sentences" if sentences >= SPLICE_SENTENCES else ""


def _shorten(text: str, keep: int = 8) -> str:
    words = text.split()
    if len(words) <= 2 * keep + 1:
        return " ".join(words)
    return " ".join(words[:keep]) + " … " + " ".join(words[-keep:])


def governing_words(page: PageIndex, w0: int, w1: int, short: bool) -> str:
    """The source's words that govern page words [w0, w1), with them; '' if none do.

    A negation just before the words (or their linking verb); for a short quote also a modal
    or an epistemic hedge, or a denial or naming frame (`what critics called 'imminent'`,
    `so-called`) up to CONTEXT_REACH words back in the same clause.
    """
    reach = CONTEXT_REACH if short else 1
    first = w0
    for i in range(w0 - 1, max(-1, w0 - reach - 1), -1):
        between = page.text[page.ends[i] : page.starts[i + 1]]
        if _CLAUSE_BREAK.search(between):
            break
        first = i
    before = page.keys[first:w0]
    near = len(before) - _LINKS - 1  # a hedge just before the words or their linking verb
    while near > 0 and before[near] in _LINKING:
        near -= 1
    # A long quote's edge word is read for a negation only: a random fragment after `could`
    # or `reportedly` is common, and only a negation reverses what the quote says.
    hedges = MODALS | EPISTEMIC if short else frozenset()
    governed = [i for i, k in enumerate(before) if i >= near and (is_negation(k) or k in hedges)]
    if short:
        governed += [i for i, k in enumerate(before) if k in DENIALS]
        if "what" in before:
            governed += [i for i, k in enumerate(before) if k in NAMING]
        governed += [i for i in range(len(before) - 1) if before[i : i + 2] == ("so", "called")]
    if not governed:
        return ""
    last = min(w1, w0 + CONTEXT_REACH) - 1  # the governing words and the first few they govern
    more = " …" if last < w1 - 1 else ""
    return page.text[page.starts[first + min(governed)] : page.ends[last]] + more

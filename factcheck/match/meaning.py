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
    "not no never none nobody nothing nowhere neither nor without cannot cant won't "
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
MODALS = _words("can could may might must shall should would ought")
EPISTEMIC = _words(
    "possibly potentially perhaps probably likely unlikely maybe allegedly reportedly "
    "apparently seemingly supposedly arguably presumably purportedly conceivably "
    "possible potential probable alleged suspected apparent supposed purported so-called"
)
APPROXIMATORS = _words(
    "nearly almost virtually practically roughly approximately about around partly "
    "partially largely mostly mainly generally usually often sometimes occasionally rarely "
    "seldom hardly barely scarcely slightly somewhat relatively fairly"
)
HEDGES = MODALS | EPISTEMIC | APPROXIMATORS
# Quantifiers and focus words: they say how much of something, or only/even which.
QUANTIFIERS = _words(
    "only just merely solely even still yet already some several few many most all every "
    "each any much more less fewer least enough both either"
)
# Conditions and contrast: they make the kept words hold only in part.
CONDITIONS = _words(
    "if unless except excepting provided providing whether until but although though "
    "however yet despite"
)
# Words that report a quote as someone else's, or deny it (`denied it was imminent`).
DENIALS = _words(
    "denied deny denies denying rejected rejects dismissed dismisses disputed disputes "
    "refuted refutes contested contests so-called"
)
NAMING = _words("called dubbed termed labelled labeled branded described")
SHORT_GAP = 2  # an ellipsis this short drops a modifier of the kept words, not a passage
CONTEXT_REACH = 4  # source words before a short quote read for what governs it
SPLICE_SENTENCES = 3  # an ellipsis skipping this many sentence ends joins separate passages
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n")
_LINKING = _words("be is are was were been being am have has had")
_LINKS = 1  # plain words allowed between a hedge and the words it governs
_CLAUSE_BREAK = re.compile(r"[.!?;:,()\[\]—–]|\s-\s|\n")
_QUOTATION = re.compile(r"[\"“][^\"“”]*?\w+\W+\w+\W+\w+[^\"“”]*[\"”]")


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
    gap = page.text[page.ends[s1 - 1] if s1 else 0 : page.starts[s2]]
    dropped = _shorten(page.text[page.starts[s1] : page.ends[s2 - 1]])
    splice = _splice(gap)
    if splice:
        return Omission(dropped, splice)
    keys = page.keys[s1:s2]
    ends = [m.start() for m in _SENTENCE_END.finditer(gap)]
    same = [  # dropped words in the kept words' own sentences
        i
        for i in range(s1, s2)
        if not ends
        or page.starts[i] - (page.ends[s1 - 1] if s1 else 0) < ends[0]
        or page.starts[i] - (page.ends[s1 - 1] if s1 else 0) > ends[-1]
    ]
    if any(is_negation(page.keys[i]) for i in same):
        return Omission(dropped, "drops a negation")
    if len(keys) > SHORT_GAP:
        return None
    for i, key in enumerate(keys, s1):
        if key in HEDGES or key in QUANTIFIERS:
            return Omission(dropped, "drops a hedge or qualifier")
        if key in CONDITIONS:
            return Omission(dropped, "drops a condition")
        if is_number(key):
            return Omission(dropped, "drops a number")
        if is_name(page.text, page.starts[i]):
            return Omission(dropped, "drops a name")
    return None


def _splice(gap: str) -> str:
    """Why a gap joins separate passages ('' if it does not)."""
    if _QUOTATION.search(gap):
        return "skips another quotation"
    if gap.count("\n\n") >= 2:
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

    A negation or epistemic hedge just before the words (or their linking verb); for a short
    quote also a modal, or a denial or naming frame (`what critics called 'imminent'`,
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
    # A long quote's edge word is read for what most often reverses it; a short quote's
    # neighbours for modals too (a random fragment after `could` is common, after `not` rare).
    hedges = MODALS | EPISTEMIC if short else EPISTEMIC
    governed = [i for i, k in enumerate(before) if i >= near and (is_negation(k) or k in hedges)]
    if short:
        governed += [i for i, k in enumerate(before) if k in DENIALS]
        if "what" in before:
            governed += [i for i, k in enumerate(before) if k in NAMING]
    if not governed:
        return ""
    return page.text[page.starts[first + min(governed)] : page.ends[w1 - 1]]

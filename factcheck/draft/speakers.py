"""Who a quoted passage is attributed to: names, pronouns and speech verbs."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from factcheck.specifics.vocabulary import CONNECTORS, TITLES


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_VERBS = (
    "said says say saying declared declares declaring told tells telling stated states added "
    "adds argued argues claimed claims insisted insists warned warns wrote writes noted notes "
    "observed observes explained explains announced announces asserted asserts remarked "
    "tweeted replied replies responded commented acknowledged admitted conceded suggested "
    "suggests stressed emphasised emphasized called calls described describes urged urges vowed "
    "promised predicted recalled maintained maintains cautioned boasted"
)
_VERB = (
    r"(?:pointed (?:out|to)|points (?:out|to)|quoted as saying|" + "|".join(_VERBS.split()) + ")"
)
_VERB_RX = re.compile(rf"(?<![\w-]){_VERB}(?![\w-])")
_SKIP_BEFORE_VERB = _words(
    "also later then has have had was were is are been being once again earlier further "
    "first recently previously openly repeatedly reportedly publicly subsequently initially "
    "separately herself himself explicitly simply had would will did"
)
_PRONOUNS = frozenset({"he", "she"})
_NAME_TOKEN = re.compile(r"^(?:[A-Z][\w’'.&-]*|[a-z]+-[A-Z][\w-]*)$")
_CONNECTORS = CONNECTORS | {"for", "and"}
_LEADING_STOP = _words(
    "the a an in on at by for from with as this that then but and or so yet however meanwhile "
    "now also there here last next today yesterday after before since while when where if "
    "although though signing speaking writing"
)
# People who speak for others or for a paper: titles to a quote, not names.
_TITLES = TITLES | _words("host leader editor founder reporter correspondent analyst economist")
_TITLE_RX = "|".join(sorted(_TITLES, key=len, reverse=True))
_TITLED_NAME = re.compile(
    rf"\b(?i:{_TITLE_RX})\.?\s+(?:(?:of|for)\s+(?:[A-Z][\w’'-]*\s+){{1,3}}?)?"
    r"(?P<name>[A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+){1,2})\b"
)
_ORG_WORDS = _words(
    "times post news herald force forces ministry department government agency office party "
    "group council committee union university institute association police army navy bank "
    "commission court press service services"
)
# Capitalised only because they start a sentence: 'Officials said …' names no one.
_COMMON_SUBJECTS = _words(
    "officials critics analysts experts sources reports residents authorities ministers "
    "observers diplomats witnesses police lawyers scientists researchers economists others "
    "many some several both"
)
_NOT_FIRST = (
    _TITLES
    | _LEADING_STOP
    | _ORG_WORDS
    | _words(
        "january february march april may june july august september october november december "
        "monday tuesday wednesday thursday friday saturday sunday said says told"
    )
)
MASK = "\x1f"  # stands in for quoted words, so attribution patterns never read inside quotes


@dataclass
class People:
    """Named people of the article, for surnames ('Collins') and pronouns ('she said')."""

    full: dict[str, str]  # surname -> full name, first seen
    mention: re.Pattern[str] | None
    seen: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # per paragraph

    def canonical(self, name: str) -> str:
        """The full name for a bare surname the article gives in full, else `name`."""
        return self.full.get(name, name) if " " not in name else name

    def last_before(self, paragraphs: Sequence[str], index: int, pos: int) -> str | None:
        """The last person named in the paragraph before `pos`, else in the previous one."""
        here = self.mentions(paragraphs, index)
        at = bisect_right(here, (pos,)) - 1
        if at >= 0:
            return here[at][1]
        before = self.mentions(paragraphs, index - 1) if index else []
        return before[-1][1] if before else None

    def mentions(self, paragraphs: Sequence[str], index: int) -> list[tuple[int, str]]:
        """Where known people are named in paragraph `index` (cached)."""
        if index not in self.seen:
            found = self.mention.finditer(paragraphs[index]) if self.mention else ()
            self.seen[index] = [(m.start(), self.canonical(m.group().split()[-1])) for m in found]
        return self.seen[index]


def find_people(paragraphs: Sequence[str], subjects: Sequence[str]) -> People:
    """The article's people: full names of titled names and named subjects, and the given
    name of a surname-only subject where the article writes it in full somewhere."""
    full: dict[str, str] = {}
    names = [m["name"] for p in paragraphs for m in _TITLED_NAME.finditer(p)]
    for name in [*names, *subjects]:
        words = name.split()
        if _is_person(name) and len(words) > 1:
            full.setdefault(words[-1], name)
    singles = {s for s in subjects if " " not in s and _is_person(s)}
    for single in singles - set(full):
        pair = re.compile(rf"\b([A-Z][a-z’'-]+) {re.escape(single)}\b")
        first = (
            m[1] for p in paragraphs for m in pair.finditer(p) if m[1].lower() not in _NOT_FIRST
        )
        if given := next(first, None):
            full[single] = f"{given} {single}"
    known = sorted(set(full) | set(full.values()) | singles, key=len, reverse=True)
    rx = re.compile(r"\b(?:" + "|".join(map(re.escape, known)) + r")\b") if known else None
    return People(full, rx)


def _is_person(name: str) -> bool:
    words = name.split()
    return (
        0 < len(words) <= 3
        and not any(w.isupper() or w.lower() in _ORG_WORDS | _TITLES for w in words)
        and all(w[:1].isupper() for w in words)
    )


def _clean_name(tokens: list[str]) -> str | None:
    """'NZ Prime Minister Christopher Luxon' -> 'Christopher Luxon'; 'The Japan Times' ->
    'Japan Times'; 'Then Collins' -> 'Collins'."""
    while tokens and tokens[0].lower() in _LEADING_STOP | _CONNECTORS:
        tokens = tokens[1:]
    for i in range(len(tokens) - 1, -1, -1):
        if re.search(r"[’']s?$", tokens[i]) and i < len(tokens) - 1:
            tokens = tokens[i + 1 :]  # "Japan’s Motegi"
            break
    titles = [i for i, t in enumerate(tokens) if t.lower().rstrip(".") in _TITLES]
    if titles and titles[-1] < len(tokens) - 1:
        tokens = tokens[titles[-1] + 1 :]
        if tokens[0] in ("of", "for"):
            tokens = tokens[1:][-2:] if len(tokens) > 3 else []
    while tokens and tokens[-1].lower() in _CONNECTORS:
        tokens = tokens[:-1]
    return " ".join(tokens) or None


def _name_before(text: str) -> str | None:
    """The capitalised name that ends `text` (the subject right before a verb), if any."""
    tokens: list[str] = []
    for token in reversed(text.split()):
        if token[-1] in ",:;)(\x1f" or not (_NAME_TOKEN.match(token) or token in _CONNECTORS):
            break
        tokens.insert(0, token)
    return _clean_name(tokens) if tokens and _NAME_TOKEN.match(tokens[-1]) else None


def _name_after(text: str) -> str | None:
    """The capitalised name that starts `text` ('the NZDF', 'Defence Minister Judith Collins')."""
    tokens: list[str] = []
    for i, token in enumerate(text.split()[:8]):
        if i == 0 and token.lower() == "the":
            continue
        if not (_NAME_TOKEN.match(token) or (tokens and token in _CONNECTORS)):
            break
        tokens.append(token)
    return _clean_name(tokens) if tokens else None


Subject = tuple[str, str]  # ("name" | "pronoun" | "role" | "common", text)

# 'the minister', 'a government spokesperson', 'the country’s foreign minister': a role, not a
# name, but what the text says; the checker can put the name in.
_ROLE = (
    r"(?i:the|a|an|his|her|their|its|our)(?:\s+[a-z][\w’'-]*){0,3}?\s+(?:"
    + "|".join(sorted(_TITLES | {"official", "officer"}, key=len, reverse=True))
    + r")(?![\w’'-])"
)
_ROLE_BEFORE = re.compile(rf"(?<![\w-]){_ROLE}$")


def _subject(before: str) -> Subject | None:
    """Who does the verb that follows `before`: a name, a pronoun, a role or a common noun."""
    words = before.split()
    while words and (
        words[-1].lower() in _SKIP_BEFORE_VERB or re.fullmatch(r"[a-z]+ly", words[-1])
    ):
        words.pop()
    if not words:
        return None
    last = words[-1]
    if last.lower() in _PRONOUNS:
        return "pronoun", last.lower()
    text = " ".join(words)
    appositive = re.search(r"([^,]+),[^,]{1,80},$", text)
    if appositive and (name := _name_before(appositive.group(1))):
        return "name", name
    if name := _name_before(text):
        return ("common", name) if name.lower() in _COMMON_SUBJECTS else ("name", name)
    if role := _ROLE_BEFORE.search(text):
        return "role", role.group()
    if re.fullmatch(r"[a-z][\w-]*", last) and last not in _CONNECTORS:
        return "common", last
    return None


_AFTER = re.compile(
    rf"[\s,;:—–-]*(?:(?P<verb>{_VERB})\s+(?P<named>(?:the\s+)?[A-Z][^,.;:!?\x1f]*)"
    rf"|(?P<subj>[^,.;:!?\x1f]{{1,50}}?)\s+{_VERB}(?![\w-]))"
)
_ROLE_AFTER = re.compile(rf"[\s,;:—–-]*{_VERB}\s+(?P<role>{_ROLE})")
_ACCORDING = re.compile(r"\b[Aa]ccording to\s+(?P<who>[^,.;:!?\x1f]+)")


def attribute(masked: str, q_start: int, q_end: int) -> Subject | None:
    """The subject credited with the quote at masked[q_start:q_end], by pattern priority:
    right after it ('…,” she said'), the nearest speech verb before it ('Collins told X
    that “…”'), 'according to X', then a speech verb later in the sentence."""
    after = _AFTER.match(masked, q_end)
    if after and after["named"] and (name := _name_after(after["named"])):
        return "name", name
    if role := _ROLE_AFTER.match(masked, q_end):
        return "role", role["role"]
    if after and after["subj"] and (found := _subject(after["subj"])):
        return found
    for verb in reversed(list(_VERB_RX.finditer(masked, 0, q_start))):
        found = _subject(masked[: verb.start()])
        if found:
            return found
    if (according := _ACCORDING.search(masked)) and (name := _name_after(according["who"])):
        return "name", name
    for verb in _VERB_RX.finditer(masked, q_end):
        found = _subject(masked[q_end : verb.start()])
        if found and found[0] != "common":
            return found
    return None

"""Who a quoted passage is attributed to: names, pronouns, descriptions and speech verbs."""

from __future__ import annotations

import re
from typing import NamedTuple

from factcheck.draft.vocabulary import (
    COMMON_SUBJECTS,
    CONNECTORS,
    DETERMINERS,
    LEADING_STOP,
    NOT_FIRST,
    PRONOUNS,
    SKIP_BEFORE_VERB,
    SPEECH_VERBS,
    TITLES,
    is_person,
)


class Subject(NamedTuple):
    """Who does a speech verb: a name, a pronoun (at offset `at` of the sentence), a role or
    description ('the minister', 'one legal expert'), or a common noun naming no one."""

    kind: str  # "name" | "pronoun" | "role" | "common"
    text: str
    at: int = 0


_VERB = (
    r"(?:pointed (?:out|to)|points (?:out|to)|quoted as saying|"
    + "|".join(sorted(SPEECH_VERBS, key=len, reverse=True))
    + ")"
)
_VERB_RX = re.compile(rf"(?<![\w-]){_VERB}(?![\w-])")
_NAME_TOKEN = re.compile(r"^(?:[A-Z][\w’'.&-]*|[a-z]+-[A-Z][\w-]*)$")
_BE = frozenset(["is", "are", "was", "were", "be", "been", "being"])
_QUANTIFIERS = DETERMINERS | frozenset(["all", "both", "each", "every"])
_ASIDE = re.compile(r"\s*\([^()]{1,40}\)")
_NOT_NOUN = ("ed", "ing", "al", "ive", "ic", "ful", "ous", "ly")  # not a description's head
_DESCRIPTION_WORD = re.compile(r"^(?:[a-z][\w’'-]*|\d[\w-]*|[A-Z][A-Za-z]+)$")
MASK = "\x1f"  # stands in for quoted words, so attribution patterns never read inside quotes


def _clean_name(tokens: list[str]) -> str | None:
    """'NZ Prime Minister Christopher Luxon' -> 'Christopher Luxon'; 'The Japan Times' ->
    'Japan Times'; 'Then Collins' -> 'Collins'."""
    while tokens and tokens[0].lower() in LEADING_STOP | CONNECTORS:
        tokens = tokens[1:]
    for i in range(len(tokens) - 1, -1, -1):
        if re.search(r"[’']s?$", tokens[i]) and i < len(tokens) - 1:
            tokens = tokens[i + 1 :]  # "Japan’s Motegi"
            break
    titles = [i for i, t in enumerate(tokens) if t.lower().rstrip(".") in TITLES]
    if titles and titles[-1] < len(tokens) - 1:
        tokens = tokens[titles[-1] + 1 :]
        if tokens[0] in ("of", "for"):
            tokens = tokens[1:][-2:] if len(tokens) > 3 else []
    while tokens and tokens[-1].lower() in CONNECTORS:
        tokens = tokens[:-1]
    return " ".join(tokens) or None


def _name_before(text: str) -> str | None:
    """The capitalised name that ends `text` (the subject right before a verb), if any."""
    tokens: list[str] = []
    for token in reversed(text.split()):
        if token[-1] in ",:;)(\x1f" or not (_NAME_TOKEN.match(token) or token in CONNECTORS):
            break
        tokens.insert(0, token)
    return _clean_name(tokens) if tokens and _NAME_TOKEN.match(tokens[-1]) else None


def _name_after(text: str) -> str | None:
    """The capitalised name that starts `text` ('the NZDF', 'Defence Minister Judith Collins')."""
    tokens: list[str] = []
    for i, token in enumerate(text.split()[:8]):
        if i == 0 and token.lower() == "the":
            continue
        if not (_NAME_TOKEN.match(token) or (tokens and token in CONNECTORS)):
            break
        tokens.append(token)
    return _clean_name(tokens) if tokens else None


_ROLE = (
    r"(?i:the|a|an|his|her|their|its|our)(?:\s+[a-z][\w’'-]*){0,3}?\s+(?:"
    + "|".join(sorted(TITLES, key=len, reverse=True))
    + r")s?(?![\w’'-])"
)
_ROLE_BEFORE = re.compile(rf"(?<![\w-]){_ROLE}$")


def _description(words: list[str]) -> str | None:
    """'the physicians', 'one Weibo commenter', 'The 56-year-old', 'federal prosecutors': the
    noun phrase ending `words`, led by a determiner or a plural noun (issue 20, point 2)."""
    phrase: list[str] = []
    for word in reversed(words[-5:]):
        if not _DESCRIPTION_WORD.match(word) or word.lower() in LEADING_STOP - DETERMINERS:
            break
        phrase.insert(0, word)
        if word.lower() in DETERMINERS:
            return " ".join(phrase) if not phrase[-1].endswith(_NOT_NOUN) else None
    head = phrase[-1] if phrase else ""
    if head.endswith(_NOT_NOUN) or not head.islower():
        return None
    plural = head.endswith("s") and not head.endswith("ss")
    return " ".join(phrase) if plural and len(phrase) <= (4 if phrase == words else 2) else None


def _subject(before: str, offset: int = 0, passive: bool = True) -> Subject | None:
    """Who does the verb that follows `before` (at `offset` of its sentence); no one when
    the verb is passive ('it has been dubbed'). An aside in brackets is skipped: 'Rep. Adam
    Schiff (D-Calif.) said'."""
    words = _ASIDE.sub("", before).split()
    if passive and words and words[-1].lower() in _BE | _QUANTIFIERS:
        return None  # passive ('has been dubbed'), or a noun ('in all states')
    while words and (words[-1].lower() in SKIP_BEFORE_VERB or re.fullmatch(r"[a-z]+ly", words[-1])):
        words.pop()
    if not words:
        return None
    last = words[-1]
    if last in ("I", "We", "we"):
        return Subject("common", last)  # the writer: no one to name
    if last.lower() in PRONOUNS:
        return Subject("pronoun", last.lower(), offset + before.rstrip().rfind(last))
    text = " ".join(words)
    if text.endswith(",") and (name := _named_in(text.split(",")[0])):
        return Subject("name", name)  # 'Figgins, who represents Thomas, said'
    appositive = re.search(r"([^,]+),[^,]{1,80},$", text)
    if appositive and (name := _name_before(appositive.group(1))):
        return Subject("name", name)
    if name := _name_before(text):
        name = name.split(" of the ")[0]
        if " " not in name and name.lower() in COMMON_SUBJECTS:
            return Subject("role", name.lower())  # 'Officials said …' names no one
        return Subject("name", name)
    if role := _ROLE_BEFORE.search(text):
        return Subject("role", role.group())
    if description := _description(words):
        return Subject("role", description)
    if re.fullmatch(r"[a-z][\w-]*", last) and last not in CONNECTORS:
        return Subject("common", last)
    return None


def _after_verb(clause: str) -> Subject | None:
    """Who a verb after the quote names: 'says veteran industry analyst Ken Doctor', 'said
    the NZDF', 'said one legal expert', 'wrote 43-year-old Martin Taylor of Aberdeen'."""
    words = clause.split()
    for i, word in enumerate(words[:8]):
        if word.lower() in NOT_FIRST - DETERMINERS and word[:1].isupper():
            return None  # 'said Tuesday at the conference'
        if _NAME_TOKEN.match(word) and word[:1].isupper():
            lead = i == 1 and words[0].lower() == "the"
            if i and not lead and not is_person(" ".join(words[i : i + 2])):
                break
            name = _name_after(re.split(r" (?:of|for|and|from|in) ", " ".join(words[i:]))[0])
            return Subject("name", name) if name else None
        if not _DESCRIPTION_WORD.match(word):
            return None
    phrase = re.split(r" (?:in|of|at|from|with|who|which|on|for) ", " ".join(words))[0].split()
    if words and words[0].lower() in DETERMINERS and (described := _description(phrase)):
        return Subject("role", described)
    return None


def _first_name(text: str) -> str | None:
    """The first name a sentence gives (of a person or a body), if any."""
    for run in re.finditer(r"[A-Z][\w’'-]*(?:\s+(?:[A-Z][\w’'.-]*|of|for|and))*", text):
        tokens = run.group().split()
        while tokens and tokens[0].lower() in NOT_FIRST:
            tokens = tokens[1:]
        if tokens and tokens[-1][:1].isupper():
            return _clean_name(tokens)
    return None


def _named_in(text: str) -> str | None:
    """A person's name that `text` consists of ('But Montell Figgins'), if any."""
    tokens = text.split()
    if not tokens or not all(
        _NAME_TOKEN.match(t) or t.lower() in LEADING_STOP | CONNECTORS for t in tokens
    ):
        return None
    name = _name_before(text)
    ok = name and is_person(name) and name.split()[0].lower() not in NOT_FIRST
    return name if ok else None


_WORDS = r"(?:[^,.;:!?\x1f]|\.(?=\s[A-Z]|[,)]))"  # a clause ('Dr. Luz Arroyo', 'R-Neb.,')
_AFTER = re.compile(
    rf"[\s,;:—–-]*(?:(?P<verb>{_VERB})\s+(?P<named>{_WORDS}*)"
    rf"|(?P<subj>{_WORDS}{{1,50}}?(?:,{_WORDS}{{1,100}},)?)\s+{_VERB}(?![\w-]))"
)
_ACCORDING = re.compile(rf"\b[Aa]ccording to\s+(?P<who>{_WORDS}+)")
_INVERTED = re.compile(rf",\s+(?:{_VERB})\s+(?P<named>{_WORDS}+)")


def attribute(masked: str, q_start: int, q_end: int) -> Subject | None:
    """The subject credited with the quote at masked[q_start:q_end], by pattern priority:
    right after it ('…,” she said'), the nearest speech verb before it ('Collins told X
    that “…”'), 'according to X', ', reports Wee' later on, then a later speech verb."""
    after = _AFTER.match(masked, q_end)
    if after and after["named"] is not None and (found := _after_verb(after["named"])):
        return _appositive_name(masked, after.end(), found)
    if after and after["subj"] and (found := _subject(after["subj"], after.start("subj"))):
        return found
    for verb in reversed(list(_VERB_RX.finditer(masked, 0, q_start))):
        participle = verb.group().endswith("ing")
        if participle and (name := _first_name(masked[: verb.start()])):
            return Subject("name", name)  # 'Hawk Sawyer issued a statement, saying “…”'
        found = _subject(masked[: verb.start()], passive=not participle)
        if found and found.kind != "common":
            return found

    if (according := _ACCORDING.search(masked)) and (found := _according(according["who"])):
        return found
    for inverted in _INVERTED.finditer(masked, q_end):
        if found := _after_verb(inverted["named"]):
            return _appositive_name(masked, inverted.end(), found)
    for verb in _VERB_RX.finditer(masked, q_end):
        found = _subject(masked[q_end : verb.start()], q_end)
        if found and found.kind != "common":
            return found
    return None


def _according(who: str) -> Subject | None:
    """'according to the NZDF', 'according to a survey by Penelope Abernathy', 'according to
    court records'."""
    if found := _after_verb(who):
        return found
    described = _description(who.split()[:2])
    return Subject("role", described) if described else None


def _appositive_name(masked: str, end: int, found: Subject) -> Subject:
    """'said another witness, former adviser Fiona Hill': the name the description gives."""
    if found.kind != "role":
        return found
    chunk = re.match(r",\s*([^,.;:!?\x1f]+)", masked[end:])
    name = _name_before(chunk.group(1)) if chunk else None
    return Subject("name", name) if name and " " in name and is_person(name) else found


_TRAILING = re.compile(rf",\s+(?P<who>{_WORDS}{{1,40}}?)\s+{_VERB}\s*[.:]?$")


def trailing_subject(sentence: str) -> Subject | None:
    """Who a sentence ends by crediting ('Sometimes employees don't follow the rules, he
    said.'): the speaker of a quotation that follows it unattributed."""
    found = _TRAILING.search(sentence)
    return _subject(found["who"], found.start("who")) if found else None


# 'That's the optimistic view mouthed by Michael Reed, …': the next paragraph credits the
# quoted words before it by pointing back at them (issue 20, point 7).
_POINTS_BACK = re.compile(
    r"^(?:That|This|These|Those|Such)(?:[’']s|\s+(?:is|was|are|were))?\s"
    r"[^.!?;\x1f]{0,80}?\b(?:by|of|from)\s+(?P<who>[^.!?;\x1f]+)"
)


def credited_after(sentence: str) -> Subject | None:
    """The person a paragraph's opening sentence credits with the words before it, if any."""
    found = _POINTS_BACK.match(sentence)
    name = _name_after(found["who"].split(",")[0]) if found else None
    return Subject("name", name, found.start("who")) if found and name else None

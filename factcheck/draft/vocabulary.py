"""Words of English news attribution: speech verbs, titles, determiners, organisations."""

from __future__ import annotations

from factcheck.specifics.vocabulary import CONNECTORS as NAME_CONNECTORS
from factcheck.specifics.vocabulary import TITLES as BASE_TITLES


def words(text: str) -> frozenset[str]:
    """The set of the whitespace-separated words of `text`."""
    return frozenset(text.split())


# Verbs that credit words to someone, present and past (issue 20, point 2).
SPEECH_VERBS = words(
    "said says say saying declared declares declaring told tells telling stated states added "
    "adds argued argues claimed claims insisted insists warned warns wrote writes noted notes "
    "observed observes explained explains announced announces asserted asserts remarked "
    "tweeted replied replies responded commented acknowledged acknowledges admitted conceded "
    "suggested suggests stressed emphasised emphasized called calls described describes urged "
    "urges vowed promised predicted recalled maintained maintains cautioned boasted reported "
    "reports testified testifies written concluded concludes asked asks alleged alleges pledged "
    "pledges assured assures "
    "blasted dubbed dubs countered complained complains confirmed confirms denied disclosed "
    "revealed reiterated lamented joked mused demanded hinted quipped shouted whispered texted "
    "adding writing warning noting arguing explaining asking"
)
SKIP_BEFORE_VERB = words(
    "also later then has have had was were is are been being once again earlier further "
    "first recently previously openly repeatedly reportedly publicly subsequently initially "
    "separately herself himself explicitly simply had would will did allegedly even still "
    "instead who which"
)
PRONOUNS = frozenset({"he", "she"})
CONNECTORS = NAME_CONNECTORS | {"for", "and"}
LEADING_STOP = words(
    "the a an in on at by for from with as this that then but and or so yet however meanwhile "
    "now also there here last next today yesterday after before since while when where if "
    "although though signing speaking writing"
)
# People who speak for others or for a paper: titles to a quote, not names.
TITLES = BASE_TITLES | words(
    "host leader editor founder reporter correspondent analyst economist sen rep gov lt col "
    "gen adviser advisor lawyer attorney officer official expert"
)
ORG_WORDS = words(
    "times post news herald force forces ministry department government agency office party "
    "group council committee union university institute association police army navy bank "
    "commission court press service services center centre hospital"
)
# Capitalised only because they start a sentence: 'Officials said …' names no one.
COMMON_SUBJECTS = words(
    "officials critics analysts experts sources reports residents authorities ministers "
    "observers diplomats witnesses police lawyers scientists researchers economists others "
    "many some several both prosecutors investigators doctors physicians"
)
# Who a description of a speaker starts with: 'one legal expert', 'the physicians'.
DETERMINERS = words(
    "the a an one two three several some many another his her their its our this that these"
)
NOT_FIRST = (
    TITLES
    | LEADING_STOP
    | ORG_WORDS
    | DETERMINERS
    | words(
        "january february march april may june july august september october november december "
        "monday tuesday wednesday thursday friday saturday sunday said says told"
    )
)


def is_person(name: str) -> bool:
    """Looks like a person's name: one to three capitalised words, no organisation word."""
    parts = name.split()
    return (
        0 < len(parts) <= 3
        and not any(
            (w.isupper() and len(w.rstrip(".")) > 1) or w.lower().rstrip(".") in ORG_WORDS | TITLES
            for w in parts
        )
        and all(w[:1].isupper() for w in parts)
    )

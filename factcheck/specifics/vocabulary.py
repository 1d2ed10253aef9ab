"""Word lists for specifics: numbers, months, currencies, titles, name words."""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


MONTH_NAMES = (
    "January February March April May June July August September October November December"
)
MONTHS = {m.lower(): i for i, m in enumerate(MONTH_NAMES.split(), 1)}
MONTHS.update({m[:3].lower(): i for m, i in MONTHS.copy().items()} | {"sept": 9})
SMALL = _words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
TENS = _words("twenty thirty forty fifty sixty seventy eighty ninety")
ORD = _words(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
)
ORD_TENS = _words("twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth")
WORD_VALUES = {w: i for i, w in enumerate(SMALL)} | {w: 20 + 10 * i for i, w in enumerate(TENS)}
ORD_VALUES = {w: i for i, w in enumerate(ORD, 1)} | {w: 20 + 10 * i for i, w in enumerate(ORD_TENS)}
SCALES = {
    "hundred": 100,
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
}
SCALES |= {"k": 10**3, "m": 10**6, "mn": 10**6, "b": 10**9, "bn": 10**9, "tn": 10**12}
CURRENCIES = {
    "nz$": "NZD", "$nz": "NZD", "nzd": "NZD", "new zealand dollar": "NZD", "nz dollar": "NZD",
    "us$": "USD", "$us": "USD", "usd": "USD", "us dollar": "USD", "u.s. dollar": "USD",
    "american dollar": "USD", "a$": "AUD", "au$": "AUD", "$a": "AUD", "$au": "AUD", "aud": "AUD",
    "australian dollar": "AUD", "c$": "CAD", "ca$": "CAD", "cad": "CAD", "canadian dollar": "CAD",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "£": "GBP", "gbp": "GBP", "pound": "GBP",
    "pound sterling": "GBP", "¥": "JPY", "jpy": "JPY", "yen": "JPY", "yuan": "CNY",
    "renminbi": "CNY", "cny": "CNY", "$": "$", "dollar": "$",
}  # fmt: skip
DOLLARS = {"$", "NZD", "USD", "AUD", "CAD"}
STOP = _wordset(
    "a an the and or but of to in on at by for from with as than that which who whom is are was "
    "were be been being has have had will would can could may might its it their his her our this "
    "these those into onto per since after before during about including while when where if "
    "ago away later earlier each every any"
)
PASS = _wordset("new more other additional different extra further separate")
COLLECTIVE = _wordset("personnel staff people troops police crew children men women aircraft")
TITLES = _wordset(
    "minister minster president secretary director chief head chair chairman chairwoman "
    "spokesperson spokesman spokeswoman ambassador senator governor mayor premier chancellor "
    "commissioner commander general admiral captain colonel lieutenant sergeant judge deputy "
    "pm mr mrs ms dr prof professor sir dame lord lady king queen prince princess vice acting"
)
CONNECTORS = _wordset("of the de van von der den da di du la le bin al")
STOP_CAPS = _wordset(
    "the a an in on at by for from with as this that these those it its he she they we i you his "
    "her their our my your according during after before since while when where if but and or so "
    "yet although though however meanwhile then now also there here some many most several both "
    "each all no not other another such one two three last next today yesterday tomorrow why how "
    "what who which signing defence defense government officials critics analysts experts "
    "ministers sources reports data figures under over amid despite following"
)
DEMONYMS = _wordset(
    "american australian british canadian european asian african french german russian indian "
    "korean filipino western eastern northern southern"
)
INSTITUTIONS = _wordset(
    "agreement treaty act accord pact ministry department commission council committee office "
    "affairs services service institute forces"
)
ORG_WORDS = INSTITUTIONS | _wordset(
    "agency bureau force navy army party union association federation league fund bank "
    "court parliament police corporation company group university council command"
)
# Words before a place that make it where the event happened, not background (roles.py).
LOCATIVE = _wordset("in at to into from visited visit visiting toured near outside")
NOT_NAMES = {"GDP", "GNP", "CEO", "AM", "PM", "TV", "OK", "I"}
_ALIASES = [
    ("US", "U.S.", "USA", "United States"),
    ("NZ", "New Zealand"),
    ("UK", "U.K.", "Britain", "United Kingdom"),
    ("UN", "U.N.", "United Nations"),
]
ALIAS_INDEX = {a.lower(): group for group in _ALIASES for a in group}
QUALIFIERS = (
    "nearly|almost|about|around|approximately|roughly|some|more than|fewer than|less than|"
    "at least|up to|as many as|close to|just over|just under"
)

ABBREV = _wordset("mr mrs ms dr st no vs gen col lt sen rep gov prof inc co ltd jr sr") | set(
    MONTHS
)
PART_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
WEEKDAYS = _wordset("monday tuesday wednesday thursday friday saturday sunday")
ONE_SKIP = _wordset("a the this that which similar another any each every no such")

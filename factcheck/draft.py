"""Draft claims from an article: quoted passages with speakers, and fact sentences."""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import SingleQuotedScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from factcheck.article_html import HtmlParagraph, read_paragraphs
from factcheck.cache import SnapshotCache
from factcheck.claims import load_claims
from factcheck.decode import decode_body
from factcheck.errors import ExitCode, ExtractError, FactcheckError
from factcheck.extract import extract_source, html_to_text
from factcheck.fetch import Fetcher
from factcheck.models import Article, Claim, FetchRequest, FetchResult, SpecificKind
from factcheck.settings import Settings
from factcheck.specifics import extract_specifics


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MAX_TEXT = 10_000  # claims.py rejects longer text fields
SCARE_WORDS = 2  # an unattributed quote of at most this many words is a scare quote
SCARE_TAG = "scare-quote"
UNCLOSED_TAG = "unclosed-quote"

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
_CONNECTORS = _words("of the de van von der den da di du la le bin al for and")
_LEADING_STOP = _words(
    "the a an in on at by for from with as this that then but and or so yet however meanwhile "
    "now also there here last next today yesterday after before since while when where if "
    "although though signing speaking writing"
)
_TITLES = _words(
    "minister minster president secretary director chief head chair chairman chairwoman "
    "spokesperson spokesman spokeswoman ambassador senator governor mayor premier chancellor "
    "commissioner commander general admiral captain colonel lieutenant sergeant judge deputy "
    "mr mrs ms dr prof professor sir dame lord lady king queen prince princess host leader "
    "editor founder reporter correspondent analyst economist"
)
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
_ABBREV = _words(
    "mr mrs ms dr st mt gen col lt sen rep gov prof inc co ltd jr sr vs no nos jan feb mar apr "
    "jun jul aug sep sept oct nov dec fig approx est dept"
)
_BOUNDARY = re.compile(r"[.!?…][\"”’')\]]*\s+(?=[“\"‘'(\[]?[A-Z0-9])")
_MASK = "\x1f"


@dataclass(frozen=True)
class DraftClaim:
    """One drafted claim, ready to be written to claims.yaml."""

    id: str
    claim: str
    quote: str | None = None
    speaker: str | None = None
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    specifics: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuoteSpan:
    """A quoted passage in a paragraph: `start`/`end` include the marks when closed."""

    start: int
    end: int
    closed: bool

    def inner(self, text: str) -> str:
        """The quoted words as printed; a comma the sentence put inside the marks is dropped."""
        body = text[self.start + 1 : self.end - 1 if self.closed else self.end]
        return body.strip().rstrip(",").rstrip()


# --- quotes and sentences ---------------------------------------------------------------------


def find_quotes(paragraph: str) -> list[QuoteSpan]:
    """Top-level double-quoted passages, curly or straight, bounded by the paragraph.

    Single quotes never open a passage (they are apostrophes or nested quotes). An opening
    mark that is never closed yields an unclosed span that stops before the next opening mark
    or at the end of the paragraph, so one stray mark cannot swallow the rest of the article.
    """
    spans: list[QuoteSpan] = []
    start, closer = -1, ""
    for i, ch in enumerate(paragraph):
        if start < 0:
            if ch == "“" or (ch == '"' and _opens(paragraph, i)):
                start, closer = i, "”" if ch == "“" else '"'
        elif ch == closer:
            spans.append(QuoteSpan(start, i + 1, True))
            start = -1
        elif ch == "“" and closer == "”":
            spans.append(QuoteSpan(start, len(paragraph[:i].rstrip()), False))
            start = i
    if start >= 0:
        spans.append(QuoteSpan(start, len(paragraph.rstrip()), False))
    return [s for s in spans if re.search(r"\w", s.inner(paragraph))]


def _opens(text: str, i: int) -> bool:
    """A straight double quote opens a passage unless it is an inch mark or stands alone."""
    after = text[i + 1 : i + 2]
    before = text[i - 1 : i]
    return bool(after) and not after.isspace() and not before.isdigit()


def split_sentences(paragraph: str, quotes: Sequence[QuoteSpan] = ()) -> list[tuple[int, int]]:
    """Sentence spans; a sentence never ends inside a quoted passage."""
    spans, start = [], 0
    starts = [q.start for q in quotes]
    for m in _BOUNDARY.finditer(paragraph):
        cut = m.end()
        at = bisect_right(starts, cut - 1) - 1  # the last passage opening before `cut`
        inside = at >= 0 and quotes[at].start < cut < quotes[at].end
        if inside or _abbreviation(paragraph, m.start()):
            continue
        spans.append((start, m.start() + len(m.group().rstrip())))
        start = cut
    spans.append((start, len(paragraph.rstrip())))
    return [(a, b) for a, b in spans if paragraph[a:b].strip()]


def _abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word = re.search(r"([\w.]+)$", text[max(0, dot - 40) : dot])
    token = word.group(1) if word else ""
    return token.lower() in _ABBREV or (len(token) == 1 and token.isupper()) or "." in token


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of plain text: blank-line separated blocks (hard-wrapped lines are joined),
    or one paragraph per line when the text has no blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = re.split(r"\n[ \t]*\n", text) if re.search(r"\n[ \t]*\n", text) else text.split("\n")
    return [" ".join(b.split()) for b in blocks if b.strip()]


# --- speakers -----------------------------------------------------------------------------


@dataclass
class _People:
    """Named people of the article, for surnames ('Collins') and pronouns ('she said')."""

    full: dict[str, str]  # surname -> full name, first seen
    mention: re.Pattern[str] | None
    seen: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # per paragraph

    def canonical(self, name: str) -> str:
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
        if index not in self.seen:
            found = self.mention.finditer(paragraphs[index]) if self.mention else ()
            self.seen[index] = [(m.start(), self.canonical(m.group().split()[-1])) for m in found]
        return self.seen[index]


def _find_people(paragraphs: Sequence[str], subjects: Sequence[str]) -> _People:
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
    return _People(full, rx)


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


_Subject = tuple[str, str]  # ("name" | "pronoun" | "common", text)


def _subject(before: str) -> _Subject | None:
    """Who does the verb that follows `before`: a name, a pronoun or a common noun."""
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
    if re.fullmatch(r"[a-z][\w-]*", last) and last not in _CONNECTORS:
        return "common", last
    return None


_AFTER = re.compile(
    rf"[\s,;:—–-]*(?:(?P<verb>{_VERB})\s+(?P<named>(?:the\s+)?[A-Z][^,.;:!?\x1f]*)"
    rf"|(?P<subj>[^,.;:!?\x1f]{{1,50}}?)\s+{_VERB}(?![\w-]))"
)
_ACCORDING = re.compile(r"\b[Aa]ccording to\s+(?P<who>[^,.;:!?\x1f]+)")


def _attribute(masked: str, q_start: int, q_end: int) -> _Subject | None:
    """The subject credited with the quote at masked[q_start:q_end], by pattern priority:
    right after it ('…,” she said'), the nearest speech verb before it ('Collins told X
    that “…”'), 'according to X', then a speech verb later in the sentence."""
    after = _AFTER.match(masked, q_end)
    if after and after["named"] and (name := _name_after(after["named"])):
        return "name", name
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


# --- drafting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    """A sentence (fact candidate) or one quoted passage in it, with its context."""

    paragraph: int
    sentences: Sequence[tuple[int, int]]  # every sentence of the paragraph (shared)
    index: int  # which one this is
    inside: Sequence[QuoteSpan]  # the sentence's quoted passages
    quote: QuoteSpan | None = None
    subject: _Subject | None = None

    @property
    def sentence(self) -> tuple[int, int]:
        return self.sentences[self.index]


def draft_claims(article: str | Sequence[HtmlParagraph]) -> list[DraftClaim]:
    """Quote claims for every quoted passage and fact claims for sentences with numbers,
    amounts, percentages or dates, in article order, with unique readable ids."""
    paras = (
        [HtmlParagraph(p) for p in split_paragraphs(article)]
        if isinstance(article, str)
        else list(article)
    )
    texts = [p.text for p in paras]
    found = [f for i, text in enumerate(texts) for f in _scan_paragraph(text, i)]
    subjects = [f.subject[1] for f in found if f.subject and f.subject[0] == "name"]
    people = _find_people(texts, subjects)
    drafts: list[DraftClaim] = []
    seen: set[tuple[str, str | None]] = set()
    ids: set[str] = set()
    for f in found:
        draft = _draft(f, paras, people)
        if draft and (draft.claim, draft.quote) not in seen:
            seen.add((draft.claim, draft.quote))
            slug = unique_id(draft.id, ids)
            ids.add(slug)
            drafts.append(replace(draft, id=slug))
    return drafts


def _scan_paragraph(text: str, index: int) -> list[_Found]:
    quotes = find_quotes(text)
    sentences = split_sentences(text, quotes)
    out: list[_Found] = []
    at = 0
    for n, sentence in enumerate(sentences):
        inside = []
        while at < len(quotes) and quotes[at].start < sentence[1]:
            inside.append(quotes[at])
            at += 1
        out.append(_Found(index, sentences, n, inside))  # a fact claim if it has specifics
        masked = _mask(text, inside, sentence)
        for q in inside:
            subject = None if _so_called(text, q) else _attribute(masked, *_rel(q, sentence))
            out.append(_Found(index, sentences, n, inside, q, subject))
    return out


def _rel(q: QuoteSpan, sentence: tuple[int, int]) -> tuple[int, int]:
    return q.start - sentence[0], min(q.end, sentence[1]) - sentence[0]


def _mask(text: str, quotes: Sequence[QuoteSpan], sentence: tuple[int, int]) -> str:
    chars = list(text[sentence[0] : sentence[1]])
    for q in quotes:
        a, b = _rel(q, sentence)
        chars[a:b] = _MASK * (b - a)
    return "".join(chars)


def _so_called(text: str, q: QuoteSpan) -> bool:
    return bool(re.search(r"\bso-called\s*$", text[max(0, q.start - 20) : q.start], re.I))


def _draft(f: _Found, paras: Sequence[HtmlParagraph], people: _People) -> DraftClaim | None:
    para = paras[f.paragraph]
    claim = para.text[f.sentence[0] : f.sentence[1]].strip()[:MAX_TEXT]
    sources = _links_near(para, f)
    if f.quote is None:
        if not _has_numbers(_unquoted(para.text, f.sentence, f.inside)):
            return None  # numbers inside a quotation are checked with the quote
        specifics = extract_specifics(claim)
        texts = tuple(dict.fromkeys(s.text for s in specifics))
        return DraftClaim(slugify(claim), claim, sources=sources, specifics=texts)
    quote = f.quote.inner(para.text)[:MAX_TEXT]
    speaker = _speaker(f, people, [p.text for p in paras])
    tags = [UNCLOSED_TAG] if not f.quote.closed else []
    if _so_called(para.text, f.quote) or (f.subject is None and len(quote.split()) <= SCARE_WORDS):
        tags.insert(0, SCARE_TAG)
    return DraftClaim(slugify(quote), claim, quote, speaker, sources, tuple(tags))


def _unquoted(text: str, sentence: tuple[int, int], quotes: Sequence[QuoteSpan]) -> str:
    """The sentence with its quoted passages replaced by an ellipsis."""
    a, b = sentence
    pieces, at = [], a
    for q in quotes:
        pieces += [text[at : q.start], "…"]
        at = min(q.end, b)
    return "".join([*pieces, text[at:b]])


def _has_numbers(sentence: str) -> bool:
    return any(s.kind is not SpecificKind.NAME for s in extract_specifics(sentence))


def _speaker(f: _Found, people: _People, texts: Sequence[str]) -> str | None:
    if f.subject is None or f.subject[0] == "common" or f.quote is None:
        return None
    if f.subject[0] == "pronoun":
        return people.last_before(texts, f.paragraph, f.quote.start)
    return people.canonical(f.subject[1])


def _links_near(para: HtmlParagraph, f: _Found) -> tuple[str, ...]:
    """Links in the sentence; failing that, links in the sentences just before and after."""

    def within(a: int, b: int) -> list[str]:
        return [k.url for k in para.links if k.start < b and k.end > a]

    if not para.links:
        return ()
    urls = within(*f.sentence)
    for j in (f.index - 1, f.index + 1) if not urls else ():
        if 0 <= j < len(f.sentences):
            urls += within(*f.sentences[j])
    return tuple(dict.fromkeys(urls))


# --- ids ----------------------------------------------------------------------------------

_ID_STOP = _words("the a an of to and in on at for that is with by as it its")


def slugify(text: str, words: int = 6, limit: int = 48) -> str:
    """A readable id from the first words of `text`: 'Our forces already …' ->
    'our-forces-already-work-well-together'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    tokens = re.findall(r"[a-z0-9]+", ascii_text.lower().replace("'", ""))
    kept = [t for t in tokens if t not in _ID_STOP] or tokens
    slug = ""
    for token in kept[:words]:
        if slug and len(slug) + 1 + len(token) > limit:
            break
        slug = f"{slug}-{token}" if slug else token[:limit]
    return slug or "claim"


def unique_id(slug: str, taken: set[str] | frozenset[str]) -> str:
    """`slug`, or `slug-2`, `slug-3` … the first one not in `taken`."""
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


# --- reading the article --------------------------------------------------------------------


class ArticleError(FactcheckError):
    """The article to draft from is missing, unreadable or has no text."""

    exit_code = ExitCode.BAD_INPUT


@dataclass(frozen=True)
class ArticleInput:
    """An article's paragraphs (with links when it was HTML) and what is known about it."""

    paragraphs: tuple[HtmlParagraph, ...]
    article: Article | None = None


_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_article(
    source: str, base_url: str | None = None, settings: Settings | None = None
) -> ArticleInput:
    """Read ARTICLE: an http(s) URL (fetched politely, snapshot cached), an HTML file or a
    text file. Raises `ArticleError` (exit 4) when it cannot be read or has no text."""
    if source.lower().startswith(("http://", "https://")):
        found = _fetch_article(source, base_url, settings or Settings())
    else:
        found = _read_file(Path(source), base_url)
    if not any(p.text.strip() for p in found.paragraphs):
        raise ArticleError(f"{source}: the article has no text to draft claims from")
    return found


def _fetch_article(url: str, base_url: str | None, settings: Settings) -> ArticleInput:
    results: list[FetchResult] = []
    Fetcher(settings, SnapshotCache(settings.cache_dir)).fetch_many(
        [FetchRequest(url)], results.append
    )
    result = results[0] if results else None
    if result is None or not result.status.readable or result.body is None:
        why = f"{result.status}: {result.reason}" if result else "no response"
        raise ArticleError(f"cannot fetch the article {url} ({why})")
    final = result.final_url or url
    kind = (result.content_type or "").split(";")[0].strip().lower()
    if kind in _HTML_TYPES or (not kind and _looks_html(result.body)):
        html = decode_body(result.body, result.content_type)
        return _from_html(html, base_url or final, final)
    try:
        page = extract_source(result.body, result.content_type, final)
    except ExtractError as exc:
        raise ArticleError(f"cannot read the article {url}: {exc}") from None
    return ArticleInput(_plain(page.text), Article(title=page.title, url=final))


def _read_file(path: Path, base_url: str | None) -> ArticleInput:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ArticleError(f"{path}: no such article file") from None
    except IsADirectoryError:
        raise ArticleError(f"{path}: is a directory, not an article") from None
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if path.suffix.lower() in _HTML_SUFFIXES or _looks_html(data):
        content_type = "text/html"
        return _from_html(decode_body(data, content_type), base_url, base_url)
    url = base_url if base_url and base_url.lower().startswith(("http://", "https://")) else None
    return ArticleInput(_plain(decode_body(data, "text/plain")), Article(url=url) if url else None)


def _looks_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def _plain(text: str) -> tuple[HtmlParagraph, ...]:
    return tuple(HtmlParagraph(p) for p in split_paragraphs(text))


def _from_html(html: str, base_url: str | None, url: str | None) -> ArticleInput:
    try:
        page = html_to_text(html)
    except ExtractError as exc:
        raise ArticleError(f"cannot read the article: {exc}") from None
    published = page.metadata.published or ""
    published = published[:10] if re.match(r"\d{4}-\d{2}-\d{2}", published) else ""
    with_url = url if url and url.lower().startswith(("http://", "https://")) else None
    article = Article(title=page.title, url=with_url, published=_valid_date(published))
    return ArticleInput(tuple(read_paragraphs(html, base_url)), article)


def _valid_date(value: str) -> str | None:
    try:
        return date.fromisoformat(value).isoformat() if value else None
    except ValueError:
        return None


# --- writing claims.yaml --------------------------------------------------------------------

# YAML 1.1 (what claims.py reads) turns these plain scalars into booleans, numbers or dates.
_NOT_PLAIN_TEXT = re.compile(
    r"(?i:y|n|yes|no|on|off|true|false|null|~)|[-+.]?[0-9][0-9_:.,eE+-]*|\d{4}-\d\d?-\d\d?.*"
)
HEADER = (
    "Draft claims{origin} by `factcheck draft`.\n"
    "Trim what is not worth checking, check each speaker, and add sources before `factcheck check`."
)


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold long sentences (nor refold a merged file's lines)
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _text(value: str) -> str:
    return SingleQuotedScalarString(value) if _NOT_PLAIN_TEXT.fullmatch(value) else value


def _claim_map(d: DraftClaim) -> CommentedMap:
    out = CommentedMap()
    out["id"] = d.id
    out["claim"] = _text(d.claim)
    if d.quote:
        out["quote"] = _text(d.quote)
    if d.speaker:
        out["speaker"] = _text(d.speaker)
    out["sources"] = CommentedSeq(d.sources)
    for key, values in (("tags", d.tags), ("specifics", d.specifics)):
        if values:
            out[key] = CommentedSeq(_text(v) for v in values)
    return out


def draft_yaml(
    drafts: Sequence[DraftClaim], article: Article | None = None, origin: str | None = None
) -> str:
    """A claims file (accepted by `load_claims`) holding the drafts, with a header comment."""
    doc = CommentedMap()
    fields = (
        {"title": article.title, "url": article.url, "published": article.published}
        if article
        else {}
    )
    known = {k: _text(v) for k, v in fields.items() if v}
    if known:
        doc["article"] = CommentedMap(known)
    doc["claims"] = CommentedSeq(_claim_map(d) for d in drafts)
    doc.yaml_set_start_comment(HEADER.format(origin=f" from {origin}" if origin else ""))
    return _dump(_yaml(), doc)


# --- merging into an existing claims.yaml -----------------------------------------------------


@dataclass(frozen=True)
class MergeResult:
    """What `merge_into` did: ids added (renamed if taken) and draft ids already there."""

    path: str
    added: tuple[str, ...]
    skipped: tuple[str, ...]
    created: bool = False


_FOLD = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "„": '"'})


def _same_text(text: str | None) -> str:
    folded = unicodedata.normalize("NFKC", text or "").translate(_FOLD)
    return " ".join(folded.split()).strip(" \"'.,;:…").casefold()


def _is_known(d: DraftClaim, claims: Sequence[Claim]) -> bool:
    """Already in the file: a quote draft when a claim has its quote (or, on the same
    sentence, a quote containing it or contained in it); a fact draft when a claim has its
    text."""
    quote, text = _same_text(d.quote), _same_text(d.claim)
    for c in claims:
        theirs = _same_text(c.quote)
        if quote and quote == theirs:
            return True
        if text == _same_text(c.claim) and (
            not quote or (theirs and (quote in theirs or theirs in quote))
        ):
            return True
    return False


def merge_into(
    path: Path, drafts: Sequence[DraftClaim], article: Article | None = None
) -> MergeResult:
    """Append the drafts not already in the claims file at `path`, keeping its comments,
    order and existing claims untouched; ids are made unique against the file.

    A missing file is created. The file must load (`ClaimsFileError` otherwise), and the
    merged text is validated before it atomically replaces the original.
    """
    path = Path(path)
    if not path.exists():
        _write_checked(path, draft_yaml(drafts, article), "utf-8")
        return MergeResult(str(path), tuple(d.id for d in drafts), (), created=True)
    existing = load_claims(path).claims
    taken = {c.id for c in existing}
    new: list[DraftClaim] = []
    skipped = []
    for d in drafts:
        if _is_known(d, existing):
            skipped.append(d.id)
        else:
            new.append(replace(d, id=unique_id(d.id, taken)))
            taken.add(new[-1].id)
    if new:
        raw = path.read_bytes()
        encoding = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
        text = raw.decode(encoding)
        merged = _append_claims(text, [_claim_map(d) for d in new])
        keep_bom = raw.startswith(b"\xef\xbb\xbf") or encoding == "utf-16"
        _write_checked(path, merged, encoding if keep_bom else "utf-8")
    return MergeResult(str(path), tuple(d.id for d in new), tuple(skipped))


def _append_claims(text: str, maps: list[CommentedMap]) -> str:
    """The file's text with `maps` rendered after its last claim; every existing line stays
    byte for byte (ruamel.yaml would move a trailing comment, so the text is spliced)."""
    yaml = _yaml()
    _, indent, offset = load_yaml_guess_indent(text)
    offset = offset or 0
    yaml.indent(mapping=indent - offset if offset else indent, sequence=indent, offset=offset)
    doc = yaml.load(text)
    claims = doc["claims"]
    newline = "\r\n" if "\r\n" in text else "\n"
    if not claims or claims.fa.flow_style():  # `claims: []`: let ruamel.yaml rewrite the list
        doc["claims"] = CommentedSeq([*claims, *maps])
        return _dump(yaml, doc).replace("\n", newline)
    lines = text.splitlines(keepends=True)
    first = lines[claims.lc.item(0)[0]]
    dash = len(first) - len(first.lstrip())
    keys = list(doc)
    after = keys.index("claims") + 1
    end = doc.lc.key(keys[after])[0] if after < len(keys) else len(lines)
    while end > 0 and _trailing(lines[end - 1], dash):
        end -= 1
    rendered = _dump(yaml, CommentedMap(claims=CommentedSeq(maps))).splitlines(keepends=True)[1:]
    shift = dash - (len(rendered[0]) - len(rendered[0].lstrip()))
    block = "".join((" " * shift + ln if shift > 0 else ln[-shift:]) for ln in rendered)
    head = "".join(lines[:end])
    if head and not head.endswith("\n"):
        head += newline
    return head + block.replace("\n", newline) + "".join(lines[end:])


def _trailing(line: str, dash: int) -> bool:
    """A blank line, or a comment at the claims' own level or outside it (not inside a claim)."""
    stripped = line.strip()
    return not stripped or (stripped.startswith("#") and len(line) - len(line.lstrip()) <= dash)


def _dump(yaml: YAML, data: object) -> str:
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def _write_checked(path: Path, text: str, encoding: str) -> None:
    """Write `text` beside `path`, check it loads as a claims file, then move it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=".draft-", suffix=".yaml")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
        load_claims(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

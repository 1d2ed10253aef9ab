"""Draft claims from an article's paragraphs: quote claims, fact claims and their ids."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from factcheck.claims.load import MAX_TEXT  # longer text fields are rejected
from factcheck.draft.facts import fact_specifics
from factcheck.draft.people import People, find_people
from factcheck.draft.quotes import QuoteSpan, find_quotes, split_paragraphs, split_sentences
from factcheck.draft.speakers import MASK, Subject, attribute, credited_after, trailing_subject
from factcheck.draft.vocabulary import words
from factcheck.extract.html import HtmlParagraph

SCARE_WORDS = 3  # an unattributed quote of at most this many words is a scare quote
SCARE_TAG = "scare-quote"
_HEADING_WORDS = 5  # a paragraph that is only a quote this short may be a heading
UNCLOSED_TAG = "unclosed-quote"


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
class _Found:
    """A sentence (fact candidate) or one quoted passage in it, with its context."""

    paragraph: int
    sentences: Sequence[tuple[int, int]]  # every sentence of the paragraph (shared)
    index: int  # which one this is
    inside: Sequence[QuoteSpan]  # the sentence's quoted passages
    quote: QuoteSpan | None = None
    subject: Subject | None = None

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
    speakers = _speakers(found, texts)
    drafts: list[DraftClaim] = []
    seen: set[tuple[str, str | None]] = set()
    ids: set[str] = set()
    for n, f in enumerate(found):
        draft = _draft(f, paras, speakers.get(n))
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
            subject = None if _so_called(text, q) else attribute(masked, *_rel(q, sentence))
            out.append(_Found(index, sentences, n, inside, q, subject))
    return out


def _rel(q: QuoteSpan, sentence: tuple[int, int]) -> tuple[int, int]:
    return q.start - sentence[0], min(q.end, sentence[1]) - sentence[0]


def _mask(text: str, quotes: Sequence[QuoteSpan], sentence: tuple[int, int]) -> str:
    chars = list(text[sentence[0] : sentence[1]])
    for q in quotes:
        a, b = _rel(q, sentence)
        chars[a:b] = MASK * (b - a)
    return "".join(chars)


def _so_called(text: str, q: QuoteSpan) -> bool:
    return bool(re.search(r"\bso-called\s*$", text[max(0, q.start - 20) : q.start], re.I))


def _speakers(found: Sequence[_Found], texts: Sequence[str]) -> dict[int, str | None]:
    """The speaker of each quote (by index in `found`). A quote that opens its sentence with
    no attribution of its own goes on with the paragraph's last speaker ('“…,” Mayer said.
    “Not everyone will succeed.”'); a paragraph that opens with one and credits no one goes
    on with the previous paragraph's (a quotation running over paragraphs; issue 20, point 1).
    """
    spans: list[Sequence[tuple[int, int]]] = [() for _ in texts]
    masked = list(texts)
    for f in found:
        spans[f.paragraph] = f.sentences
        if f.quote:
            q, text = f.quote, masked[f.paragraph]
            masked[f.paragraph] = text[: q.start] + MASK * (q.end - q.start) + text[q.end :]
    names = [f.subject.text for f in found if f.subject and f.subject.kind == "name"]
    people = find_people(masked, names)
    credited = {f.paragraph for f in found if f.quote and f.subject}
    out: dict[int, str | None] = {}
    last: str | None = None
    previous: str | None = None
    para, running = -1, False  # running: the paragraph ended inside an unclosed quotation
    for n, f in enumerate(found):
        if f.quote is None:
            continue
        if f.paragraph != para:
            follows = para == f.paragraph - 1
            previous, last, para = (last if follows else None), None, f.paragraph
            running = follows and running
        speaker = _speaker(f.subject, f.paragraph, f.sentence[0], people, masked, spans)
        if f.subject is None and not texts[para][f.sentence[0] : f.quote.start].strip():
            quote = f.quote.inner(texts[para])
            goes_on = running or len(quote.split()) > _HEADING_WORDS  # not a quoted heading
            starts_paragraph = f.quote.start == 0 and para not in credited and goes_on
            speaker = last or (previous if starts_paragraph else None)
            if speaker is None and f.index:
                a, b = f.sentences[f.index - 1]
                before = trailing_subject(masked[para][a:b])
                speaker = _speaker(before, para, a, people, masked, spans)
        out[n] = speaker
        last, running = speaker or last, not f.quote.closed
    _credit_from_next(found, out, masked, spans, people)
    return out


def _credit_from_next(
    found: Sequence[_Found],
    out: dict[int, str | None],
    masked: Sequence[str],
    spans: Sequence[Sequence[tuple[int, int]]],
    people: People,
) -> None:
    """A paragraph whose quotes credit no one, followed by one that opens by pointing back
    at them with a name ('That's the view mouthed by Michael Reed'): that name spoke them."""
    silent: dict[int, list[int]] = {}
    for n, f in enumerate(found):
        if f.quote is not None:
            silent.setdefault(f.paragraph, []).append(n)
    for para, quotes in silent.items():
        nxt = para + 1
        if any(out.get(n) for n in quotes) or nxt >= len(masked) or not spans[nxt]:
            continue
        a, b = spans[nxt][0]
        speaker = _speaker(credited_after(masked[nxt][a:b]), nxt, a, people, masked, spans)
        for n in quotes:
            out[n] = speaker


def _draft(f: _Found, paras: Sequence[HtmlParagraph], speaker: str | None) -> DraftClaim | None:
    para = paras[f.paragraph]
    claim = para.text[f.sentence[0] : f.sentence[1]].strip()[:MAX_TEXT]
    sources = _links_near(para, f)
    if f.quote is None:
        texts = fact_specifics(claim, _unquoted(para.text, f.sentence, f.inside))
        if texts is None:
            return None
        return DraftClaim(slugify(claim), claim, sources=sources, specifics=texts)
    quote = f.quote.inner(para.text)[:MAX_TEXT]
    tags = [UNCLOSED_TAG] if not f.quote.closed else []
    unattributed = f.subject is None and speaker is None
    if _so_called(para.text, f.quote) or (unattributed and len(quote.split()) <= SCARE_WORDS):
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


def _speaker(
    who: Subject | None,
    paragraph: int,
    sentence_start: int,
    people: People,
    texts: Sequence[str],
    spans: Sequence[Sequence[tuple[int, int]]],
) -> str | None:
    """The speaker a subject names: a pronoun resolved, a role in lower case, a full name."""
    if who is None or who.kind == "common":
        return None
    kind, text, at = who
    if kind == "pronoun":
        return people.pronoun(texts, spans, paragraph, sentence_start + at)
    if kind == "role":  # 'The minister' -> 'the minister'
        return " ".join((text[:1].lower() + text[1:]).split())
    return people.canonical(text)


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

_ID_STOP = words("the a an of to and in on at for that is with by as it its")


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

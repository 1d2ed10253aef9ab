"""Make fresh labelled quote cases from the corpus pages, like the corpus README describes.

Usage: python bench/make_cases.py --seed 1 [--per-page 40] [--out cases.jsonl]
Then:  python bench/quote_accuracy.py --cases cases.jsonl --by-kind
Spans come from each page's own extracted text; edits and changes follow the corpus README
(verbatim, edited_ok, altered, absent and their kinds). A generalisation check for the
matcher (issue 3, point 9): fresh seeds give cases the matcher was never tuned on.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

from case_edits import ALTERATIONS, EDITS, TEMPLATES, fill_template
from corpus import find_corpus, load_jsonl, visible_text

from factcheck.text import collapse_whitespace

BANDS = ((5, 9), (10, 19), (20, 39), (40, 80))
SPAN_KINDS = ("fragment", "sentence", "multi_sentence", "cross_paragraph")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_FOLD = re.compile(r"[^\w]+")


class Page:
    """A page's text split into prose paragraphs and sentences, with lookup helpers."""

    def __init__(self, meta: dict[str, str], text: str, other: str) -> None:
        """`text` is the corpus README's visible text; `other` the same by another parser."""
        self.id, self.site, self.lang = meta["page_id"], meta["site"], meta["lang"]
        self.text = text
        self.collapsed = collapse_whitespace(text)
        self.other = collapse_whitespace(other)
        self.paragraphs = [collapse_whitespace(p) for p in text.split("\n") if len(p.split()) >= 12]
        self.words = set(_folded(text))
        self.grams = _grams(_folded(text), 8)

    def contains(self, quote: str) -> bool:
        return collapse_whitespace(quote) in self.collapsed

    def holds(self, span: str) -> bool:
        """A span usable as a source: in the visible text under both parsers."""
        return self.contains(span) and collapse_whitespace(span) in self.other


def _folded(text: str) -> list[str]:
    return [w for w in _FOLD.split(text.casefold()) if w]


def _grams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def is_absent(page: Page, quote: str) -> bool:
    """The README's three checks: no exact match, none after folding, no long shared run."""
    words = _folded(quote)
    if page.contains(quote) or " ".join(words) in " ".join(_folded(page.text)):
        return False
    run = min(8, max(2, len(words) // 2 + 1))
    return not (_grams(words, run) & (page.grams if run == 8 else _grams(_folded(page.text), run)))


def pick_span(page: Page, rng: random.Random, kind: str, n: int) -> str | None:
    """A span of about `n` words of one of the README's span kinds, or None."""
    paras = page.paragraphs
    if not paras:
        return None
    if kind == "cross_paragraph":
        i = rng.randrange(len(paras))
        if i + 1 >= len(paras) or not page.holds(paras[i] + " " + paras[i + 1]):
            return None
        left = rng.randint(2, max(2, n - 2))
        head, tail = paras[i].split()[-left:], paras[i + 1].split()[: max(2, n - left)]
        sep = "\n\n" if rng.random() < 0.4 else " "
        return " ".join(head) + sep + " ".join(tail)
    para = rng.choice(paras)
    if kind in ("sentence", "multi_sentence"):
        sents = _SENTENCE_END.split(para)
        count = 1 if kind == "sentence" else rng.randint(2, 4)
        i = rng.randrange(len(sents))
        span = " ".join(sents[i : i + count])
        return span if 5 <= len(span.split()) <= 80 else None
    words = para.split()
    if len(words) < n:
        return None
    start = rng.randrange(len(words) - n + 1)
    return " ".join(words[start : start + n])


def make_case(
    page: Page, pages: list[Page], rng: random.Random, label: str
) -> dict[str, str] | None:
    """One case of `label` on `page`, or None when the random choices did not fit."""
    n = rng.randint(*rng.choice(BANDS))
    if label == "absent":
        return _absent_case(page, pages, rng, n)
    span_kind = rng.choice(SPAN_KINDS)
    span = pick_span(page, rng, span_kind, n)
    if span is None or not page.holds(span):
        return None
    if label == "verbatim":
        return {"quote": span, "kind": span_kind, "detail": ""}
    table = EDITS if label == "edited_ok" else ALTERATIONS
    names = [rng.choice(sorted(table))]
    if label == "edited_ok" and rng.random() < 0.2:  # sometimes two edits (corpus README)
        names.append(rng.choice(sorted(set(table) - set(names))))
        names.sort(key=lambda name: name == "ellipsis")  # cut last: later edits keep its marks
    if page.lang != "en" and {"negation", "antonym", "entity"} & set(names):
        return None
    donors = [p.text for p in pages if p.site != page.site]
    quote, details = span, []
    for name in names:
        made = table[name](quote, rng, page.text, donors)
        if made is None:
            return None
        quote, details = made[0], [*details, made[1]]
    if page.contains(quote) or collapse_whitespace(quote) == span:
        return None
    kind = f"{span_kind}:{'+'.join(names)}"
    return {"quote": quote, "kind": kind, "detail": "; ".join(details), "source": span}


def _absent_case(
    page: Page, pages: list[Page], rng: random.Random, n: int
) -> dict[str, str] | None:
    source = rng.choice(("other_page", "similar_page", "same_site", "template"))
    others = [p for p in pages if p.site != page.site]
    if source == "template":
        quote = fill_template(rng, TEMPLATES, pages)
    else:
        if source == "same_site":
            donors = [p for p in pages if p.site == page.site and p.id != page.id]
        elif source == "similar_page":
            donors = [
                max(others, key=lambda p: len(p.words & page.words) / len(p.words | page.words))
            ]
        else:
            donors = others
        if not donors:
            return None
        quote = pick_span(rng.choice(donors), rng, rng.choice(SPAN_KINDS), n) or ""
    if not quote or not is_absent(page, quote):
        return None
    return {"quote": quote, "kind": f"absent:{source}", "detail": source}


def main() -> int:
    corpus = find_corpus()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-page", type=int, default=40, help="cases per page")
    parser.add_argument("--out", type=Path, help="JSONL file (default: stdout)")
    args = parser.parse_args()
    if corpus is None:
        parser.error("corpus not found")
    rng = random.Random(args.seed)
    metas = load_jsonl(corpus / "pages.jsonl")
    folder = corpus / "pages"
    pages = [
        Page(
            m, visible_text(folder, m["page_id"]), visible_text(folder, m["page_id"], "html.parser")
        )
        for m in metas
    ]
    lines = []
    labels = ("verbatim", "edited_ok", "altered", "absent")
    for page in pages:
        for i in range(args.per_page):
            label = labels[i % len(labels)]
            for _ in range(50):  # retry until the random choices fit this page
                case = make_case(page, pages, rng, label)
                if case is not None:
                    case |= {"page_id": page.id, "expected": label, "lang": page.lang}
                    case["case_id"] = f"s{args.seed}-{page.id[:8]}-{i}"
                    lines.append(json.dumps(case, ensure_ascii=False))
                    break
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    print(f"{len(lines)} cases", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Make fresh misquotes that keep the source's words, like the corpus's dev_hard_cases.jsonl.

Usage: python bench/make_hard_cases.py --seed 1 [--out cases.jsonl]
Then:  python bench/quote_accuracy.py --cases cases.jsonl --by-kind
From each page's sentences (English pages only): a negation or a hedge replaced by an
ellipsis or silently dropped (altered), two sentences 3+ apart run together (not_quote), a
leading pronoun replaced by a bracketed name, ` [sic]` after a word (edited_ok). The hedges
are a list of their own, wider than the matcher's, so the check also measures vocabulary the
matcher may lack (issue 16: the judging set has other hedges and negations).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

from corpus import find_corpus, load_jsonl, visible_text

from factcheck.text import collapse_whitespace

NEGATIONS = frozenset(("not", "never", "no"))
_HEDGE_WORDS = (
    "could may might would should must can possibly potentially perhaps probably likely "
    "nearly almost about around roughly approximately only just some several many most "
    "often sometimes usually largely mostly partly allegedly reportedly apparently even "
    "still already"
)
HEDGES = frozenset(_HEDGE_WORDS.split())
PRONOUNS = ("He", "She", "It", "They", "We")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
_NAME = re.compile(r"\b[A-Z][a-z]{2,}(?: [A-Z][a-z]{2,})?\b")


def sentences(text: str) -> list[str]:
    """The page's prose sentences of 8 to 40 words, in order."""
    paragraphs = (collapse_whitespace(para) for para in text.split("\n"))
    every = (s for para in paragraphs for s in _SENTENCE.split(para))
    return [s for s in every if 8 <= len(s.split()) <= 40]


def cut(
    sentence: str, words: frozenset[str], rng: random.Random, mark: str
) -> tuple[str, str] | None:
    """Replace (or with mark '' drop) one of `words` inside the sentence, not at its edges."""
    tokens = sentence.split(" ")
    spots = [i for i, t in enumerate(tokens[1:-1], 1) if t.lower() in words]
    if not spots:
        return None
    i = rng.choice(spots)
    kept = [*tokens[:i], mark, *tokens[i + 1 :]] if mark else [*tokens[:i], *tokens[i + 1 :]]
    return " ".join(kept), f"{tokens[i]!r} -> {mark or 'dropped'}"


def make(page: list[str], names: list[str], rng: random.Random) -> list[tuple[str, str, str, str]]:
    """(kind, expected, quote, detail) cases from one page's sentences."""
    cases = []
    for s in page:
        for kind, words, mark in (
            ("ellipsis_negation", NEGATIONS, "…"),
            ("ellipsis_hedge", HEDGES, rng.choice(("…", "...", "[...]"))),
            ("drop_hedge", HEDGES, ""),
        ):
            made = cut(s, words, rng, mark)
            if made:
                cases.append((kind, "altered", *made))
        first = s.split(" ", 1)
        if first[0] in PRONOUNS and names and len(first) == 2:
            name = rng.choice(names)
            cases.append(("bracket_sub", "edited_ok", f"[{name}] {first[1]}", f"-> [{name}]"))
        tokens = s.split(" ")
        i = rng.randrange(1, len(tokens))
        sic = " ".join([*tokens[:i], "[sic]", *tokens[i:]])
        cases.append(("sic", "edited_ok", sic, f"[sic] after {tokens[i - 1]}"))
    for _ in range(3):
        if len(page) > 6:
            a = rng.randrange(0, len(page) - 4)
            b = rng.randrange(a + 3, len(page))
            cases.append(("splice", "not_quote", f"{page[a]} {page[b]}", f"sentences {a} + {b}"))
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-kind", type=int, default=3, help="cases per kind and page")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    corpus = find_corpus()
    if corpus is None:
        parser.error("corpus not found")
    rng = random.Random(args.seed)
    lines = []
    for meta in load_jsonl(corpus / "pages.jsonl"):
        if meta["lang"] != "en":
            continue
        text = visible_text(corpus / "pages", meta["page_id"])
        names = sorted(set(_NAME.findall(text)))
        made = make(sentences(text), names, rng)
        for kind in sorted({k for k, *_ in made}):
            picked = [c for c in made if c[0] == kind]
            for n, (k, expected, quote, detail) in enumerate(
                rng.sample(picked, min(args.per_kind, len(picked)))
            ):
                case = {"case_id": f"h{args.seed}-{meta['page_id'][:8]}-{k}-{n}"}
                case |= {"page_id": meta["page_id"], "quote": quote, "expected": expected}
                lines.append(json.dumps(case | {"kind": k, "detail": detail}, ensure_ascii=False))
    text = "\n".join(lines) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Fact claims against their own page: a sentence of a page, checked as a fact claim against
that page, should come out `supported`. Counts what does not (false conflicts, specifics the
lookup misses), over the English pages of the shared corpus (reads ../shared/corpus).

    python bench/fact_selfcheck.py [--per-page 20] [--show 10]
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter

from corpus import find_corpus, load_jsonl, page_text

from factcheck.models import ClaimStatus, SpecificStatus
from factcheck.specifics import extract_specifics, find_specifics
from factcheck.specifics.coverage import cover

SENTENCE = re.compile(r"[^.!?\n]{60,300}[.!?]")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--show", type=int, default=10)
    args = parser.parse_args()
    root = find_corpus()
    if root is None:
        raise SystemExit("no ../shared/corpus here")
    pages = [p for p in load_jsonl(root / "pages.jsonl") if p["lang"] == "en"]
    verdicts: Counter[str] = Counter()
    bad: list[tuple[str, str, str]] = []
    started = time.perf_counter()
    for page in pages:
        text = page_text(root / "pages", page["page_id"])
        sentences = [m.group().strip() for m in SENTENCE.finditer(text)][: args.per_page]
        for sentence in sentences:
            specifics = extract_specifics(sentence)
            if not specifics:
                continue
            findings = find_specifics(specifics, text)
            coverage = cover(sentence, [findings])
            verdicts[coverage.status.value] += 1
            if coverage.status is not ClaimStatus.SUPPORTED:
                wrong = [f for f in findings if f.status is not SpecificStatus.FOUND]
                what = "; ".join(
                    f"{f.specific.text} {f.status.value} {f.found_text}" for f in wrong
                )
                bad.append((page["site"], sentence, what))
    elapsed = time.perf_counter() - started
    total = sum(verdicts.values())
    print(f"{total} sentences with specifics on {len(pages)} English pages, {elapsed:.1f} s")
    for status, n in verdicts.most_common():
        print(f"  {status:11} {n:5}  {100 * n / total:.1f}%")
    for site, sentence, what in bad[: args.show]:
        print(f"\n[{site}] {sentence}\n  -> {what}")


if __name__ == "__main__":
    main()

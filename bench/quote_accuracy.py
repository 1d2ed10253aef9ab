"""Accuracy of the quote matcher on a labelled case file (issue 3, point 9).

Usage: python bench/quote_accuracy.py [--cases CASES.jsonl] [--pages DIR] [--show-errors]
                                     [--by-kind]
Defaults to the dev corpus in ../shared/corpus beside the project (or beside a CI clone).
Fresh cases of the same kinds: python bench/make_cases.py --seed N --out CASES.jsonl
(misquotes that keep the source's words, as dev_hard_cases.jsonl: bench/make_hard_cases.py)
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from corpus import find_corpus, load_jsonl, page_text

from factcheck.match.find import match_quote

LABELS = ("verbatim", "edited_ok", "altered", "absent", "not_quote")
STATUSES = (
    "verbatim",
    "edited",
    "altered",
    "out_of_context",
    "partial",
    "paraphrase",
    "absent",
    "unchecked",
)
CERTIFIED = {"verbatim", "edited"}  # what the tool vouches for as a quotation
CORRECT = {
    "verbatim": {"verbatim"},
    "edited_ok": CERTIFIED,
    "altered": {"altered"},
    "absent": {"absent", "paraphrase"},
    "not_quote": set(STATUSES) - CERTIFIED,  # dev_hard_cases: anything but a quotation
}
TARGETS = {
    "verbatim": 99.5,
    "edited_ok": 97.0,
    "altered": 95.0,
    "absent": 99.5,
    "not_quote": 99.5,
}


def run(cases: list[dict[str, str]], pages: Path) -> list[tuple[dict[str, str], str]]:
    """Match every case through the real extraction; returns (case, status) pairs."""
    return [
        (case, str(match_quote(case["quote"], page_text(pages, case["page_id"])).status))
        for case in cases
    ]


def summarise(results: list[tuple[dict[str, str], str]]) -> dict[str, float]:
    """Print the confusion matrix and per-label accuracy; return accuracy per label."""
    matrix = Counter((case["expected"], status) for case, status in results)
    print(f"{'expected':<10}" + "".join(f"{s[:10]:>11}" for s in STATUSES) + f"{'accuracy':>10}")
    accuracy = {}
    for label in LABELS:
        total = sum(matrix[label, s] for s in STATUSES)
        if not total:
            continue
        good = sum(matrix[label, s] for s in CORRECT[label])
        accuracy[label] = 100.0 * good / total if total else 100.0
        row = "".join(f"{matrix[label, s]:>11}" for s in STATUSES)
        print(f"{label:<10}{row}{accuracy[label]:>9.1f}%  (target {TARGETS[label]}%)")
    wrong = ("absent", "altered", "not_quote")
    waved = sum(matrix[label, s] for label in wrong for s in CERTIFIED)
    print(f"absent/altered/not_quote reported verbatim or edited: {waved} (must be 0)")
    return accuracy


def summarise_kinds(results: list[tuple[dict[str, str], str]]) -> None:
    """Accuracy per label and change kind (the part after the span kind)."""
    totals: Counter[tuple[str, str]] = Counter()
    good: Counter[tuple[str, str]] = Counter()
    for case, status in results:
        key = case["expected"], case["kind"].split(":", 1)[-1]
        totals[key] += 1
        good[key] += status in CORRECT[case["expected"]]
    for key in sorted(totals):
        share = 100.0 * good[key] / totals[key]
        print(f"  {key[0]:<10} {key[1]:<26} {good[key]:>5}/{totals[key]:<5} {share:6.1f}%")


def main() -> int:
    corpus = find_corpus()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=corpus and corpus / "dev_cases.jsonl")
    parser.add_argument("--pages", type=Path, default=corpus and corpus / "pages")
    parser.add_argument("--show-errors", action="store_true", help="list misclassified cases")
    parser.add_argument("--by-kind", action="store_true", help="accuracy per change kind")
    args = parser.parse_args()
    if args.cases is None or args.pages is None:
        parser.error("corpus not found: pass --cases and --pages")
    started = time.perf_counter()
    results = run(load_jsonl(args.cases), args.pages)
    elapsed = time.perf_counter() - started
    print(f"{len(results)} cases in {elapsed:.1f} s (extraction included)")
    summarise(results)
    if args.by_kind:
        summarise_kinds(results)
    if args.show_errors:
        for case, status in results:
            if status not in CORRECT[case["expected"]]:
                print(f"\n{case['case_id']} {case['expected']} -> {status} [{case['kind']}]")
                print(f"  detail: {case.get('detail')}")
                print(f"  quote:  {case['quote'][:300]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

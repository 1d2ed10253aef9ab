"""Speed of match_quote per (quote, page) pair beside rapidfuzz partial_ratio_alignment.

Usage: python bench/quote_speed.py [--repeat N]   (CPU time: robust on a busy machine)
Pages of 5k/50k/200k characters are built from the dev corpus text (or synthetic text if the
corpus is missing); quotes of 10/30/80 words are taken from the page (present; altered = one
word changed) or from text left out of it (absent). Medians of CPU time in microseconds. The
page index (tokenising, built once per text and cached by candidates.index_text) is timed apart.
"""

from __future__ import annotations

import argparse
import gzip
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz  # noqa: E402

from factcheck.candidates import index_text  # noqa: E402
from factcheck.extract import html_to_text  # noqa: E402
from factcheck.match import match_quote  # noqa: E402

SIZES = (5_000, 50_000, 200_000)
WORDS = (10, 30, 80)


def corpus_texts() -> list[str]:
    for base in (ROOT, *ROOT.parents):
        pages = base.parent / "shared" / "corpus" / "pages"
        if pages.is_dir():
            files = sorted(pages.glob("*.html.gz"))
            return [html_to_text(gzip.decompress(f.read_bytes()).decode()).text for f in files]
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(5000)]
    return [" ".join(rng.choice(vocab) for _ in range(4000)) + "." for _ in range(40)]


def build(texts: list[str], size: int) -> str:
    out, i = [], 0
    while sum(map(len, out)) < size:
        out.append(texts[i % len(texts)])
        i += 1
    return "\n\n".join(out)[:size]


def span(text: str, words: int, rng: random.Random) -> str:
    tokens = text.split()
    start = rng.randrange(0, max(1, len(tokens) - words))
    return " ".join(tokens[start : start + words])


def median_us(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--rf-repeat", type=int, default=3)
    args = parser.parse_args()
    texts = corpus_texts()
    english = [t for t in texts if len(t) > 2000]
    held_out, pool = english[-3:], english[:-3]
    rng = random.Random(3)
    calib = median_us(lambda: sum(range(1000)), 201)
    print(f"machine calibration: sum(range(1000)) = {calib:.1f} µs CPU (a typical laptop: ~10)")
    print(
        f"{'page':>8} {'words':>5} {'kind':>8} {'match µs':>10} {'partial_ratio_alignment µs':>27}"
    )
    for size in SIZES:
        page = build(pool, size)
        t0 = time.process_time()
        index_text(page)
        print(f"{size:>8} index built once: {(time.process_time() - t0) * 1e6:,.0f} µs")
        for words in WORDS:
            for kind in ("present", "altered", "absent"):
                source = "\n".join(held_out) if kind == "absent" else page
                quote = span(source, words, rng)
                if kind == "altered":  # one word changed: the full alignment path
                    parts = quote.split()
                    parts[len(parts) // 2] = "zebra"
                    quote = " ".join(parts)
                ours = median_us(lambda q=quote, p=page: match_quote(q, p), args.repeat)
                theirs = median_us(
                    lambda q=quote, p=page: fuzz.partial_ratio_alignment(q, p), args.rf_repeat
                )
                print(f"{size:>8} {words:>5} {kind:>8} {ours:>10,.0f} {theirs:>27,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How well `factcheck draft` finds quotations and their speakers (issue 20).

Usage: python bench/draft_accuracy.py [--labels FILE] [--pages DIR] [--show-errors] [--all]

Scores the drafts of the labelled pages (default bench/data/draft_quotes.json: every quoted
passage of 15 English pages of ../shared/corpus/pages, labelled by hand) and prints:
  recall      labelled passages drafted as quotes
  precision   drafted quotes that are labelled passages (page clutter counts against it)
  speaker     of the matched passages, the speaker right (a scare quote or title: none)
  both right  labelled passages drafted with the right speaker
  ms/page     reading the HTML file and drafting, in-process, median of 3 rounds: wall
              time, and CPU time (what the work costs when other load shares the cores)
--all also drafts every page of the corpus and reports any error.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import tempfile
import time
from pathlib import Path

from corpus import ROOT, find_corpus
from rapidfuzz import fuzz

from factcheck.draft import SCARE_TAG, DraftClaim, draft_claims, read_article
from factcheck.text import fold

LABELS = ROOT / "bench" / "data" / "draft_quotes.json"
_LEAD = re.compile(r"^(?:the|a|an|one)\s+", re.I)


def normal(quote: str) -> str:
    """Quote text compared loosely: folded marks and case, no edge punctuation."""
    return fold(" ".join(quote.split())).lower().strip(" \"'.,;:?!‘’“”")


def same_quote(a: str, b: str) -> bool:
    return normal(a) == normal(b) or fuzz.ratio(normal(a), normal(b)) >= 90


def same_speaker(found: str | None, wanted: list[str]) -> bool:
    """Right when no speaker was wanted and none given, or the names agree: the same words
    (a leading article aside), or the same surname ('Mayer' for 'Kevin Mayer')."""
    if not wanted or found is None:
        return not wanted and found is None
    got = _LEAD.sub("", fold(found).lower())
    for name in wanted:
        want = _LEAD.sub("", fold(name).lower())
        if got == want or got.split()[-1] == want.split()[-1] and got[:1].isalpha():
            return True
    return False


def draft_file(path: Path) -> list[DraftClaim]:
    return [d for d in draft_claims(read_article(str(path)).paragraphs) if d.quote]


def score(labels: list[dict[str, object]], files: dict[str, Path], show: bool) -> None:
    wanted = found = matched = speaker_ok = both = scare_ok = 0
    times: dict[str, list[tuple[float, float]]] = {}
    for _ in range(3):
        for page in labels:
            start, cpu = time.perf_counter(), time.process_time()
            drafts = draft_file(files[str(page["page_id"])])
            spent = (time.perf_counter() - start, time.process_time() - cpu)
            times.setdefault(str(page["page_id"]), []).append(spent)
    for page in labels:
        drafts = draft_file(files[str(page["page_id"])])
        items = list(page["quotes"])  # type: ignore[call-overload]
        left = list(drafts)
        wanted += len(items)
        found += len(drafts)
        for item in items:
            hit = next((d for d in left if same_quote(d.quote or "", item["quote"])), None)
            if hit is None:
                if show:
                    print(f"  missed   {page['page_id'][:8]} {item['quote'][:70]!r}")
                continue
            left.remove(hit)
            matched += 1
            right = same_speaker(hit.speaker, item["speaker"] if item["kind"] == "quote" else [])
            speaker_ok += right
            both += right
            scare_ok += (SCARE_TAG in hit.tags) == (item["kind"] != "quote")
            if show and not right:
                print(
                    f"  speaker  {page['page_id'][:8]} {item['quote'][:50]!r}: "
                    f"{hit.speaker!r}, wanted {item['speaker']}"
                )
        for extra in left if show else ():
            print(f"  extra    {page['page_id'][:8]} {extra.quote!r:.70}")
    wall = [statistics.median(w for w, _ in t) * 1000 for t in times.values()]
    cpu = [statistics.median(c for _, c in t) * 1000 for t in times.values()]
    print(f"pages {len(labels)}, labelled passages {wanted}, drafted quotes {found}")
    print(f"quote recall        {100 * matched / wanted:5.1f}%  (target 95%)")
    print(f"quote precision     {100 * matched / max(found, 1):5.1f}%  (target 95%)")
    print(f"speaker right       {100 * speaker_ok / max(matched, 1):5.1f}%  of matched")
    print(f"quote and speaker   {100 * both / wanted:5.1f}%  (target 85%)")
    print(f"scare-quote tag     {100 * scare_ok / max(matched, 1):5.1f}%  agrees with the label")
    for name, spent in (("wall", wall), ("CPU", cpu)):
        print(
            f"ms per page ({name:>4})  {statistics.median(spent):5.1f} median, "
            f"{max(spent):.1f} max  (target < 100)"
        )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f}")


def draft_all(files: dict[str, Path]) -> None:
    errors = 0
    for page_id, path in sorted(files.items()):
        try:
            drafts = draft_claims(read_article(str(path)).paragraphs)
        except Exception as exc:  # the loop reports every failure
            errors += 1
            print(f"  error {page_id[:8]}: {type(exc).__name__}: {exc}")
            continue
        quotes = sum(1 for d in drafts if d.quote)
        print(f"  {page_id[:8]}: {len(drafts)} claims, {quotes} quotes")
    print(f"every page: {len(files)} drafted, {errors} errors")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--pages", type=Path, default=None)
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--all", action="store_true", help="also draft every corpus page")
    args = parser.parse_args()
    corpus = find_corpus()
    pages = args.pages or (corpus / "pages" if corpus else None)
    if pages is None or not pages.is_dir():
        raise SystemExit("no pages folder: pass --pages (../shared/corpus/pages)")
    labels = json.loads(args.labels.read_text("utf-8"))["pages"]
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for gz in sorted(pages.glob("*.html.gz")):
            page_id = gz.name.removesuffix(".html.gz")
            files[page_id] = Path(tmp) / f"{page_id}.html"
            files[page_id].write_bytes(gzip.decompress(gz.read_bytes()))
        score(labels, files, args.show_errors)
        if args.all:
            draft_all(files)


if __name__ == "__main__":
    main()

"""How well `factcheck draft` finds quotations and their speakers (issue 20).

Usage: python bench/draft_accuracy.py [--labels FILE] [--pages DIR] [--show-errors] [--all]
                                     [--spacy-model NAME]

Scores the drafts of the labelled pages (default bench/data/draft_quotes.json: every quoted
passage of 15 English pages of ../shared/corpus/pages, labelled by hand) and prints:
  recall      labelled passages drafted as quotes
  precision   drafted quotes that are labelled passages (page clutter counts against it)
  speaker     of the matched passages, the speaker right (a scare quote or title: none)
  both right  labelled passages drafted with the right speaker
  ms/page     reading the HTML file and drafting, in-process, median of 3 rounds: wall
              time, and CPU time (what the work costs when other load shares the cores)
--all also drafts every page of the corpus and reports any error. Where textacy and a spaCy
English model are installed (neither is a factcheck dependency), textacy's direct quotations
on the same article text are scored beside.
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
from collections.abc import Callable
from pathlib import Path

from corpus import ROOT, find_corpus
from rapidfuzz import fuzz

from factcheck.draft import SCARE_TAG, draft_claims, read_article
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


Found = tuple[str, str | None, bool]  # a quoted passage, its speaker, tagged a scare quote


def draft_file(path: Path) -> list[Found]:
    """`factcheck draft`'s quotes of an HTML file, in-process."""
    drafts = draft_claims(read_article(str(path)).paragraphs)
    return [(d.quote, d.speaker, SCARE_TAG in d.tags) for d in drafts if d.quote]


def textacy_reader(model: str) -> Callable[[Path], list[Found]] | None:
    """textacy's direct quotations on the same article text, when textacy and the spaCy
    model are installed (optional: neither is a dependency of factcheck)."""
    try:
        import spacy
        from textacy.extract.triples import direct_quotations

        nlp = spacy.load(model)
    except (ImportError, OSError):
        return None

    def read(path: Path) -> list[Found]:
        found = []
        for doc in nlp.pipe(p.text for p in read_article(str(path)).paragraphs):
            try:  # paragraph by paragraph: textacy gives up on a text with an odd mark count
                quotes = list(direct_quotations(doc))
            except ValueError:
                continue
            for q in quotes:
                speaker = " ".join(t.text for t in q.speaker) or None
                found.append((q.content.text.strip(' “”"‘’,'), speaker, False))
        return found

    return read


def score(
    name: str,
    read: Callable[[Path], list[Found]],
    labels: list[dict[str, object]],
    files: dict[str, Path],
    show: bool,
    tags: bool = True,
) -> None:
    wanted = found = matched = speaker_ok = scare_ok = 0
    times: dict[str, list[tuple[float, float]]] = {}
    for _ in range(3):
        for page in labels:
            start, cpu = time.perf_counter(), time.process_time()
            read(files[str(page["page_id"])])
            spent = (time.perf_counter() - start, time.process_time() - cpu)
            times.setdefault(str(page["page_id"]), []).append(spent)
    for page in labels:
        left = read(files[str(page["page_id"])])
        items = list(page["quotes"])  # type: ignore[call-overload]
        wanted += len(items)
        found += len(left)
        for item in items:
            hit = next((d for d in left if same_quote(d[0], item["quote"])), None)
            if hit is None:
                if show:
                    print(f"  missed   {page['page_id'][:8]} {item['quote'][:70]!r}")
                continue
            left.remove(hit)
            matched += 1
            right = same_speaker(hit[1], item["speaker"] if item["kind"] == "quote" else [])
            speaker_ok += right
            scare_ok += hit[2] == (item["kind"] != "quote")
            if show and not right:
                print(
                    f"  speaker  {page['page_id'][:8]} {item['quote'][:50]!r}: "
                    f"{hit[1]!r}, wanted {item['speaker']}"
                )
        for extra in left if show else ():
            print(f"  extra    {page['page_id'][:8]} {extra[0]!r:.70}")
    wall = [statistics.median(w for w, _ in t) * 1000 for t in times.values()]
    cpu = [statistics.median(c for _, c in t) * 1000 for t in times.values()]
    print(f"{name}: pages {len(labels)}, labelled passages {wanted}, quotes found {found}")
    print(f"  quote recall        {100 * matched / wanted:5.1f}%  (target 95%)")
    print(f"  quote precision     {100 * matched / max(found, 1):5.1f}%  (target 95%)")
    print(f"  speaker right       {100 * speaker_ok / max(matched, 1):5.1f}%  of matched")
    print(f"  quote and speaker   {100 * speaker_ok / wanted:5.1f}%  (target 85%)")
    if tags:
        print(
            f"  scare-quote tag     {100 * scare_ok / max(matched, 1):5.1f}%  agrees with the label"
        )
    for clock, spent in (("wall", wall), ("CPU", cpu)):
        print(
            f"  ms per page ({clock:>4})  {statistics.median(spent):5.1f} median, "
            f"{max(spent):.1f} max  (target < 100)"
        )
    print(f"  load average while measuring: {os.getloadavg()[0]:.1f}")


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
    parser.add_argument("--spacy-model", default="en_core_web_sm", help="for textacy")
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
        score("factcheck draft", draft_file, labels, files, args.show_errors)
        if textacy := textacy_reader(args.spacy_model):
            name = f"textacy ({args.spacy_model}, paragraph by paragraph)"
            score(name, textacy, labels, files, args.show_errors, tags=False)
        else:
            print(f"textacy or the spaCy model {args.spacy_model} is not installed: not compared")
        if args.all:
            draft_all(files)


if __name__ == "__main__":
    main()

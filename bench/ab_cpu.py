"""CPU time of extract + match per page, this tree against a baseline tree (issue 21, point 2).

    .venv/bin/python bench/ab_cpu.py --base ../perf-base [--pages 100] [--rounds 5]

The part of a full check that workers spend their CPU on, without the network or the store:
each page's HTML to text, then every quote claimed of it matched. Scale-bench pages (five
quotes each, verbatim/edited/altered/absent) and the shared corpus's real pages with their dev
cases. Each round runs both trees in fresh processes, in alternating order; CPU seconds
(process_time) are less disturbed by other load on the machine than wall time.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import find_corpus, load_jsonl
from proctree import spread
from scale_bench import KINDS, make_news_pages, variant

ROOT = Path(__file__).resolve().parent.parent

WORKER = """
import json, sys, time
try:
    from factcheck.extract.html import html_to_text
    from factcheck.match.find import match_quote
except ImportError:  # the flat layout before the stage packages
    from factcheck.extract import html_to_text
    from factcheck.match import match_quote
work = json.load(open(sys.argv[1]))
start = time.process_time()
statuses = []
for path, quotes in work:
    text = html_to_text(open(path, encoding="utf-8").read()).text
    statuses += [match_quote(q, text).status.value for q in quotes]
print(json.dumps([time.process_time() - start, statuses]))
"""


def scale_work(folder: Path, pages: int) -> list[tuple[str, list[str]]]:
    rng = random.Random(5)
    quotes = make_news_pages(folder, pages)
    return [
        (str(folder / f"story-{n}.html"), [variant(q, KINDS[i], rng) for i, q in enumerate(qs)])
        for n, qs in enumerate(quotes)
    ]


def real_work(folder: Path) -> list[tuple[str, list[str]]]:
    corpus = find_corpus()
    if corpus is None:
        return []
    by_page: dict[str, list[str]] = {}
    for case in load_jsonl(corpus / "dev_cases.jsonl"):
        by_page.setdefault(case["page_id"], []).append(case["quote"])
    work = []
    for page_id, quotes in sorted(by_page.items()):
        path = folder / f"{page_id}.html"
        path.write_bytes(gzip.decompress((corpus / "pages" / f"{page_id}.html.gz").read_bytes()))
        work.append((str(path), quotes))
    return work


def run(tree: Path, work_file: Path) -> tuple[float, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, "-c", WORKER, str(work_file)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, statuses = json.loads(out.stdout)
    return seconds, statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the baseline tree (a git worktree)")
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    base = Path(args.base).resolve()
    folder = Path(tempfile.mkdtemp(prefix="ab-cpu-"))
    loads = {"scale": scale_work(folder, args.pages), "real": real_work(folder)}
    print(f"{os.cpu_count()} cores; baseline {base}; other load may be present")
    print(f"{'workload':8} {'pages':>5} {'base CPU ms/page':>24} {'this CPU ms/page':>24} {'x':>5}")
    for name, work in loads.items():
        if not work:
            continue
        work_file = folder / f"{name}.json"
        work_file.write_text(json.dumps(work))
        times: dict[str, list[float]] = {"base": [], "this": []}
        found: dict[str, list[str]] = {}
        for r in range(args.rounds):
            for side in ("base", "this") if r % 2 == 0 else ("this", "base"):
                seconds, found[side] = run(base if side == "base" else ROOT, work_file)
                times[side].append(1000 * seconds / len(work))
        ratio = statistics.median(times["base"]) / statistics.median(times["this"])
        print(
            f"{name:8} {len(work):5} {spread(times['base'], 1):>24} "
            f"{spread(times['this'], 1):>24} {ratio:5.2f}"
        )
        changed = sum(a != b for a, b in zip(found["base"], found["this"], strict=True))
        print(f"         quote statuses that differ: {changed} of {len(found['this'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

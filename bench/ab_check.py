"""A/B of the full check (issue 21, point 2): this tree against a baseline tree, whole processes,
alternating rounds, medians and spread, and the verdicts of both compared claim by claim.

    git -C . worktree add ../perf-base 5dc0147          # the baseline (any commit)
    .venv/bin/python bench/ab_check.py --base ../perf-base
    .venv/bin/python bench/ab_check.py --base ../perf-base --pages 300 --claims 1500 --rounds 3

Two workloads, each checked from nothing (fresh database and cache) in every round:
- scale: news-like pages of 20-200 KB with five quotes each (scale_bench's generator);
- real: the shared corpus's saved pages (../shared/corpus, read only here), each served as
  `--copies` distinct URLs (a comment makes each copy's bytes differ), with the corpus's dev
  cases as claims (each case's quote against its page).
Pages are served by nginx when installed. Each side runs as `python -m factcheck check` with its
own tree first on PYTHONPATH; time is wall time from outside, start-up included; memory is the
whole process tree's peak (summed PSS, sampled; `proctree.py`).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import find_corpus, load_jsonl
from fetch_bench import serve
from proctree import Measured, run_measured, spread
from scale_bench import make_news_pages, write_claims

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.5


def write_real_site(site: Path, base: str, claims: Path, copies: int) -> int:
    """Serve each corpus page `copies` times and claim each dev case's quote against it."""
    corpus = find_corpus()
    if corpus is None:
        return 0
    lines = ["claims:"]
    cases = load_jsonl(corpus / "dev_cases.jsonl")
    pages = {c["page_id"] for c in cases}
    for page_id in sorted(pages):
        html = gzip.decompress((corpus / "pages" / f"{page_id}.html.gz").read_bytes())
        for copy in range(copies):
            (site / f"{page_id[:16]}-{copy}.html").write_bytes(html + f"<!-- {copy} -->".encode())
    for n, case in enumerate(cases):
        for copy in range(copies):
            lines += [
                f"  - id: case-{n}-{copy}",
                f"    claim: {json.dumps('Case ' + case['case_id'])}",
                f"    quote: {json.dumps(case['quote'], ensure_ascii=False)}",
                f"    sources: [{base}/{case['page_id'][:16]}-{copy}.html]",
            ]
    claims.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(pages) * copies


def verdicts(db: Path) -> dict[tuple[str, str], tuple[object, ...]]:
    """(claim, source URL) -> (fetch status, quote status, score, start, end) of every check."""
    con = sqlite3.connect(db)
    rows = con.execute(
        'SELECT c.claim_id, s.url, c.fetch_status, c.quote_status, c.score, c.start, c."end" '
        "FROM checks c JOIN sources s ON s.id = c.source_id"
    ).fetchall()
    con.close()
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


def run_side(tree: Path, args: list[str], work: Path) -> Measured:
    """`python -m factcheck ARGS` run by `tree` on the database and cache in `work`."""
    db = work / "factcheck.db"
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "FACTCHECK_CACHE_DIR": str(work / "cache"),
        "FACTCHECK_DB": str(db),
    }
    measured = run_measured([sys.executable, "-m", "factcheck", *args], env, tree)
    if measured.code not in (0, 3):
        raise SystemExit(f"{tree} {args}: exit {measured.code}:\n{measured.stderr[-2000:]}")
    return measured


def import_ms(tree: Path) -> Measured:
    """The entry module's cumulative import time (python -X importtime), in a fresh process."""
    module = (
        "factcheck.cli.app" if (tree / "factcheck" / "cli" / "app.py").exists() else "factcheck.cli"
    )
    env = {**os.environ, "PYTHONPATH": str(tree)}
    m = run_measured([sys.executable, "-X", "importtime", "-c", f"import {module}"], env, tree)
    line = next(x for x in reversed(m.stderr.splitlines()) if x.rstrip().endswith(f"| {module}"))
    return replace(m, seconds=int(line.split("|")[1]) / 1e6)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the baseline tree (a git worktree)")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--copies", type=int, default=10, help="URLs per real page")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=("scale", "real"), default=None)
    args = parser.parse_args()
    base = Path(args.base).resolve()
    work = Path(tempfile.mkdtemp(prefix="ab-check-"))
    os.chmod(work, 0o755)  # nginx workers run as an unprivileged user
    site = work / "site"
    site.mkdir()
    quotes = make_news_pages(site, args.pages) if args.only != "real" else []
    sides = {"base": base, "this": ROOT}
    results: dict[tuple[str, str], list[Measured]] = {}
    differing: dict[str, tuple[int, int]] = {}  # most checks that differed in a round, of all

    def measure(step: str, side: str, m: Measured) -> None:
        results.setdefault((step, side), []).append(m)
        print(f"  {step} {side}: {m.seconds:.3f} s, tree PSS {m.peak_pss_mb:.0f} MB", flush=True)

    with serve(site) as (url, server):
        loads: dict[str, tuple[Path, str]] = {}
        if args.only != "real":
            loads["scale"] = (work / "scale.yaml", "")
            kinds = write_claims(loads["scale"][0], url, quotes, args.claims)
            loads["scale"] = (
                loads["scale"][0],
                f"{args.pages} pages, {args.claims} claims {kinds}",
            )
        if args.only != "scale":
            n = write_real_site(site, url, work / "real.yaml", args.copies)
            if n:
                loads["real"] = (work / "real.yaml", f"{n} URLs ({args.copies} per corpus page)")
        print(f"served by {server}; {os.cpu_count()} cores; baseline {base}; other load possible")
        for name, (_, what) in loads.items():
            print(f"{name}: {what}", flush=True)
        for r in range(args.rounds):
            order = ("base", "this") if r % 2 == 0 else ("this", "base")
            print(f"round {r + 1}", flush=True)
            for name, (claims, _) in loads.items():
                found = {}
                for side in order:
                    place = work / side
                    shutil.rmtree(place, ignore_errors=True)
                    place.mkdir()
                    common = ["--claims", str(claims), "--db", str(place / "factcheck.db")]
                    measure(f"{name} check", side, run_side(sides[side], ["check", *common], place))
                    found[side] = verdicts(place / "factcheck.db")
                    if name == "scale":  # status on the database this side just made
                        measure("status", side, run_side(sides[side], ["status", *common], place))
                        status_json = ["status", "--json", *common]
                        measure("status --json", side, run_side(sides[side], status_json, place))
                keys = found["base"].keys() | found["this"].keys()
                odd = sum(found["base"].get(k) != found["this"].get(k) for k in keys)
                differing[name] = (max(odd, differing.get(name, (0, 0))[0]), len(keys))
                if found["base"] != found["this"]:
                    changed = Counter(
                        f"{v[1]} -> {found['this'][k][1] if k in found['this'] else None}"
                        for k, v in found["base"].items()
                        if found["this"].get(k) != v
                    )
                    print(f"  verdicts differ (base -> this quote status): {dict(changed)}")
            for side in order:
                measure("--help", side, run_side(sides[side], ["--help"], work))
                measure("import entry", side, import_ms(sides[side]))
    print(f"\n{'step':14} {'base s':>22} {'this s':>22} {'x':>5} {'base MB':>9} {'this MB':>9}")
    for step in dict.fromkeys(s for s, _ in results):
        b, t = results[(step, "base")], results[(step, "this")]
        ratio = statistics.median(m.seconds for m in b) / statistics.median(m.seconds for m in t)
        pss = [statistics.median(m.peak_pss_mb for m in ms) for ms in (b, t)]
        print(
            f"{step:14} {spread([m.seconds for m in b], 3):>22} "
            f"{spread([m.seconds for m in t], 3):>22} {ratio:5.2f} {pss[0]:9.0f} {pss[1]:9.0f}"
        )
    print("(seconds: median (min-max) over the rounds; MB: median peak PSS of the process tree)")
    for name in loads:
        b, t = results[(f"{name} check", "base")], results[(f"{name} check", "this")]
        ratio = statistics.median(m.seconds for m in b) / statistics.median(m.seconds for m in t)
        print(
            f"{'PASS' if ratio >= TARGET else 'FAIL'}  {name} check {ratio:.2f}x faster "
            f"(target >= {TARGET}x)"
        )
        odd, total = differing[name]
        print(
            f"{'DIFF' if odd else 'SAME'}  {name} verdicts: "
            + (f"{odd} of {total} checks differ (listed above)" if odd else "identical")
        )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

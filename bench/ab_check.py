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


def check_once(
    tree: Path, claims: Path, work: Path
) -> tuple[Measured, dict[tuple[str, str], tuple[object, ...]]]:
    """One full check by `tree` from nothing: measured, and its verdicts."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db = work / "factcheck.db"
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "FACTCHECK_CACHE_DIR": str(work / "cache"),
        "FACTCHECK_DB": str(db),
    }
    cmd = [
        sys.executable,
        "-m",
        "factcheck",
        "check",
        "--claims",
        str(claims),
        "--db",
        str(db),
        "--json",
    ]
    measured = run_measured(cmd, env, tree)
    if measured.code not in (0, 3):
        raise SystemExit(f"{tree}: check failed (exit {measured.code}):\n{measured.stderr[-2000:]}")
    return measured, verdicts(db)


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
    with serve(site) as (url, server):
        loads: dict[str, tuple[Path, str]] = {}
        if args.only != "real":
            scale = work / "scale.yaml"
            kinds = write_claims(scale, url, quotes, args.claims)
            loads["scale"] = (scale, f"{args.pages} pages, {args.claims} claims {kinds}")
        if args.only != "scale":
            real = work / "real.yaml"
            n = write_real_site(site, url, real, args.copies)
            if n:
                loads["real"] = (real, f"{n} real-page URLs ({args.copies} per corpus page)")
        print(
            f"served by {server}; {os.cpu_count()} cores; baseline {base}; "
            "other load may be present"
        )
        results: dict[tuple[str, str], list[Measured]] = {}
        same: dict[str, bool] = {}
        for name, (claims, what) in loads.items():
            print(f"{name}: {what}", flush=True)
            found: dict[str, dict[tuple[str, str], tuple[object, ...]]] = {}
            for r in range(args.rounds):
                order = ("base", "this") if r % 2 == 0 else ("this", "base")
                for side in order:
                    measured, found[side] = check_once(sides[side], claims, work / side)
                    results.setdefault((name, side), []).append(measured)
                    print(
                        f"  round {r + 1} {side}: {measured.seconds:.1f} s, "
                        f"tree PSS {measured.peak_pss_mb:.0f} MB",
                        flush=True,
                    )
                same[name] = same.get(name, True) and found["base"] == found["this"]
            if found["base"] != found["this"]:
                diff = [k for k in found["base"] if found["base"][k] != found["this"].get(k)]
                print(f"  {len(diff)} verdicts differ, e.g. {diff[:3]}")
    heads = ("wall s: median (min-max)", "tree PSS MB", "tree RSS MB")
    print(f"\n{'workload':8} {'side':5} {heads[0]:>28} {heads[1]:>20} {heads[2]:>20}")
    for (name, side), runs in results.items():
        print(
            f"{name:8} {side:5} {spread([m.seconds for m in runs]):>28} "
            f"{spread([m.peak_pss_mb for m in runs], 0):>20} "
            f"{spread([m.peak_rss_mb for m in runs], 0):>20}"
        )
    for name in loads:
        base_s = statistics.median(m.seconds for m in results[(name, "base")])
        this_s = statistics.median(m.seconds for m in results[(name, "this")])
        ratios = [
            b.seconds / t.seconds
            for b, t in zip(results[(name, "base")], results[(name, "this")], strict=True)
        ]
        ok = base_s / this_s >= TARGET and same[name]
        print(
            f"{'PASS' if ok else 'FAIL'}  {name}: {base_s / this_s:.2f}x faster (per-round "
            f"{min(ratios):.2f}-{max(ratios):.2f}x; target >= {TARGET}x), verdicts "
            f"{'identical' if same[name] else 'DIFFER'}"
        )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

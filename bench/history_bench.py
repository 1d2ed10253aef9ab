"""History growth (issue 21, points 4 and 5): unchanged due runs one after another, and what each
leaves behind: database growth, the due run's time, and `status` / `status --json` after it.

    .venv/bin/python bench/history_bench.py                     # 10,000 claims, 30 due runs
    .venv/bin/python bench/history_bench.py --pages 200 --claims 2000 --runs 5   # quick

The pages (scale_bench's generator, served by nginx when installed) never change, so every due
run answers 304 and carries every verdict over; "every interval elapsed" is simulated by moving
the recorded fetch times back 30 days before each run. Each command is a whole process; memory
is the process tree's peak PSS (`proctree.py`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fetch_bench import serve
from proctree import run_measured
from scale_bench import age_database, make_news_pages, write_claims

ROOT = Path(__file__).resolve().parent.parent
GROWTH_MB = 1.0  # target: database growth per unchanged due run
DUE_SLOWDOWN = 1.10  # target: the last due run within 10% of the first
STATUS_S = 1.0  # target: status and status --json


def db_mb(db: Path) -> float:
    """The database with its WAL, checkpointed by the last process to close it."""
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="history-bench-"))
    os.chmod(work, 0o755)  # nginx workers run as an unprivileged user
    site = work / "site"
    site.mkdir()
    quotes = make_news_pages(site, args.pages)
    claims, db = work / "claims.yaml", work / "factcheck.db"
    env = {**os.environ, "FACTCHECK_CACHE_DIR": str(work / "cache"), "FACTCHECK_DB": str(db)}
    common = ["--claims", str(claims), "--db", str(db)]

    def factcheck(*words: str) -> tuple[float, float]:
        m = run_measured([sys.executable, "-m", "factcheck", *words, *common], env, ROOT)
        if m.code not in (0, 3):
            raise SystemExit(f"{words}: exit {m.code}\n{m.stderr[-2000:]}")
        return m.seconds, m.peak_pss_mb

    rows: list[tuple[str, float, float, float, float, float, float, float, float]] = []
    with serve(site) as (url, server):
        write_claims(claims, url, quotes, args.claims)
        print(
            f"{args.pages} pages, {args.claims} claims, {args.runs} unchanged due runs; served by "
            f"{server}; {os.cpu_count()} cores; other load may be present",
            flush=True,
        )
        full_s, _ = factcheck("check")
        for run in range(args.runs + 1):
            before = db_mb(db)
            label = "full check" if run == 0 else f"due run {run}"
            due = (full_s, 0.0)
            if run:
                age_database(db)
                due = factcheck("check", "--due")
            status, status_json = factcheck("status"), factcheck("status", "--json")
            grown = db_mb(db) - before if run else 0.0
            rows.append((label, due[0], due[1], grown, db_mb(db), *status, *status_json))
            print(
                f"{label:12} {due[0]:7.2f} s  db {db_mb(db):6.1f} MB (+{grown:5.2f})  "
                f"status {status[0]:5.2f} s {status[1]:4.0f} MB  "
                f"--json {status_json[0]:5.2f} s {status_json[1]:4.0f} MB",
                flush=True,
            )
    shutil.rmtree(work, ignore_errors=True)
    print(
        f"\n{'after':12} {'check s':>8} {'tree MB':>8} {'db +MB':>7} {'db MB':>7} "
        f"{'status s':>9} {'MB':>5} {'--json s':>9} {'MB':>5}"
    )
    for label, sec, mb, grown, size, st, st_mb, js, js_mb in rows:
        print(
            f"{label:12} {sec:8.2f} {mb:8.0f} {grown:7.2f} {size:7.1f} "
            f"{st:9.2f} {st_mb:5.0f} {js:9.2f} {js_mb:5.0f}"
        )
    dues = rows[1:]
    if not dues:
        return 0
    growth = max(r[3] for r in dues[1:] or dues)
    # medians of the first and the last few due runs: one run is at the mercy of other load
    few = max(1, min(5, len(dues) // 2))
    first = statistics.median(r[1] for r in dues[:few])
    last = statistics.median(r[1] for r in dues[-few:])
    status_s = [r[5] for r in rows] + [r[7] for r in rows]
    typical, slowest = statistics.median(status_s), max(status_s)
    memory = [(r[6], r[8]) for r in rows]
    print(
        f"{'PASS' if growth < GROWTH_MB else 'FAIL'}  database growth per due run "
        f"(after the first) at most {growth:.2f} MB (target < {GROWTH_MB:g} MB)"
    )
    print(
        f"{'PASS' if last <= DUE_SLOWDOWN * first else 'FAIL'}  due run, median of the last "
        f"{few}: {last:.2f} s vs the first {few}: {first:.2f} s (target within "
        f"{DUE_SLOWDOWN - 1:.0%})"
    )
    print(
        f"{'PASS' if typical < STATUS_S else 'FAIL'}  status and status --json: median "
        f"{typical:.2f} s, slowest {slowest:.2f} s (target < {STATUS_S:g} s); tree memory "
        f"{memory[0][0]:.0f} -> {memory[-1][0]:.0f} MB and {memory[0][1]:.0f} -> "
        f"{memory[-1][1]:.0f} MB from the first run to the last"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

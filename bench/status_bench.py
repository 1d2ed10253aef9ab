"""`status` in a second (issue 21, point 5): this tree against a baseline tree on one database,
whole processes, alternating rounds, medians and spread; the outputs compared byte for byte.

    git -C . worktree add --detach ../status-base 2f873bb     # the baseline (any commit)
    .venv/bin/python bench/status_bench.py --base ../status-base            # 10,000 claims
    .venv/bin/python bench/status_bench.py --base ../status-base --pages 200 --claims 2000

The database is made by the baseline: scale_bench's news pages (five quotes each, served by
nginx when installed), `--claims` quote claims plus `--facts` fact claims (a number, a date and a
place: the JSON contract's coverage table), a full check, then `--runs` unchanged due runs. Each
side reads its own copy (a newer tree migrates it once, before the rounds). Three forms per
round: `status` into a file (piped), `status` on a terminal (`script`'s pseudo-terminal) and
`status --json`. Time is wall time from outside, start-up included; memory the process tree's
peak (summed PSS, sampled; `proctree.py`).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fetch_bench import serve
from proctree import Measured, run_measured, spread
from scale_bench import age_database, make_news_pages, write_claims

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 1.0
PLACES = ("Wellington", "Auckland", "Sydney", "Toronto", "Nairobi", "Lisbon", "Osaka", "Lima")


def add_fact_claims(claims: Path, base: str, pages: int, count: int) -> None:
    """`count` fact claims (no quote) against the scale pages."""
    lines = []
    for n in range(count):
        place = PLACES[n % len(PLACES)]
        lines += [
            f"  - id: fact-{n}",
            f"    claim: Reporter {n % 40} said {1000 + n} people met in {place} on 3 May 2024.",
            f"    sources: [{base}/story-{n % pages}.html]",
        ]
    with claims.open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


def run_side(tree: Path, work: Path, words: list[str], terminal: bool = False) -> Measured:
    """`factcheck status WORDS` run by `tree` on the database in `work`."""
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "FACTCHECK_CACHE_DIR": str(work / "cache"),
        "FACTCHECK_DB": str(work / "factcheck.db"),
    }
    cmd = [sys.executable, "-m", "factcheck", *words]
    if terminal:  # stdout a pseudo-terminal: rich's terminal path, where the code has one
        cmd = ["script", "-qefc", shlex.join(cmd), "/dev/null"]
    measured = run_measured(cmd, env, tree)
    if measured.code not in (0, 3):
        raise SystemExit(f"{tree} {words}: exit {measured.code}:\n{measured.stderr[-2000:]}")
    return measured


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the baseline tree (a git worktree)")
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--claims", type=int, default=10_000, help="quote claims")
    parser.add_argument("--facts", type=int, default=100, help="fact claims besides")
    parser.add_argument("--runs", type=int, default=2, help="unchanged due runs of history")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    base = Path(args.base).resolve()
    work = Path(tempfile.mkdtemp(prefix="status-bench-"))
    os.chmod(work, 0o755)  # nginx workers run as an unprivileged user
    site, made = work / "site", work / "made"
    site.mkdir()
    made.mkdir()
    quotes = make_news_pages(site, args.pages)
    claims = work / "claims.yaml"
    with serve(site) as (url, server):
        write_claims(claims, url, quotes, args.claims)
        add_fact_claims(claims, url, args.pages, args.facts)
        print(
            f"{args.pages} pages, {args.claims} quote + {args.facts} fact claims, a full check and "
            f"{args.runs} unchanged due runs by the baseline {base}; served by {server}; "
            f"{os.cpu_count()} cores; other load possible",
            flush=True,
        )
        run_side(base, made, ["check", "--claims", str(claims)])
        for _ in range(args.runs):
            age_database(made / "factcheck.db")
            run_side(base, made, ["check", "--due", "--claims", str(claims)])
    sides = {"base": base, "this": ROOT}
    for side in sides:
        shutil.copytree(made, work / side)
    forms = {"piped": ["status"], "terminal": ["status"], "--json": ["status", "--json"]}
    if not shutil.which("script"):
        del forms["terminal"]
    results: dict[tuple[str, str], list[Measured]] = {}
    for side, tree in sides.items():  # a newer tree migrates its copy here, outside the rounds
        run_side(tree, work / side, ["status", "--claims", str(claims)])
    for n in range(args.rounds):
        order = list(sides.items()) if n % 2 == 0 else list(reversed(sides.items()))
        for form, words in forms.items():
            for side, tree in order:
                terminal = form == "terminal"
                m = run_side(tree, work / side, [*words, "--claims", str(claims)], terminal)
                results.setdefault((form, side), []).append(m)
                print(f"  {form} {side}: {m.seconds:.3f} s, {m.peak_pss_mb:.0f} MB", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    print("\nform                  base s             this s  ratio  base MB  this MB  same output")
    slowest = 0.0
    for form in forms:
        a, b = results[(form, "base")], results[(form, "this")]
        secs = [m.seconds for m in a], [m.seconds for m in b]
        same = all(x.stdout == y.stdout for x, y in zip(a, b, strict=True))
        ratio = statistics.median(secs[0]) / statistics.median(secs[1])
        slowest = max(slowest, statistics.median(secs[1]))
        print(
            f"{form:9} {spread(secs[0]):>18} {spread(secs[1]):>18} {ratio:5.2f}x "
            f"{statistics.median(m.peak_pss_mb for m in a):8.0f} "
            f"{statistics.median(m.peak_pss_mb for m in b):8.0f}  {'yes' if same else 'NO'}"
        )
    print(
        f"{'PASS' if slowest < TARGET_S else 'FAIL'}  this tree's slowest median {slowest:.2f} s "
        f"(target < {TARGET_S:g} s, {args.rounds} rounds)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

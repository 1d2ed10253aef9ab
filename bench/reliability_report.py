"""Reliability figures (issue 9): runs the reliability suites and times hostile pages.

    .venv/bin/python bench/reliability_report.py            # everything, slow parts included
    .venv/bin/python bench/reliability_report.py --fast     # the default-suite parts only
    .venv/bin/python bench/reliability_report.py --pages-only

Prints, per suite file, passed / xfailed (known bugs) / failed / skipped and wall time, then
for each hostile page at the issue's size the time and peak memory to extract its text and
match the quote, each in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITES = (
    ("bad claims files (fuzz)", "tests/test_reliability_claims.py"),
    ("hostile pages", "tests/test_reliability_pages.py"),
    ("crashes: SIGKILLs, full disk, unusable cache, concurrency", "tests/test_crash.py"),
    ("network safety", "tests/test_reliability_network.py"),
)
COUNTS = re.compile(r"(\d+) (passed|failed|xfailed|xpassed|skipped|deselected|errors?)")

PAGE_WORKER = """
import json, sys, time
sys.path[:0] = [{root!r}, {tests!r}]
from tests.test_reliability_pages import FULL, CLAIMS, hostile_pages
from factcheck.errors import ExtractError
from factcheck.extract.html import extract_source
from factcheck.match.find import match_quote
from factcheck.verify import MAX_TEXT_CHARS  # the pipeline's bound on one source's text
path, quote = CLAIMS[sys.argv[1]]
body = hostile_pages(**FULL)[path].body
data = body.encode() if isinstance(body, str) else body
started = time.perf_counter()
try:
    text = extract_source(data, "text/html", "http://127.0.0.1/")
except ExtractError as exc:
    text, status = None, f"refused ({{exc}})"
extracted = time.perf_counter()
if text is not None:
    status = match_quote(quote, text.text[:MAX_TEXT_CHARS]).status.value
done = time.perf_counter()
print(json.dumps({{"bytes": len(data), "extract": extracted - started,
                  "match": done - extracted, "status": status}}))
"""


def run_suite(path: str, marker: str) -> tuple[dict[str, int], float, list[str]]:
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        path,
        "-m",
        marker,
        "-q",
        "-rxXf",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",  # the project's own -q -m "not slow" would hide the summary and slow tests
    ]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    tail = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:]
    counts = {
        kind.rstrip("s") if kind.startswith("error") else kind: int(n)
        for n, kind in COUNTS.findall(tail)
    }
    notes = [line for line in done.stdout.splitlines() if line.startswith(("XFAIL", "FAILED"))]
    return counts, seconds, notes


def measure_page(name: str) -> tuple[dict[str, object], float]:
    code = PAGE_WORKER.format(root=str(ROOT), tests=str(ROOT / "tests"))
    proc = subprocess.Popen(
        [sys.executable, "-c", code, name], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    out = proc.stdout.read() if proc.stdout else ""
    _, _, usage = os.wait4(proc.pid, 0)
    return json.loads(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="skip the slow-marked tests")
    parser.add_argument("--pages-only", action="store_true", help="only time hostile pages")
    args = parser.parse_args()
    failed = 0
    if not args.pages_only:
        marker = "not slow" if args.fast else ""
        print(f"{'suite':34} {'pass':>5} {'xfail':>6} {'fail':>5} {'skip':>5} {'seconds':>8}")
        all_notes: list[str] = []
        for label, path in SUITES:
            counts, seconds, notes = run_suite(path, marker)
            failed += counts.get("failed", 0) + counts.get("error", 0) + counts.get("xpassed", 0)
            print(
                f"{label:34} {counts.get('passed', 0):5d} {counts.get('xfailed', 0):6d} "
                f"{counts.get('failed', 0) + counts.get('error', 0):5d} "
                f"{counts.get('skipped', 0):5d} {seconds:8.1f}",
                flush=True,
            )
            all_notes += notes
        print("\nknown bugs (xfail) and failures:")
        for note in all_notes:
            print("  " + note)
    print(
        f"\n{'hostile page (issue size)':28} {'bytes':>10} {'extract s':>10} {'match s':>8} "
        f"{'peak MB':>8} status"
    )
    for name in ("deep", "tiny", "line", "script", "hidden", "base"):
        figures, peak = measure_page(name)
        print(
            f"{name:28} {figures['bytes']:10,} {figures['extract']:10.2f} "
            f"{figures['match']:8.2f} {peak:8.0f} {figures['status']}",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

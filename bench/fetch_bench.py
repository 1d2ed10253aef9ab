"""Fetch-stage benchmark (issue 4): factcheck's Fetcher beside bare httpx and lychee.

    .venv/bin/python bench/fetch_bench.py --pages 2000
    .venv/bin/python bench/fetch_bench.py --pages 200 --concurrency 1 16   # quick

Serves N generated news-like pages (20-200 KB) from nginx when installed (apt-get install
nginx-light), else a threaded Python server, all on 127.0.0.1. Every measurement runs in
its own process so peak memory (max RSS) is per tool. The three fetchers run in turn, round
after round (--repeat), and each one's median is kept: a slow spell of this shared machine
then falls on all of them alike. The whole `factcheck check` (run_check on a claims file
quoting every page) is compared with the sum of its own stages measured alone in the same
process: fetch, extract + match, record. Ends with PASS/FAIL per issue-4 target.
linkchecker is no longer compared: it idled at ~2.7 pages/s whatever its thread count, so its
figure measured its pacing, not its fetching (issue 21, point 1).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import whole_check

ROOT = Path(__file__).resolve().parent.parent
PARA = (
    "<p>The minister said on Tuesday that the agreement, signed after months of talks, "
    "would be reviewed next year; officials from both countries declined to comment.</p>\n"
)


def make_pages(root: Path, count: int, seed: int = 4) -> list[str]:
    """Write `count` pages of 20-200 KB and an index linking them; returns their paths."""
    rng = random.Random(seed)
    paths = []
    for n in range(count):
        size = rng.randint(20_000, 200_000)
        body = PARA * (size // len(PARA))
        html = (
            f"<!doctype html><html><head><meta charset='utf-8'><title>Story {n}</title></head>"
            f"<body><article><h1>Story {n}</h1><p>Quote number {n}.</p>{body}</article></body>"
            "</html>"
        )
        (root / f"story-{n}.html").write_text(html)
        paths.append(f"/story-{n}.html")
    links = "".join(f'<a href="{p}">{p}</a>\n' for p in paths)
    (root / "index.html").write_text(f"<html><body>{links}</body></html>")
    return paths


# -- servers --------------------------------------------------------------------------------


def start_nginx(root: Path, port: int) -> subprocess.Popen[bytes] | None:
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        return None
    conf = root.parent / "nginx.conf"
    conf.write_text(
        f"""worker_processes 1; daemon off; pid {root.parent}/nginx.pid;
error_log {root.parent}/nginx-error.log;
events {{ worker_connections 4096; }}
http {{ access_log off; keepalive_requests 1000000; keepalive_timeout 60s;
  types {{ text/html html; }} default_type text/html; sendfile on;
  server {{ listen 127.0.0.1:{port}; root {root}; }} }}
"""
    )
    proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(root.parent)])
    time.sleep(0.5)
    return proc if proc.poll() is None else None


def start_python_server(root: Path) -> tuple[ThreadingHTTPServer, int]:
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.protocol_version = "HTTP/1.1"  # type: ignore[attr-defined]
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


@contextmanager
def serve(site: Path, python_server: bool = False) -> Iterator[tuple[str, str]]:
    """Serve `site` on 127.0.0.1 while the block runs: (base URL, server name).

    nginx when installed (it answers If-None-Match with 304 itself) unless `python_server`,
    else a threaded Python server.
    """
    port = free_port()
    nginx = None if python_server else start_nginx(site, port)
    name = "nginx"
    if nginx is None:
        _, port = start_python_server(site)
        name = "python ThreadingHTTPServer (no ETag/304)"
    try:
        yield f"http://127.0.0.1:{port}", name
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- workers (each runs in its own process) -------------------------------------------------


def worker_factcheck(urls: list[str], concurrency: int) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from factcheck.fetch.fetcher import Fetcher
    from factcheck.models import FetchRequest, FetchStatus
    from factcheck.settings import Settings
    from factcheck.snapshots.cache import SnapshotCache

    with tempfile.TemporaryDirectory(dir=ROOT / "bench" / "out") as cache_dir:
        settings = Settings(
            cache_dir=Path(cache_dir), max_connections=concurrency, per_host=concurrency
        )
        fetcher = Fetcher(settings, SnapshotCache(Path(cache_dir)))
        ok = 0

        def count(result: object) -> None:
            nonlocal ok
            ok += getattr(result, "status", None) is FetchStatus.FETCHED

        started = time.perf_counter()
        fetcher.fetch_many((FetchRequest(u) for u in urls), count)
        seconds = time.perf_counter() - started  # deleting the cache afterwards is not fetching
    return {"ok": ok, "seconds": seconds}


async def _bare(urls: list[str], concurrency: int, clients: int) -> int:
    import httpx

    per = math.ceil(concurrency / clients)
    pool = [
        httpx.AsyncClient(limits=httpx.Limits(max_connections=per, max_keepalive_connections=per))
        for _ in range(clients)
    ]
    gate = asyncio.Semaphore(concurrency)
    ok = 0

    async def get(i: int, url: str) -> None:
        nonlocal ok
        async with gate:
            resp = await pool[i % clients].get(url)
            ok += resp.status_code == 200 and len(resp.content) > 0

    await asyncio.gather(*(get(i, u) for i, u in enumerate(urls)))
    for client in pool:
        await client.aclose()
    return ok


def _timed_bare(urls: list[str], concurrency: int, clients: int) -> dict[str, float]:
    started = time.perf_counter()
    ok = asyncio.run(_bare(urls, concurrency, clients))
    return {"ok": ok, "seconds": time.perf_counter() - started}


def worker_httpx(urls: list[str], concurrency: int) -> dict[str, float]:
    return _timed_bare(urls, concurrency, clients=1)


def worker_httpx_small(urls: list[str], concurrency: int) -> dict[str, float]:
    return _timed_bare(urls, concurrency, clients=max(1, math.ceil(concurrency / 4)))


WORKERS: dict[str, Callable[[list[str], int], dict[str, float]]] = {
    "factcheck fetch": worker_factcheck,
    "httpx 1 client": worker_httpx,
    "httpx 4-conn clients": worker_httpx_small,
    "whole factcheck check": whole_check.worker_whole,
}


def run_worker(name: str, urls_file: Path, concurrency: int) -> tuple[dict[str, float], float]:
    """(the worker's own report, peak RSS MB) of one worker in a fresh process."""
    cmd = [sys.executable, __file__, "--worker", name, "--urls", str(urls_file)]
    _, out, rss = _timed(cmd + ["--concurrency", str(concurrency)])
    report: dict[str, float] = json.loads(out.strip().splitlines()[-1])  # timed inside
    return report, rss


def _timed(cmd: list[str]) -> tuple[float, str, float]:
    """(wall seconds, stdout, peak RSS MB) of a command."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read().decode() if proc.stdout else ""
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - started, out, usage.ru_maxrss / 1024


def _tool(name: str) -> str | None:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    return found if Path(found).exists() else None


def run_lychee(urls_file: Path, concurrency: int, pages: int) -> tuple[float, float] | None:
    """(pages/s, peak MB) of lychee checking every URL (link check: no content kept)."""
    lychee = _tool("lychee")
    if lychee is None:
        return None
    listing = urls_file.with_suffix(".md")
    listing.write_text("\n".join(f"<{u}>" for u in json.loads(urls_file.read_text())))
    cmd = [lychee, "--no-progress", "--max-concurrency", str(concurrency)]
    cmd += ["--host-concurrency", str(concurrency), "--host-request-interval", "0ms", str(listing)]
    elapsed, _, rss = _timed(cmd)
    return pages / elapsed, rss


# -- main -----------------------------------------------------------------------------------

ROW = "{:24} {:>5} {:>9} {:>6} {:>8}  {}"


FETCHERS = ("factcheck fetch", "httpx 1 client", "httpx 4-conn clients")


def interleaved(
    names: tuple[str, ...], urls_file: Path, concurrency: int, repeat: int
) -> dict[str, tuple[dict[str, float], float]]:
    """Each worker's median run (by pages/s) and highest peak RSS over `repeat` rounds.

    Rounds run every worker once in turn, so a slow spell of this shared machine falls on
    all of them alike instead of on whichever ran during it.
    """
    runs: dict[str, list[tuple[dict[str, float], float]]] = {name: [] for name in names}
    for _ in range(repeat):
        for name in names:
            runs[name].append(run_worker(name, urls_file, concurrency))
    picked = {}
    for name, done in runs.items():
        done.sort(key=lambda run: run[0]["ok"] / run[0]["seconds"])
        picked[name] = (done[len(done) // 2][0], max(rss for _, rss in done))
    return picked


def measure(args: argparse.Namespace, base: str, urls_file: Path) -> dict[tuple[str, int], float]:
    """Print one row per tool and concurrency; returns pages/s (and extras) by (name, conc)."""
    rates: dict[tuple[str, int], float] = {}
    print(ROW.format("tool", "conc", "pages/s", "ok", "peak MB", "notes"))
    for conc in args.concurrency:
        medians = interleaved(FETCHERS, urls_file, conc, args.repeat)
        medians |= interleaved(("whole factcheck check",), urls_file, conc, args.whole_repeat)
        for name, (report, rss) in medians.items():
            rate = report["ok"] / report["seconds"]
            rates[(name, conc)] = rate
            rates[("rss", conc)] = max(rates.get(("rss", conc), 0.0), rss)
            note = ""
            if "fetch" in report:
                stages = report["fetch"] + report["verify"] + report["record"]
                rates[("efficiency", conc)] = stages / report["seconds"]
                note = (
                    f"stages alone: fetch {report['fetch']:.1f}s + extract/match "
                    f"{report['verify']:.1f}s + record {report['record']:.1f}s = {stages:.1f}s; "
                    f"whole {report['seconds']:.1f}s"
                )
            print(ROW.format(name, conc, f"{rate:.1f}", int(report["ok"]), f"{rss:.0f}", note))
        for name, res in (("lychee (links only)", run_lychee(urls_file, conc, args.pages)),):
            if res is None:
                print(ROW.format(name, conc, "-", "", "", "not installed"))
                continue
            rates[(name, conc)] = res[0]
            print(ROW.format(name, conc, f"{res[0]:.1f}", "", f"{res[1]:.0f}", ""), flush=True)
    return rates


def verdicts(rates: dict[tuple[str, int], float], concurrency: list[int]) -> list[str]:
    """PASS/FAIL lines for the issue-4 targets."""
    lines = []

    def check(label: str, value: float, target: float) -> None:
        verdict = "PASS" if value >= target else "FAIL"
        lines.append(f"{verdict}  {label}: {value:.2f} (target >= {target:g})")

    for conc in concurrency:
        ours = rates[("factcheck fetch", conc)]
        best = max(rates[("httpx 1 client", conc)], rates[("httpx 4-conn clients", conc)])
        check(f"fetch / best bare httpx at {conc}", ours / best, 0.9)
        if ("efficiency", conc) in rates:
            check(f"whole check / sum of its stages at {conc}", rates[("efficiency", conc)], 0.8)
        mb = rates[("rss", conc)]
        lines.append(
            f"{'PASS' if mb < 300 else 'FAIL'}  peak memory at {conc}: {mb:.0f} MB (< 300)"
        )
    if 64 in concurrency:
        default = rates[("httpx 1 client", 64)]
        check("fetch / default AsyncClient at 64", rates[("factcheck fetch", 64)] / default, 3.0)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--repeat", type=int, default=5, help="fetch runs per figure (median)")
    parser.add_argument(
        "--whole-repeat", type=int, default=1, help="whole-check runs per figure (median)"
    )
    parser.add_argument("--python-server", action="store_true", help="do not use nginx")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--urls", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        urls = json.loads(Path(args.urls).read_text())
        print(json.dumps(WORKERS[args.worker](urls, args.concurrency[0])))
        return
    (ROOT / "bench" / "out").mkdir(exist_ok=True)  # caches on the disk a real run would use
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)  # nginx workers run as an unprivileged user
        site = Path(tmp) / "site"
        site.mkdir()
        paths = make_pages(site, args.pages)
        os.environ[whole_check.SITE_ENV] = str(site)
        with serve(site, args.python_server) as (base, server_name):
            urls_file = Path(tmp) / "urls.json"
            urls_file.write_text(json.dumps([base + p for p in paths]))
            mb = sum((site / p.lstrip("/")).stat().st_size for p in paths) / 1e6
            cores = os.cpu_count()
            print(
                f"{args.pages} pages, {mb:.0f} MB, served by {server_name} on {base}; {cores} cores"
            )
            print(
                f"median of {args.repeat} interleaved runs per fetch figure, {args.whole_repeat} "
                "per whole check; each run in a fresh process"
            )
            rates = measure(args, base, urls_file)
        print()
        print("\n".join(verdicts(rates, args.concurrency)))


if __name__ == "__main__":
    main()

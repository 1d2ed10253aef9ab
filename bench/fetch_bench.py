"""Fetch-stage benchmark (issue 4): factcheck's Fetcher beside bare httpx, lychee, linkchecker.

    .venv/bin/python bench/fetch_bench.py --pages 2000
    .venv/bin/python bench/fetch_bench.py --pages 200 --concurrency 1 16   # quick

Serves N generated news-like pages (20-200 KB) from nginx when installed (apt-get install
nginx-light), else a threaded Python server, all on 127.0.0.1. Every measurement runs in
its own process so peak memory (max RSS) is per tool. The whole `factcheck check` figure
is a hook (`run_whole_check`) for the lead to wire once the CLI exists.
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
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINKCHECKER_PAGES = 200  # linkchecker manages a few pages/s here: time it on a subset
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
    few = "".join(f'<a href="{p}">{p}</a>\n' for p in paths[:LINKCHECKER_PAGES])
    (root / "index-few.html").write_text(f"<html><body>{few}</body></html>")
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


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- workers (each runs in its own process) -------------------------------------------------


def worker_factcheck(urls: list[str], concurrency: int) -> int:
    sys.path.insert(0, str(ROOT))
    from factcheck.cache import SnapshotCache
    from factcheck.fetch import Fetcher
    from factcheck.models import FetchRequest, FetchStatus
    from factcheck.settings import Settings

    with tempfile.TemporaryDirectory() as cache_dir:
        settings = Settings(
            cache_dir=Path(cache_dir), max_connections=concurrency, per_host=concurrency
        )
        fetcher = Fetcher(settings, SnapshotCache(Path(cache_dir)))
        ok = 0

        def count(result: object) -> None:
            nonlocal ok
            ok += getattr(result, "status", None) is FetchStatus.FETCHED

        fetcher.fetch_many((FetchRequest(u) for u in urls), count)
    return ok


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


def worker_httpx(urls: list[str], concurrency: int) -> int:
    return asyncio.run(_bare(urls, concurrency, clients=1))


def worker_httpx_small(urls: list[str], concurrency: int) -> int:
    return asyncio.run(_bare(urls, concurrency, clients=max(1, math.ceil(concurrency / 4))))


WORKERS: dict[str, Callable[[list[str], int], int]] = {
    "factcheck fetch": worker_factcheck,
    "httpx 1 client": worker_httpx,
    "httpx 4-conn clients": worker_httpx_small,
}


def run_worker(name: str, urls_file: Path, concurrency: int) -> tuple[float, int, float]:
    """(pages/s, pages ok, peak RSS MB) of one worker in a fresh process."""
    cmd = [sys.executable, __file__, "--worker", name, "--urls", str(urls_file)]
    _, out, rss = _timed(cmd + ["--concurrency", str(concurrency)])
    report = json.loads(out.strip().splitlines()[-1])  # timed inside: no interpreter start-up
    return report["ok"] / report["seconds"], int(report["ok"]), rss


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


def run_linkchecker(base: str, concurrency: int, pages: int) -> tuple[float, float] | None:
    """(pages/s, peak MB) of linkchecker following an index of the first pages one level deep."""
    pages = min(pages, LINKCHECKER_PAGES)
    checker = _tool("linkchecker")
    if checker is None:
        return None
    config = Path(tempfile.mkdtemp()) / "linkcheckerrc"
    config.write_text("[checking]\nmaxrequestspersecond=10000\n")  # default throttles to 10/s
    cmd = [checker, "-f", str(config), "--no-status", "-t", str(concurrency), "-r", "1"]
    cmd += ["-o", "none"]
    elapsed, _, rss = _timed(cmd + ["--no-robots", f"{base}/index-few.html"])
    return pages / elapsed, rss


def run_whole_check(base: str, urls: list[str], concurrency: int) -> tuple[float, float] | None:
    """Hook for the lead: run `factcheck check` on claims pointing at `urls`; (pages/s, MB)."""
    return None


# -- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--python-server", action="store_true", help="do not use nginx")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--urls", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        urls = json.loads(Path(args.urls).read_text())
        started = time.perf_counter()
        ok = WORKERS[args.worker](urls, args.concurrency[0])
        print(json.dumps({"ok": ok, "seconds": time.perf_counter() - started}))
        return
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)  # nginx workers run as an unprivileged user
        site = Path(tmp) / "site"
        site.mkdir()
        paths = make_pages(site, args.pages)
        port = free_port()
        nginx = None if args.python_server else start_nginx(site, port)
        server_name = "nginx"
        if nginx is None:
            _, port = start_python_server(site)
            server_name = "python ThreadingHTTPServer"
        base = f"http://127.0.0.1:{port}"
        urls = [base + p for p in paths]
        urls_file = Path(tmp) / "urls.json"
        urls_file.write_text(json.dumps(urls))
        mb = sum((site / p.lstrip("/")).stat().st_size for p in paths) / 1e6
        print(f"{args.pages} pages, {mb:.0f} MB, served by {server_name} on {base}; 2 cores")
        print(f"{'tool':24} {'conc':>5} {'pages/s':>9} {'ok':>6} {'peak MB':>8}")
        try:
            for conc in args.concurrency:
                for name in WORKERS:
                    rate, ok, rss = run_worker(name, urls_file, conc)
                    print(f"{name:24} {conc:5d} {rate:9.1f} {ok:6d} {rss:8.0f}", flush=True)
                for name, res in (
                    ("lychee (links only)", run_lychee(urls_file, conc, args.pages)),
                    ("linkchecker (-r1)", run_linkchecker(base, conc, args.pages)),
                ):
                    if res is None:
                        print(f"{name:24} {conc:5d}  not installed")
                    else:
                        print(
                            f"{name:24} {conc:5d} {res[0]:9.1f} {'':>6} {res[1]:8.0f}", flush=True
                        )
                whole = run_whole_check(base, urls, conc)
                label = "whole factcheck check"
                if whole is None:
                    print(f"{label:24} {conc:5d}  (hook run_whole_check not wired yet)")
                else:
                    print(f"{label:24} {conc:5d} {whole[0]:9.1f} {'':>6} {whole[1]:8.0f}")
        finally:
            if nginx is not None:
                nginx.terminate()
                nginx.wait()


if __name__ == "__main__":
    main()

"""Whole-check worker for fetch_bench: `run_check` beside its own stages measured alone.

The issue-4 target: the whole check >= 0.8x the sum of its own stages' measured costs,
i.e. (fetch + extract/match + record seconds, each measured alone) / whole-check seconds
>= 0.8. Overlap (fetching while the previous page is parsed) can push it above 1.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE_ENV = "FETCH_BENCH_SITE"


def write_claims(path: Path, urls: list[str]) -> None:
    """One claim per page, quoting the sentence unique to it ("Quote number N.")."""
    lines = ["claims:"]
    for url in urls:
        n = url.rsplit("-", 1)[1].split(".")[0]
        lines += [
            f"  - id: story-{n}",
            f'    claim: "Story {n} carries its quote."',
            f'    quote: "Quote number {n}."',
            "    sources:",
            f"      - url: {url}",
        ]
    path.write_text("\n".join(lines) + "\n")


def worker_whole(urls: list[str], concurrency: int) -> dict[str, float]:
    """Seconds of the whole check and of each stage alone, on fresh databases and caches."""
    sys.path.insert(0, str(ROOT))
    from factcheck.claims.load import load_claims
    from factcheck.run import run_check
    from factcheck.settings import Settings
    from factcheck.store.database import Store

    scratch = ROOT / "bench" / "out"
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch) as tmp:
        work = Path(tmp)
        claims_path = work / "claims.yaml"
        write_claims(claims_path, urls)
        claims = load_claims(claims_path)
        settings = Settings(
            db_path=work / "whole.db",
            cache_dir=work / "cache-whole",
            max_connections=concurrency,
            per_host=concurrency,
        )
        store = Store.open(settings.db_path)
        started = time.perf_counter()
        summary = run_check(settings, claims, store)
        whole = time.perf_counter() - started
        supported = summary.counts().get("supported", 0)
        stages = _stages(work, claims, settings, urls)
    return {"ok": supported, "seconds": whole, **stages}


def _stages(work: Path, claims: object, settings: object, urls: list[str]) -> dict[str, float]:
    """Fetch alone; then extract+match and record alone, page by page from the same bytes."""
    from dataclasses import replace

    from factcheck.fetch.fetcher import Fetcher
    from factcheck.match.version import MATCHER_VERSION
    from factcheck.models import ClaimsFile, FetchRequest, FetchResult, FetchStatus
    from factcheck.settings import Settings
    from factcheck.snapshots.cache import SnapshotCache, sha256_hex
    from factcheck.store.database import Store
    from factcheck.verify import Verifier

    assert isinstance(claims, ClaimsFile) and isinstance(settings, Settings)
    fetch_settings = replace(settings, cache_dir=work / "cache-fetch")
    fetcher = Fetcher(fetch_settings, SnapshotCache(fetch_settings.cache_dir))
    started = time.perf_counter()
    fetcher.fetch_many((FetchRequest(u) for u in urls), lambda result: None)
    fetch = time.perf_counter() - started

    site = Path(os.environ[SITE_ENV])
    cache = SnapshotCache(work / "cache-stages")
    verifier = Verifier(fetcher, cache)
    store = Store.open(work / "stages.db")
    store.writer.sync_claims(claims)
    run_id = store.writer.start_run("full", claims.path, MATCHER_VERSION)
    by_url = {s.url: c for c in claims.claims for s in c.sources}
    verify = record = 0.0
    for url in urls:
        body = (site / url.rsplit("/", 1)[1]).read_bytes()
        result = FetchResult(
            url, FetchStatus.FETCHED, "2026-01-01T00:00:00Z", 200, url,
            content_type="text/html", body=body, body_hash=sha256_hex(body),
        )  # fmt: skip
        t0 = time.perf_counter()
        outcome = verifier.verify_source(result, [by_url[url]], {})
        t1 = time.perf_counter()
        snapshot = store.writer.record_snapshot(
            run_id, outcome.fetch, outcome.text, outcome.text_hash
        )
        store.writer.record_verifications(run_id, snapshot, list(outcome.verifications))
        record += time.perf_counter() - t1
        verify += t1 - t0
    store.writer.finish_run(run_id)
    return {"fetch": fetch, "verify": verify, "record": record}

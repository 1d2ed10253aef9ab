"""Pack files: concurrent writers, torn tails, damaged records, prune, a deleted cache/."""

from __future__ import annotations

import asyncio
import errno
import fcntl
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from factcheck.errors import CacheError
from factcheck.snapshots.cache import SnapshotCache, sha256_hex
from factcheck.snapshots.packs import HEADER, scan
from factcheck.snapshots.writer import CacheWriter

ROOT = Path(__file__).resolve().parent.parent


def body(i: int, size: int = 2000) -> bytes:
    return (f"<p>page {i}: the council voted {i} to {i + 1}.</p>" * size)[:size].encode()


def packs(root: Path) -> list[Path]:
    return sorted((root / "packs").glob("*.pack"))


def records(path: Path) -> tuple[list[str], int]:
    """Digests of a pack's complete records and where they end."""
    fd = os.open(path, os.O_RDONLY)
    try:
        found, end = scan(fd, 0, os.fstat(fd).st_size)
    finally:
        os.close(fd)
    return [digest.hex() for digest, _, _ in found], end


def disk_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def test_two_instances_append_to_their_own_packs(tmp_path: Path) -> None:
    one, two = SnapshotCache(tmp_path), SnapshotCache(tmp_path)
    digests = [(one if i % 2 else two).put(body(i)) for i in range(10)]
    assert one.put(body(1)) == digests[1]  # same body again: no second record
    first, second = packs(tmp_path)
    assert sorted(records(first)[0] + records(second)[0]) == sorted(digests)
    fresh = SnapshotCache(tmp_path)
    assert [fresh.get(d) for d in digests] == [body(i) for i in range(10)]
    assert one.get(digests[0]) == body(0)  # a miss takes in the other instance's pack


def test_an_index_follows_packs_that_are_new_or_grew(tmp_path: Path) -> None:
    reader, writer = SnapshotCache(tmp_path), SnapshotCache(tmp_path)
    assert not reader.has(sha256_hex(body(0)))  # index built, empty
    assert reader.has(writer.put(body(0)))  # a new pack
    assert reader.get(writer.put(body(1))) == body(1)  # the same pack, grown


WRITER = """
import sys
from pathlib import Path
from factcheck.snapshots.cache import SnapshotCache
cache = SnapshotCache(Path(sys.argv[1]))
for i in range(int(sys.argv[2]), int(sys.argv[2]) + 60):
    cache.put((f"<p>body {i} </p>" * (200 + i)).encode())
"""


def test_two_processes_writing_at_once_never_interleave(tmp_path: Path) -> None:
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(start)], cwd=ROOT)
        for start in (0, 30)  # 30 bodies in common
    ]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    assert len(packs(tmp_path)) == 2
    for path in packs(tmp_path):
        assert records(path)[1] == path.stat().st_size  # every record whole
    cache = SnapshotCache(tmp_path)
    for i in range(90):
        expected = (f"<p>body {i} </p>" * (200 + i)).encode()
        assert cache.get(sha256_hex(expected)) == expected


def test_a_torn_tail_is_ignored_and_earlier_records_read(tmp_path: Path) -> None:
    writer = SnapshotCache(tmp_path)
    digests = [writer.put(body(i)) for i in range(3)]
    writer.close()
    [path] = packs(tmp_path)
    with path.open("r+b") as f:
        f.truncate(path.stat().st_size - 10)  # a crash in the middle of the last write
    cache = SnapshotCache(tmp_path)
    assert [cache.get(d) for d in digests[:2]] == [body(0), body(1)]
    assert not cache.has(digests[2]) and cache.get(digests[2]) is None
    assert cache.put(body(2)) == digests[2]  # fetched again: appended to a new pack
    assert SnapshotCache(tmp_path).get(digests[2]) == body(2)


def test_a_damaged_header_stops_the_scan(tmp_path: Path) -> None:
    writer = SnapshotCache(tmp_path)
    digests = [writer.put(body(i)) for i in range(3)]
    [path] = packs(tmp_path)
    raw = bytearray(path.read_bytes())
    fd = os.open(path, os.O_RDONLY)
    try:
        [_, (_, second, _), _], _ = scan(fd, 0, len(raw))
    finally:
        os.close(fd)
    raw[second + 40] ^= 0xFF  # the length field of the second header
    path.write_bytes(bytes(raw))
    cache = SnapshotCache(tmp_path)
    assert cache.get(digests[0]) == body(0)
    assert not cache.has(digests[1]) and not cache.has(digests[2])


def test_a_flipped_payload_byte_is_never_returned_and_a_reput_repairs_it(tmp_path: Path) -> None:
    cache = SnapshotCache(tmp_path)
    digest = cache.put(body(7, 50_000))
    [path] = packs(tmp_path)
    raw = bytearray(path.read_bytes())
    raw[(HEADER.size + len(raw)) // 2] ^= 0x01  # in the middle of the payload
    path.write_bytes(bytes(raw))
    assert cache.get(digest) is None and not cache.has(digest)  # forgotten
    assert SnapshotCache(tmp_path).get(digest) is None  # a fresh index finds it damaged too
    assert cache.put(body(7, 50_000)) == digest
    assert cache.get(digest) == body(7, 50_000)
    assert SnapshotCache(tmp_path).get(digest) == body(7, 50_000)  # the later record wins


def test_prune_rewrites_mixed_packs_and_deletes_empty_ones(tmp_path: Path) -> None:
    first, second = SnapshotCache(tmp_path), SnapshotCache(tmp_path)
    keep = {first.put(body(0)), first.put(body(1))}
    drop = [first.put(body(2)), second.put(body(3)), second.put(body(4))]
    first.put_text(drop[0], {"text": "gone"})
    first.close()
    second.close()
    mixed, dropped = packs(tmp_path)
    before = disk_bytes(tmp_path)
    cache = SnapshotCache(tmp_path)
    assert cache.get(drop[1]) == body(3)  # an index from before the prune
    removed, freed = cache.prune(keep)
    assert removed == 4 and freed == before - disk_bytes(tmp_path)
    [rewritten] = packs(tmp_path)
    assert not mixed.exists() and not dropped.exists()
    assert sorted(records(rewritten)[0]) == sorted(keep)
    assert all(cache.get(d) is None for d in drop) and cache.get_text(drop[0]) is None
    assert {d: first.get(d) for d in keep} == {d: cache.get(d) for d in keep}
    assert cache.prune(keep) == (0, 0)


def test_prune_skips_a_pack_a_live_writer_holds(tmp_path: Path) -> None:
    writer, other = SnapshotCache(tmp_path), SnapshotCache(tmp_path)
    held = writer.put(body(0))
    other.put(body(1))
    other.close()
    sizes = [path.stat().st_size for path in packs(tmp_path)]
    removed, freed = SnapshotCache(tmp_path).prune(set())
    assert removed == 1 and freed in sizes and len(packs(tmp_path)) == 1
    assert writer.get(held) == body(0)
    writer.put(body(2))  # still appending to its pack
    writer.close()
    [path] = packs(tmp_path)
    size = path.stat().st_size
    assert SnapshotCache(tmp_path).prune(set()) == (2, size)
    assert not packs(tmp_path)


def test_a_leftover_temporary_pack_is_removed_unless_a_prune_holds_it(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    crashed, busy = folder / ".tmp-1-a", folder / ".tmp-2-b"
    crashed.write_bytes(b"x" * 10)
    busy.write_bytes(b"y" * 20)
    with busy.open("rb") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        assert SnapshotCache(tmp_path).prune(set()) == (1, 10)
    assert busy.exists() and not crashed.exists()


def test_cache_deleted_between_puts(tmp_path: Path) -> None:
    cache = SnapshotCache(tmp_path / "cache")
    first = cache.put(body(0))
    shutil.rmtree(tmp_path / "cache")
    second = cache.put(body(1))  # the writer notices its pack is gone and starts another
    assert cache.get(second) == body(1) and cache.get(first) is None
    assert cache.put(body(0)) == first and cache.get(first) == body(0)
    assert SnapshotCache(tmp_path / "cache").get(first) == body(0)


def test_a_partial_write_on_a_full_disk_is_cut_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = SnapshotCache(tmp_path)
    kept = cache.put(body(0))
    real_write = os.write
    calls = []

    def half_then_full(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data)[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", half_then_full)
    with pytest.raises(CacheError, match="disk is full"):
        cache.put(body(1))
    monkeypatch.undo()
    [path] = packs(tmp_path)
    assert records(path) == ([kept], path.stat().st_size)  # no torn bytes left
    assert cache.put(body(1)) and len(packs(tmp_path)) == 2  # a fresh pack after a failure
    fresh = SnapshotCache(tmp_path)
    assert fresh.get(kept) == body(0) and fresh.get(sha256_hex(body(1))) == body(1)


def test_cache_writer_writes_to_a_pack_and_closes_it(tmp_path: Path) -> None:
    cache = SnapshotCache(tmp_path)

    async def run() -> list[str]:
        writer = CacheWriter(cache)
        digests = [await writer.put(body(i)) for i in range(20)]
        await writer.close()
        assert writer.error is None
        return digests

    digests = asyncio.run(run())
    [path] = packs(tmp_path)
    assert sorted(records(path)[0]) == sorted(set(digests))
    assert SnapshotCache(tmp_path).prune(set())[0] == 20  # closed: no lock left behind


def test_put_all_appends_a_batch_once_each_with_one_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = SnapshotCache(tmp_path)
    stored = cache.put(body(0))
    writes: list[int] = []
    real_write = os.write

    def counted(fd: int, data: bytes) -> int:
        writes.append(len(data))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", counted)
    batch = [(body(i), sha256_hex(body(i))) for i in (0, 1, 2, 1)]  # one stored, one twice
    cache.put_all(batch)
    monkeypatch.undo()
    assert len(writes) == 1
    [path] = packs(tmp_path)
    assert sorted(records(path)[0]) == sorted([stored, sha256_hex(body(1)), sha256_hex(body(2))])
    fresh = SnapshotCache(tmp_path)
    assert [fresh.get(digest) for _, digest in batch] == [b for b, _ in batch]


def test_cache_writer_hands_over_batches_and_flushes_a_lone_body(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = SnapshotCache(tmp_path)
    batches: list[int] = []
    real_put_all = cache.put_all
    second = threading.Event()

    def counted(items: list[tuple[bytes, str]]) -> None:
        batches.append(len(items))
        real_put_all(items)
        if len(batches) == 2:
            second.set()

    monkeypatch.setattr(cache, "put_all", counted)
    monkeypatch.setattr(CacheWriter, "FLUSH_AFTER", 0.05)

    async def run() -> None:
        writer = CacheWriter(cache)
        for i in range(CacheWriter.BATCH + 1):
            await writer.put(body(i))
        # the odd body is written without waiting for more (after FLUSH_AFTER, not at close)
        assert await asyncio.to_thread(second.wait, 30)
        assert batches == [CacheWriter.BATCH, 1]
        await writer.put(body(99))
        await writer.close()  # and what is left at the end is written by close
        assert batches == [CacheWriter.BATCH, 1, 1] and writer.error is None

    asyncio.run(run())
    fresh = SnapshotCache(tmp_path)
    assert all(fresh.get(sha256_hex(body(i))) == body(i) for i in [*range(9), 99])

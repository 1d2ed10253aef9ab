"""Snapshot cache: content addressing, compression, corruption, prune, clear errors."""

from __future__ import annotations

import errno
import os
import zlib
from pathlib import Path

import pytest
import zstandard

from factcheck.errors import CacheError
from factcheck.snapshots.cache import SnapshotCache, sha256_hex
from factcheck.snapshots.compression import ZSTD_MAGIC, compress, compress_all, decompress
from factcheck.snapshots.packs import HEADER


def snapshot_files(root: Path) -> list[Path]:
    """Bodies in the layout before packs: one `ab/<digest>.z` file each."""
    return [p for p in root.rglob("*.z") if "text" not in p.parts]


def write_old_snapshot(root: Path, body: bytes, raw: bytes) -> Path:
    digest = sha256_hex(body)
    (root / digest[:2]).mkdir(parents=True, exist_ok=True)
    path = root / digest[:2] / f"{digest}.z"
    path.write_bytes(raw)
    return path


def test_put_get_roundtrip_is_content_addressed_and_compressed(tmp_path: Path) -> None:
    cache = SnapshotCache(tmp_path / "cache")
    body = b"<p>The minister said so.</p>" * 1000
    digest = cache.put(body)
    assert digest == sha256_hex(body)
    assert cache.put(body) == digest  # idempotent
    assert cache.get(digest) == body and cache.has(digest)
    assert not snapshot_files(tmp_path / "cache")  # new bodies are never single files
    [path] = list((tmp_path / "cache" / "packs").iterdir())
    assert path.name.endswith(".pack") and path.stat().st_size < len(body) / 10
    raw = path.read_bytes()[HEADER.size :]  # one record: header, then a zstd frame
    assert raw.startswith(ZSTD_MAGIC) and decompress(raw) == body
    assert not list((tmp_path / "cache").rglob(".tmp-*"))


def test_zlib_snapshots_from_older_caches_still_read_and_prune(tmp_path: Path) -> None:
    cache = SnapshotCache(tmp_path)
    old_body = b"<p>Written before snapshots were zstd.</p>" * 50
    digest = sha256_hex(old_body)
    write_old_snapshot(tmp_path, old_body, zlib.compress(old_body, 1))
    (tmp_path / "text" / digest[:2]).mkdir(parents=True)
    text_path = tmp_path / "text" / digest[:2] / f"{digest}.json.z"
    text_path.write_bytes(zlib.compress(b'{"text": "old"}'))
    assert cache.has(digest) and cache.get(digest) == old_body
    assert cache.get_text(digest) == {"text": "old"}
    assert cache.put(old_body) == digest  # an existing snapshot is not rewritten
    assert zlib.decompress((tmp_path / digest[:2] / f"{digest}.z").read_bytes()) == old_body
    new = cache.put(b"new body")
    old_files = [tmp_path / digest[:2] / f"{digest}.z", text_path]
    old_bytes = sum(path.stat().st_size for path in old_files)
    assert cache.prune({new}) == (2, old_bytes)
    assert cache.get(digest) is None and cache.get(new) == b"new body"


@pytest.mark.parametrize("batched", [True, False])
def test_compress_all_makes_the_frames_compress_makes(
    batched: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not batched:  # as on zstandard's CFFI backend
        monkeypatch.delattr(zstandard.ZstdCompressor, "multi_compress_to_buffer")
    items = [b"<p>story</p>" * 500, b"", b"x", bytes(range(256)) * 40]
    frames = compress_all(items)
    assert frames == [compress(item) for item in items]
    assert [decompress(frame) for frame in frames] == items


@pytest.mark.parametrize("damage", [lambda raw: raw[:-1] + b"?", lambda raw: raw[:6]])
def test_damaged_frames_raise_value_error(damage: object) -> None:
    raw = compress(b"some extracted text" * 20)
    with pytest.raises(ValueError, match="corrupt"):
        decompress(damage(raw))  # type: ignore[operator]


def test_missing_and_malformed_digests(tmp_path: Path) -> None:
    cache = SnapshotCache(tmp_path / "nowhere")
    assert cache.get("0" * 64) is None
    assert cache.get("../../etc/passwd") is None
    assert not cache.has("xyz")
    assert cache.prune(set()) == (0, 0)


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[:-5],
        lambda raw: zlib.compress(b"other bytes"),
        lambda raw: compress(b"other bytes"),
        lambda raw: b"",
    ],
)
def test_corrupt_old_snapshot_is_detected_and_deleted(tmp_path: Path, damage: object) -> None:
    body = b"original body"
    path = write_old_snapshot(tmp_path, body, damage(compress(body)))  # type: ignore[operator]
    cache = SnapshotCache(tmp_path)
    digest = sha256_hex(body)
    assert cache.has(digest) and cache.get(digest) is None
    assert not path.exists()
    assert cache.put(body) == digest  # refetched bodies repair it, in a pack
    assert cache.get(digest) == body and not path.exists()


def test_zstd_snapshots_from_older_caches_read_and_prune(tmp_path: Path) -> None:
    body = b"<p>Written one file per snapshot.</p>" * 40
    path = write_old_snapshot(tmp_path, body, compress(body))
    cache = SnapshotCache(tmp_path)
    assert cache.has(sha256_hex(body)) and cache.get(sha256_hex(body)) == body
    size = path.stat().st_size
    assert cache.prune(set()) == (1, size) and not path.exists()


def test_text_cache(tmp_path: Path) -> None:
    cache = SnapshotCache(tmp_path)
    digest = cache.put(b"<p>x</p>")
    assert cache.get_text(digest) is None
    data = {"text": "Te Pāti Māori", "page_starts": [0, 5], "title": None}
    cache.put_text(digest, data)
    assert cache.get_text(digest) == data
    [path] = list((tmp_path / "text").rglob("*.z"))
    path.write_bytes(zlib.compress(b"{not json"))
    assert cache.get_text(digest) is None and not path.exists()
    with pytest.raises(ValueError):
        cache.put_text("nope", {})


def test_prune_keeps_referenced_snapshots(tmp_path: Path) -> None:
    cache = SnapshotCache(tmp_path)
    keep = cache.put(b"keep me")
    drop = cache.put(b"drop me" * 100)
    cache.put_text(keep, {"text": "k"})
    cache.put_text(drop, {"text": "d"})
    (tmp_path / "text" / keep[:2] / ".tmp-crashed").write_bytes(b"partial")
    sizes = sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file())
    removed, freed = cache.prune({keep})
    assert removed == 3
    left = sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file())
    assert freed == sizes - left
    assert cache.get(keep) == b"keep me" and cache.get_text(keep) == {"text": "k"}
    assert cache.get(drop) is None and cache.get_text(drop) is None


def test_unwritable_location_raises_cache_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(CacheError, match="cannot write to the snapshot cache"):
        SnapshotCache(blocker / "cache").put(b"x")


@pytest.mark.parametrize(
    ("code", "message"),
    [(errno.ENOSPC, "disk is full"), (errno.EROFS, "read-only"), (errno.EACCES, "read-only")],
)
def test_full_disk_and_read_only_give_clear_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, message: str
) -> None:
    def failing(*args: object) -> None:
        raise OSError(code, os.strerror(code))

    cache = SnapshotCache(tmp_path)
    digest = sha256_hex(b"body")
    with monkeypatch.context() as patch:
        patch.setattr(os, "write", failing)  # a body is one os.write to a pack
        with pytest.raises(CacheError, match=message):
            cache.put(b"body")
    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", failing)  # a text entry is renamed into place
        with pytest.raises(CacheError, match=message):
            cache.put_text(digest, {"text": "t"})
    assert not list(tmp_path.rglob(".tmp-*"))  # no half-written files left behind
    assert not list(tmp_path.rglob("*.pack"))  # nor an empty pack
    assert cache.get(digest) is None and cache.get_text(digest) is None
    assert cache.put(b"body") == digest and cache.get(digest) == b"body"  # space again

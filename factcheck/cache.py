"""Snapshot cache: content-addressed, zstd-compressed bodies and extracted text, atomic writes."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import itertools
import json
import os
import re
import tempfile
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import zstandard

from factcheck.errors import CacheError
from factcheck.pack_prune import prune_folder
from factcheck.packs import PackStore

PACKS_FOLDER = "packs"
SNAPSHOT_SUFFIX = ".z"  # bodies before packs: zstd, or zlib before issue 4's throughput work
TEXT_SUFFIX = ".json.z"
COMPRESS_LEVEL = 1  # zstd level 1: ~4x cheaper than zlib level 1 on HTML, and smaller
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
MAX_INFLATED = 1 << 31  # a frame header claiming more is corrupt: never allocate for it
_HEX64 = re.compile("[0-9a-f]{64}")


def sha256_hex(data: bytes) -> str:
    """The cache key of a body: SHA-256 of its raw bytes, lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def compress(data: bytes) -> bytes:
    """A zstd frame of `data` (the compressor releases the GIL while it works)."""
    return _compressor().compress(data)


def decompress(raw: bytes) -> bytes:
    """Inflate a snapshot file: zstd, or zlib as written before issue 4. Raises ValueError."""
    if raw.startswith(ZSTD_MAGIC):
        try:
            if zstandard.frame_content_size(raw) > MAX_INFLATED:
                raise ValueError("corrupt zstd snapshot: implausible size")
            return zstandard.ZstdDecompressor().decompress(raw)
        except zstandard.ZstdError as err:
            raise ValueError(f"corrupt zstd snapshot: {err}") from err
    try:
        return zlib.decompress(raw)
    except zlib.error as err:
        raise ValueError(f"corrupt zlib snapshot: {err}") from err


_local = threading.local()


def _compressor() -> zstandard.ZstdCompressor:
    """One compressor per thread: a ZstdCompressor must not be shared between threads."""
    found: zstandard.ZstdCompressor | None = getattr(_local, "compressor", None)
    if found is None:
        # decompress() needs the size in the frame header; the checksum catches damaged
        # text entries, which (unlike bodies) have no hash of their own to check
        found = _local.compressor = zstandard.ZstdCompressor(
            level=COMPRESS_LEVEL, write_content_size=True, write_checksum=True
        )
    return found


def _inflate(payload: bytes) -> bytes | None:
    try:
        return decompress(payload)
    except ValueError:
        return None


def _valid_digest(digest: str) -> bool:
    return len(digest) == 64 and _HEX64.fullmatch(digest) is not None


def _explain(err: OSError, root: Path) -> str:
    if err.errno == errno.ENOSPC:
        why = "the disk is full"
    elif err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        why = "the directory is read-only or not writable"
    else:
        why = err.strerror or str(err)
    return f"cannot write to the snapshot cache {root}: {why}"


class SnapshotCache:
    """Bodies appended to pack files under `root/packs/`; text under `root/text/ab/<sha256>.json.z`.

    Creating a file per body cost 0.02-3 ms of kernel time each; an append to an open pack
    ~2 us (issue 4). Each instance appends to its own pack (see factcheck.packs), so runs
    never interleave. Bodies of older caches, `root/ab/<sha256>.z`, are still read and
    pruned. Text entries are written to a temporary file and renamed into place. A body
    whose content no longer matches its hash is never returned.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._folders: set[str] = set()  # folders known to exist: no mkdir per write
        self._serial = itertools.count()
        self._packs = PackStore(self.root / PACKS_FOLDER)

    def _path(self, digest: str) -> Path:
        return self.root / digest[:2] / f"{digest}{SNAPSHOT_SUFFIX}"

    def _text_path(self, digest: str) -> Path:
        return self.root / "text" / digest[:2] / f"{digest}{TEXT_SUFFIX}"

    def _write(self, path: Path, payload: bytes) -> None:
        """Write `payload` to a temporary file beside `path`, then rename it into place."""
        tmp = ""
        try:
            fd, tmp = self._open_tmp(str(path.parent))
            try:
                # No fsync: it cost ~10 ms a snapshot here, and a file torn by a power cut
                # fails its hash check on read, is deleted and fetched again.
                view = memoryview(payload)
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except OSError as err:
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            raise CacheError(_explain(err, self.root)) from err

    def _open_tmp(self, folder: str) -> tuple[int, str]:
        """A new temporary file in `folder` (created if needed): (fd, path)."""
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        # A name unique to this process and write is far cheaper than mkstemp's random
        # names; O_EXCL still refuses a leftover of a crashed process with our pid.
        tmp = f"{folder}/.tmp-{os.getpid()}-{next(self._serial)}"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644), tmp
        except FileExistsError:
            return tempfile.mkstemp(dir=folder, prefix=".tmp-")
        except FileNotFoundError:  # the folder was deleted during the run
            self._folders.discard(folder)
            os.makedirs(folder, exist_ok=True)
            return tempfile.mkstemp(dir=folder, prefix=".tmp-")

    def _read(self, path: Path) -> bytes | None:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as err:
            raise CacheError(f"cannot read the snapshot cache {self.root}: {err}") from err
        try:
            return decompress(raw)
        except ValueError:
            self._discard(path)
            return None

    def _discard(self, path: Path) -> None:
        with contextlib.suppress(OSError):
            path.unlink()

    def put(self, body: bytes, digest: str | None = None) -> str:
        """Store `body` (if not already there) and return its SHA-256 hex digest.

        `digest`, when the caller already hashed the body, saves hashing it twice.
        """
        digest = digest or sha256_hex(body)
        key = bytes.fromhex(digest)
        with self._reading():
            if self._packs.has(key, rescan=False) or self._path(digest).exists():
                return digest
        payload = compress(body)
        try:
            self._packs.append(key, payload)
        except OSError as err:
            raise CacheError(_explain(err, self.root)) from err
        return digest

    def get(self, digest: str) -> bytes | None:
        """The body stored under `digest`, or None if missing or corrupt (corrupt is dropped)."""
        if not _valid_digest(digest):
            return None
        key = bytes.fromhex(digest)
        with self._reading():
            payload = self._packs.read(key)
        if payload is not None:
            body = _inflate(payload)
            if body is not None and sha256_hex(body) == digest:
                return body
            self._packs.forget(key)  # damaged: fetched and appended again by the next run
        return self._get_file(digest)

    def has(self, digest: str) -> bool:
        """Whether a snapshot of `digest` is stored (not verified; `get` verifies)."""
        if not _valid_digest(digest):
            return False
        with self._reading():
            return self._packs.has(bytes.fromhex(digest)) or self._path(digest).is_file()

    def close(self) -> None:
        """Close this cache's open pack; a later `put` opens a new one."""
        self._packs.close()

    def _get_file(self, digest: str) -> bytes | None:
        """A body in the layout before packs: one file per snapshot."""
        path = self._path(digest)
        body = self._read(path)
        if body is None:
            return None
        if sha256_hex(body) != digest:
            self._discard(path)
            return None
        return body

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        try:
            yield
        except OSError as err:
            raise CacheError(f"cannot read the snapshot cache {self.root}: {err}") from err

    def put_text(self, digest: str, data: dict[str, Any]) -> None:
        """Cache extracted text (any JSON-serialisable dict) for the body with hash `digest`."""
        if not _valid_digest(digest):
            raise ValueError(f"not a sha256 hex digest: {digest!r}")
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        self._write(self._text_path(digest), compress(payload))

    def get_text(self, digest: str) -> dict[str, Any] | None:
        """Extracted text cached for `digest`, or None (a corrupt entry is deleted)."""
        if not _valid_digest(digest):
            return None
        path = self._text_path(digest)
        raw = self._read(path)
        if raw is None:
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            self._discard(path)
            return None
        return data if isinstance(data, dict) else None

    def _entries(self) -> Iterator[tuple[str, Path]]:
        if not self.root.is_dir():
            return
        packs = self.root / PACKS_FOLDER
        for path in self.root.rglob("*"):
            name = path.name
            if path.parent == packs:
                continue  # the pack store prunes its own folder
            for suffix in (TEXT_SUFFIX, SNAPSHOT_SUFFIX):
                if name.endswith(suffix) and path.is_file():
                    yield name[: -len(suffix)], path
                    break
            else:
                if name.startswith(".tmp-") and path.is_file():
                    yield "", path  # leftover of a crashed write

    def prune(self, keep: set[str]) -> tuple[int, int]:
        """Delete snapshots and text entries whose hash is not in `keep`.

        Packs with nothing kept are deleted, packs with some kept are rewritten, and a pack
        another process is still writing is left alone. Returns (snapshots and text entries
        removed, bytes freed).
        """
        try:
            self._packs.close()  # our own pack must not hold its lock against the prune
            wanted = {bytes.fromhex(d) for d in keep if _valid_digest(d)}
            removed, freed = prune_folder(self._packs.folder, wanted)
            self._packs.reset()
        except OSError as err:
            raise CacheError(_explain(err, self.root)) from err
        for digest, path in list(self._entries()):
            if digest in keep:
                continue
            try:
                size = path.stat().st_size
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as err:
                raise CacheError(_explain(err, self.root)) from err
            removed += 1
            freed += size
        return removed, freed

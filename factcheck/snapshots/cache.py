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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from factcheck.errors import CacheError
from factcheck.snapshots.compression import compress, compress_all, decompress
from factcheck.snapshots.packs import PackStore, write_all
from factcheck.snapshots.prune import prune_folder

PACKS_FOLDER = "packs"
SNAPSHOT_SUFFIX = ".z"  # bodies before packs: zstd, or zlib before issue 4's throughput work
TEXT_SUFFIX = ".json.z"
_HEX = re.compile("[0-9a-f]+")


def sha256_hex(data: bytes) -> str:
    """The cache key of a body: SHA-256 of its raw bytes, lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def _inflate(payload: bytes) -> bytes | None:
    try:
        return decompress(payload)
    except ValueError:
        return None


def _is_shard(name: str) -> bool:
    """A folder name of the layout before packs: two lowercase hex digits."""
    return len(name) == 2 and _HEX.fullmatch(name) is not None


def _valid_digest(digest: str) -> bool:
    return len(digest) == 64 and _HEX.fullmatch(digest) is not None


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
    ~2 us (issue 4). Each instance appends to its own pack (see factcheck.snapshots.packs), so runs
    never interleave. Bodies of older caches, `root/ab/<sha256>.z`, are still read and
    pruned. Text entries are written to a temporary file and renamed into place. A body
    whose content no longer matches its hash is never returned.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._folders: set[str] = set()  # folders known to exist: no mkdir per write
        self._serial = itertools.count()
        self._packs = PackStore(self.root / PACKS_FOLDER)
        self._legacy: bool | None = None  # whether old one-file snapshots exist

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
                write_all(fd, payload)
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
        with self._reading():
            try:
                raw = path.read_bytes()
            except FileNotFoundError:
                return None
        inflated = _inflate(raw)
        if inflated is None:
            self._discard(path)
        return inflated

    def _discard(self, path: Path) -> None:
        with contextlib.suppress(OSError):
            path.unlink()

    def put(self, body: bytes, digest: str | None = None) -> str:
        """Store `body` (if not already there) and return its SHA-256 hex digest.

        `digest`, when the caller already hashed the body, saves hashing it twice.
        """
        digest = digest or sha256_hex(body)
        self.put_all([(body, digest)])
        return digest

    def put_all(self, bodies: list[tuple[bytes, str]]) -> None:
        """Store each (body, its sha256 hex digest) not already there, with one append."""
        new: dict[bytes, bytes] = {}
        with self._reading():
            for body, digest in bodies:
                key = bytes.fromhex(digest)
                if key in new or self._packs.has(key, rescan=False):
                    continue
                if self._old_layout() and self._path(digest).exists():
                    continue
                new[key] = body
        if not new:
            return
        records = list(zip(new, compress_all(list(new.values())), strict=True))
        try:
            self._packs.append_all(records)
        except OSError as err:
            raise CacheError(_explain(err, self.root)) from err

    def _old_layout(self) -> bool:
        """Whether bodies from before packs may be here (`ab/` folders): checked once."""
        if self._legacy is None:
            try:
                names = os.listdir(self.root)
            except OSError:
                names = []
            self._legacy = any(_is_shard(name) for name in names)
        return self._legacy

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
        return self._get_file(digest) if self._old_layout() else None

    def has(self, digest: str) -> bool:
        """Whether a snapshot of `digest` is stored (not verified; `get` verifies)."""
        if not _valid_digest(digest):
            return False
        with self._reading():
            if self._packs.has(bytes.fromhex(digest)):
                return True
            return self._old_layout() and self._path(digest).is_file()

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

"""Pruning pack files: drop the records no check references, never touching a live pack."""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from pathlib import Path

from factcheck.snapshots.packs import (
    HEADER,
    NEW_FILE,
    PACK_SUFFIX,
    READ_ONLY,
    is_pack,
    new_pack_name,
    scan,
    write_all,
)


def prune_folder(folder: Path, keep: set[bytes]) -> tuple[int, int]:
    """Drop records not in `keep` from every pack in `folder`: (records removed, bytes freed).

    Leftover temporary files of crashed prunes are removed too. Packs that live writers
    hold are skipped.
    """
    removed = freed = 0
    for path in sorted(p for p in folder.glob(f"*{PACK_SUFFIX}") if is_pack(p.name)):
        gone, released = prune_pack(path, keep)
        removed, freed = removed + gone, freed + released
    for path in folder.glob(".tmp-*"):
        leftover = _remove_unlocked(path)
        if leftover is not None:
            removed, freed = removed + 1, freed + leftover
    return removed, freed


def try_lock(fd: int) -> bool:
    """Take an exclusive flock without waiting; False while another open file holds it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def prune_pack(path: Path, keep: set[bytes]) -> tuple[int, int]:
    """Drop the records of one pack not in `keep`: (records removed, bytes freed).

    A pack with nothing kept is deleted; one with some kept is rewritten to a new pack
    (a temporary file renamed in), then deleted. A pack a live writer holds is skipped.
    """
    try:
        fd = os.open(path, READ_ONLY)
    except FileNotFoundError:
        return 0, 0
    try:
        if not try_lock(fd) or (stat := os.fstat(fd)).st_nlink == 0:
            return 0, 0  # being written, or already rewritten by another prune
        size = stat.st_size
        records, end = scan(fd, 0, size)
        latest = {digest: (offset, length) for digest, offset, length in records}
        kept = sorted(at for digest, at in latest.items() if digest in keep)
        removed = len(records) - len(kept)
        if kept and removed == 0 and end == size:
            return 0, 0
        written = _copy_records(fd, kept, path.parent) if kept else 0
        path.unlink()
        return removed, size - written
    finally:
        os.close(fd)


def _copy_records(source: int, records: list[tuple[int, int]], folder: Path) -> int:
    """Copy `records` (offset, payload length) of `source` into a new pack; its size."""
    tmp = folder / f".tmp-{os.getpid()}-{secrets.token_hex(4)}"
    fd = os.open(tmp, NEW_FILE, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # a concurrent prune must not take it for a leftover
        written = 0
        for offset, length in records:
            record = os.pread(source, HEADER.size + length, offset)
            write_all(fd, record)
            written += len(record)
        os.replace(tmp, folder / new_pack_name())
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    finally:
        os.close(fd)
    return written


def _remove_unlocked(path: Path) -> int | None:
    """Delete a leftover temporary file unless a prune is writing it: bytes freed, or None."""
    try:
        fd = os.open(path, READ_ONLY)
    except FileNotFoundError:
        return None
    try:
        if not try_lock(fd):
            return None
        size = os.fstat(fd).st_size
        path.unlink()
        return size
    finally:
        os.close(fd)

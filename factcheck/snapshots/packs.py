"""Pack files: snapshot bodies appended to a few large files, git-pack style (issue 4)."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import struct
import threading
import time
import weakref
import zlib
from pathlib import Path

PACK_SUFFIX = ".pack"
MAGIC = b"FCP1"
# magic, raw sha256 of the body, payload length, crc32 of digest + length: a torn or damaged
# header stops a scan instead of sending it into the middle of a payload
HEADER = struct.Struct(">4s32sQI")
_FIELDS = struct.Struct(">32sQ")
READ_ONLY = os.O_RDONLY | os.O_CLOEXEC
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC

Record = tuple[bytes, int, int]  # digest, offset of the header, payload length


def pack_record(digest: bytes, payload: bytes) -> bytes:
    """One record, header then payload, to be written with a single os.write."""
    crc = zlib.crc32(_FIELDS.pack(digest, len(payload)))
    return HEADER.pack(MAGIC, digest, len(payload), crc) + payload


def parse_header(head: bytes) -> tuple[bytes, int] | None:
    """(digest, payload length) from a record header, or None if torn or damaged."""
    if len(head) < HEADER.size:
        return None
    magic, digest, length, crc = HEADER.unpack_from(head)
    if magic != MAGIC or crc != zlib.crc32(_FIELDS.pack(digest, length)):
        return None
    return digest, length


def scan(fd: int, start: int, size: int) -> tuple[list[Record], int]:
    """Complete records from `start` (headers only, payloads skipped) and where they end.

    Stops at the first torn or damaged record: only a crash mid-write leaves one, at the tail.
    """
    found: list[Record] = []
    offset = start
    while offset + HEADER.size <= size:
        parsed = parse_header(os.pread(fd, HEADER.size, offset))
        if parsed is None or offset + HEADER.size + parsed[1] > size:
            break
        found.append((parsed[0], offset, parsed[1]))
        offset += HEADER.size + parsed[1]
    return found, offset


def read_payload(path: Path, digest: bytes, offset: int, length: int) -> bytes | None:
    """The payload at `offset` if its header there names `digest`. Raises OSError."""
    fd = os.open(path, READ_ONLY)
    try:
        raw = os.pread(fd, HEADER.size + length, offset)
    finally:
        os.close(fd)
    if len(raw) != HEADER.size + length or parse_header(raw) != (digest, length):
        return None
    return raw[HEADER.size :]


def is_pack(name: str) -> bool:
    return name.endswith(PACK_SUFFIX) and not name.startswith(".")


def new_pack_name() -> str:
    """A name no other process or run will pick: UTC time, pid, random."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return f"{stamp}-{os.getpid()}-{secrets.token_hex(4)}{PACK_SUFFIX}"


def write_all(fd: int, data: bytes) -> None:
    """One os.write, looping only if the kernel took part of it."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class _Pack:
    """The pack this process appends to: O_APPEND, flock'ed while open so prune leaves it."""

    def __init__(self, folder: Path) -> None:
        os.makedirs(folder, exist_ok=True)
        self.number = -1  # its place in the store's list of pack names, set by the store
        self.name = new_pack_name()
        self.path = folder / self.name
        self.fd = os.open(self.path, NEW_FILE | os.O_APPEND, 0o644)
        self.size = 0
        self.close = weakref.finalize(self, os.close, self.fd)
        # Blocks only while a prune that saw this empty file deletes it; alive() then fails.
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def alive(self) -> bool:
        """False once the file is unlinked (cache/ deleted during the run): ~1 us."""
        return os.fstat(self.fd).st_nlink > 0

    def append(self, record: bytes) -> int:
        """Append `record`; its offset. No fsync: a torn record fails its check on read."""
        offset = self.size
        try:
            write_all(self.fd, record)
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, offset)  # cut a partial write (disk full) back off
            raise
        self.size += len(record)
        return offset


class PackStore:
    """Bodies in `folder/*.pack`, found through an in-memory index of record headers.

    The index is built on first use, follows this process's appends, and on a miss takes
    in packs that are new or grew (other processes append to their own packs). A digest
    stored twice resolves to the later record. Thread-safe.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._where: dict[bytes, tuple[int, int, int]] | None = None  # pack no, offset, length
        self._names: list[str] = []  # pack number -> file name
        self._seen: dict[str, tuple[int, int, int]] = {}  # name -> number, size, records end
        self._pack: _Pack | None = None

    def has(self, digest: bytes, *, rescan: bool = True) -> bool:
        """Whether a complete record of `digest` is known (its payload is not checked)."""
        with self._lock:
            found = self._find(digest, rescan)
            pack = self._pack
            if found and pack is not None and found[0] == pack.name and not pack.alive():
                self._retire()  # our own pack was deleted under us: the body is gone
                return False
            return found is not None

    def read(self, digest: bytes) -> bytes | None:
        """The payload stored for `digest`, unverified, or None. Raises OSError."""
        for _ in range(2):
            with self._lock:
                found = self._find(digest, rescan=True)
            if found is None:
                return None
            name, offset, length = found
            try:
                payload = read_payload(self.folder / name, digest, offset, length)
            except FileNotFoundError:  # pruned or deleted since: look again
                with self._lock:
                    self._drop(name)
                continue
            if payload is None:
                self.forget(digest)
            return payload
        return None

    def forget(self, digest: bytes) -> None:
        """Stop finding `digest` (its record is damaged) until it is appended again."""
        with self._lock:
            if self._where is not None:
                self._where.pop(digest, None)

    def append_all(self, items: list[tuple[bytes, bytes]]) -> None:
        """Append (digest, payload) records to this process's pack in one write (OSError)."""
        records = [pack_record(digest, payload) for digest, payload in items]
        with self._lock:
            where = self._index()
            pack = self._writable()
            try:
                offset = pack.append(b"".join(records))
            except OSError:
                self._retire()  # its tail may be torn: the next append starts a new pack
                raise
            self._seen[pack.name] = (pack.number, pack.size, pack.size)
            for (digest, payload), record in zip(items, records, strict=True):
                where[digest] = (pack.number, offset, len(payload))
                offset += len(record)

    def close(self) -> None:
        """Close this process's pack (releasing its lock); a later append opens a new one."""
        with self._lock:
            self._retire()

    def reset(self) -> None:
        """Forget the index (packs were rewritten or deleted); the next use rebuilds it."""
        with self._lock:
            self._retire()
            self._where, self._seen = None, {}

    def _writable(self) -> _Pack:
        for _ in range(3):
            if self._pack is None:
                self._pack = _Pack(self.folder)
                self._pack.number = self._number(self._pack.name)
                self._seen[self._pack.name] = (self._pack.number, 0, 0)
            if self._pack.alive():
                return self._pack
            # unlinked: cache/ was deleted during the run, or a prune took it while empty
            self._retire()
        raise FileNotFoundError(errno.ENOENT, "packs keep vanishing", str(self.folder))

    def _retire(self) -> None:
        pack, self._pack = self._pack, None
        if pack is None:
            return
        if not pack.alive():
            self._drop(pack.name)
        elif pack.size == 0:  # never leave an empty pack behind
            self._drop(pack.name)
            with contextlib.suppress(OSError):
                pack.path.unlink()
        pack.close()

    def _index(self) -> dict[bytes, tuple[int, int, int]]:
        if self._where is None:
            self._where = {}
            self._rescan()
        return self._where

    def _find(self, digest: bytes, rescan: bool) -> tuple[str, int, int] | None:
        fresh = self._where is None
        found = self._index().get(digest)
        if found is None and rescan and not fresh:
            self._rescan()
            found = self._index().get(digest)
        if found is None:
            return None
        return self._names[found[0]], found[1], found[2]

    def _rescan(self) -> None:
        try:
            entries = sorted(os.scandir(self.folder), key=lambda entry: entry.name)
        except (FileNotFoundError, NotADirectoryError):  # nothing written yet
            entries = []
        present = set()
        for entry in entries:
            if is_pack(entry.name):
                with contextlib.suppress(FileNotFoundError):  # pruned meanwhile
                    self._scan_pack(entry.name, entry.stat().st_size)
                    present.add(entry.name)
        for name in [name for name in self._seen if name not in present]:
            self._drop(name)

    def _scan_pack(self, name: str, size: int) -> None:
        number, seen, end = self._seen.get(name) or (self._number(name), -1, 0)
        if size == seen:
            return
        if size < end:  # packs only grow; a shorter one is not the file we scanned
            self._drop(name)
            number, end = self._number(name), 0
        try:
            fd = os.open(self.folder / name, READ_ONLY)
        except FileNotFoundError:
            return
        try:
            records, end = scan(fd, end, size)
        finally:
            os.close(fd)
        where = self._index()
        for digest, offset, length in records:
            where[digest] = (number, offset, length)
        self._seen[name] = (number, size, end)

    def _number(self, name: str) -> int:
        self._names.append(name)
        return len(self._names) - 1

    def _drop(self, name: str) -> None:
        state = self._seen.pop(name, None)
        if state is None or self._where is None:
            return
        for digest in [d for d, at in self._where.items() if at[0] == state[0]]:
            del self._where[digest]

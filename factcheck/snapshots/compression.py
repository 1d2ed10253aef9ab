"""zstd compression of snapshots and text entries (owns zstandard); zlib ones still read."""

from __future__ import annotations

import threading
import zlib

import zstandard

COMPRESS_LEVEL = 1  # zstd level 1: ~4x cheaper than zlib level 1 on HTML, and smaller
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
MAX_INFLATED = 1 << 31  # a frame header claiming more is corrupt: never allocate for it


def compress(data: bytes) -> bytes:
    """A zstd frame of `data` (the compressor releases the GIL while it works)."""
    return _compressor().compress(data)


def compress_all(items: list[bytes | bytearray | memoryview]) -> list[bytes]:
    """One zstd frame per item, as compress() makes them, in one call where zstandard can.

    The C backend compresses the whole batch with the GIL released once, not once per item:
    each time the cache writer takes the GIL back it can stall the event loop (issue 4).
    """
    compressor = _compressor()
    if len(items) < 2 or not hasattr(compressor, "multi_compress_to_buffer"):  # CFFI backend
        return [compressor.compress(item) for item in items]
    frames = compressor.multi_compress_to_buffer(items)
    return [frames[i].tobytes() for i in range(len(items))]


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

"""A claims file's bytes, bounded: all a cached claims file needs, so a due run whose claims
are unchanged never loads the YAML reader (~25 ms of start-up)."""

from __future__ import annotations

from pathlib import Path

from factcheck.errors import ClaimsFileError

MAX_BYTES = 32_000_000  # a 10,000-claim file is a few MB


def read_bytes(path: Path, name: str) -> bytes:
    """The file's bytes, or `ClaimsFileError`; problems with the file itself have no line."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ClaimsFileError(name, [f"{name}: file not found"]) from None
    except IsADirectoryError:
        raise ClaimsFileError(name, [f"{name}: is a directory, not a claims file"]) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        reason = getattr(exc, "strerror", None) or exc
        raise ClaimsFileError(name, [f"{name}: cannot read: {reason}"]) from None
    if len(data) > MAX_BYTES:
        msg = f"{name}: file is larger than {MAX_BYTES:,} bytes; split it"
        raise ClaimsFileError(name, [msg])
    return data

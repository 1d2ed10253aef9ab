"""Parsed claims files kept by content hash: an unchanged claims.yaml is not parsed again.

Parsing and validating YAML costs ~1.6 s for 10,000 claims, most of a due run where nothing
changed. A file that passed validation once passes again with the same bytes in the same
directory (local source paths resolve against it), so its result is kept as JSON under
`cache/claims/`, keyed by a hash of the bytes, the directory and this format's version.
A missing, unreadable or corrupt entry only means parsing the file again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, astuple, fields, replace
from pathlib import Path
from typing import Any

from factcheck.claims.files import read_bytes
from factcheck.models import Article, Claim, ClaimsFile, Rating, SourceRef

CLAIM_FIELDS = tuple(f.name for f in fields(Claim))
# Entries are keyed by this too: a change to the claim model never reads an old entry.
FORMAT = "claims-cache-2:" + ",".join(CLAIM_FIELDS + tuple(f.name for f in fields(SourceRef)))
KEEP = 16  # entries kept; the oldest go first


def load_claims_cached(path: Path, cache_dir: Path) -> ClaimsFile:
    """`load_claims(path)`, read back from the cache when the file's bytes are unchanged."""
    path = Path(path)
    data = read_bytes(path, str(path))  # read once: the key and the parse see the same bytes
    key = _key(data, path)
    entry = cache_dir / "claims" / f"{key}.json"
    cached = _read(entry, path)
    if cached is not None:
        return replace(cached, digest=key)
    from factcheck.claims.load import load_claims  # YAML: only for a file not seen before

    claims_file = load_claims(path, data)
    _write(entry, claims_file)
    return replace(claims_file, digest=key)


def _key(data: bytes, path: Path) -> str:
    digest = hashlib.sha256(FORMAT.encode())
    digest.update(str(path.resolve().parent).encode("utf-8", "surrogatepass") + b"\0")
    digest.update(data)
    return digest.hexdigest()


def _read(entry: Path, path: Path) -> ClaimsFile | None:
    try:
        doc = json.loads(entry.read_bytes())
        claims = tuple(_claim(values) for values in doc["claims"])
        article = Article(**doc["article"]) if doc["article"] is not None else None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: kept by `_prune`
    return ClaimsFile(path=str(path.resolve()), claims=claims, article=article)


def _claim(values: list[Any]) -> Claim:
    """A claim from its entry: field values in CLAIM_FIELDS order, each source as a list of
    its field values (a third less JSON than named fields; 10,000 claims read back in ~0.06 s
    rather than ~0.1 s)."""
    named = dict(zip(CLAIM_FIELDS, values, strict=True))
    named["sources"] = tuple(SourceRef(*source) for source in named["sources"])
    named["rating"] = Rating(**named["rating"]) if named["rating"] is not None else None
    for name in ("tags", "evidence", "specifics"):
        named[name] = tuple(named[name])
    return Claim(**named)


def _row(claim: Claim) -> list[Any]:
    named = {name: getattr(claim, name) for name in CLAIM_FIELDS}
    named["sources"] = [astuple(source) for source in claim.sources]
    named["rating"] = asdict(claim.rating) if claim.rating is not None else None
    return list(named.values())


def _write(entry: Path, claims_file: ClaimsFile) -> None:
    """Atomically, best effort: a cache that cannot be written only costs a parse next time."""
    doc: dict[str, Any] = {
        "claims": [_row(c) for c in claims_file.claims],
        "article": asdict(claims_file.article) if claims_file.article else None,
    }
    data = json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass")
    tmp = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, entry)
        _prune(entry.parent)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)

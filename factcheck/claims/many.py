"""Many articles, one schedule: several claims files, or folders of them (issue 17, point 7).

With more than one file (or any folder) each claim is keyed by its file and id: its id
becomes `FILE/ID`, FILE being the file's name without `.yaml`, so two articles may both
have an `intro` claim. A single file keeps its plain ids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from factcheck.claims.cache import load_claims_cached
from factcheck.errors import ClaimsFileError
from factcheck.models import ClaimsFile

SUFFIXES = (".yaml", ".yml")


def claims_paths(paths: Sequence[Path]) -> list[Path]:
    """The claims files named, with each folder replaced by its *.yaml/*.yml files, sorted."""
    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        found = sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and p.is_file())
        if not found:
            raise ClaimsFileError(str(path), ["no claims files (*.yaml, *.yml) in this folder"])
        files += found
    return files


def load_claims_files(paths: Sequence[Path], cache_dir: Path) -> list[ClaimsFile]:
    """Load and validate every claims file; ids become FILE/ID when there are several."""
    files = claims_paths(paths)
    loaded = [load_claims_cached(path, cache_dir) for path in files]
    if len(files) == 1 and not any(p.is_dir() for p in paths):
        return loaded
    twice = [name for name, n in Counter(p.stem for p in files).items() if n > 1]
    if twice:
        problem = f"two claims files are named {twice[0]!r}: claim ids would clash"
        raise ClaimsFileError(", ".join(str(p) for p in files if p.stem == twice[0]), [problem])
    return [_keyed(loaded_file, path.stem) for path, loaded_file in zip(files, loaded, strict=True)]


def _keyed(claims_file: ClaimsFile, name: str) -> ClaimsFile:
    claims = tuple(replace(c, id=f"{name}/{c.id}") for c in claims_file.claims)
    digest = f"{claims_file.digest}/{name}" if claims_file.digest else ""  # not the plain ids'
    return replace(claims_file, claims=claims, digest=digest)

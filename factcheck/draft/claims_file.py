"""Writing drafted claims as claims.yaml, or merging them into one (owns ruamel.yaml)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import SingleQuotedScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from factcheck.claims.load import load_claims
from factcheck.draft.drafting import DraftClaim, unique_id
from factcheck.errors import ExitCode, FactcheckError
from factcheck.models import Article, Claim
from factcheck.text import fold

# YAML 1.1 (what the claims loader reads) turns these plain scalars into booleans, numbers or dates.
_NOT_PLAIN_TEXT = re.compile(
    r"(?i:y|n|yes|no|on|off|true|false|null|~)|[-+.]?[0-9][0-9_:.,eE+-]*|\d{4}-\d\d?-\d\d?.*"
)
HEADER = (
    "Draft claims{origin} by `factcheck draft`.\n"
    "Trim what is not worth checking, check each speaker, and add sources before `factcheck check`."
)


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold long sentences (nor refold a merged file's lines)
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _text(value: str) -> str:
    return SingleQuotedScalarString(value) if _NOT_PLAIN_TEXT.fullmatch(value) else value


def _claim_map(d: DraftClaim) -> CommentedMap:
    out = CommentedMap()
    out["id"] = d.id
    out["claim"] = _text(d.claim)
    if d.quote:
        out["quote"] = _text(d.quote)
    if d.speaker:
        out["speaker"] = _text(d.speaker)
    out["sources"] = CommentedSeq(d.sources)
    for key, values in (("tags", d.tags), ("specifics", d.specifics)):
        if values:
            out[key] = CommentedSeq(_text(v) for v in values)
    return out


def draft_yaml(
    drafts: Sequence[DraftClaim], article: Article | None = None, origin: str | None = None
) -> str:
    """A claims file (accepted by `load_claims`) holding the drafts, with a header comment."""
    doc = CommentedMap()
    fields = (
        {"title": article.title, "url": article.url, "published": article.published}
        if article
        else {}
    )
    known = {k: _text(v) for k, v in fields.items() if v}
    if known:
        doc["article"] = CommentedMap(known)
    doc["claims"] = CommentedSeq(_claim_map(d) for d in drafts)
    doc.yaml_set_start_comment(HEADER.format(origin=f" from {origin}" if origin else ""))
    return _dump(_yaml(), doc)


# --- merging into an existing claims.yaml -----------------------------------------------------


class ClaimsWriteError(FactcheckError):
    """The claims file to merge into cannot be written (its folder is not a folder)."""

    exit_code = ExitCode.BAD_INPUT


@dataclass(frozen=True)
class MergeResult:
    """What `merge_into` did: ids added (renamed if taken) and draft ids already there."""

    path: str
    added: tuple[str, ...]
    skipped: tuple[str, ...]
    created: bool = False


def _same_text(text: str | None) -> str:
    """The form in which a drafted text counts as already in the file (text.fold, trimmed)."""
    return fold(text or "").strip(" \"'.,;:")


def _is_known(d: DraftClaim, claims: Sequence[Claim]) -> bool:
    """Already in the file: a quote draft when a claim has its quote (or, on the same
    sentence, a quote containing it or contained in it); a fact draft when a claim has its
    text."""
    quote, text = _same_text(d.quote), _same_text(d.claim)
    for c in claims:
        theirs = _same_text(c.quote)
        if quote and quote == theirs:
            return True
        if text == _same_text(c.claim) and (
            not quote or (theirs and (quote in theirs or theirs in quote))
        ):
            return True
    return False


def merge_into(
    path: Path, drafts: Sequence[DraftClaim], article: Article | None = None
) -> MergeResult:
    """Append the drafts not already in the claims file at `path`, keeping its comments,
    order and existing claims untouched; ids are made unique against the file.

    A missing file is created. The file must load (`ClaimsFileError` otherwise), and the
    merged text is validated before it atomically replaces the original.
    """
    path = Path(path)
    if not path.exists():
        _write_checked(path, draft_yaml(drafts, article), "utf-8")
        return MergeResult(str(path), tuple(d.id for d in drafts), (), created=True)
    existing = load_claims(path).claims
    taken = {c.id for c in existing}
    new: list[DraftClaim] = []
    skipped = []
    for d in drafts:
        if _is_known(d, existing):
            skipped.append(d.id)
        else:
            new.append(replace(d, id=unique_id(d.id, taken)))
            taken.add(new[-1].id)
    if new:
        raw = path.read_bytes()
        encoding = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
        text = raw.decode(encoding)
        merged = _append_claims(text, [_claim_map(d) for d in new])
        keep_bom = raw.startswith(b"\xef\xbb\xbf") or encoding == "utf-16"
        _write_checked(path, merged, encoding if keep_bom else "utf-8")
    return MergeResult(str(path), tuple(d.id for d in new), tuple(skipped))


def _append_claims(text: str, maps: list[CommentedMap]) -> str:
    """The file's text with `maps` rendered after its last claim; every existing line stays
    byte for byte (ruamel.yaml would move a trailing comment, so the text is spliced)."""
    yaml = _yaml()
    _, indent, offset = load_yaml_guess_indent(text)
    offset = offset or 0
    yaml.indent(mapping=indent - offset if offset else indent, sequence=indent, offset=offset)
    doc = yaml.load(text)
    claims = doc["claims"]
    newline = "\r\n" if "\r\n" in text else "\n"
    if not claims or claims.fa.flow_style():  # `claims: []`: let ruamel.yaml rewrite the list
        doc["claims"] = CommentedSeq([*claims, *maps])
        return _dump(yaml, doc).replace("\n", newline)
    lines = text.splitlines(keepends=True)
    first = lines[claims.lc.item(0)[0]]
    dash = len(first) - len(first.lstrip())
    keys = list(doc)
    after = keys.index("claims") + 1
    end = doc.lc.key(keys[after])[0] if after < len(keys) else len(lines)
    while end > 0 and _trailing(lines[end - 1], dash):
        end -= 1
    rendered = _dump(yaml, CommentedMap(claims=CommentedSeq(maps))).splitlines(keepends=True)[1:]
    shift = dash - (len(rendered[0]) - len(rendered[0].lstrip()))
    block = "".join((" " * shift + ln if shift > 0 else ln[-shift:]) for ln in rendered)
    head = "".join(lines[:end])
    if head and not head.endswith("\n"):
        head += newline
    return head + block.replace("\n", newline) + "".join(lines[end:])


def _trailing(line: str, dash: int) -> bool:
    """A blank line, or a comment at the claims' own level or outside it (not inside a claim)."""
    stripped = line.strip()
    return not stripped or (stripped.startswith("#") and len(line) - len(line.lstrip()) <= dash)


def _dump(yaml: YAML, data: object) -> str:
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def _write_checked(path: Path, text: str, encoding: str) -> None:
    """Write `text` beside `path` (its folder created if missing), check it loads as a claims
    file, then move it into place."""
    folder = next((p for p in path.parents if p.exists()), Path("."))
    if not folder.is_dir():
        raise ClaimsWriteError(f"cannot write {path}: {folder} is a file, not a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".draft-", suffix=".yaml")
    except OSError as exc:
        raise ClaimsWriteError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
        load_claims(Path(tmp))
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise ClaimsWriteError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise

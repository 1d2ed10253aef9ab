"""Load and validate claims.yaml into a `ClaimsFile`, one line-numbered message per problem."""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from difflib import get_close_matches
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from factcheck.claims.files import read_bytes
from factcheck.claims.yaml_nodes import (
    Node,
    ProblemList,
    YamlProblem,
    compose_text,
    decode,
)
from factcheck.errors import ClaimsFileError
from factcheck.models import Article, Claim, ClaimsFile, Rating, SourceRef

CLAIM_KEYS = (
    "id",
    "claim",
    "quote",
    "speaker",
    "sources",
    "tags",
    "recheck",
    "rating",
    "evidence",
    "specifics",
)
TOP_KEYS = ("article", "claims")
ARTICLE_KEYS = ("title", "url", "published")
SOURCE_KEYS = ("url", "note", "accessed")
RATING_KEYS = ("value", "best", "worst", "label")

MAX_TEXT = 10_000  # characters in one text field; keeps the matcher's work bounded
MAX_ID = 100
MAX_URL = 8_192
MAX_SHOWN = 50  # problems listed before "and N more"

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RECHECK_RE = re.compile(r"^[1-9][0-9]{0,5}[mhdw]$")
SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
DRIVE_RE = re.compile(r"^[A-Za-z]:[\\/]")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[Tt ].+)?$")
INT_RE = re.compile(r"^[-+]?\d{1,6}$")
BLANK_RE = re.compile(r"\s")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def load_claims(path: Path, data: bytes | None = None) -> ClaimsFile:
    """Read and validate a claims file; raise `ClaimsFileError` listing every problem.

    `data`: the file's bytes when the caller has read them already (`read_bytes`).
    """
    path = Path(path)
    name = str(path)
    problems = ProblemList(name)
    text = decode(read_bytes(path, name) if data is None else data, name)
    with _no_cyclic_gc():
        try:
            root = compose_text(text, problems)
        except YamlProblem:
            root = None
        if root is not None and not problems:
            try:
                claims, article = _Checker(problems, path.resolve().parent).check_top(root)
            except YamlProblem:
                claims, article = (), None
            if not problems:
                return ClaimsFile(path=str(path.resolve()), claims=claims, article=article)
    raise ClaimsFileError(name, problems.messages(MAX_SHOWN))


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """The node tree has no cycles; GC passes over it cost ~40% of a 10,000-claim load."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _shown(value: str, limit: int = 60) -> str:
    """User text inside a message: quoted, shortened, escaped onto one line."""
    return repr(value if len(value) <= limit else value[:limit] + "...")


def _hint(key: str, allowed: tuple[str, ...]) -> str:
    close = get_close_matches(key.lower(), allowed, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "expected one of: " + ", ".join(allowed)


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:MAX_ID] or "my-claim"


@dataclass
class _Checker:
    """Walks the composed nodes, collecting problems and building the models."""

    problems: ProblemList
    base_dir: Path
    seen_ids: dict[str, int] = field(default_factory=dict)

    def add(self, node: Node, message: str) -> None:
        self.problems.add(node.line, message)

    def check_top(self, root: Node) -> tuple[tuple[Claim, ...], Article | None]:
        if root.kind != "mapping":
            self.add(root, f"the file must be a mapping with a 'claims' list, not {root.describe}")
            return (), None
        fields = self.mapping(root, TOP_KEYS, "top level")
        article = self.article(fields["article"]) if "article" in fields else None
        claims_node = fields.get("claims")
        if claims_node is None:
            self.add(root, "missing 'claims' (a list of claims, each with 'id' and 'claim')")
            return (), article
        if claims_node.kind != "list":
            self.add(claims_node, f"'claims' must be a list, not {claims_node.describe}")
            return (), article
        claims = [self.claim(node, n) for n, node in enumerate(claims_node.items, 1)]
        published = article.published if article else None
        return tuple(replace(c, published=published) for c in claims if c is not None), article

    def mapping(self, node: Node, allowed: tuple[str, ...], where: str) -> dict[str, Node]:
        """Keys to values; reports non-text, duplicate and unknown keys."""
        fields: dict[str, Node] = {}
        first_line: dict[str, int] = {}
        for key, value in node.pairs:
            if key.kind != "scalar" or key.scalar_type != "text":
                self.add(key, f"{where}: keys must be text, not {key.describe}")
            elif key.value in first_line:
                line = first_line[key.value]
                self.add(key, f"{where}: duplicate key {_shown(key.value)} (first on line {line})")
            elif key.value not in allowed:
                self.add(
                    key, f"{where}: unknown key {_shown(key.value)} ({_hint(key.value, allowed)})"
                )
            else:
                first_line[key.value] = key.line
                fields[key.value] = value
        return fields

    def claim(self, node: Node, number: int) -> Claim | None:
        where = f"claim #{number}"
        if node.kind != "mapping":
            self.add(node, f"{where}: must be a mapping with 'id' and 'claim', not {node.describe}")
            return None
        where = self.claim_label(node, where)
        fields = self.mapping(node, CLAIM_KEYS, where)
        claim = Claim(
            id=self.claim_id(node, fields.get("id"), where) or "",
            claim=self.text(node, fields, "claim", where, required=True) or "",
            quote=self.text(node, fields, "quote", where),
            speaker=self.text(node, fields, "speaker", where),
            sources=self.sources(fields.get("sources"), where),
            tags=self.text_list(fields.get("tags"), "tags", where),
            recheck=self.recheck(fields.get("recheck"), where),
            rating=self.rating(fields.get("rating"), where),
            evidence=self.text_list(fields.get("evidence"), "evidence", where, single=True),
            specifics=self.text_list(fields.get("specifics"), "specifics", where),
            line=node.line,
        )
        return claim if claim.id and claim.claim else None

    def claim_label(self, node: Node, fallback: str) -> str:
        """`claim 'ID'` when the claim has a fresh, well-formed id; else `claim #N`."""
        for key, value in node.pairs:
            if key.value == "id" and value.kind == "scalar" and value.scalar_type == "text":
                ok = ID_RE.match(value.value) and value.value not in self.seen_ids
                return f"claim '{value.value}'" if ok and len(value.value) <= MAX_ID else fallback
        return fallback

    def claim_id(self, claim: Node, node: Node | None, where: str) -> str | None:
        value = self.text(claim, {"id": node} if node else {}, "id", where, required=True)
        if value is None or node is None:
            return None
        if len(value) > MAX_ID or not ID_RE.match(value):
            self.add(
                node,
                f"{where}: bad id {_shown(value)}: use lowercase letters, digits and single "
                f"hyphens, e.g. '{_slugify(value)}'",
            )
            return None
        if value in self.seen_ids:
            first = self.seen_ids[value]
            self.add(node, f"{where}: duplicate id {_shown(value)} (first used on line {first})")
            return None
        self.seen_ids[value] = node.line
        return value

    def text(
        self,
        parent: Node,
        fields: dict[str, Node],
        key: str,
        where: str,
        *,
        required: bool = False,
        limit: int = MAX_TEXT,
    ) -> str | None:
        """A text field; `None` (after reporting) when missing, empty or not text."""
        node = fields.get(key)
        if node is None:
            if required:
                self.add(parent, f"{where}: missing '{key}'")
            return None
        if node.is_null and not required:
            return None
        return self.text_value(node, f"'{key}'", where, limit)

    def text_value(self, node: Node, label: str, where: str, limit: int = MAX_TEXT) -> str | None:
        if node.is_null:
            self.add(node, f"{where}: {label} is empty")
            return None
        if node.kind != "scalar" or node.scalar_type != "text":
            hint = " (put it in quotes)" if node.kind == "scalar" else ""
            self.add(node, f"{where}: {label} must be text, not {node.describe}{hint}")
            return None
        value = node.value.strip()
        if not value:
            self.add(node, f"{where}: {label} is empty")
            return None
        if len(value) > limit:
            self.add(node, f"{where}: {label} is too long ({len(value)} characters; max {limit})")
            return None
        return value

    def text_list(
        self, node: Node | None, key: str, where: str, *, single: bool = False
    ) -> tuple[str, ...]:
        if node is None or node.is_null:
            return ()
        if single and node.kind == "scalar":
            value = self.text_value(node, f"'{key}'", where)
            return (value,) if value is not None else ()
        if node.kind != "list":
            self.add(node, f"{where}: '{key}' must be a list of text, not {node.describe}")
            return ()
        values = [self.text_value(item, f"'{key}' item", where) for item in node.items]
        return tuple(v for v in values if v is not None)

    def sources(self, node: Node | None, where: str) -> tuple[SourceRef, ...]:
        if node is None or node.is_null:
            return ()
        if node.kind != "list":
            self.add(node, f"{where}: 'sources' must be a list, not {node.describe}")
            return ()
        refs: list[SourceRef] = []
        seen: dict[str, int] = {}
        for number, item in enumerate(node.items, 1):
            ref = self.source(item, f"{where} source #{number}")
            if ref is None:
                continue
            key = _same_source_key(ref.url)
            if key in seen:
                first = seen[key]
                self.add(
                    item, f"{where}: duplicate source {_shown(ref.url, 80)} (first on line {first})"
                )
                continue
            seen[key] = item.line
            refs.append(ref)
        return tuple(refs)

    def source(self, node: Node, where: str) -> SourceRef | None:
        if node.kind == "scalar":
            return self.source_ref(node, None, None, where)
        if node.kind != "mapping":
            self.add(node, f"{where}: must be a URL, a file path or {{url, note}}, not a list")
            return None
        fields = self.mapping(node, SOURCE_KEYS, where)
        note = self.text(node, fields, "note", where)
        accessed = self.date(fields.get("accessed"), "accessed", where)
        url_node = fields.get("url")
        if url_node is None or url_node.is_null:
            self.add(node, f"{where}: missing 'url'")
            return None
        return self.source_ref(url_node, note, accessed, where)

    def source_ref(
        self, node: Node, note: str | None, accessed: str | None, where: str
    ) -> SourceRef | None:
        value = self.text_value(node, "source", where, MAX_URL)
        if value is None:
            return None
        problem = _url_problem(value)
        if problem:
            self.add(node, f"{where}: bad source {_shown(value, 80)}: {problem}")
            return None
        if _is_url(value):
            return SourceRef(url=value, note=note, accessed=accessed)
        local = os.path.normpath(self.base_dir / os.path.expanduser(value))
        return SourceRef(url=local, note=note, is_file=True, accessed=accessed)

    def date(self, node: Node | None, key: str, where: str) -> str | None:
        if node is None or node.is_null:
            return None
        if node.kind == "scalar" and node.scalar_type in ("date", "text"):
            value = node.value.strip()
            if DATE_RE.match(value) and _valid_date(value):
                return value
        self.add(node, f"{where}: '{key}' must be a date like 2026-01-16")
        return None

    def recheck(self, node: Node | None, where: str) -> str | None:
        if node is None or node.is_null:
            return None
        if node.kind != "scalar":
            self.add(node, f"{where}: 'recheck' must be text like 7d, not {node.describe}")
            return None
        if RECHECK_RE.match(node.value.strip()):
            return node.value.strip()
        shown = _shown(node.value, 40)
        self.add(
            node, f"{where}: bad recheck {shown}: use a number and m, h, d or w: 30m, 12h, 7d, 2w"
        )
        return None

    def rating(self, node: Node | None, where: str) -> Rating | None:
        if node is None or node.is_null:
            return None
        if node.kind != "mapping":
            self.add(node, f"{where}: 'rating' must be a mapping like {{value: 2, best: 5}}")
            return None
        fields = self.mapping(node, RATING_KEYS, f"{where} rating")
        numbers = {k: self.number(fields.get(k), k, where) for k in ("value", "best", "worst")}
        label = self.text(node, fields, "label", f"{where} rating", limit=200)
        rating = Rating(label=label, **numbers)
        if "value" not in fields and "label" not in fields:
            self.add(node, f"{where}: 'rating' needs a 'value' or a 'label'")
            return None
        return rating if self.rating_in_range(node, rating, where) else None

    def number(self, node: Node | None, key: str, where: str) -> int | None:
        if node is None or node.is_null:
            return None
        if node.kind == "scalar" and node.scalar_type == "number" and INT_RE.match(node.value):
            return int(node.value)
        shown = _shown(node.value, 20) if node.scalar_type == "number" else node.describe
        self.add(node, f"{where}: rating '{key}' must be a whole number, not {shown}")
        return None

    def rating_in_range(self, node: Node, rating: Rating, where: str) -> bool:
        ok = True
        if rating.best is not None and rating.worst is not None and rating.best <= rating.worst:
            self.add(node, f"{where}: rating 'best' ({rating.best}) must be above 'worst'")
            return False
        if rating.value is not None:
            if rating.best is not None and rating.value > rating.best:
                self.add(node, f"{where}: rating value {rating.value} is above best {rating.best}")
                ok = False
            if rating.worst is not None and rating.value < rating.worst:
                msg = f"rating value {rating.value} is below worst {rating.worst}"
                self.add(node, f"{where}: {msg}")
                ok = False
        return ok

    def article(self, node: Node) -> Article | None:
        if node.is_null:
            return None
        if node.kind != "mapping":
            what = node.describe
            self.add(node, f"article: must be a mapping {{title, url, published}}, not {what}")
            return None
        fields = self.mapping(node, ARTICLE_KEYS, "article")
        url = self.text(node, fields, "url", "article", limit=MAX_URL)
        if url is not None and (not _is_url(url) or _url_problem(url)):
            self.add(fields["url"], f"article: bad url {_shown(url, 80)}: use an http(s) URL")
            url = None
        return Article(
            title=self.text(node, fields, "title", "article", limit=1000),
            url=url,
            published=self.date(fields.get("published"), "published", "article"),
        )


def _same_source_key(url: str) -> str:
    """Scheme and host are case-insensitive; the rest of a URL is not."""
    match = re.match(r"^(https?://[^/?#]*)(.*)$", url, re.IGNORECASE | re.DOTALL)
    return match.group(1).lower() + match.group(2) if match else url


def _is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


@lru_cache(maxsize=4096)
def _url_problem(value: str) -> str | None:
    """Why a source string is neither an http(s) URL nor a local file path, or None."""
    if CONTROL_RE.search(value):
        return "contains control characters"
    if value.startswith("//"):
        return "add the scheme: https://..."
    if value.lower().startswith("www."):
        return "looks like a web address: add https://"
    match = SCHEME_RE.match(value)
    if match is None or DRIVE_RE.match(value):
        return None  # a local file path: a path, spaces and all (issue 15)
    if BLANK_RE.search(value):
        return "contains spaces or control characters (percent-encode them)"
    scheme = match.group(1).lower()
    if scheme == "file":
        return "file: URLs are not accepted; write the local path (e.g. pages/x.html)"
    if scheme not in ("http", "https"):
        return f"only http(s) URLs or local file paths are accepted, not {scheme}:"
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises on a bad port
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if not parts.hostname:
        return "the URL has no host name"
    return None


def _valid_date(value: str) -> bool:
    from datetime import date, datetime

    try:
        if len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value)
    except ValueError:
        return False
    return True

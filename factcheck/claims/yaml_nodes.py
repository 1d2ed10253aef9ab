"""Safe YAML reading for claims.yaml: plain nodes with line numbers, no tags run, no aliases."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import yaml

from factcheck.errors import ClaimsFileError

MAX_DEPTH = 32  # claims.yaml needs 5 levels; deeper nesting is a mistake or an attack
MAX_NODES = 1_000_000  # a 10,000-claim file has ~200,000 values; this bounds memory
MAX_PROBLEMS = 1_000  # stop checking after this many; only the first few are shown

Kind = Literal["scalar", "list", "mapping"]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()
_CORE = "tag:yaml.org,2002:"
_SCALAR_TYPES = {
    "str": "text",
    "int": "number",
    "float": "number",
    "bool": "boolean",
    "null": "null",
    "timestamp": "date",
}
_DESCRIBE = {
    "text": "text",
    "number": "a number",
    "boolean": "true/false",
    "null": "empty",
    "date": "a date",
    "list": "a list",
    "mapping": "a mapping",
}


class YamlProblem(Exception):
    """Checking stopped; the reason is already in the `ProblemList`."""


@dataclass
class ProblemList:
    """Line-numbered problems of one file, rendered as `NAME:LINE: message`."""

    name: str
    items: list[tuple[int, str]] = field(default_factory=list)

    def add(self, line: int, message: str) -> None:
        # one problem, one line: escape anything the file could smuggle in (newlines, bidi)
        safe = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in message)
        self.items.append((line, safe))
        if len(self.items) >= MAX_PROBLEMS:
            raise YamlProblem

    def __bool__(self) -> bool:
        return bool(self.items)

    def messages(self, limit: int) -> list[str]:
        ordered = sorted(self.items, key=lambda item: item[0])
        shown = [f"{self.name}:{line}: {msg}" for line, msg in ordered[:limit]]
        if len(ordered) > limit:
            line = ordered[limit][0]
            more = len(ordered) - limit
            at_least = "at least " if len(ordered) >= MAX_PROBLEMS else ""
            shown.append(f"{self.name}:{line}: ... and {at_least}{more} more problems")
        return shown


@dataclass(slots=True)
class Node:
    """One YAML value: a scalar (`value`, `scalar_type`), a list or a mapping. Lines are 1-based."""

    kind: Kind
    line: int
    value: str = ""
    scalar_type: str = "text"  # text, number, boolean, null, date
    items: list[Node] = field(default_factory=list)
    pairs: list[tuple[Node, Node]] = field(default_factory=list)

    @property
    def is_null(self) -> bool:
        return self.kind == "scalar" and self.scalar_type == "null"

    @property
    def describe(self) -> str:
        """What the node holds, for 'must be X, not Y' messages."""
        return _DESCRIBE[self.scalar_type if self.kind == "scalar" else self.kind]


def decode(data: bytes, name: str) -> str:
    """The text of a claims file's bytes (UTF-8, or UTF-16 with a BOM), or `ClaimsFileError`."""
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        label = "UTF-16" if encoding == "utf-16" else "UTF-8"
        msg = f"{name}:{line}: not valid {label} text (byte 0x{byte}); save the file as UTF-8"
        raise ClaimsFileError(name, [msg]) from None


def compose_text(text: str, problems: ProblemList) -> Node | None:
    """The document's root node, or None after adding problems.

    Built iteratively from parser events, so deep nesting costs no recursion and an
    alias ("billion laughs") is rejected where it appears instead of being expanded.
    """
    try:
        root = _Composer(problems).run(text)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        problems.add(line, f"character U+{exc.character:04X} is not allowed in YAML ({exc.reason})")
        return None
    except yaml.MarkedYAMLError as exc:
        problems.add(*_syntax_problem(exc))
        return None
    except yaml.YAMLError as exc:  # no mark to point at
        problems.add(1, "YAML error: " + " ".join(str(exc).split()))
        return None
    if root is None and not problems:
        problems.add(1, "the file is empty; expected a mapping with a 'claims' list")
    return root


@lru_cache(maxsize=4096)
def _plain_type(value: str) -> str:
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return _SCALAR_TYPES.get(tag.removeprefix(_CORE), "text")


def _syntax_problem(exc: yaml.MarkedYAMLError) -> tuple[int, str]:
    """One line: the problem, then what the parser was doing and where that started."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    message = f"YAML syntax error: {exc.problem or 'cannot parse'}"
    if exc.context:
        start = exc.context_mark.line + 1 if exc.context_mark else line
        message += f" ({exc.context}" + (f" started on line {start})" if start != line else ")")
    return line, " ".join(message.split())


@dataclass
class _Open:
    node: Node
    key: Node | None = None  # mapping: the key waiting for its value


class _Composer:
    def __init__(self, problems: ProblemList) -> None:
        self.problems = problems
        self.stack: list[_Open] = []
        self.root: Node | None = None
        self.documents = 0
        self.nodes = 0
        self.aliases: set[tuple[int, str | None]] = set()

    def run(self, text: str) -> Node | None:
        for event in yaml.parse(text, Loader=_LOADER):
            line = event.start_mark.line + 1 if event.start_mark else 1
            if isinstance(event, yaml.ScalarEvent):  # the common case first
                self.attach(self.scalar(event, line))
                self.count_node(line)
            elif isinstance(event, yaml.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    self.problems.add(line, "more than one YAML document ('---'); use one")
                    raise YamlProblem
            elif isinstance(event, yaml.AliasEvent):
                if (line, event.anchor) not in self.aliases:
                    self.aliases.add((line, event.anchor))
                    msg = f"YAML aliases (*{event.anchor}) are not supported; write the value out"
                    self.problems.add(line, msg)
                self.attach(Node("scalar", line, scalar_type="null"))
            elif isinstance(event, yaml.CollectionStartEvent):
                self.open(event, line)
            elif isinstance(event, yaml.CollectionEndEvent):
                self.attach(self.stack.pop().node)
        return self.root

    def scalar(self, event: yaml.ScalarEvent, line: int) -> Node:
        tag = event.tag
        if tag not in (None, "!"):
            scalar_type = (
                _SCALAR_TYPES.get(tag.removeprefix(_CORE)) if tag.startswith(_CORE) else None
            )
        elif event.implicit[0]:  # plain: YAML 1.1 says what "no", "7" or "2026-01-16" are
            scalar_type = _plain_type(event.value)
        else:  # quoted
            scalar_type = "text"
        if scalar_type is None:
            self.problems.add(line, f"unsupported YAML tag {tag!r}; remove it")
            scalar_type = "null"
        return Node("scalar", line, value=event.value, scalar_type=scalar_type)

    def open(self, event: yaml.CollectionStartEvent, line: int) -> None:
        is_list = isinstance(event, yaml.SequenceStartEvent)
        expected = f"{_CORE}{'seq' if is_list else 'map'}"
        if event.tag not in (None, "!", expected):
            self.problems.add(line, f"unsupported YAML tag {event.tag!r}; remove it")
        if len(self.stack) >= MAX_DEPTH:
            self.problems.add(line, f"nested more than {MAX_DEPTH} levels deep")
            raise YamlProblem
        self.stack.append(_Open(Node("list" if is_list else "mapping", line)))
        self.count_node(line)

    def count_node(self, line: int) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.problems.add(line, f"more than {MAX_NODES:,} values; split the file")
            raise YamlProblem

    def attach(self, node: Node) -> None:
        if not self.stack:
            self.root = node
            return
        top = self.stack[-1]
        if top.node.kind == "list":
            top.node.items.append(node)
        elif top.key is None:
            top.key = node
        else:
            top.node.pairs.append((top.key, node))
            top.key = None

"""Reading content YAML strictly, keeping where every key and value stands in the file."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from texsheet.errors import ContentError, Problem
from texsheet.model.syntax import QUIET_ESCAPES, command_at, explain

MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 32

Where = tuple  # a path into the data: keys and list indices, e.g. ("rows", 0, "panels")


@dataclass
class Source:
    """Parsed content: plain data (strings, lists, dicts) and the position of each part."""

    path: Path
    text: str
    data: Any
    marks: dict[Where, tuple[int, int]]
    scalars: dict[Where, yaml.ScalarNode] = field(default_factory=dict)
    # What reading found wrong without losing the rest (a duplicate key: the first one is kept),
    # for validation to report with its own problems.
    problems: list[Problem] = field(default_factory=list)
    # What validation let pass but says, each at its place (an emoji drawn without its icon).
    warnings: list[Problem] = field(default_factory=list)

    def position(self, where: Where, offset: int | None = None) -> tuple[int, int]:
        """(line, column) of the part at where, or of its nearest enclosing part; with offset,
        of that character of the scalar's value where the file shows it plainly."""
        node = self.scalars.get(where)
        if offset is not None and node is not None:
            found = _offset_position(self.text, node, offset)
            if found:
                return found
        while where not in self.marks and where:
            where = where[:-1]
        return self.marks.get(where, (1, 1))

    def typed(self, where: Where) -> str | None:
        """The text a scalar was typed as (`1.10`, not 1.1), or None if there is no scalar there."""
        node = self.scalars.get(where)
        return node.value if node is not None else None

    def problem(self, where: Where, message: str, offset: int | None = None) -> Problem:
        line, column = self.position(where, offset)
        return Problem(self.path, line, column, message)

    def quiet_escapes(self, where: Where) -> tuple[str, list[Escape]]:
        """The text typed between the quotes of the double-quoted scalar at where, and every
        escape in it that YAML read quietly where a letter or _ follows the backslash (\\t of
        \\theta); ("", []) for any other scalar."""
        node = self.scalars.get(where)
        if node is None or node.style != '"' or self.text[node.start_mark.index: node.start_mark.index + 1] != '"':
            return "", []
        start = node.start_mark.index + 1
        raw = self.text[start: node.end_mark.index - 1]
        escapes, index = [], raw.find("\\")
        while index >= 0:
            if raw[index + 1: index + 2] in QUIET_ESCAPES:
                escapes.append(Escape(index, command_at(raw, index), self.place(start + index)))
            index = raw.find("\\", index + 2)
        return raw, escapes

    def place(self, index: int) -> tuple[int, int]:
        """(line, column) of the character at index of the text."""
        return self.text.count("\n", 0, index) + 1, index - (self.text.rfind("\n", 0, index) + 1) + 1


@dataclass(frozen=True)
class Escape:
    """A backslash that YAML read as an escape of a double-quoted scalar."""

    offset: int  # of the backslash, in the text between the quotes
    name: str  # the backslash command LaTeX would have read there: \\theta
    place: tuple[int, int]  # (line, column) of the backslash in the file


def _offset_position(text: str, node: yaml.ScalarNode, offset: int) -> tuple[int, int] | None:
    """Where character offset of a scalar's value stands in the file: for values typed on one
    line as they read (plain or quoted without escapes), and for literal blocks (|)."""
    start, end = node.start_mark, node.end_mark
    if node.style in (None, "'", '"'):
        raw = text[start.index:end.index]
        inner = raw[1:-1] if node.style else raw
        if inner == node.value and "\n" not in inner:
            return start.line + 1, start.column + 1 + (1 if node.style else 0) + offset
        return None
    if node.style == "|":
        lines = text[start.index:end.index].split("\n")[1:]
        indent = next((len(l) - len(l.lstrip(" ")) for l in lines if l.strip()), 0)
        before = node.value[:offset]
        line = before.count("\n")
        return start.line + 2 + line, indent + 1 + len(before) - (before.rfind("\n") + 1)
    return None


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark, message: str):
        self.mark = mark
        self.message = message


class _StrictLoader(yaml.SafeLoader):
    """Composes a node tree; refuses aliases and deep nesting before they can expand."""

    depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(event.start_mark, "YAML aliases (*name) are not allowed in content; a text that starts with * goes in quotes")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(self.peek_event().start_mark, f"nested deeper than {MAX_DEPTH} levels")
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def load_source(path: Path) -> Source:
    """Read a content file; a problem that stops the reading is a ContentError with its
    file:line:column, and the others (duplicate keys) are kept in its problems for validation."""
    path = Path(path)
    return parse_source(read_text(path).removeprefix("\ufeff"), path, keep_going=True)


def read_text(path: Path) -> str:
    """A content file's text: unreadable, oversized, binary and non-UTF-8 files are ContentErrors."""

    def fail(message: str, line: int = 1) -> ContentError:
        return ContentError([Problem(path, line, 1, message)])

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise fail("no such file") from None
    except IsADirectoryError:
        raise fail("is a folder, not a content file") from None
    except OSError as error:
        raise fail(f"cannot read: {error.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise fail(f"the content is {len(raw)} bytes; content may be at most {MAX_FILE_BYTES}")
    if b"\0" in raw:
        raise fail("this is a binary file, not text", raw[: raw.index(b"\0")].count(b"\n") + 1)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise fail(f"not UTF-8 text (byte 0x{raw[error.start]:02x})", raw[: error.start].count(b"\n") + 1) from None


def parse_source(text: str, path: Path, *, keep_going: bool = False) -> Source:
    """Content from YAML text; path names it in messages (a file, or "<text>"). Problems are a
    ContentError; with keep_going, those that leave the data readable are kept in Source.problems."""

    def fail(message: str, line: int = 1, column: int = 1) -> ContentError:
        return ContentError([Problem(path, line, column, message)])

    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise fail(f"the content is {size} bytes; content may be at most {MAX_FILE_BYTES}")
    if not text.strip():
        raise fail("the file is empty; a sheet needs at least a title and rows")

    try:
        loader = _StrictLoader(text)
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        raise fail(f"character U+{error.character:04X} is not allowed in a content file", line) from None
    try:
        node = loader.get_single_node()
    except _Refused as refused:
        raise fail(refused.message, refused.mark.line + 1, refused.mark.column + 1) from None
    except yaml.MarkedYAMLError as error:
        line, column, message = explain(error, text)
        raise fail(message, line, column) from None
    except yaml.YAMLError as error:
        raise fail(f"YAML syntax: {error}") from None
    finally:
        loader.dispose()

    if node is None:
        raise fail("the file is empty but for comments; a sheet needs at least a title and rows")
    marks: dict[Where, tuple[int, int]] = {}
    scalars: dict[Where, yaml.ScalarNode] = {}
    problems: list[Problem] = []
    data = _to_data(node, (), marks, scalars, problems, path)
    if problems and not keep_going:
        raise ContentError(problems)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        raise fail(f"the top level is {kind}; a sheet is a mapping of keys such as title: and rows:")
    return Source(path, text, data, marks, scalars, problems)


_CORE_SCHEMA = [  # YAML 1.2's core schema, what an editor's YAML 1.2 parser reads a plain scalar as
    (re.compile(r"~|null|Null|NULL|"), lambda text: None),
    (re.compile(r"true|True|TRUE"), lambda text: True),
    (re.compile(r"false|False|FALSE"), lambda text: False),
    (re.compile(r"[-+]?[0-9]+"), int),
    (re.compile(r"0o[0-7]+"), lambda text: int(text[2:], 8)),
    (re.compile(r"0x[0-9a-fA-F]+"), lambda text: int(text[2:], 16)),
    (re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"), float),
    (re.compile(r"[-+]?\.(?:inf|Inf|INF)"), lambda text: float(text.replace(".", "").lower())),
    (re.compile(r"\.(?:nan|NaN|NAN)"), lambda text: float("nan")),
]


def resolve_plain(text: str) -> Any:
    """A plain (unquoted) scalar as YAML 1.2 reads it: `no` is the text "no", `True` is true,
    `1e3` is 1000.0, `0x10` is 16; quoted scalars are always text."""
    for pattern, convert in _CORE_SCHEMA:
        if pattern.fullmatch(text):
            return convert(text)
    return text


def _to_data(node: yaml.Node, where: Where, marks, scalars, problems, path) -> Any:
    """Plain data from a node tree, scalars read by YAML 1.2's core schema. The text typed is
    kept with each scalar node, so that prose typed as `1.10` stays "1.10"."""
    marks.setdefault(where, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.ScalarNode):
        scalars[where] = node
        return resolve_plain(node.value) if node.style is None else node.value
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(item, where + (n,), marks, scalars, problems, path) for n, item in enumerate(node.value)]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem(path, line, column, "a key must be a plain word"))
            continue
        key = key_node.value
        if key in result:
            first = marks[where + (key,)]
            problems.append(Problem(path, line, column, f"duplicate key '{key}' (first at line {first[0]}): give each key once"))
            continue
        marks[where + (key,)] = (line, column)
        result[key] = _to_data(value_node, where + (key,), marks, scalars, problems, path)
    return result

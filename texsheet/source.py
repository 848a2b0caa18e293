"""Reading content YAML strictly, keeping where every key and value stands in the file."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, Problem

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

    def position(self, where: Where) -> tuple[int, int]:
        """(line, column) of the part at where, or of its nearest enclosing part."""
        while where not in self.marks and where:
            where = where[:-1]
        return self.marks.get(where, (1, 1))

    def problem(self, where: Where, message: str) -> Problem:
        line, column = self.position(where)
        return Problem(self.path, line, column, message)


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
            raise _Refused(event.start_mark, "YAML aliases (*name) are not allowed in content")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(self.peek_event().start_mark, f"nested deeper than {MAX_DEPTH} levels")
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def load_source(path: Path) -> Source:
    """Read a content file; every problem is a ContentError with its file:line:column."""
    path = Path(path)

    def fail(message: str, line: int = 1, column: int = 1) -> ContentError:
        return ContentError([Problem(path, line, column, message)])

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise fail("no such file") from None
    except IsADirectoryError:
        raise fail("is a folder, not a content file") from None
    except OSError as error:
        raise fail(f"cannot read: {error.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise fail(f"file is {len(raw)} bytes; content files may be at most {MAX_FILE_BYTES}")
    if b"\0" in raw:
        raise fail("this is a binary file, not YAML text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise fail(f"not UTF-8 text (byte 0x{raw[error.start]:02x})", line) from None
    text = text.removeprefix("\ufeff")
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
        mark = error.problem_mark or error.context_mark
        message = " ".join(filter(None, [error.context, error.problem]))
        raise fail(f"YAML syntax: {message}", mark.line + 1, mark.column + 1) from None
    except yaml.YAMLError as error:
        raise fail(f"YAML syntax: {error}") from None
    finally:
        loader.dispose()

    if node is None:
        raise fail("the file is empty but for comments; a sheet needs at least a title and rows")
    marks: dict[Where, tuple[int, int]] = {}
    problems: list[Problem] = []
    data = _to_data(node, (), marks, problems, path)
    if problems:
        raise ContentError(problems)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        raise fail(f"the top level is {kind}; a sheet is a mapping of keys such as title: and rows:")
    return Source(path, text, data, marks)


_NULL = "tag:yaml.org,2002:null"


def _to_data(node: yaml.Node, where: Where, marks, problems, path) -> Any:
    """Plain data from a node tree. Scalars stay the strings typed, so `no` stays "no"."""
    marks.setdefault(where, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.ScalarNode):
        if node.style is None and node.tag == _NULL:
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(item, where + (n,), marks, problems, path) for n, item in enumerate(node.value)]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem(path, line, column, "a key must be a plain word"))
            continue
        key = key_node.value
        if key in result:
            first = marks[where + (key,)]
            problems.append(Problem(path, line, column, f"duplicate key '{key}' (first at line {first[0]})"))
            continue
        marks[where + (key,)] = (line, column)
        result[key] = _to_data(value_node, where + (key,), marks, problems, path)
    return result

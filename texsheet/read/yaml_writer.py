"""Content data back to readable content YAML, with the importer's notes as comments."""
from __future__ import annotations

import dataclasses
import typing
from typing import Any

import yaml

from texsheet.model.sheet import BLOCK_KINDS, Block, Sheet, optional_of
from texsheet.model.source import Source, Where, resolve_plain
from texsheet.read.pieces import Note
from texsheet.text.escape import find_forbidden

_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
_FLOW_KEYS = ("header", "widths", "column_widths")
NOTE_REACH = 20  # lines: how far below a block's first line a note may be and still go above it


def _unsafe(char: str) -> bool:
    """Characters a YAML file shows as escapes: those content may not hold, and line separators."""
    return char in "\u2028\u2029" or find_forbidden(char) is not None


def _quoted(text: str) -> str:
    out = []
    for char in text:
        code = ord(char)
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif _unsafe(char):
            out.append(f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _composed(snippet: str) -> yaml.Node | None:
    try:
        node = yaml.compose(snippet, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    return node.value[0][1] if isinstance(node, yaml.MappingNode) and node.value else None


def _plain(text: str) -> str | None:
    """text as a plain scalar, if it reads back as the same text."""
    if (not text or text != text.strip() or text[0].isspace() or text[-1].isspace() or text[0] in _INDICATORS
            or ": " in text or " #" in text or text.endswith(":") or "\t" in text or "\n" in text
            or any(_unsafe(c) for c in text) or not isinstance(resolve_plain(text), str)):
        return None
    node = _composed("k: " + text)
    if isinstance(node, yaml.ScalarNode) and node.style is None and node.value == text:
        return text
    return None


def _literal(text: str) -> tuple[str, list[str]] | None:
    """(indicator, lines) of text as a literal block, if it reads back as the same text."""
    if "\n" not in text or text[0] in " \n\t" or any(_unsafe(c) for c in text):
        return None
    trailing = len(text) - len(text.rstrip("\n"))
    indicator = "|-" if trailing == 0 else "|" if trailing == 1 else "|+"
    body = text[: len(text) - trailing] if trailing else text
    lines = body.split("\n") + [""] * (trailing - 1 if trailing > 1 else 0)
    snippet = "k: " + indicator + "\n" + "\n".join("  " + line if line else "" for line in lines) + "\n"
    node = _composed(snippet)
    if isinstance(node, yaml.ScalarNode) and node.value == text:
        return indicator, lines
    return None


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    text = str(value)
    return _plain(text) or _quoted(text)


def _field_types(tp: Any, value: dict) -> dict[str, Any]:
    """The model's type of each key of a mapping at a place of type tp (a dataclass, or Block)."""
    if tp is Block:
        tp = BLOCK_KINDS.get(value.get("kind"))
    if not dataclasses.is_dataclass(tp):
        return {}
    hints = typing.get_type_hints(tp)
    types = {"kind": str} if issubclass(tp, Block) else {}
    types.update({f.name: hints[f.name] for f in dataclasses.fields(tp)})
    return types


def _unwrap(tp: Any) -> Any:
    """T for a type T | None, else the type itself."""
    return optional_of(tp) or tp


class _YamlWriter:
    """Block-style YAML of content data, keys in the model's order, each output line tagged
    with the where of the data it starts."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, Where | None]] = []

    def emit(self, text: str, where: Where | None) -> None:
        self.lines.append((text, where))

    def mapping(self, value: dict, where: Where, tp: Any, indent: int, dash: bool = False) -> None:
        types = _field_types(tp, value)
        keys = [k for k in types if k in value] + [k for k in value if k not in types]
        for n, key in enumerate(keys):
            lead = " " * (indent - 2) + "- " if dash and n == 0 else " " * indent
            self.entry(lead, _scalar(str(key)) + ":", value[key], where + (key,), _unwrap(types.get(key)), indent, where if dash and n == 0 else None)

    def entry(self, lead: str, label: str, value: Any, where: Where, tp: Any, indent: int, line_where: Where | None = None) -> None:
        tag = line_where if line_where is not None else where
        item_tp = typing.get_args(tp)[0] if typing.get_origin(tp) is list else None
        if isinstance(value, dict):
            if not value:
                self.emit(f"{lead}{label} {{}}", tag)
            else:
                self.emit(f"{lead}{label}", tag)
                self.mapping(value, where, tp, indent + 2)
        elif isinstance(value, list):
            flow = _flow(value) if where[-1] in _FLOW_KEYS else None
            if not value:
                self.emit(f"{lead}{label} []", tag)
            elif flow is not None:
                self.emit(f"{lead}{label} {flow}", tag)
            else:
                self.emit(f"{lead}{label}", tag)
                self.sequence(value, where, item_tp, indent + 2)
        else:
            self.scalar(lead + label + " ", value, tag, indent + 2)

    def scalar(self, lead: str, value: Any, where: Where | None, indent: int) -> None:
        block = _literal(value) if isinstance(value, str) else None
        if block is None:
            self.emit(lead + _scalar(value), where)
            return
        indicator, lines = block
        self.emit(lead + indicator, where)
        for line in lines:
            self.emit(" " * indent + line if line else "", None)

    def sequence(self, value: list, where: Where, item_tp: Any, indent: int) -> None:
        pad = " " * indent
        for n, item in enumerate(value):
            iw = where + (n,)
            if isinstance(item, dict) and item:
                self.mapping(item, iw, _unwrap(item_tp), indent + 2, dash=True)
            elif isinstance(item, list) and item:
                flow = _flow(item)
                if flow is not None:
                    self.emit(f"{pad}- {flow}", iw)
                else:
                    self.emit(f"{pad}-", iw)
                    inner = typing.get_args(item_tp)[0] if typing.get_origin(item_tp) is list else None
                    self.sequence(item, iw, inner, indent + 2)
            elif isinstance(item, (dict, list)):
                self.emit(f"{pad}- {'{}' if isinstance(item, dict) else '[]'}", iw)
            else:
                self.scalar(pad + "- ", item, iw, indent + 2)


def _flow(values: list) -> str | None:
    """A flow sequence ["a", "b"] of scalars, strings quoted; None if one holds a line break."""
    if any(isinstance(v, (dict, list)) or (isinstance(v, str) and "\n" in v) for v in values):
        return None
    return "[" + ", ".join(_quoted(v) if isinstance(v, str) else _scalar(v) for v in values) + "]"


def _comment(text: str) -> str:
    return "".join("?" if _unsafe(c) or c == "\n" else c for c in text)


def to_yaml(source: Source, notes: list[Note]) -> str:
    """Readable content YAML equivalent to source.data, with each note as a comment above the
    first line that came from the note's line of the source file."""
    writer = _YamlWriter()
    writer.mapping(source.data, (), Sheet, 0)
    name = _comment(source.path.name)
    anchored: dict[int, list[Note]] = {}
    loose: list[Note] = []
    first_of_line: dict[int, int] = {}
    root = source.position(())
    for index, (_, where) in enumerate(writer.lines):
        if where is not None and where and source.position(where) != root:
            first_of_line.setdefault(source.position(where)[0], index)
    for line, index in first_of_line.items():
        # A line that only opens a nested block ("- panels:") gives the comment to the first
        # line of what it holds, when that came from the same place.
        while (index + 1 < len(writer.lines) and writer.lines[index][0].endswith(":")
               and (after := writer.lines[index + 1][1]) is not None and after[: len(writer.lines[index][1])] == writer.lines[index][1]
               and source.position(after)[0] == line):
            index += 1
        first_of_line[line] = index
    for note in notes:
        if note.line in first_of_line:
            anchored.setdefault(first_of_line[note.line], []).append(note)
            continue
        # A note about a later line of a block (a link in a paragraph's third line) goes above
        # the block: the nearest line above it that gave the YAML something, if that is a block's.
        earlier = [line for line in first_of_line if line < note.line]
        index = first_of_line[max(earlier)] if earlier else None
        if index is not None and note.line - max(earlier) <= NOTE_REACH and "blocks" in writer.lines[index][1]:
            anchored.setdefault(index, []).append(note)
        else:
            loose.append(note)
    out = [f"# Imported from {name} by texsheet. Comments '# {name}:LINE: ...' say what the importer guessed",
           "# or could not map; check those places, then delete the comments."]
    out.extend(f"# {name}:{n.line}: {_comment(n.message)}" for n in loose)
    for index, (text, _) in enumerate(writer.lines):
        if index in anchored:
            indent = len(text) - len(text.lstrip(" "))
            out.extend(" " * indent + f"# {name}:{n.line}: {_comment(n.message)}" for n in anchored[index])
        out.append(text)
    return "\n".join(out) + "\n"

"""What the importers of Markdown notes and prompts share: the text they read, a line each with
its place in the file, the notes on what they guessed, and pieces (blocks of content data with
the positions of their parts)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from texsheet.errors import ContentError, Problem
from texsheet.model.source import MAX_FILE_BYTES, Where

Pos = tuple[int, int]  # (line, column), 1-based, in the file read


def max_items(cls: type, name: str) -> int:
    """The most items the model's field cls.name holds."""
    return next(f.metadata["max_items"] for f in dataclasses.fields(cls) if f.name == name)


@dataclass(frozen=True)
class Note:
    """What the importer guessed, or could not map, at a line of the source file; lost when
    words of the source do not reach the page (validate fails on those)."""

    line: int
    message: str
    lost: bool = False

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def sort_notes(notes: list[Note]) -> list[Note]:
    return sorted(dict.fromkeys(notes), key=lambda n: n.line)


class SourceLines:
    """The text read, a line each, where each line is in the file, and the notes made about them."""

    def __init__(self, lines: list[str], numbers: list[int], notes: list[Note]):
        self.lines = lines
        self.numbers = numbers  # the file's line number of each
        self.notes = notes

    def line(self, index: int) -> int:
        return self.numbers[min(index, len(self.numbers) - 1)]

    def pos(self, index: int, hint: str = "") -> Pos:
        """(line, column) of the text hint on line index of the text read, else of its first non-space."""
        index = min(index, len(self.lines) - 1)
        text = self.lines[index]
        hint = hint.split("\n")[0].strip()[:16]
        at = text.find(hint) if hint else -1
        if at < 0:
            at = len(text) - len(text.lstrip())
        return self.line(index), at + 1

    def note(self, line: int, message: str, lost: bool = False) -> None:
        self.notes.append(Note(line, message, lost))  # repeats are dropped by sort_notes


@dataclass
class Piece:
    """One block as content data, the positions of its parts (keys relative to the block) and
    the source lines it came from."""

    data: dict
    marks: dict[Where, Pos]
    first: int
    last: int

    @property
    def heading(self) -> str:
        return self.data.get("heading", "")

    def set_heading(self, heading: str, pos: Pos) -> None:
        kind = self.data.pop("kind")
        rest = {k: v for k, v in self.data.items() if k != "heading"}
        self.data.clear()
        self.data.update({"kind": kind, "heading": heading, **rest})
        self.marks[("heading",)] = pos


@dataclass(frozen=True)
class Heading:
    """A heading waiting for its block; why is the note to make when it heads one."""

    text: str
    pos: Pos
    why: str = ""


def check_text(text: str, path: Path) -> str:
    """The text to parse, line endings made \\n; unreadable text is a ContentError like YAML's."""

    def fail(message: str, line: int = 1, column: int = 1) -> ContentError:
        return ContentError([Problem(path, line, column, message)])

    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise fail("this is a binary file, not Markdown text", line)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise fail(f"the content is {size} bytes; content may be at most {MAX_FILE_BYTES}")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise fail("the file is empty; a sheet needs at least a title and a section")
    return text


def fill_marks(data: Any, marks: dict[Where, Pos], where: Where = (), parent: Pos = (1, 1)) -> dict[Where, Pos]:
    """Marks for every part of data: its own, else its nearest enclosing part's."""
    found: dict[Where, Pos] = {}
    pos = marks.get(where) or parent
    found[where] = pos
    if isinstance(data, dict):
        for key, value in data.items():
            found.update(fill_marks(value, marks, where + (key,), pos))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            found.update(fill_marks(value, marks, where + (n,), pos))
    return found

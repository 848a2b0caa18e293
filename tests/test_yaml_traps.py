"""YAML's own traps, each refused at its file:line:column with the fix: PyYAML's syntax errors
in plain words, an escape of a double-quoted string YAML does not know among them."""
from __future__ import annotations

from pathlib import Path

import pytest

from texsheet.build.pipeline import load_sheet, this_machine
from texsheet.errors import ContentError

FIX = "use single quotes ('...') or a block (|), or write the backslash twice: "


def sheet(block: str = "          - kind: text\n            text: hello\n", top: str = "") -> str:
    """A valid sheet with extra top-level keys and the given block lines."""
    return ("title: Traps\n" + top + "rows:\n  - panels:\n      - title: Maths\n        blocks:\n" + block)


def text_block(value: str) -> str:
    return f"          - kind: text\n            text: {value}\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sheet.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def shown(tmp_path: Path, text: str) -> list[str]:
    """Every problem of the sheet, as validate and compile print it."""
    path = write(tmp_path, text)
    with pytest.raises(ContentError) as caught:
        load_sheet(path, None, this_machine())
    return [str(problem).removeprefix(f"{path}:") for problem in caught.value.problems]


def place(text: str, needle: str, occurrence: int = 1) -> str:
    """line:column of the occurrence-th needle in text, as messages give it."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line_start = text.rfind("\n", 0, index) + 1
    return f"{text.count(chr(10), 0, index) + 1}:{index - line_start + 1}"


# ----------------------------------------------------------------------------- escapes YAML does not know


@pytest.mark.parametrize("formula, command, reading", [
    (r"a \circ b", r"\circ", "YAML has no escape \\c and cannot read the file"),
    (r"\sum_i x_i", r"\sum", "YAML has no escape \\s and cannot read the file"),
    (r"\xi", r"\xi", "YAML reads \\x as the start of a character code (\\x and 2 hex digits)"),
    (r"\uparrow", r"\uparrow", "YAML reads \\u as the start of a character code (\\u and 4 hex digits)"),
    (r"\{a\}", r"\{", "YAML has no escape \\{ and cannot read the file"),
])
def test_an_escape_yaml_does_not_know_is_named_with_the_fix(tmp_path, formula, command, reading):
    text = sheet(text_block(f'"here ${formula}$"'))
    assert shown(tmp_path, text) == [f"{place(text, chr(92))}: {command} in double quotes: {reading}; {FIX}\\{command}"]


# ----------------------------------------------------------------------------- syntax errors in plain words


@pytest.mark.parametrize("text, needle, message", [
    ("title: x\nrows:\n  - panels:\n    - a\n   - b\n", "- b", "this line is indented differently from the lines above it; "
     "check that the items of one list or map start in the same column"),
    ("title: x\nrows:\n  - height: 1\n      panels: []\n", ":", "this key is indented further than the key above it, so YAML "
     "reads it as part of that key's value; start it in the same column as the keys it belongs with"),
    ("title: x\n\tsubtitle: y\n", "\t", "a tab indents this line, and YAML indents with spaces only: replace the tab with spaces"),
    ('title: x\nsubtitle: "not closed\n', '"', 'this " opens a quoted value that is never closed: end the value with " '
     '(a " inside it is written \\")'),
    ("title: x\nsubtitle: 'not closed\ncolour: red\n", "'", "this ' opens a quoted value that is never closed: "
     "end the value with ' (a ' inside it is written '')"),
    ('title: x\nsubtitle: "one\ncolour: "red"\n', '"', 'this " is not closed on its line, so the value runs on to the " '
     "at line 3, column 9: close it on this line"),
    ("title: x\nsubtitle: Note: this\n", ": this", "a colon and a space inside an unquoted value make YAML read a "
     "second key: put the whole value in quotes, 'Note: this'"),
    ("title:x\nsubtitle: y\n", ":x", "this colon has no space after it, so YAML reads this line and the next as one "
     "value: write 'key: value'"),
    ("title: x\nsubtitle: 'It's here'\n", "s here", "text after the closing ' of a quoted value: quote the whole value, "
     "such as \"It's here\""),
    ("title: x\nsubtitle: {red: warning} be careful\n", "{", "a value starting with { is a YAML map: put the whole "
     "value in quotes, '{red: warning} be careful'"),
    ("title: x\nitems:\n  - **bold** first\n", "**", "a value starting with * is an alias to YAML: put the whole value "
     "in quotes, '**bold** first'"),
    ("title: x\nsubtitle: `code` first\n", "`", "a YAML value cannot start with `: put the whole value in quotes, "
     "'`code` first'"),
    ("title: x\nsubtitle: [unclosed\ncolour: red\n", "[", "the list this [ opens does not end where YAML expects: close "
     "it with ], separate its items with commas, and put an item holding ': ' or , [ ] { } in quotes"),
])
def test_a_syntax_error_says_what_is_wrong_and_where(tmp_path, text, needle, message):
    if needle == ":":
        needle = "panels:"
        at = place(text, needle).split(":")
        expected_place = f"{at[0]}:{int(at[1]) + len('panels')}"
    else:
        expected_place = place(text, needle)
    assert shown(tmp_path, text) == [f"{expected_place}: {message}"]

"""YAML's own traps, each refused at its file:line:column with the fix: escapes of double-quoted
strings that eat a formula's backslash, PyYAML's syntax errors in plain words, every problem of
a file in one report, and validate refusing what compile refuses (fonts, text in formulas)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from texsheet import api
from texsheet.build.pipeline import load_sheet, this_machine
from texsheet.errors import ContentError
from texsheet.model.sheet import validate_sheet
from texsheet.model.source import load_source

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


# ----------------------------------------------------------------------------- 1. escapes of double quotes


@pytest.mark.parametrize("formula, command, reading", [
    (r"\theta", r"\theta", 'YAML reads \\t as a tab, leaving "heta"'),
    (r"\nu", r"\nu", 'YAML reads \\n as a line break, leaving "u"'),
    (r"\beta", r"\beta", 'YAML reads \\b as a backspace (U+0008), leaving "eta"'),
    (r"\alpha", r"\alpha", 'YAML reads \\a as a bell character (U+0007), leaving "lpha"'),
    (r"\vec{x}", r"\vec", 'YAML reads \\v as a vertical tab (U+000B), leaving "ec"'),
    (r"\epsilon", r"\epsilon", 'YAML reads \\e as an escape character (U+001B), leaving "psilon"'),
    (r"\rho", r"\rho", 'YAML reads \\r as a carriage return (U+000D), leaving "ho"'),
    (r"\frac{a}{b}", r"\frac", 'YAML reads \\f as a form feed (U+000C), leaving "rac"'),
    (r"a\_b", r"\_", "YAML reads \\_ as a no-break space"),
    (r"\Lambda", r"\Lambda", 'YAML reads \\L as a line separator (U+2028), leaving "ambda"'),
])
def test_an_escape_that_ate_a_formulas_backslash_is_refused_at_the_backslash(tmp_path, formula, command, reading):
    text = sheet(text_block(f'"angle ${formula}$ here"'))
    assert shown(tmp_path, text) == [
        f"{place(text, chr(92))}: rows.0.panels.0.blocks.0.text: {command} in double quotes: {reading}; {FIX}\\{command}"
    ]


def test_every_eaten_backslash_of_a_string_is_named(tmp_path):
    text = sheet(text_block(r'"$\theta$ and $\nu$"'))
    assert shown(tmp_path, text) == [
        f"{place(text, chr(92))}: rows.0.panels.0.blocks.0.text: \\theta in double quotes: YAML reads \\t as a tab, "
        f'leaving "heta"; {FIX}\\\\theta',
        f"{place(text, chr(92), 2)}: rows.0.panels.0.blocks.0.text: \\nu in double quotes: YAML reads \\n as a line break, "
        f'leaving "u"; {FIX}\\\\nu',
    ]


def test_a_formula_field_is_a_formula_throughout(tmp_path):
    # \nb spells no command, but in a math: field every backslash is LaTeX's
    text = sheet('          - kind: math\n            math: "a \\nb"\n')
    assert shown(tmp_path, text) == [
        f'{place(text, chr(92))}: rows.0.panels.0.blocks.0.math: \\nb in double quotes: YAML reads \\n as a line break, '
        f'leaving "b"; {FIX}\\\\nb'
    ]


def test_a_known_command_is_refused_outside_dollars_too(tmp_path):
    text = sheet("          - kind: bullets\n            items:\n              - ok\n              - \"the angle \\theta\"\n")
    [message] = shown(tmp_path, text)
    assert message.startswith(f"{place(text, chr(92))}: rows.0.panels.0.blocks.0.items.1.text: \\theta in double quotes")


@pytest.mark.parametrize("typed, command, reading", [
    (r"say \emph{x}", r"\emph", 'YAML reads \\e as an escape character (U+001B), leaving "mph"'),  # a control character, then letters
    (r"\bfseries bold", r"\bfseries", 'YAML reads \\b as a backspace (U+0008), leaving "fseries"'),
    (r"a \textbf{b}", r"\textbf", 'YAML reads \\t as a tab, leaving "extbf"'),  # a text command typed from habit
])
def test_a_text_command_typed_in_double_quotes_is_named_with_the_fix(tmp_path, typed, command, reading):
    text = sheet(text_block(f'"{typed}"'))
    assert shown(tmp_path, text) == [f"{place(text, chr(92))}: rows.0.panels.0.blocks.0.text: {command} in double quotes: {reading}; {FIX}\\{command}"]


def test_escapes_on_a_later_line_of_a_string_are_placed_on_it(tmp_path):
    text = sheet('          - kind: table\n            header: [a, b]\n            rows:\n              - [x, "one\n                 $\\frac{1}{2}$"]\n')
    [message] = shown(tmp_path, text)
    assert message.startswith(f"{place(text, chr(92))}: rows.0.panels.0.blocks.0.rows.0.1: \\frac in double quotes")
    assert place(text, chr(92)) == "10:19"


@pytest.mark.parametrize("value, expected", [
    ('"line one\\nline two"', "line one\nline two"),  # a line break meant as one
    ('"Tab\\there"', "Tab\there"),  # \there is no command
    ('"C:\\\\Users and \\\\d+"', "C:\\Users and \\d+"),  # doubled backslashes
    ("'$\\theta$ and $\\nu$'", "$\\theta$ and $\\nu$"),  # single quotes keep backslashes
    ("|-\n              $\\theta$ and \\frac", "$\\theta$ and \\frac"),  # so does a block
    ('"$x$\\n$y$"', "$x$\n$y$"),  # a line break between formulas, outside them
])
def test_escapes_that_mean_what_yaml_says_are_kept(tmp_path, value, expected):
    _, loaded = load_sheet(write(tmp_path, sheet(text_block(value))), None, this_machine())
    assert loaded.rows[0].panels[0].blocks[0].text == expected


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


# ----------------------------------------------------------------------------- 2. syntax errors in plain words


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


def test_duplicate_keys_are_reported_with_the_other_problems(tmp_path):
    text = sheet(top="subtitle: one\nsubtitle: two\ncolur: red\n")
    assert shown(tmp_path, text) == [
        f"{place(text, 'subtitle: two')}: duplicate key 'subtitle' (first at line 2): give each key once",
        f"{place(text, 'colur')}: unknown key 'colur' in the sheet; did you mean 'colour'?",
    ]


def test_a_list_item_with_a_colon_is_told_to_quote_it(tmp_path):
    text = sheet("          - kind: bullets\n            items:\n              - Step 1: do it\n")
    assert shown(tmp_path, text) == [
        f"{place(text, 'Step 1')}: unknown key 'Step 1' in rows.0.panels.0.blocks.0.items.0; YAML reads a colon and a "
        "space as a key and its value: for the text, write - 'Step 1: do it'"
    ]


# ----------------------------------------------------------------------------- 3. every problem at once


ALL_AT_ONCE = """\
title: Traps
rows:
  - panels:
      - title: Maths
        colur: red
        blocks:
          - kind: table
            header: [a, b]
            rows:
              - [1]
          - kind: text
            text: "$\\theta$"
          - kind: math
            math: \\fracc{1}{2}
          - kind: txet
            text: x
"""


def test_typos_table_rows_escapes_and_formulas_are_reported_together(tmp_path):
    assert shown(tmp_path, ALL_AT_ONCE) == [
        f"{place(ALL_AT_ONCE, 'colur')}: unknown key 'colur' in rows.0.panels.0; did you mean 'colour'?",
        f"{place(ALL_AT_ONCE, '[1]')}: table row has 1 cell, the header has 2",
        f"{place(ALL_AT_ONCE, chr(92))}: rows.0.panels.0.blocks.1.text: \\theta in double quotes: YAML reads \\t as a tab, "
        f'leaving "heta"; {FIX}\\\\theta',
        f"{place(ALL_AT_ONCE, chr(92) + 'fracc')}: rows.0.panels.0.blocks.2.math: \\fracc is not an allowed command in a "
        "formula; did you mean \\frac?",
        f"{place(ALL_AT_ONCE, 'kind: txet')}: rows.0.panels.0.blocks.3: unknown block kind 'txet' (known: pipeline, bullets, "
        "callout, table, checklist, flow, compare, takeaways, code, math, text, diagram); did you mean 'text'?",
    ]


def test_the_command_line_prints_them_in_one_run(tmp_path):
    path = write(tmp_path, ALL_AT_ONCE)
    done = subprocess.run([sys.executable, "-m", "texsheet", "validate", str(path)], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [
        f"{path}:{place(ALL_AT_ONCE, needle)}" for needle in ("colur", "[1]", chr(92), chr(92) + "fracc", "kind: txet")
    ]


def test_a_value_refused_is_not_refused_again_by_the_rules_between_keys(tmp_path):
    # a header that is not a list says so once; its rows are not also "longer than the header"
    text = sheet("          - kind: table\n            header: abc\n            rows:\n              - [1, 2]\n")
    assert shown(tmp_path, text) == [f"{place(text, 'header: abc')}: rows.0.panels.0.blocks.0.header: expected a list (lines starting with '- ')"]


# ----------------------------------------------------------------------------- 4. validate refuses what compile refuses


def test_a_misspelt_theme_font_is_refused_by_validate(tmp_path):
    text = sheet(top="theme: {font: NanumBarunpenn}\n")
    path = write(tmp_path, text)
    expected = f"{path}:{place(text, 'NanumBarunpenn')}: theme.font: no font family 'NanumBarunpenn' is installed (fc-list); did you mean 'NanumBarunpen'?"
    assert [str(p) for p in api.validate(path)] == [expected]
    with pytest.raises(ContentError) as caught:  # and compile says the same, before TeX runs
        api.compile(path, tmp_path / "build")
    assert str(caught.value) == expected


def test_a_misspelt_theme_font_is_refused_without_fontconfig_too(tmp_path):
    text = sheet(top="theme:\n  hand_font: Nanum Pen Scrip\n")
    with pytest.raises(ContentError) as caught:
        validate_sheet(load_source(write(tmp_path, text)), None)
    assert str(caught.value.problems[0]).endswith(
        f":{place(text, 'Nanum Pen Scrip')}: theme.hand_font: 'Nanum Pen Scrip' is not a font family texsheet knows; did you mean 'Nanum Pen Script'?")


@pytest.mark.parametrize("inside, char", [("ok 🙂", "🙂"), ("中", "中"), ("Ω", "Ω")])
def test_a_character_the_body_font_lacks_inside_text_in_a_formula_is_refused(tmp_path, inside, char):
    text = sheet(text_block(f"'x $\\text{{{inside}}}$'"))
    path = write(tmp_path, text)
    expected = (f"{path}:{place(text, char)}: rows.0.panels.0.blocks.0.text: '{char}' (U+{ord(char):04X}) in \\text{{...}} is set "
                "in the body font, Comic Neue, which does not draw it: write it outside the formula")
    assert [str(p) for p in api.validate(path)] == [expected]
    with pytest.raises(ContentError) as caught:
        api.compile(path, tmp_path / "build")
    assert str(caught.value) == expected


def test_text_the_body_font_draws_is_fine_inside_text(tmp_path):
    assert api.validate(write(tmp_path, sheet(text_block("'$\\text{토큰 수}$ and $\\text{\\#}$'")))) == []

"""Reading and validating content YAML: every refusal names the problem and the line it is on."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from texsheet.build.pipeline import load_sheet, this_machine
from texsheet.errors import ContentError
from texsheet.model.sheet import Checklist, Sheet, TextBlock, validate_sheet
from texsheet.model.source import MAX_FILE_BYTES, load_source
from texsheet.text import markup

REPO = Path(__file__).resolve().parent.parent

MINIMAL = """\
title: Cheese
rows:
  - height: 1
    panels:
      - title: Kinds
        blocks:
          - kind: text
            text: hello
"""


def sheet_with(blocks: str = "          - kind: text\n            text: hello\n", *, top: str = "", panel: str = "") -> str:
    """A valid sheet with extra top-level keys, extra panel keys and the given blocks."""
    return (
        "title: Cheese\n"
        f"{top}"
        "rows:\n"
        "  - height: 1\n"
        "    panels:\n"
        "      - title: Kinds\n"
        f"{panel}"
        "        blocks:\n"
        f"{blocks}"
    )


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the occurrence-th line containing needle."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in the test YAML")


def write(tmp_path: Path, text: str | bytes, name: str = "sheet.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path):
    with pytest.raises(ContentError) as caught:
        load_sheet(path, None, this_machine())
    problems = caught.value.problems
    assert problems, "a ContentError must carry at least one problem"
    for problem in problems:
        assert problem.path == path
        assert problem.line >= 1 and problem.column >= 1
    return problems


def only_problem(path: Path):
    problems = problems_of(path)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


# ----------------------------------------------------------------------------- valid input


def test_minimal_sheet_loads(tmp_path):
    path = write(tmp_path, MINIMAL)
    source, sheet = load_sheet(path)
    assert isinstance(sheet, Sheet)
    assert sheet.title == "Cheese"
    assert len(sheet.rows) == 1
    assert sheet.rows[0].height == 1
    [panel] = sheet.rows[0].panels
    assert panel.title == "Kinds"
    [block] = panel.blocks
    assert isinstance(block, TextBlock)
    assert block.text == "hello"
    # defaults filled in
    assert sheet.subtitle == "" and panel.columns is None and sheet.panels is None and block.align == "left"


def test_load_source_and_validate_sheet_separately(tmp_path):
    path = write(tmp_path, MINIMAL)
    source = load_source(path)
    assert source.data["title"] == "Cheese"
    assert source.position(("rows", 0, "panels", 0, "blocks", 0, "text")) == (line_of(MINIMAL, "text: hello"), 13)
    assert validate_sheet(source).title == "Cheese"


def test_byte_order_mark_is_accepted(tmp_path):
    path = write(tmp_path, ("\ufeff" + MINIMAL).encode("utf-8"))
    assert load_sheet(path)[1].title == "Cheese"


@pytest.mark.parametrize("typed", ["no", "on", "off", "yes", "true", "1.10", "0x1F", "1e3", "0777"])
def test_yaml_11_lookalikes_stay_the_strings_typed(tmp_path, typed):
    text = sheet_with(
        f"          - kind: text\n            text: {typed}\n",
        top=f"subtitle: {typed}\n",
    ).replace("title: Cheese", f"title: {typed}", 1)
    _, sheet = load_sheet(write(tmp_path, text))
    assert sheet.title == typed
    assert sheet.subtitle == typed
    assert sheet.rows[0].panels[0].blocks[0].text == typed
    assert markup.plain(sheet.title) == typed


def test_title_no_renders_as_the_word_no(tmp_path):
    _, sheet = load_sheet(write(tmp_path, MINIMAL.replace("title: Cheese", "title: no")))
    assert sheet.title == "no"
    assert sheet.title is not False
    assert markup.plain(sheet.title) == "no"


def test_yaml_12_spellings_of_true_and_false_are_booleans(tmp_path):
    blocks = "          - kind: checklist\n            items:\n              - {text: a, done: True}\n              - {text: b, done: FALSE}\n"
    _, sheet = load_sheet(write(tmp_path, sheet_with(blocks)))
    assert [i.done for i in sheet.rows[0].panels[0].blocks[0].items] == [True, False]


def test_true_and_false_are_the_booleans(tmp_path):
    blocks = (
        "          - kind: checklist\n"
        "            items:\n"
        "              - text: a\n"
        "                done: true\n"
        "              - text: b\n"
        "                done: false\n"
        "              - c\n"
    )
    _, sheet = load_sheet(write(tmp_path, sheet_with(blocks)))
    block = sheet.rows[0].panels[0].blocks[0]
    assert isinstance(block, Checklist)
    assert [(i.text, i.done) for i in block.items] == [("a", True), ("b", False), ("c", False)]


def test_exactly_the_size_cap_is_accepted(tmp_path):
    body = MINIMAL.encode("utf-8")
    padding = b"#" * (MAX_FILE_BYTES - len(body) - 1) + b"\n"
    path = write(tmp_path, body + padding)
    assert path.stat().st_size == MAX_FILE_BYTES
    assert load_sheet(path)[1].title == "Cheese"


REPO_CONTENT = sorted((REPO / "content").glob("*.yaml"))


def test_repo_has_content_files():
    assert REPO_CONTENT, "content/*.yaml should hold at least one sheet"


@pytest.mark.parametrize("path", REPO_CONTENT, ids=lambda p: p.name)
def test_every_repo_content_file_validates(path):
    source, sheet = load_sheet(path)
    assert sheet.title
    assert sheet.rows


# ----------------------------------------------------------------------------- keys


def test_unknown_key_names_it_with_a_suggestion(tmp_path):
    text = MINIMAL + "titel: again\n"
    path = write(tmp_path, text)
    problem = only_problem(path)
    assert "unknown key 'titel'" in problem.message
    assert "did you mean 'title'" in problem.message
    assert problem.line == line_of(text, "titel:")
    assert problem.column == 1


def test_unknown_key_deep_inside_names_its_place(tmp_path):
    text = sheet_with(panel="        colur: red\n")
    problem = only_problem(write(tmp_path, text))
    assert "unknown key 'colur'" in problem.message
    assert "rows.0.panels.0" in problem.message
    assert "did you mean 'colour'" in problem.message
    assert problem.line == line_of(text, "colur:")
    assert problem.column == 9


def test_missing_required_key(tmp_path):
    text = MINIMAL.replace("      - title: Kinds\n", "      - subtitle: Kinds\n")
    problem = only_problem(write(tmp_path, text))
    assert "missing key 'title'" in problem.message
    assert "rows.0.panels.0" in problem.message
    assert problem.line == line_of(text, "- subtitle:")


def test_a_row_without_a_height_is_as_tall_as_it_needs(tmp_path):
    _, sheet = load_sheet(write(tmp_path, MINIMAL.replace("  - height: 1\n    panels:\n", "  - panels:\n")))
    assert sheet.rows[0].height is None


def test_missing_title_of_the_sheet(tmp_path):
    text = "# a comment first\n" + MINIMAL.replace("title: Cheese\n", "")
    problem = only_problem(write(tmp_path, text))
    assert "missing key 'title'" in problem.message
    assert problem.line == line_of(text, "rows:")


def test_duplicate_key_names_the_first_line(tmp_path):
    text = MINIMAL + "subtitle: one\ntitle: again\n"
    problem = only_problem(write(tmp_path, text))
    assert "duplicate key 'title'" in problem.message
    assert "first at line 1" in problem.message
    assert problem.line == line_of(text, "title: again")


def test_duplicate_key_inside_a_block(tmp_path):
    text = sheet_with("          - kind: text\n            text: one\n            text: two\n")
    problem = only_problem(write(tmp_path, text))
    assert "duplicate key 'text'" in problem.message
    assert f"first at line {line_of(text, 'text: one')}" in problem.message
    assert problem.line == line_of(text, "text: two")


def test_all_problems_of_a_file_are_reported_at_once(tmp_path):
    text = sheet_with(top="subtitel: x\n", panel="        colur: red\n")
    path = write(tmp_path, text)
    problems = problems_of(path)
    assert len(problems) == 2, [str(p) for p in problems]
    first, second = problems
    assert "unknown key 'subtitel'" in first.message and first.line == line_of(text, "subtitel:")
    assert "unknown key 'colur'" in second.message and second.line == line_of(text, "colur:")
    # the error's text lists both, as file:line:column
    shown = str(ContentError(problems))
    assert f"{path}:{first.line}:1: unknown key 'subtitel'" in shown
    assert f":{second.line}:9: unknown key 'colur'" in shown


def test_problems_of_different_kinds_are_reported_together(tmp_path):
    blocks = (
        "          - kind: checklist\n"
        "            items:\n"
        "              - text: a\n"
        "                done: yes\n"
    )
    text = sheet_with(blocks).replace("height: 1", "height: -1")
    problems = problems_of(write(tmp_path, text))
    assert [p.line for p in problems] == [line_of(text, "height:"), line_of(text, "done:")]
    assert "below the smallest allowed" in problems[0].message
    assert "expected true or false" in problems[1].message


# ----------------------------------------------------------------------------- YAML itself


def test_yaml_alias_is_refused(tmp_path):
    text = "anchor: &name Cheese\n" + MINIMAL.replace("title: Cheese", "title: *name")
    problem = only_problem(write(tmp_path, text))
    assert "alias" in problem.message
    assert problem.line == line_of(text, "*name")
    assert problem.column == len("title: ") + 1


def test_alias_bomb_fails_fast_without_expanding(tmp_path):
    # Nine levels of nine references each: 9**9 (387 million) leaves if it were expanded.
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    path = write(tmp_path, text)
    started = time.perf_counter()
    problem = only_problem(path)
    assert time.perf_counter() - started < 2.0
    assert "alias" in problem.message
    assert problem.line == 2


def test_yaml_syntax_error_with_its_line(tmp_path):
    text = MINIMAL.replace("      - title: Kinds\n", "      - title: [Kinds\n")
    problem = only_problem(write(tmp_path, text))
    # the list opened on "[Kinds" is never closed; the parser notices at the next key, but the
    # place given is the bracket's, where the fix goes
    assert problem.message.startswith("the list this [ opens does not end where YAML expects: close it with ]")
    assert (problem.line, problem.column) == (line_of(text, "[Kinds"), len("      - title: ") + 1)


def test_yaml_syntax_error_bad_indentation(tmp_path):
    text = "title: Cheese\nrows:\n  - height: 1\n   panels: []\n"
    problem = only_problem(write(tmp_path, text))
    assert problem.message.startswith("this line is indented differently from the lines above it")
    assert (problem.line, problem.column) == (4, 4)


def test_tab_indentation_is_a_syntax_error_on_its_line(tmp_path):
    text = "title: Cheese\n\tsubtitle: x\n"
    problem = only_problem(write(tmp_path, text))
    assert problem.message == "a tab indents this line, and YAML indents with spaces only: replace the tab with spaces"
    assert (problem.line, problem.column) == (2, 1)


def test_two_documents_are_refused(tmp_path):
    text = MINIMAL + "---\ntitle: Second\n"
    problem = only_problem(write(tmp_path, text))
    assert "single document" in problem.message
    assert problem.line == line_of(text, "---")


def test_deep_nesting_is_refused(tmp_path):
    text = "title: " + "[" * 40 + "]" * 40 + "\n"
    problem = only_problem(write(tmp_path, text))
    assert "nested deeper" in problem.message
    assert problem.line == 1


def test_non_scalar_key_is_refused(tmp_path):
    text = MINIMAL + "? [a, b]\n: c\n"
    problem = only_problem(write(tmp_path, text))
    assert "a key must be a plain word" in problem.message
    assert problem.line == line_of(text, "? [a, b]")


# ----------------------------------------------------------------------------- values


@pytest.mark.parametrize("typed, shown", [("yes", "the text 'yes'"), ("no", "the text 'no'"), ("on", "the text 'on'"),
                                          ("y", "the text 'y'"), ("1", "the number 1"), ('"true"', "the text 'true'")])
def test_only_yaml_12_booleans_are_booleans(tmp_path, typed, shown):
    blocks = (
        "          - kind: checklist\n"
        "            items:\n"
        "              - text: a\n"
        f"                done: {typed}\n"
    )
    text = sheet_with(blocks)
    problem = only_problem(write(tmp_path, text))
    assert f"expected true or false, not {shown}" in problem.message
    assert "rows.0.panels.0.blocks.0.items.0.done" in problem.message
    assert problem.line == line_of(text, "done:")


@pytest.mark.parametrize(
    "old, new, needle, fragment",
    [
        ("height: 1", "height: -1", "height:", "-1 is below the smallest allowed, 0.05"),
        ("height: 1", "height: 0", "height:", "below the smallest allowed"),
        ("height: 1", "height: 1000", "height:", "1000 is above the largest allowed, 100"),
        ("height: 1", "height: .inf", "height:", "a finite number"),
        ("height: 1", "height: .nan", "height:", "a finite number"),
        ("height: 1", "height: nan", "height:", "expected a number, not the text 'nan'"),
        ("height: 1", "height: tall", "height:", "expected a number, not the text 'tall'"),
        ("height: 1", 'height: "1"', "height:", "numbers are written without quotes"),
        ("      - title: Kinds\n", "      - title: Kinds\n        columns: 1.5\n", "columns:", "a whole number"),
        ("      - title: Kinds\n", "      - title: Kinds\n        columns: 9\n", "columns:", "above the largest allowed, 4"),
        ("title: Cheese\n", "title: Cheese\ntheme:\n  font_size: 100\n", "font_size:", "above the largest allowed"),
        ("title: Cheese\n", "title: Cheese\ntheme:\n  grid_colour: red\n", "grid_colour:", "not a hex colour"),
        ("title: Cheese\n", "title: Cheese\npage:\n  size: a9\n", "size:", "is not one of"),
    ],
)
def test_values_out_of_range(tmp_path, old, new, needle, fragment):
    text = MINIMAL.replace(old, new, 1)
    assert text != MINIMAL
    problem = only_problem(write(tmp_path, text))
    assert fragment in problem.message
    assert problem.line == line_of(text, needle)


def test_list_where_a_single_value_is_expected(tmp_path):
    text = MINIMAL.replace("title: Cheese", "title: [a, b]")
    problem = only_problem(write(tmp_path, text))
    assert "expected a single value, not a list" in problem.message
    assert problem.line == 1


def test_null_value_is_missing(tmp_path):
    text = MINIMAL.replace("title: Cheese", "title:")
    problem = only_problem(write(tmp_path, text))
    assert "title: a value is missing" in problem.message
    assert problem.line == 1


def test_too_many_items(tmp_path):
    items = "".join(f"              - item {n}\n" for n in range(21))
    text = sheet_with("          - kind: bullets\n            items:\n" + items)
    problem = only_problem(write(tmp_path, text))
    assert "has 21 items; at most 20 fit" in problem.message
    assert problem.line == line_of(text, "items:")


def test_unknown_block_kind_with_suggestion(tmp_path):
    text = sheet_with("          - kind: txet\n            text: hello\n")
    problem = only_problem(write(tmp_path, text))
    assert "unknown block kind 'txet'" in problem.message
    assert "did you mean 'text'" in problem.message
    assert problem.line == line_of(text, "kind: txet")


def test_block_without_kind(tmp_path):
    text = sheet_with("          - text: hello\n")
    problem = only_problem(write(tmp_path, text))
    assert "a block needs kind:" in problem.message
    assert problem.line == line_of(text, "- text: hello")


def test_unknown_panel_colour_with_suggestion(tmp_path):
    text = sheet_with(panel="        colour: rde\n")
    problem = only_problem(write(tmp_path, text))
    assert "unknown colour 'rde'" in problem.message
    assert "did you mean 'red'" in problem.message
    assert problem.line == line_of(text, "colour: rde")


def test_braces_that_name_no_pen_are_text(tmp_path):
    text = sheet_with("          - kind: text\n            text: 'a {rde: x} b'\n")
    _, sheet = load_sheet(write(tmp_path, text))
    assert markup.plain(sheet.rows[0].panels[0].blocks[0].text) == "a {rde: x} b"


def test_an_opener_without_a_closer_is_text(tmp_path):
    """**, == and {pen: open a mark only where a closing one follows (the README); they used
    to be refused as never closed."""
    blocks = ("          - kind: text\n            heading: ok\n            text: 'x**2, a==b, {red: open'\n"
              "          - kind: table\n            header: [a, b]\n            rows:\n              - [x, '**open']\n")
    _, sheet = load_sheet(write(tmp_path, sheet_with(blocks)))
    text, table = sheet.rows[0].panels[0].blocks
    assert markup.plain(text.text) == "x**2, a==b, {red: open"
    assert markup.plain(table.rows[0][1]) == "**open"


def test_markup_in_a_table_cell_is_checked(tmp_path):
    blocks = (
        "          - kind: table\n"
        "            header: [a, b]\n"
        "            rows:\n"
        "              - [x, y]\n"
        "              - [x, '**a ==b** c==']\n"
    )
    text = sheet_with(blocks)
    problem = only_problem(write(tmp_path, text))
    assert "'**' closes a span opened outside the one it is in" in problem.message
    assert "blocks.0.rows.1.1" in problem.message
    assert problem.line == line_of(text, "**a ==b** c==")


@pytest.mark.parametrize("icon", ["ab", "x", "🧀🧀", "🧀 cheese", "**🧀**"])
def test_icon_must_be_one_emoji(tmp_path, icon):
    text = sheet_with(top=f"icon: '{icon}'\n")
    problem = only_problem(write(tmp_path, text))
    assert "an icon is one emoji" in problem.message
    assert problem.line == line_of(text, "icon:")


def test_icon_without_twemoji_is_a_warning_at_its_place(tmp_path):
    text = sheet_with(top="icon: \U0001fae8\n")  # 🫨 (Unicode 15), newer than TeX Live's Twemoji and Symbola
    source = load_source(write(tmp_path, text))
    sheet = validate_sheet(source, this_machine())
    assert sheet.icon == "\U0001fae8"
    (warning,) = source.warnings
    assert (warning.line, warning.column) == (line_of(text, "icon:"), 7)
    assert warning.message == "icon: emoji \U0001fae8 (U+1FAE8) has no Twemoji icon; drawn as a box with a question mark " \
                              "(no installed font draws it)"


def test_a_zwj_sequence_twemoji_lacks_is_drawn_in_a_font_with_a_warning_at_the_emoji(tmp_path):
    text = sheet_with("          - kind: text\n            text: 'a T. rex in a hat: \U0001f996\u200d\U0001f3a9, and \U0001f9c0'\n")
    source = load_source(write(tmp_path, text))
    validate_sheet(source, this_machine())
    (warning,) = source.warnings  # the cheese has its icon
    assert (warning.line, warning.column) == (line_of(text, "a T. rex"), text.splitlines()[line_of(text, "a T. rex") - 1].index("\U0001f996") + 1)
    assert warning.message.endswith("emoji \U0001f996\u200d\U0001f3a9 (U+1F996-200D-1F3A9) has no Twemoji icon; drawn in Symbola instead")


def test_a_refused_sheet_keeps_its_warnings_apart_from_its_problems(tmp_path):
    source = load_source(write(tmp_path, sheet_with(top="icon: \U0001fae8\ncolour: mauve\n")))
    with pytest.raises(ContentError) as refused:
        validate_sheet(source, this_machine())
    assert [p.message for p in refused.value.problems if "Twemoji" in p.message] == []
    assert any("mauve" in p.message for p in refused.value.problems)
    assert len(source.warnings) == 1


def test_one_emoji_icon_is_accepted(tmp_path):
    _, sheet = load_sheet(write(tmp_path, sheet_with(top="icon: 🧀\n", panel="        icon: ⚠️\n")))
    assert sheet.icon == "🧀"
    assert sheet.rows[0].panels[0].icon == "⚠️"


def test_table_row_with_wrong_cell_count(tmp_path):
    blocks = (
        "          - kind: table\n"
        "            header: [a, b]\n"
        "            rows:\n"
        "              - [1, 2]\n"
        "              - [1, 2, 3]\n"
    )
    text = sheet_with(blocks)
    problem = only_problem(write(tmp_path, text))
    assert "table row has 3 cells, the header has 2" in problem.message
    assert problem.line == line_of(text, "[1, 2, 3]")


def test_table_widths_must_match_the_header(tmp_path):
    blocks = (
        "          - kind: table\n"
        "            header: [a, b]\n"
        "            widths: [1, 2, 3]\n"
        "            rows:\n"
        "              - [1, 2]\n"
    )
    text = sheet_with(blocks)
    problem = only_problem(write(tmp_path, text))
    assert "3 widths for 2 columns" in problem.message
    assert problem.line == line_of(text, "widths:")


def test_block_column_beyond_the_panel_columns(tmp_path):
    blocks = (
        "          - kind: text\n"
        "            text: left\n"
        "          - kind: text\n"
        "            column: 3\n"
        "            text: right\n"
    )
    text = sheet_with(blocks, panel="        columns: 2\n")
    problem = only_problem(write(tmp_path, text))
    assert "column 3, but the panel has columns: 2" in problem.message
    assert problem.line == line_of(text, "column: 3")


def test_block_column_within_the_panel_columns_is_fine(tmp_path):
    blocks = "          - kind: text\n            text: left\n          - kind: text\n            column: 2\n            text: right\n"
    _, sheet = load_sheet(write(tmp_path, sheet_with(blocks, panel="        columns: 2\n")))
    assert [b.column for b in sheet.rows[0].panels[0].blocks] == [0, 2]


@pytest.mark.parametrize(
    "escaped, code, what",
    [
        ("\\a ", "U+0007", "control character"),  # a bell, then a space: no LaTeX command ate it
        ("\\x1b", "U+001B", "control character"),
        ("\\u202E", "U+202E", "bidirectional control"),
        ("\\u2066", "U+2066", "bidirectional control"),
        ("\\uFEFF", "U+FEFF", "byte order mark"),
    ],
)
def test_forbidden_characters_in_quoted_strings(tmp_path, escaped, code, what):
    text = sheet_with(top=f'subtitle: "evil{escaped}text"\n')
    problem = only_problem(write(tmp_path, text))
    assert f"{what} {code} at position 5 is not allowed" in problem.message
    assert "subtitle" in problem.message
    assert problem.line == line_of(text, "subtitle:")


def test_bidi_override_typed_raw_is_refused(tmp_path):
    text = sheet_with(top="subtitle: abc\u202edef\n")
    problem = only_problem(write(tmp_path, text))
    assert "bidirectional control U+202E at position 4" in problem.message
    assert problem.line == line_of(text, "subtitle:")


def test_control_character_typed_raw_is_refused_with_its_line(tmp_path):
    # A raw BEL byte in the file (not a YAML escape): still a ContentError, on its own line.
    text = sheet_with(top="subtitle: ring\x07bell\n")
    problem = only_problem(write(tmp_path, text))
    assert "0007" in problem.message
    assert problem.line == line_of(text, "subtitle:")


def test_overlong_text_is_refused(tmp_path):
    text = sheet_with(top="subtitle: " + "x" * 2001 + "\n")
    problem = only_problem(write(tmp_path, text))
    assert "2001 characters long" in problem.message
    assert problem.line == line_of(text, "subtitle:")


# ----------------------------------------------------------------------------- the file itself


@pytest.mark.parametrize("text", ["", "\n\n", "   \n\t\n", "\ufeff"])
def test_empty_file(tmp_path, text):
    problem = only_problem(write(tmp_path, text))
    assert "the file is empty" in problem.message
    assert problem.line == 1


def test_file_of_only_comments_is_empty(tmp_path):
    problem = only_problem(write(tmp_path, "# nothing here yet\n# still nothing\n"))
    assert "empty" in problem.message
    assert problem.line == 1


def test_top_level_list(tmp_path):
    problem = only_problem(write(tmp_path, "- title: Cheese\n- rows: []\n"))
    assert "the top level is a list" in problem.message
    assert problem.line == 1


def test_top_level_single_value(tmp_path):
    problem = only_problem(write(tmp_path, "just a sentence\n"))
    assert "the top level is a single value" in problem.message
    assert problem.line == 1


def test_binary_file(tmp_path):
    problem = only_problem(write(tmp_path, b"title: Cheese\n\x00\x01\x02\xff\n"))
    assert "binary file" in problem.message
    assert problem.line == 2  # where the first NUL is


def test_not_utf8(tmp_path):
    raw = "title: Cheese\nsubtitle: caf".encode("utf-8") + b"\xe9\n"  # Latin-1 é
    problem = only_problem(write(tmp_path, raw))
    assert "not UTF-8" in problem.message
    assert "0xe9" in problem.message
    assert problem.line == 2


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.yaml"
    problem = only_problem(path)
    assert "no such file" in problem.message
    assert problem.line == 1


def test_folder_instead_of_file(tmp_path):
    problem = only_problem(tmp_path)
    assert "folder" in problem.message


def test_file_over_the_size_cap(tmp_path):
    body = MINIMAL.encode("utf-8")
    raw = body + b"#" * (MAX_FILE_BYTES + 1 - len(body))
    path = write(tmp_path, raw)
    assert path.stat().st_size == MAX_FILE_BYTES + 1
    problem = only_problem(path)
    assert f"the content is {MAX_FILE_BYTES + 1} bytes" in problem.message
    assert f"at most {MAX_FILE_BYTES}" in problem.message
    assert problem.line == 1


def test_error_text_is_file_line_column(tmp_path):
    text = MINIMAL + "titel: x\n"
    path = write(tmp_path, text)
    with pytest.raises(ContentError) as caught:
        load_sheet(path)
    assert str(caught.value) == f"{path}:{line_of(text, 'titel')}:1: unknown key 'titel' in the sheet; did you mean 'title'?"


# ----------------------------------------------------------------------------- a machine without TeX or fonts


def test_validate_on_a_machine_without_tex_or_fonts_checks_structure_and_says_what_it_skipped(tmp_path):
    """As pre-commit runs it on an ordinary CI runner: no fc-list, no kpsewhich on the PATH."""
    import os
    import subprocess
    import sys

    bare = tmp_path / "bin"
    bare.mkdir()
    env = {**os.environ, "PATH": str(bare)}
    good = write(tmp_path, MINIMAL.replace("text: hello", "text: 'hello `code` $x^2$ 🧀'"), "good.yaml")
    bad = write(tmp_path, MINIMAL.replace("title: Kinds", "titel: Kinds"), "bad.yaml")
    done = subprocess.run([sys.executable, "-m", "texsheet", "validate", str(good)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "note: fonts not checked: fontconfig (fc-list) is not installed" in done.stdout
    assert "note: emoji not checked" in done.stdout
    assert f"{good}: ok" in done.stdout
    done = subprocess.run([sys.executable, "-m", "texsheet", "validate", str(bad)], capture_output=True, text=True, env=env)
    assert done.returncode == 1 and "unknown key 'titel'" in done.stderr and "Traceback" not in done.stderr


def test_validate_skips_glyph_checks_when_the_themes_fonts_are_missing(tmp_path):
    from texsheet import api

    text = MINIMAL.replace("title: Cheese\n", "title: Cheese\ntheme:\n  font: No Such Font Texsheet\n")
    path = write(tmp_path, text)
    assert api.validate(path) == []
    assert any("No Such Font Texsheet is not installed" in note for note in api.skipped_checks(path))
    assert any("no font family 'No Such Font Texsheet' is installed" in p.message for p in api.validate(path, fonts=True))


def test_panels_may_be_listed_without_rows_but_not_beside_them(tmp_path):
    listed = "title: Cheese\npanels:\n  - title: Kinds\n    blocks:\n      - kind: text\n        text: hello\n"
    source, sheet = load_sheet(write(tmp_path, listed))
    assert sheet.rows is None and [p.title for p in sheet.panels] == ["Kinds"]
    assert sheet.placed_panels()[0][0] == ("panels", 0)
    both = listed + "rows:\n  - panels:\n      - title: B\n        blocks: [{kind: text, text: b}]\n"
    problem = only_problem(write(tmp_path, both))
    assert "not both" in problem.message and problem.line == 2
    problem = only_problem(write(tmp_path, "title: Cheese\n"))
    assert "needs rows: (panels in bands you arrange) or panels:" in problem.message


def test_a_misspelt_required_key_is_one_problem_not_two(tmp_path):
    problem = only_problem(write(tmp_path, MINIMAL.replace("title: Cheese", "titel: Cheese")))
    assert "unknown key 'titel'" in problem.message and "did you mean 'title'?" in problem.message


def test_a_language_without_a_hyphenation_dictionary_is_refused_at_its_place(tmp_path):
    text = sheet_with(top="language: xx\n")
    problem = only_problem(write(tmp_path, text))
    assert problem.line == line_of(text, "language:")
    assert "no hyphenation dictionary for language 'xx'" in problem.message and " de, " in problem.message
    load_sheet(write(tmp_path, sheet_with(top="language: de\n"), "de.yaml"), None, this_machine())

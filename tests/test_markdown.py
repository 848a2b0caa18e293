"""Markdown notes and image-model prompts in: each mapping rule, round trips through YAML, places in
the source file, the limits of the format, hostile text, a long real note and the seed prompt.

Validation only (validate_sheet without a machine); the compile tests build sheets."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from texsheet.errors import ContentError
from texsheet.model.mermaid_kinds import parse_mermaid
from texsheet.model.sheet import validate_sheet
from texsheet.model.source import Source, load_source, parse_source
from texsheet.read.markdown import load_markdown, markdown_source
from texsheet.read.markdown_inline import markdown_parser
from texsheet.read.pieces import Note
from texsheet.read.prompt import is_image_prompt, prompt_source
from texsheet.read.yaml_writer import to_yaml
from texsheet.text import markup
from test_hostile import PAYLOADS

REPO = Path(__file__).resolve().parent.parent
NOTES = REPO / "tests" / "notes"
LONG_NOTE = NOTES / "lecture-attention.md"
SEED = REPO / "tests" / "prompts" / "llm-grand-summary-prompt.txt"  # the seed prompt of content/llm-grand-summary.yaml
HAND_MADE = REPO / "content" / "llm-grand-summary.yaml"


def md(text: str, name: str = "note.md") -> tuple[Source, list[Note]]:
    return markdown_source(text, Path(name))


def blocks_of(source: Source, panel: int = 0) -> list[dict]:
    return panels(source)[panel]["blocks"]


def only_block(text: str) -> dict:
    source, _ = md(text)
    (block,) = blocks_of(source)
    return block


def panels(source: Source) -> list[dict]:
    """The panels in reading order, whether listed (panels:) or in rows (rows:)."""
    if "panels" in source.data:
        return source.data["panels"]
    return [p for row in source.data["rows"] for p in row["panels"]]


def noted(notes: list[Note], words: str) -> list[Note]:
    return [n for n in notes if words in n.message]


def reload(source: Source, notes: list[Note], tmp_path: Path) -> Source:
    """to_yaml written to a file and read back as texsheet reads content, then validated."""
    path = tmp_path / "sheet.yaml"
    path.write_text(to_yaml(source, notes), encoding="utf-8")
    loaded = load_source(path)
    validate_sheet(loaded)
    return loaded


def all_wheres(data, where=()):
    yield where
    if isinstance(data, dict):
        for key, value in data.items():
            yield from all_wheres(value, where + (key,))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            yield from all_wheres(value, where + (n,))


def all_text(data) -> str:
    """Every string of the data as a reader sees it (markup removed), one per line."""
    if isinstance(data, str):
        return markup.plain(data)
    if isinstance(data, dict):
        return "\n".join(all_text(v) for v in data.values())
    if isinstance(data, list):
        return "\n".join(all_text(v) for v in data)
    return str(data)


def markdown_reading(inline: str) -> str:
    """What a Markdown reader sees of an inline text, rendered by markdown-it (not by the importer)."""
    rendered = markdown_parser().render(inline)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


def seed_path() -> Path:
    return SEED


# ----------------------------------------------------------------------------- front matter and title


def test_front_matter_gives_the_top_level_keys():
    source, notes = md('---\ntitle: "Cheese **notes**"\nsubtitle: a course\nicon: 🧀\ntheme: dots\n'
                       "page:\n  size: a5\ntags: [x]\ntitel: typo\n---\n## Kinds\n- brie\n")
    data = source.data
    assert list(data) == ["title", "subtitle", "icon", "page", "theme", "panels"]
    assert (data["title"], data["subtitle"], data["icon"], data["theme"], data["page"]) == \
        ("Cheese **notes**", "a course", "🧀", "dots", {"size": "a5"})
    assert source.marks[("page", "size")] == (7, 3)
    assert noted(notes, "'tags' is not a sheet key")[0].line == 8
    assert "did you mean 'title'" in noted(notes, "'titel'")[0].message
    validate_sheet(source)


def test_front_matter_is_validated_like_yaml_at_its_line():
    source, _ = md("---\ntitle: T\npage:\n  size: a9\n---\n## P\n- x\n")
    with pytest.raises(ContentError) as error:
        validate_sheet(source)
    (problem,) = error.value.problems
    assert (problem.line, problem.column) == (4, 3)
    assert "'a9' is not one of" in problem.message


def test_front_matter_yaml_errors_and_rows_are_refused_with_their_line():
    with pytest.raises(ContentError) as error:
        md("---\ntitle: T\ntitle: again\n---\n## P\n- x\n")
    assert error.value.problems[0].line == 3 and "duplicate key" in error.value.problems[0].message
    with pytest.raises(ContentError) as error:
        md("---\ntitle: T\nrows: []\n---\n## P\n- x\n")
    assert error.value.problems[0].line == 3 and "sections" in error.value.problems[0].message


def test_first_heading_is_the_title_and_the_line_under_it_the_subtitle():
    source, _ = md("# 🧠 Brain notes 🧠\nWeek 3, **neuro**\n\n## Lobes\n- frontal\n")
    assert (source.data["title"], source.data["icon"], source.data["subtitle"]) == ("Brain notes", "🧠", "Week 3, **neuro**")
    assert source.marks[("title",)] == (1, 3) and source.marks[("subtitle",)] == (2, 1)


def test_a_long_paragraph_under_the_title_opens_the_first_panel_not_an_invented_one():
    long = "word " * 40
    source, notes = md(f"# T\n{long}\n\n## P\n- x\n")
    assert "subtitle" not in source.data
    assert [p["title"] for p in panels(source)] == ["P"]
    assert blocks_of(source)[0] == {"kind": "text", "text": long.strip()}
    assert noted(notes, "opens the first panel")


def test_a_short_line_before_the_first_section_is_the_subtitle():
    source, notes = md("# T\n\n---\n\nREST : the web's strengths\n\n## P\n- x\n")
    assert source.data["subtitle"] == "REST : the web's strengths" and [p["title"] for p in panels(source)] == ["P"]


def test_without_a_hash_heading_the_only_top_heading_is_the_title_and_the_next_level_makes_panels():
    source, notes = md("## HTTP codes\n\n> intro\n\n- a\n- b\n\n##### 200s\n- ok\n\n##### 400s\n- bad\n", "my-notes.md")
    assert source.data["title"] == "HTTP codes"
    assert [p["title"] for p in panels(source)] == ["", "200s", "400s"]
    assert noted(notes, "is the title")


def test_without_a_title_heading_the_file_name_is_the_title_and_noted():
    source, notes = md("## One\n- x\n## Two\n- y\n", "my-notes.md")
    assert source.data["title"] == "my-notes"
    assert noted(notes, "file's name")


def test_a_front_matter_title_and_the_same_h1_are_one_title():
    source, notes = md("---\ntitle: Vim\n---\n# Vim\n## Moving\n- h\n")
    assert source.data["title"] == "Vim" and [p["title"] for p in panels(source)] == ["Moving"]


def test_content_before_the_first_section_goes_into_a_panel_the_importer_does_not_name():
    source, notes = md("# 제목\n\n서론 문단이 길게 이어집니다.\n\n> 인용문\n\n- 항목 하나\n\n## 본문\n- 항목\n")
    assert [p["title"] for p in panels(source)] == ["", "본문"]
    assert source.data["subtitle"] == "서론 문단이 길게 이어집니다." and [b["kind"] for b in blocks_of(source)] == ["callout", "bullets"]
    assert noted(notes, "went into a panel without a title")
    validate_sheet(source)


# ----------------------------------------------------------------------------- sections and headings


def test_sections_are_panels_with_emoji_icons_and_dash_subtitles():
    source, notes = md("# T\n## 🔄 Pipeline — how it flows\n- a\n## 올바른 사용법 (Best Practices)\n- b\n")
    first, second = panels(source)
    assert (first["title"], first["icon"], first["subtitle"]) == ("Pipeline", "🔄", "how it flows")
    assert second["title"] == "올바른 사용법 (Best Practices)" and "icon" not in second and "subtitle" not in second
    assert noted(notes, "subtitle")[0].line == 2


def test_third_level_headings_head_the_next_block():
    block = only_block("# T\n## P\n### Why\n- a\n- b\n")
    assert block == {"kind": "bullets", "heading": "Why", "items": ["a", "b"]}


def test_a_bold_line_heads_the_next_block():
    source, notes = md("# T\n## P\n**원인:**\n- a\n\n**Label**\nthen text\n")
    assert blocks_of(source) == [{"kind": "bullets", "heading": "원인", "items": ["a"]},
                                 {"kind": "text", "heading": "Label", "text": "then text"}]
    assert [n.line for n in noted(notes, "bold")] == [3, 6]


def test_a_line_ending_in_a_colon_heads_the_list_under_it():
    block = only_block("# T\n## P\nAdvantages:\n- fast\n- small\n")
    assert block == {"kind": "bullets", "heading": "Advantages", "items": ["fast", "small"]}


def test_a_heading_with_nothing_under_it_is_kept_as_bold_text():
    source, notes = md("# T\n## P\n- a\n### Lonely\n## Q\n- b\n")
    assert blocks_of(source)[-1] == {"kind": "text", "text": "**Lonely**"}
    assert noted(notes, "no block under it")[0].line == 4


# ----------------------------------------------------------------------------- lists


def test_bullets_take_a_leading_emoji_as_icon():
    block = only_block("# T\n## P\n- 🧀 hole one\n- plain\n- 🧀\n")
    assert block["items"] == [{"text": "hole one", "icon": "🧀"}, "plain", "🧀"]


def test_nested_bullets_stay_nested():
    source, notes = md("# T\n## P\n- parent\n  - child one\n  - child two\n    1. deep\n- next\n")
    assert blocks_of(source)[0]["items"] == [{"text": "parent", "items": ["child one", {"text": "child two", "items": ["deep"]}]}, "next"]
    assert not noted(notes, "nested list")
    assert source.marks[("panels", 0, "blocks", 0, "items", 0, "items", 1, "items", 0)] == (6, 8)


def test_nested_lists_under_numbered_items_are_folded_into_the_item():
    source, notes = md("# T\n## Summary\n1. parent\n   - child one\n     - deep\n2. next\n")
    assert blocks_of(source)[0]["items"] == ["parent\n· child one\n  · deep", "next"]
    assert noted(notes, "nested list")[0].line == 3


def test_task_lists_become_checklists_and_mixed_lists_split():
    block = only_block("# T\n## P\n- [ ] todo\n- [x] done **now**\n")
    assert block == {"kind": "checklist", "items": ["todo", {"text": "done **now**", "done": True}]}
    source, notes = md("# T\n## P\n- plain\n- [x] task\n- plain again\n")
    assert [b["kind"] for b in blocks_of(source)] == ["bullets", "checklist", "bullets"]
    assert noted(notes, "mixing tasks")


def test_box_lines_become_a_checklist():
    block = only_block("# T\n## P\n□ one\n☑ two\n")
    assert block == {"kind": "checklist", "items": ["one", {"text": "two", "done": True}]}


def test_short_numbered_steps_are_a_flow_and_long_ones_takeaways():
    assert only_block("# T\n## P\n1. Install\n2. Configure\n3. Run\n") == {"kind": "flow", "steps": ["Install", "Configure", "Run"]}
    long = "a numbered point that goes on well past sixty characters, as points do"
    assert only_block(f"# T\n## P\n1. {long}\n2. short\n") == {"kind": "takeaways", "numbered": True, "items": [long, "short"]}


def test_a_numbered_list_in_a_summary_section_is_takeaways():
    for title in ("Key takeaways", "핵심 요약", "요약", "Summary"):
        block = only_block(f"# T\n## {title}\n1. one\n2. two\n")
        assert block == {"kind": "takeaways", "numbered": True, "items": ["one", "two"]}, title


def test_a_numbered_list_not_starting_at_one_keeps_its_numbers():
    block = only_block("# T\n## P\n5. " + "long item text " * 5 + "\n6. next\n")
    assert block["kind"] == "bullets" and block["items"][1] == "6. next"


def test_a_list_item_holding_code_splits_the_list():
    source, notes = md("# T\n## P\n- a\n\n  ```python\n  x = 1\n  ```\n- b\n")
    assert [b["kind"] for b in blocks_of(source)] == ["bullets", "code", "bullets"]
    assert blocks_of(source)[1] == {"kind": "code", "code": "x = 1", "language": "python"}
    assert noted(notes, "stays in its place")


# ----------------------------------------------------------------------------- other blocks


def test_tables_map_header_and_rows_and_keep_extra_cells():
    source, notes = md("# T\n## P\n| a | **b** |\n|---|:-:|\n| 1 | 2 | 3 |\n| `x\\|y` | |\n")
    assert blocks_of(source)[0] == {"kind": "table", "header": ["a", "**b**"], "rows": [["1", "2 | 3"], ["`x|y`", ""]]}
    assert noted(notes, "beyond the header")[0].line == 5
    assert source.marks[("panels", 0, "blocks", 0, "header", 1)] == (3, 7)
    assert source.marks[("panels", 0, "blocks", 0, "rows", 0, 1)] == (5, 7)


def test_a_block_quote_is_a_callout_and_an_alert_picks_its_colour():
    assert only_block("# T\n## P\n> one\n> two\n") == {"kind": "callout", "text": "one two"}
    assert only_block("# T\n## P\n> [!WARNING] Careful\n> hot plate\n") == \
        {"kind": "callout", "heading": "Careful", "text": "hot plate", "colour": "orange"}
    assert only_block("# T\n## P\n> [!TIP]\n> use tabs\n") == {"kind": "callout", "text": "use tabs", "colour": "green"}


def test_fenced_code_keeps_a_pygments_language_only():
    assert only_block("# T\n## P\n```python\nif x:\n    y()\n```\n") == {"kind": "code", "code": "if x:\n    y()", "language": "python"}
    source, notes = md("# T\n## P\n```railroad\ngraph TD\n```\n")  # (```mermaid is a diagram: tests/test_diagram.py)
    assert blocks_of(source)[0] == {"kind": "code", "code": "graph TD"}
    assert noted(notes, "'railroad' is not a language")[0].line == 3
    assert only_block("# T\n## P\n    indented code\n") == {"kind": "code", "code": "indented code"}


def test_display_math_is_a_math_block_unless_texsheet_cannot_set_it():
    assert only_block("# T\n## P\n$$\n\\frac{a}{b}\n$$\n") == {"kind": "math", "math": "\\frac{a}{b}"}
    source, notes = md("# T\n## P\n$$\n\\input{/etc/passwd}\n$$\n")
    assert blocks_of(source)[0] == {"kind": "code", "code": "\\input{/etc/passwd}", "language": "latex"}
    assert noted(notes, "kept as code")


def test_an_arrow_chain_of_short_steps_is_a_diagram_across():
    block = only_block("# T\n## P\nA → B -> **C** => `d`\n")
    assert block == {"kind": "diagram", "mermaid": 'flowchart LR\n  S1["A"] --> S2["B"] --> S3["**C**"] --> S4["``d``"]\n'}
    graph, problems = parse_mermaid(block["mermaid"])
    assert not problems and [n.label for n in graph.nodes.values()] == ["A", "B", "**C**", "`d`"]
    assert [(l.tail, l.head) for l in graph.links] == [("S1", "S2"), ("S2", "S3"), ("S3", "S4")]
    headed = only_block("# T\n## P\n핵심: Check ⟶ Verify ⟶ Check\n")
    assert headed["heading"] == "핵심" and len(parse_mermaid(headed["mermaid"])[0].nodes) == 3  # a step said twice is two nodes


def test_a_chain_of_long_or_unquotable_steps_is_a_flow_and_two_steps_or_more_lines_are_text():
    long = "read the whole paper first"
    assert only_block(f"# T\n## P\n{long} → write down every claim it makes → check\n") == \
        {"kind": "flow", "steps": [long, "write down every claim it makes", "check"]}
    assert only_block('# T\n## P\nsay "hi" → wave → leave\n')["kind"] == "flow"
    assert only_block("# T\n## P\nA → B\n")["kind"] == "text"
    assert only_block("# T\n## P\nA → B → C\nand more\n")["kind"] == "text"
    assert only_block("# T\n## P\nA <-> B <=> C\n")["kind"] == "text"
    assert only_block("# T\n## P\nrun `a -> b` → `c` → d\n")["kind"] == "text"  # an arrow inside code is code
    assert only_block("# T\n## P\n**A → B** → C → D\n")["kind"] == "text"


def test_a_list_item_that_is_an_arrow_chain_is_a_diagram_in_its_place():
    source, notes = md("# T\n## P\n- first\n- 흐름: Client -> Server -> DB\n- last\n- A → B → C\n  - a sub-item\n"
                       "1. x → y → z\n")
    kinds = [b["kind"] for b in blocks_of(source)]
    assert kinds == ["bullets", "diagram", "bullets", "flow"]
    assert blocks_of(source)[1]["heading"] == "흐름" and "S3[\"DB\"]" in blocks_of(source)[1]["mermaid"]
    assert blocks_of(source)[2]["items"] == ["last", {"text": "A → B → C", "items": ["a sub-item"]}]
    assert noted(notes, "a list item that is an arrow chain became a diagram")[0].line == 4


def test_other_paragraphs_are_text_with_soft_and_hard_breaks():
    assert only_block("# T\n## P\none\ntwo  \nthree\n") == {"kind": "text", "text": "one two\nthree"}


def test_html_is_read_for_what_it_means_and_noted():
    source, notes = md("# T\n## P\n<div>box</div>\n\nsee <kbd>Ctrl</kbd><br>next\n")
    assert blocks_of(source) == [{"kind": "text", "text": "box"}, {"kind": "text", "text": "see `Ctrl`\nnext"}]
    assert noted(notes, "HTML block") and noted(notes, "<br>")


# ----------------------------------------------------------------------------- inline markup


def test_inline_markup_carries_over():
    block = only_block("# T\n## P\n**bold** ==mark== `co*de` $x^2$ 🧀 *it* ~~gone~~\n")
    assert block["text"] == "**bold** ==mark== `co*de` $x^2$ 🧀 it gone"


def test_links_and_images_keep_their_text_and_are_noted():
    source, notes = md("# T\n## P\n[the docs](https://example.org/x) and ![a cat](cat.png) and <https://a.b>\n")
    assert blocks_of(source)[0]["text"] == "the docs and a cat and https://a.b"
    assert noted(notes, "https://example.org/x was dropped") and noted(notes, "alt text 'a cat'")
    assert not noted(notes, "https://a.b")


def test_only_notes_of_words_that_miss_the_page_say_words_were_lost():
    source, notes = md("# T\n## P\n[docs](https://e.org) ![a cat](cat.png) <img src=x.png alt='a dog'> <img src=s.gif alt=''>\n"
                       "[![build](https://img.shields.io/badge/build-passing-green.svg)](https://ci) <!-- a comment -->\n\n"
                       '<p><img src="logo.png" title="Our logo"></p>\n')
    assert [(n.line, n.message) for n in notes if n.lost] == [
        (3, "<img alt=\"a dog\"> was dropped (texsheet draws no images from notes)"),
        (6, "<img src=\"logo.png\"> in HTML was dropped (texsheet draws no images from notes)")]
    assert len([n for n in notes if not n.lost]) >= 5  # the URL, the cat's alt kept, the empty alt, the badge, the comment


def test_plain_text_that_markup_would_read_is_escaped():
    typed = r"{red: x} a == b \*\*not bold\*\* C:\Users\ \input{f} costs \$5 and `"
    block = only_block(f"# T\n## P\n{typed}\n")
    reading = markdown_reading(typed)
    assert markup.plain(block["text"]) == reading
    assert not markup.parse(block["text"])[1]
    assert [s.kind for s in markup.parse(block["text"])[0]] == ["text"]


def test_only_what_markup_would_read_is_escaped():
    block = only_block("# T\n## P\nx = 1, a*b, {x}, C:\\dir, a tick ` and \\$5\n")
    assert block["text"] == "x = 1, a*b, {x}, C:\\dir, a tick \\` and \\$5"


def test_a_formula_texsheet_cannot_set_inline_is_kept_as_code():
    source, notes = md("# T\n## P\nsee $\\write18{rm}$ here\n")
    assert blocks_of(source)[0]["text"] == "see `\\write18{rm}` here"
    assert noted(notes, "kept as code")


# ----------------------------------------------------------------------------- rows and limits


def test_without_breaks_the_panels_are_listed_for_the_layout_to_arrange():
    wide = "| a | b | c | d |\n|---|---|---|---|\n| 1 | 2 | 3 | 4 |\n"
    text = "# T\n" + "".join(f"## P{n}\n- x\n" for n in range(3)) + f"## W\n{wide}" + "## Q\n- y\n"
    source, _ = md(text)
    assert "rows" not in source.data
    assert [p["title"] for p in source.data["panels"]] == ["P0", "P1", "P2", "W", "Q"]
    assert all("width" not in p and "columns" not in p for p in source.data["panels"])
    validate_sheet(source)


def test_thematic_breaks_start_rows():
    source, notes = md("# T\n## A\n- a\n## B\n- b\n## C\n- c\n\n---\n\n## D\n- d\n\n---\n\nmore text\n")
    rows = [[p["title"] for p in row["panels"]] for row in source.data["rows"]]
    assert rows == [["A", "B", "C"], ["D"], ["D (cont.)"]]
    assert noted(notes, "after a thematic break")[0].line == 16
    assert panels(source)[-1]["colour"] == panels(source)[-2]["colour"]


def test_panels_take_pens_in_turn():
    source, _ = md("# T\n" + "".join(f"## P{n}\n- x\n" for n in range(6)))
    assert [p["colour"] for p in panels(source)] == ["blue", "orange", "red", "green", "purple", "teal"]


def test_lists_tables_and_panels_are_split_to_the_format_limits():
    source, notes = md("# T\n## P\n" + "".join(f"- item {n}\n" for n in range(45)))
    assert [len(b["items"]) for b in blocks_of(source)] == [20, 20, 5]
    assert noted(notes, "45 items")
    rows = "".join(f"| {n} | " + " | ".join("c" * 8) + " |\n" for n in range(25))
    source, notes = md("# T\n## P\n| " + " | ".join("h" * 9) + " |\n|" + "---|" * 9 + "\n" + rows)
    tables = blocks_of(source)
    assert [(len(t["header"]), len(t["rows"])) for t in tables] == [(6, 20), (6, 5), (4, 20), (4, 5)]
    assert noted(notes, "9 columns") and noted(notes, "25 rows")
    source, notes = md("# T\n## Big\n" + "".join(f"para {n}\n\n" for n in range(20)))
    assert [(p["title"], len(p["blocks"])) for p in panels(source)] == [("Big", 10), ("Big (cont.)", 10)]
    validate_sheet(source)


def test_a_long_section_never_leaves_one_block_alone_in_a_cont_panel():
    source, notes = md("# T\n## Big\n" + "".join(f"para {n}\n\n" for n in range(17)))
    assert [len(p["blocks"]) for p in panels(source)] == [8, 9]
    body = "".join(f"para {n}\n\n" for n in range(7)) + "### Part two\n" + "".join(f"more {n}\n\n" for n in range(10))
    source, _ = md("# T\n## Big\n" + body)
    second = panels(source)[1]
    assert second["title"] == "Big (cont.)" and second["blocks"][0]["heading"] == "Part two"


def test_many_sections_fit_the_sheet_rows():
    source, _ = md("# T\n" + "".join(f"## P{n}\n- x\n" for n in range(30)))
    assert len(source.data["rows"]) <= 12 and len(panels(source)) == 30
    validate_sheet(source)


def test_long_text_and_code_are_split_into_blocks_a_field_holds():
    sentence = "이 문장은 꽤 길게 이어지는 설명입니다. "
    code = "\n".join(f"x{n} = {n}  # a comment to make the line longer" for n in range(80))
    source, notes = md(f"# T\n## P\n{sentence * 120}\n\n```python\n{code}\n```\n")
    texts = [b["text"] for b in blocks_of(source) if b["kind"] == "text"]
    codes = [b["code"] for b in blocks_of(source) if b["kind"] == "code"]
    assert len(texts) > 1 and all(len(t) <= 2000 for t in texts)
    assert " ".join(texts) == (sentence * 120).strip()
    assert len(codes) > 1 and "\n".join(codes) == code
    validate_sheet(source)


# ----------------------------------------------------------------------------- places and errors


def test_every_part_of_the_data_has_a_place_in_the_markdown():
    source, _ = load_markdown(LONG_NOTE)
    lines = LONG_NOTE.read_text(encoding="utf-8").count("\n") + 1
    for where in all_wheres(source.data):
        line, column = source.marks[where]
        assert 1 <= line <= lines and column >= 1, where


def test_items_and_headings_are_placed_at_their_text():
    source, _ = md("# T\n\n## P\n\n### Head\n- first\n-   [x] second\n")
    where = ("panels", 0, "blocks", 0)
    assert source.marks[("panels", 0)] == (3, 4)
    assert source.marks[where + ("heading",)] == (5, 5)
    assert source.marks[where + ("items", 0)] == (6, 3)


def test_validation_errors_point_into_the_markdown():
    text = "# T\n\n## P\n\n- fine\n- bad \u202e here\n\n## Ring \u0007 bell\n- x\n"
    source, _ = md(text)
    with pytest.raises(ContentError) as error:
        validate_sheet(source)
    assert [(p.line, p.column) for p in error.value.problems] == [(6, 3), (8, 4)]
    assert all(str(p.path) == "note.md" for p in error.value.problems)


def test_unreadable_markdown_is_a_content_error_with_a_place(tmp_path):
    with pytest.raises(ContentError) as error:
        md("# T\n## P\nnul \0 here\n")
    assert error.value.problems[0].line == 3 and "binary" in error.value.problems[0].message
    path = tmp_path / "latin1.md"
    path.write_bytes("# T\n\n## Café\n".encode("latin-1"))
    with pytest.raises(ContentError) as error:
        load_markdown(path)
    assert (error.value.problems[0].line, error.value.problems[0].path) == (3, path)
    assert "not UTF-8" in error.value.problems[0].message
    with pytest.raises(ContentError):
        md("  \n\n")


# ----------------------------------------------------------------------------- YAML out


def test_to_yaml_is_block_style_in_the_models_order_with_notes_above_the_guesses():
    source, notes = md("# T\n## P\n- parent\n  - child\n\nA → B → C\n")
    text = to_yaml(source, notes)
    lines = text.splitlines()
    comment = next(i for i, line in enumerate(lines) if "note.md:6: an arrow chain" in line)
    assert lines[comment + 1].strip() == "- kind: diagram"
    assert "panels:\n  - title: P\n    colour: blue\n    blocks:\n" in text
    assert "- text: parent\n            items:\n              - child\n" in text
    assert "{" not in text.replace("\n", " ").split("panels:")[1]


def test_to_yaml_loads_back_to_the_same_data(tmp_path):
    for name in sorted(p.name for p in NOTES.glob("*.md")):
        source, notes = load_markdown(NOTES / name)
        validate_sheet(source)
        assert reload(source, notes, tmp_path).data == source.data, name


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
def test_to_yaml_writes_any_string_so_that_it_reads_back(text):
    data = {"title": text, "subtitle": text + "\n" + text, "rows": [{"panels": [{"title": "p", "blocks": [
        {"kind": "table", "header": [text], "rows": [[text]]}, {"kind": "code", "code": text + "\n"}]}]}]}
    source = Source(Path("x.md"), "", data, {(): (1, 1)})
    assert parse_source(to_yaml(source, []), Path("x.yaml")).data == data


def test_notes_and_text_round_trip_as_typed_markdown(tmp_path):
    text = "# Title: with colon\n\n## P\n- `a: b` #not-a-comment\n- 'quoted' and \"double\"\n- true\n- 1.10\n- - dash\n\n" \
           "```\n  leading spaces\n\ttab\n```\n"
    source, notes = md(text)
    assert reload(source, notes, tmp_path).data == source.data
    items = blocks_of(source)[0]["items"]
    assert items[2:4] == ["true", "1.10"]


# ----------------------------------------------------------------------------- hostile text


@pytest.mark.parametrize("name, payload", PAYLOADS, ids=[name for name, _ in PAYLOADS])
def test_hostile_text_is_kept_literally(name, payload, tmp_path):
    typed = f"ZQX {payload} XQZ"
    cell = typed.replace("|", "\\|")
    text = f"# T\n\n## {typed}\n\n- {typed}\n\n{typed}\n\n| h |\n|---|\n| {cell} |\n"
    source, notes = md(text)
    reading = markdown_reading(typed)
    (panel,) = panels(source)
    fields = [panel["title"], panel["blocks"][0]["items"][0], panel["blocks"][1]["text"], panel["blocks"][2]["rows"][0][0]]
    for field in fields:
        assert not markup.parse(field)[1]
        assert markup.plain(field) == reading
    try:
        validate_sheet(source)
    except ContentError as error:
        assert all(1 <= p.line <= text.count("\n") + 1 for p in error.value.problems)
    assert parse_source(to_yaml(source, notes), Path("x.yaml")).data == source.data


# ----------------------------------------------------------------------------- a long real note


def test_a_long_lecture_note_imports_whole():
    source, notes = load_markdown(LONG_NOTE)
    sheet = validate_sheet(source)
    data = source.data
    assert data["title"] == "트랜스포머와 어텐션 (Transformers & Attention)" and data["icon"] == "🤖"
    assert data["theme"] == {"name": "graph", "seed": 7}
    titles = [p["title"] for p in panels(source)]
    assert titles[:2] == ["오늘의 목표 (Goals)", "왜 Attention인가?"] and titles[-1] == "질문 (수업 때 못 물어본 것)"
    kinds = {b["kind"] for p in panels(source) for b in p["blocks"]}
    assert kinds >= {"bullets", "callout", "table", "math", "code", "checklist", "flow", "takeaways", "text"}
    checklist = next(b for p in panels(source) for b in p["blocks"] if b["kind"] == "checklist")
    assert [isinstance(i, dict) and i.get("done") for i in checklist["items"]] == [True, True, False, False, False]
    code = next(b for p in panels(source) for b in p["blocks"] if b["kind"] == "code")
    assert code["language"] == "python" and "nn.MultiheadAttention" in code["code"]
    text = all_text(data)
    for phrase in ("Scaled Dot-Product Attention", "vanishing gradient", "LSTM/GRU가 완화했지만", "Positional encoding 히트맵",
                   "Add & Norm이 뭐였지?", "과제 3: mini-GPT 구현", "Flash Attention"):
        assert phrase in text, phrase
    for words in ("'tags' is not a sheet key", "URL https://arxiv.org", "alt text", "HTML block",
                  "summary section became numbered takeaways", "two to a row"):
        assert noted(notes, words), words
    assert len(sheet.rows) <= 12


# ----------------------------------------------------------------------------- image-model prompts


def test_image_prompts_are_told_from_notes():
    assert is_image_prompt(seed_path().read_text(encoding="utf-8"))
    for note in NOTES.glob("*.md"):
        assert not is_image_prompt(note.read_text(encoding="utf-8")), note.name


def test_the_seed_prompt_imports_in_its_layout(tmp_path):
    path = seed_path()
    source, notes = prompt_source(path.read_text(encoding="utf-8"), path)
    validate_sheet(source)
    data = source.data
    assert data["title"] == "NANO BANANA CHEAT SHEET: LLM 전체 요약 (Grand Summary)" and data["icon"] == "🧠"
    assert data["subtitle"] == "Deep Dive into LLMs - Andrej Karpathy" and data["theme"] == "graph"
    rows = data["rows"]
    titles = [[markup.plain(p["title"]) for p in row["panels"]] for row in rows]
    assert titles == [["3단계 학습 파이프라인 (THE THREE STAGES)"], ["핵심 통찰", "Swiss Cheese Model (한계)"],
                      ["RL의 힘: Move 37 모멘트", "올바른 사용법 (Best Practices)"], ["KEY TAKEAWAYS (핵심 요약)"]]
    heights = [row["height"] for row in rows]
    assert heights == [35, 25, 20, 10] and data["title_height"] == 10
    assert heights[0] == max(heights)
    hero = [p["title"] for row in rows for p in row["panels"] if p.get("hero")]
    assert hero == ["3단계 학습 파이프라인 (THE THREE STAGES)"]
    colours = [p["colour"] for row in rows for p in row["panels"]]
    assert len(set(colours)) == len(colours)
    (pipeline,) = rows[0]["panels"][0]["blocks"]
    stages = pipeline["stages"]
    assert [(s["label"], s["title"]) for s in stages] == [("STAGE 1", "Pre-training"), ("STAGE 2", "SFT"), ("STAGE 3", "RL")]
    assert [s["chain"] for s in stages] == [["인터넷 텍스트", "지식 있는 신경망"], ["대화 데이터", "어시스턴트 성격"], ["연습 문제", "최적화된 사고 전략"]]
    assert stages[1]["subtitle"] == "Supervised Fine-Tuning (Fine-tune)\n대화 데이터 · 성격 형성"
    assert stages[0]["notes"][0] == "입력: 인터넷 전체 텍스트 데이터"
    text = all_text(data)
    for phrase in ("Pre-training", "Swiss Cheese", "Move 37", "Trust but Verify", "9.11 vs 9.9", "Hallucination",
                   "Tool in Toolbox", "≠ 마법 같은 AI", "Check → Verify → Own", "라벨러의 통계적 시뮬레이션"):
        assert phrase in text, phrase
    assert source.marks[("rows", 1, "panels", 1)][0] == 199  # the "## ⚠️ Swiss Cheese Model" line
    assert rows[1]["panels"][1]["title"] == "==Swiss Cheese Model== (한계)"  # a concept the prompt asks to emphasise
    assert reload(source, notes, tmp_path).data == data


def test_the_seed_import_has_the_hand_made_sheets_shape():
    path = seed_path()
    source, _ = prompt_source(path.read_text(encoding="utf-8"), path)
    hand = load_source(HAND_MADE).data

    def shape(data):
        return [[p.get("icon") for p in row["panels"]] for row in data["rows"]]

    assert shape(source.data) == shape(hand)
    kinds = lambda data: [[sorted({b["kind"] for b in p["blocks"]}) for p in row["panels"]] for row in data["rows"]]  # noqa: E731
    imported, made = kinds(source.data), kinds(hand)
    assert imported[0] == made[0] == [["pipeline"]]
    assert "table" in imported[1][1] and "takeaways" in imported[3][0]


def test_a_prompt_without_ratios_or_matching_boxes_still_imports():
    text = ("# Layout\n\n┌──────────────┐\n│ 📚 Notes     │\n├──────────────┤\n│ ┌──────────┐ │\n│ │ 🅰️ Alpha  │ │\n"
            "│ │ text a   │ │\n│ └──────────┘ │\n└──────────────┘\n\n# Content Details\n\n## 🅰️ Alpha\n- one\n\n## Extra\n- two\n")
    assert is_image_prompt(text)
    source, notes = prompt_source(text, Path("p.txt"))
    validate_sheet(source)
    assert source.data["title"] == "Notes"
    assert [[p["title"] for p in row["panels"]] for row in source.data["rows"]] == [["Alpha"], ["Extra"]]
    assert noted(notes, "no box of the diagram matches")


def test_a_prompts_style_lines_pick_the_theme():
    diagram = "┌────────┐\n│ Title  │\n├────────┤\n│ ┌────┐ │\n│ │ A  │ │\n│ └────┘ │\n└────────┘\n"
    for style, theme in (("모눈종이 배경", "graph"), ("dot grid paper, pastel colours", "dots"),
                         ("모눈종이, 파스텔 색감", {"name": "graph", "palette": "muted"}),
                         ("줄노트 느낌, vivid colours", "lines"), ("plain paper", "plain")):
        text = f"# Style\n\n{style}\n\n# Layout\n\n{diagram}\n# Content Details\n\n## A\n- 격자 탐색 (grid search)\n"
        source, _ = prompt_source(text, Path("p.txt"))
        assert source.data["theme"] == theme, style
    source, _ = prompt_source(f"# Layout\n\n{diagram}\n# Content Details\n\n## A\n- 격자 탐색 (grid paper)\n", Path("p.txt"))
    assert "theme" not in source.data


def test_a_fence_language_is_read_in_any_case_and_a_japanese_summary_is_takeaways():
    (block,) = blocks_of(md("# T\n## P\n```Rust\nfn main() {}\n```\n")[0])
    assert block["language"] == "rust"
    (block,) = blocks_of(md("# T\n## まとめ\n1. 一つ目\n2. 二つ目\n")[0])
    assert block["kind"] == "takeaways"


# ----------------------------------------------------------------------------- real notes, as people wrote them

REAL_SHAPED = ["devhints-tmux.md", "ko-os-process.md", "tldr-grep.md", "awesome-nested.md"]


@pytest.mark.parametrize("name", REAL_SHAPED)
def test_no_syntax_of_the_source_reaches_the_content(name, tmp_path):
    source, notes = load_markdown(NOTES / name)
    validate_sheet(source)
    content = "\n".join(line for line in to_yaml(source, notes).splitlines() if not line.lstrip().startswith("#"))
    content = content.replace("{: .-not-an-attribute-inside-code}", "")  # inside code it is code
    for syntax in ("<br", "</br", "<u>", "<b>", "<kbd>", "<sub>", "<sup>", "<a ", "<img", "<details", "<summary", "<mark>",
                   "<p ", "{:", "| ---", "|---", "\\*\\*"):
        assert syntax not in content, syntax
    assert not re.search(r":[a-z_0-9]+:(?!\S)", content.replace("`:wq`", ""))


def test_inline_html_becomes_the_nearest_markup():
    block = only_block("# T\n## P\n<u>under</u> <b>bold</b> <strong>s</strong> <em>em</em> <mark>m</mark> <kbd>Ctrl</kbd>"
                       " H<sub>2</sub>O x<sup>2</sup> <a name=\"x\"></a><a href=\"http://e.org\">site</a> a</br>b\n")
    assert block == {"kind": "text", "text": "==under== **bold** **s** em ==m== `Ctrl` H₂O x² site a\nb"}


def test_bold_around_a_tag_before_a_letter_is_bold_as_meant():
    block = only_block("# T\n## P\n**<u>상태 저장</u>**하면 된다\n")
    assert block["text"] == "**==상태 저장==**하면 된다"


def test_html_blocks_say_their_words_and_spacing_is_dropped():
    source, notes = md("# T\n## P\n<br>\n\n<p align=\"center\"><img src=\"x.png\" alt=\"logo\"></p>\n\n"
                       "<details><summary>More</summary>\n\nhidden\n\n</details>\n")
    assert blocks_of(source) == [{"kind": "text", "text": "**More**"}, {"kind": "text", "text": "hidden"}]
    assert noted(notes, "<img") and noted(notes, "no words")


def test_badges_anchors_and_navigation_links_are_dropped_with_a_note():
    source, notes = md("# T\n[![CI](https://img.shields.io/badge/ci-ok-green.svg)](https://ci)\n\n## Contents\n"
                       "- [A](#a)\n  - [B](#b)\n\n<a name=\"a\"></a>\n## A\ntext\n\n[Back to top](#t) | [Next](#n)\n")
    assert "subtitle" not in source.data
    assert [p["title"] for p in panels(source)] == ["A"] and blocks_of(source) == [{"kind": "text", "text": "text"}]
    assert noted(notes, "badge") and noted(notes, "table of contents") and noted(notes, "navigation")


def test_shortcodes_become_emoji_and_unknown_ones_stay():
    source, notes = md("# Notes :green_book:\n## Go :rocket:\n- ratio 3:2:1 and :not_a_code:\n")
    assert source.data["title"] == "Notes 📗" and panels(source)[0]["title"] == "Go 🚀"
    assert blocks_of(source)[0]["items"] == ["ratio 3:2:1 and :not_a_code:"]


def test_kramdown_attribute_lines_are_dropped_outside_code_and_noted():
    source, notes = md("# T\n## P\n{: .-three-column}\n\ntext\n{: .-setup}\n\n```\n{: kept}\n```\n{:.class}\n")
    assert blocks_of(source) == [{"kind": "text", "text": "text"}, {"kind": "code", "code": "{: kept}"}]
    assert len(noted(notes, "attribute line")) == 3


def test_front_matter_intro_is_the_subtitle_or_the_opening_text():
    source, notes = md("---\ntitle: Vim\ncategory: CLI\nintro: |\n  [Vim](https://vim.org) edits text.\n---\n## Move\n- h\n")
    assert source.data["subtitle"] == "Vim edits text." and noted(notes, "'category' is not a sheet key")
    long = "A sentence of an introduction. " * 6
    source, _ = md(f"---\ntitle: Vim\ndescription: |\n  {long}\n\n  Second paragraph.\n---\n## Move\n- h\n")
    assert blocks_of(source)[0] == {"kind": "text", "text": long.strip() + "\nSecond paragraph."}


def test_header_less_pipe_tables_are_tables_and_separator_rows_are_no_content():
    source, notes = md("# T\n## P\n| `ls` | list |\n| --- | --- |\n| `cd` | change |\n\n| `a \\| b` | pipe |\n| `x|y` | code |\n"
                       "| --- | --- |\n| z | last |\n")
    first, second = blocks_of(source)
    assert first == {"kind": "table", "header": ["`ls`", "list"], "rows": [["`cd`", "change"]]}
    assert second == {"kind": "table", "rows": [["`a | b`", "pipe"], ["`x|y`", "code"], ["z", "last"]]}
    assert noted(notes, "no header row")
    validate_sheet(source)


def test_a_pipe_in_a_code_span_stays_in_its_cell():
    block = only_block("# T\n## P\n| cmd | what |\n|---|---|\n| `a | b` | pipe |\n")
    assert block["rows"] == [["`a | b`", "pipe"]]


def test_three_level_lists_with_a_table_inside_an_item_keep_their_shape():
    source, notes = md("# T\n## P\n- one\n  - two\n    - three\n\n      | a | b |\n      |---|---|\n      | 1 | 2 |\n\n    - three b\n- four\n")
    bullets, table, after = blocks_of(source)
    assert bullets["items"] == [{"text": "one", "items": [{"text": "two", "items": ["three"]}]}]
    assert table["rows"] == [["1", "2"]] and after["items"] == ["three b", "four"]
    validate_sheet(source)


def test_a_tldr_page_is_a_title_a_subtitle_and_headed_commands():
    source, notes = load_markdown(NOTES / "tldr-grep.md")
    assert (source.data["title"], source.data["subtitle"]) == ("grep", "Find patterns in files using regular expressions.")
    blocks = blocks_of(source)
    codes = [b for b in blocks if b["kind"] == "code"]
    assert len(codes) == 8 and codes[0]["heading"] == "Search for a pattern within files"
    assert [p["title"] for p in panels(source)] == [""]  # no invented "Overview"
    assert blocks[0] == {"kind": "text", "text": "More information: https://www.gnu.org/software/grep/manual/grep.html."}


def test_korean_html_spaced_note_is_titled_by_its_only_top_heading():
    source, notes = load_markdown(NOTES / "ko-os-process.md")
    assert source.data["title"] == "프로세스와 스레드"
    assert [p["title"] for p in panels(source)] == ["", "프로세스 (==P==rocess)", "스레드 (Thread)"]
    first = blocks_of(source, 1)[0]["items"][0]
    assert first["text"] == "메모리 구조" and first["items"][0] == {"text": "Code 영역", "items": ["실행할 코드가 저장됨", "읽기 전용"]}

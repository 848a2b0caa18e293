"""Diagram blocks: the Mermaid reader, its refusals with their place, the layout by dot from
fake measurements, and a real build whose PDF shows every label."""
import re
import subprocess
from pathlib import Path

import pytest

from texsheet.errors import ContentError
from texsheet.layout import blocks, panels
from texsheet.layout.blocks import layout_block
from texsheet.model.mermaid import nearest_pen
from texsheet.model.mermaid_kinds import parse_mermaid
from texsheet.model.sheet import validate_sheet
from texsheet.model.source import parse_source

from fakes import typesetter

FLOWCHART = """flowchart LR
  %% a comment line
  A[box **bold**] --> B(round) --> C([stadium])
  A & B -.->|maybe| D[[sub]]
  D == thick ==> E[(db)]
  E -- says --> F((circle)) --- G{decide?}
  G --> H{{hex}} <--> I>flag]
  I --> J[/lean/] --> K[\\trap/]
  subgraph S1 [Stage one]
    L["quoted [text]"]; M
    subgraph S2
      N:::hot
    end
  end
  classDef hot fill:#f9f,stroke:#333
  class A,B hot
  style C fill:#bbf,color:#d00
"""


def test_reads_shapes_links_labels_chains_and_subgraphs():
    graph, problems = parse_mermaid(FLOWCHART)
    assert problems == []
    assert graph.direction == "LR"
    shapes = {n.id: n.shape for n in graph.nodes.values()}
    assert shapes == {"A": "box", "B": "round", "C": "stadium", "D": "subroutine", "E": "cylinder", "F": "circle", "G": "diamond",
                      "H": "hexagon", "I": "flag", "J": "lean_right", "K": "trapezoid_alt", "L": "box", "M": "box", "N": "box"}
    assert graph.nodes["A"].label == "box **bold**" and graph.nodes["L"].label == "quoted [text]" and graph.nodes["M"].label == "M"
    links = [(l.tail, l.head, l.line, l.heads, l.label) for l in graph.links]
    assert links[:4] == [("A", "B", "solid", (False, True), ""), ("B", "C", "solid", (False, True), ""),
                         ("A", "D", "dotted", (False, True), "maybe"), ("B", "D", "dotted", (False, True), "maybe")]
    assert ("D", "E", "thick", (False, True), "thick") in links and ("E", "F", "solid", (False, True), "says") in links
    assert ("F", "G", "solid", (False, False), "") in links and ("H", "I", "solid", (True, True), "") in links
    assert graph.top == ["S1"] and graph.subgraphs["S1"].title == "Stage one" and graph.subgraphs["S1"].nodes == ["L", "M"]
    assert graph.subgraphs["S1"].children == ["S2"] and graph.subgraphs["S2"].nodes == ["N"]
    assert graph.nodes["A"].style == {"fill": "pink", "draw": "ink"} == graph.nodes["N"].style
    assert graph.nodes["C"].style == {"fill": "blue", "text": "red"}


def test_colours_go_to_the_nearest_pen():
    assert [nearest_pen(c) for c in ("#f00", "#ffffcc", "#9f6", "#bbf", "#333", "#fff", "#8B4513", "teal", "bogus")] == \
        ["red", "yellow", "green", "blue", "ink", "none", "brown", "teal", None]


@pytest.mark.parametrize("text, at, message", [
    ("gantt\n  title x", "gantt", "Mermaid gantt diagrams are not supported yet; texsheet draws Mermaid flowchart"),
    ("classDiagram\n  A <|-- B", "classDiagram", "classDiagram diagrams are not supported yet; texsheet draws Mermaid flowchart (flowchart or graph, then TD, TB, BT, LR or RL), sequenceDiagram or mindmap"),
    ("flowchart XY\n  A", "XY", "unknown direction 'XY'"),
    ("graph TD\n  A -->", "-->", "a link needs a node after it"),
    ("graph TD\n  A[open --> B", "[open", "'[' has no closing ']'"),
    ("graph TD\n  A -- text B", "-- text", "needs the rest of the link ('-->')"),
    ("graph TD\n  A --> B ??", "??", "unexpected '??'"),
    ("graph TD\n  subgraph s\n    A", "s\n", "subgraph 's' has no end"),
    ("graph TD\n  A\n  end", "end", "'end' without a subgraph"),
    ("graph TD\n  style Z fill:#fff", "Z fill", "no node 'Z' to style"),
    ("graph TD\n  A\n  classDef c fill:blurple", "blurple", "unknown colour 'blurple'"),
    ("graph TD\n" + "\n".join(f"  N{i} --> N{i + 1}" for i in range(41)), "N40", "the flowchart has 42 nodes; at most 40"),
])
def test_bad_mermaid_is_refused_at_its_place(text, at, message):
    refused_at(text, at, message)


def refused_at(text: str, at: str, message: str) -> None:
    """text, Mermaid, is refused: its first problem says message, at the place where at starts."""
    parsed, problems = parse_mermaid(text)
    assert parsed is None and problems
    assert message in problems[0].message
    assert text[problems[0].offset:].startswith(at)


def sheet_with(mermaid: str) -> str:
    body = "\n".join("              " + line for line in mermaid.splitlines())
    return ("title: t\nrows:\n  - panels:\n      - title: p\n        blocks:\n          - kind: diagram\n"
            f"            mermaid: |\n{body}\n")


def test_validation_names_file_line_and_column():
    with pytest.raises(ContentError) as error:
        validate_sheet(parse_source(sheet_with("graph TD\n  A --> B\n  B -->"), Path("s.yaml")))
    assert "s.yaml:10:19: rows.0.panels.0.blocks.0.mermaid: a link needs a node after it (A --> B)" in str(error.value)
    with pytest.raises(ContentError) as error:
        validate_sheet(parse_source(sheet_with("pie\n  'a': 1"), Path("s.yaml")))
    assert "s.yaml:8:15: rows.0.panels.0.blocks.0.mermaid: Mermaid pie diagrams are not supported yet" in str(error.value)


def test_labels_are_text_of_the_sheet_with_its_markup_checks():
    with pytest.raises(ContentError) as error:
        validate_sheet(parse_source(sheet_with("graph TD\n  A[x $\\input{/etc/passwd}$] --> B"), Path("s.yaml")))
    assert re.search(r"s\.yaml:9:22: .*\\input is TeX programming", str(error.value))


def test_quantum_is_the_pages():
    assert blocks.DIAGRAM_WIDTH_QUANTUM == panels.WIDTH_QUANTUM


def layout(mermaid: str, width: float, size: float = 10.0):
    sheet = validate_sheet(parse_source(sheet_with(mermaid), Path("s.yaml")))
    block = sheet.rows[0].panels[0].blocks[0]
    return layout_block(block, typesetter(), width, size, ("rows", 0, "panels", 0, "blocks", 0))[1]


def overlaps(a, b) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


def test_dot_places_nodes_apart_inside_the_width_and_labels_off_the_nodes():
    geometry = layout(FLOWCHART.replace("flowchart LR", "flowchart TD"), 150.0)
    rects = [node["rect"] for node in geometry.parts["nodes"]]
    assert len(rects) == 14
    assert not any(overlaps(a, b) for i, a in enumerate(rects) for b in rects[i + 1:])
    assert all(-0.01 <= r.x and r.right <= 150.01 and 0 <= r.y and r.bottom <= geometry.height + 0.01 for r in rects)
    for ground in geometry.parts["grounds"][2:]:  # the links' texts (the first two are the subgraphs' titles)
        assert not any(overlaps(ground, r) for r in rects)
    for node, rect in zip(geometry.parts["nodes"], rects):
        assert node["draw"] in ("accent", "ink")
    # Each link runs from its tail's outline to its head's.
    graph, _ = parse_mermaid(FLOWCHART)
    ids = list(graph.nodes)
    for link, drawn in zip(graph.links, geometry.parts["links"]):
        start, end = drawn["points"][0], drawn["points"][-1]
        tail, head = rects[ids.index(link.tail)], rects[ids.index(link.head)]
        assert tail.x - 0.5 <= start.x <= tail.right + 0.5 and tail.y - 0.5 <= start.y <= tail.bottom + 0.5
        assert head.x - 0.5 <= end.x <= head.right + 0.5 and head.y - 0.5 <= end.y <= head.bottom + 0.5


def test_a_wide_left_to_right_diagram_turns_top_down_and_shrinks_to_its_column():
    chain = "flowchart LR\n  " + " --> ".join(f"N{i}[step number {i}]" for i in range(6))
    wide = layout(chain, 400.0)
    narrow = layout(chain, 60.0)
    across = lambda g: {round(n["rect"].y) for n in g.parts["nodes"]}  # noqa: E731
    assert len(across(wide)) == 1  # all in one row: left to right
    assert len(across(narrow)) == 6  # one under another
    assert all(n["rect"].right <= 60.01 for n in narrow.parts["nodes"])
    tiny = layout(chain, 20.0)
    assert all(n["rect"].right <= 20.01 for n in tiny.parts["nodes"])
    assert {t.size for t in tiny.texts} != {10.0}  # drawn smaller to fit


def test_compiles_with_every_label_in_the_pdf(tmp_path, tex_available):
    from texsheet.build.pipeline import compile_sheet

    source = tmp_path / "diagram.yaml"
    source.write_text(sheet_with(FLOWCHART), encoding="utf-8")
    outputs = compile_sheet(source, tmp_path / "out", dpi=40)
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(outputs.pdf), "-"], capture_output=True, text=True).stdout)
    for label in ("boxbold", "round", "stadium", "maybe", "thick", "says", "circle", "decide?", "hex", "flag", "lean", "trap",
                  "quoted[text]", "Stageone", "S2"):
        assert label in text, label
    tex = outputs.tex.read_text(encoding="utf-8")
    assert "ts curve/.style" in tex and ".. controls" in tex and "dash pattern=on 1.6pt" in tex


def test_mermaid_fences_in_notes_become_diagrams_and_other_kinds_stay_code(tmp_path):
    from texsheet.read.content import load_content

    note = tmp_path / "note.md"
    note.write_text("# T\n\n## Flow\n\n```mermaid\ngraph LR\n  A --> B\n```\n\n## Later\n\n```mermaid\nsequenceDiagram\n  A->>B: hi\n```\n\n"
                    "## Map\n\n```mermaid\nmindmap\n  root\n    ::icon(fa fa-book)\n    leaf\n```\n\n## Pie\n\n```mermaid\npie\n  \"a\": 1\n```\n",
                    encoding="utf-8")
    source = load_content(note)[0]
    blocks = [block for panel in source.data["panels"] for block in panel["blocks"]]
    assert blocks[0] == {"kind": "diagram", "mermaid": "graph LR\n  A --> B"}
    assert blocks[1] == {"kind": "diagram", "mermaid": "sequenceDiagram\n  A->>B: hi"}
    assert blocks[2]["kind"] == "diagram" and blocks[2]["mermaid"].startswith("mindmap")
    assert blocks[3]["kind"] == "code" and blocks[3]["code"].startswith("pie")
    from texsheet.api import import_notes

    assert "22: an icon of the mindmap was left out: the sheet's pens colour its branches" in import_notes(note)
    validate_sheet(source)

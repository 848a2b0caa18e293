"""Diagrams take part in the layout: they grow into room to spare, never set a text below
min_font_size, and are refused with their numbers when their column is too narrow even then."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from texsheet.errors import ContentError
from texsheet.layout.diagram_text import DIAGRAM_GROW
from texsheet.layout.page import GROW, layout_sheet
from texsheet.model.sheet import validate_sheet
from texsheet.model.source import load_source
from texsheet.text.units import PT

from fakes import typesetter

SMALL = "flowchart TD\n  A[start] --> B(middle) -->|then| C([end])"
WIDE = "flowchart LR\n" + "\n".join(f"  N{i}[a long step number {i}] --> N{i + 1}[a long step number {i + 1}]" for i in range(6))
SEQUENCE = "sequenceDiagram\n  autonumber\n  A->>B: hello there\n  loop again\n    B-->>A: fine\n  end"
MINDMAP = "mindmap\n  root((centre))\n    one\n      leaf a\n      leaf b\n    two\n      leaf c"


def diagram(mermaid: str) -> str:
    body = "".join(f"              {line}\n" for line in mermaid.splitlines())
    return f"          - kind: diagram\n            mermaid: |\n{body}"


def bullets(n: int) -> str:
    items = "".join(f"              - \"a point of some length, number {i}\"\n" for i in range(n))
    return f"          - kind: bullets\n            items:\n{items}"


def sheet(*rows: tuple[float | None, list[tuple[float | None, str]]], head: str = "") -> str:
    text = f"title: Diagrams\n{head}rows:\n"
    for height, panels in rows:
        text += (f"  - height: {height}\n    panels:\n" if height else "  - panels:\n")
        for n, (width, blocks) in enumerate(panels):
            text += f"      - title: Panel {n}\n" + (f"        width: {width}\n" if width else "") + f"        blocks:\n{blocks}"
    return text


def plan(tmp_path: Path, text: str):
    path = tmp_path / "sheet.yaml"
    path.write_text(text, encoding="utf-8")
    source = load_source(path)
    return layout_sheet(validate_sheet(source), typesetter(), source)


def diagrams(layout):
    return [(panel, placed) for panel in layout.panels for placed in panel.blocks if placed.block.kind == "diagram"]


def test_a_diagram_in_a_tall_panel_grows_past_the_body_text_and_is_centred(tmp_path):
    layout = plan(tmp_path, sheet((0.7, [(None, diagram(SMALL)), (None, bullets(4))]), (None, [(None, bullets(3))])))
    [(panel, placed)] = diagrams(layout)
    text_size = placed.geometry.parts["em"] / PT
    assert text_size > panel.size * 1.1  # grown, not left at the body's size
    assert text_size <= layout.size * GROW * DIAGRAM_GROW + 0.01
    content_top = panel.title.y + panel.title.height
    above = placed.y - content_top
    below = panel.frame.bottom - (placed.y + placed.geometry.height)
    assert above > 20 and abs(above - below) < 12  # in the middle of its room, not at the top


def test_a_diagram_too_wide_for_its_column_is_refused_with_its_place_and_numbers(tmp_path):
    with pytest.raises(ContentError) as refused:
        plan(tmp_path, sheet((None, [(0.15, diagram(WIDE)), (0.85, bullets(3))])))
    message = str(refused.value)
    assert re.search(r"sheet\.yaml:7:13: the diagram is too wide for its column: it needs \d+ mm with its text at [\d.]+ pt", message)
    needs, has = map(float, re.search(r"needs (\d+) mm .* its column has ([\d.]+) mm", message).groups())
    assert needs > has
    assert "give its panel more width (width: " in message and "or a row of its own" in message


def test_a_narrow_column_shrinks_a_diagram_but_never_a_text_below_min_font_size(tmp_path):
    least = 7.0
    layout = plan(tmp_path, sheet((None, [(0.62, diagram(SMALL) + diagram(SEQUENCE)), (0.38, diagram(MINDMAP) + bullets(2))]),
                                  head=f"theme:\n  min_font_size: {least}\n  font_size: 14\n"))
    found = diagrams(layout)
    assert len(found) == 3
    smallest = min(box.em / PT for _, placed in found for box in placed.geometry.texts)
    assert least - 0.005 <= smallest < 14 * 0.85  # shrunk, down to the floor and not past it
    for _, placed in found:
        assert all(box.x + box.width <= placed.width + 0.3 for box in placed.geometry.texts)


def test_a_grown_diagram_compiles_with_its_text_larger_than_the_body(tmp_path, tex_available):
    from texsheet.build.pipeline import compile_sheet

    source = tmp_path / "grow.yaml"
    source.write_text(sheet((0.7, [(None, diagram(SMALL)), (None, bullets(4))]), (None, [(None, bullets(3))])), encoding="utf-8")
    outputs = compile_sheet(source, tmp_path / "out", dpi=40)
    tex = outputs.tex.read_text(encoding="utf-8")
    body = float(re.search(r"% bullets .*\n(?:.*\n)*?\\tstext\{\\tsbody\}\{([\d.]+)\}", tex).group(1))
    drawn = re.search(r"% diagram .*\n((?:.*\n)*?)% ", tex).group(1)
    sizes = [float(s) for s in re.findall(r"\\tstext\{[^}]*\}\{([\d.]+)\}", drawn)]
    assert max(sizes) > body * 1.1 and min(sizes) >= 6.5
    text = re.sub(r"\s+", "", __import__("subprocess").run(["pdftotext", str(outputs.pdf), "-"], capture_output=True, text=True).stdout)
    assert all(word in text for word in ("start", "middle", "then", "end"))


def test_a_flowchart_turned_top_down_is_said(tmp_path, tex_available):
    import texsheet

    sheet = tmp_path / "turn.yaml"
    sheet.write_text("""title: A narrow flowchart
rows:
  - panels:
      - title: Steps
        width: 0.3
        blocks:
          - kind: diagram
            mermaid: |
              flowchart LR
                A[토큰화] --> B[임베딩] --> C[Attention] --> D[출력]
      - title: Notes
        blocks:
          - kind: bullets
            items: [one, two]
""", encoding="utf-8")
    result = texsheet.compile(sheet, tmp_path / "out")
    (warning,) = [w for w in result.warnings if "flowchart" in w.message]  # the page, nearly empty, is warned of too
    assert (warning.line, warning.column) == (8, 13)
    assert warning.message.startswith("the LR flowchart is drawn top-down: its column is too narrow for it across")


def test_a_panel_whose_diagram_is_drawn_smaller_to_fit_does_not_grow_its_text_past_the_page(tmp_path):
    """A flowchart of five branches drawn smaller to fit its half of a row, with two points
    under it, in a panel with room to spare: its text stays at the page's size (it grew to 20
    pt beside the diagram's 10.5, past the page's 16)."""
    fan = "flowchart TD\n" + "\n".join(f"  A[start] --> N{i}[step {i}]" for i in range(5))
    layout = plan(tmp_path, sheet((None, [(0.5, diagram(fan) + bullets(2)), (0.5, bullets(9))]), (None, [(None, bullets(18))])))
    [(panel, placed)] = diagrams(layout)
    assert placed.geometry.parts["em"] / PT < layout.size  # drawn smaller than the body to fit
    assert panel.size == layout.size

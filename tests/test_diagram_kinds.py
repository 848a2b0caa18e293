"""Sequence diagrams and mindmaps: their readers, their refusals with their place, texsheet's
own layout of them from fake measurements, and a real build whose PDF shows every text."""
import re
import subprocess
from pathlib import Path

import pytest

from texsheet.errors import ContentError
from texsheet.layout.blocks import layout_block
from texsheet.model.mermaid_kinds import parse_mermaid
from texsheet.model.mermaid_sequence import Mark, Message, Note
from texsheet.model.sheet import validate_sheet
from texsheet.model.source import parse_source

from fakes import typesetter
from test_diagram import overlaps, refused_at, sheet_with

SEQUENCE = """sequenceDiagram
  %% a comment
  autonumber
  actor U as 사용자 🙂
  participant B as Browser
  U->>B: 로그인 **클릭**
  B->>S: POST /login
  alt 맞음
    S-->>B: 200 + token
  else 틀림
    S--xB: 401
  end
  loop every 5 min
    B-)S: refresh
    B->+S: ping
    S-->-B: pong
  end
  S->S: log it
  Note over B,S: HTTPS only
  Note left of U: 왼쪽
  Note right of S: rate limited
"""

MINDMAP = """mindmap
  root((LLM 학습))
    Pre-training
      ::icon(fa fa-book)
      인터넷 텍스트
      id1[Next token]
    SFT
      :::urgent
      (대화 데이터)
    RLHF
      ))보상 모델((
      )선호 비교(
      {{"hex [x]"}}
"""


def test_reads_participants_messages_notes_and_boxes():
    seq, problems = parse_mermaid(SEQUENCE)
    assert problems == []
    assert [(p.id, p.label, p.actor) for p in seq.participants.values()] == [
        ("U", "사용자 🙂", True), ("B", "Browser", False), ("S", "S", False)]
    messages = [(m.tail, m.head, m.line, m.tip, m.text, m.number) for m in seq.steps if isinstance(m, Message)]
    assert messages == [("U", "B", "solid", "arrow", "로그인 **클릭**", 1), ("B", "S", "solid", "arrow", "POST /login", 2),
                        ("S", "B", "dotted", "arrow", "200 + token", 3), ("S", "B", "dotted", "cross", "401", 4),
                        ("B", "S", "solid", "open", "refresh", 5), ("B", "S", "solid", "none", "ping", 6),
                        ("S", "B", "dotted", "none", "pong", 7), ("S", "S", "solid", "none", "log it", 8)]
    notes = [(n.over, n.side, n.text) for n in seq.steps if isinstance(n, Note)]
    assert notes == [(("B", "S"), "over", "HTTPS only"), (("U",), "left", "왼쪽"), (("S",), "right", "rate limited")]
    assert [(f.kind, [label for label, _ in f.sections]) for f in seq.fragments] == [("alt", ["맞음", "틀림"]), ("loop", ["every 5 min"])]
    assert [(m.what, m.fragment) for m in seq.steps if isinstance(m, Mark)] == [("open", 0), ("section", 0), ("close", 0), ("open", 1), ("close", 1)]
    for text, at in seq.texts():  # each text's offset is where it stands in the Mermaid text
        assert SEQUENCE[at:].startswith(text.split("\n")[0]), text


def test_reads_a_mindmap_tree_and_its_shapes():
    mindmap, problems = parse_mermaid(MINDMAP)
    assert problems == []
    root = mindmap.root
    assert (root.label, root.shape) == ("LLM 학습", "circle")
    assert [(c.label, [(g.label, g.shape) for g in c.children]) for c in root.children] == [
        ("Pre-training", [("인터넷 텍스트", "plain"), ("Next token", "square")]),
        ("SFT", [("대화 데이터", "rounded")]),
        ("RLHF", [("보상 모델", "bang"), ("선호 비교", "cloud"), ("hex [x]", "hexagon")])]
    assert [what for _, what in mindmap.ignored] == ["an icon", "a class"]
    for text, at in mindmap.texts():
        assert MINDMAP[at:].startswith(text), text


@pytest.mark.parametrize("text, at, message", [
    ("sequenceDiagram\n  A->>B: x\n  end", "end", "'end' without a loop, alt, opt, par, critical or break to close"),
    ("sequenceDiagram\n  loop x\n  A->>B: y", "loop", "'loop' has no end"),
    ("sequenceDiagram\n  A=>>B: x", "A=>>B", "a message reads A->>B: text, with one of the arrows -->>, ->>"),
    ("sequenceDiagram\n  A->>B: x\n  box Purple", "box", "'box' is not part of the Mermaid texsheet draws; a sequence diagram's lines are participant"),
    ("sequenceDiagram\n  A->>B: x\n  loop x\n    B->>A: y\n  ennd", "ennd", "'ennd' is not part of the Mermaid texsheet draws; did you mean 'end'?"),
    ("sequenceDiagram\n  else x", "else", "'else' begins another section of a alt box"),
    ("sequenceDiagram\n  Note over A B: x", "Note", "a note reads: Note left of A: text"),
    ("sequenceDiagram\n  Note left of A,B: x", "A,B", "a note left of a participant names one"),
    ("sequenceDiagram\n  A->>B: x\n  participant A as Al", "A as Al", "'A' is declared after its first message"),
    ("sequenceDiagram\n  participant loop", "loop", "'loop' is a keyword of sequence diagrams"),
    ("sequenceDiagram\n" + "\n".join(f"  P{i}->>P{i + 1}: m" for i in range(10)), "P10", "more than 10 participants do not fit a sheet"),
    ("sequenceDiagram\n  autonumber", "sequenceDiagram", "the sequence diagram has no messages or notes"),
    ("mindmap\n  a\n  b", "b", "a mindmap has one root: indent this line deeper than the root's ('a')"),
    ("mindmap\n  a\n    b[oops", "b[oops", "'[' needs its closing ']' at the end of the line"),
    ("mindmap\n  a\n    b(( ))", "b(( ))", "a node's text is empty"),
    ("mindmap\n", "mindmap", "the mindmap has no nodes"),
    ("mindmap\n  r\n" + "\n".join(f"    n{i}" for i in range(40)), "n39", "the mindmap has more than 40 nodes"),
])
def test_bad_input_is_refused_at_its_place(text, at, message):
    refused_at(text, at, message)


def test_validation_names_file_line_and_column_and_checks_the_texts():
    with pytest.raises(ContentError) as error:
        validate_sheet(parse_source(sheet_with("sequenceDiagram\n  A->>B: hi\n  A=>B: no"), Path("s.yaml")))
    assert "s.yaml:10:17: rows.0.panels.0.blocks.0.mermaid: a message reads A->>B: text" in str(error.value)
    with pytest.raises(ContentError) as error:
        validate_sheet(parse_source(sheet_with("sequenceDiagram\n  A->>B: x $\\input{/etc/passwd}$"), Path("s.yaml")))
    assert re.search(r"s\.yaml:9:27: .*\\input is TeX programming", str(error.value))
    with pytest.raises(ContentError) as error:
        validate_sheet(parse_source(sheet_with("mindmap\n  root\n    [$\\def\\x{}$]"), Path("s.yaml")))
    assert re.search(r"s\.yaml:10:21: .*\\def", str(error.value))


def layout(mermaid: str, width: float, size: float = 10.0):
    sheet = validate_sheet(parse_source(sheet_with(mermaid), Path("s.yaml")))
    block = sheet.rows[0].panels[0].blocks[0]
    return layout_block(block, typesetter(), width, size, ("rows", 0, "panels", 0, "blocks", 0))[1]


def rect_of(text):
    from texsheet.layout.geometry import Rect

    return Rect(text.x, text.y, text.width, text.height)


def test_sequence_texts_stand_apart_inside_the_width_and_between_their_lifelines():
    geometry = layout(SEQUENCE, 150.0)
    texts = [rect_of(t) for t in geometry.texts]
    numbers = {str(n) for n in range(1, 9)}
    words = [r for r, t in zip(texts, geometry.texts) if "".join(s.text for _, _, line in t.lines for _, s in line.items) not in numbers]
    assert not any(overlaps(a, b) for i, a in enumerate(words) for b in words[i + 1:])
    assert all(-0.01 <= r.x and r.right <= 150.01 and r.bottom <= geometry.height + 0.01 for r in texts)
    parts = geometry.parts
    assert len(parts["lifelines"]) == 3 and len(parts["messages"]) == 8 and len(parts["notes"]) == 3 and len(parts["frames"]) == 2
    assert "figure" in parts["heads"][0] and "rect" in parts["heads"][1]
    xs = [a.x for a, _ in parts["lifelines"]]
    assert xs == sorted(xs) and all(b - a > 5 for a, b in zip(xs, xs[1:]))
    first = parts["messages"][0]["points"]  # U->>B: from U's lifeline to B's, its text above between them
    assert (first[0].x, first[-1].x) == (xs[0], xs[1])
    text = geometry.texts[3]  # after the three names
    assert xs[0] < text.x and text.x + text.width < xs[1] and text.y + text.height <= first[0].y
    rows = [m["points"][0].y for m in parts["messages"]]
    assert rows == sorted(rows) and len(set(rows)) == 8  # one message a row, top down
    assert parts["messages"][-1]["self"] and len(parts["messages"][-1]["points"]) == 4
    alt = parts["frames"][0]["rect"]
    assert alt.y < rows[2] < rows[3] < alt.bottom and len(parts["frames"][0]["dividers"]) == 1
    narrow = layout(SEQUENCE, 40.0)
    assert all(t.x + t.width <= 40.01 for t in narrow.texts) and {t.size for t in narrow.texts} != {t.size for t in geometry.texts}


def test_mindmap_nodes_stand_apart_with_their_texts_inside_and_branches_on_both_sides():
    geometry = layout(MINDMAP, 150.0)
    nodes = geometry.parts["nodes"]
    rects = [n["rect"] for n in nodes]
    assert len(rects) == 10
    assert not any(overlaps(a, b) for i, a in enumerate(rects) for b in rects[i + 1:])
    for rect, text in zip(rects, geometry.texts):
        assert rect.x - 0.01 <= text.x and text.x + text.width <= rect.right + 0.01
        assert rect.y - 0.01 <= text.y and text.y + text.height <= rect.bottom + 0.01
    root = rects[0]
    sides = {("right" if r.x > root.right else "left" if r.right < root.x else "middle") for r in rects[1:]}
    assert sides == {"left", "right"}
    assert [n["shape"] for n in nodes] == ["circle", "plain", "plain", "box", "plain", "round", "plain", "bang", "cloud", "hexagon"]
    pens = [n["pen"] for n in nodes]
    assert pens[1] == pens[2] == pens[3] != pens[4] == pens[5] != pens[6]  # each branch in a pen of its own
    assert len(geometry.parts["links"]) == 9
    assert all(r.right <= 150.01 for r in rects)


def test_compiles_with_every_text_in_the_pdf(tmp_path, tex_available):
    from texsheet.build.pipeline import compile_sheet

    body = "\n".join("              " + line for line in SEQUENCE.splitlines())
    more = "\n".join("              " + line for line in MINDMAP.splitlines())
    source = tmp_path / "kinds.yaml"
    source.write_text(sheet_with(SEQUENCE) + f"          - kind: diagram\n            mermaid: |\n{more}\n", encoding="utf-8")
    assert body in source.read_text(encoding="utf-8")
    outputs = compile_sheet(source, tmp_path / "out", dpi=40)
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(outputs.pdf), "-"], capture_output=True, text=True).stdout)
    seq, _ = parse_mermaid(SEQUENCE)
    mindmap, _ = parse_mermaid(MINDMAP)
    for label, _ in seq.texts() + mindmap.texts():
        plain = re.sub(r"\s+|\*\*|🙂", "", label)
        assert plain in text, label
    for word in ("alt", "loop", "[맞음]", "[틀림]", "[every5min]", "8"):
        assert word in text, word
    tex = outputs.tex.read_text(encoding="utf-8")
    assert "Straight Barb" in tex and "dash pattern=on 3pt off 2.5pt" in tex and ".. controls" in tex


@pytest.mark.parametrize("sheet", sorted((Path(__file__).parent / "sheets" / "mermaid").glob("*.yaml")), ids=lambda p: p.stem)
def test_the_mermaid_test_sheets_build(tmp_path, tex_available, sheet):
    """Larger drawings than the test above: a cloud's scallops at a title's size once overflowed
    pgf (Dimension too large) under random steps."""
    from texsheet.build.pipeline import compile_sheet

    assert compile_sheet(sheet, tmp_path, dpi=40).pdf.exists()


def test_a_sequence_diagram_in_a_column_wider_than_it_parts_its_lifelines_as_tall_as_it_was():
    """Two participants in a wide column, the text at its size: the lifelines part further, by
    at most MOST_SPREAD em, and the diagram keeps its height."""
    from texsheet.layout.sequence import MOST_SPREAD, layout_sequence, plan_sequence
    from texsheet.text.units import PT

    seq, _ = parse_mermaid("sequenceDiagram\n  A->>B: hi\n  B-->>A: ok")
    ts = typesetter()
    natural = plan_sequence(seq, ts)
    snug = layout_sequence(seq, ts, natural.width * 10 * PT + 2.0, 10.0, ("blocks", 0))
    wide = layout_sequence(seq, ts, 180.0, 10.0, ("blocks", 0))

    def apart(geometry) -> float:
        (a, _), (b, _) = geometry.parts["lifelines"]
        return (b.x - a.x) / geometry.parts["em"]

    assert wide.parts["em"] == snug.parts["em"] and wide.height == pytest.approx(snug.height)
    assert apart(snug) + 1.0 < apart(wide) <= apart(snug) + MOST_SPREAD + 1e-6


def test_a_mindmap_its_width_keeps_from_growing_parts_its_nodes_with_room_to_spare():
    """A mindmap drawn smaller to fit its column cannot grow with room to spare: the room parts
    its nodes one above another instead, its text and width as they were."""
    from texsheet.layout.mindmap import layout_mindmap, plan_mindmap
    from texsheet.text.units import PT

    mindmap, _ = parse_mermaid("mindmap\n  root((centre))\n    one\n      leaf a\n      leaf b\n    two\n      leaf c\n      leaf d")
    ts = typesetter()
    narrow = plan_mindmap(mindmap, ts).width * 10 * PT * 0.8  # too narrow for it at 10 pt
    tight = layout_mindmap(mindmap, ts, narrow, 10.0, ("blocks", 0))
    roomy = layout_mindmap(mindmap, ts, narrow, 10.0, ("blocks", 0), air=1.0)
    assert roomy.parts["em"] == tight.parts["em"] < 10.0 * PT
    assert roomy.height > tight.height * 1.2
    widest = lambda g: max(n["rect"].right for n in g.parts["nodes"]) - min(n["rect"].x for n in g.parts["nodes"])
    assert widest(roomy) == pytest.approx(widest(tight))

"""Sections to panels and panels to rows: the importers' share of the sheet's shape (the rules
are in texsheet.read.markdown's docstring, under Rows and Limits)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from texsheet.model.sheet import Panel, Row, Sheet
from texsheet.model.source import Where
from texsheet.read.pieces import Note, Piece, Pos, max_items

MAX_ROWS = max_items(Sheet, "rows")
MAX_PANELS = max_items(Row, "panels")
MAX_SHEET_PANELS = max_items(Sheet, "panels")
MAX_BLOCKS = max_items(Panel, "blocks")

PENS = ("blue", "orange", "red", "green", "purple", "teal", "pink", "brown")
MAX_SHARED = 3  # sections between two thematic breaks share a row up to this many
WIDE_CODE_LINE = 48


@dataclass
class Section:
    """A panel to be: its heading and its blocks."""

    title: str  # markup
    pos: Pos
    heading: str  # the heading's plain text, for matching
    icon: str = ""
    subtitle: str = ""
    pieces: list[Piece] = field(default_factory=list)
    new_row: bool = False
    colour: str = ""
    summary: bool = False
    continues: Section | None = None  # the section this one continues, after a thematic break


@dataclass
class PanelPlan:
    """A panel's data and marks (keys relative to it), and what the row rule needs to know."""

    data: dict
    marks: dict[Where, Pos]
    new_row: bool = False
    wide: bool = False
    height: float | None = None


def build_panels(sections: list[Section], notes: list[Note], korean: bool) -> list[PanelPlan]:
    """A panel per section, in pens taken in turn; more blocks than a panel holds continue in another."""
    plans: list[PanelPlan] = []
    pen = 0
    for section in sections:
        if not section.pieces and is_contents(section.heading):
            notes.append(Note(section.pos[0], f"the section '{section.heading}' held only links to the note's headings; dropped"))
            continue
        colour = section.colour or (section.continues.colour if section.continues else "") or PENS[pen % len(PENS)]
        pen += 0 if section.colour or section.continues else 1
        section.colour = colour
        pieces = section.pieces
        if not pieces:
            notes.append(Note(section.pos[0], "a section with no content is an empty panel"))
            pieces = [Piece({"kind": "text", "text": ""}, {(): section.pos}, section.pos[0], section.pos[0])]
        chunks = split_blocks(pieces)
        if len(chunks) > 1:
            notes.append(Note(section.pos[0], f"a section of {len(pieces)} blocks continues in {len(chunks) - 1} more panel(s) (a panel holds {MAX_BLOCKS})"))
        for n, chunk in enumerate(chunks):
            title = section.title if n == 0 or not section.title else section.title + (" (계속)" if korean else " (cont.)")
            panel: dict[str, Any] = {"title": title}
            if section.subtitle and n == 0:
                panel["subtitle"] = section.subtitle
            if section.icon:
                panel["icon"] = section.icon
            panel["colour"] = colour
            panel["blocks"] = [p.data for p in chunk]
            marks: dict[Where, Pos] = {(): section.pos, ("title",): section.pos}
            for b, piece in enumerate(chunk):
                marks.update({("blocks", b) + w: p for w, p in piece.marks.items()})
            plans.append(PanelPlan(panel, marks, new_row=section.new_row and n == 0, wide=is_wide(panel)))
    return plans


CONTENTS_WORDS = ("table of contents", "contents", "toc", "목차", "차례", "目次", "目录")


def is_contents(title: str) -> bool:
    return title.strip().strip(":").strip().lower() in CONTENTS_WORDS


def split_blocks(pieces: list[Piece]) -> list[list[Piece]]:
    """Blocks in as few panels as hold them, shared out evenly (never a panel of one left over),
    each cut moved up to two blocks to fall before a block with a heading."""
    count = -(-len(pieces) // MAX_BLOCKS)
    if count <= 1:
        return [pieces]
    cuts, start = [], 0
    for k in range(1, count):
        even = round(len(pieces) * k / count)
        candidates = [c for c in range(even - 2, even + 3)
                      if start < c < len(pieces) and c - start <= MAX_BLOCKS and len(pieces) - c <= MAX_BLOCKS * (count - k)]
        headed = [c for c in candidates if pieces[c].heading]
        cut = min(headed, key=lambda c: abs(c - even)) if headed else even
        cuts.append(cut)
        start = cut
    bounds = [0] + cuts + [len(pieces)]
    return [pieces[a:b] for a, b in zip(bounds, bounds[1:])]


def is_wide(panel: dict) -> bool:
    """Whether a panel wants a row of its own: a pipeline, a comparison, a wide table, wide code."""
    for block in panel["blocks"]:
        kind = block.get("kind")
        if kind in ("pipeline", "compare"):
            return True
        if kind == "table" and len(block.get("header", [])) >= 4:
            return True
        if kind == "code" and any(len(line) > WIDE_CODE_LINE for line in str(block.get("code", "")).split("\n")):
            return True
    return False


def decide_rows(panels: list[PanelPlan], breaks: bool, notes: list[Note]) -> list[list[PanelPlan]]:
    """Rows of panels: by the thematic breaks when there are any, else two to a row."""
    if breaks:
        segments: list[list[PanelPlan]] = []
        for panel in panels:
            if not segments or panel.new_row:
                segments.append([])
            segments[-1].append(panel)
        split: list[list[PanelPlan]] = []
        for segment in segments:
            if len(segment) <= MAX_SHARED:
                split.append(segment)
            else:
                notes.append(Note(segment[0].marks[()][0], f"{len(segment)} sections between two breaks: more than {MAX_SHARED}, so they go two to a row"))
                split.extend(_pack(segment, 2, keep_wide=True))
        if len(split) <= MAX_ROWS:
            return split
        notes.append(Note(panels[0].marks[()][0], f"the thematic breaks make {len(split)} rows, more than a sheet holds ({MAX_ROWS}); the importer chose the rows"))
    for per_row in range(2, MAX_PANELS + 1):
        rows = _pack(panels, per_row, keep_wide=True)
        if len(rows) <= MAX_ROWS:
            break
    else:
        rows = _pack(panels, MAX_PANELS, keep_wide=False)
    if len(rows) > MAX_ROWS:
        notes.append(Note(panels[0].marks[()][0], f"{len(panels)} panels do not fit in {MAX_ROWS} rows of {MAX_PANELS}; the last rows hold more than a row takes"))
    return rows


def _pack(panels: list[PanelPlan], per_row: int, keep_wide: bool) -> list[list[PanelPlan]]:
    rows: list[list[PanelPlan]] = []
    current: list[PanelPlan] = []
    for panel in panels:
        if keep_wide and panel.wide:
            if current:
                rows.append(current)
            rows.append([panel])
            current = []
            continue
        current.append(panel)
        if len(current) == per_row:
            rows.append(current)
            current = []
    if current:
        rows.append(current)
    return rows


def place_rows(rows: list[list[PanelPlan]]) -> tuple[list[dict], dict[Where, Pos]]:
    """The rows: list and its marks (keys relative to rows:)."""
    data, marks = [], {}
    for r, row in enumerate(rows):
        entry: dict[str, Any] = {}
        if row[0].height is not None:
            entry["height"] = row[0].height
        entry["panels"] = [p.data for p in row]
        data.append(entry)
        marks[(r,)] = row[0].marks[()]
        for p, panel in enumerate(row):
            if len(row) == 1:
                for block in panel.data["blocks"]:
                    if block.get("kind") == "takeaways" and len(block["items"]) >= 4 and "columns" not in block:
                        block["columns"] = 2
            marks.update({(r, "panels", p) + w: pos for w, pos in panel.marks.items()})
    return data, marks

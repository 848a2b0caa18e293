"""Each block kind's geometry at a width and a text size: what goes where, in millimetres.

A layout function sets a block's texts through the Typesetter and places them and the block's
drawn parts (boxes, rules, arrows, markers) relative to the block's top left, y downwards.
Every length inside a block is in em of its text, so a block at size s and width w is the same
drawing as at size 1 and width w/s, scaled; the page layout relies on that to search sizes fast.
The templates draw these numbers; they compute nothing.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Callable

from texsheet.layout.diagram_text import DIAGRAM_WIDTH_QUANTUM, MIN_DIAGRAM_SCALE, DiagramTooWide, fitted_scale, smallest_size
from texsheet.layout.diagram_text import text_size as diagram_size
from texsheet.layout.diagram_text import measure as measure_text
from texsheet.layout.geometry import Geometry, Item, Point, Rect, shift
from texsheet.layout.graph import Placement, Request, place
from texsheet.layout.mindmap import layout_mindmap, mindmap_smallest, mindmap_width
from texsheet.layout.sequence import layout_sequence, sequence_smallest, sequence_width
from texsheet.model.mermaid_kinds import Mindmap, Sequence
from texsheet.model.sheet import (Block, Bullets, Callout, Checklist, CodeBlock, Compare, Diagram, Flow, MathBlock, Pipeline, Table,
                                  Takeaways, TextBlock)
from texsheet.text.paragraphs import Style
from texsheet.text.typeset import TextBox, TextTooWide, Typesetter
from texsheet.text.units import PT

BLOCK_GAP = 0.55  # em between blocks of a column
HEADING_SCALE = 1.15
HEADING_GAP = 0.15
MARKER = 1.25  # em: the column of bullets, boxes and ticks before an item's text
MIN_MEASURE = 12.0  # em: text broken into lines narrower than this reads poorly
BALANCE_STEP = 0.5  # mm: how finely a callout's lines are balanced
SHORT_ITEM = 20.0  # em: a list whose items are all this short may be set in columns; longer ones read better across
LABEL_GAP = 0.15  # em: after a label, as after an icon in the marker's column
TAKEAWAY_GAP = 0.2
TAKEAWAY_COLUMN_GAP = 1.6
TEXT_SCALES = {"small": 0.85, "normal": 1.0, "large": 1.2}
CALLOUT_SCALE = 1.05
CALLOUT_PAD = (1.25, 0.95)  # em around the note's text, across and down
CALLOUT_TILT = -2.0  # degrees
CALLOUT_TAPE = 0.5  # em the tape stands above the note
TABLE_PAD = (0.5, 0.28)
FLOW_GAP = 1.45  # em between step boxes, where the arrow goes
FLOW_PAD = 0.4
FLOW_NOTE_GAP = 1.3
COMPARE_VS = 2.3  # em between the two columns, for the 'vs' circle
COMPARE_PAD = 0.65
PIPELINE_GAP = 3.7  # em between stage boxes, for the arrow
PIPELINE_PAD = 0.8
PIPELINE_RULE = 1.3  # em from the header to the rule, and from the rule to the notes
PIPELINE_TITLE_SCALE = 1.7
CHAIN_WIDTH = 0.78  # of a stage box
CHAIN_GAP = 1.6  # em between chain boxes, for the arrow
CHAIN_PAD = 0.4
CODE_SCALE = 0.9
MIN_CODE_SCALE = 0.75  # code too wide for its column is set this much smaller than its text, at most
MIN_MATH_SCALE = 0.8  # a displayed formula may be set this much smaller than its text, to fit
# The kinds that may set text smaller than their body's; they are told the smallest size any text
# may take (the theme's min_font_size), and stay at or above it.
FLOORED = ("code", "math", "text", "diagram")
CODE_PAD = 0.55
# The kinds that are figures: a panel of nothing else is centred in its frame, however much room
# is left, as a picture is on a page (other content stays near its title).
CENTRED = ("diagram",)

BODY = Style("body")
BOLD = Style("body", bold=True)
HAND = Style("hand")
HAND_BOLD = Style("hand", bold=True)


@dataclass(frozen=True)
class Placed:
    """A block of a panel: where its top left is (mm, on the page), its heading, its geometry."""

    block: Block
    where: tuple
    x: float
    y: float
    width: float
    heading: TextBox | None
    geometry: Geometry


LAYOUTS: dict[str, Callable] = {}


def layout_of(kind: str):
    def register(function):
        LAYOUTS[kind] = function
        return function

    return register


def layout_block(block: Block, ts: Typesetter, width: float, size: float, where: tuple,
                 air: float = 0.0, least: float = 0.0) -> tuple[TextBox | None, Geometry]:
    """A block's heading, if any, and its geometry below it (y from the block's top). air (em)
    is room to spare, spread between the lines of lists and tables; least (pt) the smallest size
    any of its text may be set at."""
    geometry = _geometry(block, ts, width, size, where, air, least)
    heading = _heading(block, ts, width, size, where)
    if heading is None:
        return None, geometry
    return heading, geometry.below(heading.height + HEADING_GAP * size * PT)


def block_height(block: Block, ts: Typesetter, width: float, size: float, where: tuple, air: float = 0.0,
                 least: float = 0.0) -> float:
    """mm a block needs, heading included (what layout_block gives, without placing it)."""
    height = _geometry(block, ts, width, size, where, air, least).height
    heading = _heading(block, ts, width, size, where)
    return height if heading is None else height + heading.height + HEADING_GAP * size * PT


def _geometry(block: Block, ts: Typesetter, width: float, size: float, where: tuple, air: float, least: float) -> Geometry:
    floor = {"least": least} if block.kind in FLOORED else {}
    return LAYOUTS[block.kind](block, ts, width, size, where, air, **floor)


def _at_least(size: float, least: float) -> float:
    """A size in pt, rounded down to a hundredth as TeX is given it, but never below least."""
    return math.floor(max(size, least) * 100 + 1e-6) / 100


def _heading(block: Block, ts: Typesetter, width: float, size: float, where: tuple) -> TextBox | None:
    if not block.heading:
        return None
    return ts.text(block.heading, width, size * HEADING_SCALE, HAND_BOLD, "accent", where=where + ("heading",))


# ----------------------------------------------------------------------------- lists


def _items(entries: list[tuple[str, str, TextBox | None, tuple]], ts: Typesetter, width: float, size: float,
           gap: float = 0.0, x: float = 0.0, colour: str = "accent", top: float = 0.0) -> tuple[list[Item], float]:
    """Items stacked down from top, from (marker, text, label, where) each, or (..., depth) for a
    sub-item indented a marker's width per level; returns them and their height. A label wider
    than the marker's column (an emoji drawn as characters, not as an icon) moves its text over."""
    em = size * PT
    items, y = [], top
    for marker, text, label, where, *depth in entries:
        left = x + (depth[0] if depth else 0) * MARKER * em
        column = MARKER * em if label is None else max(MARKER * em, _natural_width(label) + LABEL_GAP * em)
        box = ts.text(text, width - (left - x) - column, size, BODY, where=where).at(left + column, y)
        baseline = y + box.first_baseline
        if label is not None:
            label = label.at(left, baseline - label.first_baseline)
        items.append(Item(marker, left, baseline, box, label, colour))
        y += box.height + gap * em
    return items, max(0.0, y - top - gap * em)


def _natural_width(box: TextBox) -> float:
    """mm of the widest line of a text box."""
    return max((line.width for _, _, line in box.lines), default=0.0) * box.em


def _label(ts: Typesetter, text: str, size: float, style: Style, colour: str, where: tuple) -> TextBox:
    return ts.text(text, 1000.0, size, style, colour, where=where)


@layout_of("bullets")
def layout_bullets(block: Bullets, ts: Typesetter, width: float, size: float, where: tuple, air: float = 0.0) -> Geometry:
    entries = []

    def add(items: list, at: tuple, depth: int) -> None:
        for n, item in enumerate(items):
            label = _label(ts, item.icon, size, BODY, "text", at + (n, "icon")) if item.icon else None
            entries.append(("icon" if item.icon else "dot", item.text, label, at + (n, "text"), depth))
            add(item.items, at + (n, "items"), depth + 1)

    add(block.items, where + ("items",), 0)
    return _list(entries, ts, width, size, air)


@layout_of("checklist")
def layout_checklist(block: Checklist, ts: Typesetter, width: float, size: float, where: tuple, air: float = 0.0) -> Geometry:
    entries = [("done" if item.done else "box", item.text, None, where + ("items", n, "text"), 0) for n, item in enumerate(block.items)]
    return _list(entries, ts, width, size, air)


def _list(entries: list[tuple], ts: Typesetter, width: float, size: float, air: float) -> Geometry:
    """A list's items, in as many columns as _list_columns chooses (see _rows)."""
    em = size * PT
    columns = _list_columns(entries, ts, width, size)
    if columns == 1:
        items, height = _items(entries, ts, width, size, air)
        return Geometry(height, tuple(i.text for i in items), tuple(items))
    column_width = (width - TAKEAWAY_COLUMN_GAP * em * (columns - 1)) / columns
    return _rows(entries, ts, [column_width] * columns, size, air * em)


def _rows(entries: list[tuple], ts: Typesetter, widths: list[float], size: float, gap: float) -> Geometry:
    """Items in columns of widths, read across as a table's rows (1 2 / 3 4), each row gap mm
    below the tallest item of the one before."""
    em = size * PT
    items, y = [], 0.0
    for first in range(0, len(entries), len(widths)):
        tallest, x = 0.0, 0.0
        for entry, width in zip(entries[first:first + len(widths)], widths):
            placed, height = _items([entry], ts, width, size, x=x, top=y)
            items += placed
            tallest = max(tallest, height)
            x += width + TAKEAWAY_COLUMN_GAP * em
        y += tallest + gap
    return Geometry(max(0.0, y - gap), tuple(i.text for i in items), tuple(items))


def _list_columns(entries: list[tuple], ts: Typesetter, width: float, size: float) -> int:
    """A list of short items (SHORT_ITEM at most), without sub-items, whose every item stays on
    one line in a column of two or three (none narrower than MIN_MEASURE, and at least two rows):
    in the most such columns; otherwise one."""
    em = size * PT
    if any(depth for *_, depth in entries) or any(label is not None for _, _, label, *_ in entries):
        return 1
    longest = max(ts.natural_width(text, size) for _, text, *_ in entries) + MARKER * em
    if longest > SHORT_ITEM * em:
        return 1
    for columns in range(min(3, len(entries) - 1), 1, -1):
        column_width = (width - TAKEAWAY_COLUMN_GAP * em * (columns - 1)) / columns
        if column_width >= MIN_MEASURE * em and longest <= column_width:
            return columns
    return 1


@layout_of("takeaways")
def layout_takeaways(block: Takeaways, ts: Typesetter, width: float, size: float, where: tuple, air: float = 0.0) -> Geometry:
    labels = [_label(ts, f"{n + 1}.", size, HAND_BOLD, "accent", where + ("items", n)) if block.numbered else None
              for n in range(len(block.items))]
    entries = [("number" if block.numbered else "tick", item, label, where + ("items", n))
               for n, (item, label) in enumerate(zip(block.items, labels))]
    return _rows(entries, ts, _takeaway_widths(block, ts, width, size), size, (TAKEAWAY_GAP + air) * size * PT)


def _takeaway_widths(block: Takeaways, ts: Typesetter, width: float, size: float) -> list[float]:
    """The widths of the takeaways' columns (as many as given, else up to 3): of the counts that
    the points fill evenly (all alike, or two or more to each), the one in which the points
    take the fewest lines, read across in rows; of those alike, the fewest columns."""
    if block.columns:
        return _takeaway_shares(block, ts, width, size, block.columns)[1]
    count = len(block.items)
    best = (float("inf"), [width])
    for columns in range(1, min(3, count) + 1):
        if columns == 1 or count % columns == 0 or count >= 2 * columns:
            height, widths = _takeaway_shares(block, ts, width, size, columns)
            if height < best[0] - 0.01:
                best = (height, widths)
    return best[1]


def _takeaway_shares(block: Takeaways, ts: Typesetter, width: float, size: float, columns: int) -> tuple[float, list[float]]:
    """The height the points take in columns, read across in rows, and the columns' widths:
    even, or shared as their longest points would use them (a column of short points gives
    room to one of long ones, none narrower than half an even share), whichever sets the
    points in fewer lines (even when alike); inf where a column narrower than MIN_MEASURE
    would break a point, or a word is wider than its column."""
    em = size * PT
    free = width - TAKEAWAY_COLUMN_GAP * em * (columns - 1)
    longest = [max(ts.natural_width(item, size) for item in block.items[c::columns]) + MARKER * em for c in range(columns)]
    shared = [max(free / columns / 2, free * w / sum(longest)) for w in longest]
    best = (float("inf"), [free / columns] * columns)
    for widths in ([free / columns] * columns, [w * free / sum(shared) for w in shared]):
        if columns > 1 and any(w < MIN_MEASURE * em and most > w for w, most in zip(widths, longest)):
            continue  # a column narrower than MIN_MEASURE holds only points that keep to one line
        try:
            heights = [ts.text(item, widths[n % columns] - MARKER * em, size).height for n, item in enumerate(block.items)]
        except TextTooWide:
            continue
        height = sum(max(heights[first:first + columns]) for first in range(0, len(block.items), columns))
        if height < best[0] - 0.01:
            best = (height, widths)
    return best


# ----------------------------------------------------------------------------- prose


@layout_of("text")
def layout_text(block: TextBlock, ts: Typesetter, width: float, size: float, where: tuple, air: float = 0.0,
                least: float = 0.0) -> Geometry:
    style = Style("hand" if block.hand else "body")
    box = ts.text(block.text, width, _at_least(size * TEXT_SCALES[block.size], least), style, align=block.align, where=where + ("text",))
    return Geometry(box.height, (box,))


@layout_of("callout")
def layout_callout(block: Callout, ts: Typesetter, width: float, size: float, where: tuple, air: float = 0.0) -> Geometry:
    em = size * PT
    pad_x, pad_y = CALLOUT_PAD[0] * em, CALLOUT_PAD[1] * em
    room = width - 2 * pad_x - 2 * em
    # The note as wide as its room; its lines balanced inside it, as long as each other.
    balanced = _balanced(block.text, ts, room, size * CALLOUT_SCALE, HAND)
    text = ts.text(block.text, balanced, size * CALLOUT_SCALE, HAND, align="center", where=where + ("text",))
    note = Rect((width - room) / 2 - pad_x, 0.0, room + 2 * pad_x, text.height + 2 * pad_y)
    # Tilted, the note reaches further up and down by half its width times the sine.
    lean = note.w / 2 * abs(math.sin(math.radians(CALLOUT_TILT)))
    top = CALLOUT_TAPE * em + lean
    note = Rect(note.x, top, note.w, note.h)
    text = text.at(note.x + pad_x + (room - balanced) / 2, top + pad_y)
    return Geometry(note.bottom + lean + 0.3 * em, (text,), parts={"note": note, "tilt": CALLOUT_TILT, "colour": block.colour, "draws_text": True})


def _balanced(text: str, ts: Typesetter, width: float, size: float, style: Style) -> float:
    """The narrowest width (mm, to BALANCE_STEP) at which text takes as few lines as at width:
    its lines about as long as each other, not a full line over a word or two."""
    def lines(w: float) -> int:
        try:
            return len(ts.text(text, w, size, style, align="center").lines)
        except TextTooWide:
            return 0
    most = lines(width)
    if most <= 1:
        return min(width, ts.natural_width(text, size, style) + BALANCE_STEP)
    low, high = width / 2, width
    while high - low > BALANCE_STEP:
        middle = (low + high) / 2
        if lines(middle) == most:
            high = middle
        else:
            low = middle
    return high


@layout_of("math")
def layout_math(block: MathBlock, ts: Typesetter, width: float, size: float, where: tuple, air: float = 0.0,
                least: float = 0.0) -> Geometry:
    """A formula is never broken: one wider than the column is set smaller, down to
    MIN_MATH_SCALE of the text around it and never below least; narrower than that, the column
    is too narrow."""
    text = "$$" + block.math + "$$"
    natural = ts.natural_width(text, size)
    scaled = _at_least(size * max(MIN_MATH_SCALE, min(1.0, width / natural)), least) if natural else size
    box = ts.text(text, width, scaled, BODY, align="center", where=where + ("math",))
    return Geometry(box.height, (box,))


@layout_of("code")
def layout_code(block: CodeBlock, ts: Typesetter, width: float, size: float, where: tuple, air: float = 0.0,
                least: float = 0.0) -> Geometry:
    em = size * PT
    pad = CODE_PAD * em
    paragraphs = ts.code(highlight(block.code, block.language))
    # Code is set smaller rather than broken: down to MIN_CODE_SCALE of the text (never below
    # least), then it wraps.
    longest = ts.widest_line(paragraphs)
    smallest, largest = _code_sizes(size, least)
    code_size = max(smallest, min(largest, (width - 2 * pad) / (longest * PT))) if longest else largest
    box = ts.box(paragraphs, width - 2 * pad, _at_least(code_size, least), "text", where + ("code",)).at(pad, pad)
    frame = Rect(0.0, 0.0, width, box.height + 2 * pad)
    return Geometry(frame.h, (box,), parts={"frame": frame})


def _code_sizes(size: float, least: float) -> tuple[float, float]:
    """The smallest and the largest size, pt, code beside body text of size is set at."""
    return max(least, size * MIN_CODE_SCALE), max(least, size * CODE_SCALE)


def unbroken_width(block: Block, ts: Typesetter, size: float, least: float = 0.0) -> float:
    """mm a block needs so that none of its lines must break: code at its smallest size; other
    kinds break their lines where they must (0), a diagram is drawn smaller to fit (down to
    MIN_DIAGRAM_SCALE, and never with a text below least)."""
    if isinstance(block, Diagram):
        return diagram_width(block, ts, size) * max(MIN_DIAGRAM_SCALE, smallest_size(least, diagram_smallest(block, ts)) / size)
    if not isinstance(block, CodeBlock):
        return 0.0
    smallest = _at_least(_code_sizes(size, least)[0], least)
    return ts.widest_line(ts.code(highlight(block.code, block.language))) * smallest * PT + 2 * CODE_PAD * size * PT


def code_breaks(block: Block, ts: Typesetter, width: float, size: float, least: float = 0.0) -> int:
    """About how many times code's lines must break in a column width mm wide, at their smallest
    size (0 for other kinds): what the page weighs when it shares width among code and the rest."""
    if not isinstance(block, CodeBlock):
        return 0
    room = (width - 2 * CODE_PAD * size * PT) / (_at_least(_code_sizes(size, least)[0], least) * PT)
    if room <= 0:
        return 0  # no column this narrow holds the code at all; the block's height says so
    return sum(max(0, math.ceil(ts.widest_line([line]) / room - 1e-6) - 1) for line in ts.code(highlight(block.code, block.language)))


@functools.lru_cache(maxsize=256)
def highlight(code: str, language: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    """The code's lines, each as (text, pen) tokens; Pygments names the tokens. Kept: the
    layout sets a code block at many widths and sizes, and Pygments lexes slowly."""
    from texsheet.text.highlight import code_tokens

    return tuple(tuple(line) for line in code_tokens(code, language))


# ----------------------------------------------------------------------------- tables


@layout_of("table")
def layout_table(block: Table, ts: Typesetter, width: float, size: float, where: tuple, air: float = 0.0) -> Geometry:
    em = size * PT
    pad_x, pad_y = TABLE_PAD[0] * em, (TABLE_PAD[1] + air / 2) * em
    head = 1 if block.header else 0  # a table of rows only has no header row
    rows = [block.header] * head + block.rows
    widths = table_columns(block, ts, width, size)
    texts, row_rects, y = [], [], 0.0
    for r, cells in enumerate(rows):
        x, boxes = 0.0, []
        for c, cell in enumerate(cells):
            cell_where = where + (("header", c) if r < head else ("rows", r - head, c))
            style, colour = (BOLD, "accent") if r < head else (BODY, "text")
            boxes.append(ts.text(cell, widths[c] - 2 * pad_x, size, style, colour, where=cell_where).at(x + pad_x, y + pad_y))
            x += widths[c]
        # Cells of a row share their first baseline.
        baseline = max(b.first_baseline for b in boxes)
        boxes = [b.at(b.x, b.y + baseline - b.first_baseline) for b in boxes]
        height = max(b.y + b.height for b in boxes) - y + pad_y
        texts += boxes
        row_rects.append(Rect(0.0, y, width, height))
        y += height
    columns, x = [], 0.0
    for w in widths[:-1]:
        x += w
        columns.append(x)
    return Geometry(y, tuple(texts), parts={"rows": row_rects, "columns": columns, "width": width, "header": bool(head)})


def table_columns(block: Table, ts: Typesetter, width: float, size: float) -> list[float]:
    """Column widths: the given shares, else as an HTML table shares them: each column at
    least its widest word, the room left given in proportion to what more each would use."""
    if block.widths:
        return [width * w / sum(block.widths) for w in block.widths]
    pad = 2 * TABLE_PAD[0] * size * PT
    columns = list(zip(*[block.header] * bool(block.header), *block.rows))
    least, most = [], []
    for c, cells in enumerate(columns):
        styles = [BOLD] * bool(block.header) + [BODY] * (len(cells) - bool(block.header))
        least.append(max(ts.min_width(cell, size, s) for cell, s in zip(cells, styles)) + pad)
        most.append(max(ts.natural_width(cell, size, s) for cell, s in zip(cells, styles)) + pad)
    if sum(most) <= width:
        return [m + (width - sum(most)) * m / sum(most) for m in most]
    if sum(least) >= width:
        return [width * m / sum(least) for m in least]
    extra = [m - l for m, l in zip(most, least)]
    return [l + (width - sum(least)) * e / (sum(extra) or 1) for l, e in zip(least, extra)]


# ----------------------------------------------------------------------------- diagrams


@layout_of("flow")
def layout_flow(block: Flow, ts: Typesetter, width: float, size: float, where: tuple, air: float = 0.0) -> Geometry:
    em = size * PT
    has_notes = any(step.note for step in block.steps)
    box_w = width * (0.46 if has_notes else 0.8)
    box_x = 0.0 if has_notes else (width - box_w) / 2
    pad = FLOW_PAD * em
    texts, boxes, notes, y = [], [], [], 0.0
    for n, step in enumerate(block.steps):
        text = ts.text(step.text, box_w - 2 * pad, size, BODY, align="center", where=where + ("steps", n, "text"))
        box = Rect(box_x, y, box_w, text.height + 2 * pad)
        texts.append(text.at(box_x + pad, y + pad))
        boxes.append(box)
        row = box.h
        if step.note:
            note_x = box.right + FLOW_NOTE_GAP * em
            note = ts.text(step.note, width - note_x, size * 0.92, BODY, "grey", where=where + ("steps", n, "note"))
            note_y = y + max(0.0, (box.h - note.height) / 2)
            texts.append(note.at(note_x, note_y))
            notes.append((Point(box.right + 0.25 * em, y + box.h / 2), Point(note_x - 0.2 * em, y + box.h / 2)))
            row = max(row, note_y + note.height - y)
        y += row + (FLOW_GAP + air) * em
    height = y - (FLOW_GAP + air) * em
    arrows = [(Point(a.x + a.w / 2, a.bottom + 0.25 * em), Point(b.x + b.w / 2, b.y - 0.25 * em)) for a, b in zip(boxes, boxes[1:])]
    return Geometry(height, tuple(texts), parts={"boxes": boxes, "arrows": arrows, "notes": notes})


@layout_of("compare")
def layout_compare(block: Compare, ts: Typesetter, width: float, size: float, where: tuple, air: float = 0.0) -> Geometry:
    em = size * PT
    pad = COMPARE_PAD * em
    column_w = (width - COMPARE_VS * em) / 2
    texts, items, columns, height = [], [], [], 0.0
    for n, (key, side) in enumerate((("left", block.left), ("right", block.right))):
        x = n * (column_w + COMPARE_VS * em)
        colour = side.colour or "accent"
        title = ts.text(side.title, column_w - 2 * pad, size * 1.2, HAND_BOLD, colour, "center", where + (key, "title")).at(x + pad, pad)
        entries = [("dot", item, None, where + (key, "items", i)) for i, item in enumerate(side.items)]
        listed, list_h = _items(entries, ts, column_w - 2 * pad, size, air, x=x + pad, colour=colour)
        listed = [shift(i, 0.0, title.y + title.height + 0.3 * em) for i in listed]
        texts += [title, *(i.text for i in listed)]
        items += listed
        height = max(height, title.height + 0.3 * em + list_h + 2 * pad)
        columns.append((x, colour))
    rects = [(Rect(x, 0.0, column_w, height), colour) for x, colour in columns]
    vs_width = ts.natural_width(block.vs, size, HAND_BOLD)
    vs = ts.text(block.vs, vs_width, size, HAND_BOLD, "text", "center", where + ("vs",))
    vs = vs.at(width / 2 - vs_width / 2, height / 2 - vs.height / 2)
    radius = max(vs_width, vs.height) / 2 + 0.35 * em
    return Geometry(height, (*texts, vs), tuple(items), parts={"columns": rects, "vs": vs, "radius": radius})


@layout_of("pipeline")
def layout_pipeline(block: Pipeline, ts: Typesetter, width: float, size: float, where: tuple, air: float = 0.0) -> Geometry:
    em = size * PT
    n = len(block.stages)
    gap = PIPELINE_GAP * em
    box_w = (width - gap * (n - 1)) / n
    pad = PIPELINE_PAD * em
    inner = box_w - 2 * pad
    headers, notes = [], []
    for i, stage in enumerate(block.stages):
        at = where + ("stages", i)
        parts = []
        if stage.label or stage.icon:
            label = (stage.icon + " " if stage.icon else "") + stage.label
            parts.append(ts.text(label, inner, size, HAND_BOLD, stage.colour or "accent", "center", at + ("label",)))
        parts.append(ts.text(stage.title, inner, size * PIPELINE_TITLE_SCALE, HAND_BOLD, "text", "center", at + ("title",)))
        if stage.subtitle:
            parts.append(ts.text(stage.subtitle, inner, size, HAND, "grey", "center", at + ("subtitle",)))
        headers.append(parts)
        entries = [("dot", note, None, at + ("notes", k)) for k, note in enumerate(stage.notes)]
        notes.append(_items(entries, ts, inner, size, air, colour=stage.colour or "accent"))
    header_h = max(sum(p.height for p in parts) for parts in headers)
    notes_h = max(h for _, h in notes)
    has_notes = any(stage.notes for stage in block.stages)
    box_h = pad + header_h + (2 * PIPELINE_RULE * em + notes_h if has_notes else 0.0) + pad
    texts, items, boxes, rules, chains, links = [], [], [], [], [], []
    chain_bottom = box_h
    for i, stage in enumerate(block.stages):
        x = i * (box_w + gap)
        y = pad
        for part in headers[i]:
            texts.append(part.at(x + pad, y))
            y += part.height
        boxes.append((Rect(x, 0.0, box_w, box_h), stage.colour or "accent"))
        if has_notes:
            rule_y = pad + header_h + PIPELINE_RULE * em * 0.8
            rules.append((Point(x + box_w * 0.2, rule_y), Point(x + box_w * 0.8, rule_y), stage.colour or "accent"))
            listed = [shift(item, x + pad, pad + header_h + PIPELINE_RULE * em * 1.6) for item in notes[i][0]]
            items += listed
            texts += [item.text for item in listed]
        y = box_h + CHAIN_GAP * em * 0.7
        previous = None
        for k, link in enumerate(stage.chain):
            chain_w = box_w * CHAIN_WIDTH
            text = ts.text(link, chain_w - 2 * CHAIN_PAD * em, size, HAND, "text", "center", where + ("stages", i, "chain", k))
            rect = Rect(x + (box_w - chain_w) / 2, y, chain_w, text.height + 2 * CHAIN_PAD * em)
            texts.append(text.at(rect.x + CHAIN_PAD * em, y + CHAIN_PAD * em))
            chains.append((rect, stage.colour or "accent"))
            start = Point(x + box_w / 2, box_h + 0.1 * em) if previous is None else Point(x + box_w / 2, previous.bottom + 0.2 * em)
            links.append((start, Point(x + box_w / 2, rect.y - 0.2 * em), stage.colour or "accent", previous is not None))
            previous = rect
            y = rect.bottom + CHAIN_GAP * em
            chain_bottom = max(chain_bottom, rect.bottom)
    arrows = []
    for i in range(n - 1):
        x = i * (box_w + gap) + box_w
        colour = block.stages[i + 1].colour or "accent"
        arrows.append((Point(x + 0.35 * em, box_h / 2), Point(x + gap - 0.35 * em, box_h / 2), colour))
    return Geometry(chain_bottom, tuple(texts), tuple(items),
                    parts={"boxes": boxes, "rules": rules, "chains": chains, "links": links, "arrows": arrows})


# ----------------------------------------------------------------------------- Mermaid diagrams


DIAGRAM_TEXT_WIDTH = 9.0  # em: a node's text breaks into lines at this width
DIAGRAM_PAD = (0.6, 0.4)  # em around a node's text, across and down
DIAGRAM_LINK_SCALE = 0.85  # a link's text, of the nodes'
DIAGRAM_TITLE_SCALE = 0.95  # a subgraph's title, of the nodes'
DIAGRAM_TURN = 1.1  # a left-to-right diagram too wide for its column is drawn top-down when that is this much larger
# dot's outline for each shape, so that links end at the drawn outline.
DOT_SHAPES = {"lean_right": "box", "lean_left": "box", "trapezoid": "box", "trapezoid_alt": "box", "box": "box", "round": "box", "stadium": "box", "subroutine": "box", "flag": "box", "cylinder": "cylinder",
              "circle": "circle", "diamond": "diamond", "hexagon": "hexagon"}


@dataclass(frozen=True)
class _DiagramPlan:
    """A diagram in em: each node's text width and outline size, each link's text width, each
    subgraph title's width, and where dot put them."""

    direction: str
    text_widths: tuple[float, ...]
    sizes: tuple[tuple[float, float], ...]
    link_widths: tuple[float | None, ...]
    title_widths: tuple[float, ...]
    placement: Placement


def _diagram_plan(block: Diagram, ts: Typesetter, direction: str) -> _DiagramPlan:
    graph = block.parsed
    ids = list(graph.nodes)
    text_widths, sizes = [], []
    for node in graph.nodes.values():
        w, h = measure_text(ts, node.label, 1.0, BODY, DIAGRAM_TEXT_WIDTH)
        text_widths.append(w)
        sizes.append(_outline_size(node.shape, w, h))
    link_widths, links = [], []
    for link in graph.links:
        size = measure_text(ts, link.label, DIAGRAM_LINK_SCALE, BODY, DIAGRAM_TEXT_WIDTH * 0.8) if link.label else None
        link_widths.append(size[0] if size else None)
        links.append((ids.index(link.tail), ids.index(link.head), size))
    names = list(graph.subgraphs)
    title_widths, subgraphs = [], []
    for sub in graph.subgraphs.values():
        w, h = measure_text(ts, sub.title, DIAGRAM_TITLE_SCALE, HAND_BOLD, DIAGRAM_TEXT_WIDTH * 1.5)
        title_widths.append(w)
        subgraphs.append((tuple(ids.index(n) for n in sub.nodes), tuple(names.index(c) for c in sub.children), (w + 0.3, h + 0.2)))
    request = Request(direction, tuple((round(w, 3), round(h, 3)) for w, h in sizes), tuple(links),
                      tuple(DOT_SHAPES[n.shape] for n in graph.nodes.values()), tuple(subgraphs), tuple(names.index(t) for t in graph.top))
    return _DiagramPlan(direction, tuple(text_widths), tuple(sizes), tuple(link_widths), tuple(title_widths), place(request))


def _outline_size(shape: str, w: float, h: float) -> tuple[float, float]:
    """em of a node's outline around text w by h em."""
    pad_x, pad_y = DIAGRAM_PAD
    inner_w, inner_h = w + 2 * pad_x, h + 2 * pad_y
    if shape == "circle":
        side = math.hypot(w, h) + 2 * pad_y
        return side, side
    if shape == "diamond":  # text w by h fits inside when w/W + h/H <= 1
        return (w + pad_x) * 1.8, (h + pad_y) * 2.25
    if shape in ("stadium", "hexagon"):
        return inner_w + inner_h * 0.6, inner_h
    if shape == "subroutine":
        return inner_w + 0.7, inner_h
    if shape == "flag":
        return inner_w + inner_h * 0.45, inner_h
    if shape in SLANTED:
        return inner_w + inner_h * 0.7, inner_h
    if shape == "cylinder":
        return inner_w, inner_h + 2 * _cylinder_cap(inner_w)
    return inner_w, inner_h


SLANTED = ("lean_right", "lean_left", "trapezoid", "trapezoid_alt")


def _cylinder_cap(width: float) -> float:
    """em of the half-height of a cylinder's end ellipses."""
    return min(0.14 * width, 0.45)


def _fitted_plan(block: Diagram, ts: Typesetter, width: float, size: float, where: tuple, air: float,
                 least: float) -> tuple[_DiagramPlan, float]:
    """The diagram's plan in its direction, or top-down where a left-to-right one is too wide
    and top-down draws it larger (or at all, its smallest text at least least pt); and the size
    of its text in width (DiagramTooWide when neither fits)."""
    plan = _diagram_plan(block, ts, block.parsed.direction)
    smallest = diagram_smallest(block, ts)
    if plan.direction not in ("LR", "RL") or fitted_scale(plan.placement.width, width, size) >= 1.0:
        return plan, diagram_size(plan.placement.width, width, size, where, air, least, smallest)
    turned = _diagram_plan(block, ts, "TB")
    try:
        found = diagram_size(plan.placement.width, width, size, where, air, least, smallest)
    except DiagramTooWide:
        return turned, diagram_size(turned.placement.width, width, size, where, air, least, smallest)
    turned_size = math.floor(size * fitted_scale(turned.placement.width, width, size, air) * 100 + 1e-6) / 100
    return (turned, turned_size) if turned_size > found * DIAGRAM_TURN else (plan, found)


def diagram_smallest(block: Diagram, ts: Typesetter) -> float:
    """The smallest of a diagram's texts, as a share of its nodes' (or participants') text."""
    if isinstance(block.parsed, Sequence):
        return sequence_smallest(block.parsed, ts)
    if isinstance(block.parsed, Mindmap):
        return mindmap_smallest(block.parsed)
    graph = block.parsed
    scales = [1.0] + [DIAGRAM_LINK_SCALE for link in graph.links if link.label] + [DIAGRAM_TITLE_SCALE for _ in graph.subgraphs]
    return min(scales)


def diagram_width(block: Diagram, ts: Typesetter, size: float) -> float:
    """mm a diagram is wide at its full size (a flowchart in its direction, or top-down if narrower)."""
    em = size * PT
    if isinstance(block.parsed, Sequence):
        return sequence_width(block.parsed, ts) * em
    if isinstance(block.parsed, Mindmap):
        return mindmap_width(block.parsed, ts) * em
    plans = [_diagram_plan(block, ts, block.parsed.direction)]
    if block.parsed.direction in ("LR", "RL"):
        plans.append(_diagram_plan(block, ts, "TB"))
    return min(p.placement.width for p in plans) * em


@layout_of("diagram")
def layout_diagram(block: Diagram, ts: Typesetter, width: float, size: float, where: tuple, air: float = 0.0,
                   least: float = 0.0) -> Geometry:
    """The diagram drawn by its kind's layout: scaled to the column when wider (its smallest
    text never below least pt), grown with air (room to spare)."""
    if isinstance(block.parsed, Sequence):
        return layout_sequence(block.parsed, ts, width, size, where, air, least)
    if isinstance(block.parsed, Mindmap):
        return layout_mindmap(block.parsed, ts, width, size, where, air, least)
    return _layout_flowchart(block, ts, width, size, where, air, least)


def _layout_flowchart(block: Diagram, ts: Typesetter, width: float, size: float, where: tuple, air: float,
                      least: float) -> Geometry:
    """The flowchart as dot placed it: node outlines, links (Bézier curves from outline to
    outline), their texts beside them, subgraph frames."""
    graph = block.parsed
    plan, text_size = _fitted_plan(block, ts, width, size, where, air, least)
    em = text_size * PT
    placement = plan.placement
    left = max(0.0, (width - placement.width * em) / 2)
    at = lambda x, y: Point(left + x * em, y * em)  # noqa: E731
    texts, nodes, links, frames, grounds = [], [], [], [], []  # grounds: behind texts that lines may cross
    for n, (sub, (x, y, w, h)) in enumerate(zip(graph.subgraphs.values(), placement.frames)):
        frame = Rect(left + x * em, y * em, w * em, h * em)
        title = ts.text(sub.title, plan.title_widths[n] * em, text_size * DIAGRAM_TITLE_SCALE, HAND_BOLD, "grey",
                        where=where + ("mermaid",)).at(frame.x + 0.35 * em, frame.y + 0.2 * em)
        frames.append(frame)
        texts.append(title)
        grounds.append(_ground(title, em))
    for n, node in enumerate(graph.nodes.values()):
        centre = at(*placement.centres[n])
        w, h = plan.sizes[n]
        rect = Rect(centre.x - w * em / 2, centre.y - h * em / 2, w * em, h * em)
        nodes.append({"shape": node.shape, "rect": rect, "draw": node.style.get("draw", "accent"), "fill": node.style.get("fill", ""),
                      **_outline(node.shape, rect, em)})
        text_w = plan.text_widths[n] * em
        text = ts.text(node.label, text_w, text_size, BODY, node.style.get("text", "text"), "center", where + ("mermaid",))
        shift = (rect.h * 0.225 if node.shape == "flag" else 0.0)
        texts.append(text.at(centre.x - text_w / 2 + shift, centre.y - text.height / 2))
    for n, link in enumerate(graph.links):
        points = tuple(at(x, y) for x, y in placement.curves[n])
        links.append({"points": points, "line": link.line, "back": link.heads[0], "forward": link.heads[1]})
        if link.label and placement.label_centres[n] is not None:
            centre = at(*placement.label_centres[n])
            text_w = plan.link_widths[n] * em
            text = ts.text(link.label, text_w, text_size * DIAGRAM_LINK_SCALE, BODY, "text", "center", where + ("mermaid",))
            text = text.at(centre.x - text_w / 2, centre.y - text.height / 2)
            texts.append(text)
            grounds.append(_ground(text, em))
    return Geometry(placement.height * em, tuple(texts), parts={"kind": "flowchart", "nodes": nodes, "links": links, "frames": frames, "grounds": grounds, "em": em,
                                                                      "direction": plan.direction})


def _ground(text: TextBox, em: float) -> Rect:
    """The paper behind a link's text or a subgraph's title, so that a line passing is hidden."""
    return Rect(text.x - 0.15 * em, text.y, text.width + 0.3 * em, text.height)


def _outline(shape: str, rect: Rect, em: float) -> dict:
    """What a shape's outline needs beyond its rectangle: corner radius, end caps, corners."""
    x, y, w, h = rect.x, rect.y, rect.w, rect.h
    if shape == "round":
        return {"radius": min(0.45 * em, h / 2)}
    if shape == "stadium":
        return {"radius": h / 2}
    if shape == "cylinder":
        return {"cap": _cylinder_cap(w / em) * em}
    if shape == "subroutine":
        return {"bar": 0.35 * em}
    if shape == "diamond":
        return {"corners": (Point(x + w / 2, y), Point(x + w, y + h / 2), Point(x + w / 2, y + h), Point(x, y + h / 2))}
    if shape == "hexagon":
        d = h * 0.3
        return {"corners": (Point(x + d, y), Point(x + w - d, y), Point(x + w, y + h / 2), Point(x + w - d, y + h),
                            Point(x + d, y + h), Point(x, y + h / 2))}
    if shape in SLANTED:
        d = h * 0.35
        top, bottom = {"lean_right": ((d, 0), (0, d)), "lean_left": ((0, d), (d, 0)), "trapezoid": ((d, d), (0, 0)),
                       "trapezoid_alt": ((0, 0), (d, d))}[shape]
        return {"corners": (Point(x + top[0], y), Point(x + w - top[1], y), Point(x + w - bottom[1], y + h), Point(x + bottom[0], y + h))}
    if shape == "flag":
        return {"corners": (Point(x, y), Point(x + w, y), Point(x + w, y + h), Point(x, y + h), Point(x + h * 0.45, y + h / 2))}
    return {}

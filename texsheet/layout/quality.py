"""How a laid-out page reads, in numbers a choice between layouts can compare: how much of it
is empty, its largest blank area, and how many lines were broken to fit.
"""
from __future__ import annotations

import math

from texsheet.layout.blocks import MIN_MEASURE
from texsheet.layout.panels import PANEL_PADDING, titled
from texsheet.layout.placement import Layout, PanelLayout

SPARSE = 0.2  # of a page empty with its text at the largest size: too little content for the page
MOST_BLANK = 1 / 3  # of a panel's room, while text elsewhere on its page is at the smallest size
# The empty share of a page: its 5 mm cells (inside a 10 mm margin) farther than 12 mm from text.
EMPTY_CELL, EMPTY_REACH, EMPTY_MARGIN = 5.0, 12.0, 10.0


def empty_share(layout: Layout) -> float:
    """The share of the page, inside its margin, that is farther than EMPTY_REACH from any line
    of text: how empty a reader finds the page."""
    near, _ = _near_cells(layout)
    return _empty(near)


def blank(layout: Layout) -> float:
    """The page's empty share plus its largest blank area (both shares of the page), from one
    look at its cells: one blank area reads worse than the same blank spread in small gaps."""
    near, columns = _near_cells(layout)
    return _empty(near) + _largest_hole(near, columns)


def _empty(near: bytearray) -> float:
    return 1.0 - sum(near) / max(1, len(near))


def _largest_hole(near: bytearray, columns: int) -> float:
    """The largest connected run of empty cells, as a share of the page."""
    seen, largest = bytearray(near), 0
    for start in range(len(near)):
        if seen[start]:
            continue
        seen[start], stack, size = 1, [start], 0
        while stack:
            cell = stack.pop()
            size += 1
            r, c = divmod(cell, columns)
            for n, inside in ((cell - columns, r > 0), (cell + columns, cell + columns < len(near)), (cell - 1, c > 0),
                              (cell + 1, c < columns - 1)):
                if inside and not seen[n]:
                    seen[n] = 1
                    stack.append(n)
        largest = max(largest, size)
    return largest / max(1, len(near))


def _near_cells(layout: Layout) -> tuple[bytearray, int]:
    """The page inside its margin in EMPTY_CELL cells, row by row, 1 where a cell's centre is
    within EMPTY_REACH of a line of text; and how many cells make a row."""
    cell, reach, margin = EMPTY_CELL, EMPTY_REACH, EMPTY_MARGIN
    columns = math.ceil((layout.width - 2 * margin) / cell)
    rows = math.ceil((layout.height - 2 * margin) / cell)
    near = bytearray(columns * rows)
    for left, top, right, bottom in _ink(layout):
        first = max(0, math.floor((top - reach - margin) / cell))
        last = min(rows - 1, math.floor((bottom + reach - margin) / cell))
        for r in range(first, last + 1):
            centre = margin + (r + 0.5) * cell
            dy = max(top - centre, 0.0, centre - bottom)
            if dy > reach:
                continue
            dx = math.sqrt(reach * reach - dy * dy)
            low = max(0, math.ceil((left - dx - margin) / cell - 0.5))
            high = min(columns - 1, math.floor((right + dx - margin) / cell - 0.5))
            if low <= high:
                near[r * columns + low:r * columns + high + 1] = b"\1" * (high - low + 1)
    return near, columns


def flaws(layout: Layout) -> tuple[int, int, int]:
    """(broken, cramped, all) lines of the page: lines of code broken and words parted to fit;
    lines broken in boxes narrower than MIN_MEASURE; every line."""
    broken = cramped = lines = 0
    for _, _, box in _boxes(layout):
        broken += box.set_lines.flaws
        lines += len(box.set_lines.entries)
        if box.width < MIN_MEASURE * box.em:
            cramped += max(0, len(box.set_lines.entries) - 1)
    return broken, cramped, lines


def _boxes(layout: Layout):
    """(dx, dy, box) of every text box on the page: it stands at dx + box.x, dy + box.y."""
    if layout.title is not None:
        yield 0.0, 0.0, layout.title
    if layout.subtitle is not None:
        yield 0.0, 0.0, layout.subtitle
    for panel in layout.panels:
        yield 0.0, 0.0, panel.title
        if panel.subtitle is not None:
            yield 0.0, 0.0, panel.subtitle
        for placed in panel.blocks:
            for box in (placed.heading, *placed.geometry.texts):
                if box is not None:
                    yield placed.x, placed.y, box


def _ink(layout: Layout):
    """(left, top, right, bottom) in mm of every line of text on the page."""
    for dx, dy, box in _boxes(layout):
        em = box.em
        for _, baseline, line in box.lines:
            if line.items:
                yield (dx + box.x + line.items[0][0] * em, dy + box.y + baseline - line.height * em,
                       dx + box.x + line.right * em, dy + box.y + baseline + line.depth * em)


def blank_share(panel: PanelLayout) -> float:
    """The share of a panel's room for content (below its title, inside its padding) that no
    block's column covers: in each column, from its first block's top to its last's bottom."""
    title = panel.subtitle if panel.subtitle is not None and panel.subtitle.y > panel.title.y else panel.title
    top = title.y + title.height if titled(panel.panel) else panel.frame.y + PANEL_PADDING
    room = (panel.frame.w - 2 * PANEL_PADDING) * (panel.frame.bottom - PANEL_PADDING - top)
    columns: dict[float, tuple[float, float, float]] = {}
    for placed in panel.blocks:
        first, last, width = columns.get(round(placed.x, 2), (placed.y, placed.y, placed.width))
        columns[round(placed.x, 2)] = (min(first, placed.y), max(last, placed.y + placed.geometry.height), width)
    covered = sum((last - first) * width for first, last, width in columns.values())
    return max(0.0, 1.0 - covered / room) if room > 0 else 0.0


def lonely_panels(layout: Layout, least: float) -> list[tuple[PanelLayout, float]]:
    """The panels more than MOST_BLANK blank on a page where some text is set at least pt (the
    smallest size), each with its blank share: room that text could have had."""
    if not any(box.size <= least + 0.01 for _, _, box in _boxes(layout) if box.lines):
        return []
    shares = [(panel, blank_share(panel)) for panel in layout.panels]
    return [(panel, share) for panel, share in shares if share > MOST_BLANK]

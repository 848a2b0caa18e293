"""A panel too tall for a page on its own, split between its blocks into parts that each fit one.

The first part keeps the panel's title, the others are titled "title (cont.)"; no part holds a
single line (a lone line at the top of a page reads as a stray). The sheet that comes out has
the parts where the panel stood, and a Source whose places lead each part's blocks back to
their lines in the content file, so that messages and the .tex's comments still name them.
"""
from __future__ import annotations

import dataclasses

from texsheet.errors import ContentError
from texsheet.layout.page import page_size
from texsheet.layout.panels import PANEL_PADDING, Panels
from texsheet.model.sheet import Panel, Sheet
from texsheet.model.source import Source
from texsheet.text import markup
from texsheet.text.typeset import LEADING, Typesetter
from texsheet.text.units import PT

CONTINUED = " (cont.)"  # after the title of a panel's second and later parts
LEAST_LINES = 2  # a part holds at least this many lines of text


def split_tall(sheet: Sheet, ts: Typesetter, source: Source, size: float) -> tuple[Sheet, Source]:
    """The sheet with each panel taller than a page at size (in the full width of a page without
    the banner) split into parts; the source's places moved with them."""
    width, height = page_size(sheet)
    inner = width - 2 * sheet.page.margin
    room = height - 2 * sheet.page.margin - sheet.page.gap
    ranges = {where: _ranges(sheet, ts, source, panel, inner, room, size) for where, panel in sheet.placed_panels()}
    if all(len(r) == 1 for r in ranges.values()):
        return sheet, source
    moves: list[tuple[tuple, tuple, int, int]] = []  # (old place, new place, first block, end)
    if sheet.panels is not None:
        panels = []
        for where, panel in sheet.placed_panels():
            for k, (a, b) in enumerate(ranges[where]):
                moves.append((where, ("panels", len(panels)), a, b))
                panels.append(_part(panel, k, a, b))
        parted = dataclasses.replace(sheet, panels=panels)
    else:
        rows, problems = [], []
        for r, row in enumerate(sheet.rows):
            places = [("rows", r, "panels", p) for p in range(len(row.panels))]
            split = [where for where in places if len(ranges[where]) > 1]
            if split and len(places) > 1:
                problems.append(source.problem(split[0], f"panel '{markup.plain(sheet.rows[r].panels[split[0][3]].title)}' is taller "
                                               f"than a page even at {size:g} pt; give it a row of its own, so that it can go on "
                                               "over the next page, or shorten it"))
                continue
            moves.append((("rows", r), ("rows", len(rows)), 0, 0))
            if not split:
                rows.append(row)
                continue
            for k, (a, b) in enumerate(ranges[places[0]]):
                moves.append((places[0], ("rows", len(rows), "panels", 0), a, b))
                rows.append(dataclasses.replace(row, height=None, panels=[_part(row.panels[0], k, a, b)]))
        if problems:
            raise ContentError(problems)
        parted = dataclasses.replace(sheet, rows=rows)
    return parted, dataclasses.replace(source, marks=_moved(source.marks, moves), scalars=_moved(source.scalars, moves))


def _part(panel: Panel, k: int, a: int, b: int) -> Panel:
    """Blocks a to b of the panel, the k-th part: after the first, titled as continued."""
    if k == 0:
        return dataclasses.replace(panel, blocks=panel.blocks[a:b])
    return dataclasses.replace(panel, title=panel.title + CONTINUED, subtitle="", blocks=panel.blocks[a:b])


def _ranges(sheet: Sheet, ts: Typesetter, source: Source, panel: Panel, width: float, room: float,
            size: float) -> list[tuple[int, int]]:
    """The blocks of each part, (first, end): as many as fit a page in each, in order, then the
    last part given blocks from the one before until it holds LEAST_LINES lines."""
    def measure(a: int, b: int, k: int) -> tuple[float, float]:
        """(mm the part of blocks a to b needs, lines of its text) at size."""
        alone = dataclasses.replace(sheet, rows=None, panels=[_part(panel, k, a, b)])
        panels = Panels(alone, ts, width, sheet.page.gap)
        height = panels.panel_height(("panels", 0), round(width, 2), size)
        content = height - panels.title_zone(("panels", 0), round(width, 2), size) - PANEL_PADDING
        return height, content / (LEADING * size * PT)

    count = len(panel.blocks)
    if measure(0, count, 0)[0] <= room:
        return [(0, count)]
    ranges, a = [], 0
    while a < count:
        b = a + 1
        while b < count and measure(a, b + 1, len(ranges))[0] <= room:
            b += 1
        ranges.append((a, b))
        a = b
    while len(ranges) > 1 and measure(*ranges[-1], len(ranges) - 1)[1] < LEAST_LINES and ranges[-2][1] - ranges[-2][0] > 1:
        (a, b), (_, end) = ranges[-2], ranges[-1]
        if measure(b - 1, end, len(ranges) - 1)[0] > room:
            break
        ranges[-2:] = [(a, b - 1), (b - 1, end)]
    return ranges


def _moved(places: dict, moves: list[tuple[tuple, tuple, int, int]]) -> dict:
    """places (a Source's marks or scalars) under the parts' places: a block's under the part that
    holds it, the panel's own (its title) under each part; a row's under its first row."""
    moved = {}
    for where, value in places.items():
        found = [m for m in moves if where[:len(m[0])] == m[0]]
        if not found:
            moved[where] = value
            continue
        deepest = max(len(m[0]) for m in found)
        for old, new, a, b in (m for m in found if len(m[0]) == deepest):
            rest = where[len(old):]
            if rest[:1] == ("blocks",) and len(rest) > 1 and isinstance(rest[1], int):
                if a <= rest[1] < b:
                    moved[new + ("blocks", rest[1] - a) + rest[2:]] = value
            elif new + rest not in moved:
                moved[new + rest] = value
    return moved

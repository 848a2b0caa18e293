"""What a panel needs at a width and a body size: its title line, its content's columns and
height, and the widths a row's panels share. Every size and place the page planner decides is
built from these answers; millimetres, sizes in pt.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

from texsheet.layout.blocks import BLOCK_GAP, FLOORED, block_height, code_breaks, unbroken_width
from texsheet.layout.diagram_text import DIAGRAM_WIDTH_QUANTUM as WIDTH_QUANTUM  # noqa: F401 (the width the page sizes blocks at, by name)
from texsheet.layout.diagram_text import DiagramTooWide, room
from texsheet.model.sheet import Panel, Sheet
from texsheet.text.paragraphs import Style
from texsheet.text.typeset import TextBox, TextTooWide, Typesetter, fit_size
from texsheet.text.units import PT

PANEL_PADDING = 3.0  # mm between a panel's frame and its content
TITLE_GAP = 2.4  # mm between a panel's title line and its content
COLUMN_GAP = 4.0  # mm between the columns of a panel
MIN_COLUMN_WIDTH = 60.0  # mm: a panel without columns: is set in two only if each is this wide
COLUMNS_SAVING = 0.85  # and they need at most this share of the height one column needs
PANEL_TITLE_SIZE = 14.0  # pt, at least; with larger body text, TITLE_SCALE times the body's
HERO_TITLE_SIZE = 17.0
TITLE_SCALE = 1.4
HERO_TITLE_SCALE = 1.7
SUBTITLE_SCALE = 0.8  # of the title's size
MIN_TITLE_SIZE = 9.0  # a panel title shrinks to fit its width down to this, then is refused
SIZE_STEP = 0.25  # pt
WIDTH_STEPS = 24  # rounds of moving width between the panels of a row
MIN_PANEL_WIDTH = 55.0  # mm: the narrowest a panel is planned (how many share a row; what code may take of a row)
TITLE_STYLE = Style("hand", bold=True)


def titled(panel: Panel) -> bool:
    """Whether a panel has a title line: a title, an icon or a subtitle."""
    return bool(panel.title or panel.icon or panel.subtitle)


def title_text(panel: Panel) -> str:
    """A panel's title as it is set: its icon, then its title."""
    return (panel.icon + " " if panel.icon else "") + panel.title


@dataclass(frozen=True)
class Row:
    """A band of the page: its height share (None: as tall as it needs) and its panels' places
    in the content."""

    height: float | None
    places: tuple[tuple, ...]


class Panels:
    """What a panel needs at a width and a body size: its title, its content's columns and
    height, and the widths a row's panels share. Each answer is kept, as the planner asks the
    same questions at many sizes (and the pages of a sheet ask the same panels)."""

    def __init__(self, sheet: Sheet, ts: Typesetter, inner: float, gap: float):
        self.ts = ts
        self.inner, self.gap = inner, gap
        self.least = sheet.theme.min_font_size
        self.panel_at = dict(sheet.placed_panels())
        self.panel_height = lru_cache(maxsize=None)(self._panel_height)
        self.block_height = lru_cache(maxsize=None)(self._block_height)
        self.unbroken = lru_cache(maxsize=None)(self._unbroken)
        self.code_breaks = lru_cache(maxsize=None)(self._code_breaks)
        self.title_size = lru_cache(maxsize=None)(self._title_size)
        self.balanced: dict[tuple, list[float]] = {}

    def row_need(self, row: Row, widths: list[float], size: float) -> float:
        return max(self.panel_height(where, round(w, 2), size) for where, w in zip(row.places, widths))

    def row_widths(self, row: Row, size: float) -> list[float]:
        """The panels' widths: their shares where any is given, else balanced so that they need
        about the same height."""
        panels = [self.panel_at[where] for where in row.places]
        free = self.inner - self.gap * (len(panels) - 1)
        if len(panels) == 1:
            return [free]
        if any(p.width is not None for p in panels):
            shares = [p.width or 1.0 for p in panels]
            return [free * s / sum(shares) for s in shares]
        # Panels keep the width their code needs unbroken, where the row has it and leaves every
        # panel at least MIN_PANEL_WIDTH.
        least = [max(MIN_PANEL_WIDTH, max((self.unbroken(where + ("blocks", b), size) for b in range(len(self.panel_at[where].blocks))),
                                          default=0.0) + 2 * PANEL_PADDING)
                 for where in row.places]
        if sum(least) > free:
            least = [0.0] * len(panels)
        # Start where the last size's search ended (the balance hardly moves with the size).
        widths = _at_least(self.balanced.get(row.places) or [free / len(panels)] * len(panels), least)
        heights = [self.panel_height(where, round(w, 2), size) for where, w in zip(row.places, widths)]
        step = free / len(panels) / (16 if row.places in self.balanced else 4)
        for _ in range(WIDTH_STEPS):
            tall, short = max(range(len(panels)), key=heights.__getitem__), min(range(len(panels)), key=heights.__getitem__)
            if heights[tall] - heights[short] < 0.5 or step < 0.5:
                break
            trial = list(widths)
            trial[tall] += step
            trial[short] -= step
            if trial[short] < least[short]:
                step /= 2
                continue
            trial_heights = [self.panel_height(where, round(w, 2), size) for where, w in zip(row.places, trial)]
            if max(trial_heights) < max(heights):
                widths, heights = trial, trial_heights
            else:
                step /= 2
        self.balanced[row.places] = widths
        return widths

    def title_zone(self, where: tuple, width: float, body: float) -> float:
        """mm above a panel's content at a body size: its title line, the gap, the padding (only
        the padding for a panel without a title, whose content starts at its top)."""
        if not titled(self.panel_at[where]):
            return PANEL_PADDING
        size = self.title_size(where, round(width, 2), body)
        if size is None:
            return float("inf")
        title, subtitle = self.panel_title(self.panel_at[where], where, width - 2 * PANEL_PADDING, size)
        below = subtitle.y + subtitle.height if subtitle is not None else title.height
        return PANEL_PADDING + below + TITLE_GAP

    def _title_size(self, where: tuple, width: float, body: float) -> float | None:
        """A panel title's size: in step with the body text, shrunk to fit its width down to
        MIN_TITLE_SIZE (None: it does not fit even then)."""
        panel = self.panel_at[where]
        start = max(HERO_TITLE_SIZE, HERO_TITLE_SCALE * body) if panel.hero else max(PANEL_TITLE_SIZE, TITLE_SCALE * body)
        start = round(start / SIZE_STEP) * SIZE_STEP
        text = title_text(panel)
        return fit_size(lambda s: self.ts.natural_width(text, s, TITLE_STYLE) <= width - 2 * PANEL_PADDING,
                        MIN_TITLE_SIZE, start, SIZE_STEP)

    def panel_title(self, panel: Panel, where: tuple, width: float, size: float) -> tuple[TextBox, TextBox | None]:
        """The title on one line; the subtitle beside it if it fits, else under it."""
        title = self.ts.text(title_text(panel), width, size, TITLE_STYLE, "accent", where=where + ("title",))
        if not panel.subtitle:
            return title, None
        natural = self.ts.natural_width(title_text(panel), size, TITLE_STYLE)
        sub_size = size * SUBTITLE_SCALE
        beside = width - natural - sub_size * PT
        sub_natural = self.ts.natural_width(panel.subtitle, sub_size, Style("hand"))
        if sub_natural <= beside:
            subtitle = self.ts.text(panel.subtitle, beside, sub_size, Style("hand"), "grey", where=where + ("subtitle",))
            drop = title.first_baseline - subtitle.first_baseline
            return title, subtitle.at(natural + sub_size * PT, drop)
        subtitle = self.ts.text(panel.subtitle, width, sub_size, Style("hand"), "grey", where=where + ("subtitle",))
        return title, subtitle.at(0.0, title.height)

    def _panel_height(self, where: tuple, width: float, size: float) -> float:
        """mm a panel needs at this width and body size (inf: it cannot be set that narrow)."""
        zone = self.title_zone(where, width, size)
        if zone == float("inf"):
            return zone
        content = self.columns(where, width - 2 * PANEL_PADDING, size)
        return zone + content[0] + PANEL_PADDING if content else float("inf")

    def _block_height(self, where: tuple, width: float, floor: float) -> float:
        """em a block needs at a width in em, its text at least floor times its body's size: a
        block scales with its text, so this is all any size needs."""
        block = self.panel_at[where[:-2]].blocks[where[-1]]
        try:
            return block_height(block, self.ts, width * PT * 10, 10.0, where, least=floor * 10.0) / (PT * 10)
        except (TextTooWide, DiagramTooWide):
            return float("inf")

    def floor(self, where: tuple, size: float) -> float:
        """The smallest size of a block's text as a share of its body's size (0 for the kinds
        that never set text below the body's, so that their heights are kept for every size)."""
        block = self.panel_at[where[:-2]].blocks[where[-1]]
        return round(self.least / size, 4) if block.kind in FLOORED else 0.0

    def _unbroken(self, where: tuple, size: float) -> float:
        """mm a block needs for none of its code lines to break (0 for other kinds)."""
        return unbroken_width(self.panel_at[where[:-2]].blocks[where[-1]], self.ts, size, self.least)

    def _code_breaks(self, where: tuple, width: float, size: float) -> int:
        """How often a block's code lines break at a width (0 for other kinds)."""
        return code_breaks(self.panel_at[where[:-2]].blocks[where[-1]], self.ts, width, size, self.least)

    def columns(self, where: tuple, width: float, size: float) -> tuple[float, list[float], list[list[int]]] | None:
        """(height, column widths, blocks per column) of a panel's content: of the splits that
        break code lines the fewest times, the one that needs the least height (code is given
        the width, its own column or a wider one, before a line of it is broken); None if no
        split fits the width."""
        panel = self.panel_at[where]
        if panel.columns:
            counts = [panel.columns]
        else:  # two columns where each is wide enough and they save height
            counts = [1, 2] if len(panel.blocks) > 1 and width >= 2 * MIN_COLUMN_WIDTH + COLUMN_GAP else [1]
        best, best_broken = None, 0
        for n in counts:
            free = width - COLUMN_GAP * (n - 1)
            if panel.column_widths:
                candidates = [[free * s / sum(panel.column_widths) for s in panel.column_widths]]
            elif n == 2:
                candidates = [[free * f, free * (1 - f)] for f in (0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65)]
            else:
                candidates = [[free / n] * n]
            for widths in candidates:
                for groups in self.splits(panel, n):
                    heights, broken = [], 0
                    for w, group in zip(widths, groups):
                        em = size * PT
                        total = sum(self.block_height(where + ("blocks", b), room(w, size), self.floor(where + ("blocks", b), size))
                                    for b in group) * em
                        heights.append(total + BLOCK_GAP * em * max(0, len(group) - 1))
                        broken += sum(self.code_breaks(where + ("blocks", b), round(w, 1), size) for b in group)
                    height = max(heights)
                    if height == float("inf") or (best is not None and broken > best_broken):
                        continue
                    if best is None or broken < best_broken or height < best[0] * (COLUMNS_SAVING if n > len(best[1]) else 1.0) - 0.01:
                        best, best_broken = (height, widths, groups), broken
        return best

    def splits(self, panel: Panel, n: int) -> list[list[list[int]]]:
        """Ways to share the blocks among n columns: as their column: keys say, else every
        split of the blocks in order."""
        count = len(panel.blocks)
        if n == 1:
            return [[list(range(count))]]
        if any(block.column for block in panel.blocks):
            groups: list[list[int]] = [[] for _ in range(n)]
            column = 1
            for b, block in enumerate(panel.blocks):
                column = block.column or column
                groups[column - 1].append(b)
            return [groups]
        found = []
        for cuts in itertools.combinations(range(1, count), min(n - 1, count - 1)):
            bounds = [0, *cuts, count]
            groups = [list(range(a, b)) for a, b in zip(bounds, bounds[1:])]
            found.append(groups + [[] for _ in range(n - len(groups))])
        return found


def _at_least(widths: list[float], least: list[float]) -> list[float]:
    """The widths with none below its least: what is added is taken from the others, in
    proportion to their room above their least (the least add up to no more than the widths)."""
    raised = [max(w, low) for w, low in zip(widths, least)]
    over = sum(raised) - sum(widths)
    spare = [r - low for r, low in zip(raised, least)]
    if over > 0:
        raised = [r - over * free / sum(spare) for r, free in zip(raised, spare)]
    return raised

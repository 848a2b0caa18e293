"""Where everything goes on the page: every height, width, column split and text size.

The one place layout is decided, from TeX's measurements (through the Typesetter): the banner
fits its title, rows are as tall as their content needs (or the share they were given), the
panels of a row share its width so that their content fills them evenly, the body text takes the
largest size at which the page holds everything, and panels with room to spare grow their text a
little, so the page is full and its sizes even. Millimetres, origin at the page's top left.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache

from . import markup
from .blocks import BLOCK_GAP, Placed, Rect, block_height, layout_block
from .errors import ContentError, Problem
from .model import Panel, Sheet
from .paragraphs import Style
from .source import Source
from .theme import PAGE_SIZES
from .typeset import TextBox, TextTooWide, Typesetter, fit_size
from .units import PT

PANEL_PADDING = 3.0  # mm between a panel's frame and its content
TITLE_GAP = 2.4  # mm between a panel's title line and its content (the underline runs there)
COLUMN_GAP = 4.0  # mm between the columns of a panel
PANEL_TITLE_SIZE = 14.0  # pt, at least; with larger body text, TITLE_SCALE times the body's
HERO_TITLE_SIZE = 17.0
TITLE_SCALE = 1.4
HERO_TITLE_SCALE = 1.7
SUBTITLE_SCALE = 0.8  # of the title's size
MIN_TITLE_SIZE = 9.0  # a panel title shrinks to fit its width down to this, then is refused
BANNER_TITLE_SIZE = 20.0  # pt, at least; with larger body text, BANNER_SCALE times the body's
BANNER_SCALE = 1.8
BANNER_SUBTITLE_SIZE = 12.0
MIN_BANNER_TITLE_SIZE = 11.0
BANNER_PADDING = 3.2  # mm above and below the banner's text
BANNER_SIDE = 8.0  # mm on either side of the banner's text
GROW = 1.25  # a panel with room to spare sets its text up to this much larger than the page's
SIZE_STEP = 0.25  # pt
MAX_AIR = 2.0  # em of room to spare a panel may put between the lines of its lists
AIR_STEP = 0.1
AIR_BETWEEN_BLOCKS = 2.0  # blocks part by this many times the air between lines
WIDTH_STEPS = 24  # rounds of moving width between the panels of a row


@dataclass(frozen=True)
class PanelLayout:
    panel: Panel
    where: tuple
    frame: Rect
    title: TextBox
    subtitle: TextBox | None
    underline: tuple[float, float, float]  # x0, x1, y
    size: float  # of the body text, pt
    blocks: tuple[Placed, ...]


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    banner: Rect
    title: TextBox
    subtitle: TextBox | None
    panels: tuple[PanelLayout, ...]


def page_size(sheet: Sheet) -> tuple[float, float]:
    """(width, height) of the page in mm."""
    width, height = PAGE_SIZES[sheet.page.size]
    if sheet.page.orientation == "landscape":
        return height, width
    return width, height


def ask_texts(sheet: Sheet, ts: Typesetter) -> None:
    """Set every text of the sheet once, in the style it will be drawn in, so that the
    typesetter knows every segment TeX must measure (sizes and widths do not matter here)."""
    ts.text(_banner_text(sheet), 100.0, BANNER_TITLE_SIZE, TITLE_STYLE)
    ts.text(sheet.subtitle, 100.0, BANNER_SUBTITLE_SIZE, Style("hand"))
    for r, row in enumerate(sheet.rows):
        for p, panel in enumerate(row.panels):
            ts.text(_title_text(panel), 100.0, PANEL_TITLE_SIZE, TITLE_STYLE)
            ts.text(panel.subtitle, 100.0, PANEL_TITLE_SIZE, Style("hand"))
            for b, block in enumerate(panel.blocks):
                block_height(block, ts, 100.0, 10.0, ("rows", r, "panels", p, "blocks", b))


def _banner_text(sheet: Sheet) -> str:
    return (sheet.icon + " " if sheet.icon else "") + sheet.title + (" " + sheet.icon if sheet.icon else "")


def _title_text(panel: Panel) -> str:
    return (panel.icon + " " if panel.icon else "") + panel.title


class _Refused(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems


def layout_sheet(sheet: Sheet, ts: Typesetter, source: Source) -> Layout:
    """The whole page; a ContentError names what cannot fit and where it stands."""
    try:
        return _Planner(sheet, ts, source).plan()
    except _Refused as refused:
        raise ContentError(refused.problems) from None


class _Planner:
    def __init__(self, sheet: Sheet, ts: Typesetter, source: Source):
        self.sheet, self.ts, self.source = sheet, ts, source
        self.width, self.height = page_size(sheet)
        self.margin, self.gap = sheet.page.margin, sheet.page.gap
        self.inner = self.width - 2 * self.margin
        self.panel_height = lru_cache(maxsize=None)(self._panel_height)
        self.block_height = lru_cache(maxsize=None)(self._block_height)
        self.title_size = lru_cache(maxsize=None)(self._title_size)
        self.balanced: dict[int, list[float]] = {}

    # ------------------------------------------------------------------ the plan

    def plan(self) -> Layout:
        sheet, theme = self.sheet, self.sheet.theme
        low, high = theme.min_font_size, theme.font_size or theme.max_font_size
        body = low
        # The banner's title keeps in step with the body text: sized for the body the page
        # would have under a banner of the smallest title, then the page sized again under it.
        for _ in range(2):
            banner, title, subtitle = self.banner(body)
            top = banner.bottom + self.gap
            room = self.height - self.margin - top - self.gap * (len(sheet.rows) - 1)
            size = high if theme.font_size else fit_size(lambda s: self.rows_fit(s, room), low, high, SIZE_STEP)
            if size is None:
                self.refuse_overflow(low, room)
            body = size
        heights, widths = self.rows_at(size, room, fill=True)
        panels, y = [], top
        for r, row in enumerate(sheet.rows):
            x = self.margin
            for p, panel in enumerate(row.panels):
                frame = Rect(x, y, widths[r][p], heights[r])
                panels.append(self.place_panel(panel, ("rows", r, "panels", p), frame, size))
                x += widths[r][p] + self.gap
            y += heights[r] + self.gap
        return Layout(self.width, self.height, banner, title, subtitle, tuple(panels))

    def rows_at(self, size: float, room: float, fill: bool = False) -> tuple[list[float], list[float]]:
        """Row heights and panel widths at a body size: rows without a height share are as tall
        as they need; the room left goes to rows with a share. With fill and no shares, the room
        left goes first to rows whose text can still grow, as far as it would grow, then to all."""
        rows = range(len(self.sheet.rows))
        widths = [self.row_widths(r, size) for r in rows]
        needs = [self.row_need(r, widths[r], size) for r in rows]
        shares = [row.height for row in self.sheet.rows]
        left = room - sum(n for n, share in zip(needs, shares) if share is None)
        given = sum(share for share in shares if share is not None)
        if given:
            return [n if share is None else left * share / given for n, share in zip(needs, shares)], widths
        if not fill:
            return needs, widths
        grown = min(self.sheet.theme.max_font_size, size * GROW) if not self.sheet.theme.font_size else size
        wants = [self.row_need(r, widths[r], grown) - needs[r] for r in rows]
        wants = [w if 0.0 < w < float("inf") else 0.0 for w in wants]
        heights = list(needs)
        if sum(wants) > 0:
            given_out = min(1.0, left / sum(wants))
            heights = [h + w * given_out for h, w in zip(heights, wants)]
        left = room - sum(heights)
        return [h + left * h / sum(heights) for h in heights], widths

    def rows_fit(self, size: float, room: float) -> bool:
        heights, widths = self.rows_at(size, room)
        if any(h == float("inf") for h in heights):
            return False
        if not any(row.height for row in self.sheet.rows):
            return sum(heights) <= room + 0.01
        return all(self.row_need(r, widths[r], size) <= heights[r] + 0.01 for r in range(len(heights)))

    def row_need(self, r: int, widths: list[float], size: float) -> float:
        return max(self.panel_height(r, p, round(w, 2), size) for p, w in enumerate(widths))

    def row_widths(self, r: int, size: float) -> list[float]:
        """The panels' widths: their shares where any is given, else balanced so that they need
        about the same height."""
        panels = self.sheet.rows[r].panels
        free = self.inner - self.gap * (len(panels) - 1)
        if len(panels) == 1:
            return [free]
        if any(p.width is not None for p in panels):
            shares = [p.width or 1.0 for p in panels]
            return [free * s / sum(shares) for s in shares]
        # Start where the last size's search ended (the balance hardly moves with the size).
        widths = self.balanced.get(r) or [free / len(panels)] * len(panels)
        heights = [self.panel_height(r, p, round(w, 2), size) for p, w in enumerate(widths)]
        step = free / len(panels) / (16 if r in self.balanced else 4)
        for _ in range(WIDTH_STEPS):
            tall, short = max(range(len(panels)), key=heights.__getitem__), min(range(len(panels)), key=heights.__getitem__)
            if heights[tall] - heights[short] < 0.5 or step < 0.5:
                break
            trial = list(widths)
            trial[tall] += step
            trial[short] -= step
            trial_heights = [self.panel_height(r, p, round(w, 2), size) for p, w in enumerate(trial)]
            if max(trial_heights) < max(heights):
                widths, heights = trial, trial_heights
            else:
                step /= 2
        self.balanced[r] = widths
        return widths

    # ------------------------------------------------------------------ panels

    def title_zone(self, r: int, p: int, width: float, body: float) -> float:
        """mm above a panel's content at a body size: its title line, the gap, the padding."""
        panel = self.sheet.rows[r].panels[p]
        size = self.title_size(r, p, round(width, 2), body)
        if size is None:
            return float("inf")
        title, subtitle = self.panel_title(panel, ("rows", r, "panels", p), width - 2 * PANEL_PADDING, size)
        below = subtitle.y + subtitle.height if subtitle is not None else title.height
        return PANEL_PADDING + below + TITLE_GAP

    def _title_size(self, r: int, p: int, width: float, body: float) -> float | None:
        """A panel title's size: in step with the body text, shrunk to fit its width down to
        MIN_TITLE_SIZE (None: it does not fit even then)."""
        panel = self.sheet.rows[r].panels[p]
        start = max(HERO_TITLE_SIZE, HERO_TITLE_SCALE * body) if panel.hero else max(PANEL_TITLE_SIZE, TITLE_SCALE * body)
        start = round(start / SIZE_STEP) * SIZE_STEP
        text = _title_text(panel)
        return fit_size(lambda s: self.ts.natural_width(text, s, TITLE_STYLE) <= width - 2 * PANEL_PADDING,
                        MIN_TITLE_SIZE, start, SIZE_STEP)

    def panel_title(self, panel: Panel, where: tuple, width: float, size: float) -> tuple[TextBox, TextBox | None]:
        """The title on one line; the subtitle beside it if it fits, else under it."""
        title = self.ts.text(_title_text(panel), width, size, TITLE_STYLE, "accent", where=where + ("title",))
        if not panel.subtitle:
            return title, None
        natural = self.ts.natural_width(_title_text(panel), size, TITLE_STYLE)
        sub_size = size * SUBTITLE_SCALE
        beside = width - natural - sub_size * PT
        sub_natural = self.ts.natural_width(panel.subtitle, sub_size, Style("hand"))
        if sub_natural <= beside:
            subtitle = self.ts.text(panel.subtitle, beside, sub_size, Style("hand"), "grey", where=where + ("subtitle",))
            drop = title.first_baseline - subtitle.first_baseline
            return title, subtitle.at(natural + sub_size * PT, drop)
        subtitle = self.ts.text(panel.subtitle, width, sub_size, Style("hand"), "grey", where=where + ("subtitle",))
        return title, subtitle.at(0.0, title.height)

    def _panel_height(self, r: int, p: int, width: float, size: float) -> float:
        """mm a panel needs at this width and body size (inf: it cannot be set that narrow)."""
        zone = self.title_zone(r, p, width, size)
        if zone == float("inf"):
            return zone
        content = self.columns(r, p, width - 2 * PANEL_PADDING, size)
        return zone + content[0] + PANEL_PADDING if content else float("inf")

    def _block_height(self, r: int, p: int, b: int, width: float) -> float:
        """em a block needs at a width in em: a block scales with its text, so this is all
        any size needs."""
        block = self.sheet.rows[r].panels[p].blocks[b]
        try:
            return block_height(block, self.ts, width * PT * 10, 10.0, ("rows", r, "panels", p, "blocks", b)) / (PT * 10)
        except TextTooWide:
            return float("inf")

    def columns(self, r: int, p: int, width: float, size: float) -> tuple[float, list[float], list[list[int]]] | None:
        """(height, column widths, blocks per column) of a panel's content, the split that needs
        the least height; None if no split fits the width."""
        panel = self.sheet.rows[r].panels[p]
        n = panel.columns
        free = width - COLUMN_GAP * (n - 1)
        if panel.column_widths:
            candidates = [[free * s / sum(panel.column_widths) for s in panel.column_widths]]
        elif n == 2:
            candidates = [[free * f, free * (1 - f)] for f in (0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65)]
        else:
            candidates = [[free / n] * n]
        best = None
        for widths in candidates:
            for groups in self.splits(panel):
                heights = []
                for w, group in zip(widths, groups):
                    em = size * PT
                    total = sum(self.block_height(r, p, b, _quantized(w / em)) for b in group) * em
                    heights.append(total + BLOCK_GAP * em * max(0, len(group) - 1))
                height = max(heights)
                if height < float("inf") and (best is None or height < best[0] - 0.01):
                    best = (height, widths, groups)
        return best

    def splits(self, panel: Panel) -> list[list[list[int]]]:
        """Ways to share the blocks among the columns: as their column: keys say, else every
        split of the blocks in order."""
        n, count = panel.columns, len(panel.blocks)
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

    def place_panel(self, panel: Panel, where: tuple, frame: Rect, page_size_pt: float) -> PanelLayout:
        """The panel in its frame: its title, and its blocks at the largest size that fits,
        between the page's size (or the theme's smallest, if it must shrink) and GROW times it."""
        r, p = where[1], where[3]
        theme = self.sheet.theme
        width = round(frame.w, 2)
        zone = self.title_zone(r, p, width, page_size_pt)
        if zone == float("inf"):
            self.refuse_title(panel, where, frame.w)
        content_h = frame.h - zone - PANEL_PADDING
        high = page_size_pt if theme.font_size else min(theme.max_font_size, page_size_pt * GROW)
        inner = frame.w - 2 * PANEL_PADDING

        def fits(s: float) -> bool:
            found = self.columns(r, p, inner, s)
            return found is not None and found[0] <= content_h + 0.01

        size = fit_size(fits, theme.min_font_size, high, SIZE_STEP)
        if size is None:
            self.refuse_panel(panel, where, inner, content_h)
        height, widths, groups = self.columns(r, p, inner, size)
        air = self.air(panel, where, widths, groups, size, content_h)
        title_size = self.title_size(r, p, width, page_size_pt)
        title, subtitle = self.panel_title(panel, where, frame.w - 2 * PANEL_PADDING, title_size)
        title = title.at(frame.x + PANEL_PADDING, frame.y + PANEL_PADDING)
        if subtitle is not None:
            subtitle = subtitle.at(title.x + subtitle.x, title.y + subtitle.y)
        underline_y = frame.y + zone - PANEL_PADDING - TITLE_GAP * 0.45
        natural = self.ts.natural_width(_title_text(panel), title_size, TITLE_STYLE)
        underline = (title.x, title.x + natural, underline_y)
        placed = []
        x = frame.x + PANEL_PADDING
        em = size * PT
        for w, group in zip(widths, groups):
            y = frame.y + zone
            for b in group:
                block_where = where + ("blocks", b)
                heading, geometry = layout_block(panel.blocks[b], self.ts, w, size, block_where, air)
                placed.append(Placed(panel.blocks[b], block_where, x, y, w, heading, geometry))
                y += geometry.height + (BLOCK_GAP + AIR_BETWEEN_BLOCKS * air) * em
            x += w + COLUMN_GAP
        return PanelLayout(panel, where, frame, title, subtitle, underline, size, tuple(placed))

    def air(self, panel: Panel, where: tuple, widths: list[float], groups: list[list[int]], size: float, room: float) -> float:
        """The most room (em, in steps, up to MAX_AIR) spread between the lines of lists and
        between blocks that still lets the panel's content fit its frame."""
        em = size * PT

        def height(air: float) -> float:
            tallest = 0.0
            for w, group in zip(widths, groups):
                blocks = [layout_block(panel.blocks[b], self.ts, w, size, where + ("blocks", b), air)[1].height for b in group]
                tallest = max(tallest, sum(blocks) + (BLOCK_GAP + AIR_BETWEEN_BLOCKS * air) * em * max(0, len(group) - 1))
            return tallest

        return fit_size(lambda air: height(air) <= room + 0.01, 0.0, MAX_AIR, AIR_STEP) or 0.0

    # ------------------------------------------------------------------ the banner

    def banner(self, body: float) -> tuple[Rect, TextBox, TextBox | None]:
        """The banner at a body size: its title as large as BANNER_SCALE times the body (at least
        BANNER_TITLE_SIZE) and the page's width allow, its subtitle likewise."""
        sheet = self.sheet
        width = self.inner - 2 * BANNER_SIDE
        text = _banner_text(sheet)
        start = round(max(BANNER_TITLE_SIZE, BANNER_SCALE * body) / SIZE_STEP) * SIZE_STEP
        size = fit_size(lambda s: self.ts.natural_width(text, s, TITLE_STYLE) <= width, MIN_BANNER_TITLE_SIZE, start, SIZE_STEP)
        if size is None:
            need = self.ts.natural_width(text, MIN_BANNER_TITLE_SIZE, TITLE_STYLE)
            raise _Refused([self.source.problem(("title",), f"the title is too long for one line: at {MIN_BANNER_TITLE_SIZE:g} pt "
                                                f"it needs {need:.0f} mm, the banner has {width:.0f} mm; shorten it")])
        title = self.ts.text(text, width, size, TITLE_STYLE, "text", "center", ("title",))
        subtitle = None
        height = BANNER_PADDING * 2 + title.height
        if sheet.subtitle:
            sub_start = round(max(BANNER_SUBTITLE_SIZE, BANNER_SUBTITLE_SIZE * size / BANNER_TITLE_SIZE) / SIZE_STEP) * SIZE_STEP
            sub_size = fit_size(lambda s: self.ts.natural_width(sheet.subtitle, s, Style("hand")) <= width,
                                MIN_TITLE_SIZE, sub_start, SIZE_STEP)
            if sub_size is None:
                raise _Refused([self.source.problem(("subtitle",), "the subtitle is too long for one line; shorten it")])
            subtitle = self.ts.text(sheet.subtitle, width, sub_size, Style("hand"), "grey", "center", ("subtitle",))
            height += subtitle.height
        if sheet.title_height:
            rows = sum(row.height or 0 for row in sheet.rows) or len(sheet.rows)
            usable = self.height - 2 * self.margin - self.gap * len(sheet.rows)
            height = max(height, usable * sheet.title_height / (sheet.title_height + rows))
        banner = Rect(self.margin, self.margin, self.inner, height)
        text_h = title.height + (subtitle.height if subtitle else 0.0)
        y = banner.y + (height - text_h) / 2
        title = title.at(banner.x + BANNER_SIDE, y)
        if subtitle is not None:
            subtitle = subtitle.at(banner.x + BANNER_SIDE, y + title.height)
        return banner, title, subtitle

    # ------------------------------------------------------------------ refusals

    def refuse_overflow(self, low: float, room: float) -> None:
        """Nothing fits at the smallest size: name the titles and words too wide, else the rows."""
        for r, row in enumerate(self.sheet.rows):
            widths = self.row_widths(r, low)
            for p, panel in enumerate(row.panels):
                if self.title_size(r, p, round(widths[p], 2), low) is None:
                    self.refuse_title(panel, ("rows", r, "panels", p), widths[p])
        problems = self.too_wide(low)
        if not problems:
            heights, widths = self.rows_at(low, room)
            for r, row in enumerate(self.sheet.rows):
                for p, panel in enumerate(row.panels):
                    need = self.panel_height(r, p, round(widths[r][p], 2), low)
                    if row.height is not None and need > heights[r] + 0.01:
                        problems.append(self.source.problem(("rows", r, "panels", p), f"panel '{markup.plain(panel.title)}' does not fit: "
                                                            f"its text needs {need:.0f} mm even at {low:g} pt, the panel has {heights[r]:.0f} mm"))
            if not problems:
                need = sum(self.row_need(r, widths[r], low) for r in range(len(self.sheet.rows)))
                problems.append(self.source.problem(("rows",), f"the sheet does not fit on one page: even at {low:g} pt its rows need "
                                                    f"{need:.0f} mm, the page has {room:.0f} mm; shorten it, or lower theme.min_font_size"))
        raise _Refused(problems)

    def too_wide(self, size: float) -> list[Problem]:
        problems = []
        for r, row in enumerate(self.sheet.rows):
            widths = self.row_widths(r, size)
            for p, panel in enumerate(row.panels):
                content = widths[p] - 2 * PANEL_PADDING
                for b, block in enumerate(panel.blocks):
                    column = content if panel.columns == 1 else (content - COLUMN_GAP * (panel.columns - 1)) / panel.columns
                    try:
                        layout_block(block, self.ts, column, size, ("rows", r, "panels", p, "blocks", b))
                    except TextTooWide as error:
                        problems.append(self.source.problem(error.where, f"the word '{error.word.text}' is wider than its column "
                                                            f"({error.needs_mm:.1f} mm at {size:g} pt, the column has {error.has_mm:.1f} mm); "
                                                            "shorten it, or give its panel more width", error.word.offset))
        return problems

    def refuse_title(self, panel: Panel, where: tuple, width: float) -> None:
        need = self.ts.natural_width(_title_text(panel), MIN_TITLE_SIZE, TITLE_STYLE)
        raise _Refused([self.source.problem(where + ("title",), f"panel title '{markup.plain(panel.title)}' is too long for its panel: "
                                            f"at {MIN_TITLE_SIZE:g} pt it needs {need:.0f} mm, the panel has {width - 2 * PANEL_PADDING:.0f} mm")])

    def refuse_panel(self, panel: Panel, where: tuple, width: float, has: float) -> None:
        problems = self.too_wide(self.sheet.theme.min_font_size)
        if not problems:
            low = self.sheet.theme.min_font_size
            found = self.columns(where[1], where[3], width, low)
            need = found[0] if found else float("inf")
            problems = [self.source.problem(where, f"panel '{markup.plain(panel.title)}' does not fit: its text needs "
                                            f"{need:.0f} mm even at {low:g} pt, the panel has {has:.0f} mm")]
        raise _Refused(problems)


TITLE_STYLE = Style("hand", bold=True)
WIDTH_QUANTUM = 0.2  # em: blocks are measured at widths rounded down to this, so searches reuse them


def _quantized(width: float) -> float:
    """A width rounded down to WIDTH_QUANTUM: a block set there needs at least the height it
    needs at the width itself, so a layout decided on it never overflows."""
    return math.floor(width / WIDTH_QUANTUM + 1e-9) * WIDTH_QUANTUM

"""Where everything goes on the page: every height, width, column split and text size.

The one place layout is decided, from TeX's measurements (through the Typesetter): the banner
fits its title, rows are as tall as their content needs (or the share they were given), the
panels of a row share its width so that their content fills them evenly, the body text takes the
largest size at which the page holds everything, and panels with room to spare grow their text a
little, so the page is full and its sizes even. Millimetres, origin at the page's top left.

This module sizes and places a page of rows (Sizer); what a panel needs is asked of panels.py,
the rows for panels given without them are chosen by arrange.py, the banner is banner.py's, and
what cannot fit is worded by refusals.py.
"""
from __future__ import annotations

import dataclasses
import math

from texsheet.errors import ContentError
from texsheet.layout.arrange import Arranger
from texsheet.layout.banner import BANNER_SUBTITLE_SIZE, BANNER_TITLE_SIZE, Banner, banner_text
from texsheet.layout.blocks import BLOCK_GAP, CENTRED, Placed, Rect, block_height, diagram_width, layout_block
from texsheet.layout.panels import (COLUMN_GAP, PANEL_PADDING, PANEL_TITLE_SIZE, SIZE_STEP, TITLE_STYLE, Panels, Row,
                                    title_text)
from texsheet.layout.placement import Layout, PanelLayout
from texsheet.layout.refusals import Refusals, Refused
from texsheet.model.sheet import Diagram, Panel, Sheet
from texsheet.model.source import Source
from texsheet.model.theme import PAGE_SIZES
from texsheet.text.paragraphs import Style
from texsheet.text.typeset import Typesetter, fit_size
from texsheet.text.units import PT

UNDERLINE_DROP = 0.2  # em of the title: how far below its baseline a panel title's underline runs
GROW = 1.25  # a panel with room to spare sets its text up to this much larger than the page's
MAX_AIR = 1.2  # em of room to spare a panel may put between the lines of its lists
MAX_LIFT = 3.0  # em: room left over goes above the content, as far as this, and below it
MAX_SPREAD = 4.0  # em: a column shorter than its panel's tallest parts its blocks by at most this much more
AIR_STEP = 0.1
AIR_BETWEEN_BLOCKS = 2.0  # blocks part by this many times the air between lines
ASK_WIDTH = 1e6  # mm: wider than any word a content file can hold (MAX_FILE_BYTES)


def page_size(sheet: Sheet) -> tuple[float, float]:
    """(width, height) of the page in mm."""
    width, height = PAGE_SIZES[sheet.page.size]
    if sheet.page.orientation == "landscape":
        return height, width
    return width, height


def ask_texts(sheet: Sheet, ts: Typesetter) -> None:
    """Set every text of the sheet once, in the style it will be drawn in, so that the
    typesetter knows every segment TeX must measure (sizes do not matter here, and at ASK_WIDTH
    no word is too wide, so no text goes unasked)."""
    ts.text(banner_text(sheet), ASK_WIDTH, BANNER_TITLE_SIZE, TITLE_STYLE)
    ts.text(sheet.subtitle, ASK_WIDTH, BANNER_SUBTITLE_SIZE, Style("hand"))
    for where, panel in sheet.placed_panels():
        ts.text(title_text(panel), ASK_WIDTH, PANEL_TITLE_SIZE, TITLE_STYLE)
        ts.text(panel.subtitle, ASK_WIDTH, PANEL_TITLE_SIZE, Style("hand"))
        for b, block in enumerate(panel.blocks):
            block_height(block, ts, ASK_WIDTH, 10.0, where + ("blocks", b))


def layout_sheet(sheet: Sheet, ts: Typesetter, source: Source) -> Layout:
    """The whole page; a ContentError names what cannot fit and where it stands."""
    inner = page_size(sheet)[0] - 2 * sheet.page.margin
    panels = Panels(sheet, ts, inner, sheet.page.gap)
    try:
        return plan_page(Sizer(sheet, ts, source, panels, Banner(sheet, ts, source, inner)), page_units(sheet))
    except Refused as refused:
        raise ContentError(refused.problems) from None


def page_units(sheet: Sheet) -> list:
    """What a sheet's pages are planned from, in reading order: its rows as given, or the places
    of its panels when it gives none."""
    if sheet.rows is not None:
        return [Row(row.height, tuple(("rows", r, "panels", p) for p in range(len(row.panels))))
                for r, row in enumerate(sheet.rows)]
    return [where for where, _ in sheet.placed_panels()]


def plan_page(sizer: Sizer, units: list) -> Layout:
    """The page of these units (see page_units): rows set as they are given, panels first
    arranged in rows."""
    if sizer.sheet.rows is not None:
        return sizer.plan_rows(units)
    return Arranger(sizer.sheet, sizer.panels, units, sizer.plan_rows).arrange()


class Sizer:
    """Sizes and places a page of given rows: the body size at which the rows fit, the rows'
    heights and the panels' widths, each panel placed in its frame at its size, the banner
    above; what cannot fit is refused with its place (worded by Refusals)."""

    def __init__(self, sheet: Sheet, ts: Typesetter, source: Source, panels: Panels, banner: Banner):
        self.sheet, self.ts = sheet, ts
        self.width, self.height = page_size(sheet)
        self.margin, self.gap = sheet.page.margin, sheet.page.gap
        self.panels, self.panel_at, self.banner = panels, panels.panel_at, banner
        self.refusals = Refusals(sheet, ts, source, panels)
        self.rows: list[Row] = []
        self.banner_need = 0.0  # mm the banner's text needs, at the body size being tried

    def plan_rows(self, rows: list[Row]) -> Layout:
        """The page of these rows, at the largest body size at which they fit."""
        self.rows = rows
        theme = self.sheet.theme
        low, high = theme.min_font_size, theme.font_size or theme.max_font_size
        # The banner and the rows share the page's height less its margins and gaps.
        room = self.height - 2 * self.margin - self.gap * len(rows)
        body = low
        # The banner's title keeps in step with the body text: sized for the body the page
        # would have under a banner of the smallest title, then the page sized again under it.
        for _ in range(2):
            title, subtitle, self.banner_need = self.banner.text(body)
            if theme.font_size and all(math.isfinite(h) for h in self.rows_at(high, room)[1]):
                size = high  # one size: a panel that needs more room than its row has shrinks alone
            else:
                # A panel that cannot be set at font_size at all (a word wider than it) would
                # make its row infinitely tall: the page takes the largest size that fits.
                size = fit_size(lambda s: self.rows_fit(s, room), low, high, SIZE_STEP)
            if size is None:
                self.refuse_overflow(low, room)
            body = size
        banner_height, heights, widths = self.rows_at(size, room, fill=True)
        banner, title, subtitle = self.banner.place(banner_height, title, subtitle)
        panels, y = [], banner.bottom + self.gap
        for r, row in enumerate(rows):
            x = self.margin
            for p, where in enumerate(row.places):
                frame = Rect(x, y, widths[r][p], heights[r])
                panels.append(self.place_panel(self.panel_at[where], where, frame, size))
                x += widths[r][p] + self.gap
            y += heights[r] + self.gap
        return Layout(self.width, self.height, banner, title, subtitle, tuple(panels), size)

    def rows_at(self, size: float, room: float, fill: bool = False) -> tuple[float, list[float], list[list[float]]]:
        """The banner's height, the rows' heights and the panels' widths at a body size, in room
        (the page's height for the banner and the rows). The banner and the rows are as tall as
        they need, except those given a share (title_height, a row's height): the room the
        others leave is shared among them in proportion, a banner never below its need. With
        fill and no shares, the room left goes first to rows whose text can still grow, as far
        as it would grow, then to all."""
        widths = [self.panels.row_widths(row, size) for row in self.rows]
        needs = [self.panels.row_need(row, w, size) for row, w in zip(self.rows, widths)]
        shares = [row.height for row in self.rows]
        banner_share = self.sheet.title_height or None
        left = room - sum(n for n, share in zip(needs, shares) if share is None)
        given = sum(share for share in shares if share is not None)
        banner = self.banner_need
        if banner_share:
            banner = max(banner, left * banner_share / (given + banner_share)) if left > 0 else banner
        left -= banner
        if given:
            return banner, [n if share is None else left * share / given for n, share in zip(needs, shares)], widths
        if not fill or banner_share:
            return banner, needs, widths
        most = grown(size, self.sheet.theme.max_font_size) if not self.sheet.theme.font_size else size
        wants = [self.panels.row_need(row, w, most) - n for row, w, n in zip(self.rows, widths, needs)]
        wants = [w if 0.0 < w < float("inf") else 0.0 for w in wants]
        heights = list(needs)
        if sum(wants) > 0:
            given_out = min(1.0, left / sum(wants))
            heights = [h + w * given_out for h, w in zip(heights, wants)]
        left = room - banner - sum(heights)
        return banner, [h + left * h / sum(heights) for h in heights], widths

    def rows_fit(self, size: float, room: float) -> bool:
        """Whether the banner and the rows fit room at a body size, each panel in its row."""
        banner, heights, widths = self.rows_at(size, room)
        if any(h == float("inf") for h in heights) or banner + sum(heights) > room + 0.01:
            return False
        return all(self.panels.row_need(row, w, size) <= h + 0.01 for row, w, h in zip(self.rows, widths, heights))

    def place_panel(self, panel: Panel, where: tuple, frame: Rect, page_size_pt: float) -> PanelLayout:
        """The panel in its frame: its title, and its blocks at the largest size that fits,
        between the page's size (or the theme's smallest, if it must shrink) and GROW times it."""
        theme = self.sheet.theme
        width = round(frame.w, 2)
        zone = self.panels.title_zone(where, width, page_size_pt)
        if zone == float("inf"):
            self.refusals.refuse_title(panel, where, frame.w)
        content_h = frame.h - zone - PANEL_PADDING
        high = page_size_pt if theme.font_size else grown(page_size_pt, theme.max_font_size)
        inner = frame.w - 2 * PANEL_PADDING

        def fits(s: float) -> bool:
            found = self.panels.columns(where, inner, s)
            return found is not None and found[0] <= content_h + 0.01

        def diagrams_whole(s: float) -> bool:
            found = self.panels.columns(where, inner, s)
            return found is not None and not any(isinstance(panel.blocks[b], Diagram) and diagram_width(panel.blocks[b], self.ts, s) > w + 0.01
                                                 for w, group in zip(found[1], found[2]) for b in group)

        # Past the page's size, text grows only while the panel's diagrams grow with it: a
        # diagram drawn smaller to fit its column keeps its size, and the text around it would
        # outgrow it.
        if high > page_size_pt and not diagrams_whole(high):
            high = max(page_size_pt, fit_size(diagrams_whole, page_size_pt, high, SIZE_STEP) or page_size_pt)
        size = fit_size(fits, theme.min_font_size, high, SIZE_STEP)
        if size is None:
            self.refusals.refuse_panel(self.rows, panel, where, inner, content_h)
        height, widths, groups = self.panels.columns(where, inner, size)
        air = self.air(panel, where, widths, groups, size, content_h)
        title_size = self.panels.title_size(where, width, page_size_pt)
        title, subtitle = self.panels.panel_title(panel, where, frame.w - 2 * PANEL_PADDING, title_size)
        title = title.at(frame.x + PANEL_PADDING, frame.y + PANEL_PADDING)
        if subtitle is not None:
            subtitle = subtitle.at(title.x + subtitle.x, title.y + subtitle.y)
        # Under the title's own line, a fifth of its size below the baseline, whatever its size;
        # a subtitle set below the title stays under the line, not above it.
        underline_y = title.y + title.first_baseline + UNDERLINE_DROP * title_size * PT
        natural = self.ts.natural_width(title_text(panel), title_size, TITLE_STYLE)
        underline = (title.x, title.x + natural, underline_y)
        em = size * PT
        gap = (BLOCK_GAP + AIR_BETWEEN_BLOCKS * air) * em
        x, columns = frame.x + PANEL_PADDING, []
        for w, group in zip(widths, groups):
            blocks = [(b, *layout_block(panel.blocks[b], self.ts, w, size, where + ("blocks", b), air, self.panels.least))
                      for b in group]
            columns.append((x, w, blocks, sum(g.height for _, _, g in blocks) + gap * (len(blocks) - 1)))
            x += w + COLUMN_GAP
        bottom = max(height for _, _, _, height in columns)
        placed = []
        for x, w, blocks, height in columns:
            # A column shorter than its neighbour parts its blocks further, by as much as
            # MAX_SPREAD lines each, so that it does not end in a blank half way down.
            spread = min(MAX_SPREAD * em, (bottom - height) / (len(blocks) - 1)) if len(blocks) > 1 else 0.0
            y = 0.0
            for b, heading, geometry in blocks:
                placed.append(Placed(panel.blocks[b], where + ("blocks", b), x, y, w, heading, geometry))
                y += geometry.height + gap + spread
        # What room the content leaves, it leaves above and below it in equal parts, up to
        # MAX_LIFT lines above it: far below its title, content looks lost; a figure alone is
        # centred in its frame.
        lift = max(0.0, content_h - bottom) / 2
        top = frame.y + zone + (lift if all(block.kind in CENTRED for block in panel.blocks) else min(lift, MAX_LIFT * em))
        placed = [dataclasses.replace(block, y=top + block.y) for block in placed]
        return PanelLayout(panel, where, frame, title, subtitle, underline, size, tuple(placed))

    def air(self, panel: Panel, where: tuple, widths: list[float], groups: list[list[int]], size: float, room: float) -> float:
        """The most room (em, in steps, up to MAX_AIR) spread between the lines of lists and
        between blocks that still lets the panel's content fit its frame."""
        em = size * PT

        def height(air: float) -> float:
            tallest = 0.0
            for w, group in zip(widths, groups):
                blocks = [block_height(panel.blocks[b], self.ts, w, size, where + ("blocks", b), air, self.panels.least) for b in group]
                tallest = max(tallest, sum(blocks) + (BLOCK_GAP + AIR_BETWEEN_BLOCKS * air) * em * max(0, len(group) - 1))
            return tallest

        return fit_size(lambda air: height(air) <= room + 0.01, 0.0, MAX_AIR, AIR_STEP) or 0.0

    def refuse_overflow(self, low: float, room: float) -> None:
        """Nothing fits at the smallest size: name the titles and words too wide, else the rows."""
        self.refusals.refuse_titles(self.rows, low)
        problems = self.refusals.too_wide(self.rows, low)
        if not problems:
            _, heights, widths = self.rows_at(low, room)
            problems = self.refusals.overflows(self.rows, low, room, self.banner_need, heights, widths)
        raise Refused(problems)


def grown(size: float, most: float) -> float:
    """The largest size a panel's text may grow to from the page's: GROW times it, in SIZE_STEP
    steps, at most most."""
    return min(most, math.floor(size * GROW / SIZE_STEP + 1e-9) * SIZE_STEP)

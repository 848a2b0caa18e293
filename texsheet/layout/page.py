"""Where everything goes on the page: every height, width, column split and text size.

The one place layout is decided, from TeX's measurements (through the Typesetter): the banner
fits its title, rows are as tall as their content needs (or the share they were given), the
panels of a row share its width so that their content fills them evenly, the body text takes the
largest size at which the page holds everything, and panels with room to spare grow their text a
little, so the page is full and its sizes even. Millimetres, origin at the page's top left.
"""
from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass
from functools import lru_cache

from texsheet.errors import ContentError, Problem
from texsheet.layout.blocks import BLOCK_GAP, CENTRED, FLOORED, Placed, Rect, block_height, code_breaks, layout_block, unbroken_width
from texsheet.layout.diagram_text import DiagramTooWide
from texsheet.model.sheet import Panel, Sheet
from texsheet.model.source import Source
from texsheet.model.theme import PAGE_SIZES
from texsheet.text import markup
from texsheet.text.paragraphs import Style
from texsheet.text.typeset import LEADING, TextBox, TextTooWide, Typesetter, fit_size
from texsheet.text.units import PT

PANEL_PADDING = 3.0  # mm between a panel's frame and its content
TITLE_GAP = 2.4  # mm between a panel's title line and its content
UNDERLINE_DROP = 0.2  # em of the title: how far below its baseline a panel title's underline runs
COLUMN_GAP = 4.0  # mm between the columns of a panel
MIN_COLUMN_WIDTH = 60.0  # mm: a panel without columns: is set in two only if each is this wide
COLUMNS_SAVING = 0.85  # and they need at most this share of the height one column needs
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
MAX_AIR = 1.2  # em of room to spare a panel may put between the lines of its lists
MAX_LIFT = 3.0  # em: room left over goes above the content, as far as this, and below it
AIR_STEP = 0.1
AIR_BETWEEN_BLOCKS = 2.0  # blocks part by this many times the air between lines
WIDTH_STEPS = 24  # rounds of moving width between the panels of a row
# Panels given without rows are grouped into rows: at most MAX_ROWS rows, at most MAX_PER_ROW
# panels to a row and none narrower than MIN_PANEL_WIDTH mm; of the groupings whose text is at
# least SIZE_TOLERANCE of the largest any reaches, the one that leaves the least empty.
MAX_ROWS = 12
MAX_PER_ROW = 4
MIN_PANEL_WIDTH = 55.0
SIZE_TOLERANCE = 0.85
COMFORTABLE_SIZE = 12.0  # pt: text this large reads well; a larger size is no reason to choose a layout
MIN_MEASURE = 12.0  # em: text broken into lines narrower than this reads poorly
FLAW_COST = 0.5
LARGER_PAGE = {"a5": "a4", "a4": "a3", "letter": "a3"}  # what a sheet too long for its page may try
UNSET_ROW = 1e6  # mm: how tall groupings() takes a row that cannot be set at any size
MAX_GROUPINGS = 40  # more ways than this to put the panels in rows: only one per number of rows is tried
ASK_WIDTH = 1e6  # mm: wider than any word a content file can hold (MAX_FILE_BYTES)
# The empty share of a page: its 5 mm cells (inside a 10 mm margin) farther than 12 mm from text.
EMPTY_CELL, EMPTY_REACH, EMPTY_MARGIN = 5.0, 12.0, 10.0


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
    """One page: the banner and its text (on a sheet's first page only), the panels, and the
    page's number on a sheet of several pages."""

    width: float
    height: float
    banner: Rect | None
    title: TextBox | None
    subtitle: TextBox | None
    panels: tuple[PanelLayout, ...]
    size: float = 0.0  # the page's body size, pt (a panel's text may grow past it, up to GROW times)
    number: TextBox | None = None


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
    ts.text(_banner_text(sheet), ASK_WIDTH, BANNER_TITLE_SIZE, TITLE_STYLE)
    ts.text(sheet.subtitle, ASK_WIDTH, BANNER_SUBTITLE_SIZE, Style("hand"))
    for where, panel in sheet.placed_panels():
        ts.text(_title_text(panel), ASK_WIDTH, PANEL_TITLE_SIZE, TITLE_STYLE)
        ts.text(panel.subtitle, ASK_WIDTH, PANEL_TITLE_SIZE, Style("hand"))
        for b, block in enumerate(panel.blocks):
            block_height(block, ts, ASK_WIDTH, 10.0, where + ("blocks", b))


def _banner_text(sheet: Sheet) -> str:
    return (sheet.icon + " " if sheet.icon else "") + sheet.title + (" " + sheet.icon if sheet.icon else "")


def titled(panel: Panel) -> bool:
    """Whether a panel has a title line: a title, an icon or a subtitle."""
    return bool(panel.title or panel.icon or panel.subtitle)


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


@dataclass(frozen=True)
class _Row:
    """A band of the page: its height share (None: as tall as it needs) and its panels' places
    in the content."""

    height: float | None
    places: tuple[tuple, ...]


class _Panels:
    """What a panel needs at a width and a body size: its title, its content's columns and
    height, and the widths a row's panels share; and what is refused when nothing fits. Each
    answer is kept, as the planner asks the same questions at many sizes."""

    def __init__(self, sheet: Sheet, ts: Typesetter, source: Source, inner: float, gap: float):
        self.sheet, self.ts, self.source = sheet, ts, source
        self.inner, self.gap = inner, gap
        self.least = sheet.theme.min_font_size
        self.panel_at = dict(sheet.placed_panels())
        self.panel_height = lru_cache(maxsize=None)(self._panel_height)
        self.block_height = lru_cache(maxsize=None)(self._block_height)
        self.unbroken = lru_cache(maxsize=None)(self._unbroken)
        self.code_breaks = lru_cache(maxsize=None)(self._code_breaks)
        self.title_size = lru_cache(maxsize=None)(self._title_size)
        self.balanced: dict[tuple, list[float]] = {}

    def row_need(self, row: _Row, widths: list[float], size: float) -> float:
        return max(self.panel_height(where, round(w, 2), size) for where, w in zip(row.places, widths))

    def row_widths(self, row: _Row, size: float) -> list[float]:
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
                        total = sum(self.block_height(where + ("blocks", b), _quantized(w / em), self.floor(where + ("blocks", b), size))
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

    def too_wide(self, rows: list[_Row], size: float) -> list[Problem]:
        """Every word too wide for its column at this size, with its place."""
        problems = []
        for row in rows:
            for where, w in zip(row.places, self.row_widths(row, size)):
                panel = self.panel_at[where]
                content = w - 2 * PANEL_PADDING
                n = panel.columns or 1
                column = (content - COLUMN_GAP * (n - 1)) / n
                if column < MIN_TITLE_SIZE * PT:  # narrower than a letter of its title: no room for any text
                    problems.append(self.source.problem(where, f"panel '{markup.plain(panel.title)}' is too narrow for any text: "
                                                        f"{_mm(w)} mm wide, {_mm(max(0.0, column))} mm for each of its {n} column{'s' if n > 1 else ''}; "
                                                        "give it more width" + (", or fewer columns" if n > 1 else "")))
                    continue
                for b, block in enumerate(panel.blocks):
                    try:
                        layout_block(block, self.ts, column, size, where + ("blocks", b), least=self.least)
                    except TextTooWide as error:
                        problems.append(self.source.problem(error.where, f"the word '{error.word.text}' is wider than its column "
                                                            f"({error.needs_mm:.1f} mm at {size:g} pt, the column has {error.has_mm:.1f} mm); "
                                                            "shorten it, or give its panel more width", error.word.offset))
                    except DiagramTooWide as error:
                        problems.append(self.source.problem(error.where, f"the diagram is too wide for its column: it needs {_mm(error.needs_mm)} mm "
                                                            f"with its text at {error.size:g} pt (its smallest at min_font_size, {error.least:g} pt), "
                                                            f"its column has {_mm(error.has_mm)} mm; " + self.wider(row, where, error.needs_mm)))
        return problems

    def wider(self, row: _Row, where: tuple, column: float) -> str:
        """What would give a panel of row a column column mm wide: a width: share in its row
        (or a row of its own), else fewer columns, shorter texts or a larger page."""
        panel = self.panel_at[where]
        n = panel.columns or 1
        # 2 mm more: blocks are measured at widths rounded down to a fifth of the body's em (1.7 mm at 24 pt).
        need = n * (column + 2.0) + COLUMN_GAP * (n - 1) + 2 * PANEL_PADDING
        free = self.inner - self.gap * (len(row.places) - 1)
        others = sum(self.panel_at[w].width or 1.0 for w in row.places if w != where)
        if len(row.places) > 1 and need < free:
            share = max(math.ceil(need * others / (free - need) * 20) / 20, (panel.width or 1.0) + 0.05)
            return f"give its panel more width (width: {share:g}) or a row of its own"
        found = ["fewer columns in its panel"] if n > 1 else []
        if len(row.places) > 1 and column + 2 * PANEL_PADDING < self.inner:
            found.append("a row of its own")
        found.append("shorter texts in its nodes")
        larger = LARGER_PAGE.get(self.sheet.page.size)
        if larger:
            found.append(f"a larger page (page: size: {larger})")
        return "give it " + (", ".join(found[:-1]) + ", or " + found[-1] if len(found) > 1 else found[0])

    def refuse_title(self, panel: Panel, where: tuple, width: float) -> None:
        need = self.ts.natural_width(_title_text(panel), MIN_TITLE_SIZE, TITLE_STYLE)
        raise _Refused([self.source.problem(where + ("title",), f"panel title '{markup.plain(panel.title)}' is too long for its panel: "
                                            f"at {MIN_TITLE_SIZE:g} pt it needs {need:.0f} mm, the panel has {width - 2 * PANEL_PADDING:.0f} mm")])

    def refuse_panel(self, rows: list[_Row], panel: Panel, where: tuple, width: float, has: float) -> None:
        low = self.sheet.theme.min_font_size
        problems = self.too_wide(rows, low)
        if not problems:
            found = self.columns(where, width, low)
            row = next(row for row in rows if where in row.places)
            if found is None:  # a word too wide for one of its columns of unequal widths
                problems = [self.source.problem(where, f"panel '{markup.plain(panel.title)}' does not fit: a word is wider than "
                                                f"one of its columns even at {low:g} pt; give it more width, or fewer columns")]
            else:
                problems = [self.panel_short(where, row, found[0], has, low, "the panel")]
        raise _Refused(problems)

    def panel_short(self, where: tuple, row: _Row, need: float, has: float, low: float, holder: str) -> Problem:
        """A panel whose text needs more than holder gives it: by how much, and what would fix it."""
        short = need - has
        return self.source.problem(where, f"panel '{markup.plain(self.panel_at[where].title)}' does not fit: its text needs "
                                   f"{_mm(need)} mm even at {low:g} pt, {holder} gives it {_mm(has)} mm, {_mm(short)} mm short; "
                                   + self.fixes(row, short / (LEADING * low * PT), low, page=False))

    def fixes(self, row: _Row, lines: float, low: float, page: bool) -> str:
        """What would give a panel of row room for lines more lines: fewer lines, a larger share
        of the page or of its row, a larger page, two sheets."""
        lines = max(1, math.ceil(lines - 0.05))
        found = [f"shorten it by about {lines} line{'s' if lines > 1 else ''} at {low:g} pt"]
        if row.height is not None:
            found.append(f"give its row a larger height: (now {row.height:g})")
        if len(row.places) > 1 and any(self.panel_at[where].width is not None for where in row.places):
            found.append("give it more width: in its row")
        if page:
            larger = LARGER_PAGE.get(self.sheet.page.size)
            if larger:
                found.append(f"use a larger page (page: size: {larger})")
            found.append("split the sheet into two")
        return ", ".join(found[:-1]) + ", or " + found[-1] if len(found) > 1 else found[0]


class _Planner:
    """The page: the panels in rows (as given, or the best arrangement), the body size at which
    the rows fit, each panel placed in its frame at its size, the banner; what cannot fit is
    refused with its place."""

    def __init__(self, sheet: Sheet, ts: Typesetter, source: Source):
        self.sheet, self.ts, self.source = sheet, ts, source
        self.width, self.height = page_size(sheet)
        self.margin, self.gap = sheet.page.margin, sheet.page.gap
        self.inner = self.width - 2 * self.margin
        self.panels = _Panels(sheet, ts, source, self.inner, self.gap)
        self.panel_at = self.panels.panel_at
        self.rows: list[_Row] = []
        self.banner_need = 0.0  # mm the banner's text needs, at the body size being tried

    # ------------------------------------------------------------------ the plan

    def places(self) -> list[tuple]:
        """The places of the panels this page holds, in reading order."""
        return [where for where, _ in self.sheet.placed_panels()]

    def plan(self) -> Layout:
        if self.sheet.rows is not None:
            return self.plan_rows([_Row(row.height, tuple(("rows", r, "panels", p) for p in range(len(row.panels))))
                                   for r, row in enumerate(self.sheet.rows)])
        return self.arrange()

    def arrange(self) -> Layout:
        """Panels given without rows: laid out in each grouping groupings() proposes; of the
        layouts whose text is comfortably large (or nearly the largest any reach), the one that
        breaks the fewest lines of code and words, then leaves the least of the page empty (its
        empty share and its largest blank area, added), each line broken in a narrow box counting
        FLAW_COST of its share of the lines."""
        found, refused = [], None
        for rows in self.groupings():
            try:
                layout = self.plan_rows(rows)
            except _Refused as error:
                refused = refused or error
                continue
            broken, cramped, lines = flaws(layout)
            blank = empty_share(layout) + largest_hole(layout)
            found.append((min(p.size for p in layout.panels), (broken, blank + FLAW_COST * cramped / max(1, lines)), layout))
        if not found:
            raise refused  # groupings() proposes at least one, and each either fits or is refused
        enough = min(max(size for size, _, _ in found) * SIZE_TOLERANCE, COMFORTABLE_SIZE)
        return min((item for item in found if item[0] >= enough), key=lambda item: item[1])[2]

    def groupings(self) -> list[list[_Row]]:
        """Ways to put the panels in rows, in reading order, at most as many to a row as fit side
        by side: every way, if there are at most MAX_GROUPINGS, else for each number of rows the
        one that needs the least height at a middle size. Those that need the least height first."""
        places = self.places()
        n = len(places)
        most = max(1, min(MAX_PER_ROW, int((self.inner + self.gap) // (MIN_PANEL_WIDTH + self.gap))))
        most = max(most, math.ceil(n / MAX_ROWS))  # a narrow page still has a way to hold every panel
        theme = self.sheet.theme
        low = theme.min_font_size
        size = theme.font_size or round((low + theme.max_font_size) / 2 / SIZE_STEP) * SIZE_STEP

        def row_need(row: _Row, size: float) -> float:
            return self.panels.row_need(row, self.panels.row_widths(row, size), size)

        @lru_cache(maxsize=None)
        def need(i: int, j: int) -> float:
            """The row's height at the middle size; a row that cannot be set that large is
            judged by its height at the smallest size, scaled up (text grows with its size), and
            one that cannot be set at all by UNSET_ROW: every grouping is tried, in that order."""
            row = _Row(None, tuple(places[i:j]))
            found = row_need(row, size)
            if found == float("inf") and low < size:
                found = row_need(row, low) * size / low
            return found if found < float("inf") else UNSET_ROW

        def rows_of(cuts: list[int]) -> tuple[float, list[_Row]]:
            return (sum(need(a, b) for a, b in zip(cuts, cuts[1:])),
                    [_Row(None, tuple(places[a:b])) for a, b in zip(cuts, cuts[1:])])

        every = list(itertools.islice(_cuts(n, most, MAX_ROWS), MAX_GROUPINGS + 1))
        if len(every) <= MAX_GROUPINGS:
            candidates = [rows_of(cuts) for cuts in every]
        else:
            inf = float("inf")
            # least[k][j]: the least height of the first j panels in k rows, and where the last row starts
            least = [[(inf, 0)] * (n + 1) for _ in range(n + 1)]
            least[0][0] = (0.0, 0)
            candidates = []
            for k in range(1, min(n, MAX_ROWS) + 1):
                for j in range(1, n + 1):
                    least[k][j] = min(((least[k - 1][i][0] + need(i, j), i) for i in range(max(0, j - most), j)), default=(inf, 0))
                if least[k][n][0] < inf:
                    cuts, j = [n], n
                    for rows_left in range(k, 0, -1):
                        j = least[rows_left][j][1]
                        cuts.append(j)
                    candidates.append(rows_of(cuts[::-1]))
        return [rows for _, rows in sorted(candidates, key=lambda c: c[0])]

    def plan_rows(self, rows: list[_Row]) -> Layout:
        self.rows = rows
        theme = self.sheet.theme
        low, high = theme.min_font_size, theme.font_size or theme.max_font_size
        # The banner and the rows share the page's height less its margins and gaps.
        room = self.height - 2 * self.margin - self.gap * len(rows)
        body = low
        # The banner's title keeps in step with the body text: sized for the body the page
        # would have under a banner of the smallest title, then the page sized again under it.
        for _ in range(2):
            title, subtitle, self.banner_need = self.banner_text(body)
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
        banner, title, subtitle = self.place_banner(banner_height, title, subtitle)
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
        grown = _grown(size, self.sheet.theme.max_font_size) if not self.sheet.theme.font_size else size
        wants = [self.panels.row_need(row, w, grown) - n for row, w, n in zip(self.rows, widths, needs)]
        wants = [w if 0.0 < w < float("inf") else 0.0 for w in wants]
        heights = list(needs)
        if sum(wants) > 0:
            given_out = min(1.0, left / sum(wants))
            heights = [h + w * given_out for h, w in zip(heights, wants)]
        left = room - banner - sum(heights)
        return banner, [h + left * h / sum(heights) for h in heights], widths

    def rows_fit(self, size: float, room: float) -> bool:
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
            self.panels.refuse_title(panel, where, frame.w)
        content_h = frame.h - zone - PANEL_PADDING
        high = page_size_pt if theme.font_size else _grown(page_size_pt, theme.max_font_size)
        inner = frame.w - 2 * PANEL_PADDING

        def fits(s: float) -> bool:
            found = self.panels.columns(where, inner, s)
            return found is not None and found[0] <= content_h + 0.01

        size = fit_size(fits, theme.min_font_size, high, SIZE_STEP)
        if size is None:
            self.panels.refuse_panel(self.rows, panel, where, inner, content_h)
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
        natural = self.ts.natural_width(_title_text(panel), title_size, TITLE_STYLE)
        underline = (title.x, title.x + natural, underline_y)
        placed = []
        x, bottom = frame.x + PANEL_PADDING, 0.0
        em = size * PT
        for w, group in zip(widths, groups):
            y = 0.0
            for b in group:
                block_where = where + ("blocks", b)
                heading, geometry = layout_block(panel.blocks[b], self.ts, w, size, block_where, air, self.panels.least)
                placed.append(Placed(panel.blocks[b], block_where, x, y, w, heading, geometry))
                bottom = max(bottom, y + geometry.height)
                y += geometry.height + (BLOCK_GAP + AIR_BETWEEN_BLOCKS * air) * em
            x += w + COLUMN_GAP
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

    # ------------------------------------------------------------------ the banner

    def banner_text(self, body: float) -> tuple[TextBox, TextBox | None, float]:
        """The banner's title, as large as BANNER_SCALE times the body (at least
        BANNER_TITLE_SIZE) and the page's width allow, its subtitle likewise, and the height
        they need."""
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
        return title, subtitle, height

    def place_banner(self, height: float, title: TextBox, subtitle: TextBox | None) -> tuple[Rect, TextBox, TextBox | None]:
        """The banner at the top of the page, height tall, its text in its middle."""
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
        for row in self.rows:
            widths = self.panels.row_widths(row, low)
            for where, w in zip(row.places, widths):
                if self.panels.title_size(where, round(w, 2), low) is None:
                    self.panels.refuse_title(self.panel_at[where], where, w)
        problems = self.panels.too_wide(self.rows, low) or self.overflows(low, room)
        raise _Refused(problems)

    def overflows(self, low: float, room: float) -> list[Problem]:
        """What does not fit at the smallest size, place by place. If the rows need more than the
        page has, the panels that set the height of the tallest rows, as many as must give up
        about half their height at most to make up the difference (all, in proportion, when
        that is not enough); else each panel that needs more than its row's share gives it."""
        banner, heights, widths = self.rows_at(low, room)
        needs = [[self.panels.panel_height(where, round(w, 2), low) for where, w in zip(row.places, row_widths)]
                 for row, row_widths in zip(self.rows, widths)]
        problems = [self.source.problem(where, f"panel '{markup.plain(self.panel_at[where].title)}' does not fit: a word is wider "
                                        f"than one of its columns even at {low:g} pt; give it more width, or fewer columns")
                    for row, row_needs_r in zip(self.rows, needs) for where, need in zip(row.places, row_needs_r) if need == float("inf")]
        if problems:
            return problems
        row_needs = [max(n) for n in needs]
        over = self.banner_need + sum(row_needs) - room
        if over > 0.01:
            key = "rows" if self.sheet.rows is not None else "panels"
            cuts, left = {}, over
            for r in sorted(range(len(self.rows)), key=lambda r: -row_needs[r]):
                if left <= 0.01:
                    break
                cuts[r] = min(left, row_needs[r] / 2)
                left -= cuts[r]
            if left > 0.01:
                cuts = {r: over * need / sum(row_needs) for r, need in enumerate(row_needs)}
            line = LEADING * low * PT
            for r, cut in sorted(cuts.items()):
                row = self.rows[r]
                # The panel with the most text: where the row's panels share its width by their
                # content, a line less in one lowers the row by that panel's share of the width.
                p = max(range(len(row.places)), key=lambda p: needs[r][p] * widths[r][p])
                where = row.places[p]
                lines = cut / line
                if len(row.places) > 1 and not any(self.panel_at[w].width is not None for w in row.places):
                    lines *= sum(widths[r]) / widths[r][p]
                held = f"the most text of its row, {_mm(row_needs[r])} mm tall" if len(row.places) > 1 else f"{_mm(row_needs[r])} mm tall"
                problems.append(self.source.problem(where, (
                    f"the sheet does not fit on one page, {_mm(over)} mm over even at {low:g} pt (its {key} need "
                    f"{_mm(sum(row_needs))} mm, the page has {_mm(room - self.banner_need)} mm): panel "
                    f"'{markup.plain(self.panel_at[where].title)}' ({held}); " + self.panels.fixes(row, lines, low, page=True))))
            return problems
        for row, row_needs_r, height in zip(self.rows, needs, heights):
            for where, need in zip(row.places, row_needs_r):
                if need > height + 0.01:
                    problems.append(self.panels.panel_short(where, row, need, height, low, f"its row (height: {row.height:g})"))
        return problems or [self.source.problem(("title",), f"the sheet does not fit on one page even at {low:g} pt; "
                                                "shorten it, or split it into two sheets")]


def empty_share(layout: Layout) -> float:
    """The share of the page, inside its margin, that is farther than EMPTY_REACH from any line
    of text: how empty a reader finds the page."""
    near, _ = _near_cells(layout)
    return 1.0 - sum(near) / max(1, len(near))


def largest_hole(layout: Layout) -> float:
    """The largest connected part of the page's empty share, as a share of the page: one blank
    area reads worse than the same blank spread in small gaps."""
    near, columns = _near_cells(layout)
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


def _mm(length: float) -> str:
    """A length in mm as a message shows it: whole millimetres, tenths below 10."""
    return f"{length:.0f}" if abs(length) >= 10 else f"{length:.1f}"


def _grown(size: float, most: float) -> float:
    """The largest size a panel's text may grow to from the page's: GROW times it, in SIZE_STEP
    steps, at most most."""
    return min(most, math.floor(size * GROW / SIZE_STEP + 1e-9) * SIZE_STEP)


def _at_least(widths: list[float], least: list[float]) -> list[float]:
    """The widths with none below its least: what is added is taken from the others, in
    proportion to their room above their least (the least add up to no more than the widths)."""
    raised = [max(w, low) for w, low in zip(widths, least)]
    over = sum(raised) - sum(widths)
    spare = [r - low for r, low in zip(raised, least)]
    if over > 0:
        raised = [r - over * room / sum(spare) for r, room in zip(raised, spare)]
    return raised


def _cuts(n: int, most: int, rows: int):
    """Every way to cut n panels into at most rows rows of at most most: the row starts, and n."""
    if n == 0:
        yield [0]
        return
    if n > most * rows:
        return
    for last in range(1, min(most, n) + 1):
        for cuts in _cuts(n - last, most, rows - 1):
            yield cuts + [n]


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


TITLE_STYLE = Style("hand", bold=True)
WIDTH_QUANTUM = 0.2  # em: blocks are measured at widths rounded down to this, so searches reuse them


def _quantized(width: float) -> float:
    """A width rounded down to WIDTH_QUANTUM: a block set there needs at least the height it
    needs at the width itself, so a layout decided on it never overflows."""
    return math.floor(width / WIDTH_QUANTUM + 1e-9) * WIDTH_QUANTUM

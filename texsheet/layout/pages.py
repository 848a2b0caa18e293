"""A sheet on several pages (pages: N): its panels shared among them in reading order.

Each page is laid out by the one-page planner (page.py), on the panels (or given rows) that fall
to it; the title banner is on the first page only. The sheet reads as one document: every page
is set at one body size, the largest at which the fullest page fits, and the cuts between pages
are moved while that lets the text grow. A panel taller than a page on its own goes on over the
next page (parts.py). Each page carries its number, "2/3", in its bottom right corner, in the
hand. A one-page sheet that does not fit is refused with the number of pages it would fit on.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from texsheet.errors import ContentError, Problem
from texsheet.layout.banner import Banner, NoBanner
from texsheet.layout.page import ASK_WIDTH, Sizer, grown, layout_sheet, page_size, page_units, plan_page
from texsheet.layout.panels import MIN_PANEL_WIDTH, PANEL_TITLE_SIZE, TITLE_STYLE, Panels, Row, title_text
from texsheet.layout.parts import CONTINUED, split_tall
from texsheet.layout.placement import Layout
from texsheet.layout.refusals import Refused
from texsheet.model.sheet import AUTO_PAGES, MAX_PAGES, Sheet
from texsheet.model.source import Source
from texsheet.text.paragraphs import Style
from texsheet.text.typeset import TextBox, Typesetter

NUMBER_SIZE = 9.0  # pt of a page's number
NUMBER_STYLE = Style("hand")
MOVES = 12  # rounds of moving a cut between pages


@dataclass(frozen=True)
class Document:
    """A sheet laid out: its pages, and the sheet and source they were laid out from (a panel too
    tall for a page split into parts)."""

    sheet: Sheet
    source: Source
    pages: tuple[Layout, ...]


def ask_page_texts(sheet: Sheet, ts: Typesetter) -> None:
    """Ask what pages add to the text (see ask_texts), whatever the pages: the titles of
    continued panels and the page numbers. A one-page sheet that does not fit is laid out on
    more pages to say how many it needs."""
    for _, panel in sheet.placed_panels():
        ts.text(title_text(panel) + CONTINUED, ASK_WIDTH, PANEL_TITLE_SIZE, TITLE_STYLE)
    for n in range(2, MAX_PAGES + 1):
        for k in range(1, n + 1):
            ts.text(_number(k, n), ASK_WIDTH, NUMBER_SIZE, NUMBER_STYLE)


def layout_document(sheet: Sheet, ts: Typesetter, source: Source) -> Document:
    """The sheet on its pages (with pages: auto, the fewest that hold it); a ContentError names
    what cannot fit, and for a sheet too long for one page, how many pages it fits on."""
    if sheet.pages == AUTO_PAGES:
        return _fewest_pages(sheet, ts, source)
    if sheet.pages > 1:
        return _Paginator(sheet, ts, source).document()
    try:
        return Document(sheet, source, (layout_sheet(sheet, ts, source),))
    except ContentError as error:
        if not any(ONE_PAGE in p.message for p in error.problems):
            raise
        raise ContentError(_with_hint(error.problems, ONE_PAGE, _more_pages(sheet, ts, source))) from None


ONE_PAGE = "does not fit on one page"  # what the one-page planner says of a sheet too long for it


def _fewest_pages(sheet: Sheet, ts: Typesetter, source: Source) -> Document:
    """The sheet on one page if it fits, else on the fewest pages that hold it; refused as on
    MAX_PAGES pages when none do."""
    try:
        one = dataclasses.replace(sheet, pages=1)
        return Document(one, source, (layout_sheet(one, ts, source),))
    except ContentError as error:
        if not any(ONE_PAGE in p.message for p in error.problems):
            raise
    for n in range(2, MAX_PAGES):
        try:
            return _Paginator(dataclasses.replace(sheet, pages=n), ts, source).document()
        except ContentError:
            continue
    return _Paginator(dataclasses.replace(sheet, pages=MAX_PAGES), ts, source).document()


def _more_pages(sheet: Sheet, ts: Typesetter, source: Source) -> str:
    """What a sheet too long for its pages could do instead: the fewest pages it fits on, and for
    a Markdown note, one sheet per page."""
    hint = ""
    for n in range(sheet.pages + 1, MAX_PAGES + 1):
        try:
            _Paginator(dataclasses.replace(sheet, pages=n), ts, source).document()
        except ContentError:
            continue
        hint = f"; it fits on {n} pages: pages: {n} (or texsheet compile --pages {n})"
        break
    if source.path.suffix.lower() in (".md", ".markdown"):
        hint += f"; or one sheet per page: texsheet import --split {source.path.name}"
    return hint


def _with_hint(problems: list[Problem], said: str, hint: str) -> list[Problem]:
    """The problems, the first that says said (the sheet is too long) followed by hint."""
    first = next(p for p in problems if said in p.message)
    return [dataclasses.replace(p, message=p.message + hint) if p is first else p for p in problems]


def _number(k: int, n: int) -> str:
    return f"{k}/{n}"


class _Paginator:
    """The cuts between pages, and the pages laid out at one body size."""

    def __init__(self, sheet: Sheet, ts: Typesetter, source: Source):
        theme = sheet.theme
        self.low = theme.font_size or theme.min_font_size
        self.sheet, self.source = split_tall(sheet, ts, source, self.low)
        self.ts = ts
        self.width, self.height = page_size(sheet)
        self.units = page_units(self.sheet)
        self.count = min(sheet.pages, len(self.units))
        self.planned: dict[tuple, Layout | Refused] = {}
        self.panels = Panels(self.sheet, ts, self.width - 2 * sheet.page.margin, sheet.page.gap)

    def document(self) -> Document:
        cuts = self.improve(self.balanced())
        pages = [self.page(cuts, k) for k in range(self.count)]
        refused = [(k, page) for k, page in enumerate(pages) if isinstance(page, Refused)]
        if refused:
            raise ContentError(self.refusal(*refused[0]))
        theme = self.sheet.theme
        if not theme.font_size:
            # Every page's text near the size of the fullest's: a page with room grows its
            # text at most as far as a panel with room grows past its page's (GROW).
            most = grown(min(page.size for page in pages), theme.max_font_size)
            pages = [self.page(cuts, k, most) for k in range(self.count)]
        return Document(self.sheet, self.source, tuple(self.numbered(page, k) for k, page in enumerate(pages)))

    def page(self, cuts: tuple[int, ...], k: int, most: float | None = None) -> Layout | Refused:
        """Page k of the cuts (where each page starts, and the end), its text at most most pt."""
        units = tuple(self.units[cuts[k]:cuts[k + 1]])
        key = (units, k == 0, most)
        if key not in self.planned:
            sheet = self.sheet
            if most is not None:
                sheet = dataclasses.replace(sheet, theme=dataclasses.replace(sheet.theme, max_font_size=most))
            try:
                banner = (Banner if k == 0 else NoBanner)(sheet, self.ts, self.source, self.panels.inner)
                self.planned[key] = plan_page(Sizer(sheet, self.ts, self.source, self.panels, banner), list(units))
            except Refused as refused:
                self.planned[key] = refused
        return self.planned[key]

    def size(self, cuts: tuple[int, ...]) -> float:
        """The body size all pages of the cuts can take: the smallest page's (0: one does not fit)."""
        pages = [self.page(cuts, k) for k in range(self.count)]
        return min((0.0 if isinstance(page, Refused) else page.size) for page in pages)

    def balanced(self) -> tuple[int, ...]:
        """Cuts that share the panels' area at the smallest size among the pages in proportion to
        their room (the first page's less the banner): a start for improve()."""
        panels = self.panels
        inner = panels.inner
        areas = []
        for unit in self.units:
            if isinstance(unit, Row):
                areas.append(panels.row_need(unit, panels.row_widths(unit, self.low), self.low) * inner)
                continue
            width = max(MIN_PANEL_WIDTH, (inner - self.sheet.page.gap) / 2)
            height = panels.panel_height(unit, round(width, 2), self.low)
            if height == float("inf"):
                width, height = inner, panels.panel_height(unit, round(inner, 2), self.low)
            areas.append(min(height, self.height) * width)
        rooms = [inner * (self.height - 2 * self.sheet.page.margin)] * self.count
        rooms[0] -= inner * self.banner_height()
        n = len(areas)
        best: dict[tuple[int, int], tuple[float, tuple[int, ...]]] = {(0, 0): (0.0, (0,))}
        for k in range(1, self.count + 1):
            for j in range(k, n - (self.count - k) + 1):
                options = [(max(best[(k - 1, i)][0], sum(areas[i:j]) / rooms[k - 1]), best[(k - 1, i)][1] + (j,))
                           for i in range(k - 1, j) if (k - 1, i) in best]
                if options:
                    best[(k, j)] = min(options)
        return best[(self.count, n)][1]

    def banner_height(self) -> float:
        return Banner(self.sheet, self.ts, self.source, self.panels.inner).text(self.low)[2] + self.sheet.page.gap

    def improve(self, cuts: tuple[int, ...]) -> tuple[int, ...]:
        """The cuts after moving one at a time, by one panel (or row), while that lets the
        smallest page's size grow."""
        size = self.size(cuts)
        for _ in range(MOVES):
            trials = [cuts[:c] + (cuts[c] + step,) + cuts[c + 1:] for c in range(1, self.count) for step in (-1, 1)]
            trials = [t for t in trials if all(a < b for a, b in zip(t, t[1:]))]
            found = max(((self.size(t), t) for t in trials), default=(0.0, cuts))
            if found[0] <= size:
                break
            size, cuts = found
        return cuts

    def numbered(self, page: Layout, k: int) -> Layout:
        """The page with its number at the bottom right, in the margin; the banner's place left
        out of pages after the first."""
        if self.count == 1:
            return page
        text = _number(k + 1, self.count)
        width = self.ts.natural_width(text, NUMBER_SIZE, NUMBER_STYLE)
        box: TextBox = self.ts.text(text, width + 1.0, NUMBER_SIZE, NUMBER_STYLE, "grey", where=("pages",))
        margin = self.sheet.page.margin
        y = min(self.height - box.height, self.height - margin + max(0.0, (margin - box.height) / 2))
        number = box.at(self.width - margin - width, y)
        if k == 0:
            return dataclasses.replace(page, number=number)
        return dataclasses.replace(page, banner=None, title=None, subtitle=None, number=number)

    def refusal(self, k: int, refused: Refused) -> list[Problem]:
        """What the page that does not fit says, as a page of the sheet, and how many pages would do."""
        where = f"does not fit on page {k + 1} of {self.count}"
        problems = [dataclasses.replace(p, message=p.message.replace(ONE_PAGE, where)) for p in refused.problems]
        if any(where in p.message for p in problems) and self.count == self.sheet.pages:
            problems = _with_hint(problems, where, _more_pages(self.sheet, self.ts, self.source))
        return problems

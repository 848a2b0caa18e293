"""The title banner across the top of a sheet's first page: its title as large as the body text
and the page's width allow, its subtitle under it, and its frame.
"""
from __future__ import annotations

import math

from texsheet.layout.geometry import Rect
from texsheet.layout.panels import MIN_TITLE_SIZE, SIZE_STEP, SUBTITLE_SCALE, TITLE_STYLE
from texsheet.layout.refusals import Refused
from texsheet.model.sheet import Sheet
from texsheet.model.source import Source
from texsheet.text.paragraphs import Style
from texsheet.text.typeset import TextBox, Typesetter, fit_size

BANNER_TITLE_SIZE = 20.0  # pt, at least; with larger body text, BANNER_SCALE times the body's
BANNER_SCALE = 1.8
BANNER_SUBTITLE_SIZE = 12.0
MIN_BANNER_TITLE_SIZE = 11.0
BANNER_PADDING = 3.2  # mm above and below the banner's text
BANNER_SIDE = 8.0  # mm on either side of the banner's text


def banner_text(sheet: Sheet) -> str:
    """The banner's title as it is set: the sheet's title between its icons."""
    return (sheet.icon + " " if sheet.icon else "") + sheet.title + (" " + sheet.icon if sheet.icon else "")


class Banner:
    """Sizes the banner's text to the body size and the page's width (refusing a title or
    subtitle too long for one line), and places it at the top of the page."""

    def __init__(self, sheet: Sheet, ts: Typesetter, source: Source, inner: float):
        self.sheet, self.ts, self.source = sheet, ts, source
        self.margin, self.inner = sheet.page.margin, inner

    def text(self, body: float) -> tuple[TextBox, TextBox | None, float]:
        """The banner's title, as large as BANNER_SCALE times the body (at least
        BANNER_TITLE_SIZE) and the page's width allow, its subtitle likewise, and the height
        they need."""
        sheet = self.sheet
        width = self.inner - 2 * BANNER_SIDE
        text = banner_text(sheet)
        start = round(max(BANNER_TITLE_SIZE, BANNER_SCALE * body) / SIZE_STEP) * SIZE_STEP
        size = fit_size(lambda s: self.ts.natural_width(text, s, TITLE_STYLE) <= width, MIN_BANNER_TITLE_SIZE, start, SIZE_STEP)
        if size is None:
            need = self.ts.natural_width(text, MIN_BANNER_TITLE_SIZE, TITLE_STYLE)
            raise Refused([self.source.problem(("title",), f"the title is too long for one line: at {MIN_BANNER_TITLE_SIZE:g} pt "
                                               f"it needs {need:.0f} mm, the banner has {width:.0f} mm; shorten it")])
        title = self.ts.text(text, width, size, TITLE_STYLE, "text", "center", ("title",))
        subtitle = None
        height = BANNER_PADDING * 2 + title.height
        if sheet.subtitle:
            # In step with the body, as the title would be had its length not made it smaller
            # (a subtitle below the body's size reads as a footnote), and below the title.
            grown = min(BANNER_SUBTITLE_SIZE * start / BANNER_TITLE_SIZE, SUBTITLE_SCALE * size)
            sub_start = max(BANNER_SUBTITLE_SIZE, math.floor(grown / SIZE_STEP + 1e-9) * SIZE_STEP)
            sub_size = fit_size(lambda s: self.ts.natural_width(sheet.subtitle, s, Style("hand")) <= width,
                                MIN_TITLE_SIZE, sub_start, SIZE_STEP)
            if sub_size is None:
                raise Refused([self.source.problem(("subtitle",), "the subtitle is too long for one line; shorten it")])
            subtitle = self.ts.text(sheet.subtitle, width, sub_size, Style("hand"), "grey", "center", ("subtitle",))
            height += subtitle.height
        return title, subtitle, height

    def place(self, height: float, title: TextBox, subtitle: TextBox | None) -> tuple[Rect, TextBox, TextBox | None]:
        """The banner at the top of the page, height tall, its text in its middle."""
        banner = Rect(self.margin, self.margin, self.inner, height)
        text_h = title.height + (subtitle.height if subtitle else 0.0)
        y = banner.y + (height - text_h) / 2
        title = title.at(banner.x + BANNER_SIDE, y)
        if subtitle is not None:
            subtitle = subtitle.at(banner.x + BANNER_SIDE, y + title.height)
        return banner, title, subtitle


class NoBanner(Banner):
    """The banner of a page after the first: none, so that its panels start at the top margin."""

    def text(self, body: float) -> tuple[None, None, float]:
        return None, None, 0.0

    def place(self, height: float, title: None, subtitle: None) -> tuple[Rect, None, None]:
        return Rect(self.margin, self.margin - self.sheet.page.gap, self.inner, 0.0), None, None

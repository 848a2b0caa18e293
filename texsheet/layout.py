"""Where everything goes on the page: pure geometry in millimetres, origin at the top left."""
from __future__ import annotations

from dataclasses import dataclass

from .model import Panel, Sheet
from .theme import PAGE_SIZES

PANEL_PADDING = 3.0  # mm between a panel's frame and its content
PANEL_TITLE_HEIGHT = 7.5  # mm taken by a panel's title line
HERO_TITLE_HEIGHT = 9.5  # mm taken by the larger title of a hero panel
BANNER_HEIGHT = 16.0  # mm of a banner that fits its title, without and with a subtitle
BANNER_HEIGHT_WITH_SUBTITLE = 22.0


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class PlacedPanel:
    """A panel, its frame, and the box its blocks must fit in."""

    panel: Panel
    where: tuple  # its path in the content, e.g. ("rows", 1, "panels", 0)
    frame: Rect
    body: Rect


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    banner: Rect
    panels: list[PlacedPanel]


def page_size(sheet: Sheet) -> tuple[float, float]:
    """(width, height) of the page in mm."""
    width, height = PAGE_SIZES[sheet.page.size]
    if sheet.page.orientation == "landscape":
        return height, width
    return width, height


def layout_sheet(sheet: Sheet) -> Layout:
    """Split the page into the banner and the rows' panels by their shares."""
    width, height = page_size(sheet)
    margin, gap = sheet.page.margin, sheet.page.gap
    usable = height - 2 * margin - gap * len(sheet.rows)
    if sheet.title_height:
        unit = usable / (sheet.title_height + sum(row.height for row in sheet.rows))
        banner_h = sheet.title_height * unit
    else:
        banner_h = BANNER_HEIGHT_WITH_SUBTITLE if sheet.subtitle else BANNER_HEIGHT
        unit = (usable - banner_h) / sum(row.height for row in sheet.rows)
    banner = Rect(margin, margin, width - 2 * margin, banner_h)
    panels: list[PlacedPanel] = []
    y = margin + banner.h + gap
    for r, row in enumerate(sheet.rows):
        row_h = row.height * unit
        free = width - 2 * margin - gap * (len(row.panels) - 1)
        total = sum(p.width for p in row.panels)
        x = margin
        for p, panel in enumerate(row.panels):
            w = free * panel.width / total
            frame = Rect(x, y, w, row_h)
            title_h = HERO_TITLE_HEIGHT if panel.hero else PANEL_TITLE_HEIGHT
            body = Rect(x + PANEL_PADDING, y + title_h + PANEL_PADDING, w - 2 * PANEL_PADDING, row_h - title_h - 2 * PANEL_PADDING)
            panels.append(PlacedPanel(panel, ("rows", r, "panels", p), frame, body))
            x += w + gap
        y += row_h + gap
    return Layout(width, height, banner, panels)

"""Where everything goes on the page: pure geometry in millimetres, origin at the top left."""
from __future__ import annotations

from dataclasses import dataclass

from .model import Panel, Sheet
from .theme import PAGE_SIZES

PANEL_PADDING = 3.0  # mm between a panel's frame and its content
PANEL_TITLE_HEIGHT = 7.5  # mm taken by a panel's title line
HERO_TITLE_HEIGHT = 9.5  # mm taken by the larger title of a hero panel


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
    shares = [sheet.title_height] + [row.height for row in sheet.rows]
    usable = height - 2 * margin - gap * len(sheet.rows)
    unit = usable / sum(shares)
    banner = Rect(margin, margin, width - 2 * margin, sheet.title_height * unit)
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

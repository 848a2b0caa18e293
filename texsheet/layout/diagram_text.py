"""What every Mermaid diagram's layout shares: its texts measured in em of the diagram's text,
and the size its text is drawn at in its column.

A diagram is planned once in em (at DIAGRAM_MEASURE) and drawn at any size by scaling: the page
asks for it at many widths and sizes, and in em it is the same drawing at all of them. It takes
the body's size; less where it is wider than its column, never so little that any of its texts
falls below the theme's min_font_size (then it is refused: DiagramTooWide); more where its panel
has room to spare, which the page offers as air, as it does to lists.
"""
from __future__ import annotations

import math

from texsheet.text.paragraphs import Style
from texsheet.text.typeset import Typesetter
from texsheet.text.units import PT

DIAGRAM_MEASURE = 10.0  # pt at which the diagram's texts are set to size its shapes (in em, the same at every size)
DIAGRAM_WIDTH_QUANTUM = 0.2  # em: the page measures blocks at widths rounded down to this (room), so searches reuse them
MIN_DIAGRAM_SCALE = 0.6  # a diagram wider than its column is drawn smaller, its text too; the page gives it room for this
# With room to spare a diagram grows, up to DIAGRAM_GROW times its panel's text at FULL_AIR em of
# air (layout/page.py's MAX_AIR); a panel's text grows up to 1.25 times the page's (page.py's
# GROW), so a diagram's text stays within 1.5 times the page's.
DIAGRAM_GROW = 1.2
FULL_AIR = 1.2
FLOOR_TOLERANCE = 1e-3  # a diagram this much too wide at its floor is drawn there: 0.1 %, a tenth of a mm at most


class DiagramTooWide(Exception):
    """A diagram wider than its column even with its smallest text at the theme's min_font_size."""

    def __init__(self, where: tuple, needs_mm: float, has_mm: float, size: float, least: float):
        super().__init__(f"{needs_mm:.0f} mm > {has_mm:.0f} mm")
        self.where, self.needs_mm, self.has_mm, self.size, self.least = where, needs_mm, has_mm, size, least


def measure(ts: Typesetter, text: str, scale: float, style: Style, most: float) -> tuple[float, float]:
    """em (of the diagram's text) of text set at scale of it, in lines at most `most` em wide
    (wider only for a word that is): its box's width and height."""
    size = DIAGRAM_MEASURE * scale
    em = DIAGRAM_MEASURE * PT
    natural = ts.natural_width(text, size, style) / em
    width = round(max(ts.min_width(text, size, style) / em, min(natural, most)) + 0.01, 3)
    return width, ts.text(text, width * em, size, style, align="center").height / em


def room(width: float, size: float) -> float:
    """em of the diagram's text in width mm, rounded down to the page's quantum.

    The page sizes blocks at widths rounded down to its quantum, taking a block to be no
    shorter there than wider; a diagram scaled to its width is shorter there. So it is scaled
    to the width rounded down alike, and is as tall at any width as at that rounded one."""
    return math.floor(width / (size * PT) / DIAGRAM_WIDTH_QUANTUM + 1e-9) * DIAGRAM_WIDTH_QUANTUM


def fitted_scale(drawing_width: float, width: float, size: float, air: float = 0.0) -> float:
    """The scale at which a drawing drawing_width em wide fits width mm at size pt: at most 1,
    or more with air (em of room to spare), up to DIAGRAM_GROW."""
    most = 1.0 + (DIAGRAM_GROW - 1.0) * min(1.0, air / FULL_AIR)
    return min(most, room(width, size) / drawing_width) if drawing_width > 0 else most


def smallest_size(least: float, smallest: float) -> float:
    """pt: the least size of a diagram's text (in hundredths, as TeX is given it) at which its
    smallest text, smallest times as large, is still least pt."""
    return math.ceil(least / smallest * 100 - 1e-6) / 100


def text_size(drawing_width: float, width: float, size: float, where: tuple, air: float = 0.0, least: float = 0.0,
              smallest: float = 1.0) -> float:
    """pt of a diagram's text, drawn drawing_width em wide in width mm beside body text of size
    pt: fitted_scale of size, in hundredths, but never so small that its smallest texts
    (smallest times as large) are below least, even beside smaller body text; DiagramTooWide
    when it does not fit its width that large."""
    found = math.floor(size * fitted_scale(drawing_width, width, size, air) * 100 + 1e-6) / 100
    lowest = smallest_size(least, smallest)
    if found >= lowest - 1e-9:
        return found
    # In the page's quantum, as the page decides on it (at 10 pt, its floor rounded there):
    # compared unrounded, with a margin far below a hundredth of a point, so that both agree.
    usable = room(width, size) * size
    if usable < drawing_width * least / smallest * (1 - FLOOR_TOLERANCE):
        raise DiagramTooWide(where, drawing_width * lowest * PT, usable * PT, lowest, least)
    return lowest

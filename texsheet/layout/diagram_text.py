"""What every Mermaid diagram's layout shares: its texts measured in em of the diagram's text,
and the scale that fits a drawing so measured into its column.

A diagram is planned once in em (at DIAGRAM_MEASURE) and drawn at any size by scaling: the page
asks for it at many widths and sizes, and in em it is the same drawing at all of them.
"""
from __future__ import annotations

import math

from texsheet.text.paragraphs import Style
from texsheet.text.typeset import Typesetter
from texsheet.text.units import PT

DIAGRAM_MEASURE = 10.0  # pt at which the diagram's texts are set to size its shapes (in em, the same at every size)
DIAGRAM_WIDTH_QUANTUM = 0.2  # em: layout/panels.py's WIDTH_QUANTUM (see fitted_scale)
MIN_DIAGRAM_SCALE = 0.6  # a diagram wider than its column is drawn smaller, its text too; the page gives it room for this


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


def fitted_scale(drawing_width: float, width: float, size: float) -> float:
    """The scale (at most 1) at which a drawing drawing_width em wide fits width mm at size pt."""
    return min(1.0, room(width, size) / drawing_width) if drawing_width > 0 else 1.0

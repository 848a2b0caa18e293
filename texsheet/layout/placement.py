"""What the layout decides, as data for the renderer: the page (its banner, its number) and each
panel's frame, title line, body size and placed blocks. Millimetres, origin at the page's top left.
"""
from __future__ import annotations

from dataclasses import dataclass

from texsheet.layout.blocks import Placed
from texsheet.layout.geometry import Rect
from texsheet.model.sheet import Panel
from texsheet.text.typeset import TextBox


@dataclass(frozen=True)
class PanelLayout:
    """One panel on its page: its frame, its title line and underline, and its blocks at its
    body size."""

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

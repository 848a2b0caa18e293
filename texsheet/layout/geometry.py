"""The shapes a block's layout is made of, in millimetres from the block's top left, y
downwards: rectangles, points, list items, and a block's whole geometry, which can be moved."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from texsheet.text.typeset import TextBox


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Item:
    """A line of a list: its marker (dot, icon, box, tick or a number) and its text."""

    marker: str  # dot, icon, box, done, tick, number
    x: float  # of the marker's left, mm
    baseline: float  # of the text's first line, where the marker sits
    text: TextBox
    label: TextBox | None = None  # the icon or the number, as text
    colour: str = "accent"


@dataclass(frozen=True)
class Geometry:
    """What a block draws, relative to its top left; texts lists every text box, items the
    lists' markers, parts is the kind's own drawing (a dict the kind's template reads)."""

    height: float
    texts: tuple[TextBox, ...] = ()
    items: tuple[Item, ...] = ()
    parts: dict = field(default_factory=dict)

    def below(self, dy: float) -> "Geometry":
        """The same drawing moved dy further down, its height grown by as much."""
        moved = shift(self, 0.0, dy)
        return replace(moved, height=self.height + dy)


def shift(value, dx: float, dy: float):
    """A copy of a geometry (or any part of one) moved by (dx, dy)."""
    if isinstance(value, TextBox):
        return value.at(value.x + dx, value.y + dy)
    if isinstance(value, Rect):
        return Rect(value.x + dx, value.y + dy, value.w, value.h)
    if isinstance(value, Item):
        return replace(value, x=value.x + dx, baseline=value.baseline + dy, text=shift(value.text, dx, dy),
                       label=shift(value.label, dx, dy))
    if isinstance(value, Geometry):
        return Geometry(value.height, shift(value.texts, dx, dy), shift(value.items, dx, dy), shift(value.parts, dx, dy))
    if isinstance(value, Point):
        return Point(value.x + dx, value.y + dy)
    if isinstance(value, tuple):
        return tuple(shift(v, dx, dy) for v in value)
    if isinstance(value, list):
        return [shift(v, dx, dy) for v in value]
    if isinstance(value, dict):
        return {k: shift(v, dx, dy) for k, v in value.items()}
    return value

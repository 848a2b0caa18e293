"""Text set in boxes from TeX's measurements: lines broken, stacked and sized in millimetres.

A Typesetter is asked for every text of the sheet by the layout. Before TeX has measured
anything it answers with rough sizes and records what was asked, so that one layout of every
block names every segment TeX must measure; after, it sets text exactly.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

from texsheet.text import lines as line_breaking
from texsheet.text.lines import Line, Metrics, TooWide
from texsheet.text.paragraphs import Faces, Paragraph, Segment, Style, build_code_lines, build_paragraphs, segments_of
from texsheet.text.units import PT

LEADING = 1.3  # baseline to baseline, em
STRUT_HEIGHT = 0.91  # every line is at least this tall above its baseline, em
STRUT_DEPTH = 0.39  # and this deep below it
LINE_GAP = 0.1  # least space between a tall line and the next, em

ROUGH = (0.01, 0.75, 0.25)  # size of a segment not yet measured, em: narrow, so that every text is set


EMPTY_LINE = Line((), 0.0, 0.0, 0.0, 0.0)  # an empty paragraph (a blank line of code) keeps its line


@dataclass(frozen=True)
class _SetLines:
    """A text's lines at a width (em), built only when drawn: (baseline, line or the words of
    a paragraph that make it) each."""

    entries: tuple
    width: float
    metrics: Metrics
    flaws: int  # lines of code broken, and words parted, to fit the width

    @functools.cached_property
    def lines(self) -> tuple[tuple[float, Line], ...]:
        built = []
        for baseline, line in self.entries:
            if not isinstance(line, Line):
                paragraph, span = line
                line = line_breaking.make_line(paragraph, span, self.width, self.metrics)
            built.append((baseline, line))
        return tuple(built)


@dataclass(slots=True)
class TextBox:
    """Text broken into lines at a width, its top left at (x, y) mm; line baselines are mm
    below the box's top. where is the content field it came from."""

    x: float
    y: float
    width: float
    height: float
    size: float  # pt
    colour: str  # the pen of the text
    set_lines: _SetLines
    first_baseline: float
    where: tuple = ()
    role: str = "body"  # whose font its text is set in (body, hand, code)

    @property
    def em(self) -> float:
        return self.size * PT

    def at(self, x: float, y: float) -> "TextBox":
        return TextBox(x, y, self.width, self.height, self.size, self.colour, self.set_lines, self.first_baseline, self.where,
                       self.role)

    @property
    def lines(self) -> tuple[tuple[float, float, Line], ...]:
        """(x, baseline, line) of each line, in mm from the box's top left."""
        em = self.em
        return tuple((0.0, baseline * em, line) for baseline, line in self.set_lines.lines)


class TextTooWide(Exception):
    """A word wider than the box it must be set in."""

    def __init__(self, too_wide: TooWide, where: tuple, size: float):
        super().__init__(too_wide.word.text)
        self.word = too_wide.word
        self.where = where
        self.needs_mm = too_wide.needs * size * PT
        self.has_mm = too_wide.has * size * PT


class _Rough(dict):
    def __missing__(self, key: str) -> tuple[float, float, float]:
        return ROUGH


@dataclass
class Typesetter:
    """Sets the sheet's texts; metrics is empty until TeX has measured the segments."""

    faces: Faces
    metrics: Metrics = field(default_factory=_Rough)
    _paragraphs: dict = field(default_factory=dict)
    _lines: dict = field(default_factory=dict)
    language: str = "en"  # whose rules hyphenate long words

    def paragraphs(self, text: str, style: Style, align: str = "left") -> list[Paragraph]:
        key = (text, style, align)
        if key not in self._paragraphs:
            self._paragraphs[key] = build_paragraphs(text, style, self.faces, align, self.language)
        return self._paragraphs[key]

    def code(self, lines: list[list[tuple[str, str]]]) -> list[Paragraph]:
        key = ("code", tuple(tuple(line) for line in lines))
        if key not in self._paragraphs:
            self._paragraphs[key] = build_code_lines(lines, self.faces)
        return self._paragraphs[key]

    def segments(self) -> set[Segment]:
        """Every segment of every text asked for so far."""
        return {s for paragraphs in self._paragraphs.values() for s in segments_of(paragraphs)}

    def measured(self, metrics: Metrics) -> "Typesetter":
        return Typesetter(self.faces, metrics, self._paragraphs, language=self.language)

    def text(self, text: str, width: float, size: float, style: Style = Style(), colour: str = "text",
             align: str = "left", where: tuple = ()) -> TextBox:
        """text set at size (pt) in lines of at most width (mm)."""
        return self.box(self.paragraphs(text, style, align), width, size, colour, where)

    def box(self, paragraphs: list[Paragraph], width: float, size: float, colour: str = "text", where: tuple = ()) -> TextBox:
        size = round(size, 2)
        em = size * PT
        try:
            lines, height = self._set(paragraphs, round(width / em, 4))
        except TooWide as error:
            raise TextTooWide(error, where, size) from None
        first = lines.entries[0][0] * em if lines.entries else 0.0
        return TextBox(0.0, 0.0, width, height * em, size, colour, lines, first, where, paragraphs[0].role if paragraphs else "body")

    def _set(self, paragraphs: list[Paragraph], width: float) -> tuple[_SetLines, float]:
        """Lines and their baselines, in em, at a width in em: the same for any size."""
        key = (id(paragraphs), width)
        found = self._lines.get(key)
        if found is not None and found[0] is paragraphs:
            return found[1], found[2]
        entries = []
        y = 0.0
        previous_depth = None
        flaws = 0
        for paragraph in paragraphs:
            breaks, parted = [], False
            for span in line_breaking.line_spans(paragraph, width, self.metrics):
                extent = line_breaking.span_extent(paragraph, span, self.metrics)
                if extent is None:  # part of a word: built now, for its height
                    line, parted = line_breaking.make_line(paragraph, span, width, self.metrics), True
                    breaks.append((line, line.height, line.depth))
                else:
                    breaks.append(((paragraph, span), *extent))
            flaws += parted
            if paragraph.whole:
                flaws += max(0, len(breaks) - 1)
            for line, height, depth in breaks or [(EMPTY_LINE, 0.0, 0.0)]:
                height, depth = max(height, STRUT_HEIGHT), max(depth, STRUT_DEPTH)
                y += height if previous_depth is None else max(LEADING, previous_depth + height + LINE_GAP)
                entries.append((y, line))
                previous_depth = depth
        total = y + (previous_depth or 0.0)
        lines = _SetLines(tuple(entries), width, self.metrics, flaws)
        self._lines[key] = (paragraphs, lines, total)
        return lines, total

    def natural_width(self, text: str, size: float, style: Style = Style()) -> float:
        """mm of the text set on one line (its widest paragraph)."""
        return max((line_breaking.natural_width(p, self.metrics) for p in self.paragraphs(text, style)), default=0.0) * size * PT

    def widest_line(self, paragraphs: list[Paragraph]) -> float:
        """em of the widest of the paragraphs set on one line."""
        return max((line_breaking.natural_width(p, self.metrics) for p in paragraphs), default=0.0)

    def min_width(self, text: str, size: float, style: Style = Style()) -> float:
        """mm of the text's widest word: the narrowest box it fits without parting words."""
        return max((line_breaking.widest_word(p, self.metrics) for p in self.paragraphs(text, style)), default=0.0) * size * PT


def fit_size(fits: Callable[[float], bool], low: float, high: float, step: float = 0.25) -> float | None:
    """The largest size in steps of step from high down to low for which fits holds, by
    bisection (fits is taken to be monotone); None when even low does not fit."""
    steps = round((high - low) / step)
    if fits(high):
        return high
    if not fits(low):
        return None
    good, bad = 0, steps
    while bad - good > 1:
        mid = (good + bad) // 2
        if fits(low + mid * step):
            good = mid
        else:
            bad = mid
    return low + good * step

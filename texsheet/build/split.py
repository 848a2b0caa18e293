"""A note too long for one page as several sheets (texsheet import --split): each a run of
consecutive top-level sections that fits one page, titled "Title (2/3)".

Whether a run fits is decided by laying it out as compile would, from TeX's measurements of its
text (measured once, for every run, in one measuring run), so each sheet written builds.
"""
from __future__ import annotations

import dataclasses

from texsheet.build.drawing import Drawing
from texsheet.build.engine import Deadline
from texsheet.build.pipeline import measured_apart, this_machine
from texsheet.errors import ContentError, TexsheetError
from texsheet.layout.banner import BANNER_TITLE_SIZE, banner_text
from texsheet.layout.page import ASK_WIDTH, layout_sheet
from texsheet.layout.panels import TITLE_STYLE
from texsheet.model.sheet import Sheet
from texsheet.model.source import Source

MOST_SHEETS = 24  # a note gives at most as many sheets as a sheet may have panels


def split_note(source: Source, sheet: Sheet, timeout: float = 60.0) -> list[Source]:
    """The note's content as one Source per sheet: its sections (panels, or rows where the note
    has thematic breaks) cut into runs that each fit one page, in order, titled "(k/n)"."""
    key = "rows" if sheet.rows is not None else "panels"
    units = getattr(sheet, key)
    drawing = Drawing(source, sheet, this_machine())
    titled = [dataclasses.replace(sheet, title=_numbered(sheet.title, k, n)) for n in range(1, MOST_SHEETS + 1) for k in range(1, n + 1)]
    for each in titled:
        drawing.typesetter.text(banner_text(each), ASK_WIDTH, BANNER_TITLE_SIZE, TITLE_STYLE)
    drawing.segments = drawing.typesetter.segments()  # the numbered titles are measured with the rest
    ts = drawing.typesetter.measured(measured_apart(drawing, Deadline(timeout)))
    theme = sheet.theme
    low = theme.font_size or theme.min_font_size
    runs = _runs(sheet, key, units, ts, source, low)
    if runs is None:
        raise TexsheetError(f"{source.path}: a section does not fit one page on its own even at {low:g} pt; shorten it, "
                            "or compile the note with --pages")
    # As few sheets, with their text as large as they allow: the runs that fit at the largest
    # size (in whole points) at which no more sheets are needed.
    size = low
    while not theme.font_size and size + 1 <= theme.max_font_size:
        larger = _runs(sheet, key, units, ts, source, size + 1)
        if larger is None or len(larger) > len(runs):
            break
        runs, size = larger, size + 1
    return [_part(source, key, a, b, k + 1, len(runs)) for k, (a, b) in enumerate(runs)]


def _runs(sheet: Sheet, key: str, units: list, ts, source: Source, size: float) -> list[tuple[int, int]] | None:
    """The runs (first, end) of units, each as long as fits one page with its text at least
    size pt; None if one unit alone does not."""
    sheet = dataclasses.replace(sheet, theme=dataclasses.replace(sheet.theme, min_font_size=size))
    runs, start = [], 0
    while start < len(units):
        end = start + 1
        while end < len(units) and _fits(sheet, key, units[start:end + 1], len(runs) + 1, ts, source):
            end += 1
        if end == start + 1 and not _fits(sheet, key, units[start:end], len(runs) + 1, ts, source):  # a longer run was seen to fit
            return None
        runs.append((start, end))
        start = end
    return runs


def _numbered(title: str, k: int, n: int) -> str:
    return f"{title} ({k}/{n})" if n > 1 else title


def _fits(sheet: Sheet, key: str, units: list, k: int, ts, source: Source) -> bool:
    """Whether the sheet of these units, the k-th, fits one page (its title numbered k of k:
    as wide as it will be, within a digit)."""
    part = dataclasses.replace(sheet, title=_numbered(sheet.title, k, max(k, 2)), pages=1, **{key: list(units)})
    try:
        layout_sheet(part, ts, source)
    except ContentError:
        return False
    return True


def _part(source: Source, key: str, a: int, b: int, k: int, n: int) -> Source:
    """The source of the sheet of units a to b: its data and the places of what it keeps."""
    data = {**source.data, key: source.data[key][a:b], "title": _numbered(source.data["title"], k, n)}
    marks = {}
    for where, mark in source.marks.items():
        if where[:1] != (key,) or len(where) == 1:
            marks[where] = mark
        elif a <= where[1] < b:
            marks[(key, where[1] - a) + where[2:]] = mark
    return dataclasses.replace(source, data=data, marks=marks, scalars={})

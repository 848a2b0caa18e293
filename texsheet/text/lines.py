"""Paragraphs broken into lines from the sizes TeX measured: ragged right, first fit, by one
breaker (line_spans), whose lines are built only when they are drawn.

A line breaks only at breakable glue; a word parts into its pieces only when it is wider than a
whole line, and then the line ends with the word's break mark. Every size is in em of the text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from texsheet.text.paragraphs import WRAP_MARK, Glue, Paragraph, Segment, Word

Metrics = Mapping[str, tuple[float, float, float]]  # segment TeX -> width, height, depth (em)
EPSILON = 1e-4  # em: widths are worked out to four decimals


@dataclass(frozen=True)
class Line:
    """Segments at their x offsets (em), the line's width, its height and depth, where its
    last segment ends (em: the width, moved with the line when it is centred), and the glue
    before each segment (None inside a word, and before the first)."""

    items: tuple[tuple[float, Segment], ...]
    width: float
    height: float
    depth: float
    right: float
    glues: tuple[Glue | None, ...] = ()


class TooWide(Exception):
    """A word (or a piece of it) is wider than the line it must go on."""

    def __init__(self, word: Word, needs: float, has: float):
        super().__init__(word.text)
        self.word = word
        self.needs = needs
        self.has = has


@dataclass
class _Builder:
    metrics: Metrics
    start: float
    parts: list[tuple[float, Segment]] = field(default_factory=list)
    glues: list[Glue | None] = field(default_factory=list)
    x: float = 0.0

    def __post_init__(self) -> None:
        self.x = self.start

    @property
    def empty(self) -> bool:
        return not self.parts

    def add(self, glue: Glue | None, segments: tuple[Segment, ...]) -> None:
        if glue is not None and self.parts:
            self.x += glue_width(glue, self.metrics)
        else:
            glue = None
        for segment in segments:
            self.parts.append((self.x, segment))
            self.glues.append(glue)
            self.x += self.metrics[segment.tex][0]
            glue = None

    def line(self, align: str, width: float) -> Line:
        shift = (width - self.x) / 2 if align == "center" else 0.0
        height = max(self.metrics[s.tex][1] for _, s in self.parts)
        depth = max(self.metrics[s.tex][2] for _, s in self.parts)
        parts = _visual_order([(x, s, g) for (x, s), g in zip(self.parts, self.glues)], self.metrics)
        return Line(tuple((x + shift, s) for x, s, _ in parts), self.x, height, depth, self.x + shift, tuple(g for _, _, g in parts))


def _visual_order(parts: list[tuple[float, Segment, Glue | None]], metrics: Metrics) -> list[tuple[float, Segment, Glue | None]]:
    """The parts (x, segment, glue before it) in the order they are seen, by Unicode's rule for
    it (UAX #9, L2): from the highest embedding level down to the lowest odd one, every run at
    or above the level is reversed; spaces move with the words, and TeX shapes the letters
    inside each segment. Without right-to-left text, the parts as they are."""
    if not any(segment.level for _, segment, _ in parts):
        return parts
    boxes = []  # (width, level, segment or None for a space, glue)
    for n, (x, segment, glue) in enumerate(parts):
        if n:
            gap = x - parts[n - 1][0] - metrics[parts[n - 1][1].tex][0]
            if gap > EPSILON:
                level = glue.space.level if glue is not None and glue.space is not None else min(segment.level, parts[n - 1][1].level)
                boxes.append((gap, level, None, glue))
        boxes.append((metrics[segment.tex][0], segment.level, segment, None))
    levels = [level for _, level, _, _ in boxes]
    for level in range(max(levels), min(level for level in levels if level % 2) - 1, -1):
        n = 0
        while n < len(boxes):
            if boxes[n][1] < level:
                n += 1
                continue
            end = n
            while end < len(boxes) and boxes[end][1] >= level:
                end += 1
            boxes[n:end] = reversed(boxes[n:end])
            n = end
    placed, x, glue = [], parts[0][0], None
    for width, _, segment, space in boxes:
        if segment is None:
            glue = space
        else:
            placed.append((x, segment, glue))
            glue = None
        x += width
    return placed


def glue_width(glue: Glue | None, metrics: Metrics) -> float:
    if glue is None or glue.space is None:
        return 0.0
    return glue.count * metrics[glue.space.tex][0]


@dataclass(frozen=True)
class _Sizes:
    words: list[float]  # each word's width
    glues: list[float]
    flat: list[tuple[Segment, ...]]  # each word's segments
    heights: list[float]  # each word's tallest segment
    depths: list[float]
    chunks: list[tuple[int, int]]  # runs of words that no glue may part


def _sizes(paragraph: Paragraph, metrics: Metrics) -> _Sizes:
    """A paragraph's sizes, worked out once per paragraph and metrics."""
    key = (id(paragraph), id(metrics))
    found = _SIZES.get(key)
    if found is None or found[0] is not paragraph or found[1] is not metrics:
        flat = [tuple(s for piece in w.pieces for s in piece) for w in paragraph.words]
        chunks, start = [], 0
        for k in range(1, len(flat) + 1):
            if k == len(flat) or paragraph.glues[k - 1].breakable:
                chunks.append((start, k))
                start = k
        sizes = _Sizes(
            [sum(metrics[s.tex][0] for s in f) for f in flat],
            [glue_width(g, metrics) for g in paragraph.glues],
            flat,
            [max(metrics[s.tex][1] for s in f) for f in flat],
            [max(metrics[s.tex][2] for s in f) for f in flat],
            chunks,
        )
        found = _SIZES[key] = (paragraph, metrics, sizes)
    return found[2]


_SIZES: dict = {}


Position = tuple[int, int]  # (word, piece): where in a paragraph a line starts or ends
Span = tuple[Position, Position]  # a line: from a position up to, not including, another


def line_spans(paragraph: Paragraph, width: float, metrics: Metrics) -> list[Span]:
    """The paragraph's lines at this width, first fit: a line breaks only at breakable glue; a
    word parts into its pieces only when it is wider than a whole line (the line it leaves ends
    with its break mark); the last line is not one unbreakable run alone under a line of three
    or more. TooWide when a piece, or words no glue may part, cannot fit."""
    sizes = _sizes(paragraph, metrics)
    hang = _hang(paragraph, metrics)
    width -= _wrap_room(paragraph, width, metrics)
    spans: list[Span] = []
    start, x, parted = (0, 0), glue_width(paragraph.indent, metrics), False
    for first, end in sizes.chunks:
        chunk = sum(sizes.words[first:end]) + sum(sizes.glues[first:end - 1])
        lead = sizes.glues[first - 1] if start != (first, 0) else 0.0
        if x + lead + chunk <= width + EPSILON:
            x += lead + chunk
            continue
        if start != (first, 0):
            spans.append((start, (first, 0)))
            start, x = (first, 0), hang
            if x + chunk <= width + EPSILON:
                x += chunk
                continue
        # Alone on a line, the chunk is still too wide. Words that no glue may part (a bracket
        # and its word, kana and their small kana) are refused together; a single word parts.
        words = paragraph.words[first:end]
        if len(words) > 1:
            raise TooWide(Word((), " ".join(w.text for w in words), words[0].offset), chunk, width - x)
        word, parted = words[0], True
        mark = metrics[word.breakmark.tex][0] if word.breakmark else 0.0
        for n, piece in enumerate(word.pieces):
            piece_width = sum(metrics[s.tex][0] for s in piece)
            need = piece_width + (mark if n + 1 < len(word.pieces) else 0.0)
            if x + need > width + EPSILON:
                if start == (first, n):
                    raise TooWide(word, need, width - x)
                spans.append((start, (first, n)))
                start, x = (first, n), hang
                if x + need > width + EPSILON:
                    raise TooWide(word, need, width - x)
            x += piece_width
    if paragraph.words:
        spans.append((start, (len(paragraph.words), 0)))
    if parted:
        return spans
    return [((a, 0), (b, 0)) for a, b in _without_widow([(a, b) for (a, _), (b, _) in spans], sizes, width, hang)]


def _without_widow(spans: list[tuple[int, int]], sizes: "_Sizes", width: float, hang: float) -> list[tuple[int, int]]:
    """The lines (first word, past the last), the last of them not one unbreakable run alone
    under a line of three or more: then the run before it moves down too, where it fits."""
    if len(spans) < 2:
        return spans
    (prev_first, prev_end), (last_first, last_end) = spans[-2], spans[-1]
    ends = [end for _, end in sizes.chunks]
    runs = [end for end in ends if prev_first < end <= prev_end]
    if (last_first, last_end) not in sizes.chunks or len(runs) < 3:
        return spans
    moved = runs[-2]  # the previous line's last run starts here
    need = hang + sum(sizes.words[moved:last_end]) + sum(sizes.glues[moved:last_end - 1])
    if need > width + EPSILON:
        return spans
    return [*spans[:-2], (prev_first, moved), (moved, last_end)]


def make_line(paragraph: Paragraph, span: Span, width: float, metrics: Metrics) -> Line:
    """The line of a span of the paragraph."""
    (first, first_piece), (end, end_piece) = span
    line = _Builder(metrics, glue_width(paragraph.indent, metrics) if span[0] == (0, 0) else _hang(paragraph, metrics))
    last = end if end_piece else end - 1
    for k in range(first, last + 1):
        pieces = paragraph.words[k].pieces[first_piece if k == first else 0:end_piece if k == end and end_piece else None]
        line.add(paragraph.glues[k - 1] if k > first else None, tuple(s for piece in pieces for s in piece))
    if end_piece and paragraph.words[end].breakmark:
        line.add(None, (paragraph.words[end].breakmark,))
    elif paragraph.whole and end < len(paragraph.words):
        line.add(None, (WRAP_MARK,))  # a code line broken at a space is marked too
    return line.line(paragraph.align, width)


def _wrap_room(paragraph: Paragraph, width: float, metrics: Metrics) -> float:
    """The room a line of code that must break keeps at its end for the mark of the break."""
    if not paragraph.whole or natural_width(paragraph, metrics) <= width + EPSILON:
        return 0.0
    return metrics[WRAP_MARK.tex][0]


def span_extent(paragraph: Paragraph, span: Span, metrics: Metrics) -> tuple[float, float] | None:
    """(height, depth) of a span of whole words, from sizes worked out once; None when the span
    holds part of a word."""
    (first, first_piece), (end, end_piece) = span
    if first_piece or end_piece:
        return None
    sizes = _sizes(paragraph, metrics)
    return max(sizes.heights[first:end]), max(sizes.depths[first:end])


def _hang(paragraph: Paragraph, metrics: Metrics) -> float:
    """Where lines after the first start: code continues two spaces further in."""
    if paragraph.indent:
        return glue_width(paragraph.indent, metrics) + 2 * glue_width(Glue(paragraph.indent.space), metrics)
    if paragraph.whole:
        return 2 * _space_of(paragraph, metrics)
    return 0.0


def widest_word(paragraph: Paragraph, metrics: Metrics) -> float:
    """The narrowest line the paragraph can be set in without parting a word."""
    indent = glue_width(paragraph.indent, metrics)
    return max((width + (indent if n == 0 else 0) for n, width in enumerate(_sizes(paragraph, metrics).words)), default=0.0)


def natural_width(paragraph: Paragraph, metrics: Metrics) -> float:
    """The width of the paragraph set on one line."""
    sizes = _sizes(paragraph, metrics)
    return glue_width(paragraph.indent, metrics) + sum(sizes.words) + sum(sizes.glues)


def break_lines(paragraph: Paragraph, width: float, metrics: Metrics) -> list[Line]:
    """The paragraph's lines at this width, built (see line_spans)."""
    return [make_line(paragraph, span, width, metrics) for span in line_spans(paragraph, width, metrics)]


def _space_of(paragraph: Paragraph, metrics: Metrics) -> float:
    return next((metrics[g.space.tex][0] for g in paragraph.glues if g.space is not None), 0.3)

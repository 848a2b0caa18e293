"""The layout diagram of an image-model prompt, drawn with box-drawing characters, and the
placement ratios listed under it (texsheet.read.prompt says what each gives the sheet)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

RATIO_LINE = re.compile(r"\s*[-*•]\s*(.*?)\s*\(\s*(\d+(?:\.\d+)?)\s*%\s*\)\s*[:：]?\s*(.*)")


def is_box_char(char: str) -> bool:
    return 0x2500 <= ord(char) <= 0x257F


@dataclass
class Box:
    """A box of the diagram: its heading and text lines (with their file lines), and the rows of
    boxes drawn inside it."""

    heading: str
    line: int
    lines: list[tuple[str, int]] = field(default_factory=list)
    inner: list[list["Box"]] = field(default_factory=list)


@dataclass
class Diagram:
    """The lines of the title band, the bands of boxes, and the index of the first line after the diagram."""

    title_lines: list[tuple[str, int]]
    bands: list[tuple[int, list[Box]]]  # (the band's first line, its boxes left to right)
    last: int


def _width(char: str) -> int:
    if unicodedata.combining(char) or char in "\ufe0f\u200d":
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def _columns(text: str) -> list[int]:
    """The display column at which each character of text starts."""
    columns, at = [], 0
    for char in text:
        columns.append(at)
        at += _width(char)
    return columns


def read_diagram(lines: list[str]) -> Diagram | None:
    """The first box-drawing diagram in the lines (0-based), or None."""
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("┌")), None)
    if start is None:
        return None
    end = start
    while end + 1 < len(lines) and lines[end + 1].strip() and is_box_char(lines[end + 1].strip()[0]):
        end += 1
    bands: list[list[tuple[str, int]]] = [[]]
    for index in range(start + 1, end):
        text = lines[index].strip()
        if text.startswith("├"):
            bands.append([])
            continue
        inner = text[1:] if text.startswith("│") else text
        inner = inner[:-1] if inner.rstrip().endswith("│") and inner.rstrip() == inner else inner
        bands[-1].append((inner, index + 1))
    title_lines: list[tuple[str, int]] = []
    result: list[tuple[int, list[Box]]] = []
    for n, band in enumerate(bands):
        if not band:
            continue
        outside, groups = _read_boxes(band)
        if not groups:
            if n == 0:
                title_lines = [(t.strip(), line) for t, line in outside if t.strip()]
            continue
        heading = [(t.strip(), line) for t, line in outside if t.strip()]
        boxes = groups[0]
        if heading and len(boxes) == 1 and not groups[1:]:
            box = boxes[0]  # a band heading over one box is that box's heading
            box.lines = ([(box.heading, box.line)] if box.heading else []) + box.lines
            box.heading, box.line = heading[0]
        for more in groups[1:]:
            boxes = boxes + more
        result.append((band[0][1], boxes))
    return Diagram(title_lines, result, end + 1)


def _read_boxes(rows: list[tuple[str, int]]) -> tuple[list[tuple[str, int]], list[list[Box]]]:
    """The lines outside any box, and each row of boxes side by side, of a region of the diagram."""
    outside: list[tuple[str, int]] = []
    groups: list[list[Box]] = []
    i = 0
    while i < len(rows):
        text, line = rows[i]
        if "┌" not in text:
            outside.append((text, line))
            i += 1
            continue
        columns = _columns(text)
        corners = [(columns[m.start()], columns[text.index("┐", m.start())] if "┐" in text[m.start():] else columns[-1])
                   for m in re.finditer("┌", text)]
        end = next((j for j in range(i + 1, len(rows)) if rows[j][0].lstrip().startswith("└")), len(rows))
        contents: list[list[tuple[str, int]]] = [[] for _ in corners]
        for row_text, row_line in rows[i + 1 : end]:
            for b, segment in enumerate(_split_row(row_text, corners)):
                contents[b].append((segment, row_line))
        boxes = []
        for content in contents:
            box_outside, inner = _read_boxes(content)
            texts = [(t.strip(), ln) for t, ln in box_outside]
            first = next((k for k, (t, _) in enumerate(texts) if t), None)
            heading, heading_line = texts[first] if first is not None else ("", line)
            body = texts[first + 1 :] if first is not None else []
            if inner and first is not None and inner[0][0].line < heading_line:
                heading, heading_line, body = "", line, texts  # the box starts with boxes
            boxes.append(Box(heading, heading_line, body, inner))
        groups.append(boxes)
        i = end + 1
    return outside, groups


def _split_row(text: str, corners: list[tuple[int, int]]) -> list[str]:
    """A row of the diagram cut into the insides of the boxes whose borders are at corners."""
    bars = [i for i, c in enumerate(text) if c == "│"]
    if len(corners) == 1:
        return [text[bars[0] + 1 : bars[-1]] if len(bars) >= 2 else text]
    if len(bars) == 2 * len(corners):
        return [text[bars[2 * b] + 1 : bars[2 * b + 1]] for b in range(len(corners))]
    columns = _columns(text)
    segments = []
    for left, right in corners:  # the bars nearest each box's borders, for rows out of line
        if len(bars) < 2:
            segments.append("")
            continue
        lo = min(bars, key=lambda i: abs(columns[i] - left))
        hi = min((i for i in bars if i > lo), key=lambda i: abs(columns[i] - right), default=lo)
        segments.append(text[lo + 1 : hi])
    return segments


@dataclass
class Ratio:
    """A placement ratio: what it names, its share of the page (in percent), the rest of its line."""

    label: str
    share: float
    description: str
    line: int


def read_ratios(lines: list[str], diagram: Diagram | None) -> list[Ratio]:
    """The placement ratios: list lines with a (NN%) after the diagram, up to the next heading."""
    start = diagram.last if diagram else 0
    found: list[Ratio] = []
    for index in range(start, len(lines)):
        line = lines[index]
        if line.startswith("#"):
            break
        match = RATIO_LINE.fullmatch(line)
        if match:
            found.append(Ratio(match.group(1), float(match.group(2)), match.group(3), index + 1))
    return found

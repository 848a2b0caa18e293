"""A built page read back from its PDF: its words, where they stand, and how much of the page
is empty. poppler's pdftotext gives the word boxes; no TeX or layout code is trusted here."""
from __future__ import annotations

import html
import math
import re
import subprocess
from pathlib import Path

MM = 72 / 25.4
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


def words(pdf: Path) -> tuple[tuple[float, float], list[tuple[float, float, float, float, str]]]:
    """(page width, height) in pt, and every word of the first page with its box in pt."""
    page = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    width, height = map(float, _PAGE.search(page).groups())
    return (width, height), [(float(a), float(b), float(c), float(d), html.unescape(w)) for a, b, c, d, w in _WORD.findall(page)]


def empty_share(pdf: Path) -> float:
    """The share of the page, inside a 10 mm margin, farther than 12 mm from any word (5 mm cells)."""
    blank, total = _blank_cells(pdf)
    return len(blank) / total


def largest_hole(pdf: Path) -> float:
    """The largest connected part of the empty share (cells side by side), as a share of the page."""
    blank, total = _blank_cells(pdf)
    largest, seen = 0, set()
    for start in blank:
        if start in seen:
            continue
        seen.add(start)
        stack, size = [start], 0
        while stack:
            r, c = stack.pop()
            size += 1
            for n in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                if n in blank and n not in seen:
                    seen.add(n)
                    stack.append(n)
        largest = max(largest, size)
    return largest / total


def _blank_cells(pdf: Path) -> tuple[set[tuple[int, int]], int]:
    """(row, column) of every empty cell, and how many cells the page has inside its margin."""
    (width, height), found = words(pdf)
    cell, reach, margin = 5 * MM, 12 * MM, 10 * MM
    total, blank = 0, set()
    y, row = margin, 0
    while y < height - margin:
        x, column = margin, 0
        while x < width - margin:
            cx, cy = x + cell / 2, y + cell / 2
            total += 1
            if not any(math.hypot(max(a - cx, 0, cx - c), max(b - cy, 0, cy - d)) <= reach for a, b, c, d, _ in found):
                blank.add((row, column))
            x += cell
            column += 1
        y += cell
        row += 1
    return blank, total

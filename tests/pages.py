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
    (width, height), found = words(pdf)
    cell, reach, margin = 5 * MM, 12 * MM, 10 * MM
    total = empty = 0
    y = margin
    while y < height - margin:
        x = margin
        while x < width - margin:
            cx, cy = x + cell / 2, y + cell / 2
            total += 1
            if not any(math.hypot(max(a - cx, 0, cx - c), max(b - cy, 0, cy - d)) <= reach for a, b, c, d, _ in found):
                empty += 1
            x += cell
        y += cell
    return empty / total

"""Colours and paper: the named pens every sheet may use, and the page sizes."""
from __future__ import annotations

from texsheet.text.markup import PENS

# Pen palettes: the same pen names in every palette, as hex RGB. Panels, stage boxes and
# {name: text} markup choose pens by name; the theme's palette says what they look like.
CLASSIC: dict[str, str] = {
    "ink": "1F2A44",
    "red": "D64541",
    "orange": "E67E22",
    "yellow": "E0A800",
    "green": "2E8B57",
    "teal": "138D90",
    "blue": "2F6FD0",
    "purple": "7D4CC4",
    "pink": "D6457E",
    "brown": "8A5A2B",
    "grey": "6B7280",
}

PALETTES: dict[str, dict[str, str]] = {
    "classic": CLASSIC,
    "muted": {
        "ink": "2B2B2B", "red": "B5524A", "orange": "C27C3A", "yellow": "B8962E", "green": "5C8A5A",
        "teal": "4A8A8C", "blue": "4F6FA8", "purple": "7A629E", "pink": "B35E85", "brown": "7D5A3C",
        "grey": "7A7A7A",
    },
    "vivid": {
        "ink": "111827", "red": "E11D48", "orange": "F97316", "yellow": "EAB308", "green": "16A34A",
        "teal": "0D9488", "blue": "2563EB", "purple": "9333EA", "pink": "DB2777", "brown": "92400E",
        "grey": "4B5563",
    },
}

PEN_COLOURS = PENS

# Built-in themes: values for the theme: keys, as a content file would type them. A sheet
# names one (theme: dots, or name: under theme:) and may override any key.
THEMES: dict[str, dict[str, str]] = {
    "graph": {"paper": "grid", "grid": 5, "grid_colour": "B7CBEA", "paper_colour": "FFFFFF",
              "palette": "classic", "highlighter": "FFE14D"},
    "dots": {"paper": "dots", "grid": 5, "grid_colour": "B9AE9A", "paper_colour": "FFFCF2",
             "palette": "muted", "highlighter": "FFD86B", "ink": "brown"},
    "lines": {"paper": "lines", "grid": 7, "grid_colour": "A9C7E8", "paper_colour": "FFFFFF",
              "palette": "vivid", "highlighter": "B8F28C", "hand_hangul_font": "Nanum Brush Script"},
    "plain": {"paper": "plain", "grid": 5, "grid_colour": "DDDDDD", "paper_colour": "FBFBF8",
              "palette": "classic", "highlighter": "FFE14D"},
}

# Page sizes in millimetres, portrait.
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "a4": (210.0, 297.0),
    "a3": (297.0, 420.0),
    "a5": (148.0, 210.0),
    "letter": (215.9, 279.4),
}

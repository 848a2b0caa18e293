"""Colours and paper: the named pens every sheet may use, and the page sizes."""
from __future__ import annotations

# Pen colours, as hex RGB. Panels, stage boxes and {name: text} markup choose from these.
PEN_COLOURS: dict[str, str] = {
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

# Page sizes in millimetres, portrait.
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "a4": (210.0, 297.0),
    "a3": (297.0, 420.0),
    "a5": (148.0, 210.0),
    "letter": (215.9, 279.4),
}

"""What this machine has that the output depends on: fonts and the Twemoji icons.

Asked once, before anything is checked or rendered; rendering takes the answer as an argument,
so the same content renders the same wherever the answer is the same.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from . import fonts
from .emoji import read_twemoji_codes
from .fonts import FontSet

TWEMOJI_PDF = "all-twemojis.pdf"


@dataclass(frozen=True)
class Machine:
    """fonts: what each installed font draws (None: fontconfig is missing, so glyphs are not
    checked); twemoji: each icon's page in the Twemoji PDF (None: the package is missing)."""

    fonts: FontSet | None
    twemoji: dict[str, int] | None
    missing: tuple[str, ...] = field(default=())  # what could not be asked, said in a line each


def probe_machine() -> Machine:
    """Ask fontconfig and kpathsea; what is missing is noted, not fatal (validate can still
    check structure and markup)."""
    missing = []
    font_set = fonts.probe_fonts()
    if font_set is None:
        missing.append("fonts not checked: fontconfig (fc-list) is not installed")
    twemoji = _twemoji_pages()
    if twemoji is None:
        missing.append("emoji not checked: the LaTeX package twemojis is not installed (kpsewhich twemojis.sty)")
    return Machine(font_set, twemoji, tuple(missing))


def _twemoji_pages() -> dict[str, int] | None:
    try:
        found = subprocess.run(["kpsewhich", "twemojis.sty"], capture_output=True, text=True, check=False, timeout=30).stdout.strip()
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return None
    if not found:
        return None
    return read_twemoji_codes(Path(found).read_text(encoding="utf-8"))

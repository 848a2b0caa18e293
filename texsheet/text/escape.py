"""What user text may contain, and the one escaper that turns characters into TeX."""
from __future__ import annotations

import unicodedata

from pylatex.utils import escape_latex

MAX_FIELD_LENGTH = 2000

# pylatex writes ^ as an accent command, which reads back as a modifier letter; the text glyph
# reads back as typed. A backslash is drawn by the font chain (the handwriting fonts draw a won
# sign for it), so it is a character like any other here.
# pylatex braces - [ ] against TeX's ligatures and optional arguments; texsheet's fonts have TeX
# ligatures off, and its text never follows a command that takes an optional argument, so they
# stay as typed and the .tex reads as the content does.
_OVERRIDES = {"^": r"\textasciicircum{}", "\\": r"\textbackslash{}", "-": "-", "[": "[", "]": "]"}
ZERO_WIDTH_SPACE = "\u200b"
# Joiners, invisible separators and variation selectors have nothing to draw (emoji sequences
# keep theirs).
INVISIBLE = frozenset("\u200c\u200d\u2060\ufe0e\ufe0f")

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def is_other_space(char: str) -> bool:
    """Spaces of other widths (em space, ideographic space, line separator...): set as spaces."""
    return char in "\t\u2028\u2029" or (unicodedata.category(char) == "Zs" and char not in " \xa0")


def find_forbidden(text: str) -> tuple[int, str] | None:
    """(offset, description) of the first character user text may not contain, or None."""
    if len(text) > MAX_FIELD_LENGTH:
        return 0, f"text is {len(text)} characters long; at most {MAX_FIELD_LENGTH} are allowed"
    for index, char in enumerate(text):
        code = ord(char)
        if char in "\n\t":
            continue
        if code < 0x20 or 0x7F <= code < 0xA0:
            return index, f"control character U+{code:04X} at position {index + 1} is not allowed"
        if char in BIDI_CONTROLS:
            return index, f"bidirectional control U+{code:04X} at position {index + 1} is not allowed"
        if char == "\ufeff":
            return index, f"byte order mark U+FEFF at position {index + 1} is not allowed"
        if 0xD800 <= code <= 0xDFFF:
            return index, f"lone surrogate U+{code:04X} at position {index + 1} is not allowed"
        if unicodedata.category(char) == "Cn" and (code & 0xFFFE == 0xFFFE or 0xFDD0 <= code <= 0xFDEF):
            return index, f"non-character U+{code:04X} at position {index + 1} is not allowed"
    return None


def escape_chars(text: str) -> str:
    """TeX that prints text exactly as typed: specials escaped, no ligatures, no commands.

    Text reaches here already split into words and normalised (NFC, other spaces made plain).
    """
    return "".join(_OVERRIDES[c] if c in _OVERRIDES else "" if c in INVISIBLE else escape_latex(c) for c in text)

"""The one escaper for user text: NFC, LaTeX specials, and characters TeX must never see."""
from __future__ import annotations

import re
import unicodedata

from pylatex.utils import NoEscape, escape_latex

MAX_FIELD_LENGTH = 2000

# pylatex writes ^ as an accent command, which reads back as a modifier letter; the text glyph
# reads back as typed. Newlines never reach this function (markup splits paragraphs first).
# Zero-width characters have no glyph to draw: a zero-width space becomes a line-break
# opportunity, the joiners (outside emoji, which markup handles) nothing.
ZERO_WIDTH = {"\u200b": r"\hspace{0pt}", "\u200c": "", "\u200d": "", "\u2060": ""}
_OVERRIDES = {"^": r"\textasciicircum{}", "\n": " ", **ZERO_WIDTH}

_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _is_other_space(char: str) -> bool:
    return char in "\t\u2028\u2029" or (unicodedata.category(char) == "Zs" and char not in " \xa0")


def find_forbidden(text: str) -> str | None:
    """Describe the first character user text may not contain, or None if all are allowed."""
    if len(text) > MAX_FIELD_LENGTH:
        return f"text is {len(text)} characters long; at most {MAX_FIELD_LENGTH} are allowed"
    for index, char in enumerate(text):
        code = ord(char)
        if char in "\n\t":
            continue
        if code < 0x20 or 0x7F <= code < 0xA0:
            return f"control character U+{code:04X} at position {index + 1} is not allowed"
        if char in _BIDI_CONTROLS:
            return f"bidirectional control U+{code:04X} at position {index + 1} is not allowed"
        if char == "\ufeff":
            return f"byte order mark U+FEFF at position {index + 1} is not allowed"
        if 0xD800 <= code <= 0xDFFF:
            return f"lone surrogate U+{code:04X} at position {index + 1} is not allowed"
        if unicodedata.category(char) == "Cn" and (code & 0xFFFE == 0xFFFE or 0xFDD0 <= code <= 0xFDEF):
            return f"non-character U+{code:04X} at position {index + 1} is not allowed"
    return None


LONG_WORD = 18  # characters; a longer run without spaces gets places where a line may break
_BREAK_AFTER = set("/.,:;_-)]}=&|>")


def _break_opportunities(word: str) -> list[str]:
    """A long word (code, a URL) in pieces that a line may end between: after punctuation,
    else every LONG_WORD characters. Hangul is left to xetexko, which breaks between syllables."""
    if len(word) <= LONG_WORD:
        return [word]
    pieces, current = [], ""
    for char in word:
        current += char
        if char in _BREAK_AFTER or len(current) >= LONG_WORD:
            pieces.append(current)
            current = ""
    return pieces + [current] if current else pieces


def escape_text(text: str) -> NoEscape:
    """Escape plain text so that TeX prints it exactly as typed (no ligatures, no commands).

    Spaces of other widths (em space, ideographic space, line separator, ...) become plain
    spaces: the fonts have no glyphs for them.
    """
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if _is_other_space(c) else c for c in text)
    out = []
    for word in re.split(r"(\s+)", text):
        pieces = [word] if word.isspace() else _break_opportunities(word)
        out.append(r"\hspace{0pt}".join("".join(_OVERRIDES[c] if c in _OVERRIDES else escape_latex(c) for c in p) for p in pieces))
    return NoEscape("".join(out))

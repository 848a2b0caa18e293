"""Emoji in user text, drawn as vector Twemoji by the twemojis LaTeX package."""
from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path

from . import fonts
from .errors import TexsheetError

ZWJ = "\u200d"
VS16 = "\ufe0f"
_SKIN_TONES = range(0x1F3FB, 0x1F400)
_REGIONAL = range(0x1F1E6, 0x1F200)
# Characters below U+1F000 that are emoji by default (Emoji_Presentation=Yes). Others, such as
# the arrows and check marks the handwriting fonts carry, stay text unless followed by U+FE0F.
_BMP_EMOJI = set(
    "⌚⌛⏩⏪⏫⏬⏰⏳◽◾☔☕♈♉♊♋♌♍♎♏♐♑♒♓♿⚓⚡⚪⚫⚽⚾⛄⛅⛎⛔⛪⛲⛳⛵⛺⛽✅✊✋✨❌❎❓❔❕❗➕➖➗➰➿⬛⬜⭐⭕"
)


def is_emoji_start(text: str, index: int) -> bool:
    """Whether an emoji cluster starts at text[index]."""
    char = text[index]
    if ord(char) >= 0x1F000 or char in _BMP_EMOJI:
        return True
    return index + 1 < len(text) and text[index + 1] == VS16 and ord(char) > 0x7F


def take_cluster(text: str, index: int) -> int:
    """The index just past the emoji cluster that starts at text[index]."""
    end = index + 1
    if ord(text[index]) in _REGIONAL and end < len(text) and ord(text[end]) in _REGIONAL:
        return end + 1
    while end < len(text):
        char = text[end]
        if char == VS16 or ord(char) in _SKIN_TONES or 0xE0020 <= ord(char) <= 0xE007F:
            end += 1
        elif char == ZWJ and end + 1 < len(text):
            end += 2
        else:
            break
    return end


def emoji_code(cluster: str) -> str:
    """The twemojis name of a cluster: its code points in hex, joined by '-', without U+FE0F."""
    return "-".join(f"{ord(c):x}" for c in cluster if c != VS16)


@functools.lru_cache(maxsize=1)
def known_codes() -> frozenset[str]:
    """Every code-point name the installed twemojis package defines."""
    try:
        found = subprocess.run(
            ["kpsewhich", "twemojis.sty"], capture_output=True, text=True, check=False, timeout=30
        ).stdout.strip()
    except FileNotFoundError:
        found = ""
    if not found:
        raise TexsheetError(
            "the LaTeX package twemojis was not found (kpsewhich twemojis.sty); "
            "install TeX Live as the README's first command does"
        )
    sty = Path(found).read_text(encoding="utf-8")
    return frozenset(re.findall(r"\\defineTwemoji\{\d+\}\{([0-9a-f]+(?:-[0-9a-f]+)*)\}", sty))


EMOJI_TEXT_FONT = "Symbola"


def hidden_text(cluster: str) -> str:
    """The cluster's characters that the text font for emoji can carry, for search and copy.

    The icon itself is a picture; these characters are laid over it invisibly so that the
    PDF's text (pdftotext, search, copy) still holds the emoji.
    """
    charset = fonts.font_charset(EMOJI_TEXT_FONT) or frozenset()
    return "".join(c for c in cluster if ord(c) in charset and c not in (ZWJ, VS16))

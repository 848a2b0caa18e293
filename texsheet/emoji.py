"""Emoji in user text: where a cluster starts and ends, and its Twemoji name."""
from __future__ import annotations

import re

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
    if char in (VS16, ZWJ):  # a stray selector or joiner starts nothing
        return False
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
    """The Twemoji name of a cluster: its code points in hex, joined by '-', without U+FE0F."""
    return "-".join(f"{ord(c):x}" for c in cluster if c != VS16)


def read_twemoji_codes(sty: str) -> dict[str, int]:
    """Each code-point name that the text of twemojis.sty defines, and its page in the icons' PDF."""
    return {code: int(page) for page, code in re.findall(r"\\defineTwemoji\{(\d+)\}\{([0-9a-f]+(?:-[0-9a-f]+)*)\}", sty)}

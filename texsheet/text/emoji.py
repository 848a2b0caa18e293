"""Emoji in user text: where a cluster starts and ends, and its Twemoji name."""
from __future__ import annotations

import re

import regex

ZWJ = "\u200d"
VS16 = "\ufe0f"
# An emoji starts where Unicode presents a character as one (Emoji_Presentation), or where a
# pictograph or another non-ASCII sign asks to be one with U+FE0F; the arrows and check marks
# the handwriting fonts carry stay text unless they ask. Unicode's properties come from regex.
_START = regex.compile(r"\p{Emoji_Presentation}|[^\x00-\x7F](?=\uFE0F)")
_CLUSTER = regex.compile(r"\X")  # an extended grapheme cluster: a ZWJ sequence, a flag, a skin tone


def is_emoji_start(text: str, index: int) -> bool:
    """Whether an emoji cluster starts at text[index]."""
    return text[index] not in (VS16, ZWJ) and _START.match(text, index) is not None


def take_cluster(text: str, index: int) -> int:
    """The index just past the emoji cluster that starts at text[index]."""
    return _CLUSTER.match(text, index).end()


def emoji_code(cluster: str) -> str:
    """The Twemoji name of a cluster: its code points in hex, joined by '-', without U+FE0F."""
    return "-".join(f"{ord(c):x}" for c in cluster if c != VS16)


def read_twemoji_codes(sty: str) -> dict[str, int]:
    """Each code-point name that the text of twemojis.sty defines, and its page in the icons' PDF;
    a name holding U+FE0F (ZWJ sequences such as 1f9db-1f3fb-200d-2642-fe0f) also without it, as
    emoji_code names a cluster."""
    codes = {code: int(page) for page, code in re.findall(r"\\defineTwemoji\{(\d+)\}\{([0-9a-f]+(?:-[0-9a-f]+)*)\}", sty)}
    for code, page in list(codes.items()):
        codes.setdefault("-".join(part for part in code.split("-") if part != "fe0f"), page)
    return codes

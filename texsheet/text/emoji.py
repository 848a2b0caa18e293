"""Emoji in user text: where a cluster starts and ends, and its Twemoji name."""
from __future__ import annotations

import itertools
import re
from typing import Mapping

import regex

ZWJ = "\u200d"
VS16 = "\ufe0f"
VS15 = "\ufe0e"
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
    """A cluster's code points in hex, joined by '-', without U+FE0F: the name of its icon file."""
    return "-".join(f"{ord(c):x}" for c in cluster if c != VS16)


def drawn_characters(cluster: str) -> str:
    """The characters of a cluster a font draws: without its joiners and variation selectors,
    which only say how to combine or present the others."""
    return "".join(c for c in cluster if c not in (ZWJ, VS16, VS15))


def twemoji_name(cluster: str, known: Mapping[str, int]) -> str | None:
    """The name under which twemojis keeps a cluster's icon, or None. Its names keep U+FE0F in
    some sequences (2764-fe0f-200d-1f525) and not in others (1f9db-1f3fb), and text drops or
    adds it freely: every form of the cluster, with and without U+FE0F after each of its parts,
    is tried."""
    parts = [part.replace(VS16, "") for part in cluster.split(ZWJ)]
    for choice in itertools.product((False, True), repeat=min(len(parts), 5)):
        name = "-200d-".join("-".join(f"{ord(c):x}" for c in part) + ("-fe0f" if with_vs16 else "")
                             for part, with_vs16 in zip(parts, choice))
        if name in known:
            return name
    return None


def read_twemoji_codes(sty: str) -> dict[str, int]:
    """Each code-point name that the text of twemojis.sty defines, and its page in the icons' PDF."""
    return {code: int(page) for page, code in re.findall(r"\\defineTwemoji\{(\d+)\}\{([0-9a-f]+(?:-[0-9a-f]+)*)\}", sty)}

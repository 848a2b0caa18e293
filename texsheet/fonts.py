"""Which fonts are installed and which characters they can draw (fontconfig's fc-list)."""
from __future__ import annotations

import functools
import subprocess


@functools.lru_cache(maxsize=16)
def font_charset(family: str) -> frozenset[int] | None:
    """The code points a font family covers, or None when no such family is installed."""
    try:
        out = subprocess.run(
            ["fc-list", f":family={family}", "charset"], capture_output=True, text=True, check=False, timeout=30
        ).stdout
    except FileNotFoundError:
        return None
    codes: set[int] = set()
    for line in out.splitlines():
        _, _, ranges = line.partition(":charset=")
        for part in ranges.split():
            low, _, high = part.partition("-")
            codes.update(range(int(low, 16), int(high or low, 16) + 1))
    return frozenset(codes) or None

"""Hand-drawn lines: paths whose points stray at random, computed here and written as coordinates.

TikZ's random steps cost about a millisecond a segment in TeX; the same look computed here costs
nothing there. Every path is seeded from its element's place in the content, so an edit to one
element leaves the others' drawing alone.
"""
from __future__ import annotations

import hashlib
import math
import random

from .units import PT, fmt

Points = list[tuple[float, float]]


def element_seed(theme_seed: int, element: str) -> int:
    """A seed for one element, from its place in the content: edits elsewhere keep it."""
    digest = hashlib.sha256(f"{theme_seed}/{element}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def wobble(points: Points, seed: int, segment_pt: float, amplitude_pt: float, closed: bool = False) -> Points:
    """The path through points, cut into steps of about segment_pt, every step's end moved at
    random by up to amplitude_pt (mm in, mm out). Open paths keep their ends nearer in place,
    so that arrows still touch what they point at."""
    rng = random.Random(seed)
    amplitude = amplitude_pt * PT
    ring = points + points[:1] if closed else points
    out: Points = []
    for n, ((ax, ay), (bx, by)) in enumerate(zip(ring, ring[1:])):
        steps = max(1, math.ceil(math.hypot(bx - ax, by - ay) / (segment_pt * PT)))
        for k in range(steps):
            t = k / steps
            reach = amplitude * (0.3 if not closed and n == 0 and k == 0 else 1.0)
            out.append((ax + (bx - ax) * t + rng.uniform(-reach, reach), ay + (by - ay) * t + rng.uniform(-reach, reach)))
    if not closed:
        ex, ey = points[-1]
        out.append((ex + rng.uniform(-0.3, 0.3) * amplitude, ey + rng.uniform(-0.3, 0.3) * amplitude))
    return out


def coordinates(points: Points, closed: bool = False) -> str:
    """A TikZ path through points, given as (x, y) with y downwards: y is negated."""
    text = " -- ".join(f"({fmt(x)},{fmt(-y)})" for x, y in points)
    return text + " -- cycle" if closed else text


def rectangle(x: float, y: float, w: float, h: float) -> Points:
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def ellipse(cx: float, cy: float, rx: float, ry: float, steps: int = 16) -> Points:
    return [(cx + rx * math.cos(2 * math.pi * k / steps), cy + ry * math.sin(2 * math.pi * k / steps)) for k in range(steps)]

"""Hand-drawn outlines whose geometry is known before TeX runs, wobbled here instead of in TeX.

TikZ's random steps cost about a millisecond a segment; the page's large frames alone have
hundreds. For them the same kind of wobble (every step's end moved at random, within the
amplitude) is computed here, seeded per element, and written out as plain coordinates.
"""
from __future__ import annotations

import math
import random

from .units import PT, fmt

def wobbly_rectangle(x0: float, y0: float, x1: float, y1: float, seed: int, segment_pt: float, amplitude_pt: float) -> str:
    """A closed TikZ path around the rectangle (mm), its corners and steps moved at random."""
    rng = random.Random(seed)
    amplitude = amplitude_pt * PT
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    points = []
    for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1]):
        steps = max(1, math.ceil(math.hypot(bx - ax, by - ay) / (segment_pt * PT)))
        for n in range(steps):
            t = n / steps
            points.append((ax + (bx - ax) * t + rng.uniform(-amplitude, amplitude),
                           ay + (by - ay) * t + rng.uniform(-amplitude, amplitude)))
    return " -- ".join(f"({fmt(px)},{fmt(py)})" for px, py in points) + " -- cycle"

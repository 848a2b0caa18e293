"""TeX's measurements of the sheet's text, kept between builds of a sheet.

Every segment (a run of text in one font and style) is set once by TeX at the reference size;
its width, height and depth, in em, are all the layout needs. They are kept in the output
folder per sheet, so an edit measures only the segments it brought.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .lines import Metrics
from .paragraphs import Segment

Sizes = dict[str, tuple[float, float, float]]  # segment key -> width, height, depth (em)


def segment_key(segment: Segment) -> str:
    return hashlib.sha256(segment.tex.encode()).hexdigest()[:20]


def read_cache(path: Path, fonts_key: str) -> Sizes:
    """Measurements kept from earlier builds, if they were made with the same fonts."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["fonts"] != fonts_key:
            return {}
        return {key: tuple(value) for key, value in data["sizes"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def write_cache(path: Path, fonts_key: str, sizes: Sizes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"fonts": fonts_key, "sizes": dict(sorted(sizes.items()))}, separators=(",", ":"))
    path.write_text(text, encoding="utf-8")


def unmeasured(segments: set[Segment], known: Sizes) -> list[Segment]:
    """The segments known lacks, in a stable order."""
    return sorted((s for s in segments if segment_key(s) not in known), key=lambda s: s.tex)


def with_records(known: Sizes, measured: list[Segment], records: list[tuple[int, float, float, float]],
                 reference: float) -> Sizes:
    """known and what TeX measured of the segments measured (records in pt at reference size)."""
    sizes = dict(known)
    for n, width, height, depth in records:
        sizes[segment_key(measured[n])] = (width / reference, height / reference, depth / reference)
    return sizes


def metrics_of(segments: set[Segment], sizes: Sizes) -> tuple[Metrics, Sizes]:
    """Segment TeX -> size for every segment, and the sizes worth keeping (these segments')."""
    kept = {segment_key(s): sizes[segment_key(s)] for s in segments}
    return {s.tex: kept[segment_key(s)] for s in segments}, kept

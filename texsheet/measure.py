"""TeX's measurements of the sheet's text, kept between builds of a sheet.

Every segment (a run of text in one font and style) is set once by TeX at the reference size;
its width, height and depth, in em, are all the layout needs. They are kept in the output
folder per sheet, so an edit measures only the segments it brought.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import build
from .lines import Metrics
from .paragraphs import Segment
from .render import REFERENCE_SIZE


def segment_key(segment: Segment) -> str:
    return hashlib.sha256(segment.tex.encode()).hexdigest()[:20]


def read_cache(path: Path, fonts_key: str) -> dict[str, tuple[float, float, float]]:
    """Measurements kept from earlier builds, if they were made with the same fonts."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["fonts"] != fonts_key:
            return {}
        return {key: tuple(value) for key, value in data["sizes"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def write_cache(path: Path, fonts_key: str, sizes: dict[str, tuple[float, float, float]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"fonts": fonts_key, "sizes": dict(sorted(sizes.items()))}, separators=(",", ":"))
    path.write_text(text, encoding="utf-8")


def measure(segments: set[Segment], known: dict[str, tuple[float, float, float]], measure_tex, work: Path,
            timeout: float, keep_log: Path | None) -> tuple[Metrics, dict[str, tuple[float, float, float]]]:
    """Metrics (segment TeX -> em sizes) for every segment: from known, or measured by one TeX
    run over measure_tex(the segments missing). Returns them and the updated known sizes."""
    ordered = sorted(segments, key=lambda s: s.tex)
    missing = [s for s in ordered if segment_key(s) not in known]
    sizes = dict(known)
    if missing:
        tex = work / "measure.tex"
        tex.write_text(measure_tex(missing), encoding="utf-8", newline="\n")
        for n, width, height, depth in build.run_measure(tex, timeout, keep_log):
            sizes[segment_key(missing[n])] = (width / REFERENCE_SIZE, height / REFERENCE_SIZE, depth / REFERENCE_SIZE)
    metrics = {s.tex: sizes[segment_key(s)] for s in ordered}
    return metrics, {segment_key(s): sizes[segment_key(s)] for s in ordered}

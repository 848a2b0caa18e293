"""TeX's measurements of the sheet's text, kept between builds of a sheet.

Every segment (a run of text in one font and style) is set once by TeX at the reference size;
its width, height and depth, in em, are all the layout needs. They are kept in the output
folder per sheet, so an edit measures only the segments it brought, and in texsheet's cache
for every sheet set in the same fonts, so a new sheet measures only the words no sheet had.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path

from texsheet.text.lines import Metrics
from texsheet.text.machine import user_cache
from texsheet.text.paragraphs import Segment

Sizes = dict[str, tuple[float, float, float]]  # segment key -> width, height, depth (em)


def segment_key(segment: Segment) -> str:
    return hashlib.sha256(segment.tex.encode()).hexdigest()[:20]


SHARED_LIMIT = 200_000  # segments kept for all sheets; past it the store starts again


def read_cache(path: Path, fonts_key: str) -> Sizes:
    """Measurements kept from earlier builds, if they were made with the same fonts and are as
    texsheet wrote them (their digest matches: a file edited or damaged since is measured anew);
    a value that is not three finite numbers (a width not below zero) is left out, to be
    measured again."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["fonts"] != fonts_key or data["digest"] != _digest(fonts_key, data["sizes"]):
            return {}
        return {key: tuple(value) for key, value in data["sizes"].items() if _plausible(value)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _digest(fonts_key: str, sizes: dict) -> str:
    return hashlib.sha256(json.dumps([fonts_key, sizes], sort_keys=True).encode()).hexdigest()


def _plausible(value) -> bool:
    return (isinstance(value, list) and len(value) == 3 and all(isinstance(v, (int, float)) and math.isfinite(v) for v in value)
            and value[0] >= 0)


def write_cache(path: Path, fonts_key: str, sizes: Sizes) -> None:
    """Write the measurements whole: a reader sees the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sizes = dict(sorted(sizes.items()))
    text = json.dumps({"fonts": fonts_key, "digest": _digest(fonts_key, sizes), "sizes": sizes}, separators=(",", ":"))
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def recall(fonts_key: str) -> Sizes:
    """The measurements every sheet set in these fonts has made (texsheet's cache)."""
    return read_cache(_shared(fonts_key), fonts_key)


def remember(fonts_key: str, recalled: Sizes, sizes: Sizes) -> None:
    """Add new measurements to what was recalled, and keep them for every sheet; a store that
    cannot be written is left alone."""
    kept = {**(recalled if len(recalled) < SHARED_LIMIT else {}), **sizes}
    try:
        write_cache(_shared(fonts_key), fonts_key, kept)
    except OSError:
        pass


def _shared(fonts_key: str) -> Path:
    return user_cache() / "measurements" / f"{fonts_key[:24]}.json"



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

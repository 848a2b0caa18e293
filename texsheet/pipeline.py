"""From content YAML to .tex, PDF and PNG: the one function that joins the steps."""
from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import build, markup
from .errors import ContentError
from .layout import layout_sheet
from .model import Sheet, validate_sheet
from .render import panel_box_name, render_sheet
from .source import Source, load_source


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


@dataclass(frozen=True)
class Outputs:
    tex: Path
    pdf: Path
    png: Path


def load_sheet(path: Path) -> tuple[Source, Sheet]:
    """Read and validate a content file."""
    source = load_source(path)
    return source, validate_sheet(source)


def compile_sheet(path: Path, output_dir: Path, dpi: int = 200, timeout: float = 60.0) -> Outputs:
    """Build one sheet; outputs replace the earlier ones only when the whole build succeeded."""
    source, sheet = load_sheet(path)
    tex_text = render_sheet(sheet, source)
    stem = Path(path).stem
    with tempfile.TemporaryDirectory(prefix=f"texsheet-{stem}-") as work:
        tex = Path(work) / f"{stem}.tex"
        tex.write_text(tex_text, encoding="utf-8", newline="\n")
        pdf = build.run_latexmk(tex, timeout=timeout)
        _check_fits(source, sheet, build.read_fits(tex.with_suffix(".log")))
        png = build.rasterize(pdf, tex.with_suffix(".png"), dpi)
        output_dir.mkdir(parents=True, exist_ok=True)
        # Two builds of one sheet at once: each publishes its three files as a set.
        with open(output_dir / f".{stem}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return Outputs(*(_publish(made, output_dir) for made in (tex, pdf, png)))


def _check_fits(source: Source, sheet: Sheet, fits: list[build.Fit]) -> None:
    placed = {panel_box_name(p.where): p for p in layout_sheet(sheet).panels}
    problems = [
        source.problem(
            placed[fit.box].where,
            f"panel '{markup.plain(placed[fit.box].panel.title)}' does not fit: its text needs {fit.needs_mm:.0f} mm "
            f"even at {fit.size_pt:g} pt, the panel has {fit.has_mm:.0f} mm",
        )
        for fit in fits
        if fit.overflows and fit.box in placed
    ]
    if problems:
        raise ContentError(problems)


def _publish(made: Path, output_dir: Path) -> Path:
    """Copy beside the target, then rename over it: a reader never sees half a file."""
    target = output_dir / made.name
    handle, temporary = tempfile.mkstemp(prefix=f".{made.name}.", dir=output_dir)
    os.close(handle)
    shutil.copyfile(made, temporary)
    os.chmod(temporary, 0o666 & ~_UMASK)
    os.replace(temporary, target)
    return target

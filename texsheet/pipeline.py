"""From content YAML to .tex, PDF and PNG: the one function that joins the steps."""
from __future__ import annotations

import fcntl
import functools
import hashlib
import importlib.metadata
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from . import build, measure
from .fragment import render_fragment, render_style
from .layout import ask_texts, layout_sheet
from .machine import Machine, probe_machine
from .model import Sheet, validate_sheet
from .fonts import make_faces
from .render import Source as RenderSource
from .render import render_measure, render_preamble, render_sheet
from .source import Source, load_source
from .typeset import Typesetter


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
    fragment: Path | None = None  # <stem>-fragment.tex, when asked for
    style: Path | None = None  # texsheet.sty, beside the fragment
    cached: bool = False  # True when the outputs were current and nothing was built

    def files(self) -> list[Path]:
        return [p for p in (self.tex, self.pdf, self.png, self.fragment, self.style) if p is not None]


def load_sheet(path: Path, theme: str | None = None, machine: Machine | None = None) -> tuple[Source, Sheet]:
    """Read and validate a content file; theme, if given, replaces the theme's name."""
    return check_sheet(load_source(path), theme, machine)


def check_sheet(source: Source, theme: str | None = None, machine: Machine | None = None,
                require_fonts: bool = True) -> tuple[Source, Sheet]:
    """Validate loaded content; theme, if given, replaces the theme's name."""
    if theme is not None:
        chosen = source.data.get("theme")
        source.data["theme"] = {**chosen, "name": theme} if isinstance(chosen, dict) else {"name": theme}
    return source, validate_sheet(source, machine, require_fonts)


@functools.lru_cache(maxsize=1)
def this_machine() -> Machine:
    """The machine's fonts and icons, asked once per process."""
    return probe_machine()


def compile_sheet(
    path: Path,
    output_dir: Path,
    dpi: int = 200,
    timeout: float = 60.0,
    theme: str | None = None,
    force: bool = False,
    fragment: bool = False,
) -> Outputs:
    """Build one sheet; outputs replace the earlier ones only when the whole build succeeded.

    With fragment, also <stem>-fragment.tex and texsheet.sty, for \\input in a paper.
    Outputs that are current (same generated .tex, options and build recipe, files untouched)
    are kept without building, unless force.
    """
    path = Path(path)
    source, sheet = load_sheet(path, theme, this_machine())
    return build_sheet(source, sheet, path.stem, Path(output_dir), dpi, timeout, force, fragment)


def build_sheet(source: Source, sheet: Sheet, stem: str, output_dir: Path, dpi: int = 200, timeout: float = 60.0,
                force: bool = False, fragment: bool = False) -> Outputs:
    """Build validated content to output_dir/<stem>.tex, .pdf and .png (see compile_sheet)."""
    machine = this_machine()
    with tempfile.TemporaryDirectory(prefix=f"texsheet-{stem}-") as work:
        tex_text = render_tex(source, sheet, machine, output_dir / f".{stem}.measure.json", Path(work), timeout,
                              output_dir / f"{stem}.log")
        texts = {f"{stem}.tex": tex_text}
        if fragment:
            texts[f"{stem}-fragment.tex"] = render_fragment(stem)
            texts["texsheet.sty"] = render_style()
        key = _cache_key(texts, dpi)
        current = None if force else _current_outputs(output_dir, stem, key)
        if current:
            return current
        made = {name: Path(work) / name for name in texts}
        for name, text in texts.items():
            made[name].write_text(text, encoding="utf-8", newline="\n")
        tex = made[f"{stem}.tex"]
        pdf = build.run_latexmk(tex, timeout=timeout, keep_log=output_dir / f"{stem}.log")
        png = build.rasterize(pdf, tex.with_suffix(".png"), dpi)
        output_dir.mkdir(parents=True, exist_ok=True)
        # Two builds of one sheet at once: each publishes its files as a set.
        with open(output_dir / f".{stem}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            extra = [_publish(made[name], output_dir) for name in texts if name != tex.name]
            outputs = Outputs(_publish(tex, output_dir), _publish(pdf, output_dir), _publish(png, output_dir), *extra)
            _write_stamp(output_dir, stem, key, outputs)
            return outputs


def render_tex(source: Source, sheet: Sheet, machine: Machine, cache: Path, work: Path, timeout: float,
               keep_log: Path | None) -> str:
    """The sheet's .tex: its text measured by TeX (what was measured before is kept in cache),
    laid out, and drawn."""
    faces = make_faces(sheet.theme.font, sheet.theme.hand_font, sheet.theme.code_font, machine.fonts, machine.twemoji)
    typesetter = Typesetter(faces)
    ask_texts(sheet, typesetter)
    every_face = " ".join(f"{declared.command} " for declared in faces.declared.values())
    fonts_key = hashlib.sha256(render_preamble(sheet, faces, every_face).encode()).hexdigest()
    known = measure.read_cache(cache, fonts_key)
    metrics, sizes = measure.measure(typesetter.segments(), known, lambda missing: render_measure(sheet, faces, missing),
                                     work, timeout, keep_log)
    if sizes != known:
        measure.write_cache(cache, fonts_key, sizes)
    layout = layout_sheet(sheet, typesetter.measured(metrics), source)
    widths = {tex: size[0] for tex, size in metrics.items()}
    return render_sheet(sheet, layout, faces, widths, RenderSource(source.path.name, _element_lines(source)))


def _element_lines(source: Source) -> dict:
    """The content line of every element the .tex names in a comment."""
    return {where: line for where, (line, _) in source.marks.items()}


def template_files() -> list[Path]:
    """The files the output depends on besides the content: templates and the latexmkrc."""
    folder = Path(str(resources.files("texsheet.tex_templates")))
    return sorted(folder.glob("*.j2")) + [build.latexmkrc()]


def _cache_key(texts: dict[str, str], dpi: int) -> str:
    """What the outputs depend on: the generated files (content, templates, theme, texsheet's
    code all show in them), the PNG's resolution, the latexmkrc, and a fixed build date."""
    recipe = build.latexmkrc().read_bytes()
    parts = [*(f"{name}\n{text}".encode() for name, text in sorted(texts.items())), str(dpi).encode(), recipe,
             os.environ.get("SOURCE_DATE_EPOCH", "").encode(), importlib.metadata.version("texsheet").encode()]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def _stamp(output_dir: Path, stem: str) -> Path:
    return output_dir / f".{stem}.texsheet-cache.json"


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_stamp(output_dir: Path, stem: str, key: str, outputs: Outputs) -> None:
    files = {p.name: _file_digest(p) for p in outputs.files()}
    _stamp(output_dir, stem).write_text(json.dumps({"key": key, "files": files}, indent=1), encoding="utf-8")


def _current_outputs(output_dir: Path, stem: str, key: str) -> Outputs | None:
    """The outputs of an earlier build with the same key, if none of them has changed since."""
    try:
        stamp = json.loads(_stamp(output_dir, stem).read_text(encoding="utf-8"))
        if stamp["key"] != key or any(_file_digest(output_dir / name) != digest for name, digest in stamp["files"].items()):
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    paths = [output_dir / f"{stem}{suffix}" for suffix in (".tex", ".pdf", ".png")]
    extra = [output_dir / name for name in (f"{stem}-fragment.tex", "texsheet.sty") if name in stamp["files"]]
    return Outputs(*paths, *extra, cached=True)


def _publish(made: Path, output_dir: Path) -> Path:
    """Copy beside the target, then rename over it: a reader never sees half a file."""
    target = output_dir / made.name
    handle, temporary = tempfile.mkstemp(prefix=f".{made.name}.", dir=output_dir)
    os.close(handle)
    shutil.copyfile(made, temporary)
    os.chmod(temporary, 0o666 & ~_UMASK)
    os.replace(temporary, target)
    return target

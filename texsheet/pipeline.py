"""From content YAML to .tex, PDF and PNG: the one function that joins the steps."""
from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from . import build, markup
from .errors import ContentError, Problem
from .layout import layout_sheet
from .model import Sheet, validate_sheet
from .render import panel_box_name, render_fragment, render_sheet, render_style
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
    fragment: Path | None = None  # <stem>-fragment.tex, when asked for
    style: Path | None = None  # texsheet.sty, beside the fragment
    cached: bool = False  # True when the outputs were current and nothing was built

    def files(self) -> list[Path]:
        return [p for p in (self.tex, self.pdf, self.png, self.fragment, self.style) if p is not None]


def load_sheet(path: Path, theme: str | None = None) -> tuple[Source, Sheet]:
    """Read and validate a content file; theme, if given, replaces the theme's name."""
    source = load_source(path)
    if theme is not None:
        chosen = source.data.get("theme")
        source.data["theme"] = {**chosen, "name": theme} if isinstance(chosen, dict) else {"name": theme}
    return source, validate_sheet(source)


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
    source, sheet = load_sheet(path, theme)
    stem = Path(path).stem
    texts = {f"{stem}.tex": render_sheet(sheet, source)}
    if fragment:
        texts[f"{stem}-fragment.tex"] = render_fragment(sheet, source)
        texts["texsheet.sty"] = render_style()
    key = _cache_key(texts, dpi)
    current = None if force else _current_outputs(output_dir, stem, key)
    if current:
        return current
    with tempfile.TemporaryDirectory(prefix=f"texsheet-{stem}-") as work:
        made = {name: Path(work) / name for name in texts}
        for name, text in texts.items():
            made[name].write_text(text, encoding="utf-8", newline="\n")
        tex = made[f"{stem}.tex"]
        pdf = build.run_latexmk(tex, timeout=timeout, keep_log=output_dir / f"{stem}.log")
        _check_fits(source, sheet, tex)
        png = build.rasterize(pdf, tex.with_suffix(".png"), dpi)
        output_dir.mkdir(parents=True, exist_ok=True)
        # Two builds of one sheet at once: each publishes its files as a set.
        with open(output_dir / f".{stem}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            extra = [_publish(made[name], output_dir) for name in texts if name != tex.name]
            outputs = Outputs(_publish(tex, output_dir), _publish(pdf, output_dir), _publish(png, output_dir), *extra)
            _write_stamp(output_dir, stem, key, outputs)
            return outputs


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


def _check_fits(source: Source, sheet: Sheet, tex: Path) -> None:
    """Refuse panels whose text overflows their box or has a word wider than its column."""
    placed = {panel_box_name(p.where): p for p in layout_sheet(sheet).panels}
    tex_lines = tex.read_text(encoding="utf-8").splitlines()
    problems = []
    for fit in build.read_fits(tex.with_suffix(".log")):
        panel = placed.get(fit.box)
        if panel is None:
            continue
        title = markup.plain(panel.panel.title)
        if fit.overflows:
            problems.append(source.problem(
                panel.where,
                f"panel '{title}' does not fit: its text needs {fit.needs_mm:.0f} mm even at {fit.size_pt:g} pt, "
                f"the panel has {fit.has_mm:.0f} mm",
            ))
        for tex_line in sorted(set(fit.too_wide)):
            origin = build.content_origin(tex_lines, tex_line)
            line = origin[1] if origin else source.position(panel.where)[0]
            problems.append(Problem(source.path, line, 1, f"panel '{title}': a word is wider than its column; "
                                    "shorten it, or widen the column"))
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

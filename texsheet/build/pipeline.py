"""From content YAML to .tex, PDF and PNG: the one function that joins the steps."""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import filelock

from texsheet import __version__
from texsheet.build import engine as build
from texsheet.build import faults, measure
from texsheet.build.drawing import Drawing
from texsheet.errors import BuildError, ContentError
from texsheet.layout import graph
from texsheet.model.sheet import Sheet, validate_sheet
from texsheet.model.source import Source
from texsheet.read.content import load_content
from texsheet.tex.fragment import render_fragment, render_style, render_tikz
from texsheet.tex.render import ICONS, REFERENCE_SIZE, format_ini, render_format_head, render_measuring
from texsheet.tex.templates import template_folder
from texsheet.text.machine import Machine, probe_machine, user_cache


T = TypeVar("T")


@dataclass(frozen=True)
class Outputs:
    tex: Path
    pdf: Path
    png: Path
    fragment: Path | None = None  # <stem>-fragment.tex, when asked for
    style: Path | None = None  # texsheet.sty, beside the fragment
    tikz: Path | None = None  # <stem>-tikz.tex, beside the fragment: the sheet's TikZ for [tikz] papers
    cached: bool = False  # True when the outputs were current and nothing was built
    icons: tuple[Path, ...] = ()  # texsheet-icons/CODE.pdf, the icons the .tex places
    svg: Path | None = None  # <stem>.svg, when asked for
    more_pngs: tuple[Path, ...] = ()  # <stem>-2.png and on: the pages after the first, of a sheet of several

    def files(self) -> list[Path]:
        return [p for p in (self.tex, self.pdf, self.png, *self.more_pngs, self.svg, self.fragment, self.style, self.tikz, *self.icons)
                if p is not None]


def load_sheet(path: Path, theme: str | None = None, machine: Machine | None = None, pages: int | str | None = None) -> tuple[Source, Sheet]:
    """Read and validate a content file (YAML, Markdown or a prompt); theme, if given,
    replaces the theme's name, and pages the sheet's pages."""
    return check_sheet(load_content(path)[0], theme, machine, pages=pages)


def check_sheet(source: Source, theme: str | None = None, machine: Machine | None = None,
                require_fonts: bool = True, pages: int | str | None = None) -> tuple[Source, Sheet]:
    """Validate loaded content; theme, if given, replaces the theme's name, and pages the
    sheet's pages."""
    if theme is not None:
        chosen = source.data.get("theme")
        source.data["theme"] = {**chosen, "name": theme} if isinstance(chosen, dict) else {"name": theme}
    if pages is not None:
        source.data["pages"] = pages
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
    svg: bool = False,
    pages: int | str | None = None,
) -> Outputs:
    """Build one sheet; outputs replace the earlier ones only when the whole build succeeded.

    With fragment, also <stem>-fragment.tex, <stem>-tikz.tex and texsheet.sty, for \\input in a paper;
    with svg, also <stem>.svg.
    Outputs that are current (same generated .tex, options and build recipe, files untouched)
    are kept without building, unless force.
    """
    path = Path(path)
    source, sheet = load_sheet(path, theme, this_machine(), pages)
    return build_sheet(source, sheet, path.stem, Path(output_dir), dpi, timeout, force, fragment, svg)


def build_sheet(source: Source, sheet: Sheet, stem: str, output_dir: Path, dpi: int = 200, timeout: float = 60.0,
                force: bool = False, fragment: bool = False, svg: bool = False) -> Outputs:
    """Build validated content to output_dir/<stem>.tex, .pdf and .png (see compile_sheet).

    Text TeX has not measured for this sheet before is measured first, in a run of its own;
    then the page is laid out, written, built by latexmk and turned into a PNG by pdf2image.
    timeout bounds the whole build, every process in it. A fault of the machine (no space, no
    permission, a folder where a file belongs) is a BuildError naming the path.
    """
    _one_page_only(source, sheet.pages, svg, fragment)
    machine = this_machine()
    cache = output_dir / f".{stem}.measure.json"
    early = _early_key(source, sheet, machine, cache, dpi, fragment, svg)
    current = None if force else _current_outputs(output_dir, stem, early, "early")
    if current:
        return current
    _check_tex()
    with faults.described(output_dir):
        output_dir.mkdir(parents=True, exist_ok=True)
        faults.check_writable(output_dir)
    deadline = build.Deadline(timeout)
    drawing = Drawing(source, sheet, machine)
    kept = measure.read_cache(cache, drawing.fonts_key)
    texts = {f"{stem}-fragment.tex": render_fragment(stem), "texsheet.sty": render_style()} if fragment else {}
    with faults.described(Path(tempfile.gettempdir())), tempfile.TemporaryDirectory(prefix=f"texsheet-{stem}-") as folder:
        work = Path(folder)
        fmt = _preloaded_format(machine, deadline)
        metrics, sizes = _measured(drawing, kept, work, fmt, deadline)
        with graph.time_left(deadline.left):
            texts[f"{stem}.tex"] = drawing.document(metrics)
        _one_page_only(source, drawing.pages, svg, fragment)  # pages: auto is known only now
        if fragment:
            texts[f"{stem}-tikz.tex"] = render_tikz(stem, texts[f"{stem}.tex"])
        key = _cache_key(texts, dpi, drawing.fonts_key, svg)
        if sizes != kept:
            with faults.described(output_dir):
                measure.write_cache(cache, drawing.fonts_key, sizes)
            early = _early_key(source, sheet, machine, cache, dpi, fragment, svg)  # what the next build will find
        current = None if force else _current_outputs(output_dir, stem, key)
        if current:
            return current
        _write(texts, work)
        tex = work / f"{stem}.tex"
        pages = drawing.icon_pages()
        icons = build.extract_icons(pages, machine.twemoji_pdf, user_cache() / "twemoji", work / ICONS) if pages else []
        pdf = _from_format(fmt, lambda fmt: build.run_latexmk(tex, LATEXMKRC, deadline.left(), output_dir / f"{stem}.log", fmt))
        png, *more_pngs = build.rasterize(pdf, tex.with_suffix(".png"), dpi, deadline.left())
        vector = build.run_svg(tex, icons, deadline.left()) if svg else None
        paper = {field: output_dir / name for field, name in _paper_files(stem) if name in texts}
        made = {work / target.name: target for target in paper.values()}
        made.update({icon: output_dir / ICONS / icon.name for icon in icons})
        made.update({path: output_dir / path.name for path in (tex, pdf, png, *more_pngs, vector) if path is not None})
        stamp = work / _stamp(output_dir, stem).name
        _write_stamp(stamp, {"key": key, "early": early}, {str(target.relative_to(output_dir)): source for source, target in made.items()})
        made[stamp] = _stamp(output_dir, stem)
        # Two builds of one sheet at once: each publishes its files as a set.
        with faults.described(output_dir), filelock.FileLock(output_dir / f".{stem}.lock"):
            build.check_running()
            earlier = _page_pngs(stem, _read_stamp(output_dir, stem).get("files", {}))
            faults.publish(made)
            for name in earlier - {path.name for path in more_pngs}:  # the pages a longer sheet had
                (output_dir / name).unlink(missing_ok=True)
    return Outputs(output_dir / tex.name, output_dir / pdf.name, output_dir / png.name, **paper,
                   icons=tuple(output_dir / ICONS / icon.name for icon in icons), svg=output_dir / vector.name if vector else None,
                   more_pngs=tuple(output_dir / path.name for path in more_pngs))


def _one_page_only(source: Source, pages: int, svg: bool, fragment: bool) -> None:
    """An SVG and a paper's fragment hold one page: a sheet of more is refused for them."""
    if svg and pages > 1:
        raise ContentError([source.problem(("pages",), f"--svg writes a sheet of one page; this one has {pages} pages: "
                                           "its PNGs and PDF hold them all")])
    if fragment and pages > 1:
        raise ContentError([source.problem(("pages",), f"a sheet of {pages} pages cannot be placed in a paper as one "
                                           "picture (--fragment); build it on one page, or as one sheet per page "
                                           "(texsheet import --split, for a note)")])


def check_layout(source: Source, sheet: Sheet, timeout: float = 60.0) -> None:
    """Lay the sheet out as compile would, TeX measuring what no build has measured yet: a
    ContentError, with its place and numbers, when the page cannot hold it."""
    _check_tex()
    deadline = build.Deadline(timeout)
    drawing = Drawing(source, sheet, this_machine())
    metrics = measured_apart(drawing, deadline)
    with graph.time_left(deadline.left):
        drawing.document(metrics)


def measured_apart(drawing: Drawing, deadline: build.Deadline):
    """The metrics of the drawing's text (its segments), TeX measuring in a folder of its own
    what no build has measured yet; for laying a sheet out without building it."""
    with faults.described(Path(tempfile.gettempdir())), tempfile.TemporaryDirectory(prefix="texsheet-measure-") as folder:
        return _measured(drawing, {}, Path(folder), _preloaded_format(this_machine(), deadline), deadline)[0]


def _measured(drawing: Drawing, kept: dict, work: Path, fmt: Path | None, deadline: build.Deadline):
    """The metrics of the drawing's text, and the sizes to keep for this sheet: from kept (this
    sheet's own cache), else from what was measured for other sheets (that store is read only
    then), else measured now by TeX in work, and remembered for other sheets."""
    recalled = measure.recall(drawing.fonts_key) if measure.unmeasured(drawing.segments, kept) else {}
    known = {**recalled, **kept}
    missing = measure.unmeasured(drawing.segments, known)
    if missing:
        measuring = work / MEASURING
        measuring.write_text(render_measuring(drawing.preamble, missing), encoding="utf-8", newline="\n")
        records = _from_format(fmt, lambda fmt: build.run_measuring(measuring, deadline.left(), fmt))
        known = measure.with_records(known, missing, records, REFERENCE_SIZE)
        measure.remember(drawing.fonts_key, recalled, {key: known[key] for key in map(measure.segment_key, missing)})
    return measure.metrics_of(drawing.segments, known)


def _check_tex() -> None:
    """TeX Live's programs a build runs, said plainly when missing."""
    absent = [name for name in ("latexmk", "xelatex", "xdvipdfmx") if shutil.which(name) is None]
    if absent:
        raise BuildError(f"TeX is not installed here ({', '.join(absent)} not found on PATH): the README's first command "
                         "(./tasks.sh sheet) installs it with what else texsheet needs")


def same_outputs(files: Iterable[Path]) -> list[tuple[Path, Path]]:
    """Pairs of different files that would write the same outputs (their names differ only in
    folder or suffix: notes.yaml beside notes.md)."""
    first: dict[str, Path] = {}
    clashes = []
    for path in files:
        seen = first.setdefault(path.stem, path)
        if seen != path:
            clashes.append((seen, path))
    return clashes


def write_style(folder: Path) -> Path | None:
    """folder/texsheet.sty, where a paper's \\usepackage{texsheet} finds it, unless it is current
    there; None when it was. Replaced whole, as build outputs are."""
    text = render_style()
    target = folder / "texsheet.sty"
    try:
        if target.read_text(encoding="utf-8") == text:
            return None
    except (OSError, UnicodeDecodeError):
        pass
    with faults.described(folder), tempfile.TemporaryDirectory(prefix="texsheet-style-") as made:
        _write({target.name: text}, Path(made))
        faults.publish({Path(made) / target.name: target})
    return target


def _preloaded_format(machine: Machine, deadline: build.Deadline) -> Path | None:
    """The format of the preamble's start, made now if this TeX installation has none yet."""
    return build.preloaded_format(render_format_head(), format_ini(), machine.tex_inputs, user_cache() / "formats", deadline.left())


def _from_format(fmt: Path | None, run: Callable[[Path | None], T]) -> T:
    """run's result, given the format of the preamble's start when there is one; started plain
    if TeX cannot start from it."""
    try:
        return run(fmt)
    except build.FormatFailed:
        build.discard_format(fmt)
        return run(None)


MEASURING = "texsheet-measuring.tex"  # the document of a measuring run, in the build folder
LATEXMKRC = template_folder() / "latexmkrc"


def _write(texts: dict[str, str], folder: Path) -> None:
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8", newline="\n")


def template_files() -> list[Path]:
    """The files the output depends on besides the content: the templates."""
    folder = template_folder()
    return sorted(p for p in folder.iterdir() if p.suffix in (".j2", ".ini") or p.name == "latexmkrc")


def _cache_key(texts: dict[str, str], dpi: int, fonts_key: str, svg: bool) -> str:
    """What the outputs depend on: the generated files (content, templates, theme, texsheet's
    code all show in them), the fonts' files, the PNG's resolution, the SVG's recipe, the TeX
    commands, and a fixed build date."""
    parts = [*(f"{name}\n{text}" for name, text in sorted(texts.items())), fonts_key, str(dpi), _svg_recipe(svg), *_recipe(), __version__]
    return hashlib.sha256(b"\0".join(part.encode() for part in parts)).hexdigest()


def _recipe() -> list[str]:
    """How a build runs, besides its input: the TeX commands and a fixed build date."""
    return [" ".join(build.XELATEX + build.LATEXMK), LATEXMKRC.read_text(encoding="utf-8"), os.environ.get("SOURCE_DATE_EPOCH", "")]


def _svg_recipe(svg: bool) -> str:
    """How the SVG is made, when it is: its drivers and dvisvgm's options."""
    return build.SVG_DRIVERS + " ".join(build.DVISVGM) if svg else ""


def _early_key(source: Source, sheet: Sheet, machine: Machine, cache: Path, dpi: int, fragment: bool, svg: bool) -> str:
    """What the outputs depend on, known before anything is laid out: the content and its
    validated reading, the measurements kept, the machine's fonts and TeX, texsheet's code and
    templates, the options. Equal keys need no build at all."""
    try:
        measured = cache.read_bytes()
    except OSError:
        measured = b""
    parts = [source.path.name, source.text, repr(sheet), str(dpi), str(fragment), str(svg), *_recipe(),
             machine.fonts.digest if machine.fonts else "", machine.tex_inputs, str(machine.twemoji_pdf), _code_digest()]
    return hashlib.sha256(b"\0".join([*(part.encode() for part in parts), measured])).hexdigest()


@functools.cache
def _code_digest() -> str:
    """A digest of texsheet's own files, its code and templates."""
    digest = hashlib.sha256(__version__.encode())
    for path in [*sorted(Path(__file__).parents[1].rglob("*.py")), *template_files()]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _paper_files(stem: str) -> tuple[tuple[str, str], ...]:
    """The outputs for papers (compile --fragment), as (Outputs field, file name)."""
    return ("fragment", f"{stem}-fragment.tex"), ("style", "texsheet.sty"), ("tikz", f"{stem}-tikz.tex")


def _stamp(output_dir: Path, stem: str) -> Path:
    return output_dir / f".{stem}.texsheet-cache.json"


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_stamp(stamp: Path, keys: dict[str, str], files: dict[str, Path]) -> None:
    """The keys of a build and a digest of each file it made (name in the output folder -> the
    file as made), for _current_outputs."""
    digests = {name: _file_digest(path) for name, path in sorted(files.items())}
    stamp.write_text(json.dumps({**keys, "files": digests}, indent=1), encoding="utf-8")


def _read_stamp(output_dir: Path, stem: str) -> dict:
    """The stamp the last build of stem wrote (see _write_stamp); {} when there is none that reads."""
    try:
        stamp = json.loads(_stamp(output_dir, stem).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) and isinstance(stamp.get("files"), dict) else {}


def _page_pngs(stem: str, names) -> set[str]:
    """Of names, the PNGs of a sheet's pages after the first (stem-2.png, stem-3.png, ...)."""
    return {name for name in names if re.fullmatch(re.escape(stem) + r"-\d+\.png", name)}


def _current_outputs(output_dir: Path, stem: str, key: str, kind: str = "key") -> Outputs | None:
    """The outputs of an earlier build with the same key (of kind "key", from the generated
    files, or "early", see _early_key), if none of them has changed since."""
    stamp = _read_stamp(output_dir, stem)
    if not stamp or stamp.get(kind) != key:
        return None
    try:
        if any(_file_digest(output_dir / name) != digest for name, digest in stamp["files"].items()):
            return None
    except (OSError, TypeError):
        return None
    paths = [output_dir / f"{stem}{suffix}" for suffix in (".tex", ".pdf", ".png")]
    paper = {field: output_dir / name for field, name in _paper_files(stem) if name in stamp["files"]}
    icons = tuple(output_dir / name for name in stamp["files"] if name.startswith(ICONS + "/"))
    svg = output_dir / f"{stem}.svg" if f"{stem}.svg" in stamp["files"] else None
    more_pngs = tuple(output_dir / name for name in sorted(_page_pngs(stem, stamp["files"]), key=lambda name: (len(name), name)))
    return Outputs(*paths, **paper, cached=True, icons=icons, svg=svg, more_pngs=more_pngs)

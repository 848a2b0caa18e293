"""texsheet as a library: build or check a sheet given as a file, as YAML text, or as a dict.

    import texsheet
    result = texsheet.compile("content/llm-grand-summary.yaml", "build")
    result.pdf, result.png        # paths; in Jupyter, `result` shows the sheet
    texsheet.validate({"title": "x", "rows": []})   # -> [Problem(...)], empty when fine
"""
from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from texsheet.build import pipeline
from texsheet.errors import ContentError, Problem
from texsheet.model.sheet import Sheet, missing_fonts
from texsheet.model.source import Source, parse_source
from texsheet.read.book import Book, is_book_file, load_book
from texsheet.read.content import CONTENT_SUFFIXES, load_content
from texsheet.read.pieces import Note
from texsheet.text.machine import Machine, user_cache

if TYPE_CHECKING:  # book() imports the series' code itself: pypdf and the gallery are not every build's
    from texsheet.build.series import BookOutputs

SheetSource = str | os.PathLike | dict


@dataclass(frozen=True)
class Result:
    """The files a build wrote; shown as its PNG in Jupyter."""

    tex: Path
    pdf: Path
    png: Path
    fragment: Path | None = None
    style: Path | None = None
    cached: bool = False
    svg: Path | None = None  # <name>.svg, when asked for
    notes: tuple[str, ...] = ()  # what reading a Markdown note or a prompt guessed, "line: note" each (see import_notes)
    more_pngs: tuple[Path, ...] = ()  # <name>-2.png and on, the pages after the first of a sheet of several
    warnings: tuple[Problem, ...] = ()  # what built, but not as written, at its place (see warnings)

    def _repr_png_(self) -> bytes:
        return self.png.read_bytes()


def compile(source: SheetSource, out_dir: str | os.PathLike | None = None, *, dpi: int = 200, theme: str | None = None,
            fragment: bool = False, force: bool = False, timeout: float = 60.0, svg: bool = False,
            pages: int | str | None = None) -> Result:
    """Build a sheet to <out_dir>/<name>.tex, .pdf and .png and return their paths.

    source is a content file (a path, as str or Path: YAML, a Markdown note or an image-model
    prompt), YAML text, or a dict of the same content; with svg, <name>.svg too. name is the file's stem, else "sheet". Without out_dir the files go to a folder
    of texsheet's in the user's cache (~/.cache/texsheet/sheets/<name>-<digest of the content>).
    Raises TexsheetError (ContentError for content, with every problem and its place).
    """
    loaded, name, notes = _load(source)
    _, sheet = pipeline.check_sheet(loaded, theme, pipeline.this_machine(), pages=pages)
    folder = Path(out_dir) if out_dir is not None else _cache_folder(name, loaded.text)
    outputs = pipeline.build_sheet(loaded, sheet, name, folder, dpi=dpi, timeout=timeout, force=force, fragment=fragment, svg=svg)
    return Result(outputs.tex, outputs.pdf, outputs.png, outputs.fragment, outputs.style, outputs.cached, outputs.svg,
                  tuple(_note_lines(notes)), outputs.more_pngs, tuple(loaded.warnings))


def book(sheets: list[str | os.PathLike] | str | os.PathLike, target: str | os.PathLike, *, title: str | None = None,
         subtitle: str | None = None, author: str | None = None, html: str | os.PathLike | None = None, dpi: int = 200,
         svg: bool = False, force: bool = False, timeout: float = 60.0) -> BookOutputs:
    """Build a series of sheets into one PDF at target (a cover, a linked contents page, every
    sheet a page, bookmarks and page labels), the sheets' own outputs beside it; with html, a
    web gallery in that folder too. sheets is a list of content files, or one book file
    (`book:` with title, subtitle, author and sheets); the keyword arguments given override it."""
    target = Path(target)
    if isinstance(sheets, (str, os.PathLike)) and is_book_file(Path(sheets)):
        listed = load_book(Path(sheets))
    else:
        names = [sheets] if isinstance(sheets, (str, os.PathLike)) else sheets
        listed = Book(target.stem.replace("-", " ").replace("_", " ").capitalize(), sheets=tuple(Path(s) for s in names))
    chosen = {key: value for key, value in (("title", title), ("subtitle", subtitle), ("author", author)) if value is not None}
    from texsheet.build.series import build_book

    return build_book(replace(listed, **chosen), target, Path(html) if html is not None else None, dpi=dpi, timeout=timeout,
                      force=force, svg=svg)


def validate(source: SheetSource, *, fonts: bool | None = None) -> list[Problem]:
    """Every problem compile would find in the content, each with its place; [] when fine.

    fonts: True checks every character against the installed fonts and icons (a theme font
    that is not installed is a problem), False checks structure and markup only, None (the
    default) checks fonts when the theme's fonts are installed (see skipped_checks)."""
    return check(source, fonts=fonts).problems


def warnings(source: SheetSource) -> list[Problem]:
    """What validate(source) lets pass, as it builds, but not as written, each at its place: an
    emoji Twemoji has no icon for (drawn in a font or as a box instead), a flowchart drawn
    top-down, a panel a third blank beside text at the smallest size, a page too empty for its
    content; [] for content that validate refuses (it says why)."""
    return check(source).warnings


@dataclass(frozen=True)
class Check:
    """What validate, warnings and import_notes say of a content, from one reading of it and
    one layout."""

    problems: list[Problem]
    warnings: list[Problem]
    notes: list[Note]  # what reading a Markdown note or a prompt guessed (see import_notes)

    @property
    def note_lines(self) -> list[str]:
        """The notes as import_notes writes them."""
        return _note_lines(self.notes)

    @property
    def lost_words(self) -> list[str]:
        """The notes saying words of the note do not reach the page, as lost_words writes them."""
        return _lost_lines(self.notes)


def check(source: SheetSource, *, fonts: bool | None = None) -> Check:
    """The problems, the warnings and the import notes of a content (see validate, warnings and
    import_notes): laid out as compile would when this machine can measure its text."""
    try:
        loaded, _, notes = _load(source)
    except ContentError as error:
        return Check(list(error.problems), [], [])
    try:
        machine = pipeline.this_machine() if fonts is not False else None
        _, sheet = pipeline.check_sheet(loaded, None, machine, require_fonts=fonts is True)
        if machine is not None and _can_lay_out(sheet, machine):
            pipeline.check_layout(loaded, sheet)
    except ContentError as error:
        return Check(list(error.problems), [], notes)
    return Check([], list(loaded.warnings), notes)


def _can_lay_out(sheet: Sheet, machine: Machine) -> bool:
    """Whether this machine can measure the sheet's text as compile would: TeX and the fonts."""
    return shutil.which("xelatex") is not None and not machine.missing and not missing_fonts(sheet, machine)


def skipped_checks(source: SheetSource) -> list[str]:
    """What validate(source) could not check on this machine, a line each."""
    machine = pipeline.this_machine()
    notes = list(machine.missing)
    try:
        loaded, _, _ = _load(source)
        _, sheet = pipeline.check_sheet(loaded, None, None)
    except ContentError:
        return notes
    missing = missing_fonts(sheet, machine)
    if missing:
        notes.append(f"fonts not checked: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not installed "
                     "(the README's set-up installs them)")
    if not _can_lay_out(sheet, machine):
        notes.append("the page's layout not checked (whether the text fits): that needs TeX and the fonts")
    return notes


def import_notes(source: SheetSource) -> list[str]:
    """What reading a Markdown note or a prompt guessed, or dropped as having no place in a
    sheet, "line: note" each, those saying words of the note do not reach the page first
    ("line: words lost: note"); [] for YAML, and for a file that cannot be read (validate says why)."""
    return _note_lines(_notes(source))


def lost_words(source: SheetSource) -> list[str]:
    """The import notes saying words of the note do not reach the page, as import_notes
    writes them (validate fails on them: a sheet is to hold what its note says)."""
    return _lost_lines(_notes(source))


def _notes(source: SheetSource) -> list[Note]:
    try:
        return _load(source)[2]
    except ContentError:
        return []


def _lost_lines(notes: list[Note]) -> list[str]:
    return _note_lines([note for note in notes if note.lost])


def _note_lines(notes: list[Note]) -> list[str]:
    return [f"{n.line}: {'words lost: ' if n.lost else ''}{n.message}" for n in sorted(notes, key=lambda n: not n.lost)]


def _load(source: SheetSource) -> tuple[Source, str, list[Note]]:
    """The content, the name its outputs take, and what reading it guessed (notes and prompts)."""
    if isinstance(source, dict):
        text = yaml.safe_dump(source, allow_unicode=True, sort_keys=False)
        return parse_source(text, Path("<dict>")), "sheet", []
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_a_path(source)):
        path = Path(source)
        loaded, notes = load_content(path)
        return loaded, path.stem, notes
    if isinstance(source, str):
        return parse_source(source, Path("<text>")), "sheet", []
    raise TypeError(f"a sheet is a path, YAML text or a dict, not {type(source).__name__}")


def _looks_like_a_path(text: str) -> bool:
    return "\n" not in text and (text.endswith(CONTENT_SUFFIXES) or os.sep in text or Path(text).is_file())


def _cache_folder(name: str, text: str) -> Path:
    return user_cache() / "sheets" / f"{name}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"

"""A series of sheets as a booklet and a web gallery: each sheet built (or taken as current) as
compile builds it, a cover and a contents page built as sheets too, then the booklet put
together from their PDFs and the gallery written; the booklet and the gallery are published
together, all or nothing."""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from texsheet.build import booklet, faults, pipeline
from texsheet.errors import ContentError, TexsheetError
from texsheet.read.book import Book, Entry, contents_source, cover_source
from texsheet.tex.gallery import Card, render_gallery

THUMBNAIL_WIDTH = 360  # px: two across a phone, five across a wide screen


@dataclass(frozen=True)
class BookOutputs:
    pdf: Path
    sheets: tuple[pipeline.Outputs, ...]
    gallery: Path | None = None  # the gallery's index.html


def build_book(book: Book, target: Path, html: Path | None = None, dpi: int = 200, timeout: float = 60.0,
               force: bool = False, svg: bool = False) -> BookOutputs:
    """Build the booklet to target (its sheets, cover and contents beside it, as compile writes
    them) and, with html, the gallery into that folder (index.html, the thumbnails, and a copy
    of each page, PDF and the booklet). Every sheet is checked before any is built."""
    folder = target.parent
    clashes = pipeline.same_outputs(book.sheets)
    if clashes:
        seen, path = clashes[0]
        raise TexsheetError(f"{seen} and {path} would both write {path.stem}.*: rename one")
    loaded = _load_all(book)
    entries = [Entry(path.stem, sheet.title, sheet.subtitle, sheet.icon, n + 1) for n, (path, (_, sheet)) in enumerate(zip(book.sheets, loaded))]
    built = tuple(pipeline.build_sheet(source, sheet, path.stem, folder, dpi, timeout, force, svg=svg)
                  for path, (source, sheet) in zip(book.sheets, loaded))
    cover = _build_front(cover_source(book, entries, f"{target.stem}-cover"), folder, dpi, timeout, force)
    contents = _build_front(contents_source(book, entries, f"{target.stem}-contents"), folder, dpi, timeout, force)
    with faults.described(Path(tempfile.gettempdir())), tempfile.TemporaryDirectory(prefix="texsheet-book-") as work_folder:
        work = Path(work_folder)
        pages = [booklet.Page(outputs.pdf, entry.title) for outputs, entry in zip(built, entries)]
        made = {booklet.assemble(cover.pdf, contents.pdf, pages, work / target.name, book.title, book.author): target}
        if html is not None:
            made.update(_gallery(book, entries, built, work / "gallery", html, made))
        with faults.described(folder):
            faults.publish(made)
    return BookOutputs(target, built, html / "index.html" if html is not None else None)


def _load_all(book: Book) -> list:
    """Every sheet read and validated; the problems of all of them at once."""
    loaded, problems = [], []
    for path in book.sheets:
        try:
            loaded.append(pipeline.load_sheet(path, None, pipeline.this_machine()))
        except ContentError as error:
            problems.extend(error.problems)
    if problems:
        raise ContentError(problems)
    return loaded


def _build_front(source, folder: Path, dpi: int, timeout: float, force: bool) -> pipeline.Outputs:
    _, sheet = pipeline.check_sheet(source, None, pipeline.this_machine())
    return pipeline.build_sheet(source, sheet, source.path.stem, folder, dpi, timeout, force)


def _gallery(book: Book, entries: list[Entry], built: tuple[pipeline.Outputs, ...], work: Path, html: Path,
             made: dict[Path, Path]) -> dict[Path, Path]:
    """The gallery's files in work, each mapped to its place under html: index.html, thumbs/,
    pages/ (each sheet's SVG where it was built, else its PNG), pdf/, and the booklet."""
    files: dict[Path, Path] = {}
    cards = []
    (work / "thumbs").mkdir(parents=True)
    for entry, outputs in zip(entries, built):
        page = outputs.svg or outputs.png
        thumbnail = work / "thumbs" / f"{entry.stem}.png"
        width, height = _thumbnail(outputs.png, thumbnail)
        files.update({thumbnail: html / "thumbs" / thumbnail.name, page: html / "pages" / page.name,
                      outputs.pdf: html / "pdf" / outputs.pdf.name})
        cards.append(Card(entry.title, entry.subtitle, f"thumbs/{thumbnail.name}", f"pages/{page.name}",
                          f"pdf/{outputs.pdf.name}", width, height))
    (booklet_pdf,) = made
    copy = work / booklet_pdf.name  # publish takes each made file to one place
    shutil.copyfile(booklet_pdf, copy)
    files[copy] = html / copy.name
    index = work / "index.html"
    index.write_text(render_gallery(book.title, book.subtitle, book.author, booklet_pdf.name, cards), encoding="utf-8", newline="\n")
    files[index] = html / "index.html"
    return files


def _thumbnail(png: Path, target: Path) -> tuple[int, int]:
    """A small copy of a sheet's PNG for the grid; its size in pixels."""
    with Image.open(png) as image:
        image = image.convert("RGB")
        image.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_WIDTH * 4), Image.LANCZOS)
        image.save(target, format="PNG", optimize=True)
        return image.size

"""A series of sheets: the `book:` file that lists them, and the content of its cover and
contents pages, written as sheets so that they are drawn by the same templates as the rest."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from texsheet.errors import ContentError
from texsheet.model.source import Source, parse_source

BOOK_KEYS = ("title", "subtitle", "author", "sheets")
CONTENTS_ROWS = 20  # a table holds at most 20 rows: a longer series has a panel per 20 sheets
COVER_ITEMS = 20  # the cover names at most this many sheets, then says how many more


@dataclass(frozen=True)
class Book:
    """The series' own title, subtitle and author, and its sheets' content files in order."""

    title: str
    subtitle: str = ""
    author: str = ""
    sheets: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Entry:
    """A sheet as the cover, the contents and the gallery name it: its title and subtitle as
    markup, its icon, and its page in the booklet (1 = the first sheet)."""

    stem: str
    title: str
    subtitle: str
    icon: str
    page: int


def is_book_file(path: Path) -> bool:
    """Whether path is a YAML file whose top level is a `book:` mapping (not a sheet)."""
    if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
        return False
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return False
    return isinstance(data, dict) and set(data) == {"book"}


def load_book(path: Path) -> Book:
    """Read a book file; sheets are named relative to its folder. Problems are refused at their
    file:line:column, all at once."""
    source = parse_source(path.read_text(encoding="utf-8"), path)
    book = source.data.get("book")
    if not isinstance(book, dict):
        raise ContentError([source.problem(("book",), "expected a mapping of title:, subtitle:, author: and sheets:")])
    problems = [source.problem(("book", key), f"unknown key {key!r}: a book takes {', '.join(BOOK_KEYS)}")
                for key in book if key not in BOOK_KEYS]
    for key in ("title", "subtitle", "author"):
        if not isinstance(book.get(key, ""), str):
            problems.append(source.problem(("book", key), f"{key} is text"))
    if not isinstance(book.get("title"), str) or not book["title"].strip():
        problems.append(source.problem(("book",), "a book needs a title:"))
    sheets = book.get("sheets")
    if not isinstance(sheets, list) or not sheets or not all(isinstance(s, str) for s in sheets):
        problems.append(source.problem(("book", "sheets"), "sheets: is a list of content files, at least one"))
        sheets = []
    for n, name in enumerate(sheets):
        if not (path.parent / name).is_file():
            problems.append(source.problem(("book", "sheets", n), f"no such file: {path.parent / name}"))
    if problems:
        raise ContentError(problems)
    return Book(book["title"], book.get("subtitle", ""), book.get("author", ""), tuple(path.parent / s for s in sheets))


def cover_source(book: Book, entries: list[Entry], name: str) -> Source:
    """The cover as a sheet: the book's title in the banner over most of the page, its subtitle
    and author under it, and a panel naming the sheets, with their icons."""
    shown = [_item(entry) for entry in entries[:COVER_ITEMS]]
    if len(entries) > COVER_ITEMS:
        shown.append(f"... and {len(entries) - COVER_ITEMS} more")
    byline = " · ".join(part for part in (book.subtitle, book.author and f"by {book.author}") if part)
    content = {"title": book.title, "subtitle": byline, "title_height": 3,
               "panels": [{"title": f"{len(entries)} sheet{'s' if len(entries) != 1 else ''}", "hero": True,
                           "blocks": [{"kind": "bullets", "items": shown}]}]}
    return _as_source(content, name)


def contents_source(book: Book, entries: list[Entry], name: str) -> Source:
    """The contents page as a sheet: a table per 20 sheets of page, title and subtitle, each
    row's page number alone in its first column (where the booklet finds it to link the row)."""
    panels = []
    for start in range(0, len(entries), CONTENTS_ROWS):
        chunk = entries[start:start + CONTENTS_ROWS]
        rows = [[str(e.page), f"{e.icon} {e.title}" if e.icon else e.title, e.subtitle or " "] for e in chunk]
        panels.append({"title": "Page by page" if not start else f"From page {chunk[0].page}",
                       "blocks": [{"kind": "table", "header": ["page", "sheet", "about"], "rows": rows, "widths": [1, 5, 5]}]})
    return _as_source({"title": book.title, "subtitle": "Contents", "panels": panels}, name)


def _item(entry: Entry) -> dict | str:
    text = f"**{entry.title}**" + (f": {entry.subtitle}" if entry.subtitle else "")
    return {"text": text, "icon": entry.icon} if entry.icon else text


def _as_source(content: dict, name: str) -> Source:
    text = yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=1000)
    return parse_source(text, Path(f"{name}.yaml"))


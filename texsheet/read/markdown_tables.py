"""Markdown tables to pieces, by TableReader (the rules are in texsheet.read.markdown)."""
from __future__ import annotations

import re
from typing import Callable

from markdown_it.tree import SyntaxTreeNode

from texsheet.model.sheet import Table
from texsheet.model.source import Where
from texsheet.read.markdown_inline import InlineReader, markdown_parser
from texsheet.read.pieces import Piece, Pos, SourceLines, max_items

MAX_COLUMNS = max_items(Table, "header")
MAX_TABLE_ROWS = max_items(Table, "rows")


class TableReader:
    """Markdown tables to table pieces: GFM tables and kramdown's rows between pipes, read again
    from their source lines and split where a table holds fewer columns or rows; a table with a
    header only goes to read_text."""

    def __init__(self, src: SourceLines, inline: InlineReader, read_text: Callable[[str, Pos, int], list[Piece]]):
        self.src = src
        self.inline = inline
        self.read_text = read_text

    def table_pieces(self, node: SyntaxTreeNode) -> list[Piece]:
        """A GFM table; its rows are split again from the source, so that a | inside a code span
        stays in its cell (markdown-it cuts it) and cells beyond the header's count are kept."""
        index_rows = [(section.type == "thead", tr.map[0]) for section in node.children for tr in section.children]
        header_index = next((i for head, i in index_rows if head), None)
        body = [i for head, i in index_rows if not head]
        return self.rows_table(header_index, body, self.src.pos(node.map[0]), self.src.line(node.map[1] - 1))

    def pipe_table(self, node: SyntaxTreeNode) -> list[Piece] | None:
        """A paragraph whose every line is a row between pipes, as kramdown writes a table
        without a header: a table of rows only; separator rows (| --- |) are not content."""
        first, end = node.map
        lines = self.src.lines[first:end]
        if not lines or not all(_is_pipe_row(line) for line in lines):
            return None
        body = [first + n for n, line in enumerate(lines) if not _is_separator(line)]
        if not body:
            return None
        self.src.note(self.src.line(first), "lines between pipes with no header row became a table without a header")
        return self.rows_table(None, body, self.src.pos(first), self.src.line(end - 1))

    def rows_table(self, header_index: int | None, body: list[int], pos: Pos, last: int) -> list[Piece]:
        """Table pieces from the source lines of its header (or None) and its rows."""
        def read_row(index: int) -> tuple[list[str], list[Pos], Pos]:
            line = self.src.lines[index]
            cells, marks = [], []
            for raw, column in split_row(line):
                tree = parse_inline(raw.strip())
                cells.append(self.inline.inline_text(tree, self.src.line(index))[0] if raw.strip() else "")
                marks.append((self.src.line(index), column + len(raw) - len(raw.lstrip()) + 1))
            return cells, marks, (self.src.line(index), len(line) - len(line.lstrip()) + 1)

        header: list[str] = []
        header_marks: list[Pos] = []
        if header_index is not None:
            header, header_marks, _ = read_row(header_index)
        rows: list[list[str]] = []
        row_marks: list[tuple[Pos, list[Pos]]] = []
        width = len(header) if header else max(len(split_row(self.src.lines[i])) for i in body)
        for index in body:
            cells, marks, row_pos = read_row(index)
            if len(cells) > width:
                self.src.note(row_pos[0], f"{len(cells) - width} cell(s) beyond the header's {width} were kept in the row's last cell")
                cells = cells[: width - 1] + [" | ".join(c for c in cells[width - 1 :])]
                marks = marks[:width]
            cells += [""] * (width - len(cells))
            rows.append(cells)
            row_marks.append((row_pos, marks))
        if not rows:
            self.src.note(pos[0], "a table with a header only was kept as a line of text")
            return self.read_text(" | ".join(header), pos, last)
        groups = [list(range(min(width, MAX_COLUMNS)))]
        rest = list(range(MAX_COLUMNS, width))
        while rest:
            groups.append([0] + rest[: MAX_COLUMNS - 1])
            rest = rest[MAX_COLUMNS - 1 :]
        chunks = [range(s, min(s + MAX_TABLE_ROWS, len(rows))) for s in range(0, len(rows), MAX_TABLE_ROWS)]
        if len(groups) > 1:
            self.src.note(pos[0], f"a table of {width} columns was split into {len(groups)} tables (at most {MAX_COLUMNS} columns each, the first repeated)")
        if len(chunks) > 1:
            self.src.note(pos[0], f"a table of {len(rows)} rows was split into {len(chunks)} tables (at most {MAX_TABLE_ROWS} rows each)")
        pieces = []
        for columns in groups:
            for chunk in chunks:
                marks: dict[Where, Pos] = {(): pos}
                marks.update({("header", n): header_marks[c] for n, c in enumerate(columns) if c < len(header_marks)})
                for r, row in enumerate(chunk):
                    marks[("rows", r)] = row_marks[row][0]
                    marks.update({("rows", r, n): row_marks[row][1][c] for n, c in enumerate(columns) if c < len(row_marks[row][1])})
                data = {"kind": "table", **({"header": [header[c] for c in columns]} if header else {}),
                        "rows": [[rows[r][c] for c in columns] for r in chunk]}
                pieces.append(Piece(data, marks, pos[0], last))
        return pieces


def split_row(line: str) -> list[tuple[str, int]]:
    """The cells of a table row, each with its offset in the line: split at pipes outside code
    spans and not escaped; the outer pipes and a blockquote's > left out."""
    text = line.rstrip()
    at = len(line) - len(line.lstrip(" \t>"))
    cells, current, start, i = [], [], at, at
    if text[at : at + 1] == "|":
        i = start = at + 1
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2] if text[i + 1] != "|" else "|")
            i += 2
            continue
        if char == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            close = text.find("`" * run, i + run)
            while close >= 0 and text[close + run : close + run + 1] == "`":
                close = text.find("`" * run, close + run + 1)
            if close >= 0:  # GFM: a \| in a code span in a table is a | of the code
                current.append(text[i : close + run].replace("\\|", "|"))
                i = close + run
                continue
            current.append(text[i : i + run])
            i += run
            continue
        if char == "|":
            cells.append(("".join(current), start))
            current, start = [], i + 1
        else:
            current.append(char)
        i += 1
    if current and "".join(current).strip() or not text.endswith("|") or text.endswith("\\|"):
        cells.append(("".join(current), start))
    return cells


def _is_pipe_row(line: str) -> bool:
    text = line.strip()
    return len(text) >= 3 and text.startswith("|") and text.endswith("|") and len(split_row(line)) >= 1


def _is_separator(line: str) -> bool:
    """Whether a row is a rule (| --- | :-: |, or kramdown's |===| and |-+-|)."""
    cells = [c.strip() for c, _ in split_row(line)]
    return bool(cells) and all(re.fullmatch(r":?-+:?|=+|[-+:=]+", c) for c in cells if c) and any(cells)


def parse_inline(text: str) -> list[SyntaxTreeNode]:
    """The inline nodes of a piece of Markdown text (a table cell)."""
    tree = SyntaxTreeNode(markdown_parser().parseInline(text))
    return tree.children[0].children if tree.children else []

"""Markdown notes to texsheet content: a Source whose data is what content YAML would load.

The Markdown is parsed by markdown-it-py (CommonMark, GFM tables and ~~strike~~) with the
mdit-py-plugins front_matter, tasklists and dollarmath, and a small ==mark== rule of our own;
each Markdown construct then maps to the format as follows.

- **Front matter** (YAML between `---` lines at the top) gives the sheet's top-level keys (`title`,
  `subtitle`, `icon`, `colour`, `title_height`, `page`, `theme`), read and validated exactly like a
  content YAML file. Other keys (`tags`, `date`, ...) are left out, with a note; `rows` is an
  error there, since the sections give the rows.
- **Title**: without a title in the front matter, the first `#` heading is the title (an emoji
  at its start, and the same one at its end, becomes the `icon`), and a short one-line paragraph
  right under it (at most 120 characters) the `subtitle`. Without either, the file's name is the
  title. A later `#` heading starts a panel, like `##`.
- **Sections**: each `##` heading starts a panel. An emoji at the start of the heading becomes
  the panel's `icon`; the part after " — " (an em or en dash between spaces) becomes its
  `subtitle`. Text in parentheses stays in the title: in notes it is usually a translation, as
  in "올바른 사용법 (Best Practices)". Content before the first section goes into a panel
  "Overview" ("개요" in a Korean note).
- `###` (and deeper) headings, a paragraph that is one **bold** line (`**원인:**`, a trailing
  colon dropped), and a one-line paragraph ending in a colon right above a list, become the
  `heading:` of the next block.
- **Bullet lists** become `bullets`; an emoji at the start of an item becomes its `icon`. A nested
  list is folded into its item's text, one line per sub-item starting "· ". A code block, table,
  quote or formula inside an item ends the list there and follows it as its own block.
- **Task lists** (`- [ ]`, `- [x]`) become `checklist` items with `done`; a list mixing tasks and
  plain items becomes a checklist for each run of tasks and bullets for the rest. A paragraph
  whose every line starts with a box (□ ☐ undone, ☑ ☒ ✅ ✔ done) is a checklist too.
- **Ordered lists** become a `flow` when every item is a short step (at most 60 characters, no
  sub-list, at most 10 items) and the section is not a summary; otherwise `takeaways` with
  `numbered: true`. In a summary section (a title with takeaway, summary, key points, recap,
  conclusion, TL;DR, 요약, 핵심, 정리, 결론, まとめ, 要約, 要点, 总结 or 總結) an ordered list is
  always `takeaways`. A list not starting at 1, or longer than takeaways allow, becomes bullets
  with its numbers in the text.
- A paragraph of one line that is an **arrow chain** `A → B → C` (or `->`), with every step at
  most 60 characters, becomes a `flow` of those steps; a short "label: " before the first step
  becomes the flow's heading.
- Other paragraphs become `text`. A soft line break is a space, as CommonMark reads it; a hard
  break (two spaces or a backslash at the end of a line) is a new line.
- **Tables** become `table` (header and rows; alignment is left to texsheet). Cells beyond the
  header's count, which Markdown drops, are kept in the row's last cell.
- **Block quotes** become a `callout`. A GitHub or Obsidian alert (`> [!WARNING] Title`) picks the
  callout's colour (NOTE blue, TIP green, IMPORTANT purple, WARNING orange, CAUTION red) and its
  title becomes the heading.
- **Fenced code** becomes `code`, with `language:` from the info string when Pygments has a lexer
  of that name (else no language, noted). Indented code becomes `code` without a language.
- **Display math** `$$...$$` becomes `math`; inline `$...$` stays `$...$` in the text. A formula
  outside texsheet's safe subset of LaTeX is kept as code (a `code` block with `language: latex`,
  or a code span), noted.
- A **thematic break** `---` starts a new row: up to 3 sections between two breaks share a row;
  more are packed two to a row, as without breaks.
- Inline: `**bold**`, `==mark==`, `` `code` ``, `$math$` and emoji carry over as texsheet markup;
  *italic* and ~~strike~~ keep their text; a link keeps its text (the URL is dropped, noted); an
  image keeps its alt text (noted); `<br>` is a new line and other HTML is kept as literal text
  (noted). Characters texsheet's markup would read in the rest are escaped (a backslash before
  a backtick, a dollar, `**`, `==` or a `{red:`), so `{red: x}`, `\\input`, `a == b` and the like read
  back exactly as typed.
- Nothing is dropped: what has no place in the format is kept as text, with a note.

**Rows.** Without a thematic break the sections become the sheet's `panels:`, in order, and the
layout arranges them in rows as it finds best (more than 24 go into rows of the importer's, as
below). Thematic breaks start rows: up to 3 sections between two breaks share a row. Rows the
importer makes otherwise hold two panels, in order; a panel holding a pipeline, a comparison, a
table of 4 or more columns, or code with a line over 48 characters has a row of its own, and one
left over before such a panel or at the end is alone in its row. If that makes more rows than a sheet
holds (12), three, then four... panels share a row. Row `height` and panel `width` are left out,
so the layout sizes them by content. Panels get the pens blue, orange, red, green, purple, teal,
pink and brown in turn; in a panel alone in its row, takeaways of 4 or more points are set in 2
columns.

**Limits.** A list longer than its kind allows (20 bullets or checklist items, 12 takeaways, 10
flow steps), a table of more than 6 columns or 20 rows, a text or code block longer than a field
allows (2000 characters) is split into several blocks; a panel of more than 16 blocks continues in
a panel "… (cont.)"; more than 3 sections between two breaks are split into rows; more than 12
rows fall back to the importer's own rows. Each of these is noted.

**Positions.** Every part of the data is marked with the line and column of the Markdown it came
from, so texsheet's validation errors point into the .md file.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it.tree import SyntaxTreeNode

from texsheet.errors import ContentError, Problem
from texsheet.model.sheet import Sheet
from texsheet.model.source import Source, Where, parse_source, read_text
from texsheet.read.markdown_blocks import (KEPT_AS_BOLD, SHORT_STEP, BlockReader, arrow_steps, bold_heading, bold_text,
                                           split_lines)
from texsheet.read.markdown_inline import InlineReader, escape_text, is_clean, parse_tree, split_icon
from texsheet.read.panels import MAX_SHEET_PANELS, Section, build_panels, decide_rows, place_rows
from texsheet.read.pieces import Heading, Note, Piece, Pos, SourceLines, check_text, fill_marks, sort_notes
from texsheet.text import markup

SUBTITLE_LENGTH = 120
SUMMARY_WORDS = ("takeaway", "summary", "key point", "recap", "conclusion", "tl;dr", "tldr", "요약", "핵심", "정리", "결론",
                 "まとめ", "要約", "要点", "总结", "總結")
SHEET_KEYS = tuple(f.name for f in dataclasses.fields(Sheet))


@dataclass
class Document:
    """What a Markdown text holds: front matter, title, subtitle and sections."""

    title: str = ""
    title_pos: Pos | None = None
    icon: str = ""
    subtitle: str = ""
    subtitle_pos: Pos | None = None
    front: dict = field(default_factory=dict)
    front_marks: dict[Where, Pos] = field(default_factory=dict)
    front_scalars: dict = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    breaks: bool = False
    korean: bool = False


class Converter:
    """Walks a markdown-it syntax tree and collects a Document: front matter, title, sections and
    the headings waiting for their blocks, noting every guess; the blocks are read by BlockReader."""

    def __init__(self, lines: list[str], numbers: list[int], path: Path, notes: list[Note], section_level: int = 2):
        self.src = SourceLines(lines, numbers, notes)
        self.inline = InlineReader(self.src)
        self.blocks = BlockReader(self.src, self.inline)
        self.section_level = section_level  # headings of this level and above start a panel
        self.path = path
        self.doc = Document(korean=is_korean("\n".join(lines)))
        self.section: Section | None = None
        self.pending: Heading | None = None  # a heading waiting for its block
        self.break_pending = False
        self.expect_subtitle = False

    # --- the walk

    def run(self, root: SyntaxTreeNode) -> Document:
        nodes = list(root.children)
        i = 0
        while i < len(nodes):
            node = nodes[i]
            after = nodes[i + 1] if i + 1 < len(nodes) else None
            expect_subtitle, self.expect_subtitle = self.expect_subtitle, False
            if node.type == "front_matter":
                self.front_matter(node)
            elif node.type == "heading":
                self.heading(node)
            elif node.type == "hr":
                self.doc.breaks = True
                self.break_pending = True
            elif node.type == "paragraph":
                if expect_subtitle and self.subtitle(node):
                    pass
                elif self.paragraph(node, after):
                    i += 1
                    self.add_all(self.blocks.lists.list_pieces(nodes[i]))
            else:
                self.add_all(self.blocks.pieces_of(node))
            i += 1
        self.flush_pending()
        return self.doc

    def front_matter(self, node: SyntaxTreeNode) -> None:
        start, end = node.map
        body = self.src.lines[start + 1 : end - 1]
        if all(not line.strip() or line.lstrip().startswith("#") for line in body):
            return
        # Blank out the lines before the front matter, so that lines, columns and offsets of
        # the YAML are those of the Markdown file.
        padded = "\n".join([" " * len(line) for line in self.src.lines[: start + 1]] + body) + "\n"
        found = parse_source(padded, self.path)
        problems = []
        for key, value in found.data.items():
            line, column = found.marks[(key,)]
            if key == "rows":
                problems.append(Problem(self.path, line, column, "rows: come from the Markdown's sections; leave rows: out of the front matter"))
            elif key in SHEET_KEYS:
                self.doc.front[key] = value
            else:
                close = [k for k in SHEET_KEYS if k != "rows" and _similar(key, k)]
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.src.note(line, f"front matter key '{key}' is not a sheet key; left out{hint}")
        if problems:
            raise ContentError(problems)
        self.doc.front_marks = {w: p for w, p in found.marks.items() if w and w[0] in self.doc.front}
        self.doc.front_scalars = {w: n for w, n in found.scalars.items() if w and w[0] in self.doc.front}

    def heading(self, node: SyntaxTreeNode) -> None:
        self.expect_subtitle = False
        level = int(node.tag[1:])
        inline = node.children[0]
        text, plain = self.inline.inline_text(inline.children, self.src.line(node.map[0]))
        pos = self.src.pos(node.map[0], inline.content)
        front_title = self.doc.front.get("title")
        if level == 1 and not self.doc.title and not self.doc.sections and front_title is None:
            icon, text = split_icon(text, both_ends=True)
            self.doc.title, self.doc.icon, self.doc.title_pos = text, icon, pos
            self.expect_subtitle = "subtitle" not in self.doc.front
            return
        if level == 1 and isinstance(front_title, str) and plain.strip() == markup.plain(front_title).strip():
            return  # the front matter's title, repeated as the note's heading
        if level <= self.section_level:
            if level == 1:
                self.src.note(pos[0], "a further '#' heading starts a panel, like '##'")
            self.start_section(text, plain, pos)
            return
        self.flush_pending()
        self.pending = Heading(text, pos)

    def start_section(self, text: str, plain: str, pos: Pos) -> Section:
        self.flush_pending()
        icon, title = split_icon(text)
        subtitle = ""
        for dash in (" — ", " – "):
            head, sep, tail = title.partition(dash)
            if sep and markup.plain(head).strip() and tail.strip() and is_clean(head) and is_clean(tail):
                title, subtitle = head.strip(), tail.strip()
                self.src.note(pos[0], f"the heading's part after '{dash.strip()}' became the panel's subtitle")
                break
        section = Section(title or text, pos, plain, icon=icon if title else "", subtitle=subtitle,
                          new_row=self.break_pending, summary=is_summary(plain))
        self.break_pending = False
        self.doc.sections.append(section)
        self.section = section
        self.blocks.lists.summary = section.summary
        return section

    def subtitle(self, node: SyntaxTreeNode) -> bool:
        """The one-line paragraph under the title, as the subtitle; False if it reads as content."""
        inline = node.children[0]
        if any(n.type in ("softbreak", "hardbreak") for n in inline.children):
            return False
        text, plain = self.inline.inline_text(inline.children, self.src.line(node.map[0]))
        if len(plain) > SUBTITLE_LENGTH or arrow_steps(text) or bold_heading(inline.children) is not None:
            return False
        self.doc.subtitle, self.doc.subtitle_pos = text, self.src.pos(node.map[0], inline.content)
        return True

    def flush_pending(self) -> None:
        """A heading with no block after it is kept as a line of bold text."""
        if self.pending is None:
            return
        heading, self.pending = self.pending, None
        self.src.note(heading.pos[0], f"a heading with no block under it is {KEPT_AS_BOLD}")
        self.add(bold_text(heading))

    def add_all(self, pieces: list[Piece]) -> None:
        for piece in pieces:
            self.add(piece)

    def add(self, piece: Piece) -> None:
        if self.pending is not None:
            heading, self.pending = self.pending, None
            if piece.heading:
                self.src.note(heading.pos[0], f"a heading above a block that has its own is {KEPT_AS_BOLD}")
                self.add(bold_text(heading))
            else:
                self.blocks.attach(piece, heading)
        if self.section is None or self.break_pending:
            self.open_implicit_section(piece)
        self.section.pieces.append(piece)

    def open_implicit_section(self, piece: Piece) -> None:
        """Content before the first heading, or after a thematic break, needs a panel to go in."""
        pos = piece.marks[()]
        previous = self.section
        if previous is None:
            title = "개요" if self.doc.korean else "Overview"
            self.src.note(pos[0], f"content before the first section went into a panel '{title}'")
            self.start_section(title, title, pos)
        else:
            title = previous.title + (" (계속)" if self.doc.korean else " (cont.)")
            self.src.note(pos[0], f"content after a thematic break went into a panel '{markup.plain(title)}' in a new row")
            section = self.start_section(title, previous.heading, pos)
            section.icon, section.continues = previous.icon, previous

    # --- paragraphs

    def paragraph(self, node: SyntaxTreeNode, after: SyntaxTreeNode | None) -> bool:
        """Add the blocks of a paragraph; True when it became the heading of the list after it."""
        start = node.map[0]
        lines = split_lines(node.children[0].children)
        list_heading = None
        if after is not None and after.type in ("bullet_list", "ordered_list") and (self.pending is None or len(lines) > 1):
            last = start + len(lines) - 1
            text, plain = self.inline.inline_text(lines[-1][0], self.src.line(last))
            if bold_heading(lines[-1][0]) is None and plain.rstrip().endswith((":", "：")) and len(plain) <= SHORT_STEP:
                list_heading = Heading(text.rstrip().rstrip(":：").rstrip(), self.src.pos(last),
                                       "a line ending in ':' above a list became the list's heading")
                lines = lines[:-1]
        pieces, trailing = self.blocks.paragraph_pieces(lines, start) if lines else ([], None)
        self.add_all(pieces)
        if trailing is not None:
            self.flush_pending()
            self.pending = trailing
        if list_heading is not None:
            self.flush_pending()
            self.pending = list_heading
        return list_heading is not None


def is_korean(text: str) -> bool:
    hangul = sum(1 for c in text if "\uac00" <= c <= "\ud7a3")
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return hangul * 3 > latin


def is_summary(title: str) -> bool:
    lowered = title.lower()
    return any(word in lowered for word in SUMMARY_WORDS)


def _similar(a: str, b: str) -> bool:
    import difflib

    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


# ----------------------------------------------------------------------------- assembly


def load_markdown(path: Path) -> tuple[Source, list[Note]]:
    """markdown_source of a file, read as strictly as load_source reads YAML."""
    return markdown_source(read_text(path), Path(path))


def markdown_source(text: str, path: Path) -> tuple[Source, list[Note]]:
    """Content from Markdown text: a Source positioned in the Markdown, and the importer's notes."""
    path = Path(path)
    text = check_text(text, path)
    notes: list[Note] = []
    lines = text.split("\n")
    doc = Converter(lines, list(range(1, len(lines) + 1)), path, notes).run(parse_tree(text))
    data, marks = assemble_sheet(doc, path, notes)
    return Source(path, text, data, fill_marks(data, marks), dict(doc.front_scalars)), sort_notes(notes)


def assemble_sheet(doc: Document, path: Path, notes: list[Note]) -> tuple[dict, dict[Where, Pos]]:
    """The sheet's data and marks from a Document, rows decided by the rule in the docstring."""
    data: dict[str, Any] = {}
    marks: dict[Where, Pos] = {(): (1, 1)}
    front = doc.front
    if "title" not in front:
        if doc.title:
            data["title"] = doc.title
            marks[("title",)] = doc.title_pos
        else:
            data["title"] = escape_text(path.stem)
            notes.append(Note(1, f"no title in the front matter nor a '#' heading: the file's name '{path.stem}' is the title"))
    if "subtitle" not in front and doc.subtitle:
        data["subtitle"] = doc.subtitle
        marks[("subtitle",)] = doc.subtitle_pos
    if "icon" not in front and doc.icon:
        data["icon"] = doc.icon
        marks[("icon",)] = doc.title_pos
    data.update(front)
    marks.update(doc.front_marks)
    data = {k: data[k] for k in SHEET_KEYS if k in data}
    panels = build_panels(doc.sections, notes, doc.korean)
    if not doc.breaks and len(panels) <= MAX_SHEET_PANELS:
        data["panels"] = [panel.data for panel in panels]
        for n, panel in enumerate(panels):
            marks.update({("panels", n) + w: pos for w, pos in panel.marks.items()})
        return data, marks
    rows = decide_rows(panels, doc.breaks, notes)
    data["rows"], row_marks = place_rows(rows)
    marks.update({("rows",) + w: p for w, p in row_marks.items()})
    return data, marks

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
import functools
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_block.table import escapedSplit
from markdown_it.rules_inline.state_inline import Delimiter, StateInline
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from texsheet.errors import ContentError, Problem
from texsheet.model.sheet import (BLOCK_KINDS, Block, Bullets, Checklist, Flow, Panel, Pipeline, Row, Sheet, Stage, Table, Takeaways,
                                  languages, optional_of)
from texsheet.text import emoji
from texsheet.text import markup
from texsheet.text.escape import MAX_FIELD_LENGTH, find_forbidden
from texsheet.text.markup import escape_markup
from texsheet.text.mathcheck import check_math
from texsheet.model.source import MAX_FILE_BYTES, Source, Where, parse_source, read_text, resolve_plain

Pos = tuple[int, int]  # (line, column), 1-based, in the Markdown file


def _max_items(cls: type, name: str) -> int:
    return next(f.metadata["max_items"] for f in dataclasses.fields(cls) if f.name == name)


MAX_ROWS = _max_items(Sheet, "rows")
MAX_PANELS = _max_items(Row, "panels")
MAX_SHEET_PANELS = _max_items(Sheet, "panels")
MAX_BLOCKS = _max_items(Panel, "blocks")
MAX_BULLETS = _max_items(Bullets, "items")
MAX_CHECKS = _max_items(Checklist, "items")
MAX_STEPS = _max_items(Flow, "steps")
MAX_POINTS = _max_items(Takeaways, "items")
MAX_COLUMNS = _max_items(Table, "header")
MAX_TABLE_ROWS = _max_items(Table, "rows")
MAX_STAGES = _max_items(Pipeline, "stages")
MAX_NOTES = _max_items(Stage, "notes")
MAX_CHAIN = _max_items(Stage, "chain")

PENS = ("blue", "orange", "red", "green", "purple", "teal", "pink", "brown")
SHORT_STEP = 60  # characters: an ordered list of items this short is a flow
SUBTITLE_LENGTH = 120
MAX_SHARED = 3  # sections between two thematic breaks share a row up to this many
WIDE_CODE_LINE = 48
# How two notes end, so that the prompt reader can take them back when it finds a better use.
KEPT_AS_BOLD = "kept as bold text"
BECAME_HEADING = "became the heading of the block under it"
SUMMARY_WORDS = ("takeaway", "summary", "key point", "recap", "conclusion", "tl;dr", "tldr", "요약", "핵심", "정리", "결론",
                 "まとめ", "要約", "要点", "总结", "總結")
ARROWS = re.compile(r"\s*(?:→|->|⟶)\s*")
UNDONE_BOXES = "□☐"
DONE_BOXES = "☑☒✅✔"
ALERT_COLOURS = {"note": "blue", "info": "blue", "tip": "green", "hint": "green", "success": "green",
                 "important": "purple", "warning": "orange", "caution": "red", "danger": "red", "error": "red"}
SHEET_KEYS = tuple(f.name for f in dataclasses.fields(Sheet))


@dataclass(frozen=True)
class Note:
    """What the importer guessed, or could not map, at a line of the source file."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


# ----------------------------------------------------------------------------- parsing


def _mark_tokenize(state: StateInline, silent: bool) -> bool:
    """==mark== delimiters, the way markdown-it's strikethrough rule reads ~~ (markdown-it-mark)."""
    start = state.pos
    if silent or state.src[start] != "=":
        return False
    scanned = state.scanDelims(start, True)
    length = scanned.length
    if length < 2:
        return False
    if length % 2:
        state.push("text", "", 0).content = "="
        length -= 1
    for _ in range(length // 2):
        state.push("text", "", 0).content = "=="
        state.delimiters.append(Delimiter(marker=0x3D, length=0, token=len(state.tokens) - 1, end=-1,
                                          open=scanned.can_open, close=scanned.can_close))
    state.pos += scanned.length
    return True


def _mark_pairs(state: StateInline, delimiters: list[Delimiter]) -> None:
    lone = []
    for opener in delimiters:
        if opener.marker != 0x3D or opener.end == -1:
            continue
        closer = delimiters[opener.end]
        for token, kind, nesting in ((state.tokens[opener.token], "mark_open", 1), (state.tokens[closer.token], "mark_close", -1)):
            token.type, token.tag, token.nesting, token.markup, token.content = kind, "mark", nesting, "==", ""
        before = state.tokens[closer.token - 1]
        if before.type == "text" and before.content == "=":
            lone.append(closer.token - 1)
    while lone:  # an odd '=' of a run goes after the closing tags, as markdown-it does for '~'
        i = lone.pop()
        j = i + 1
        while j < len(state.tokens) and state.tokens[j].type == "mark_close":
            j += 1
        state.tokens[i], state.tokens[j - 1] = state.tokens[j - 1], state.tokens[i]


def _mark_post(state: StateInline) -> None:
    _mark_pairs(state, state.delimiters)
    for meta in state.tokens_meta:
        if meta and "delimiters" in meta:
            _mark_pairs(state, meta["delimiters"])


@functools.cache
def markdown_parser() -> MarkdownIt:
    """CommonMark with GFM tables and strikethrough, front matter, task lists, $math$ and ==mark==."""
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(tasklists_plugin)
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    md.inline.ruler.before("emphasis", "mark", _mark_tokenize)
    md.inline.ruler2.before("emphasis", "mark", _mark_post)
    return md


def parse_tree(text: str) -> SyntaxTreeNode:
    return SyntaxTreeNode(markdown_parser().parse(text))


# ----------------------------------------------------------------------------- the converter


@dataclass
class Piece:
    """One block as content data, the positions of its parts (keys relative to the block) and
    the source lines it came from."""

    data: dict
    marks: dict[Where, Pos]
    first: int
    last: int

    @property
    def heading(self) -> str:
        return self.data.get("heading", "")

    def set_heading(self, heading: str, pos: Pos) -> None:
        kind = self.data.pop("kind")
        rest = {k: v for k, v in self.data.items() if k != "heading"}
        self.data.clear()
        self.data.update({"kind": kind, "heading": heading, **rest})
        self.marks[("heading",)] = pos


@dataclass(frozen=True)
class Heading:
    """A heading waiting for its block; why is the note to make when it heads one."""

    text: str
    pos: Pos
    why: str = ""


@dataclass
class Section:
    """A panel to be: its heading and its blocks."""

    title: str  # markup
    pos: Pos
    heading: str  # the heading's plain text, for matching
    icon: str = ""
    subtitle: str = ""
    pieces: list[Piece] = field(default_factory=list)
    new_row: bool = False
    colour: str = ""
    summary: bool = False
    continues: Section | None = None  # the section this one continues, after a thematic break


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
    """Walks a markdown-it syntax tree and collects a Document, noting every guess."""

    def __init__(self, lines: list[str], numbers: list[int], path: Path, notes: list[Note], section_level: int = 2):
        self.lines = lines  # the text parsed, a line each
        self.numbers = numbers  # the file's line number of each
        self.section_level = section_level  # headings of this level and above start a panel
        self.path = path
        self.notes = notes
        self.doc = Document(korean=is_korean("\n".join(lines)))
        self.section: Section | None = None
        self.pending: Heading | None = None  # a heading waiting for its block
        self.break_pending = False
        self.expect_subtitle = False

    # --- positions and notes

    def line(self, index: int) -> int:
        return self.numbers[min(index, len(self.numbers) - 1)]

    def pos(self, index: int, hint: str = "") -> Pos:
        """(line, column) of the text hint on line index of the parsed text, else of its first non-space."""
        index = min(index, len(self.lines) - 1)
        text = self.lines[index]
        hint = hint.split("\n")[0].strip()[:16]
        at = text.find(hint) if hint else -1
        if at < 0:
            at = len(text) - len(text.lstrip())
        return self.line(index), at + 1

    def note(self, line: int, message: str) -> None:
        self.notes.append(Note(line, message))  # repeats are dropped by sort_notes

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
                    self.add_all(self.list_pieces(nodes[i]))
            else:
                self.add_all(self.pieces_of(node))
            i += 1
        self.flush_pending()
        return self.doc

    def front_matter(self, node: SyntaxTreeNode) -> None:
        start, end = node.map
        body = self.lines[start + 1 : end - 1]
        if all(not line.strip() or line.lstrip().startswith("#") for line in body):
            return
        # Blank out the lines before the front matter, so that lines, columns and offsets of
        # the YAML are those of the Markdown file.
        padded = "\n".join([" " * len(line) for line in self.lines[: start + 1]] + body) + "\n"
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
                self.note(line, f"front matter key '{key}' is not a sheet key; left out{hint}")
        if problems:
            raise ContentError(problems)
        self.doc.front_marks = {w: p for w, p in found.marks.items() if w and w[0] in self.doc.front}
        self.doc.front_scalars = {w: n for w, n in found.scalars.items() if w and w[0] in self.doc.front}

    def heading(self, node: SyntaxTreeNode) -> None:
        self.expect_subtitle = False
        level = int(node.tag[1:])
        inline = node.children[0]
        text, plain = self.inline_text(inline.children, self.line(node.map[0]))
        pos = self.pos(node.map[0], inline.content)
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
                self.note(pos[0], "a further '#' heading starts a panel, like '##'")
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
            if sep and markup.plain(head).strip() and tail.strip() and _clean(head) and _clean(tail):
                title, subtitle = head.strip(), tail.strip()
                self.note(pos[0], f"the heading's part after '{dash.strip()}' became the panel's subtitle")
                break
        section = Section(title or text, pos, plain, icon=icon if title else "", subtitle=subtitle,
                          new_row=self.break_pending, summary=is_summary(plain))
        self.break_pending = False
        self.doc.sections.append(section)
        self.section = section
        return section

    def subtitle(self, node: SyntaxTreeNode) -> bool:
        """The one-line paragraph under the title, as the subtitle; False if it reads as content."""
        inline = node.children[0]
        if any(n.type in ("softbreak", "hardbreak") for n in inline.children):
            return False
        text, plain = self.inline_text(inline.children, self.line(node.map[0]))
        if len(plain) > SUBTITLE_LENGTH or arrow_steps(text) or _bold_heading(inline.children) is not None:
            return False
        self.doc.subtitle, self.doc.subtitle_pos = text, self.pos(node.map[0], inline.content)
        return True

    def flush_pending(self) -> None:
        """A heading with no block after it is kept as a line of bold text."""
        if self.pending is None:
            return
        heading, self.pending = self.pending, None
        self.note(heading.pos[0], f"a heading with no block under it is {KEPT_AS_BOLD}")
        self.add(bold_text(heading))

    def add_all(self, pieces: list[Piece]) -> None:
        for piece in pieces:
            self.add(piece)

    def add(self, piece: Piece) -> None:
        if self.pending is not None:
            heading, self.pending = self.pending, None
            if piece.heading:
                self.note(heading.pos[0], f"a heading above a block that has its own is {KEPT_AS_BOLD}")
                self.add(bold_text(heading))
            else:
                self.attach(piece, heading)
        if self.section is None or self.break_pending:
            self.open_implicit_section(piece)
        self.section.pieces.append(piece)

    def attach(self, piece: Piece, heading: Heading) -> None:
        piece.set_heading(heading.text, heading.pos)
        if heading.why:
            self.note(heading.pos[0], heading.why)

    def open_implicit_section(self, piece: Piece) -> None:
        """Content before the first heading, or after a thematic break, needs a panel to go in."""
        pos = piece.marks[()]
        previous = self.section
        if previous is None:
            title = "개요" if self.doc.korean else "Overview"
            self.note(pos[0], f"content before the first section went into a panel '{title}'")
            self.start_section(title, title, pos)
        else:
            title = previous.title + (" (계속)" if self.doc.korean else " (cont.)")
            self.note(pos[0], f"content after a thematic break went into a panel '{markup.plain(title)}' in a new row")
            section = self.start_section(title, previous.heading, pos)
            section.icon, section.continues = previous.icon, previous

    # --- paragraphs

    def paragraph(self, node: SyntaxTreeNode, after: SyntaxTreeNode | None) -> bool:
        """Add the blocks of a paragraph; True when it became the heading of the list after it."""
        start = node.map[0]
        lines = _split_lines(node.children[0].children)
        list_heading = None
        if after is not None and after.type in ("bullet_list", "ordered_list") and (self.pending is None or len(lines) > 1):
            last = start + len(lines) - 1
            text, plain = self.inline_text(lines[-1][0], self.line(last))
            if _bold_heading(lines[-1][0]) is None and plain.rstrip().endswith((":", "：")) and len(plain) <= SHORT_STEP:
                list_heading = Heading(text.rstrip().rstrip(":：").rstrip(), self.pos(last),
                                       "a line ending in ':' above a list became the list's heading")
                lines = lines[:-1]
        pieces, trailing = self.paragraph_pieces(lines, start) if lines else ([], None)
        self.add_all(pieces)
        if trailing is not None:
            self.flush_pending()
            self.pending = trailing
        if list_heading is not None:
            self.flush_pending()
            self.pending = list_heading
        return list_heading is not None

    def paragraph_pieces(self, lines: list[tuple[list, str]], start: int) -> tuple[list[Piece], Heading | None]:
        """Blocks of a paragraph's lines, bold lines being headings of what follows them; and a
        bold last line, which heads the next block."""
        pieces: list[Piece] = []
        group: list[tuple[list, str, int]] = []
        heading: Heading | None = None

        def close() -> None:
            nonlocal heading
            if group:
                made = self.lines_pieces(group)
                if heading is not None:
                    self.attach(made[0], heading)
                    heading = None
                pieces.extend(made)
                group.clear()

        for n, (nodes, brk) in enumerate(lines):
            bold = _bold_heading(nodes)
            if bold is not None:
                close()
                if heading is not None:  # two bold lines in a row: the first is text
                    pieces.append(bold_text(heading))
                text, _ = self.inline_text(bold, self.line(start + n))
                heading = Heading(text.rstrip().rstrip(":：").rstrip(), self.pos(start + n),
                                  f"a line of bold text {BECAME_HEADING}")
            else:
                group.append((nodes, brk, start + n))
        close()
        return pieces, heading

    def lines_pieces(self, group: list[tuple[list, str, int]]) -> list[Piece]:
        first, last = group[0][2], group[-1][2]
        pos = self.pos(first)
        texts = [self.inline_text(nodes, self.line(index))[0] for nodes, _, index in group]
        boxes = [_box(t) for t in texts]
        if all(b is not None for b in boxes):
            items, marks = [], {(): pos}
            for n, (done, text) in enumerate(boxes):
                items.append({"text": text, "done": True} if done else text)
                marks[("items", n)] = self.pos(group[n][2])
            self.note(pos[0], "lines starting with a box (□ ☑) became a checklist")
            return [Piece({"kind": "checklist", "items": items}, marks, self.line(first), self.line(last))]
        if len(group) == 1:
            steps = arrow_steps(texts[0])
            if steps:
                data: dict[str, Any] = {"kind": "flow"}
                label, sep, rest = steps[0].partition(": ")
                if sep and len(markup.plain(label)) <= 20 and _clean(label) and _clean(rest):
                    data["heading"] = label.strip()
                    steps[0] = rest.strip()
                data["steps"] = steps
                self.note(pos[0], "an arrow chain became a flow")
                return [Piece(data, {(): pos}, self.line(first), self.line(last))]
        text = texts[0]
        for n in range(1, len(texts)):
            text += ("\n" if group[n - 1][1] == "hardbreak" else " ") + texts[n]
        return self.text_pieces(text, pos, self.line(last))

    def text_pieces(self, text: str, pos: Pos, last: int) -> list[Piece]:
        """Text blocks; text longer than a field holds is split at sentence ends."""
        parts = [text] if len(text) <= MAX_FIELD_LENGTH else _split_sentences(text, MAX_FIELD_LENGTH)
        if len(parts) > 1:
            self.note(pos[0], f"text of {len(text)} characters was split into {len(parts)} text blocks (a field holds {MAX_FIELD_LENGTH})")
        return [Piece({"kind": "text", "text": part}, {(): pos}, pos[0], last) for part in parts]

    # --- inline markup

    def inline_text(self, nodes: list[SyntaxTreeNode], line: int) -> tuple[str, str]:
        """(markup, plain text) of inline nodes; markup that would not read back is plain text."""
        text, plain = self.inline(nodes, line)
        spans, problems = markup.parse(text)
        if problems or markup.plain(text) != plain:
            self.note(line, "inline markup that texsheet would read differently was kept as plain text")
            return escape_text(plain), plain
        return text, plain

    def inline(self, nodes: list[SyntaxTreeNode], line: int) -> tuple[str, str]:
        out, plain = [], []
        for node in nodes:
            m, p = self.inline_node(node, line)
            out.append(m)
            plain.append(p)
        return "".join(out), "".join(plain)

    def inline_node(self, node: SyntaxTreeNode, line: int) -> tuple[str, str]:
        kind = node.type
        if kind == "text":
            return escape_text(node.content), node.content
        if kind == "softbreak":
            return " ", " "
        if kind == "hardbreak":
            return "\n", "\n"
        if kind in ("strong", "mark"):
            text, plain = self.inline(node.children, line)
            delimiter = "**" if kind == "strong" else "=="
            if not plain.strip() or plain != plain.strip():
                return text, plain
            return f"{delimiter}{text}{delimiter}", plain
        if kind in ("em", "s"):
            self.note(line, "*italic* and ~~struck~~ text keep their words, without the style (texsheet has neither)")
            return self.inline(node.children, line)
        if kind == "code_inline":
            return code_span(node.content), node.content
        if kind in ("math_inline", "math_inline_double"):
            display = kind == "math_inline_double"
            problems = check_math(node.content, display=display)
            if problems:
                self.note(line, f"a formula texsheet does not set ({problems[0].message}) was kept as code")
                return code_span(node.content), node.content
            delimiter = "$$" if display else "$"
            return f"{delimiter}{node.content}{delimiter}", node.content
        if kind == "link":
            text, plain = self.inline(node.children, line)
            if node.info != "auto":
                self.note(line, f"a link keeps its text; its URL {_short(node.attrs.get('href', ''))} was dropped")
            return text, plain
        if kind == "image":
            _, alt = self.inline(node.children, line)
            self.note(line, f"an image {_short(str(node.attrs.get('src', '')))} was kept as its alt text '{_short(alt)}'")
            return escape_text(alt), alt
        if kind == "html_inline":
            if re.fullmatch(r"<br\s*/?>", node.content.strip(), re.IGNORECASE):
                self.note(line, "<br> became a new line")
                return "\n", "\n"
            if "task-list-item-checkbox" in node.content:
                return "", ""
            self.note(line, f"HTML {_short(node.content)} was kept as text")
            return escape_text(node.content), node.content
        content = node.content or self.inline(node.children, line)[1]
        self.note(line, f"inline {kind} was kept as text")
        return escape_text(content), content

    # --- blocks

    def pieces_of(self, node: SyntaxTreeNode) -> list[Piece]:
        kind = node.type
        if kind in ("bullet_list", "ordered_list"):
            return self.list_pieces(node)
        if kind == "blockquote":
            return [self.callout(node)]
        if kind in ("fence", "code_block"):
            return self.code_pieces(node)
        if kind in ("math_block", "math_block_label"):
            return self.math_pieces(node)
        if kind == "table":
            return self.table_pieces(node)
        if kind == "paragraph":
            pieces, trailing = self.paragraph_pieces(_split_lines(node.children[0].children), node.map[0])
            if trailing is not None:  # a bold last line inside a list item or quote stays bold text
                pieces.append(bold_text(trailing))
            return pieces
        if kind == "heading":
            inline = node.children[0]
            text, _ = self.inline_text(inline.children, self.line(node.map[0]))
            pos = self.pos(node.map[0], inline.content)
            self.note(pos[0], f"a heading inside a list or quote was {KEPT_AS_BOLD}")
            return [bold_text(Heading(text, pos))]
        if kind == "hr":
            line = self.line(node.map[0])
            self.note(line, "a thematic break inside a list or quote was dropped")
            return []
        raw = node.content if kind == "html_block" else _node_source(self.lines, node)
        pos = self.pos(node.map[0]) if node.map else (1, 1)
        self.note(pos[0], "an HTML block was kept as text" if kind == "html_block" else f"a Markdown {kind} was kept as text")
        last = self.line(node.map[1] - 1) if node.map else pos[0]
        return self.text_pieces(escape_text(raw.strip("\n")), pos, last)

    def code_pieces(self, node: SyntaxTreeNode) -> list[Piece]:
        pos = self.pos(node.map[0])
        last = self.line(node.map[1] - 1)
        code = node.content.removesuffix("\n")
        language: dict[str, str] = {}
        info = node.info.strip() if node.type == "fence" else ""
        if info:
            name, _, rest = info.partition(" ")
            name = name.strip("{}.").lower()  # Pygments' names are lower case; ```Rust means rust
            if is_language(name):
                language["language"] = name
                if rest.strip():
                    self.note(pos[0], f"the code fence's info after the language ('{_short(rest.strip())}') was not used")
            else:
                self.note(pos[0], f"'{_short(name)}' is not a language Pygments knows; the code is not highlighted")
        chunks = _split_code(code, MAX_FIELD_LENGTH)
        if len(chunks) > 1:
            self.note(pos[0], f"code of {len(code)} characters was split into {len(chunks)} code blocks (a field holds {MAX_FIELD_LENGTH})")
        return [Piece({"kind": "code", "code": chunk, **language}, {(): pos}, pos[0], last) for chunk in chunks]

    def math_pieces(self, node: SyntaxTreeNode) -> list[Piece]:
        pos = self.pos(node.map[0])
        last = self.line(node.map[1] - 1)
        formula = node.content.strip()
        if node.type == "math_block_label":
            self.note(pos[0], f"the formula's label ({_short(node.info)}) was dropped")
        problems = check_math(formula, display=True)
        if problems:
            self.note(pos[0], f"a formula texsheet does not set ({problems[0].message}) was kept as code")
            return [Piece({"kind": "code", "code": formula, "language": "latex"}, {(): pos}, pos[0], last)]
        return [Piece({"kind": "math", "math": formula}, {(): pos}, pos[0], last)]

    def callout(self, node: SyntaxTreeNode) -> Piece:
        pos = self.pos(node.map[0])
        last = self.line(node.map[1] - 1)
        parts: list[str] = []
        for child in node.children:
            if child.type == "paragraph":
                lines = _split_lines(child.children[0].children)
                texts = [self.inline_text(nodes, self.line(child.map[0] + n))[0] for n, (nodes, _) in enumerate(lines)]
                text = texts[0]
                for n in range(1, len(texts)):
                    text += ("\n" if lines[n - 1][1] == "hardbreak" or (n == 1 and not parts and texts[0].startswith("[!")) else " ") + texts[n]
                parts.append(text)
            elif child.type in ("bullet_list", "ordered_list"):
                for n, item in enumerate(child.children):
                    text = self.item_text(item)[0]
                    parts.append(("· " if child.type == "bullet_list" else f"{n + 1}. ") + text)
            else:
                for piece in self.pieces_of(child):
                    value = piece.data.get("text") or escape_text(str(piece.data.get("code") or piece.data.get("math") or ""))
                    parts.append(value)
                self.note(self.line(child.map[0]) if child.map else pos[0], f"a {child.type} inside a quote was kept as its text")
        heading = colour = ""
        if parts:
            first, _, rest = parts[0].partition("\n")
            alert = re.fullmatch(r"\[!(\w+)\][+-]?(?:\s+(.*))?", first)
            if alert and alert.group(1).lower() in ALERT_COLOURS:
                heading = (alert.group(2) or "").strip()
                colour = ALERT_COLOURS[alert.group(1).lower()]
                parts[0:1] = [rest] if rest else []
                self.note(pos[0], f"a [!{alert.group(1)}] alert became a callout in {colour}")
        text = "\n".join(p for p in parts if p.strip())
        if not text:
            heading, text = "", heading
        data: dict[str, Any] = {"kind": "callout", **({"heading": heading} if heading else {}), "text": text}
        if colour:
            data["colour"] = colour
        return Piece(data, {(): pos}, pos[0], last)

    def table_pieces(self, node: SyntaxTreeNode) -> list[Piece]:
        pos = self.pos(node.map[0])
        last = self.line(node.map[1] - 1)
        header: list[str] = []
        header_marks: list[Pos] = []
        rows: list[list[str]] = []
        row_marks: list[tuple[Pos, list[Pos]]] = []
        for section in node.children:
            for tr in section.children:
                index = tr.map[0]
                line = self.lines[index]
                cells, marks, at = [], [], 0
                for cell in tr.children:
                    inline = cell.children[0] if cell.children else None
                    raw = inline.content if inline else ""
                    found = line.find(raw, at) if raw else -1
                    column = found + 1 if found >= 0 else len(line) - len(line.lstrip()) + 1
                    at = found + len(raw) if found >= 0 else at
                    cells.append(self.inline_text(inline.children, self.line(index))[0] if inline else "")
                    marks.append((self.line(index), column))
                if section.type == "thead":
                    header, header_marks = cells, marks
                else:
                    extra = _extra_cells(line, len(header))
                    if extra:
                        self.note(self.line(index), f"{len(extra)} cell(s) beyond the header's {len(header)} were kept in the row's last cell")
                        cells[-1] = " | ".join([cells[-1]] + [escape_text(e.strip()) for e in extra]) if cells else ""
                    rows.append(cells)
                    row_marks.append(((self.line(index), len(line) - len(line.lstrip()) + 1), marks))
        if not rows:
            self.note(pos[0], "a table with a header only was kept as a line of text")
            return self.text_pieces(" | ".join(header), pos, last)
        groups = [list(range(min(len(header), MAX_COLUMNS)))]
        rest = list(range(MAX_COLUMNS, len(header)))
        while rest:
            groups.append([0] + rest[: MAX_COLUMNS - 1])
            rest = rest[MAX_COLUMNS - 1 :]
        chunks = [range(s, min(s + MAX_TABLE_ROWS, len(rows))) for s in range(0, len(rows), MAX_TABLE_ROWS)]
        if len(groups) > 1:
            self.note(pos[0], f"a table of {len(header)} columns was split into {len(groups)} tables (at most {MAX_COLUMNS} columns each, the first repeated)")
        if len(chunks) > 1:
            self.note(pos[0], f"a table of {len(rows)} rows was split into {len(chunks)} tables (at most {MAX_TABLE_ROWS} rows each)")
        pieces = []
        for columns in groups:
            for chunk in chunks:
                marks: dict[Where, Pos] = {(): pos}
                marks.update({("header", n): header_marks[c] for n, c in enumerate(columns) if c < len(header_marks)})
                for r, row in enumerate(chunk):
                    marks[("rows", r)] = row_marks[row][0]
                    marks.update({("rows", r, n): row_marks[row][1][c] for n, c in enumerate(columns) if c < len(row_marks[row][1])})
                data = {"kind": "table", "header": [header[c] for c in columns], "rows": [[rows[r][c] for c in columns] for r in chunk]}
                pieces.append(Piece(data, marks, pos[0], last))
        return pieces

    # --- lists

    def item_text(self, item: SyntaxTreeNode) -> tuple[str, bool | None, list[SyntaxTreeNode], bool]:
        """(text, done or None, the item's other blocks, whether a sub-list was folded in)."""
        parts, others, done, folded = [], [], None, False
        if "task-list-item" in str(item.attrs.get("class", "")):
            first = item.children[0].children[0].children if item.children and item.children[0].type == "paragraph" else []
            done = any(n.type == "html_inline" and 'checked="checked"' in n.content for n in first)
        for child in item.children:
            if child.type == "paragraph":
                text, _ = self.inline_text(child.children[0].children, self.line(child.map[0]))
                parts.append(text.strip() if done is not None and not parts else text)
            elif child.type in ("bullet_list", "ordered_list"):
                for n, sub in enumerate(child.children):
                    text, sub_done, sub_others, _ = self.item_text(sub)
                    box = "" if sub_done is None else ("☑ " if sub_done else "☐ ")
                    mark = "· " if child.type == "bullet_list" else f"{int(child.attrs.get('start', 1)) + n}. "
                    parts.append(mark + box + text.replace("\n", " "))
                    others.extend(sub_others)
                folded = True
            else:
                others.append(child)
        return "\n".join(parts), done, others, folded

    def list_pieces(self, node: SyntaxTreeNode) -> list[Piece]:
        ordered = node.type == "ordered_list"
        start = node.attrs.get("start", 1) if ordered else 1
        pieces: list[Piece] = []
        entries: list[dict] = []
        for item in node.children:
            line_index = item.map[0]
            text, done, others, folded = self.item_text(item)
            hint = item.children[0].children[0].content.strip() if item.children and item.children[0].type == "paragraph" else ""
            pos = self.pos(line_index, hint)
            if folded:
                self.note(pos[0], "a nested list was folded into its item's text, a line per sub-item")
            entries.append({"text": text, "done": done, "pos": pos, "folded": folded, "line": self.line(item.map[1] - 1)})
            if others:
                pieces.extend(self.entry_pieces(entries, ordered, start))
                start += len(entries)
                entries = []
                for other in others:
                    self.note(self.line(other.map[0]) if other.map else pos[0], f"a {other.type.replace('_', ' ')} inside a list item follows the list as its own block")
                    pieces.extend(self.pieces_of(other))
        pieces.extend(self.entry_pieces(entries, ordered, start))
        return pieces

    def entry_pieces(self, entries: list[dict], ordered: bool, start: int) -> list[Piece]:
        """Blocks for list entries: runs of tasks are checklists, the rest by the list's kind."""
        pieces: list[Piece] = []
        run: list[dict] = []
        for entry in entries + [None]:
            if run and (entry is None or (entry["done"] is None) != (run[0]["done"] is None)):
                if run[0]["done"] is not None:
                    pieces.extend(self.checklist(run))
                elif ordered:
                    pieces.extend(self.ordered(run, start))
                else:
                    pieces.extend(self.bullets(run))
                start += len(run)
                run = []
            if entry is not None:
                run.append(entry)
        if len({e["done"] is None for e in entries}) > 1:
            self.note(entries[0]["pos"][0], "a list mixing tasks and plain items became a checklist for the tasks and a list for the rest")
        return pieces

    def chunked(self, entries: list[dict], size: int, what: str) -> list[list[dict]]:
        chunks = [entries[i : i + size] for i in range(0, len(entries), size)]
        if len(chunks) > 1:
            self.note(entries[0]["pos"][0], f"a list of {len(entries)} items was split into {len(chunks)} {what} blocks (at most {size} each)")
        return chunks

    def list_piece(self, kind: str, key: str, values: list, entries: list[dict], **extra) -> Piece:
        marks = {(): entries[0]["pos"]}
        marks.update({(key, n): e["pos"] for n, e in enumerate(entries)})
        return Piece({"kind": kind, **extra, key: values}, marks, entries[0]["pos"][0], entries[-1]["line"])

    def bullets(self, entries: list[dict]) -> list[Piece]:
        pieces = []
        for chunk in self.chunked(entries, MAX_BULLETS, "bullets"):
            items = []
            for e in chunk:
                icon, text = split_icon(e["text"])
                items.append({"text": text, "icon": icon} if icon and text else e["text"])
            pieces.append(self.list_piece("bullets", "items", items, chunk))
        return pieces

    def checklist(self, entries: list[dict]) -> list[Piece]:
        return [self.list_piece("checklist", "items", [{"text": e["text"], "done": True} if e["done"] else e["text"] for e in chunk], chunk)
                for chunk in self.chunked(entries, MAX_CHECKS, "checklist")]

    def ordered(self, entries: list[dict], start: int) -> list[Piece]:
        summary = self.section is not None and self.section.summary
        short = all(len(markup.plain(e["text"])) <= SHORT_STEP and not e["folded"] and "\n" not in e["text"] for e in entries)
        line = entries[0]["pos"][0]
        if not summary and short and len(entries) <= MAX_STEPS:
            self.note(line, "a numbered list of short steps became a flow")
            return [self.list_piece("flow", "steps", [e["text"] for e in entries], entries)]
        if start == 1 and len(entries) <= MAX_POINTS:
            why = "in a summary section" if summary else "of long items"
            self.note(line, f"a numbered list {why} became numbered takeaways")
            return [self.list_piece("takeaways", "items", [e["text"] for e in entries], entries, numbered=True)]
        self.note(line, "a numbered list became bullets with the numbers in the text")
        numbered = [{**e, "text": f"{start + n}. {e['text']}"} for n, e in enumerate(entries)]
        return self.bullets(numbered)


# ----------------------------------------------------------------------------- small helpers


_PEN_OPEN = re.compile(r"\{[a-z]+:")


def escape_text(text: str) -> str:
    """Plain text as markup that reads back as the same text, escaping only what markup could
    read: backticks and dollars, * and = next to another or at either end, a { that would open a
    pen, a backslash before a character markup escapes or at the end. Where that does not read
    back (markup rules this does not know), every markup character is escaped."""
    out = []
    last = len(text) - 1
    for i, char in enumerate(text):
        before, after = text[i - 1 : i], text[i + 1 : i + 2]
        if char in "`$":
            escape = True
        elif char in "*=":
            escape = i in (0, last) or char in (before, after)
        elif char == "{":
            escape = bool(_PEN_OPEN.match(text, i)) or i == last
        elif char == "\\":
            escape = not after or after in markup.ESCAPABLE
        else:
            escape = False
        out.append("\\" + char if escape else char)
    result = "".join(out)
    if markup.parse(result)[1] or markup.plain(result) != text:
        return escape_markup(text)
    return result


def bold_text(heading: Heading) -> Piece:
    """A heading that heads no block, kept as a text block in bold."""
    text = f"**{heading.text}**" if heading.text and _clean(f"**{heading.text}**") else heading.text
    return Piece({"kind": "text", "text": text}, {(): heading.pos}, heading.pos[0], heading.pos[0])


def is_korean(text: str) -> bool:
    hangul = sum(1 for c in text if "\uac00" <= c <= "\ud7a3")
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return hangul * 3 > latin


def is_summary(title: str) -> bool:
    lowered = title.lower()
    return any(word in lowered for word in SUMMARY_WORDS)


def is_language(name: str) -> bool:
    """Whether a code block may name this language (a Pygments lexer name of plain characters)."""
    return bool(re.fullmatch(r"[\w+#.-]+", name)) and name in languages()


def split_icon(text: str, both_ends: bool = False) -> tuple[str, str]:
    """(icon, rest) when markup starts with an emoji and a space; else ("", text)."""
    if not text or not emoji.is_emoji_start(text, 0):
        return "", text
    end = emoji.take_cluster(text, 0)
    icon, rest = text[:end], text[end:]
    if not rest[:1].isspace() or not rest.strip():
        return "", text
    rest = rest.strip()
    if both_ends and rest.endswith(icon) and rest[: -len(icon)].strip():
        rest = rest[: -len(icon)].rstrip()
    return icon, rest


def code_span(code: str) -> str:
    """A texsheet code span that reads back as code."""
    if not code:
        return ""
    fence = "`" * (max((len(m) for m in re.findall(r"`+", code)), default=0) + 1)
    pad = " " if code[0] == "`" or code[-1] == "`" or (code[0] == code[-1] == " " and code.strip()) else ""
    return f"{fence}{pad}{code}{pad}{fence}"


def arrow_steps(text: str) -> list[str] | None:
    """The steps of a one-line arrow chain in markup (A → B → C), or None."""
    if "\n" in text:
        return None
    steps = [s.strip() for s in ARROWS.split(text)]
    if len(steps) < 2 or len(steps) > MAX_STEPS or not all(steps):
        return None
    if any(len(markup.plain(s)) > SHORT_STEP or not _clean(s) for s in steps):
        return None
    return steps


def _clean(text: str) -> bool:
    """Whether a piece of markup parses without problems on its own."""
    return not markup.parse(text)[1]


def _box(text: str) -> tuple[bool, str] | None:
    """(done, rest) for a line of markup starting with a check box character."""
    if text[:1] in UNDONE_BOXES + DONE_BOXES:
        rest = text[1:].lstrip("\ufe0f")
        if rest[:1] == " " and rest.strip():
            return text[0] in DONE_BOXES, rest.strip()
    return None


def _bold_heading(nodes: list[SyntaxTreeNode]) -> list[SyntaxTreeNode] | None:
    """The children of a line that is one bold span (and maybe a colon), or None."""
    meaningful = [n for n in nodes if not (n.type == "text" and not n.content.strip())]
    if not meaningful or meaningful[0].type != "strong":
        return None
    tail = meaningful[1:]
    if len(tail) > 1 or (tail and not (tail[0].type == "text" and tail[0].content.strip() in (":", "："))):
        return None
    return meaningful[0].children


def _split_lines(nodes: list[SyntaxTreeNode]) -> list[tuple[list[SyntaxTreeNode], str]]:
    """Inline nodes cut at line breaks: (nodes of a line, the break that ends it)."""
    lines: list[tuple[list[SyntaxTreeNode], str]] = []
    current: list[SyntaxTreeNode] = []
    for node in nodes:
        if node.type in ("softbreak", "hardbreak"):
            lines.append((current, node.type))
            current = []
        else:
            current.append(node)
    lines.append((current, ""))
    return lines


def _split_sentences(text: str, limit: int) -> list[str]:
    """Text cut into pieces of at most limit characters, at sentence ends where it can be."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind(mark, 0, limit) for mark in (". ", "? ", "! ", "다. ", "\n"))
        if cut <= 0 or not _clean(text[: cut + 1]):
            cut = text.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit - 1
        head = text[: cut + 1].rstrip()
        if head.endswith("\\"):  # never cut an escape in two
            head, cut = head[:-1], cut - 1
        pieces.append(head)
        text = text[cut + 1 :].lstrip()
    return pieces + [text]


def _split_code(code: str, limit: int) -> list[str]:
    chunks, current = [], ""
    for line in code.split("\n"):
        candidate = line if not current else current + "\n" + line
        if len(candidate) > limit and current:
            chunks.append(current)
            current = line
        else:
            current = candidate
        while len(current) > limit:
            chunks.append(current[:limit])
            current = current[limit:]
    return chunks + [current]


def _extra_cells(line: str, count: int) -> list[str]:
    """Cells of a table row beyond count, which markdown-it drops."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells = escapedSplit(text)
    return cells[count:] if len(cells) > count else []


def _node_source(lines: list[str], node: SyntaxTreeNode) -> str:
    if not node.map:
        return node.content
    return "\n".join(lines[node.map[0] : node.map[1]])


def _short(text: str, length: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _similar(a: str, b: str) -> bool:
    import difflib

    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


# ----------------------------------------------------------------------------- assembly


def check_text(text: str, path: Path) -> str:
    """The text to parse, line endings made \\n; unreadable text is a ContentError like YAML's."""

    def fail(message: str, line: int = 1, column: int = 1) -> ContentError:
        return ContentError([Problem(path, line, column, message)])

    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise fail("this is a binary file, not Markdown text", line)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise fail(f"the content is {size} bytes; content may be at most {MAX_FILE_BYTES}")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise fail("the file is empty; a sheet needs at least a title and a section")
    return text


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


def sort_notes(notes: list[Note]) -> list[Note]:
    return sorted(dict.fromkeys(notes), key=lambda n: n.line)


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


@dataclass
class PanelPlan:
    """A panel's data and marks (keys relative to it), and what the row rule needs to know."""

    data: dict
    marks: dict[Where, Pos]
    new_row: bool = False
    wide: bool = False
    height: float | None = None


def build_panels(sections: list[Section], notes: list[Note], korean: bool) -> list[PanelPlan]:
    """A panel per section, in pens taken in turn; more blocks than a panel holds continue in another."""
    plans: list[PanelPlan] = []
    pen = 0
    for section in sections:
        colour = section.colour or (section.continues.colour if section.continues else "") or PENS[pen % len(PENS)]
        pen += 0 if section.colour or section.continues else 1
        section.colour = colour
        pieces = section.pieces
        if not pieces:
            notes.append(Note(section.pos[0], "a section with no content is an empty panel"))
            pieces = [Piece({"kind": "text", "text": ""}, {(): section.pos}, section.pos[0], section.pos[0])]
        chunks = [pieces[i : i + MAX_BLOCKS] for i in range(0, len(pieces), MAX_BLOCKS)]
        if len(chunks) > 1:
            notes.append(Note(section.pos[0], f"a section of {len(pieces)} blocks continues in {len(chunks) - 1} more panel(s) (a panel holds {MAX_BLOCKS})"))
        for n, chunk in enumerate(chunks):
            title = section.title if n == 0 else section.title + (" (계속)" if korean else " (cont.)")
            panel: dict[str, Any] = {"title": title}
            if section.subtitle and n == 0:
                panel["subtitle"] = section.subtitle
            if section.icon:
                panel["icon"] = section.icon
            panel["colour"] = colour
            panel["blocks"] = [p.data for p in chunk]
            marks: dict[Where, Pos] = {(): section.pos, ("title",): section.pos}
            for b, piece in enumerate(chunk):
                marks.update({("blocks", b) + w: p for w, p in piece.marks.items()})
            plans.append(PanelPlan(panel, marks, new_row=section.new_row and n == 0, wide=is_wide(panel)))
    return plans


def is_wide(panel: dict) -> bool:
    """Whether a panel wants a row of its own: a pipeline, a comparison, a wide table, wide code."""
    for block in panel["blocks"]:
        kind = block.get("kind")
        if kind in ("pipeline", "compare"):
            return True
        if kind == "table" and len(block.get("header", [])) >= 4:
            return True
        if kind == "code" and any(len(line) > WIDE_CODE_LINE for line in str(block.get("code", "")).split("\n")):
            return True
    return False


def decide_rows(panels: list[PanelPlan], breaks: bool, notes: list[Note]) -> list[list[PanelPlan]]:
    """Rows of panels: by the thematic breaks when there are any, else two to a row."""
    if breaks:
        segments: list[list[PanelPlan]] = []
        for panel in panels:
            if not segments or panel.new_row:
                segments.append([])
            segments[-1].append(panel)
        split: list[list[PanelPlan]] = []
        for segment in segments:
            if len(segment) <= MAX_SHARED:
                split.append(segment)
            else:
                notes.append(Note(segment[0].marks[()][0], f"{len(segment)} sections between two breaks: more than {MAX_SHARED}, so they go two to a row"))
                split.extend(_pack(segment, 2, keep_wide=True))
        if len(split) <= MAX_ROWS:
            return split
        notes.append(Note(panels[0].marks[()][0], f"the thematic breaks make {len(split)} rows, more than a sheet holds ({MAX_ROWS}); the importer chose the rows"))
    for per_row in range(2, MAX_PANELS + 1):
        rows = _pack(panels, per_row, keep_wide=True)
        if len(rows) <= MAX_ROWS:
            break
    else:
        rows = _pack(panels, MAX_PANELS, keep_wide=False)
    if len(rows) > MAX_ROWS:
        notes.append(Note(panels[0].marks[()][0], f"{len(panels)} panels do not fit in {MAX_ROWS} rows of {MAX_PANELS}; the last rows hold more than a row takes"))
    return rows


def _pack(panels: list[PanelPlan], per_row: int, keep_wide: bool) -> list[list[PanelPlan]]:
    rows: list[list[PanelPlan]] = []
    current: list[PanelPlan] = []
    for panel in panels:
        if keep_wide and panel.wide:
            if current:
                rows.append(current)
            rows.append([panel])
            current = []
            continue
        current.append(panel)
        if len(current) == per_row:
            rows.append(current)
            current = []
    if current:
        rows.append(current)
    return rows


def place_rows(rows: list[list[PanelPlan]]) -> tuple[list[dict], dict[Where, Pos]]:
    """The rows: list and its marks (keys relative to rows:)."""
    data, marks = [], {}
    for r, row in enumerate(rows):
        entry: dict[str, Any] = {}
        if row[0].height is not None:
            entry["height"] = row[0].height
        entry["panels"] = [p.data for p in row]
        data.append(entry)
        marks[(r,)] = row[0].marks[()]
        for p, panel in enumerate(row):
            if len(row) == 1:
                for block in panel.data["blocks"]:
                    if block.get("kind") == "takeaways" and len(block["items"]) >= 4 and "columns" not in block:
                        block["columns"] = 2
            marks.update({(r, "panels", p) + w: pos for w, pos in panel.marks.items()})
    return data, marks


def fill_marks(data: Any, marks: dict[Where, Pos], where: Where = (), parent: Pos = (1, 1)) -> dict[Where, Pos]:
    """Marks for every part of data: its own, else its nearest enclosing part's."""
    found: dict[Where, Pos] = {}
    pos = marks.get(where) or parent
    found[where] = pos
    if isinstance(data, dict):
        for key, value in data.items():
            found.update(fill_marks(value, marks, where + (key,), pos))
    elif isinstance(data, list):
        for n, value in enumerate(data):
            found.update(fill_marks(value, marks, where + (n,), pos))
    return found


# ----------------------------------------------------------------------------- YAML out

_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
_FLOW_KEYS = ("header", "widths", "column_widths")
NOTE_REACH = 20  # lines: how far below a block's first line a note may be and still go above it


def _unsafe(char: str) -> bool:
    """Characters a YAML file shows as escapes: those content may not hold, and line separators."""
    return char in "\u2028\u2029" or find_forbidden(char) is not None


def _quoted(text: str) -> str:
    out = []
    for char in text:
        code = ord(char)
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif _unsafe(char):
            out.append(f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _composed(snippet: str) -> yaml.Node | None:
    try:
        node = yaml.compose(snippet, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    return node.value[0][1] if isinstance(node, yaml.MappingNode) and node.value else None


def _plain(text: str) -> str | None:
    """text as a plain scalar, if it reads back as the same text."""
    if (not text or text != text.strip() or text[0].isspace() or text[-1].isspace() or text[0] in _INDICATORS
            or ": " in text or " #" in text or text.endswith(":") or "\t" in text or "\n" in text
            or any(_unsafe(c) for c in text) or not isinstance(resolve_plain(text), str)):
        return None
    node = _composed("k: " + text)
    if isinstance(node, yaml.ScalarNode) and node.style is None and node.value == text:
        return text
    return None


def _literal(text: str) -> tuple[str, list[str]] | None:
    """(indicator, lines) of text as a literal block, if it reads back as the same text."""
    if "\n" not in text or text[0] in " \n\t" or any(_unsafe(c) for c in text):
        return None
    trailing = len(text) - len(text.rstrip("\n"))
    indicator = "|-" if trailing == 0 else "|" if trailing == 1 else "|+"
    body = text[: len(text) - trailing] if trailing else text
    lines = body.split("\n") + [""] * (trailing - 1 if trailing > 1 else 0)
    snippet = "k: " + indicator + "\n" + "\n".join("  " + line if line else "" for line in lines) + "\n"
    node = _composed(snippet)
    if isinstance(node, yaml.ScalarNode) and node.value == text:
        return indicator, lines
    return None


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    text = str(value)
    return _plain(text) or _quoted(text)


def _field_types(tp: Any, value: dict) -> dict[str, Any]:
    """The model's type of each key of a mapping at a place of type tp (a dataclass, or Block)."""
    if tp is Block:
        tp = BLOCK_KINDS.get(value.get("kind"))
    if not dataclasses.is_dataclass(tp):
        return {}
    hints = typing.get_type_hints(tp)
    types = {"kind": str} if issubclass(tp, Block) else {}
    types.update({f.name: hints[f.name] for f in dataclasses.fields(tp)})
    return types


def _unwrap(tp: Any) -> Any:
    """T for a type T | None, else the type itself."""
    return optional_of(tp) or tp


class _YamlWriter:
    """Block-style YAML of content data, keys in the model's order, each output line tagged
    with the where of the data it starts."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, Where | None]] = []

    def emit(self, text: str, where: Where | None) -> None:
        self.lines.append((text, where))

    def mapping(self, value: dict, where: Where, tp: Any, indent: int, dash: bool = False) -> None:
        types = _field_types(tp, value)
        keys = [k for k in types if k in value] + [k for k in value if k not in types]
        for n, key in enumerate(keys):
            lead = " " * (indent - 2) + "- " if dash and n == 0 else " " * indent
            self.entry(lead, _scalar(str(key)) + ":", value[key], where + (key,), _unwrap(types.get(key)), indent, where if dash and n == 0 else None)

    def entry(self, lead: str, label: str, value: Any, where: Where, tp: Any, indent: int, line_where: Where | None = None) -> None:
        tag = line_where if line_where is not None else where
        item_tp = typing.get_args(tp)[0] if typing.get_origin(tp) is list else None
        if isinstance(value, dict):
            if not value:
                self.emit(f"{lead}{label} {{}}", tag)
            else:
                self.emit(f"{lead}{label}", tag)
                self.mapping(value, where, tp, indent + 2)
        elif isinstance(value, list):
            flow = _flow(value) if where[-1] in _FLOW_KEYS else None
            if not value:
                self.emit(f"{lead}{label} []", tag)
            elif flow is not None:
                self.emit(f"{lead}{label} {flow}", tag)
            else:
                self.emit(f"{lead}{label}", tag)
                self.sequence(value, where, item_tp, indent + 2)
        else:
            self.scalar(lead + label + " ", value, tag, indent + 2)

    def scalar(self, lead: str, value: Any, where: Where | None, indent: int) -> None:
        block = _literal(value) if isinstance(value, str) else None
        if block is None:
            self.emit(lead + _scalar(value), where)
            return
        indicator, lines = block
        self.emit(lead + indicator, where)
        for line in lines:
            self.emit(" " * indent + line if line else "", None)

    def sequence(self, value: list, where: Where, item_tp: Any, indent: int) -> None:
        pad = " " * indent
        for n, item in enumerate(value):
            iw = where + (n,)
            if isinstance(item, dict) and item:
                self.mapping(item, iw, _unwrap(item_tp), indent + 2, dash=True)
            elif isinstance(item, list) and item:
                flow = _flow(item)
                if flow is not None:
                    self.emit(f"{pad}- {flow}", iw)
                else:
                    self.emit(f"{pad}-", iw)
                    inner = typing.get_args(item_tp)[0] if typing.get_origin(item_tp) is list else None
                    self.sequence(item, iw, inner, indent + 2)
            elif isinstance(item, (dict, list)):
                self.emit(f"{pad}- {'{}' if isinstance(item, dict) else '[]'}", iw)
            else:
                self.scalar(pad + "- ", item, iw, indent + 2)


def _flow(values: list) -> str | None:
    """A flow sequence ["a", "b"] of scalars, strings quoted; None if one holds a line break."""
    if any(isinstance(v, (dict, list)) or (isinstance(v, str) and "\n" in v) for v in values):
        return None
    return "[" + ", ".join(_quoted(v) if isinstance(v, str) else _scalar(v) for v in values) + "]"


def _comment(text: str) -> str:
    return "".join("?" if _unsafe(c) or c == "\n" else c for c in text)


def to_yaml(source: Source, notes: list[Note]) -> str:
    """Readable content YAML equivalent to source.data, with each note as a comment above the
    first line that came from the note's line of the source file."""
    writer = _YamlWriter()
    writer.mapping(source.data, (), Sheet, 0)
    name = _comment(source.path.name)
    anchored: dict[int, list[Note]] = {}
    loose: list[Note] = []
    first_of_line: dict[int, int] = {}
    root = source.position(())
    for index, (_, where) in enumerate(writer.lines):
        if where is not None and where and source.position(where) != root:
            first_of_line.setdefault(source.position(where)[0], index)
    for line, index in first_of_line.items():
        # A line that only opens a nested block ("- panels:") gives the comment to the first
        # line of what it holds, when that came from the same place.
        while (index + 1 < len(writer.lines) and writer.lines[index][0].endswith(":")
               and (after := writer.lines[index + 1][1]) is not None and after[: len(writer.lines[index][1])] == writer.lines[index][1]
               and source.position(after)[0] == line):
            index += 1
        first_of_line[line] = index
    for note in notes:
        if note.line in first_of_line:
            anchored.setdefault(first_of_line[note.line], []).append(note)
            continue
        # A note about a later line of a block (a link in a paragraph's third line) goes above
        # the block: the nearest line above it that gave the YAML something, if that is a block's.
        earlier = [line for line in first_of_line if line < note.line]
        index = first_of_line[max(earlier)] if earlier else None
        if index is not None and note.line - max(earlier) <= NOTE_REACH and "blocks" in writer.lines[index][1]:
            anchored.setdefault(index, []).append(note)
        else:
            loose.append(note)
    out = [f"# Imported from {name} by texsheet. Comments '# {name}:LINE: ...' say what the importer guessed",
           "# or could not map; check those places, then delete the comments."]
    out.extend(f"# {name}:{n.line}: {_comment(n.message)}" for n in loose)
    for index, (text, _) in enumerate(writer.lines):
        if index in anchored:
            indent = len(text) - len(text.lstrip(" "))
            out.extend(" " * indent + f"# {name}:{n.line}: {_comment(n.message)}" for n in anchored[index])
        out.append(text)
    return "\n".join(out) + "\n"

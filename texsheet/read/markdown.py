"""Markdown notes to texsheet content: a Source whose data is what content YAML would load.

The Markdown is parsed by markdown-it-py (CommonMark, GFM tables and ~~strike~~) with the
mdit-py-plugins front_matter, tasklists and dollarmath, and a small ==mark== rule of our own;
each Markdown construct then maps to the format as follows.

- **Front matter** (YAML between `---` lines at the top) gives the sheet's top-level keys (`title`,
  `subtitle`, `icon`, `colour`, `title_height`, `pages`, `page`, `theme`), read and validated exactly like a
  content YAML file. Jekyll's and Hugo's `intro:`, `description:`, `summary:` or `excerpt:` (read
  as Markdown) becomes the subtitle when it is one short line, else the opening text. Other keys
  (`tags`, `date`, `layout`, ...) are left out, with a note; `rows` is an error there, since the
  sections give the rows. A `#` heading with the front matter's title is not repeated.
- **Title**: without a title in the front matter, the first `#` heading is the title (an emoji
  at its start, and the same one at its end, becomes the `icon`), and a short one-line paragraph
  right under it (at most 120 characters), or the first line of a quote there (a tldr page's
  description; the quote's other lines open the first panel as text), the `subtitle`; a rule (`---`) right under the title only underlines it. A note
  with no `#` heading takes its first heading as the title when no other heading is at its level
  or above (`## HTTP status code` over `#####` sections), and the next level down starts panels.
  Without any of these, the file's name is the title, noted. A later `#` heading starts a panel.
- **Sections**: each `##` heading starts a panel. An emoji at the start of the heading becomes
  the panel's `icon`; the part after " — " (an em or en dash between spaces) becomes its
  `subtitle`. Text in parentheses stays in the title: in notes it is usually a translation, as
  in "올바른 사용법 (Best Practices)". Before the first section, one short line is the subtitle;
  a text or a quote or two open the first panel; more (or a note with no sections) go into a
  panel without a title, never one named by the importer.
- A list of links to the note's own headings (a table of contents, at any depth), a line of such
  links (navigation: "Back to top | Next"), and a section "Contents"/"목차" left empty by them
  are dropped, noted. Badges (shields.io and the like) are dropped, noted.
- `###` (and deeper) headings, a paragraph that is one **bold** line (`**원인:**`, a trailing
  colon dropped), and a one-line paragraph ending in a colon right above a list, become the
  `heading:` of the next block.
- **Bullet lists** become `bullets`; an emoji at the start of an item becomes its `icon`. Nested
  lists stay nested, as the item's `items:` (any depth; a numbered sub-list's items too). Under a
  numbered item or a task, which do not nest, a sub-list is folded into the item's text, a line
  per sub-item starting "· ". A code block, table, quote or formula inside an item stays in its
  place: the items before it are a block, then it, then the items after it (lifted to the
  shallowest depth among them). `<br>` lines spacing the items are dropped.
- A list of one item ending in ':' followed by a line that is one code span (a tldr page's
  example) is a `code` block headed by the item's text.
- **Task lists** (`- [ ]`, `- [x]`) become `checklist` items with `done`; a list mixing tasks and
  plain items becomes a checklist for each run of tasks and bullets for the rest. A paragraph
  whose every line starts with a box (□ ☐ undone, ☑ ☒ ✅ ✔ done) is a checklist too.
- **Ordered lists** become a `flow` when every item is a short step (at most 60 characters, no
  sub-list, at most 10 items) and the section is not a summary; otherwise `takeaways` with
  `numbered: true`. In a summary section (a title with takeaway, summary, key points, recap,
  conclusion, TL;DR, 요약, 핵심, 정리, 결론, まとめ, 要約, 要点, 总结 or 總結) an ordered list is
  always `takeaways`. A list not starting at 1, or longer than takeaways allow, becomes bullets
  with its numbers in the text.
- A paragraph of one line that is an **arrow chain** `A → B → C` (or `⟶`, `->`, `=>`) of 3 to
  10 steps, each at most 60 characters, becomes a `diagram` drawn across (a Mermaid `flowchart
  LR` of quoted labels) when every step is at most 30 characters, else a `flow` of those steps;
  a short "label: " before the first step becomes the block's heading. A bullet that is only
  such a chain of short steps (with no sub-list) becomes that diagram, in its place among the
  items. An arrow inside code, a formula or a mark does not part steps; "A → B" stays text.
- Other paragraphs become `text`. A soft line break is a space, as CommonMark reads it; a hard
  break (two spaces or a backslash at the end of a line) is a new line.
- **Tables** become `table` (header and rows; alignment is left to texsheet). Cells beyond the
  header's count, which Markdown drops, are kept in the row's last cell; a `|` inside a code span
  stays in its cell. Lines between pipes with no `| --- |` row under the first (kramdown's tables
  without a header) are a table without `header:`; `| --- |` rows among them are not content.
- **kramdown attribute lines** (`{: .-three-column}`, `{:.class}`) and Liquid tags (`{% raw %}`)
  on a line of their own are dropped, noted, except inside code.
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
  image keeps its alt text (noted); a `:shortcode:` of GitHub's emoji is the emoji.
- **HTML** (read by the standard library's html.parser) is read for what it means: `<br>` (and
  `</br>`) a new line; `<b>`/`<strong>` bold; `<mark>`, `<u>`, `<ins>` a highlight; `<kbd>`,
  `<code>` a code span; `<sub>`/`<sup>` Unicode sub- and superscripts where they exist; `<em>`,
  `<a href>`, `<span>`... their words; `<a name>` anchors, comments and `<img>` dropped (images
  noted). An HTML block is its words, a line per `<br>` or block element (`<summary>` in bold);
  one with no words (spacing) is dropped. HTML that is not tags is kept as literal text, noted. Characters texsheet's markup would read in the rest are escaped (a backslash before
  a backtick, a dollar, `**`, `==` or a `{red:`), so `{red: x}`, `\\input`, `a == b` and the like read
  back exactly as typed.
- Nothing else is dropped: what has no place in the format is kept as text, with a note.

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
allows (2000 characters) is split into several blocks; a section of more than 16 blocks is shared
out evenly between as few panels as hold it, the later ones titled "… (cont.)", each cut moved up
to two blocks to fall before a block with a heading (so no panel holds one block left over); more than 3 sections between two breaks are split into rows; more than 12
rows fall back to the importer's own rows. Each of these is noted.

**Positions.** Every part of the data is marked with the line and column of the Markdown it came
from, so texsheet's validation errors point into the .md file.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from markdown_it.tree import SyntaxTreeNode

from texsheet.errors import ContentError, Problem
from texsheet.model.sheet import Sheet
from texsheet.model.source import Source, Where, parse_source, read_text
from texsheet.read.markdown_blocks import KEPT_AS_BOLD, BlockReader, bold_heading, bold_text, is_anchor_links, split_lines
from texsheet.read.markdown_chains import SHORT_STEP, arrow_steps
from texsheet.read.markdown_inline import InlineReader, escape_text, is_clean, markdown_parser, parse_tree, split_icon
from texsheet.read.panels import MAX_SHEET_PANELS, Section, build_panels, decide_rows, place_rows
from texsheet.read.pieces import Heading, Note, Piece, Pos, SourceLines, check_text, fill_marks, sort_notes
from texsheet.text import markup

SUBTITLE_LENGTH = 120
INTRO_KEYS = ("intro", "description", "summary", "excerpt")  # Jekyll's and Hugo's
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
    """Walks a markdown-it syntax tree and collects a Document: its sections and the headings
    waiting for their blocks, noting every guess; the top of the note (front matter, title,
    subtitle, the text before the first section) is read by TopReader, the blocks by BlockReader."""

    def __init__(self, lines: list[str], numbers: list[int], path: Path, notes: list[Note], section_level: int = 2,
                 guess_title: bool = False):
        self.src = SourceLines(lines, numbers, notes)
        self.inline = InlineReader(self.src)
        self.blocks = BlockReader(self.src, self.inline)
        self.section_level = section_level  # headings of this level and above start a panel
        self.doc = Document(korean=is_korean("\n".join(lines)))
        self.top = TopReader(self.src, self.inline, self.blocks, self.doc, path, self.start_section)
        self.section: Section | None = None
        self.pending: Heading | None = None  # a heading waiting for its block
        self.break_pending = False
        self.guess_title = guess_title  # without a '#' heading, the first heading may be the title

    # --- the walk

    def run(self, root: SyntaxTreeNode) -> Document:
        nodes = list(root.children)
        if nodes and nodes[0].type == "front_matter":
            self.top.front_matter(nodes.pop(0))
        if self.guess_title and (level := self.top.plan_title(nodes)) is not None:
            self.section_level = level
        i = 0
        while i < len(nodes):
            node = nodes[i]
            after = nodes[i + 1] if i + 1 < len(nodes) else None
            if node.type == "heading":
                self.heading(node)
            elif (rest := self.top.under_title(node)) is not None:
                self.add_all(rest)
            elif node.type == "hr":
                self.doc.breaks = True
                self.break_pending = True
            elif (steps := self.command_example(node, after)) is not None:
                self.add_all(steps)
                i += 1
            elif node.type == "paragraph":
                if self.paragraph(node, after):
                    i += 1
                    self.add_all(self.blocks.lists.list_pieces(nodes[i]))
            else:
                self.add_all(self.blocks.pieces_of(node))
            i += 1
        self.flush_pending()
        self.top.end_intro(None)
        return self.doc

    def command_example(self, node: SyntaxTreeNode, after: SyntaxTreeNode | None) -> list[Piece] | None:
        """A list of one item ending in ':' followed by a line that is one code span (a tldr
        page's example): the code, headed by the item's text."""
        if node.type != "bullet_list" or len(node.children) != 1 or after is None or after.type != "paragraph":
            return None
        item = node.children[0]
        if len(item.children) != 1 or item.children[0].type != "paragraph":
            return None
        code = [c for c in after.children[0].children if not (c.type == "text" and not c.content.strip())]
        if len(code) != 1 or code[0].type != "code_inline":
            return None
        text, plain = self.inline.inline_text(item.children[0].children[0].children, self.src.line(item.map[0]))
        if not plain.rstrip().endswith((":", "：")) or "\n" in text:
            return None
        pos = self.src.pos(item.map[0], item.children[0].children[0].content)
        self.src.note(pos[0], "an item ending in ':' over a line of code became the heading of that code")
        code_pos = self.src.pos(after.map[0])
        piece = Piece({"kind": "code", "code": code[0].content}, {(): code_pos}, pos[0], self.src.line(after.map[1] - 1))
        piece.set_heading(text.rstrip().rstrip(":：").rstrip(), pos)
        return [piece]

    def heading(self, node: SyntaxTreeNode) -> None:
        level = int(node.tag[1:])
        inline = node.children[0]
        text, plain = self.inline.inline_text(inline.children, self.src.line(node.map[0]))
        pos = self.src.pos(node.map[0], inline.content)
        if self.top.title(node, level, text, plain, pos):
            return
        if level <= self.section_level:
            if level == 1:
                self.src.note(pos[0], "a further '#' heading starts a panel, like '##'")
            self.start_section(text, plain, pos)
            return
        self.flush_pending()
        self.pending = Heading(text, pos)

    def start_section(self, text: str, plain: str, pos: Pos) -> Section:
        self.flush_pending()
        opening = self.top.end_intro(pos)
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
        section.pieces.extend(opening)
        return section

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
        if self.section is None:  # before the first section (a thematic break there starts no row)
            self.break_pending = False
            self.top.intro.append(piece)
            return
        if self.break_pending:
            self.open_implicit_section(piece)
        self.section.pieces.append(piece)

    def open_implicit_section(self, piece: Piece) -> None:
        """Content after a thematic break needs a panel to go in."""
        pos = piece.marks[()]
        previous = self.section
        title = previous.title and previous.title + (" (계속)" if self.doc.korean else " (cont.)")
        named = f"'{markup.plain(title)}'" if title else "without a title"
        self.src.note(pos[0], f"content after a thematic break went into a panel {named} in a new row")
        section = self.start_section(title, previous.heading, pos)
        section.icon, section.continues = previous.icon, previous

    # --- paragraphs

    def paragraph(self, node: SyntaxTreeNode, after: SyntaxTreeNode | None) -> bool:
        """Add the blocks of a paragraph; True when it became the heading of the list after it."""
        if is_anchor_links(node.children[0].children):
            self.src.note(self.src.line(node.map[0]), "a line of links to the note's own headings (navigation) was dropped")
            return False
        table = self.blocks.tables.pipe_table(node)
        if table is not None:
            self.add_all(table)
            return False
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


class TopReader:
    """The top of a note, before its first section: the front matter, the title, the subtitle
    under it and the text before the first section, noting every guess."""

    def __init__(self, src: SourceLines, inline: InlineReader, blocks: BlockReader, doc: Document, path: Path,
                 start_section: Callable[[str, str, Pos], Section]):
        self.src = src
        self.inline = inline
        self.blocks = blocks
        self.doc = doc
        self.path = path
        self.start_section = start_section  # for a panel of what comes before the first section
        self.title_node: SyntaxTreeNode | None = None
        self.expect_subtitle = False  # whether the next block is right under the title
        self.intro: list[Piece] = []  # what comes before the first section
        self.intro_text: tuple[str, Pos] | None = None  # the front matter's intro: or description:

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
            elif key in INTRO_KEYS and isinstance(value, str) and value.strip() and self.intro_text is None:
                self.intro_text = (value, (line, column))
            else:
                close = [k for k in SHEET_KEYS if k != "rows" and _similar(key, k)]
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.src.note(line, f"front matter key '{key}' is not a sheet key; left out{hint}")
        if problems:
            raise ContentError(problems)
        self.doc.front_marks = {w: p for w, p in found.marks.items() if w and w[0] in self.doc.front}
        self.doc.front_scalars = {w: n for w, n in found.scalars.items() if w and w[0] in self.doc.front}

    def plan_title(self, nodes: list[SyntaxTreeNode]) -> int | None:
        """Without a title in the front matter nor a '#' heading, the first heading is the
        title when no other heading is at its level or above; the level that starts panels then
        (the next one down), or None."""
        levels = [(n, int(n.tag[1:])) for n in nodes if n.type == "heading"]
        if "title" in self.doc.front or not levels or any(level == 1 for _, level in levels):
            return None
        first, top = levels[0]
        if sum(1 for _, level in levels if level <= top) > 1:
            return None
        self.title_node = first
        deeper = [level for _, level in levels[1:]]
        return min(deeper) if deeper else top + 1

    def title(self, node: SyntaxTreeNode, level: int, text: str, plain: str, pos: Pos) -> bool:
        """Whether a heading is the note's title (then the block under it may be the subtitle)
        or the front matter's title, repeated as the note's heading."""
        self.expect_subtitle = False
        front_title = self.doc.front.get("title")
        if node is self.title_node:
            self.src.note(pos[0], f"the note has no '#' heading: its first heading ('{'#' * level}', the only one at its level) is the title")
        if (level == 1 or node is self.title_node) and not self.doc.title and not self.doc.sections and front_title is None:
            icon, text = split_icon(text, both_ends=True)
            self.doc.title, self.doc.icon, self.doc.title_pos = text, icon, pos
            self.expect_subtitle = "subtitle" not in self.doc.front
            return True
        return level == 1 and isinstance(front_title, str) and plain.strip() == markup.plain(front_title).strip()

    def under_title(self, node: SyntaxTreeNode) -> list[Piece] | None:
        """A block right under the title: a rule only underlines it; a short line, or a quote's
        first line, is the subtitle. The pieces to add in the block's place, or None when the
        block is read as content."""
        expected, self.expect_subtitle = self.expect_subtitle, False
        if not expected:
            return None
        if node.type == "hr":
            self.expect_subtitle = True  # a rule under the title underlines it; no new row
            return []
        if node.type == "blockquote":
            return self.quote_subtitle(node)
        if node.type == "paragraph" and self.subtitle(node):
            return []
        return None

    def end_intro(self, first: Pos | None) -> list[Piece]:
        """Place what came before the first section, which starts at first (None: the note has no
        section); the pieces that open that section."""
        if self.intro_text is not None:
            self.add_intro_text()
        return self.place_intro(first) if self.intro else []

    def add_intro_text(self) -> None:
        """The front matter's intro: (or description:), read as Markdown: the subtitle when it
        is one short line, else text before the first section."""
        value, pos = self.intro_text
        self.intro_text = None
        texts = [self.inline.inline_text(n.children[0].children, pos[0])[0] for n in parse_tree(value).children
                 if n.type == "paragraph"]
        text = "\n".join(t for t in texts if t.strip())
        if not text:
            return
        if "\n" not in text and len(markup.plain(text)) <= SUBTITLE_LENGTH and not self.doc.subtitle and "subtitle" not in self.doc.front:
            self.src.note(pos[0], "the front matter's intro became the subtitle")
            self.doc.subtitle, self.doc.subtitle_pos = text, pos
            return
        self.src.note(pos[0], "the front matter's intro became the opening text")
        self.intro.insert(0, Piece({"kind": "text", "text": text}, {(): pos}, pos[0], pos[0]))

    def place_intro(self, first: Pos | None) -> list[Piece]:
        """What comes before the first section: one short line is the subtitle; a text or two
        (or a quote) open the first panel (returned); more, or a note with no section, get a
        panel without a title (a name such as "Overview" would be words the note never said)."""
        pieces, self.intro = self.intro, []
        line = pieces[0].marks[()][0]
        only = pieces[0].data if len(pieces) == 1 else None
        if (first is not None and only is not None and only["kind"] == "text" and not only.get("heading") and "\n" not in only["text"]
                and len(markup.plain(only["text"])) <= SUBTITLE_LENGTH and not self.doc.subtitle and "subtitle" not in self.doc.front):
            self.src.note(line, "the line before the first section became the subtitle")
            self.doc.subtitle, self.doc.subtitle_pos = only["text"], pieces[0].marks[()]
            return []
        if first is not None and len(pieces) <= 2 and all(p.data["kind"] in ("text", "callout") for p in pieces):
            self.src.note(line, "the text before the first section opens the first panel")
            return pieces
        where = "the note has no sections: its content" if first is None else "content before the first section"
        self.src.note(line, f"{where} went into a panel without a title")
        self.start_section("", "", pieces[0].marks[()]).pieces.extend(pieces)
        return []

    def subtitle(self, node: SyntaxTreeNode) -> bool:
        """The one-line paragraph under the title, as the subtitle; False if it reads as content."""
        inline = node.children[0]
        if any(n.type in ("softbreak", "hardbreak") for n in inline.children):
            return False
        text, plain = self.inline.inline_text(inline.children, self.src.line(node.map[0]))
        if not plain.strip():  # only badges or anchors: nothing to show; the next line may be the subtitle
            self.expect_subtitle = True
            return True
        if len(plain) > SUBTITLE_LENGTH or arrow_steps(text) or bold_heading(inline.children) is not None:
            return False
        self.doc.subtitle, self.doc.subtitle_pos = text, self.src.pos(node.map[0], inline.content)
        return True

    def quote_subtitle(self, node: SyntaxTreeNode) -> list[Piece] | None:
        """A quote right under the title (a tldr page's description): its first line, when
        short, is the subtitle and the rest the text that opens the first panel (returned: it
        goes on the introduction, not a sticky note); None if the first line is long."""
        first = node.children[0] if node.children else None
        if first is None or first.type != "paragraph":
            return None
        nodes, _ = split_lines(first.children[0].children)[0]
        text, plain = self.inline.inline_text(nodes, self.src.line(first.map[0]))
        if not plain.strip() or len(plain) > SUBTITLE_LENGTH or plain.lstrip().startswith("[!"):
            return None
        callout = self.blocks.callout(node)
        rest = callout.data["text"]
        if not rest.startswith(text):
            return None
        self.doc.subtitle, self.doc.subtitle_pos = text.strip(), self.src.pos(first.map[0], first.children[0].content)
        self.src.note(self.doc.subtitle_pos[0], "the first line of the quote under the title became the subtitle")
        rest = rest[len(text):].strip()
        if not rest:
            return []
        return [Piece({"kind": "text", "text": rest}, callout.marks, callout.first, callout.last)]


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
    text = drop_attribute_lines(text, notes)
    lines = text.split("\n")
    doc = Converter(lines, list(range(1, len(lines) + 1)), path, notes, guess_title=True).run(parse_tree(text))
    data, marks = assemble_sheet(doc, path, notes)
    return Source(path, text, data, fill_marks(data, marks), dict(doc.front_scalars)), sort_notes(notes)


ATTRIBUTE_LINE = re.compile(r"\s*(\{:[^}]*\}|\{%.*%\})\s*")


def drop_attribute_lines(text: str, notes: list[Note]) -> str:
    """The text with kramdown's attribute lines ({: .-three-column}, {:.class}) and Liquid tags
    ({% raw %}) blanked, outside code, noted: they style a page texsheet lays out itself."""
    lines = text.split("\n")
    code = set()
    for token in markdown_parser().parse(text):
        if token.type in ("fence", "code_block", "front_matter") and token.map:
            code.update(range(*token.map))
    dropped = False
    for n, line in enumerate(lines):
        if n not in code and ATTRIBUTE_LINE.fullmatch(line):
            notes.append(Note(n + 1, f"the attribute line {line.strip()} was dropped (texsheet lays out the page itself)"))
            lines[n] = ""
            dropped = True
    return "\n".join(lines) if dropped else text


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

"""Markdown blocks to pieces: paragraphs, quotes, code and formulas by BlockReader, lists by
ListReader (tables by texsheet.read.markdown_tables), each noting what it guessed (the rules are in
texsheet.read.markdown)."""
from __future__ import annotations

import re
from typing import Any, Callable

from markdown_it.tree import SyntaxTreeNode

from texsheet.model.mermaid_kinds import parse_mermaid
from texsheet.model.sheet import Bullets, Checklist, Takeaways, languages
from texsheet.model.source import Where
from texsheet.read.markdown_html import block_text
from texsheet.read.markdown_inline import InlineReader, escape_text, is_clean, shorten, split_icon
from texsheet.read.markdown_chains import MAX_STEPS, SHORT_STEP, chain_block
from texsheet.read.markdown_tables import TableReader
from texsheet.read.pieces import Heading, Piece, Pos, SourceLines, max_items
from texsheet.text import markup
from texsheet.text.escape import MAX_FIELD_LENGTH
from texsheet.text.mathcheck import check_math

MAX_BULLETS = max_items(Bullets, "items")
MAX_CHECKS = max_items(Checklist, "items")
MAX_POINTS = max_items(Takeaways, "items")

# How two notes end, so that the prompt reader can take them back when it finds a better use.
KEPT_AS_BOLD = "kept as bold text"
BECAME_HEADING = "became the heading of the block under it"
UNDONE_BOXES = "□☐"
DONE_BOXES = "☑☒✅✔"
ALERT_COLOURS = {"note": "blue", "info": "blue", "tip": "green", "hint": "green", "success": "green",
                 "important": "purple", "warning": "orange", "caution": "red", "danger": "red", "error": "red"}


class BlockReader:
    """Markdown blocks to pieces: paragraphs (text, checklists of boxed lines, arrow chains),
    quotes, code and formulas; lists go to its ListReader, tables to its TableReader."""

    def __init__(self, src: SourceLines, inline: InlineReader):
        self.src = src
        self.inline = inline
        self.lists = ListReader(src, inline, self.pieces_of)
        self.tables = TableReader(src, inline, self.text_pieces)

    def pieces_of(self, node: SyntaxTreeNode) -> list[Piece]:
        """The pieces of a block of any kind."""
        kind = node.type
        if kind in ("bullet_list", "ordered_list"):
            return self.lists.list_pieces(node)
        if kind == "blockquote":
            return [self.callout(node)]
        if kind in ("fence", "code_block"):
            return self.code_pieces(node)
        if kind in ("math_block", "math_block_label"):
            return self.math_pieces(node)
        if kind == "table":
            return self.tables.table_pieces(node)
        if kind == "paragraph" and is_anchor_links(node.children[0].children):
            self.src.note(self.src.line(node.map[0]), "a line of links to the note's own headings (navigation) was dropped")
            return []
        if kind == "paragraph":
            table = self.tables.pipe_table(node)
            if table is not None:
                return table
            pieces, trailing = self.paragraph_pieces(split_lines(node.children[0].children), node.map[0])
            if trailing is not None:  # a bold last line inside a list item or quote stays bold text
                pieces.append(bold_text(trailing))
            return pieces
        if kind == "heading":
            inline = node.children[0]
            text, _ = self.inline.inline_text(inline.children, self.src.line(node.map[0]))
            pos = self.src.pos(node.map[0], inline.content)
            self.src.note(pos[0], f"a heading inside a list or quote was {KEPT_AS_BOLD}")
            return [bold_text(Heading(text, pos))]
        if kind == "hr":
            line = self.src.line(node.map[0])
            self.src.note(line, "a thematic break inside a list or quote was dropped")
            return []
        if kind == "html_block":
            return self.html_pieces(node)
        raw = _node_source(self.src.lines, node)
        pos = self.src.pos(node.map[0]) if node.map else (1, 1)
        self.src.note(pos[0], f"a Markdown {kind} was kept as text")
        last = self.src.line(node.map[1] - 1) if node.map else pos[0]
        return self.text_pieces(escape_text(raw.strip("\n")), pos, last)

    def html_pieces(self, node: SyntaxTreeNode) -> list[Piece]:
        """An HTML block as what it says: its text, a line per <br> or block element; spacing
        (<br> alone), anchors, images and comments dropped, noted."""
        pos = self.src.pos(node.map[0]) if node.map else (1, 1)
        found = block_text(node.content)
        for what in dict.fromkeys(found.dropped):
            self.src.note(pos[0], f"{what} in HTML was dropped (texsheet draws no images from notes)", lost=what in found.lost)
        if not found.lines:
            if not found.dropped:
                self.src.note(pos[0], "HTML with no words (spacing such as <br>) was dropped")
            return []
        self.src.note(pos[0], "an HTML block was read as its text")
        last = self.src.line(node.map[1] - 1) if node.map else pos[0]
        lines = [escape_text(self.inline.shortcodes(line, pos[0])) for line in found.lines]
        lines = [f"**{line}**" if line in found.summaries and is_clean(f"**{line}**") else line for line in lines]
        text = "\n".join(lines)
        return self.text_pieces(text, pos, last)

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
                if heading is not None and made:
                    self.attach(made[0], heading)
                    heading = None
                pieces.extend(made)
                group.clear()

        for n, (nodes, brk) in enumerate(lines):
            bold = bold_heading(nodes)
            if bold is not None:
                close()
                if heading is not None:  # two bold lines in a row: the first is text
                    pieces.append(bold_text(heading))
                text, _ = self.inline.inline_text(bold, self.src.line(start + n))
                heading = Heading(text.rstrip().rstrip(":：").rstrip(), self.src.pos(start + n),
                                  f"a line of bold text {BECAME_HEADING}")
            else:
                group.append((nodes, brk, start + n))
        close()
        return pieces, heading

    def lines_pieces(self, group: list[tuple[list, str, int]]) -> list[Piece]:
        first, last = group[0][2], group[-1][2]
        pos = self.src.pos(first)
        texts = [self.inline.inline_text(nodes, self.src.line(index))[0] for nodes, _, index in group]
        boxes = [_box(t) for t in texts]
        if all(b is not None for b in boxes):
            items, marks = [], {(): pos}
            for n, (done, text) in enumerate(boxes):
                items.append({"text": text, "done": True} if done else text)
                marks[("items", n)] = self.src.pos(group[n][2])
            self.src.note(pos[0], "lines starting with a box (□ ☑) became a checklist")
            return [Piece({"kind": "checklist", "items": items}, marks, self.src.line(first), self.src.line(last))]
        chain = chain_block(texts[0]) if len(group) == 1 else None
        if chain:
            self.src.note(pos[0], f"an arrow chain became a {chain['kind']}")
            return [Piece(chain, {(): pos}, self.src.line(first), self.src.line(last))]
        text = texts[0]
        for n in range(1, len(texts)):
            text += ("\n" if group[n - 1][1] == "hardbreak" else " ") + texts[n]
        if not markup.plain(text).strip():  # only anchors, comments or dropped images
            return []
        return self.text_pieces(text, pos, self.src.line(last))

    def text_pieces(self, text: str, pos: Pos, last: int) -> list[Piece]:
        """Text blocks; text longer than a field holds is split at sentence ends."""
        parts = [text] if len(text) <= MAX_FIELD_LENGTH else _split_sentences(text, MAX_FIELD_LENGTH)
        if len(parts) > 1:
            self.src.note(pos[0], f"text of {len(text)} characters was split into {len(parts)} text blocks (a field holds {MAX_FIELD_LENGTH})")
        return [Piece({"kind": "text", "text": part}, {(): pos}, pos[0], last) for part in parts]

    def code_pieces(self, node: SyntaxTreeNode) -> list[Piece]:
        pos = self.src.pos(node.map[0])
        last = self.src.line(node.map[1] - 1)
        code = node.content.removesuffix("\n")
        language: dict[str, str] = {}
        info = node.info.strip() if node.type == "fence" else ""
        if info.partition(" ")[0].strip("{}.").lower() == "mermaid":
            return [self.mermaid_piece(code, pos, last)]
        if info:
            name, _, rest = info.partition(" ")
            name = name.strip("{}.").lower()  # Pygments' names are lower case; ```Rust means rust
            if is_language(name):
                language["language"] = name
                if rest.strip():
                    self.src.note(pos[0], f"the code fence's info after the language ('{shorten(rest.strip())}') was not used")
            else:
                self.src.note(pos[0], f"'{shorten(name)}' is not a language Pygments knows; the code is not highlighted")
        chunks = _split_code(code, MAX_FIELD_LENGTH)
        if len(chunks) > 1:
            self.src.note(pos[0], f"code of {len(code)} characters was split into {len(chunks)} code blocks (a field holds {MAX_FIELD_LENGTH})")
        return [Piece({"kind": "code", "code": chunk, **language}, {(): pos}, pos[0], last) for chunk in chunks]

    def mermaid_piece(self, code: str, pos, last: int) -> Piece:
        """A ```mermaid fence: a diagram block if texsheet draws it, else its code, noted."""
        parsed, problems = parse_mermaid(code)
        if parsed is not None:
            for offset, what in getattr(parsed, "ignored", ()):  # a mindmap's icons and classes
                self.src.note(pos[0] + 1 + code.count("\n", 0, offset), f"{what} of the mindmap was left out: the sheet's pens colour its branches")
            return Piece({"kind": "diagram", "mermaid": code}, {(): pos}, pos[0], last)
        self.src.note(pos[0], f"the Mermaid diagram is kept as code: {problems[0].message}")
        return Piece({"kind": "code", "code": code}, {(): pos}, pos[0], last)

    def math_pieces(self, node: SyntaxTreeNode) -> list[Piece]:
        pos = self.src.pos(node.map[0])
        last = self.src.line(node.map[1] - 1)
        formula = node.content.strip()
        if node.type == "math_block_label":
            self.src.note(pos[0], f"the formula's label ({shorten(node.info)}) was dropped")
        problems = check_math(formula, display=True)
        if problems:
            self.src.note(pos[0], f"a formula texsheet does not set ({problems[0].message}) was kept as code")
            return [Piece({"kind": "code", "code": formula, "language": "latex"}, {(): pos}, pos[0], last)]
        return [Piece({"kind": "math", "math": formula}, {(): pos}, pos[0], last)]

    def callout(self, node: SyntaxTreeNode) -> Piece:
        pos = self.src.pos(node.map[0])
        last = self.src.line(node.map[1] - 1)
        parts: list[str] = []
        for child in node.children:
            if child.type == "paragraph":
                lines = split_lines(child.children[0].children)
                texts = [self.inline.inline_text(nodes, self.src.line(child.map[0] + n))[0] for n, (nodes, _) in enumerate(lines)]
                text = texts[0]
                for n in range(1, len(texts)):
                    text += ("\n" if lines[n - 1][1] == "hardbreak" or (n == 1 and not parts and texts[0].startswith("[!")) else " ") + texts[n]
                parts.append(text)
            elif child.type in ("bullet_list", "ordered_list"):
                for n, item in enumerate(child.children):
                    text = self.lists.item_text(item)[0]
                    parts.append(("· " if child.type == "bullet_list" else f"{n + 1}. ") + text)
            else:
                for piece in self.pieces_of(child):
                    value = piece.data.get("text") or escape_text(str(piece.data.get("code") or piece.data.get("math") or ""))
                    parts.append(value)
                self.src.note(self.src.line(child.map[0]) if child.map else pos[0], f"a {child.type} inside a quote was kept as its text")
        heading = colour = ""
        if parts:
            first, _, rest = parts[0].partition("\n")
            alert = re.fullmatch(r"\[!(\w+)\][+-]?(?:\s+(.*))?", first)
            if alert and alert.group(1).lower() in ALERT_COLOURS:
                heading = (alert.group(2) or "").strip()
                colour = ALERT_COLOURS[alert.group(1).lower()]
                parts[0:1] = [rest] if rest else []
                self.src.note(pos[0], f"a [!{alert.group(1)}] alert became a callout in {colour}")
        text = "\n".join(p for p in parts if p.strip())
        if not text:
            heading, text = "", heading
        data: dict[str, Any] = {"kind": "callout", **({"heading": heading} if heading else {}), "text": text}
        if colour:
            data["colour"] = colour
        return Piece(data, {(): pos}, pos[0], last)

    def attach(self, piece: Piece, heading: Heading) -> None:
        """Give the piece the heading, noting why it heads it."""
        piece.set_heading(heading.text, heading.pos)
        if heading.why:
            self.src.note(heading.pos[0], heading.why)


class ListReader:
    """Markdown lists to pieces: bullets, checklists, flows and takeaways; the other blocks an
    item holds follow the list, read by read_block."""

    def __init__(self, src: SourceLines, inline: InlineReader, read_block: Callable[[SyntaxTreeNode], list[Piece]]):
        self.src = src
        self.inline = inline
        self.read_block = read_block
        self.summary = False  # whether the lists read go in a summary section, where a numbered list is takeaways

    def item_text(self, item: SyntaxTreeNode) -> tuple[str, bool | None, list[SyntaxTreeNode], bool]:
        """(text, done or None, the item's other blocks, whether a sub-list was folded in)."""
        parts, others, done, folded = [], [], None, False
        if "task-list-item" in str(item.attrs.get("class", "")):
            first = item.children[0].children[0].children if item.children and item.children[0].type == "paragraph" else []
            done = any(n.type == "html_inline" and 'checked="checked"' in n.content for n in first)
        for child in item.children:
            if child.type == "paragraph":
                text, _ = self.inline.inline_text(child.children[0].children, self.src.line(child.map[0]))
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
        """A list's blocks: its items in runs, nested as they are written, broken where an item
        holds a table, code, a quote or a formula, which follows the items before it."""
        if is_link_list(node):
            self.src.note(self.src.line(node.map[0]), "a list of links to the note's own headings (a table of contents) was dropped")
            return []
        pieces: list[Piece] = []
        run: list[dict] = []
        events = self.list_events(node, 0)
        for n, event in enumerate(events):
            chain = self.chain_piece(event, events[n + 1 : n + 2]) if isinstance(event, dict) else None
            if chain:
                pieces.extend(self.run_pieces(run) + [chain])
                run = []
                continue
            if isinstance(event, dict):
                run.append(event)
                continue
            pieces.extend(self.run_pieces(run))
            run = []
            self.src.note(self.src.line(event.map[0]) if event.map else 1,
                          f"a {event.type.replace('_', ' ')} inside a list item stays in its place, between the items")
            pieces.extend(self.read_block(event))
        return pieces + self.run_pieces(run)

    def chain_piece(self, entry: dict, after: list[dict | SyntaxTreeNode]) -> Piece | None:
        """A diagram for a bullet that is only an arrow chain of short steps (and holds no
        sub-list), drawn where the bullet stood; None for any other item."""
        nested = bool(after) and isinstance(after[0], dict) and after[0]["depth"] > entry["depth"]
        if entry["ordered"] or entry["done"] is not None or nested:
            return None
        chain = chain_block(entry["text"])
        if chain is None or chain["kind"] != "diagram":
            return None
        self.src.note(entry["pos"][0], "a list item that is an arrow chain became a diagram, between the items")
        return Piece(chain, {(): entry["pos"]}, entry["pos"][0], entry["line"])

    def list_events(self, node: SyntaxTreeNode, depth: int) -> list[dict | SyntaxTreeNode]:
        """A list as a flat sequence: an entry per item (with its depth), and the other blocks
        its items hold, in the order written; HTML spacing (<br> blocks) dropped."""
        ordered = node.type == "ordered_list"
        start = int(node.attrs.get("start", 1)) if ordered else 1
        events: list[dict | SyntaxTreeNode] = []
        for n, item in enumerate(node.children):
            done = None
            if "task-list-item" in str(item.attrs.get("class", "")):
                first = item.children[0].children[0].children if item.children and item.children[0].type == "paragraph" else []
                done = any(c.type == "html_inline" and 'checked="checked"' in c.content for c in first)
            hint = item.children[0].children[0].content.strip() if item.children and item.children[0].type == "paragraph" else ""
            entry = {"text": "", "done": done, "pos": self.src.pos(item.map[0], hint), "line": self.src.line(item.map[1] - 1),
                     "depth": depth, "ordered": ordered, "number": start + n, "children": []}
            events.append(entry)
            parts: list[str] = []
            for child in item.children:
                if child.type == "paragraph" and events[-1] is entry:
                    text, _ = self.inline.inline_text(child.children[0].children, self.src.line(child.map[0]))
                    parts.append(text.strip() if done is not None and not parts else text)
                elif child.type in ("bullet_list", "ordered_list"):
                    events.extend(self.list_events(child, depth + 1))
                elif child.type == "html_block" and not block_text(child.content).lines:
                    self.src.note(self.src.line(child.map[0]), "HTML spacing (<br>) between items was dropped")
                else:
                    events.append(child)
            entry["text"] = "\n".join(parts)
        return events

    def run_pieces(self, run: list[dict]) -> list[Piece]:
        """Blocks of a run of entries: the shallowest are the items, deeper ones their sub-items."""
        if not run:
            return []
        roots: list[dict] = []
        stack: list[dict] = []
        base = min(e["depth"] for e in run)
        for entry in run:
            level = min(entry["depth"] - base, len(stack))
            del stack[level:]
            entry["children"] = []
            (stack[-1]["children"] if stack else roots).append(entry)
            stack.append(entry)
        kind_of = roots[0]
        plain = all(not r["ordered"] and r["done"] is None for r in roots)
        for root in roots:
            root["folded"] = bool(root["children"]) and not plain
            if root["folded"]:
                self.src.note(root["pos"][0], "a nested list was folded into its item's text, a line per sub-item (only bullets nest)")
                root["text"] = "\n".join([root["text"]] + _folded(root["children"]))
        return self.entry_pieces(roots, kind_of["ordered"], kind_of["number"])

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
            self.src.note(entries[0]["pos"][0], "a list mixing tasks and plain items became a checklist for the tasks and a list for the rest")
        return pieces

    def chunked(self, entries: list[dict], size: int, what: str) -> list[list[dict]]:
        chunks = [entries[i : i + size] for i in range(0, len(entries), size)]
        if len(chunks) > 1:
            self.src.note(entries[0]["pos"][0], f"a list of {len(entries)} items was split into {len(chunks)} {what} blocks (at most {size} each)")
        return chunks

    def list_piece(self, kind: str, key: str, values: list, entries: list[dict], **extra) -> Piece:
        marks = {(): entries[0]["pos"]}
        marks.update({(key, n): e["pos"] for n, e in enumerate(entries)})
        return Piece({"kind": kind, **extra, key: values}, marks, entries[0]["pos"][0], entries[-1]["line"])

    def bullets(self, entries: list[dict]) -> list[Piece]:
        pieces = []
        for chunk in self.chunked(entries, MAX_BULLETS, "bullets"):
            items = []
            marks: dict[Where, Pos] = {}
            for n, e in enumerate(chunk):
                items.append(self.bullet_item(e, ("items", n), marks))
            piece = self.list_piece("bullets", "items", items, chunk)
            piece.marks.update(marks)
            pieces.append(piece)
        return pieces

    def bullet_item(self, entry: dict, where: Where, marks: dict[Where, Pos]) -> str | dict:
        """An item of bullets, with its sub-items nested (those beyond what an item holds folded
        into the last one's text)."""
        marks[where] = entry["pos"]
        icon, text = split_icon(entry["text"])
        item: dict[str, Any] = {"text": text, "icon": icon} if icon and text else {"text": entry["text"]}
        children = entry.get("children") or []
        if len(children) > MAX_BULLETS:
            self.src.note(children[MAX_BULLETS]["pos"][0], f"sub-items beyond {MAX_BULLETS} were folded into the last one's text")
            last = dict(children[MAX_BULLETS - 1])
            last["text"] = "\n".join([last["text"]] + _folded(children[MAX_BULLETS:]))
            children = children[: MAX_BULLETS - 1] + [last]
        if children:
            item["items"] = [self.bullet_item(c, where + ("items", n), marks) for n, c in enumerate(children)]
        return item["text"] if len(item) == 1 else item

    def checklist(self, entries: list[dict]) -> list[Piece]:
        return [self.list_piece("checklist", "items", [{"text": e["text"], "done": True} if e["done"] else e["text"] for e in chunk], chunk)
                for chunk in self.chunked(entries, MAX_CHECKS, "checklist")]

    def ordered(self, entries: list[dict], start: int) -> list[Piece]:
        short = all(len(markup.plain(e["text"])) <= SHORT_STEP and not e["folded"] and "\n" not in e["text"] for e in entries)
        line = entries[0]["pos"][0]
        if not self.summary and short and len(entries) <= MAX_STEPS:
            self.src.note(line, "a numbered list of short steps became a flow")
            return [self.list_piece("flow", "steps", [e["text"] for e in entries], entries)]
        if start == 1 and len(entries) <= MAX_POINTS:
            why = "in a summary section" if self.summary else "of long items"
            self.src.note(line, f"a numbered list {why} became numbered takeaways")
            return [self.list_piece("takeaways", "items", [e["text"] for e in entries], entries, numbered=True)]
        self.src.note(line, "a numbered list became bullets with the numbers in the text")
        numbered = [{**e, "text": f"{start + n}. {e['text']}"} for n, e in enumerate(entries)]
        return self.bullets(numbered)


def is_link_list(node: SyntaxTreeNode) -> bool:
    """Whether a list holds only links to places in the note itself (#anchors), at any depth."""
    for item in node.children:
        for child in item.children:
            if child.type in ("bullet_list", "ordered_list"):
                if not is_link_list(child):
                    return False
            elif child.type != "paragraph" or not is_anchor_links(child.children[0].children):
                return False
    return True


def is_anchor_links(nodes: list[SyntaxTreeNode]) -> bool:
    """Whether inline nodes are only links to #anchors, with separators (| · , -) between."""
    links = [n for n in nodes if n.type == "link"]
    rest = [n for n in nodes if n.type != "link"]
    return bool(links) and all(str(n.attrs.get("href", "")).startswith("#") for n in links) and all(
        n.type in ("softbreak", "hardbreak") or (n.type == "text" and not n.content.strip(" |·•,-–—/>\t")) for n in rest)


def _folded(entries: list[dict], indent: str = "") -> list[str]:
    """Sub-items as lines of text, "· " or their number first (deeper ones indented)."""
    lines = []
    for e in entries:
        box = "" if e["done"] is None else ("☑ " if e["done"] else "☐ ")
        mark = f"{e['number']}. " if e["ordered"] else "· "
        lines.append(indent + mark + box + e["text"].replace("\n", " "))
        lines.extend(_folded(e.get("children") or [], indent + "  "))
    return lines


def bold_text(heading: Heading) -> Piece:
    """A heading that heads no block, kept as a text block in bold."""
    text = f"**{heading.text}**" if heading.text and is_clean(f"**{heading.text}**") else heading.text
    return Piece({"kind": "text", "text": text}, {(): heading.pos}, heading.pos[0], heading.pos[0])


def is_language(name: str) -> bool:
    """Whether a code block may name this language (a Pygments lexer name of plain characters)."""
    return bool(re.fullmatch(r"[\w+#.-]+", name)) and name in languages()


def _box(text: str) -> tuple[bool, str] | None:
    """(done, rest) for a line of markup starting with a check box character."""
    if text[:1] in UNDONE_BOXES + DONE_BOXES:
        rest = text[1:].lstrip("\ufe0f")
        if rest[:1] == " " and rest.strip():
            return text[0] in DONE_BOXES, rest.strip()
    return None


def bold_heading(nodes: list[SyntaxTreeNode]) -> list[SyntaxTreeNode] | None:
    """The children of a line that is one bold span (and maybe a colon), or None."""
    meaningful = [n for n in nodes if not (n.type == "text" and not n.content.strip())]
    if not meaningful or meaningful[0].type != "strong":
        return None
    tail = meaningful[1:]
    if len(tail) > 1 or (tail and not (tail[0].type == "text" and tail[0].content.strip() in (":", "："))):
        return None
    return meaningful[0].children


def split_lines(nodes: list[SyntaxTreeNode]) -> list[tuple[list[SyntaxTreeNode], str]]:
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
        if cut <= 0 or not is_clean(text[: cut + 1]):
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


def _node_source(lines: list[str], node: SyntaxTreeNode) -> str:
    if not node.map:
        return node.content
    return "\n".join(lines[node.map[0] : node.map[1]])

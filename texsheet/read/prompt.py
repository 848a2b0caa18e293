"""Image-model prompts for cheat sheets (a box-drawing layout diagram and "Content Details") to
texsheet content.

Such a prompt has a role text, the source text, a LAYOUT DIAGRAM drawn with box-drawing
characters, placement ratios ("배치 비율": "- 중앙 (25%): ..."), a "# Content Details" section in
Markdown with a `##` section per box of the diagram, and instructions with style lines. The
import reads it as follows.

- **Title**: the diagram's top band (the lines above its first separator) gives the title (an
  emoji at its start and end becomes the icon) and, from its next lines, the subtitle.
- **Rows**: each band of the diagram between two separators is a row; boxes side by side in a
  band are the row's panels, left to right.
- **Heights**: each placement ratio gives the height share of a row, in order; the one naming the
  title (타이틀, title, header) gives `title_height`. Widths are left to the layout.
- **Panels**: each `##` section of Content Details fills the box whose heading matches it best
  (the same leading emoji, and the words they share). The panel's title is the box's heading
  without its layout remark (" - 핵심 중앙 영역", "(가장 넓게!)"); the section heading's words after
  the box's title and a colon become the subtitle. Sections no box matches get rows of their own
  at the end, two to a row; boxes no section matches are filled from the diagram's text.
- **Content**: a section's Markdown maps as in texsheet.markdown, with these additions. Bold lines
  "**Stage 1: X**" (or "1단계: X") over a list become one `pipeline` block, a stage per Stage:
  label "STAGE n", the title, the list as notes, the chain from the flowchart's line for that
  stage (`A → [X] → B` gives the chain A, B). When the diagram draws the stages as boxes, a
  stage's title is the box's short name (SFT) and its subtitle the section's long name and the
  box's other lines. Text of a diagram box that the section does not already say (by words)
  is added at the panel's end: lines joined by ↓ arrows as a `flow`, other lines as text set in
  the hand font, list-like lines (□ ✓ 🧀 ...) as a list.
- **Hero**: the panel the prompt calls the core or the widest (핵심, 가장 넓게, widest, core, main
  in a layout remark or its placement ratio) gets `hero: true`.
- **Colours**: panels take the pens blue, orange, red, green, purple, teal... in reading order;
  the stages of a pipeline blue, purple, green, orange, red, teal.
- **Theme**: style lines choose the paper: graph paper (모눈종이) → `graph`, dot grid (도트) →
  `dots`, lined paper (줄노트) → `lines`, plain paper (무지) → `plain`; pastel or vivid colours
  pick the palette.
- **Emphasis**: the concepts an instruction asks to emphasise ("강조할 개념들") are highlighted
  (==...==) where they first appear: panel titles first, then block headings, then text.
- The role, source text and instructions are not content; each is noted.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from texsheet.text import emoji
from texsheet.text import markup
from texsheet.read.markdown import (
    ARROWS, BECAME_HEADING, KEPT_AS_BOLD, MAX_CHAIN, MAX_NOTES, MAX_STAGES, MAX_STEPS, PENS, Converter, Note, PanelPlan,
    Piece, Pos, Section,
    build_panels, check_text, decide_rows, escape_text, fill_marks, parse_tree, place_rows, sort_notes, split_icon,
)
from texsheet.model.source import Source, Where
from texsheet.model.theme import THEMES

STAGE_PENS = ("blue", "purple", "green", "orange", "red", "teal")
LAYOUT_WORDS = ("중앙", "영역", "넓게", "넓고", "좌측", "우측", "왼쪽", "오른쪽", "상단", "하단", "좌우", "크게",
                "center", "centre", "wide", "widest", "left", "right", "top", "bottom", "area", "region")
HERO_WORDS = ("핵심", "가장 넓", "가장 크", "widest", "core", "main", "hero")
TITLE_WORDS = ("타이틀", "제목", "헤더", "title", "header", "banner")
PAPERS = (  # (theme, words in a style line), in the order they are tried on each line: "dot grid paper" is dots
    ("dots", ("도트", "점 격자", "dot grid", "dotted paper", "dot paper")),
    ("lines", ("줄노트", "줄 노트", "줄공책", "lined paper", "ruled paper")),
    ("plain", ("무지 노트", "백지", "plain paper", "blank paper")),
    ("graph", ("모눈", "격자", "graph paper", "grid paper", "grid background")),
)
PALETTE_WORDS = (("muted", ("파스텔", "pastel", "muted", "차분한")), ("vivid", ("형광", "선명한", "vivid", "neon")))
STAGE_LINE = re.compile(r"(?i)(?:stage|step|단계)\s*(\d+)\s*[:.)]\s*(.+)|(\d+)\s*단계\s*[:.)]\s*(.+)")
STAGE_LABEL = re.compile(r"(?i)(?:stage|step)\s*\d+|\d+\s*단계")
FLOWCHART_WORDS = ("플로우차트", "흐름도", "flowchart", "flow chart")
RATIO_LINE = re.compile(r"\s*[-*•]\s*(.*?)\s*\(\s*(\d+(?:\.\d+)?)\s*%\s*\)\s*[:：]?\s*(.*)")
DOWN_ARROWS = frozenset("↓⬇⇓|")
LIST_MARKS = "□☐☑☒✓✔✅•·-*"
PROMPT_PARTS = ("output", "style", "layout", "content details", "instruction", "role", "스타일", "레이아웃")
COVERED = 0.6  # a diagram line whose words the section says this much of adds nothing
SHORT_BAND = 20  # a band this short (a percentage of the page) sets a shared panel's blocks in 2 columns


def _is_box_char(char: str) -> bool:
    return 0x2500 <= ord(char) <= 0x257F


def is_image_prompt(text: str) -> bool:
    """Whether text is an image-model prompt: a box-drawing layout diagram and a Content Details section."""
    lines = text.split("\n")
    boxed = [line.strip() for line in lines if line.strip() and _is_box_char(line.strip()[0])]
    has_diagram = len(boxed) >= 3 and any(line.startswith("┌") for line in boxed) and any(line.startswith("└") for line in boxed)
    return has_diagram and _details_heading(parse_tree(text)) is not None


# ----------------------------------------------------------------------------- the diagram


@dataclass
class Box:
    """A box of the diagram: its heading and text lines (with their file lines), and the rows of
    boxes drawn inside it."""

    heading: str
    line: int
    lines: list[tuple[str, int]] = field(default_factory=list)
    inner: list[list["Box"]] = field(default_factory=list)


@dataclass
class Diagram:
    title_lines: list[tuple[str, int]]
    bands: list[tuple[int, list[Box]]]  # (the band's first line, its boxes left to right)
    last: int


def _width(char: str) -> int:
    if unicodedata.combining(char) or char in "\ufe0f\u200d":
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def _columns(text: str) -> list[int]:
    """The display column at which each character of text starts."""
    columns, at = [], 0
    for char in text:
        columns.append(at)
        at += _width(char)
    return columns


def read_diagram(lines: list[str]) -> Diagram | None:
    """The first box-drawing diagram in the lines (0-based), or None."""
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("┌")), None)
    if start is None:
        return None
    end = start
    while end + 1 < len(lines) and lines[end + 1].strip() and _is_box_char(lines[end + 1].strip()[0]):
        end += 1
    bands: list[list[tuple[str, int]]] = [[]]
    for index in range(start + 1, end):
        text = lines[index].strip()
        if text.startswith("├"):
            bands.append([])
            continue
        inner = text[1:] if text.startswith("│") else text
        inner = inner[:-1] if inner.rstrip().endswith("│") and inner.rstrip() == inner else inner
        bands[-1].append((inner, index + 1))
    title_lines: list[tuple[str, int]] = []
    result: list[tuple[int, list[Box]]] = []
    for n, band in enumerate(bands):
        if not band:
            continue
        outside, groups = _read_boxes(band)
        if not groups:
            if n == 0:
                title_lines = [(t.strip(), line) for t, line in outside if t.strip()]
            continue
        heading = [(t.strip(), line) for t, line in outside if t.strip()]
        boxes = groups[0]
        if heading and len(boxes) == 1 and not groups[1:]:
            box = boxes[0]  # a band heading over one box is that box's heading
            box.lines = ([(box.heading, box.line)] if box.heading else []) + box.lines
            box.heading, box.line = heading[0]
        for more in groups[1:]:
            boxes = boxes + more
        result.append((band[0][1], boxes))
    return Diagram(title_lines, result, end + 1)


def _read_boxes(rows: list[tuple[str, int]]) -> tuple[list[tuple[str, int]], list[list[Box]]]:
    """The lines outside any box, and each row of boxes side by side, of a region of the diagram."""
    outside: list[tuple[str, int]] = []
    groups: list[list[Box]] = []
    i = 0
    while i < len(rows):
        text, line = rows[i]
        if "┌" not in text:
            outside.append((text, line))
            i += 1
            continue
        columns = _columns(text)
        corners = [(columns[m.start()], columns[text.index("┐", m.start())] if "┐" in text[m.start():] else columns[-1])
                   for m in re.finditer("┌", text)]
        end = next((j for j in range(i + 1, len(rows)) if rows[j][0].lstrip().startswith("└")), len(rows))
        contents: list[list[tuple[str, int]]] = [[] for _ in corners]
        for row_text, row_line in rows[i + 1 : end]:
            for b, segment in enumerate(_split_row(row_text, corners)):
                contents[b].append((segment, row_line))
        boxes = []
        for content in contents:
            box_outside, inner = _read_boxes(content)
            texts = [(t.strip(), ln) for t, ln in box_outside]
            first = next((k for k, (t, _) in enumerate(texts) if t), None)
            heading, heading_line = texts[first] if first is not None else ("", line)
            body = texts[first + 1 :] if first is not None else []
            if inner and first is not None and inner[0][0].line < heading_line:
                heading, heading_line, body = "", line, texts  # the box starts with boxes
            boxes.append(Box(heading, heading_line, body, inner))
        groups.append(boxes)
        i = end + 1
    return outside, groups


def _split_row(text: str, corners: list[tuple[int, int]]) -> list[str]:
    """A row of the diagram cut into the insides of the boxes whose borders are at corners."""
    bars = [i for i, c in enumerate(text) if c == "│"]
    if len(corners) == 1:
        return [text[bars[0] + 1 : bars[-1]] if len(bars) >= 2 else text]
    if len(bars) == 2 * len(corners):
        return [text[bars[2 * b] + 1 : bars[2 * b + 1]] for b in range(len(corners))]
    columns = _columns(text)
    segments = []
    for left, right in corners:  # the bars nearest each box's borders, for rows out of line
        if len(bars) < 2:
            segments.append("")
            continue
        lo = min(bars, key=lambda i: abs(columns[i] - left))
        hi = min((i for i in bars if i > lo), key=lambda i: abs(columns[i] - right), default=lo)
        segments.append(text[lo + 1 : hi])
    return segments


# ----------------------------------------------------------------------------- the prompt


@dataclass
class Ratio:
    label: str
    share: float
    description: str
    line: int


def _details_heading(root) -> tuple[int, int] | None:
    """(0-based line, level) of the Content Details heading."""
    for node in root.children:
        if node.type == "heading" and node.map:
            text = node.children[0].content.lower()
            if "content details" in text or "콘텐츠 상세" in text or "세부 내용" in text:
                return node.map[0], int(node.tag[1:])
    return None


def _sections_of(root) -> list[tuple[str, int, int]]:
    """(heading text, 0-based line, level) of every top-level heading."""
    return [(n.children[0].content, n.map[0], int(n.tag[1:])) for n in root.children if n.type == "heading" and n.map]


def _words(text: str) -> list[str]:
    text = "".join(c for c in text.lower() if not (ord(c) >= 0x1F000 or c == "\ufe0f"))
    return [w for w in re.findall(r"\w+", text) if len(w) >= 2 and not w.isdigit()]


def _covered(words: list[str], known: set[str]) -> float:
    if not words:
        return 1.0
    hits = sum(1 for w in words if any(w.startswith(k) or k.startswith(w) for k in known if min(len(k), len(w)) >= 2))
    return hits / len(words)


def _strip_remark(heading: str) -> tuple[str, str]:
    """(heading without its layout remark, the remark): ' - 핵심 중앙 영역' or '(가장 넓게!)'."""
    text = heading.strip()
    remark = ""
    while True:
        found = re.search(r"\s*\(([^()]*)\)\s*$", text)
        if found and any(w in found.group(1).lower() for w in LAYOUT_WORDS):
            text, remark = text[: found.start()].strip(), found.group(1) + " " + remark
            continue
        head, sep, tail = text.rpartition(" - ")
        if sep and "(" not in tail and ")" not in tail and any(w in tail.lower() for w in LAYOUT_WORDS):
            text, remark = head.strip(), tail + " " + remark
            continue
        return text, remark.strip()


def _leading_emoji(text: str) -> str:
    text = text.strip()
    if text and emoji.is_emoji_start(text, 0):
        return text[: emoji.take_cluster(text, 0)]
    return ""


def _match_score(section: Section, box: Box) -> float:
    a, b = _leading_emoji(section.heading), _leading_emoji(box.heading)
    score = 10.0 if a and a == b else 0.0
    wa, wb = set(_words(_strip_remark(section.heading)[0])), set(_words(_strip_remark(box.heading)[0]))
    if wa and wb:
        score += 5.0 * len(wa & wb) / min(len(wa), len(wb))
    return score


class _PromptReader:
    """Reads one prompt: its diagram, ratios, style lines and Content Details, into sheet data."""

    def __init__(self, text: str, path: Path):
        self.path = path
        self.lines = text.split("\n")
        self.notes: list[Note] = []
        self.root = parse_tree(text)
        self.remarks: dict[int, str] = {}  # id of a panel plan: its layout remarks
        self.row_lines: list[int] = []  # the diagram line of each row's band
        self.height_lines: dict[int, int] = {}  # row: the line of its placement ratio
        self.details_lines: range = range(0)  # the Content Details section, 0-based lines

    def note(self, line: int, message: str) -> None:
        self.notes.append(Note(line, message))

    def run(self) -> tuple[dict, dict[Where, Pos]]:
        diagram = read_diagram(self.lines)
        details = _details_heading(self.root)
        sections = self.details_sections(details) if details else []
        if diagram is None:
            self.note(1, "no layout diagram: sections get rows of their own, two to a row")
        self.note_unused(details)
        data: dict[str, Any] = {}
        marks: dict[Where, Pos] = {(): (1, 1)}
        self.title(diagram, data, marks)
        ratios = self.ratios(diagram)
        title_ratio = next((r for r in ratios if any(w in r.description.lower() or w in r.label.lower() for w in TITLE_WORDS)), None)
        if title_ratio is not None:
            data["title_height"] = _number(title_ratio.share)
            marks[("title_height",)] = (title_ratio.line, 1)
        theme = self.theme()
        if theme is not None:
            data["theme"], line = theme
            marks[("theme",)] = (line, 1)
        plans_by_row = self.rows(diagram, sections, [r for r in ratios if r is not title_ratio])
        self.colour(plans_by_row)
        self.emphasise([p for row in plans_by_row for p in row])
        data["rows"], row_marks = place_rows(plans_by_row)
        marks.update({("rows",) + w: p for w, p in row_marks.items()})
        for r, line in enumerate(self.row_lines):
            marks[("rows", r)] = (line, 1)
        for r, line in self.height_lines.items():
            marks[("rows", r, "height")] = (line, 1)
        return data, marks

    # --- parts of the prompt

    def details_sections(self, details: tuple[int, int]) -> list[Section]:
        """The Content Details' sections, converted by the Markdown rules."""
        start, level = details
        end = next((line for _, line, lv in _sections_of(self.root) if line > start and lv <= level), len(self.lines))
        self.details_lines = range(start, end)
        lines: list[str] = []
        numbers: list[int] = []
        fence = False
        for index in range(start + 1, end):
            line = self.lines[index]
            if line.lstrip().startswith(("```", "~~~")):
                fence = not fence
            # A bold line right under other text starts a paragraph: prompts put "**Label:**"
            # straight under a list, where Markdown would read it as part of the last item.
            if (not fence and re.fullmatch(r"\s*\*\*[^*]+\*\*\s*[:：]?\s*", line) and lines and lines[-1].strip()):
                lines.append("")
                numbers.append(index + 1)
            lines.append(line)
            numbers.append(index + 1)
        converter = Converter(lines, numbers, self.path, self.notes, section_level=level + 1)
        doc = converter.run(parse_tree("\n".join(lines)))
        for section in doc.sections:
            self.pipeline(section)
        return doc.sections

    def note_unused(self, details: tuple[int, int] | None) -> None:
        skip = self.source_text_lines()
        for heading, line, level in _sections_of(self.root):
            if level != 1 or (details and line == details[0]) or "layout" in heading.lower():
                continue
            if "source" in heading.lower():
                self.note(line + 1, "the source text is what the sheet summarises; it was not imported")
            elif line not in skip:
                self.note(line + 1, f"'{heading.strip()}' speaks to the image model: read for style only, not imported")

    def title(self, diagram: Diagram | None, data: dict, marks: dict) -> None:
        lines = diagram.title_lines if diagram else []
        if not lines:
            data["title"] = "Cheat sheet"
            self.note(1, "the diagram has no title band; the title is 'Cheat sheet'")
            return
        text, line = lines[0]
        icon, title = split_icon(text, both_ends=True)
        data["title"] = escape_text(title)
        marks[("title",)] = (line, self.lines[line - 1].find(text.strip()[:8]) + 1 or 1)
        if len(lines) > 1:
            data["subtitle"] = escape_text(" · ".join(t for t, _ in lines[1:]))
            marks[("subtitle",)] = (lines[1][1], 1)
        if icon:
            data["icon"] = icon
            marks[("icon",)] = marks[("title",)]

    def ratios(self, diagram: Diagram | None) -> list[Ratio]:
        """The placement ratios: list lines with a (NN%) after the diagram, up to the next heading."""
        start = diagram.last if diagram else 0
        found: list[Ratio] = []
        for index in range(start, len(self.lines)):
            line = self.lines[index]
            if line.startswith("#"):
                break
            match = RATIO_LINE.fullmatch(line)
            if match:
                found.append(Ratio(match.group(1), float(match.group(2)), match.group(3), index + 1))
        return found

    def theme(self) -> tuple[Any, int] | None:
        """The theme the style lines ask for, and the line that asks (not in the source text or
        the content, where "grid" may be a word of the subject)."""
        skip = self.source_text_lines() | set(self.details_lines)
        name = palette = None
        line_found = 0
        for index, line in enumerate(self.lines):
            if index in skip:
                continue
            lowered = line.lower()
            if name is None:
                for theme, words in PAPERS:
                    if any(w in lowered for w in words):
                        name, line_found = theme, index + 1
                        self.note(index + 1, f"the style line asks for this paper: theme {theme}")
                        break
            if palette is None:
                for choice, words in PALETTE_WORDS:
                    if any(w in lowered for w in words):
                        palette = (choice, index + 1)
        if name is None:
            return None
        if palette and THEMES[name].get("palette") != palette[0]:
            self.note(palette[1], f"the style line's colours: palette {palette[0]}")
            return {"name": name, "palette": palette[0]}, line_found
        return name, line_found

    def source_text_lines(self) -> set[int]:
        headings = _sections_of(self.root)
        skip: set[int] = set()
        for n, (heading, line, level) in enumerate(headings):
            if level == 1 and "source" in heading.lower():
                # The source text may hold headings of its own: it ends at the prompt's next part.
                end = next((ln for h, ln, lv in headings[n + 1 :] if lv == 1 and any(w in h.lower() for w in PROMPT_PARTS)),
                           len(self.lines))
                skip.update(range(line, end))
        return skip

    # --- rows and panels

    def rows(self, diagram: Diagram | None, sections: list[Section], ratios: list[Ratio]) -> list[list[PanelPlan]]:
        bands = diagram.bands if diagram else []
        boxes = [box for _, row in bands for box in row]
        pairs = sorted(((-_match_score(s, b), si, bi) for si, s in enumerate(sections) for bi, b in enumerate(boxes)))
        of_box: dict[int, int] = {}
        taken: set[int] = set()
        for score, si, bi in pairs:
            if -score >= 2.5 and si not in taken and bi not in of_box:
                of_box[bi] = si
                taken.add(si)
        rows: list[list[PanelPlan]] = []
        index = 0
        for band_line, row in bands:
            self.row_lines.append(band_line)
            plans = []
            for box in row:
                section = sections[of_box[index]] if index in of_box else None
                plans.append(self.panel(box, section))
                index += 1
            rows.append(plans)
        if len(ratios) == len(rows):
            for r, (ratio, plans) in enumerate(zip(ratios, rows)):
                self.set_height(plans, ratio)
                self.height_lines[r] = ratio.line
        elif ratios and rows:
            self.note(ratios[0].line, f"{len(ratios)} placement ratios for {len(rows)} rows: matched by their words")
            for ratio in ratios:
                words = set(_words(ratio.description))
                best = max(rows, key=lambda plans: len(words & set(_words(" ".join(markup.plain(p.data["title"]) for p in plans)))))
                if best[0].height is None:
                    self.set_height(best, ratio)
                    self.height_lines[rows.index(best)] = ratio.line
        for plans in rows:
            for plan in plans:
                if len(plans) > 1 and plan.height is not None and plan.height <= SHORT_BAND and len(plan.data["blocks"]) >= 3:
                    plan.data = _with_key(plan.data, "columns", 2, before="blocks")
                    self.note(plan.marks[()][0], f"a panel of {len(plan.data['blocks'])} blocks in a band of {plan.height}% shared with another: set in 2 columns")
        hero = self.hero(rows, ratios)
        if hero is not None:
            hero.data = _with_key(hero.data, "hero", True, before="blocks")
        rest = [s for n, s in enumerate(sections) if n not in taken]
        for section in rest:
            self.note(section.pos[0], "no box of the diagram matches this section; it got a row at the end")
        if rest:
            extra = build_panels(rest, self.notes, korean=False)
            rows.extend(decide_rows(extra, False, self.notes))
        return rows

    def set_height(self, plans: list[PanelPlan], ratio: Ratio) -> None:
        for plan in plans:
            plan.height = _number(ratio.share)

    def hero(self, rows: list[list[PanelPlan]], ratios: list[Ratio]) -> PanelPlan | None:
        """The panel the prompt calls the core or the widest, by its layout remarks or its ratio."""
        for plans in rows:
            for plan in plans:
                remark = self.remarks.get(id(plan), "")
                if any(w in remark.lower() for w in HERO_WORDS):
                    self.note(plan.marks[()][0], "the prompt calls this panel the core: hero: true")
                    return plan
        for ratio in ratios:
            extra = re.findall(r"\(([^()]*)\)", ratio.description)
            if any(w in " ".join(extra).lower() for w in HERO_WORDS):
                for plans in rows:
                    if plans and plans[0].height == _number(ratio.share) and len(plans) == 1:
                        self.note(ratio.line, "the placement ratios call this panel the core: hero: true")
                        return plans[0]
        return None

    def panel(self, box: Box, section: Section | None) -> PanelPlan:
        heading, remark = _strip_remark(box.heading)
        icon, title_text = split_icon(heading)
        title = escape_text(title_text or heading)
        pos: Pos = section.pos if section else (box.line, 1)
        data: dict[str, Any] = {"title": title}
        pieces = list(section.pieces) if section else []
        if section is not None:
            section_heading, section_remark = _strip_remark(section.heading)
            remark = (remark + " " + section_remark).strip()
            _, section_title = split_icon(section_heading)
            subtitle = _subtitle(section_title, title_text or heading)
            if subtitle:
                data["subtitle"] = escape_text(subtitle)
                self.note(pos[0], "the section heading's words after the box's title became the subtitle")
            icon = icon or section.icon
        else:
            self.note(box.line, "no section of Content Details matches this box; it holds the diagram's text")
        if icon:
            data["icon"] = icon
        if len(pieces) == 1 and pieces[0].heading and "subtitle" not in data:
            # A section of one block under a bold line: the line goes beside the panel's title,
            # where it costs no height of a band the ratios fix.
            heading = pieces[0].data.pop("heading")
            data["subtitle"] = heading
            self.note(pieces[0].marks.pop(("heading",), pos)[0], "the heading of the section's only block became the panel's subtitle")
        known = set(_words(" ".join([box.heading] + ([section.heading] if section else []) + [_piece_text(p) for p in pieces])))
        if subtitle_plain := data.get("subtitle"):
            known.update(_words(subtitle_plain))
        pieces.extend(self.diagram_pieces(box, known, pieces))
        if not pieces:
            pieces = [Piece({"kind": "text", "text": ""}, {(): pos}, pos[0], pos[0])]
        data["blocks"] = [p.data for p in pieces]
        marks: dict[Where, Pos] = {(): pos, ("title",): pos}
        for b, piece in enumerate(pieces):
            marks.update({("blocks", b) + w: p for w, p in piece.marks.items()})
        for piece in pieces:
            if piece.data.get("kind") == "pipeline" and box.inner:
                self.name_stages(piece, box.inner[0])
        plan = PanelPlan(data, marks)
        self.remarks[id(plan)] = remark
        return plan

    def name_stages(self, piece: Piece, boxes: list[Box]) -> None:
        """Stage titles and subtitles from the diagram's stage boxes: STAGE 1 / SFT / (Fine-tune) / ..."""
        for stage, box in zip(piece.data["stages"], boxes):
            texts = [t for t in [box.heading] + [t for t, _ in box.lines] if t]
            if texts and STAGE_LABEL.fullmatch(texts[0]):
                texts = texts[1:]
            if not texts:
                continue
            short, others = texts[0], texts[1:]
            remarks = [t for t in others if t.startswith("(") and t.endswith(")")]
            rest = [t for t in others if t not in remarks]
            names = _names_of(stage["title"])
            if short.lower() in names:
                long = markup.plain(stage["title"])
                long = re.sub(r"\s*\(" + re.escape(short) + r"\)\s*", " ", long, flags=re.IGNORECASE).strip()
                first = " ".join(([long] if long.lower() != short.lower() else []) + remarks)
                stage["title"] = escape_text(short)
            else:
                first = " ".join([short] + remarks)
            subtitle = "\n".join(line for line in (first, " · ".join(rest)) if line)
            if subtitle:
                stage["subtitle"] = escape_text(subtitle)
        self.note(piece.first, "the stages' short names and subtitles come from the diagram's stage boxes")

    def diagram_pieces(self, box: Box, known: set[str], pieces: list[Piece]) -> list[Piece]:
        """Blocks for the box's own text that the section does not already say (a flow of the
        box's ↓ arrows goes in place among pieces and is not returned)."""
        if box.inner:
            if box.lines:
                self.note(box.lines[0][1], "the diagram's text beside the stage boxes was not used (the chains come from the flowchart)")
            return []
        lines = [(t, ln) for t, ln in box.lines]
        while lines and not lines[0][0]:
            lines.pop(0)
        if not lines:
            return []
        arrows = [n for n, (t, _) in enumerate(lines) if t and all(c in DOWN_ARROWS or c.isspace() for c in t)]
        if arrows:
            steps, current = [], []
            for n, (t, _) in enumerate(lines + [("↓", 0)]):
                if n in arrows or n == len(lines):
                    if current:
                        steps.append(escape_text(" ".join(current)))
                    current = []
                elif t:
                    current.append(t)
            if 2 <= len(steps) <= MAX_STEPS:
                self.place_flow(steps, pieces, lines[0][1], lines[-1][1])
                return []
        units: list[tuple[str, int]] = []
        for n, (t, ln) in enumerate(lines):
            if not t:
                continue
            if not units or not lines[n - 1][0] or not (t[0].isalnum() or t[0] in "\"'“‘("):
                units.append((t, ln))
            else:  # a line continuing the one above it
                units[-1] = (units[-1][0] + " " + t, units[-1][1])
        list_items: list[tuple[str, int]] = []
        texts: list[tuple[str, int]] = []
        for unit, ln in units:
            listed = unit[0] in LIST_MARKS or emoji.is_emoji_start(unit, 0)
            said = _covered(_words(unit), known) >= COVERED
            formula = any(c in unit for c in "=≠→⇒")
            if listed and not said:
                list_items.append((unit, ln))
            elif not listed and (formula or not said):
                texts.append((unit, ln))
        made: list[Piece] = []
        if list_items:
            made.append(self.list_piece(list_items))
        if texts:
            text = "\n".join(escape_text(u) for u, _ in texts)
            made.append(Piece({"kind": "text", "text": text, "align": "center", "hand": True}, {(): (texts[0][1], 1)}, texts[0][1], texts[-1][1]))
        if made:
            self.note(made[0].first, "text of the diagram's box that the section does not say was added at the panel's end")
        return made

    def place_flow(self, steps: list[str], pieces: list[Piece], first: int, last: int) -> None:
        """The box's ↓ arrows as a flow; a list whose heading names a step becomes that step's
        note, and the flow takes the lists' place (and the bold line above them as its heading)."""
        words = [set(_words(markup.plain(s))) for s in steps]
        values: list[Any] = list(steps)
        used: list[int] = []
        for n, piece in enumerate(pieces):
            if piece.data.get("kind") != "bullets" or not piece.heading:
                continue
            heading = _words(markup.plain(piece.heading))
            best = max(range(len(steps)), key=lambda i: _covered(heading, words[i]))
            if _covered(heading, words[best]) >= COVERED and isinstance(values[best], str):
                values[best] = {"text": steps[best], "note": ", ".join(_item_text(i) for i in piece.data["items"])}
                used.append(n)
        flow: dict[str, Any] = {"kind": "flow", "steps": values}
        at = used[0] if used else len(pieces)
        if used and at > 0 and _bold_line(pieces[at - 1]):
            at -= 1
            used.append(at)
            flow = {"kind": "flow", "heading": _bold_line(pieces[at]), "steps": values}
            line = pieces[at].marks[()][0]
            self.notes[:] = [n for n in self.notes if not (n.line == line and KEPT_AS_BOLD in n.message)]
            self.note(line, "the bold line above the lists became the flow's heading")
        piece = Piece(flow, {(): (first, 1)}, first, last)
        if used:
            piece.marks[()] = pieces[min(used)].marks[()]
            self.note(first, "the diagram's arrows became a flow, with the lists named after its steps as their notes")
        else:
            self.note(first, "the diagram's arrows in this box became a flow")
        kept = [p for n, p in enumerate(pieces) if n not in used]
        kept.insert(sum(1 for n in range(at) if n not in used), piece)
        pieces[:] = kept

    def list_piece(self, items: list[tuple[str, int]]) -> Piece:
        values: list[Any] = []
        checklist = all(t[0] in "□☐☑☒" for t, _ in items)
        for text, _ in items:
            if checklist:
                values.append({"text": escape_text(text[1:].strip()), "done": True} if text[0] in "☑☒" else escape_text(text[1:].strip()))
                continue
            icon, rest = split_icon(text)
            if icon:
                values.append({"text": escape_text(rest), "icon": icon})
            else:
                values.append(escape_text(text.lstrip(LIST_MARKS).strip() or text))
        marks: dict[Where, Pos] = {(): (items[0][1], 1)}
        marks.update({("items", n): (ln, 1) for n, (_, ln) in enumerate(items)})
        return Piece({"kind": "checklist" if checklist else "bullets", "items": values}, marks, items[0][1], items[-1][1])

    # --- pipelines

    def pipeline(self, section: Section) -> None:
        """Stage lists (a bold 'Stage n: X' over a list) and a flowchart in a section become one pipeline."""
        stages = [(n, p) for n, p in enumerate(section.pieces) if p.data.get("kind") == "bullets" and _stage_of(p.heading)]
        if len(stages) < 2:
            return
        flowchart = next((p for p in section.pieces if any(w in markup.plain(p.heading).lower() for w in FLOWCHART_WORDS)), None)
        chart = self.chart_lines(flowchart) if flowchart else []
        built = []
        marks: dict[Where, Pos] = {(): stages[0][1].marks[()]}
        for s, (_, piece) in enumerate(stages[:MAX_STAGES]):
            number, name = _stage_of(piece.heading)
            stage: dict[str, Any] = {"title": name, "label": f"STAGE {number}", "colour": STAGE_PENS[s % len(STAGE_PENS)]}
            notes = [_item_text(i) for i in piece.data["items"]]
            stage["notes"] = notes[:MAX_NOTES]
            if len(notes) > MAX_NOTES:
                self.note(piece.first, f"a stage has {len(notes)} notes; the box holds {MAX_NOTES}, so the rest follow the pipeline")
                section.pieces.append(Piece({"kind": "bullets", "heading": name, "items": notes[MAX_NOTES:]}, {(): piece.marks[()]}, piece.first, piece.last))
            chain = _chain_for(name, s, chart)
            if chain:
                stage["chain"] = chain[:MAX_CHAIN]
            built.append(stage)
            marks[("stages", s)] = piece.marks.get(("heading",), piece.marks[()])
            marks.update({("stages", s, "notes", k): piece.marks[("items", k)] for k in range(min(len(notes), MAX_NOTES)) if ("items", k) in piece.marks})
        if len(stages) > MAX_STAGES:
            self.note(stages[MAX_STAGES][1].first, f"more than {MAX_STAGES} stages: the rest stay lists")
        headed = {p.marks.get(("heading",), (0, 0))[0] for _, p in stages} | ({flowchart.marks.get(("heading",), (0, 0))[0]} if flowchart else set())
        self.notes[:] = [n for n in self.notes if not (n.line in headed and BECAME_HEADING in n.message)]
        block = Piece({"kind": "pipeline", "stages": built}, marks, stages[0][1].first, stages[-1][1].last)
        self.note(block.first, "the Stage lists" + (" and the flowchart" if flowchart else "") + " became a pipeline")
        used = {id(p) for _, p in stages[:MAX_STAGES]} | ({id(flowchart)} if flowchart and chart else set())
        first = stages[0][0]
        section.pieces = ([p for n, p in enumerate(section.pieces) if n < first and id(p) not in used] + [block]
                          + [p for n, p in enumerate(section.pieces) if n >= first and id(p) not in used])

    def chart_lines(self, piece: Piece) -> list[str]:
        """The flowchart's lines that hold an arrow chain, as typed."""
        lines = [self.lines[i - 1].strip() for i in range(piece.first, piece.last + 1) if 0 < i <= len(self.lines)]
        return [line for line in lines if ARROWS.search(line)]

    def colour(self, rows: list[list[PanelPlan]]) -> None:
        n = 0
        for row in rows:
            for plan in row:
                plan.data = _with_key(plan.data, "colour", PENS[n % len(PENS)], before="hero" if "hero" in plan.data else "blocks")
                n += 1

    def emphasise(self, plans: list[PanelPlan]) -> None:
        """Highlight each concept an instruction asks to emphasise where it first appears."""
        concepts = self.concepts()
        if not concepts:
            return
        fields: list[tuple[dict, str]] = [(p.data, "title") for p in plans]
        fields += [(b, "heading") for p in plans for b in p.data["blocks"] if b.get("heading")]
        for plan in plans:
            for block in plan.data["blocks"]:
                for key in ("text", "items", "steps", "stages"):
                    fields.extend(_text_fields(block, key))
        for concept, line in concepts:
            wanted = escape_text(concept)
            for holder, key in fields:
                value = holder[key]
                if not isinstance(value, str) or wanted not in value or f"=={wanted}" in value:
                    continue
                marked = value.replace(wanted, f"=={wanted}==", 1)
                if not markup.parse(marked)[1] and markup.plain(marked) == markup.plain(value):
                    holder[key] = marked
                    self.note(line, f"'{concept}' is highlighted where it first appears")
                    break

    def concepts(self) -> list[tuple[str, int]]:
        """The phrases listed under an instruction to emphasise concepts (강조할 개념들)."""
        found: list[tuple[str, int]] = []
        for index, line in enumerate(self.lines):
            lowered = line.lower()
            if "강조할 개념" not in lowered and "concepts to emphasi" not in lowered and "key concepts" not in lowered:
                continue
            for k in range(index + 1, len(self.lines)):
                item = re.fullmatch(r"\s+[-*]\s+(.+)", self.lines[k])
                if not item:
                    break
                quoted = re.search(r"[\"“]([^\"”]+)[\"”]", item.group(1))
                phrase = quoted.group(1) if quoted else re.split(r"\s+\(", item.group(1))[0]
                if phrase.strip():
                    found.append((phrase.strip(), k + 1))
            break
        return found


# ----------------------------------------------------------------------------- helpers


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _with_key(data: dict, key: str, value: Any, before: str) -> dict:
    out: dict[str, Any] = {}
    for k, v in data.items():
        if k == before and key not in out:
            out[key] = value
        if k != key:
            out[k] = v
    out.setdefault(key, value)
    return out


def _subtitle(section_title: str, box_title: str) -> str:
    """The section heading's words after the box's title and a colon or dash."""
    plain = section_title.strip()
    if not plain.lower().startswith(box_title.strip().lower()):
        return ""
    rest = plain[len(box_title.strip()) :].strip()
    for sep in (":", "：", " - ", "-", "—"):
        if rest.startswith(sep.strip()):
            return rest[len(sep.strip()) :].strip()
    return ""


def _piece_text(piece: Piece) -> str:
    parts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            parts.append(markup.plain(value))
        elif isinstance(value, dict):
            for k, v in value.items():
                if k not in ("kind", "colour", "language", "align", "size"):
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(piece.data)
    return " ".join(parts)


def _text_fields(block: dict, key: str):
    """(holder, key) of every text in a block's field: a string, or items/steps/stages of strings and mappings."""
    value = block.get(key)
    if isinstance(value, str):
        yield block, key
    elif isinstance(value, list):
        for n, item in enumerate(value):
            if isinstance(item, str):
                yield value, n
            elif isinstance(item, dict):
                for k in ("text", "title", "subtitle"):
                    if isinstance(item.get(k), str):
                        yield item, k
                for k in ("notes", "chain"):
                    for m, note in enumerate(item.get(k, [])):
                        if isinstance(note, str):
                            yield item[k], m


def _stage_of(heading: str) -> tuple[int, str] | None:
    """(number, name) of a heading 'Stage 1: Pre-training' or '1단계: ...'."""
    match = STAGE_LINE.fullmatch(markup.plain(heading).strip())
    if not match:
        return None
    number = match.group(1) or match.group(3)
    name = (match.group(2) or match.group(4)).strip()
    return int(number), escape_text(name)


def _bold_line(piece: Piece) -> str:
    """The words of a text block that is one bold line (a heading that headed nothing), or ""."""
    text = piece.data.get("text", "") if piece.data.get("kind") == "text" and len(piece.data) == 2 else ""
    if text.startswith("**") and text.endswith("**") and "\n" not in text and text.count("**") == 2:
        return text[2:-2]
    return ""


def _item_text(item: Any) -> str:
    if isinstance(item, dict):
        return f"{item['icon']} {item['text']}" if item.get("icon") else item["text"]
    return item


def _names_of(name: str) -> set[str]:
    """A stage's name and the abbreviation in its parentheses, lower case: {'supervised fine-tuning (sft)', 'sft'}."""
    plain = markup.plain(name).lower().strip()
    names = {plain, re.sub(r"\s*\([^()]*\)\s*", " ", plain).strip()}
    names.update(a.strip() for a in re.findall(r"\(([^()]*)\)", plain))
    return {n for n in names if n}


def _chain_for(name: str, index: int, chart: list[str]) -> list[str]:
    """The chain of a stage: its flowchart line's parts other than the bracketed stage."""
    names = _names_of(name)
    chosen = None
    for line in chart:
        bracket = re.search(r"\[([^\]]+)\]", line)
        if bracket and bracket.group(1).strip().lower() in names:
            chosen = line
            break
    if chosen is None and index < len(chart) and not any("[" in line for line in chart):
        chosen = chart[index]
    if chosen is None:
        return []
    parts = [p.strip() for p in ARROWS.split(chosen)]
    return [escape_text(p) for p in parts if p and not re.fullmatch(r"\[[^\]]*\]", p)]


# ----------------------------------------------------------------------------- entry points


def prompt_source(text: str, path: Path) -> tuple[Source, list[Note]]:
    """Content from an image-model prompt: a Source positioned in the prompt file, and the notes."""
    path = Path(path)
    text = check_text(text, path)
    reader = _PromptReader(text, path)
    data, marks = reader.run()
    return Source(path, text, data, fill_marks(data, marks), {}), sort_notes(reader.notes)

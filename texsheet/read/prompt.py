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
from pathlib import Path
from typing import Any

from markdown_it.tree import SyntaxTreeNode

from texsheet.model.source import Source, Where
from texsheet.model.theme import THEMES
from texsheet.read.diagram import Box, Diagram, Ratio, is_box_char, read_diagram, read_ratios
from texsheet.read.markdown import Converter
from texsheet.read.markdown_inline import escape_text, parse_tree, split_icon
from texsheet.read.panels import PENS, PanelPlan, Section, build_panels, decide_rows, place_rows
from texsheet.read.pieces import Note, Piece, Pos, SourceLines, check_text, fill_marks, sort_notes
from texsheet.read.prompt_blocks import BoxText, PipelineMaker, words_of
from texsheet.text import emoji
from texsheet.text import markup

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
PROMPT_PARTS = ("output", "style", "layout", "content details", "instruction", "role", "스타일", "레이아웃")
SHORT_BAND = 20  # a band this short (a percentage of the page) sets a shared panel's blocks in 2 columns


def is_image_prompt(text: str) -> bool:
    """Whether text is an image-model prompt: a box-drawing layout diagram and a Content Details section."""
    lines = text.split("\n")
    boxed = [line.strip() for line in lines if line.strip() and is_box_char(line.strip()[0])]
    has_diagram = len(boxed) >= 3 and any(line.startswith("┌") for line in boxed) and any(line.startswith("└") for line in boxed)
    return has_diagram and _details_heading(parse_tree(text)) is not None


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
    wa, wb = set(words_of(_strip_remark(section.heading)[0])), set(words_of(_strip_remark(box.heading)[0]))
    if wa and wb:
        score += 5.0 * len(wa & wb) / min(len(wa), len(wb))
    return score


class _PromptParts:
    """Reads the parts of a prompt around the diagram: the Content Details (by the Markdown
    rules), the title band, the style lines, the concepts to emphasise, and what is not content
    (the source text, instructions to the image model)."""

    def __init__(self, src: SourceLines, root: SyntaxTreeNode, path: Path):
        self.src = src
        self.root = root
        self.path = path
        self.details_lines: range = range(0)  # the Content Details section, 0-based lines

    def details_sections(self, details: tuple[int, int]) -> list[Section]:
        """The Content Details' sections, converted by the Markdown rules."""
        start, level = details
        end = next((line for _, line, lv in _sections_of(self.root) if line > start and lv <= level), len(self.src.lines))
        self.details_lines = range(start, end)
        lines: list[str] = []
        numbers: list[int] = []
        fence = False
        for index in range(start + 1, end):
            line = self.src.lines[index]
            if line.lstrip().startswith(("```", "~~~")):
                fence = not fence
            # A bold line right under other text starts a paragraph: prompts put "**Label:**"
            # straight under a list, where Markdown would read it as part of the last item.
            if (not fence and re.fullmatch(r"\s*\*\*[^*]+\*\*\s*[:：]?\s*", line) and lines and lines[-1].strip()):
                lines.append("")
                numbers.append(index + 1)
            lines.append(line)
            numbers.append(index + 1)
        converter = Converter(lines, numbers, self.path, self.src.notes, section_level=level + 1)
        return converter.run(parse_tree("\n".join(lines))).sections

    def note_unused(self, details: tuple[int, int] | None) -> None:
        skip = self.source_text_lines()
        for heading, line, level in _sections_of(self.root):
            if level != 1 or (details and line == details[0]) or "layout" in heading.lower():
                continue
            if "source" in heading.lower():
                self.src.note(line + 1, "the source text is what the sheet summarises; it was not imported")
            elif line not in skip:
                self.src.note(line + 1, f"'{heading.strip()}' speaks to the image model: read for style only, not imported")

    def title(self, diagram: Diagram | None, data: dict, marks: dict) -> None:
        lines = diagram.title_lines if diagram else []
        if not lines:
            data["title"] = "Cheat sheet"
            self.src.note(1, "the diagram has no title band; the title is 'Cheat sheet'")
            return
        text, line = lines[0]
        icon, title = split_icon(text, both_ends=True)
        data["title"] = escape_text(title)
        marks[("title",)] = (line, self.src.lines[line - 1].find(text.strip()[:8]) + 1 or 1)
        if len(lines) > 1:
            data["subtitle"] = escape_text(" · ".join(t for t, _ in lines[1:]))
            marks[("subtitle",)] = (lines[1][1], 1)
        if icon:
            data["icon"] = icon
            marks[("icon",)] = marks[("title",)]

    def theme(self) -> tuple[Any, int] | None:
        """The theme the style lines ask for, and the line that asks (not in the source text or
        the content, where "grid" may be a word of the subject)."""
        skip = self.source_text_lines() | set(self.details_lines)
        name = palette = None
        line_found = 0
        for index, line in enumerate(self.src.lines):
            if index in skip:
                continue
            lowered = line.lower()
            if name is None:
                for theme, words in PAPERS:
                    if any(w in lowered for w in words):
                        name, line_found = theme, index + 1
                        self.src.note(index + 1, f"the style line asks for this paper: theme {theme}")
                        break
            if palette is None:
                for choice, words in PALETTE_WORDS:
                    if any(w in lowered for w in words):
                        palette = (choice, index + 1)
        if name is None:
            return None
        if palette and THEMES[name].get("palette") != palette[0]:
            self.src.note(palette[1], f"the style line's colours: palette {palette[0]}")
            return {"name": name, "palette": palette[0]}, line_found
        return name, line_found

    def source_text_lines(self) -> set[int]:
        headings = _sections_of(self.root)
        skip: set[int] = set()
        for n, (heading, line, level) in enumerate(headings):
            if level == 1 and "source" in heading.lower():
                # The source text may hold headings of its own: it ends at the prompt's next part.
                end = next((ln for h, ln, lv in headings[n + 1 :] if lv == 1 and any(w in h.lower() for w in PROMPT_PARTS)),
                           len(self.src.lines))
                skip.update(range(line, end))
        return skip

    def concepts(self) -> list[tuple[str, int]]:
        """The phrases listed under an instruction to emphasise concepts (강조할 개념들)."""
        found: list[tuple[str, int]] = []
        for index, line in enumerate(self.src.lines):
            lowered = line.lower()
            if "강조할 개념" not in lowered and "concepts to emphasi" not in lowered and "key concepts" not in lowered:
                continue
            for k in range(index + 1, len(self.src.lines)):
                item = re.fullmatch(r"\s+[-*]\s+(.+)", self.src.lines[k])
                if not item:
                    break
                quoted = re.search(r"[\"“]([^\"”]+)[\"”]", item.group(1))
                phrase = quoted.group(1) if quoted else re.split(r"\s+\(", item.group(1))[0]
                if phrase.strip():
                    found.append((phrase.strip(), k + 1))
            break
        return found


class _BoxMatcher:
    """Matches the Content Details' sections to the diagram's boxes: a row of panels per band of
    the diagram, with the heights of the placement ratios and the hero."""

    def __init__(self, src: SourceLines, box_text: BoxText, stages: PipelineMaker):
        self.src = src
        self.box_text = box_text
        self.stages = stages
        self.remarks: dict[int, str] = {}  # id of a panel plan: its layout remarks
        self.row_lines: list[int] = []  # the diagram line of each row's band
        self.height_lines: dict[int, int] = {}  # row: the line of its placement ratio

    def rows(self, diagram: Diagram | None, sections: list[Section], ratios: list[Ratio]) -> list[list[PanelPlan]]:
        """A row of panels per band, then rows for the sections no box matches."""
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
            self.src.note(ratios[0].line, f"{len(ratios)} placement ratios for {len(rows)} rows: matched by their words")
            for ratio in ratios:
                words = set(words_of(ratio.description))
                best = max(rows, key=lambda plans: len(words & set(words_of(" ".join(markup.plain(p.data["title"]) for p in plans)))))
                if best[0].height is None:
                    self.set_height(best, ratio)
                    self.height_lines[rows.index(best)] = ratio.line
        for plans in rows:
            for plan in plans:
                if len(plans) > 1 and plan.height is not None and plan.height <= SHORT_BAND and len(plan.data["blocks"]) >= 3:
                    plan.data = _with_key(plan.data, "columns", 2, before="blocks")
                    self.src.note(plan.marks[()][0], f"a panel of {len(plan.data['blocks'])} blocks in a band of {plan.height}% shared with another: set in 2 columns")
        hero = self.hero(rows, ratios)
        if hero is not None:
            hero.data = _with_key(hero.data, "hero", True, before="blocks")
        rest = [s for n, s in enumerate(sections) if n not in taken]
        for section in rest:
            self.src.note(section.pos[0], "no box of the diagram matches this section; it got a row at the end")
        if rest:
            extra = build_panels(rest, self.src.notes, korean=False)
            rows.extend(decide_rows(extra, False, self.src.notes))
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
                    self.src.note(plan.marks[()][0], "the prompt calls this panel the core: hero: true")
                    return plan
        for ratio in ratios:
            extra = re.findall(r"\(([^()]*)\)", ratio.description)
            if any(w in " ".join(extra).lower() for w in HERO_WORDS):
                for plans in rows:
                    if plans and plans[0].height == _number(ratio.share) and len(plans) == 1:
                        self.src.note(ratio.line, "the placement ratios call this panel the core: hero: true")
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
                self.src.note(pos[0], "the section heading's words after the box's title became the subtitle")
            icon = icon or section.icon
        else:
            self.src.note(box.line, "no section of Content Details matches this box; it holds the diagram's text")
        if icon:
            data["icon"] = icon
        if len(pieces) == 1 and pieces[0].heading and "subtitle" not in data:
            # A section of one block under a bold line: the line goes beside the panel's title,
            # where it costs no height of a band the ratios fix.
            heading = pieces[0].data.pop("heading")
            data["subtitle"] = heading
            self.src.note(pieces[0].marks.pop(("heading",), pos)[0], "the heading of the section's only block became the panel's subtitle")
        known = set(words_of(" ".join([box.heading] + ([section.heading] if section else []) + [_piece_text(p) for p in pieces])))
        if subtitle_plain := data.get("subtitle"):
            known.update(words_of(subtitle_plain))
        pieces.extend(self.box_text.diagram_pieces(box, known, pieces))
        if not pieces:
            pieces = [Piece({"kind": "text", "text": ""}, {(): pos}, pos[0], pos[0])]
        data["blocks"] = [p.data for p in pieces]
        marks: dict[Where, Pos] = {(): pos, ("title",): pos}
        for b, piece in enumerate(pieces):
            marks.update({("blocks", b) + w: p for w, p in piece.marks.items()})
        for piece in pieces:
            if piece.data.get("kind") == "pipeline" and box.inner:
                self.stages.name_stages(piece, box.inner[0])
        plan = PanelPlan(data, marks)
        self.remarks[id(plan)] = remark
        return plan


def _colour(rows: list[list[PanelPlan]]) -> None:
    """The pens in turn, in reading order."""
    n = 0
    for row in rows:
        for plan in row:
            plan.data = _with_key(plan.data, "colour", PENS[n % len(PENS)], before="hero" if "hero" in plan.data else "blocks")
            n += 1


def _emphasise(plans: list[PanelPlan], concepts: list[tuple[str, int]], src: SourceLines) -> None:
    """Highlight each concept an instruction asks to emphasise where it first appears."""
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
                src.note(line, f"'{concept}' is highlighted where it first appears")
                break


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


# ----------------------------------------------------------------------------- entry points


def prompt_source(text: str, path: Path) -> tuple[Source, list[Note]]:
    """Content from an image-model prompt: a Source positioned in the prompt file, and the notes."""
    path = Path(path)
    text = check_text(text, path)
    lines = text.split("\n")
    src = SourceLines(lines, list(range(1, len(lines) + 1)), [])
    data, marks = _read_prompt(src, parse_tree(text), path)
    return Source(path, text, data, fill_marks(data, marks), {}), sort_notes(src.notes)


def _read_prompt(src: SourceLines, root: SyntaxTreeNode, path: Path) -> tuple[dict, dict[Where, Pos]]:
    """The sheet's data and marks: the title, title height and theme from the prompt's parts, a
    row per band of the diagram, and a panel per box filled with the section that matches it."""
    parts = _PromptParts(src, root, path)
    stages = PipelineMaker(src)
    diagram = read_diagram(src.lines)
    details = _details_heading(root)
    sections = parts.details_sections(details) if details else []
    for section in sections:
        stages.pipeline(section)
    if diagram is None:
        src.note(1, "no layout diagram: sections get rows of their own, two to a row")
    parts.note_unused(details)
    data: dict[str, Any] = {}
    marks: dict[Where, Pos] = {(): (1, 1)}
    parts.title(diagram, data, marks)
    ratios = read_ratios(src.lines, diagram)
    title_ratio = next((r for r in ratios if any(w in r.description.lower() or w in r.label.lower() for w in TITLE_WORDS)), None)
    if title_ratio is not None:
        data["title_height"] = _number(title_ratio.share)
        marks[("title_height",)] = (title_ratio.line, 1)
    theme = parts.theme()
    if theme is not None:
        data["theme"], line = theme
        marks[("theme",)] = (line, 1)
    matcher = _BoxMatcher(src, BoxText(src), stages)
    plans_by_row = matcher.rows(diagram, sections, [r for r in ratios if r is not title_ratio])
    _colour(plans_by_row)
    _emphasise([p for row in plans_by_row for p in row], parts.concepts(), src)
    data["rows"], row_marks = place_rows(plans_by_row)
    marks.update({("rows",) + w: p for w, p in row_marks.items()})
    for r, line in enumerate(matcher.row_lines):
        marks[("rows", r)] = (line, 1)
    for r, line in matcher.height_lines.items():
        marks[("rows", r, "height")] = (line, 1)
    return data, marks

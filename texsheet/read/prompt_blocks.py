"""Blocks the prompt reader makes beyond the Markdown rules: one pipeline of a section's Stage
lists and flowchart, and blocks of the text a diagram box adds to its section."""
from __future__ import annotations

import re
from typing import Any

from texsheet.model.sheet import Pipeline, Stage
from texsheet.model.source import Where
from texsheet.read.diagram import Box
from texsheet.read.markdown_blocks import BECAME_HEADING, KEPT_AS_BOLD
from texsheet.read.markdown_chains import ARROWS, MAX_STEPS
from texsheet.read.markdown_inline import escape_text, split_icon
from texsheet.read.panels import Section
from texsheet.read.pieces import Piece, Pos, SourceLines, max_items
from texsheet.text import emoji
from texsheet.text import markup

MAX_STAGES = max_items(Pipeline, "stages")
MAX_NOTES = max_items(Stage, "notes")
MAX_CHAIN = max_items(Stage, "chain")

STAGE_PENS = ("blue", "purple", "green", "orange", "red", "teal")
STAGE_LINE = re.compile(r"(?i)(?:stage|step|단계)\s*(\d+)\s*[:.)]\s*(.+)|(\d+)\s*단계\s*[:.)]\s*(.+)")
STAGE_LABEL = re.compile(r"(?i)(?:stage|step)\s*\d+|\d+\s*단계")
FLOWCHART_WORDS = ("플로우차트", "흐름도", "flowchart", "flow chart")
DOWN_ARROWS = frozenset("↓⬇⇓|")
LIST_MARKS = "□☐☑☒✓✔✅•·-*"
COVERED = 0.6  # a diagram line whose words the section says this much of adds nothing


class PipelineMaker:
    """Makes a section's Stage lists and flowchart one pipeline block, and names its stages from
    the diagram's stage boxes."""

    def __init__(self, src: SourceLines):
        self.src = src

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
                self.src.note(piece.first, f"a stage has {len(notes)} notes; the box holds {MAX_NOTES}, so the rest follow the pipeline")
                section.pieces.append(Piece({"kind": "bullets", "heading": name, "items": notes[MAX_NOTES:]}, {(): piece.marks[()]}, piece.first, piece.last))
            chain = _chain_for(name, s, chart)
            if chain:
                stage["chain"] = chain[:MAX_CHAIN]
            built.append(stage)
            marks[("stages", s)] = piece.marks.get(("heading",), piece.marks[()])
            marks.update({("stages", s, "notes", k): piece.marks[("items", k)] for k in range(min(len(notes), MAX_NOTES)) if ("items", k) in piece.marks})
        if len(stages) > MAX_STAGES:
            self.src.note(stages[MAX_STAGES][1].first, f"more than {MAX_STAGES} stages: the rest stay lists")
        headed = {p.marks.get(("heading",), (0, 0))[0] for _, p in stages} | ({flowchart.marks.get(("heading",), (0, 0))[0]} if flowchart else set())
        self.src.notes[:] = [n for n in self.src.notes if not (n.line in headed and BECAME_HEADING in n.message)]
        block = Piece({"kind": "pipeline", "stages": built}, marks, stages[0][1].first, stages[-1][1].last)
        self.src.note(block.first, "the Stage lists" + (" and the flowchart" if flowchart else "") + " became a pipeline")
        used = {id(p) for _, p in stages[:MAX_STAGES]} | ({id(flowchart)} if flowchart and chart else set())
        first = stages[0][0]
        section.pieces = ([p for n, p in enumerate(section.pieces) if n < first and id(p) not in used] + [block]
                          + [p for n, p in enumerate(section.pieces) if n >= first and id(p) not in used])

    def chart_lines(self, piece: Piece) -> list[str]:
        """The flowchart's lines that hold an arrow chain, as typed."""
        lines = [self.src.lines[i - 1].strip() for i in range(piece.first, piece.last + 1) if 0 < i <= len(self.src.lines)]
        return [line for line in lines if ARROWS.search(line)]

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
        self.src.note(piece.first, "the stages' short names and subtitles come from the diagram's stage boxes")


class BoxText:
    """Blocks of the text a diagram box holds that its section does not already say."""

    def __init__(self, src: SourceLines):
        self.src = src

    def diagram_pieces(self, box: Box, known: set[str], pieces: list[Piece]) -> list[Piece]:
        """Blocks for the box's own text that the section does not already say (a flow of the
        box's ↓ arrows goes in place among pieces and is not returned)."""
        if box.inner:
            if box.lines:
                self.src.note(box.lines[0][1], "the diagram's text beside the stage boxes was not used (the chains come from the flowchart)")
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
            said = covered(words_of(unit), known) >= COVERED
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
            self.src.note(made[0].first, "text of the diagram's box that the section does not say was added at the panel's end")
        return made

    def place_flow(self, steps: list[str], pieces: list[Piece], first: int, last: int) -> None:
        """The box's ↓ arrows as a flow; a list whose heading names a step becomes that step's
        note, and the flow takes the lists' place (and the bold line above them as its heading)."""
        words = [set(words_of(markup.plain(s))) for s in steps]
        values: list[Any] = list(steps)
        used: list[int] = []
        for n, piece in enumerate(pieces):
            if piece.data.get("kind") != "bullets" or not piece.heading:
                continue
            heading = words_of(markup.plain(piece.heading))
            best = max(range(len(steps)), key=lambda i: covered(heading, words[i]))
            if covered(heading, words[best]) >= COVERED and isinstance(values[best], str):
                values[best] = {"text": steps[best], "note": ", ".join(_item_text(i) for i in piece.data["items"])}
                used.append(n)
        flow: dict[str, Any] = {"kind": "flow", "steps": values}
        at = used[0] if used else len(pieces)
        if used and at > 0 and _bold_line(pieces[at - 1]):
            at -= 1
            used.append(at)
            flow = {"kind": "flow", "heading": _bold_line(pieces[at]), "steps": values}
            line = pieces[at].marks[()][0]
            self.src.notes[:] = [n for n in self.src.notes if not (n.line == line and KEPT_AS_BOLD in n.message)]
            self.src.note(line, "the bold line above the lists became the flow's heading")
        piece = Piece(flow, {(): (first, 1)}, first, last)
        if used:
            piece.marks[()] = pieces[min(used)].marks[()]
            self.src.note(first, "the diagram's arrows became a flow, with the lists named after its steps as their notes")
        else:
            self.src.note(first, "the diagram's arrows in this box became a flow")
        kept = [p for n, p in enumerate(pieces) if n not in used]
        kept.insert(sum(1 for n in range(at) if n not in used), piece)
        pieces[:] = kept

    def list_piece(self, items: list[tuple[str, int]]) -> Piece:
        """The box's list-like lines as a checklist (all boxed) or bullets."""
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


def words_of(text: str) -> list[str]:
    """The words of a text to match by: lower case, no emoji, no numbers or one-letter words."""
    text = "".join(c for c in text.lower() if not (ord(c) >= 0x1F000 or c == "\ufe0f"))
    return [w for w in re.findall(r"\w+", text) if len(w) >= 2 and not w.isdigit()]


def covered(words: list[str], known: set[str]) -> float:
    """The share of words that known already says (a word, or one it starts or that starts it)."""
    if not words:
        return 1.0
    hits = sum(1 for w in words if any(w.startswith(k) or k.startswith(w) for k in known if min(len(k), len(w)) >= 2))
    return hits / len(words)


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

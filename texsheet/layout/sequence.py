"""A sequence diagram placed by texsheet (Graphviz does not draw them): participants in a row
on top, a dashed lifeline down from each, then one row per message, note or box edge.

Columns stand as close as their texts allow: a message's text must fit between the lifelines
it joins, a note beside its participant, a self-message's loop before the next lifeline. Each
constraint binds a column to one left of it, so one pass from left to right sets them all.
Everything is planned in em of the diagram's text (plan_sequence), then drawn at the size and
scale that fit the column (layout_sequence).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from texsheet.layout.diagram_text import measure
from texsheet.layout.diagram_text import text_size as diagram_size
from texsheet.layout.geometry import Geometry, Point, Rect
from texsheet.model.mermaid_sequence import Mark, Message, Note, Sequence
from texsheet.text.paragraphs import Style
from texsheet.text.typeset import Typesetter
from texsheet.text.units import PT

BODY = Style("body")
HAND_BOLD = Style("hand", bold=True)
HEAD_TEXT = 7.0  # em: a participant's name breaks into lines at this width
MESSAGE_TEXT = 11.0  # em: a message's text
NOTE_TEXT = 9.0  # em: a note's text
HEAD_PAD = (0.6, 0.35)  # em around a participant's name, across and down
ACTOR = 2.1  # em: the height of an actor's stick figure
COLUMN_GAP = 1.2  # em between participant boxes side by side
MESSAGE_MARGIN = 0.6  # em between a message's text and the lifelines it runs between
TEXT_TO_ARROW = 0.2  # em from a message's text down to its arrow
ROW_GAP = 0.75  # em below each row
SELF_LOOP = (1.5, 0.9)  # em: a self-message's loop, out and down
NOTE_PAD = (0.5, 0.3)
NOTE_SIDE = 0.35  # em between a lifeline and a note beside it
NOTE_OVER = 0.7  # em a note over participants reaches past their lifelines
NUMBER = 0.5  # em: the radius of an autonumber circle
NUMBER_SCALE = 0.72  # the number's text, of the diagram's
FRAME_PAD = 0.55  # em a box reaches past what it holds (each box inside another, this much less)
TAB_PAD = (0.35, 0.15)
LABEL_SCALE = 0.9  # a box's kind and its labels, of the diagram's text
CLOSE_GAP = 0.45  # em between a box's last row and its bottom edge
MOST_SPREAD = 6.0  # em: how much further apart lifelines part, at most, to fill a wide column
SPREAD_STEP = 0.25  # em


@dataclass(frozen=True)
class _Text:
    """A text of the plan: what it says, its style, scale and pen, its width (em) and where
    its box's top left stands (em)."""

    text: str
    x: float
    y: float
    width: float
    scale: float = 1.0
    style: Style = BODY
    colour: str = "text"
    align: str = "center"


@dataclass
class SequencePlan:
    """The diagram in em, y downwards from its top, x from its left edge."""

    width: float = 0.0
    height: float = 0.0
    left: float = 0.0  # x of the drawing's left edge (a note left of the first lifeline reaches past 0)
    heads: list[dict] = field(default_factory=list)  # rect, or figure for an actor
    lifelines: list[tuple[Point, Point]] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)  # points, line, tip, self
    numbers: list[tuple[Point, float]] = field(default_factory=list)
    notes: list[Rect] = field(default_factory=list)
    frames: list[dict] = field(default_factory=list)  # rect, tab (corners), dividers
    texts: list[_Text] = field(default_factory=list)


def plan_sequence(seq: Sequence, ts: Typesetter, spread: float = 0.0) -> SequencePlan:
    """The whole diagram in em: see the module's docstring; with spread, its lifelines that
    much (em) further apart each."""
    return _Planner(seq, ts, spread).plan()


class _Planner:
    """Measures every text once, sets the columns, then walks the steps down the page."""

    def __init__(self, seq: Sequence, ts: Typesetter, spread: float = 0.0):
        self.seq, self.ts, self.spread = seq, ts, spread
        self.ids = list(seq.participants)
        self.heads = [measure(ts, p.label, 1.0, HAND_BOLD, HEAD_TEXT) for p in seq.participants.values()]
        self.sizes = {id(step): measure(ts, step.text, 1.0, BODY, MESSAGE_TEXT if isinstance(step, Message) else NOTE_TEXT)
                      for step in seq.steps if isinstance(step, (Message, Note)) and step.text}
        self.labels = {(n, k): measure(ts, _bracket(label), LABEL_SCALE, BODY, MESSAGE_TEXT) if label else (0.0, 0.0)
                       for n, fragment in enumerate(seq.fragments) for k, (label, _) in enumerate(fragment.sections)}
        self.kinds = {n: measure(ts, f.kind, LABEL_SCALE, HAND_BOLD, 6.0) for n, f in enumerate(seq.fragments)}
        self.out = SequencePlan()

    def size(self, step) -> tuple[float, float]:
        return self.sizes.get(id(step), (0.0, 0.0))

    def box_width(self, n: int) -> float:
        return self.heads[n][0] + 2 * HEAD_PAD[0]

    # ------------------------------------------------------------------ columns

    def columns(self) -> list[float]:
        """Each lifeline's x, as far left as every constraint allows."""
        count = len(self.ids)
        needs: list[dict[int, float]] = [dict() for _ in range(count)]  # needs[b][a]: x_b - x_a at least

        def need(a: int, b: int, distance: float) -> None:
            if a > b:
                a, b = b, a
            if a != b and a >= 0 and b < count:  # past the first or last column the drawing widens instead
                needs[b][a] = max(needs[b].get(a, 0.0), distance)

        for a in range(count - 1):
            need(a, a + 1, (self.box_width(a) + self.box_width(a + 1)) / 2 + COLUMN_GAP)
        for step in self.seq.steps:
            w, _ = self.size(step)
            if isinstance(step, Message):
                a, b = self.ids.index(step.tail), self.ids.index(step.head)
                if a == b:
                    need(a, a + 1, max(w, SELF_LOOP[0]) + 2 * MESSAGE_MARGIN + SELF_LOOP[0] * 0.3)
                else:
                    need(a, b, w + 2 * MESSAGE_MARGIN + (2 * NUMBER if step.number else 0.0))
            elif isinstance(step, Note):
                spans = [self.ids.index(name) for name in step.over]
                a, b = min(spans), max(spans)
                note_w = w + 2 * NOTE_PAD[0]
                if step.side == "right":
                    need(a, a + 1, note_w + 2 * NOTE_SIDE)
                elif step.side == "left":
                    need(a - 1, a, note_w + 2 * NOTE_SIDE)
                elif a == b:
                    need(a - 1, a, note_w / 2 + NOTE_SIDE)
                    need(a, a + 1, note_w / 2 + NOTE_SIDE)
                else:
                    need(a, b, note_w - 2 * NOTE_OVER)
        xs = [self.box_width(0) / 2]
        for b in range(1, count):
            xs.append(max(xs[a] + d for a, d in needs[b].items()))
        return [x + n * self.spread for n, x in enumerate(xs)]

    # ------------------------------------------------------------------ rows

    def plan(self) -> SequencePlan:
        xs = self.columns()
        plan = self.out
        head_h = max(h + 2 * HEAD_PAD[1] + (ACTOR if p.actor else 0.0) for (w, h), p in zip(self.heads, self.seq.participants.values()))
        for n, (p, (w, h)) in enumerate(zip(self.seq.participants.values(), self.heads)):
            top = head_h - h - 2 * HEAD_PAD[1]
            if p.actor:
                plan.heads.append({"figure": Rect(xs[n] - 0.5, top - ACTOR, 1.0, ACTOR - 0.15)})
                plan.texts.append(_Text(p.label, xs[n] - w / 2, top + HEAD_PAD[1], w, 1.0, HAND_BOLD, "accent"))
            else:
                rect = Rect(xs[n] - self.box_width(n) / 2, top, self.box_width(n), h + 2 * HEAD_PAD[1])
                plan.heads.append({"rect": rect})
                plan.texts.append(_Text(p.label, rect.x + HEAD_PAD[0], top + HEAD_PAD[1], w, 1.0, HAND_BOLD, "accent"))
        y = head_h + ROW_GAP
        frames: dict[int, dict] = {}
        reach = [xs[0] - self.box_width(0) / 2, xs[-1] + self.box_width(len(xs) - 1) / 2]
        for step in self.seq.steps:
            if isinstance(step, Mark):
                y = self.mark(step, y, frames)
                continue
            y, left, right = (self.message(step, xs, y) if isinstance(step, Message) else self.note(step, xs, y))
            reach = [min(reach[0], left), max(reach[1], right)]
            for frame in frames.values():
                if frame.get("open"):
                    frame["left"], frame["right"] = min(frame["left"], left), max(frame["right"], right)
        for frame in plan.frames:
            reach = [min(reach[0], frame["rect"].x), max(reach[1], frame["rect"].right)]
        for text in plan.texts:
            reach = [min(reach[0], text.x), max(reach[1], text.x + text.width)]
        bottom = y - ROW_GAP + 0.3
        plan.lifelines = [(Point(x, head_h), Point(x, bottom)) for x in xs]
        for head in plan.heads:
            rect = head.get("rect") or head["figure"]
            reach = [min(reach[0], rect.x), max(reach[1], rect.right)]
        plan.width, plan.height = reach[1] - reach[0], bottom
        plan.left = reach[0]
        return plan

    def message(self, step: Message, xs: list[float], y: float) -> tuple[float, float, float]:
        w, h = self.size(step)
        a, b = xs[self.ids.index(step.tail)], xs[self.ids.index(step.head)]
        arrow_y = y + h + (TEXT_TO_ARROW if step.text else 0.0)
        if a == b:
            out, down = SELF_LOOP
            points = (Point(a, arrow_y), Point(a + out, arrow_y), Point(a + out, arrow_y + down), Point(a, arrow_y + down))
            if step.text:
                self.out.texts.append(_Text(step.text, a + MESSAGE_MARGIN, y, w, align="left"))
            right = max(a + out, a + MESSAGE_MARGIN + w)
            bottom = arrow_y + down
            left = a
        else:
            points = (Point(a, arrow_y), Point(b, arrow_y))
            if step.text:
                self.out.texts.append(_Text(step.text, (a + b) / 2 - w / 2, y, w))
            left, right, bottom = min(a, b), max(a, b), arrow_y
        self.out.messages.append({"points": points, "line": step.line, "tip": step.tip, "self": a == b})
        if step.number is not None:
            size = measure(self.ts, str(step.number), NUMBER_SCALE, HAND_BOLD, 3.0)
            self.out.numbers.append((Point(a, arrow_y), NUMBER))
            self.out.texts.append(_Text(str(step.number), a - size[0] / 2, arrow_y - size[1] / 2, size[0], NUMBER_SCALE, HAND_BOLD, "accent"))
            bottom = max(bottom, arrow_y + NUMBER)
            left = min(left, a - NUMBER)
        return bottom + ROW_GAP, left, right

    def note(self, step: Note, xs: list[float], y: float) -> tuple[float, float, float]:
        w, h = self.size(step)
        spans = [xs[self.ids.index(name)] for name in step.over]
        note_w = w + 2 * NOTE_PAD[0]
        if step.side == "right":
            x = spans[0] + NOTE_SIDE
        elif step.side == "left":
            x = spans[0] - NOTE_SIDE - note_w
        else:
            left, right = min(spans) - NOTE_OVER, max(spans) + NOTE_OVER
            note_w = max(note_w, right - left) if len(spans) > 1 else note_w
            x = (min(spans) + max(spans)) / 2 - note_w / 2
        rect = Rect(x, y, note_w, h + 2 * NOTE_PAD[1])
        self.out.notes.append(rect)
        self.out.texts.append(_Text(step.text, x + (note_w - w) / 2, y + NOTE_PAD[1], w))
        return rect.bottom + ROW_GAP, rect.x, rect.right

    def mark(self, mark: Mark, y: float, frames: dict[int, dict]) -> float:
        """A box's top (its kind in a tab, its label), a section's dashed divider and label, or
        its bottom edge."""
        n = mark.fragment
        fragment = self.seq.fragments[n]
        if mark.what == "open":
            frames[n] = {"open": True, "top": y, "left": float("inf"), "right": float("-inf"), "dividers": [], "labels": []}
        frame = frames[n]
        if mark.what == "close":
            frame["open"] = False
            pad = FRAME_PAD * (1 + 0.5 * self.depth_below(n))
            kind_w, kind_h = self.kinds[n]
            tab_w, tab_h = kind_w + 2 * TAB_PAD[0], kind_h + 2 * TAB_PAD[1]
            widest = max([tab_w + w + 0.6 for k, (w, _) in self.labels.items() if k[0] == n] + [tab_w + 0.3])
            if frame["left"] == float("inf"):  # an empty box: as wide as its labels
                frame["left"], frame["right"] = 0.0, widest
            left = frame["left"] - pad
            right = max(frame["right"] + pad, left + widest)
            rect = Rect(left, frame["top"], right - left, y - ROW_GAP + CLOSE_GAP - frame["top"])
            tab = (Point(left, rect.y), Point(left + tab_w, rect.y), Point(left + tab_w, rect.y + tab_h * 0.7),
                   Point(left + tab_w - tab_h * 0.3, rect.y + tab_h), Point(left, rect.y + tab_h))
            self.out.texts.append(_Text(fragment.kind, left + TAB_PAD[0], rect.y + TAB_PAD[1], kind_w, LABEL_SCALE, HAND_BOLD, "grey", "left"))
            for k, (label_y, divider) in enumerate(frame["labels"]):
                label_w = self.labels[(n, k)][0]
                if fragment.sections[k][0]:
                    label_x = left + tab_w + 0.3 if k == 0 else (left + right) / 2 - label_w / 2
                    self.out.texts.append(_Text(_bracket(fragment.sections[k][0]), label_x, label_y, label_w, LABEL_SCALE, BODY, "grey"))
                if divider:
                    frame["dividers"].append((Point(left, label_y - 0.15), Point(right, label_y - 0.15)))
            self.out.frames.append({"rect": rect, "tab": tab, "dividers": frame["dividers"], "depth": fragment.depth})
            for outer in frames.values():  # a box inside another widens it
                if outer.get("open"):
                    outer["left"], outer["right"] = min(outer["left"], left), max(outer["right"], right)
            return y - ROW_GAP + CLOSE_GAP + ROW_GAP
        k = len(frame["labels"])
        _, label_h = self.labels[(n, k)]
        kind_h = self.kinds[n][1] + 2 * TAB_PAD[1]
        if mark.what == "open":
            frame["labels"].append((y + TAB_PAD[1], False))
            return y + max(kind_h, label_h + TAB_PAD[1]) + ROW_GAP * 0.6
        frame["labels"].append((y + 0.15, True))
        return y + 0.15 + label_h + ROW_GAP * 0.6

    def depth_below(self, n: int) -> int:
        """How many boxes deep the boxes inside box n go (0: none inside)."""
        own, deepest, inside = self.seq.fragments[n].depth, 0, False
        for step in self.seq.steps:
            if isinstance(step, Mark):
                if step.fragment == n:
                    inside = step.what != "close"
                elif inside and step.what == "open":
                    deepest = max(deepest, self.seq.fragments[step.fragment].depth - own)
        return deepest


def _bracket(label: str) -> str:
    return f"[{label}]"


def sequence_width(seq: Sequence, ts: Typesetter) -> float:
    """em the diagram is wide at its full size."""
    return plan_sequence(seq, ts).width


def sequence_smallest(seq: Sequence, ts: Typesetter) -> float:
    """The smallest of the diagram's texts (its numbers, its boxes' labels), as a share of the
    participants' text."""
    return _smallest(plan_sequence(seq, ts))


def _smallest(plan: SequencePlan) -> float:
    return min((t.scale for t in plan.texts), default=1.0)


def layout_sequence(seq: Sequence, ts: Typesetter, width: float, size: float, where: tuple, air: float = 0.0,
                    least: float = 0.0) -> Geometry:
    """The diagram scaled to fit width mm (to its full size, more with air; its smallest text
    never below least pt), centred in it; where its text cannot grow to fill the width, its
    lifelines part further (by up to MOST_SPREAD em each), as tall as it was."""
    plan = plan_sequence(seq, ts)
    text_size = diagram_size(plan.width, width, size, where, air, least, _smallest(plan))
    em = text_size * PT
    gaps = len(seq.participants) - 1
    spare = width / em - plan.width
    if gaps and spare > SPREAD_STEP:
        plan = plan_sequence(seq, ts, min(MOST_SPREAD, math.floor(spare / gaps / SPREAD_STEP) * SPREAD_STEP))
    left = max(0.0, (width - plan.width * em) / 2) - plan.left * em

    def at(p: Point) -> Point:
        return Point(left + p.x * em, p.y * em)

    def box(r: Rect) -> Rect:
        return Rect(left + r.x * em, r.y * em, r.w * em, r.h * em)

    texts = [ts.text(t.text, t.width * em, text_size * t.scale, t.style, t.colour, t.align, where + ("mermaid",)).at(left + t.x * em, t.y * em)
             for t in plan.texts]
    parts = {
        "kind": "sequence", "em": em,
        "heads": [{k: box(v) for k, v in head.items()} for head in plan.heads],
        "lifelines": [(at(a), at(b)) for a, b in plan.lifelines],
        "messages": [{**m, "points": tuple(at(p) for p in m["points"])} for m in plan.messages],
        "numbers": [(at(p), r * em) for p, r in plan.numbers],
        "notes": [box(n) for n in plan.notes],
        "frames": [{**f, "rect": box(f["rect"]), "tab": tuple(at(p) for p in f["tab"]), "dividers": [(at(a), at(b)) for a, b in f["dividers"]]}
                   for f in plan.frames],
    }
    return Geometry(plan.height * em, tuple(texts), parts=parts)

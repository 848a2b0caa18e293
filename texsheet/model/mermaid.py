"""Mermaid flowcharts read into a graph: nodes, links, subgraphs and their pens.

The subset (the README's "Diagrams" lists it): `flowchart` or `graph` with a direction (TD, TB,
BT, LR, RL); nodes with the shapes `A[box]`, `A(rounded)`, `A([stadium])`, `A[[subroutine]]`,
`A[(database)]`, `A((circle))`, `A{decision}`, `A{{hexagon}}`, `A>flag]`, `A[/slanted/]`
(and `[\\a\\]`, `[/a\\]`, `[\\a/]`), their text plain or
"quoted" (`<br>` is a new line); links `-->`, `---`, `-.->`, `-.-`, `==>`, `===` (longer ones
too, `<-->` with two heads), with text as `-->|text|` or `-- text -->`; chains (`A --> B --> C`)
and `&` (`A & B --> C`); `subgraph ID [title]` ... `end`, nested; `%%` comments; `classDef`,
`class`, `:::`, `style` (fill, stroke and color, each taken as the nearest pen of the sheet).
`direction`, `linkStyle`, `click` and `acc...` lines are read and left out: they mean nothing
on paper. Everything else is a MermaidProblem at its offset in the text.
"""
from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass, field

from texsheet.text.markup import PENS

MAX_NODES = 40
MAX_LINKS = 80
DIRECTIONS = {"TD": "TB", "TB": "TB", "BT": "BT", "LR": "LR", "RL": "RL"}
# Other kinds of Mermaid diagram, named so that a sheet using one is told plainly.
OTHER_KINDS = ("classDiagram", "stateDiagram", "stateDiagram-v2", "erDiagram", "gantt", "pie",
               "journey", "gitGraph", "timeline", "quadrantChart", "requirementDiagram", "C4Context", "sankey-beta",
               "xychart-beta", "block-beta", "packet-beta", "architecture-beta", "kanban", "zenuml")
SUPPORTED = "flowchart (flowchart or graph, then TD, TB, BT, LR or RL), sequenceDiagram or mindmap"

# Shapes: (opening, closing, shape), longest openings first.
SHAPES = (("([", "])", "stadium"), ("[[", "]]", "subroutine"), ("[(", ")]", "cylinder"), ("((", "))", "circle"),
          ("{{", "}}", "hexagon"), ("[", "]", "box"), ("(", ")", "round"), ("{", "}", "diamond"), (">", "]", "flag"))

SLANTS = {"//": "lean_right", "\\\\": "lean_left", "/\\": "trapezoid", "\\/": "trapezoid_alt"}  # [/a/], [\\a\\], [/a\\], [\\a/]
_ID = re.compile(r"[^\W]\w*")
_KEYWORD = re.compile(r"(subgraph|end|classDef|class|style|linkStyle|click|direction|accTitle|accDescr)(?![\w-])")
# A whole link: heads, and the line between them (solid, thick or dotted).
_LINK = re.compile(r"(<?)(-\.+-|-\.|-{2,}|={2,})(>?)")
_TEXT_END = {"solid": re.compile(r"(-{2,})(>?)"), "thick": re.compile(r"(={2,})(>?)"), "dotted": re.compile(r"(\.-+)(>?)")}
BREAK = re.compile(r"<br\s*/?>", re.I)


@dataclass(frozen=True)
class MermaidProblem:
    offset: int  # in the Mermaid text
    message: str


@dataclass
class Node:
    id: str
    label: str
    shape: str = "box"
    start: int = 0  # offset of the label in the Mermaid text
    classes: list[str] = field(default_factory=list)
    style: dict[str, str] = field(default_factory=dict)  # pens: draw, fill, text


@dataclass(frozen=True)
class Link:
    tail: str
    head: str
    line: str  # solid, thick or dotted
    heads: tuple[bool, bool]  # an arrow head at the tail, at the head
    label: str = ""
    start: int = 0


@dataclass
class Subgraph:
    id: str
    title: str
    start: int
    nodes: list[str] = field(default_factory=list)  # its own, not its subgraphs'
    children: list[str] = field(default_factory=list)


@dataclass
class Graph:
    direction: str  # TB, BT, LR or RL, as Graphviz names them
    nodes: dict[str, Node]
    links: list[Link]
    subgraphs: dict[str, Subgraph]
    top: list[str]  # the subgraphs not inside another

    def texts(self) -> list[tuple[str, int]]:
        """Every text the diagram shows, with its offset: each is text of the sheet."""
        found = [(n.label, n.start) for n in self.nodes.values()] + [(link.label, link.start) for link in self.links if link.label]
        return found + [(s.title, s.start) for s in self.subgraphs.values()]


class Fail(Exception):
    """A line of Mermaid that cannot be read, at its offset: the reader stops at the first."""

    def __init__(self, offset: int, message: str):
        self.offset, self.message = offset, message


def parse_flowchart(text: str) -> tuple[Graph | None, list[MermaidProblem]]:
    """The flowchart text describes, or None and every problem found (a line each)."""
    return _Reader(text).read()


class _Reader:
    """Reads a flowchart's text into a Graph, line by line, collecting every problem it finds.

    It is long because it is the reader of one grammar: its rules (header, line, statement, the
    keywords, node, label, link) share one position in the line and read top to bottom.
    """

    def __init__(self, text: str):
        self.text = text
        self.problems: list[MermaidProblem] = []
        self.nodes: dict[str, Node] = {}
        self.links: list[Link] = []
        self.subgraphs: dict[str, Subgraph] = {}
        self.top: list[str] = []
        self.open: list[tuple[str, int]] = []  # subgraphs begun and not ended
        self.class_styles: dict[str, dict[str, str]] = {}
        self.styled: list[tuple[list[str], dict[str, str] | str, int]] = []  # (node ids, style or class, offset)

    def read(self) -> tuple[Graph | None, list[MermaidProblem]]:
        lines = []
        offset = 0
        for raw in self.text.split("\n"):
            lines.append((offset, raw))
            offset += len(raw) + 1
        direction = None
        for start, raw in lines:
            body = raw.strip()
            at = start + len(raw) - len(raw.lstrip())
            if not body or body.startswith("%%"):
                continue
            if direction is None:
                direction = self.header(body, at)
                if direction is None:
                    return None, self.problems
                continue
            try:
                self.line(raw, start)
            except Fail as fail:
                self.problems.append(MermaidProblem(fail.offset, fail.message))
        if direction is None:
            return None, [MermaidProblem(0, f"the diagram is empty; texsheet draws Mermaid {SUPPORTED}")]
        for name, at in self.open:
            self.problems.append(MermaidProblem(at, f"subgraph '{name}' has no end"))
        for sub in self.subgraphs.values():
            if not self.holds_nodes(sub):
                self.problems.append(MermaidProblem(sub.start, f"subgraph '{sub.id}' holds no nodes"))
        self.apply_styles()
        if not self.nodes and not self.problems:
            self.problems.append(MermaidProblem(0, "the flowchart has no nodes"))
        if len(self.nodes) > MAX_NODES:
            extra = list(self.nodes.values())[MAX_NODES]
            self.problems.append(MermaidProblem(extra.start, f"the flowchart has {len(self.nodes)} nodes; at most {MAX_NODES} "
                                                "fit a sheet (split it into two diagrams)"))
        if len(self.links) > MAX_LINKS:
            self.problems.append(MermaidProblem(self.links[MAX_LINKS].start, f"the flowchart has {len(self.links)} links; at most {MAX_LINKS} fit a sheet"))
        if self.problems:
            return None, self.problems
        return Graph(direction, self.nodes, self.links, self.subgraphs, self.top), []

    # ------------------------------------------------------------------ lines

    def header(self, body: str, at: int) -> str | None:
        words = body.split(";")[0].split()
        kind = words[0]
        if kind in ("flowchart", "graph"):
            if len(words) == 1:
                return "TB"
            if words[1] in DIRECTIONS and len(words) == 2:
                return DIRECTIONS[words[1]]
            self.problems.append(MermaidProblem(at + body.index(words[1]), f"unknown direction '{words[1]}' (one of TD, TB, BT, LR, RL)"))
            return None
        if kind in OTHER_KINDS or kind.rstrip(":") in OTHER_KINDS:
            message = (f"Mermaid {kind.rstrip(':')} diagrams are not supported yet; texsheet draws Mermaid {SUPPORTED}")
        else:
            message = f"a Mermaid diagram starts with its kind; texsheet draws Mermaid {SUPPORTED}, not '{kind}'"
        self.problems.append(MermaidProblem(at, message))
        return None

    def line(self, raw: str, start: int) -> None:
        """One line: statements apart by ';'."""
        self.src, self.pos, self.end = raw, 0, len(raw)
        self.base = start
        while True:
            self.skip()
            if self.pos >= self.end:
                return
            if self.src.startswith("%%", self.pos):
                return
            self.statement()
            self.skip()
            if self.pos < self.end and self.src[self.pos] == ";":
                self.pos += 1
            elif self.pos < self.end and not self.src.startswith("%%", self.pos):
                raise self.fail(f"unexpected '{self.src[self.pos:self.pos + 12].rstrip()}' (a statement ends at a new line or ';')")

    def statement(self) -> None:
        keyword = _KEYWORD.match(self.src, self.pos)
        if keyword:
            name = keyword.group(1)
            rest_at = keyword.end()
            rest = self.src[rest_at:].split("%%")[0].rstrip().rstrip(";").rstrip()
            self.pos = rest_at + len(rest)
            getattr(self, "keyword_" + name.lower(), self.keyword_ignored)(rest.strip(), rest_at + len(rest) - len(rest.lstrip()))
            return
        groups = [self.node_group()]
        while True:
            self.skip()
            link = self.link()
            if link is None:
                break
            self.skip()
            if self.pos >= self.end or self.src[self.pos] in ";%":
                raise self.fail("a link needs a node after it (A --> B)", link[3])
            after = self.node_group()
            for tail in groups[-1]:
                for head in after:
                    self.links.append(Link(tail, head, link[0], link[1], link[2][0], link[2][1]))
            groups.append(after)

    def keyword_ignored(self, rest: str, at: int) -> None:
        """direction, linkStyle, click, accTitle, accDescr: nothing to draw."""

    def keyword_subgraph(self, rest: str, at: int) -> None:
        match = re.fullmatch(r'([^\W]\w*)\s*\[\s*(?:"([^"]*)"|([^\]]*))\]', rest)
        if match:
            ident, title = match.group(1), match.group(2) if match.group(2) is not None else match.group(3).strip()
            title_at = at + match.start(2 if match.group(2) is not None else 3)
        elif rest.startswith('"') and rest.endswith('"') and len(rest) > 1:
            ident, title, title_at = rest[1:-1], rest[1:-1], at + 1
        elif rest:
            ident, title, title_at = rest, rest, at
        else:
            raise self.fail("a subgraph needs a name: subgraph ID [title]", at - 1)
        if ident in self.subgraphs or ident in self.nodes:
            raise self.fail(f"'{ident}' is already the name of a {'subgraph' if ident in self.subgraphs else 'node'}", at)
        self.subgraphs[ident] = Subgraph(ident, BREAK.sub("\n", title), self.base + title_at)
        if self.open:
            self.subgraphs[self.open[-1][0]].children.append(ident)
        else:
            self.top.append(ident)
        self.open.append((ident, self.base + at))

    def keyword_end(self, rest: str, at: int) -> None:
        if rest:
            raise self.fail(f"unexpected '{rest}' after end", at)
        if not self.open:
            raise self.fail("'end' without a subgraph to close", self.pos - 3)
        self.open.pop()

    def keyword_classdef(self, rest: str, at: int) -> None:
        match = re.fullmatch(r"(\S+)\s+(.+)", rest)
        if not match:
            raise self.fail("classDef needs a name and styles: classDef NAME fill:#f9f,stroke:#333", at)
        style = self.style_of(match.group(2), at + match.start(2))
        for name in match.group(1).split(","):
            self.class_styles[name] = style

    def keyword_class(self, rest: str, at: int) -> None:
        match = re.fullmatch(r"(\S+)\s+(\S+)", rest)
        if not match:
            raise self.fail("class needs nodes and a class name: class A,B NAME", at)
        self.styled.append((match.group(1).split(","), match.group(2), self.base + at))

    def keyword_style(self, rest: str, at: int) -> None:
        match = re.fullmatch(r"(\S+)\s+(.+)", rest)
        if not match:
            raise self.fail("style needs a node and styles: style A fill:#f9f,stroke:#333", at)
        self.styled.append(([match.group(1)], self.style_of(match.group(2), at + match.start(2)), self.base + at))

    def style_of(self, text: str, at: int) -> dict[str, str]:
        """Mermaid's CSS-like styles as pens: fill, stroke (draw) and color (text)."""
        style = {}
        for part in text.split(","):
            key, _, value = part.partition(":")
            key, value = key.strip(), value.strip()
            role = {"fill": "fill", "stroke": "draw", "color": "text"}.get(key)
            if role is None:
                continue  # stroke-width, stroke-dasharray, font-size...: the sheet's own
            pen = nearest_pen(value)
            if pen is None:
                raise self.fail(f"unknown colour '{value}' (write #rgb, #rrggbb or a colour name such as red)",
                                at + text.index(part) + part.index(":") + 1)
            if pen != "none":
                style[role] = pen
        return style

    def holds_nodes(self, sub: Subgraph) -> bool:
        return bool(sub.nodes) or any(self.holds_nodes(self.subgraphs[child]) for child in sub.children)

    def apply_styles(self) -> None:
        for node in self.nodes.values():
            for name in node.classes:
                node.style.update(self.class_styles.get(name, {}))
        for ids, style, at in self.styled:
            for ident in ids:
                if ident not in self.nodes:
                    self.problems.append(MermaidProblem(at, f"no node '{ident}' to style"))
                    continue
                if isinstance(style, str):
                    if style not in self.class_styles:
                        self.problems.append(MermaidProblem(at, f"no classDef '{style}'"))
                        continue
                    self.nodes[ident].style.update(self.class_styles[style])
                else:
                    self.nodes[ident].style.update(style)

    # ------------------------------------------------------------------ nodes and links

    def node_group(self) -> list[str]:
        ids = [self.node()]
        while True:
            self.skip()
            if self.pos < self.end and self.src[self.pos] == "&":
                self.pos += 1
                self.skip()
                ids.append(self.node())
            else:
                return ids

    def node(self) -> str:
        match = _ID.match(self.src, self.pos)
        if not match:
            raise self.fail("expected a node: an ID such as A, then maybe its shape and text: A[text], A(text), A{text}...")
        ident, at = match.group(), self.pos
        if ident in self.subgraphs:
            raise self.fail(f"'{ident}' is a subgraph; links join nodes (link a node inside it)")
        if ident == "end":
            raise self.fail("'end' closes a subgraph; it cannot name a node")
        self.pos = match.end()
        label = None
        if self.src.startswith(("[/", "[\\"), self.pos):  # parallelograms and trapezoids: the slants name the shape
            ends = [e for e in (self.src.find("/]", self.pos + 2), self.src.find("\\]", self.pos + 2)) if e >= 0]
            if ends:
                closing = self.src[min(ends):min(ends) + 2]
                opening = self.src[self.pos:self.pos + 2]
                shape = SLANTS[opening[1] + closing[0]]
                label, label_at = self.label(opening, closing)
        if label is None:
            for opening, closing, shape in SHAPES:
                if self.src.startswith(opening, self.pos):
                    label, label_at = self.label(opening, closing)
                    break
        node = self.nodes.get(ident)
        if node is None:
            if len(self.nodes) == MAX_NODES * 4:
                raise self.fail(f"more than {MAX_NODES} nodes")
            node = self.nodes[ident] = Node(ident, ident, "box", self.base + at)
        # A node is in the subgraph where it is first named inside one, wherever else it was named before.
        if self.open and not any(ident in sub.nodes for sub in self.subgraphs.values()):
            self.subgraphs[self.open[-1][0]].nodes.append(ident)
        if label is not None:
            node.label, node.shape, node.start = label, shape, label_at
        if self.src.startswith(":::", self.pos):
            name = re.match(r"[\w-]+", self.src[self.pos + 3:])
            if not name:
                raise self.fail("':::' needs a class name after it")
            node.classes.append(name.group())
            self.pos += 3 + name.end()
        return ident

    def label(self, opening: str, closing: str) -> tuple[str, int]:
        """The text between a shape's opening and closing (at pos), and its offset."""
        begin = self.pos
        self.pos += len(opening)
        while self.pos < self.end and self.src[self.pos] == " ":
            self.pos += 1
        if self.src.startswith('"', self.pos):
            close = self.src.find('"', self.pos + 1)
            if close < 0:
                raise self.fail("a quoted text needs its closing \"", self.pos)
            text, text_at = self.src[self.pos + 1:close], self.pos + 1
            self.pos = close + 1
            while self.pos < self.end and self.src[self.pos] == " ":
                self.pos += 1
            if not self.src.startswith(closing, self.pos):
                raise self.fail(f"expected '{closing}' to close '{opening}'", self.pos)
            if len(text) > 1 and text[0] == text[-1] == "`":  # a Mermaid "markdown string": the sheet's markup anyway
                text, text_at = text[1:-1], text_at + 1
        else:
            close = self.src.find(closing, self.pos)
            if close < 0:
                raise self.fail(f"'{opening}' has no closing '{closing}' on its line", begin)
            text, text_at = self.src[self.pos:close].rstrip(), self.pos
            self.pos = close
        self.pos += len(closing)
        if not text.strip():
            raise self.fail("a node's text is empty (leave out the brackets for a node named by its ID)", begin)
        return BREAK.sub("\n", text), self.base + text_at

    def link(self) -> tuple[str, tuple[bool, bool], tuple[str, int], int] | None:
        """(line, heads, (label, offset), offset in the line) of the link at pos, or None if
        there is none."""
        at = self.pos
        match = _LINK.match(self.src, self.pos)
        if not match:
            return None
        back, body, forward = match.groups()
        line = "thick" if body[0] == "=" else "dotted" if "." in body else "solid"
        self.pos = match.end()
        label = ("", 0)
        if not forward and body in ("--", "==", "-."):  # `-- text -->`: the text, then the rest of the link
            for found in _TEXT_END[line].finditer(self.src, self.pos):
                if found.group(2) or len(found.group(1)) >= (2 if line == "dotted" else 3):
                    text = self.src[self.pos:found.start()]
                    label = (text.strip(), self.pos + len(text) - len(text.lstrip()))
                    forward = found.group(2)
                    self.pos = found.end()
                    break
            else:
                rest = {"solid": "-->", "thick": "==>", "dotted": ".->"}[line]
                raise self.fail(f"a link's text after '{body}' needs the rest of the link ('{rest}')", at)
        self.skip()
        if self.src.startswith("|", self.pos):
            close = self.src.find("|", self.pos + 1)
            if close < 0:
                raise self.fail("a link's |text| needs its closing |")
            text = self.src[self.pos + 1:close]
            text_at = self.pos + 1 + len(text) - len(text.lstrip())
            text = text.strip()
            if len(text) > 1 and text[0] == text[-1] == '"':
                text, text_at = text[1:-1], text_at + 1
            label = (text, text_at)
            self.pos = close + 1
        return line, (bool(back), bool(forward)), (BREAK.sub("\n", label[0]), self.base + label[1]), at

    # ------------------------------------------------------------------ scanning

    def skip(self) -> None:
        while self.pos < self.end and self.src[self.pos] in " \t":
            self.pos += 1

    def fail(self, message: str, at: int | None = None) -> Fail:
        """A problem at an offset of the line (at pos, unless at is given)."""
        return Fail(self.base + (self.pos if at is None else at), message)


# ----------------------------------------------------------------------------- colours

_NAMED = {"black": "ink", "white": "none", "gray": "grey", "grey": "grey", "transparent": "none", "none": "none",
          "lightgrey": "grey", "lightgray": "grey", "gold": "yellow", "navy": "blue", "cyan": "teal", "magenta": "pink",
          "violet": "purple", "lime": "green", "olive": "green", "maroon": "brown", **{pen: pen for pen in PENS}}
# Where each chromatic pen stands on the colour wheel (degrees).
_HUES = {"red": 2, "orange": 28, "yellow": 48, "green": 146, "teal": 181, "blue": 216, "purple": 264, "pink": 333}


def nearest_pen(value: str) -> str | None:
    """The sheet's pen nearest to a CSS colour (#rgb, #rrggbb, a few names); "none" for white
    and none; None if it is not a colour. Pale fills (Mermaid's #f9f) go by their hue."""
    value = value.strip().lower()
    if value in _NAMED:
        return _NAMED[value]
    match = re.fullmatch(r"#([0-9a-f]{3}|[0-9a-f]{6})(?:[0-9a-f]{2})?", value) or re.fullmatch(r"#([0-9a-f]{3})[0-9a-f]", value)
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    r, g, b = (int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))
    hue, light, saturation = colorsys.rgb_to_hls(r, g, b)
    if saturation < 0.2 or (light > 0.95):
        return "ink" if light < 0.35 else "none" if light > 0.93 else "grey"
    degrees = hue * 360
    if light < 0.4 and 15 <= degrees <= 45:
        return "brown"
    return min(_HUES, key=lambda pen: min(abs(degrees - _HUES[pen]), 360 - abs(degrees - _HUES[pen])))

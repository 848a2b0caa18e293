"""A mindmap placed by texsheet: the root in the middle, its branches shared between its right
and left so that both sides are about as tall, each level a column further out, each node
centred on what grows from it, every branch in a pen of its own.

Planned in em of the diagram's text (plan_mindmap), drawn at the size and scale that fit the
column (layout_mindmap).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from texsheet.layout.diagram_text import measure
from texsheet.layout.diagram_text import text_size as diagram_size
from texsheet.layout.geometry import Geometry, Point, Rect
from texsheet.model.mermaid_mindmap import MindNode, Mindmap
from texsheet.text.paragraphs import Style
from texsheet.text.typeset import Typesetter
from texsheet.text.units import PT

BODY = Style("body")
HAND_BOLD = Style("hand", bold=True)
BRANCH_PENS = ("red", "blue", "green", "orange", "purple", "teal", "pink", "brown")
ROOT_SCALE = 1.2  # the root's text, of the diagram's
BRANCH_SCALE = 1.05  # the first level's
TEXT_WIDTH = 8.0  # em: a node's text breaks into lines at this width
PAD = {"plain": (0.15, 0.2), "square": (0.5, 0.3), "rounded": (0.55, 0.3), "hexagon": (0.5, 0.3), "circle": (0.35, 0.35),
       "bang": (0.45, 0.45), "cloud": (0.45, 0.4)}  # em around a node's text, across and down
LEVEL_GAP = 2.2  # em between a column and the next, for the connectors
SIBLING_GAP = 0.45  # em between nodes one above another
AIR_SPREAD = 2.0  # em of gap between nodes one above another, for each em of room to spare
BANG_POINTS = 16  # corners of a bang's burst, out and in
CLOUD_BUMPS = 9
CONNECTOR_WIDTHS = (1.7, 1.1, 0.8)  # pt: a connector from the root, from the first level, deeper
DRAWN_AS = {"square": "box", "rounded": "round"}  # the flowchart's names of the outlines they share (tex/render.py)


@dataclass
class _Node:
    """A node of the plan: its text's size, outline size (em), depth, side (+1 right, -1 left),
    pen and place (its outline's centre)."""

    source: MindNode
    text: tuple[float, float]
    size: tuple[float, float]
    depth: int
    side: int
    pen: str
    children: list["_Node"]
    x: float = 0.0
    y: float = 0.0
    span: float = 0.0  # em the node and all that grows from it take up and down


def _shape(node: MindNode, depth: int) -> str:
    return "rounded" if depth == 0 and node.shape == "plain" else node.shape


def _outline(shape: str, w: float, h: float) -> tuple[float, float]:
    """em of an outline around text w by h."""
    pad_x, pad_y = PAD[shape]
    if shape == "circle":
        side = math.hypot(w, h) + 2 * pad_x
        return side, side
    if shape in ("bang", "cloud"):  # an ellipse holding the text's box, and its bumps
        return (w / 2 + pad_x) * 2 * math.sqrt(2), (h / 2 + pad_y) * 2 * math.sqrt(2)
    if shape == "hexagon":
        return w + 2 * pad_x + (h + 2 * pad_y) * 0.6, h + 2 * pad_y
    return w + 2 * pad_x, h + 2 * pad_y


def _text_style(depth: int) -> tuple[float, Style]:
    """The scale and style of a node's text: the root and its branches larger, in the hand."""
    return (ROOT_SCALE if depth == 0 else BRANCH_SCALE if depth == 1 else 1.0), (HAND_BOLD if depth <= 1 else BODY)


def _build(node: MindNode, ts: Typesetter, depth: int, side: int, pen: str) -> _Node:
    text = measure(ts, node.label, *_text_style(depth), TEXT_WIDTH)
    size = _outline(_shape(node, depth), *text)
    built = _Node(node, text, size, depth, side, pen, [])
    for n, child in enumerate(node.children):
        child_pen = BRANCH_PENS[n % len(BRANCH_PENS)] if depth == 0 else pen
        built.children.append(_build(child, ts, depth + 1, side, child_pen))
    return built


def _stack(node: _Node, gap: float) -> float:
    """Sets each node's span: its own height, or its children's stacked gap apart, whichever is taller."""
    below = sum(_stack(child, gap) for child in node.children) + gap * max(0, len(node.children) - 1)
    node.span = max(node.size[1], below)
    return node.span


def _sides(root: _Node, gap: float) -> tuple[list[_Node], list[_Node]]:
    """The root's branches on its right (first, in order) and on its left (the rest): the
    split that makes the two sides most nearly as tall."""
    spans = [_stack(child, gap) for child in root.children]
    total = sum(spans)
    best, cut = float("inf"), 0
    for k in range(len(spans) + 1):
        right = sum(spans[:k])
        if abs(total - 2 * right) < best:
            best, cut = abs(total - 2 * right), k
    cut = max(cut, min(1, len(spans)))
    return root.children[:cut], root.children[cut:]


def _columns(nodes: list[_Node]) -> list[float]:
    """em each level of a side is wide: its widest node's outline."""
    widths: list[float] = []
    stack = list(nodes)
    while stack:
        node = stack.pop()
        while len(widths) < node.depth:
            widths.append(0.0)
        widths[node.depth - 1] = max(widths[node.depth - 1], node.size[0])
        stack.extend(node.children)
    return widths


def _place(nodes: list[_Node], side: int, root: _Node, centre: float, top: float, gap: float) -> None:
    """Places a side's branches, top down from top, gap apart, each level's column out from the root."""
    widths = _columns(nodes)
    edges = [root.size[0] / 2]
    for w in widths:
        edges.append(edges[-1] + LEVEL_GAP + w)

    def put(node: _Node, top: float) -> None:
        inner = edges[node.depth - 1] + LEVEL_GAP
        node.x = centre + side * (inner + node.size[0] / 2)
        node.side = side
        below = sum(child.span for child in node.children) + gap * max(0, len(node.children) - 1)
        y = top + (node.span - below) / 2
        for child in node.children:
            put(child, y)
            y += child.span + gap
        node.y = top + node.span / 2

    for node in nodes:
        put(node, top)
        top += node.span + gap


def _all(node: _Node):
    yield node
    for child in node.children:
        yield from _all(child)


@dataclass(frozen=True)
class MindmapPlan:
    """The mindmap in em: every node (left edge at 0, top at 0) and the root."""

    width: float
    height: float
    root: _Node


def plan_mindmap(mindmap: Mindmap, ts: Typesetter, gap: float = SIBLING_GAP) -> MindmapPlan:
    """The mindmap in em, nodes one above another gap apart (as wide at any gap)."""
    root = _build(mindmap.root, ts, 0, 1, "accent")
    right, left = _sides(root, gap)
    heights = [sum(n.span for n in side) + gap * max(0, len(side) - 1) for side in (right, left)]
    height = max(root.size[1], *heights)
    root.y = height / 2
    for side, nodes, h in ((1, right, heights[0]), (-1, left, heights[1])):
        _place(nodes, side, root, 0.0, (height - h) / 2, gap)
    nodes = list(_all(root))
    low = min(n.x - n.size[0] / 2 for n in nodes)
    high = max(n.x + n.size[0] / 2 for n in nodes)
    for node in nodes:
        node.x -= low
    return MindmapPlan(high - low, height, root)


def mindmap_width(mindmap: Mindmap, ts: Typesetter) -> float:
    """em the mindmap is wide at its full size."""
    return plan_mindmap(mindmap, ts).width


def mindmap_smallest(mindmap: Mindmap) -> float:
    """The smallest of the mindmap's texts, as a share of its leaves' text."""
    return min(_text_style(depth)[0] for depth in _depths(mindmap.root, 0))


def _depths(node: MindNode, depth: int):
    yield depth
    for child in node.children:
        yield from _depths(child, depth + 1)


def layout_mindmap(mindmap: Mindmap, ts: Typesetter, width: float, size: float, where: tuple, air: float = 0.0,
                   least: float = 0.0) -> Geometry:
    """The mindmap scaled to fit width mm (to its full size, more with air; its smallest text
    never below least pt), centred in it: node outlines (or a plain node's underline), curved
    connectors, texts. Where its width keeps it from growing with air, the air parts its nodes
    one above another instead (AIR_SPREAD em of gap for each em of air)."""
    plan = plan_mindmap(mindmap, ts)
    smallest = mindmap_smallest(mindmap)
    text_size = diagram_size(plan.width, width, size, where, air, least, smallest)
    if air > 0 and text_size <= diagram_size(plan.width, width, size, where, 0.0, least, smallest) + 0.005:
        plan = plan_mindmap(mindmap, ts, SIBLING_GAP + AIR_SPREAD * air)
    em = text_size * PT
    left = max(0.0, (width - plan.width * em) / 2)
    texts, nodes, links = [], [], []
    for node in _all(plan.root):
        w, h = node.size[0] * em, node.size[1] * em
        rect = Rect(left + node.x * em - w / 2, node.y * em - h / 2, w, h)
        shape = _shape(node.source, node.depth)
        nodes.append({"shape": DRAWN_AS.get(shape, shape), "rect": rect, "pen": node.pen, "depth": node.depth, **_outline_parts(shape, rect, em)})
        scale_of, style = _text_style(node.depth)
        text_w = node.text[0] * em
        colour = "text" if node.depth > 1 else node.pen
        text = ts.text(node.source.label, text_w, text_size * scale_of, style, colour, "center", where + ("mermaid",))
        top = rect.y + (rect.h - text.height) / 2 - (0.08 * em if shape == "plain" else 0.0)
        texts.append(text.at(rect.x + (rect.w - text_w) / 2, top))
        for child in node.children:
            links.append(_connector(node, child, left, em))
    return Geometry(plan.height * em, tuple(texts), parts={"kind": "mindmap", "em": em, "nodes": nodes, "links": links})


def _anchor(node: _Node, side: int, left: float, em: float) -> Point:
    """Where a connector meets a node on its side (+1 right, -1 left): a plain node's underline
    at its end, an outline at its middle."""
    x = left + (node.x + side * node.size[0] / 2) * em
    if _shape(node.source, node.depth) == "plain":
        return Point(x, (node.y + node.size[1] / 2) * em)
    return Point(x, node.y * em)


def _connector(parent: _Node, child: _Node, left: float, em: float) -> dict:
    start, end = _anchor(parent, child.side, left, em), _anchor(child, -child.side, left, em)
    bend = (end.x - start.x) * 0.5
    return {"points": (start, Point(start.x + bend, start.y), Point(end.x - bend, end.y), end), "pen": child.pen,
            "width": CONNECTOR_WIDTHS[min(parent.depth, len(CONNECTOR_WIDTHS) - 1)]}


def _outline_parts(shape: str, rect: Rect, em: float) -> dict:
    """What a shape's outline needs beyond its rectangle: a radius, corners, a cloud's bumps."""
    cx, cy, rx, ry = rect.x + rect.w / 2, rect.y + rect.h / 2, rect.w / 2, rect.h / 2
    if shape == "rounded":
        return {"radius": min(0.5 * em, rect.h / 2)}
    if shape == "hexagon":
        d = rect.h * 0.3
        return {"corners": (Point(rect.x + d, rect.y), Point(rect.right - d, rect.y), Point(rect.right, cy), Point(rect.right - d, rect.bottom),
                            Point(rect.x + d, rect.bottom), Point(rect.x, cy))}
    if shape == "bang":
        corners = []
        for k in range(BANG_POINTS):
            angle = math.pi / 2 + 2 * math.pi * k / BANG_POINTS
            reach = 1.0 if k % 2 == 0 else 0.8
            corners.append(Point(cx + rx * reach * math.cos(angle), cy - ry * reach * math.sin(angle)))
        return {"corners": tuple(corners)}
    if shape == "cloud":  # round scallops: each leaves and meets the ellipse pushed outwards
        angles = [math.pi / 2 + 2 * math.pi * k / CLOUD_BUMPS for k in range(CLOUD_BUMPS + 1)]
        points = [Point(cx + rx * 0.85 * math.cos(a), cy - ry * 0.85 * math.sin(a)) for a in angles]
        bumps = []
        for (a, b), (p, q) in zip(zip(angles, angles[1:]), zip(points, points[1:])):
            out = 0.32
            bumps.append((Point(p.x + rx * out * math.cos(a + 0.3), p.y - ry * out * math.sin(a + 0.3)),
                          Point(q.x + rx * out * math.cos(b - 0.3), q.y - ry * out * math.sin(b - 0.3)), q))
        return {"start": points[0], "bumps": tuple(bumps)}
    return {}

"""Mermaid mindmaps read into a tree: after the `mindmap` line, one node a line, its parent the
nearest line above indented less.

A node is its text, or an ID and its text in a shape: `[square]`, `(rounded)`, `((circle))`,
`))bang((`, `)cloud(`, `{{hexagon}}`; "quoted" text may hold brackets, `<br>` is a new line.
`::icon(...)` and `:::class` lines are read and left out (listed in `ignored`, so that an import
can say so): the sheet's pens colour the branches.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from texsheet.model.mermaid import BREAK, MermaidProblem

MAX_NODES = 40
# (opening, closing, shape), longest openings first.
SHAPES = (("((", "))", "circle"), ("))", "((", "bang"), ("{{", "}}", "hexagon"), ("[", "]", "square"), ("(", ")", "rounded"),
          (")", "(", "cloud"))
_ID = re.compile(r"[^\W]\w*")


@dataclass
class MindNode:
    label: str
    shape: str = "plain"  # plain (no outline), square, rounded, circle, bang, cloud or hexagon
    start: int = 0  # offset of the label in the Mermaid text
    children: list["MindNode"] = field(default_factory=list)

    def count(self) -> int:
        return 1 + sum(child.count() for child in self.children)


@dataclass
class Mindmap:
    root: MindNode
    ignored: list[tuple[int, str]] = field(default_factory=list)  # (offset, what) of the lines left out

    def texts(self) -> list[tuple[str, int]]:
        """Every node's text, with its offset: each is text of the sheet."""
        found, stack = [], [self.root]
        while stack:
            node = stack.pop()
            found.append((node.label, node.start))
            stack.extend(reversed(node.children))
        return found


def parse_mindmap(text: str) -> tuple[Mindmap | None, list[MermaidProblem]]:
    """The mindmap the text describes (after its `mindmap` line), or None and every problem found."""
    problems: list[MermaidProblem] = []
    ignored: list[tuple[int, str]] = []
    root: MindNode | None = None
    root_indent = 0
    path: list[tuple[int, MindNode]] = []  # (indent, node) from the root down to the last node read
    offset, header, count = 0, False, 0
    for raw in text.split("\n"):
        line_at = offset
        offset += len(raw) + 1
        body = raw.strip()
        if not body or body.startswith("%%"):
            continue
        if not header:
            header = True  # the dispatcher has read it: mindmap
            continue
        indent = len(raw.expandtabs(4)) - len(raw.expandtabs(4).lstrip())
        at = line_at + len(raw) - len(raw.lstrip())
        if body.startswith("::icon(") or body.startswith(":::"):
            ignored.append((at, "an icon" if body.startswith("::icon(") else "a class"))
            continue
        try:
            node = read_node(body, at)
        except ValueError as error:
            problems.append(MermaidProblem(at, str(error)))
            continue
        count += 1
        if count == MAX_NODES + 1:
            problems.append(MermaidProblem(at, f"the mindmap has more than {MAX_NODES} nodes; at most {MAX_NODES} fit a sheet "
                                           "(split it into two)"))
        if root is None:
            root, root_indent, path = node, indent, [(indent, node)]
            continue
        if indent <= root_indent:
            problems.append(MermaidProblem(at, "a mindmap has one root: indent this line deeper than the root's "
                                           f"('{root.label[:30]}') to make it a branch"))
            continue
        while path[-1][0] >= indent:
            path.pop()
        path[-1][1].children.append(node)
        path.append((indent, node))
    if root is None and not problems:
        problems.append(MermaidProblem(0, "the mindmap has no nodes: write its root on the line after 'mindmap'"))
    if problems:
        return None, problems
    return Mindmap(root, ignored), []


def read_node(body: str, at: int) -> MindNode:
    """A node from its line (stripped, at offset at); a ValueError says what is wrong."""
    ident = _ID.match(body)
    begin = ident.end() if ident else 0
    for opening, closing, shape in SHAPES:
        if not body.startswith(opening, begin):
            continue
        if not body.endswith(closing) or len(body) < begin + len(opening) + len(closing):
            raise ValueError(f"'{opening}' needs its closing '{closing}' at the end of the line "
                             "(a node is text, or an ID and [text], (text), ((text)), ))text((, )text( or {{text}})")
        inner_at = begin + len(opening)
        inner = body[inner_at:len(body) - len(closing)]
        label, label_at = _unquote(inner, inner_at)
        if not label.strip():
            raise ValueError("a node's text is empty")
        return MindNode(BREAK.sub("\n", label), shape, at + label_at)
    label, label_at = _unquote(body, 0)
    return MindNode(BREAK.sub("\n", label), "plain", at + label_at)


def _unquote(text: str, at: int) -> tuple[str, int]:
    """Text without its "quotes" (and a Mermaid markdown string's backticks), and its offset."""
    stripped = text.strip()
    at += len(text) - len(text.lstrip())
    if len(stripped) > 1 and stripped[0] == stripped[-1] == '"':
        stripped, at = stripped[1:-1], at + 1
        if len(stripped) > 1 and stripped[0] == stripped[-1] == "`":
            stripped, at = stripped[1:-1], at + 1
    return stripped, at

"""A Mermaid diagram read by the reader of its kind: its first line names it (flowchart or
graph, sequenceDiagram, mindmap); the flowchart reader answers for any other first line, with
what texsheet draws."""
from __future__ import annotations

from texsheet.model.mermaid import SUPPORTED, Graph, MermaidProblem, parse_flowchart
from texsheet.model.mermaid_mindmap import Mindmap, parse_mindmap
from texsheet.model.mermaid_sequence import Sequence, parse_sequence

__all__ = ["SUPPORTED", "Graph", "MermaidProblem", "Mindmap", "Sequence", "diagram_kind", "parse_mermaid"]

READERS = {"sequenceDiagram": parse_sequence, "mindmap": parse_mindmap}


def diagram_kind(text: str) -> str:
    """The first word of the first line that is not empty or a comment."""
    for line in text.split("\n"):
        body = line.strip()
        if body and not body.startswith("%%"):
            return body.split()[0]
    return ""


def parse_mermaid(text: str) -> tuple[Graph | Sequence | Mindmap | None, list[MermaidProblem]]:
    """The diagram the text describes, or None and every problem found (a line each)."""
    return READERS.get(diagram_kind(text), parse_flowchart)(text)

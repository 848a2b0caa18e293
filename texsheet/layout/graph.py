"""Placing a flowchart's nodes and links with Graphviz's dot, in em of the diagram's text.

The layout of a diagram block (layout/blocks.py) knows each node's size from TeX's
measurements of its text; dot is given those sizes as fixed node sizes (and each link's text
and each subgraph's title as a fixed-size label) and answers with where the nodes' centres, the
links' Bézier curves, their texts and the subgraphs' frames go. No text of the user's reaches
dot: nodes are n0, n1..., every label an empty box of a given size.

dot runs here, in the layout step, as a child process with a time limit, because its answer
depends on the measurements and is needed in the middle of the page's search for sizes. It is
a pure function of its input, like Pygments for code, and its answers are kept by input: the
search asks for a diagram at many widths and sizes, but in em the drawing is the same at all of
them, so dot runs once per diagram and direction. (TeX runs in build/engine.py, which stops
whole process groups; dot starts no children, so subprocess's own time limit stops it, and
the build's Ctrl-C stops it with every other child.) A build gives dot what is left of its
time (time_left); alone, dot gets DOT_TIMEOUT.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import shutil
import subprocess
from dataclasses import dataclass
from typing import Callable

from texsheet.errors import BuildError

EM = 36.0  # dot's points per em of the diagram's text: an em is half an inch to dot
DOT_TIMEOUT = 20.0  # s
NODE_SEP = 1.1  # em between nodes of a rank
RANK_SEP = 1.5  # em between ranks
CLUSTER_MARGIN = 0.6  # em between a subgraph's frame and what it holds


@dataclass(frozen=True)
class Request:
    """What dot is asked to place, sizes in em: nodes (w, h), links (tail, head, label size or
    None), subgraphs (nodes, children, title size), the top subgraphs, and the direction."""

    direction: str
    nodes: tuple[tuple[float, float], ...]
    links: tuple[tuple[int, int, tuple[float, float] | None], ...]
    shapes: tuple[str, ...]  # dot's shape for each node, so that links end at its outline
    subgraphs: tuple[tuple[tuple[int, ...], tuple[int, ...], tuple[float, float]], ...]
    top: tuple[int, ...]


@dataclass(frozen=True)
class Placement:
    """dot's answer in em, y downwards from the top left of the drawing: each node's centre,
    each link's curve (start, then three points per Bézier piece) and its text's centre, each
    subgraph's frame (x, y, w, h)."""

    width: float
    height: float
    centres: tuple[tuple[float, float], ...]
    curves: tuple[tuple[tuple[float, float], ...], ...]
    label_centres: tuple[tuple[float, float] | None, ...]
    frames: tuple[tuple[float, float, float, float], ...]


def dot_source(request: Request) -> str:
    """The request in dot's language."""

    def inches(em: float) -> str:
        return f"{em * EM / 72:.4f}"

    def box(size: tuple[float, float]) -> str:  # an empty label of a given size, in points
        return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0"><TR><TD FIXEDSIZE="TRUE" '
                f'WIDTH="{max(1, round(size[0] * EM))}" HEIGHT="{max(1, round(size[1] * EM))}"></TD></TR></TABLE>>')

    lines = ["digraph G {",
             f"  rankdir={request.direction}; nodesep={inches(NODE_SEP)}; ranksep={inches(RANK_SEP)}; margin=0; pad=0;",
             '  node [fixedsize=true, label="", margin=0, penwidth=0];',
             "  edge [dir=none, arrowhead=none, arrowtail=none, penwidth=1];"]
    for n, ((w, h), shape) in enumerate(zip(request.nodes, request.shapes)):
        lines.append(f"  n{n} [shape={shape}, width={inches(w)}, height={inches(h)}];")

    def cluster(s: int, indent: str) -> None:
        nodes, children, title = request.subgraphs[s]
        lines.append(f"{indent}subgraph cluster_{s} {{")
        lines.append(f"{indent}  labeljust=l; labelloc=t; margin={CLUSTER_MARGIN * EM:.1f}; label={box(title)};")
        for child in children:
            cluster(child, indent + "  ")
        if nodes:
            lines.append(f"{indent}  " + " ".join(f"n{n};" for n in nodes))
        lines.append(f"{indent}}}")

    for s in request.top:
        cluster(s, "  ")
    for n, (tail, head, label) in enumerate(request.links):
        lines.append(f"  n{tail} -> n{head} [id=e{n}" + (f", label={box(label)}];" if label else "];"))
    lines.append("}")
    return "\n".join(lines) + "\n"


def place(request: Request) -> Placement:
    """Where dot puts what is asked (see the module's docstring)."""
    return _placement(dot_source(request), len(request.nodes), len(request.links), len(request.subgraphs))


@functools.lru_cache(maxsize=256)
def _placement(source: str, nodes: int, links: int, subgraphs: int) -> Placement:
    answer = json.loads(run_dot(source))
    left, bottom, right, top = (float(v) / EM for v in answer["bb"].split(","))

    def point(text: str) -> tuple[float, float]:
        x, y = (float(v) / EM for v in text.split(",")[-2:])
        return (x - left, top - y)

    objects = answer.get("objects", [])
    by_name = {o["name"]: o for o in objects}
    centres = tuple(point(by_name[f"n{n}"]["pos"]) for n in range(nodes))
    frames = []
    for s in range(subgraphs):
        x0, y0, x1, y1 = (float(v) / EM for v in by_name[f"cluster_{s}"]["bb"].split(","))
        frames.append((x0 - left, top - y1, x1 - x0, y1 - y0))
    curves, labels = [None] * links, [None] * links
    for edge in answer.get("edges", []):
        n = int(edge["id"][1:])
        curves[n] = tuple(point(p) for p in edge["pos"].split() if not p.startswith(("s,", "e,")))
        labels[n] = point(edge["lp"]) if "lp" in edge else None
    return Placement(right - left, top - bottom, centres, tuple(curves), tuple(labels), tuple(frames))


_time_left: contextvars.ContextVar[Callable[[], float]] = contextvars.ContextVar("dot_time_left", default=lambda: DOT_TIMEOUT)


@contextlib.contextmanager
def time_left(seconds: Callable[[], float]):
    """Within the block (in this thread), dot may take seconds() each time it runs: a build's
    one time limit governs dot as it does TeX."""
    token = _time_left.set(seconds)
    try:
        yield
    finally:
        _time_left.reset(token)


def run_dot(source: str) -> str:
    """dot's JSON for a graph; a missing or failing dot is a BuildError that says what to do."""
    if shutil.which("dot") is None:
        raise BuildError("Graphviz's dot was not found: diagrams need it (Debian: apt-get install graphviz; "
                         "the README's first command installs it)")
    limit = _time_left.get()()
    try:
        done = subprocess.run(["dot", "-Tjson0"], input=source, capture_output=True, text=True, check=False, timeout=limit)
    except subprocess.TimeoutExpired:
        raise BuildError(f"Graphviz's dot did not place a diagram within {limit:.3g} s and was stopped (--timeout sets the limit)") from None
    if done.returncode != 0:
        first = next((line for line in done.stderr.splitlines() if line.strip()), "no message")
        raise BuildError(f"Graphviz's dot failed on a diagram: {first}")
    return done.stdout

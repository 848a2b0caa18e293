"""Arrow chains (`A → B → C` on a line of their own) to blocks: short steps read across the
column, as a left-to-right diagram; steps of a sentence or so read down it, as a flow."""
from __future__ import annotations

import re
from typing import Any

from texsheet.model.sheet import Flow
from texsheet.read.markdown_inline import is_clean
from texsheet.read.pieces import max_items
from texsheet.text import markup

MAX_STEPS = max_items(Flow, "steps")
SHORT_STEP = 60  # characters: a step of a flow (a numbered list of items this short is one too)
ACROSS_STEP = 30  # characters: every step this short, the chain is drawn across, as a diagram
MIN_CHAIN = 3  # steps: "A → B" reads as the sentence it is
MAX_LABEL = 20  # characters of a "label: " before the first step that becomes the block's heading
# →, ⟶, -> and => (longer ones too), but not the two-headed <-> and <=>.
ARROWS = re.compile(r"\s*(?:→|⟶|(?<![<=-])(?:-+>|=+>))\s*")


def arrow_steps(text: str) -> list[str] | None:
    """The steps of a one-line arrow chain in markup (A → B → C), or None."""
    if "\n" in text:
        return None
    steps = [s.strip() for s in ARROWS.split(text)]
    if len(steps) < MIN_CHAIN or len(steps) > MAX_STEPS or not all(steps):
        return None
    if any(len(markup.plain(s)) > SHORT_STEP or not is_clean(s) for s in steps):
        return None
    if sum(_marks(markup.parse(s)[0]) for s in steps) != _marks(markup.parse(text)[0]):
        return None  # an arrow inside code, a formula or a mark is not between steps
    return steps


def chain_block(text: str) -> dict[str, Any] | None:
    """The block an arrow chain becomes (a diagram or a flow, with its "label: " as heading), or
    None if the text is not one."""
    steps = arrow_steps(text)
    if steps is None:
        return None
    block: dict[str, Any] = {}
    label, sep, rest = steps[0].partition(": ")
    if sep and len(markup.plain(label)) <= MAX_LABEL and is_clean(label) and is_clean(rest):
        block["heading"] = label.strip()
        steps[0] = rest.strip()
    diagram = across_diagram(steps)
    if diagram is None:
        return {"kind": "flow", **block, "steps": steps}
    return {"kind": "diagram", **block, "mermaid": diagram}


def across_diagram(steps: list[str]) -> str | None:
    """A Mermaid flowchart LR of the steps, one node each (a step said twice is two nodes), or
    None when a step is too long to stand across or its text cannot be quoted in Mermaid (a `"`
    ends a quoted label, a `<br>` breaks it)."""
    if any(len(markup.plain(s)) > ACROSS_STEP or '"' in s or "<br" in s.lower() for s in steps):
        return None
    nodes = " --> ".join(f'S{n}["{_quoted(step)}"]' for n, step in enumerate(steps, 1))
    return f"flowchart LR\n  {nodes}\n"


def _quoted(step: str) -> str:
    """A step's text for a quoted label: Mermaid reads "`text`" as a markdown string and takes
    its backticks off, so a step that is a code span from end to end gets a pair more."""
    return f"`{step}`" if len(step) > 1 and step[0] == step[-1] == "`" else step


def _marks(spans: list[markup.Span]) -> int:
    """How many marks (bold, code, formulas, pens...) spans hold, nested ones too."""
    return sum((span.kind != "text") + _marks(span.children) for span in spans)

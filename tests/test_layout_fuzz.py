"""The layout on generated sheets: whatever validate accepts is laid out or refused with a
ContentError naming file:line, never another exception and never a message with nan or inf."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from texsheet.errors import ContentError
from texsheet.layout.page import ask_texts, layout_sheet
from texsheet.model.sheet import validate_sheet
from texsheet.model.source import load_source

from fakes import typesetter

WORDS = ["token", "the", "attention", "a", "model", "벡터", "gradient", "x", "descent", "of", "layer", "normalisation",
         "**bold**", "==mark==", "`code`", "$a^2$", "{red: pen}"]
LONG_WORD = "Supercalifragilisticexpialidocious"


@st.composite
def texts(draw, most: int = 60) -> str:
    """One word to a long paragraph, now and then a word too long for a narrow column."""
    n = draw(st.sampled_from([1, 2, 4, 8, 20, most]))
    words = draw(st.lists(st.sampled_from(WORDS + [LONG_WORD]), min_size=n, max_size=n))
    return " ".join(words)


def short(draw) -> str:
    return draw(texts(most=4))


@st.composite
def blocks(draw) -> dict:
    kind = draw(st.sampled_from(["pipeline", "bullets", "callout", "table", "checklist", "flow", "compare",
                                 "takeaways", "code", "math", "text"]))
    items = lambda most=6: draw(st.lists(texts(), min_size=1, max_size=most))  # noqa: E731
    if kind == "pipeline":
        stages = [{"label": f"S{i}", "title": short(draw), "notes": items(3)}
                  for i in range(draw(st.integers(1, 6)))]
        return {"kind": kind, "stages": stages}
    if kind in ("bullets", "checklist", "takeaways"):
        return {"kind": kind, "items": items()}
    if kind in ("callout", "text"):
        return {"kind": kind, "text": draw(texts())}
    if kind == "table":
        columns = draw(st.integers(1, 4))
        return {"kind": kind, "header": [short(draw) for _ in range(columns)],
                "rows": [[short(draw) for _ in range(columns)] for _ in range(draw(st.integers(1, 5)))]}
    if kind == "flow":
        return {"kind": kind, "steps": items(5)}
    if kind == "compare":
        return {"kind": kind, "left": {"title": short(draw), "items": items(4)},
                "right": {"title": short(draw), "items": items(4)}}
    if kind == "code":
        lines = draw(st.lists(st.sampled_from(["x = 1", "def f(a, b):", "    return a + b", "print(compute(first_argument, second_argument, third_argument))"]),
                              min_size=1, max_size=8))
        return {"kind": kind, "language": "python", "code": "\n".join(lines) + "\n"}
    return {"kind": kind, "math": draw(st.sampled_from([r"a^2 + b^2 = c^2", r"\frac{1}{n} \sum_{i=1}^{n} x_i"]))}


@st.composite
def panels(draw) -> dict:
    panel = {"title": draw(st.sampled_from(["A", "Key ideas", "A rather long panel title for a narrow panel"])),
             "blocks": draw(st.lists(blocks(), min_size=1, max_size=4))}
    if draw(st.booleans()):
        panel["width"] = draw(st.sampled_from([0.05, 0.3, 1, 2, 5]))
    if draw(st.integers(0, 3)) == 0:
        panel["columns"] = draw(st.integers(1, 3))
    return panel


@st.composite
def sheets(draw) -> dict:
    count = draw(st.integers(1, 9))
    sheet: dict = {"title": draw(st.sampled_from(["A sheet", "Notes on attention and transformers"]))}
    if draw(st.booleans()):
        sheet["title_height"] = draw(st.sampled_from([0, 1, 5, 20, 100]))
    theme = draw(st.sampled_from([{}, {"max_font_size": 10}, {"max_font_size": 30}, {"font_size": 12}, {"font_size": 20},
                                  {"min_font_size": 12}]))
    if theme:
        sheet["theme"] = theme
    if draw(st.integers(0, 4)) == 0:
        sheet["page"] = draw(st.sampled_from([{"size": "a5"}, {"orientation": "landscape"}, {"margin": 30, "gap": 10}]))
    all_panels = [draw(panels()) for _ in range(count)]
    if draw(st.booleans()):
        sheet["panels"] = all_panels
        return sheet
    rows, i = [], 0
    while i < count:
        n = draw(st.integers(1, min(3, count - i)))
        row: dict = {"panels": all_panels[i:i + n]}
        if draw(st.booleans()):
            row["height"] = draw(st.sampled_from([0.05, 0.5, 1, 3, 100]))
        rows.append(row)
        i += n
    sheet["rows"] = rows
    return sheet


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets())
def test_layout_lays_out_or_refuses_with_a_place(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sheet.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        source = load_source(path)
        try:
            sheet = validate_sheet(source)
        except ContentError:
            return  # validate refuses it: nothing for the layout to do
        ask_texts(sheet, typesetter())  # as a build does first, before any width is known
        try:
            layout_sheet(sheet, typesetter(), source)
        except ContentError as error:
            for line in str(error).splitlines():
                assert re.match(rf"{re.escape(str(path))}:\d+:\d+: ", line), line
                assert not re.search(r"\b(nan|inf)\b", line), line

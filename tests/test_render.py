"""Golden .tex: each block kind's drawing, rendered from fake measurements (no TeX, no machine).

After an intended change to the output, `pytest --update-golden` rewrites the goldens and
fails, naming them: review `git diff tests/golden` and run again.
"""
import difflib
import re
from pathlib import Path

import pytest

from texsheet.layout.blocks import Placed, layout_block
from texsheet.layout.page import layout_sheet
from texsheet.model.sheet import BLOCK_KINDS, validate_sheet
from texsheet.model.source import load_source
from texsheet.tex.render import Source, render_block, render_sheet

from fakes import typesetter

HERE = Path(__file__).parent
SHEETS = sorted((HERE / "sheets").glob("*.yaml"))
WIDTH, SIZE = 150.0, 10.0  # mm and pt every golden block is set at


def check_golden(name: str, rendered: str, update: bool) -> None:
    golden = HERE / "golden" / name
    expected = golden.read_text(encoding="utf-8") if golden.exists() else ""
    if rendered == expected:
        return
    if update:
        golden.write_text(rendered, encoding="utf-8", newline="\n")
        pytest.fail(f"rewrote {golden.name}: review the change (git diff tests/golden) and run the tests again")
    diff = "".join(difflib.unified_diff(expected.splitlines(True), rendered.splitlines(True), str(golden), "rendered"))
    pytest.fail(f"rendered .tex differs from {golden.name} (pytest --update-golden rewrites it):\n{diff}")


def block_tex(path: Path) -> str:
    source = load_source(path)
    sheet = validate_sheet(source)
    ts = typesetter()
    block = sheet.rows[0].panels[0].blocks[0]
    where = ("rows", 0, "panels", 0, "blocks", 0)
    heading, geometry = layout_block(block, ts, WIDTH, SIZE, where)
    placed = Placed(block, where, 10.0, 20.0, WIDTH, heading, geometry)
    return render_block(sheet, placed, {tex: size[0] for tex, size in ts.metrics.items()}, path.name, source.marks[where][0]) + "\n"


def test_every_block_kind_has_a_golden_sheet():
    assert {p.stem for p in SHEETS} == set(BLOCK_KINDS)


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda p: p.stem)
def test_block_matches_golden(sheet: Path, update_golden: bool):
    check_golden(f"{sheet.stem}.tex", block_tex(sheet), update_golden)


@pytest.mark.parametrize("sheet", sorted((HERE / "sheets" / "mermaid").glob("*.yaml")), ids=lambda p: p.stem)
def test_diagram_kind_matches_golden(sheet: Path, update_golden: bool):
    """The diagram block's other Mermaid kinds (the flowchart is diagram.tex)."""
    check_golden(f"diagram-{sheet.stem}.tex", block_tex(sheet), update_golden)


def render_page(path: Path) -> str:
    source = load_source(path)
    sheet = validate_sheet(source)
    ts = typesetter()
    layout = layout_sheet(sheet, ts, source)
    widths = {tex: size[0] for tex, size in ts.metrics.items()}
    return render_sheet(sheet, layout, ts.faces, widths, Source(path.name, {w: line for w, (line, _) in source.marks.items()}))


def test_page_matches_golden(update_golden: bool):
    """The document around the blocks: preamble, paper, banner, panel frames and titles."""
    check_golden("page.tex", render_page(HERE / "sheets" / "text.yaml"), update_golden)


def test_render_is_deterministic_and_starts_with_engine_line():
    first, second = render_page(HERE / "sheets" / "pipeline.yaml"), render_page(HERE / "sheets" / "pipeline.yaml")
    assert first == second
    assert first.startswith("% !TEX program = xelatex\n")


def test_panel_and_block_comments_name_their_content_line():
    rendered = render_page(HERE / "sheets" / "table.yaml")
    assert "% ---- panel 'table' (table.yaml:9, rows.0.panels.0)" in rendered
    assert "% table (table.yaml:12)" in rendered


def test_edit_of_one_panel_keeps_the_drawing_of_others(tmp_path: Path):
    text = (HERE / "sheets" / "bullets.yaml").read_text(encoding="utf-8").replace("  - height: 1\n", "  - height: 1\n", 1)
    text = text.replace("page:\n", "theme:\n  font_size: 10\npage:\n")
    two_panels = text + "      - title: second\n        width: 1\n        blocks:\n          - kind: text\n            text: unchanged\n"
    two_panels = two_panels.replace('      - title: "bullets"\n', '      - title: "bullets"\n        width: 1\n')
    edited = two_panels.replace("토큰 레벨에서만", "토큰 단위로만")
    renders = []
    for n, content in enumerate((two_panels, edited)):
        path = tmp_path / str(n) / "sheet.yaml"
        path.parent.mkdir()
        path.write_text(content, encoding="utf-8")
        renders.append(render_page(path))
    changed = [line for line in difflib.unified_diff(renders[0].splitlines(), renders[1].splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert len(changed) == 2, changed


def test_the_theme_sets_the_wobble_in_one_place(tmp_path: Path):
    """theme.wobble is \\tswobble; 0 makes every hand-drawn style straight (no decoration at all);
    theme.seed changes every element's seed and nothing else."""
    text = (HERE / "sheets" / "checklist.yaml").read_text(encoding="utf-8")
    renders = {}
    for name, theme in {"default": "theme:\n  seed: 1\n", "straight": "theme:\n  wobble: 0\n", "reseeded": "theme:\n  seed: 7\n"}.items():
        path = tmp_path / name / "sheet.yaml"
        path.parent.mkdir()
        path.write_text(theme + text, encoding="utf-8")
        renders[name] = render_page(path)
    assert "\\newcommand\\tswobble{0.7pt}" in renders["default"] and "decorate," in renders["default"]
    assert "\\newcommand\\tswobble{0pt}" in renders["straight"] and "decorate," not in renders["straight"]
    assert "ts hand/.style={}," in renders["straight"]
    seeds = [re.findall(r"ts seed=(\d+)", renders[name]) for name in ("default", "reseeded")]
    assert len(seeds[0]) == len(seeds[1]) > 0 and not set(seeds[0]) & set(seeds[1])
    assert re.sub(r"ts seed=\d+", "", renders["default"]) == re.sub(r"ts seed=\d+", "", renders["reseeded"])

"""Golden .tex files: the renderer's output for a small sheet of each block kind."""
import difflib
from pathlib import Path

import pytest

from texsheet.model import BLOCK_KINDS
from texsheet.pipeline import load_sheet
from texsheet.render import render_sheet

HERE = Path(__file__).parent
SHEETS = sorted((HERE / "sheets").glob("*.yaml"))


def test_every_block_kind_has_a_golden_sheet():
    assert {p.stem for p in SHEETS} == set(BLOCK_KINDS)


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda p: p.stem)
def test_render_matches_golden(sheet: Path, update_golden: bool):
    source, model = load_sheet(sheet)
    rendered = render_sheet(model, source)
    golden = HERE / "golden" / f"{sheet.stem}.tex"
    if update_golden:
        golden.write_text(rendered, encoding="utf-8", newline="\n")
    expected = golden.read_text(encoding="utf-8")
    if rendered != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), rendered.splitlines(True), str(golden), "rendered"))
        pytest.fail(f"rendered .tex differs from {golden.name} (pytest --update-golden rewrites it):\n{diff}")


def test_render_is_deterministic_and_starts_with_engine_line():
    source, model = load_sheet(HERE / "sheets" / "pipeline.yaml")
    first, second = render_sheet(model, source), render_sheet(model, source)
    assert first == second
    assert first.startswith("% !TEX program = xelatex\n")
    assert "random steps" in first and "\\pgfmathsetseed{" in first


def test_panel_comment_names_its_content_line():
    source, model = load_sheet(HERE / "sheets" / "table.yaml")
    rendered = render_sheet(model, source)
    assert "% ---- panel 'table' (table.yaml:9, rows.0.panels.0)" in rendered
    assert "% table (table.yaml:12)" in rendered


def test_edit_of_one_panel_keeps_the_wobble_of_others(tmp_path: Path):
    text = (HERE / "sheets" / "bullets.yaml").read_text(encoding="utf-8")
    two_panels = text + "      - title: second\n        blocks:\n          - kind: text\n            text: unchanged\n"
    edited = two_panels.replace("토큰 레벨에서만", "토큰 단위로만")
    renders = []
    for n, content in enumerate((two_panels, edited)):
        path = tmp_path / str(n) / "sheet.yaml"
        path.parent.mkdir()
        path.write_text(content, encoding="utf-8")
        renders.append(render_sheet(*reversed(load_sheet(path))))
    changed = [line for line in difflib.unified_diff(renders[0].splitlines(), renders[1].splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert len(changed) == 2, changed

"""The README documents every key of the content format and opens with the two set-up commands."""
import dataclasses
import re
from pathlib import Path

from texsheet.model import sheet as model

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_two_commands():
    block = re.match(r"# texsheet\n\n```sh\n(.*?)```", README, re.S)
    assert block, "README must open with a code block right under its title"
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["./tasks.sh sheet", "./tasks.sh test"]


def test_readme_documents_every_key_and_block_kind():
    classes = [model.Sheet, model.Page, model.Theme, model.Row, model.Panel, model.Block,
               model.Stage, model.Item, model.CheckItem, model.Step, model.Column, *model.BLOCK_KINDS.values()]
    missing = [f"{cls.__name__}.{f.name}" for cls in classes for f in dataclasses.fields(cls) if f"| `{f.name}` |" not in README]
    assert not missing
    assert all(f"`kind: {kind}`" in README for kind in model.BLOCK_KINDS)


def test_readme_example_sheet_is_valid(tmp_path):
    from texsheet.build.pipeline import load_sheet

    example = re.search(r"## A small sheet\n\n```yaml\n(.*?)```", README, re.S).group(1)
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    source, sheet = load_sheet(path)
    assert [block.kind for _, panel in sheet.placed_panels() for block in panel.blocks] == ["pipeline", "bullets", "checklist"]


def test_readme_format_reference_is_the_generated_one():
    from texsheet.model.schema import REFERENCE_END, REFERENCE_START, format_reference

    start, end = README.index(REFERENCE_START), README.index(REFERENCE_END) + len(REFERENCE_END)
    assert README[start:end] == format_reference(), "run `texsheet schema --markdown` and paste its output into the README"

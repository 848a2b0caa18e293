"""The JSON Schema for editors: a valid schema, true of every sheet in the repository, strict on mistakes."""
from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from jsonschema import Draft202012Validator

from texsheet.errors import ContentError
from texsheet.model import sheet as model
from texsheet.model.schema import content_schema
from texsheet.model.sheet import validate_sheet
from texsheet.model.source import load_source

REPO = Path(__file__).resolve().parent.parent
SHEETS = sorted((REPO / "content").glob("*.yaml")) + sorted((REPO / "tests" / "sheets").glob("*.yaml"))

SCHEMA = content_schema()
VALIDATOR = Draft202012Validator(SCHEMA)

MINIMAL: dict[str, Any] = {
    "title": "Cheese",
    "rows": [{"height": 1, "panels": [{"title": "Kinds", "blocks": [{"kind": "text", "text": "hello"}]}]}],
}


def errors_of(document: Any) -> list[str]:
    return [error.message for error in VALIDATOR.iter_errors(document)]


def changed(change: Callable[[dict], None]) -> dict:
    """A copy of MINIMAL with change applied to it."""
    document = copy.deepcopy(MINIMAL)
    change(document)
    return document


def first_block(document: dict) -> dict:
    return document["rows"][0]["panels"][0]["blocks"][0]


# ----------------------------------------------------------------------------- the schema itself


def test_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_is_plain_json_and_fresh_each_call():
    assert json.loads(json.dumps(SCHEMA)) == SCHEMA
    assert content_schema() == SCHEMA
    assert content_schema() is not content_schema()


def test_every_class_and_block_kind_has_a_definition():
    classes = [model.Sheet, model.Page, model.Theme, model.Row, model.Panel, model.Block, model.Stage,
               model.Item, model.CheckItem, model.Step, model.Column, *model.BLOCK_KINDS.values()]
    assert {cls.__name__ for cls in classes} == set(SCHEMA["$defs"])
    kinds = [SCHEMA["$defs"][ref["$ref"].rsplit("/", 1)[1]]["properties"]["kind"]["const"] for ref in SCHEMA["$defs"]["Block"]["oneOf"]]
    assert kinds == list(model.BLOCK_KINDS)


def test_every_field_is_documented_with_its_doc():
    for name, definition in SCHEMA["$defs"].items():
        if name == "Block":
            continue
        mapping = next(part for part in definition.get("anyOf", [definition]) if part.get("type") == "object")
        fields = dataclasses.fields(getattr(model, name))
        assert [key for key in mapping["properties"] if key != "kind"] == [f.name for f in fields]
        for field in fields:
            assert mapping["properties"][field.name]["description"].startswith(field.metadata["doc"])


def test_every_default_is_valid_for_its_own_key():
    for name, definition in SCHEMA["$defs"].items():
        for part in definition.get("anyOf", [definition]):
            for key, schema in part.get("properties", {}).items():
                if "default" in schema:
                    errors = list(Draft202012Validator({**schema, "$defs": SCHEMA["$defs"]}).iter_errors(schema["default"]))
                    assert not errors, f"{name}.{key}: {[e.message for e in errors]}"


# ----------------------------------------------------------------------------- good documents


def test_repo_has_sheets():
    assert len(SHEETS) >= 2


@pytest.mark.parametrize("path", SHEETS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_repo_sheet_validates(path):
    assert errors_of(_yaml12(path.read_text(encoding="utf-8"))) == []


def test_shorthands_and_scalar_text_are_accepted():
    def change(document: dict) -> None:
        document["theme"] = "dots"
        document["title"] = 2024  # the loader keeps what was typed, so this is the text 2024
        panel = document["rows"][0]["panels"][0]
        panel["blocks"] = [
            {"kind": "bullets", "items": ["plain", {"text": "with an icon", "icon": "🧀"}, 42]},
            {"kind": "checklist", "items": ["to do", {"text": "done", "done": True}]},
            {"kind": "flow", "steps": ["first", {"text": "second", "note": "then"}]},
            {"kind": "pipeline", "stages": [{"title": "one", "colour": ""}]},
        ]

    assert errors_of(changed(change)) == []


# ----------------------------------------------------------------------------- schema and validate agree

BASE = """\
title: Cheese
subtitle: kinds of holes
theme:
  name: graph
  font_size: 9
  seed: 3
page:
  size: a4
  margin: 7
rows:
  - height: 2
    panels:
      - title: Kinds
        colour: blue
        hero: false
        blocks:
          - kind: bullets
            items: [plain, {text: with an icon, icon: 🧀}]
          - kind: takeaways
            columns: 2
            numbered: true
            items: [one, two]
          - kind: code
            language: python
            code: print(1)
          - kind: math
            math: x^2
"""

# (name, old, new): each a change a person could make; YAML 1.2 spellings included.
MUTATIONS = [
    ("typo in a key", "subtitle:", "subtitel:"), ("typo in a nested key", "hero:", "heros:"),
    ("unknown kind", "kind: bullets", "kind: bulets"), ("no kind", "- kind: takeaways\n", "- kinds: takeaways\n"),
    ("missing title", "title: Cheese\n", ""), ("missing rows key", "rows:", "row:"),
    ("height quoted", "height: 2", 'height: "2"'), ("height a list", "height: 2", "height: [2]"),
    ("height empty", "height: 2", "height:"), ("height null", "height: 2", "height: null"), ("height ~", "height: 2", "height: ~"),
    ("height 1e1", "height: 2", "height: 1e1"), ("height 0x10", "height: 2", "height: 0x10"), ("height 0o7", "height: 2", "height: 0o7"),
    ("height .nan", "height: 2", "height: .nan"), ("height .inf", "height: 2", "height: .inf"), ("height -.inf", "height: 2", "height: -.inf"),
    ("height too small", "height: 2", "height: 0.01"), ("height too big", "height: 2", "height: 101"),
    ("font_size 1e1", "font_size: 9", "font_size: 1e1"), ("font_size text", "font_size: 9", "font_size: big"),
    ("font_size empty", "font_size: 9", "font_size:"), ("seed 2.0", "seed: 3", "seed: 2.0"), ("seed 2.5", "seed: 3", "seed: 2.5"),
    ("seed hex", "seed: 3", "seed: 0x10"), ("seed True", "seed: 3", "seed: True"),
    ("columns 2.0", "columns: 2", "columns: 2.0"), ("columns 4", "columns: 2", "columns: 4"),
    ("hero True", "hero: false", "hero: True"), ("hero FALSE", "hero: false", "hero: FALSE"), ("hero yes", "hero: false", "hero: yes"),
    ("hero quoted", "hero: false", 'hero: "false"'), ("hero 0", "hero: false", "hero: 0"),
    ("numbered no", "numbered: true", "numbered: no"), ("title a number", "title: Cheese", "title: 2024"),
    ("title true", "title: Cheese", "title: true"), ("title 1.10", "title: Cheese", "title: 1.10"),
    ("title null", "title: Cheese", "title: null"), ("subtitle empty", "subtitle: kinds of holes", "subtitle:"),
    ("colour number", "colour: blue", "colour: 1"), ("colour unknown", "colour: blue", "colour: blue2"),
    ("theme name unknown", "name: graph", "name: grid"), ("page size upper", "size: a4", "size: A4"),
    ("page size a6", "size: a4", "size: a6"), ("margin -1", "margin: 7", "margin: -1"), ("margin 41", "margin: 7", "margin: 41"),
    ("margin text", "margin: 7", "margin: seven"), ("grid colour number", "seed: 3", "seed: 3\n  grid_colour: 123456"),
    ("grid colour quoted", "seed: 3", "seed: 3\n  grid_colour: '123456'"), ("grid colour short", "seed: 3", "seed: 3\n  grid_colour: '12345'"),
    ("font name odd", "seed: 3", "seed: 3\n  font: 'Nanum;Pen'"), ("language unknown", "language: python", "language: pythn"),
    ("language number", "language: python", "language: 3"), ("code a number", "code: print(1)", "code: 12"),
    ("math a number", "math: x^2", "math: 2"), ("items empty", "items: [one, two]", "items: []"),
    ("items a scalar", "items: [one, two]", "items: one"), ("item a number", "items: [one, two]", "items: [1, 2.5]"),
    ("item a list", "items: [one, two]", "items: [[one], two]"), ("icon a number", "icon: 🧀", "icon: 5"),
    ("rows a mapping", "rows:\n", "rows: {}\nold_rows:\n"), ("panels empty", "    panels:\n", "    panels: []\n    extra:\n"),
    ("page a list", "page:\n  size: a4\n  margin: 7\n", "page: [a4]\n"), ("theme shorthand", "theme:\n  name: graph\n  font_size: 9\n  seed: 3\n", "theme: dots\n"),
    ("valid as is", "title: Cheese", "title: Cheese"),
]


def _yaml12(text: str) -> Any:
    """Data as an editor's YAML 1.2 parser reads it (ruamel.yaml), as plain JSON types."""
    from ruamel.yaml import YAML

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, bool) or value is None or isinstance(value, str):
            return value if not isinstance(value, str) else str(value)
        if isinstance(value, int):
            return int(value)
        return float(value)

    return plain(YAML(typ="safe", pure=True).load(text))


def _validate_accepts(text: str, tmp_path: Path) -> bool:
    path = tmp_path / "sheet.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        validate_sheet(load_source(path))
    except ContentError:
        return False
    return True


@pytest.mark.parametrize("name, old, new", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_schema_and_validate_agree(tmp_path, name, old, new):
    assert old in BASE
    text = BASE.replace(old, new, 1)
    by_schema = not errors_of(_yaml12(text))
    by_validate = _validate_accepts(text, tmp_path)
    assert by_schema == by_validate, f"schema {'accepts' if by_schema else 'refuses'}, validate {'accepts' if by_validate else 'refuses'}"


def test_the_mutations_both_accept_and_refuse(tmp_path):
    verdicts = {_validate_accepts(BASE.replace(old, new, 1), tmp_path) for _, old, new in MUTATIONS}
    assert verdicts == {True, False}


# ----------------------------------------------------------------------------- bad documents


def _unknown_top_level_key(document: dict) -> None:
    document["titel"] = "again"


def _unknown_block_kind(document: dict) -> None:
    first_block(document)["kind"] = "poem"


def _wrong_colour(document: dict) -> None:
    document["rows"][0]["panels"][0]["colour"] = "magenta"


def _list_too_long(document: dict) -> None:
    document["rows"][0]["panels"] *= 7


def _missing_rows(document: dict) -> None:
    del document["rows"]


BAD = {
    "unknown top-level key": _unknown_top_level_key,
    "unknown block kind": _unknown_block_kind,
    "wrong colour": _wrong_colour,
    "list too long": _list_too_long,
    "missing rows": _missing_rows,
}


@pytest.mark.parametrize("change", BAD.values(), ids=BAD.keys())
def test_bad_document_is_rejected(change):
    assert errors_of(changed(change))


@pytest.mark.parametrize("change", BAD.values(), ids=BAD.keys())
def test_model_rejects_the_same_bad_document(tmp_path, change):
    path = tmp_path / "sheet.yaml"
    path.write_text(yaml.safe_dump(changed(change), allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError):
        validate_sheet(load_source(path))


def test_rejections_name_the_mistake():
    assert any("'titel'" in message for message in errors_of(changed(_unknown_top_level_key)))
    assert any("is not valid under any of the given schemas" in message for message in errors_of(changed(_missing_rows)))
    assert any("'magenta' is not one of" in message for message in errors_of(changed(_wrong_colour)))
    assert any("is too long" in message for message in errors_of(changed(_list_too_long)))

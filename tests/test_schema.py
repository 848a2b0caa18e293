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

from texsheet import model
from texsheet.errors import ContentError
from texsheet.model import validate_sheet
from texsheet.schema import content_schema
from texsheet.source import load_source

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
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert errors_of(document) == []


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
    assert any("'rows' is a required property" in message for message in errors_of(changed(_missing_rows)))
    assert any("'magenta' is not one of" in message for message in errors_of(changed(_wrong_colour)))
    assert any("is too long" in message for message in errors_of(changed(_list_too_long)))

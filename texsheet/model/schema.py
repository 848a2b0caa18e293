"""The JSON Schema of content YAML, generated from the model's dataclasses, for editors."""
from __future__ import annotations

import dataclasses
import functools
import inspect
import typing
from typing import Any

from texsheet.model.sheet import (BLOCK_KINDS, FONT_NAME_PATTERN, Block, Code, Colour, FontName, Formula, Icon, Language, Mermaid, Sheet, Text,
                                  languages, optional_of)
from texsheet.text.escape import MAX_FIELD_LENGTH, find_forbidden
from texsheet.model.theme import PEN_COLOURS

DIALECT = "https://json-schema.org/draft/2020-12/schema"

def content_schema() -> dict:
    """A JSON Schema (draft 2020-12) of a content file as an editor reads it: YAML-typed values."""
    defs: dict[str, dict] = {}
    _ref(Sheet, defs)
    return {
        "$schema": DIALECT,
        "title": "texsheet content",
        "description": _doc(Sheet),
        "$ref": "#/$defs/Sheet",
        "$defs": defs,
    }


def _ref(cls: type, defs: dict[str, dict]) -> dict:
    """A reference to cls's definition, adding it (and what it refers to) on first sight."""
    name = cls.__name__
    if name not in defs:
        defs[name] = {}  # claims the name first, so a class that refers back to itself ends
        defs[name].update(_blocks(defs) if cls is Block else _class(cls, defs))
    return {"$ref": f"#/$defs/{name}"}


def _blocks(defs: dict[str, dict]) -> dict:
    """Any block: exactly one of the kinds, told apart by their `kind` constant."""
    return {
        "title": "Block",
        "description": f"{_doc(Block)} One of: {', '.join(BLOCK_KINDS)}.",
        "type": "object",
        "required": ["kind"],
        "oneOf": [_ref(cls, defs) for cls in BLOCK_KINDS.values()],
    }


def _class(cls: type, defs: dict[str, dict]) -> dict:
    """A class as a mapping of its fields; with a shorthand, also as that field's bare string."""
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    properties: dict[str, dict] = {}
    required: list[str] = []
    if issubclass(cls, Block):
        properties["kind"] = {"description": "the kind of block", "const": cls.kind}
        required.append("kind")
    for field in fields:
        properties[field.name] = _field(cls, field, hints[field.name], defs)
    required += [f.name for f in fields if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    mapping = {"type": "object", "properties": properties, "required": required, "additionalProperties": False}
    alternatives = getattr(cls, "alternatives", ())
    if alternatives:  # exactly one of these keys, holding a value
        mapping["oneOf"] = [{"required": [key], "properties": {key: {"not": {"type": "null"}}}} for key in alternatives]
    title = f"kind: {cls.kind}" if issubclass(cls, Block) else cls.__name__
    head = {"title": title, "description": _doc(cls)}
    shorthand = getattr(cls, "shorthand", None)
    if shorthand is None:
        return {**head, **mapping}
    field = next(f for f in fields if f.name == shorthand)
    bare = {"description": f"shorthand for {shorthand}: {field.metadata['doc']}", **_type(hints[shorthand], field.metadata, field.default, defs)}
    return {**head, "anyOf": [bare, mapping]}


def _field(cls: type, field: dataclasses.Field, tp: Any, defs: dict[str, dict]) -> dict:
    """A field's schema: its documentation, its type and limits, and its default."""
    default = _default(field)
    schema = {"description": field.metadata["doc"], **_type(tp, field.metadata, default, defs)}
    presets = getattr(cls, "presets", {})
    if any(field.name in preset for preset in presets.values()):
        # The default comes from the named preset, so no single default is true.
        shown = ", ".join(f"{name} {_show(preset.get(field.name, default))}" for name, preset in presets.items())
        schema["description"] += f" (default by {cls.shorthand}: {shown})"
    elif default is not dataclasses.MISSING:
        schema["default"] = _json(default)
    return schema


def _type(tp: Any, meta: typing.Mapping[str, Any], default: Any, defs: dict[str, dict]) -> dict:
    """The schema of a value of type tp under the limits in meta, as model._convert reads them."""
    inner = optional_of(tp)
    if inner is not None:  # T | None: the key may also be left empty (null)
        schema = _type(inner, meta, default, defs)
        return {**schema, "type": [schema["type"], "null"]}
    if tp is Block or dataclasses.is_dataclass(tp):
        return _ref(tp, defs)
    if typing.get_origin(tp) is list:
        item_meta = {k: v for k, v in meta.items() if k not in ("min_items", "max_items")}
        schema: dict[str, Any] = {"type": "array", "items": _type(typing.get_args(tp)[0], item_meta, dataclasses.MISSING, defs)}
        if "min_items" in meta:
            schema["minItems"] = meta["min_items"]
        if "max_items" in meta:
            schema["maxItems"] = meta["max_items"]
        return schema
    if tp is bool:
        return {"type": "boolean"}
    if tp in (int, float):
        schema = {"type": "integer" if tp is int else "number"}
        schema.update({key: meta[key] for key in ("minimum", "maximum") if key in meta})
        # Finite numbers only: every comparison with NaN (YAML's .nan) is false, so NaN, and
        # only NaN or -inf, passes this 'maximum' and is refused by the 'not'.
        schema["not"] = {"type": "number", "maximum": -1e308}
        return {"anyOf": [schema, {"const": "auto"}]} if meta.get("auto") else schema
    return _string(tp, meta, default)


def _string(tp: Any, meta: typing.Mapping[str, Any], default: Any) -> dict:
    """A string, or for prose any scalar: the loader keeps what was typed, so `2024` is text."""
    schema: dict[str, Any] = {"type": ["string", "number", "boolean"] if tp in (Text, Code, Formula) else "string"}
    if "choices" in meta:
        schema["enum"] = list(meta["choices"])
    elif tp is Colour:
        schema["enum"] = ([""] if default == "" else []) + list(PEN_COLOURS)  # "" = inherit the colour
    elif "pattern" in meta:
        schema["pattern"] = f"^(?:{meta['pattern']})$"
    elif tp is FontName:
        schema["pattern"] = f"^(?:{FONT_NAME_PATTERN})$"
    elif tp is Language:
        schema["enum"] = [""] + sorted(languages())
    else:
        # Free text: the choices and patterns above already admit only plain characters.
        schema["maxLength"] = MAX_FIELD_LENGTH
        schema["pattern"] = _allowed_characters()
    return schema


@functools.cache
def _allowed_characters() -> str:
    """A pattern refusing what escape.find_forbidden refuses, in the Basic Multilingual Plane.

    Surrogates are left out: without the u flag a JavaScript pattern sees an emoji as two of
    them, and text from a YAML file never holds a lone one.
    """
    refused = [code for code in range(0x10000) if not 0xD800 <= code <= 0xDFFF and find_forbidden(chr(code))]
    ranges: list[list[int]] = []
    for code in refused:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    spans = "".join(f"\\u{low:04X}" if low == high else f"\\u{low:04X}-\\u{high:04X}" for low, high in ranges)
    return f"^[^{spans}]*$"


def _default(field: dataclasses.Field) -> Any:
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default


def _json(value: Any) -> Any:
    """A default as plain JSON data: a nested dataclass becomes the mapping of its fields."""
    if dataclasses.is_dataclass(value):
        return {f.name: _json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_json(item) for item in value]
    return value


def _show(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _doc(cls: type) -> str:
    return inspect.cleandoc(cls.__doc__ or "")


# ----------------------------------------------------------------------------- the README's tables

REFERENCE_START = "<!-- format reference: written by `texsheet schema --markdown`; edit texsheet/model/sheet.py, not this -->"
REFERENCE_END = "<!-- end of format reference -->"

_TYPE_NAMES = {Text: "text", Code: "code", Formula: "formula", Colour: "colour", Icon: "emoji", FontName: "font",
               Language: "language", Mermaid: "mermaid", int: "whole number", float: "number", bool: "true/false", str: "string"}

# How each class is introduced, in the order the tables are printed: (class, heading).
_SECTIONS = [
    ("Sheet", "**The sheet** (top level)"),
    ("Page", "**`page:`**"),
    ("Theme", "**`theme:`** (a built-in theme's name, or a mapping)"),
    ("Row", "**`rows:`**, each"),
    ("Panel", "**`panels:`** (of the sheet, or of a row), each"),
    ("Block", "**`blocks:`**, each a mapping with `kind:` and the keys of its kind. Every kind also takes:"),
    ("kinds", None),
    ("Stage", "**a pipeline's `stages:`, each**"),
    ("Item", "**a bullets `items:` entry: a string, or**"),
    ("CheckItem", "**a checklist `items:` entry: a string, or**"),
    ("Step", "**a flow's `steps:`, each a string, or**"),
    ("Column", "**a comparison's `left:` and `right:`**"),
]


def format_reference() -> str:
    """The README's tables of every key, from the model: the same definition as the schema's."""
    from texsheet.model import sheet as model

    out = [REFERENCE_START, ""]
    for name, heading in _SECTIONS:
        if name == "kinds":
            for cls in BLOCK_KINDS.values():
                out += [f"`kind: {cls.kind}` — {_doc(cls)}", "", *_table(cls, own_only=True), ""]
            continue
        out += [heading, "", *_table(getattr(model, name)), ""]
    return "\n".join(out + [REFERENCE_END])


def _table(cls: type, own_only: bool = False) -> list[str]:
    hints = typing.get_type_hints(cls)
    inherited = {f.name for f in dataclasses.fields(Block)} if own_only else set()
    rows = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for field in dataclasses.fields(cls):
        if field.name in inherited:
            continue
        meta = field.metadata
        rows.append(f"| `{field.name}` | {_type_name(hints[field.name])} | {_default_shown(cls, field)} | "
                    f"{meta['doc']}{_limits(meta)} |")
    return rows


def _type_name(tp: Any) -> str:
    if optional_of(tp) is not None:
        return _type_name(optional_of(tp))
    if typing.get_origin(tp) is list:
        return f"list of {_type_name(typing.get_args(tp)[0])}"
    if dataclasses.is_dataclass(tp) or tp is Block:
        return tp.__name__.lower()
    return _TYPE_NAMES.get(tp, "string")


def _default_shown(cls: type, field: dataclasses.Field) -> str:
    if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
        return "**required**"
    alternatives = getattr(cls, "alternatives", ())
    if field.name in alternatives:
        return "**this or** " + ", ".join(f"`{other}`" for other in alternatives if other != field.name)
    presets = getattr(cls, "presets", {})
    default = _default(field)
    if any(field.name in preset for preset in presets.values()) and field.name != getattr(cls, "shorthand", None):
        return f"`{_show(default)}` (by theme)"
    if default is None:
        return "(chosen by texsheet)"
    if dataclasses.is_dataclass(default):
        return "(see below)"
    if default == "" or default == []:
        return "(empty)" if default == "" else "(none)"
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    return f"`{_show(default)}`"


def _limits(meta: typing.Mapping[str, Any]) -> str:
    parts = []
    if "choices" in meta:
        parts.append(f"one of {', '.join(meta['choices'])}")
    if "minimum" in meta and "maximum" in meta:
        parts.append(f"{_show(meta['minimum'])} to {_show(meta['maximum'])}")
    elif "minimum" in meta:
        parts.append(f"at least {_show(meta['minimum'])}")
    if "auto" in meta:
        parts.append("or auto")
    if "max_items" in meta:
        parts.append(f"at most {meta['max_items']} items")
    return f" ({'; '.join(parts)})" if parts else ""

"""The JSON Schema of graphsvc/1, generated from the model's field tables.

``schema/interchange.schema.json`` is this output (``make schema`` writes it,
a test keeps it in sync). The schema checks records on their own; rules
between records (ids that exist, no cycles) are ``graphsvc check``'s.
"""

from __future__ import annotations

import json
from typing import Any

from graphsvc.model.schema import (
    ID_PATTERN,
    LIST_NAMES,
    NODE_FIELDS,
    RELATION_ENDPOINTS,
    RELATION_FIELDS,
    Field,
)
from graphsvc.model.validation import LIST_MAX, NOTE_MAX, TEXT_MAX

__all__ = ["interchange_schema", "main"]

_TEXT_BAD = "\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029"
_TEXT_PATTERN = f"^[^{_TEXT_BAD}]*$"
_NOTE_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u0084\\u0086-\\u009f]*$"


def _field_schema(field: Field) -> dict[str, Any]:
    out: dict[str, Any]
    match field.type:
        case "text":
            out = {"type": "string", "maxLength": TEXT_MAX, "pattern": _TEXT_PATTERN}
            if field.required:
                out["pattern"] = f"^[^{_TEXT_BAD}]*[^\\s{_TEXT_BAD}][^{_TEXT_BAD}]*$"
        case "note":
            out = {"type": "string", "maxLength": NOTE_MAX, "pattern": _NOTE_PATTERN}
        case "unit":
            out = {"type": "number", "minimum": 0, "maximum": 1}
        case "days":
            out = {"type": "integer", "minimum": 1, "maximum": 3650}
        case "date":
            out = {"type": "string", "format": "date", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"}
        case "enum":
            assert field.choices is not None
            out = {"enum": [m.value for m in field.choices]}
        case "enum_list":
            assert field.choices is not None
            out = {
                "type": "array",
                "items": {"enum": [m.value for m in field.choices]},
                "uniqueItems": True,
                "maxItems": LIST_MAX,
            }
        case "text_list":
            out = {
                "type": "array",
                "items": {"type": "string", "maxLength": TEXT_MAX, "pattern": _TEXT_PATTERN},
                "uniqueItems": True,
                "maxItems": LIST_MAX,
            }
        case "ref":
            out = {"$ref": "#/$defs/id"}
    if field.doc:
        out = {"description": field.doc, **out}
    return out


def interchange_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a graphsvc/1 document."""
    defs: dict[str, Any] = {
        "id": {"type": "string", "pattern": ID_PATTERN, "description": "A stable id, unique across all kinds."}
    }
    properties: dict[str, Any] = {"format": {"const": "graphsvc/1"}}
    for list_name, kind in LIST_NAMES.items():
        fields = NODE_FIELDS[kind]
        defs[str(kind)] = {
            "type": "object",
            "properties": {"id": {"$ref": "#/$defs/id"}, **{f.name: _field_schema(f) for f in fields}},
            "required": ["id", *[f.name for f in fields if f.required]],
            "additionalProperties": False,
        }
        properties[list_name] = {"type": "array", "items": {"$ref": f"#/$defs/{kind}"}}
    variants = []
    for rtype, fields in RELATION_FIELDS.items():
        sources, targets = RELATION_ENDPOINTS[rtype]
        name = f"relation_{rtype}"
        defs[name] = {
            "type": "object",
            "description": f"{rtype}: from {' or '.join(sorted(sources))} to {' or '.join(sorted(targets))}.",
            "properties": {
                "type": {"const": str(rtype)},
                "from": {"$ref": "#/$defs/id"},
                "to": {"$ref": "#/$defs/id"},
                **{f.name: _field_schema(f) for f in fields},
            },
            "required": ["type", "from", "to", *[f.name for f in fields if f.required]],
            "additionalProperties": False,
        }
        variants.append({"$ref": f"#/$defs/{name}"})
    properties["relations"] = {"type": "array", "items": {"oneOf": variants}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://graphsvc.example/schema/interchange.schema.json",
        "title": "graphsvc/1 interchange document",
        "description": (
            "A key account graph: accounts, their sites, people and committees, external influencers, "
            "our team members, and the relations between them. Rules between records (ids exist, "
            "allowed endpoint kinds, no REPORTS_TO cycle) are checked by `graphsvc check`."
        ),
        "type": "object",
        "properties": properties,
        "required": ["format"],
        "additionalProperties": False,
        "$defs": defs,
    }


def main() -> None:
    print(json.dumps(interchange_schema(), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

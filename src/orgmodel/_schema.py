"""The JSON Schema of the file format, built from the reader's own tables.

The shipped ``orgmodel/schema/orgmodel.schema.json`` is this module's output;
a test checks the two are the same, so the schema cannot drift from what the
reader accepts.  After changing the format, write it again with::

    python -m orgmodel._schema > src/orgmodel/schema/orgmodel.schema.json
"""

from __future__ import annotations

import json
from typing import Any

from orgmodel._entities import Category, FunctionKind, PostKind, RelationKind, Role, UnitKind
from orgmodel._events import LinkKind, Status
from orgmodel._reader import CANCEL_KEYS, ENTITY_SECTIONS, EVENT_KEYS, FORMAT_VERSION, KNOWLEDGE_KEYS
from orgmodel.dates import Precision

Schema = dict[str, Any]

_ID: Schema = {"type": "string", "minLength": 1, "pattern": r"^\S(.*\S)?$"}
_TEXT: Schema = {"type": "string"}
_NAME: Schema = {"type": "string", "minLength": 1}
_OPTIONAL_ID: Schema = {"oneOf": [_ID, {"type": "null"}]}
_IDS: Schema = {"oneOf": [_ID, {"type": "array", "items": _ID, "minItems": 1}]}
_NAMES: Schema = {"oneOf": [{"type": "string"}, {"type": "array", "items": _NAME}]}
_SCALAR: Schema = {"type": ["string", "number", "boolean"]}

_DATE: Schema = {
    "description": (
        "An effective date: ISO (2015-01-01, 2015-01, 2015, 2015-Q1, 2014-11-01/2014-12-31, ../2016-12-31, "
        "2014-03-05/..) or a Swedish or English phrase ('1 januari 2015', 'våren 2015', "
        "'vid årsskiftet 2013/2014', 'senast 2016'); or a phrase with a floor; or a window in full."
    ),
    "oneOf": [
        {"type": "string", "minLength": 1},
        {"type": "integer"},
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["text", "not_before"],
            "properties": {"text": _TEXT, "not_before": _TEXT},
        },
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["earliest", "latest"],
            "properties": {
                "earliest": _TEXT,
                "latest": _TEXT,
                "precision": {"enum": [member.value for member in Precision]},
                "text": _TEXT,
            },
        },
    ],
}
_DAY: Schema = {"description": "One day: 2015-02-10 (or a phrase that names one day).", "type": "string"}
_SOURCE: Schema = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "document": _TEXT,
        "body": _TEXT,
        "decided": _DATE,
        "reference": _TEXT,
        "quote": _TEXT,
        "dated": {**_DAY, "description": "The document's own date: what it says is known from then."},
    },
}
#: What was known when: keys of a log entry, not of an event inside a change.
_KNOWLEDGE: Schema = {
    "id": {**_ID, "description": "The change's id, for a later change to correct or cancel it."},
    "known": {**_DAY, "description": "The day the change became known (default: its source's dated day)."},
    "corrects": {**_ID, "description": "The id of an earlier change this one replaces from its known day on."},
}


def _kind(builtins: type[UnitKind] | type[PostKind] | type[FunctionKind] | type[RelationKind], what: str) -> Schema:
    """An open kind: a built-in one, or a name of the user's own."""
    return {
        "description": f"A {what} kind: one of the built-in kinds, or a name of your own.",
        "type": "string",
        "minLength": 1,
        "pattern": r"^\S(.*\S)?$",
        "examples": [member.value for member in builtins],
    }


def _fields(values: Schema, what: str) -> Schema:
    return {"description": what, "type": "object", "additionalProperties": values}


_ATTRIBUTES = _fields(_SCALAR, "Fields of your own: names to text, numbers or booleans.")
_IDENTIFIERS = _fields(_NAME, "The entity's ids in other registers, by scheme.")
_CHANGES_OF_ATTRIBUTES = _fields({"oneOf": [_SCALAR, {"type": "null"}]}, "Names to new values (null clears one).")
_CHANGES_OF_IDENTIFIERS = _fields({"oneOf": [_NAME, {"type": "null"}]}, "Schemes to new ids (null clears one).")
_ROLES: Schema = {
    "description": "Roles in the post: " + ", ".join(member.value for member in Role) + ", or names of your own.",
    "oneOf": [_NAME, {"type": "array", "items": _NAME}],
}
_HOLDER: Schema = {
    "oneOf": [
        _ID,
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["person"],
            "properties": {"person": _ID, "roles": _ROLES, "overlap": {"type": "boolean"}},
        },
    ]
}
_SEATS: Schema = {
    "description": "How many may hold the post at once (1 unless said).",
    "oneOf": [{"type": "integer", "minimum": 1}, {"const": "unlimited"}],
}

#: The schema of each entity field a file may write, by name.
_ENTITY_FIELDS: dict[str, Schema] = {
    "id": _ID,
    "name": _NAME,
    "title": _NAME,
    "aliases": _NAMES,
    "seats": _SEATS,
    "attributes": _ATTRIBUTES,
    "identifiers": _IDENTIFIERS,
}
_KINDS: dict[str, Schema] = {
    "units": _kind(UnitKind, "unit"),
    "posts": _kind(PostKind, "post"),
    "functions": _kind(FunctionKind, "function"),
}
#: The schema of each dated field an establish event may give, by name.
_DATED_FIELDS: dict[str, Schema] = {
    "parent": _OPTIONAL_ID,
    "unit": _OPTIONAL_ID,
    "heads": {"type": "boolean"},
    "reports_to": _OPTIONAL_ID,
    "holder": _OPTIONAL_ID,
    "holders": {"type": "array", "items": _HOLDER},
    "owner": _OPTIONAL_ID,
}
_DATED_BY_SECTION = {
    "units": ("parent",),
    "posts": ("unit", "heads", "reports_to", "holder", "holders"),
    "people": (),
    "functions": ("owner",),
}
_SINGULAR = {"units": "unit", "posts": "post", "people": "person", "functions": "function"}


def _entity(section: str, *, dated: bool) -> Schema:
    _, fields = ENTITY_SECTIONS[section]
    properties = {field: _KINDS[section] if field == "kind" else _ENTITY_FIELDS[field] for field in fields}
    if dated:
        properties.update({field: _DATED_FIELDS[field] for field in _DATED_BY_SECTION[section]})
    name = "title" if section == "posts" else "name"
    return {"type": "object", "additionalProperties": False, "required": ["id", name], "properties": properties}


#: The schema of each key an event takes besides the common ones, by event and key.
_EVENT_FIELDS: dict[str, dict[str, Schema]] = {
    "establish": {
        "establish": {
            "oneOf": [
                _ID,
                {
                    "type": "object",
                    "minProperties": 1,
                    "maxProperties": 1,
                    "properties": {singular: _entity(section, dated=True) for section, singular in _SINGULAR.items()},
                    "additionalProperties": False,
                },
            ]
        },
        **_DATED_FIELDS,
    },
    "dissolve": {"dissolve": _ID},
    "rename": {"rename": _ID, "name": _NAME, "kind": _TEXT, "reformed": {"type": "boolean"}},
    "move": {"move": _ID, "to": _OPTIONAL_ID},
    "merge": {"merge": _IDS, "into": _ID, "parent": _OPTIONAL_ID},
    "absorb": {"absorb": _IDS, "into": _ID, "parts": _IDS},
    "split": {
        "split": _ID,
        "into": {
            "type": "array",
            "items": {
                "oneOf": [
                    _ID,
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["id"],
                        "properties": {"id": _ID, "parent": _OPTIONAL_ID},
                    },
                ]
            },
            "minItems": 2,
        },
        "parent": _OPTIONAL_ID,
        "allocate": {"type": "object", "additionalProperties": _ID},
    },
    "spin-off": {"spin-off": _ID, "into": _ID, "parent": _OPTIONAL_ID, "parts": _IDS},
    "succeed": {
        "succeed": _ID,
        "by": _ID,
        "kind": {"enum": [member.value for member in LinkKind if member is not LinkKind.TRANSFERRED]},
    },
    "transfer": {"transfer": _ID, "to": _ID},
    "appoint": {"appoint": _ID, "to": _ID, "roles": _ROLES, "overlap": {"type": "boolean"}},
    "vacate": {"vacate": _ID, "person": _ID},
    "set-roles": {"set-roles": {"oneOf": [_ROLES, {"type": "null"}]}, "of": _ID, "in": _ID},
    "set": {"set": _ID, "attributes": _CHANGES_OF_ATTRIBUTES, "identifiers": _CHANGES_OF_IDENTIFIERS},
    "report": {"report": _ID, "to": _OPTIONAL_ID},
    "head": {"head": _OPTIONAL_ID, "of": _ID},
    "relate": {"relate": _kind(RelationKind, "relation"), "from": _ID, "to": _ID, "detail": _TEXT},
    "unrelate": {"unrelate": _kind(RelationKind, "relation"), "from": _ID, "to": _ID, "detail": _TEXT},
}


def _common() -> Schema:
    return {
        "on": _DATE,
        "status": {"enum": [member.value for member in Status]},
        "source": {"oneOf": [{"type": "string"}, _SOURCE]},
        "quote": _TEXT,
        "note": _TEXT,
    }


def build() -> Schema:
    """The schema of the file format, as the reader reads it."""
    assert set(_KNOWLEDGE) == set(KNOWLEDGE_KEYS), "what was known when: the schema must list the reader's keys"
    assert set(_EVENT_FIELDS) == set(EVENT_KEYS), "every event the reader knows needs its schema here"
    definitions: Schema = {"date": _DATE, "source": _SOURCE}
    for name, (extra, required) in EVENT_KEYS.items():
        fields = _EVENT_FIELDS[name]
        assert set(fields) == {name, *extra}, f"the schema of event {name!r} must list exactly the keys it takes"
        # An event's keys, once: inside a change it takes only these; as a log entry of its own it needs a
        # date and may also say what was known when (unevaluatedProperties sees through the $ref).
        definitions[f"fields-{name}"] = {
            "type": "object",
            "required": [name, *required],
            "properties": {**_common(), **fields},
        }
        definitions[f"event-{name}"] = {"$ref": f"#/$defs/fields-{name}", "unevaluatedProperties": False}
        definitions[f"entry-{name}"] = {
            "$ref": f"#/$defs/fields-{name}",
            "required": ["on"],
            "properties": {key: {"$ref": f"#/$defs/knowledge-{key}"} for key in _KNOWLEDGE},
            "unevaluatedProperties": False,
        }
    definitions.update({f"knowledge-{key}": value for key, value in _KNOWLEDGE.items()})
    definitions["event"] = {"oneOf": [{"$ref": f"#/$defs/event-{name}"} for name in EVENT_KEYS]}
    definitions["change"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["on", "events"],
        "properties": {
            **_common(),
            **_KNOWLEDGE,
            "events": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/event"}},
        },
    }
    common = _common()
    assert set(CANCEL_KEYS) == {"cancels", *_KNOWLEDGE, *common} - {"on", "status", "corrects"}
    definitions["cancellation"] = {
        "description": "Cancels the change with this id from its known day on (it is kept, never applied).",
        "type": "object",
        "additionalProperties": False,
        "required": ["cancels"],
        "properties": {
            "cancels": _ID,
            **{key: value for key, value in {**common, **_KNOWLEDGE}.items() if key in CANCEL_KEYS},
        },
    }
    entries = [{"$ref": "#/$defs/change"}, {"$ref": "#/$defs/cancellation"}]
    entries += [{"$ref": f"#/$defs/entry-{name}"} for name in EVENT_KEYS]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://orgmodel.example/schema/orgmodel-{FORMAT_VERSION}.schema.json",
        "title": f"orgmodel file (format version {FORMAT_VERSION})",
        "description": "An organisation's history as dated change events. See docs/format.md.",
        "type": "object",
        "additionalProperties": False,
        "required": ["events"],
        "properties": {
            "orgmodel": {"const": FORMAT_VERSION},
            "title": _TEXT,
            "description": _TEXT,
            "categories": {
                "description": "What each kind of unit of your own is: it decides how units are grouped when drawn.",
                "type": "object",
                "additionalProperties": {"enum": [member.value for member in Category]},
            },
            "sources": {"type": "object", "additionalProperties": _SOURCE},
            "entities": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    section: {"type": "array", "items": _entity(section, dated=False)} for section in ENTITY_SECTIONS
                },
            },
            "events": {"type": "array", "items": {"oneOf": entries}},
        },
        "$defs": definitions,
    }


def text() -> str:
    """The schema as the shipped file holds it."""
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(text(), end="")

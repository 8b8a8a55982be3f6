"""The OpenAPI document as the service really behaves, not as BentoML guesses it.

BentoML derives ``/docs.json`` from the route signatures; the guard in front of the routes
answers more than that document says (401, 403, 413, 415, 503 with ``Retry-After``, a
``{"error": ...}`` body everywhere). ``complete(doc)`` adds what is missing so that a client
generator, a reviewer or schemathesis reading the document sees the service it will meet:
every answer code, the real error body, label fields as enums, request bodies required,
and the bearer scheme used when ``JINGQING_API_TOKEN`` is set.
"""

from __future__ import annotations

import copy
from typing import Any

from features.labels import CATEGORIES, DISPOSITIONS, DIVERT_TO

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string", "description": "what is wrong, naming the field"},
        "field": {"type": "string"},
        "detail": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
}
_POST_ERRORS = {
    "400": "the body is not a JSON object, or a field is invalid (named in error)",
    "401": "JINGQING_API_TOKEN is set and the bearer token is missing or wrong",
    "403": "a browser request from another origin",
    "413": "the body is larger than JINGQING_MAX_BODY_BYTES",
    "415": "Content-Type is not application/json (UTF-8)",
    "422": "the request is well formed but cannot be answered (e.g. a forecast window)",
    "503": "a model or the feedback store is not available; retry after Retry-After seconds",
    "500": "an unexpected error (a bug)",
}
_ENUMS = {
    "suggested_category": list(CATEGORIES),
    "final_category": list(CATEGORIES),
    "final_disposition": list(DISPOSITIONS),
    "final_divert_to": ["", *DIVERT_TO],
}
# The routing rule the feedback model checks across fields, as the schema's own alternatives.
_ROUTING = [
    {
        "properties": {
            "final_disposition": {"enum": ["divert"]},
            "final_divert_to": {"enum": list(DIVERT_TO)},
        },
        "required": ["final_divert_to"],
    },
    {
        "properties": {
            "final_disposition": {"enum": [d for d in DISPOSITIONS if d != "divert"]},
            "final_divert_to": {"enum": [""]},
        }
    },
]
# A text of only whitespace is refused; Python's whitespace, spelt out (regex dialects
# disagree on what \s holds).
_NOT_BLANK = (
    "[^\\t-\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
)
_RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}


def _error_response(description: str, code: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if code == "503":
        response["headers"] = _RETRY_AFTER
    return response


def _schemas_of(operation: dict[str, Any], doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The request and answer object schemas of an operation, ``$ref``s resolved."""
    found = []
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    candidates = [body.get("schema", {})]
    for response in operation.get("responses", {}).values():
        candidates.append(response.get("content", {}).get("application/json", {}).get("schema"))
    for schema in candidates:
        while isinstance(schema, dict) and ("items" in schema or "$ref" in schema):
            if "$ref" in schema:
                schema = doc["components"]["schemas"].get(schema["$ref"].rsplit("/", 1)[-1])
            else:
                schema = schema["items"]
        if isinstance(schema, dict):
            found.append(schema)
    return found


def _tighten(schema: dict[str, Any]) -> None:
    """Label enums, the routing rule and non-blank texts on one object schema."""
    properties = schema.get("properties", {})
    for field, values in _ENUMS.items():
        if field in properties:
            properties[field]["enum"] = values
    if "final_disposition" in properties and "final_divert_to" in properties:
        schema["anyOf"] = _ROUTING
    if "text" in properties:
        properties["text"]["pattern"] = _NOT_BLANK
    if "replaces" in properties:  # null for the first correction of a call
        properties["replaces"]["nullable"] = True
    for prop in properties.values():  # optional fields whose default is null accept null
        if isinstance(prop, dict) and "default" in prop and prop["default"] is None:
            prop["nullable"] = True
    items = properties.get("texts", {}).get("items")
    if isinstance(items, dict):
        items["pattern"] = _NOT_BLANK


def _openapi30_bounds(node: Any) -> None:
    """Pydantic writes JSON Schema 2020 bounds (``exclusiveMaximum: 1``); the document is
    OpenAPI 3.0, where the bound is ``maximum`` and ``exclusiveMaximum`` a boolean."""
    if isinstance(node, dict):
        for key, plain in (("exclusiveMaximum", "maximum"), ("exclusiveMinimum", "minimum")):
            value = node.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                node[plain], node[key] = value, True
        for child in node.values():
            _openapi30_bounds(child)
    elif isinstance(node, list):
        for child in node:
            _openapi30_bounds(child)


def complete(doc: dict[str, Any]) -> dict[str, Any]:
    """A copy of BentoML's document with the guard's answers, enums and security added."""
    doc = copy.deepcopy(doc)
    if str(doc.get("openapi", "")).startswith("3.0"):
        _openapi30_bounds(doc)
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Error"] = ERROR
    for name in ("InvalidArgument", "NotFound", "InternalServerError"):
        schemas[name] = ERROR
    components["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "required on POST routes when JINGQING_API_TOKEN is set",
        }
    }
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            if method == "post":
                operation.setdefault("requestBody", {})["required"] = True
                operation["security"] = [{"bearer": []}, {}]
                for code, description in _POST_ERRORS.items():
                    responses[code] = _error_response(description, code)
                responses.pop("404", None)
            elif path == "/readyz":
                responses["503"] = _error_response("a model is not loaded (named)", "503")
            for schema in _schemas_of(operation, doc):
                _tighten(schema)
    from serving.openapi_info import apply

    apply(doc)  # own title, version, description and working examples
    return doc

"""The OpenAPI 3.1 document, generated from the routes and their @operation declarations.

Paths and methods come from the app's URL map, path parameters from the URL converters,
query parameters and bodies from the request models that collab.api.validation enforces,
answers from collab.api.responses, the error answers from what each operation can refuse.
Nothing here is written by hand twice, so the document says what the server does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask import Flask, current_app
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from werkzeug.routing import Rule

from collab.api.responses import ErrorAnswer
from collab.api.validation import Operation
from collab.http.access import Access

API_PREFIX = "/api/"
_PARAMETER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_REF = "#/components/schemas/{model}"
EMPTY = {"type": "string", "maxLength": 0, "description": "empty: as if not given"}

DESCRIPTION = """\
Agency recommendations, routed tasks, alerts, KPIs and impacts.

Every error answers `{"error": {"code", "message", "fields"?, "current"?}}`. Request bodies
are JSON objects checked strictly: a field of the wrong type, an unknown field, a lone
surrogate, a NaN or a body nested deeper than 200 levels answers 422 naming each field;
a body over the limit (16 MiB; uploads 100 MiB) answers 413. Unknown query parameters are
ignored, empty ones mean "no filter", and one given twice answers 422. Lists page with
`cursor` and `limit`. Ids in paths are whole numbers up to 2147483647 (others find nothing:
404). A method a path does not have answers 405 with an `Allow` header listing the ones it
has.
"""

_ERROR_CONTENT = {"application/json": {"schema": {"$ref": _REF.format(model="ErrorAnswer")}}}
ERROR_ANSWERS = {
    "Unauthorized": "no token, or an unknown or revoked one (WWW-Authenticate: Bearer)",
    "Forbidden": "the role may not do this",
    "NotFound": "no such object in this organisation (another tenant's look the same)",
    "Conflict": "the object changed meanwhile; error.current is it now",
    "TooLarge": "the body is over the size limit",
    "Invalid": "invalid input; error.fields names each bad field or row",
    "MethodNotAllowed": "the path has no such method; Allow lists those it has",
}


def document() -> dict:
    """The app's document, built once per app (routes do not change while it runs)."""
    cache = current_app.extensions.setdefault("collab.openapi", {})
    if "document" not in cache:
        cache["document"] = build(current_app)
    return cache["document"]


def build(app: Flask) -> dict:
    paths: dict[str, dict] = {}
    bodies: set[type[BaseModel]] = set()
    answers: set[type[BaseModel]] = {ErrorAnswer}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(API_PREFIX):
            continue
        view = app.view_functions[rule.endpoint]
        declared: Operation | None = getattr(view, "api_operation", None)
        rule_access: Access | None = getattr(view, "access_rule", None)
        path, parameters = _path(app, rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(
                rule, view, declared, rule_access, parameters
            )
        if declared is not None:
            bodies.update(m for m in (declared.body, *declared.extra_schemas) if m)
            answers.update(m for m, _ in declared.answers.values() if m)
    return {
        "openapi": "3.1.0",
        "info": {"title": "collab API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": _schemas(bodies, answers),
            "responses": _error_answers(),
        },
    }


def _path(app: Flask, rule: Rule) -> tuple[str, list[dict]]:
    parameters = []
    for converter, name in _PARAMETER.findall(rule.rule):
        schema = dict(getattr(app.url_map.converters[converter or "default"], "json_schema", {}))
        parameter = {"name": name, "in": "path", "required": True, "schema": schema or {}}
        if name == "org":
            parameter["description"] = "the organisation's slug"
        parameters.append(parameter)
    return _PARAMETER.sub(lambda m: "{" + m.group(2) + "}", rule.rule), parameters


def _operation(rule, view, declared, rule_access, path_parameters) -> dict:
    doc = (view.__doc__ or rule.endpoint).strip().split("\n\n", 1)
    found: dict = {"operationId": rule.endpoint.replace(".", "_"), "summary": doc[0].strip()}
    if len(doc) > 1:
        found["description"] = " ".join(doc[1].split())
    if rule_access is not None and rule_access.public:
        found["security"] = []
    parameters = list(path_parameters)
    if declared is not None and declared.query is not None:
        parameters += _query_parameters(declared.query)
    if parameters:
        found["parameters"] = parameters
    content = {}
    if declared is not None and (declared.form is not None or declared.files):
        content["multipart/form-data"] = {"schema": _form_schema(declared)}
    if declared is not None and declared.body is not None:
        content["application/json"] = {"schema": {"$ref": _ref(declared.body)}}
    if content:
        found["requestBody"] = {"required": True, "content": content}
    found["responses"] = _responses(declared, rule_access, bool(path_parameters))
    return found


def _responses(declared: Operation | None, rule_access: Access | None, has_path: bool) -> dict:
    responses: dict[str, dict] = {}
    answers = declared.answers if declared is not None else {200: (None, "OK")}
    for status, (model, description) in sorted(answers.items()):
        schema = {"$ref": _ref(model)} if model else {"type": "object"}
        responses[str(status)] = {
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    public = rule_access is not None and rule_access.public

    def error(status: int, name: str) -> None:
        responses[str(status)] = {"$ref": f"#/components/responses/{name}"}

    if not public:
        error(401, "Unauthorized")
    if rule_access is not None and (rule_access.action or rule_access.operator):
        error(403, "Forbidden")
    if has_path or (declared is not None and declared.query is not None):
        error(404, "NotFound")  # an unknown organisation or object; ?org= on categories
    if declared is not None and declared.conflict:
        responses["409"] = {"description": declared.conflict, "content": _ERROR_CONTENT}
    takes_body = declared is not None and (
        declared.body is not None or declared.form is not None or bool(declared.files)
    )
    if takes_body:
        error(413, "TooLarge")
    if takes_body or (declared is not None and declared.query is not None):
        error(422, "Invalid")
    return dict(sorted(responses.items()))


def _query_parameters(model: type[BaseModel]) -> list[dict]:
    schema = model.model_json_schema(by_alias=True, ref_template=_REF)
    if "$defs" in schema:  # a query value is text: nested models have no place in one
        raise TypeError(f"{model.__name__}: query parameters must be plain values")
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema["properties"].items():
        prop = _tidy(_not_null(prop))
        parameter = {"name": name, "in": "query", "required": name in required}
        if "description" in prop:
            parameter["description"] = prop.pop("description")
        # An empty value (?status=) means "no filter", as it always has.
        parameter["schema"] = prop if name in required else {"anyOf": [prop, EMPTY]}
        parameters.append(parameter)
    return parameters


def _form_schema(declared: Operation) -> dict:
    """A multipart form: its text fields as the query parameters are, then its files."""
    properties, required = {}, list(declared.files)
    if declared.form is not None:
        for parameter in _query_parameters(declared.form):
            schema = parameter["schema"]
            if "description" in parameter:
                schema = {**schema, "description": parameter["description"]}
            properties[parameter["name"]] = schema
            if parameter["required"]:
                required.append(parameter["name"])
    for name in declared.files:
        properties[name] = {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "contentMediaType": "application/octet-stream"},
            "description": "one file or more, each as its own part",
        }
    return {"type": "object", "properties": properties, "required": required}


def _not_null(schema: dict) -> dict:
    """An absent query parameter is how one says "none": the null choice has no spelling."""
    choices = schema.get("anyOf")
    if choices and {"type": "null"} in choices:
        rest = [c for c in choices if c != {"type": "null"}]
        if len(rest) == 1:
            outer = {k: v for k, v in schema.items() if k != "anyOf"}
            return {**rest[0], **outer}
    return schema


def _schemas(bodies: Iterable[type[BaseModel]], answers: Iterable[type[BaseModel]]) -> dict:
    models = [(m, "validation") for m in sorted(bodies, key=lambda m: m.__name__)]
    models += [(m, "serialization") for m in sorted(answers, key=lambda m: m.__name__)]
    _, found = models_json_schema(models, by_alias=True, ref_template=_REF)
    return {name: _tidy(schema) for name, schema in sorted(found.get("$defs", {}).items())}


def _ref(model: type[BaseModel]) -> str:
    return _REF.format(model=model.__name__)


def _tidy(schema):
    """Drop what pydantic adds for Python's sake: titles, and `default: null` on fields that
    may be left out but not sent as null."""
    if isinstance(schema, dict):
        # A property may be called "title": only the keyword's string value is dropped.
        return {
            key: _tidy(value)
            for key, value in schema.items()
            if not (key == "title" and isinstance(value, str))
            and not (key == "default" and value is None)
        }
    if isinstance(schema, list):
        return [_tidy(value) for value in schema]
    return schema


def _error_answers() -> dict:
    answers = {
        name: {"description": text, "content": _ERROR_CONTENT}
        for name, text in ERROR_ANSWERS.items()
    }
    answers["Unauthorized"]["headers"] = {
        "WWW-Authenticate": {"schema": {"type": "string"}, "required": True}
    }
    answers["MethodNotAllowed"]["headers"] = {
        "Allow": {"schema": {"type": "string"}, "required": True}
    }
    return answers

"""The API's one request-validation layer: @operation declares what a view takes and answers.

    @bp.route("/orgs/<org>/tasks/<int:task_id>", methods=["PATCH"])
    @access("task.move")
    @operation(body=TaskChange, answers={200: Task}, conflict="stale version")
    def patch_task(org, task_id, body: TaskChange): ...

Before the view runs, the body is read within its size limit and parsed by pydantic's JSON
parser (which refuses lone surrogates, nesting deeper than 200 and NaN/Infinity in typed
fields), then validated against the model; the query string likewise. Uploads declare
`form=` (the text fields of a multipart form) and `files=` (the names of its file fields),
and may also take `body=` for a JSON alternative; the view then receives whichever was
sent, the other as None. A refusal is a
ValidationFailed: 422 in API.md's shape, each field named as the caller wrote it
(`items[1].status`, `observations`). The same declaration is what collab.api.openapi turns
into the OpenAPI document, so the document cannot drift from what is enforced.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from flask import current_app, request
from flask_babel import gettext
from pydantic import BaseModel, ValidationError
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from collab.platform.errors import N_, ValidationFailed

JSON_BODY = N_("a JSON object, sent with Content-Type: application/json")
UPLOAD_BODY = N_("a form, sent with Content-Type: multipart/form-data")
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Operation:
    answers: Mapping[int, tuple[type[BaseModel] | None, str]]
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    conflict: str | None = None  # when the operation can answer 409, why
    # The config key holding the largest body this operation reads: uploads name a larger one.
    body_limit: str = "MAX_CONTENT_LENGTH"
    extra_schemas: tuple[type[BaseModel], ...] = field(default=())
    form: type[BaseModel] | None = None  # a multipart form's text fields
    files: tuple[str, ...] = ()  # its file fields, each one file or more


def operation(
    *,
    answers: Mapping[int, type[BaseModel] | None | tuple[type[BaseModel] | None, str]],
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    query_context: Callable[[], dict] | None = None,
    conflict: str | None = None,
    body_limit: str = "MAX_CONTENT_LENGTH",
    extra_schemas: tuple[type[BaseModel], ...] = (),
    form: type[BaseModel] | None = None,
    files: tuple[str, ...] = (),
) -> Callable:
    """Validates the request before the view and records the operation for the document.

    The view receives `body=` and `query=` as validated models, an upload `form=` and
    `files=` ({field: [FileStorage]}). `query_context` supplies what a query model's checks
    need from the request (the organisation's metrics)."""
    declared = Operation(
        answers={
            status: answer if isinstance(answer, tuple) else (answer, "OK")
            for status, answer in answers.items()
        },
        body=body,
        query=query,
        conflict=conflict,
        body_limit=body_limit,
        extra_schemas=extra_schemas,
        form=form,
        files=tuple(files),
    )
    takes_form = form is not None or bool(files)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def validated(**kwargs):
            if query is not None:
                context = query_context() if query_context else None
                kwargs["query"] = parse_query(query, context)
            limit = current_app.config[body_limit]
            if takes_form and (body is None or request.mimetype in FORM_TYPES):
                kwargs["form"], kwargs["files"] = parse_form(form, declared.files, limit)
                if body is not None:
                    kwargs["body"] = None
            elif body is not None:
                if takes_form and not request.is_json:
                    # Neither of the two ways in: say both, naming the file fields.
                    either = gettext(
                        "%(form)s, or %(json)s", form=gettext(UPLOAD_BODY), json=gettext(JSON_BODY)
                    )
                    raise ValidationFailed(
                        gettext("send %(what)s", what=either),
                        {name: gettext("required: one file or more") for name in declared.files}
                        | {"body": either},
                    )
                kwargs["body"] = parse_body(body, limit)
                if takes_form:
                    kwargs["form"] = kwargs["files"] = None
            return view(**kwargs)

        validated.api_operation = declared
        return validated

    return decorate


def read_body(limit: int) -> bytes:
    """The whole body, or 413 when it is longer than `limit`, however it was sent.

    Werkzeug stops reading a chunked body (no Content-Length) at the limit without saying
    so; JSON cut at 16 MiB then fails to parse, and the caller would be told 422 instead of
    413. Reading one byte past the limit tells the two apart."""
    request.max_content_length = limit + 1  # Flask 3.1: this request's own limit
    data = request.get_data(cache=True)
    if len(data) > limit:
        raise RequestEntityTooLarge()
    return data


def parse_body(model: type[M], limit: int) -> M:
    raw = read_body(limit)
    if not request.is_json:
        raise ValidationFailed(
            gettext("send %(what)s", what=gettext(JSON_BODY)), {"body": gettext(JSON_BODY)}
        )
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as error:
        raise ValidationFailed(gettext("the request body is not valid"), fields_of(error)) from None


def parse_form(
    model: type[M] | None, file_fields: tuple[str, ...], limit: int
) -> tuple[M | None, dict[str, list[FileStorage]]]:
    """A multipart form: its text fields as `model`, its files by field name.

    Werkzeug parses the form as it reads (files go to temporary files, not memory); the
    stream is limited to one byte past `limit`, so a body cut at the limit is told apart
    from one that fits, whether or not it declared its length."""
    if request.mimetype not in FORM_TYPES:
        raise ValidationFailed(
            gettext("send %(what)s", what=gettext(UPLOAD_BODY)), {"body": gettext(UPLOAD_BODY)}
        )
    request.max_content_length = limit + 1
    fields, uploaded = request.form, request.files
    if request.stream.tell() > limit:
        raise RequestEntityTooLarge()
    found = {name: [f for f in uploaded.getlist(name) if f.filename] for name in file_fields}
    missing = {
        name: gettext("required: one file or more") for name, given in found.items() if not given
    }
    parsed = None
    if model is not None:
        try:
            parsed = _validate_text(model, fields)
        except ValidationFailed as refused:
            raise ValidationFailed(
                gettext("the form is not valid"), missing | refused.fields
            ) from None
    if missing:
        raise ValidationFailed(gettext("the form is not valid"), missing)
    return parsed, found


def parse_query(model: type[M], context: dict | None = None) -> M:
    return _validate_text(model, request.args, context, gettext("bad query parameters"))


def _validate_text(
    model: type[M], given: MultiDict, context: dict | None = None, problem: str = "invalid form"
) -> M:
    # Query strings and form fields are text. An empty value (?status=) means "not given",
    # as it always has. Other names are ignored; one of ours given twice is ambiguous
    # (which filter did you mean?) and refused.
    names = {f.alias or name for name, f in model.model_fields.items()}
    values = {k: v for k, v in given.items() if k in names and v != ""}
    repeated = {k: "given more than once" for k in names if len(given.getlist(k)) > 1}
    try:
        found = model.model_validate(values, context=context)
    except ValidationError as error:
        raise ValidationFailed(problem, repeated | fields_of(error)) from None
    if repeated:
        raise ValidationFailed(problem, repeated)
    return found


def fields_of(error: ValidationError) -> dict[str, str]:
    """pydantic's errors as API.md's fields: {"items[1].status": "one of ..."}."""
    fields: dict[str, str] = {}
    for problem in error.errors(include_url=False, include_context=True, include_input=False):
        fields.setdefault(_name(problem["loc"]), _reason(problem))
    return fields


def _name(location: tuple) -> str:
    name = ""
    for part in location:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "body"


_REASONS = {
    "missing": N_("required"),
    "extra_forbidden": N_("unknown field"),
    "string_type": N_("a string"),
    "int_type": N_("a whole number"),
    "int_parsing": N_("a whole number"),
    "int_from_float": N_("a whole number"),
    "bool_type": N_("true or false"),
    "bool_parsing": N_("true or false"),
    "float_type": N_("a number"),
    "finite_number": N_("a finite number"),
    "list_type": N_("a list"),
    "model_type": N_("a JSON object"),
    "model_attributes_type": N_("a JSON object"),
    "dict_type": N_("a JSON object"),
    "date_type": N_("a date as YYYY-MM-DD"),
    "date_parsing": N_("a date as YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("a date as YYYY-MM-DD"),
    "date_from_datetime_inexact": N_("a date as YYYY-MM-DD"),
    "datetime_type": N_("an ISO 8601 date and time, e.g. 2026-03-01T09:00:00+03:00"),
    "datetime_parsing": N_("an ISO 8601 date and time, e.g. 2026-03-01T09:00:00+03:00"),
    "datetime_from_date_parsing": N_("an ISO 8601 date and time, e.g. 2026-03-01T09:00:00+03:00"),
    "timezone_aware": N_("give a time zone offset (e.g. +00:00)"),
}


def _reason(problem: Mapping) -> str:
    kind = problem["type"]
    context = problem.get("ctx") or {}
    if kind == "json_invalid":
        return gettext("not valid JSON: %(error)s", error=context.get("error", problem["msg"]))
    if kind == "literal_error":
        choices = context.get("expected", "").replace("'", "").replace(" or ", ", ")
        return gettext("one of %(choices)s", choices=choices)
    if kind == "value_error":
        return str(context.get("error", problem["msg"]))
    if kind == "string_too_long":
        return gettext("at most %(count)s characters", count=context.get("max_length"))
    if kind == "too_long":
        return gettext("at most %(count)s items", count=context.get("max_length"))
    if kind in ("string_too_short", "too_short"):
        return gettext("required") if context.get("min_length") == 1 else problem["msg"]
    if kind == "string_pattern_mismatch":
        return gettext("contains a character that is not allowed here")
    if kind == "less_than_equal":
        return gettext("at most %(bound)s", bound=context.get("le"))
    if kind == "greater_than_equal":
        return gettext("at least %(bound)s", bound=context.get("ge"))
    return gettext(_REASONS[kind]) if kind in _REASONS else problem["msg"]

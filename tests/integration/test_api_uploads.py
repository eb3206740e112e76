"""Uploads through @operation: the hook the audit and KPI-file endpoints will use (multipart
form fields and files, a JSON alternative, their own larger body limit)."""

import io
from typing import Annotated

import pytest
from flask import Blueprint, jsonify
from pydantic import Field

from collab.api.schemas import Body, Query
from collab.api.validation import operation
from collab.http.access import access
from collab.platform.extensions import csrf

MIB = 1024 * 1024


class ProbeForm(Query):
    channel: Annotated[str, Field(max_length=8)] | None = None


class ProbeBody(Body):
    report: dict


@pytest.fixture
def probe(app):
    """A route declared as the upload endpoints will be, registered on this app only."""
    bp = Blueprint("api_probe", __name__, url_prefix="/api/v1/probe")

    @bp.route("/files", methods=["POST"])
    @access(public=True)
    @operation(
        form=ProbeForm,
        files=("file",),
        body=ProbeBody,
        body_limit="MAX_UPLOAD_LENGTH",
        answers={200: None},
    )
    def upload(form, files, body):
        """Accept a file"""
        if body is not None:
            return jsonify({"json": body.report})
        sizes = {name: [len(f.read()) for f in given] for name, given in files.items()}
        return jsonify({"channel": form.channel, "sizes": sizes})

    csrf.exempt(bp)  # as the API's own blueprint is: tokens, not cookies
    app.register_blueprint(bp)
    return app.test_client()


def _form(client, data, **kwargs):
    return client.post(
        "/api/v1/probe/files", data=data, content_type="multipart/form-data", **kwargs
    )


def test_files_and_fields_reach_the_view(probe):
    response = _form(
        probe,
        {
            "channel": "email",
            "file": [(io.BytesIO(b"a,b\n"), "one.csv"), (io.BytesIO(b"z"), "2.csv")],
        },
    )
    assert response.status_code == 200, response.json
    assert response.json == {"channel": "email", "sizes": {"file": [4, 1]}}


def test_a_json_body_is_the_alternative(probe):
    response = probe.post("/api/v1/probe/files", json={"report": {"lighthouseVersion": "13"}})
    assert response.json == {"json": {"lighthouseVersion": "13"}}
    refused = probe.post("/api/v1/probe/files", json={"report": [], "extra": 1})
    assert set(refused.json["error"]["fields"]) == {"report", "extra"}


def _file(content: bytes = b"x", name: str = "a.csv"):
    return (io.BytesIO(content), name)


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        (lambda: {"channel": "email"}, {"file": "required: one file or more"}),
        (lambda: {"channel": "far too long", "file": _file()}, {"channel"}),
        (lambda: {"channel": ["a", "b"], "file": _file()}, {"channel"}),
        (lambda: {"file": _file(b"", "")}, {"file"}),  # a file input left empty
    ],
)
def test_a_bad_form_is_422_naming_the_field(probe, data, fields):
    # Built per run: a file object is read, and so emptied, by the request that sends it.
    response = _form(probe, data())
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == set(fields)
    if isinstance(fields, dict):
        assert response.json["error"]["fields"] == fields


def test_neither_a_form_nor_json_is_422(probe):
    response = probe.post("/api/v1/probe/files", data="hello", content_type="text/plain")
    assert response.status_code == 422
    assert "body" in response.json["error"]["fields"]


def _chunked_upload(client, size: int):
    boundary = "probe-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body = head + b"x" * (size - len(head) - len(tail)) + tail
    return client.post(
        "/api/v1/probe/files",
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        environ_overrides={"wsgi.input_terminated": True},  # chunked: no Content-Length
    )


def test_an_upload_may_be_larger_than_other_bodies_but_not_than_its_own_limit(app, probe):
    app.config.update(MAX_CONTENT_LENGTH=1 * MIB, MAX_UPLOAD_LENGTH=3 * MIB)
    accepted = _chunked_upload(probe, 2 * MIB)
    assert accepted.status_code == 200, accepted.json
    assert accepted.json["sizes"]["file"][0] > MIB
    refused = _chunked_upload(probe, 4 * MIB)
    assert refused.status_code == 413
    assert refused.json["error"]["code"] == "request_entity_too_large"


def test_the_document_describes_the_form_and_the_json_alternative(probe):
    operation_doc = probe.get("/api/v1/openapi.json").json["paths"]["/api/v1/probe/files"]["post"]
    content = operation_doc["requestBody"]["content"]
    form = content["multipart/form-data"]["schema"]
    assert form["required"] == ["file"]
    assert form["properties"]["file"]["items"]["contentMediaType"] == "application/octet-stream"
    assert content["application/json"]["schema"]["$ref"].endswith("/ProbeBody")
    assert {"413", "422"} <= set(operation_doc["responses"])

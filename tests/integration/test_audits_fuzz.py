"""Whatever the bytes, an import either succeeds or is refused with the one clear 422 that
names the file, and a refusal writes nothing."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from collab.audits import AuditFileError
from collab.audits.imports import import_audit
from collab.models.site_audits import AuditImport
from collab.platform.extensions import db
from tests.support.audits import fixture
from tests.support.factories import make_org, make_user, membership

REPORT = fixture("lighthouse/v13_desktop.json")
CRAWL = fixture("screaming_frog/internal_all.csv")


def _mangled(base: bytes):
    return st.tuples(st.integers(0, len(base)), st.integers(0, 400), st.binary(max_size=40)).map(
        lambda cut: base[: cut[0]] + cut[2] + base[cut[0] + cut[1] :]
    )


def _json_values():
    leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=20,
    )


def _reshaped():
    """The report with one audit's fields replaced by values of any JSON type."""
    report = json.loads(REPORT)
    return st.tuples(st.sampled_from(sorted(report["audits"])), _json_values()).map(
        lambda change: json.dumps(
            {**report, "audits": {**report["audits"], change[0]: change[1]}}
        ).encode()
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.one_of(_mangled(REPORT), _mangled(CRAWL), _reshaped(), st.binary(max_size=300)))
def test_any_bytes_import_or_are_refused_naming_the_file(app, data):
    org = make_org()
    agency = membership(make_user(org, "agency"), org)
    try:
        record = import_audit(org, agency, [("upload.bin", data)], add_hosts=True)
    except AuditFileError as refusal:
        assert refusal.status == 422
        assert refusal.fields["file"].startswith("upload.bin")
        assert db.session.scalar(select(func.count()).select_from(AuditImport)) == 0
    else:
        assert record.id is not None
    db.session.rollback()

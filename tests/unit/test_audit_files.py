"""The door for audit files: ZIPs of reports, and every kind of bad input refused in words that
name the file, never with any other exception."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collab.audits import AuditFileError, read_audit_files
from collab.audits import files as audit_files

FIXTURES = Path(__file__).parents[1] / "fixtures" / "audits"
V13 = (FIXTURES / "lighthouse" / "v13_desktop.json").read_bytes()
OVERVIEW = (FIXTURES / "screaming_frog" / "issues_overview_report.csv").read_bytes()
INTERNAL_ERROR = "could not be read ("


def refusal(files, **kwargs) -> AuditFileError:
    with pytest.raises(AuditFileError) as caught:
        read_audit_files(files, **kwargs)
    return caught.value


def zipped(*members: tuple[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


# --- ZIPs -----------------------------------------------------------------------------------


def test_a_zip_of_reports_is_read_member_by_member():
    batch = read_audit_files(
        [("reports.zip", (FIXTURES / "lighthouse" / "reports.zip").read_bytes())]
    )
    assert [(r.file, r.form_factor) for r in batch.reports] == [
        ("reports.zip/site-audit/home-desktop.report.json", "desktop"),
        ("reports.zip/site-audit/home-mobile-psi.json", "mobile"),
    ]
    # The HTML twin of a report is not audit data; macOS metadata is not even mentioned.
    assert batch.skipped == ("reports.zip/site-audit/home-desktop.report.html",)
    assert {f.file for f in batch.findings} == {r.file for r in batch.reports}


def test_a_zip_may_mix_reports_and_crawls_and_csvs_get_the_audit_date():
    day = dt.date(2026, 5, 4)
    data = zipped(("a/report.json", V13), ("a/issues_overview_report.csv", OVERVIEW))
    batch = read_audit_files([("mixed.zip", data)], audited_on=day)
    assert [r.source for r in batch.reports] == ["lighthouse", "screaming_frog"]
    assert batch.reports[0].audited_on.date() == dt.date(2026, 4, 23)  # its own fetchTime
    assert batch.reports[1].audited_on == day


@pytest.mark.parametrize(
    ("members", "file", "message"),
    [
        ([("notes.html", b"<html></html>")], "x.zip", "holds no JSON or CSV file"),
        ([("inner.zip", zipped(("r.json", V13)))], "x.zip/inner.zip", "a ZIP inside the ZIP"),
        ([("r.json", V13[: len(V13) // 2])], "x.zip/r.json", "cut short"),
        ([("xl/workbook.xml", b"<workbook/>")], "x.zip", "Excel workbook"),
    ],
)
def test_a_zip_without_usable_reports_is_refused(members, file, message):
    error = refusal([("x.zip", zipped(*members))])
    assert error.file == file and message in error.problem


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = zipped(("huge.json", b"[" + b" " * (60 * 1024 * 1024) + b"]"))
    assert len(bomb) < 200_000
    error = refusal([("bomb.zip", bomb)])
    assert error.file == "bomb.zip/huge.json" and "ZIP bomb" in error.problem


def test_a_zip_that_lies_about_its_sizes_is_stopped_while_unpacking(monkeypatch):
    monkeypatch.setattr(audit_files, "RATIO_EXEMPT_BYTES", 1024)
    data = bytearray(zipped(("r.json", b"[" + b" " * 500_000 + b"]")))
    # Rewrite the declared size in the central directory to look harmless.
    directory = data.rfind(b"PK\x01\x02")
    data[directory + 24 : directory + 28] = (10).to_bytes(4, "little")
    error = refusal([("liar.zip", bytes(data))])
    assert error.file.startswith("liar.zip") and (
        "ZIP bomb" in error.problem or "damaged" in error.problem
    )


def test_a_zip_with_too_much_inside_is_refused(monkeypatch):
    monkeypatch.setattr(audit_files, "MAX_UNZIPPED_BYTES", len(V13) + 10)
    error = refusal([("two.zip", zipped(("a.json", V13), ("b.json", V13)))])
    assert error.file == "two.zip" and "unpacks to more than" in error.problem


def test_a_damaged_zip_is_refused():
    error = refusal([("broken.zip", b"PK\x03\x04" + b"\x00" * 40)])
    assert error.file == "broken.zip" and "damaged ZIP" in error.problem


# --- bad input ------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("logo.png", PNG, "not a JSON, CSV or ZIP file"),
        ("audit.pdf", PDF, "not a JSON, CSV or ZIP file"),
        ("empty.json", b"", "is empty"),
        ("blank.csv", b" \r\n\t\n", "is empty"),
        (
            "report.html",
            b"<!doctype html><html>Lighthouse</html>",
            "save the Lighthouse report as JSON",
        ),
        ("report.json", V13[:-5000], "cut short"),
        ("report.json", b'{"audits": {"a": 1,}}', "not valid JSON"),
        ("report.json", b'{"audits": NaN}', "not valid JSON"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "nested"),
        ("bom.json", b"\xef\xbb\xbf[ 1, 2", "cut short"),
        ("utf16.csv", b"\xff\xfe" + "Address".encode("utf-16-le") + b"\x00\xd8", "utf-16"),
    ],
)
def test_bad_files_are_refused_naming_the_file(name, data, message):
    error = refusal([(name, data)])
    assert error.file == name
    assert message in error.problem
    assert error.status == 422 and error.fields == {"file": f"{name}: {error.problem}"}


def test_a_csv_of_no_known_layout_names_its_headers_and_the_layouts_expected():
    data = b'\xef\xbb\xbf"Keyword","Volume","Position"\r\n"shoes","1000","3"\r\n'
    error = refusal([("keywords.csv", data)])
    assert '"Keyword", "Volume", "Position"' in error.problem
    for layout in ("Lighthouse JSON", "Issues Overview", "per-issue export", "Internal: All"):
        assert layout in error.problem
    assert '"url" and "issue"' in error.problem


def test_oversized_files_are_refused_before_reading(monkeypatch):
    monkeypatch.setattr(audit_files, "MAX_FILE_BYTES", 1000)
    error = refusal([("big.json", b" " * 1001)])
    assert error.file == "big.json" and "larger than" in error.problem
    monkeypatch.setattr(audit_files, "MAX_FILE_BYTES", 10_000)
    monkeypatch.setattr(audit_files, "MAX_TOTAL_BYTES", 1500)
    error = refusal([("a.csv", b"x" * 1000), ("b.csv", b"x" * 1000)])
    assert error.file == "b.csv" and "together" in error.problem


def test_no_files_is_refused():
    assert "no audit file" in refusal([]).problem


def test_one_bad_file_refuses_the_whole_upload():
    error = refusal([("good.json", V13), ("bad.csv", b"a,b\n1,2\n")])
    assert error.file == "bad.csv"


def test_the_refusal_survives_a_trip_between_processes():
    import pickle

    error = refusal([("logo.png", PNG)])
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object, round-tripped
    assert (again.file, again.problem, str(again)) == (error.file, error.problem, str(error))


# --- whatever the bytes, only AuditFileError ------------------------------------------------


def only_refusals(files, **kwargs) -> None:
    try:
        read_audit_files(files, **kwargs)
    except AuditFileError as error:
        # The catch-all exists for safety; a test reaching it has found a reader bug.
        assert INTERNAL_ERROR not in error.problem, error.__cause__


SLOW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(st.binary(max_size=2000), st.sampled_from(["f.json", "f.csv", "f.zip", "f"]))
def test_arbitrary_bytes_never_raise_anything_else(data, name):
    only_refusals([(name, data)])


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=40,
)


@SLOW
@given(JSON)
def test_arbitrary_json_never_raises_anything_else(doc):
    only_refusals([("r.json", json.dumps(doc).encode())])


ITEM_KEYS = st.sampled_from(
    ["url", "node", "wastedBytes", "wastedMs", "type", "items", "entity", "sourceLocation"]
)
DETAILS = st.fixed_dictionaries(
    {"type": st.sampled_from(["table", "list", "opportunity"])},
    optional={
        "items": st.lists(JSON | st.dictionaries(ITEM_KEYS, JSON, max_size=4), max_size=4),
        "overallSavingsMs": JSON,
        "debugData": JSON,
    },
)
AUDIT = st.fixed_dictionaries(
    {},
    optional={
        "score": st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers(),
        "scoreDisplayMode": st.sampled_from(
            ["binary", "numeric", "metricSavings", "informative", "error", "manual"]
        )
        | JSON,
        "title": JSON,
        "details": JSON | DETAILS,
        "metricSavings": JSON,
        "numericValue": JSON,
        "displayValue": JSON,
    },
)


@SLOW
@given(
    st.dictionaries(st.text(max_size=10), AUDIT | JSON, max_size=6),
    st.dictionaries(
        st.sampled_from(
            ["finalDisplayedUrl", "finalUrl", "fetchTime", "configSettings", "runtimeError"]
        ),
        JSON,
    ),
)
def test_reports_with_arbitrary_audits_never_raise_anything_else(audits, fields):
    doc = {"requestedUrl": "https://example.com/", "audits": audits, **fields}
    only_refusals([("r.json", json.dumps(doc).encode())])
    only_refusals([("psi.json", json.dumps({"lighthouseResult": doc}).encode())])


HEADERS = st.lists(
    st.sampled_from(
        ["Address", "Status Code", "Content Type", "Title 1", "Word Count", "Size (bytes)",
         "Response Time", "Issue Name", "URLs", "% of Total", "url", "issue", "Indexability Status"]
    ),
    min_size=1,
    max_size=6,
    unique=True,
)  # fmt: skip
CELLS = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12) | st.sampled_from(
    ["https://example.com/a", "200", "404", "0", "1,5", "text/html", "noindex", ""]
)


@SLOW
@given(
    HEADERS,
    st.lists(st.lists(CELLS, max_size=7), max_size=6),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["internal_all.csv", "h1_missing.csv", "crawl.csv"]),
)
def test_arbitrary_cells_under_known_headers_never_raise_anything_else(header, rows, sep, name):
    lines = [sep.join(header)] + [sep.join(cells) for cells in rows]
    only_refusals([(name, "\n".join(lines).encode("utf-8"))])

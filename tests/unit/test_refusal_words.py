"""Refusals raised by capability code read in the reader's language, naming the field by
the key the API keeps (codes and field keys never change with the language)."""

import pytest
from flask import Flask

from collab.accounts import people
from collab.kpis.files import KpiFileError, read_kpi_file
from collab.platform import i18n
from collab.platform.errors import ValidationFailed
from collab.reports.months import parse_month
from collab.work import conversation, tasks, triage


@pytest.fixture(scope="module")
def refused():
    app = Flask(__name__)
    i18n.install(app, lambda: "en", lambda: "UTC")

    def said(language: str, call) -> ValidationFailed:
        with app.app_context(), i18n.speaking(language), pytest.raises(ValidationFailed) as caught:
            call()
        return caught.value

    return said


def test_an_empty_comment_is_refused_in_each_language(refused):
    english = refused("en", lambda: conversation.checked_body("  "))
    assert english.message == "the comment was not saved"
    assert english.fields == {"body": "write something first: the comment is empty"}
    russian = refused("ru", lambda: conversation.checked_body("x" * 20_001))
    assert russian.message == "комментарий не сохранён"
    assert russian.fields == {"body": "символов: 20001; сократите комментарий до 20 000"}


def test_a_triage_or_bulk_refusal_names_its_field_in_each_language(refused):
    russian = refused("ru", lambda: triage.decision_changes("shrug"))
    assert russian.fields == {"decision": "выберите: принять, отклонить, спросить или дубликат"}
    english = refused("en", lambda: tasks.update_many(None, None, [{}] * 501))
    assert english.fields == {
        "items": "501 tasks selected; select at most 500 and change the rest next"
    }
    russian = refused("ru", lambda: tasks.update_many(None, None, []))
    assert (russian.message, russian.fields) == (
        "не выбрано ни одной задачи",
        {"items": "выберите хотя бы одну задачу"},
    )


def test_an_account_refusal_names_its_field_in_each_language(refused):
    english = refused("en", lambda: people.normalise_email("dana at example"))
    assert english.fields == {
        "email": "'dana at example' is not an e-mail address; write it as name@example.com"
    }
    russian = refused("ru", lambda: people.normalise_email("dana at example"))
    assert russian.message == "неверный адрес электронной почты"
    assert russian.fields == {
        "email": "'dana at example' — не адрес электронной почты; запишите его в виде "
        "name@example.com"
    }
    russian = refused("ru", lambda: people.change_role(None, None, "boss"))
    assert russian.fields == {"role": "выберите одно из: agency, cio, cmo, it, marketing"}


def _kpi_refusal(name: str, data: bytes) -> KpiFileError:
    with pytest.raises(KpiFileError) as caught:
        read_kpi_file(name, data)
    return caught.value


def test_a_refused_kpi_file_reads_in_each_language_with_its_row_keys(refused):
    pdf = _kpi_refusal("report.pdf", b"%PDF-1.7 ...")
    english = "report.pdf: this is a PDF document (expected a CSV or XLSX export). "
    english += "Download the report as CSV instead of PDF."
    assert pdf.message == english  # logs and relays keep their English
    app = Flask(__name__)
    i18n.install(app, lambda: "en", lambda: "UTC")
    with app.app_context(), i18n.speaking("ru"):
        assert pdf.said() == (
            "report.pdf: это документ PDF (ожидается: выгрузка CSV или XLSX). "
            "Скачайте отчёт в CSV вместо PDF."
        )
    rows = _kpi_refusal(
        "Chart.csv", b"Date,Clicks,Impressions\n2025-12-27,42,2960\n2025-12-26,abc,3000\n"
    )
    assert rows.fields == {"line 3, Clicks": "'abc': not a number"}
    with app.app_context(), i18n.speaking("ru"):
        assert rows.fields_said() == {"line 3, Clicks": "'abc': не число"}
        assert rows.said().startswith("Chart.csv, строка 3: 'abc': не число. Проверьте выгрузку")


def test_a_month_that_is_no_month_says_which_value_and_what_to_do(refused):
    english = refused("en", lambda: parse_month(None, "2026-13"))
    assert english.fields == {
        "month": "'2026-13' is not a month; write it as YYYY-MM with a month from 01 to 12, "
        "e.g. 2026-03"
    }
    russian = refused("ru", lambda: parse_month(None, "2026-13"))
    assert russian.message == "месяц записан неверно"
    assert russian.fields == {
        "month": "'2026-13' — не месяц; запишите его в виде ГГГГ-ММ с месяцем от 01 до 12, "
        "например 2026-03"
    }

"""The words collab builds from an import's figures and from a refusal's terms, in English
and in Russian: each reader gets their own, worded when it is shown."""

import pytest
from flask import Flask

from collab.audits.summaries import figure_lines
from collab.audits.verification import audit_line
from collab.integrations import addresses
from collab.platform import i18n


@pytest.fixture(scope="module")
def speaking():
    app = Flask(__name__)
    i18n.install(app, lambda: "en", lambda: "UTC")

    def words(language: str, say):
        with app.app_context(), i18n.speaking(language):
            return say()

    return words


FIGURES = {
    "source": "lighthouse",
    "pages": 12,
    "form_factors": ["desktop", "mobile"],
    "savings_ms": 1230,
    "savings_kb": 96.5,
}


def test_an_audits_figures_read_in_each_language(speaking):
    assert speaking("en", lambda: figure_lines(FIGURES)) == [
        "Lighthouse found this on 12 pages (desktop and mobile).",
        "Estimated saving on the worst page: 1,230 ms and 96.5 KB.",
    ]
    assert speaking("ru", lambda: figure_lines(FIGURES)) == [
        "Lighthouse: найдено на 12 страницах (десктоп и мобильные).",
        "Оценка экономии на худшей странице: 1\u00a0230 мс и 96,5 КБ.",
    ]
    crawl = {"source": "csv", "pages": 0, "urls": 21, "priority": "High"}
    assert speaking("ru", lambda: figure_lines(crawl)) == [
        "Краулер: 21 URL с этой проблемой.",
        "Краулер оценивает приоритет как высокий.",
    ]


@pytest.mark.parametrize(
    ("field", "terms", "english", "russian"),
    [
        (
            "updated",
            {"day": "2026-05-20", "pages": 1, "pages_before": 3},
            "updated by the audit of 2026-05-20: 1 page (were 3)",
            "обновлено аудитом от 2026-05-20: 1 страница (было 3)",
        ),
        (
            "updated",
            {"day": "2026-05-20", "pages": 1204, "pages_before": 1204},
            "updated by the audit of 2026-05-20: 1,204 pages",
            "обновлено аудитом от 2026-05-20: 1\u00a0204 страницы",
        ),
        (
            "regressed",
            {"day": "2026-06-01", "since": "2026-05-01"},
            "regressed: found again by the audit of 2026-06-01 after the audit of 2026-05-01 "
            "verified it fixed",
            "вернулось: аудит от 2026-06-01 снова нашёл проблему, хотя аудит от 2026-05-01 "
            "подтвердил исправление",
        ),
        (
            "undone",
            {"day": "2026-05-01", "id": 7},
            "the import of the audit of 2026-05-01 (#7) was undone",
            "импорт аудита от 2026-05-01 (№7) отменён",
        ),
    ],
)
def test_an_audits_line_in_a_tasks_history_reads_in_each_language(
    speaking, field, terms, english, russian
):
    assert speaking("en", lambda: audit_line(field, terms)) == english
    assert speaking("ru", lambda: audit_line(field, terms)) == russian


def test_a_refused_webhook_address_reads_in_each_language(speaking):
    with pytest.raises(addresses.Refused) as refused:
        addresses.parse("https://user:secret@example.com/hook")
    # Logs and relays read it in English; a person reads it in theirs.
    assert str(refused.value) == (
        "put no user name or password in the URL: check the signature instead"
    )
    assert speaking("ru", lambda: refused.value.said()) == (
        "не указывайте в URL имя пользователя и пароль: проверяйте подпись"
    )
    with pytest.raises(addresses.Refused) as refused:
        addresses.parse("x" * 3000)
    assert str(refused.value) == "at most 2048 characters"
    assert speaking("ru", lambda: refused.value.said()).startswith("не больше 2048 символов")


def test_why_a_report_verifies_nothing_reads_in_each_language(speaking):
    from collab.audits.files import read_audit_files
    from collab.audits.history import problems_said
    from tests.support.audits import fixture

    batch = read_audit_files([("failed.json", fixture("lighthouse/runtime_error.json"))])
    (report,) = batch.reports
    assert str(report.problem).startswith(
        "Lighthouse could not audit the page (ERRORED_DOCUMENT_REQUEST): "
    )
    kept = {
        "problems": [f"failed.json: {report.problem}"],
        "problem_terms": [
            {
                "file": "failed.json",
                "message": report.problem.message,
                "terms": report.problem.terms,
            }
        ],
    }
    assert speaking("en", lambda: problems_said(kept)) == kept["problems"]
    (russian,) = speaking("ru", lambda: problems_said(kept))
    assert russian.startswith(
        "failed.json: Lighthouse не смог проверить страницу (ERRORED_DOCUMENT_REQUEST): "
    )
    # An import recorded before the terms were kept reads its English.
    assert speaking("ru", lambda: problems_said({"problems": ["a.csv: no rows"]})) == [
        "a.csv: no rows"
    ]

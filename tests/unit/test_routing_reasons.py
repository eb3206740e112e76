"""Why routing chose a team reads in the reader's language: the rule and its terms are kept,
and each reader gets the sentence in theirs; tasks routed before keep their English."""

from types import SimpleNamespace

import pytest
from flask import Flask

from collab.audits.routes import route_finding
from collab.platform import i18n
from collab.work.routing import Rule, route
from collab.work.routing_reasons import reason_of, task_columns


@pytest.fixture(scope="module")
def reading():
    """Words a route's reason as a reader of ``language`` reads it."""
    app = Flask(__name__)
    i18n.install(app, lambda: "en", lambda: "UTC")

    def read(language: str, routed) -> str:
        with app.app_context(), i18n.speaking(language):
            return routed.reason

    return read


@pytest.mark.parametrize(
    ("routed", "english", "russian"),
    [
        (
            lambda: route("Compress images")[0],
            "page speed, owned by IT: matched 'compress images'",
            "скорость страниц, отвечает команда ИТ: найдено «compress images»",
        ),
        (
            lambda: route("Новый лендинг для вебинара")[1],
            "landing page, copy owned by Marketing: matched 'новый лендинг'",
            "посадочная страница, тексты — команда Маркетинг: найдено «новый лендинг»",
        ),
        (
            lambda: route("Orders", "1C drops them", rules=[Rule("1C", team="it")])[0],
            "uncategorised, owned by IT: matched your organisation's rule '1C'",
            "без категории, отвечает команда ИТ: сработало правило вашей организации «1C»",
        ),
        (
            lambda: route("Compress images", category="meta_tags")[0],
            "meta tags, owned by Marketing: category chosen by the filer",
            "метатеги, отвечает команда Маркетинг: категорию выбрал автор рекомендации",
        ),
        (
            lambda: route("Please call me back")[0],
            "no rule recognised this text; waiting for both directors in triage",
            "ни одно правило не узнало этот текст; ждёт обоих директоров на сортировке",
        ),
        (
            lambda: route_finding("lighthouse", "label")[0],
            "Lighthouse accessibility audit `label`: accessibility: form markup, owned by IT",
            "Аудит Lighthouse (раздел «доступность») `label`: доступность: разметка форм, "
            "отвечает команда ИТ",
        ),
        (
            lambda: route_finding("screaming_frog", "Meta Description: Missing")[0],
            'Screaming Frog issue "Meta Description: Missing": meta descriptions, '
            "owned by Marketing",
            "Проблема Screaming Frog «Meta Description: Missing»: описания страниц "
            "(meta description), отвечает команда Маркетинг",
        ),
        (
            lambda: route_finding("csv", "odd-issue")[0],
            "crawler `odd-issue` is not in collab's table; waiting for both directors in triage",
            "краулер `odd-issue` нет в таблице collab; ждёт обоих директоров на сортировке",
        ),
        (
            lambda: route_finding("lighthouse", "label", {"label": "landing_page"})[0],
            "Lighthouse `label`: your organisation routes it as landing page, "
            "owned by IT and Marketing",
            "Lighthouse `label`: ваша организация относит это к категории «посадочная "
            "страница», отвечают команды ИТ и Маркетинг",
        ),
    ],
)
def test_each_reader_reads_the_reason_in_their_language(reading, routed, english, russian):
    assert reading("en", routed()) == english
    assert reading("ru", routed()) == russian


def test_a_task_keeps_the_rule_and_reads_it_in_each_language():
    (chosen,) = route("Fix Robots.txt on the shop")
    app = Flask(__name__)
    i18n.install(app, lambda: "en", lambda: "UTC")
    with app.app_context(), i18n.speaking("ru"):
        # Filed by a Russian-speaking director: the English sentence is kept all the same.
        task = SimpleNamespace(**task_columns(chosen.why))
        assert task.routing_reason == "technical SEO, owned by IT: matched 'robots.txt'"
        assert reason_of(task) == "техническое SEO, отвечает команда ИТ: найдено «robots.txt»"
    with app.app_context(), i18n.speaking("en"):
        assert reason_of(task) == task.routing_reason


def test_a_task_routed_before_reads_its_stored_english():
    old = SimpleNamespace(
        routing_rule=None,
        routing_terms=None,
        routing_reason="page speed, owned by IT: matched 'lcp'",
    )
    assert reason_of(old) == "page speed, owned by IT: matched 'lcp'"
    unknown = SimpleNamespace(
        routing_rule="a_rule_of_a_later_version", routing_terms={}, routing_reason="as stored"
    )
    assert reason_of(unknown) == "as stored"


def test_a_refused_rule_is_said_in_the_readers_language():
    with pytest.raises(ValueError) as refused:
        Rule("  ...  ", team="it")
    assert str(refused.value) == "a rule's phrase needs at least one letter or digit"
    app = Flask(__name__)
    i18n.install(app, lambda: "en", lambda: "UTC")
    with app.app_context(), i18n.speaking("ru"):
        assert refused.value.said() == "во фразе правила нужна хотя бы одна буква или цифра"

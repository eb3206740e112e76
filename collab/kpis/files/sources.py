"""The tools whose exports collab reads, and how each one writes its columns. Pure.

A source is recognised by what the file says, never by its name: GA4 by its ``#`` preamble
and its "Nth day"; Google Ads by its cost and campaign columns; Yandex Metrica by its visits
and its "Итого и средние" row; Search Console and Bing by clicks, impressions and position
(Bing's position is an average by name and its days carry a time); anything else with a date
column is a CSV of our own. Labels are compared by ``column_key`` (case and spacing ignored),
in the languages the tools' interfaces write them: English and Russian.

Each source writes its own channel (``channel``), so rows from one tool never overwrite
another's for the same metric and day: Search Console's clicks are Google's organic clicks,
Bing's are Bing's. Where a report is split by channel grouping (GA4's "Session default channel
group", Metrica's "Источник трафика"), each group is its own channel and its organic group also
feeds ``organic_sessions``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from collab.kpis.row_checks import MAX_CHANNEL_LENGTH
from collab.platform.errors import N_


def _keys(*labels: str) -> frozenset[str]:
    return frozenset(labels)


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    channel: str
    columns: dict[str, str]  # label key -> metric
    day_labels: frozenset[str]
    no_day: str  # what to do when a table has no day column
    # True: rates are fractions (GA4's 0.4321 is 43.21%); False: written in percent; None:
    # either, settled per column by comparing with clicks / impressions (Bing).
    fractions: bool | None = False
    nth_day_labels: frozenset[str] = frozenset()
    period_labels: frozenset[str] = frozenset()  # a row per week, month...: not daily
    group_labels: frozenset[str] = frozenset()  # a column naming the channel of each row
    organic: frozenset[str] = frozenset()  # the group that is organic search
    listings: dict[str, str] = field(default_factory=dict)  # first label -> what it lists
    currency_labels: frozenset[str] = frozenset()
    markers: frozenset[str] = frozenset()  # labels only this tool writes


_PERIODS = _keys(
    "week", "month", "quarter", "year", "hour", "day of week", "hour of day", "nth week",
    "nth month", "nth year", "year month", "iso week of the year", "неделя", "месяц", "квартал",
    "год", "час", "день недели", "час дня", "n-я неделя", "n-й месяц",
)  # fmt: skip

SEARCH_CONSOLE = Source(
    name="search_console",
    title="Search Console",
    channel="google_organic",
    columns={
        "clicks": "search_clicks",
        "клики": "search_clicks",
        "impressions": "search_impressions",
        "показы": "search_impressions",
        "ctr": "search_ctr",
        "position": "search_position",
        "позиция": "search_position",
        "средняя позиция": "search_position",
    },
    day_labels=_keys("date", "дата"),
    no_day=N_(
        "In Search Console, open Performance, choose Export, then Download ZIP, and upload "
        "the ZIP (or its Dates or Chart file: the one with a row per day)."
    ),
    listings={
        "top queries": N_("the top search queries"),
        "queries": N_("the top search queries"),
        "популярные запросы": N_("the top search queries"),
        "запросы": N_("the top search queries"),
        "top pages": N_("the top pages"),
        "pages": N_("the top pages"),
        "популярные страницы": N_("the top pages"),
        "страницы": N_("the top pages"),
        "country": N_("the countries"),
        "countries": N_("the countries"),
        "страна": N_("the countries"),
        "страны": N_("the countries"),
        "device": N_("the devices"),
        "devices": N_("the devices"),
        "устройство": N_("the devices"),
        "устройства": N_("the devices"),
        "search appearance": N_("the search appearances"),
        "вид в результатах поиска": N_("the search appearances"),
        "filter": N_("the filters the export was made with"),
        "фильтр": N_("the filters the export was made with"),
    },
)

BING = Source(
    name="bing_webmaster",
    title="Bing Webmaster Tools",
    channel="bing_organic",
    columns={
        "clicks": "search_clicks",
        "impressions": "search_impressions",
        "ctr": "search_ctr",
        "avg. ctr": "search_ctr",
        "position": "search_position",
        "avg. position": "search_position",
        "avg position": "search_position",
        "average position": "search_position",
        "avg. impression position": "search_position",
        "avg impression position": "search_position",
    },
    day_labels=_keys("date"),
    fractions=None,
    no_day=N_(
        "In Bing Webmaster Tools, open Search Performance and export the chart's data, the "
        "one with a row per day (Date, Clicks, Impressions)."
    ),
    listings={
        "keyword": N_("the search keywords"),
        "keywords": N_("the search keywords"),
        "query": N_("the search keywords"),
        "page": N_("the pages"),
        "pages": N_("the pages"),
        "url": N_("the pages"),
    },
    markers=_keys(
        "avg. position",
        "avg position",
        "average position",
        "avg. impression position",
        "avg impression position",
        "avg. click position",
        "avg click position",
        "avg. ctr",
    ),  # fmt: skip
)

GA4 = Source(
    name="ga4",
    title="GA4",
    channel="ga4",
    columns={
        "sessions": "sessions",
        "сеансы": "sessions",
        "active users": "active_users",
        "активные пользователи": "active_users",
        "bounce rate": "bounce_rate",
        "показатель отказов": "bounce_rate",
        "session key event rate": "conversion_rate",
        "session conversion rate": "conversion_rate",
        "частота ключевых событий в сеансе": "conversion_rate",
        "коэффициент конверсии сеансов": "conversion_rate",
        # The Search Console report inside GA4, where the two are linked.
        "organic google search clicks": "search_clicks",
        "organic google search impressions": "search_impressions",
        "organic google search click through rate": "search_ctr",
        "organic google search average position": "search_position",
    },
    day_labels=_keys("date", "дата"),
    nth_day_labels=_keys("nth day", "n-й день"),
    period_labels=_PERIODS,
    fractions=True,
    group_labels=_keys(
        "session default channel group",
        "session primary channel group (default channel group)",
        "session primary channel group",
        "default channel group",
        "группа каналов по умолчанию для сеанса",
        "основная группа каналов для сеанса (группа каналов по умолчанию)",
        "основная группа каналов для сеанса",
    ),
    organic=_keys("organic search", "обычный поиск", "органический поиск"),
    no_day=N_(
        "In GA4, add Date as a dimension of the report (or download the Reports snapshot) "
        "and download the CSV again."
    ),
    markers=_keys(
        "nth day",
        "n-й день",
        "engaged sessions",
        "engagement rate",
        "event count",
        "key events",
        "views per active user",
    ),  # fmt: skip
)
# What GA4 writes in its "#" preamble; any of these makes a file GA4's.
GA4_NOTES = frozenset({"start date", "end date", "дата начала", "дата окончания"})
GA4_START = ("start date", "дата начала")

GOOGLE_ADS = Source(
    name="google_ads",
    title="Google Ads",
    channel="paid_search",
    columns={
        "clicks": "ad_clicks",
        "клики": "ad_clicks",
        "impressions": "ad_impressions",
        "impr.": "ad_impressions",
        "показы": "ad_impressions",
        "cost": "spend",
        "стоимость": "spend",
        "расходы": "spend",
        "conversions": "leads",
        "конверсии": "leads",
    },
    day_labels=_keys("day", "день", "date", "дата"),
    period_labels=_PERIODS,
    currency_labels=_keys("currency code", "currency", "код валюты", "валюта"),
    no_day=N_("In Google Ads, segment the report by Day and download it again."),
    markers=_keys(
        "impr.",
        "cost",
        "currency code",
        "avg. cpc",
        "campaign",
        "ad group",
        "conversions",
        "interactions",
        "cost / conv.",
        "conv. rate",
        "campaign type",
        "campaign status",
        "стоимость",
        "кампания",
        "код валюты",
        "расходы",
        "конверсии",
        "группа объявлений",
        "ср. цена за клик",
        "сред. цена за клик",
        "взаимодействия",
        "тип кампании",
    ),  # fmt: skip
)

YANDEX_METRICA = Source(
    name="yandex_metrica",
    title="Yandex Metrica",
    channel="yandex_metrica",
    columns={
        "визиты": "sessions",
        "visits": "sessions",
        "sessions": "sessions",
        "посетители": "active_users",
        "visitors": "active_users",
        "users": "active_users",
        "отказы": "bounce_rate",
        "bounce rate": "bounce_rate",
    },
    day_labels=_keys("дата визита", "дата", "date of visit", "date", "день"),
    period_labels=_PERIODS,
    group_labels=_keys("источник трафика", "traffic source"),
    organic=_keys("переходы из поисковых систем", "search engine traffic"),
    no_day=N_(
        "In Yandex Metrica, group the report by Дата визита (Date of visit) with detail by "
        "day, then download it again."
    ),
    markers=_keys(
        "визиты",
        "посетители",
        "отказы",
        "глубина просмотра",
        "время на сайте",
        "дата визита",
        "доля новых посетителей",
        "новые посетители",
        "просмотры",
        "date of visit",
        "page depth",
        "time on site",
        "visits",
        "visitors",
    ),  # fmt: skip
)
METRICA_TOTALS = frozenset({"итого и средние", "total and averages", "totals and averages"})

OWN_CSV = Source(
    name="csv",
    title="CSV",
    channel="",
    columns={},
    day_labels=_keys("date", "day", "дата", "день"),
    period_labels=_keys("week", "month", "неделя", "месяц"),
    no_day=N_(
        "Give the file a date column (YYYY-MM-DD) and a column per metric "
        "(date,leads,spend,...) or use rows of date,metric,value."
    ),
)

SOURCES = {s.name: s for s in (SEARCH_CONSOLE, BING, GA4, GOOGLE_ADS, YANDEX_METRICA, OWN_CSV)}

# Metrica's traffic sources as channels, in the words the rest of collab uses.
_METRICA_CHANNELS = {
    "переходы из поисковых систем": "organic_search",
    "search engine traffic": "organic_search",
    "прямые заходы": "direct",
    "direct traffic": "direct",
    "переходы по ссылкам на сайтах": "referral",
    "link traffic": "referral",
    "переходы из рекламных систем": "paid",
    "ad traffic": "paid",
    "переходы из социальных сетей": "social",
    "social network traffic": "social",
    "переходы из почтовых рассылок": "email",
    "mailing traffic": "email",
    "переходы из мессенджеров": "messenger",
    "messenger traffic": "messenger",
    "внутренние переходы": "internal",
    "internal traffic": "internal",
    "переходы с сохранённых страниц": "cached",
    "переходы с сохраненных страниц": "cached",
    "cached page traffic": "cached",
    "переходы из рекомендательных систем": "recommendations",
    "recommendation system traffic": "recommendations",
    "не определено": "undefined",
}
_NOT_WORD = re.compile(r"\W+")


def grouped_channel(source_channel: str, group: str) -> str:
    """A channel grouping's value as a channel under the source's own (or the given) channel:
    GA4's "Organic Search" -> "ga4:organic_search". Both GA4 and Metrica group by traffic
    source; without the prefix one tool's organic sessions would overwrite the other's."""
    key = " ".join(group.split()).casefold()
    name = _METRICA_CHANNELS.get(key) or _NOT_WORD.sub("_", key).strip("_") or "unassigned"
    return (f"{source_channel}:{name}" if source_channel else name)[:MAX_CHANNEL_LENGTH]


def recognise(
    keys: list[str], notes: dict[str, str], first_cells: list[str], day_cells: list[str]
) -> Source:
    """The tool that wrote a table, from its header keys, the preamble notes above it, the
    first cell of its first rows and the cells of its date-like column."""
    present = set(keys)
    if keys in (["filter", "value"], ["фильтр", "значение"]):
        return SEARCH_CONSOLE  # the settings an export was made with, in the same ZIP
    if GA4_NOTES & set(notes) or present & GA4.nth_day_labels:
        return GA4
    if present & GOOGLE_ADS.markers:
        return GOOGLE_ADS
    firsts = {" ".join(cell.split()).casefold() for cell in first_cells}
    if present & YANDEX_METRICA.markers or firsts & METRICA_TOTALS:
        return YANDEX_METRICA
    clicks = present & {"clicks", "клики"}
    impressions = present & {"impressions", "показы"}
    if clicks and (impressions or (keys and keys[0] in SEARCH_CONSOLE.listings)):
        timed = any(("AM" in cell or "PM" in cell) and "/" in cell for cell in day_cells[:20])
        if present & BING.markers or timed:
            return BING
        return SEARCH_CONSOLE
    if present & GA4.markers or (present & set(GA4.columns) and _compact_days(day_cells)):
        return GA4
    return OWN_CSV


def _compact_days(cells: list[str]) -> bool:
    # GA4 writes its Date dimension as YYYYMMDD; no other tool here does.
    sample = [cell.strip() for cell in cells[:20] if cell.strip()]
    return bool(sample) and all(len(cell) == 8 and cell.isdigit() for cell in sample)

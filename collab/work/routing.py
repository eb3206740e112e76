"""Routing: which team owns an agency's recommendation, and why.

The agency writes in its own words (crawler issue names, Lighthouse audit titles, plain prose,
English or Russian). This module reads that text and answers with one route per owning team,
each carrying a sentence a director can check at a glance. It is deliberately pure (stdlib only,
no Flask, no database) so the web form, the API, audit imports and the tests all get the same
answer from the same function.

How a route is chosen, strongest signal first:

1. A category picked by the filer is trusted as is.
2. The organisation's own rules, in the order given; the first whose phrase occurs in the title
   or the description decides.
3. The built-in phrase tables below. Title and description are normalised (lower case, ``ё`` read
   as ``е``, every run of punctuation and whitespace read as one space) and searched with
   whole-word patterns. A hit in the title beats any hit in the description; within the same
   field the longest hit wins, because a longer phrase says more ("meta description" is about
   snippets, "description" alone says nothing); remaining ties go to the earlier hit, then to the
   category listed first.
4. Nothing recognised: one route without a team, so the work waits for both directors instead
   of landing silently on one team's desk.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from collab.kpis.metrics import DEFAULT_METRICS

TEAMS = ("it", "marketing")

# The KPI names of the public API (one list, kept with their definitions); a category may
# only promise to move these.
METRICS = tuple(DEFAULT_METRICS)

UNCATEGORISED = "uncategorised"

TRIAGE_REASON = "no rule recognised this text; waiting for both directors in triage"

_TEAM_LABELS = {"it": "IT", "marketing": "Marketing"}


@dataclass(frozen=True)
class Category:
    """A kind of work. ``teams`` lists both teams when each owns a part of it; ``metrics``
    are the KPIs a finished task of this kind is measured against."""

    slug: str
    name: str
    teams: tuple[str, ...]
    metrics: tuple[str, ...]


_IT = ("it",)
_MARKETING = ("marketing",)
_BOTH = ("it", "marketing")

# fmt: off
# (A table reads better aligned than as the formatter would wrap it.)
CATEGORIES: dict[str, Category] = {c.slug: c for c in (
    Category("technical_seo", "Technical SEO", _IT, ("organic_sessions",)),
    Category("redirects", "Redirects", _IT, ("organic_sessions", "lcp_ms")),
    Category("page_speed", "Page speed", _IT, ("lcp_ms", "bounce_rate", "conversion_rate")),
    Category("broken_links", "Broken links", _IT, ("not_found_count", "organic_sessions")),
    Category("mobile", "Mobile optimisation", _IT,
             ("bounce_rate", "conversion_rate", "organic_sessions")),
    Category("link_cleanup", "Link clean-up", _IT, ("organic_sessions",)),
    Category("analytics_tracking", "Analytics tracking", _IT, ("leads", "conversion_rate")),
    Category("crm_integration", "CRM integration", _BOTH, ("leads", "cost_per_lead")),
    Category("landing_page", "Landing page", _BOTH, ("leads", "conversion_rate", "cost_per_lead")),
    Category("meta_tags", "Meta tags", _MARKETING, ("search_ctr", "organic_sessions")),
    Category("thin_content", "Thin and duplicate content", _MARKETING,
             ("organic_sessions", "bounce_rate")),
    Category("content_gaps", "Content gaps", _MARKETING, ("organic_sessions", "leads")),
    Category("landing_copy", "Landing-page copy", _MARKETING,
             ("conversion_rate", "leads", "cost_per_lead")),
    Category("content_marketing", "Content marketing", _MARKETING,
             ("leads", "organic_sessions", "cost_per_lead")),
    Category("paid_ads", "Paid ads", _MARKETING, ("cost_per_lead", "leads", "romi")),
    Category("lead_nurturing", "Lead nurturing", _MARKETING, ("leads", "revenue", "romi")),
    Category("analytics_review", "Analytics review", _BOTH,
             ("conversion_rate", "bounce_rate", "leads")),
    Category(UNCATEGORISED, "Uncategorised", (), ()),
)}
# fmt: on

# When both teams own a category, each reason says which half of the work is theirs, so neither
# team reads the linked task as a duplicate of its own.
_SHARES = {
    "landing_page": {"it": "build", "marketing": "copy"},
    "crm_integration": {"it": "implementation", "marketing": "rules"},
    "analytics_review": {"it": "technical faults", "marketing": "clicks and conversion"},
}

# Patterns run against normalised text: lower case, letters and digits only, single spaces.
# So "robots.txt" is written "robots txt", "meta-теги" is "мета теги", and "\w*" stands in for
# Russian endings. Every pattern must start and end on a letter or digit: the matcher adds the
# word boundaries.
# Section names double as page names: "404 on the events page" is about a broken page, not
# about events, so these words only count when no "page" or "section" follows them.
_SECTION = r"(?! (?:pages?|sections?|urls?)(?!\w))"

# fmt: off
# (Kept out of the formatter: English and Russian phrases for one idea share a line.)
_PHRASES: dict[str, tuple[str, ...]] = {
    "technical_seo": (
        r"technical seo", r"crawlab\w*", r"crawl (?:budget|depth|errors?)",
        r"index(?:ing|ability|able|ation|ed)", r"non indexable", r"noindex", r"nofollow",
        r"blocked (?:from|by) (?:indexing|robots txt|robots)", r"robots txt", r"meta robots",
        r"x robots tag", r"robots", r"xml sitemaps?", r"sitemaps?(?: xml)?",
        r"canonicals?", r"rel canonical", r"canonical (?:tags?|urls?|links?)",
        r"structured data", r"schema (?:org|markup)", r"rich (?:results|snippets)", r"json ld",
        r"https", r"http urls?", r"ssl", r"mixed content",
        r"(?:ssl|tls|https|security) certificates?", r"hreflang", r"pagination",
        r"orphan(?:ed)? pages?", r"url structure", r"(?:google )?search console",
        r"(?:index )?coverage (?:errors?|issues?|report)",
        r"техническ\w* (?:seo|оптимизац\w*)", r"индекс\w*", r"роботс\w*", r"карт\w* сайта",
        r"канонич\w*", r"микроразметк\w*", r"структурированн\w* данн\w*",
        r"(?:ssl )?сертификат\w*(?: ssl)?", r"зеркал\w* сайта", r"сканировани\w*",
        r"краулинг\w*", r"пагинац\w*",
    ),
    "redirects": (
        r"redirect\w*", r"3xx", r"30[1278]s?", r"meta refresh", r"broken redirects?",
        r"redirect (?:chains?|loops?)", r"редирект\w*", r"перенаправлен\w*",
        r"(?:цепочк|циклическ)\w* (?:редирект|перенаправлен)\w*",
    ),
    "page_speed": (
        r"page ?speed(?: insights)?", r"(?:site|website|page|load(?:ing)?) speed",
        r"(?:page )?load(?:ing)? times?", r"takes? \d+ seconds? to load",
        r"slow (?:\w+ ){0,2}(?:pages?|site|website|loading|load)", r"load(?:s|ing)? slow(?:ly)?",
        r"speed up(?: the| our| all)?(?: \w+){0,2} (?:pages?|site|website)", r"speed up",
        r"compress (?:\w+ ){0,2}images?", r"image (?:compression|optimi[sz]ation|sizes?)",
        r"optimi[sz]e (?:\w+ ){0,2}images?", r"properly size images", r"next gen formats?",
        r"efficiently encode images", r"offscreen images", r"images? over \d+ ?kb",
        r"(?:large|heavy|oversized|unoptimi[sz]ed) images?", r"lazy ?load\w*",
        r"explicit width and height", r"render blocking(?: resources| scripts)?", r"minif\w*",
        r"main thread work", r"unused (?:javascript|js|css|code)",
        r"(?:javascript|js) execution time", r"dom size", r"(?:enormous )?network payloads?",
        r"third party code", r"preconnect", r"preload\w*", r"critical request chains?",
        r"webfonts?(?: load)?", r"font display", r"cach\w*", r"cache policy",
        r"text compression", r"gzip", r"brotli", r"cdn", r"core web vitals", r"web vitals",
        r"largest contentful paint", r"lcp", r"first contentful paint", r"fcp",
        r"cumulative layout shift", r"cls", r"layout shifts?", r"interaction to next paint",
        r"inp", r"total blocking time", r"tbt", r"speed index",
        r"time to (?:first byte|interactive)", r"ttfb", r"(?:initial )?server response times?",
        r"make (?:the |our )?(?:\w+ ){0,2}faster",
        r"скорост\w* (?:\w+ )?(?:загрузк|сайта|страниц)\w*", r"ускор\w*",
        r"быстр\w* (?:загрузк|работ)\w*", r"(?:сайт|страниц)\w* (?:\w+ ){0,2}быстре\w*",
        r"загрузк\w* (?:страниц|сайта)\w*", r"врем\w* загрузк\w*",
        r"(?:медленн|долг)\w* (?:\w+ )?(?:загрузк|загружа|сайт|страниц)\w*",
        r"сжат\w* (?:\w+ )?(?:изображени|картин|фото)\w*",
        r"оптимиз\w* (?:\w+ )?(?:изображени|картин|фото)\w*", r"изображени\w* webp",
        r"webp", r"avif", r"кэш\w*", r"кеш\w*", r"минифи\w*", r"врем\w* ответа сервер\w*",
        r"(?:отложенн|ленив)\w* загрузк\w*", r"блокирующ\w* (?:\w+ )?(?:отрисовк|рендеринг)\w*",
    ),
    "broken_links": (
        r"404s?", r"404 (?:errors?|pages?)", r"4xx", r"5xx", r"[45]\d\d errors?", r"40[13]|410",
        r"(?:client|server) errors?(?: [45]xx)?",
        r"broken (?:\w+ ){0,2}(?:links?|pages?|images?|code|scripts?|resources?|urls?)",
        r"dead (?:links?|pages?|ends?)", r"(?:page )?not found", r"no response",
        r"unsuccessful http status codes?", r"(?:javascript|js|browser|console) errors?",
        r"errors? (?:were )?logged to the console", r"returns? (?:a )?404", r"soft 404s?",
        r"бит\w* (?:\w+ )?(?:ссыл|страниц|изображени|картин)\w*",
        r"неработающ\w* (?:\w+ )?(?:ссыл|страниц|код|скрипт)\w*", r"404 ошиб\w*",
        r"ошибк\w* (?:404|4xx|5xx|сервера|javascript|js|в консоли)",
        r"сломан\w* (?:\w+ )?(?:ссыл|страниц|код|скрипт|форм)\w*", r"страниц\w* не найден\w*",
    ),
    "mobile": (
        r"mobile friendl\w*", r"not mobile friendly",
        r"mobile (?:usability|version|layout|devices?|optimi[sz]ation|users?|first|site|view"
        r"|screens?|phones?)",
        r"on mobile", r"for mobile", r"viewport", r"(?:tap|touch) targets?",
        r"legible font sizes?", r"responsive(?: design| layout)?",
        r"мобильн\w*", r"адаптив\w*", r"смартфон\w*", r"вьюпорт\w*",
    ),
    "link_cleanup": (
        r"disavow\w*", r"(?:toxic|spammy|spam|unnatural|bad|low quality|paid) (?:back)?links?",
        r"(?:bad|old|black hat|spammy) link building(?: history)?", r"link building history",
        r"link (?:penalty|profile)", r"manual action",
        r"(?:некачественн|токсичн|спамн|покупн|неестественн)\w* (?:\w+ )?ссыл\w*",
        r"отклон\w* (?:\w+ )?ссыл\w*", r"ссылочн\w* (?:профил|масс)\w*", r"минусинск\w*",
    ),
    "analytics_tracking": (
        r"tracking (?:codes?|tags?|pixels?|scripts?|snippets?)",
        r"(?:conversion|event|goal|call|form) tracking", r"google analytics(?: 4)?",
        r"ga ?4", r"(?:google )?tag manager", r"gtm", r"yandex metri[ck]a", r"metrica",
        r"(?:set up|configure|create|add) (?:\w+ ){0,2}goals?",
        r"goals? in (?:\w+ ){0,2}(?:analytics|metri[ck]a|ga4)",
        r"(?:ga4|analytics|tracking|conversion) events?",
        r"events? (?:are )?(?:not )?(?:firing|fired|tracked|tracking)",
        r"utm(?: tags?| parameters?)?", r"(?:facebook|meta|vk|linkedin) pixel",
        r"analytics (?:tags?|codes?|counters?|snippets?)", r"data ?layer",
        r"яндекс метрик\w*", r"счетчик\w*", r"гугл аналитик\w*",
        r"цел\w* (?:в|для) (?:\w+ ){0,2}(?:метрик|аналитик|ga4|google)\w*",
        r"настро\w* (?:\w+ )?цел\w*", r"отслеживани\w*",
        r"код\w* (?:отслеживани|аналитик|счетчик)\w*", r"utm метк\w*", r"пиксел\w*",
    ),
    "crm_integration": (
        r"crm(?: integration| system)?", r"inbound (?:marketing )?software", r"hubspot",
        r"(?:sending|sent|sync\w*|reaching|pushed|passed) (?:\w+ ){0,2}"
        r"(?:to |into |in )?(?:the )?crm",
        r"salesforce", r"amo ?crm", r"bitrix ?24", r"pipedrive", r"marketo", r"zoho",
        r"срм", r"битрикс\w*(?: 24)?", r"амо ?срм",
        r"интеграц\w* (?:\w+ ){0,3}(?:crm|срм|amo ?crm|битрикс\w*|hubspot)",
    ),
    "landing_page": (
        r"new landing pages?",
        r"(?:create|build|launch|develop|design|make|set up|add|code) (?:a |an |the )?"
        r"(?:new |dedicated |separate |campaign |standalone )?landing pages?",
        r"нов\w* (?:посадочн\w* страниц\w*|лендинг\w*|целев\w* страниц\w*)",
        r"(?:созда|сдела|разработ|запуст|сверста|собра)\w* (?:нов\w* |отдельн\w* )?"
        r"(?:посадочн\w* страниц\w*|лендинг\w*|целев\w* страниц\w*)",
    ),
    "meta_tags": (
        r"meta (?:titles?|descriptions?|tags?|keywords|data)", r"metadata",
        r"title (?:tags?|elements?|length|too (?:long|short))", r"page titles?",
        r"(?:duplicate|missing|empty|multiple|long|short) (?:page )?titles?", r"titles?",
        r"(?:missing|duplicate|empty|multiple) (?:meta )?descriptions?", r"h1s?",
        r"h[1-6] (?:tags?|headings?)", r"(?:missing|multiple|duplicate|empty) h1s?",
        r"headings? (?:structure|hierarchy|tags?)", r"open graph(?: tags?)?", r"og tags?",
        r"snippets?", r"(?:search |organic )?ctr", r"click through rates?",
        r"мета ?тег\w*", r"мета ?(?:описани|заголов)\w*", r"метаописани\w*",
        r"тег\w* (?:title|description|h1)", r"тайтл\w*", r"заголов\w* h1", r"сниппет\w*",
        r"дубл\w* (?:мета ?тег\w* )?(?:title|тайтл\w*|description|заголов\w*|h1)",
        r"(?:дублирующ|повторяющ)\w* (?:\w+ ){0,2}(?:title|тайтл|description|заголов)\w*",
    ),
    "thin_content": (
        r"thin (?:content|pages?)", r"low (?:content|word count)(?: pages?)?",
        r"low quality (?:content|pages?)", r"duplicated? (?:content|pages?|texts?)",
        r"(?:exact|near) duplicates?", r"content duplicates?",
        r"merge (?:\w+ ){0,3}(?:pages?|content|articles|posts)",
        r"consolidate (?:\w+ ){0,3}(?:pages?|content)",
        r"тонк\w* контент\w*", r"дубл\w* (?:\w+ )?(?:контент|страниц|текст)\w*",
        r"(?:малоинформативн|некачественн|слаб|неуникальн)\w* (?:контент|страниц|текст)\w*",
        r"недостаточн\w* (?:\w+ )?контент\w*", r"мало (?:контента|текста)",
        r"объедин\w* (?:\w+ ){0,2}(?:страниц|дубл|стат)\w*",
    ),
    "content_gaps": (
        r"content gaps?", r"keyword gaps?", r"gaps? in (?:our |the )?content",
        r"keyword (?:targeting|research|mapping|cannibali[sz]ation)",
        r"target(?:ing)? (?:the |our |new )?keywords?", r"semantic core",
        r"(?:missing|new) topics?", r"topic clusters?", r"cannibali[sz]ation", r"search intent",
        r"keywords?",
        r"семантическ\w* ядр\w*", r"семантик\w*", r"ключев\w* (?:слов|запрос|фраз)\w*",
        r"ключевик\w*", r"пробел\w* (?:в )?контент\w*", r"контент\w* пробел\w*",
        r"каннибализац\w*",
    ),
    "landing_copy": (
        r"landing pages? (?:copy|texts?|content|headlines?)",
        r"(?:page|website|site|homepage|landing) copy", r"copy on (?:the )?(?:\w+ ){0,2}pages?",
        r"copywriting",
        r"rewrite (?:\w+ ){0,3}(?:copy|texts?|ctas?|calls? to action|offer)",
        r"calls? to action", r"ctas?", r"value proposition",
        r"unique selling (?:point|proposition)", r"usp", r"hero (?:section|text|banner)",
        r"(?:improve|increase|boost|raise) (?:the )?conversions?(?: rates?)?",
        r"(?:текст|копирайт)\w* (?:\w+ ){0,2}(?:посадочн|целев)\w* страниц\w*",
        r"текст\w* лендинг\w*", r"призыв\w* к действию",
        r"переписа\w* (?:\w+ ){0,2}(?:текст|оффер|призыв)\w*", r"оффер\w*", r"утп",
        r"уникальн\w* торгов\w* предложени\w*", r"копирайтинг\w*",
        r"(?:повыс|увелич|подня)\w* конверси\w*",
    ),
    "content_marketing": (
        r"content marketing", rf"blog(?:s| posts?| articles?)?{_SECTION}",
        rf"articles?{_SECTION}", r"guest posts?", rf"case stud(?:y|ies){_SECTION}",
        r"white ?papers?", r"e ?books?", r"e ?mails?(?: campaigns?| marketing| newsletters?)?",
        rf"newsletters?{_SECTION}", r"mailing(?: lists?)?", r"social (?:media|networks?|posts?)",
        r"smm", r"linkedin", r"facebook", r"instagram", r"twitter", r"telegram", r"youtube",
        r"vk", r"press releases?", r"pr", r"media relations", rf"events?{_SECTION}",
        rf"conferences?{_SECTION}", r"exhibitions?", r"meetups?", rf"webinars?{_SECTION}",
        r"podcasts?", r"mobile marketing",
        r"brand (?:awareness|management)",
        r"контент ?маркетинг\w*", r"блог\w*", r"(?:написа\w* )?стат(?:ья|ьи|ью|ей|ьям|ьях)",
        r"рассылк\w*", r"емейл\w*", r"соцсет\w*", r"социальн\w* сет\w*", r"пресс ?релиз\w*",
        r"пиар\w*", r"сми", r"мероприяти\w*", r"вебинар\w*", r"конференц\w*", r"выставк\w*",
        r"телеграм\w*", r"кейс\w*", r"мобильн\w* маркетинг\w*",
    ),
    "paid_ads": (
        r"ppc", r"pay per click", r"paid (?:search|social|ads|advertising|campaigns?)",
        r"google ads", r"adwords", r"yandex direct", r"(?:bing|microsoft) ads",
        r"(?:facebook|meta|linkedin|instagram|vk|tiktok) ads",
        r"ad (?:copy|copies|groups?|texts?|campaigns?|budget|spend|creatives?)", r"ads copy",
        r"(?:search|display|banner|video|shopping) ads?", r"retargeting", r"remarketing",
        r"cpc", r"bids?", r"bidding", r"ads", r"advertising", r"negative keywords?",
        r"quality score",
        r"яндекс ?директ(?:е|а|ом)?", r"директ(?:е|а|ом)?", r"контекстн\w* реклам\w*",
        r"таргет\w* реклам\w*", r"таргетинг\w*", r"ретаргетинг\w*", r"ремаркетинг\w*",
        r"реклам\w*", r"vk реклам\w*", r"рекламн\w* кампани\w*", r"объявлени\w*",
        r"ставк\w*", r"минус ?слов\w*",
    ),
    "lead_nurturing": (
        r"lead nurtur\w*", r"nurtur\w*", r"lead scor\w*", r"scoring(?: rules?| models?)?",
        r"lead qualification", r"qualif\w* leads?", r"mqls?",
        r"drip (?:campaigns?|e ?mails?|sequences?)", r"(?:e ?mail|nurture) sequences?",
        r"marketing automation", r"follow up (?:e ?mails?|sequences?)",
        r"lead (?:stages?|lifecycle|handoff|routing)",
        r"прогрев\w*", r"скоринг\w*",
        r"(?:оценк|квалификац|прогрев|взращивани|скоринг)\w* (?:\w+ )?лид\w*",
        r"лид\w* скоринг\w*", r"цепочк\w* (?:\w+ )?писем", r"автоворонк\w*",
        r"маркетингов\w* автоматизац\w*",
    ),
    "analytics_review": (
        r"analytics review", r"review (?:\w+ ){0,2}analytics(?: data)?",
        r"(?:web|website|site) analytics",
        r"analy[sz]e (?:\w+ ){0,2}(?:traffic|conversions?|analytics|behaviou?r|lead flow|funnel)",
        r"analytics (?:data|reports?|audit)", r"conversion rates?",
        r"conversions? (?:dropped|fell|are down)", r"lead flow", r"time on (?:site|page)",
        r"bounce rates?", r"(?:traffic|leads?|conversions?|sessions) (?:dropped|drop|fell)",
        r"(?:drop|decline) in (?:traffic|leads?|conversions?|sessions)",
        r"user behaviou?r", r"funnel analysis",
        r"анализ\w* (?:\w+ ){0,2}(?:трафик|конверси|аналитик|поведени|отказ|воронк)\w*",
        r"проанализир\w* (?:\w+ ){0,2}(?:трафик|конверси|данн|поведени|отказ)\w*",
        r"конверси\w*", r"показател\w* отказ\w*", r"врем\w* (?:на сайте|пребывани\w*)",
        r"поток\w* (?:потенциальн\w* клиент|лид|заявок)\w*", r"веб ?аналитик\w*",
        r"аналитик\w* сайта", r"падени\w* (?:трафик|конверси|заявок|лид)\w*",
    ),
}
# fmt: on


def _whole_words(phrase: str) -> re.Pattern[str]:
    # Normalised text starts with a space and separates words by one, so a literal leading
    # space marks a word start. That is much cheaper than a look-behind, which would stop the
    # regex engine from skipping ahead to candidate positions on long descriptions.
    return re.compile(rf" ({phrase})(?!\w)")


_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (slug, _whole_words(phrase)) for slug, phrases in _PHRASES.items() for phrase in phrases
)


class UnknownCategory(ValueError):
    """A category slug that is not one of CATEGORIES; the message lists the ones that are."""

    def __init__(self, slug: object) -> None:
        self.slug = slug
        self.allowed = tuple(s for s, c in CATEGORIES.items() if c.teams)
        super().__init__(f"unknown category {slug!r}; choose one of: {', '.join(self.allowed)}")


@dataclass(frozen=True)
class Rule:
    """An organisation's own routing rule, kept by its directors.

    ``phrase`` is looked for as whole words, ignoring case and punctuation, in the title and
    the description. With a ``category`` the work is routed as that category; with a ``team``
    it goes to that team only (combined with a category, the team narrows it). A rule with a
    team and no category keeps the built-in category when that category is owned by the same
    team, and is otherwise filed as "uncategorised" for that team: the rule says who, not what.

    Blank strings count as "not given", since storage often keeps '' for an empty column.
    The constructor refuses rules that could never route anything, so the directors' form can
    report the mistake instead of silently ignoring the rule later.
    """

    phrase: str
    category: str | None = None
    team: str | None = None

    def __post_init__(self) -> None:
        for name in ("category", "team"):
            value = getattr(self, name)
            if value is not None and not value.strip():
                object.__setattr__(self, name, None)
        if not _normalise(self.phrase)[0].strip():
            raise ValueError("a rule's phrase needs at least one letter or digit")
        if self.category is not None and not _is_real_category(self.category):
            raise UnknownCategory(self.category)
        if self.team is not None and self.team not in TEAMS:
            raise ValueError(f"unknown team {self.team!r}; choose one of: {', '.join(TEAMS)}")
        if self.category is None and self.team is None:
            raise ValueError("a rule must name a category, a team, or both")


@dataclass(frozen=True)
class Route:
    """One team's share of a recommendation. ``matched`` is what decided it: the words quoted
    from the text for a built-in phrase, the rule's phrase for an organisation's rule, None
    when the filer chose the category or nothing matched (then ``team`` is None too)."""

    team: str | None
    category: str
    reason: str
    matched: str | None


def route(
    title: str,
    description: str = "",
    category: str | None = None,
    rules: Sequence[Rule] = (),
) -> list[Route]:
    """Decide which team or teams own a recommendation, with a reason for each.

    Returns one Route per owning team: two, linked by the same category, when the work needs
    both (a new landing page, a CRM change, an analytics review). Precedence: the filer's
    ``category`` (reason: "category chosen by the filer"), then the first of ``rules`` whose
    phrase occurs (reason names the rule's phrase), then the built-in phrase tables (reason
    quotes the words that matched). When nothing applies, the answer is a single Route with no
    team and the "uncategorised" category, for both directors to triage; a team is never
    guessed.

    A blank ``category`` or "uncategorised" means the filer did not choose. Any other slug not
    in CATEGORIES raises UnknownCategory, which callers use to validate input. Apart from that,
    any strings are accepted and nothing raises.
    """
    if category is not None and category.strip() and category != UNCATEGORISED:
        if not _is_real_category(category):
            raise UnknownCategory(category)
        chosen = CATEGORIES[category]
        return _routes(chosen, chosen.teams, "category chosen by the filer", None)

    fields = (_normalise(title or ""), _normalise(description or ""))

    for rule in rules:
        pattern = _phrase_pattern(rule.phrase)
        if any(pattern.search(field[0]) for field in fields):
            return _apply_rule(rule, fields)

    hit = _best_hit(fields)
    if hit is None:
        return [Route(None, UNCATEGORISED, TRIAGE_REASON, None)]
    slug, matched = hit
    chosen = CATEGORIES[slug]
    return _routes(chosen, chosen.teams, f"matched '{matched}'", matched)


# A normalised field: the searchable text (led by one space, see _whole_words), the position
# in the original that each of its characters came from, and the original itself, so a reason
# can quote the filer's own spelling ("robots.txt") rather than the normalised one.
_Field = tuple[str, tuple[int, ...], str]


def _normalise(text: str) -> _Field:
    original = unicodedata.normalize("NFC", text)
    chars = [" "]
    origin = [0]
    for index, char in enumerate(original):
        for c in char.lower().replace("ё", "е"):
            if c.isalnum():
                chars.append(c)
                origin.append(index)
            elif chars[-1] != " ":
                chars.append(" ")
                origin.append(index)
    if len(chars) > 1 and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return "".join(chars), tuple(origin), original


_GAPS = re.compile(r"[\W_]+")
_JOINS = frozenset(".-'’/")


def _quote(field: _Field, start: int, end: int) -> str:
    _, origin, original = field
    span = original[origin[start] : origin[end - 1] + 1].lower()
    # Keep the joins that are part of a term ("robots.txt", "next-gen", "doesn't"); any other
    # run of punctuation or spacing ("<title> element", "error (4xx") reads better as a space.
    return _GAPS.sub(lambda m: m.group() if m.group() in _JOINS else " ", span)


def _best_hit(fields: Sequence[_Field]) -> tuple[str, str] | None:
    """The winning (category slug, quoted words), or None; see the module docstring."""
    for field in fields:
        text = field[0]
        best: tuple[int, int, int] | None = None
        winner: tuple[str, int, int] | None = None
        for order, (slug, pattern) in enumerate(_PATTERNS):
            for m in pattern.finditer(text):
                start, end = m.span(1)
                key = (start - end, start, order)
                if best is None or key < best:
                    best, winner = key, (slug, start, end)
        if winner is not None:
            slug, start, end = winner
            return slug, _quote(field, start, end)
    return None


@lru_cache(maxsize=1024)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return _whole_words(re.escape(_normalise(phrase)[0].strip()))


def _apply_rule(rule: Rule, fields: Sequence[_Field]) -> list[Route]:
    why = f"matched your organisation's rule '{rule.phrase}'"
    if rule.category is not None:
        chosen = CATEGORIES[rule.category]
        teams = chosen.teams if rule.team is None else (rule.team,)
        return _routes(chosen, teams, why, rule.phrase)
    guess = _best_hit(fields)
    if guess is not None and rule.team in CATEGORIES[guess[0]].teams:
        chosen = CATEGORIES[guess[0]]
    else:
        chosen = CATEGORIES[UNCATEGORISED]
    return _routes(chosen, (rule.team,), why, rule.phrase)


def _routes(chosen: Category, teams: Sequence[str], why: str, matched: str | None) -> list[Route]:
    return [Route(team, chosen.slug, _reason(chosen, team, why), matched) for team in teams]


def _reason(chosen: Category, team: str, why: str) -> str:
    share = _SHARES.get(chosen.slug, {}).get(team)
    owner = f"owned by {_TEAM_LABELS[team]}"
    if share:
        owner = f"{share} {owner}"
    return f"{_lower_name(chosen.name)}, {owner}: {why}"


def _lower_name(name: str) -> str:
    # Lower-case the name to sit mid-sentence, but leave acronyms ("SEO", "CRM") alone.
    words = [w if w[1:2].isupper() else w.lower() for w in name.split(" ")]
    return " ".join(words)


def _is_real_category(slug: str) -> bool:
    found = CATEGORIES.get(slug)
    return found is not None and bool(found.teams)

"""The built-in phrase tables: the words agencies write for each kind of work, in English and
Russian, as routing (collab.work.routing) reads them. Data only; the matching rules are
routing's. Keys are category slugs (collab.work.routing.CATEGORIES); the order of the keys
breaks the last ties, so a category listed earlier wins an otherwise equal hit.

This module holds the words of SEO, content and marketing work; the words of web-platform work
(performance, best practices, security headers) and of accessibility have modules of their
own, and VOCABULARY at the end puts the three together in the order routing reads them."""

from collab.work import routing_phrases_accessibility as accessibility
from collab.work import routing_phrases_web as web

# Patterns run against normalised text: lower case, letters and digits only, single spaces.
# So "robots.txt" is written "robots txt", "meta-теги" is "мета теги", and "\w*" stands in for
# Russian endings. Every pattern must start and end on a letter or digit: the matcher adds the
# word boundaries.
# Section names double as page names: "404 on the events page" is about a broken page, not
# about events, so these words only count when no "page" or "section" follows them.
_SECTION = r"(?! (?:pages?|sections?|urls?)(?!\w))"

# fmt: off
# (Kept out of the formatter: English and Russian phrases for one idea share a line.)
PHRASES: dict[str, tuple[str, ...]] = {
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
        r"h[1-6] (?:tags?|headings?)", r"h[2-6]s?", r"(?:missing|multiple|duplicate|empty) h1s?",
        r"headings? (?:structure|hierarchy|tags?)", r"open graph(?: tags?)?", r"og tags?",
        r"empty headings?", r"heading elements (?:do not )?contain content",
        r"alt text (?:over|longer than|too long)(?: \d+ characters?)?",
        r"snippets?", r"(?:search |organic )?ctr", r"click through rates?",
        r"мета ?тег\w*", r"мета ?(?:описани|заголов)\w*", r"метаописани\w*",
        r"тег\w* (?:title|description|h1)", r"тайтл\w*", r"заголов\w* h1", r"сниппет\w*",
        r"элемент\w* заголовк\w* (?:\w+ )?(?:нет|есть) содержим\w*",
        r"дубл\w* (?:мета ?тег\w* )?(?:title|тайтл\w*|description|заголов\w*|h1)",
        r"(?:дублирующ|повторяющ)\w* (?:\w+ ){0,2}(?:title|тайтл|description|заголов)\w*",
    ),
    "thin_content": (
        r"thin (?:content|pages?)", r"low (?:content|word count)(?: pages?)?",
        r"low quality (?:content|pages?)", r"duplicated? (?:content|pages?|texts?)",
        r"(?:exact|near) duplicates?", r"content duplicates?", r"semantically similar",
        r"low relevance content", r"spelling errors?", r"grammar errors?", r"readability(?: \w+)?",
        r"lorem ipsum(?: placeholder)?",
        r"merge (?:\w+ ){0,4}(?:pages?|content|articles|posts)",
        r"(?:thin|duplicated?|low quality|low value)"
        r"(?: (?:and|or) (?:thin|duplicated?|low quality))?"
        r"(?: (?:blog|product|service|category|news))? (?:content|pages?|posts?|articles?|texts?)",
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
        r"(?:write|rewrite|draft|prepare|update) (?:the |a |an |new )?copy",
        r"copy (?:for|on) (?:the |a |an |our )?(?:\w+ ){0,2}(?:landing )?pages?",
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
        r"response times? to (?:\w+ ){0,2}"
        r"(?:leads?|enquiries|inquiries|requests|customers|clients)",
        r"врем\w* ответа на (?:\w+ )?(?:заявк|обращени|лид|запрос|клиент)\w*",
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

# Every table, as (category slug, topic, phrases), in the order that breaks the last ties. A
# topic names the part of a category the words belong to, and the reason shows it.
VOCABULARY: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    *((slug, None, phrases) for slug, phrases in PHRASES.items()),
    *((slug, None, phrases) for slug, phrases in web.PHRASES.items()),
    (accessibility.CATEGORY, accessibility.TOPIC, accessibility.PHRASES),
)

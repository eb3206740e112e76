"""The words of web-platform work, in English and Russian, as Lighthouse (v10 to v13, classic
audits and the v13 "insight" audits), PageSpeed Insights and crawlers write them: performance,
best practices, security headers, installable web apps. Data only, read by collab.work.routing
alongside routing_phrases (whose notes on writing patterns apply here too). Keys are category
slugs; each category's phrases add to those in routing_phrases.
"""

# fmt: off
# (Kept out of the formatter: English and Russian phrases for one idea share a line.)
PHRASES: dict[str, tuple[str, ...]] = {
    "technical_seo": (
        # Security headers and HTTPS.
        r"security(?: headers?| policy)?", r"content security policy", r"csp", r"hsts",
        r"strict transport security", r"x (?:frame|content type) options", r"referrer policy",
        r"clickjacking", r"xss(?: attacks?)?", r"trusted types", r"origin isolation",
        r"coop", r"cross origin (?:\w+ )?(?:links?|isolation|opener(?: policy)?)",
        r"protocol relative(?: \w+)?", r"insecure(?: \w+)?", r"кликджекинг\w*",
        r"изоляц\w* источник\w*", r"политик\w* (?:безопасности|csp)", r"заголов\w* безопасност\w*",
        r"протокол\w* https",
        # A valid HTML document.
        r"doctype", r"quirks mode", r"charset(?: declaration)?", r"character encoding",
        r"режим\w* совместимост\w*", r"набор\w* символов", r"кодировк\w* (?:страниц|сайта|html)\w*",
        # Trust: permission prompts on load.
        r"(?:geolocation|notification) permissions?", r"permission (?:prompts?|requests?)",
        r"разрешени\w* на (?:определени\w* местоположени\w*|отправк\w* уведомлени\w*)",
        # Libraries and browser features in use; AI agents.
        r"(?:javascript|js) librar(?:y|ies)", r"библиотек\w* javascript", r"baseline features?",
        r"функци\w* baseline", r"webmcp", r"llms txt", r"просканир\w*",
        # Crawlers' names for markup and URL hygiene (Screaming Frog, Sitebulb).
        r"blocked resources?", r"(?:missing|multiple) (?:head|body) tags?", r"head not first",
        r"body element preceding", r"invalid html(?: elements?)?", r"outside (?:the )?head",
        r"(?:only in|updated by) (?:rendered html|original html|javascript)",
        r"ajax crawling scheme", r"javascript (?:links|content)", r"directives(?: \w+)?",
        r"url (?:underscores|uppercase|multiple slashes|repetitive path|contains space"
        r"|internal search|parameters|non ascii characters|over \d+ characters)",
        r"pages without internal outlinks", r"high internal outlinks",
    ),
    "redirects": (
        r"переадресац\w*", r"перенаправля\w*",
    ),
    "page_speed": (
        # Page weight and server response.
        r"page (?:size|weight)s?", r"size of (?:the )?(?:html )?pages?",
        r"(?:html )?pages? (?:over|larger than|above) \d+ ?(?:mb|kb|megabytes?)",
        r"response times?", r"(?:document )?request latency", r"latenc(?:y|ies)",
        r"(?:over|above|larger than|больше|более|свыше) \d+ ?(?:mb|kb|megabytes?|мб|кб)",
        r"round trip times?", r"rtt", r"transfer sizes?", r"request counts?",
        r"размер\w* (?:html )?страниц\w*", r"вес\w* (?:html )?страниц\w*",
        r"врем\w* ответа", r"(?:медленн\w*|долго) отвеча\w*",
        r"задержк\w* (?:\w+ ){0,2}(?:запрос|сервер|сет)\w*", r"перв\w* байт\w*",
        r"прохождени\w* сигнал\w*", r"передаваем\w* данн\w*", r"количеств\w* запросов",
        r"нагрузк\w* на сеть",
        # Images.
        r"image delivery", r"(?:deliver|serve)s? (?:\w+ ){0,2}images?", r"displayed size",
        r"animated content", r"video formats?", r"lazily loaded",
        r"загрузк\w* (?:\w+ )?изображени\w*", r"(?:современн\w* )?формат\w* изображени\w*",
        r"размер\w* изображени\w*", r"кодировк\w* изображени\w*", r"видеоформат\w*",
        r"анимирован\w* контент\w*", r"отлож\w* загрузк\w*", r"загруж\w* с задержк\w*",
        # JavaScript and CSS.
        r"legacy (?:javascript|js)", r"duplicated? (?:javascript|js|modules?)",
        r"duplicate modules", r"document write", r"passive (?:event )?listeners?",
        r"(?:forced )?reflows?", r"layout thrashing", r"css selectors?",
        r"(?:long )?main thread tasks?", r"long tasks?", r"non composited animations?",
        r"work during (?:key )?interactions?", r"(?:third|3rd) part(?:y|ies)(?: code| resources?)?",
        r"(?:javascript|js|css) bundles?",
        r"incorrectly sized images?", r"missing size attributes?", r"(?:high )?carbon rating",
        r"устаревш\w* (?:код\w* )?javascript", r"выполнени\w* (?:кода )?javascript", r"бандл\w*",
        r"повторяющ\w* модул\w*", r"дублирующ\w* код\w*", r"неиспользуем\w* код\w*",
        r"размер\w* кода (?:css|javascript|js)", r"основн\w* поток\w*",
        r"принудительн\w* компоновк\w*", r"селектор\w* css", r"некомбинированн\w* анимаци\w*",
        r"сторонн\w* (?:код\w*|ресурс\w*)", r"фасадн\w* объект\w*",
        r"работ\w* во время взаимодействи\w*",
        # Loading order, network, rendering, metrics.
        r"(?:network dependency|critical network|long critical network) trees?",
        r"chaining critical requests", r"critical (?:rendering )?path",
        r"modern http", r"http ?[23]", r"first (?:input delay|meaningful paint)", r"fid", r"fmp",
        r"user timings?", r"(?:performance|timing) budgets?",
        r"(?:site|website|page|web|load(?:ing)?|scroll(?:ing)?|front ?end|rendering) performance",
        r"performance (?:audit|score|issues?|metrics?|problems?)",
        r"back forward cache", r"bf ?cache",
        r"дерев\w* зависимост\w*", r"критическ\w* запрос\w*", r"верси\w* http",
        r"(?:перв\w*|следующ\w*) (?:отрисовк|ввод)\w*", r"отрисовк\w* (?:\w+ ){0,2}контент\w*",
        r"смещени\w* макет\w*", r"пользовательск\w* времен\w*",
        r"(?:бюджет\w* )?производительност\w* (?:сайта|страниц\w*|при прокрутке|загрузк\w*)",
        r"бюджет\w* производительност\w*",
        r"предзагруз\w*", r"предварительн\w* (?:загрузк|подключени)\w*", r"сжати\w* текст\w*",
        r"возвратн\w* кеш\w*", r"(?:веб ?|используем\w* )шрифт\w*", r"врем\w* на загрузк\w*",
        r"(?:структур\w* )?dom(?: дерев\w*)?", r"width (?:and|и) height",
        r"блокирующ\w* (?:\w+ )?отображени\w*", r"ресурс\w* блокирующ\w*",
    ),
    "broken_links": (
        r"deprecated (?:apis?|features?|methods?|functions?)", r"uses deprecated",
        r"issues panel", r"unload (?:event )?listeners?", r"source maps?",
        r"устаревш\w* (?:api|функци\w*|метод\w*)", r"панел\w* issues",
        r"http status codes?", r"javascript warnings?", r"chrome issues", r"broken bookmarks?",
        r"outlinks? to localhost", r"событи\w* unload", r"карт\w* исходного кода",
        r"код\w* статус\w* http", r"ошиб\w* браузер\w*", r"журнал\w* консол\w*",
    ),
    "mobile": (
        r"(?:incorrect|correct|wrong) aspect ratio", r"images? with (?:low|appropriate) resolution",
        r"web app manifest", r"service workers?", r"maskable icons?", r"splash screens?",
        r"address bar", r"installab\w*", r"pwa", r"progressive web apps?",
        r"document (?:uses|avoids) plugins", r"target sizes?", r"illegible font sizes?",
        r"content not sized correctly", r"unsupported plugins", r"mobile alternate links?",
        r"amp(?: pages?| html| script| boilerplate)?",
        r"некорректн\w* соотношени\w* сторон",
        r"изображени\w* (?:\w+ )?в (?:низк|нужн)\w* разрешени\w*",
        r"манифест\w* веб приложени\w*",
        r"заставк\w*", r"цвет\w* адресн\w* строк\w*", r"маскируем\w* знач\w*",
        r"(?:используются|нет) плагин\w*", r"област\w* (?:прикосновени|просмотра)\w*",
        r"размер\w* интерактивн\w* элемент\w*", r"шрифт\w* (?:\w+ ){0,2}размер\w*",
    ),
    "analytics_tracking": (
        r"third party cookies?", r"(?:ga )?tracking parameters",
        r"сторонн\w* (?:файл\w* )?cookie\w*",
    ),
}
# fmt: on

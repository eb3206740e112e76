"""The words of accessibility work, in English and Russian: form labels, ARIA, accessible names,
colour contrast, alt attributes, the page's language, landmarks and keyboard focus, list and
table markup, captions. Data only, read by collab.work.routing (see routing_phrases for how
patterns are written).

All of it is markup, so IT owns it. Until collab ships an ``accessibility`` category (it needs
its own training note and KPI defaults), these phrases route as technical SEO, and the reason
says "accessibility" so a director sees what kind of work it is. Page titles stay with meta
tags (Marketing) and tap targets and viewports with mobile: those are the routing table's.
"""

CATEGORY = "technical_seo"
TOPIC = "accessibility"

# fmt: off
# (Kept out of the formatter: English and Russian phrases for one idea share a line.)
PHRASES: tuple[str, ...] = (
    # The field itself.
    r"(?:web |digital )?accessibility(?: \w+)?", r"a11y", r"wcag(?: \d+(?: \d+)?)?",
    r"screen readers?", r"assistive technolog\w*", r"accessible names?",
    r"accessible text alternatives?", r"discernible (?:text|names?)",
    r"(?:blind|visually impaired|deaf|disabled) (?:users?|people|visitors)",
    r"специальн\w* возможност\w*", r"(?:слабовидящ|незрячи)\w*",
    r"дерев\w* доступност\w*", r"программ\w* чтения с экрана", r"скринридер\w*",
    r"доступн\w* названи\w*", r"названи\w* (?:\w+ )?доступн\w*",
    # Forms: labels, autocomplete, pasting.
    r"(?:associated |matching |visible (?:text )?)labels?",
    r"(?:missing|multiple) (?:form )?labels",
    r"form (?:fields?|elements?|controls?|inputs?)(?: \w+){0,4} labels?",
    r"labels? (?:elements?|for (?:form )?(?:fields?|inputs?))",
    r"unlabell?ed (?:\w+ )?(?:fields?|inputs?)",
    r"autocomplete(?: attributes?)?", r"(?:paste|pasting) into (?:\w+ )?fields?",
    r"ярлык\w*", r"(?:текстов\w* )?метк\w* (?:\w+ )?(?:пол\w*|форм\w*|элемент\w*)",
    r"элемент\w* label", r"связанн\w* (?:\w+ )?label", r"вставк\w* (?:\w+ )?в пол\w* ввода",
    # ARIA, roles, ids.
    r"aria(?: \w+)?", r"roles? (?:attributes?|values?)",
    r"role (?:none|presentation|text|img|dialog|alertdialog|columnheader|rowheader)",
    r"required (?:parent|child(?:ren)?)(?: elements?)?",
    r"(?:aria |duplicate |active )?ids? (?:are|is) not unique", r"duplicate ids?",
    r"id attributes?", r"accesskey(?: values?)?", r"tabindex(?: values?)?", r"headers attribute",
    r"атрибут\w* (?:\w+ )?(?:role|id|accesskey|tabindex|headers|colspan)",
    r"рол\w* aria", r"идентификатор\w* aria",
    # Colour and contrast.
    r"colou?r contrast", r"contrast ratios?", r"(?:low|poor|insufficient|sufficient) contrast",
    r"rel(?:y|ies|ying) on colou?r", r"контрастн\w*", r"не опираясь на цвет",
    # Images and objects: the alt attribute and its text alternatives.
    r"alt (?:attributes?|text|tags?)", r"missing alt", r"alternat(?:e|ive) text",
    r"text alternatives?",
    r"атрибут\w* (?:\w+ )?alt", r"alt атрибут\w*", r"альтернативн\w* текст\w*",
    # Language of the page.
    r"(?:xml )?lang attributes?", r"html lang", r"атрибут\w* (?:\w+ )?(?:xml )?lang",
    # Structure: landmarks, skip links, heading order, lists, tables, frames.
    r"main landmarks?", r"landmark (?:regions?|roles?|elements?)", r"skip (?:links?|navigation)",
    r"sequentially descending order", r"heading order", r"non sequential(?: headings?)?",
    r"ориентир\w* main", r"ссылк\w* для пропуска(?: контента)?", r"порядк\w* убывани\w*",
    r"definition lists?", r"list items li", r"lists? do not contain only", r"properly ordered",
    r"(?:dt|dd) (?:and|и) (?:dt|dd)(?: groups?)?",
    r"(?:dl|dt|dd|li|ul|ol|td|th|caption) elements?", r"table (?:headers?|cells?|captions?)",
    r"data cells?", r"summary attribute", r"colspan",
    r"списк\w* определени\w*", r"элемент\w* списк\w*", r"в списках содержатся",
    r"элемент\w* (?:dl|dt|dd|li|ul|ol|td|th)",
    r"яче\w* с данными", r"подпис\w* (?:в )?таблиц\w*", r"кноп\w* ввода",
    r"frame (?:or|and|или|и) iframe(?: elements?)?", r"iframe titles?",
    # Keyboard and focus.
    r"keyboard (?:navigation|access\w*|users?|focus|traps?|only)",
    r"focus (?:order|traps?|indicators?|styles?|states?|management|visible)",
    r"(?:not |non )?focusable(?: \w+)?", r"focus is (?:not )?(?:accidentally )?trapped",
    r"users? s focus", r"(?:logical )?tab order", r"(?:visual|dom) order",
    r"interactive elements indicate",
    r"(?:не)?фокусируем\w*", r"фокус\w* клавиатур\w*", r"навигац\w* с клавиатур\w*",
    # Media and refresh.
    r"(?:video |closed )?captions?", r"kind captions", r"субтитр\w*",
    r"http equiv refresh",
)
# fmt: on

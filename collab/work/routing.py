"""Routing: which team owns an agency's recommendation, and why.

The agency writes in its own words (crawler issue names, Lighthouse audit titles, plain prose,
English or Russian). This module reads that text and answers with one route per owning team,
each carrying a sentence a director can check at a glance. It is deliberately pure (no Flask,
no database) so the web form, the API, audit imports and the tests all get the same answer
from the same function.

How a route is chosen, strongest signal first:

1. A category picked by the filer is trusted as is.
2. The organisation's own rules, in the order given; the first whose phrase occurs in the title
   or the description decides.
3. The built-in phrase tables (collab.work.routing_phrases and the modules it names). Title
   and description are normalised (lower case, ``ё`` read as ``е``, every run of punctuation
   and whitespace read as one space) and searched with whole-word patterns. A hit in the title
   beats any hit in the description. Within the same field a category that PRECEDENCE puts
   above another beats it outright; otherwise the longest hit wins, because a longer phrase says
   more ("meta description" is about snippets, "description" alone says nothing); remaining
   ties go to the earlier hit, then to the category listed first. Some phrases name a topic
   within their category ("accessibility" within technical SEO), and the reason shows it.
4. Nothing recognised: one route without a team, so the work waits for both directors instead
   of landing silently on one team's desk.

Links are addresses, not words: before steps 2 and 3 every link is taken out of the text
(strip_links), so a "Learn more" link to ``https://web.dev/articles/...`` neither says "HTTPS"
nor "articles". A Markdown link keeps its visible text.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from collab.models.accounts import TEAMS
from collab.platform.errors import N_, Refusal
from collab.work import routing_reasons as reasons
from collab.work.categories import CATEGORIES, UNCATEGORISED, Category
from collab.work.routing_phrases import VOCABULARY
from collab.work.routing_reasons import Why

# A hit for the first category beats any hit for the second in the same field, however short.
# The second names where the work happens or what it is for (a blog post, a webinar, an event);
# the first names the work itself: "Write the copy for the webinar landing page" is copy,
# "Merge thin and duplicate blog posts" is thin content, "Blog posts load slowly" is speed.
# Length alone would let the longer place-name win. A new landing page includes its copy, so
# landing_page (both teams, marketing's share being the copy) beats landing_copy. The pairs
# must never form a cycle (a test holds that), so some category always stands.
PRECEDENCE: tuple[tuple[str, str], ...] = (
    ("landing_page", "landing_copy"),
    ("landing_copy", "content_marketing"),
    ("thin_content", "content_marketing"),
    ("meta_tags", "content_marketing"),
    ("page_speed", "content_marketing"),
    ("broken_links", "content_marketing"),
    ("redirects", "content_marketing"),
)


def _whole_words(phrase: str) -> re.Pattern[str]:
    # Normalised text starts with a space and separates words by one, so a literal leading
    # space marks a word start. That is much cheaper than a look-behind, which would stop the
    # regex engine from skipping ahead to candidate positions on long descriptions.
    return re.compile(rf" ({phrase})(?!\w)")


# (category slug, topic or None, pattern), in the order that breaks the last ties.
_PATTERNS: tuple[tuple[str, str | None, re.Pattern[str]], ...] = tuple(
    (slug, topic, _whole_words(phrase)) for slug, topic, phrases in VOCABULARY for phrase in phrases
)
_BEATEN_BY: dict[str, frozenset[str]] = {
    loser: frozenset(w for w, lost in PRECEDENCE if lost == loser) for _, loser in PRECEDENCE
}


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
            raise Refusal(N_("a rule's phrase needs at least one letter or digit"))
        if self.category is not None and not _is_real_category(self.category):
            raise UnknownCategory(self.category)
        if self.team is not None and self.team not in TEAMS:
            raise Refusal(
                N_("unknown team %(team)s; choose one of: %(teams)s"),
                team=repr(self.team),
                teams=", ".join(TEAMS),
            )
        if self.category is None and self.team is None:
            raise Refusal(N_("a rule must name a category, a team, or both"))


@dataclass(frozen=True)
class Route:
    """One team's share of a recommendation. ``matched`` is what decided it: the words quoted
    from the text for a built-in phrase, the rule's phrase for an organisation's rule, None
    when the filer chose the category or nothing matched (then ``team`` is None too).
    ``why`` is the reason, worded where it is read (collab.work.routing_reasons)."""

    team: str | None
    category: str
    why: Why
    matched: str | None

    @property
    def reason(self) -> str:
        """The reason in the language being written in (English outside a request)."""
        return self.why.words()


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
        return _routes(chosen, chosen.teams, reasons.FILER_CATEGORY, None)

    fields = tuple(_normalise(strip_links(text or "")) for text in (title, description))

    for rule in rules:
        pattern = _phrase_pattern(rule.phrase)
        if any(pattern.search(field[0]) for field in fields):
            return _apply_rule(rule, fields)

    hit = _best_hit(fields)
    if hit is None:
        return [Route(None, UNCATEGORISED, Why.of(reasons.NOTHING_MATCHED), None)]
    chosen = CATEGORIES[hit.slug]
    return _routes(chosen, chosen.teams, reasons.MATCHED_WORDS, hit.words, hit.topic)


# Links, as agencies paste them: a Markdown link (its text is kept), anything with a scheme
# (https://, chrome-error://), www. addresses, e-mail addresses, bare domains with or without a
# path (web.dev/articles/..., example.com), and bare paths of two or more segments
# (/articles/legacy-javascript). A one-segment path ("/pricing") names a page in the filer's
# own words and stays. Only common top-level domains count, so file names and code that look
# like domains ("robots.txt", "document.write()", "Node.js", "Yandex.Metrica") stay words.
# Schema.org is a vocabulary's name as well as a site, and stays a word.
_TLDS = (
    "com|net|org|info|biz|io|co|ai|app|dev|tv|uk|de|fr|es|nl|eu|ru|su|by|kz|ua|pl|cz|ch|se|"
    "dk|fi|pt|br|ca|au|jp|cn|edu|gov|online|site|store|shop|tech|pro|xyz|рф"
)
_URL_CHARS = r"[^\s<>\"'`]"
_LINKS = re.compile(
    rf"""
    \[(?P<text>[^\[\]\n]*)\]\(\s*[^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+"[^"]*")?\s*\)
    | (?<![\w.+-])[a-z][a-z0-9+.-]*://{_URL_CHARS}*
    | (?<![\w.-])www\.{_URL_CHARS}*
    | (?<![\w.+-])[\w.+-]+@[^\W_][\w-]*(?:\.[\w-]+)+
    | (?<![\w.@/-])(?!schema\.org(?![\w-]))(?:[^\W_](?:[\w-]*[^\W_])?\.)+(?:{_TLDS})(?![\w-])
      (?::\d+)?(?:/{_URL_CHARS}*)?
    | (?<![\w/.:~-])(?:/[^\s<>"'`/()\[\]]+){{2,}}/?
    """,
    re.IGNORECASE | re.VERBOSE,
)


def strip_links(text: str) -> str:
    """The text with every link replaced by a space (a Markdown link by its visible text), so
    routing reads the filer's words and never the insides of an address."""
    # A Markdown link's text may itself be an address ("[web.dev/articles](https://...)").
    return _LINKS.sub(lambda m: f" {_LINKS.sub(' ', m.group('text') or '')} ", text)


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


@dataclass(frozen=True)
class _Hit:
    slug: str
    topic: str | None
    words: str


def _best_hit(fields: Sequence[_Field]) -> _Hit | None:
    """The winning hit, or None; see the module docstring."""
    for field in fields:
        text = field[0]
        # Per category, its best hit: (sort key, topic, start, end).
        best: dict[str, tuple[tuple[int, int, int], str | None, int, int]] = {}
        for order, (slug, topic, pattern) in enumerate(_PATTERNS):
            for m in pattern.finditer(text):
                start, end = m.span(1)
                key = (start - end, start, order)
                if slug not in best or key < best[slug][0]:
                    best[slug] = (key, topic, start, end)
        standing = [s for s in best if not _BEATEN_BY.get(s, frozenset()) & best.keys()]
        if standing:
            slug = min(standing, key=lambda s: best[s][0])
            _, topic, start, end = best[slug]
            return _Hit(slug, topic, _quote(field, start, end))
    return None


@lru_cache(maxsize=1024)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return _whole_words(re.escape(_normalise(phrase)[0].strip()))


def _apply_rule(rule: Rule, fields: Sequence[_Field]) -> list[Route]:
    why = reasons.ORGANISATION_RULE
    if rule.category is not None:
        chosen = CATEGORIES[rule.category]
        teams = chosen.teams if rule.team is None else (rule.team,)
        return _routes(chosen, teams, why, rule.phrase)
    guess = _best_hit(fields)
    if guess is not None and rule.team in CATEGORIES[guess.slug].teams:
        return _routes(CATEGORIES[guess.slug], (rule.team,), why, rule.phrase, guess.topic)
    return _routes(CATEGORIES[UNCATEGORISED], (rule.team,), why, rule.phrase)


def _routes(
    chosen: Category,
    teams: Sequence[str],
    rule: str,
    matched: str | None,
    topic: str | None = None,
) -> list[Route]:
    # The matched words and the rule's phrase are the same term for the reason's wording.
    quoted = {"words": matched} if rule == reasons.MATCHED_WORDS else {"phrase": matched}
    return [
        Route(
            team,
            chosen.slug,
            Why.of(rule, category=chosen.slug, team=team, topic=topic, **quoted),
            matched,
        )
        for team in teams
    ]


def _is_real_category(slug: str) -> bool:
    found = CATEGORIES.get(slug)
    return found is not None and bool(found.teams)

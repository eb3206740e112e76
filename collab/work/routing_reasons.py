"""Why routing chose a team, in the reader's language: the one place that words it.

Routing (collab.work.routing, collab.audits.routes) decides and answers a Why: the rule that
decided and its terms (the words matched, the organisation's phrase, the audit id and the
topic of its table row). A task keeps that, and every page, the API and e-mails word it when
they show it, so a Russian-speaking director reads Russian and the agency beside them
English. The English sentence is kept too, as tasks routed before reasons were worded this
way only have that (``routing_reason``), and for readers of the database.

The terms are English where they are collab's (category slugs, a table's topic) and are
translated here; what the filer or the tool wrote (the matched words, the issue name) is
quoted as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from collab.models.accounts import TEAM_LABELS
from collab.platform.i18n import current_language
from collab.work.categories import CATEGORIES

# The text rules (collab.work.routing) and the audit rules (collab.audits.routes).
FILER_CATEGORY = "filer_category"
MATCHED_WORDS = "matched_words"
ORGANISATION_RULE = "organisation_rule"
NOTHING_MATCHED = "nothing_matched"
AUDIT_TABLE = "audit_table"
AUDIT_OVERRIDE = "audit_override"
AUDIT_OVERRIDE_TRIAGE = "audit_override_triage"
AUDIT_UNKNOWN = "audit_unknown"

# When both teams own a category, each reason says which half of the work is theirs, so neither
# team reads the linked task as a duplicate of its own.
SHARES = {
    "landing_page": {"it": _l("build"), "marketing": _l("copy")},
    "crm_integration": {"it": _l("implementation"), "marketing": _l("rules")},
    "analytics_review": {"it": _l("technical faults"), "marketing": _l("clicks and conversion")},
}
# The topics of the phrase tables (collab.work.routing_phrases); an audit table's topics and
# Lighthouse's areas come from its CSV files, which `make translations` reads too.
_TOPIC_WORDS = (_l("accessibility"),)
_TOOLS = {"lighthouse": "Lighthouse", "screaming_frog": "Screaming Frog", "csv": _l("crawler")}


@dataclass(frozen=True)
class Why:
    """The rule that routed a piece of work and its terms, e.g. ("matched_words",
    {"category": "page_speed", "team": "it", "words": "compress images"})."""

    rule: str
    terms: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, rule: str, **terms: str | None) -> Why:
        return cls(rule, tuple(sorted((k, v) for k, v in terms.items() if v is not None)))

    @property
    def stored(self) -> dict[str, str]:
        return dict(self.terms)

    def words(self) -> str:
        """The reason in the language being written in (English outside a request)."""
        return say(self.rule, self.stored) or ""


def task_columns(why: Why) -> dict[str, Any]:
    """What a new task keeps of its routing's reason: the rule, its terms, and the sentence
    in English for readers that do not word it (the database, Slack)."""
    with force_locale("en"):
        english = why.words()
    return {"routing_rule": why.rule, "routing_terms": why.stored, "routing_reason": english}


def reason_of(task) -> str:
    """A task's routing reason in the reader's language; one routed before reasons were kept
    as rules (or by a rule this version does not know) reads as it was stored."""
    return say(task.routing_rule, task.routing_terms) or task.routing_reason or ""


def say(rule: str | None, terms: Mapping[str, Any] | None) -> str | None:
    """The reason in words, or None when ``rule`` is unknown or its terms are incomplete."""
    if rule not in _WORDINGS or not isinstance(terms, Mapping):
        return None
    try:
        return _said(current_language(), rule, tuple(sorted(terms.items())))
    except TypeError:  # a term that is no plain value (stored by hand): worded each time
        return _worded(rule, terms)


@lru_cache(maxsize=4096, typed=True)
def _said(language: str, rule: str, terms: tuple) -> str | None:
    # A list of tasks words the same few reasons again and again, each a dozen catalogue
    # lookups; the words depend on nothing but the language, the rule and its terms.
    return _worded(rule, dict(terms))


def _worded(rule: str, terms: Mapping[str, Any]) -> str | None:
    try:
        return _WORDINGS[rule](terms)
    except (KeyError, TypeError, ValueError):
        return None


def category_name(slug: str) -> str:
    """A category's name to sit mid-sentence ("page speed", "technical SEO")."""
    name = gettext(CATEGORIES[slug].name)
    # Lower-case the name, but leave acronyms ("SEO", "CRM") alone.
    return " ".join(w if w[1:2].isupper() else w.lower() for w in name.split(" "))


def _ours(words: str) -> str:
    # collab's own words carried as a term (a topic, an area), in the reader's language.
    return gettext(words)


def _team(team: str) -> str:
    return str(TEAM_LABELS[team])


def _owner(category: str, team: str) -> str:
    share = SHARES.get(category, {}).get(team)
    if share:
        return gettext("%(share)s owned by %(team)s", share=share, team=_team(team))
    return gettext("owned by %(team)s", team=_team(team))


def _owners(teams: str) -> str:
    first, *rest = teams.split()
    if rest:
        return gettext("owned by %(team)s and %(other)s", team=_team(first), other=_team(rest[0]))
    return gettext("owned by %(team)s", team=_team(first))


def _routed(terms: Mapping[str, Any], why: str) -> str:
    name = category_name(terms["category"])
    if terms.get("topic"):
        # The part of the category the words belong to ("technical SEO (accessibility)").
        name = f"{name} ({_ours(terms['topic'])})"
    return f"{name}, {_owner(terms['category'], terms['team'])}: {why}"


def _tool(terms: Mapping[str, Any]) -> str:
    return str(_TOOLS.get(terms["tool"], terms["tool"]))


def _audit_table(terms: Mapping[str, Any]) -> str:
    topic, owners = _ours(terms["topic"]), _owners(terms["teams"])
    if terms["tool"] == "lighthouse":
        return gettext(
            "Lighthouse %(area)s audit `%(key)s`: %(topic)s, %(owners)s",
            area=_ours(terms["area"]),
            key=terms["key"],
            topic=topic,
            owners=owners,
        )
    return gettext(
        'Screaming Frog issue "%(name)s": %(topic)s, %(owners)s',
        name=terms["name"],
        topic=topic,
        owners=owners,
    )


_WORDINGS = {
    FILER_CATEGORY: lambda t: _routed(t, gettext("category chosen by the filer")),
    MATCHED_WORDS: lambda t: _routed(t, gettext("matched '%(words)s'", words=t["words"])),
    ORGANISATION_RULE: lambda t: _routed(
        t, gettext("matched your organisation's rule '%(phrase)s'", phrase=t["phrase"])
    ),
    NOTHING_MATCHED: lambda t: gettext(
        "no rule recognised this text; waiting for both directors in triage"
    ),
    AUDIT_TABLE: _audit_table,
    AUDIT_OVERRIDE: lambda t: gettext(
        "%(tool)s `%(key)s`: your organisation routes it as %(category)s, %(owners)s",
        tool=_tool(t),
        key=t["key"],
        category=category_name(t["category"]),
        owners=_owners(t["teams"]),
    ),
    AUDIT_OVERRIDE_TRIAGE: lambda t: gettext(
        "%(tool)s `%(key)s`: your organisation sends it to triage for both directors",
        tool=_tool(t),
        key=t["key"],
    ),
    AUDIT_UNKNOWN: lambda t: gettext(
        "%(tool)s `%(key)s` is not in collab's table; waiting for both directors in triage",
        tool=_tool(t),
        key=t["key"],
    ),
}

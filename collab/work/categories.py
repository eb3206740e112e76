"""The kinds of work routing knows, which team owns each, and the KPIs each should move.

Data only, read by routing (collab.work.routing) and by the words of its reasons
(collab.work.routing_reasons); the names are translated where they are shown.
"""

from dataclasses import dataclass

UNCATEGORISED = "uncategorised"


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

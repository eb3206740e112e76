"""Findings gathered into groups, one per issue type: the recommendations an import proposes.

A group gathers the findings of one issue type (an audit id, a crawler issue; Lighthouse's metric
audits share one) across pages, form factors and files. It becomes one recommendation, never one
task per URL. Its pages come worst first by the tool's own figures, so a task starts with the
page that costs most; its offending items likewise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from collab.audits import figures as note_figures
from collab.audits.findings import Finding, FindingGroup, Offender
from collab.audits.routes import AuditRoute, route_finding

MAX_OFFENDERS = 50
# Figures that say how bad an offending item is, strongest first (all "more is worse").
OFFENDER_RANKING = (
    "wasted_ms",
    "wasted_bytes",
    "blocking_ms",
    "main_thread_ms",
    "total_ms",
    "duration_ms",
    "score",
    "size_bytes",
    "total_bytes",
    "transfer_bytes",
    "response_s",
    "unique_inlinks",
    "inlinks",
)


def group_findings(
    findings: Sequence[Finding], overrides: Mapping[str, str] | None = None
) -> tuple[FindingGroup, ...]:
    """Findings gathered by group key, in first-seen order, each routed by identity."""
    members: dict[str, list[int]] = {}
    for index, finding in enumerate(findings):
        members.setdefault(finding.group, []).append(index)
    return tuple(
        _group(key, [findings[i] for i in idx], idx, overrides) for key, idx in members.items()
    )


def _group(
    key: str, found: list[Finding], indexes: list[int], overrides: Mapping[str, str] | None
) -> FindingGroup:
    source = found[0].source
    keys = tuple(sorted({f.key for f in found}))
    urls = _worst_pages_first(found)
    form_factors = tuple(sorted({f.form_factor for f in found if f.form_factor}))
    offenders = worst_first(o for f in found for o in f.offenders)[:MAX_OFFENDERS]
    return FindingGroup(
        key=key,
        source=source,
        title=_title(found, keys),
        keys=keys,
        urls=urls,
        form_factors=form_factors,
        offenders=offenders,
        findings=tuple(indexes),
        routes=_routes(source, keys, overrides),
        figures=note_figures.training_figures(found, urls, offenders, form_factors),
    )


def _routes(
    source: str, keys: tuple[str, ...], overrides: Mapping[str, str] | None
) -> tuple[AuditRoute, ...]:
    # Keys sharing a group (the metric audits) share a table row's category; an override on any
    # of them routes the whole group, the first overridden key in order deciding.
    for key in keys:
        if overrides and (f"{source}:{key}" in overrides or key in overrides):
            return route_finding(source, key, overrides)
    return route_finding(source, keys[0], overrides)


def _title(found: list[Finding], keys: tuple[str, ...]) -> str:
    if len(keys) == 1:
        return found[0].title
    titles = list(dict.fromkeys(f.title for f in sorted(found, key=lambda f: f.key)))
    return "Page speed metrics: " + ", ".join(titles)


def _worst_pages_first(found: list[Finding]) -> tuple[str, ...]:
    """Pages ranked by their worst finding: savings in time, then in bytes, then score. Pages
    that carry no figures keep the order the tool listed them in, after those that do."""
    rank: dict[str, tuple[float, float, float]] = {}
    for f in found:
        badness = (f.savings_ms or 0.0, f.savings_bytes or 0.0, 1.0 - f.score if f.score else 0.0)
        for url in f.urls:
            if url not in rank or badness > rank[url]:
                rank[url] = badness
    order = {url: position for position, url in enumerate(rank)}
    return tuple(sorted(rank, key=lambda u: (tuple(-x for x in rank[u]), order[u])))


def worst_first(offenders: Iterable[Offender]) -> tuple[Offender, ...]:
    """Offenders deduplicated by label (keeping the worse figures), worst first by the first
    figure of OFFENDER_RANKING they carry; those without figures keep their order, last."""
    merged: dict[str, Offender] = {}
    for offender in offenders:
        known = merged.get(offender.label)
        if known is None or _badness(offender) > _badness(known):
            merged[offender.label] = offender
    order = {label: position for position, label in enumerate(merged)}
    return tuple(sorted(merged.values(), key=lambda o: (_missing(o), _negated(o), order[o.label])))


def _badness(offender: Offender) -> tuple[float, ...]:
    return tuple(float(offender.figures.get(name, 0.0)) for name in OFFENDER_RANKING)


def _negated(offender: Offender) -> tuple[float, ...]:
    return tuple(-x for x in _badness(offender))


def _missing(offender: Offender) -> bool:
    return not any(name in offender.figures for name in OFFENDER_RANKING)

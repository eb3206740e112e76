"""What each kind of work should move: the category -> metrics map, and metrics of an
organisation's own."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from collab.accounts.roles import role_may
from collab.http.access import access
from collab.impacts.category_map_edit import edit_category_map
from collab.impacts.metric_map import category_map
from collab.kpis import custom_metrics
from collab.kpis.materiality import material_pcts, set_material_pcts
from collab.kpis.metrics import UNITS
from collab.kpis.verdicts import DEFAULT_MATERIAL_PCT
from collab.platform.extensions import db
from collab.web.kpis import bp
from collab.work import routing


@bp.route("/map")
@access("kpi.view")
def metric_map(org: str):
    definitions = custom_metrics.metric_definitions(g.org)
    return render_template(
        "kpis/map.html",
        org=g.org,
        categories=[c for c in routing.CATEGORIES.values() if c.slug != routing.UNCATEGORISED],
        chosen=category_map(g.org),
        metrics=list(definitions),
        definitions=definitions,
        units=UNITS,
        material=material_pcts(g.org),
        default_material=DEFAULT_MATERIAL_PCT,
        may_edit=role_may(g.membership.role, "settings.edit"),
    )


@bp.route("/map", methods=["POST"])
@access("settings.edit")
def metric_map_save(org: str):
    ticked = {
        key.removeprefix("m|"): request.form.getlist(key)
        for key in request.form
        if key.startswith("m|")
    }
    reset = {
        key.removeprefix("reset|")
        for key, on in request.form.items()
        if key.startswith("reset|") and on
    }
    changed = edit_category_map(g.membership, g.org, ticked, reset)
    db.session.commit()
    flash(
        f"Saved {changed} change{'s' if changed != 1 else ''}; impacts follow at the next "
        "measurement."
        if changed
        else "Nothing changed."
    )
    return redirect(url_for("kpis.metric_map", org=org))


@bp.route("/map/metrics", methods=["POST"])
@access("settings.edit")
def define_metric(org: str):
    form = request.form
    metric = custom_metrics.define_metric(
        g.membership,
        g.org,
        form.get("name", ""),
        form.get("unit", ""),
        form.get("lower_is_better") == "1",
    )
    db.session.commit()
    flash(f"Added the metric {metric.name}.")
    return redirect(url_for("kpis.metric_map", org=org))


@bp.route("/map/materiality", methods=["POST"])
@access("settings.edit")
def save_materiality(org: str):
    """Each metric's materiality: a change within plus or minus it does not matter, so an
    impact whose whole interval lies within it reads "no change"."""
    wanted = {
        key.removeprefix("material|"): value
        for key, value in request.form.items()
        if key.startswith("material|")
    }
    changed = set_material_pcts(g.membership, g.org, wanted)
    db.session.commit()
    flash(
        f"Saved the materiality of {changed} metric{'s' if changed != 1 else ''}; impacts "
        "follow at the next measurement."
        if changed
        else "Nothing changed."
    )
    return redirect(url_for("kpis.metric_map", org=org))

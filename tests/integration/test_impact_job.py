"""The impact job end to end: measured vs waiting, confounders, idempotent reruns, new data
measured again, and the helpers the board and the training notes read."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sqlalchemy import select, update

from collab.impacts.job import measure_task, run_impact
from collab.impacts.ledger import best_impacts, impact_ledger
from collab.impacts.metric_map import metrics_for, set_metrics_for
from collab.impacts.results import history_by_category, measured_by_task
from collab.kpis.input import Observation
from collab.kpis.recording import record_kpis
from collab.kpis.totals import current_figures
from collab.models.kpis import TaskImpact
from collab.platform.extensions import db
from collab.web.impact_text import badge_text
from collab.work.tasks import update_task
from tests.integration.test_kpi_support import TODAY, completed_task, daily_series, record_series
from tests.support.factories import login, make_org, make_user, membership

DAYS = 400
FIRST = TODAY - dt.timedelta(days=DAYS - 1)


def badges_for(task_ids) -> dict[int, str]:
    """What the board's finished cards show."""
    return {task_id: badge_text(impact) for task_id, impact in best_impacts(task_ids).items()}


def _rows(task) -> dict[str, TaskImpact]:
    db.session.expire_all()
    return {
        row.metric: row
        for row in db.session.scalars(select(TaskImpact).where(TaskImpact.task_id == task.id))
    }


def _arrange():
    """CTR steps up 25% at a meta-tags task 60 days ago; sessions are flat; a second task
    finished 20 days ago is still waiting for data; a third finished inside the first's
    after window."""
    org = make_org("acme")
    director = make_user(org, "cmo")
    changed_index = DAYS - 60
    changed = FIRST + dt.timedelta(days=changed_index)
    record_series(
        org, "search_ctr", FIRST, daily_series(DAYS, 3.0, step_on=changed_index, step=0.25)
    )
    record_series(org, "organic_sessions", FIRST, daily_series(DAYS, 5000, seed=2))
    measured = completed_task(org, director, "meta_tags", changed, changed - dt.timedelta(5))
    recent = completed_task(org, director, "meta_tags", TODAY - dt.timedelta(days=20))
    neighbour = completed_task(org, director, "content_gaps", changed + dt.timedelta(days=10))
    return org, director, measured, recent, neighbour


def test_job_measures_waits_flags_confounders_and_reruns_idempotently(app):
    org, director, measured, recent, neighbour = _arrange()

    line = run_impact()
    # meta_tags: search_ctr + organic_sessions (x2 tasks); content_gaps: organic_sessions + leads
    assert line == "impact: 3 tasks checked, 3 impacts measured, 3 waiting for data, 6 changed"

    rows = _rows(measured)
    ctr = rows["search_ctr"]
    assert (ctr.status, ctr.verdict) == ("measured", "improved")
    assert 15 < ctr.change_pct < 35 and ctr.score > 0
    assert ctr.confounder_count == 1  # the neighbour finished in its after window
    assert ctr.result["ci95_pct"][0] > 0
    assert rows["organic_sessions"].status == "measured"
    assert rows["organic_sessions"].verdict == "no_change"
    assert {r.status for r in _rows(recent).values()} == {"waiting_for_data"}
    waiting = _rows(recent)["search_ctr"].result
    assert waiting["after"]["n"] == 21 and waiting["change_pct"] is None
    assert _rows(neighbour)["leads"].status == "waiting_for_data"  # no leads data at all

    before = {r.id: (r.fingerprint, r.measured_at) for r in db.session.scalars(select(TaskImpact))}
    again = run_impact()
    assert again == "impact: 3 tasks checked, 3 impacts measured, 3 waiting for data, 0 changed"
    after = {r.id: (r.fingerprint, r.measured_at) for r in db.session.scalars(select(TaskImpact))}
    assert after == before

    # New data inside the recent task's after window: that impact is measured again.
    record_kpis(org, [Observation("search_ctr", TODAY + dt.timedelta(days=1), 3.5)])
    db.session.commit()
    line = run_impact()
    assert line.endswith(" 1 changed"), line  # one more day for the waiting impact
    assert _rows(recent)["search_ctr"].result["after"]["n"] == 22


def test_changed_figure_in_the_history_measures_again(app):
    org, _, measured, _, _ = _arrange()
    run_impact()
    old = _rows(measured)["search_ctr"]
    old_fingerprint, old_result = old.fingerprint, dict(old.result)
    record_kpis(org, [Observation("search_ctr", FIRST + dt.timedelta(days=200), 9.0)])
    db.session.commit()
    run_impact()
    new = _rows(measured)["search_ctr"]
    assert new.fingerprint != old_fingerprint
    # Outside both windows, but inside the history the placebo dates calibrate on: an
    # outlier there makes the method less sure, so the interval widens.
    assert new.result["after"] == old_result["after"]
    old_low, old_high = old_result["ci95_pct"]
    new_low, new_high = new.result["ci95_pct"]
    assert new_low < old_low and new_high > old_high


def test_reopened_tasks_and_unmapped_metrics_lose_their_impacts(app):
    org, director, measured, recent, _ = _arrange()
    run_impact()
    update_task(membership(director, org), recent, {"status": "in_progress"}, recent.version)
    set_metrics_for(membership(director, org), org, "meta_tags", ["search_ctr"])
    db.session.commit()
    line = run_impact()
    assert line == "impact: 2 tasks checked, 2 impacts measured, 1 waiting for data, 3 changed"
    assert _rows(recent) == {}
    assert set(_rows(measured)) == {"search_ctr"}


def test_measure_task_is_idempotent_and_agrees_with_the_job(app):
    org, director, measured, _, _ = _arrange()
    assert measure_task(measured.id) == 2
    first = {m: (r.fingerprint, r.result, r.confounder_count) for m, r in _rows(measured).items()}
    assert measure_task(measured.id) == 2
    assert {
        m: (r.fingerprint, r.result, r.confounder_count) for m, r in _rows(measured).items()
    } == first
    assert run_impact().endswith(" 4 changed")  # only the other two tasks' rows
    assert {
        m: (r.fingerprint, r.result, r.confounder_count) for m, r in _rows(measured).items()
    } == first
    assert measure_task(10_000_000) == 0

    # Rows whose inputs are unknown (no fingerprint) are measured again: same answers.
    db.session.execute(
        update(TaskImpact).where(TaskImpact.task_id == measured.id).values(fingerprint="")
    )
    db.session.commit()
    assert run_impact().endswith(" 0 changed")  # re-measured, same answers
    assert "" not in {r.fingerprint for r in _rows(measured).values()}
    assert {m: r.result for m, r in _rows(measured).items()} == {m: v[1] for m, v in first.items()}


def test_helpers_for_the_board_and_the_notes(app):
    org, director, measured, recent, neighbour = _arrange()
    run_impact()
    badges = badges_for([measured.id, recent.id, neighbour.id])
    assert set(badges) == {measured.id, neighbour.id}  # the recent one waits for data
    assert badges[measured.id].startswith("CTR +")
    assert badges[neighbour.id] == "sessions: no clear change"

    measured_now = measured_by_task([measured.id, recent.id, neighbour.id])
    mine = measured_now[measured.id]
    assert {m["metric"]: m["verdict"] for m in mine} == {
        "search_ctr": "improved",
        "organic_sessions": "no_change",
    }
    assert set(mine[0]) == {"metric", "change_pct", "verdict"}
    assert recent.id not in measured_now  # still waiting for data
    history = history_by_category(org, ["meta_tags", "page_speed"])
    assert [r.summary for r in history["meta_tags"]] == mine  # the recent one waits
    assert {r.task_id for r in history["meta_tags"]} == {measured.id}
    assert history["page_speed"] == []

    figures = current_figures(org, ["search_ctr", "organic_sessions", "leads", "nope"])
    assert set(figures) == {"search_ctr", "organic_sessions"}
    record_series(org, "leads", TODAY, [10], channel="organic")
    record_series(org, "spend", TODAY, [250], channel="organic")
    assert current_figures(org, ["cost_per_lead"]) == {"cost_per_lead": 25.0}
    assert metrics_for(org, "meta_tags") == ("search_ctr", "organic_sessions")
    assert metrics_for(org, "no_such_category") == ()

    ledger, total = impact_ledger(org)
    assert total == 3
    assert ledger[0]["metric"] == "search_ctr" and ledger[0]["confounder_count"] == 1


def test_timezones_put_completion_on_the_local_day(app):
    org = make_org("tokyo", timezone="Asia/Tokyo")
    director = make_user(org, "cmo")
    record_series(org, "search_ctr", FIRST, daily_series(DAYS, 3.0))
    # 20:00 UTC is already the next morning in Tokyo.
    task = completed_task(org, director, "meta_tags", TODAY - dt.timedelta(days=40))
    task.completed_at = task.completed_at.replace(hour=20)
    db.session.commit()
    run_impact()
    after = _rows(task)["search_ctr"].result["after"]
    assert after["from"] == (TODAY - dt.timedelta(days=39)).isoformat()


def test_flask_jobs_run_impact_prints_one_line(app, runner):
    empty = runner.invoke(args=["jobs", "run", "impact"])
    assert empty.exit_code == 0, empty.output
    assert empty.output == (
        "impact: 0 tasks checked, 0 impacts measured, 0 waiting for data, 0 changed\n"
    )
    _arrange()
    result = runner.invoke(args=["jobs", "run", "impact"])
    assert result.output.startswith("impact: 3 tasks checked, 3 impacts measured")


def test_a_reopened_task_loses_its_badge_before_the_next_run(app):
    org, director, measured, _, _ = _arrange()
    run_impact()
    assert measured.id in badges_for([measured.id])
    update_task(membership(director, org), measured, {"status": "in_progress"}, measured.version)
    db.session.commit()
    assert badges_for([measured.id]) == {}
    assert measured_by_task([measured.id]) == {}
    ledger, total = impact_ledger(org)
    assert total == 1 and all(row["task_id"] != measured.id for row in ledger)


def test_no_clear_change_is_never_dressed_as_an_improvement(app):
    org, director, measured, _, neighbour = _arrange()
    run_impact()
    client = app.test_client()
    login(client, director.email)
    board = client.get("/orgs/acme/board?done=all").text
    card = board.split(f'id="card-{measured.id}"', 1)[1].split("</li>", 1)[0]
    assert 'class="tag impact verdict-improved">CTR +' in card
    card = board.split(f'id="card-{neighbour.id}"', 1)[1].split("</li>", 1)[0]
    assert 'class="tag impact verdict-no_change">sessions: no clear change' in card
    ledger = client.get("/orgs/acme/kpis/").text
    assert '<td class="verdict-no_change" data-label="Verdict">no clear change <small>' in ledger
    # The stylesheet gives success's green to improvements alone: neutral for the rest.
    css = re.sub(
        r"/\*.*?\*/", "", (Path(app.static_folder) / "css" / "app.css").read_text(), flags=re.S
    )
    green = [rule.split("{")[0] for rule in css.split("}") if "var(--ok)" in rule]
    # Green is for improvements (and a headline trend going the right way), never for a
    # result that shows no clear change.
    assert any("verdict-improved" in selectors for selectors in green), green
    assert not any("no_change" in s or "inconclusive" in s for s in green), green
    muted = [rule.split("{")[0] for rule in css.split("}") if "color: var(--muted)" in rule]
    assert any(".verdict-no_change" in s and ".verdict-inconclusive" in s for s in muted)
    assert any(s.strip() == ".tag.impact" for s in muted)

"""The four verdicts where there is no colour to lean on: Slack posts, the impact.measured
webhook, the monthly report (JSON, page, e-mail). Only a clear change leads with its figure;
no clear change and inconclusive say so first, and every measured impact carries its
materiality, detectable change and method."""

from __future__ import annotations

import json

from collab.integrations import deliveries, slack, slack_relay
from collab.platform.extensions import db
from collab.reports.mailing import report_text
from collab.reports.monthly import monthly_report
from collab.reports.months import current_month
from tests.integration.test_impact_verdicts_web import _three_verdicts
from tests.support.factories import bearer, login, make_org, make_user
from tests.support.receiver import Receiver


def test_slack_webhooks_and_the_monthly_report_never_read_an_unclear_result_as_a_win(app):
    org = make_org("acme")
    cio = make_user(org, "cio")
    client = app.test_client()
    directors, hook = Receiver().start(), Receiver().start()
    try:
        slack.set_channel(org, "directors", directors.url)
        db.session.commit()
        registered = client.post(
            "/api/v1/orgs/acme/webhooks",
            json={"url": hook.url, "events": ["impact.measured"]},
            headers=bearer(cio),
        )
        assert registered.status_code == 201, registered.json
        task = _three_verdicts(org, cio)
        slack_relay.relay()
        assert deliveries.relay()["delivered"] == 3
        posts = [json.loads(r.body) for r in directors.received]
        sent = [json.loads(r.body)["data"] for r in hook.received]
    finally:
        directors.stop()
        hook.stop()

    by_metric = {}
    for post in posts:
        for metric in ("load time", "bounce rate", "conversion rate"):
            if metric in post["text"].lower():
                by_metric[metric] = post
    assert len(by_metric) == 3, [p["text"] for p in posts]

    def headline(post: dict) -> str:
        return post["blocks"][0]["text"]["text"]

    speed = by_metric["load time"]
    assert " moved " in headline(speed) and headline(speed).endswith("(improved)*")
    bounce, conversion = by_metric["bounce rate"], by_metric["conversion rate"]
    assert "bounce rate: no clear change (" in bounce["text"] and "within ±10%" in bounce["text"]
    assert "conversion rate: inconclusive (" in conversion["text"]
    assert "95% interval" in conversion["text"]
    for unclear in (bounce, conversion):
        # Not said as a move, and only "Measured:" in bold.
        assert " moved " not in headline(unclear) and headline(unclear).count("*") == 2

    verdicts = {impact["metric"]: impact["verdict"] for impact in sent}
    assert verdicts == {
        "lcp_ms": "improved",
        "bounce_rate": "no_change",
        "conversion_rate": "inconclusive",
    }
    for impact in sent:
        assert impact["task_id"] == task.id and impact["material_pct"] == 10
        assert impact["mde_pct"] > 0 and impact["method"]["history_days"] > 0

    report = client.get("/api/v1/orgs/acme/reports/monthly", headers=bearer(cio)).json
    assert {i["metric"]: i["verdict"] for i in report["impacts"]} == verdicts
    login(client, cio.email)
    page = client.get("/orgs/acme/reports/monthly").text.split('id="impact-h"')[1]
    page = page.split("</section>")[0]
    assert 'class="verdict-improved" data-label="Verdict">improved' in page
    assert 'class="verdict-no_change" data-label="Verdict">no clear change <small>' in page
    assert 'class="verdict-inconclusive" data-label="Verdict">inconclusive' in page

    month = current_month(org)
    text = report_text(org, month, monthly_report(org, month))
    lines = text.splitlines()

    def line_for(label: str) -> str:
        [line] = [line for line in lines if f"task #{task.id}, {label}: " in line]
        return line

    bounce_line = line_for("bounce rate")
    assert ": no clear change (" in bounce_line and bounce_line.endswith("within ±10%)")
    assert ": inconclusive (" in line_for("conversion rate")
    assert line_for("page load time (LCP, ms)").endswith("(improved)")

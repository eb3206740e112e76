"""The front door of someone in several organisations (an agency serving many clients):
where each organisation's work stands, in the reader's language."""

from __future__ import annotations

import datetime as dt
import re

from collab.accounts.people import add_membership
from collab.platform.clock import utcnow
from collab.platform.extensions import db
from collab.work.tasks import update_task
from tests.support.factories import login, make_org, make_recommendation, make_user, membership


def _row(html: str, org_name: str) -> list[str]:
    """The figures of one organisation's row, as shown."""
    row = html.split(f">{org_name}</a>", 1)[1].split("</tr>", 1)[0]
    return re.findall(r'class="num"[^>]*>(?:<a [^>]*>)?(?:<strong>)?([^<]*)', row)


def test_an_agency_sees_where_each_clients_work_stands(app, client):
    acme, globex = make_org("acme"), make_org("globex")
    agency = make_user(acme, "agency")
    membership(agency, acme)
    add_membership(agency, globex, "agency")
    cio = make_user(acme, "cio")
    director = membership(cio, acme)
    tasks = [
        make_recommendation(acme, agency, title=f"Fix 404 errors {n}").tasks[0] for n in range(4)
    ]
    late, waiting, finished = tasks[1], tasks[2], tasks[3]
    update_task(
        director,
        late,
        {"status": "todo", "due_date": utcnow().date() + dt.timedelta(days=5)},
        late.version,
    )
    late.due_date = utcnow().date() - dt.timedelta(days=3)  # filed long ago, now late
    update_task(director, waiting, {"status": "todo", "waiting_on_agency": True}, waiting.version)
    for status in ("todo", "in_progress", "done"):
        update_task(director, finished, {"status": status}, finished.version)
    db.session.commit()

    login(client, agency.email)
    page = client.get("/")
    assert page.status_code == 200
    # In triage, open, overdue, waiting on the agency, done in 30 days.
    assert _row(page.text, acme.name) == ["1", "2", "1", "1", "1"]
    assert _row(page.text, globex.name) == ["0", "0", "0", "0", "0"]
    assert f'/orgs/{acme.slug}/board?overdue=1"' in page.text

    agency.language = "ru"
    db.session.commit()
    assert "Просрочено" in client.get("/").text


def test_someone_in_one_organisation_goes_straight_to_its_board(app, client):
    org = make_org("acme")
    login(client, make_user(org, "it").email)
    answer = client.get("/")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/orgs/acme/board")

"""The same event reaches each person in their own language, in the app and by e-mail;
what people typed (a recommendation's title) stays as typed."""

from sqlalchemy import select

from collab.models import Notification, OutboxEmail
from collab.platform.extensions import db
from tests.support.factories import make_org, make_recommendation, make_user


def test_each_director_hears_of_a_new_recommendation_in_their_language(app):
    org = make_org("acme")
    cio = make_user(org, "cio")
    cmo = make_user(org, "cmo")
    cio.language = "ru"
    agency = make_user(org, "agency")
    agency.name = "Anna Agency"
    db.session.commit()
    make_recommendation(org, agency, title="Fix the 404s")
    said = {n.user_id: n.text for n in db.session.scalars(select(Notification))}
    assert said[cio.id] == "Новая рекомендация от Anna Agency: Fix the 404s"
    assert said[cmo.id] == "New recommendation from Anna Agency: Fix the 404s"
    mail = {row.user_id: row for row in db.session.scalars(select(OutboxEmail))}
    assert mail[cio.id].body.startswith("Новая рекомендация от Anna Agency: Fix the 404s\n\n")
    assert "Открыть в collab:" in mail[cio.id].body
    assert "ежедневную сводку можно выбрать в профиле" in mail[cio.id].body
    assert "Open it in collab:" in mail[cmo.id].body
    assert "choose a daily digest on your profile" in mail[cmo.id].body


def test_late_work_is_announced_to_each_person_in_their_language(app):
    from datetime import UTC, datetime, timedelta

    from collab.followup import alerts
    from collab.models import Alert
    from tests.integration.test_alerts import _task, _world

    org, people = _world()
    people["it"].language = "ru"
    db.session.commit()
    now = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)
    task = _task(org, people, title="Fix the 404s", due=now.date() - timedelta(days=2))
    alerts.scan(now)
    level_one = (
        select(Notification.user_id, Notification.text)
        .join(Alert)
        .where(Alert.task_id == task.id, Alert.level == 1)
    )
    said = dict(db.session.execute(level_one).all())
    assert said[people["it"].id] == "Просрочено, уровень 1: Fix the 404s"
    assert said[people["cio"].id] == "Overdue, level 1: Fix the 404s"

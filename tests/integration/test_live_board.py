"""The live board without a browser: an organisation's stream (real Redis) says which lanes
of its own board changed once a change commits, and nothing of other organisations; a
signed-out or removed member gets no stream; the changed lanes re-render with the counts."""

import json
import logging
import re

from collab.accounts.people import change_role, end_membership
from collab.platform.extensions import db
from collab.work.tasks import update_task
from tests.support.factories import (
    csrf_from,
    login,
    make_org,
    make_recommendation,
    make_user,
    membership,
)
from tests.support.servers import free_port


def _open_stream(client, app, org="acme"):
    app.config.update(BOARD_STREAM_BEAT=0.1, BOARD_STREAM_SECONDS=10)
    response = client.get(f"/orgs/{org}/board/events", buffered=False)
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    return response


def _next_event(response, beats: int = 50) -> dict | None:
    """The next board event, or None when only heartbeats came for ``beats`` beats."""
    chunks = iter(response.response)
    for _ in range(beats):
        chunk = next(chunks).decode()
        if chunk.startswith("event: board"):
            return json.loads(re.search(r"^data: (.*)$", chunk, re.M).group(1))
    return None


def _world():
    acme, globex = make_org("acme"), make_org("globex")
    cio = make_user(acme, "cio", email="cio@acme.example")
    agency = make_user(acme, "agency", email="am@agency.example")
    rival = make_user(globex, "cio", email="cio@globex.example")
    return acme, globex, cio, agency, rival


def test_a_committed_move_reaches_the_organisations_stream_and_no_other(app, client):
    acme, globex, cio, agency, rival = _world()
    task = make_recommendation(acme, agency, title="Compress images").tasks[0]
    theirs = make_recommendation(globex, rival, title="Compress images of the secret plan").tasks[0]
    login(client, cio.email)
    stream = _open_stream(client, app)

    # Globex's change is said on Globex's channel only.
    update_task(membership(rival, globex), theirs, {"status": "todo"}, theirs.version)
    db.session.commit()
    # Acme's director moves a card the way the board's form does.
    mover = app.test_client()
    login(mover, cio.email)
    page = mover.get("/orgs/acme/board")
    moved = mover.post(
        f"/orgs/acme/tasks/{task.id}/move",
        data={"status": "todo", "version": task.version, "csrf_token": csrf_from(page.text)},
    )
    assert moved.status_code == 302

    said = _next_event(stream)
    assert said == {"lanes": ["todo:it", "triage:it"], "tasks": [task.id]}
    assert theirs.id not in said["tasks"]
    stream.close()


def test_a_change_that_rolls_back_says_nothing(app, client):
    acme, _, cio, agency, _ = _world()
    task = make_recommendation(acme, agency, title="Compress images").tasks[0]
    login(client, cio.email)
    stream = _open_stream(client, app)
    update_task(membership(cio, acme), task, {"status": "todo"}, task.version)
    db.session.rollback()
    assert _next_event(stream, beats=5) is None
    stream.close()


def test_no_stream_for_the_signed_out_the_removed_or_another_organisation(app, client):
    acme, _, cio, agency, rival = _world()
    anonymous = client.get("/orgs/acme/board/events")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]

    login(client, rival.email)  # Globex's director: Acme's board does not exist for them
    assert client.get("/orgs/acme/board/events").status_code == 404

    leaver = make_user(acme, "it", email="dev@acme.example")
    other = app.test_client()
    login(other, leaver.email)
    end_membership(membership(leaver, acme), by=cio)
    db.session.commit()
    revoked = other.get("/orgs/acme/board/events")  # their sessions ended with the membership
    assert revoked.status_code == 302 and "/login" in revoked.headers["Location"]


def _rest(response) -> str:
    """What the stream says until it ends (at BOARD_STREAM_SECONDS at the latest)."""
    return "".join(chunk.decode() for chunk in response.response)


def test_a_removed_members_open_stream_ends_and_hears_no_more(app, client):
    acme, _, cio, agency, _ = _world()
    task = make_recommendation(acme, agency, title="Compress images").tasks[0]
    leaver = make_user(acme, "it", email="dev@acme.example")
    staying = make_user(acme, "cmo", email="cmo@acme.example")
    db.session.commit()
    login(client, leaver.email)
    theirs = _open_stream(client, app)
    other = app.test_client()
    login(other, staying.email)
    kept = _open_stream(other, app)

    end_membership(membership(leaver, acme), by=cio)
    db.session.commit()
    update_task(membership(cio, acme), task, {"status": "todo"}, task.version)
    db.session.commit()

    assert "event: board" not in _rest(theirs)  # ended before the move was said
    assert _next_event(kept) == {"lanes": ["todo:it", "triage:it"], "tasks": [task.id]}
    kept.close()


def test_a_role_change_that_rolls_back_leaves_the_stream_open(app, client):
    acme, _, cio, agency, _ = _world()
    task = make_recommendation(acme, agency, title="Compress images").tasks[0]
    dev = make_user(acme, "it", email="dev@acme.example")
    db.session.commit()
    login(client, dev.email)
    stream = _open_stream(client, app)
    change_role(acme, membership(dev, acme), "marketing", by=cio)
    db.session.rollback()
    update_task(membership(cio, acme), task, {"status": "todo"}, task.version)
    db.session.commit()
    assert _next_event(stream) == {"lanes": ["todo:it", "triage:it"], "tasks": [task.id]}
    stream.close()


def test_a_process_streams_only_so_many_boards_and_frees_a_slot_when_one_goes(app, client):
    acme, _, cio, _, _ = _world()
    login(client, cio.email)
    app.config["BOARD_STREAMS"] = 1
    first = _open_stream(client, app)
    assert client.get("/orgs/acme/board/events").status_code == 503  # that board polls
    first.close()  # its browser went away, before a single message was read
    _open_stream(client, app).close()


def test_without_redis_the_board_is_told_to_poll(app, client):
    acme, _, cio, _, _ = _world()
    login(client, cio.email)
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    answer = client.get("/orgs/acme/board/events")
    assert answer.status_code == 503
    # The board itself does not need Redis.
    assert client.get("/orgs/acme/board").status_code == 200


def test_while_redis_is_away_changes_go_through_and_the_log_says_so_once(app, client, caplog):
    acme, _, cio, agency, _ = _world()
    task = make_recommendation(acme, agency, title="Compress images").tasks[0]
    director = membership(cio, acme)

    def move(status):  # a change to the board, committed: announced when it commits
        update_task(director, task, {"status": status}, task.version)
        db.session.commit()

    move("todo")  # Redis answers: whatever an earlier outage left is over
    login(client, cio.email)
    stream = _open_stream(client, app)
    live = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # Redis is away
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="collab.platform.broadcast"):
        for status in ("in_progress", "todo", "in_progress"):
            move(status)
        assert db.session.get(type(task), task.id).status == "in_progress"  # all went through
        said = [r for r in caplog.records if r.name == "collab.platform.broadcast"]
        assert len(said) == 1  # once for the outage, not once a change
        assert said[0].levelno == logging.WARNING
        assert "could not publish on" in said[0].getMessage()

        app.config["REDIS_URL"] = live  # Redis is back
        move("todo")
        said = [r for r in caplog.records if r.name == "collab.platform.broadcast"]
        assert len(said) == 2
        assert "publishing again after 3 failed publishes" in said[1].getMessage()
    # The board hears of the change made once Redis was back.
    assert _next_event(stream) == {"lanes": ["in_progress:it", "todo:it"], "tasks": [task.id]}
    stream.close()


def test_the_changed_lanes_come_back_with_the_counts(app, client):
    acme, _, cio, agency, _ = _world()
    task = make_recommendation(acme, agency, title="Compress images").tasks[0]
    update_task(membership(cio, acme), task, {"status": "todo"}, task.version)
    db.session.commit()
    login(client, cio.email)
    lane = "todo:it"
    html = client.get(f"/orgs/acme/board/lanes?lanes={lane},nonsense:x").text
    lane_id = "lane-todo-it"
    assert re.search(rf'<ul id="{lane_id}" hx-swap-oob="innerHTML">.*Compress images', html, re.S)
    assert html.count("<ul ") == 1  # only the lane asked for
    assert re.search(r'id="count-todo" hx-swap-oob="true">1<', html)
    assert re.search(r'id="count-triage" hx-swap-oob="true">0<', html)

    # A poll (no lanes named) re-renders every lane the page's filters show.
    html = client.get("/orgs/acme/board/lanes?team=it").text
    assert html.count("<ul ") == 5  # five columns, the IT lane of each


def test_a_refetched_lane_keeps_the_cards_show_more_had_added(app, client):
    acme, _, cio, agency, _ = _world()
    for i in range(40):
        task = make_recommendation(acme, agency, title=f"Fix the 404 on page {i}").tasks[0]
        update_task(membership(cio, acme), task, {"status": "todo"}, task.version)
    db.session.commit()
    login(client, cio.email)

    def cards(asked: str) -> int:
        return client.get(f"/orgs/acme/board/lanes?lanes={asked}").text.count('<li class="card')

    first_page = cards("todo:it")
    assert first_page < 40  # the lane's first page, then "show more"
    assert cards("todo:it@30") == 30  # as many as the board showed
    assert cards("todo:it@5000") == 40  # everything there is (at most 500)
    assert cards("todo:it@x") == cards("todo:it@²") == first_page  # nonsense reads as none

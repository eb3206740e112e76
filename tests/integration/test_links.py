"""A list's task links are built once and filled in by id: each must be the link that
building it on its own gives, in a request and from BASE_URL alike."""

from __future__ import annotations

import pytest

from collab.platform.links import _PROBE, link, links_by_id

ORGS = ("acme", "shop-2", f"x{_PROBE}y")  # the last holds the probe's digits: built each time


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("org", ORGS)
def test_each_link_of_a_list_is_the_one_built_alone(app, org):
    ids = (1, 42, 9_223_372_036_854_775_807)
    with app.test_request_context("/", base_url="https://collab.example.com/"):
        in_request = links_by_id("tasks.show", "task_id", org=org)
        assert [in_request(i) for i in ids] == [link("tasks.show", org=org, task_id=i) for i in ids]
    from_base = links_by_id("tasks.show", "task_id", "https://c.example.org/app/", org=org)
    assert [from_base(i) for i in ids] == [
        link("tasks.show", "https://c.example.org/app/", org=org, task_id=i) for i in ids
    ]
    assert from_base(7) == f"https://c.example.org/app/orgs/{org}/tasks/7"

"""In Chromium: axe-core (pinned from npm, served from static/vendor) finds no serious or
critical accessibility violation (WCAG 2.1 A and AA, colour contrast included) on any main
page, as each role that uses it sees it. (The skip link's focus: test_phones_and_long_words.)"""

from __future__ import annotations

import pytest

from collab.demo.seed import DEMO_PASSWORD
from tests.e2e.conftest import sign_in, sign_out

# Who sees which pages: {task} and {recommendation} are one of the demo's.
PAGES = {
    None: ("/login", "/password/forgot"),
    "cio@techsoft.example": (
        "/orgs/techsoft/board",
        "/orgs/techsoft/tasks/{task}",
        "/orgs/techsoft/recommendations/{recommendation}",
        "/orgs/techsoft/kpis/",
        "/orgs/techsoft/kpis/grid",
        "/orgs/techsoft/kpis/import",
        "/orgs/techsoft/kpis/map",
        "/orgs/techsoft/audits/",
        "/orgs/techsoft/settings/",
        "/orgs/techsoft/people/",
        "/orgs/techsoft/notifications/",
        "/orgs/techsoft/notes/",
        "/orgs/techsoft/reports/monthly",
        "/profile/",
    ),
    "dev@techsoft.example": ("/orgs/techsoft/board", "/orgs/techsoft/tasks/{task}"),
    "account@webpartners.example": (
        "/",
        "/orgs/techsoft/board",
        "/orgs/techsoft/recommendations/new",
        "/orgs/techsoft/audits/",
    ),
    "operator@collab.example": ("/admin/",),
}
AXE = """async () => {
  const found = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return found.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ` +
      v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", "));
}"""


@pytest.fixture
def demo(live_server):
    from sqlalchemy import select

    from collab.demo.seed import seed_demo
    from collab.models import Organization, Task
    from collab.platform.extensions import db

    with live_server.app.app_context():
        seed_demo()
        org = db.session.scalar(select(Organization).where(Organization.slug == "techsoft"))
        task = db.session.scalar(
            select(Task).where(Task.organization_id == org.id).order_by(Task.id).limit(1)
        )
        return {"task": task.id, "recommendation": task.recommendation_id}


def _violations(page, base: str) -> list[str]:
    page.add_script_tag(url=base + "/static/vendor/axe.min.js")
    return page.evaluate(AXE)


def test_no_serious_or_critical_violation_on_any_main_page(live_server, demo, page):
    base = live_server.url
    found: dict[str, list[str]] = {}
    for who, paths in PAGES.items():
        if who:
            sign_in(page, base, who, DEMO_PASSWORD)
        for path in paths:
            page.goto(base + path.format(**demo))
            violations = _violations(page, base)
            if path == "/orgs/techsoft/board":  # and its dialog of keyboard shortcuts
                page.keyboard.press("?")
                violations += _violations(page, base)
                page.keyboard.press("Escape")
            if violations:
                found[f"{path} as {who or 'anyone'}"] = violations
        if who:
            sign_out(page)
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())

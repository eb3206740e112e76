"""Writes docs/architecture.md, the module map, from the code and pyproject.toml.

`make architecture` runs it. tests/unit/test_architecture_doc.py fails while the committed
document differs from what this writes now. The layer order and the contracts come from
import-linter's configuration in pyproject.toml, the modules and their line counts from the
tree, who imports whom from grimp (imports inside functions included), each module's summary
from its docstring. What is written by hand, the line about each package and the rules at the
end, lives here: edit it here, never in the generated file.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"

# One line each, in the words of the people who use collab.
PROSE = {
    "collab.platform": "What everything stands on: settings, the database and the app's "
    "extensions, the job queue, the clock, e-mail on the wire, the health check.",
    "collab.models": "The tables: organisations and people, recommendations and tasks, alerts "
    "and outboxes, KPIs and impacts, training notes and who has read them.",
    "collab.notifications": "What reaches people: notices in the app, and e-mail and Telegram "
    "messages sent once each through their outboxes.",
    "collab.accounts": "Who belongs where and may do what: organisations, people, roles, "
    "invitations, passwords, signing in, API tokens.",
    "collab.kpis": "The numbers: what each metric means, figures and tool exports coming in, "
    "the daily store, and the before/after statistics.",
    "collab.work": "The agency's recommendations becoming work: filing, routing to IT or "
    "Marketing, each task's life, the shared board, a leaver's tasks handed over.",
    "collab.audits": "Audit reports becoming work: Lighthouse reports and crawler exports read as "
    "the tools write them, findings grouped and routed by the audit's own identity.",
    "collab.impacts": "What finished work did to the numbers: which metrics each kind of work "
    "should move, and the job that measures them.",
    "collab.training": "Why the work matters: the shipped training notes, each organisation's "
    "own versions, and who has read them.",
    "collab.followup": "Chasing late work: each organisation's alert policy, the overdue scan, "
    "escalation to directors and the agency, daily digests.",
    "collab.integrations": "Telling other systems what happened: signed outgoing webhooks with "
    "their delivery log, Slack channel posts, Telegram messages, private calendar feeds of "
    "due dates.",
    "collab.reports": "The monthly report both directors read: the month's work by team, its KPIs "
    "against last month and last year, the impacts measured, and its e-mailing.",
    "collab.demo": "Demo organisations, people, recommendations in every state and a year of "
    "KPIs, for `make run`.",
    "collab.http": "What pages and the API share: the one permission check every request "
    "passes, and how errors look.",
    "collab.web": "The pages people use in the browser: the board, tasks, KPIs, training notes, "
    "settings, people, sign-in, the operators' admin.",
    "collab.api": "The JSON API v1 that agencies' and clients' scripts call, and its OpenAPI "
    "document.",
    "collab.cli": "`flask --app wsgi ...` commands for operators: organisations, people, tokens, "
    "demo data, running a job now.",
    "workers": "Background work: the RQ jobs, each calling one collab function, and the "
    "periodic schedule `rq cron` reads.",
    "collab": "`create_app()`: builds the app, binding the extensions and every adapter.",
    "collab.impact": "The public name `collab.impact.measure_change` (API.md) of the impact "
    "statistics.",
}
MISSING_PROSE = "(say what this is for in scripts/architecture.py)"

RULES = """\
## The rules

**Layers.** A package may import the packages before it in the table above, never one after
it: `platform` knows nothing of the product, `models` only the platform, and each capability
only those it is built on. Packages sharing a number (`web`, `api`, `cli`) are independent:
neither imports the other; what both need goes below them, in `http`. Capabilities never
import an adapter, nor Flask's `request`, `g` or `session` (`tests/unit/test_architecture.py`);
an adapter passes what a domain function needs as arguments. `lint-imports`, run by
`make test`, holds the order, counting imports inside functions; the architecture test holds
that no module imports itself through others.

**Events, not imports upwards.** When something lower must make something higher happen, it
announces it and the higher package subscribes. Work sends `collab.work.events.task_changed`
(blinker) inside the change's transaction, after the task is flushed; follow-up's subscriber
closes or re-arms the task's alerts in that same transaction. A subscriber is a function
decorated `@events.task_changed.connect` in the package that reacts, in a module the app
imports when it is built. Work never imports its subscribers, so a new reaction to a task
change is a new subscriber, not an edit to `work`.

**Pure modules.** The rules people argue about (who may do what, routing, the task
lifecycle, alert thresholds, metric definitions, parsing KPI input, the statistics, the
training library) are plain functions over plain values: no Flask, SQLAlchemy, Redis or RQ
(the "Pure rules import no framework" contract). They get table-driven tests and, where rules
have invariants, hypothesis properties; the modules around them read the database and call
them.

**Transactions.** A domain function does its work inside a savepoint
(`db.session.begin_nested()`): when it refuses, it undoes its own writes and raises a
`DomainError`, and never rolls back, or commits, its caller's session. The request or the job
decides: the view or the worker commits when the whole action succeeded and rolls back when it
did not, so an action made of several domain calls lands whole or not at all. Follow-up jobs
and e-mail are written to outbox tables in that same transaction, and only a commit releases
them.

**Where new things go.** A rule about what users do goes in the capability they would name
(a new alert kind in `followup`, a new metric in `kpis.metrics`), pure if it can be, with
table-driven tests. A new table goes in `models`, with an Alembic migration. A page goes in
`web`, an endpoint in `api` (with its OpenAPI entry), a command in `cli`, a job in `workers`
(queued through `collab.platform.queue`, the only door to RQ), each calling one domain
function. A whole new capability is a package with an `__init__` docstring saying what it is
for; give it its place in pyproject's layers contract and its line in `PROSE` in
scripts/architecture.py, then run `make architecture`. No module grows past 450 lines: split
it by what its parts are about.
"""


@dataclass
class Package:
    name: str  # dotted: collab.work, or collab.cli for a single module
    layer: int  # 1 is the bottom; 0: outside the layers
    modules: list[tuple[str, int, str]]  # (path from the root, lines, summary)

    @property
    def lines(self) -> int:
        return sum(lines for _, lines, _ in self.modules)

    @property
    def short(self) -> str:
        return self.name.removeprefix("collab.")


def contracts(pyproject: dict) -> list[dict]:
    return pyproject["tool"]["importlinter"]["contracts"]


def layers(pyproject: dict) -> list[list[str]]:
    """The layers contract's layers from the bottom up, each a list of sibling packages."""
    (contract,) = [c for c in contracts(pyproject) if c["type"] == "layers"]
    bottom_up = []
    for entry in reversed(contract["layers"]):
        separator = "|" if "|" in entry else ":"
        bottom_up.append([name.strip() for name in entry.split(separator)])
    return bottom_up


def pure_modules(pyproject: dict) -> set[str]:
    """Modules a forbidden contract keeps free of the web and database frameworks."""
    return {
        module
        for contract in contracts(pyproject)
        if contract["type"] == "forbidden"
        and {"flask", "sqlalchemy"} <= set(contract.get("forbidden_modules", ()))
        for module in contract["source_modules"]
    }


def _summary(path: Path) -> str:
    """The first sentence of a module's docstring, on one line."""
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    paragraph = " ".join(docstring.split("\n\n")[0].split())
    head, dot, _ = paragraph.partition(". ")
    return (head + dot).strip().rstrip(".") + "." if head else ""


def _files(name: str) -> list[Path]:
    path = ROOT / name.replace(".", "/")
    if path.is_dir():
        return sorted(path.rglob("*.py"))
    return [path.with_suffix(".py")]


def _module_row(path: Path) -> tuple[str, int, str]:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    return str(path.relative_to(ROOT)), lines, _summary(path)


def packages(pyproject: dict) -> list[Package]:
    found = [
        Package(name, number, [_module_row(path) for path in _files(name)])
        for number, siblings in enumerate(layers(pyproject), start=1)
        for name in siblings
    ]
    roots = ("collab", "workers")
    placed = {path for package in found for path, _, _ in package.modules}
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if relative not in placed:
                parts = path.relative_to(ROOT).with_suffix("").parts
                name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
                found.append(Package(name, 0, [_module_row(path)]))
    return found


def imports(names: list[str]) -> dict[str, set[str]]:
    """Which of these packages each one imports, directly, counting imports in functions."""
    import importlib.util

    import grimp

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    for root in ("collab", "workers"):
        origin = Path(importlib.util.find_spec(root).origin)
        if not origin.is_relative_to(ROOT):
            sys.exit(f"architecture: {root} is imported from {origin}, not from {ROOT}")
    graph = grimp.build_graph("collab", "workers", cache_dir=None)
    return {
        importer: {
            imported
            for imported in names
            if imported != importer
            and not imported.startswith(importer + ".")
            and not importer.startswith(imported + ".")
            and graph.direct_import_exists(importer=importer, imported=imported, as_packages=True)
        }
        for importer in names
    }


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _prose(name: str) -> str:
    if name not in PROSE:
        print(f"architecture: no line for {name} in PROSE", file=sys.stderr)
    return PROSE.get(name, MISSING_PROSE)


def path_of(package: Package) -> str:
    path = package.name.replace(".", "/")
    return f"{path}/" if (ROOT / path).is_dir() else f"{path}.py"


def read_pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def render(pyproject: dict | None = None) -> str:
    if pyproject is None:
        pyproject = read_pyproject()
    found = packages(pyproject)
    layered = [p for p in found if p.layer]
    outside = [p for p in found if not p.layer]
    names = [p.name for p in layered]
    uses = imports(names)
    by_layer: dict[int, list[str]] = {}
    for package in layered:
        by_layer.setdefault(package.layer, []).append(package.short)
    pure = pure_modules(pyproject)

    out = [
        "# The module map",
        "",
        "<!-- Generated by `make architecture` (scripts/architecture.py) from the code and",
        "     pyproject.toml: edit the script, not this file. A test fails while it is stale. -->",
        "",
        "collab is a Flask app over one database. The product's rules live in capability",
        "packages named as their users would name them, each built only on those before it in",
        "the table below; adapters (web pages, the JSON API, the command line, background jobs)",
        "sit on top and call one domain function per action. The order is import-linter's",
        "layers contract in pyproject.toml, checked by `make test`.",
        "",
        "| # | package | lines | what it is | may import | imports today |",
        "|---|---|---:|---|---|---|",
    ]
    for package in layered:
        below = [s for number in range(1, package.layer) for s in by_layer[number]]
        may = f"1–{package.layer - 1}" if package.layer > 2 else ("1" if below else "—")
        today = [p.short for p in layered if p.name in uses[package.name]]
        out.append(
            f"| {package.layer} | `{path_of(package)}` | {package.lines} | "
            f"{_cell(_prose(package.name))} | {may} | {', '.join(today) or '—'} |"
        )
    siblings = [group for group in by_layer.values() if len(group) > 1]
    out += [
        "",
        "\u201cMay import\u201d: the layers with those numbers. "
        + " ".join(
            f"{', '.join(f'`{s}`' for s in group[:-1])} and `{group[-1]}` share a layer and "
            "never import each other."
            for group in siblings
        ),
        "",
        "Outside the layers:",
        "",
    ]
    for package in outside:
        for path, lines, _ in package.modules:
            out.append(f"- `{path}` ({lines} lines): {_prose(package.name)}")
    out += ["", "## Modules", ""]
    for package in layered:
        out += [
            f"### {package.layer}. `{path_of(package)}` ({package.lines} lines)",
            "",
            _prose(package.name),
            "",
            "| module | lines | what it says it is |",
            "|---|---:|---|",
        ]
        for path, lines, summary in package.modules:
            dotted = path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
            mark = " (pure)" if dotted in pure else ""
            out.append(f"| `{path}`{mark} | {lines} | {_cell(summary) or '—'} |")
        out.append("")
    out += ["## Contracts", "", "What `lint-imports` holds (pyproject.toml):", ""]
    for contract in contracts(pyproject):
        out.append(f"- **{contract['name']}** ({contract['type']})")
    out += ["", RULES]
    return "\n".join(out)


def main() -> None:
    DOC.write_text(render(), encoding="utf-8")
    print(f"architecture: wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""The process list, deploy/processes.toml, read the one way every consumer reads it.

The systemd units (deploy/systemd.py) and `make loadtest` (bench/loadtest) both start a
process from its entry here, so what the load test proves is what an operator runs."""

from __future__ import annotations

import shlex
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Template

HERE = Path(__file__).resolve().parent
PROCESSES = HERE / "processes.toml"


@dataclass(frozen=True)
class Process:
    name: str
    description: str
    words: tuple[str, ...]  # the command, ${NAME} not yet replaced
    count: int = 1  # how many run at once (workers); 0 for a `once` step
    once: bool = False  # runs to completion once per release, before the others start

    @property
    def program(self) -> str:
        return self.words[0]

    def argv(self, env: Mapping[str, str], bindir: Path | str) -> list[str]:
        """The command as it runs: the program from ``bindir`` (the checkout's .venv/bin),
        each ${NAME} replaced from ``env``. A variable missing from ``env`` is an error, as
        a unit whose environment file lacks it would be a broken deployment."""
        program = str(Path(bindir) / self.program)
        return [program, *(Template(word).substitute(env) for word in self.words[1:])]

    def variables(self) -> set[str]:
        """The ${NAME}s the command needs from the environment file."""
        found: set[str] = set()
        for word in self.words:
            for match in Template.pattern.finditer(word):
                name = match.group("braced") or match.group("named")
                if name:
                    found.add(name)
        return found


def load(path: Path = PROCESSES) -> list[Process]:
    with path.open("rb") as source:
        table = tomllib.load(source)
    processes = []
    for name, entry in table.items():
        unknown = set(entry) - {"description", "command", "count", "once"}
        if unknown:
            raise ValueError(f"{path.name}: [{name}] has unknown keys {sorted(unknown)}")
        once = bool(entry.get("once", False))
        words = tuple(shlex.split(entry["command"]))
        if "/" in words[0]:
            raise ValueError(f"{path.name}: [{name}] names its program by path; use its name")
        processes.append(
            Process(
                name=name,
                description=entry.get("description", name),
                words=words,
                count=0 if once else int(entry.get("count", 1)),
                once=once,
            )
        )
    return processes


def by_name(processes: list[Process] | None = None) -> dict[str, Process]:
    return {process.name: process for process in (processes or load())}

"""docs/architecture.md is what scripts/architecture.py writes from the code as it is now."""

from __future__ import annotations

import difflib
import functools
import importlib.util
import sys

import pytest

from collab.platform.config import ROOT


@functools.cache
def _script():
    # scripts/ is not a package: load the file under a name of its own, registered first so
    # its dataclasses can resolve their annotations.
    spec = importlib.util.spec_from_file_location(
        "collab_architecture_script", ROOT / "scripts" / "architecture.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@functools.cache
def _generated() -> str:
    return _script().render()


def test_the_module_map_matches_the_code():
    script = _script()
    generated = _generated()
    committed = script.DOC.read_text(encoding="utf-8") if script.DOC.exists() else ""
    if committed != generated:
        diff = difflib.unified_diff(
            committed.splitlines(),
            generated.splitlines(),
            "docs/architecture.md (committed)",
            "docs/architecture.md (from the code now)",
            lineterm="",
        )
        shown = list(diff)[:40]
        pytest.fail(
            "docs/architecture.md is out of date: run `make architecture` and commit it.\n"
            + "\n".join(shown),
            pytrace=False,
        )


def test_every_package_says_what_it_is_for():
    assert _script().MISSING_PROSE not in _generated()


def test_the_readme_layout_names_every_package_in_layer_order():
    script = _script()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How the code is laid out", 1)[1].split("```")[1]
    names = [line.split()[0] for line in section.splitlines() if line.strip()]
    layered = [p for p in script.packages(script.read_pyproject()) if p.layer]
    expected = [script.path_of(p).removeprefix("collab/") for p in layered]
    assert [n for n in names if n in expected] == expected, (
        "README.md's layout section should list every package of docs/architecture.md, "
        "one line each, in layer order"
    )


def test_siblings_in_a_layer_are_read_in_order_from_the_bottom():
    pyproject = {
        "tool": {
            "importlinter": {
                "contracts": [
                    {"name": "Layers", "type": "layers", "layers": ["p.c | p.d", "p.b", "p.a"]}
                ]
            }
        }
    }
    assert _script().layers(pyproject) == [["p.a"], ["p.b"], ["p.c", "p.d"]]

"""The demo's parts: one ordered list, no part imports the builder, every module stays small."""

from __future__ import annotations

import ast
import datetime as dt
from importlib import import_module
from pathlib import Path

import pytest

import schoolwindow.demo
from schoolwindow.demo.calendars import DemoCalendar
from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.parts import DEMO_PARTS, DemoPart, demo_parts

DEMO_DIR = Path(schoolwindow.demo.__file__).parent


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_parts_run_in_the_listed_order() -> None:
    parts = demo_parts()
    assert [part.name for part in parts] == [
        "roster.schools",
        "roster.families",
        "roster.staff",
        "roster.write",
        "engagement",
        "messaging",
        "homelife",
        "visits",
        "support.loans",
        "support.advocates",
        "support.needs",
        "support.studygroups",
        "support.outcomes",
        "support.actions",
        "support.parcels",
        "portal",
        "portal.details",
        "portal.consent",
        "portal.reports",
        "portal.portfolio",
        "portal.events",
    ]
    assert all(isinstance(part, DemoPart) for part in parts)
    assert [part.history for part in parts] == [False] * 4 + [True] * 17


def test_a_module_without_a_part_is_refused() -> None:
    with pytest.raises(TypeError, match="PART"):
        demo_parts(("schoolwindow.demo.calendars",))


def test_no_part_imports_the_builder_or_a_later_part() -> None:
    for index, path in enumerate(DEMO_PARTS):
        module = import_module(path)
        assert module.__file__ is not None
        imports = imported_modules(Path(module.__file__))
        assert "schoolwindow.demo.builder" not in imports, path
        assert not imports & set(DEMO_PARTS[index + 1 :]), path
    for file in (DEMO_DIR / "parts").rglob("*.py"):
        assert "schoolwindow.demo.builder" not in imported_modules(file), file


def test_the_builder_knows_the_parts_only_through_the_list() -> None:
    imports = imported_modules(DEMO_DIR / "builder.py")
    assert not {name for name in imports if name.startswith("schoolwindow.demo.parts.")}


def test_every_demo_module_stays_small() -> None:
    sizes = {
        str(path.relative_to(DEMO_DIR)): len(path.read_text().splitlines())
        for path in DEMO_DIR.rglob("*.py")
    }
    assert {name: lines for name, lines in sizes.items() if lines > 650} == {}


def test_a_part_keeps_its_own_state_on_the_context_by_class() -> None:
    class Kept:
        pass

    calendar = DemoCalendar(dt.date(2026, 11, 23))
    ctx = DemoContext(say=lambda message: None, calendar=calendar)
    kept = Kept()
    ctx.put(kept)
    assert ctx.get(Kept) is kept
    assert (
        ctx.rng.random() == DemoContext(say=print, calendar=calendar).rng.random()
    )  # one seed, every build

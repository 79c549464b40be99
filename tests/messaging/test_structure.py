"""The shape of the messaging app, checked: other apps reach it only through `messaging.api`,
the layers below never import it, no view module imports another, and no module grows huge."""

from __future__ import annotations

import ast
from pathlib import Path

import schoolwindow

SRC = Path(schoolwindow.__file__).parent
MESSAGING = SRC / "messaging"
# Wiring, not callers: the settings and URLs, the command line, and the demo's bulk data.
WIRING = {"config", "cli.py", "demo"}
BELOW = {"core", "schools", "people", "audit", "connectors", "engagement"}


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def messaging_imports(path: Path) -> set[str]:
    return {
        m
        for m in imported_modules(path)
        if m.startswith("schoolwindow.messaging.") or m == "schoolwindow.messaging"
    }


def test_other_apps_use_only_the_public_module() -> None:
    wrong = {}
    for path in SRC.rglob("*.py"):
        part = path.relative_to(SRC).parts[0]
        if part in WIRING or part == "messaging":
            continue
        found = messaging_imports(path)
        if part in BELOW:
            bad = found
        else:
            bad = {m for m in found if not m.startswith("schoolwindow.messaging.api")} - {
                "schoolwindow.messaging"
            }
        if bad:
            wrong[str(path.relative_to(SRC))] = sorted(bad)
    assert wrong == {}


def test_no_view_module_imports_another() -> None:
    views = {
        "schoolwindow." + ".".join(p.relative_to(SRC).with_suffix("").parts)
        for p in MESSAGING.rglob("*views.py")
    }
    wrong = {}
    for path in MESSAGING.rglob("*views.py"):
        bad = messaging_imports(path) & views
        if bad:
            wrong[str(path.relative_to(SRC))] = sorted(bad)
    assert wrong == {}


def test_no_module_is_huge() -> None:
    # The phrasebook is data (fifty phrases in seven languages) and may stay long.
    long = {
        str(p.relative_to(MESSAGING)): n
        for p in MESSAGING.rglob("*.py")
        if "migrations" not in p.parts
        and p.name != "phrasebook.py"
        and (n := len(p.read_text(encoding="utf-8").splitlines())) > 520
    }
    assert long == {}

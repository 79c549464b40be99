"""The code's structure in figures, for a commit: what issue 9 ("a house ready for four more apps")
promised to bring down.

    uv run python benchmarks/structure_figures.py [REV ...]     # default: HEAD

For each revision (exported with `git archive` into a temporary folder, so the working tree is
not touched) it prints:
- duplicate pairs outside the demo and migrations (the `duplicates` tool, when it is on PATH);
- apps that sit in an import cycle with another app (module-level and function-level imports
  alike, measured with grimp);
- `# type: ignore` comments in src and tests;
- modules in src that name the contact restriction (`contact_restricted`) outside
  people/models.py and the demo: after issue 9, people/contact.py, which reads it for everyone,
  and the OneRoster import, which writes it;
- lines of the largest module, and of the largest outside the demo and the phrasebook.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "schoolwindow"


def export(rev: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def python_files(tree: Path, under: str) -> list[Path]:
    return [p for p in (tree / under).rglob("*.py") if "migrations" not in p.parts]


def duplicate_pairs(tree: Path, unders: tuple[str, ...]) -> str:
    tool = shutil.which("duplicates")
    if tool is None:
        return "n/a (duplicates not on PATH)"
    scratch = Path(tempfile.mkdtemp())
    try:
        for path in (p for under in unders for p in (tree / under).rglob("*")):
            relative = path.relative_to(tree)
            if path.is_dir() or "demo" in relative.parts or "migrations" in relative.parts:
                continue
            target = scratch / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        out = subprocess.run(
            [tool, "--repo", str(scratch), "--seconds", "120"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    finally:
        shutil.rmtree(scratch)
    first = out.splitlines()[0] if out else ""
    match = re.search(r"(\d[\d,]*) pairs?", first)
    return match.group(1) if match else first


def apps_in_cycles(tree: Path) -> list[str]:
    import grimp

    sys.path.insert(0, str(tree / "src"))
    try:
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]
        graph = grimp.build_graph(PACKAGE, cache_dir=None)
    finally:
        sys.path.pop(0)
    apps = sorted(m.split(".")[1] for m in graph.find_children(PACKAGE) if graph.find_children(m))
    depends: dict[str, set[str]] = {app: set() for app in apps}
    for app in apps:
        for other in apps:
            if other != app and graph.chain_exists(
                importer=f"{PACKAGE}.{app}", imported=f"{PACKAGE}.{other}", as_packages=True
            ):
                depends[app].add(other)
    return sorted(a for a in apps if any(a in depends[b] for b in depends[a]))


def type_ignores(tree: Path) -> int:
    return sum(
        p.read_text().count("type: ignore")
        for under in ("src", "tests")
        if (tree / under).exists()
        for p in python_files(tree, under)
    )


def restriction_filters(tree: Path) -> list[str]:
    places = []
    for path in python_files(tree, "src"):
        relative = path.relative_to(tree / "src" / PACKAGE).as_posix()
        if relative.startswith("demo/") or relative in {"people/models.py"}:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "contact_restricted" in line and not line.lstrip().startswith(("#", '"', "'")):
                places.append(f"{relative}:{number}")
    return places


def largest_modules(tree: Path) -> tuple[str, str]:
    sizes = sorted(
        (
            (len(p.read_text().splitlines()), p.relative_to(tree / "src").as_posix())
            for p in python_files(tree, "src")
        ),
        reverse=True,
    )
    outside = [s for s in sizes if "/demo/" not in s[1] and "phrasebook" not in s[1]]
    return f"{sizes[0][0]} ({sizes[0][1]})", f"{outside[0][0]} ({outside[0][1]})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revs", nargs="*", default=["HEAD"])
    args = parser.parse_args()
    for rev in args.revs:
        with tempfile.TemporaryDirectory() as folder:
            tree = export(rev, Path(folder))
            places = restriction_filters(tree)
            largest, largest_outside = largest_modules(tree)
            print(f"== {rev}")
            for unders in (("src",), ("src", "tests", "benchmarks")):
                pairs = duplicate_pairs(tree, unders)
                print(f"duplicate pairs in {'+'.join(unders)} outside demo/migrations: {pairs}")
            cycles = apps_in_cycles(tree)
            print(f"apps in import cycles: {len(cycles)} {' '.join(cycles)}")
            print(f"type: ignore comments (src + tests): {type_ignores(tree)}")
            modules = sorted({place.split(":")[0] for place in places})
            print(f"modules naming the contact restriction: {len(modules)}")
            for module in modules:
                lines = [p.split(":")[1] for p in places if p.startswith(module + ":")]
                print(f"    {module} (lines {', '.join(lines)})")
            print(f"largest module: {largest}; outside demo and phrasebook: {largest_outside}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

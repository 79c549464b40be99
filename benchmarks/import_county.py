"""Import a county-sized OneRoster 1.1 set into SQLite (and PostgreSQL): wall time and peak memory.

    uv run python benchmarks/import_county.py [--scale 1.0] [--postgres-url postgres://...]
                                             [--keep DIR] [--reimport] [--skip-sqlite]

Generates, in a temporary folder (never in the repository), a OneRoster 1.1 CSV set the size of
an English county at --scale 1.0: one district, 100 secondary schools, ≈150,000 pupils, 300,000
parents and carers, 15,000 staff, 65,000 classes and ≈2,000,000 enrolments. `--scale 0.02` is a
quick run. Then it measures:

  (a) the time to merely parse every file with Python's csv module (the floor for any importer);
  (b) `schoolwindow import oneroster DIR` into a fresh SQLite file, in a subprocess, so that the
      wall time and the peak resident memory (from wait4's rusage) are the import's own;
  (c) the same into PostgreSQL when --postgres-url names an (emptied) database.

With --reimport each database is imported a second time, which must change nothing. It prints
the data size, each figure and the ratio import / parse. Targets (issue 2): under 3 minutes and
under 1 GB each at full scale.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCHOOLS = 100
YEARS = ("07", "08", "09", "10", "11")
PUPILS_PER_YEAR = 300  # 1,500 per school, 150,000 at full scale
FORMS_PER_YEAR = 10  # tutor groups of 30
SUBJECTS = (
    "English",
    "Mathematics",
    "Science",
    "History",
    "Geography",
    "French",
    "Computing",
    "Art",
    "Music",
    "Physical education",
    "Religious education",
    "Design and technology",
)
SETS_PER_SUBJECT = 10  # each pupil is in one set per subject: 12 + 1 tutor group = 13 enrolments
STAFF_PER_SCHOOL = 150
GIVEN = ("Amelia", "Oliver", "Zofia", "Mohammed", "Isla", "Jan", "Ava", "Noah", "Maya", "Leo")
FAMILY = ("Smith", "Kowalska", "Patel", "Jones", "Nowak", "Khan", "Brown", "Taylor", "Ali", "Evans")

HEADERS = {
    "orgs.csv": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    "academicSessions.csv": (
        "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear"
    ),
    "courses.csv": (
        "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
        "orgSourcedId,subjects,subjectCodes"
    ),
    "classes.csv": (
        "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
        "location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods"
    ),
    "users.csv": (
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
        "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password"
    ),
    "enrollments.csv": (
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
        "primary,beginDate,endDate"
    ),
    "demographics.csv": (
        "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,"
        "blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,"
        "demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,"
        "stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus"
    ),
}


class Writers:
    def __init__(self, folder: Path) -> None:
        self.handles = {
            name: (folder / name).open("w", newline="", encoding="utf-8") for name in HEADERS
        }
        self.writers = {name: csv.writer(handle) for name, handle in self.handles.items()}
        for name, header in HEADERS.items():
            self.writers[name].writerow(header.split(","))
        self.counts = dict.fromkeys(HEADERS, 0)

    def row(self, name: str, *values: object) -> None:
        self.writers[name].writerow(values)
        self.counts[name] += 1

    def teacher(self, class_id: str, school: str, teacher: str) -> None:
        """The enrolment of a class's teacher (its primary one)."""
        self.row(
            "enrollments.csv",
            f"{class_id}-tch",
            "",
            "",
            class_id,
            school,
            teacher,
            "teacher",
            "true",
            "",
            "",
        )

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


def generate(folder: Path, scale: float) -> dict[str, int]:
    """Write the OneRoster set; returns rows per file."""
    rng = random.Random(20261)
    schools = max(1, round(SCHOOLS * scale))
    pupils_per_year = max(30, round(PUPILS_PER_YEAR * min(1.0, scale * SCHOOLS / schools)))
    (folder / "manifest.csv").write_text(
        "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n"
        + "".join(f"file.{name[:-4]},bulk\n" for name in HEADERS)
        + "source.systemName,import_county benchmark\n",
        encoding="utf-8",
    )
    out = Writers(folder)
    out.row("orgs.csv", "district", "", "", "Shire County Council", "district", "", "")
    out.row(
        "academicSessions.csv",
        "y2026",
        "",
        "",
        "2026/27",
        "schoolYear",
        "2026-09-01",
        "2027-07-21",
        "",
        "2027",
    )
    for term, start, end in (
        ("aut", "2026-09-01", "2026-12-18"),
        ("spr", "2027-01-04", "2027-03-26"),
    ):
        out.row(
            "academicSessions.csv", term, "", "", term.title(), "term", start, end, "y2026", "2027"
        )
    upn = 0
    guardian = 0
    for s in range(schools):
        school = f"s{s:03d}"
        out.row(
            "orgs.csv", school, "", "", f"Shire School {s}", "school", f"{200000 + s}", "district"
        )
        staff = [f"{school}-t{t:03d}" for t in range(STAFF_PER_SCHOOL)]
        for t, sid in enumerate(staff):
            role = "administrator" if t < 5 else "teacher"
            given, family = GIVEN[t % 10], FAMILY[(t // 10) % 10]
            out.row(
                "users.csv",
                sid,
                "",
                "",
                "true",
                school,
                role,
                sid,
                "",
                given,
                family,
                "",
                "",
                f"{sid}@staff.example.org",
                "",
                "",
                "",
                "",
                "",
            )
        for year in YEARS:
            course = f"{school}-tut{year}"
            out.row(
                "courses.csv",
                course,
                "",
                "",
                "y2026",
                f"Tutor group {year}",
                course,
                year,
                school,
                "",
                "",
            )
            forms = [f"{school}-{year}F{f}" for f in range(FORMS_PER_YEAR)]
            for f, sid in enumerate(forms):
                out.row(
                    "classes.csv",
                    sid,
                    "",
                    "",
                    f"{int(year)}F{f}",
                    year,
                    course,
                    sid,
                    "homeroom",
                    "",
                    school,
                    "aut",
                    "",
                    "",
                    "",
                )
                out.teacher(sid, school, rng.choice(staff))
            sets: list[list[str]] = []
            for subject in SUBJECTS:
                course = f"{school}-{subject[:3]}{year}"
                out.row(
                    "courses.csv",
                    course,
                    "",
                    "",
                    "y2026",
                    subject,
                    course,
                    year,
                    school,
                    subject,
                    "",
                )
                subject_sets = [f"{course}-{n}" for n in range(SETS_PER_SUBJECT)]
                for n, sid in enumerate(subject_sets):
                    out.row(
                        "classes.csv",
                        sid,
                        "",
                        "",
                        f"{int(year)} {subject} {n + 1}",
                        year,
                        course,
                        sid,
                        "scheduled",
                        "",
                        school,
                        "aut,spr",
                        subject,
                        "",
                        "",
                    )
                    out.teacher(sid, school, rng.choice(staff))
                sets.append(subject_sets)
            for p in range(pupils_per_year):
                upn += 1
                pupil = f"p{upn:07d}"
                mother, father = f"g{guardian + 1:07d}", f"g{guardian + 2:07d}"
                guardian += 2
                family = FAMILY[rng.randrange(10)]
                out.row(
                    "users.csv",
                    pupil,
                    "",
                    "",
                    "true",
                    school,
                    "student",
                    pupil,
                    f"{{UPN:A{upn:012d}}}",
                    GIVEN[rng.randrange(10)],
                    family,
                    "",
                    "",
                    "",
                    "",
                    "",
                    f"{mother},{father}",
                    year,
                    "",
                )
                for g, role in ((mother, "parent"), (father, "guardian")):
                    out.row(
                        "users.csv",
                        g,
                        "",
                        "",
                        "true",
                        school,
                        role,
                        g,
                        "",
                        GIVEN[rng.randrange(10)],
                        family,
                        "",
                        "",
                        f"{g}@home.example.org",
                        "",
                        f"07700{guardian:06d}",
                        "",
                        "",
                        "",
                    )
                born = f"{2026 - 11 - YEARS.index(year)}-{1 + p % 12:02d}-{1 + p % 28:02d}"
                out.row(
                    "demographics.csv",
                    pupil,
                    "",
                    "",
                    born,
                    ("female", "male")[p % 2],
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                )
                out.row(
                    "enrollments.csv",
                    f"{pupil}-tut",
                    "",
                    "",
                    forms[p % FORMS_PER_YEAR],
                    school,
                    pupil,
                    "student",
                    "false",
                    "",
                    "",
                )
                for subject_sets in sets:
                    klass = subject_sets[rng.randrange(SETS_PER_SUBJECT)]
                    out.row(
                        "enrollments.csv",
                        f"{pupil}-{klass}",
                        "",
                        "",
                        klass,
                        school,
                        pupil,
                        "student",
                        "false",
                        "",
                        "",
                    )
    out.close()
    return out.counts


def parse_all(folder: Path) -> tuple[float, int]:
    """Seconds to read every row of every file with csv.reader, and the rows read."""
    started = time.perf_counter()
    rows = 0
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for _ in csv.reader(handle):
                rows += 1
    return time.perf_counter() - started, rows


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a command; (wall seconds, peak RSS in bytes of that process, its output)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        print(output)
        raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
    return elapsed, usage.ru_maxrss * 1024, output


def schoolwindow(*args: str) -> list[str]:
    return [sys.executable, "-m", "schoolwindow.cli", *args]


def prepare_database(env: dict[str, str]) -> None:
    subprocess.run(schoolwindow("manage", "migrate", "--verbosity", "0"), env=env, check=True)
    subprocess.run(
        schoolwindow("manage", "flush", "--no-input", "--verbosity", "0"), env=env, check=True
    )


def measure_import(
    label: str, folder: Path, env: dict[str, str], parse_seconds: float, reimport: bool
) -> None:
    prepare_database(env)
    for attempt in ("first import", "re-import") if reimport else ("first import",):
        seconds, peak, output = run_measured(schoolwindow("import", "oneroster", str(folder)), env)
        print(
            f"{label} {attempt}: {seconds:7.1f} s wall, peak RSS {peak / 2**20:6.0f} MiB, "
            f"{seconds / parse_seconds:5.1f} times the parse time"
        )
        for line in output.splitlines():
            if line.startswith("  "):
                print(f"    {line.strip()}")


def describe(folder: Path, counts: dict[str, int]) -> Iterator[str]:
    size = sum(path.stat().st_size for path in folder.glob("*.csv"))  # the manifest too
    yield f"OneRoster 1.1 set in {folder}: {size / 2**20:.0f} MiB"
    for name, rows in counts.items():
        yield f"  {name:<22}{rows:>10,} rows"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1.0 = a county; 0.02 for a quick run"
    )
    parser.add_argument(
        "--postgres-url", help="an empty PostgreSQL database to import into as well"
    )
    parser.add_argument(
        "--keep", type=Path, help="generate into (or reuse) this folder and keep it"
    )
    parser.add_argument(
        "--reimport", action="store_true", help="import twice: the second changes nothing"
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="import-county-") as tmp:
        folder = args.keep or Path(tmp) / "oneroster"
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        if (folder / "manifest.csv").exists():
            counts = {
                path.name: sum(1 for _ in path.open()) - 1 for path in sorted(folder.glob("*.csv"))
            }
        else:
            counts = generate(folder, args.scale)
        print(f"generated in {time.perf_counter() - started:.1f} s")
        print("\n".join(describe(folder, counts)))
        parse_seconds, rows = parse_all(folder)
        print(f"parse only (csv.reader, every file): {parse_seconds:.1f} s for {rows:,} rows")
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "src"),
            "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        }
        if not args.skip_sqlite:
            database = Path(tmp) / "county.sqlite3"
            measure_import(
                "SQLite",
                folder,
                {**env, "DATABASE_URL": f"sqlite:///{database}"},
                parse_seconds,
                args.reimport,
            )
            print(f"SQLite file: {database.stat().st_size / 2**20:.0f} MiB")
        if args.postgres_url:
            measure_import(
                "PostgreSQL",
                folder,
                {**env, "DATABASE_URL": args.postgres_url},
                parse_seconds,
                args.reimport,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

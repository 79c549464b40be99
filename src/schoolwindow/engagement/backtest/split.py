"""Write an OULAD folder holding only some presentations, so one folder can be split in two.

    python -m schoolwindow.engagement.backtest.split SRC DEST 2013B [2013J …]

Used to backtest within `../shared/data/oulad-2013` (2013B against 2013J): the backtest itself
takes one folder for training and one for testing. Files other than the OULAD tables are not
copied (the 5,000-row click sample is a format fixture, not a click log).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from pathlib import Path

TABLES = (
    "courses.csv",
    "assessments.csv",
    "vle.csv",
    "studentInfo.csv",
    "studentRegistration.csv",
    "studentVle.csv",
)


def oulad_split(source: Path, dest: Path, presentations: set[str]) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    kept_assessments: set[str] = set()
    for name in TABLES:
        path = source / name
        if not path.exists():
            continue
        with (
            path.open(newline="", encoding="utf-8-sig") as src,
            (dest / name).open("w", newline="", encoding="utf-8") as out,
        ):
            reader = csv.reader(src)
            writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL)
            header = next(reader)
            writer.writerow(header)
            column = header.index("code_presentation")
            for row in reader:
                if row and row[column] in presentations:
                    writer.writerow(row)
                    if name == "assessments.csv":
                        kept_assessments.add(row[header.index("id_assessment")])
        written.append(dest / name)
    path = source / "studentAssessment.csv"
    with (
        path.open(newline="", encoding="utf-8-sig") as src,
        (dest / "studentAssessment.csv").open("w", newline="", encoding="utf-8") as out,
    ):
        reader = csv.reader(src)
        writer = csv.writer(out)
        header = next(reader)
        writer.writerow(header)
        column = header.index("id_assessment")
        for row in reader:
            if row and row[column] in kept_assessments:
                writer.writerow(row)
    written.append(dest / "studentAssessment.csv")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    source, dest, *presentations = args
    for path in oulad_split(Path(source), Path(dest), set(presentations)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

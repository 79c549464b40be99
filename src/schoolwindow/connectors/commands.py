"""`schoolwindow import oneroster|csv PATH [--school URN] [--dry-run]` (parsed by cli.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from schoolwindow.connectors.errors import DataImportError
from schoolwindow.connectors.progress import PrintProgress, Progress
from schoolwindow.connectors.services import roster_import_by_operator
from schoolwindow.core.db import database_analyze

EXIT_OK = 0
EXIT_BAD_DATA = 2


def import_from_cli(args: argparse.Namespace) -> int:
    """Print the summary and return 0, or print `FILE:LINE: field 'X': message` and return 2."""
    # Stage lines help someone watching a long import; they would only clutter a log file.
    progress = PrintProgress(sys.stderr) if sys.stderr.isatty() else Progress()
    try:
        summary = roster_import_by_operator(
            kind=args.format,
            path=Path(args.path),
            school_urn=args.school or None,
            dry_run=bool(args.dry_run),
            progress=progress,
        )
    except DataImportError as exc:
        print(f"{exc}", file=sys.stderr)
        print("Nothing was imported.", file=sys.stderr)
        return EXIT_BAD_DATA
    print(summary.as_text())
    if not args.dry_run:
        database_analyze()
    return EXIT_OK

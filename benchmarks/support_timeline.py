"""A pupil's support timeline with a year of help: CPU and queries per page.

    uv run python benchmarks/support_timeline.py --var-dir DIR [--entries 365] [--pages 30]

Uses the demo database in DIR (built by `page_cpu.py` or `schoolwindow demo` — copy it first:
this adds rows), gives the first secondary pupil with a call about a flag `--entries` more calls
and referrals, one a day back from today, and renders that pupil's timeline as the pastoral lead
(the first page, then page 10 of the calls alone). The query count must be the demo's (it does
not grow with the entries); the CPU grows a little with them, as every entry is read and sorted
before the page is cut.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import page_cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var-dir", type=Path, required=True)
    parser.add_argument("--entries", type=int, default=365)
    parser.add_argument("--pages", type=int, default=30)
    args = parser.parse_args()
    page_cpu.setup(args.var_dir)
    from schoolwindow.support.models import SupportAction

    first = (
        SupportAction.objects.filter(school__phase="secondary", flag__isnull=False)
        .order_by("pk")
        .first()
    )
    if first is None:
        raise SystemExit("no demo calls: build the demo first")
    client = page_cpu.client_for("pastoral@riverside.demo")
    url = f"/support/pupils/{first.pupil_id}/support/"
    cpu, queries, size = page_cpu.measure(client.get, [url] * args.pages)
    print(f"demo's entries, page 1: {cpu:.1f} ms/page, {queries:.0f} queries, {size // 1024} KB")
    today = dt.date.today()
    SupportAction.objects.bulk_create(
        [
            SupportAction(
                school_id=first.school_id,
                pupil_id=first.pupil_id,
                kind="referral" if n % 3 == 0 else "call",
                referral_type="early_help" if n % 3 == 0 else "",
                summary=f"Call {n}",
                on=today - dt.timedelta(days=n),
                owner_id=first.owner_id,
                status="done",
                outcome="Spoke with the family",
            )
            for n in range(args.entries)
        ]
    )
    for label, target in (
        (f"+{args.entries} entries, page 1", url),
        (f"+{args.entries} entries, calls, page 10", f"{url}?kind=call&page=10"),
    ):
        cpu, queries, size = page_cpu.measure(client.get, [target] * args.pages)
        print(f"{label}: {cpu:.1f} ms/page, {queries:.0f} queries, {size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The portfolio's pages at scale: CPU, queries and bytes per page, and the small copy's cost.

    uv run python benchmarks/portfolio_pages.py [--var-dir DIR] [--posts 600] [--repeat 20]

Builds the demo trust in DIR (unless it is there), then, inside a transaction that is rolled
back, adds `--posts` shared posts about the demo parent's son (every other one with the demo's
thumbnail, with comments) and as many about his classmates, and renders: the parent's view of
the child's portfolio (first and a later page), one post, and the demo teacher's class feed and
approval queue. Prints CPU ms per page (time.process_time), queries per page and the size of the
answer, raw and gzipped (what a phone downloads: the thumbnails are lazy-loaded, apart). Then the
time `image_thumbnail` takes on a clean 2,560 px photo, and the thumbnail's size.
"""

from __future__ import annotations

import argparse
import gzip
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from page_cpu import build_demo, client_for, setup


def thumbnail_cost(runs: int) -> None:
    import random

    from PIL import Image

    from schoolwindow.core.uploads import CleanImage, UploadKind, image_thumbnail

    rng = random.Random(1)
    image = Image.effect_noise((2560, 1920), 40).convert("RGB")
    overlay = Image.new("RGB", image.size, tuple(rng.randrange(256) for _ in range(3)))
    image = Image.blend(image, overlay, 0.6)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    clean = CleanImage(
        kind=UploadKind.IMAGE,
        content=out.getvalue(),
        content_type="image/jpeg",
        extension=".jpg",
        width=2560,
        height=1920,
        source_format="JPEG",
    )
    cpus, size = [], 0
    for _ in range(runs):
        started = time.process_time()
        small = image_thumbnail(clean)
        cpus.append((time.process_time() - started) * 1000)
        size = small.size
    print(
        f"thumbnail of a {len(clean.content) // 1024} KB 2,560 x 1,920 photo: "
        f"CPU median {statistics.median(cpus):.0f} ms, {size / 1024:.1f} KB, 320 x 240"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--var-dir", type=Path, default=None)
    parser.add_argument("--posts", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="sw-portfolio-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    build_demo(var_dir)
    setup(var_dir)

    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from schoolwindow.portal.portfolio.models import (
        PortfolioComment,
        PortfolioPost,
        PostStatus,
    )

    with transaction.atomic():
        volcano = PortfolioPost.objects.get(title="Our volcano model")
        jack_id, school_id, thumb = volcano.pupil_id, volcano.school_id, volcano.thumbnail
        classmates = list(
            PortfolioPost.objects.exclude(pupil_id=jack_id)
            .filter(author_kind="staff")
            .values_list("pupil_id", flat=True)
        )
        rows = [
            PortfolioPost(
                school_id=school_id,
                pupil_id=jack_id if n % 2 == 0 else classmates[n % len(classmates)],
                author_kind="staff" if n % 3 else "family",
                author_name="Ms Laura Fletcher" if n % 3 else "Jack's mum",
                kind="photo" if n % 4 == 0 else "text",
                title=f"Work {n}: a title of a usual length for a post",
                body="Some words about the work. " * 5,
                status=PostStatus.PUBLISHED,
                thumbnail=thumb if n % 4 == 0 else "",
            )
            for n in range(args.posts * 2)
        ]
        made = PortfolioPost.objects.bulk_create(rows)
        PortfolioComment.objects.bulk_create(
            PortfolioComment(post=post, author_kind="family", author_name="Mum", body="Lovely!")
            for post in made[::3]
        )
        child = reverse("portal_portfolio:child", args=[jack_id])
        pages = [
            ("parent", "parent@riverside.demo", "child's portfolio", child),
            ("parent", "parent@riverside.demo", "child's portfolio, page 20", child + "?page=20"),
            ("parent", "parent@riverside.demo", "one post", reverse("portal_portfolio:post", args=[volcano.pk])),
            ("teacher", "teacher@riverside.demo", "class feed", reverse("portal_portfolio:feed")),
            ("teacher", "teacher@riverside.demo", "class feed, page 10", reverse("portal_portfolio:feed") + "?page=10"),
            ("teacher", "teacher@riverside.demo", "approval queue", reverse("portal_portfolio:queue")),
        ]  # fmt: skip
        total = PortfolioPost.objects.filter(pupil_id=jack_id).count()
        print(
            f"{total} posts about the child, {len(made)} added in all; {args.repeat} renders each"
        )
        print(f"{'who':<8} {'page':<28} {'CPU ms':>7} {'queries':>8} {'KB':>6} {'KB gz':>6}")
        clients: dict[str, Client] = {}
        for who, username, label, url in pages:
            client = clients.setdefault(who, client_for(username))
            client.get(url)  # warm
            cpus, queries, body = [], 0, b""
            for _ in range(args.repeat):
                started = time.process_time()
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(url)
                cpus.append((time.process_time() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                queries, body = len(captured), response.content
            print(
                f"{who:<8} {label:<28} {statistics.median(cpus):>7.1f} {queries:>8} "
                f"{len(body) / 1024:>6.1f} {len(gzip.compress(body)) / 1024:>6.1f}"
            )
        transaction.set_rollback(True)
    thumbnail_cost(args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The demo's portfolio: posts from school and from home about the demo parent's son Jack
(taught English by the demo teacher), with comments both ways; a poem by the demo pupil still
waiting in the demo teacher's approval queue; image consents recorded by families (and one by
the office, given on paper); and a few posts about Jack's classmates for the class feed.

Everything goes through the portfolio's services, so the photos are accepted, re-encoded and
stored (MEDIA_ROOT, or the S3 bucket when one is configured) as in real use. The pictures are
small ones drawn here (a few KB each), so the part stays fast."""

from __future__ import annotations

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from schoolwindow.demo.context import DemoContext
from schoolwindow.demo.logins import LOGIN_USERNAMES
from schoolwindow.demo.parts import DemoPart
from schoolwindow.people.actors import actor_for
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Enrolment, Pupil, Staff, TeachingAssignment
from schoolwindow.portal.portfolio import services
from schoolwindow.portal.portfolio.models import AuthorKind

CLASSMATE_POSTS = [
    ("Persuasive letter to the council", "A strong opening and three clear reasons."),
    ("Book review: Holes", "Thoughtful about Stanley's choices."),
    ("Poetry reading", "Read aloud to the class with real confidence."),
    ("Storyboard for our short film", "Six frames, each with a caption."),
]


def picture(rng: random.Random, colour: tuple[int, int, int], name: str) -> SimpleUploadedFile:
    """A small drawn picture (a plate, a model, a page) standing in for a phone photo."""
    image = Image.new("RGB", (480, 360), colour)
    draw = ImageDraw.Draw(image)
    for _shape in range(6):
        x, y = rng.randrange(0, 400), rng.randrange(0, 280)
        size = rng.randrange(30, 90)
        fill = tuple(rng.randrange(40, 240) for _ in range(3))
        draw.ellipse((x, y, x + size, y + size), fill=fill)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def teacher_of(pupil: Pupil) -> Staff | None:
    groups = Enrolment.objects.filter(pupil=pupil, active=True).values("group_id")
    assignments = TeachingAssignment.objects.filter(
        group_id__in=groups, staff__active=True, staff__user__isnull=False
    ).select_related("staff__user")
    demo = assignments.filter(staff__user__username=LOGIN_USERNAMES["teacher"]).first()
    chosen = demo or assignments.order_by("staff_id").first()
    return chosen.staff if chosen else None


def portfolio_demo_build(ctx: DemoContext) -> None:
    ctx.say("Portal: portfolio posts from school and home…")
    rng = random.Random(612)
    parent_family = ctx.special["parent"]
    jack = parent_family.children[1].pupil
    demo_pupil = ctx.special["pupil"].children[0].pupil
    if jack is None or demo_pupil is None:
        return
    teacher = teacher_of(jack)
    link = contactable_links(pupil=jack, guardian__user__isnull=False).select_related(
        "guardian__user"
    )
    parent_link = link.filter(guardian__user__username=LOGIN_USERNAMES["parent"]).first()
    if teacher is None or teacher.user is None or parent_link is None:
        return
    parent = actor_for(parent_link.guardian.user)
    staff = actor_for(teacher.user)
    posts = comments = 0

    # The family says yes to photos in Jack's own portfolio and in his classmates' posts.
    services.consent_record(actor=parent, pupil_id=jack.pk, own_portfolio=True, others_posts=True)

    # Classmates: the first has said yes to both; the office records a paper form saying photos
    # in his own portfolio only; the rest have not answered (words only from school).
    groups = Enrolment.objects.filter(pupil=jack, active=True).values("group_id")
    taught = TeachingAssignment.objects.filter(staff=teacher, group_id__in=groups).values(
        "group_id"
    )
    classmates = list(
        Pupil.objects.filter(enrolments__group_id__in=taught, enrolments__active=True)
        .exclude(pk=jack.pk)
        .distinct()
        .order_by("pk")[: len(CLASSMATE_POSTS)]
    )
    office = (
        Staff.objects.filter(school_id=jack.school_id, user__username=LOGIN_USERNAMES["office"])
        .select_related("user")
        .first()
    )
    friend = classmates[0] if classmates else None
    tags: list[int] = []
    if friend is not None:
        # Said yes to both: online if the family has an account, else on paper to the office.
        friend_family = contactable_links(pupil=friend, guardian__user__isnull=False).first()
        recorder = friend_family.guardian.user if friend_family is not None else None
        if recorder is None and office is not None:
            recorder = office.user
        if recorder is not None:
            services.consent_record(
                actor=actor_for(recorder),
                pupil_id=friend.pk,
                own_portfolio=True,
                others_posts=True,
            )
            tags.append(friend.pk)
    if office is not None and office.user is not None and len(classmates) > 1:
        services.consent_record(
            actor=actor_for(office.user),
            pupil_id=classmates[1].pk,
            own_portfolio=True,
            others_posts=False,
        )

    volcano = services.post_create(
        actor=staff,
        pupil_id=jack.pk,
        side=AuthorKind.STAFF,
        title="Our volcano model",
        body="Jack and his group built a volcano that really erupts (bicarbonate and vinegar).",
        photos=[picture(rng, (170, 90, 60), "IMG_2041.jpg")],
        tags=tags,
    )
    posts += 1
    services.post_create(
        actor=staff,
        pupil_id=jack.pk,
        side=AuthorKind.STAFF,
        title="Reading record: a great week",
        body="Jack read every day this week and wrote a thoughtful review of Holes.",
    )
    posts += 1
    home = services.post_create(
        actor=parent,
        pupil_id=jack.pk,
        side=AuthorKind.FAMILY,
        title="Cooking pierogi at home",
        body="Jack weighed the flour and folded every one himself.",
        photos=[
            picture(rng, (240, 220, 180), "IMG_5510.HEIC.jpg"),
            picture(rng, (230, 200, 160), "IMG_5511.jpg"),
        ],
    )
    posts += 1
    services.comment_add(
        actor=staff, post_id=home.pk, body="These look delicious! Jack told the class all about it."
    )
    services.comment_add(
        actor=parent, post_id=volcano.pk, body="He has not stopped talking about it. Thank you!"
    )
    services.comment_add(
        actor=staff, post_id=volcano.pk, body="He explained the chemistry brilliantly."
    )
    comments += 3

    for classmate, (title, words) in zip(classmates, CLASSMATE_POSTS, strict=False):
        services.post_create(
            actor=staff, pupil_id=classmate.pk, side=AuthorKind.STAFF, title=title, body=words
        )
        posts += 1

    # The demo pupil's poem waits for a teacher in the approval queue.
    if demo_pupil.user is not None:
        services.post_create(
            actor=actor_for(demo_pupil.user),
            pupil_id=demo_pupil.pk,
            side=AuthorKind.PUPIL,
            title="My poem about autumn",
            body="Leaves like letters, falling slow,\nwriting stories as they go.",
        )
        posts += 1
    ctx.counts["portfolio_posts"] = posts
    ctx.counts["portfolio_comments"] = comments


PART = DemoPart(name="portal.portfolio", build=portfolio_demo_build, history=True)

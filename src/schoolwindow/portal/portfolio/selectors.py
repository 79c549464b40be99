"""Reads for the portfolio: a child's posts (paged), one post with its files and comments, a
class's feed, the approval queue, the parent's home section and the consent on record."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from schoolwindow.core.capabilities import PORTFOLIO_POST, PORTFOLIO_SEE
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Enrolment, Pupil, PupilStatus, TeachingAssignment
from schoolwindow.portal.portfolio.models import (
    ImageConsent,
    PortfolioComment,
    PortfolioFile,
    PortfolioPost,
    PortfolioSettings,
    PostStatus,
)
from schoolwindow.schools.models import Group

HOME_ROWS = 3


def children_of(actor: Actor) -> list[Pupil]:
    """The children this parent may see, across the trust's schools (never through a link under
    a contact restriction: people/contact.py decides)."""
    if not actor.is_guardian:
        return []
    links = (
        contactable_links(guardian_id=actor.guardian_id, pupil__status=PupilStatus.ACTIVE)
        .select_related("pupil__school")
        .order_by("pupil__legal_first_name", "pupil_id")
    )
    return [link.pupil for link in links]


def pupil_get(actor: Actor, pupil_id: int) -> Pupil:
    """The pupil whose portfolio this is, if the actor may see them (else NotFound)."""
    return policy_for(Pupil).get(
        actor, pk=pupil_id, queryset=Pupil.objects.select_related("school")
    )


def with_counts(posts: QuerySet[PortfolioPost]) -> QuerySet[PortfolioPost]:
    return posts.annotate(
        comment_count=Count("comments", filter=Q(comments__hidden=False)),
    )


def child_posts(*, actor: Actor, pupil_id: int) -> QuerySet[PortfolioPost]:
    """Newest first; the list shows the thumbnail kept on the post (no per-row queries)."""
    return with_counts(policy_for(PortfolioPost).visible(actor).filter(pupil_id=pupil_id)).order_by(
        "-created_at", "-id"
    )


def post_get(*, actor: Actor, post_id: int, action: str = "view") -> PortfolioPost:
    comments = policy_for(PortfolioComment).visible(actor).order_by("created_at", "id")
    queryset = PortfolioPost.objects.select_related("pupil", "school").prefetch_related(
        Prefetch("files", queryset=PortfolioFile.objects.order_by("position", "id")),
        Prefetch("comments", queryset=comments, to_attr="shown_comments"),
        "tags__pupil",
    )
    return policy_for(PortfolioPost).get(actor, pk=post_id, action=action, queryset=queryset)


def file_get(*, actor: Actor, file_id: int) -> PortfolioFile | None:
    """The file if the actor may see its post; None otherwise (the view answers 404)."""
    posts = policy_for(PortfolioPost).visible(actor).values("pk")
    return PortfolioFile.objects.filter(pk=file_id, post_id__in=posts).first()


def post_thumbnail_allowed(*, actor: Actor, post_id: int) -> PortfolioPost | None:
    return policy_for(PortfolioPost).visible(actor).filter(pk=post_id).first()


# --- Staff ---------------------------------------------------------------------------------


def feed_groups(actor: Actor) -> QuerySet[Group]:
    """The classes a member of staff may pick for the feed: those they teach, and every
    registration group where they see the whole school (a school has tens, not thousands)."""
    schools = actor.schools_where(PORTFOLIO_SEE)
    taught = TeachingAssignment.objects.filter(staff_id__in=list(actor.staff_ids.values()))
    pupils = policy_for(Pupil).visible(actor).filter(school_id__in=schools)
    return (
        Group.objects.filter(school_id__in=schools)
        .filter(
            Q(pk__in=taught.values("group_id"))
            | Q(
                pk__in=Enrolment.objects.filter(active=True, pupil__in=pupils).values("group_id"),
                kind="registration",
            )
        )
        .order_by("name", "id")
    )


def feed(*, actor: Actor, group_id: int | None) -> QuerySet[PortfolioPost]:
    posts = policy_for(PortfolioPost).visible(actor).filter(status=PostStatus.PUBLISHED)
    if group_id is not None:
        enrolled = Enrolment.objects.filter(group_id=group_id, active=True).values("pupil_id")
        posts = posts.filter(pupil_id__in=enrolled)
    return with_counts(posts.select_related("pupil")).order_by("-created_at", "-id")


def approval_queue(*, actor: Actor) -> QuerySet[PortfolioPost]:
    """Posts waiting for a teacher, oldest first, at schools where the actor approves."""
    return (
        policy_for(PortfolioPost)
        .visible(actor)
        .filter(status=PostStatus.WAITING, school_id__in=actor.schools_where(PORTFOLIO_POST))
        .select_related("pupil")
        .order_by("created_at", "id")
    )


def consent_of(pupil_id: int) -> ImageConsent | None:
    return ImageConsent.objects.filter(pupil_id=pupil_id).first()


def home_needs_approval(school_id: int) -> bool:
    return bool(
        PortfolioSettings.objects.filter(school_id=school_id)
        .values_list("home_posts_need_approval", flat=True)
        .first()
    )


def taggable(*, actor: Actor, pupil: Pupil) -> QuerySet[Pupil]:
    """Other children the actor could tag in a photo of `pupil`: pupils they see at the same
    school, in a class with `pupil`. Consent is checked by the service (and shown by the form)."""
    groups = Enrolment.objects.filter(pupil_id=pupil.pk, active=True).values("group_id")
    classmates = Enrolment.objects.filter(group_id__in=groups, active=True).values("pupil_id")
    return (
        policy_for(Pupil)
        .visible(actor)
        .filter(school_id=pupil.school_id, pk__in=classmates, status=PupilStatus.ACTIVE)
        .exclude(pk=pupil.pk)
        .order_by("legal_first_name", "legal_last_name", "pk")
        .distinct()
    )


def newest_for_home(*, pupil_id: int) -> list[PortfolioPost]:
    """The parent's home section: the three newest shared posts, one query."""
    return list(
        PortfolioPost.objects.filter(pupil_id=pupil_id, status=PostStatus.PUBLISHED)
        .only("pk", "title", "author_kind", "author_name", "created_at", "thumbnail", "kind")
        .order_by("-created_at", "-id")[:HOME_ROWS]
    )


def others_consents(pupil_ids: list[int]) -> dict[int, bool]:
    """Whether each of these children may appear in other children's posts."""
    return dict(
        ImageConsent.objects.filter(pupil_id__in=pupil_ids).values_list("pupil_id", "others_posts")
    )

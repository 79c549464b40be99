"""Writes for the portfolio: posting (school, pupil, home), approving, commenting, hiding a
comment, recording image consent and the school's setting for home posts.

Each service checks the actor, locks what it checks, writes, audits, in one transaction. Files
are checked and rewritten (core/uploads.py) before the transaction and stored under random
names; if the post is not made after all (a repeat, a refusal), what was stored is removed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwindow.audit.services import audit_record
from schoolwindow.core.capabilities import PORTFOLIO_CONSENT, PORTFOLIO_POST
from schoolwindow.core.errors import Invalid, NotFound, Refused
from schoolwindow.core.once import AlreadyDone, content_token, once_claim, once_done
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.core.uploads import (
    CleanImage,
    CleanUpload,
    document_accept,
    image_accept,
    image_thumbnail,
    stored_delete,
    stored_put,
    video_accept,
)
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Guardian, Pupil, PupilStatus, Staff
from schoolwindow.portal.portfolio.models import (
    AuthorKind,
    ImageConsent,
    PortfolioComment,
    PortfolioFile,
    PortfolioPost,
    PortfolioSettings,
    PortfolioTag,
    PostKind,
    PostStatus,
)
from schoolwindow.portal.portfolio.policies import APPROVE, COMMENT, MODERATE
from schoolwindow.portal.portfolio.selectors import home_needs_approval, taggable

MAX_PHOTOS = 6
MAX_TAGS = 10
MAX_TITLE = 120
MAX_BODY = 4000
MAX_COMMENT = 1000
# A post's page shows every comment, so a post takes at most this many (a conversation that
# long belongs in messages).
MAX_COMMENTS = 100
FOLDER = "portfolio"

Upload = IO[bytes] | File[bytes]


def _side(actor: Actor, pupil: Pupil, side: str) -> str:
    """Check the actor may post about this pupil as `side`; NotFound otherwise."""
    if side == AuthorKind.STAFF:
        allowed = (
            actor.can(PORTFOLIO_POST, pupil.school_id)
            and policy_for(Pupil).visible(actor).filter(pk=pupil.pk).exists()
        )
    elif side == AuthorKind.PUPIL:
        allowed = actor.pupil_id == pupil.pk
    elif side == AuthorKind.FAMILY:
        allowed = (
            actor.guardian_id is not None
            and contactable_links(guardian_id=actor.guardian_id, pupil_id=pupil.pk).exists()
        )
    else:
        allowed = False
    if not allowed:
        raise NotFound
    return side


def _name_of(actor: Actor, side: str, pupil: Pupil) -> str:
    if side == AuthorKind.PUPIL:
        return pupil.display_name
    if side == AuthorKind.FAMILY and actor.guardian_id is not None:
        guardian = Guardian.objects.filter(pk=actor.guardian_id).first()
        if guardian is not None:
            return f"{guardian.first_name} {guardian.last_name}".strip()
    staff_id = actor.staff_ids.get(pupil.school_id)
    if side == AuthorKind.STAFF and staff_id is not None:
        staff = Staff.objects.filter(pk=staff_id).first()
        if staff is not None:
            return " ".join(p for p in (staff.title, staff.first_name, staff.last_name) if p)
    user = actor.user
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _consents(pupil_ids: Sequence[int]) -> dict[int, ImageConsent]:
    return {c.pupil_id: c for c in ImageConsent.objects.filter(pupil_id__in=pupil_ids)}


def _accept_files(
    *, photos: Sequence[Upload], video: Upload | None, document: Upload | None
) -> tuple[str, list[tuple[CleanUpload, CleanImage | None]]]:
    given = [bool(photos), video is not None, document is not None]
    if sum(given) > 1:
        raise Invalid(
            _("A post can have photos, a video or a document: choose one kind."), field="photos"
        )
    if len(photos) > MAX_PHOTOS:
        raise Invalid(
            _("Choose at most %(count)s photos for one post.") % {"count": MAX_PHOTOS},
            field="photos",
        )
    if photos:
        accepted: list[tuple[CleanUpload, CleanImage | None]] = []
        for photo in photos:
            clean = image_accept(
                photo,
                max_bytes=settings.UPLOADS_PHOTO_MAX_BYTES,
                max_pixels=settings.UPLOADS_PHOTO_MAX_PIXELS,
                field="photos",
            )
            accepted.append((clean, image_thumbnail(clean)))
        return PostKind.PHOTO, accepted
    if video is not None:
        clean_video = video_accept(video, max_bytes=settings.UPLOADS_VIDEO_MAX_BYTES, field="video")
        return PostKind.VIDEO, [(clean_video, None)]
    if document is not None:
        clean_document = document_accept(
            document, max_bytes=settings.UPLOADS_DOCUMENT_MAX_BYTES, field="document"
        )
        return PostKind.DOCUMENT, [(clean_document, None)]
    return PostKind.TEXT, []


def post_create(
    *,
    actor: Actor,
    pupil_id: int,
    side: str,
    title: str,
    body: str = "",
    photos: Sequence[Upload] = (),
    video: Upload | None = None,
    document: Upload | None = None,
    tags: Sequence[int] = (),
    once: uuid.UUID | None = None,
) -> PortfolioPost:
    """A post about one pupil. From school: shared at once. From the pupil: waits for a teacher.
    From home: shared at once unless the school asks to approve home posts.

    Photos and videos of the child from school or from the pupil need the family's consent for
    the child's own portfolio; another child tagged in them needs their family's consent to
    appear in other children's posts (only staff tag)."""
    pupil = (
        Pupil.objects.filter(pk=pupil_id, status=PupilStatus.ACTIVE)
        .select_related("school")
        .first()
    )
    if pupil is None:
        raise NotFound
    side = _side(actor, pupil, side)
    title = " ".join(title.split())[:MAX_TITLE]
    body = body.strip()[:MAX_BODY]
    if not title:
        raise Invalid(_("Give the post a title."), field="title")
    visual = bool(photos) or video is not None
    tag_ids = sorted(set(tags) - {pupil.pk})
    if tag_ids and side != AuthorKind.STAFF:
        raise Refused(_("Only the school can name other children in a post."))
    if tag_ids and not visual:
        raise Invalid(_("Name other children only in a post with photos or a video."), field="tags")
    if len(tag_ids) > MAX_TAGS:
        raise Invalid(_("Name at most 10 other children."), field="tags")
    consents = _consents([pupil.pk, *tag_ids])
    if visual and side != AuthorKind.FAMILY:
        own = consents.get(pupil.pk)
        if own is None or not own.own_portfolio:
            raise Invalid(
                _(
                    "%(name)s's family has not agreed to photos or videos in the portfolio. "
                    "Share words or a document instead."
                )
                % {"name": pupil.display_name},
                field="photos" if photos else "video",
            )
    if tag_ids:
        allowed_to_see = set(
            taggable(actor=actor, pupil=pupil).filter(pk__in=tag_ids).values_list("pk", flat=True)
        )
        if set(tag_ids) - allowed_to_see:
            raise NotFound
        refused = [pk for pk in tag_ids if not getattr(consents.get(pk), "others_posts", False)]
        if refused:
            names = Pupil.objects.filter(pk__in=refused).order_by("legal_first_name")
            raise Invalid(
                _(
                    "These children's families have not agreed to them appearing in other "
                    "children's posts: %(names)s. Choose a photo without them."
                )
                % {"names": ", ".join(p.display_name for p in names)},
                field="tags",
            )
    kind, accepted = _accept_files(photos=photos, video=video, document=document)
    if side == AuthorKind.STAFF:
        status = PostStatus.PUBLISHED
    elif side == AuthorKind.PUPIL:
        status = PostStatus.WAITING
    else:
        status = (
            PostStatus.WAITING if home_needs_approval(pupil.school_id) else PostStatus.PUBLISHED
        )
    stored: list[str] = []
    try:
        rows = []
        for position, (clean, small) in enumerate(accepted):
            name = stored_put(clean, folder=f"{FOLDER}/{clean.kind}")
            stored.append(name)
            small_name = stored_put(small, folder=f"{FOLDER}/small") if small else ""
            if small_name:
                stored.append(small_name)
            rows.append(
                PortfolioFile(
                    kind=kind,
                    name=name,
                    thumbnail=small_name,
                    content_type=clean.content_type,
                    size=clean.size,
                    width=getattr(clean, "width", None),
                    height=getattr(clean, "height", None),
                    position=position,
                )
            )
        with transaction.atomic():
            repeated = _("This post was already shared.")
            claim = once_claim(once, actor=actor, repeated=repeated)
            post = PortfolioPost.objects.create(
                school_id=pupil.school_id,
                pupil_id=pupil.pk,
                author=actor.user,
                author_kind=side,
                author_name=_name_of(actor, side, pupil),
                kind=kind,
                title=title,
                body=body,
                status=status,
                thumbnail=rows[0].thumbnail if rows else "",
            )
            for row in rows:
                row.post = post
            PortfolioFile.objects.bulk_create(rows)
            PortfolioTag.objects.bulk_create(
                [PortfolioTag(post=post, pupil_id=pk) for pk in tag_ids]
            )
            audit_record(
                actor=actor,
                action="portfolio.posted",
                target=post,
                detail={"side": side, "kind": kind, "status": status, "tags": len(tag_ids)},
            )
            once_done(claim, reverse("portal_portfolio:post", kwargs={"post_id": post.pk}))
    except BaseException:
        for name in stored:
            stored_delete(name)
        raise
    return post


def post_decide(*, actor: Actor, post_id: int, approve: bool) -> PortfolioPost:
    """A teacher shares a waiting post, or returns it (it stays with its author, unshared)."""
    with transaction.atomic():
        post = (
            policy_for(PortfolioPost).visible(actor).select_for_update().filter(pk=post_id).first()
        )
        if post is None:
            raise NotFound
        policy_for(PortfolioPost).check(actor, APPROVE, post)
        if post.status != PostStatus.WAITING:
            raise AlreadyDone(_("Someone has already decided about this post."))
        post.status = PostStatus.PUBLISHED if approve else PostStatus.RETURNED
        post.decided_by = actor.user
        post.decided_at = timezone.now()
        post.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action="portfolio.approved" if approve else "portfolio.returned",
            target=post,
        )
    return post


def comment_add(
    *, actor: Actor, post_id: int, body: str, once: uuid.UUID | None = None
) -> PortfolioComment:
    body = body.strip()[:MAX_COMMENT]
    if not body:
        raise Invalid(_("Write a comment first."), field="body")
    with transaction.atomic():
        post = policy_for(PortfolioPost).visible(actor).filter(pk=post_id).first()
        if post is None:
            raise NotFound
        policy_for(PortfolioPost).check(actor, COMMENT, post)
        if PortfolioComment.objects.filter(post=post).count() >= MAX_COMMENTS:
            raise Invalid(
                _(
                    "This post has all the comments it can take. "
                    "Please write to the school instead."
                ),
                field="body",
            )
        if actor.can(PORTFOLIO_POST, post.school_id):
            side = AuthorKind.STAFF
        elif actor.pupil_id == post.pupil_id:
            side = AuthorKind.PUPIL
        else:
            side = AuthorKind.FAMILY
        repeated = _("Your comment was already posted.")
        claim = once_claim(once, actor=actor, repeated=repeated)
        # The same words on the same post from a second tab are one comment too.
        same = once_claim(
            content_token("portfolio-comment", post.pk, actor.user.pk if actor.user else 0, body),
            actor=actor,
            repeated=repeated,
        )
        comment = PortfolioComment.objects.create(
            post=post,
            author=actor.user,
            author_kind=side,
            author_name=_name_of(actor, side, post.pupil),
            body=body,
        )
        audit_record(
            actor=actor,
            action="portfolio.commented",
            target=post,
            detail={"comment": comment.pk, "side": side},
        )
        url = reverse("portal_portfolio:post", kwargs={"post_id": post.pk})
        once_done(claim, url)
        once_done(same, url)
    return comment


def comment_hide(*, actor: Actor, comment_id: int) -> PortfolioComment:
    """Staff hide a comment: families no longer see it; staff still do, marked hidden."""
    with transaction.atomic():
        comment = (
            PortfolioComment.objects.select_for_update()
            .filter(pk=comment_id, post__in=policy_for(PortfolioPost).visible(actor))
            .select_related("post")
            .first()
        )
        if comment is None:
            raise NotFound
        policy_for(PortfolioPost).check(actor, MODERATE, comment.post)
        if comment.hidden:
            raise AlreadyDone(_("This comment is already hidden."))
        comment.hidden = True
        comment.hidden_by = actor.user
        comment.hidden_at = timezone.now()
        comment.save(update_fields=["hidden", "hidden_by", "hidden_at"])
        audit_record(
            actor=actor,
            action="portfolio.comment_hidden",
            target=comment.post,
            detail={"comment": comment.pk},
        )
    return comment


def consent_record(
    *, actor: Actor, pupil_id: int, own_portfolio: bool, others_posts: bool
) -> ImageConsent:
    """The family (or the office, for a family who answered on paper or the phone) records
    whether photos of the child may be shown."""
    pupil = Pupil.objects.filter(pk=pupil_id).first()
    if pupil is None:
        raise NotFound
    family = actor.is_guardian and (
        contactable_links(guardian_id=actor.guardian_id, pupil_id=pupil.pk).exists()
    )
    if not family:
        if not policy_for(Pupil).visible(actor).filter(pk=pupil.pk).exists():
            raise NotFound
        actor.require(PORTFOLIO_CONSENT, pupil.school_id)
    with transaction.atomic():
        consent, _created = ImageConsent.objects.select_for_update().get_or_create(
            pupil_id=pupil.pk, defaults={"school_id": pupil.school_id}
        )
        before: dict[str, Any] = {
            "own_portfolio": consent.own_portfolio,
            "others_posts": consent.others_posts,
        }
        consent.own_portfolio = own_portfolio
        consent.others_posts = others_posts
        consent.recorded_by = actor.user
        consent.by_office = not family
        consent.school_id = pupil.school_id
        consent.save()
        audit_record(
            actor=actor,
            action="portfolio.consent_recorded",
            target=consent,
            detail={
                "before": before,
                "own_portfolio": own_portfolio,
                "others_posts": others_posts,
                "by_office": not family,
            },
        )
    return consent


def portfolio_settings_update(
    *, actor: Actor, school_id: int, home_posts_need_approval: bool
) -> PortfolioSettings:
    actor.require(PORTFOLIO_CONSENT, school_id)
    with transaction.atomic():
        chosen, _created = PortfolioSettings.objects.select_for_update().get_or_create(
            school_id=school_id
        )
        chosen.home_posts_need_approval = home_posts_need_approval
        chosen.save(update_fields=["home_posts_need_approval"])
        audit_record(
            actor=actor,
            action="portfolio.settings_changed",
            target=chosen,
            detail={"home_posts_need_approval": home_posts_need_approval},
        )
    return chosen

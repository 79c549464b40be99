"""Who may see a portfolio post and its files, and do what to it.

- Staff with PORTFOLIO_SEE at the post's school see posts about the pupils they may see (the
  pupil policy: teachers their classes, whole-school roles everyone); PORTFOLIO_POST lets them
  comment, approve a pupil's post and hide a comment.
- A parent sees their own child's shared posts, and their own posts still waiting; a guardian
  under a contact restriction for the child sees nothing (people/contact.py).
- A pupil sees the shared posts about them and their own posts still waiting, and comments on
  the posts they made.
Roles come from core/capabilities.py only."""

from __future__ import annotations

from django.db.models import Q

from schoolwindow.core.capabilities import PORTFOLIO_POST, PORTFOLIO_SEE
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import Policy, policy_for
from schoolwindow.people.contact import contactable_links
from schoolwindow.people.models import Pupil
from schoolwindow.portal.portfolio.models import (
    AuthorKind,
    PortfolioComment,
    PortfolioPost,
    PostStatus,
)

COMMENT = "comment"
APPROVE = "approve"
MODERATE = "moderate"


def staff_pupils_scope(actor: Actor, path: str = "") -> Q:
    """Pupils this member of staff may see, at schools where they see portfolios."""
    schools = actor.schools_where(PORTFOLIO_SEE)
    if not schools:
        return Q(pk__in=[])
    # As staff only: a teacher who is also a parent at the school does not see every post
    # about their own child (a waiting one, say) through the guardian half of the pupil policy.
    as_staff = Actor(
        user=actor.user,
        kind=actor.kind,
        school_roles=actor.school_roles,
        staff_ids=actor.staff_ids,
        trust_ids=actor.trust_ids,
        trust_pupil_access=actor.trust_pupil_access,
    )
    pupils = policy_for(Pupil).visible(as_staff).filter(school_id__in=schools).values("pk")
    return Q(**{f"{path}school_id__in": schools, f"{path}pupil_id__in": pupils})


def family_pupils(actor: Actor) -> Q:
    children = contactable_links(guardian_id=actor.guardian_id).values("pupil_id")
    return Q(pupil_id__in=children)


class PortfolioPostPolicy(Policy[PortfolioPost]):
    model = PortfolioPost

    def scope(self, actor: Actor) -> Q:
        scope = Q(pk__in=[])
        if actor.is_staff_member:
            scope |= staff_pupils_scope(actor)
        own_or_shared = Q(status=PostStatus.PUBLISHED)
        if actor.user is not None:
            own_or_shared |= Q(author_id=actor.user.pk)
        if actor.is_guardian:
            scope |= family_pupils(actor) & own_or_shared
        if actor.pupil_id is not None:
            scope |= Q(pupil_id=actor.pupil_id) & own_or_shared
        return scope

    def may(self, actor: Actor, action: str, record: PortfolioPost) -> bool:
        if action in (APPROVE, MODERATE):
            return actor.can(PORTFOLIO_POST, record.school_id)
        if action == COMMENT:
            if record.status != PostStatus.PUBLISHED:
                return False
            if actor.can(PORTFOLIO_POST, record.school_id):
                return True
            if actor.pupil_id is not None and actor.pupil_id == record.pupil_id:
                return record.author_kind == AuthorKind.PUPIL and (
                    actor.user is not None and record.author_id == actor.user.pk
                )
            return actor.is_guardian and self._family_of(actor, record)
        return super().may(actor, action, record)

    @staticmethod
    def _family_of(actor: Actor, record: PortfolioPost) -> bool:
        return contactable_links(guardian_id=actor.guardian_id, pupil_id=record.pupil_id).exists()


class PortfolioCommentPolicy(Policy[PortfolioComment]):
    """A comment is seen by whoever sees its post; a hidden one only by staff."""

    model = PortfolioComment

    def scope(self, actor: Actor) -> Q:
        posts = policy_for(PortfolioPost).visible(actor).values("pk")
        shown = Q(hidden=False)
        if actor.is_staff_member:
            shown |= staff_pupils_scope(actor, "post__")
        return Q(post_id__in=posts) & shown

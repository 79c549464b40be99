"""The parent's home section "New in the portfolio": up to three newest shared posts about the
child shown, as text rows, with at most one small picture (the newest post's), in one query."""

from __future__ import annotations

from typing import Any

from schoolwindow.core.panels import ParentHomeSubject
from schoolwindow.core.permissions import Actor
from schoolwindow.portal.portfolio.selectors import newest_for_home


def home_section(actor: Actor, subject: ParentHomeSubject) -> dict[str, Any] | None:
    # The portal asked only for a child this parent may see (people's contact rules applied).
    posts = newest_for_home(pupil_id=subject.child.pk)
    if not posts:
        return None
    picture = next((post for post in posts[:1] if post.thumbnail), None)
    return {"child": subject.child, "posts": posts, "picture": picture}

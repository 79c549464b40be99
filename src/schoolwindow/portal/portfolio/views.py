"""Portfolio pages: parse, call the selector or service, render.

Who reaches which page: a child's portfolio and its posts are for the child's own parents (not
under a contact restriction), the pupil themselves and staff who see the child's portfolio;
anyone else 404. The class feed is for staff with PORTFOLIO_SEE, the approval queue for those
with PORTFOLIO_POST (other staff 403); families and pupils 404. Files come only through
`serve_stored_file`, after the post's policy said yes (else 404, like a file that is not there).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwindow.core.access import signed_in
from schoolwindow.core.capabilities import PORTFOLIO_CONSENT, PORTFOLIO_POST, PORTFOLIO_SEE
from schoolwindow.core.errors import NotFound, attempt_form
from schoolwindow.core.once import AlreadyDone, already_done, form_token
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.core.requests import actor_of
from schoolwindow.core.uploads import serve_stored_file
from schoolwindow.people.models import Pupil
from schoolwindow.portal.portfolio import selectors, services
from schoolwindow.portal.portfolio.forms import (
    CommentForm,
    ConsentForm,
    PostForm,
    SettingsForm,
)
from schoolwindow.portal.portfolio.models import AuthorKind, PortfolioPost, PostStatus
from schoolwindow.portal.portfolio.policies import APPROVE, COMMENT, MODERATE

PAGE_SIZE = 12  # posts a page: small enough for a slow phone, thumbnails lazy-loaded
STAFF_PAGE_SIZE = 30
View = Callable[..., HttpResponse]


def side_for(actor: Actor, pupil_id: int) -> tuple[Pupil, str]:
    """The child, and how this actor comes to their portfolio: as family, as the pupil, or as
    staff who see it. Anyone else: NotFound."""
    child = next((c for c in selectors.children_of(actor) if c.pk == pupil_id), None)
    if child is not None:
        return child, AuthorKind.FAMILY
    if actor.pupil_id is not None and actor.pupil_id == pupil_id:
        return selectors.pupil_get(actor, pupil_id), AuthorKind.PUPIL
    if actor.is_staff_member:
        pupil = selectors.pupil_get(actor, pupil_id)
        if actor.can(PORTFOLIO_SEE, pupil.school_id):
            return pupil, AuthorKind.STAFF
        # Staff who see the pupil but not portfolios (the office, say): refused, not hidden.
        raise PermissionDenied
    raise NotFound


def staff_only(capability: Any) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @signed_in
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            actor = actor_of(request)
            if not actor.is_staff_member:
                raise NotFound
            if not actor.can_anywhere(capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _summary(form: Any) -> list[tuple[str | None, str]]:
    summary: list[tuple[str | None, str]] = [(None, str(e)) for e in form.non_field_errors()]
    for field in form:
        summary.extend((field.auto_id, f"{field.label}: {error}") for error in field.errors)
    return summary


@signed_in
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    children = selectors.children_of(actor)
    if children:
        return render(request, "portal/portfolio/index.html", {"children": children})
    if actor.pupil_id is not None:
        return redirect("portal_portfolio:child", pupil_id=actor.pupil_id)
    if actor.is_staff_member and actor.can_anywhere(PORTFOLIO_SEE):
        return redirect("portal_portfolio:feed")
    raise NotFound


@signed_in
def child(request: HttpRequest, pupil_id: int) -> HttpResponse:
    actor = actor_of(request)
    pupil, side = side_for(actor, pupil_id)
    page = Paginator(selectors.child_posts(actor=actor, pupil_id=pupil.pk), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    may_post = side != AuthorKind.STAFF or actor.can(PORTFOLIO_POST, pupil.school_id)
    context = {
        "pupil": pupil,
        "side": side,
        "page": page,
        "may_post": may_post,
        "consent": selectors.consent_of(pupil.pk),
        "may_consent": side == AuthorKind.FAMILY or actor.can(PORTFOLIO_CONSENT, pupil.school_id),
    }
    return render(request, "portal/portfolio/child.html", context)


@signed_in
def post_new(request: HttpRequest, pupil_id: int) -> HttpResponse:
    actor = actor_of(request)
    pupil, side = side_for(actor, pupil_id)
    if side == AuthorKind.STAFF and not actor.can(PORTFOLIO_POST, pupil.school_id):
        raise PermissionDenied
    consents: dict[int, bool] = {}
    taggable: list[tuple[int, str]] | None = None
    others: list[Pupil] = []
    if side == AuthorKind.STAFF:
        others = list(selectors.taggable(actor=actor, pupil=pupil)[:200])
        consents = selectors.others_consents([p.pk for p in others])
        taggable = [(p.pk, p.display_name) for p in others if consents.get(p.pk)]
    form = PostForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        taggable=taggable,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                made, status = attempt_form(
                    form,
                    services.post_create,
                    actor=actor,
                    pupil_id=pupil.pk,
                    side=side,
                    title=data["title"],
                    body=data["body"],
                    photos=data["photos"],
                    video=data["video"],
                    document=data["document"],
                    tags=data.get("tags") or [],
                    once=form_token(request.POST),
                )
            except AlreadyDone as repeat:
                return already_done(
                    request, repeat, fallback=reverse("portal_portfolio:child", args=[pupil.pk])
                )
            if made is not None:
                if made.status == PostStatus.WAITING:
                    flash.success(request, _("Thank you. A teacher will look at it soon."))
                else:
                    flash.success(request, _("Shared in the portfolio."))
                return redirect("portal_portfolio:post", post_id=made.pk)
    context = {
        "form": form,
        "summary": _summary(form),
        "pupil": pupil,
        "side": side,
        "consent": selectors.consent_of(pupil.pk),
        "not_taggable": [p for p in others if not consents.get(p.pk)],
        "needs_approval": side == AuthorKind.PUPIL
        or (side == AuthorKind.FAMILY and selectors.home_needs_approval(pupil.school_id)),
    }
    return render(request, "portal/portfolio/new.html", context, status=status)


def _post_context(actor: Actor, post: PortfolioPost, form: CommentForm) -> dict[str, Any]:
    policy = policy_for(PortfolioPost)
    return {
        "post": post,
        "form": form,
        "summary": _summary(form),
        "may_comment": policy.may(actor, COMMENT, post),
        "may_moderate": actor.is_staff_member and policy.may(actor, MODERATE, post),
        "may_approve": post.status == PostStatus.WAITING
        and actor.is_staff_member
        and policy.may(actor, APPROVE, post),
    }


@signed_in
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    actor = actor_of(request)
    post = selectors.post_get(actor=actor, post_id=post_id)
    return render(request, "portal/portfolio/post.html", _post_context(actor, post, CommentForm()))


@signed_in
@require_POST
def comment_new(request: HttpRequest, post_id: int) -> HttpResponse:
    actor = actor_of(request)
    post = selectors.post_get(actor=actor, post_id=post_id)
    if not policy_for(PortfolioPost).may(actor, COMMENT, post):
        raise PermissionDenied
    form = CommentForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            made, status = attempt_form(
                form,
                services.comment_add,
                actor=actor,
                post_id=post.pk,
                body=form.cleaned_data["body"],
                once=form_token(request.POST),
            )
        except AlreadyDone as repeat:
            return already_done(
                request, repeat, fallback=reverse("portal_portfolio:post", args=[post.pk])
            )
        if made is not None:
            flash.success(request, _("Your comment is posted."))
            return redirect(f"{reverse('portal_portfolio:post', args=[post.pk])}#comments")
    post = selectors.post_get(actor=actor, post_id=post_id)
    return render(
        request, "portal/portfolio/post.html", _post_context(actor, post, form), status=status
    )


@signed_in
@require_POST
def post_decide(request: HttpRequest, post_id: int) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_staff_member:
        raise NotFound
    approve = request.POST.get("decision") == "approve"
    try:
        services.post_decide(actor=actor, post_id=post_id, approve=approve)
    except AlreadyDone as repeat:
        flash.info(request, repeat.message)
    else:
        flash.success(
            request, _("Shared in the portfolio.") if approve else _("Not shared. Thank you.")
        )
    return redirect("portal_portfolio:queue")


@signed_in
@require_POST
def comment_hide(request: HttpRequest, comment_id: int) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_staff_member:
        raise NotFound
    try:
        comment = services.comment_hide(actor=actor, comment_id=comment_id)
    except AlreadyDone as repeat:
        flash.info(request, repeat.message)
        return redirect("portal_portfolio:feed")
    flash.success(request, _("The comment is hidden from families."))
    return redirect("portal_portfolio:post", post_id=comment.post_id)


@signed_in
def consent(request: HttpRequest, pupil_id: int) -> HttpResponse:
    actor = actor_of(request)
    side: str
    if actor.is_staff_member and not any(c.pk == pupil_id for c in selectors.children_of(actor)):
        # The office records consent given on paper without seeing the child's portfolio.
        pupil, side = selectors.pupil_get(actor, pupil_id), AuthorKind.STAFF.value
    else:
        pupil, side = side_for(actor, pupil_id)
    if side == AuthorKind.PUPIL:
        raise NotFound
    if side == AuthorKind.STAFF and not actor.can(PORTFOLIO_CONSENT, pupil.school_id):
        raise PermissionDenied
    may_see = side == AuthorKind.FAMILY or actor.can(PORTFOLIO_SEE, pupil.school_id)
    current = selectors.consent_of(pupil.pk)
    initial = (
        {
            "own_portfolio": "yes" if current.own_portfolio else "no",
            "others_posts": "yes" if current.others_posts else "no",
        }
        if current
        else {}
    )
    form = ConsentForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            done, status = attempt_form(
                form,
                services.consent_record,
                actor=actor,
                pupil_id=pupil.pk,
                own_portfolio=form.cleaned_data["own_portfolio"] == "yes",
                others_posts=form.cleaned_data["others_posts"] == "yes",
            )
            if done is not None:
                flash.success(request, _("Saved. Thank you."))
                if may_see:
                    return redirect("portal_portfolio:child", pupil_id=pupil.pk)
                return redirect("portal_portfolio:consent", pupil_id=pupil.pk)
    context = {
        "form": form,
        "summary": _summary(form),
        "pupil": pupil,
        "side": side,
        "may_see": may_see,
    }
    return render(request, "portal/portfolio/consent.html", context, status=status)


def _serve(request: HttpRequest, name: str | None, *, download: str = "") -> HttpResponse:
    response = serve_stored_file(request, name or "", allowed=bool(name), download_name=download)
    # A streamed file, not an HttpResponse; `signed_in` (typed for pages) passes it through.
    return cast(HttpResponse, response)


@signed_in
def file_full(request: HttpRequest, file_id: int) -> HttpResponse:
    found = selectors.file_get(actor=actor_of(request), file_id=file_id)
    download = "portfolio.pdf" if found is not None and found.kind == "document" else ""
    return _serve(request, found.name if found else None, download=download)


@signed_in
def file_small(request: HttpRequest, file_id: int) -> HttpResponse:
    found = selectors.file_get(actor=actor_of(request), file_id=file_id)
    return _serve(request, found.thumbnail if found else None)


@signed_in
def post_small(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_thumbnail_allowed(actor=actor_of(request), post_id=post_id)
    return _serve(request, post.thumbnail if post else None)


# --- Staff ---------------------------------------------------------------------------------


@staff_only(PORTFOLIO_SEE)
def feed(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    groups = list(selectors.feed_groups(actor))
    raw = request.GET.get("group", "")
    group_id = int(raw) if raw.isdigit() and any(g.pk == int(raw) for g in groups) else None
    rows = selectors.feed(actor=actor, group_id=group_id)
    page = Paginator(rows, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    waiting = (
        selectors.approval_queue(actor=actor).count() if actor.can_anywhere(PORTFOLIO_POST) else 0
    )
    context = {"groups": groups, "group_id": group_id, "page": page, "waiting": waiting}
    return render(request, "portal/portfolio/feed.html", context)


@staff_only(PORTFOLIO_POST)
def queue(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    page = Paginator(selectors.approval_queue(actor=actor), STAFF_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "portal/portfolio/queue.html", {"page": page})


@staff_only(PORTFOLIO_CONSENT)
def school_settings(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    schools = sorted(actor.schools_where(PORTFOLIO_CONSENT))
    raw = request.GET.get("school", "")
    school_id = int(raw) if raw.isdigit() and int(raw) in schools else schools[0]
    form = SettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"home_posts_need_approval": selectors.home_needs_approval(school_id)},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            services.portfolio_settings_update(
                actor=actor,
                school_id=school_id,
                home_posts_need_approval=form.cleaned_data["home_posts_need_approval"],
            )
            flash.success(request, _("Saved."))
            return redirect(f"{reverse('portal_portfolio:settings')}?school={school_id}")
    return render(
        request,
        "portal/portfolio/settings.html",
        {"form": form, "school_id": school_id},
        status=status,
    )

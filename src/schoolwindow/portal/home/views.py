"""The parent's home page, and the head's message (read by families, posted by leaders)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwindow.core.access import actor_passes, signed_in
from schoolwindow.core.capabilities import POST_HEAD_MESSAGES
from schoolwindow.core.errors import NotFound, attempt, attempt_form
from schoolwindow.core.once import AlreadyDone, already_done, form_token
from schoolwindow.core.requests import actor_of
from schoolwindow.portal.home import selectors, services
from schoolwindow.portal.home.forms import HeadMessageForm

PAGE_SIZE = 20


def child_param(request: HttpRequest) -> int | None:
    raw = request.GET.get("child", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise NotFound
    return int(raw)


@signed_in
def parent_home(request: HttpRequest) -> HttpResponse:
    home = selectors.parent_home_get(
        actor=actor_of(request), child_id=child_param(request), today=timezone.localdate()
    )
    panels = [render_to_string(p.template, p.context, request) for p in home.panels]
    response = render(request, "portal/home/home.html", {"home": home, "panels": panels})
    # A parent's page about their children: never kept by a shared computer's cache.
    response["Cache-Control"] = "private, no-store"
    return response


@signed_in
def head_message(request: HttpRequest, message_id: int) -> HttpResponse:
    message = selectors.head_message_get(actor=actor_of(request), message_id=message_id)
    return render(request, "portal/home/head_message.html", {"message": message})


@actor_passes(lambda actor: actor.can_anywhere(POST_HEAD_MESSAGES))
def head_messages(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    schools = [(s.pk, s.name) for s in selectors.head_message_schools(actor=actor)]
    form = HeadMessageForm(request.POST if request.method == "POST" else None, schools=schools)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                made, status = attempt_form(
                    form,
                    services.head_message_post,
                    actor=actor,
                    school_id=data["school"],
                    title=data["title"],
                    body=data["body"],
                    video_url=data["video_url"],
                    once=form_token(request.POST),
                )
            except AlreadyDone as repeat:
                return already_done(request, repeat, fallback=reverse("head_messages"))
            if made is not None:
                flash.success(request, _("Posted. Families see it on their home page now."))
                return redirect("head_messages")
    page = Paginator(selectors.head_messages_for_staff(actor=actor), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"form": form, "page": page, "show_school": len(schools) > 1}
    return render(request, "portal/home/head_messages.html", context, status=status)


@actor_passes(lambda actor: actor.can_anywhere(POST_HEAD_MESSAGES))
@require_POST
def head_message_withdraw(request: HttpRequest, message_id: int) -> HttpResponse:
    if attempt(
        request, services.head_message_withdraw, actor=actor_of(request), message_id=message_id
    ):
        flash.success(request, _("Taken down. Families no longer see it."))
    return redirect("head_messages")

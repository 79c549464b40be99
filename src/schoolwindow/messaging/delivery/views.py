"""Pages and hooks of delivery: the families we can't reach and their letters (staff pages under
/families/), and the webhooks from SMS providers: incoming texts and delivery reports.

The webhooks have no session and no CSRF token (a provider cannot have one): each request is
believed only when its provider's signature checks out, and is answered 403 otherwise, 400 when
it is not understood.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from schoolwindow.core.access import actor_passes
from schoolwindow.core.capabilities import PRINT_LETTERS
from schoolwindow.core.once import AlreadyDone, already_done, form_token
from schoolwindow.core.requests import actor_of
from schoolwindow.messaging.delivery import letters, reach
from schoolwindow.messaging.delivery.channels.sms import SmsProvider, WebhookError, sms_provider
from schoolwindow.messaging.delivery.inbound import sms_receive, sms_status_receive
from schoolwindow.messaging.delivery.reach import may_see_unreachable
from schoolwindow.schools.requests import school_choice


def provider_named(name: str) -> SmsProvider:
    """Only the configured provider answers: the others' hooks do not exist here."""
    if name != settings.SMS_PROVIDER:
        raise Http404
    return sms_provider(name)


def raw_of(request: HttpRequest) -> str:
    return json.dumps({key: request.POST.getlist(key) for key in request.POST}, ensure_ascii=False)


def refused(error: WebhookError) -> HttpResponse:
    return HttpResponse(error.message, status=error.status, content_type="text/plain")


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest, provider: str) -> HttpResponse:
    sms = provider_named(provider)
    try:
        message = sms.parse_inbound(request)
    except WebhookError as error:
        return refused(error)
    sms_receive(provider=sms.name, sms=message, raw=raw_of(request))
    return sms.acknowledge()


@csrf_exempt
@require_POST
def sms_status(request: HttpRequest, provider: str) -> HttpResponse:
    sms = provider_named(provider)
    try:
        report = sms.parse_status(request)
    except WebhookError as error:
        return refused(error)
    sms_status_receive(provider=sms.name, report=report, raw=raw_of(request))
    return sms.acknowledge()


# --- Families we can't reach, and their letters ----------------------------------------------


@actor_passes(may_see_unreachable)
def unreachable_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school, schools = school_choice(request, actor.schools_where(PRINT_LETTERS))
    families = reach.unreachable_families(school.pk)
    return render(
        request,
        "messaging/delivery/unreachable.html",
        {
            "families": families,
            "school": school,
            "schools": schools,
            "letters_waiting": letters.letters_count(school.pk),
            "letters_downloaded": letters.letters_downloaded_count(school.pk),
            # The letters the "posted" button is about: those downloaded before this page.
            "downloaded_by": timezone.now().isoformat(),
        },
    )


def unreachable_url(school_id: int) -> str:
    return reverse("families:unreachable") + f"?school={school_id}"


@require_POST
@actor_passes(may_see_unreachable)
def letters_print(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school, _schools = school_choice(request, actor.schools_where(PRINT_LETTERS))
    pdf, count = letters.letters_download(actor=actor, school_id=school.pk)
    if not count:
        messages.info(request, _("There are no letters waiting to be printed."))
        return redirect(unreachable_url(school.pk))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letters-{school.pk}.pdf"'
    return response


@require_POST
@actor_passes(may_see_unreachable)
def letters_posted(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school, _schools = school_choice(request, actor.schools_where(PRINT_LETTERS))
    downloaded_by = parse_datetime(request.POST.get("downloaded_by", "")[:40])
    if downloaded_by is None:
        return HttpResponseBadRequest(_("The form was not understood. Please try again."))
    try:
        count = letters.letters_mark_posted(
            actor=actor,
            school_id=school.pk,
            downloaded_by=downloaded_by,
            once=form_token(request.POST),
        )
    except AlreadyDone as done:
        return already_done(request, done, fallback=unreachable_url(school.pk))
    messages.success(
        request,
        ngettext("%(n)d letter is marked as posted.", "%(n)d letters are marked as posted.", count)
        % {"n": count},
    )
    return redirect(unreachable_url(school.pk))

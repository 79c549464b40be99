"""Webhooks from SMS providers: incoming texts and delivery reports.

No session and no CSRF token (a provider cannot have one): each request is believed only when
its provider's signature checks out, and is answered 403 otherwise, 400 when it is not understood.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from schoolwindow.messaging.channels.sms import SmsProvider, WebhookError, sms_provider
from schoolwindow.messaging.inbound import sms_receive, sms_status_receive


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

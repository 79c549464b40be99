"""The families hub (/families/): the links to what each member of staff may use."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from schoolwindow.core.access import staff_only
from schoolwindow.core.requests import actor_of
from schoolwindow.messaging.broadcasts.selectors import may_broadcast
from schoolwindow.messaging.delivery.reach import may_see_unreachable
from schoolwindow.messaging.settings.services import may_change_settings
from schoolwindow.messaging.summaries.selectors import may_see_nudges


@staff_only
def hub(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return render(
        request,
        "messaging/families/hub.html",
        {
            "sees_unreachable": may_see_unreachable(actor),
            "sees_nudges": may_see_nudges(actor),
            "sees_broadcasts": may_broadcast(actor),
            "sees_settings": may_change_settings(actor),
        },
    )

"""A pupil's messages and contacts, and logging a call, meeting or visit (a page of its own, or
from a watchlist row, which is redrawn after).
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from schoolwindow.core.access import staff_only
from schoolwindow.core.errors import attempt_form
from schoolwindow.core.once import AlreadyDone, form_token
from schoolwindow.core.requests import actor_of, is_htmx, safe_next
from schoolwindow.messaging.conversations import forms, selectors, timeline_selectors
from schoolwindow.messaging.conversations import services as conversations_services
from schoolwindow.messaging.conversations.rendering import (
    contact_form_context,
    get_int,
    timeline_html,
)
from schoolwindow.messaging.models import (
    Tone,
)

# --- A pupil's messages and contacts; logging a call ------------------------------------------


@staff_only
def pupil_messages(request: HttpRequest, pupil_id: int) -> HttpResponse:
    actor = actor_of(request)
    pupil = selectors.pupil_for_messages(actor=actor, pupil_id=pupil_id)
    timeline = timeline_selectors.pupil_timeline(actor=actor, pupil=pupil)
    context = {
        "timeline": timeline,
        "timeline_html": timeline_html(timeline.items),
        **contact_form_context(request, pupil, timeline.guardians, flag_id=None),
    }
    return render(request, "messaging/conversations/pupil_messages.html", context)


@staff_only
def contact_log(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """The "log a call, meeting or visit" form: a page of its own, or (HTMX, from the
    watchlist) a fragment in the row; posting it records the contact."""
    actor = actor_of(request)
    pupil = selectors.pupil_for_messages(actor=actor, pupil_id=pupil_id)
    flag_id = get_int(request.POST if request.method == "POST" else request.GET, "flag")
    guardians = selectors.guardian_choices(pupil=pupil)
    form = None
    status = 200
    if request.method == "POST":
        form = forms.ContactLogForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            done = _("%(name)s: contact logged.") % {"name": pupil.display_name}
            try:
                entry, status = attempt_form(
                    form,
                    conversations_services.contact_log_record,
                    actor=actor,
                    pupil_id=pupil.pk,
                    guardian_id=data.get("guardian"),
                    kind=data["kind"],
                    outcome=data["outcome"],
                    happened_at=data["happened_at"],
                    notes=data.get("notes", ""),
                    tone=data.get("tone") or Tone.NEUTRAL,
                    flag_id=flag_id,
                    once=form_token(request.POST),
                )
                recorded = entry is not None
            except AlreadyDone as repeat:
                # Logged the first time it was sent: say so, as for the first.
                recorded, done = True, repeat.message
            if recorded:
                if is_htmx(request) and flag_id is not None and request.POST.get("target") == "row":
                    return watchlist_row(request, flag_id, done)
                flash.success(request, done)
                fallback = reverse("messaging:pupil", kwargs={"pupil_id": pupil.pk})
                return redirect(safe_next(request, fallback))
        else:
            status = 400
    context = contact_form_context(request, pupil, guardians, flag_id=flag_id, form=form)
    if is_htmx(request):
        # htmx swaps only successful answers: a form with its errors comes back as a 200.
        context["in_row"] = flag_id is not None
        return render(request, "messaging/conversations/_contact_form.html", context)
    return render(request, "messaging/conversations/contact_log.html", context, status=status)


def watchlist_row(request: HttpRequest, flag_id: int, message: str) -> HttpResponse:
    """The watchlist row redrawn after a contact was logged from it (its last contact shows)."""
    from schoolwindow.engagement import selectors as engagement
    from schoolwindow.engagement.models import FlagOutcome

    row = engagement.watch_row_get(actor=actor_of(request), flag_id=flag_id)
    row.message = message
    row.message_ok = True
    next_url = safe_next(request, reverse("watchlist"))
    context = {
        "row": row,
        "outcomes": FlagOutcome.choices,
        "next_url": next_url,
        "next_param": quote(next_url, safe="/"),
    }
    response = render(request, "engagement/watchlist.html#row", context)
    # The form sat in the row's actions; the answer replaces the whole row.
    response["HX-Retarget"] = f"#flag-{flag_id}"
    response["HX-Reswap"] = "outerHTML"
    return response

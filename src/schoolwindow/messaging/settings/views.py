"""The page where a leader or the pastoral lead sets the school's messaging choices."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from schoolwindow.core.access import actor_passes
from schoolwindow.core.requests import actor_of
from schoolwindow.messaging.settings.services import (
    FIELDS,
    MessagingSettingsForm,
    may_change_settings,
    messaging_settings_get,
    messaging_settings_update,
    settings_schools,
)
from schoolwindow.schools.requests import school_choice


@actor_passes(may_change_settings)
def messaging_settings(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school, schools = school_choice(request, settings_schools(actor))
    current = messaging_settings_get(school.pk)
    initial = {name: getattr(current, name) for name in FIELDS}
    initial["nudge_approver"] = current.nudge_approver_id
    if request.method == "POST":
        form = MessagingSettingsForm(request.POST, school_id=school.pk, initial=initial)
        if form.is_valid():
            changed = messaging_settings_update(
                actor=actor, school_id=school.pk, values=form.cleaned_data
            )
            messages.success(request, _("Saved.") if changed else _("Nothing changed."))
            return redirect(f"{reverse('families:settings')}?school={school.pk}")
    else:
        form = MessagingSettingsForm(school_id=school.pk, initial=initial)
    return render(
        request,
        "messaging/settings/settings.html",
        {"form": form, "school": school, "schools": schools},
    )

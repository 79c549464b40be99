"""Quiet hours: when a message may reach someone's phone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from schoolwindow.messaging.models import MessagingSettings


def settings_for(school_id: int) -> MessagingSettings:
    found = MessagingSettings.objects.filter(school_id=school_id).first()
    return found or MessagingSettings(school_id=school_id)


def in_quiet_hours(moment: dt.datetime, quiet_from: dt.time, quiet_until: dt.time) -> bool:
    local = timezone.localtime(moment).time()
    if quiet_from <= quiet_until:  # e.g. 00:00 to 07:00
        return quiet_from <= local < quiet_until
    return local >= quiet_from or local < quiet_until  # e.g. 19:00 to 07:30, across midnight


def quiet_hours_release(
    moment: dt.datetime, quiet_from: dt.time, quiet_until: dt.time
) -> dt.datetime:
    """`moment` itself outside quiet hours; otherwise the morning they end."""
    if not in_quiet_hours(moment, quiet_from, quiet_until):
        return moment
    local = timezone.localtime(moment)
    day = local.date()
    if local.time() >= quiet_until and quiet_from > quiet_until:
        day += dt.timedelta(days=1)  # evening: wait for tomorrow morning
    return timezone.make_aware(dt.datetime.combine(day, quiet_until))


def send_not_before(
    *, school_id: int, now: dt.datetime, urgent: bool, to_staff: bool = False
) -> dt.datetime:
    """Families' messages wait for the morning unless urgent; staff get nothing out of hours."""
    if urgent and not to_staff:
        return now
    school = settings_for(school_id)
    return quiet_hours_release(now, school.quiet_from, school.quiet_until)

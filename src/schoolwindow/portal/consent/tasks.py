"""Consent's background work: queueing the reminders staff asked for."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from schoolwindow.portal.consent import services


@task()
def consent_reminders_send_task(request_id: int, sent_on: str) -> None:
    services.consent_reminders_send(request_id=request_id, sent_on=dt.date.fromisoformat(sent_on))

"""Background work for accounts: sending a password-reset email outside the request."""

from __future__ import annotations

from django_tasks import task

from schoolwindow.accounts.services import password_reset_email_send


@task()
def password_reset_email_task(user_id: int) -> bool:
    return password_reset_email_send(user_id=user_id)

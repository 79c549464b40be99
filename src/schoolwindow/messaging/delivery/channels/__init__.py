"""How copies leave School Window: email through Django's mail, text messages through a provider.

Each channel raises `SendError` for a copy that did not go, saying whether trying again later
may help (`permanent=False`: a server down, a 4xx, a provider's 5xx) or not (a recipient
rejected, a number that does not exist).
"""

from __future__ import annotations


class SendError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def read_link(token: str) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}/messages/r/{token}"

"""Logging filters named in settings.LOGGING."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404


class RefusalsWithoutTraceback(logging.Filter):
    """Django logs a refused or missing page with the exception's traceback. A refusal is the
    permission policy working, not a fault: keep the one warning line, drop the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied | Http404):
            record.exc_info = None
            record.exc_text = None
        return True

"""The xAPI statements endpoint, for learning platforms (not people): /xapi/statements.

HTTP Basic with a source's key (no session, no CSRF token: a platform is not a browser), the
X-Experience-API-Version header (1.0.x), then one statement or an array, all or nothing.
Errors are JSON: {"error": "statement 3: 'verb.id' is required"}.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from schoolwindow.engagement.models import XapiSource
from schoolwindow.engagement.xapi import (
    VERSION_RE,
    XAPI_VERSION,
    StatementConflict,
    StatementError,
    statements_check,
    statements_from_body,
    statements_store,
    xapi_source_authenticate,
)

# Larger than a platform's usual batch (the 2,814-statement sample set is 3 MB), small enough
# that a runaway client cannot exhaust memory.
MAX_BODY_BYTES = getattr(settings, "XAPI_MAX_BODY_BYTES", 16 * 1024 * 1024)


def _json(data: object, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, safe=False)
    response["X-Experience-API-Version"] = XAPI_VERSION
    return response


def _error(message: str, status: int) -> JsonResponse:
    return _json({"error": message}, status=status)


def about(request: HttpRequest) -> JsonResponse:
    """GET /xapi/about: the versions we speak (open, as the specification asks)."""
    return _json({"version": [XAPI_VERSION]})


@csrf_exempt
def statements(request: HttpRequest) -> HttpResponse:
    if request.method not in ("POST", "PUT"):
        response = _error("only POST and PUT are accepted here: this endpoint receives", 405)
        response["Allow"] = "POST, PUT"
        return response
    source = xapi_source_authenticate(request.headers.get("Authorization", ""))
    if source is None:
        response = _error("HTTP Basic credentials of an xAPI key are required", 401)
        response["WWW-Authenticate"] = 'Basic realm="School Window xAPI"'
        return response
    version = request.headers.get("X-Experience-API-Version", "")
    if not VERSION_RE.match(version):
        wanted = "is required" if not version else f"'{version}' is not supported"
        return _error(f"the X-Experience-API-Version header {wanted}: send 1.0.3", 400)
    if (request.content_type or "").startswith("multipart/"):
        return _error("statements with attachments (multipart) are not accepted", 400)
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return _error(f"the body is larger than {MAX_BODY_BYTES:,} bytes: send fewer", 413)
    if request.method == "PUT":
        return _put(request, source, body)
    return _post(source, body)


def _post(source: XapiSource, body: bytes) -> HttpResponse:
    try:
        batch = statements_check(statements_from_body(body), now=timezone.now())
        statements_store(source=source, statements=batch.statements)
    except StatementConflict as exc:
        return _error(str(exc), 409)
    except StatementError as exc:
        return _error(str(exc), 400)
    return _json([str(statement_id) for statement_id in batch.ids])


def _put(request: HttpRequest, source: XapiSource, body: bytes) -> HttpResponse:
    try:
        wanted = uuid.UUID(request.GET.get("statementId", ""))
    except ValueError:
        return _error("PUT needs a statementId parameter holding a UUID", 400)
    try:
        items = statements_from_body(body)
        if len(items) != 1 or body.lstrip()[:1] != b"{":
            raise StatementError("PUT takes one statement object")
        item = items[0]
        if "id" in item and str(item["id"]).lower() != str(wanted):
            raise StatementError("statement 1: 'id' differs from the statementId parameter")
        batch = statements_check([{**item, "id": str(wanted)}], now=timezone.now())
        statements_store(source=source, statements=batch.statements)
    except StatementConflict as exc:
        return _error(str(exc), 409)
    except StatementError as exc:
        return _error(str(exc), 400)
    response = HttpResponse(status=204)
    response["X-Experience-API-Version"] = XAPI_VERSION
    return response

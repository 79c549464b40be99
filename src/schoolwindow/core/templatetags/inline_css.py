"""`{% inline_css %}`: the site's stylesheet inside the page, for the few pages whose first load
must be usable on a slow phone line.

On emulated slow 3G every request costs two seconds before its first byte, and a linked
stylesheet blocks the first paint: the page would need two round trips. Inlined (with the
request's CSP nonce, so the policy stays strict: no other inline style runs), it needs one.
The file is read once per process.
"""

from __future__ import annotations

from functools import cache

from django import template
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

STYLESHEET = "schoolwindow/site.css"


@cache
def stylesheet_text() -> str:
    path = finders.find(STYLESHEET)
    if not isinstance(path, str):
        raise FileNotFoundError(STYLESHEET)
    with open(path, encoding="utf-8") as handle:
        # A stylesheet cannot close the element early: only "</style" could, and CSS has no use
        # for it.
        return handle.read().replace("</style", "<\\/style")


@register.simple_tag(takes_context=True)
def inline_css(context: template.Context) -> SafeString:
    request: HttpRequest | None = context.get("request")
    nonce = getattr(request, "csp_nonce", "") if request is not None else ""
    return format_html('<style nonce="{}">{}</style>', nonce, mark_safe(stylesheet_text()))

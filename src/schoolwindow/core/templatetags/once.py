"""`{% once_field %}`: the hidden one-time token of a form that creates something (core/once)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from schoolwindow.core.once import FIELD, new_token

register = template.Library()


@register.simple_tag
def once_field() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())

"""The phrasebook for staff: every phrase in every language, the picker for the new-message form
(HTMX fragments), and a preview of what a family will receive in their language.

Staff only. A pupil named in a request must be one the member of staff may see (404 if not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from schoolwindow.core.access import staff_only
from schoolwindow.core.permissions import Actor
from schoolwindow.core.policy import policy_for
from schoolwindow.core.requests import actor_of, is_htmx
from schoolwindow.messaging.translation.phrasebook import (
    CATEGORIES,
    PHRASEBOOK_LANGUAGES,
    PHRASES_BY_KEY,
    Phrase,
    family_ui_text,
    grammatical_gender,
    phrase_fill,
    phrases_in,
)
from schoolwindow.messaging.translation.services import Rendering, base_language, render_for_family
from schoolwindow.people.contact import guardians_contactable
from schoolwindow.people.models import Pupil
from schoolwindow.schools.models import School

LANGUAGES = ("en", *PHRASEBOOK_LANGUAGES)
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
TARGET = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")
MAX_BODY = 10_000


def param(request: HttpRequest, name: str, limit: int = 100) -> str:
    value = request.POST.get(name) if request.method == "POST" else None
    if value is None:
        value = request.GET.get(name, "")
    return str(value).strip()[:limit]


def target_of(request: HttpRequest) -> str:
    """The id of the form's textarea the picker fills (a safe HTML id)."""
    target = param(request, "target", 40)
    return target if TARGET.match(target) else "id_body"


def pupil_for(actor: Actor, value: str) -> Pupil | None:
    """The pupil asked for, if any; one the actor may not see does not exist (404)."""
    if not value:
        return None
    if not value.isdigit() or len(value) > 12:
        raise Http404
    pupil = (
        policy_for(Pupil)
        .visible(actor)
        .filter(pk=int(value))
        .select_related("school")
        .distinct()
        .first()
    )
    if pupil is None or pupil.school_id not in actor.staff_ids:
        raise Http404
    return pupil


def school_name_for(actor: Actor, pupil: Pupil | None) -> str:
    if pupil is not None:
        return pupil.school.name
    names = list(
        School.objects.filter(pk__in=list(actor.staff_ids))
        .order_by("name")
        .values_list("name", flat=True)[:2]
    )
    return names[0] if len(names) == 1 else ""


def fields_for(actor: Actor, pupil: Pupil | None) -> dict[str, str]:
    """Values for {child} and {school}; left as placeholders when they are not known yet."""
    fields = {"child": "{child}", "school": "{school}"}
    if pupil is not None:
        fields["child"] = pupil.first_name
    school = school_name_for(actor, pupil)
    if school:
        fields["school"] = school
    return fields


@dataclass(frozen=True)
class PhraseRow:
    key: str
    english: str  # with the known fields filled in
    texts: list[tuple[str, str]]  # (language, text) in LANGUAGES order


def phrase_row(phrase: Phrase, fields: dict[str, str] | None = None) -> PhraseRow:
    english = phrase_fill(phrase.english, fields) if fields else phrase.english
    return PhraseRow(
        key=phrase.key,
        english=english,
        texts=[(code, phrase.texts[code]) for code in LANGUAGES if code in phrase.texts],
    )


@require_GET
@staff_only
def phrasebook_index(request: HttpRequest) -> HttpResponse:
    sections = [
        (code, str(label), [phrase_row(phrase) for phrase in phrases_in(code)])
        for code, label in CATEGORIES.items()
    ]
    return render(
        request,
        "messaging/translation/phrasebook.html",
        {"sections": sections, "languages": LANGUAGES},
    )


@require_GET
@staff_only
def phrase_pick(request: HttpRequest) -> HttpResponse:
    """The phrases of one category as buttons; each puts its text in the message box."""
    actor = actor_of(request)
    category = param(request, "category", 32)
    if category not in CATEGORIES:
        category = next(iter(CATEGORIES))
    pupil = pupil_for(actor, param(request, "pupil", 12))
    fields = fields_for(actor, pupil)
    context = {
        "category": category,
        "category_label": CATEGORIES[category],
        "phrases": [phrase_row(phrase, fields) for phrase in phrases_in(category)],
        "pupil_id": pupil.pk if pupil is not None else "",
        "target": target_of(request),
    }
    response = render(request, "messaging/translation/_phrase_picker.html#choices", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_http_methods(["GET", "POST"])
@staff_only
def phrase_use(request: HttpRequest) -> HttpResponse:
    """The message box again, now holding the phrase's English and its key. Words already typed
    are kept: the phrase goes after them, and the person is told (POST carries what they typed,
    which may be too long for a URL)."""
    actor = actor_of(request)
    # The button's own URL names the phrase: a POST also carries the whole form around the
    # message box, whose phrase_key is the previous choice.
    phrase = PHRASES_BY_KEY.get(request.GET.get("phrase_key", "")[:64])
    if phrase is None:
        raise Http404
    pupil = pupil_for(actor, request.GET.get("pupil", "")[:12] or param(request, "pupil", 12))
    text = phrase_fill(phrase.english, fields_for(actor, pupil))
    typed = param(request, "body", MAX_BODY)
    kept = bool(typed) and typed != text
    context = {
        "body": f"{typed}\n\n{text}"[:MAX_BODY] if kept else text,
        "selected": phrase.key,
        "target": target_of(request),
        "picked": True,
        "kept": kept,
    }
    return render(request, "messaging/translation/_phrase_picker.html#used", context)


@dataclass(frozen=True)
class Preview:
    language: str  # the family's language
    rendering: Rendering
    note: str  # the note in the family's language, when the message goes untranslated
    english: str
    method_label: str


def method_label(method: str) -> str:
    if method == "phrasebook":
        return _("Checked translation from the phrasebook")
    if method.startswith("machine:"):
        return _("Machine translation (%(provider)s)") % {"provider": method.split(":", 1)[1]}
    if method == "untranslated":
        return _("Not translated: sent in English, with a note in their language")
    return _("In English")


def preview_for(
    body: str, phrase_key: str, language: str, fields: dict[str, str], gender: str = ""
) -> Preview:
    rendering = render_for_family(
        body=body, language=language, phrase_key=phrase_key, fields=fields, gender=gender
    )
    note = ""
    english = rendering.text
    if rendering.method == "untranslated":
        note = family_ui_text("untranslated_note", language)
        english = rendering.text.removeprefix(note).lstrip("\n")
    return Preview(language, rendering, note, english, method_label(rendering.method))


def family_languages(pupil: Pupil) -> list[str]:
    """The languages of the pupil's families who may be contacted, first contact first."""
    found: list[str] = []
    rows = guardians_contactable(school_id=pupil.school_id, pupil_id=pupil.pk).values_list(
        "guardian__preferred_language", flat=True
    )
    for language in rows:
        code = base_language(language or "en")
        if code not in found:
            found.append(code)
    return found


@require_http_methods(["GET", "POST"])
@staff_only
def phrase_preview(request: HttpRequest) -> HttpResponse:
    """What the family will receive: for `language`, or for each language of the pupil's
    families. POST is allowed too, because a long message does not fit in a URL."""
    actor = actor_of(request)
    body = param(request, "body", MAX_BODY)
    phrase_key = param(request, "phrase_key", 64)
    language = base_language(param(request, "language", 16) or "")
    asked_language = param(request, "language", 16) != ""
    if asked_language and not LANGUAGE_CODE.match(language):
        asked_language = False
    pupil = pupil_for(actor, param(request, "pupil", 12))
    fields = fields_for(actor, pupil)
    if asked_language:
        languages = [language]
    elif pupil is not None:
        languages = family_languages(pupil)
    else:
        languages = []
    gender = grammatical_gender(pupil.gender) if pupil is not None else ""
    previews = (
        [preview_for(body, phrase_key, code, fields, gender) for code in languages] if body else []
    )
    context = {
        "body": body,
        "phrase_key": phrase_key if phrase_key in PHRASES_BY_KEY else "",
        "language": language if asked_language else "",
        "languages": LANGUAGES,
        "pupil": pupil,
        "previews": previews,
        "asked": bool(body),
    }
    template = "messaging/translation/phrasebook_preview.html"
    if is_htmx(request):
        template += "#result"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response

"""The watchlist, a flag's page, triage actions and the rule settings. Views parse, call a
selector or service, render.

Every triage action is a normal form POST that redirects back (works without JavaScript); with
HTMX the same POST answers with just the watchlist row, which replaces the old one in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django import forms as django_forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwindow.core.access import actor_passes
from schoolwindow.core.panels import FLAG_PAGE
from schoolwindow.core.permissions import Actor
from schoolwindow.core.rendercache import NEXT_MARK, RenderCache, fill_next
from schoolwindow.core.requests import actor_of, is_htmx, safe_next, wants_fragment
from schoolwindow.engagement import forms, selectors, services
from schoolwindow.engagement.models import Flag, FlagOutcome
from schoolwindow.engagement.rules import rules_all
from schoolwindow.people.selectors import FLAG_LABELS


def get_int(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


STATUS_LABELS = {
    "open": gettext_lazy("Open"),
    "snoozed": gettext_lazy("Snoozed"),
    "resolved": gettext_lazy("Resolved"),
    "all": gettext_lazy("All"),
}


@actor_passes(selectors.can_use_watchlist)
def watchlist(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    options = selectors.watchlist_options(actor=actor, school_id=get_int(request, "school"))
    year = request.GET.get("year", "").strip()[:8]
    if year not in {code for code, _name in options.years}:
        year = ""
    group_id = get_int(request, "group")
    if group_id not in {pk for pk, _name in options.groups}:
        group_id = None
    status = request.GET.get("status", "open")
    if status not in selectors.STATUSES:
        status = "open"
    filters = selectors.WatchlistFilters(
        school_id=options.school_id,
        year=year,
        group_id=group_id,
        needs=tuple(n for n in request.GET.getlist("need") if n in FLAG_LABELS),
        status=status,
        mine=request.GET.get("mine") == "1",
        new_only=request.GET.get("new") == "1",
    )
    flags = selectors.watchlist(actor=actor, filters=filters)
    new_count = (
        selectors.new_since_count(selectors.watchlist_flags(actor=actor, filters=filters))
        if filters.status in {"open", "all"}
        else 0
    )
    page = Paginator(flags, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.watch_rows(
        actor=actor, flags=list(page.object_list), school_names=dict(options.schools)
    )
    show_school = len(options.schools) > 1 and options.school_id is None
    context = {
        "page": page,
        "new_count": new_count,
        "rows": rows,
        "rows_html": rows_html(rows, show_school=show_school, next_url=request.get_full_path()),
        "options": options,
        "filters": filters,
        "need_choices": [(key, str(label)) for key, label in FLAG_LABELS.items()],
        "status_choices": [(key, str(label)) for key, label in STATUS_LABELS.items()],
        "outcomes": FlagOutcome.choices,
        "show_school": show_school,
        "filtered": filters != selectors.WatchlistFilters(school_id=filters.school_id)
        or filters.school_id is not None,
        "can_change_rules": selectors.can_change_rules(actor),
        "latest_data": selectors.latest_data_day(
            school_ids=[options.school_id]
            if options.school_id is not None
            else [pk for pk, _name in options.schools]
        ),
    }
    template = "engagement/watchlist.html"
    if wants_fragment(request):
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- Drawing the rows ------------------------------------------------------------------------

# The watchlist's rows as drawn (WatchRow.cache_key says what they show).
ROW_CACHE = RenderCache()


def row_template() -> Any:
    return get_template("engagement/watchlist.html#row")


def rows_html(rows: list[selectors.WatchRow], *, show_school: bool, next_url: str) -> SafeString:
    """The list's rows: from the cache when nothing they show has changed, else drawn now
    (after loading their words and charts in one query)."""
    language = get_language() or ""
    keys = [row.cache_key(language=language, show_school=show_school) for row in rows]
    found = {key: ROW_CACHE.get(key) for key in keys}
    missing = [row for row, key in zip(rows, keys, strict=True) if found[key] is None]
    if missing:
        selectors.load_row_details([row.flag for row in missing])
        template = row_template()
        for row, key in zip(rows, keys, strict=True):
            if found[key] is None:
                context = {"row": row, "show_school": show_school, "next_param": NEXT_MARK}
                found[key] = html = template.render(context)
                ROW_CACHE.put(key, html)
    html = "".join(found[key] or "" for key in keys)
    return mark_safe(fill_next(html, next_url))


@actor_passes(selectors.can_use_watchlist)
def flag_detail(request: HttpRequest, flag_id: int) -> HttpResponse:
    actor = actor_of(request)
    page = selectors.flag_page_get(actor=actor, flag_id=flag_id)
    # What apps above engagement did about the flag (support's help since it opened), without
    # engagement knowing them: each registers a panel on FLAG_PAGE.
    panels = [
        render_to_string(panel.template, panel.context, request)
        for panel in FLAG_PAGE.shown(actor=actor, subject=page.row.flag, mode="staff")
    ]
    context = {
        "panels": panels,
        "flag_page": page,
        "row": page.row,
        "outcomes": FlagOutcome.choices,
        "next_url": safe_next(request, request.get_full_path()),
    }
    return render(request, "engagement/flag_detail.html", context)


@actor_passes(selectors.can_use_watchlist)
def flag_actions(request: HttpRequest, flag_id: int) -> HttpResponse:
    """The triage forms of one row, loaded into the list when someone chooses to act. Without
    HTMX (a link opened on its own), the flag's page, which has the same forms."""
    row = selectors.watch_row_get(actor=actor_of(request), flag_id=flag_id)
    if not is_htmx(request):
        detail = reverse("flag_detail", kwargs={"flag_id": flag_id})
        return redirect(f"{detail}?{request.GET.urlencode()}" if request.GET else detail)
    context = {
        "row": row,
        "outcomes": FlagOutcome.choices,
        "next_url": safe_next(request, reverse("watchlist")),
        "focus": True,
    }
    response = render(request, "engagement/watchlist.html#actions", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def triage(
    request: HttpRequest,
    flag_id: int,
    form_class: type[django_forms.Form],
    action: Callable[[Actor, Flag, dict[str, Any]], str],
) -> HttpResponse:
    """Validate, act, then answer with the row (HTMX) or a redirect back (no JavaScript)."""
    actor = actor_of(request)
    flag = selectors.flag_get(actor=actor, flag_id=flag_id)
    form = form_class(request.POST)
    ok = False
    if form.is_valid():
        try:
            message = action(actor, flag, form.cleaned_data)
            ok = True
        except ValueError as error:
            message = str(error)
    else:
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
    fallback = reverse("flag_detail", kwargs={"flag_id": flag.pk})
    next_url = safe_next(request, fallback)
    if is_htmx(request) and request.POST.get("target") == "row":
        row = selectors.watch_row_get(actor=actor, flag_id=flag.pk)
        row.message = message
        row.message_ok = ok
        context = {
            "row": row,
            "outcomes": FlagOutcome.choices,
            "next_url": next_url,
            "next_param": quote(next_url, safe="/"),
            "show_actions": True,
        }
        return render(request, "engagement/watchlist.html#row", context)
    (messages.success if ok else messages.error)(request, message)
    return redirect(next_url)


def name_of(flag: Flag) -> str:
    return flag.pupil.display_name


@actor_passes(selectors.can_use_watchlist)
@require_POST
def flag_assign(request: HttpRequest, flag_id: int) -> HttpResponse:
    def act(actor: Actor, flag: Flag, data: dict[str, Any]) -> str:
        services.flag_assign(actor=actor, flag=flag, staff_id=data.get("staff"))
        if flag.assigned_to is None:
            return _("%(pupil)s: no longer assigned.") % {"pupil": name_of(flag)}
        return _("%(pupil)s: assigned to %(name)s.") % {
            "pupil": name_of(flag),
            "name": flag.assigned_to.display_name,
        }

    return triage(request, flag_id, forms.AssignForm, act)


@actor_passes(selectors.can_use_watchlist)
@require_POST
def flag_note(request: HttpRequest, flag_id: int) -> HttpResponse:
    def act(actor: Actor, flag: Flag, data: dict[str, Any]) -> str:
        contact = data.get("kind") == "contact"
        services.flag_note_add(actor=actor, flag=flag, note=data["note"], contact=contact)
        if contact:
            return _("%(pupil)s: contact with the family logged.") % {"pupil": name_of(flag)}
        return _("%(pupil)s: note added.") % {"pupil": name_of(flag)}

    return triage(request, flag_id, forms.NoteForm, act)


@actor_passes(selectors.can_use_watchlist)
@require_POST
def flag_snooze(request: HttpRequest, flag_id: int) -> HttpResponse:
    def act(actor: Actor, flag: Flag, data: dict[str, Any]) -> str:
        services.flag_snooze(actor=actor, flag=flag, until=data["until"], note=data["note"])
        return _("%(pupil)s: snoozed until %(day)s.") % {
            "pupil": name_of(flag),
            "day": date_format(data["until"], "D j M"),
        }

    return triage(request, flag_id, forms.SnoozeForm, act)


@actor_passes(selectors.can_use_watchlist)
@require_POST
def flag_resolve(request: HttpRequest, flag_id: int) -> HttpResponse:
    def act(actor: Actor, flag: Flag, data: dict[str, Any]) -> str:
        services.flag_resolve(actor=actor, flag=flag, outcome=data["outcome"], note=data["note"])
        return _("%(pupil)s: resolved (%(outcome)s).") % {
            "pupil": name_of(flag),
            "outcome": FlagOutcome(data["outcome"]).label,
        }

    return triage(request, flag_id, forms.ResolveForm, act)


@actor_passes(selectors.can_use_watchlist)
@require_POST
def flag_reopen(request: HttpRequest, flag_id: int) -> HttpResponse:
    def act(actor: Actor, flag: Flag, data: dict[str, Any]) -> str:
        services.flag_reopen(actor=actor, flag=flag, note=data["note"])
        return _("%(pupil)s: reopened.") % {"pupil": name_of(flag)}

    return triage(request, flag_id, forms.ReopenForm, act)


@actor_passes(selectors.can_change_rules)
def rule_settings(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    schools = selectors.rule_settings_schools(actor=actor)
    wanted = request.POST.get("school") or request.GET.get("school", "")
    school = next((s for s in schools if str(s.pk) == wanted), schools[0])
    views = selectors.rule_settings_get(actor=actor, school_id=school.pk)
    initial = {view.rule.key: view.config for view in views}
    if request.method == "POST":
        form = forms.RuleSettingsForm(request.POST, initial_config=initial)
        if form.is_valid():
            changed = services.rule_settings_update(
                actor=actor, school_id=school.pk, values=form.values()
            )
            if changed:
                messages.success(
                    request,
                    _("Saved. The new thresholds apply from the next morning's check."),
                )
            else:
                messages.success(request, _("Nothing changed."))
            return redirect(f"{reverse('rule_settings')}?school={school.pk}")
    else:
        form = forms.RuleSettingsForm(initial_config=initial)
    sections = [
        {
            "view": view,
            "enabled": form[forms.field_name(view.rule.key, "enabled")],
            "params": [
                (param, form[forms.field_name(view.rule.key, param.name)])
                for param in view.rule.params
            ],
        }
        for view in views
    ]
    context = {
        "form": form,
        "school": school,
        "schools": schools,
        "sections": sections,
        "rule_count": len(rules_all()),
    }
    return render(request, "engagement/rule_settings.html", context)

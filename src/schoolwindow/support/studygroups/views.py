"""Study group pages: parse, call the selector or service, render."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from schoolwindow.core.access import actor_passes, staff_only
from schoolwindow.core.errors import Invalid, attempt_form
from schoolwindow.core.once import AlreadyDone, already_done, form_token, form_token_for
from schoolwindow.core.requests import actor_of
from schoolwindow.support.studygroups import selectors, services
from schoolwindow.support.studygroups.models import Answer, TextTo


class GroupForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the group"), max_length=80)
    subjects = forms.CharField(
        label=gettext_lazy("Subjects (optional)"), max_length=120, required=False
    )
    year_group = forms.TypedChoiceField(
        label=gettext_lazy("Year"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"aria-describedby": "year-help"}),
    )
    text_at = forms.TimeField(
        label=gettext_lazy("Time of the daily check-in text"),
        help_text=gettext_lazy(
            "Pupils who check in by text get one text at this time on each school day."
        ),
        initial=dt.time(16, 0),
        required=False,
        widget=forms.TimeInput(
            format="%H:%M", attrs={"type": "time", "aria-describedby": "id_text_at_helptext"}
        ),
    )


class GroupEditForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the group"), max_length=80)
    subjects = forms.CharField(
        label=gettext_lazy("Subjects (optional)"), max_length=120, required=False
    )
    text_at = forms.TimeField(
        label=gettext_lazy("Time of the daily check-in text"),
        help_text=gettext_lazy(
            "Pupils who check in by text get one text at this time on each school day. "
            "A new time counts from tomorrow."
        ),
        widget=forms.TimeInput(
            format="%H:%M", attrs={"type": "time", "aria-describedby": "id_text_at_helptext"}
        ),
    )
    active = forms.BooleanField(
        label=gettext_lazy("The group is running (untick to close it: no more texts or check-ins)"),
        required=False,
    )


class MemberTextForm(forms.Form):
    how = forms.ChoiceField(
        label=gettext_lazy("How does the pupil check in?"), widget=forms.RadioSelect
    )
    mobile = forms.CharField(
        label=gettext_lazy("The pupil's own mobile number"),
        help_text=gettext_lazy("Needed only for texts to the pupil's own mobile."),
        max_length=32,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "off", "aria-describedby": "id_mobile_helptext"}
        ),
    )


pupil_only = actor_passes(lambda actor: actor.is_pupil and not actor.is_staff_member)


@staff_only
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    today = timezone.localdate()
    groups = selectors.groups_list(actor=actor, today=today)
    school_ids = selectors.may_form(actor)
    if not groups and not school_ids:
        raise PermissionDenied
    context = {"groups": groups, "may_form": bool(school_ids)}
    return render(request, "support/studygroups/index.html", context)


@staff_only
def new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school_ids = selectors.may_form(actor)
    if not school_ids:
        raise PermissionDenied
    years = selectors.year_choices(school_ids)
    form = GroupForm(request.POST if request.method == "POST" else None)
    year_field = form.fields["year_group"]
    assert isinstance(year_field, forms.TypedChoiceField)
    year_field.choices = [("", _("Any year")), *((y.pk, y.name) for y in years)]
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            year = next((y for y in years if y.pk == data["year_group"]), None)
            school_id = year.school_id if year is not None else school_ids[0]
            try:
                group, status = attempt_form(
                    form,
                    services.study_group_create,
                    actor=actor,
                    school_id=school_id,
                    name=data["name"],
                    subjects=data["subjects"],
                    year_group_id=data["year_group"],
                    text_at=data["text_at"],
                    once=form_token(request.POST),
                )
            except AlreadyDone as repeat:
                return already_done(request, repeat, fallback=reverse("studygroups:index"))
            if group is not None:
                flash.success(request, _("The group is formed. Now add its pupils."))
                return redirect(reverse("studygroups:group", kwargs={"group_id": group.pk}))
    return render(request, "support/studygroups/new.html", {"form": form}, status=status)


@staff_only
def group(request: HttpRequest, group_id: int) -> HttpResponse:
    actor = actor_of(request)
    found = selectors.group_for_staff(actor=actor, group_id=group_id)
    today = timezone.localdate()
    context = {
        "group": found,
        "week": selectors.group_week(found, today),
        "suggestions": selectors.suggestions(actor=actor, group=found),
        "answers": dict(Answer.choices),
    }
    return render(request, "support/studygroups/group.html", context)


@staff_only
def edit(request: HttpRequest, group_id: int) -> HttpResponse:
    """Change the group's name, subjects or text time, or close it."""
    actor = actor_of(request)
    found = selectors.group_for_staff(actor=actor, group_id=group_id, action="change")
    initial = {
        "name": found.name,
        "subjects": found.subjects,
        "text_at": found.text_at,
        "active": found.active,
    }
    form = GroupEditForm(request.POST if request.method == "POST" else None, initial=initial)
    back = reverse("studygroups:group", kwargs={"group_id": found.pk})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            saved, status = attempt_form(
                form,
                services.study_group_update,
                actor=actor,
                group_id=found.pk,
                name=data["name"],
                subjects=data["subjects"],
                text_at=data["text_at"],
                active=data["active"],
            )
            if saved is not None:
                flash.success(request, _("The group is saved."))
                return redirect(back)
    context = {"group": found, "form": form, "back": back}
    return render(request, "support/studygroups/edit.html", context, status=status)


@staff_only
@require_POST
def member_add(request: HttpRequest, group_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        pupil_id = int(request.POST.get("pupil", ""))
    except ValueError:
        pupil_id = 0
    back = reverse("studygroups:group", kwargs={"group_id": group_id})
    try:
        member = services.study_group_member_add(
            actor=actor,
            group_id=group_id,
            pupil_id=pupil_id,
            once=form_token_for(request.POST, pupil_id),
        )
    except AlreadyDone as repeat:
        return already_done(request, repeat, fallback=back)
    flash.success(request, _("%(name)s is in the group.") % {"name": member.pupil.display_name})
    return redirect(back)


@staff_only
def member_text(request: HttpRequest, group_id: int, pupil_id: int) -> HttpResponse:
    """How one member checks in: in the app, or by a daily text to a phone."""
    actor = actor_of(request)
    found = selectors.group_for_staff(actor=actor, group_id=group_id, action="change")
    member = selectors.member_of(found, pupil_id)
    guardians = services.text_guardians(school_id=found.school_id, pupil_id=pupil_id)
    choices: list[tuple[str, str]] = [
        (TextTo.APP.value, str(TextTo.APP.label)),
        (TextTo.PUPIL.value, str(TextTo.PUPIL.label)),
    ]
    choices += [
        (
            f"guardian:{gid}",
            _("By text to %(name)s's phone") % {"name": guardian.display_name},
        )
        for gid, guardian in guardians.items()
    ]
    current = member.text_to
    if current == TextTo.GUARDIAN and member.text_guardian_id in guardians:
        current = f"guardian:{member.text_guardian_id}"
    elif current == TextTo.GUARDIAN:
        current = TextTo.APP
    form = MemberTextForm(
        request.POST if request.method == "POST" else None,
        initial={"how": current, "mobile": member.pupil.mobile},
    )
    how = form.fields["how"]
    assert isinstance(how, forms.ChoiceField)
    how.choices = choices
    how.required = False
    back = reverse("studygroups:group", kwargs={"group_id": found.pk})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            chosen = form.cleaned_data["how"] or ""
            text_to, guardian_id = chosen, None
            if chosen.startswith("guardian:"):
                text_to, guardian_id = TextTo.GUARDIAN.value, int(chosen.split(":", 1)[1])
            saved, status = attempt_form(
                form,
                services.member_text_set,
                actor=actor,
                group_id=found.pk,
                pupil_id=pupil_id,
                text_to=text_to,
                guardian_id=guardian_id,
                mobile=form.cleaned_data["mobile"],
            )
            if saved is not None:
                flash.success(
                    request,
                    _("Saved how %(name)s checks in.") % {"name": member.pupil.display_name},
                )
                return redirect(back)
    context = {"group": found, "member": member, "form": form, "back": back}
    return render(request, "support/studygroups/member_text.html", context, status=status)


@pupil_only
def today(request: HttpRequest) -> HttpResponse:
    return today_page(request)


def today_page(request: HttpRequest, problem: str = "") -> HttpResponse:
    actor = actor_of(request)
    groups = selectors.pupil_today(actor=actor, today=timezone.localdate())
    context = {"groups": groups, "answers": Answer.choices, "problem": problem}
    return render(
        request, "support/studygroups/today.html", context, status=400 if problem else 200
    )


@pupil_only
@require_POST
def checkin(request: HttpRequest, group_id: int) -> HttpResponse:
    actor = actor_of(request)
    answer = request.POST.get("answer", "")
    back = reverse("studygroups:today")
    try:
        _checkin, changed = services.checkin_record(
            actor=actor,
            group_id=group_id,
            answer=answer,
            today=timezone.localdate(),
            once=form_token_for(request.POST, group_id, answer),
        )
    except AlreadyDone as repeat:
        return already_done(request, repeat, fallback=back)
    except Invalid as problem:
        return today_page(request, problem.message)
    if not changed:
        flash.info(request, _("You have already checked in today."))
    elif answer == Answer.NEED_HELP:
        flash.success(request, _("Thank you. Your group lead will see that you need help today."))
    else:
        flash.success(request, _("Thank you, you have checked in for today."))
    return redirect(back)

"""Event and parents' evening pages: parse, call the selector or service, render.

Family pages are for a parent with a child they may see (anyone else 404). Staff pages: every
member of staff sees the evenings of their school and their own schedule; managing events and
evenings, replies and the list of families with no appointment need EVENTS_MANAGE (other staff
403); families and pupils 404. The feeds need no log-in: the unguessable address is the key.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwindow.core.access import signed_in
from schoolwindow.core.capabilities import EVENTS_MANAGE, EVENTS_OWN_SCHEDULE
from schoolwindow.core.errors import Invalid, NotFound, attempt_form
from schoolwindow.core.once import AlreadyDone, already_done, form_token, form_token_for
from schoolwindow.core.policy import policy_for
from schoolwindow.core.requests import actor_of
from schoolwindow.people.models import Staff
from schoolwindow.portal.events import forms, ics, selectors, services
from schoolwindow.portal.events.models import (
    Appointment,
    AppointmentStatus,
    Evening,
    EveningTeacher,
    Mode,
)
from schoolwindow.portal.events.policies import MANAGE
from schoolwindow.schools.models import Group, YearGroup

PAGE_SIZE = 50
View = Callable[..., HttpResponse]


def family_only(view: View) -> View:
    """A parent with at least one child they may see; anyone else 404."""

    @signed_in
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.children_of(actor_of(request)):
            raise NotFound
        return view(request, *args, **kwargs)

    return wrapper


def staff_only(view: View) -> View:
    @signed_in
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = actor_of(request)
        if not actor.is_staff_member or not actor.can_anywhere(EVENTS_OWN_SCHEDULE):
            raise NotFound
        return view(request, *args, **kwargs)

    return wrapper


def managers_only(view: View) -> View:
    @staff_only
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not actor_of(request).can_anywhere(EVENTS_MANAGE):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def summary_of(form: Any) -> list[tuple[str | None, str]]:
    summary: list[tuple[str | None, str]] = [
        (None, str(error)) for error in form.non_field_errors()
    ]
    for field in form:
        summary.extend((field.auto_id, f"{field.label}: {error}") for error in field.errors)
    return summary


# --- Families ---------------------------------------------------------------------------------


@family_only
def family(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    now = timezone.now()
    events = Paginator(selectors.family_events(actor=actor, now=now), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    evenings = list(selectors.family_evenings(actor=actor, today=timezone.localdate())[:10])
    children = selectors.children_of(actor)
    rows = [(evening, selectors.children_at(evening, children)) for evening in evenings]
    return render(request, "portal/events/family.html", {"page": events, "evenings": rows})


@family_only
def family_event(request: HttpRequest, event_id: int) -> HttpResponse:
    actor = actor_of(request)
    event = selectors.family_event_get(actor=actor, event_id=event_id)
    current = selectors.reply_of(actor=actor, event=event)
    initial = {"reply": current.reply, "people": current.people or 1} if current else {}
    form = forms.ReplyForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            done, status = attempt_form(
                form,
                services.rsvp_reply,
                actor=actor,
                event_id=event.pk,
                reply=data["reply"],
                people=data["people"] or 1,
            )
            if done is not None:
                flash.success(request, _("Thank you. Your reply was sent to the school."))
                return redirect("portal_events:family_event", event_id=event.pk)
    context = {"event": event, "form": form, "current": current, "summary": summary_of(form)}
    return render(request, "portal/events/event.html", context, status=status)


def _chosen_child(
    request: HttpRequest, evening: Evening, raw: str | None = None
) -> tuple[list[Any], Any]:
    actor = actor_of(request)
    children = selectors.children_at(evening, selectors.children_of(actor))
    if not children:
        raise NotFound
    if raw is None:
        raw = request.GET.get("child", request.POST.get("child", ""))
    chosen = next((child for child in children if str(child.pk) == raw), children[0])
    return children, chosen


@family_only
def family_evening(
    request: HttpRequest,
    evening_id: int,
    problem: str = "",
    status: int = 200,
    child_id: str | None = None,
) -> HttpResponse:
    actor = actor_of(request)
    evening = selectors.family_evening_get(actor=actor, evening_id=evening_id)
    children, child = _chosen_child(request, evening, child_id)
    now = timezone.now()
    teachers = selectors.teachers_of_child(evening, child)
    free = selectors.free_slots(
        evening=evening, teacher_ids=[teacher.pk for teacher in teachers], now=now
    )
    appointments = selectors.child_appointments(evening=evening, pupil=child, now=now)
    by_teacher: dict[int, list[Appointment]] = {}
    for appointment in appointments:
        appointment.mine = appointment.guardian_id == actor.guardian_id or any(  # type: ignore[attr-defined]
            joined.guardian_id == actor.guardian_id for joined in appointment.joined.all()
        )
        by_teacher.setdefault(appointment.staff_id, []).append(appointment)
    rows = [
        {
            "teacher": teacher,
            "slots": free.get(teacher.pk, []),
            "appointments": by_teacher.get(teacher.staff_id, []),
            "booked_by_me": any(
                a.mine and a.status == AppointmentStatus.BOOKED  # type: ignore[attr-defined]
                for a in by_teacher.get(teacher.staff_id, [])
            ),
        }
        for teacher in teachers
    ]
    context = {
        "evening": evening,
        "children": children,
        "child": child,
        "rows": rows,
        "is_open": evening.opens_at <= now,
        "closes": selectors.first_close(evening),
        "problem": problem,
    }
    return render(request, "portal/events/evening.html", context, status=status)


@require_POST
@family_only
def hold(request: HttpRequest, evening_id: int) -> HttpResponse:
    actor = actor_of(request)
    evening = selectors.family_evening_get(actor=actor, evening_id=evening_id)
    _children, child = _chosen_child(request, evening)
    # A posted child must be one of this parent's (never silently another of theirs).
    if str(child.pk) != request.POST.get("child", str(child.pk)):
        raise NotFound
    raw = request.POST.get("slot", "")
    if not raw.isdigit():
        raise NotFound
    try:
        appointment = services.appointment_hold(
            actor=actor,
            slot_id=int(raw),
            pupil_id=child.pk,
            once=form_token_for(request.POST, raw, child.pk),
        )
    except AlreadyDone as repeat:
        return already_done(
            request, repeat, fallback=reverse("portal_events:family_evening", args=[evening.pk])
        )
    except Invalid as problem:
        return family_evening(
            request,
            evening_id=evening.pk,
            problem=problem.message,
            status=409,
            child_id=str(child.pk),
        )
    return redirect("portal_events:appointment", appointment_id=appointment.pk)


@family_only
def appointment(request: HttpRequest, appointment_id: int) -> HttpResponse:
    actor = actor_of(request)
    found = selectors.appointment_get(actor=actor, appointment_id=appointment_id, family=True)
    now = timezone.now()
    attending = selectors.is_attending(actor, found)
    if found.status == AppointmentStatus.HELD and found.guardian_id != actor.guardian_id:
        raise NotFound
    teacher: EveningTeacher = found.slot.teacher
    initial = {
        "mode": found.mode,
        "interpreter": bool(found.interpreter_language),
        "language": found.interpreter_language,
    }
    form = forms.ConfirmForm(
        request.POST if request.method == "POST" else None, modes=teacher.modes, initial=initial
    )
    status = 200
    held = (
        found.status == AppointmentStatus.HELD
        and found.held_until is not None
        and found.held_until > now
    )
    closes = selectors.closes_at(found.evening, found.slot.starts_at)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            service = (
                services.appointment_confirm
                if found.status == AppointmentStatus.HELD
                else services.appointment_change
            )
            try:
                done, status = attempt_form(
                    form,
                    service,
                    actor=actor,
                    appointment_id=found.pk,
                    mode=form.cleaned_data["mode"],
                    interpreter_language=form.interpreter_language(),
                )
            except AlreadyDone as repeat:
                return already_done(request, repeat, fallback=request.path)
            if done is not None:
                flash.success(
                    request,
                    _("Your appointment is booked.")
                    if held
                    else _("Your appointment was changed."),
                )
                return redirect("portal_events:appointment", appointment_id=found.pk)
    context = {
        "appointment": found,
        "teacher": teacher,
        "form": form,
        "summary": summary_of(form),
        "held": held,
        "attending": attending,
        "is_booker": found.guardian_id == actor.guardian_id,
        "may_change": found.status == AppointmentStatus.BOOKED and attending and now < closes,
        "may_join": found.status == AppointmentStatus.BOOKED and not attending and now < closes,
        "closes": closes,
        "video": found.mode == Mode.VIDEO
        and found.status == AppointmentStatus.BOOKED
        and attending,
    }
    return render(request, "portal/events/appointment.html", context, status=status)


@require_POST
@family_only
def cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    actor = actor_of(request)
    found = selectors.appointment_get(actor=actor, appointment_id=appointment_id, family=True)
    try:
        services.appointment_cancel(actor=actor, appointment_id=found.pk)
    except Invalid as problem:
        flash.error(request, problem.message)
        return redirect("portal_events:appointment", appointment_id=found.pk)
    flash.success(request, _("Cancelled. The time is free for someone else."))
    return redirect(
        reverse("portal_events:family_evening", args=[found.evening_id])
        + f"?child={found.pupil_id}"
    )


@require_POST
@family_only
def join(request: HttpRequest, appointment_id: int) -> HttpResponse:
    actor = actor_of(request)
    found = selectors.appointment_get(actor=actor, appointment_id=appointment_id, family=True)
    try:
        services.appointment_join(actor=actor, appointment_id=found.pk)
    except AlreadyDone as repeat:
        flash.info(request, repeat.message)
    except Invalid as problem:
        flash.error(request, problem.message)
    else:
        flash.success(request, _("You have joined this appointment."))
    return redirect("portal_events:appointment", appointment_id=found.pk)


@signed_in
def calendar(request: HttpRequest) -> HttpResponse:
    """The private calendar address, for a parent or a member of staff, and the button that
    replaces it (the old address stops working)."""
    actor = actor_of(request)
    schools = sorted(actor.schools_where(EVENTS_OWN_SCHEDULE)) if actor.is_staff_member else []
    is_family = bool(selectors.children_of(actor))
    if not schools and not is_family:
        raise NotFound
    raw = request.POST.get("school", request.GET.get("school", ""))
    school_id = int(raw) if raw.isdigit() and int(raw) in schools else None
    if school_id is None and not is_family:
        school_id = schools[0]
    if request.method == "POST":
        services.feed_renew(actor=actor, school_id=school_id)
        flash.success(
            request, _("Your new calendar address is ready. The old one no longer works.")
        )
        suffix = f"?school={school_id}" if school_id is not None else ""
        return redirect(reverse("portal_events:calendar") + suffix)
    feed = selectors.feed_of(actor=actor, school_id=school_id)
    url = (
        request.build_absolute_uri(reverse("portal_events:feed", kwargs={"token": feed.token}))
        if feed
        else ""
    )
    context = {
        "url": url,
        "webcal": url.replace("https://", "webcal://").replace("http://", "webcal://"),
        "school_id": school_id,
    }
    return render(request, "portal/events/calendar.html", context)


def feed(request: HttpRequest, token: str) -> HttpResponse:
    found = selectors.feed_get(token=token)
    body = ics.feed_text(found, selectors.feed_events(found), selectors.feed_appointments(found))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="school-window.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- Staff -----------------------------------------------------------------------------------


@staff_only
def staff(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    manages = actor.can_anywhere(EVENTS_MANAGE)
    rows = selectors.staff_events(actor=actor)
    events = Paginator(rows if manages else rows.none(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    evenings = Paginator(selectors.staff_evenings(actor=actor), PAGE_SIZE).get_page(
        request.GET.get("epage")
    )
    return render(
        request,
        "portal/events/staff.html",
        {"events": events, "evenings": evenings, "manages": manages},
    )


def _school_of(request: HttpRequest) -> int:
    schools = sorted(actor_of(request).schools_where(EVENTS_MANAGE))
    raw = request.GET.get("school", "")
    return int(raw) if raw.isdigit() and int(raw) in schools else schools[0]


@managers_only
def staff_event_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school_id = _school_of(request)
    years = [
        (y.pk, y.name) for y in YearGroup.objects.filter(school_id=school_id).order_by("ordinal")
    ]
    groups = [
        (g.pk, g.name) for g in Group.objects.filter(school_id=school_id).order_by("name")[:500]
    ]
    form = forms.NewEventForm(
        request.POST if request.method == "POST" else None, years=years, groups=groups
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            starts_at, ends_at = form.times()
            try:
                made, status = attempt_form(
                    form,
                    services.event_create,
                    actor=actor,
                    school_id=school_id,
                    title=data["title"],
                    description=data["description"],
                    starts_at=starts_at,
                    ends_at=ends_at,
                    location=data["location"],
                    audience=data["audience"],
                    year_group_ids=[int(v) for v in data["year_groups"]],
                    group_ids=[int(v) for v in data["groups"]],
                    once=form_token(request.POST),
                )
            except AlreadyDone as repeat:
                return already_done(request, repeat, fallback=reverse("portal_events:staff"))
            if made is not None:
                flash.success(request, _("The event was added. Families can now reply."))
                return redirect("portal_events:staff_event", event_id=made.pk)
    context = {"form": form, "summary": summary_of(form), "school_id": school_id}
    return render(request, "portal/events/staff_event_new.html", context, status=status)


@managers_only
def staff_event(request: HttpRequest, event_id: int) -> HttpResponse:
    actor = actor_of(request)
    event = selectors.event_get(actor=actor, event_id=event_id, action=MANAGE)
    if request.method == "POST":
        try:
            if request.POST.get("do") == "remind":
                count = services.event_remind(actor=actor, event_id=event.pk)
                flash.success(request, _("Reminder sent to %(count)s families.") % {"count": count})
            elif request.POST.get("do") == "cancel":
                services.event_cancel(actor=actor, event_id=event.pk)
                flash.success(
                    request, _("The event was cancelled. Calendars will show it cancelled.")
                )
        except (Invalid, AlreadyDone) as problem:
            flash.info(request, str(problem))
        return redirect("portal_events:staff_event", event_id=event.pk)
    replies = selectors.event_replies(event=event)
    page = Paginator(replies, PAGE_SIZE).get_page(request.GET.get("page"))
    coming = sum(replies.filter(reply="yes").values_list("people", flat=True))
    context = {
        "event": event,
        "page": page,
        "coming": coming,
        "reminders_left": max(0, services.MAX_REMINDERS - event.reminders_sent),
    }
    return render(request, "portal/events/staff_event.html", context)


@managers_only
def staff_event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    actor = actor_of(request)
    event = selectors.event_get(actor=actor, event_id=event_id, action=MANAGE)
    local = timezone.localtime(event.starts_at)
    initial = {
        "title": event.title,
        "description": event.description,
        "day": local.date(),
        "starts": local.time(),
        "ends": timezone.localtime(event.ends_at).time(),
        "location": event.location,
    }
    form = forms.EventForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            starts_at, ends_at = form.times()
            done, status = attempt_form(
                form,
                services.event_update,
                actor=actor,
                event_id=event.pk,
                title=data["title"],
                description=data["description"],
                starts_at=starts_at,
                ends_at=ends_at,
                location=data["location"],
            )
            if done is not None:
                flash.success(request, _("Saved. Calendars will show the change."))
                return redirect("portal_events:staff_event", event_id=event.pk)
    context = {"form": form, "summary": summary_of(form), "event": event}
    return render(request, "portal/events/staff_event_edit.html", context, status=status)


@managers_only
def staff_evening_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school_id = _school_of(request)
    years = [
        (y.pk, y.name) for y in YearGroup.objects.filter(school_id=school_id).order_by("ordinal")
    ]
    people = [
        (s.pk, s.display_name)
        for s in Staff.objects.filter(school_id=school_id, active=True).order_by(
            "last_name", "first_name"
        )[:300]
    ]
    form = forms.EveningForm(
        request.POST if request.method == "POST" else None, years=years, staff=people
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                made, status = attempt_form(
                    form,
                    services.evening_create,
                    actor=actor,
                    school_id=school_id,
                    title=data["title"],
                    date=data["date"],
                    starts=data["starts"],
                    ends=data["ends"],
                    slot_minutes=data["slot_minutes"],
                    opens_at=forms.at(data["opens_day"], data["opens_time"]),
                    close_minutes=data["close_hours"] * 60,
                    staff_ids=[int(v) for v in data["staff"]],
                    year_group_ids=[int(v) for v in data["year_groups"]],
                    modes=data["modes"],
                    video_url=data["video_url"],
                    location=data["location"],
                    once=form_token(request.POST),
                )
            except AlreadyDone as repeat:
                return already_done(request, repeat, fallback=reverse("portal_events:staff"))
            if made is not None:
                flash.success(
                    request, _("The parents' evening is set up with its appointment times.")
                )
                return redirect("portal_events:staff_evening", evening_id=made.pk)
    context = {"form": form, "summary": summary_of(form), "school_id": school_id}
    return render(request, "portal/events/staff_evening_new.html", context, status=status)


@staff_only
def staff_evening(request: HttpRequest, evening_id: int) -> HttpResponse:
    actor = actor_of(request)
    evening = selectors.evening_get(actor=actor, evening_id=evening_id)
    manages = policy_for(Evening).may(actor, MANAGE, evening)
    teachers = (
        list(
            EveningTeacher.objects.filter(evening=evening)
            .select_related("staff")
            .order_by("staff__last_name", "pk")
        )
        if manages
        else []
    )
    booked = evening.appointments.filter(status=AppointmentStatus.BOOKED).count()
    context = {
        "evening": evening,
        "manages": manages,
        "teachers": [
            (
                teacher,
                forms.TeacherForm(
                    initial={
                        "in_person": teacher.in_person,
                        "phone": teacher.phone,
                        "video": teacher.video,
                        "video_url": teacher.video_url,
                        "room": teacher.room,
                    },
                    prefix=f"t{teacher.pk}",
                ),
            )
            for teacher in teachers
        ],
        "booked": booked,
        "closed": timezone.now() >= selectors.evening_closes(evening),
    }
    return render(request, "portal/events/staff_evening.html", context)


@require_POST
@managers_only
def teacher(request: HttpRequest, teacher_id: int) -> HttpResponse:
    actor = actor_of(request)
    form = forms.TeacherForm(request.POST, prefix=f"t{teacher_id}")
    found = EveningTeacher.objects.filter(pk=teacher_id).first()
    if found is None:
        raise NotFound
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.evening_teacher_update(
                actor=actor,
                teacher_id=teacher_id,
                in_person=data["in_person"],
                phone=data["phone"],
                video=data["video"],
                video_url=data["video_url"],
                room=data["room"],
            )
            flash.success(request, _("Saved."))
        except Invalid as problem:
            flash.error(request, problem.message)
    else:
        flash.error(request, _("Check the video link: it should start https://"))
    return redirect("portal_events:staff_evening", evening_id=found.evening_id)


@staff_only
def schedule(request: HttpRequest, evening_id: int) -> HttpResponse:
    """A teacher's own evening, printable and readable on a phone; leaders may look at anyone's."""
    actor = actor_of(request)
    evening = selectors.evening_get(actor=actor, evening_id=evening_id)
    manages = policy_for(Evening).may(actor, MANAGE, evening)
    staff_id = actor.staff_ids.get(evening.school_id)
    raw = request.GET.get("staff", "")
    if raw.isdigit() and manages:
        staff_id = int(raw)
    if staff_id is None:
        raise NotFound
    member = Staff.objects.filter(pk=staff_id, school_id=evening.school_id).first()
    if member is None:
        raise NotFound
    rows = selectors.schedule(evening=evening, staff_id=staff_id)
    return render(
        request, "portal/events/schedule.html", {"evening": evening, "member": member, "rows": rows}
    )


@managers_only
def unbooked(request: HttpRequest, evening_id: int) -> HttpResponse:
    actor = actor_of(request)
    evening = selectors.evening_get(actor=actor, evening_id=evening_id, action=MANAGE)
    closed = timezone.now() >= selectors.evening_closes(evening) or request.GET.get("now") == "1"
    rows = selectors.unbooked_families(actor=actor, evening=evening)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "portal/events/unbooked.html", {"evening": evening, "page": page, "closed": closed}
    )

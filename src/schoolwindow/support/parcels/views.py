"""Parcel pages: parse, call the selector or service, render.

Staff who handle parcels see every page; other staff are refused (403); families and pupils are
told there is nothing here (404), as the requests are none of theirs. The driver's page has no
log-in: its signed link is the key (links.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
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
from schoolwindow.core.errors import Invalid, NotFound, attempt, attempt_form
from schoolwindow.core.once import AlreadyDone, already_done, form_token, form_token_for
from schoolwindow.core.policy import policy_for
from schoolwindow.core.requests import actor_of
from schoolwindow.people.models import Pupil, PupilStatus
from schoolwindow.people.selectors import pupil_name_query
from schoolwindow.support.parcels import selectors, services
from schoolwindow.support.parcels.forms import (
    CancelForm,
    ConfirmForm,
    PackingListEditForm,
    PackingListForm,
    RequestForm,
    RoundForm,
)
from schoolwindow.support.parcels.links import (
    LinkBroken,
    LinkExpired,
    driver_url,
    round_of_token,
)
from schoolwindow.support.parcels.models import ParcelStatus

PAGE_SIZE = 50
View = Callable[..., HttpResponse]


def parcel_staff(view: View) -> View:
    """Staff who handle parcels; other staff 403; anyone else 404 (nothing of theirs here)."""

    @signed_in
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = actor_of(request)
        if not actor.is_staff_member:
            raise NotFound
        if not selectors.may_manage(actor):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def statuses() -> list[tuple[str, str]]:
    return [
        (selectors.OPEN, _("Still to do")),
        *((value, str(label)) for value, label in ParcelStatus.choices),
        (selectors.ALL, _("All")),
    ]


@parcel_staff
def requests(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    status = request.GET.get("status", selectors.OPEN)
    if status not in dict(statuses()):
        status = selectors.OPEN
    query = request.GET.get("q", "").strip()[:80]
    rows = selectors.requests_list(actor=actor, status=status, query=query)
    context = {
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "status": status,
        "statuses": statuses(),
        "query": query,
    }
    return render(request, "support/parcels/requests.html", context)


@parcel_staff
def request_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    pupil_q = request.GET.get("pupil_q", "").strip()[:80]
    chosen_id = request.POST.get("pupil") or request.GET.get("pupil") or ""
    # Asked for from a flag (the watchlist's "what was done"): the parcel answers it.
    flag_raw = request.POST.get("flag") or request.GET.get("flag") or ""
    flag_id = int(flag_raw) if flag_raw.isdigit() else None
    pupils = policy_for(Pupil).visible(actor).filter(status=PupilStatus.ACTIVE)
    chosen = (
        pupils.select_related("household").filter(pk=int(chosen_id)).first()
        if chosen_id.isdigit()
        else None
    )
    siblings = (
        list(
            pupils.filter(school_id=chosen.school_id, household_id=chosen.household_id)
            .exclude(pk=chosen.pk)
            .distinct()
        )
        if chosen is not None and chosen.household_id is not None
        else []
    )
    form = RequestForm(request.POST if request.method == "POST" else None)
    lists = list(selectors.packing_lists(actor=actor))
    if chosen is not None:
        lists = [packing for packing in lists if packing.school_id == chosen.school_id]
    packing_field = form.fields["packing_list"]
    assert isinstance(packing_field, forms.TypedChoiceField)
    packing_field.choices = [("", _("No list")), *((p.pk, p.name) for p in lists)]
    status = 200
    if request.method == "POST" and chosen is not None:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            also = [int(v) for v in request.POST.getlist("also") if v.isdigit()]
            also = [pid for pid in also if pid in {s.pk for s in siblings}]
            try:
                made, status = attempt_form(
                    form,
                    services.parcel_request,
                    actor=actor,
                    pupil_ids=[chosen.pk, *also],
                    kind=data["kind"],
                    reason=data["reason"],
                    packing_list_id=data["packing_list"],
                    extra_items=data["extra_items"],
                    dietary_notes=data["dietary_notes"],
                    delivery_notes=data["delivery_notes"],
                    flag_id=flag_id,
                    once=form_token(request.POST),
                )
            except AlreadyDone as repeat:
                return already_done(request, repeat, fallback=reverse("parcels:requests"))
            if made is not None:
                flash.success(request, _("The parcel is asked for. It is waiting to be packed."))
                return redirect("parcels:request", request_id=made.pk)
    found = (
        list(pupils.filter(pupil_name_query(pupil_q)).select_related("year_group").distinct()[:10])
        if pupil_q and chosen is None
        else []
    )
    context = {
        "form": form,
        "chosen": chosen,
        "siblings": siblings,
        "also": request.POST.getlist("also"),
        "pupil_q": pupil_q,
        "found": found,
        "flag_id": flag_id,
    }
    return render(request, "support/parcels/request_new.html", context, status=status)


def request_page(
    request: HttpRequest, request_id: int, status: int = 200, **forms_: Any
) -> HttpResponse:
    actor = actor_of(request)
    req = selectors.request_get(actor=actor, request_id=request_id)
    door = selectors.doors([req])[req.pk]
    context = {
        "req": req,
        "door": door,
        "pupils": [link.pupil for link in req.pupils.all()],
        "items": list(req.items.all()),
        "confirm_form": forms_.get("confirm_form") or ConfirmForm(),
        "cancel_form": forms_.get("cancel_form") or CancelForm(),
        "may_confirm": req.status
        in (ParcelStatus.OUT, ParcelStatus.DELIVERED, ParcelStatus.NOT_DELIVERED),
        "may_cancel": req.status not in (ParcelStatus.DELIVERED, ParcelStatus.CANCELLED),
    }
    return render(request, "support/parcels/request.html", context, status=status)


@parcel_staff
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return request_page(request, request_id)


@parcel_staff
def pack(request: HttpRequest, request_id: int) -> HttpResponse:
    actor = actor_of(request)
    req = selectors.request_get(actor=actor, request_id=request_id)
    problem = ""
    items = list(req.items.all())
    ticked = {item.pk for item in items if item.packed}
    if request.method == "POST":
        ticked = {int(v) for v in request.POST.getlist("item") if v.isdigit()}
        finished = request.POST.get("finished") == "1"
        try:
            services.parcel_pack(
                actor=actor, request_id=req.pk, packed_item_ids=ticked, finished=finished
            )
        except Invalid as refused:
            # Nothing was saved; the page keeps the ticks as they were sent, so none is lost.
            problem = refused.message
        else:
            if finished:
                flash.success(request, _("Packed. It is ready for a delivery round."))
                return redirect("parcels:request", request_id=req.pk)
            flash.success(request, _("Saved what is packed so far."))
            return redirect("parcels:pack", request_id=req.pk)
    context = {
        "req": req,
        "items": items,
        "ticked": ticked,
        "pupils": [link.pupil for link in req.pupils.all()],
        "problem": problem,
    }
    return render(request, "support/parcels/pack.html", context, status=400 if problem else 200)


@parcel_staff
@require_POST
def confirm(request: HttpRequest, request_id: int) -> HttpResponse:
    actor = actor_of(request)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return request_page(request, request_id, status=400, confirm_form=form)
    result, status = attempt_form(
        form,
        services.parcel_confirm,
        actor=actor,
        request_id=request_id,
        delivered=form.cleaned_data["outcome"] == "delivered",
        note=form.cleaned_data["note"],
    )
    if result is None:
        return request_page(request, request_id, status=status, confirm_form=form)
    flash.success(request, _("Thank you. What happened is recorded."))
    return redirect("parcels:request", request_id=request_id)


@parcel_staff
@require_POST
def cancel(request: HttpRequest, request_id: int) -> HttpResponse:
    actor = actor_of(request)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return request_page(request, request_id, status=400, cancel_form=form)
    if attempt(
        request,
        services.parcel_cancel,
        actor=actor,
        request_id=request_id,
        reason=form.cleaned_data["reason"],
    ):
        flash.success(request, _("The parcel is cancelled."))
    return redirect("parcels:request", request_id=request_id)


@parcel_staff
def packing_lists(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school_ids = selectors.schools_managed(actor)
    form = PackingListForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and school_ids:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                made, status = attempt_form(
                    form,
                    services.packing_list_create,
                    actor=actor,
                    school_id=school_ids[0],
                    name=data["name"],
                    kind=data["kind"],
                    items=data["items"],
                    once=form_token(request.POST),
                )
            except AlreadyDone as repeat:
                return already_done(request, repeat, fallback=reverse("parcels:lists"))
            if made is not None:
                flash.success(request, _("The packing list is saved."))
                return redirect("parcels:lists")
    lists = list(selectors.packing_lists(actor=actor, active_only=False)[:100])
    context = {"lists": lists, "form": form, "may_add": bool(school_ids)}
    return render(request, "support/parcels/lists.html", context, status=status)


@parcel_staff
def packing_list_edit(request: HttpRequest, list_id: int) -> HttpResponse:
    actor = actor_of(request)
    packing = selectors.packing_list_get(actor=actor, list_id=list_id)
    initial = {
        "name": packing.name,
        "items": services.items_text(packing.items),
        "active": packing.active,
    }
    form = PackingListEditForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            saved, status = attempt_form(
                form,
                services.packing_list_update,
                actor=actor,
                list_id=packing.pk,
                name=data["name"],
                items=data["items"],
                active=data["active"],
            )
            if saved is not None:
                flash.success(request, _("The packing list is saved."))
                return redirect("parcels:lists")
    context = {"packing": packing, "form": form}
    return render(request, "support/parcels/list_edit.html", context, status=status)


@parcel_staff
def rounds(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rows = selectors.rounds_list(actor=actor)
    context = {
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "today": timezone.localdate(),
    }
    return render(request, "support/parcels/rounds.html", context)


@parcel_staff
def round_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    school_ids = selectors.schools_managed(actor)
    if not school_ids:
        raise PermissionDenied
    school_id = school_ids[0]
    contacts = list(selectors.staff_contacts(school_id=school_id))
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        initial={"day": timezone.localdate(), "staff": actor.staff_ids[school_id]},
    )
    staff_field = form.fields["staff"]
    assert isinstance(staff_field, forms.TypedChoiceField)
    staff_field.choices = [(s.pk, s.display_name) for s in contacts]
    chosen = {int(v) for v in request.POST.getlist("parcel") if v.isdigit()}
    problem = ""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                made, status = attempt_form(
                    form,
                    services.round_plan,
                    actor=actor,
                    school_id=school_id,
                    day=data["day"],
                    driver_name=data["driver_name"],
                    driver_phone=data["driver_phone"],
                    staff_contact_id=data["staff"],
                    request_ids=chosen,
                    once=form_token(request.POST),
                )
            except AlreadyDone as repeat:
                return already_done(request, repeat, fallback=reverse("parcels:rounds"))
            if made is not None:
                flash.success(request, _("The round is planned. Print the sheet or send the link."))
                return redirect("parcels:round", round_id=made.pk)
            problem = str(next(iter(form.non_field_errors()), ""))
    waiting = selectors.packed_waiting(actor=actor, school_id=school_id)
    context = {"form": form, "waiting": waiting, "chosen": chosen, "problem": problem}
    return render(request, "support/parcels/round_new.html", context, status=status)


@parcel_staff
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    actor = actor_of(request)
    delivery_round = selectors.round_get(actor=actor, round_id=round_id)
    context = {
        "round": delivery_round,
        "stops": selectors.round_stops(delivery_round),
        "driver_url": driver_url(delivery_round),
    }
    return render(request, "support/parcels/round.html", context)


@parcel_staff
@require_POST
def round_link(request: HttpRequest, round_id: int) -> HttpResponse:
    services.round_new_link(actor=actor_of(request), round_id=round_id)
    flash.success(request, _("A new link is made. The old one no longer works."))
    return redirect("parcels:round", round_id=round_id)


@parcel_staff
def round_sheet(request: HttpRequest, round_id: int) -> HttpResponse:
    """The driver's sheet: one round on A4, only what a driver needs at each door."""
    actor = actor_of(request)
    delivery_round = selectors.round_get(actor=actor, round_id=round_id)
    context = {
        "round": delivery_round,
        "stops": selectors.round_stops(delivery_round),
        "driver_url": driver_url(delivery_round),
    }
    return render(request, "support/parcels/sheet.html", context)


# The driver's page: no log-in, the signed link is the key.


def driver_page(request: HttpRequest, token: str, problem: str = "") -> HttpResponse:
    try:
        delivery_round = round_of_token(token)
    except LinkExpired:
        return render(request, "support/parcels/driver_closed.html", {"expired": True}, status=410)
    except LinkBroken:
        return render(request, "support/parcels/driver_closed.html", {"expired": False}, status=404)
    context = {
        "round": delivery_round,
        "stops": selectors.round_stops(delivery_round),
        "token": token,
        "problem": problem,
    }
    return render(request, "support/parcels/driver.html", context, status=400 if problem else 200)


def driver(request: HttpRequest, token: str) -> HttpResponse:
    return driver_page(request, token)


@require_POST
def driver_stop(request: HttpRequest, token: str, request_id: int) -> HttpResponse:
    try:
        delivery_round = round_of_token(token)
    except (LinkExpired, LinkBroken):
        return driver_page(request, token)
    outcome = request.POST.get("outcome", "")
    if outcome not in ("delivered", "nobody_in"):
        return driver_page(request, token, _('Tap "Delivered" or "Nobody in".'))
    back = reverse("parcels:driver", args=[token])
    try:
        _req, changed = services.driver_confirm(
            delivery_round=delivery_round,
            request_id=request_id,
            delivered=outcome == "delivered",
            note=request.POST.get("note", "")[:300],
            once=form_token_for(request.POST, request_id, outcome),
        )
    except AlreadyDone as repeat:
        return already_done(request, repeat, fallback=back)
    except Invalid as refused:
        return driver_page(request, token, refused.message)
    if changed:
        flash.success(request, _("Thank you. Stop saved."))
    return redirect(f"{back}#stop-{request_id}")

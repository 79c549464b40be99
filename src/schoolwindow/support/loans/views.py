"""The loans pages: parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from schoolwindow.core.access import actor_passes, signed_in
from schoolwindow.core.errors import NotFound, attempt_form, attempt_quietly
from schoolwindow.core.once import AlreadyDone, already_done, form_token
from schoolwindow.core.policy import policy_for
from schoolwindow.core.requests import actor_of
from schoolwindow.people.models import Pupil
from schoolwindow.people.selectors import pupil_name_query
from schoolwindow.support.loans import csvio, selectors, services
from schoolwindow.support.loans.agreements import agreement_for, default_agreement
from schoolwindow.support.loans.forms import (
    AcceptForm,
    AgreementForm,
    ChargeForm,
    InventoryImportForm,
    ItemEditForm,
    ItemForm,
    LendForm,
    PaperForm,
    PhotoForm,
    ReturnForm,
    StatusForm,
)
from schoolwindow.support.loans.labels import labels_pdf
from schoolwindow.support.loans.models import Item, ItemPhoto, ItemStatus, Kind
from schoolwindow.support.loans.selectors import LoanState

may_lend = actor_passes(selectors.may_manage_loans)
may_import = actor_passes(selectors.may_import_inventory)
guardians_only = actor_passes(lambda actor: actor.is_guardian)

NOT_TOLD = gettext_lazy("Taken back. No one in the family can be contacted, so they were not told.")
PAGE_SIZE = 50
HISTORY_PAGE = 25
DEFAULT_LOAN_DAYS = 56


def page_of(request: HttpRequest, rows: Any, size: int = PAGE_SIZE) -> Any:
    return Paginator(rows, size).get_page(request.GET.get("page"))


@may_lend
def inventory(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    query = request.GET.get("q", "").strip()[:80]
    if query:
        exact = selectors.item_by_tag(actor=actor, query=query)
        if exact is not None:
            return redirect("loans:item_detail", item_id=exact.pk)
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    items = selectors.inventory_list(actor=actor, query=query, kind=kind, status=status)
    return render(
        request,
        "support/loans/inventory.html",
        {
            "page": page_of(request, items),
            "stock": selectors.stock_levels(actor=actor),
            "query": query,
            "kind": kind,
            "status": status,
            "kinds": Kind.choices,
            "statuses": ItemStatus.choices,
            "for_pupil": request.GET.get("for", ""),
            "may_import": selectors.may_import_inventory(actor),
        },
    )


@may_lend
def item_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = ItemForm(request.POST or None, schools=selectors.loan_schools(actor))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item, status = attempt_form(
                form,
                services.item_create,
                actor=actor,
                school_id=form.school_id(),
                asset_tag=data["asset_tag"],
                kind=data["kind"],
                model_name=data["model_name"],
                serial=data["serial"],
                condition=data["condition"],
                data_plan=data["data_plan"],
                expires_on=data["expires_on"],
                notes=data["notes"],
                once=form_token(request.POST),
            )
        except AlreadyDone as done:
            return already_done(request, done, fallback=reverse("loans:inventory"))
        if item is not None:
            messages.success(request, _("%(tag)s was added.") % {"tag": item.asset_tag})
            return redirect("loans:item_detail", item_id=item.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "support/loans/item_new.html", {"form": form}, status=status)


@may_lend
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.item_get(actor=actor, item_id=item_id)
    return render(request, "support/loans/item_detail.html", item_context(request, item))


def item_context(request: HttpRequest, item: Item, **extra: Any) -> dict[str, Any]:
    open_loans = getattr(item, "open_loans", [])
    return {
        "item": item,
        "open_loan": open_loans[0] if open_loans else None,
        "photos": list(item.photos.all()[:12]),
        "history": page_of(request, selectors.item_history(item=item), HISTORY_PAGE),
        "status_form": extra.pop("status_form", StatusForm(initial={"status": item.status})),
        "photo_form": extra.pop("photo_form", PhotoForm()),
        "label_url": reverse("loans:labels") + f"?ids={item.pk}",
        **extra,
    }


@may_lend
def item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.item_get(actor=actor, item_id=item_id)
    form = ItemEditForm(
        request.POST or None,
        initial={
            "model_name": item.model_name,
            "serial": item.serial,
            "condition": item.condition,
            "data_plan": item.data_plan,
            "expires_on": item.expires_on,
            "notes": item.notes,
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            saved, status = attempt_form(
                form, services.item_update, actor=actor, item_id=item.pk, **form.cleaned_data
            )
            if saved is not None:
                messages.success(request, _("The details were saved."))
                return redirect("loans:item_detail", item_id=item.pk)
    return render(
        request, "support/loans/item_edit.html", {"item": item, "form": form}, status=status
    )


@may_lend
@require_POST
def item_status(request: HttpRequest, item_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.item_get(actor=actor, item_id=item_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        _done, status = attempt_form(
            form,
            services.item_status_set,
            actor=actor,
            item_id=item.pk,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
        if status == 200:
            messages.success(request, _("The status was changed."))
            return redirect("loans:item_detail", item_id=item.pk)
    item = selectors.item_get(actor=actor, item_id=item_id)
    return render(
        request,
        "support/loans/item_detail.html",
        item_context(request, item, status_form=form),
        status=400,
    )


@may_lend
@require_POST
def item_photo(request: HttpRequest, item_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.item_get(actor=actor, item_id=item_id)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        _done, status = attempt_form(
            form,
            services.item_photo_add,
            actor=actor,
            item_id=item.pk,
            upload=form.cleaned_data["photo"],
        )
        if status == 200:
            messages.success(request, _("The photo was added."))
            return redirect("loans:item_detail", item_id=item.pk)
    return render(
        request,
        "support/loans/item_detail.html",
        item_context(request, item, photo_form=form),
        status=400,
    )


@may_lend
def item_lend(request: HttpRequest, item_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.item_get(actor=actor, item_id=item_id)
    pupil_q = request.GET.get("pupil_q", "").strip()[:80]
    chosen_id = request.POST.get("pupil") or request.GET.get("pupil") or ""
    form = LendForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "due_on": timezone.localdate() + dt.timedelta(days=DEFAULT_LOAN_DAYS),
            "pupil": chosen_id,
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                loan, status = attempt_form(
                    form,
                    services.loan_create,
                    actor=actor,
                    item_id=item.pk,
                    pupil_id=data["pupil"],
                    due_on=data["due_on"],
                    condition=data["condition"],
                    notes=data["notes"],
                    photo=data["photo"],
                    once=form_token(request.POST),
                )
            except AlreadyDone as done:
                return already_done(request, done, fallback=reverse("loans:loans"))
            if loan is not None:
                messages.success(
                    request,
                    _("%(tag)s was lent to %(name)s.")
                    % {"tag": item.asset_tag, "name": loan.pupil.display_name},
                )
                return redirect("loans:loan_detail", loan_id=loan.pk)
    pupils = policy_for(Pupil).visible(actor).filter(school_id=item.school_id)
    chosen = pupils.filter(pk=int(chosen_id)).first() if chosen_id.isdigit() else None
    found = (
        list(pupils.filter(pupil_name_query(pupil_q)).select_related("year_group").distinct()[:10])
        if pupil_q
        else []
    )
    return render(
        request,
        "support/loans/item_lend.html",
        {
            "item": item,
            "form": form,
            "pupil_q": pupil_q,
            "found": found,
            "chosen": chosen,
            "open_loan": (getattr(item, "open_loans", []) or [None])[0],
        },
        status=status,
    )


@may_lend
def loans(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    state = request.GET.get("state", LoanState.OPEN)
    states = [
        (LoanState.OPEN, _("Out now")),
        (LoanState.OVERDUE, _("Overdue")),
        (LoanState.WAITING, _("Agreement waiting")),
        (LoanState.RETURNED, _("Returned")),
        (LoanState.DAMAGED, _("Returned damaged")),
        (LoanState.ALL, _("All")),
    ]
    if state not in dict(states):
        state = LoanState.OPEN
    query = request.GET.get("q", "").strip()[:80]
    rows = selectors.loans_list(actor=actor, state=state, query=query)
    return render(
        request,
        "support/loans/loans.html",
        {
            "page": page_of(request, rows),
            "state": state,
            "states": states,
            "query": query,
            "today": timezone.localdate(),
        },
    )


def loan_page(request: HttpRequest, loan_id: int, status: int = 200, **forms: Any) -> HttpResponse:
    actor = actor_of(request)
    loan = selectors.loan_get(actor=actor, loan_id=loan_id)
    if not selectors.may_manage_loans(actor) or loan.school_id not in actor.staff_ids:
        raise NotFound
    return render(
        request,
        "support/loans/loan_detail.html",
        {
            "loan": loan,
            "photos": list(loan.photos.all()),
            "today": timezone.localdate(),
            "return_form": forms.get("return_form") or ReturnForm(),
            "paper_form": forms.get("paper_form")
            or PaperForm(initial={"signed_on": timezone.localdate()}),
            "charge_form": forms.get("charge_form") or ChargeForm(),
            "disadvantaged": services.pupil_is_disadvantaged(loan.pupil),
            "reminder_gap": services.REMINDER_GAP_DAYS,
            "problem": forms.get("problem", ""),
        },
        status=status,
    )


@may_lend
def loan_detail(request: HttpRequest, loan_id: int) -> HttpResponse:
    return loan_page(request, loan_id)


@may_lend
@require_POST
def loan_return(request: HttpRequest, loan_id: int) -> HttpResponse:
    actor = actor_of(request)
    form = ReturnForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            loan, status = attempt_form(
                form,
                services.loan_return,
                actor=actor,
                loan_id=loan_id,
                condition=data["condition"],
                notes=data["notes"],
                photos=[upload for upload in (data["photo"], data["photo_2"]) if upload],
            )
        except AlreadyDone as done:
            return already_done(
                request, done, fallback=reverse("loans:loan_detail", kwargs={"loan_id": loan_id})
            )
        if loan is not None:
            if loan.condition_in in ("damaged", "broken"):
                if loan.damage_conversation_id:
                    messages.success(
                        request,
                        _("Taken back. The family has been told about the damage and can reply."),
                    )
                else:
                    messages.warning(
                        request,
                        NOT_TOLD,
                    )
            else:
                messages.success(request, _("Taken back."))
            return redirect("loans:loan_detail", loan_id=loan_id)
        return loan_page(request, loan_id, status=status, return_form=form)
    return loan_page(request, loan_id, status=400, return_form=form)


@may_lend
@require_POST
def loan_paper(request: HttpRequest, loan_id: int) -> HttpResponse:
    actor = actor_of(request)
    form = PaperForm(request.POST)
    if form.is_valid():
        try:
            done, status = attempt_form(
                form,
                services.loan_agreement_paper,
                actor=actor,
                loan_id=loan_id,
                signed_on=form.cleaned_data["signed_on"],
            )
        except AlreadyDone as repeat:
            messages.info(request, repeat.message)
            return redirect("loans:loan_detail", loan_id=loan_id)
        if done is not None:
            messages.success(request, _("The paper agreement was recorded."))
            return redirect("loans:loan_detail", loan_id=loan_id)
        return loan_page(request, loan_id, status=status, paper_form=form)
    return loan_page(request, loan_id, status=400, paper_form=form)


@may_lend
@require_POST
def loan_remind(request: HttpRequest, loan_id: int) -> HttpResponse:
    actor = actor_of(request)
    selectors.loan_get(actor=actor, loan_id=loan_id)
    done, problem = attempt_quietly(services.loan_agreement_remind, actor=actor, loan_id=loan_id)
    if done is None:
        return loan_page(request, loan_id, status=400, problem=problem)
    messages.success(request, _("A reminder is on its way to the family."))
    return redirect("loans:loan_detail", loan_id=loan_id)


@may_lend
@require_POST
def loan_charge(request: HttpRequest, loan_id: int) -> HttpResponse:
    actor = actor_of(request)
    form = ChargeForm(request.POST)
    if form.is_valid():
        done, status = attempt_form(
            form,
            services.loan_charge_set,
            actor=actor,
            loan_id=loan_id,
            pence=int(form.cleaned_data["amount"] * 100),
            override_reason=form.cleaned_data["override_reason"],
        )
        if done is not None:
            messages.success(request, _("The charge was recorded."))
            return redirect("loans:loan_detail", loan_id=loan_id)
        return loan_page(request, loan_id, status=status, charge_form=form)
    return loan_page(request, loan_id, status=400, charge_form=form)


@may_lend
def pupil_loans(request: HttpRequest, pupil_id: int) -> HttpResponse:
    actor = actor_of(request)
    pupil, rows = selectors.pupil_loan_history(actor=actor, pupil_id=pupil_id)
    return render(
        request,
        "support/loans/pupil_loans.html",
        {"pupil": pupil, "page": page_of(request, rows, HISTORY_PAGE)},
    )


@may_lend
def labels(request: HttpRequest) -> HttpResponse:
    """A sheet of QR labels: the items named (`ids`), else those the inventory filter shows."""
    actor = actor_of(request)
    ids = [int(part) for part in request.GET.get("ids", "").split(",") if part.strip().isdigit()]
    if ids:
        items = list(policy_for(Item).visible(actor).filter(pk__in=ids[:300]).order_by("asset_tag"))
    else:
        items = list(
            selectors.inventory_list(
                actor=actor,
                query=request.GET.get("q", "")[:80],
                kind=request.GET.get("kind", ""),
                status=request.GET.get("status", ""),
            )[:300]
        )
    if not items:
        raise NotFound
    schools = {school.pk: school.name for school in selectors.loan_schools(actor)}
    pdf = labels_pdf(items, school_name=schools.get(items[0].school_id, ""))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="loan-labels.pdf"'
    return response


@may_import
def inventory_import(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = InventoryImportForm(
        request.POST or None, request.FILES or None, schools=selectors.import_schools(actor)
    )
    result = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = csvio.inventory_import(
                    actor=actor,
                    school_id=form.school_id(),
                    stream=upload,
                    file_name=(upload.name or "upload.csv")[:120],
                    dry_run=form.cleaned_data["dry_run"],
                )
                status = 200
            except csvio.InventoryError as problem:
                form.add_error("file", str(problem))
    return render(
        request,
        "support/loans/import.html",
        {
            "form": form,
            "result": result,
            "dry_run": bool(form.is_bound and form.is_valid() and form.cleaned_data["dry_run"]),
            "columns": csvio.COLUMNS,
            "schools": selectors.import_schools(actor),
        },
        status=status,
    )


@may_import
def inventory_export(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    schools = selectors.import_schools(actor)
    school_id = request.GET.get("school", "")
    school = next((s for s in schools if str(s.pk) == school_id), schools[0])
    out = io.StringIO()
    out.write("\ufeff")  # spreadsheets on Windows read UTF-8 only with the mark
    csvio.inventory_export(actor=actor, school_id=school.pk, out=out)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="loan-inventory-{stamp}.csv"'
    return response


@may_import
def agreements(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    schools = selectors.import_schools(actor)
    school_id = request.GET.get("school", "")
    school = next((s for s in schools if str(s.pk) == school_id), schools[0])
    kind = request.GET.get("kind", Kind.LAPTOP)
    if kind not in Kind.values:
        kind = Kind.LAPTOP
    text, version = agreement_for(school.pk, kind)
    form = AgreementForm(request.POST or None, initial={"text": text})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            saved, status = attempt_form(
                form,
                services.agreement_template_save,
                actor=actor,
                school_id=school.pk,
                kind=kind,
                text=form.cleaned_data["text"],
            )
            if saved is not None:
                messages.success(request, _("The agreement was saved. New loans use it."))
                return redirect(reverse("loans:agreements") + f"?school={school.pk}&kind={kind}")
    return render(
        request,
        "support/loans/agreements.html",
        {
            "form": form,
            "school": school,
            "schools": schools,
            "kind": kind,
            "kinds": Kind.choices,
            "version": version,
            "default": default_agreement(kind),
        },
        status=status,
    )


@signed_in
def photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    """A photo of kit, to staff who lend it (never served from a public folder)."""
    actor = actor_of(request)
    found = ItemPhoto.objects.filter(pk=photo_id).first()
    if found is None:
        raise NotFound
    policy_for(Item).get(actor, pk=found.item_id)
    with found.image.open("rb") as stored:
        # Photos are re-encoded to at most 1600 px, so reading one whole is fine.
        response = HttpResponse(stored.read(), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Parents ---------------------------------------------------------------------------------


@guardians_only
def my_loans(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rows = selectors.guardian_loans(actor=actor)
    return render(
        request,
        "support/loans/my_loans.html",
        {"page": page_of(request, rows, HISTORY_PAGE), "today": timezone.localdate()},
    )


@guardians_only
def my_loan(request: HttpRequest, loan_id: int) -> HttpResponse:
    actor = actor_of(request)
    loan = selectors.loan_get(actor=actor, loan_id=loan_id)
    form = AcceptForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                done, status = attempt_form(
                    form,
                    services.loan_agreement_accept,
                    actor=actor,
                    loan_id=loan.pk,
                    typed_name=form.cleaned_data["typed_name"],
                    agreed=form.cleaned_data["agreed"],
                )
            except AlreadyDone as repeat:
                messages.info(request, repeat.message)
                return redirect("loans:my_loan", loan_id=loan.pk)
            if done is not None:
                messages.success(request, _("Thank you. You have accepted the agreement."))
                return redirect("loans:my_loan", loan_id=loan.pk)
    return render(
        request,
        "support/loans/my_loan.html",
        {
            "loan": loan,
            "agreement": services.shown_agreement(loan),
            "form": form,
            "today": timezone.localdate(),
        },
        status=status,
    )

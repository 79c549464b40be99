"""Every loans page: who may see it (staff roles, parent of this child, parent of another
child, pupil, anonymous), forms posted twice, bad input, and fixed query counts on lists."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from schoolwindow.core.once import new_token
from schoolwindow.support.loans.models import Item, Loan
from tests.pages.conftest import World, status_for, statuses
from tests.support.conftest import item_add, lend

LENDERS = {"leader": 200, "pastoral": 200, "flo": 200, "office": 200}
IMPORTERS = {"leader": 200, "office": 200}


def lender_pages(world: World) -> dict[str, str]:
    item = item_add(world)
    loan = lend(world, item)
    spare = item_add(world, "SW-0002")
    return {
        "inventory": reverse("loans:inventory"),
        "item_new": reverse("loans:item_new"),
        "item_detail": reverse("loans:item_detail", kwargs={"item_id": item.pk}),
        "item_lend": reverse("loans:item_lend", kwargs={"item_id": spare.pk}),
        "loans": reverse("loans:loans"),
        "loan_detail": reverse("loans:loan_detail", kwargs={"loan_id": loan.pk}),
        "pupil_loans": reverse("loans:pupil_loans", kwargs={"pupil_id": world.ada.pk}),
        "labels": reverse("loans:labels") + f"?ids={item.pk}",
    }


@pytest.mark.parametrize(("role", "expected"), statuses(**LENDERS).items())
@pytest.mark.parametrize(
    "page",
    [
        "inventory",
        "item_new",
        "item_detail",
        "item_lend",
        "loans",
        "loan_detail",
        "pupil_loans",
        "labels",
    ],
)
def test_who_may_see_the_lending_pages(
    world: World, page: str, role: str, expected: int | str
) -> None:
    url = lender_pages(world)[page]
    assert status_for(world.client(role).get(url)) == expected


@pytest.mark.parametrize(("role", "expected"), statuses(**IMPORTERS).items())
@pytest.mark.parametrize("name", ["loans:import", "loans:export", "loans:agreements"])
def test_who_may_import_export_and_edit_agreements(
    world: World, name: str, role: str, expected: int | str
) -> None:
    assert status_for(world.client(role).get(reverse(name))) == expected


@pytest.mark.parametrize(("role", "expected"), statuses(parent=200, other_parent=200).items())
def test_who_may_see_the_parents_loans_page(world: World, role: str, expected: int | str) -> None:
    assert status_for(world.client(role).get(reverse("loans:my_loans"))) == expected


@pytest.mark.parametrize(("role", "expected"), statuses(parent=200, other_parent=404).items())
def test_only_the_childs_parent_sees_the_agreement(
    world: World, role: str, expected: int | str
) -> None:
    loan = lend(world, item_add(world))
    url = reverse("loans:my_loan", kwargs={"loan_id": loan.pk})
    assert status_for(world.client(role).get(url)) == expected


def test_a_parent_lists_only_their_own_childrens_loans(world: World) -> None:
    lend(world, item_add(world, "SW-A"))
    lend(world, item_add(world, "SW-C"), pupil=world.cara)
    page = world.client("parent").get(reverse("loans:my_loans")).context["page"]
    assert [loan.item.asset_tag for loan in page.object_list] == ["SW-A"]
    other = world.client("other_parent").get(reverse("loans:my_loans")).context["page"]
    assert [loan.item.asset_tag for loan in other.object_list] == ["SW-C"]


def test_another_schools_item_is_not_found(world: World) -> None:
    far = Item.objects.create(school=world.elsewhere, asset_tag="FAR-1", kind="laptop")
    url = reverse("loans:item_detail", kwargs={"item_id": far.pk})
    assert world.client("office").get(url).status_code == 404


def test_the_pupil_page_shows_the_loans_panel_to_staff_and_the_parent(world: World) -> None:
    lend(world, item_add(world, "SW-PANEL"))
    url = reverse("pupil_detail", kwargs={"pupil_id": world.ada.pk})
    for role in ("office", "teacher", "parent"):
        body = world.client(role).get(url).content.decode()
        assert "SW-PANEL" in body, role


def test_an_exact_tag_jumps_to_the_item(world: World) -> None:
    item = item_add(world, "SW-0042")
    item_add(world, "SW-00421")
    response = world.client("office").get(reverse("loans:inventory"), {"q": "sw-0042"})
    assert response["Location"] == reverse("loans:item_detail", kwargs={"item_id": item.pk})
    listed = world.client("office").get(reverse("loans:inventory"), {"q": "0042"})
    assert listed.status_code == 200 and listed.context["page"].paginator.count == 2


def test_adding_an_item_posted_twice_makes_one(world: World) -> None:
    client = world.client("office")
    data = {"asset_tag": "tab-9", "kind": "tablet", "condition": "good", "once": new_token()}
    first = client.post(reverse("loans:item_new"), data)
    second = client.post(reverse("loans:item_new"), data)
    assert first.status_code == 302 and second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Item.objects.filter(asset_tag="TAB-9").count() == 1
    # A fresh form with the same tag is told, on the form.
    third = client.post(reverse("loans:item_new"), {**data, "once": new_token()})
    assert third.status_code == 400
    assert "Another item already has the tag TAB-9." in third.content.decode()


def lend_data(world: World, token: str) -> dict[str, object]:
    due = timezone.localdate() + dt.timedelta(days=20)
    return {"pupil": world.ada.pk, "due_on": due.isoformat(), "condition": "good", "once": token}


def test_lending_posted_twice_makes_one_loan(world: World) -> None:
    item = item_add(world)
    url = reverse("loans:item_lend", kwargs={"item_id": item.pk})
    client = world.client("office")
    data = lend_data(world, new_token())
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302 and second.status_code == 302
    assert Loan.objects.filter(item=item).count() == 1


def test_two_tabs_lending_the_same_item_get_one_loan_and_a_clear_refusal(world: World) -> None:
    item = item_add(world)
    url = reverse("loans:item_lend", kwargs={"item_id": item.pk})
    assert world.client("office").post(url, lend_data(world, new_token())).status_code == 302
    refused = world.client("flo").post(
        url, {**lend_data(world, new_token()), "pupil": world.cara.pk}
    )
    assert refused.status_code == 400
    assert "This laptop was lent to Ada Kowalska a moment ago." in refused.content.decode()
    assert Loan.objects.filter(item=item).count() == 1


def test_a_parent_signs_online_and_a_second_tab_is_told(world: World) -> None:
    loan = lend(world, item_add(world))
    url = reverse("loans:my_loan", kwargs={"loan_id": loan.pk})
    client = world.client("parent")
    wrong = client.post(url, {"typed_name": "", "agreed": "on"})
    assert wrong.status_code == 400 and "Type your full name to sign." in wrong.content.decode()
    assert client.post(url, {"typed_name": "Maria Kowalska", "agreed": "on"}).status_code == 302
    again = client.post(url, {"typed_name": "Maria Kowalska", "agreed": "on"}, follow=True)
    assert "This agreement was already accepted." in again.content.decode()
    loan.refresh_from_db()
    assert loan.accepted_name == "Maria Kowalska"


def test_taking_back_posted_twice_is_one_return(world: World) -> None:
    loan = lend(world, item_add(world))
    url = reverse("loans:loan_return", kwargs={"loan_id": loan.pk})
    client = world.client("office")
    assert client.post(url, {"condition": "good"}).status_code == 302
    again = client.post(url, {"condition": "good"}, follow=True)
    assert "This item was already taken back." in again.content.decode()
    assert world.client("teacher").post(url, {"condition": "good"}).status_code == 403
    assert world.client("parent").post(url, {"condition": "good"}).status_code == 403


def test_a_photo_that_is_no_image_is_refused_on_the_page(world: World) -> None:
    item = item_add(world)
    url = reverse("loans:item_photo", kwargs={"item_id": item.pk})
    client = world.client("office")
    fake = io.BytesIO(b"MZ this is a program")
    fake.name = "photo.jpg"
    response = client.post(url, {"photo": fake})
    assert response.status_code == 400
    assert "not a photo we can read" in response.content.decode()
    real = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(real, format="PNG")
    real.seek(0)
    real.name = "photo.png"
    assert client.post(url, {"photo": real}).status_code == 302
    photo = item.photos.get()
    shown = client.get(reverse("loans:photo", kwargs={"photo_id": photo.pk}))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert (
        world.client("parent")
        .get(reverse("loans:photo", kwargs={"photo_id": photo.pk}))
        .status_code
        == 404
    )


def test_the_import_page_names_a_bad_line_and_a_rerun_adds_nothing(world: World) -> None:
    client = world.client("office")
    url = reverse("loans:import")

    def post(text: str, name: str = "kit.csv"):
        upload = io.BytesIO(text.encode())
        upload.name = name
        return client.post(url, {"file": upload, "once": new_token()})

    bad = post("asset_tag,kind\nA-1,laptop\nA-2,hovercraft\n", "spring.csv")
    assert bad.status_code == 400
    assert "spring.csv, line 3, column kind" in bad.content.decode()
    assert not Item.objects.exists()
    assert post("asset_tag,kind\nA-1,laptop\nA-2,tablet\n").status_code == 200
    assert post("asset_tag,kind\nA-1,laptop\nA-2,tablet\n").status_code == 200
    assert Item.objects.count() == 2


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_lists_cost_the_same_queries_however_many_loans(world: World) -> None:
    client = world.client("office")
    for n in range(3):
        lend(world, item_add(world, f"Q-{n}"), pupil=world.ada if n % 2 else world.cara)
    urls = [
        reverse("loans:loans"),
        reverse("loans:loans") + "?state=all",
        reverse("loans:inventory"),
        reverse("loans:my_loans"),
    ]
    few = [queries_for(client, url) for url in urls[:3]]
    few.append(queries_for(world.client("parent"), urls[3]))
    for n in range(3, 25):
        lend(world, item_add(world, f"Q-{n}"), pupil=world.ada if n % 2 else world.cara)
    many = [queries_for(client, url) for url in urls[:3]]
    many.append(queries_for(world.client("parent"), urls[3]))
    assert few == many
    # Fixed, and small: session, user, actor, menu, count, the page (+ open loans prefetch).
    assert many[0] <= 12, many


POSTS = [
    ("loans:item_status", "item", {"status": "in_repair"}),
    ("loans:item_edit", "item", {"model_name": "X2", "condition": "good"}),
    ("loans:loan_paper", "loan", {"signed_on": "2026-01-01"}),
    ("loans:loan_remind", "loan", {}),
    ("loans:loan_charge", "loan", {"amount": "5"}),
    ("loans:loan_return", "loan", {"condition": "good"}),
]


@pytest.mark.parametrize(("name", "kind", "data"), POSTS)
@pytest.mark.parametrize(
    ("role", "expected"),
    [("teacher", 403), ("dsl", 403), ("parent", 403), ("pupil", 403), ("anonymous", "login")],
)
def test_who_may_not_change_kit_or_loans(
    world: World, name: str, kind: str, data: dict[str, str], role: str, expected: int | str
) -> None:
    item = item_add(world)
    loan = lend(world, item)
    url = reverse(name, kwargs={"item_id": item.pk} if kind == "item" else {"loan_id": loan.pk})
    assert status_for(world.client(role).post(url, data)) == expected
    loan.refresh_from_db()
    assert loan.returned_at is None and loan.paper_signed_on is None


def test_another_parent_cannot_sign_and_staff_cannot_sign_for_a_family(world: World) -> None:
    loan = lend(world, item_add(world))
    url = reverse("loans:my_loan", kwargs={"loan_id": loan.pk})
    data = {"typed_name": "Carol Jones", "agreed": "on"}
    assert world.client("other_parent").post(url, data).status_code == 404
    assert world.client("office").post(url, data).status_code == 403
    loan.refresh_from_db()
    assert loan.accepted_at is None


def test_the_signature_is_recorded_exactly_as_typed(world: World) -> None:
    loan = lend(world, item_add(world))
    url = reverse("loans:my_loan", kwargs={"loan_id": loan.pk})
    world.client("parent").post(url, {"typed_name": "  maria k. ", "agreed": "on"})
    loan.refresh_from_db()
    assert loan.accepted_name == "  maria k. "


def test_correcting_an_items_details(world: World) -> None:
    item = item_add(world)
    url = reverse("loans:item_edit", kwargs={"item_id": item.pk})
    client = world.client("flo")
    bad = client.post(url, {"model_name": "X1", "condition": "good", "data_plan": "5 GB"})
    assert bad.status_code == 400
    assert "Only dongles and SIM cards" in bad.content.decode()
    assert client.post(url, {"model_name": "X2", "condition": "fair"}).status_code == 302
    item.refresh_from_db()
    assert (item.model_name, item.condition) == ("X2", "fair")
    assert item.events.filter(kind="edited").count() == 1


def test_agreements_are_edited_per_kind_and_new_loans_use_them(world: World) -> None:
    url = reverse("loans:agreements") + "?kind=laptop"
    text = "Our laptop agreement. Keep it safe and use the school's filtered Wi-Fi settings."
    assert world.client("pastoral").post(url, {"text": text}).status_code == 403
    assert world.client("office").post(url, {"text": text}).status_code == 302
    loan = lend(world, item_add(world))
    assert loan.agreement_text == text and loan.agreement_version == 1
    tablet = lend(world, item_add(world, "TAB-1", kind="tablet"), pupil=world.cara)
    assert tablet.agreement_version == 0  # the default for tablets


def test_a_polish_parent_reads_and_accepts_the_standard_agreement_in_polish(world: World) -> None:
    loan = lend(world, item_add(world))
    url = reverse("loans:my_loan", kwargs={"loan_id": loan.pk})
    client = world.client("parent")
    client.cookies["django_language"] = "pl"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Bezpieczeństwo w internecie" in page
    client.post(url, {"typed_name": "Maria Kowalska", "agreed": "on"}, HTTP_ACCEPT_LANGUAGE="pl")
    loan.refresh_from_db()
    assert loan.accepted_at is not None
    assert loan.agreement_text.startswith("Wypożyczamy to Państwa dziecku")

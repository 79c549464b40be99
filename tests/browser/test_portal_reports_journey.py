"""On a 390 px phone, in Polish: a parent reads their child's published report, downloads it
as a PDF (headings in Polish), says they have read it and replies to the school; the reply is
in the conversation the report was announced in. Every page fits the screen, is axe-core clean
and breaks no content-security rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import assert_accessible, assert_fits_the_screen, watch_csp
from tests.browser.test_journeys import sign_in
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def world() -> World:
    return build_world()


def check(page: Page) -> None:
    page.wait_for_load_state("load")
    assert_fits_the_screen(page)
    assert_accessible(page)


def publish_a_run(world: World) -> int:
    from schoolwindow.people.actors import actor_for
    from schoolwindow.portal.reports import services
    from schoolwindow.portal.reports.models import PupilReport, ReportRun, ReportTemplate

    template = ReportTemplate.objects.create(
        school=world.secondary,
        name="Key Stage 3",
        subjects=["English", "Maths", "Science"],
        attainment_scale=["Working towards", "Expected", "Beyond"],
        effort_scale=["Could try harder", "Good", "Excellent"],
    )
    today = timezone.localdate()
    run = ReportRun.objects.create(
        school=world.secondary,
        template=template,
        name="Autumn 1",
        writing_opens=today - dt.timedelta(days=14),
        writing_closes=today - dt.timedelta(days=2),
        publish_on=today,
    )
    run.year_groups.set([world.year7])
    leader = actor_for(world.user_for("leader"))
    for pupil in (world.pupil, world.stranger):
        report = services.report_save(
            actor=leader,
            run_id=run.pk,
            pupil_id=pupil.pk,
            lines={
                s: {"attainment": 2, "effort": 3, "comment": "Very good progress."}
                for s in template.subjects
            },
            general_comment=f"{pupil.first_name} has had an excellent half-term.",
            submit=True,
        )
        services.report_approve(actor=leader, report_id=report.pk)
    services.run_publish(actor=leader, run_id=run.pk)
    return PupilReport.objects.get(run=run, pupil=world.pupil).pk


def test_a_parent_reads_downloads_acknowledges_and_replies_in_polish(
    page: Page, live_server: LiveServer, world: World, tmp_path: Path
) -> None:
    from schoolwindow.messaging.models import Message
    from schoolwindow.portal.reports.models import PupilReport, ReportReading

    report_id = publish_a_run(world)
    page.set_viewport_size(PHONE)
    blocked = watch_csp(page)
    sign_in(page, live_server.url, world, "parent")
    parent = world.user_for("parent")
    parent.language = "pl"
    parent.save(update_fields=["language"])

    page.goto(f"{live_server.url}/portal/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Raporty szkolne")
    expect(page.locator("main")).to_contain_text("Przeczytaj i potwierdź")
    check(page)
    page.get_by_role("link", name=f"{world.pupil.display_name}: Autumn 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Raport: {world.pupil.display_name}")
    expect(page.locator("main")).to_contain_text("has had an excellent half-term")
    check(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Pobierz raport (PDF)").click()
    saved = tmp_path / "report.pdf"
    download.value.save_as(saved)
    from tests.portal.reports.pdftext import pdf_titles

    body = saved.read_bytes()
    assert body.startswith(b"%PDF")
    titles = pdf_titles(body)
    assert "Przedmioty" in titles and "Ogólny komentarz" in titles
    assert any(world.pupil.display_name in title for title in titles)

    page.get_by_role("button", name="Przeczytałem(-am) ten raport").click()
    expect(page.get_by_role("status").first).to_contain_text("Dziękujemy")
    check(page)

    # An empty reply: told plainly, on the same page.
    page.get_by_role("button", name="Wyślij odpowiedź").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check(page)
    page.get_by_label("Twoja odpowiedź dla szkoły").fill("Dziękujemy! Czy możemy porozmawiać?")
    page.get_by_role("button", name="Wyślij odpowiedź").click()
    expect(page.locator("main")).to_contain_text("Odpowiedź na ten raport została wysłana")
    check(page)

    report = PupilReport.objects.get(pk=report_id)
    reading = ReportReading.objects.get(report=report, guardian=world.parent)
    assert reading.acknowledged_at is not None and reading.replied_at is not None
    assert report.conversation_id is not None
    assert Message.objects.filter(
        conversation_id=report.conversation_id, author_guardian=world.parent
    ).exists()
    assert blocked == []


def test_a_leader_writes_approves_and_publishes_on_a_phone(
    page: Page, live_server: LiveServer, world: World
) -> None:
    from schoolwindow.portal.reports.models import PupilReport, ReportRun, ReportTemplate

    template = ReportTemplate.objects.create(
        school=world.secondary,
        name="Key Stage 3",
        subjects=["English", "Maths"],
        attainment_scale=["Working towards", "Expected", "Beyond"],
        effort_scale=["Could try harder", "Good", "Excellent"],
    )
    today = timezone.localdate()
    run = ReportRun.objects.create(
        school=world.secondary,
        template=template,
        name="Autumn 2",
        writing_opens=today - dt.timedelta(days=3),
        writing_closes=today + dt.timedelta(days=7),
        publish_on=today + dt.timedelta(days=10),
    )
    run.year_groups.set([world.year7])
    page.set_viewport_size(PHONE)
    blocked = watch_csp(page)
    sign_in(page, live_server.url, world, "leader")
    page.goto(f"{live_server.url}/portal/reports/staff/")
    check(page)
    page.get_by_role("link", name="Autumn 2").click()
    check(page)
    for pupil in (world.pupil, world.stranger):
        page.goto(f"{live_server.url}/portal/reports/staff/runs/{run.pk}/pupils/{pupil.pk}/")
        expect(page.get_by_role("heading", name="The last six weeks")).to_be_visible()
        check(page)
        # Sent for review without the marks: the subject is named, nothing typed is lost.
        page.get_by_label("General comment").fill("A very good start.")
        page.get_by_role("button", name="Send for review").click()
        expect(page.get_by_role("alert")).to_contain_text("English: choose the attainment")
        check(page)
        for subject in ("English", "Maths"):
            group = page.get_by_role("group", name=subject)
            group.get_by_label("Attainment").select_option(label="Expected")
            group.get_by_label("Effort").select_option(label="Good")
        page.get_by_role("button", name="Send for review").click()
        expect(page.locator("main")).to_contain_text("Sent for review")
        page.get_by_role("button", name="Approve").click()
        expect(page.locator("main")).to_contain_text("Approved")
        check(page)
    page.goto(f"{live_server.url}/portal/reports/staff/runs/{run.pk}/")
    page.get_by_role("button", name="Publish to families").click()
    expect(page.locator("main")).to_contain_text("Published 2 reports")
    check(page)
    # Kacper's mother is told; Ava's family has nobody the school may contact.
    reach = sorted(PupilReport.objects.filter(run=run).values_list("reach", flat=True))
    assert reach == ["no_contact", "sent"]
    page.get_by_role("link", name="Not received").click()
    expect(page.locator("main")).to_contain_text("No way to contact the family")
    check(page)
    assert blocked == []

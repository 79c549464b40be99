"""Progress reports from template to a family's reply: the rules a writer and a leader meet,
the family's PDF in their language, acknowledging once, replying into messaging, resending."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolwindow.audit.models import AuditEvent
from schoolwindow.core.errors import Invalid, NotFound
from schoolwindow.core.once import AlreadyDone
from schoolwindow.messaging.models import Conversation, Delivery, DeliveryStatus, Message
from schoolwindow.portal.reports import pdf, services
from schoolwindow.portal.reports.models import (
    PupilReport,
    Reach,
    ReportReading,
    ReportRun,
    ReportStatus,
    ReportTemplate,
)
from tests.conftest import signed_in_client
from tests.factories import PupilFactory
from tests.portal.conftest import client_for
from tests.portal.reports.conftest import Reports, approved, full_lines, published
from tests.portal.reports.pdftext import pdf_titles


def write_post(
    template: ReportTemplate, action: str, comment: str = "Lovely work"
) -> dict[str, Any]:
    data: dict[str, Any] = {"action": action, "general_comment": comment}
    for n, _subject in enumerate(template.subjects):
        data[f"s{n}_attainment"] = "2"
        data[f"s{n}_effort"] = "3"
        data[f"s{n}_comment"] = "Good progress."
    return data


def write_url(reports: Reports, pupil_id: int) -> str:
    return reverse("portal_reports:write", kwargs={"run_id": reports.run.pk, "pupil_id": pupil_id})


# --- Setting up -----------------------------------------------------------------------------


def test_a_leader_makes_a_template_once_even_posting_twice(reports: Reports) -> None:
    client = client_for(reports.world, "leader")
    page = client.get(reverse("portal_reports:template_new")).content.decode()
    token = page.split('name="once" value="')[1].split('"')[0]
    data = {
        "school": reports.world.oakfield.pk,
        "name": "Primary",
        "subjects": "Reading\nWriting\nMaths\n",
        "attainment_scale": "Not yet\nSecure",
        "effort_scale": "Some\nLots",
        "once": token,
    }
    first = client.post(reverse("portal_reports:template_new"), data)
    second = client.post(reverse("portal_reports:template_new"), data)
    assert first.status_code == second.status_code == 302
    made = ReportTemplate.objects.get(name="Primary")
    assert made.subjects == ["Reading", "Writing", "Maths"]
    assert ReportTemplate.objects.filter(name="Primary").count() == 1


def test_a_template_with_a_one_step_scale_is_refused_and_keeps_what_was_typed(
    reports: Reports,
) -> None:
    client = client_for(reports.world, "leader")
    response = client.post(
        reverse("portal_reports:template_new"),
        {
            "school": reports.world.oakfield.pk,
            "name": "Odd",
            "subjects": "Art",
            "attainment_scale": "Only one",
            "effort_scale": "A\nB",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "at least two steps" in page
    assert "Only one" in page  # nothing lost


def test_a_leader_plans_the_years_runs_in_one_go(reports: Reports) -> None:
    client = client_for(reports.world, "leader")
    data: dict[str, Any] = {
        "template": reports.template.pk,
        "year_groups": [reports.world.year7.pk],
    }
    for n, (name, month) in enumerate([("Spring 1", 2), ("Spring 2", 3), ("Summer 1", 5)], 1):
        data |= {
            f"name_{n}": name,
            f"opens_{n}": f"2027-{month:02d}-01",
            f"closes_{n}": f"2027-{month:02d}-10",
            f"publish_{n}": f"2027-{month:02d}-14",
        }
    response = client.post(reverse("portal_reports:schedule"), data)
    assert response.status_code == 302
    made = ReportRun.objects.filter(name__in=["Spring 1", "Spring 2", "Summer 1"])
    assert made.count() == 3
    assert all(list(run.year_groups.all()) == [reports.world.year7] for run in made)


def test_a_run_whose_writing_closes_after_publishing_is_refused(reports: Reports) -> None:
    client = client_for(reports.world, "leader")
    response = client.post(
        reverse("portal_reports:schedule"),
        {
            "template": reports.template.pk,
            "year_groups": [reports.world.year7.pk],
            "name_1": "Backwards",
            "opens_1": "2027-02-01",
            "closes_1": "2027-02-20",
            "publish_1": "2027-02-10",
        },
    )
    assert response.status_code == 400
    assert not ReportRun.objects.filter(name="Backwards").exists()
    assert "Backwards" in response.content.decode()


# --- Writing and review ---------------------------------------------------------------------


def test_the_writer_sees_the_pupils_recent_facts_beside_the_form(reports: Reports) -> None:
    response = client_for(reports.world, "teacher").get(write_url(reports, reports.world.ada.pk))
    page = response.content.decode()
    assert "The last six weeks" in page
    assert "Attendance" in page and "Homework" in page and "Online learning" in page


def test_a_teacher_saves_a_draft_then_sends_it_for_review(reports: Reports) -> None:
    client = client_for(reports.world, "teacher")
    url = write_url(reports, reports.world.ada.pk)
    assert client.post(url, write_post(reports.template, "save")).status_code == 302
    report = PupilReport.objects.get(run=reports.run, pupil=reports.world.ada)
    assert report.status == ReportStatus.DRAFT
    assert client.post(url, write_post(reports.template, "submit")).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.lines["Maths"] == {"attainment": 2, "effort": 3, "comment": "Good progress."}
    # Saved twice, one report.
    assert PupilReport.objects.filter(run=reports.run, pupil=reports.world.ada).count() == 1


def test_sending_an_unfinished_report_for_review_says_what_is_missing(reports: Reports) -> None:
    client = client_for(reports.world, "teacher")
    data = write_post(reports.template, "submit")
    data["s1_effort"] = ""
    response = client.post(write_url(reports, reports.world.ada.pk), data)
    assert response.status_code == 400
    assert "Maths: choose the attainment and the effort." in response.content.decode()


def test_a_teacher_cannot_write_before_the_window_opens(reports: Reports) -> None:
    run = reports.run
    run.writing_opens = timezone.localdate() + dt.timedelta(days=3)
    run.save()
    with pytest.raises(Invalid, match="Writing opens"):
        services.report_save(
            actor=reports.actor("teacher"),
            run_id=run.pk,
            pupil_id=reports.world.ada.pk,
            lines=full_lines(reports.template),
            general_comment="x",
        )


def test_a_teacher_cannot_write_for_a_pupil_they_do_not_teach(reports: Reports) -> None:
    with pytest.raises(NotFound):
        services.report_save(
            actor=reports.actor("teacher"),
            run_id=reports.run.pk,
            pupil_id=reports.world.cara.pk,
            lines=full_lines(reports.template),
            general_comment="x",
        )


def test_a_leader_sends_back_with_a_note_and_the_writer_sees_it(reports: Reports) -> None:
    teacher = client_for(reports.world, "teacher")
    url = write_url(reports, reports.world.ada.pk)
    teacher.post(url, write_post(reports.template, "submit"))
    # Submitted: the writer can no longer change it.
    assert teacher.post(url, write_post(reports.template, "save")).status_code == 400
    leader = client_for(reports.world, "leader")
    review = reverse(
        "portal_reports:review", kwargs={"run_id": reports.run.pk, "pupil_id": reports.world.ada.pk}
    )
    leader.post(review, {"action": "return", "note": ""})
    assert PupilReport.objects.get().status == ReportStatus.SUBMITTED  # a note is needed
    leader.post(review, {"action": "return", "note": "Say more about Science."})
    report = PupilReport.objects.get()
    assert report.status == ReportStatus.RETURNED
    assert "Say more about Science." in teacher.get(url).content.decode()
    teacher.post(url, write_post(reports.template, "submit"))
    leader.post(review, {"action": "approve"})
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert report.approved_by == reports.world.staff["leader"]
    # Approved: not even the writer changes it now.
    assert teacher.post(url, write_post(reports.template, "save")).status_code == 400


def test_only_a_report_sent_for_review_is_approved(reports: Reports) -> None:
    leader = reports.actor("leader")
    report = services.report_save(
        actor=leader,
        run_id=reports.run.pk,
        pupil_id=reports.world.ada.pk,
        lines=full_lines(reports.template),
        general_comment="Fine",
    )
    with pytest.raises(Invalid):
        services.report_approve(actor=leader, report_id=report.pk)


def test_a_run_is_published_only_when_every_report_is_approved(reports: Reports) -> None:
    approved(reports, reports.world.ada)
    with pytest.raises(Invalid, match="1 reports are not approved yet"):
        services.run_publish(actor=reports.actor("leader"), run_id=reports.run.pk)
    assert not PupilReport.objects.filter(published_at__isnull=False).exists()


def test_publishing_tells_each_family_through_messaging_once(reports: Reports) -> None:
    report = published(reports)
    assert report.reach == Reach.SENT
    assert report.message_id is not None
    message = Message.objects.get(pk=report.message_id)
    assert message.conversation.pupil_id == reports.world.ada.pk
    told = set(Delivery.objects.filter(message=message).values_list("guardian_id", flat=True))
    assert reports.world.maria.pk in told
    assert reports.world.piotr.pk not in told  # never the restricted father
    with pytest.raises(AlreadyDone):
        services.run_publish(actor=reports.actor("leader"), run_id=reports.run.pk)
    assert Message.objects.filter(conversation__pupil=reports.world.ada).count() == 1
    assert AuditEvent.objects.filter(action="reports.published").count() == 1


def test_the_publish_button_twice_publishes_once(
    reports: Reports, django_capture_on_commit_callbacks: Any
) -> None:
    approved(reports, reports.world.ada)
    approved(reports, reports.world.cara)
    client = client_for(reports.world, "leader")
    url = reverse("portal_reports:publish", kwargs={"run_id": reports.run.pk})
    token = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client.post(url, {"once": token}).status_code == 302
    assert len(callbacks) == 1  # the worker is asked to tell the families
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client.post(url, {"once": token}).status_code == 302
    assert callbacks == []
    assert Message.objects.filter(conversation__pupil=reports.world.ada).count() == 1


def test_a_family_with_nobody_to_contact_is_shown_as_not_received(reports: Reports) -> None:
    lonely = PupilFactory(
        school=reports.world.oakfield, legal_first_name="Nia", year_group=reports.world.year7
    )
    approved(reports, reports.world.ada)
    approved(reports, reports.world.cara)
    approved(reports, lonely)
    done = services.run_publish(actor=reports.actor("leader"), run_id=reports.run.pk)
    assert done.reports == 3
    told = services.reports_tell(run_id=reports.run.pk)
    assert (told.told, told.no_contact) == (2, 1)
    assert services.reports_tell(run_id=reports.run.pk) == services.Told(0, 0)  # never twice
    page = client_for(reports.world, "leader").get(
        reverse("portal_reports:run", kwargs={"run_id": reports.run.pk}) + "?reach=not_received"
    )
    text = page.content.decode()
    assert "Nia" in text and "Cara" not in text


def test_a_report_whose_every_copy_failed_is_not_received(reports: Reports) -> None:
    report = published(reports)
    assert report.message_id is not None
    Delivery.objects.filter(message_id=report.message_id).update(status=DeliveryStatus.FAILED)
    page = client_for(reports.world, "leader").get(
        reverse("portal_reports:run", kwargs={"run_id": reports.run.pk}) + "?reach=not_received"
    )
    assert "Kowalska" in page.content.decode()


# --- Families -------------------------------------------------------------------------------


def test_the_parent_reads_the_report_and_it_counts_as_opened(reports: Reports) -> None:
    report = published(reports)
    url = reverse("portal_reports:family_report", kwargs={"report_id": report.pk})
    page = client_for(reports.world, "parent").get(url).content.decode()
    assert "A good half-term." in page and "Expected" in page and "Excellent" in page
    assert ReportReading.objects.filter(report=report, guardian=reports.world.maria).exists()


def test_acknowledging_twice_counts_once(reports: Reports) -> None:
    report = published(reports)
    client = client_for(reports.world, "parent")
    url = reverse("portal_reports:acknowledge", kwargs={"report_id": report.pk})
    assert client.post(url).status_code == 302
    first = ReportReading.objects.get(report=report).acknowledged_at
    assert client.post(url).status_code == 302
    reading = ReportReading.objects.get(report=report)
    assert reading.acknowledged_at == first
    assert AuditEvent.objects.filter(action="reports.acknowledged").count() == 1


def test_the_pdf_has_the_childs_name_and_headings_in_the_familys_language(
    reports: Reports,
) -> None:
    report = published(reports)  # Maria prefers Polish
    response = client_for(reports.world, "parent").get(
        reverse("portal_reports:family_pdf", kwargs={"report_id": report.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    titles = pdf_titles(body)
    assert any("Ada" in title for title in titles)
    assert "Przedmioty" in titles  # "Subjects"
    assert "Ogólny komentarz" in titles  # "General comment"


def test_the_pdf_in_english_for_a_family_whose_language_has_no_translation(
    reports: Reports,
) -> None:
    report = published(reports)
    titles = pdf_titles(pdf.report_pdf(report, language="so"))
    assert "Subjects" in titles and "General comment" in titles


def test_the_parents_reply_continues_the_conversation_in_messaging(reports: Reports) -> None:
    report = published(reports)
    client = client_for(reports.world, "parent")
    url = reverse("portal_reports:reply", kwargs={"report_id": report.pk})
    data = {
        "body": "Dziękujemy! Can we talk about Maths?",
        "once": "0b7c3c1e-2fa1-11d2-883f-0016d3cca427",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the same form again: one reply
    assert report.conversation_id is not None
    conversation = Conversation.objects.get(pk=report.conversation_id)
    replies = conversation.messages.filter(author_guardian=reports.world.maria)
    assert replies.count() == 1
    assert ReportReading.objects.get(report=report).replied_at is not None


def test_an_empty_reply_is_refused_on_the_page(reports: Reports) -> None:
    report = published(reports)
    response = client_for(reports.world, "parent").post(
        reverse("portal_reports:reply", kwargs={"report_id": report.pk}), {"body": "  "}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_the_restricted_father_never_sees_the_report(reports: Reports) -> None:
    report = published(reports)
    client = client_for(reports.world, "restricted")
    for name in ("portal_reports:family_report", "portal_reports:family_pdf"):
        assert client.get(reverse(name, kwargs={"report_id": report.pk})).status_code == 404
    with pytest.raises(NotFound):
        services.report_acknowledge(actor=reports.actor("restricted"), report_id=report.pk)


# --- Resending ------------------------------------------------------------------------------


def test_resending_counts_and_stops_at_the_cap(reports: Reports) -> None:
    report = published(reports)
    leader = reports.actor("leader")
    for attempt in range(1, services.MAX_RESENDS + 1):
        done = services.reports_resend(actor=leader, run_id=reports.run.pk, reach="not_opened")
        assert (done.sent, done.capped) == (2, 0), attempt
    done = services.reports_resend(actor=leader, run_id=reports.run.pk, reach="not_opened")
    assert (done.sent, done.capped) == (0, 2)
    report.refresh_from_db()
    assert report.resends == services.MAX_RESENDS
    assert AuditEvent.objects.filter(action="reports.resent").count() == services.MAX_RESENDS + 1
    # The first conversation stays the one a reply continues.
    assert report.message_id is not None
    assert Message.objects.get(pk=report.message_id).conversation_id != report.conversation_id


def test_a_family_that_opened_it_is_not_sent_it_again(reports: Reports) -> None:
    report = published(reports)
    client_for(reports.world, "parent").get(
        reverse("portal_reports:family_report", kwargs={"report_id": report.pk})
    )
    done = services.reports_resend(
        actor=reports.actor("leader"), run_id=reports.run.pk, reach="not_opened"
    )
    assert done.sent == 1  # Cara's family only
    report.refresh_from_db()
    assert report.resends == 0


def test_the_resend_button_twice_sends_once(reports: Reports) -> None:
    published(reports)
    client = client_for(reports.world, "leader")
    url = reverse("portal_reports:resend", kwargs={"run_id": reports.run.pk})
    data = {"reach": "not_acknowledged", "once": "2c7c3c1e-2fa1-11d2-883f-0016d3cca427"}
    client.post(url, data)
    client.post(url, data)
    assert sum(PupilReport.objects.values_list("resends", flat=True)) == 2


# --- Bounded lists --------------------------------------------------------------------------


def _run_page_queries(reports: Reports, query: str = "") -> int:
    client = client_for(reports.world, "leader")
    url = reverse("portal_reports:run", kwargs={"run_id": reports.run.pk}) + query
    client.get(url)  # sessions, caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_run_status_list_costs_the_same_whatever_the_number_of_pupils(
    reports: Reports,
) -> None:
    published(reports)
    few = _run_page_queries(reports, "?reach=not_acknowledged")
    for n in range(15):
        pupil = PupilFactory(
            school=reports.world.oakfield, legal_first_name=f"P{n}", year_group=reports.world.year7
        )
        PupilReport.objects.create(
            school=reports.world.oakfield,
            run=reports.run,
            pupil=pupil,
            status=ReportStatus.APPROVED,
            published_at=timezone.now(),
            reach=Reach.NO_CONTACT,
        )
    assert _run_page_queries(reports, "?reach=not_acknowledged") == few
    assert _run_page_queries(reports, "?reach=not_received") == _run_page_queries(
        reports, "?reach=not_received"
    )


def test_the_parents_list_costs_the_same_whatever_the_number_of_reports(
    reports: Reports,
) -> None:
    published(reports)
    client = signed_in_client(reports.world.maria.user)
    client.get(reverse("portal_reports:family"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("portal_reports:family"))
    for n in range(4):
        run = ReportRun.objects.create(
            school=reports.world.oakfield,
            template=reports.template,
            name=f"Old {n}",
            writing_opens=dt.date(2026, 1, 1),
            writing_closes=dt.date(2026, 1, 2),
            publish_on=dt.date(2026, 1, 3),
        )
        PupilReport.objects.create(
            school=reports.world.oakfield,
            run=run,
            pupil=reports.world.ada,
            status=ReportStatus.APPROVED,
            published_at=timezone.now(),
        )
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("portal_reports:family"))
    assert len(five) == len(one)


def test_planning_the_same_runs_twice_plans_them_once(reports: Reports) -> None:
    client = client_for(reports.world, "leader")
    data: dict[str, Any] = {
        "template": reports.template.pk,
        "year_groups": [reports.world.year7.pk],
        "name_1": "Summer 2",
        "opens_1": "2027-06-01",
        "closes_1": "2027-06-20",
        "publish_1": "2027-07-10",
        "once": "3d7c3c1e-2fa1-11d2-883f-0016d3cca427",
    }
    assert client.post(reverse("portal_reports:schedule"), data).status_code == 302
    assert client.post(reverse("portal_reports:schedule"), data).status_code == 302
    # A second tab (its own token) is told the name is taken, and keeps what it typed.
    data["once"] = "4e7c3c1e-2fa1-11d2-883f-0016d3cca427"
    again = client.post(reverse("portal_reports:schedule"), data)
    assert again.status_code == 400
    assert "already has a run called Summer 2" in again.content.decode()
    assert ReportRun.objects.filter(name="Summer 2").count() == 1


def test_a_teacher_sees_only_their_class_in_the_run(reports: Reports) -> None:
    url = reverse("portal_reports:run", kwargs={"run_id": reports.run.pk})
    teacher = client_for(reports.world, "teacher").get(url).content.decode()
    leader = client_for(reports.world, "leader").get(url).content.decode()
    assert "Kowalska" in teacher and "Jones" not in teacher
    assert "Kowalska" in leader and "Jones" in leader
    assert "Publish to families" in leader and "Publish to families" not in teacher

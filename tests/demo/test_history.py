"""The demo's engagement history: signals on school days only, believable, and the scripted
pupils' stories; then the last weeks' messaging with families (test_messaging_*). One small build
(scale 0.1) for the module; the full-size figures and build time are in benchmarks/demo_build.py."""

from __future__ import annotations

import datetime as dt
import io
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from importlib.util import find_spec
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from schoolwindow.core.models import User
from schoolwindow.core.permissions import Actor
from schoolwindow.demo.builder import demo_build
from schoolwindow.demo.logins import LOGIN_USERNAMES, DemoResult
from schoolwindow.demo.parts.engagement.scripts import SCRIPTED_PUPILS
from schoolwindow.engagement import codes
from schoolwindow.engagement.models import (
    ActivityEvent,
    AttendanceMark,
    FamilyMessage,
    Flag,
    Homework,
    HomeworkSubmission,
    PupilDay,
)
from schoolwindow.messaging.conversations import inbox_selectors
from schoolwindow.messaging.delivery import letters, reach
from schoolwindow.messaging.delivery.fallback import fallback_sweep
from schoolwindow.messaging.models import (
    PENDING_STATUSES,
    Broadcast,
    BroadcastStatus,
    ContactLog,
    Conversation,
    ConversationKind,
    Delivery,
    Message,
    NudgeBatch,
    NudgeBatchStatus,
    Participant,
)
from schoolwindow.messaging.positive import selectors as positive_selectors
from schoolwindow.messaging.summaries import selectors as summaries_selectors
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Guardian, GuardianLink, Pupil
from schoolwindow.schools.calendar import school_days
from schoolwindow.schools.models import School
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db

# The module's demo is built on this Monday (the pages it renders read the real clock; the
# dates of demos built on other days are checked in test_clock.py).
DEMO_TODAY = dt.date(2026, 11, 23)
HISTORY_START = dt.date(2025, 9, 1)
THIS_YEAR = dt.date(2026, 9, 1)
SUNDAY_BEFORE = DEMO_TODAY - dt.timedelta(days=1)  # the history runs to Friday 20 Nov
ABSENT = ("authorised", "unauthorised")


@pytest.fixture(scope="module")
def built(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, object]]:
    """One build for the whole module (the tests only read), rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            started = time.perf_counter()
            result = demo_build(stdout=out, scale=0.1, today=DEMO_TODAY)
            seconds = time.perf_counter() - started
            print(f"\ndemo build at scale 0.1 with its history: {seconds:.1f} s")
            yield {"result": result, "log": out.getvalue(), "seconds": seconds}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def pupil(key: str) -> Pupil:
    first, last, _ = SCRIPTED_PUPILS[key]
    return Pupil.objects.get(legal_first_name=first, legal_last_name=last)


def days_of(school_id: int) -> list[dt.date]:
    return school_days(school_id=school_id, start=HISTORY_START, end=SUNDAY_BEFORE)


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def absent_sessions(p: Pupil, days: list[dt.date]) -> int:
    return AttendanceMark.objects.filter(pupil=p, date__in=days, category__in=ABSENT).count()


def test_signals_fall_on_school_days_only_and_cover_every_one(built: dict[str, object]) -> None:
    assert "engagement history" in str(built["log"])
    for school in School.objects.all():
        days = days_of(school.pk)
        school_day_set = set(days)
        assert days[0] >= HISTORY_START and days[-1] < DEMO_TODAY
        marks = AttendanceMark.objects.filter(school=school)
        assert set(marks.values_list("date", flat=True).distinct()) == school_day_set
        # Two marks per pupil per school day, from the day their history starts; the codes
        # are DfE codes in their DfE categories.
        per_pupil = Counter(marks.values_list("pupil_id", flat=True))
        this_year = sum(1 for day in days if day >= THIS_YEAR)
        for pupil_id, ordinal in Pupil.objects.filter(school=school).values_list(
            "pk", "year_group__ordinal"
        ):
            joined = ordinal in (0, 7)  # Reception and Year 7 joined this September
            assert per_pupil[pupil_id] == 2 * (this_year if joined else len(days))
        for code, category in marks.values_list("code", "category").distinct():
            assert codes.classify(code) == category
        activity_days = set(
            ActivityEvent.objects.filter(school=school).values_list("date", flat=True)
        )
        assert activity_days <= school_day_set
        for moment in ActivityEvent.objects.filter(school=school).values_list(
            "occurred_at", flat=True
        )[:2000]:
            assert local_day(moment) in school_day_set
        for set_on, due_on in Homework.objects.filter(school=school).values_list(
            "set_on", "due_on"
        ):
            assert set_on in school_day_set
            assert due_on in school_day_set or due_on >= DEMO_TODAY
        # The history's messages home (the messaging app's own, in demo/parts/messaging, are
        # sent when staff write and may be answered at weekends: see test_messaging_*).
        for sent_at in FamilyMessage.objects.filter(
            school=school, source_id__startswith="demo-"
        ).values_list("sent_at", flat=True):
            assert local_day(sent_at) in school_day_set
        submitted = HomeworkSubmission.objects.filter(school=school).exclude(submitted_at=None)
        for submitted_at in submitted.values_list("submitted_at", flat=True)[:2000]:
            assert submitted_at is not None
            assert local_day(submitted_at) in school_day_set
    # Nothing the demo has not seen yet: no reading or replying after 8 a.m. on DEMO_TODAY.
    morning = timezone.make_aware(dt.datetime.combine(DEMO_TODAY, dt.time(8)))
    assert not FamilyMessage.objects.filter(read_at__gt=morning).exists()
    assert not FamilyMessage.objects.filter(replied_at__gt=morning).exists()
    assert not HomeworkSubmission.objects.filter(submitted_at__gt=morning).exists()
    # Not yet due: still "set"; due: never "set".
    assert not HomeworkSubmission.objects.filter(
        homework__due_on__lt=DEMO_TODAY, status="set"
    ).exists()
    assert not HomeworkSubmission.objects.filter(
        homework__due_on__gte=DEMO_TODAY, status__in=["late", "missing"]
    ).exists()


def test_the_history_looks_like_an_english_school(built: dict[str, object]) -> None:
    secondary = School.objects.get(phase="secondary")
    marks = AttendanceMark.objects.filter(date__lt=THIS_YEAR)
    by_pupil: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for pupil_id, category in marks.values_list("pupil_id", "category"):
        if category != "not_counted":
            by_pupil[pupil_id][0] += 1
            by_pupil[pupil_id][1] += category in ABSENT
    rates = {pupil_id: absent / possible for pupil_id, (possible, absent) in by_pupil.items()}
    overall = sum(absent for _, absent in by_pupil.values()) / sum(
        possible for possible, _ in by_pupil.values()
    )
    assert 0.03 <= overall <= 0.08  # attendance 92 to 97 %
    median = sorted(rates.values())[len(rates) // 2]
    assert median <= 0.05  # most pupils at 95 % or better
    persistent = sum(rate >= 0.1 for rate in rates.values()) / len(rates)
    assert 0.07 <= persistent <= 0.3
    disadvantaged = dict(Pupil.objects.values_list("pk", "disadvantaged"))
    groups: dict[bool, list[float]] = {True: [], False: []}
    for pupil_id, rate in rates.items():
        groups[disadvantaged[pupil_id]].append(rate)
    assert sum(groups[True]) / len(groups[True]) > sum(groups[False]) / len(groups[False])
    # The usual codes, present and in roughly the right order of frequency.
    mix = Counter(AttendanceMark.objects.values_list("code", flat=True))
    assert {"/", "\\", "L", "I", "M", "O", "U", "V"} <= set(mix)
    assert mix["/"] > mix["I"] > mix["M"]
    unauthorised = sum(mix[c] for c in "GNOU")
    authorised = sum(mix[c] for c in "ICMRE")
    assert unauthorised < authorised
    # Secondary pupils log in on most school days; homework mostly in on time.
    pupils = Pupil.objects.filter(school=secondary, year_group__ordinal__gt=7).count()
    logins_last_year = ActivityEvent.objects.filter(
        school=secondary, kind="login", date__lt=THIS_YEAR
    ).count()
    days = sum(1 for day in days_of(secondary.pk) if day < THIS_YEAR)
    assert 0.5 <= logins_last_year / (pupils * days) <= 1.0
    assert not ActivityEvent.objects.filter(school__phase="primary").exists()
    statuses = Counter(
        HomeworkSubmission.objects.exclude(status="set").values_list("status", flat=True)
    )
    assert 0.75 <= statuses["on_time"] / statuses.total() <= 0.92
    assert statuses["late"] and statuses["missing"]
    # Messages home: most read, most replies answered, some families never read.
    messages = FamilyMessage.objects.all()
    assert messages.count() >= 2 * Pupil.objects.count()
    read = messages.exclude(read_at=None).count() / messages.count()
    assert 0.65 <= read <= 0.95
    wanted = messages.filter(needs_reply=True)
    assert 0.4 <= wanted.exclude(replied_at=None).count() / wanted.count() <= 0.9


def test_last_year_some_went_quiet_and_some_came_back(built: dict[str, object]) -> None:
    """The history the risk model and the backtest learn from: pupils whose online activity
    fell away for weeks last year, attendance following, and who recovered or did not."""
    secondary = School.objects.get(phase="secondary")
    days = [day for day in days_of(secondary.pk) if day < THIS_YEAR]
    online: dict[int, set[dt.date]] = defaultdict(set)
    for pupil_id, day in ActivityEvent.objects.filter(
        school=secondary, date__lt=THIS_YEAR
    ).values_list("pupil_id", "date"):
        online[pupil_id].add(day)
    absent: dict[int, set[dt.date]] = defaultdict(set)
    for pupil_id, day in AttendanceMark.objects.filter(
        school=secondary, date__lt=THIS_YEAR, category__in=ABSENT
    ).values_list("pupil_id", "date"):
        absent[pupil_id].add(day)

    def share(found: set[dt.date], window: list[dt.date]) -> float:
        return sum(day in found for day in window) / len(window)

    recovered, did_not = 0, 0
    for pupil_id in Pupil.objects.filter(school=secondary, year_group__ordinal__gt=7).values_list(
        "pk", flat=True
    ):
        windows = [days[k : k + 15] for k in range(20, len(days) - 15, 5)]
        quiet = [w for w in windows if share(online[pupil_id], w) <= 0.2]
        if not quiet or share(online[pupil_id], days[:20]) < 0.6:
            continue
        first_quiet = quiet[0]
        after = [day for day in days if first_quiet[-1] < day][:20]
        before = [day for day in days if day < first_quiet[0]][-20:]
        assert share(absent[pupil_id], after) >= share(absent[pupil_id], before)
        if share(online[pupil_id], days[-15:]) >= 0.6:
            recovered += 1
        elif share(online[pupil_id], days[-15:]) <= 0.4:
            did_not += 1
    assert recovered >= 1 and did_not >= 1


def school_days_back(p: Pupil, count: int) -> list[dt.date]:
    return days_of(p.school_id)[-count:]


def test_jack_bennett_is_going_quiet(built: dict[str, object]) -> None:
    jack = pupil("jack")
    assert jack.year_group is not None and jack.year_group.ordinal == 8
    last_nine = school_days_back(jack, 9)
    logins = set(
        ActivityEvent.objects.filter(pupil=jack, kind="login").values_list("date", flat=True)
    )
    # Stopped logging in 8 school days ago: the last log-in the school day before those 8.
    assert max(logins) == last_nine[0]
    assert not ActivityEvent.objects.filter(pupil=jack, date__in=last_nine[1:]).exists()
    # Three pieces of homework missing, all due in the last two school weeks.
    missing = HomeworkSubmission.objects.filter(
        pupil=jack, status="missing", homework__due_on__gte=school_days_back(jack, 10)[0]
    )
    assert missing.count() == 3
    # Attendance dropping: much worse in the last three weeks than in the weeks before.
    recent = school_days_back(jack, 15)
    before = [day for day in days_of(jack.school_id) if THIS_YEAR <= day < recent[0]]
    assert absent_sessions(jack, recent) / (2 * len(recent)) >= 0.25
    assert absent_sessions(jack, before) / (2 * len(before)) <= 0.1
    assert AttendanceMark.objects.filter(pupil=jack, date__in=recent, code__in=["O", "N"]).exists()
    # His sister is fine.
    ella = pupil("ella")
    assert absent_sessions(ella, days_of(ella.school_id)) / (2 * len(days_of(ella.school_id))) < 0.1


def test_zuza_nowak_is_mostly_fine(built: dict[str, object]) -> None:
    zuza = pupil("zuza")
    days = [day for day in days_of(zuza.school_id) if day >= THIS_YEAR]
    assert absent_sessions(zuza, days) / (2 * len(days)) < 0.08
    online_days = set(
        ActivityEvent.objects.filter(pupil=zuza, date__in=days).values_list("date", flat=True)
    )
    assert len(online_days) >= 0.75 * len(days)
    assert not HomeworkSubmission.objects.filter(
        pupil=zuza, status="missing", homework__due_on__gte=days[-10]
    ).exists()


def test_tylers_unauthorised_absences_climb(built: dict[str, object]) -> None:
    tyler = pupil("tyler")
    assert tyler.year_group is not None and tyler.year_group.ordinal == 10
    last_ten_weeks = school_days_back(tyler, 50)
    unauthorised = AttendanceMark.objects.filter(
        pupil=tyler, date__in=last_ten_weeks, category="unauthorised"
    )
    assert unauthorised.count() >= 10  # the DfE's 10 sessions in 10 school weeks
    earlier = unauthorised.filter(date__lt=last_ten_weeks[25]).count()
    later = unauthorised.filter(date__gte=last_ten_weeks[25]).count()
    assert later > 2 * earlier


def test_freya_is_in_school_but_silent_online(built: dict[str, object]) -> None:
    freya = pupil("freya")
    since_half_term = [day for day in days_of(freya.school_id) if day >= dt.date(2026, 11, 2)]
    marks = AttendanceMark.objects.filter(pupil=freya, date__in=since_half_term)
    assert set(marks.values_list("category", flat=True)) == {"present"}
    assert not ActivityEvent.objects.filter(
        pupil=freya, date__in=school_days_back(freya, 6)
    ).exists()
    assert ActivityEvent.objects.filter(pupil=freya, date__lt=dt.date(2026, 10, 23)).count() > 20
    missing = HomeworkSubmission.objects.filter(
        pupil=freya, status="missing", homework__due_on__gte=school_days_back(freya, 10)[0]
    )
    assert missing.count() == 4


def test_the_turners_stopped_reading(built: dict[str, object]) -> None:
    mason, poppy = pupil("mason"), pupil("poppy")
    assert {mason.school.phase, poppy.school.phase} == {"primary", "secondary"}
    for child in (mason, poppy):
        stopped = school_days_back(child, 15)[0]
        messages = FamilyMessage.objects.filter(pupil=child)
        since = timezone.make_aware(dt.datetime.combine(stopped, dt.time.min))
        assert messages.filter(sent_at__gte=since).count() >= 3
        assert not messages.filter(sent_at__gte=since).exclude(read_at=None).exists()
        assert messages.filter(sent_at__lt=since).exclude(read_at=None).exists()


def test_ioana_is_online_only_in_school_and_her_family_reads_late(
    built: dict[str, object],
) -> None:
    ioana = pupil("ioana")
    hours = {
        timezone.localtime(moment).hour
        for moment in ActivityEvent.objects.filter(pupil=ioana, kind="login").values_list(
            "occurred_at", flat=True
        )
    }
    assert hours and max(hours) < 16
    delays = sorted(
        (read - sent).total_seconds() / 3600
        for sent, read in FamilyMessage.objects.filter(pupil=ioana)
        .exclude(read_at=None)
        .values_list("sent_at", "read_at")
        if read is not None
    )
    assert delays and delays[len(delays) // 2] >= 12  # the median: half a day or more


def needs(module: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return pytest.mark.skipif(find_spec(module) is None, reason=f"{module} is not there yet")


@needs("schoolwindow.engagement.facts")
def test_daily_facts_are_built_from_the_signals(built: dict[str, object]) -> None:
    jack = pupil("jack")
    for school in School.objects.all():
        assert PupilDay.objects.filter(school=school, date__lt=THIS_YEAR).exists()
        assert PupilDay.objects.filter(school=school, date=days_of(school.pk)[-1]).exists()
    day = school_days_back(jack, 1)[0]
    facts = PupilDay.objects.get(pupil=jack, date=day)
    marks = AttendanceMark.objects.filter(pupil=jack, date=day)
    assert facts.sessions_possible == marks.count() == 2
    assert facts.sessions_present == marks.filter(category__in=["present", "elsewhere"]).count()
    assert facts.logins == 0


@needs("schoolwindow.engagement.flags")
@needs("schoolwindow.engagement.facts")
def test_the_watchlist_tells_the_story(built: dict[str, object]) -> None:
    def reasons(key: str) -> set[str]:
        flag = Flag.objects.filter(pupil=pupil(key)).exclude(status="resolved").first()
        return {str(r["key"]).split(":")[0] for r in flag.reasons} if flag else set()

    assert {"no_online", "homework_missing"} <= reasons("jack")
    assert "unauthorised" in reasons("tyler")
    assert "no_online" in reasons("freya") or "drop" in reasons("freya")
    assert "family" in reasons("mason") and "family" in reasons("poppy")
    assert reasons("zuza") == set()
    # Flags are evaluated for the morning of DEMO_TODAY
    # (and on earlier mornings, as a watchlist that runs every day would have)
    opened = Flag.objects.values_list("opened_on", flat=True)
    assert max(opened) <= DEMO_TODAY and len(set(opened)) > 1


@needs("schoolwindow.engagement.flags")
def test_a_silent_study_group_member_is_on_the_watchlist_and_one_checks_in_by_text(
    built: dict[str, object],
) -> None:
    from schoolwindow.support.studygroups.models import CheckIn, CheckInText, StudyGroupMember

    missed = [
        reason
        for reasons in Flag.objects.exclude(status="resolved").values_list("reasons", flat=True)
        for reason in reasons
        if reason["rule"] == "studygroup_missed"
    ]
    assert any(r["text"] == "Missed 5 of the last 5 study-group check-ins" for r in missed)
    texter = StudyGroupMember.objects.exclude(text_to="").get()
    assert Pupil.objects.get(pk=texter.pupil_id).mobile
    assert CheckIn.objects.filter(pupil_id=texter.pupil_id, by_text=True).count() >= 3
    assert CheckInText.objects.filter(member=texter).exists()


# --- The last weeks' messaging (demo/parts/messaging) -----------------------------------

MORNING = timezone.make_aware(dt.datetime.combine(DEMO_TODAY, dt.time(8)))
STAFF_LOG_INS = ("leader", "pastoral", "teacher", "advocate", "flo", "dsl", "office")


def login_user(built: dict[str, object], role: str) -> User:
    result = built["result"]
    assert isinstance(result, DemoResult)
    return User.objects.get(username=result.login(role).username)


def test_messaging_every_printed_log_in_has_conversations(built: dict[str, object]) -> None:
    assert "messages with families" in str(built["log"])
    for role in STAFF_LOG_INS:
        actor = actor_for(login_user(built, role))
        mine = inbox_selectors.staff_inbox(actor=actor, filters=inbox_selectors.InboxFilters())
        assert mine.exists(), role
        # Each has talked with a family, not only sent announcements.
        assert mine.exclude(kind=ConversationKind.BROADCAST).exists(), role
    parent = actor_for(login_user(built, "parent"))
    inbox = list(inbox_selectors.guardian_inbox(actor=parent))
    assert len(inbox) >= 4
    assert {c.pupil.first_name for c in inbox if c.pupil} == {"Jack", "Ella"}
    assert inbox_selectors.guardian_inbox(actor=parent, unread=True).exists()
    # Nothing about the children ever reached their father (the court order).
    barred = GuardianLink.objects.filter(contact_restricted=True, pupil__in=parent_children(parent))
    [father] = set(barred.values_list("guardian_id", flat=True))
    assert not Delivery.objects.filter(guardian_id=father).exists()
    assert not Participant.objects.filter(guardian_id=father).exists()


def parent_children(actor: Actor) -> list[int]:
    assert actor.guardian_id is not None
    return list(
        GuardianLink.objects.filter(guardian_id=actor.guardian_id).values_list(
            "pupil_id", flat=True
        )
    )


def test_messaging_pages_show_real_content(built: dict[str, object]) -> None:
    parent = signed_in_client(login_user(built, "parent"))
    page = parent.get("/messages/").content.decode()
    assert "Checking in about Jack" in page and "Good news about Ella" in page
    jack = Conversation.objects.get(subject="Checking in about Jack")
    page = parent.get(f"/messages/{jack.pk}/").content.decode()
    assert "laptop" in page
    for role, path, wanted in (
        ("teacher", "/messages/", "Good news about"),
        ("pastoral", "/families/nudges/", "Waiting for approval"),
        ("leader", "/families/broadcasts/", "the head&#x27;s video"),
        ("office", "/families/unreachable/", "bounced or failed"),
        ("teacher", "/families/positive/", "Send praise"),
        ("advocate", f"/messages/pupil/{jack.pupil_id}/", "Met Jack and Ms Bennett"),
    ):
        response = signed_in_client(login_user(built, role)).get(path)
        assert response.status_code == 200, (role, path)
        assert wanted in response.content.decode(), (role, path)


def test_messaging_a_polish_family_reads_and_writes_polish(built: dict[str, object]) -> None:
    zuza = pupil("zuza")
    magdalena = Guardian.objects.get(links__pupil=zuza, preferred_language="pl", user__isnull=False)
    # Staff wrote in English from the phrasebook; she received the human translation.
    received = Delivery.objects.filter(guardian=magdalena, translation_method="phrasebook")
    assert received.filter(language="pl").count() >= 2
    assert "gwiazdą tygodnia" in " ".join(received.values_list("body", flat=True))
    # She answered in Polish; staff read it in English, and the Polish is kept.
    replies = Message.objects.filter(author_guardian=magdalena, language="pl")
    assert replies.filter(translation_method="phrasebook").count() >= 2
    asked = replies.get(body__startswith="Czy mogliby")
    assert asked.translation == "Could you phone me, please?"
    # The family liaison officer, who speaks Polish, joined the conversation and phoned.
    conversation = asked.conversation
    staff = set(
        Participant.objects.filter(conversation=conversation, staff__isnull=False).values_list(
            "staff__user__username", flat=True
        )
    )
    assert staff == {LOGIN_USERNAMES["pastoral"], LOGIN_USERNAMES["flo"]}
    assert ContactLog.objects.filter(pupil=zuza, guardian=magdalena, kind="call").exists()


def test_messaging_conversations_are_realistic(built: dict[str, object]) -> None:
    conversations = Conversation.objects.exclude(kind=ConversationKind.BROADCAST)
    assert conversations.filter(kind=ConversationKind.CONVERSATION).count() >= 24
    assert conversations.filter(kind=ConversationKind.CONVERSATION, pupil__isnull=True).exists()
    assert Message.objects.filter(author_guardian__isnull=False).count() >= 15
    # Over the last three to four weeks, none after the demo's morning (but the announcement
    # scheduled for Wednesday, which is dated when it goes out).
    first = conversations.order_by("created_at").values_list("created_at", flat=True)[0]
    assert MORNING - dt.timedelta(days=36) <= first <= MORNING - dt.timedelta(days=14)
    later = Message.objects.filter(created_at__gt=MORNING)
    assert set(later.values_list("broadcast__status", flat=True)) <= {BroadcastStatus.SCHEDULED}
    # Several members of staff in some.
    crowded = conversations.annotate(
        n=Count("participants", filter=Q(participants__staff__isnull=False))
    ).filter(n__gte=2)
    assert crowded.count() >= 3
    # A split family written to separately: the same subject, one parent in each.
    reviews = conversations.filter(subject__endswith=" review")
    split = reviews.values("subject", "pupil_id").annotate(n=Count("id"))
    assert [row["n"] for row in split] == [2]
    parents = Participant.objects.filter(conversation__in=reviews, guardian__isnull=False)
    assert parents.values("guardian_id").distinct().count() == 2
    assert parents.values("guardian__household_id").distinct().count() == 2
    # Every fate a copy can have.
    statuses = set(Delivery.objects.values_list("status", flat=True))
    assert {"sent", "delivered", "read", "replied", "bounced", "failed", "letter", "printed"} <= (
        statuses
    )
    # The bounced email that a text followed, and which was read.
    text = Delivery.objects.get(
        fallback_of__status="bounced",
        fallback_of__message__conversation__subject="Freya's online homework",
    )
    assert text.channel == "sms" and text.read_at is not None
    # The early warning saw each copy's fate.
    copy = Delivery.objects.filter(status="read", pupil__isnull=False, fallback_of=None).first()
    assert copy is not None
    row = FamilyMessage.objects.get(source_id=f"delivery:{copy.pk}")
    assert row.read_at == copy.read_at


def test_messaging_a_worker_sends_nothing_old(built: dict[str, object]) -> None:
    pending = Delivery.objects.filter(status__in=PENDING_STATUSES)
    assert not pending.filter(not_before__lte=MORNING + dt.timedelta(days=2)).exists()
    # What waits is the reminder scheduled for Wednesday, and nothing else.
    broadcasts = set(pending.values_list("message__broadcast__status", flat=True))
    assert broadcasts == {BroadcastStatus.SCHEDULED}
    scheduled = Broadcast.objects.get(status=BroadcastStatus.SCHEDULED)
    assert scheduled.scheduled_for is not None and scheduled.scheduled_for > MORNING
    # Every copy an outbox would have sent was sent, with a time in the past.
    sent = Delivery.objects.filter(channel__in=["email", "sms"]).exclude(
        status__in=PENDING_STATUSES
    )
    assert not sent.filter(sent_at=None).exists()
    assert not sent.filter(sent_at__gt=MORNING).exists()
    # The fallback sweep finds nothing to follow, this morning or this evening.
    for hour in (8, 18):
        moment = timezone.make_aware(dt.datetime.combine(DEMO_TODAY, dt.time(hour)))
        assert fallback_sweep(moment) == 0


def test_messaging_families_we_cannot_reach(built: dict[str, object]) -> None:
    school = School.objects.get(phase="secondary")
    families = reach.unreachable_families(school.pk, now=MORNING)
    failing = [f for f in families if "failing" in f.reasons]
    assert failing and all(f.letters_waiting for f in failing)
    waiting = letters.letters_waiting(school.pk)
    assert {d.guardian_id for d in waiting} >= {f.guardian.pk for f in failing}
    html = letters.letters_html(school, waiting)
    assert failing[0].guardian.display_name in html


def test_messaging_positive_notes_vary(built: dict[str, object]) -> None:
    school = School.objects.get(phase="secondary")
    teacher = actor_for(login_user(built, "teacher"))
    overview = positive_selectors.positive_overview(actor=teacher, school=school, today=DEMO_TODAY)
    assert 0 < len(overview.without_positive) < len(overview.balances)
    praised = [b for b in overview.balances if b.positive]
    assert praised and any(b.concern for b in overview.balances)
    # From a class list: several children of Ms Fletcher's form, each parent separately.
    form = Conversation.objects.filter(
        kind=ConversationKind.POSITIVE, created_by__user__username=LOGIN_USERNAMES["teacher"]
    )
    assert form.values("pupil_id").distinct().count() >= 2


def test_messaging_announcements_and_their_copies(built: dict[str, object]) -> None:
    year = Broadcast.objects.get(audience="year", status=BroadcastStatus.QUEUED)
    copies = Delivery.objects.filter(message__broadcast=year)
    assert copies.count() >= 10
    assert {"read", "delivered", "sent"} <= set(copies.values_list("status", flat=True))
    video = Broadcast.objects.get(audience="school")
    assert video.video_link.startswith("https://") and not video.video
    assert "Watch the video" in video.body


def test_messaging_weekly_summaries_wait_for_their_approver(built: dict[str, object]) -> None:
    school = School.objects.get(phase="secondary")
    batch = NudgeBatch.objects.get(school=school)
    assert batch.status == NudgeBatchStatus.DRAFT
    assert batch.week_starting == DEMO_TODAY - dt.timedelta(days=7)
    assert batch.nudges.exists() and not batch.nudges.exclude(message=None).exists()
    assert summaries_selectors.may_approve(actor_for(login_user(built, "pastoral")), school.pk)
    assert not summaries_selectors.may_approve(actor_for(login_user(built, "leader")), school.pk)


def test_messaging_contact_log_covers_the_watchlist(built: dict[str, object]) -> None:
    contacts = ContactLog.objects.all()
    assert {"call", "meeting", "visit"} <= set(contacts.values_list("kind", flat=True))
    assert len(set(contacts.values_list("outcome", flat=True))) >= 4
    flagged = Flag.objects.values_list("pupil_id", flat=True)
    assert contacts.filter(pupil_id__in=flagged).values("pupil_id").distinct().count() >= 5
    assert not contacts.filter(happened_at__gt=MORNING).exists()
    # The scripted stories: Tyler's calls and visit, the Turners' home visit.
    assert contacts.filter(pupil=pupil("tyler"), kind="visit").exists()
    assert contacts.filter(pupil=pupil("mason"), kind="visit", outcome="spoke").exists()

"""What families read, in their language's grammar: the child's gender where the language shows
it, subject lines translated like the body, and a reply in English recognised as English."""

from __future__ import annotations

import datetime as dt
import email.message
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from schoolwindow.messaging.conversations.services import conversation_start
from schoolwindow.messaging.delivery.inbound import email_receive
from schoolwindow.messaging.delivery.outbox import outbox_drain
from schoolwindow.messaging.models import (
    Delivery,
    DeliveryStatus,
    InboundOutcome,
    Message,
    MessagingSettings,
)
from schoolwindow.messaging.translation.detect import looks_english
from schoolwindow.messaging.translation.phrasebook import (
    PHRASES,
    PHRASES_BY_KEY,
    SUBJECT_PHRASES,
    grammatical_gender,
    phrase_match,
)
from schoolwindow.messaging.translation.services import (
    render_for_family,
    subject_for_family,
    translate_to_english,
)
from schoolwindow.people.actors import actor_for
from schoolwindow.people.models import Channel
from tests.conftest import signed_in_client
from tests.messaging.outbox_support import SmtpSink
from tests.world import World, build_world

# A slash or a bracketed ending is how a text dodges gender: "nieobecny(a)", "niego/niej".
DODGE = re.compile(r"\w\([a-ząęółśżźćńy]{1,3}\)|\w/\w")


@pytest.mark.parametrize("phrase", PHRASES + SUBJECT_PHRASES, ids=lambda phrase: phrase.key)
def test_no_text_a_family_reads_dodges_gender_with_a_slash(phrase: Any) -> None:
    for language in phrase.texts:
        for text in phrase.variants(language):
            assert not DODGE.search(text), (phrase.key, language, text)
    for language, (masculine, feminine) in phrase.gendered.items():
        assert masculine != feminine != phrase.texts[language]
        for text in (masculine, feminine):
            assert (
                phrase_match(text.format(child="Ola", school="Hill"), language) is not None
                or "{school}" in text
            )
            assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", phrase.english))


def test_every_polish_phrase_about_what_the_child_did_has_both_forms() -> None:
    # The Polish past tense shows gender (wrócił / wróciła): each such phrase has both forms.
    past = re.compile(r"\{child\} (\w+ )?(\w+ )?\w+ł[a]? |\w+ł[a]? się")
    gendered = {phrase.key for phrase in PHRASES if "pl" in phrase.gendered}
    assert len(gendered) >= 15
    for phrase in PHRASES:
        if phrase.key not in gendered:
            assert not past.search(phrase.texts["pl"]), phrase.key


@pytest.mark.parametrize(
    ("recorded", "expected"),
    [("F", "f"), ("female", "f"), ("Girl", "f"), ("M", "m"), ("Male", "m"), ("", ""), ("X", "")],
)
def test_the_recorded_gender_is_read_as_schools_write_it(recorded: str, expected: str) -> None:
    assert grammatical_gender(recorded) == expected


@pytest.mark.parametrize(
    ("gender", "expected"),
    [
        ("f", "Ola wykonała dziś świetną pracę. Jesteśmy z niej bardzo dumni."),
        ("m", "Ola wykonał dziś świetną pracę. Jesteśmy z niego bardzo dumni."),
        (
            "",
            "Ola ma dziś za sobą świetnie wykonaną pracę. Jesteśmy bardzo dumni z Państwa dziecka.",
        ),
    ],
)
def test_the_polish_text_follows_the_childs_gender(gender: str, expected: str) -> None:
    rendering = render_for_family(
        body="Ola did some great work today. We are very proud of them.",
        language="pl",
        phrase_key="praise.great_work",
        fields={"child": "Ola", "school": "Hill"},
        gender=gender,
    )
    assert (rendering.text, rendering.method) == (expected, "phrasebook")


def test_subjects_are_translated_like_the_body() -> None:
    assert subject_for_family(subject="Good news about Ola", language="pl") == ("Dobre wieści: Ola")
    assert subject_for_family(subject="Re: This week for Ola", language="ro") == (
        "Re: Săptămâna aceasta pentru Ola"
    )
    # Nothing to translate it with (no machine provider): the English stays.
    assert subject_for_family(subject="Sports day", language="pl") == "Sports day"
    assert subject_for_family(subject="Good news about Ola", language="en") == (
        "Good news about Ola"
    )


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Yes, we will read every evening.", "pl"),
        ("Thanks, she will be back tomorrow.", "pl"),
        ("Sorry, I can't come on Friday. Can we do Monday?", "ro"),
        ("OK thank you", "pl"),
        ("He is ill today", "ur"),
    ],
)
def test_an_english_reply_is_recognised(text: str, language: str) -> None:
    assert looks_english(text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Dziękuję, będziemy czytać codziennie.", "pl"),
        ("Tak, jutro przyjdzie do szkoły", "pl"),
        ("Nu pot veni vineri, îmi pare rău.", "ro"),
        ("Da, multumesc", "ro"),
        ("شکریہ، وہ کل آئے گا\u06d4", "ur"),
        ("ধন্যবাদ", "bn"),
        ("ok", "pl"),  # too little to tell: the family's language is kept
    ],
)
def test_a_reply_in_the_familys_language_is_not_taken_for_english(text: str, language: str) -> None:
    assert not looks_english(text, language)


def test_an_english_reply_from_a_polish_family_is_not_translated() -> None:
    english = translate_to_english(text="Yes, we will read every evening.", language="pl")
    assert (english.text, english.language, english.method) == (
        "Yes, we will read every evening.",
        "en",
        "original",
    )
    polish = translate_to_english(text="Tak, będziemy czytać codziennie.", language="pl")
    assert (polish.language, polish.method) == ("pl", "untranslated")


def plain_text(message: email.message.EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


# --- Through the outbox and a real SMTP server, and back in by email -------------------------


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture
def world(settings: Any, sink: SmtpSink) -> World:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.MESSAGING_REPLY_DOMAIN = "reply.test.example"
    built = build_world()
    MessagingSettings.objects.create(
        school=built.secondary, quiet_from=dt.time(0, 0), quiet_until=dt.time(0, 0)
    )
    built.parent.preferred_language = "pl"
    built.parent.preferred_channel = Channel.EMAIL
    built.parent.save()
    return built


def start(world: World, subject: str, body: str, phrase_key: str = "") -> None:
    user = world.staff["teacher"].user
    assert user is not None
    conversation_start(
        actor=actor_for(user),
        school_id=world.secondary.pk,
        pupil_id=world.pupil.pk,
        guardian_ids=[world.parent.pk],
        subject=subject,
        body=body,
        phrase_key=phrase_key,
        needs_reply=True,
    )


@pytest.mark.django_db
def test_a_polish_family_gets_the_girls_form_and_a_polish_subject_by_email(
    world: World, sink: SmtpSink
) -> None:
    world.pupil.gender = "F"
    world.pupil.save()
    child = world.pupil.first_name
    phrase = PHRASES_BY_KEY["attendance.welcome_back"]
    start(
        world,
        f"Good news about {child}",
        phrase.english.format(child=child),
        phrase_key=phrase.key,
    )
    outbox_drain(until_idle=True)

    [received] = sink.handler.by_recipient()[world.parent.email]
    assert received.message["Subject"] == f"Dobre wieści: {child}"
    text = plain_text(received.message)
    assert f"Bardzo się cieszymy, że {child} wróciła dziś do szkoły." in text
    assert "(a)" not in text


@pytest.mark.django_db
def test_a_pupil_with_no_recorded_gender_gets_the_neutral_polish(
    world: World, sink: SmtpSink
) -> None:
    world.pupil.gender = ""
    world.pupil.save()
    child = world.pupil.first_name
    phrase = PHRASES_BY_KEY["attendance.late"]
    start(world, "Late today", phrase.english.format(child=child), phrase_key=phrase.key)
    outbox_drain(until_idle=True)
    [received] = sink.handler.by_recipient()[world.parent.email]
    text = plain_text(received.message)
    assert f"Odnotowaliśmy dziś rano spóźnienie do szkoły: {child}." in text


@pytest.mark.django_db
def test_an_english_email_reply_from_a_polish_family_reaches_staff_as_english(
    world: World, sink: SmtpSink
) -> None:
    start(world, "Reading", "Could you read with your child for ten minutes each evening?")
    outbox_drain(until_idle=True)
    delivery = Delivery.objects.get(guardian=world.parent)
    assert delivery.status == DeliveryStatus.SENT
    raw = (
        f"From: Parent <{world.parent.email}>\r\n"
        f"To: <reply+{delivery.reply_token}@reply.test.example>\r\n"
        "Subject: Re: Reading\r\nMessage-ID: <en1@mail.example>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Yes, we will read with him every evening. Thank you!\r\n"
    ).encode()
    inbound = email_receive(raw)
    assert inbound.outcome == InboundOutcome.REPLY
    reply = Message.objects.get(author_guardian=world.parent)
    assert (reply.language, reply.translation, reply.translation_method) == ("en", "", "")

    user = world.staff["teacher"].user
    assert user is not None
    page = signed_in_client(user).get(
        reverse("messaging:conversation", kwargs={"conversation_id": reply.conversation_id})
    )
    html = page.content.decode()
    assert "Yes, we will read with him every evening." in html
    assert "Written in Polski" not in html and "Written in Polish" not in html


@pytest.mark.django_db
def test_a_polish_parent_reads_their_childs_birthday_with_the_month_in_the_genitive(
    world: World,
) -> None:
    world.pupil.date_of_birth = dt.date(2014, 12, 5)
    world.pupil.save()
    assert world.parent.user is not None
    client = signed_in_client(world.parent.user)
    client.post(reverse("language_set"), {"language": "pl", "next": "/"})
    page = client.get(reverse("pupil_detail", kwargs={"pupil_id": world.pupil.pk}))
    html = page.content.decode()
    assert "5 grudnia 2014" in html
    assert "grudzień" not in html.lower()

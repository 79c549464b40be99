# ruff: noqa: RUF001 — texts in Urdu and Arabic script
"""The phrasebook, right-to-left languages, and turning messages into each family's language
(and replies back into English): phrasebook first, then a machine provider, never a lost message.

The machine provider is tested against a real local HTTP server standing in for LibreTranslate.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.template import Context, Template
from django.urls import reverse

from schoolwindow.messaging.conversations.services import (
    conversation_start,
    guardian_message_create,
)
from schoolwindow.messaging.models import Delivery, Message, MessagingSettings
from schoolwindow.messaging.translation.phrasebook import (
    ALLOWED_FIELDS,
    CATEGORIES,
    FAMILY_UI_TEXT,
    PHRASEBOOK_LANGUAGES,
    PHRASES,
    PHRASES_BY_KEY,
    family_ui_text,
    phrase_match,
)
from schoolwindow.messaging.translation.services import (
    LibreTranslateProvider,
    PhrasebookProvider,
    Rendering,
    TranslationError,
    TranslationProvider,
    base_language,
    is_rtl,
    machine_cache,
    machine_provider,
    render_for_family,
    translate_to_english,
)
from schoolwindow.people.actors import actor_for
from tests.conftest import signed_in_client
from tests.world import World, build_world

# Each language's script: every translation must be written in it.
SCRIPTS = {
    "ur": re.compile(r"[\u0600-\u06FF]"),
    "ar": re.compile(r"[\u0600-\u06FF]"),
    "pa": re.compile(r"[\u0A00-\u0A7F]"),
    "bn": re.compile(r"[\u0980-\u09FF]"),
    "pl": re.compile(r"[A-Za-ząćęłńóśźżĄĆĘŁŃÓŚŹŻ]"),
    "ro": re.compile(r"[A-Za-zăâîșțĂÂÎȘȚ]"),
}
KACPER = {"child": "Kacper", "school": "Hill Secondary"}


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    machine_cache.clear()
    yield
    machine_cache.clear()


# --- The phrasebook itself -----------------------------------------------------------------------


def test_the_phrasebook_has_at_least_forty_phrases_and_ten_positive_notes() -> None:
    assert len(PHRASES) >= 40
    assert len({phrase.key for phrase in PHRASES}) == len(PHRASES)
    assert sum(phrase.category == "praise" for phrase in PHRASES) >= 10
    assert {phrase.category for phrase in PHRASES} == set(CATEGORIES)
    assert PHRASES_BY_KEY["praise.great_work"].english == (
        "{child} did some great work today. We are very proud of them."
    )
    assert PHRASES_BY_KEY["reply.thanks_for_letting_us_know"].english == (
        "Thank you for letting us know."
    )


@pytest.mark.parametrize("phrase", PHRASES, ids=lambda phrase: phrase.key)
def test_every_phrase_has_all_six_translations_with_the_same_fields(phrase: Any) -> None:
    assert set(phrase.texts) == {"en", *PHRASEBOOK_LANGUAGES}
    english_fields = phrase.fields("en")
    assert english_fields <= ALLOWED_FIELDS
    for language in PHRASEBOOK_LANGUAGES:
        text = phrase.texts[language]
        assert text.strip() == text and text, (phrase.key, language)
        assert phrase.fields(language) == english_fields, (phrase.key, language)
        assert text.format(child="Kacper", school="Hill Secondary")  # no stray braces
        assert SCRIPTS[language].search(text), (phrase.key, language)
        assert text != phrase.english, (phrase.key, language)
    # Right-to-left texts use their own question mark, never the Latin one.
    for language in ("ur", "ar"):
        assert "?" not in phrase.texts[language], (phrase.key, language)
    # Urdu ends sentences with the Urdu full stop; Punjabi and Bengali with the danda.
    assert not phrase.texts["ur"].endswith("."), phrase.key
    assert not phrase.texts["pa"].endswith("."), phrase.key
    assert not phrase.texts["bn"].endswith("."), phrase.key


def test_the_words_around_a_message_exist_in_every_language() -> None:
    for key, texts in FAMILY_UI_TEXT.items():
        assert set(texts) >= {"en", *PHRASEBOOK_LANGUAGES}, key
        for language in PHRASEBOOK_LANGUAGES:
            assert SCRIPTS[language].search(texts[language]), (key, language)
    assert family_ui_text("reply", "pl") == "Odpowiedz"
    assert family_ui_text("read_and_reply", "ar-SA") == "القراءة والرد في School Window"
    assert family_ui_text("untranslated_note", "en") == (
        "This message is in English. You can reply in your own language — we will translate it."
    )
    # A language without its own words gets the English ones.
    assert family_ui_text("translated_note", "so") == "This message was translated from English."
    assert "{school}" in family_ui_text("message_from", "ur")
    with pytest.raises(KeyError):
        family_ui_text("no such words", "pl")


# --- Right to left ------------------------------------------------------------------------------


def test_right_to_left_languages_are_detected() -> None:
    for language in ("ar", "ur", "ar-SA", "UR", "fa", "he"):
        assert is_rtl(language), language
    for language in ("pl", "ro", "pa", "bn", "en", "en-gb", ""):
        assert not is_rtl(language), language
    assert base_language("pl-PL") == "pl"
    assert base_language("") == "en"


def test_template_filters_give_direction_and_the_languages_own_name() -> None:
    html = Template(
        "{% load messaging_language %}"
        "{% for code in codes %}<p lang='{{ code }}' dir='{{ code|text_dir }}'>"
        "{{ code|language_own_name }}</p>{% endfor %}"
    ).render(Context({"codes": ["ar", "ur", "pl", "pa", "bn", "ro", "en", "de", "xx"]}))
    assert "<p lang='ar' dir='rtl'>العربية</p>" in html
    assert "<p lang='ur' dir='rtl'>اردو</p>" in html
    assert "<p lang='pl' dir='ltr'>Polski</p>" in html
    assert "<p lang='pa' dir='ltr'>ਪੰਜਾਬੀ</p>" in html
    assert "<p lang='bn' dir='ltr'>বাংলা</p>" in html
    assert "<p lang='ro' dir='ltr'>Română</p>" in html
    assert "<p lang='de' dir='ltr'>Deutsch</p>" in html  # Django knows German's own name
    assert "<p lang='xx' dir='ltr'>xx</p>" in html  # unknown codes stay as they are


# --- Messages to families: the phrasebook ---------------------------------------------------------


def test_a_phrase_reaches_each_family_in_their_language() -> None:
    body = "Kacper did some great work today. We are very proud of them."
    expected = {
        "pl": (
            "Kacper ma dziś za sobą świetnie wykonaną pracę. Jesteśmy bardzo dumni z Państwa"
            " dziecka."
        ),
        "ur": "Kacper نے آج بہت اچھا کام کیا۔ ہمیں ان پر بہت فخر ہے۔",
        "ar": "كان عمل Kacper اليوم رائعاً. نحن فخورون جداً بطفلكم.",
        "bn": "Kacper আজ খুব ভালো কাজ করেছে। আমরা ওকে নিয়ে খুব গর্বিত।",
    }
    for language, text in expected.items():
        rendering = render_for_family(
            body=body, language=language, phrase_key="praise.great_work", fields=KACPER
        )
        assert rendering == Rendering(text, language, "phrasebook")
    english = render_for_family(
        body=body, language="en-gb", phrase_key="praise.great_work", fields=KACPER
    )
    assert english == Rendering(body, "en", "original")


def test_the_school_field_is_filled_and_a_missing_field_never_fails() -> None:
    body = "Welcome to Hill Secondary! We are very happy that Kacper has joined us."
    rendering = render_for_family(
        body=body, language="ro", phrase_key="general.welcome", fields=KACPER
    )
    assert rendering.method == "phrasebook"
    assert rendering.text == (
        "Bun venit la Hill Secondary! Ne bucurăm foarte mult că Kacper face acum parte din"
        " comunitatea noastră."
    )
    # Only {child} known (an older caller): the school's name is left out, nothing breaks.
    raw = PHRASES_BY_KEY["general.welcome"].english
    partial = render_for_family(
        body=raw, language="pa", phrase_key="general.welcome", fields={"child": "Kacper"}
    )
    assert partial.method == "phrasebook"
    assert partial.text.startswith(" ਵਿੱਚ ਜੀ ਆਇਆਂ ਨੂੰ!") and "Kacper" in partial.text


def test_a_phrase_left_with_its_placeholders_is_filled_in_for_everyone() -> None:
    raw = PHRASES_BY_KEY["events.pe_kit"].english
    english = render_for_family(body=raw, language="en", phrase_key="events.pe_kit", fields=KACPER)
    assert english == Rendering(
        "Kacper has PE tomorrow. Please remember the PE kit.", "en", "original"
    )
    polish = render_for_family(body=raw, language="pl", phrase_key="events.pe_kit", fields=KACPER)
    assert polish.text == "Jutro Kacper ma WF. Prosimy pamiętać o stroju sportowym."


def test_an_english_message_that_is_exactly_a_phrase_is_translated_without_a_key() -> None:
    rendering = render_for_family(body="Thank you for letting us know.", language="ur")
    assert rendering == Rendering("ہمیں بتانے کا شکریہ۔", "ur", "phrasebook")
    with_name = render_for_family(
        body="kacper has PE tomorrow.  Please remember the PE kit", language="bn", fields=KACPER
    )
    assert with_name.method == "phrasebook"
    assert with_name.text.startswith("আগামীকাল kacper-এর পিই")


def test_a_phrase_changed_after_picking_is_not_sent_as_the_phrase() -> None:
    body = "Kacper did some great work today in maths. We are very proud of them."
    rendering = render_for_family(
        body=body, language="pl", phrase_key="praise.great_work", fields=KACPER
    )
    assert rendering.method == "untranslated"
    assert rendering.language == "en"
    assert rendering.text == (
        "Ta wiadomość jest po angielsku. Mogą Państwo odpowiedzieć w swoim języku — my ją"
        " przetłumaczymy.\n\n" + body
    )


def test_without_a_phrase_or_provider_the_english_goes_with_a_note_in_their_language() -> None:
    body = "The library will open at 8am from Monday."
    for language in ("ur", "ar", "pa", "bn", "ro", "pl"):
        rendering = render_for_family(body=body, language=language, fields=KACPER)
        assert rendering.method == "untranslated"
        assert rendering.text == f"{family_ui_text('untranslated_note', language)}\n\n{body}"
    somali = render_for_family(body=body, language="so")
    assert somali.text.startswith("This message is in English.")


# --- Replies from families ------------------------------------------------------------------------


def test_a_reply_that_is_a_phrase_is_translated_into_english() -> None:
    assert translate_to_english(text="Dziękujemy za informację.", language="pl") == Rendering(
        "Thank you for letting us know.", "pl", "phrasebook"
    )
    # Spacing, case and the final full stop do not matter; the child's name comes through.
    assert translate_to_english(
        text="  kacper źle się dziś czuje i nie przyjdzie do szkoły ", language="pl"
    ) == Rendering("kacper is unwell today and will not be in school.", "pl", "phrasebook")
    assert translate_to_english(text="شکریہ", language="ur").text == "Thank you."
    assert translate_to_english(text="ধন্যবাদ।", language="bn-BD").text == "Thank you."
    assert translate_to_english(
        text="نعتذر عن غياب Amira اليوم عن المدرسة بسبب المرض.", language="ar"
    ).text == ("Amira is unwell today and will not be in school.")


def test_a_reply_that_is_not_a_phrase_stays_untranslated_without_a_provider() -> None:
    rendering = translate_to_english(text="Kacper był dziś u dentysty.", language="pl")
    assert rendering == Rendering("", "pl", "untranslated")
    assert translate_to_english(text="Hello", language="en") == Rendering("Hello", "en", "original")
    assert phrase_match("", "pl") is None


def test_the_phrasebook_provider_works_both_ways_and_refuses_the_rest() -> None:
    provider = PhrasebookProvider()
    assert isinstance(provider, TranslationProvider)
    assert provider.translate("Thank you.", source="en", target="ro") == "Mulțumesc."
    assert provider.translate("Mulțumesc", source="ro", target="en") == "Thank you."
    with pytest.raises(TranslationError):
        provider.translate("Something else entirely.", source="en", target="pl")


# --- A machine provider: a real HTTP server standing in for LibreTranslate ---------------------


@dataclass
class FakeLibreTranslate:
    url: str
    mode: str = "ok"  # ok, slow, error, garbage
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def libretranslate(settings: Any) -> Iterator[FakeLibreTranslate]:
    state = FakeLibreTranslate(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            payload = json.loads(self.rfile.read(length))
            state.requests.append({"path": self.path, **payload})
            if state.mode == "slow":
                time.sleep(1.5)
            if state.mode == "error":
                self.send_response(500)
                self.end_headers()
                self.wfile.write(b'{"error": "boom"}')
                return
            answer = (
                b"<html>not json</html>"
                if state.mode == "garbage"
                else json.dumps(
                    {"translatedText": f"[{payload['target']}] {payload['q']}"}
                ).encode()
            )
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(answer)
            except OSError:  # the client gave up (the timeout test)
                pass

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.TRANSLATION_PROVIDER = "libretranslate"
    settings.TRANSLATION_URL = state.url + "/"
    settings.TRANSLATION_API_KEY = "secret-key"
    settings.TRANSLATION_TIMEOUT = 0.5
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_the_default_is_the_phrasebook_alone(settings: Any) -> None:
    settings.TRANSLATION_PROVIDER = "phrasebook"
    assert machine_provider() is None
    settings.TRANSLATION_PROVIDER = "libretranslate"
    settings.TRANSLATION_URL = "http://127.0.0.1:9"
    assert isinstance(machine_provider(), LibreTranslateProvider)


def test_a_message_with_no_phrase_goes_through_libretranslate_once(
    libretranslate: FakeLibreTranslate,
) -> None:
    body = "The library will open at 8am from Monday."
    rendering = render_for_family(body=body, language="ur", fields=KACPER)
    assert rendering == Rendering(f"[ur] {body}", "ur", "machine:libretranslate")
    assert libretranslate.requests == [
        {
            "path": "/translate",
            "q": body,
            "source": "en",
            "target": "ur",
            "format": "text",
            "api_key": "secret-key",
        }
    ]
    # A second family with the same language: from the cache, not the server.
    assert render_for_family(body=body, language="ur-PK").method == "machine:libretranslate"
    assert len(libretranslate.requests) == 1
    # The phrasebook still wins for phrases: no request at all.
    phrase = render_for_family(body="Thank you for letting us know.", language="ar")
    assert phrase.method == "phrasebook"
    assert len(libretranslate.requests) == 1


def test_a_reply_goes_through_libretranslate_when_it_is_not_a_phrase(
    libretranslate: FakeLibreTranslate,
) -> None:
    rendering = translate_to_english(text="Kacper był dziś u dentysty.", language="pl")
    assert rendering == Rendering(
        "[en] Kacper był dziś u dentysty.", "pl", "machine:libretranslate"
    )
    assert libretranslate.requests[-1]["source"] == "pl"
    assert libretranslate.requests[-1]["target"] == "en"
    # A reply that is a phrase needs no machine.
    assert translate_to_english(text="Dziękuję.", language="pl").method == "phrasebook"
    assert len(libretranslate.requests) == 1


@pytest.mark.parametrize("mode", ["slow", "error", "garbage"])
def test_a_failing_provider_never_loses_the_message(
    libretranslate: FakeLibreTranslate, mode: str
) -> None:
    libretranslate.mode = mode
    body = "Sports day is moved to Thursday."
    started = time.monotonic()
    rendering = render_for_family(body=body, language="bn")
    assert time.monotonic() - started < 1.4  # the timeout, not the server's delay
    assert rendering.method == "untranslated"
    assert rendering.text.endswith(body)
    assert rendering.text.startswith(family_ui_text("untranslated_note", "bn"))
    assert translate_to_english(text="কাল দেখা হবে", language="bn") == Rendering(
        "", "bn", "untranslated"
    )
    assert len(libretranslate.requests) == 2
    # Failures are not cached: when the server is back, the next copy is translated.
    libretranslate.mode = "ok"
    assert render_for_family(body=body, language="bn").method == "machine:libretranslate"


class ShoutingProvider:
    """A provider of our own, plugged in by its dotted path."""

    name = "shouting"

    def translate(self, text: str, *, source: str, target: str) -> str:
        if "crash" in text:
            raise RuntimeError("a bug in the provider")
        return f"{target}: {text.upper()}"


def test_any_provider_can_be_plugged_in_by_its_dotted_path(settings: Any) -> None:
    settings.TRANSLATION_PROVIDER = f"{__name__}.ShoutingProvider"
    assert render_for_family(body="See you soon.", language="ro") == Rendering(
        "ro: SEE YOU SOON.", "ro", "machine:shouting"
    )
    assert translate_to_english(text="Pa", language="ro").method == "machine:shouting"
    # Its bugs, and a provider that cannot be loaded, still never lose the message.
    assert render_for_family(body="This will crash.", language="ro").method == "untranslated"
    settings.TRANSLATION_PROVIDER = "no.such.Provider"
    assert render_for_family(body="See you soon.", language="ro").method == "untranslated"
    settings.TRANSLATION_PROVIDER = "libretranslate"
    settings.TRANSLATION_URL = ""
    assert render_for_family(body="See you soon.", language="ro").method == "untranslated"


def test_an_unreachable_provider_falls_back_too(settings: Any) -> None:
    settings.TRANSLATION_PROVIDER = "libretranslate"
    settings.TRANSLATION_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    settings.TRANSLATION_TIMEOUT = 0.5
    assert render_for_family(body="See you soon.", language="pl").method == "untranslated"


# --- Through the services: copies and replies stored with their translation -------------------


@pytest.fixture
def world(db: None) -> World:
    w = build_world()
    MessagingSettings.objects.create(
        school=w.secondary, quiet_from=dt.time(23, 59), quiet_until=dt.time(0, 0)
    )
    return w


def start(world: World, body: str, phrase_key: str = "") -> Message:
    [conversation] = conversation_start(
        actor=actor_for(world.staff["pastoral"].user),
        school_id=world.secondary.pk,
        pupil_id=world.pupil.pk,
        guardian_ids=[world.parent.pk],
        subject="Hello",
        body=body,
        phrase_key=phrase_key,
    )
    return Message.objects.get(conversation=conversation)


def test_a_phrase_with_the_school_field_is_sent_filled_in(world: World) -> None:
    message = start(
        world,
        "Welcome to Hill Secondary! We are very happy that Kacper has joined us.",
        phrase_key="general.welcome",
    )
    copy = Delivery.objects.get(message=message)
    assert copy.translation_method == "phrasebook"
    assert copy.body == (
        f"Witamy w szkole {world.secondary.name}! Bardzo się cieszymy, że Kacper jest teraz z nami."
    )


def test_a_familys_reply_that_is_a_phrase_is_stored_with_its_english(world: World) -> None:
    message = start(world, "Kacper has PE tomorrow. Please remember the PE kit.")
    copy = Delivery.objects.get(message=message)
    assert copy.translation_method == "phrasebook" and copy.language == "pl"
    reply = guardian_message_create(
        conversation=message.conversation,
        guardian_id=world.parent.pk,
        body="Dziękujemy za informację.",
        actor=actor_for(world.parent.user),
        replying_to=copy,
    )
    reply.refresh_from_db()
    assert reply.body == "Dziękujemy za informację."
    assert reply.language == "pl"
    assert reply.translation == "Thank you for letting us know."
    assert reply.translation_method == "phrasebook"
    # Staff see the English labelled as the phrasebook's, not as a machine's guess.
    url = reverse("messaging:conversation", args=[message.conversation_id])
    page = signed_in_client(world.staff["pastoral"].user).get(url).content.decode()
    assert "In English (from the phrasebook)" in page
    assert "machine translation)" not in page


def test_a_copy_through_the_machine_provider_is_marked_so(
    world: World, libretranslate: FakeLibreTranslate
) -> None:
    message = start(world, "The library will open at 8am from Monday.")
    copy = Delivery.objects.get(message=message)
    assert copy.translation_method == "machine:libretranslate"
    assert copy.language == "pl"
    assert copy.body == "[pl] The library will open at 8am from Monday."

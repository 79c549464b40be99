"""Staff write in English; each family reads in its own language.

`render_for_family` decides what a family receives: the phrasebook's human translation when the
message came from a phrase (and was not changed after it was picked), otherwise the configured
machine-translation provider, otherwise the English with a short note in the family's language.
`translate_to_english` does the reverse for replies: a reply that is exactly a phrase in the
family's language gets the phrase's English; a reply written in English is kept as it is
(`detect.looks_english`); otherwise the machine provider; otherwise staff see the original
only. The method is stored with each copy, so staff see how the text was made.

Providers are pluggable (`TranslationProvider`): settings.TRANSLATION_PROVIDER is "phrasebook"
(the default: no machine translation), "libretranslate" (TRANSLATION_URL, TRANSLATION_API_KEY),
or the dotted path of a class taking no arguments. A provider that fails (timeout, HTTP error,
nonsense answer) never loses a message: the copy goes untranslated. Machine translations are
cached in memory (a small LRU), so a broadcast to 500 Polish families asks once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import urllib.error
import urllib.request
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

from schoolwindow.core.dates import long_date, weekday_date
from schoolwindow.messaging.translation.detect import looks_english
from schoolwindow.messaging.translation.phrasebook import (
    PHRASEBOOK_LANGUAGES,
    PHRASES_BY_KEY,
    RTL_LANGUAGES,
    SUBJECT_PHRASES,
    Phrase,
    family_ui_text,
    normalise,
    phrase_fill,
    phrase_match,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rendering:
    text: str
    language: str
    method: str  # "original", "phrasebook", "machine:<provider>", "untranslated"


def is_rtl(language: str) -> bool:
    return (language or "").split("-")[0].lower() in RTL_LANGUAGES


def base_language(language: str) -> str:
    return (language or "en").split("-")[0].lower()


def date_for_family(day: dt.date, language: str) -> str:
    """A date as a letter or message in `language` writes it: the day, the month's name in the
    case a date needs (the genitive in Polish: "5 grudnia", not "5 grudzień") and the year."""
    return long_date(day, base_language(language))


def weekday_for_family(day: dt.date, language: str) -> str:
    """A day of the coming week as a message in `language` writes it: "Friday 11 December",
    "piątek 11 grudnia"."""
    return weekday_date(day, base_language(language))


# --- Providers --------------------------------------------------------------------------------


class TranslationError(Exception):
    """The provider could not translate this text (down, slow, refused, or said nonsense)."""


@runtime_checkable
class TranslationProvider(Protocol):
    """Translates plain text between two language codes ("en", "pl", ...) or raises
    TranslationError. `name` is stored in the method ("machine:<name>")."""

    name: str

    def translate(self, text: str, *, source: str, target: str) -> str: ...


class PhrasebookProvider:
    """Exact phrasebook matches both ways; anything else is not translated (TranslationError)."""

    name = "phrasebook"

    def translate(self, text: str, *, source: str, target: str) -> str:
        found = phrase_match(text, base_language(source))
        target = base_language(target)
        if found is None or target not in found[0].texts:
            raise TranslationError("not in the phrasebook")
        phrase, fields = found
        return phrase_fill(phrase.texts[target], fields)


class LibreTranslateProvider:
    """LibreTranslate's HTTP API: POST {url}/translate with q, source, target, format, api_key."""

    name = "libretranslate"

    def __init__(self, url: str, api_key: str = "", timeout: float = 5.0) -> None:
        if not url:
            raise ValueError("TRANSLATION_URL is needed for LibreTranslate")
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def translate(self, text: str, *, source: str, target: str) -> str:
        payload = {"q": text, "source": source, "target": target, "format": "text"}
        if self.api_key:
            payload["api_key"] = self.api_key
        request = urllib.request.Request(
            f"{self.url}/translate",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            raise TranslationError(f"LibreTranslate answered HTTP {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise TranslationError(f"LibreTranslate unreachable: {error}") from error
        except ValueError as error:  # not JSON, or not UTF-8
            raise TranslationError("LibreTranslate sent something that is not JSON") from error
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if not isinstance(translated, str) or not translated.strip():
            raise TranslationError("LibreTranslate sent no translation")
        return translated


def machine_provider() -> TranslationProvider | None:
    """The configured machine provider, or None (the default, "phrasebook", has none)."""
    choice = str(getattr(settings, "TRANSLATION_PROVIDER", "phrasebook") or "phrasebook").strip()
    if choice.lower() in ("", "phrasebook", "none"):
        return None
    if choice.lower() == "libretranslate":
        return LibreTranslateProvider(
            url=str(getattr(settings, "TRANSLATION_URL", "")),
            api_key=str(getattr(settings, "TRANSLATION_API_KEY", "")),
            timeout=float(getattr(settings, "TRANSLATION_TIMEOUT", 5.0)),
        )
    provider = import_string(choice)()
    if not isinstance(provider, TranslationProvider):
        raise TypeError(f"{choice} is not a TranslationProvider")
    return provider


class TranslationCache:
    """A small thread-safe LRU of machine translations (successes only)."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, str, str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str, str]) -> str | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple[str, str, str, str], value: str) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


machine_cache = TranslationCache()


def machine_translate(text: str, *, source: str, target: str) -> Rendering | None:
    """The machine provider's translation, cached; None when there is none or it failed."""
    try:
        provider = machine_provider()
    except (ImportError, ValueError, TypeError):
        logger.exception("TRANSLATION_PROVIDER is not set up right: sending untranslated")
        return None
    if provider is None:
        return None
    key = (provider.name, source, target, text)
    translated = machine_cache.get(key)
    if translated is None:
        try:
            translated = provider.translate(text, source=source, target=target)
        except TranslationError as error:
            logger.warning("Machine translation %s→%s failed: %s", source, target, error)
            return None
        except Exception:  # a provider's own bug must not lose the message either
            logger.exception("Machine translation %s→%s failed", source, target)
            return None
        machine_cache.put(key, translated)
    return Rendering(translated, target, f"machine:{provider.name}")


# --- What a family receives, and what staff read ----------------------------------------------


def _phrase_for(
    body: str, phrase_key: str, fields: dict[str, str] | None
) -> tuple[Phrase, dict[str, str]] | None:
    """The phrase this body came from, if it still says exactly that, and its field values."""
    phrase = PHRASES_BY_KEY.get(phrase_key) if phrase_key else None
    if phrase is None:
        return phrase_match(body, "en")
    wanted = normalise(body).casefold()
    if fields is not None and wanted == normalise(phrase_fill(phrase.english, fields)).casefold():
        return phrase, fields
    if wanted == normalise(phrase.english).casefold():
        return phrase, dict(fields or {})
    found = phrase_match(body, "en")
    if found is not None and found[0].key == phrase.key:
        return found
    return None  # picked, then changed: the human translation no longer fits


def render_for_family(
    *,
    body: str,
    language: str,
    phrase_key: str = "",
    fields: dict[str, str] | None = None,
    gender: str = "",
) -> Rendering:
    """`gender` is the child's ("m", "f", or "" when not recorded): it picks the phrase's form
    in languages that show it."""
    language = base_language(language)
    found = _phrase_for(body, phrase_key, fields)
    # A body that still has the phrase's {child} in it is filled in for everyone.
    english = phrase_fill(found[0].english, found[1]) if found and "{" in body else body
    if language == "en":
        return Rendering(english, "en", "original")
    if found is not None and language in found[0].texts:
        phrase, values = found
        return Rendering(phrase_fill(phrase.text(language, gender), values), language, "phrasebook")
    machine = machine_translate(english, source="en", target=language)
    if machine is not None:
        return machine
    note = family_ui_text("untranslated_note", language)
    return Rendering(f"{note}\n\n{english}", "en", "untranslated")


def subject_for_family(*, subject: str, language: str, gender: str = "") -> str:
    """A subject line in the family's language, made as the body is: a subject School Window
    writes itself or a phrase has its human translation, anything else the machine provider's
    (when there is one), else it stays in English (the body's note says so)."""
    language = base_language(language)
    if language == "en" or not subject.strip():
        return subject
    prefix = ""
    if subject.startswith("Re: "):  # an answer to an announcement keeps its "Re:"
        prefix, subject = "Re: ", subject[4:]
    found = phrase_match(subject, "en", SUBJECT_PHRASES) or phrase_match(subject, "en")
    if found is not None and language in found[0].texts:
        phrase, values = found
        return prefix + phrase_fill(phrase.text(language, gender), values)
    machine = machine_translate(subject, source="en", target=language)
    return prefix + (machine.text if machine is not None else subject)


def translation_outlook(language: str) -> str:
    """What will happen to a message for a family reading `language`, said plainly to the
    member of staff writing it (in the interface's language); "" for English."""
    from django.utils.translation import gettext as _

    language = base_language(language)
    if language == "en":
        return ""
    phrases = language in PHRASEBOOK_LANGUAGES
    try:
        machine = machine_provider()
    except (ImportError, ValueError, TypeError):
        machine = None
    if phrases and machine is not None:
        return _(
            "Phrases from the phrasebook reach them translated by people; anything else is "
            "translated by machine (%(provider)s)."
        ) % {"provider": machine.name}
    if phrases:
        return _(
            "Phrases from the phrasebook reach them translated by people; anything else is sent "
            "in English, with a note in their language."
        )
    if machine is not None:
        return _("Your words are translated by machine (%(provider)s).") % {
            "provider": machine.name
        }
    return _("Sent in English, with a note in their language: no translation is available.")


def translate_to_english(*, text: str, language: str) -> Rendering:
    """A family's words for staff: `text` is the English, `language` the family's language.

    Method "untranslated" (with no text) when neither the phrasebook nor a machine could.
    """
    language = base_language(language)
    if language == "en":
        return Rendering(text, "en", "original")
    try:
        english = PhrasebookProvider().translate(text, source=language, target="en")
    except TranslationError:
        pass
    else:
        return Rendering(english, language, "phrasebook")
    # A family that prefers another language may still write in English.
    if looks_english(text, language):
        return Rendering(text, "en", "original")
    machine = machine_translate(text, source=language, target="en")
    if machine is not None:
        return Rendering(machine.text, language, machine.method)
    return Rendering("", language, "untranslated")

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from schoolwindow.core.models import User

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"
    settings.AXES_ENABLED = False
    # A page read twice in a test shows what changed in between (tests/portal tests the cache).
    settings.PARENT_HOME_CACHE_SECONDS = 0
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Ids come back after a rolled-back test: a cached reading keyed on them must not leak."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_between_tests() -> Iterator[None]:
    """LocaleMiddleware leaves the thread in the last request's language; start each test
    in the site's default so one test's Polish page cannot change what the next one reads."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


def signed_in_client(user: User | None) -> Client:
    """A client signed in as `user`, two-factor verified for staff, as the real log-in does.

    Takes `User | None` as tests pass a person's nullable `.user`; a missing log-in fails here."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert user is not None, "this person has no log-in to sign in with"

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def pytest_report_header() -> str:
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"database: {str(database['ENGINE']).rsplit('.', 1)[-1]} {database.get('HOST') or ''}"

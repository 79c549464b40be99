"""Settings, read from the environment (see .env.example at the repository root)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SCHOOLWINDOW_VAR_DIR", BASE_DIR.parent.parent / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict[str, object]:
    """Turn DATABASE_URL into Django's DATABASES entry (postgres:// or sqlite:///path)."""
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql"}:
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
            "OPTIONS": options,
            "TEST": {"NAME": os.environ.get("DATABASE_TEST_NAME") or None},
        }
    if parsed.scheme == "sqlite":
        return sqlite_database(Path(unquote(parsed.path)))
    raise ValueError(f"DATABASE_URL scheme {parsed.scheme!r} is not supported (postgres or sqlite)")


def sqlite_database(path: Path) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # Keep connections: opening one runs the PRAGMAs below, which costs more than a query.
        "CONN_MAX_AGE": int(os.environ.get("DATABASE_CONN_MAX_AGE", "600")),
        # WAL lets the web server read while the worker writes; IMMEDIATE avoids
        # "database is locked" upgrades from read to write transactions.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
            ),
        },
        "TEST": {"NAME": os.environ.get("DATABASE_TEST_NAME") or None},
    }


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-dev-key-change-me-in-production")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SCHOOLWINDOW_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "schoolwindow.core",
    "schoolwindow.audit",
    "schoolwindow.schools",
    "schoolwindow.people",
    "schoolwindow.accounts",
    "schoolwindow.connectors",
    "schoolwindow.engagement",
    "schoolwindow.messaging",
    "schoolwindow.homelife",
    "schoolwindow.support",
    "schoolwindow.portal",
    "schoolwindow.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "schoolwindow.people.middleware.ActorMiddleware",
    "schoolwindow.portal.home.freshness.ParentChangesMiddleware",
    "schoolwindow.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "schoolwindow.config.urls"
WSGI_APPLICATION = "schoolwindow.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "schoolwindow.core.context_processors.actor",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(os.environ["DATABASE_URL"])
    if os.environ.get("DATABASE_URL")
    else sqlite_database(VAR_DIR / "schoolwindow.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Log-in throttling: five failures for one username from one address locks it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "schoolwindow.accounts.views.locked_out"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False

# A password-reset link works for an hour, and once (it stops working when the password changes).
PASSWORD_RESET_TIMEOUT = 60 * 60

OTP_TOTP_ISSUER = "School Window"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 60 * 60 * 12

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English")), ("pl", _("Polish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("SCHOOLWINDOW_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed (gzip, and brotli when installed) and named by content, so browsers may keep
    # them for a year: `schoolwindow serve` collects them into STATIC_ROOT before it starts.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("SCHOOLWINDOW_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"


def s3_storage(
    *,
    bucket: str,
    endpoint_url: str = "",
    access_key: str = "",
    secret_key: str = "",
    region: str = "",
    prefix: str = "",
    addressing_style: str = "",
) -> dict[str, object]:
    """The STORAGES entry for an S3-compatible bucket (AWS, MinIO, Ceph, Garage, a provider's).

    Private throughout: objects are written with the private ACL and `url()` gives no signed
    links, so no file is reachable except through the app (core/uploads.py serve_stored_file),
    after its permission check."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "region_name": region or None,
            "location": prefix,
            "addressing_style": addressing_style or None,
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }


# Uploads go to local files under MEDIA_ROOT unless a bucket is named.
if os.environ.get("SCHOOLWINDOW_S3_BUCKET"):
    STORAGES["default"] = s3_storage(
        bucket=os.environ["SCHOOLWINDOW_S3_BUCKET"],
        endpoint_url=os.environ.get("SCHOOLWINDOW_S3_ENDPOINT_URL", ""),
        access_key=os.environ.get("SCHOOLWINDOW_S3_ACCESS_KEY", ""),
        secret_key=os.environ.get("SCHOOLWINDOW_S3_SECRET_KEY", ""),
        region=os.environ.get("SCHOOLWINDOW_S3_REGION", ""),
        prefix=os.environ.get("SCHOOLWINDOW_S3_PREFIX", ""),
        addressing_style=os.environ.get("SCHOOLWINDOW_S3_ADDRESSING_STYLE", ""),
    )
# Photos: the largest file accepted, the most pixels its header may claim (a decompression
# bomb claims billions; Pillow refuses past 179 MP whatever this says), and whether an S3
# store's files are handed out by a short-lived signed redirect instead of streamed by the app.
UPLOADS_PHOTO_MAX_BYTES = int(os.environ.get("SCHOOLWINDOW_PHOTO_MAX_BYTES", 15 << 20))
UPLOADS_PHOTO_MAX_PIXELS = int(os.environ.get("SCHOOLWINDOW_PHOTO_MAX_PIXELS", 60_000_000))
# Videos are kept as they came (no transcoding), so their limit is the storage's to bear.
UPLOADS_VIDEO_MAX_BYTES = int(os.environ.get("SCHOOLWINDOW_VIDEO_MAX_BYTES", 100 << 20))
UPLOADS_DOCUMENT_MAX_BYTES = int(os.environ.get("SCHOOLWINDOW_DOCUMENT_MAX_BYTES", 20 << 20))
UPLOADS_SIGNED_REDIRECT = env_bool("SCHOOLWINDOW_S3_SIGNED_REDIRECT")
UPLOADS_SIGNED_URL_SECONDS = int(os.environ.get("SCHOOLWINDOW_S3_SIGNED_URL_SECONDS", "60"))
# Without DEBUG, static files come only from STATIC_ROOT, as `schoolwindow serve` collected them.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_UPLOAD_DIR = VAR_DIR / "imports"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# Where the file-based backend (the demo's worker) writes emails.
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "emails"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "1025"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "School Window <no-reply@schoolwindow.local>"
)
# Messaging (issue 4): replies come back to reply+TOKEN@MESSAGING_REPLY_DOMAIN (route that
# domain's mail into `schoolwindow messaging receive-email`); texts go through SMS_PROVIDER.
MESSAGING_REPLY_DOMAIN = os.environ.get("MESSAGING_REPLY_DOMAIN", "reply.schoolwindow.local")
# A worker's claim on a copy lapses after this long (a crashed worker's copies are taken over;
# on the same machine they are taken over at once when its process is gone).
MESSAGING_CLAIM_LEASE_SECONDS = int(os.environ.get("MESSAGING_CLAIM_LEASE_SECONDS", "300"))
# Upload limits for announcement attachments and the head's video message.
MESSAGING_ATTACHMENT_MAX_BYTES = int(os.environ.get("MESSAGING_ATTACHMENT_MAX_BYTES", 10 << 20))
MESSAGING_VIDEO_MAX_BYTES = int(os.environ.get("MESSAGING_VIDEO_MAX_BYTES", 200 << 20))
SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "file")
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", VAR_DIR / "sms-outbox.jsonl"))
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM = os.environ.get("TWILIO_FROM", "")
TWILIO_API_BASE = os.environ.get("TWILIO_API_BASE", "https://api.twilio.com")
# Machine translation for messages that are not from the phrasebook (issue 4): "phrasebook"
# (none: the family gets the English with a note in their language) or "libretranslate"
# (POST TRANSLATION_URL/translate), or the dotted path of a TranslationProvider class.
TRANSLATION_PROVIDER = os.environ.get("TRANSLATION_PROVIDER", "phrasebook")
TRANSLATION_URL = os.environ.get("TRANSLATION_URL", "")
TRANSLATION_API_KEY = os.environ.get("TRANSLATION_API_KEY", "")
TRANSLATION_TIMEOUT = float(os.environ.get("TRANSLATION_TIMEOUT", "5"))
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in os.environ.items()
    if key.startswith("ANYMAIL_")
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        # A nonce only for the pages that inline the stylesheet (core/templatetags/inline_css):
        # django-csp adds it to the header only when a page asked for it.
        "style-src": ["'self'", NONCE],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
CSRF_FAILURE_VIEW = "schoolwindow.core.error_views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "refusals_without_traceback": {
            "()": "schoolwindow.core.log_filters.RefusalsWithoutTraceback",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"filters": ["refusals_without_traceback"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

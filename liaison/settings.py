"""One settings module, driven by the environment.

Every setting can be given as an environment variable; the README lists them all. Without any,
the project runs on an SQLite file in ``data/`` with DEBUG off; on a development machine
``scripts/setup.sh`` writes a ``.env`` that turns DEBUG on; ``scripts/demo_env.sh`` holds the
demo's (DEBUG off over plain HTTP, so that it shows the product's own error pages).
"""

import os
import sys
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import dj_database_url
import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

# A local ``.env`` (or ENV_FILE) in the usual dotenv syntax: comments, quotes and ``export``
# lines as a shell reads them. Real environment variables win over the file.
load_dotenv(Path(os.environ.get("ENV_FILE", BASE_DIR / ".env")), override=False)


def env(name: str, default, cast=str):
    """The variable cast by django-environ (booleans 1/true/yes/on/ok…, whole numbers,
    comma-separated lists), or ``default`` when it is unset (or blank, for a non-text value).
    Values are taken literally, without django-environ's ``$OTHER`` proxies: a secret key may
    begin with ``$``."""
    value = os.environ.get(name)
    if value is None or (cast is not str and not value.strip()):
        return default
    return environ.Env.parse_value(value, cast)


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated list; spaces around the items do not count."""
    return [item.strip() for item in env(name, default, cast=str).split(",") if item.strip()]


DEBUG = env("DEBUG", cast=bool, default=False)
# The test suite runs with production-like settings (DEBUG off) and needs no secrets.
TESTING = "pytest" in sys.modules

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "liaison.apps.BackOfficeConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "liaison",
    "meetings",
    "agreements",
    "reports",
    "demo",
    # After liaison, whose axes_reset_username (user names in any case) replaces axes' own.
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "liaison.urls"
WSGI_APPLICATION = "liaison.wsgi.application"
ASGI_APPLICATION = "liaison.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "liaison.context_processors.navigation",
            ],
        },
    },
]

# Django's form renderer, with its commonest field templates printed in Python (the same HTML).
FORM_RENDERER = "liaison.form_renderer.FormRenderer"

# --- Database --------------------------------------------------------------------------------
DATA_DIR = Path(env("DATA_DIR", default=BASE_DIR / "data"))
DATABASE_URL = env("DATABASE_URL", default="") or f"sqlite:///{DATA_DIR / 'liaison.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections are kept (60 s) as with PostgreSQL: a new one costs an SQLite process about
    # 3 ms of CPU (Django registers its SQL functions on each), more than a feed's whole 304.
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue up instead of one of
        # them failing with "database is locked" half-way through a transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "liaison.User"

# --- Cache and background work ---------------------------------------------------------------
# With more than one web node, the cache and the sessions must be shared: CACHE_URL (or
# REDIS_URL) names the Redis they use; sessions are then kept in it and written through to the
# database (a Redis restart signs nobody out). Without either, the cache is this process's
# memory and the sessions are in the database. Sign-in lockouts (django-axes), report and import
# progress and the locks of the services are in the database either way.
REDIS_URL = env("REDIS_URL", default="")
CACHE_URL = env("CACHE_URL", default="") or REDIS_URL
if CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# The background-work module (liaison/tasks.py) sends work to this broker when one is set and
# runs it in-process after the transaction commits when none is.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
# Workers by queue: mail, reports and Excel imports each have a queue of their own, so a long
# report never holds up invitation mail. A worker started without -Q takes every queue (one
# machine); on several, give each queue its workers (`celery -A liaison.tasks worker -Q mail`,
# `-Q reports`, `-Q imports,celery`). Everything not routed goes to the default queue "celery".
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(name) for name in ("celery", "mail", "reports", "imports")]
CELERY_TASK_ROUTES = {
    "meetings.delivery.*": {"queue": "mail"},
    "meetings.mail.*": {"queue": "mail"},
    "meetings.minutes_mail.*": {"queue": "mail"},
    "liaison.reports.generation.*": {"queue": "reports"},
    "agreements.excel.imports.*": {"queue": "imports"},
}
# A task is acknowledged when it ends, not when it starts, and a worker that dies in the middle
# hands it back: the tasks are idempotent (a mail claimed as "sending" is never sent twice, a
# report is made under a lock into a file named after it). The broker gives an unacknowledged
# task to another worker after CELERY_VISIBILITY_TIMEOUT seconds: longer than the longest task.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env("CELERY_VISIBILITY_TIMEOUT", cast=int, default=3600)
}
# Run by `celery -A liaison.tasks beat`: the daily RSVP reminders (meetings/mail.py).
CELERY_BEAT_SCHEDULE = {
    "send-rsvp-reminders": {
        "task": "meetings.mail.send_rsvp_reminders",
        "schedule": 24 * 60 * 60,  # daily
        "kwargs": {"days": 3},
    },
    "send-decision-reminders": {
        "task": "meetings.minutes_mail.send_decision_reminders",
        "schedule": 24 * 60 * 60,  # daily
        "kwargs": {"days": 7},
    },
    "send-channel-deliveries": {
        "task": "liaison.channels.sending.send_due_deliveries",
        "schedule": 60,  # every minute: what a robot's rate limit or a backoff held back
    },
    "prune-reports": {
        "task": "liaison.reports.generation.prune_reports_task",
        "schedule": 24 * 60 * 60,  # daily; does nothing unless REPORTS_KEEP_DAYS is set
    },
}
# Generated reports (PDF and .xlsx) older than this many days are removed; 0 keeps them all.
REPORTS_KEEP_DAYS = env("REPORTS_KEEP_DAYS", cast=int, default=0)

# --- Authentication --------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out sign-in (liaison/auth.py)
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins (django-axes): LOGIN_LOCKOUT_AFTER failures of one user name from one client
# address lock that pair for LOGIN_LOCKOUT_MINUTES; failures older than that are forgotten.
LOGIN_LOCKOUT_AFTER = env("LOGIN_LOCKOUT_AFTER", cast=int, default=8)
LOGIN_LOCKOUT_MINUTES = env("LOGIN_LOCKOUT_MINUTES", cast=int, default=15)
AXES_FAILURE_LIMIT = LOGIN_LOCKOUT_AFTER
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a lock ends when it says it does
AXES_USERNAME_CALLABLE = "liaison.auth.username_of"
AXES_LOCKOUT_CALLABLE = "liaison.auth.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # no row per successful sign-in; failures are kept until forgotten
# The client address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies in front (nginx: 1) the
# address the first of them saw, which is the last entry of X-Forwarded-For that the trusted
# proxies added (what a client writes into the header itself comes before it and is ignored).
# django-ipware counts the proxies listed inside the header, which is one fewer: the last proxy
# is REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env("TRUSTED_PROXY_COUNT", cast=int, default=0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
    # Not strict: a header longer than the trusted proxies wrote (the client wrote its own part)
    # still yields the entry the first trusted proxy added. Strict, ipware would fall back to
    # REMOTE_ADDR, so every client who writes the header would be counted at the proxy's address.
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=DATA_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=DATA_DIR / "media"))
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Private files (agreement scans, attachments, meeting materials, import sheets, reports, minutes
# PDFs: liaison/uploads.py) are kept on this machine's disk under MEDIA_ROOT/private, or in an
# S3-compatible bucket (MinIO, 阿里云 OSS, 腾讯云 COS, Huawei OBS, AWS) when STORAGE_URL, in the
# form s3://KEY:SECRET@host:port/bucket?region=cn-north-1&secure=0 (secure=0: plain HTTP), or
# AWS_STORAGE_BUCKET_NAME (with AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
# AWS_S3_REGION_NAME) is set. Objects stay private; see PRIVATE_FILE_DOWNLOADS.
STORAGE_URL = env("STORAGE_URL", default="")


def object_storage_options(url: str) -> dict:
    """The options of the private S3 storage from STORAGE_URL, else from the AWS_* variables;
    empty when neither names a bucket."""
    if url:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.path.strip("/"):
            raise ImproperlyConfigured("STORAGE_URL must read s3://KEY:SECRET@host:port/bucket.")
        query = dict(parse_qsl(parts.query))
        secure = environ.Env.parse_value(query.get("secure", "1"), bool)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return {
            "bucket_name": parts.path.strip("/"),
            "endpoint_url": f"{'https' if secure else 'http'}://{host}" if host else None,
            "access_key": unquote(parts.username or "") or None,
            "secret_key": unquote(parts.password or "") or None,
            "region_name": query.get("region") or None,
            "addressing_style": query.get("addressing", "path"),
            "location": query.get("prefix", ""),
        }
    bucket = env("AWS_STORAGE_BUCKET_NAME", default="")
    if not bucket:
        return {}
    return {
        "bucket_name": bucket,
        "endpoint_url": env("AWS_S3_ENDPOINT_URL", default="") or None,
        "access_key": env("AWS_ACCESS_KEY_ID", default="") or None,
        "secret_key": env("AWS_SECRET_ACCESS_KEY", default="") or None,
        "region_name": env("AWS_S3_REGION_NAME", default="") or None,
        "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default="path"),
        "location": env("AWS_LOCATION", default=""),
    }


OBJECT_STORAGE = object_storage_options(STORAGE_URL)
# How a permitted download reaches the browser: "stream" (through this application, the
# default) or "redirect" (after the permission check, to a signed URL of the bucket valid for
# PRIVATE_FILE_URL_SECONDS; the bucket's address must then be reachable from the browsers).
PRIVATE_FILE_DOWNLOADS = env("PRIVATE_FILE_DOWNLOADS", default="stream")
if PRIVATE_FILE_DOWNLOADS not in ("stream", "redirect"):
    raise ImproperlyConfigured("PRIVATE_FILE_DOWNLOADS must be stream or redirect.")
PRIVATE_FILE_URL_SECONDS = env("PRIVATE_FILE_URL_SECONDS", cast=int, default=60)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "liaison.uploads.PrivateS3Storage", "OPTIONS": OBJECT_STORAGE}
    if OBJECT_STORAGE
    else {"BACKEND": "liaison.uploads.PrivateStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Signed PDFs ----------------------------------------------------------------------------
# Published minutes are signed (PAdES) with the key and certificate in this PKCS#12 file
# (.p12/.pfx) when one is given; without it they are not signed.
PDF_SIGNING_PKCS12 = env("PDF_SIGNING_PKCS12", default="")
PDF_SIGNING_PASSWORD = env("PDF_SIGNING_PASSWORD", default="")

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env("EMAIL_PORT", cast=int, default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env("EMAIL_USE_TLS", cast=bool, default=False)
EMAIL_USE_SSL = env("EMAIL_USE_SSL", cast=bool, default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="秘书处 <secretariat@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Mail the server refuses is tried again (meetings/delivery.py): up to this many attempts in
# all, the first retry after MAIL_RETRY_BACKOFF seconds, each further one twice as late (with
# a worker; in-process the attempts follow at once).
MAIL_SEND_ATTEMPTS = env("MAIL_SEND_ATTEMPTS", cast=int, default=3)
MAIL_RETRY_BACKOFF = env("MAIL_RETRY_BACKOFF", cast=int, default=60)
# Notices beside mail (liaison/channels/): group robots and SMS. The backends decide where the
# messages go: "http" posts to the robots and the SMS gateway; "console" prints them and
# "locmem" keeps them in memory (development, the demo, tests).
_DEV_BACKEND = "locmem" if TESTING else "console"
ROBOT_BACKEND = env("ROBOT_BACKEND", default=_DEV_BACKEND if (DEBUG or TESTING) else "http")
SMS_BACKEND = env("SMS_BACKEND", default=_DEV_BACKEND if (DEBUG or TESTING) else "http")
# The HTTP template gateway (the shape of Aliyun's and Tencent Cloud's SMS APIs).
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_KEY = env("SMS_GATEWAY_KEY", default="")
SMS_SIGN_NAME = env("SMS_SIGN_NAME", default="湘吐合作秘书处")
SMS_TEMPLATE_CODE = env("SMS_TEMPLATE_CODE", default="")
# Seconds a robot or the gateway may take to answer; attempts and backoff as for mail.
CHANNEL_TIMEOUT = env("CHANNEL_TIMEOUT", cast=float, default=10.0)
CHANNEL_SEND_ATTEMPTS = env("CHANNEL_SEND_ATTEMPTS", cast=int, default=3)
CHANNEL_RETRY_BACKOFF = env("CHANNEL_RETRY_BACKOFF", cast=int, default=60)
# A group robot takes at most this many messages a minute (钉钉 and 企业微信: 20).
ROBOT_MESSAGES_PER_MINUTE = env("ROBOT_MESSAGES_PER_MINUTE", cast=int, default=20)
# The ORGANIZER of e-mailed invitations (iMIP): the mailbox calendar replies go to. Invitation
# mail is sent from it (calendar clients require From = ORGANIZER).
CALENDAR_ORGANIZER_EMAIL = env(
    "CALENDAR_ORGANIZER_EMAIL", default=parseaddr(DEFAULT_FROM_EMAIL)[1] or "secretariat@localhost"
)

# --- API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["liaison.api.permissions.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "liaison.api.conventions.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "liaison.api.conventions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Filter drop-downs start with "all" rather than a row of dashes.
FILTERS_EMPTY_CHOICE_LABEL = _("all")

SPECTACULAR_SETTINGS = {
    "TITLE": "湘吐合作联络系统 API",
    "DESCRIPTION": "Partnership and liaison-meeting management API (v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReportKindEnum": "reports.models.GeneratedReport.Kind",
        "ChannelKindEnum": "liaison.models.channels.Channel.Kind",
        "NoticeKindEnum": "liaison.models.channels.NoticeKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "liaison.api.schema.add_error_responses",
    ],
    # The schema and docs are for signed-in users, like the rest of the API.
    "SERVE_PERMISSIONS": ["liaison.api.permissions.RolePermission"],
}

# --- Security (production values when DEBUG is off) ------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env("SESSION_COOKIE_SECURE", cast=bool, default=not DEBUG)
CSRF_COOKIE_SECURE = env("CSRF_COOKIE_SECURE", cast=bool, default=not DEBUG)
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT", cast=bool, default=not (DEBUG or TESTING))
SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS", cast=int, default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env("SECURE_HSTS_INCLUDE_SUBDOMAINS", cast=bool, default=not DEBUG)
SECURE_HSTS_PRELOAD = env("SECURE_HSTS_PRELOAD", cast=bool, default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Operations: health endpoint ------------------------------------------------------------
# /health/ (liaison/health.py) answers the proxy and the monitoring over plain HTTP too.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_error": {"()": "liaison.logs.ClientErrorWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's default configuration gives the "django" logger a console handler of its own
        # (with DEBUG on) that prints each record a second time beside the root's: every record
        # reaches the console once, through the root.
        "django": {"handlers": [], "propagate": True},
        "django.request": {"filters": ["client_error"]},
        # django-axes logs every successful sign-in at INFO; lockouts stay (WARNING).
        "axes": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}

"""Settings of the utility portal, read from the environment (django-environ).

Defaults are safe for a newcomer's machine: SQLite in ./var, tasks run in-process, SMS codes
kept in the database. Production sets DEBUG=false and real values (see README and .env.example).
"""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
TESTING = "pytest" in sys.modules
# A development key only on a developer's machine or in tests; production must set its own.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true on a developer's machine).")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"


def _weak_secret_key(key: str) -> str | None:
    """Why ``key`` must not sign sessions and tokens in production, or None. Refuses the
    placeholder of .env.example and its kind, Django's generated development keys, and keys too
    short or too plain to resist guessing (Django's own check asks for 50 characters, 5 distinct)."""
    lowered = key.lower()
    placeholders = (
        "change-me",
        "changeme",
        "replace-me",
        "placeholder",
        "your-secret",
        "secret-key-here",
        "never-use",
        "insecure",
        "example",
        "build-only",
        "xxxxxxxx",
    )
    if any(p in lowered for p in placeholders) or lowered.startswith("django-insecure"):
        return "SECRET_KEY is a placeholder or a development key"
    if len(key) < 50 or len(set(key)) < 5:
        return "SECRET_KEY is shorter than 50 characters or has fewer than 5 different characters"
    return None


if not (DEBUG or TESTING) and _weak_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        f"{_weak_secret_key(SECRET_KEY)}: generate one, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the TemplatesSetting form renderer finds Django's own form templates here
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    # the platform
    "portal.core",
    "portal.accounts",
    "portal.verification",
    "portal.notifications",
    "portal.documents",
    "portal.signing",
    "portal.audit",
    "portal.sso",
    # the businesses
    "applications",
    "utility_flows",
    "licensing",
    "evaluations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "portal.core.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.core.context_processors.portal",
            ],
        },
    },
]
FORM_RENDERER = "portal.core.forms.PortalFormRenderer"

# --- database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # The in-process demo server runs tasks on commit in the request thread; wait for locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3's pool through Django (5.1+); CONN_MAX_AGE must stay 0 with a pool.
    if env.bool("DATABASE_POOL", default=True):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN", default=1),
            "max_size": env.int("DATABASE_POOL_MAX", default=10),
            "timeout": 10,
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- identity -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["portal.accounts.backends.RateLimitedBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
# Failed log-ins lock the (phone, IP) pair with a growing wait, and separately the IP.
LOGIN_FAILURE_LIMIT_PER_PHONE = env.int("LOGIN_FAILURE_LIMIT_PER_PHONE", default=5)
LOGIN_FAILURE_LIMIT_PER_IP = env.int("LOGIN_FAILURE_LIMIT_PER_IP", default=20)
# API tokens (one per signed-in device): end after this long unused, and at the latest this long
# after log-in; the user can end any of them from account settings.
API_TOKEN_IDLE = timedelta(hours=env.int("API_TOKEN_IDLE_HOURS", default=72))
API_TOKEN_MAX_AGE = timedelta(days=env.int("API_TOKEN_MAX_AGE_DAYS", default=30))
LOGIN_FAILURE_WINDOW = timedelta(minutes=env.int("LOGIN_FAILURE_WINDOW_MINUTES", default=15))
# The limit above is per (phone, IP) with a doubling wait; a guess spread over many networks
# stops password log-ins for the phone at this count (SMS-code log-in stays open).
LOGIN_FAILURE_LIMIT_PER_PHONE_ALL_SOURCES = env.int("LOGIN_FAILURE_LIMIT_PER_PHONE_ALL_SOURCES", default=50)
# Dotted path of the real-name verifier: the local one checks format and checksum; production
# points this at the adapter of the government identity service.
REAL_NAME_VERIFIER = env.str("REAL_NAME_VERIFIER", default="portal.accounts.verifiers.LocalVerifier")
REAL_NAME_VERIFIER_URL = env.str("REAL_NAME_VERIFIER_URL", default="")
REAL_NAME_VERIFIER_KEY = env.str("REAL_NAME_VERIFIER_KEY", default="")
# Government single sign-on (portal/sso/providers.py explains the shape); empty: the feature is off.
SSO_PROVIDERS = env.json("SSO_PROVIDERS", default={})

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the two hours count from the last request, not the log-in
SESSION_COOKIE_HTTPONLY = True

# --- SMS codes and messages -----------------------------------------------------------------
SMS_BACKEND = env.str("SMS_BACKEND", default="portal.verification.backends.DatabaseBackend")
SMS_HTTP_URL = env.str("SMS_HTTP_URL", default="")
SMS_HTTP_KEY = env.str("SMS_HTTP_KEY", default="")
SMS_HTTP_SIGNATURE = env.str("SMS_HTTP_SIGNATURE", default="网上供电营业厅")
SMS_HTTP_TEMPLATES = env.dict("SMS_HTTP_TEMPLATES", default={})
SMS_HTTP_TIMEOUT = env.float("SMS_HTTP_TIMEOUT", default=5.0)
SMS_CODE_TTL = timedelta(minutes=5)
SMS_CODE_RESEND_AFTER = timedelta(seconds=60)
SMS_CODE_MAX_ATTEMPTS = 5
SMS_DAILY_LIMIT_PER_PHONE = env.int("SMS_DAILY_LIMIT_PER_PHONE", default=10)
SMS_DAILY_LIMIT_PER_IP = env.int("SMS_DAILY_LIMIT_PER_IP", default=50)
# SMS_DAILY_LIMIT_PER_PHONE counts per (phone, purpose, requesting IP); this caps all requesters of
# a log-in / register / reset code together, except networks the owner logged in from before.
SMS_DAILY_LIMIT_PER_PHONE_ALL_REQUESTERS = env.int("SMS_DAILY_LIMIT_PER_PHONE_ALL_REQUESTERS", default=20)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="网上供电营业厅 <noreply@localhost>")

# --- uploads and documents ------------------------------------------------------------------
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=40_000_000)
# Requests larger than this are refused before Django reads them; leave room for the form.
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The utility named in the header of every PDF the portal issues.
UTILITY_NAME = env.str("UTILITY_NAME", default="国网青海省电力公司")

# The portal's public address, put in front of every link that leaves the site: QR codes (the
# electronic licence's verification link) and links in text messages (a review's reply).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- contractor licensing (licensing/) ------------------------------------------------------
LICENSING_OFFICE_NAME = env.str("LICENSING_OFFICE_NAME", default="国家能源局西北监管局")
LICENSING_NUMBER_PREFIX = env.str("LICENSING_NUMBER_PREFIX", default="6-3")
# 告知承诺制: the credit adapter and the regions (6-digit codes, or "*") where it is open.
LICENSING_CREDIT_CHECKER = env.str("LICENSING_CREDIT_CHECKER", default="licensing.credit.LocalCreditChecker")
LICENSING_CREDIT_URL = env.str("LICENSING_CREDIT_URL", default="")
LICENSING_CREDIT_KEY = env.str("LICENSING_CREDIT_KEY", default="")
# Local checker only: credit code → "good" / "bad" (e.g. LICENSING_CREDIT_LOCAL_RESULTS=9163...=bad).
LICENSING_CREDIT_LOCAL_RESULTS = env.dict("LICENSING_CREDIT_LOCAL_RESULTS", default={})
LICENSING_COMMITMENT_REGIONS = env.list("LICENSING_COMMITMENT_REGIONS", default=["630100"])

# --- static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "portal.documents.storage.PrivateStorage"},
    "staticfiles": {
        "BACKEND": env.str("STATICFILES_STORAGE", default="django.contrib.staticfiles.storage.StaticFilesStorage")
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# On a developer's machine and in tests WhiteNoise serves straight from the app folders;
# production serves the collected, hashed files from STATIC_ROOT.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# --- language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- cache, Celery --------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis outage must cost a request milliseconds, not a hang (the throttles fall back).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Where API throttles count while Redis is unreachable (portal.core.throttling): per process.
CACHES["throttle_fallback"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "throttle-fallback",
}

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without Redis (a newcomer's `make run`) tasks run in-process when they are enqueued.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish must fail fast when Redis is down: the outbox row is already committed and the
# sweeper re-sends it, so a request never waits for the broker.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {
    # Account changes whose effective date has come (demand value next month, billing method
    # next quarter, a pause from its planned date), and commitments past their deadline.
    "utility-flows-apply-due-account-changes": {
        "task": "utility_flows.tasks.apply_due_account_changes",
        "schedule": crontab(hour=0, minute=5),
    },
    "utility-flows-flag-overdue-commitments": {
        "task": "utility_flows.tasks.flag_overdue_commitments",
        "schedule": crontab(hour=6, minute=30),
    },
    # Delivers notifications whose task a broker or worker outage lost (portal.notifications).
    "notifications-sweep-outbox": {
        "task": "portal.notifications.tasks.sweep_outbox",
        "schedule": 60.0,
        # A sweep still queued when the next is due is pointless (django-celery-beat's key for
        # the task's "expires").
        "options": {"expire_seconds": 55},
    },
}

# PDFs requested while the broker or the workers were down are rendered once they are back
# (portal.documents). expire_seconds: a sweep still queued when the next is due is pointless.
CELERY_BEAT_SCHEDULE["licensing-expiry-reminders"] = {
    "task": "licensing.tasks.licence_expiry",
    "schedule": crontab(hour=7, minute=15),
}
CELERY_BEAT_SCHEDULE["documents-sweep-pending-pdfs"] = {
    "task": "portal.documents.tasks.sweep_pending_pdfs",
    "schedule": 20.0,
    "options": {"expire_seconds": 18},
}

# SMS codes whose task a broker outage lost go out within seconds of its return (portal.verification).
CELERY_BEAT_SCHEDULE["verification-sweep-unsent-codes"] = {
    "task": "portal.verification.tasks.sweep_unsent_codes",
    "schedule": 15.0,
    "options": {"expire_seconds": 14},
}

# 好差评 (evaluations): working days a unit has to rectify a bad review and reply.
REVIEW_RECTIFICATION_WORKING_DAYS = env.int("REVIEW_RECTIFICATION_WORKING_DAYS", default=5)
CELERY_BEAT_SCHEDULE["evaluations-flag-overdue-cases"] = {
    "task": "evaluations.tasks.flag_overdue_cases",
    "schedule": crontab(hour=7, minute=0),
}
# HV e-assistant: due-soon warnings to account managers, late notices to supervisors (SPEC 4.5).
CELERY_BEAT_SCHEDULE["utility-flows-warn-hv-limits"] = {
    "task": "utility_flows.hv.tasks.warn_hv_limits",
    "schedule": crontab(hour=8, minute=0),
}

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call then answers 401 (with WWW-Authenticate), as documented.
        "portal.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "portal.core.api.PortalAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "portal.core.api.exception_handler",
    # Every API view is throttled (a view may add its own scopes); a Redis outage fails open to
    # a per-process count, never a 500.
    "DEFAULT_THROTTLE_CLASSES": ["portal.core.throttling.AnonThrottle", "portal.core.throttling.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "user": "600/min", "account_lookup": "20/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "网上供电营业厅 API",
    "DESCRIPTION": "REST API of the utility's online service portal, for the mobile app and integrations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "IdTypeEnum": "portal.accounts.models.IdType",
        "ApplicationStateEnum": "applications.models.ApplicationState",
        "OrderStateEnum": "utility_flows.models.OrderState",
        "StepKindEnum": ["form", "documents", "confirm"],
        "LicensingStaffKindEnum": "licensing.models.StaffKind",
    },
    # Swagger UI from the sidecar package: the docs page works without a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- security -------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Number of trusted proxies in front of the portal, for the client IP in rate limits and audit.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

ADMINS = [("ops", a) for a in env.list("ADMIN_EMAILS", default=[])]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "portal.core.masking.MaskPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

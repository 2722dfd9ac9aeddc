"""Settings for the Sambruk platform.

Configuration comes from the environment only (django-environ). Every variable is
documented in docs/operations.md. ``SAMBRUK_ENV=production`` turns on the production
checks: required variables must be set, demo mode is refused, cookies are secure.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent

env = environ.Env()
if env.bool("SAMBRUK_READ_DOTENV", default=False):
    environ.Env.read_env(PROJECT_DIR / ".env")

SAMBRUK_ENV = env.str("SAMBRUK_ENV", default="development")
PRODUCTION = SAMBRUK_ENV == "production"
TESTING = env.bool("SAMBRUK_TESTING", default="pytest" in sys.modules)

# Variables that production refuses to start without.
REQUIRED_IN_PRODUCTION = (
    "SECRET_KEY",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "EMAIL_URL",
    "REDIS_URL",
    "FIELD_ENCRYPTION_KEYS",
)


def _require(name: str) -> None:
    if PRODUCTION and not os.environ.get(name):
        raise ImproperlyConfigured(
            f"Miljövariabeln {name} saknas. Den måste vara satt när SAMBRUK_ENV=production "
            f"(the environment variable {name} is required in production; see docs/operations.md)."
        )


for _name in REQUIRED_IN_PRODUCTION:
    _require(_name)

VAR_DIR = Path(env.str("SAMBRUK_VAR_DIR", default=str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdef")
DEBUG = env.bool("DEBUG", default=not PRODUCTION and not TESTING)
# Fernet keys for secrets stored in the database (first encrypts, all decrypt); unset: one key
# derived from SECRET_KEY (development only). See sambruk.core.crypto and docs/operations.md.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Demo mode: demo data, the fixed demo TOTP device and the demo API token. Never in production.
DEMO_MODE = env.bool("SAMBRUK_DEMO", default=not PRODUCTION)
if PRODUCTION and DEMO_MODE:
    raise ImproperlyConfigured(
        "SAMBRUK_DEMO kan inte vara på när SAMBRUK_ENV=production (demo mode is refused in production)."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "huey.contrib.djhuey",
    "csp",
    "sambruk.core.organisations",
    "sambruk.core.persons",
    "sambruk.core.accounts",
    "sambruk.core.authz",
    "sambruk.core.audit",
    "sambruk.core.notifications",
    "sambruk.core.web",
    "sambruk.core.api",
    "sambruk.core.crypto",
    "sambruk.cases",
    "sambruk.workspace",
    "sambruk.fixamingata",
    "sambruk.eforms",
    "sambruk.ekbist",
    "sambruk.channel",
    "sambruk.channel.mail",
    "sambruk.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sambruk.core.web.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sambruk.core.accounts.eleg.session.CitizenSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "sambruk.core.audit.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sambruk.urls"
WSGI_APPLICATION = "sambruk.wsgi.application"
ASGI_APPLICATION = "sambruk.asgi.application"

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
                "sambruk.core.web.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "sambruk.sqlite3"
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                " PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and task queue -------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

HUEY_IMMEDIATE = env.bool("HUEY_IMMEDIATE", default=TESTING)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env.str("HUEY_NAME", default="sambruk"),
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "utc": False,  # crontabs in TIME_ZONE (Europe/Stockholm), as declared in tasks.py
        "consumer": {"workers": env.int("WORKER_THREADS", default=4), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "sambruk",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "utc": False,
        "consumer": {"workers": env.int("WORKER_THREADS", default=2), "worker_type": "thread"},
    }

# --- Authentication -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:start"
LOGOUT_REDIRECT_URL = "web:start"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Sambruk"

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {
        "BACKEND": env.str("STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage":
    STORAGES["default"]["OPTIONS"] = {
        "bucket_name": env.str("S3_BUCKET"),
        "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),
        "access_key": env.str("S3_ACCESS_KEY", default=None),
        "secret_key": env.str("S3_SECRET_KEY", default=None),
        "region_name": env.str("S3_REGION", default=None),
    }
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- E-mail ---------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://127.0.0.1:1025")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Sambruk <noreply@sambruk.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_BACKOFF_SECONDS = env.int("OUTBOX_BACKOFF_SECONDS", default=30)

# --- Case engine ------------------------------------------------------------------------
# Replies to case conversations go to svar+<token>@CASES_REPLY_DOMAIN (default: the domain
# of DEFAULT_FROM_EMAIL).
CASES_REPLY_DOMAIN = env.str("CASES_REPLY_DOMAIN", default="") or DEFAULT_FROM_EMAIL.rsplit("@", 1)[
    -1
].strip(">")
CASES_MAX_ATTACHMENT_BYTES = env.int("CASES_MAX_ATTACHMENT_BYTES", default=20 * 1024 * 1024)
CASES_DUE_SOON_DAYS = env.int("CASES_DUE_SOON_DAYS", default=2)

# --- Inbound e-mail (sambruk mailin, docs/channel-mail.md) ------------------------------
MAILIN_HOST = env.str("MAILIN_HOST", default="127.0.0.1")
MAILIN_PORT = env.int("MAILIN_PORT", default=2525)
# Platform mail domains (comma-separated) besides CASES_REPLY_DOMAIN; access point domains
# are accepted too. Mail from these domains is our own (loop).
MAILIN_DOMAINS = env.list("MAILIN_DOMAINS", default=[])
MAILIN_SUPPORT_ADDRESS = env.str("MAILIN_SUPPORT_ADDRESS", default="")
MAILIN_MAX_MESSAGE_BYTES = env.int("MAILIN_MAX_MESSAGE_BYTES", default=30 * 1024 * 1024)
MAILIN_MAX_ATTACHMENTS = env.int("MAILIN_MAX_ATTACHMENTS", default=20)
MAILIN_MAX_RECEIVED = env.int("MAILIN_MAX_RECEIVED", default=30)
MAILIN_WORKERS = env.int("MAILIN_WORKERS", default=2)
MAILIN_PROCESSES = env.int("MAILIN_PROCESSES", default=-1)  # >0: processes; 0: threads; -1: auto

# --- FixaMinGata -----------------------------------------------------------------------
FIXAMINGATA_TILE_URL = env.str(
    "FIXAMINGATA_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
FIXAMINGATA_TILE_ATTRIBUTION = env.str(
    "FIXAMINGATA_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)
FIXAMINGATA_GEOCODER_URL = env.str("FIXAMINGATA_GEOCODER_URL", default="")


def _origin(url: str) -> list[str]:
    """The scheme://host of a URL template, for the CSP (tile servers, geocoder)."""
    from urllib.parse import urlsplit

    parts = urlsplit(
        url.replace("{s}", "a").replace("{z}", "0").replace("{x}", "0").replace("{y}", "0")
    )
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


# --- Ekonomiskt bistånd: SSBTEK ---------------------------------------------------------
SSBTEK_URL = env.str("SSBTEK_URL", default="")
SSBTEK_CLIENT_CERT = env.str("SSBTEK_CLIENT_CERT", default="") or None
SSBTEK_CLIENT_KEY = env.str("SSBTEK_CLIENT_KEY", default="") or None
SSBTEK_CA_CERT = env.str("SSBTEK_CA_CERT", default="") or None
SSBTEK_TIMEOUT = env.float("SSBTEK_TIMEOUT", default=30.0)
SSBTEK_SIM_LATENCY = env.float("SSBTEK_SIM_LATENCY", default=0.0)
SSBTEK_MULTIFRAGA_SPLIT = env.str("SSBTEK_MULTIFRAGA_SPLIT", default="")  # agency | person
SSBTEK_MAX_PARALLEL = env.int("SSBTEK_MAX_PARALLEL", default=32)

# --- Mina sidor: SMS notices; Channel: contact lookup, webhooks ------------------------
SMS_BACKEND = env.str("SMS_BACKEND", default="")  # "" = http gateway (when SMS_GATEWAY_URL is set)
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_SENDER_NAME = env.str("SMS_SENDER_NAME", default="")
CONTACT_LOOKUP_PLUGIN = env.str("CONTACT_LOOKUP_PLUGIN", default="demo")
CHANNEL_WEBHOOK_MAX_ATTEMPTS = env.int("CHANNEL_WEBHOOK_MAX_ATTEMPTS", default=10)
# Hours the previous secret still signs deliveries after a new one is made.
CHANNEL_WEBHOOK_SECRET_GRACE_HOURS = env.float("CHANNEL_WEBHOOK_SECRET_GRACE_HOURS", default=24)

# --- Public URL and e-legitimation ----------------------------------------------------
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
ELEG_OIDC_ISSUER = env.str("ELEG_OIDC_ISSUER", default="")
ELEG_OIDC_CLIENT_ID = env.str("ELEG_OIDC_CLIENT_ID", default="")
ELEG_OIDC_CLIENT_SECRET = env.str("ELEG_OIDC_CLIENT_SECRET", default="")
ELEG_OIDC_SCOPES = env.str(
    "ELEG_OIDC_SCOPES", default="openid profile https://id.oidc.se/scope/naturalPersonNumber"
)
ELEG_OIDC_LOA_CLAIM = env.str("ELEG_OIDC_LOA_CLAIM", default="acr")
ELEG_OIDC_ACR_VALUES = env.str("ELEG_OIDC_ACR_VALUES", default="")
ELEG_SIGNER = env.str("ELEG_SIGNER", default="")  # oidc | bankid | demo ("" = automatic)
CITIZEN_IDLE_TIMEOUT_SECONDS = env.int("CITIZEN_IDLE_TIMEOUT_SECONDS", default=15 * 60)
CITIZEN_IDLE_WARNING_SECONDS = env.int("CITIZEN_IDLE_WARNING_SECONDS", default=120)
BANKID_BASE_URL = env.str("BANKID_BASE_URL", default="https://appapi2.test.bankid.com/rp/v6.0")
BANKID_CLIENT_CERT = env.str("BANKID_CLIENT_CERT", default="")
BANKID_CLIENT_KEY = env.str("BANKID_CLIENT_KEY", default="")
BANKID_CA_CERT = env.str("BANKID_CA_CERT", default="")
BANKID_LOGIN = env.bool("BANKID_LOGIN", default=False)  # "Logga in med BankID" (RP contract)

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "sambruk.core.api.authentication.ApiClientTokenAuthentication",
        "sambruk.core.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "sambruk.core.api.pagination.DefaultCursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "sambruk.core.api.exceptions.exception_handler",
}
if PRODUCTION:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = ["rest_framework.renderers.JSONRenderer"]
SPECTACULAR_SETTINGS = {
    "TITLE": "Sambruk API",
    "DESCRIPTION": "REST-API för Sambruks plattform för kommunal samverkan.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Security -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY är för kort: minst 50 tecken krävs i produktion.")
SILENCED_SYSTEM_CHECKS = ["security.W019"] if not PRODUCTION else []

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": [
            "'self'",
            "data:",
            *_origin(FIXAMINGATA_TILE_URL),
            *env.list("CSP_IMG_SRC", default=[]),
        ],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "connect-src": [
            "'self'",
            *_origin(FIXAMINGATA_GEOCODER_URL),
            *env.list("CSP_CONNECT_SRC", default=[]),
        ],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# --- Logging --------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "huey": {"level": "INFO"}},
}

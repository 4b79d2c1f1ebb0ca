"""Settings for quartiers, read from environment variables (see docs/configuration.md)."""

import importlib.util
import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

from config import local_env

BASE_DIR = Path(__file__).resolve().parent.parent

# This checkout's local.env, when the environment has no SECRET_KEY of its own
# (config/local_env.py): `make demo` and the commands of the README run with DEBUG off.
LOCAL_ENV_VALUES, LOCAL_ENV_USED = local_env.values(os.environ)


def env_get(name: str, default: str | None = None) -> str | None:
    """The environment's NAME, else local.env's, else DEFAULT."""
    return os.environ.get(name, LOCAL_ENV_VALUES.get(name, default))


def env_str(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the content of the file named by NAME_FILE (for secrets)."""
    file_path = env_get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_path!r} cannot be read: {exc}") from exc
    return env_get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env_get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false).")


def env_int(name: str, default: int) -> int:
    raw = env_get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from exc


RATE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def env_rate(name: str, default: str) -> tuple[int, int]:
    """`20/15m`: 20 events per 15 minutes, as (events, seconds); units s, m, h, d."""
    raw = env_get(name) or default
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*", raw)
    if not match or int(match[1]) < 1 or int(match[2] or 1) < 1:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a rate: write events/period, e.g. 20/15m, 5/1h or 50/1d."
        )
    return int(match[1]), int(match[2] or 1) * RATE_UNITS[match[3]]


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # widget templates for FORM_RENDERER = TemplatesSetting (DSFR forms)
    "dsfr",
    "django_htmx",
    "simple_history",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI assets served from our own static files (CSP)
    "django_filters",
    "mozilla_django_oidc",
    "django_tasks",
    "django_tasks_db",
    "quartiers.core",
    "quartiers.accounts",
    "quartiers.contracts",
    "quartiers.access",
    "quartiers.governance",
    "quartiers.protocol_import",
    "quartiers.programming",
    "quartiers.participation",
    "quartiers.api",
    "quartiers.workspace",
    "quartiers.demo",
    "quartiers.operations",
]

MIDDLEWARE = [
    "quartiers.core.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "quartiers.core.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "quartiers" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quartiers.core.context_processors.site",
                "quartiers.accounts.context_processors.navigation",
                "quartiers.programming.context_processors.queues",
            ],
            "string_if_invalid": "",
        },
    }
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait for each other (up to 20 s) instead of failing with « database
    # is locked »: each transaction takes the write lock when it begins (IMMEDIATE), and WAL
    # lets readers go on meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background tasks (django-tasks, the backport of Django 6's `django.tasks`): e-mails and
# protocol imports. `database` (django-tasks-db) keeps the queue in the database above, on
# SQLite or PostgreSQL, and `quartiers db_worker` runs it; `immediate` runs each task inside
# the request that enqueues it (tests, or an instance without a worker).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = env_str("TASKS_BACKEND") or "database"
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r} is not one of {', '.join(TASK_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
# A failed e-mail is tried again after MAIL_RETRY_DELAY seconds × the attempt number, up to
# MAIL_MAX_ATTEMPTS attempts in all (the database backend only: `immediate` cannot defer).
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 5)
MAIL_RETRY_DELAY = env_int("MAIL_RETRY_DELAY", 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "workspace:home"
PASSWORD_RESET_TIMEOUT = 7 * 24 * 3600  # invitations use the same links

# Public address of the site, used in e-mails (invitation links).
SITE_URL = env_str("SITE_URL") or "http://127.0.0.1:8000"

# E-mail: console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST") or ""
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "quartiers <ne-pas-repondre@localhost>"

# The reverse proxies in front of gunicorn that append the client's address to
# X-Forwarded-For (nginx: 1). With 0 the header is ignored: a client could forge it.
# quartiers.core.clients.client_address reads it, for django-axes and the rate limits alike.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT={TRUSTED_PROXY_COUNT} cannot be negative.")

# The cache holds the rate-limit counters, so it must be shared by every worker: Redis when
# REDIS_URL is set, otherwise a table of the database (created by `migrate`, see
# quartiers/core/apps.py). Large enough never to drop live counters.
REDIS_URL = env_str("REDIS_URL") or ""
if REDIS_URL:
    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured("REDIS_URL is set: install quartiers[redis] (redis-py).")
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "quartiers_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# Days a residents' group's contact is kept after its FPH request is refused or its bilan
# filed (quartiers purge_fph erases it then).
FPH_CONTACT_RETENTION_DAYS = env_int("FPH_CONTACT_RETENTION_DAYS", 365)

# Rate limits (quartiers/core/ratelimit.py), as events per period.
LOGIN_FAILURES_PER_ADDRESS = env_rate("LOGIN_FAILURES_PER_ADDRESS", "20/15m")
PASSWORD_RESETS_PER_ADDRESS = env_rate("PASSWORD_RESETS_PER_ADDRESS", "10/1h")
FPH_REQUESTS_PER_ADDRESS = env_rate("FPH_REQUESTS_PER_ADDRESS", "10/1h")
PASSWORD_RESETS_PER_EMAIL = env_rate("PASSWORD_RESETS_PER_EMAIL", "3/1h")
INVITATIONS_PER_USER = env_rate("INVITATIONS_PER_USER", "50/1h")

# Login throttling (django-axes): lock an account/IP pair after repeated failures; the
# address is the client's behind the trusted proxies.
AXES_CLIENT_IP_CALLABLE = "quartiers.core.clients.client_address"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

# Optional OpenID Connect sign-in (ProConnect) for State agents.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID") or ""
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET") or ""
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT") or ""
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT") or ""
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT") or ""
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT") or None
OIDC_OP_LOGOUT_ENDPOINT = env_str("OIDC_OP_LOGOUT_ENDPOINT") or ""
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO") or "RS256"
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES") or "openid email given_name usual_name"
OIDC_CREATE_USER = False  # only invited people may sign in
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc-callback"
LOGIN_REDIRECT_URL_FAILURE = "accounts:login"
if OIDC_ENABLED:
    if not (OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT and OIDC_OP_USER_ENDPOINT):
        raise ImproperlyConfigured(
            "OIDC_RP_CLIENT_ID is set: OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT "
            "and OIDC_OP_USER_ENDPOINT are required too."
        )
    if OIDC_RP_SIGN_ALGO.startswith(("RS", "ES")) and not OIDC_OP_JWKS_ENDPOINT:
        raise ImproperlyConfigured(
            f"OIDC_RP_SIGN_ALGO={OIDC_RP_SIGN_ALGO} needs OIDC_OP_JWKS_ENDPOINT to check the "
            "provider's signatures."
        )
    AUTHENTICATION_BACKENDS.append("quartiers.accounts.oidc.ProConnectBackend")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    # Deny by default: every API view names the permission classes it relies on.
    "DEFAULT_PERMISSION_CLASSES": ["quartiers.api.permissions.DenyAll"],
    # JSON only: the browsable API's inline scripts break our CSP; /api/docs/ explores the API.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API quartiers",
    "DESCRIPTION": "Contrats de ville : contrats, engagements, organisations.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "quartiers.core.enums.OrganisationKind",
        "PriorityKindEnum": "quartiers.contracts.enums.PriorityKind",
    },
}

LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Static files: collected into STATIC_ROOT with hashed names and served by WhiteNoise.
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "quartiers" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Precompressing (gzip, brotli) takes minutes; skip it when the proxy compresses.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_PRECOMPRESS", True)
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
# django-dsfr writes `integrity` digests of its package's files; the manifest storage rewrites the
# url() inside those stylesheets as it collects them, so browsers would refuse the DSFR (an
# unstyled site: django-dsfr issue #226). The files are served by this site itself: the digest
# protects nothing a compromised server could not rewrite too.
DSFR_USE_INTEGRITY_CHECKSUMS = False
# Uploads are private: no MEDIA_URL, nothing serves MEDIA_ROOT; downloads go through views that
# check permissions (docs/deployment.md). With MEDIA_ACCEL_REDIRECT_PREFIX (e.g.
# "/media-privees/"), those views answer with X-Accel-Redirect and nginx sends the file from
# an `internal` location.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_ACCEL_REDIRECT_PREFIX = env_str("MEDIA_ACCEL_REDIRECT_PREFIX") or ""
if MEDIA_ACCEL_REDIRECT_PREFIX and not (
    MEDIA_ACCEL_REDIRECT_PREFIX.startswith("/") and MEDIA_ACCEL_REDIRECT_PREFIX.endswith("/")
):
    raise ImproperlyConfigured(
        f"MEDIA_ACCEL_REDIRECT_PREFIX={MEDIA_ACCEL_REDIRECT_PREFIX!r} must start and end with /."
    )

# Request bodies: protocols are small documents (5 MB, protocol_import/limits.py). A form body
# past DATA_UPLOAD_MAX_MEMORY_SIZE is refused (400, RequestDataTooBig) before it is parsed; an
# uploaded file past FILE_UPLOAD_MAX_MEMORY_SIZE is streamed to a temporary file, not memory.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", MAX_UPLOAD_BYTES)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", MAX_UPLOAD_BYTES)
# Every request body, file uploads included, is capped before it is read: past
# MAX_REQUEST_BODY_SIZE (by its Content-Length, or as a body without one is read) the answer
# is 413; one uploaded file past MAX_UPLOAD_FILE_SIZE too (quartiers/core/middleware.py). The
# reverse proxy's `client_max_body_size` matches the first (docs/deployment.md).
MAX_REQUEST_BODY_SIZE = env_int("MAX_REQUEST_BODY_SIZE", 30 * 1024 * 1024)
MAX_UPLOAD_FILE_SIZE = env_int("MAX_UPLOAD_FILE_SIZE", 20 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "quartiers.core.middleware.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# An import's preview (its stored document and its job) can be applied for this many seconds;
# then `quartiers purge_imports` (cron, and each new import) deletes it.
IMPORT_PREVIEW_TTL = env_int("IMPORT_PREVIEW_TTL", 24 * 3600)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)  # a working day
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# HSTS does not depend on the redirect: a proxy may redirect HTTP itself.
if env_bool("SECURE_HSTS", not DEBUG):
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# Only behind a proxy that sets (and overwrites) X-Forwarded-Proto.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],  # the sentinel: django-csp writes 'nonce-…'
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "WARNING"},
}

SITE_NAME = "quartiers"

# Who runs this instance, for the legal pages (mentions légales, données personnelles,
# déclaration d'accessibilité). Empty: those pages say the operator has not filled it in.
OPERATOR_NAME = env_str("OPERATOR_NAME") or ""
OPERATOR_ADDRESS = env_str("OPERATOR_ADDRESS") or ""
OPERATOR_EMAIL = env_str("OPERATOR_EMAIL") or ""
PUBLICATION_DIRECTOR = env_str("PUBLICATION_DIRECTOR") or ""
HOSTING_PROVIDER = env_str("HOSTING_PROVIDER") or ""
DPO_EMAIL = env_str("DPO_EMAIL") or ""

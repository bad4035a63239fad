"""Settings for Leerkring, read from the environment (django-environ).

Every variable read here is listed in the README. Without any of them set, the platform runs in a
safe production mode that refuses to start without a real SECRET_KEY; `make run` sets DEBUG=true
and gets embedded defaults: SQLite, local-memory cache and a file-system Celery broker under
DATA_DIR.
"""

import sys
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# Django's technical 404 (every URL pattern) and yellow 500 page, only when asked for.
DEBUG_TECHNICAL_PAGES = DEBUG and env.bool("DEBUG_TECHNICAL_PAGES", default=False)
DATA_DIR = Path(env("DATA_DIR", default=str(BASE_DIR / "data")))

# --- Secret key: production refuses to start without a real one --------------------------------
_DEV_SECRET_KEY = "django-insecure-leerkring-development-key-never-use-in-production"
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        sys.exit(
            "Leerkring: SECRET_KEY is not set. In production set SECRET_KEY to a random string "
            "of at least 50 characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    sys.exit(
        "Leerkring: SECRET_KEY is too weak for production: use at least 50 random characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications ----------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_celery_beat",
    "django_htmx",
    "csp",
    # Ours, in their direction of dependency: each may import only from those above it.
    "leerkring.apps.CoreConfig",
    "municipalities.apps.MunicipalitiesConfig",
    "sessions.apps.MeetingsConfig",
    "reflections.apps.ReflectionsConfig",
    "publications.apps.PublicationsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "leerkring.middleware.DutchFirstLocaleMiddleware",
    # Before anything that reads the session, the user or a form: no NUL reaches a query.
    "leerkring.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Outside the MFA and allauth middleware, so their redirects to logged-in people count too.
    "leerkring.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "municipalities.middleware.RequireMFAMiddleware",
    # Last: with DEBUG, our own 404 and 500 pages unless DEBUG_TECHNICAL_PAGES asks for Django's.
    "leerkring.error_pages.ProjectErrorPagesMiddleware",
]

ROOT_URLCONF = "leerkring.urls"
WSGI_APPLICATION = "leerkring.wsgi.application"
ASGI_APPLICATION = "leerkring.asgi.application"

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
            ],
        },
    },
]
# Our field template ties errors and help text to their inputs (aria-describedby, aria-invalid).
FORM_RENDERER = "leerkring.forms.AccessibleFormRenderer"

# --- Data ------------------------------------------------------------------------------------
_DEFAULT_SQLITE = f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db("DATABASE_URL", default=_DEFAULT_SQLITE)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite with a web server and a worker writing at once: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "leerkring",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files that only a view checking permission may hand out (rendered PDFs): outside MEDIA_ROOT,
# without a URL of their own.
PRIVATE_ROOT = Path(env("PRIVATE_ROOT", default=str(DATA_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "leerkring.storage.PrivateStorage",
        "OPTIONS": {"location": PRIVATE_ROOT},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Accounts --------------------------------------------------------------------------------
AUTH_USER_MODEL = "leerkring.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "leerkring.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Leerkring] "
ACCOUNT_USER_DISPLAY = "leerkring.models.display_name"
# Sensitive account steps (MFA set-up, new recovery codes, e-mail changes) ask for the password
# again unless it was entered this many seconds ago; the password of a login counts too
# (leerkring.adapters.AccountAdapter.login), so MFA set-up right after logging in asks nothing.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# allauth counts these in the cache above: Redis when configured, so limits hold across workers.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# Links in allauth's e-mails (password reset, verification) use https outside development.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Behind a reverse proxy every request comes from the proxy: tell allauth how many proxies
# append to X-Forwarded-For, so rate limits and the audit log see the real client address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Researchers, organisers and platform staff must set up TOTP before using the platform.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)
MFA_TOTP_ISSUER = "Leerkring"
# One 30-second step either side: phones with a slightly wrong clock still work.
MFA_TOTP_TOLERANCE = 1

# --- Language and time -----------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

# --- E-mail: every message goes through the outbox and a Celery task -------------------------
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Leerkring <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
CONTACT_EMAIL = env("CONTACT_EMAIL", default="toegankelijkheid@localhost")
# Links in e-mails are built from this, never from a request's Host header.
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")
INVITATION_VALID_DAYS = 7

# --- Celery ----------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = DATA_DIR / "broker"
    for _folder in ("processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Exchange tables of the worker's control and events; kombu's default is ./control.
        "control_folder": str(_broker_dir / "control"),
    }
else:
    # Redis re-delivers an unacknowledged task after visibility_timeout: keep it well above the
    # hard time limit, or a long task would run twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_WORKER_MAX_TASKS_PER_CHILD = 200
CELERY_TIMEZONE = TIME_ZONE
# Renders (PDFs) run on a queue of their own, consumed by a worker of their own, so a long
# render never delays e-mails and reminders on the default queue.
CELERY_TASK_ROUTES = {"publications.tasks.render_document": {"queue": "renders"}}
# A render is stopped (and its job failed with a message) after the soft limit, killed after
# the hard one. Both stay well below the broker's visibility_timeout.
RENDER_SOFT_TIME_LIMIT = env.int("RENDER_SOFT_TIME_LIMIT", default=300)
RENDER_TIME_LIMIT = env.int("RENDER_TIME_LIMIT", default=360)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Apps add their periodic tasks to the registry (leerkring/registry.py); leerkring/celery.py
# hands them to beat when it starts.
CELERY_BEAT_SCHEDULE: dict = {}

# --- Security --------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# The language switcher is a form posted to the server: no script needs to read this cookie.
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# A refused form (expired page, cookies off) explains itself in our layout, in Dutch.
CSRF_FAILURE_VIEW = "leerkring.views.csrf_failure"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The health check is probed over plain HTTP from inside the deployment.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    # Only behind a proxy that sets this header itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every step of every render at INFO; its warnings (a refused URL) stay.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

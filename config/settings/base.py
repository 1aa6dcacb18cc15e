"""Settings for every environment, read from environment variables.

Production is the default: DEBUG is off unless DEBUG=true is set, and then a
SECRET_KEY must be given. `make run` sets DEBUG=true for local work.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. Set DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

SITE_NAME = env.str("SITE_NAME", default="Ask the Experts")
# Where the site is served, for links in e-mails (sent by a worker with no request).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "corsheaders",
    # The API's interactive docs from its own static files, not a CDN.
    "ninja",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "markdownx",
    "django_tasks_db",
    "accounts",
    "forum",
    "experts",
]

MIDDLEWARE = [
    # Compresses what is not compressed yet (visitors' cached pages come gzipped), adding
    # a random length to each response against BREACH; see docs/performance.md.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before anything reads the request (static files, the page cache, the session):
    # a NUL answers 400 here, with the security and CSP headers of every page.
    "config.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The read-only API may be read from other sites' pages (GET only, no cookies).
    "corsheaders.middleware.CorsMiddleware",
    "config.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.CacheDependentFormsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
                "config.context_processors.notifications",
                "config.context_processors.moderation",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite ignores SELECT ... FOR UPDATE: a write transaction takes the database's
    # write lock when it begins instead, so the actions' transactions run one after
    # the other (waiting up to 20 s) rather than failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: local memory for one process; REDIS_URL for anything that runs more
# than one process, because rate limits and sessions must be shared.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Short: an unreachable Redis must cost a request milliseconds, not seconds
            # (config.cache then leaves it alone for a few seconds and serves without it).
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 1.0},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# E-mail: the console in development; EMAIL_URL (smtp://user:pass@host:587?tls=True)
# in production.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
_email_url = env.str("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_email = environ.Env.email_url_config(_email_url)
_backend = _email["EMAIL_BACKEND"]
if _backend.endswith("smtp.EmailBackend"):
    _options = {
        key: value
        for key, value in {
            "host": _email.get("EMAIL_HOST") or None,
            "port": _email.get("EMAIL_PORT") or None,
            "username": _email.get("EMAIL_HOST_USER") or None,
            "password": _email.get("EMAIL_HOST_PASSWORD") or None,
            "use_tls": _email.get("EMAIL_USE_TLS"),
            "use_ssl": _email.get("EMAIL_USE_SSL"),
            # A mail server that stops answering must not hold the worker for good.
            "timeout": env.int("EMAIL_TIMEOUT", default=20),
        }.items()
        if value is not None
    }
elif _backend.endswith("filebased.EmailBackend"):
    # filemail:///var/mail/experts writes each message to a file there.
    # (django-environ drops the leading slash of the path.)
    _path = _email.get("EMAIL_FILE_PATH") or str(BASE_DIR / "sent-mail")
    _options = {"file_path": _path if _path.startswith("/") else f"/{_path}"}
else:
    _options = {}
if DEBUG and _backend == "django.core.mail.backends.console.EmailBackend":
    # The text part decoded, links whole, rather than quoted-printable (config.mail).
    _backend = "config.mail.ReadableConsoleBackend"
MAILERS = {"default": {"BACKEND": _backend, "OPTIONS": _options}}

AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, loading the user with their roles (accounts.backends).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# allauth: e-mail and password, verified before anything can be posted.
# Behind a reverse proxy (deploy/nginx.conf) every request comes from the proxy: allauth's
# per-IP limits then read the client from X-Forwarded-For, this many hops from the right.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_USER_MODEL_EMAIL_FIELD = "email"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, written out so they are visible and tested.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_SESSION_REMEMBER = None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# "1 December 2026" wherever a date is shown without a format of its own.
FORMAT_MODULE_PATH = "config.formats"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Security. Content-Security-Policy is on everywhere, so a page that needs an
# inline script or style fails in development and in tests, not in production.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # allauth shows the TOTP QR code as a data: image.
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own logger has a console handler of its own (with DEBUG on) and
        # passes its records on to the root's as well: each line came out twice.
        # The root's handler prints them, once, warnings and errors included.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # Configuring "django" resets the loggers under it: runserver's request
        # lines get their own handler and format back, as Django sets them.
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# django-markdownx: only its editor widget is used. The preview goes to our own
# sanitising view (forum.views.preview); there is no upload route.
MARKDOWNX_URLS_PATH = "/markdown/preview/"
MARKDOWNX_UPLOAD_URLS_PATH = "/markdown/no-uploads/"
MARKDOWNX_SERVER_CALL_LATENCY = 600

# Asking is rate-limited per member; new accounts get the stricter limit.
ASK_RATE = env.str("ASK_RATE", default="10/h")
ASK_RATE_NEW_ACCOUNT = env.str("ASK_RATE_NEW_ACCOUNT", default="3/h")
NEW_ACCOUNT_DAYS = env.int("NEW_ACCOUNT_DAYS", default=7)
FLAGS_TO_AUTO_HIDE = env.int("FLAGS_TO_AUTO_HIDE", default=3)
# Days an addressed expert has to answer before the question goes back to its asker
# (manage.py run_lifecycle, from cron).
QUESTION_EXPIRY_DAYS = env.int("QUESTION_EXPIRY_DAYS", default=7)
FLAG_RATE = env.str("FLAG_RATE", default="20/h")
# Contact form messages per member, or per address for visitors (accounts.views_contact).
CONTACT_RATE = env.str("CONTACT_RATE", default="5/h")
# Reads of the API per client (token, else address).
API_RATE = env.str("API_RATE", default="300/m")
# Editor previews per member (forum.views.preview): the widget posts after each
# pause of MARKDOWNX_SERVER_CALL_LATENCY (600 ms), at most 100 a minute.
PREVIEW_RATE = env.str("PREVIEW_RATE", default="120/m")

# The health check calls the e-mail queue stale when its oldest task has waited this long.
TASKS_STALE_AFTER = env.int("TASKS_STALE_AFTER", default=600)

# Background tasks (e-mail): Django's tasks API. Development runs them at once;
# production queues them in the database for `manage.py run_worker`.
TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND",
            default="django.tasks.backends.immediate.ImmediateBackend"
            if DEBUG
            else "django_tasks_db.DatabaseBackend",
        )
    }
}
EMAIL_RETRIES = env.int("EMAIL_RETRIES", default=5)
# A sender that has not finished an e-mail after this long is taken for dead, and the
# e-mail is tried again; a worker's task is taken back after TASK_ABANDONED_AFTER.
EMAIL_CLAIM_SECONDS = env.int("EMAIL_CLAIM_SECONDS", default=120)
TASK_ABANDONED_AFTER = env.int("TASK_ABANDONED_AFTER", default=180)

# Whole pages for visitors without a session are cached until the next write
# (config.pagecache); 0 turns it off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# How long a proxy or CDN may serve a visitor's page without asking again (s-maxage).
# 0: it may keep it but asks each time (If-None-Match, a 304 while unchanged), so a
# write shows at once; more trades that for fewer requests reaching the site.
SHARED_CACHE_SECONDS = env.int("SHARED_CACHE_SECONDS", default=0)
# Where a write sends PURGE with the keys it moved (xkey-purge), for a proxy that keeps
# pages by key (deploy/varnish.vcl); empty: none is sent.
PURGE_URL = env.str("PURGE_URL", default="")

# The API (/api/v1/): anyone's pages may read it with GET; no credentials cross.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = ["accept", "authorization", "if-none-match"]
CORS_EXPOSE_HEADERS = ["etag", "retry-after"]

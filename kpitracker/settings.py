"""Settings for kpitracker.

Every deploy-time value comes from the environment through the small helpers
below, which raise ImproperlyConfigured on a bad value. The defaults serve local
development (SQLite, console mail); with DEBUG off a missing SECRET_KEY or
ALLOWED_HOSTS stops the process at start instead of running half-configured.
"""

import datetime
import os
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kpitracker.proxy import networks

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=None, *, required=False):
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"Set the {name} environment variable.")
        return default
    return value


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from None


def env_decimal(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return Decimal(default)
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name, default, choices):
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_url(name, default):
    """An http(s) base URL, always ending in "/" so paths can be appended."""
    value = env_str(name, default)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(f"{name} must be an http(s) URL, not {value!r}.")
    return value if value.endswith("/") else value + "/"


def url_origin(url):
    """The scheme://host[:port] of `url`, as a Content-Security-Policy source."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


DEBUG = env_bool("DJANGO_DEBUG", False)

if DEBUG:
    # A development-only key; production must bring its own (checked below).
    SECRET_KEY = env_str("SECRET_KEY", "django-insecure-development-only-key-not-for-production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    SECRET_KEY = env_str("SECRET_KEY", required=True)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated) when DJANGO_DEBUG is off.")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "kpitracker.apps.KpiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tables2",
    "django_filters",
    "django_bootstrap5",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "accounts",
    "targets",
    "ledger",
    # The read API for other city systems (api/): DRF, its OpenAPI schema, and the
    # Swagger UI's files vendored by drf-spectacular-sidecar (no CDN).
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    # CAS sign-in (accounts/sso.py) keeps its service tickets for single logout.
    "django_cas_ng",
    # Instructions and follow-ups (督办), and the notices' outbox with its task queue.
    "oversight",
    "django_tasks_db",
    "notices",
]

MIDDLEWARE = [
    # Forwarded headers count only from a TRUSTED_PROXIES address (kpitracker/proxy.py).
    "kpitracker.proxy.ForwardedHeadersMiddleware",
    # GET, HEAD and POST only: no view of ours needs another method (TRACE, PUT…).
    "kpitracker.middleware.AllowedMethodsMiddleware",
    # 400 for NUL in the query string, before any view reads a parameter.
    "kpitracker.middleware.QueryParametersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # 413 for a body over KPI_REQUEST_MAX_MB, before Django reads it (after the session
    # so an anonymous visitor's limit is smaller); then no-store on signed-in answers.
    "kpitracker.middleware.BodyLimitMiddleware",
    "kpitracker.middleware.PrivatePagesMiddleware",
    # Keeps a signed-in session alive while it is used (see SESSION_COOKIE_AGE).
    "kpitracker.middleware.SessionIdleMiddleware",
    # A single sign-on account without a section sees the waiting page only.
    "kpitracker.middleware.AwaitingAssignmentMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Records the request's user on every history row written during the request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns a login lockout (django-axes) into the "too many attempts" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kpitracker.urls"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

WSGI_APPLICATION = "kpitracker.wsgi.application"

# Database: SQLite by default so a fresh clone runs with nothing installed;
# DATABASE_URL (postgres://…) selects PostgreSQL through psycopg 3.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # A connection kept for a minute by each worker thread: a new PostgreSQL
        # session per request cost the dashboards most of their speed (bench/README.md).
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two people saving at once: every transaction takes SQLite's write lock when it
    # begins (IMMEDIATE), so none fails half-way on upgrading a read lock; a writer
    # waits up to SQLITE_BUSY_TIMEOUT seconds for the other; WAL lets pages be read
    # while someone writes. A lock that still times out is answered "try again, your
    # input is kept" (targets.models.report.DatabaseBusy), never a 500.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# A kept connection (DB_CONN_MAX_AGE) is checked before its first use in each request,
# so one that a database restart closed is replaced instead of failing a request
# (issue 23: 4 of 522 requests were a 500 over two restarts without it).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_POOL"):
    # psycopg's pool replaces persistent connections: Django requires CONN_MAX_AGE = 0.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DB_POOL_MIN_SIZE", 2),
        "max_size": env_int("DB_POOL_MAX_SIZE", 10),
        "timeout": env_int("DB_POOL_TIMEOUT", 10),
    }
    # With CONN_HEALTH_CHECKS (above), Django gives the pool psycopg's
    # ConnectionPool.check_connection: a connection is checked before it is lent (a
    # round trip well under a millisecond) and a dead one replaced, so a database
    # restart costs no request (issue 23: 12 of 539 were a 500 over two restarts).

# The kept pages (targets/views/fragments.py): in each process's memory by default;
# CACHE_URL=redis://host:6379/0 shares them between every worker of every server, so a
# change is drawn once for the whole site (docs/deploy.md section 8).
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL:
    if urlsplit(CACHE_URL).scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, not {CACHE_URL!r}.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "kpi",
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.PasswordBackend",
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


def env_map(name):
    """ "a=x,b=y" → {"a": "x", "b": "y"}, in order (for the sign-on mappings)."""
    pairs = {}
    for item in env_list(name):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ImproperlyConfigured(f"{name} must be a list of group=value, not {item!r}.")
        pairs[key.strip()] = value.strip()
    return pairs


# --- Single sign-on (accounts/sso.py, docs/deploy.md) -------------------------------
# SSO=oidc,cas,ldap switches each on (any combination); the local password login stays
# for administrators, and for everyone unless LOCAL_LOGIN=admins. Groups (an OIDC claim,
# a CAS attribute, LDAP groups) map to roles and sections: SSO_GROUP_ROLES=
# "kpi-leaders=leader,kpi-reviewers=reviewer", SSO_GROUP_SECTIONS="kpi-talent=demo-talent".
SSO_PROTOCOLS = env_list("SSO")
if not set(SSO_PROTOCOLS) <= {"oidc", "cas", "ldap"}:
    raise ImproperlyConfigured("SSO must list some of oidc, cas, ldap.")
LOCAL_LOGIN = env_choice("LOCAL_LOGIN", "everyone", ("everyone", "admins"))
SSO_GROUP_ROLES = env_map("SSO_GROUP_ROLES")
if not set(SSO_GROUP_ROLES.values()) <= {"staff", "leader", "reviewer", "admin"}:
    raise ImproperlyConfigured("SSO_GROUP_ROLES maps groups to staff, leader, reviewer or admin.")
SSO_GROUP_SECTIONS = env_map("SSO_GROUP_SECTIONS")
SSO_GROUPS_CLAIM = env_str("SSO_GROUPS_CLAIM", "groups")
SSO_OIDC_USERNAME_CLAIM = env_str("SSO_OIDC_USERNAME_CLAIM", "preferred_username")
_sso_required = "oidc" in SSO_PROTOCOLS
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "", required=_sso_required)
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "", required=_sso_required)
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str(
    "OIDC_OP_AUTHORIZATION_ENDPOINT", "", required=_sso_required
)
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "", required=_sso_required)
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "", required=_sso_required)
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "", required=_sso_required)
OIDC_OP_LOGOUT_ENDPOINT = env_str("OIDC_OP_LOGOUT_ENDPOINT", "")  # end_session_endpoint
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of the logout
OIDC_USE_PKCE = True
CAS_SERVER_URL = env_str("CAS_SERVER_URL", "", required="cas" in SSO_PROTOCOLS)
if CAS_SERVER_URL and not CAS_SERVER_URL.endswith("/"):
    CAS_SERVER_URL += "/"
CAS_VERSION = env_str("CAS_VERSION", "3")
CAS_CREATE_USER = True
CAS_LOGOUT_COMPLETELY = True
CAS_REDIRECT_URL = "/"
AUTH_LDAP_SERVER_URI = env_str("LDAP_SERVER_URI", "", required="ldap" in SSO_PROTOCOLS)
AUTH_LDAP_BIND_DN = env_str("LDAP_BIND_DN", "")
AUTH_LDAP_BIND_PASSWORD = env_str("LDAP_BIND_PASSWORD", "")
AUTH_LDAP_START_TLS = env_bool("LDAP_START_TLS", False)
AUTH_LDAP_USER_ATTR_MAP = {"first_name": "givenName", "last_name": "sn", "email": "mail"}
AUTH_LDAP_ALWAYS_UPDATE_USER = True
AUTH_LDAP_USER_SEARCH = AUTH_LDAP_GROUP_SEARCH = None
AUTH_LDAP_REQUIRE_GROUP = env_str("LDAP_REQUIRE_GROUP")
if "ldap" in SSO_PROTOCOLS:
    import ldap
    from django_auth_ldap.config import GroupOfNamesType, LDAPSearch

    AUTH_LDAP_USER_SEARCH = LDAPSearch(
        env_str("LDAP_USER_BASE", required=True),
        ldap.SCOPE_SUBTREE,
        env_str("LDAP_USER_FILTER", "(uid=%(user)s)"),
    )
    if env_str("LDAP_GROUP_BASE"):
        AUTH_LDAP_GROUP_SEARCH = LDAPSearch(
            env_str("LDAP_GROUP_BASE"), ldap.SCOPE_SUBTREE, "(objectClass=groupOfNames)"
        )
        AUTH_LDAP_GROUP_TYPE = GroupOfNamesType()
_SSO_BACKENDS = {
    "oidc": "accounts.sso.OidcBackend",
    "cas": "accounts.sso.CasBackend",
    "ldap": "accounts.sso.LdapBackend",
}
AUTHENTICATION_BACKENDS += [_SSO_BACKENDS[p] for p in SSO_PROTOCOLS]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "targets:home"
LOGOUT_REDIRECT_URL = "login"

# Chinese first, English available (the LocaleMiddleware follows the browser or the switcher).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded evidence files (the ledger's 台账 files): stored through Django's storage API,
# never served from a public URL (there is no MEDIA_URL route): the ledger's download
# view applies the report's permission and streams them. MEDIA_ROOT lies outside the
# static files. Several app servers share one MEDIA_ROOT (a shared mount) or one
# S3-compatible bucket (KPI_FILE_STORAGE=s3, django-storages; docs/deploy.md).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
KPI_FILE_STORAGE = env_choice("KPI_FILE_STORAGE", "local", ("local", "s3"))
if KPI_FILE_STORAGE == "s3":
    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET", required=True),
            "endpoint_url": env_str("S3_ENDPOINT_URL"),
            "region_name": env_str("S3_REGION"),
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "location": env_str("S3_PREFIX", ""),
            # Private objects, never overwritten; the app streams them itself.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _DEFAULT_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Content-Security-Policy (Django 6): scripts and styles only from this site, so
# chart data must come through json_script and code from static files.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

# --- HTTPS, cookies and the reverse proxy (docs/deploy.md) -----------------------
# HTTPS (the default in production): cookies only over TLS, http redirected to https,
# HSTS. HTTPS=off is the plain-http intranet mode: cookies without the Secure flag
# (with it, a browser on http:// drops them and every login fails the CSRF check), no
# redirect, no HSTS. `check --deploy` then warns about exactly those settings.
HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# security.W021 asks for HSTS preload. Preloading has browser makers hard-code https
# for the whole registered domain (e.g. a city's gov.cn domain): a decision for the
# domain's owner, not for one application on one of its hosts. HSTS itself is on.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "kpitracker.views.csrf_failure"

# BEHIND_PROXY: nginx (or another reverse proxy) in front sets X-Forwarded-Proto and
# X-Real-IP, overwriting whatever the client sent. Django then knows a request came
# over https, and the login lockout counts the visitor's address, not the proxy's
# (otherwise every user shares 127.0.0.1 and they are all locked out together).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Those headers count only when the request comes from one of these addresses or
# networks (nginx on the same host by default); from anywhere else they are removed
# and the socket's address is the client's (kpitracker/proxy.py). The lockout asks the
# same function, instead of ipware's header order.
TRUSTED_PROXIES = networks(env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"]))
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"

# Sessions end after a working day without use (9 hours by default); while someone
# works, SessionIdleMiddleware renews the session at most every SESSION_RENEW_SECONDS,
# so a page view does not cost a database write. Sessions live in the database, so
# several app servers sharing one PostgreSQL share them.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 9 * 3600)
SESSION_RENEW_SECONDS = min(env_int("SESSION_RENEW_SECONDS", 300), SESSION_COOKIE_AGE)

# --- Login lockout (django-axes) ----------------------------------------------------
# After LOGIN_FAILURE_LIMIT failed logins for one account, or from one address, within
# LOGIN_LOCKOUT_MINUTES, both are refused for that long (site login and admin login
# alike), with a page that says so in the user's language. Account: so a password
# cannot be guessed from many addresses; address: so one machine cannot try many
# accounts. Attempts live in the database: every app server sees the same counts.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = env_list("LOGIN_LOCKOUT_BY", ["username", "ip_address"])
if not set(AXES_LOCKOUT_PARAMETERS) <= {"username", "ip_address"} or not AXES_LOCKOUT_PARAMETERS:
    raise ImproperlyConfigured("LOGIN_LOCKOUT_BY must list username and/or ip_address.")
AXES_RESET_ON_SUCCESS = True  # a user who finally types it right starts again from zero
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Failed logins are logged with the account name and the address (IT needs both to
# see who is being guessed at, and from where); the password never is.
AXES_SENSITIVE_PARAMETERS = []

# Mail: the console in development; SMTP settings come from the environment.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kpitracker@localhost")
MAILERS = {
    "default": {
        "BACKEND": env_str(
            "MAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("MAIL_HOST", "localhost"),
        "port": env_int("MAIL_PORT", 25),
        "username": env_str("MAIL_USER", ""),
        "password": env_str("MAIL_PASSWORD", ""),
        "use_tls": env_bool("MAIL_USE_TLS", False),
        "timeout": env_int("MAIL_TIMEOUT", 20),
    }

# Everything goes to stderr, which gunicorn and systemd's journal collect. Failed logins
# and lockouts are logged by django-axes at WARNING with the username and address.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- kpitracker's own settings -------------------------------------------------

# How far (in percentage points) completion may trail the expected pace before an
# indicator is "behind" rather than "at risk".
KPI_AT_RISK_TOLERANCE = env_decimal("KPI_AT_RISK_TOLERANCE", "10")

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

# Forms are rendered by django-bootstrap5 with the vendored Bootstrap (static/vendor/):
# labels above the fields, errors under them, no placeholders standing in for labels.
BOOTSTRAP5 = {
    "set_placeholder": False,
    "error_css_class": "",
    "required_css_class": "",
    "field_renderers": {"default": "targets.renderers.FieldRenderer"},
}

# Labels the admin site header uses; kept here so it is translated once.
ADMIN_SITE_HEADER = _("kpitracker administration")

# Quarterly reports are due this many days after the quarter ends.
KPI_REPORT_DUE_DAYS = env_int("KPI_REPORT_DUE_DAYS", 10)

# Charts: Chart.js and its annotation plugin come from the app's own static files
# ("vendored", the default) because global CDNs are unreliable from mainland China
# and absent on intranets. "cdn" loads the same pinned versions, with Subresource
# Integrity (targets/assets.py), from CHARTJS_CDN_BASE_URL, which must lay files out
# as <base><package>@<version>/<path> like jsDelivr and unpkg; the page still loads
# the vendored copy when the CDN fails. The CDN's origin joins script-src.
CHARTJS_SOURCE = env_choice("CHARTJS_SOURCE", "vendored", ("vendored", "cdn"))
CHARTJS_CDN_BASE_URL = env_url("CHARTJS_CDN_BASE_URL", "https://cdn.jsdelivr.net/npm/")
if CHARTJS_SOURCE == "cdn":
    SECURE_CSP["script-src"] = [*SECURE_CSP["script-src"], url_origin(CHARTJS_CDN_BASE_URL)]
# Off for tests and screenshots, which would otherwise catch bars mid-animation.
CHARTS_ANIMATE = env_bool("CHARTS_ANIMATE", True)

# The briefing's charts are drawn on the server (matplotlib) with the first of these
# font families that has Chinese glyphs; none found is an error at start
# (targets/checks.py), never boxes in a chart. Debian's fonts-noto-cjk gives the first.
KPI_CHART_FONTS = env_list(
    "KPI_CHART_FONTS",
    ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimHei", "WenQuanYi Zen Hei"],
)


def env_date(name):
    value = env_str(name)
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a date (YYYY-MM-DD), not {value!r}.") from None


# Evidence files of the ledger: the types accepted (recognised from the content, not the
# name: ledger/filetypes.py) and the largest size, in megabytes.
EVIDENCE_TYPES_KNOWN = ("pdf", "ofd", "jpeg", "png", "docx", "xlsx")
KPI_EVIDENCE_TYPES = env_list("KPI_EVIDENCE_TYPES", EVIDENCE_TYPES_KNOWN)
if not KPI_EVIDENCE_TYPES or not set(KPI_EVIDENCE_TYPES) <= set(EVIDENCE_TYPES_KNOWN):
    raise ImproperlyConfigured(
        f"KPI_EVIDENCE_TYPES must list some of {', '.join(EVIDENCE_TYPES_KNOWN)}."
    )
KPI_EVIDENCE_MAX_MB = env_int("KPI_EVIDENCE_MAX_MB", 20)
if KPI_EVIDENCE_MAX_MB < 1:
    raise ImproperlyConfigured("KPI_EVIDENCE_MAX_MB must be at least 1.")

# A quarter's reports from a spreadsheet (targets/report_sheet/): the largest upload, in
# megabytes. A section's template is a few dozen kilobytes; a 2,000-row one about 0.3.
KPI_REPORT_IMPORT_MAX_MB = env_int("KPI_REPORT_IMPORT_MAX_MB", 5)
if KPI_REPORT_IMPORT_MAX_MB < 1:
    raise ImproperlyConfigured("KPI_REPORT_IMPORT_MAX_MB must be at least 1.")

# The read API (api/, docs/deploy.md): JSON only, every endpoint's own token and
# throttle (api/views.py); the schema and its Swagger UI for those signed in or
# holding a token. A rotated token keeps working this many hours, then expires.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "kpitracker read API",
    "DESCRIPTION": "Plans, indicators, standings, reports, ledger and history, read only.",
    "VERSION": "v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_AUTHENTICATION": [
        "api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
}
API_TOKEN_ROTATION_HOURS = env_int("API_TOKEN_ROTATION_HOURS", 24)

# The largest request body (issue 23), refused before Django reads it
# (kpitracker.middleware.BodyLimitMiddleware): a ledger form with several evidence
# files, by default five of the largest plus 1 MB for the form. A visitor not signed in
# sends a login form only. nginx's client_max_body_size should say the same.
KPI_REQUEST_MAX_MB = env_int("KPI_REQUEST_MAX_MB", 5 * KPI_EVIDENCE_MAX_MB + 1)
if max(KPI_EVIDENCE_MAX_MB, KPI_REPORT_IMPORT_MAX_MB, 2) >= KPI_REQUEST_MAX_MB:
    raise ImproperlyConfigured("KPI_REQUEST_MAX_MB must exceed the largest upload allowed.")
KPI_REQUEST_MAX_BYTES = KPI_REQUEST_MAX_MB * 1024 * 1024
KPI_ANONYMOUS_MAX_BYTES = 64 * 1024
# Form fields besides files (Django's default, stated): a plan preview's signed rows
# are the largest, a few dozen kilobytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Pins "today" (YYYY-MM-DD) for demos and tests; unset in production.
KPI_TODAY = env_date("KPI_TODAY")

# --- Notices (notices/): the outbox and its worker ------------------------------
# Deliveries are django.tasks tasks kept in the database (django-tasks-db), written in
# the same transaction as the event; `manage.py db_worker` runs them (docs/deploy.md;
# `make run` starts one beside the development server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Where links in e-mails and robots' messages point.
KPI_SITE_URL = env_url("KPI_SITE_URL", "http://127.0.0.1:8000/")
# The channels that reach a person: "app" (the list behind the bell) and "email" (to
# the address on their account).
KPI_NOTICE_CHANNELS = env_list("KPI_NOTICE_CHANNELS", ["app"])
if not set(KPI_NOTICE_CHANNELS) <= {"app", "email"}:
    raise ImproperlyConfigured("KPI_NOTICE_CHANNELS must list app and/or email.")
# Group robots: a webhook URL turns one on; DingTalk and Feishu sign with their secret.
KPI_ROBOTS = {
    "wecom": {"url": env_str("KPI_WECOM_WEBHOOK", "")},
    "dingtalk": {
        "url": env_str("KPI_DINGTALK_WEBHOOK", ""),
        "secret": env_str("KPI_DINGTALK_SECRET", ""),
    },
    "feishu": {
        "url": env_str("KPI_FEISHU_WEBHOOK", ""),
        "secret": env_str("KPI_FEISHU_SECRET", ""),
    },
}
# A failed delivery is tried again after this many seconds, doubling, at most the max.
KPI_NOTICE_RETRY_SECONDS = env_int("KPI_NOTICE_RETRY_SECONDS", 30)
KPI_NOTICE_RETRY_MAX_SECONDS = env_int("KPI_NOTICE_RETRY_MAX_SECONDS", 3600)
# A notice claimed by a worker longer than this is taken as its worker having died
# (`manage.py requeue_notices`): longer than any send can take.
KPI_NOTICE_CLAIM_SECONDS = env_int("KPI_NOTICE_CLAIM_SECONDS", 300)
# The daily check (`manage.py notices_daily`): a quarter's reports are announced this
# many days before they are due; the weekly digest goes out on this weekday (0 Monday)
# or the first run after it in the week.
KPI_REPORT_REMIND_DAYS = env_int("KPI_REPORT_REMIND_DAYS", 3)
KPI_DIGEST_WEEKDAY = env_int("KPI_DIGEST_WEEKDAY", 0)
if not 0 <= KPI_DIGEST_WEEKDAY <= 6 or KPI_REPORT_REMIND_DAYS < 0:
    raise ImproperlyConfigured(
        "KPI_DIGEST_WEEKDAY must be 0 (Monday) to 6; KPI_REPORT_REMIND_DAYS 0 or more."
    )

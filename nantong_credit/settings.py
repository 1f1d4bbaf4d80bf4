"""Settings for 南通信用网, read from the environment.

Every value has a safe default for the embedded mode (`make run`): SQLite in `var/`, Celery
tasks run in-process, local-memory cache, e-mail printed to the console, plain http on
`HOST`:`PORT`. Setting `DATABASE_URL` (to a server) or `REDIS_URL` switches the same code to
PostgreSQL, Redis and Celery workers, served over HTTPS only. DEBUG is neither: a developer
turns it on explicitly. Secrets may also come from files: `SECRET_KEY_FILE`, ...
"""

import ipaddress
import math
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

from nantong_credit import celery_schedule
from nantong_credit.logging_config import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def secret(name: str, default: str = "") -> str:
    """A secret from `NAME`, or from the file named by `NAME_FILE` (Docker/K8s secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return env.str(name, default=default)


# Django's technical pages (tracebacks, every URL pattern) only when a developer asks for them;
# the embedded demo shows the portal's own error pages.
DEBUG = env.bool("DEBUG", default=False)
# Where `make run` serves (the Makefile exports both): the embedded mode's own address.
HOST = env.str("HOST", default="127.0.0.1")
PORT = env.int("PORT", default=8000)
# The development key only ever protects a local demo; production must set its own, which
# `manage.py check --deploy` verifies (length and entropy).
SECRET_KEY = secret("SECRET_KEY", "django-insecure-development-only-key-for-embedded-mode")
# Rotation (deploy/README.md, "Rotate keys"): the previous key(s), comma separated, still accepted
# for what they signed (sessions, password-reset links, follow-up codes) while the new one signs.
SECRET_KEY_FALLBACKS = [k for k in secret("SECRET_KEY_FALLBACKS").split(",") if k.strip()]
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=list(dict.fromkeys(["127.0.0.1", "localhost", "testserver", HOST])))
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "nantong_credit.apps.AdminConfig",  # django.contrib.admin behind two-factor login
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Recovery codes of two-factor login: single-use static tokens, part of django-otp.
    "django_otp.plugins.otp_static",
    "nantong_credit.apps.CoreConfig",
    "audit",
    "catalog",
    "collection",
    "inquiry",
    "objections",
    "repair",
    "supervision",
]

MIDDLEWARE = [
    # First: every log line of the request, whichever middleware writes it, carries its id.
    "nantong_credit.request_id.RequestIdMiddleware",
    # Counts and times every request by view, whatever a later middleware answers (`/metrics`).
    "nantong_credit.metrics.RequestMetricsMiddleware",
    # Before anything that may read or write the database: it decides, per request, whether
    # reads may go to a replica, and pins a client that wrote to the primary.
    "nantong_credit.read_your_writes.ReplicaRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files need none of its headers; every page, error and redirect does.
    "nantong_credit.security_headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # PostgreSQL refuses NUL: refused before any view reads the query or the form (after the
    # CSRF check, which reads the form first; and after the user is known, for the 400 page).
    "nantong_credit.null_characters.RefuseNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "nantong_credit.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audit.context.AuditContextMiddleware",
    # Last, so that a locked-out login is answered before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nantong_credit.urls"
WSGI_APPLICATION = "nantong_credit.wsgi.application"
AUTH_USER_MODEL = "core.User"

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
                "nantong_credit.context_processors.portal",
                "nantong_credit.context_processors.office",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'nantong_credit.sqlite3'}"),
}
# A new PostgreSQL connection per request costs ~5 ms; keep them (and check them before use).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
IS_SQLITE = DATABASES["default"]["ENGINE"].endswith("sqlite3")
if IS_SQLITE:
    # SQLite ignores SELECT ... FOR UPDATE: take the write lock when a transaction starts, so
    # that two audit writers in the embedded mode wait for each other instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Read replicas (streaming standbys of DATABASE_URL), comma separated database URLs: each becomes
# a database alias `replica_<n>` with the default's options. Only the public pages opted in
# (`nantong_credit.db_routers`) read from them; everything else stays on the primary.
DATABASE_REPLICA_URLS = [u.strip() for u in env.str("DATABASE_REPLICA_URLS", default="").split(",") if u.strip()]
# A replica further behind than this (or out of reach) is passed over for the primary; each
# process looks at every replica's state once every REPLICA_CHECK_SECONDS.
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=10.0)
REPLICA_CHECK_SECONDS = 2.0
# After a client writes, its reads go to the primary for this long (a signed cookie, so any web
# node honours it). Read-your-writes holds only if it outlasts the worst lag a replica may have
# and still serve, as last seen (a system check warns otherwise): by default just that. Writers
# are few (providers, staff, signed-in visitors), so a long pin costs the primary little.
READ_YOUR_WRITES_SECONDS = env.int(
    "READ_YOUR_WRITES_SECONDS", default=math.ceil(REPLICA_MAX_LAG_SECONDS + REPLICA_CHECK_SECONDS)
)
# A replica that does not answer within this many seconds counts as down (libpq's minimum is 2).
REPLICA_CONNECT_TIMEOUT = 2


def replica_database(url: str, default: dict) -> dict:
    """A replica's settings: its URL's address and credentials, the default's connection options.
    Under the test runner it mirrors the test database (a real standby streams that too)."""
    replica = env.db_url_config(url)
    return {
        **replica,
        "CONN_MAX_AGE": default["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": default["CONN_HEALTH_CHECKS"],
        "OPTIONS": {
            **default.get("OPTIONS", {}),
            **replica.get("OPTIONS", {}),
            "connect_timeout": REPLICA_CONNECT_TIMEOUT,
        },
        "TEST": {"MIRROR": "default"},
    }


for _index, _url in enumerate(DATABASE_REPLICA_URLS):
    DATABASES[f"replica_{_index}"] = replica_database(_url, DATABASES["default"])
READ_REPLICA_ALIASES = [alias for alias in DATABASES if alias.startswith("replica_")]
if READ_REPLICA_ALIASES and not IS_POSTGRES:
    raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL")
DATABASE_ROUTERS = ["nantong_credit.db_routers.ReplicaRouter"]

# --- Cache, Celery --------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "nantong_credit.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a broker the embedded mode runs every task in-process, at once.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# Celery's formats with the request id that sent the task (`nantong_credit.request_id`).
CELERY_WORKER_LOG_FORMAT = "[%(asctime)s: %(levelname)s/%(processName)s] [%(request_id)s] %(message)s"
CELERY_WORKER_TASK_LOG_FORMAT = (
    "[%(asctime)s: %(levelname)s/%(processName)s] [%(request_id)s] %(task_name)s[%(task_id)s]: %(message)s"
)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
# A task whose worker process died (out of memory, killed) goes back to the queue instead of
# being lost; long jobs bound how often it may restart (`nantong_credit.jobs`).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# No task runs for ever; long jobs set their own limits (`nantong_credit.jobs.LongJob`).
CELERY_TASK_TIME_LIMIT = 30 * 60
# Redis hands an unacknowledged message out again after this many seconds, presuming its worker
# dead. It must outlast every task's time limit (a system check holds this), or a running job
# would be started twice; the stuck-job sweep recovers a dead worker's jobs long before it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=90 * 60)}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A long job running this many seconds past its hard time limit is taken for dead (its worker
# gone) and queued again by the stuck-job sweep (`nantong_credit.jobs`). Only lowered by tests
# that kill a worker and wait for the sweep (deploy/topology-test).
STUCK_JOB_GRACE_SECONDS = env.int("STUCK_JOB_GRACE_SECONDS", default=120)
# A credit report's hard time limit (seconds; the soft limit is 30 s less). Reports render in about
# a second; the stuck-job sweep waits this plus STUCK_JOB_GRACE_SECONDS before it re-sends a report
# whose worker died, so deploy/topology-test lowers both to see that happen within minutes.
CREDIT_REPORT_TIME_LIMIT = env.int("CREDIT_REPORT_TIME_LIMIT", default=5 * 60)
# A new worker process renders a warm-up report before it says it is up (`nantong_credit.celery`):
# seconds, more on a busy machine. Past Celery's default of 4 s the pool kills it and tries again, forever.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = 60
CELERY_TIMEZONE = "Asia/Shanghai"
# Queues, routes and beat schedule: nantong_credit/celery_schedule.py (README, "Queues").
CELERY_QUEUE_INTERACTIVE = celery_schedule.QUEUE_INTERACTIVE
CELERY_QUEUE_BULK = celery_schedule.QUEUE_BULK
CELERY_QUEUE_SWEEPS = celery_schedule.QUEUE_SWEEPS
CELERY_TASK_QUEUES = celery_schedule.TASK_QUEUES
CELERY_TASK_DEFAULT_QUEUE = CELERY_QUEUE_INTERACTIVE
CELERY_TASK_CREATE_MISSING_QUEUES = False
CELERY_TASK_ROUTES = celery_schedule.TASK_ROUTES
# Only the beat holding a lock in Redis sends (`nantong_credit.beat`): a second beat started by
# mistake waits, and takes over within a minute if the first dies.
CELERY_BEAT_SCHEDULER = "nantong_credit.beat:LockedScheduler"
CELERY_BEAT_SCHEDULE = celery_schedule.BEAT_SCHEDULE

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "nantong_credit.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "office:home"
LOGOUT_REDIRECT_URL = "portal:home"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Behind the proxy, lock out the client's address, not the proxy's (one wrong-password run would
# otherwise lock the account for everyone).
AXES_CLIENT_IP_CALLABLE = "nantong_credit.client_address.lockout_address"
# Never log submitted credentials or identifiers sent as the login name.
AXES_SENSITIVE_PARAMETERS = ["password", "username"]

# --- Personal data --------------------------------------------------------------------------
# Fernet keys (comma separated, newest first) encrypting natural persons' ID numbers, and the
# key of the HMAC under which they are looked up. Derived from SECRET_KEY in the embedded mode;
# production must set both (a deploy check refuses otherwise).
FIELD_ENCRYPTION_KEYS = [k for k in secret("FIELD_ENCRYPTION_KEYS").split(",") if k.strip()]
IDENTIFIER_HASH_KEY = secret("IDENTIFIER_HASH_KEY")

# --- Collection ---------------------------------------------------------------------------
# The department under which approved self-declarations and Art. 23 warnings are recorded
# (市经济和信息化部门, today 市工业和信息化局).
SELF_DECLARATION_PROVIDER_CODE = env.str("SELF_DECLARATION_PROVIDER_CODE", default="gxj")
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# Bulk files (批量导入): the web server's body limit must allow a little more than this.
BULK_IMPORT_MAX_BYTES = env.int("BULK_IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
BULK_IMPORT_MAX_ROWS = env.int("BULK_IMPORT_MAX_ROWS", default=200_000)

# Department databases the platform pulls from (数据库对接, Art. 9; `collection.pull`). Only https
# to public addresses, unless the operator lists a host here (then http and any address: an
# intranet exchange server, or the tests' loopback server).
PULL_ALLOWED_HOSTS = env.list("PULL_ALLOWED_HOSTS", default=[])
PULL_TIMEOUT_SECONDS = env.int("PULL_TIMEOUT_SECONDS", default=30)
PULL_MAX_RESPONSE_BYTES = env.int("PULL_MAX_RESPONSE_BYTES", default=10 * 1024 * 1024)
PULL_MAX_PAGES_PER_RUN = env.int("PULL_MAX_PAGES_PER_RUN", default=100)

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Uploaded files are private: served only by permission-checked views, never under a URL.
MEDIA_URL = None
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Where every stored file (evidence, bulk files and their error reports, credit reports) lives,
# shared by all web nodes and workers: `filesystem` is MEDIA_ROOT (on several nodes, a shared
# mount), `s3` an S3-compatible object store (check nantong_credit.E014 wants it complete).
STORAGE_BACKEND = env.str("STORAGE_BACKEND", default="filesystem")
S3_ENDPOINT_URL = env.str("S3_ENDPOINT_URL", default="")
S3_BUCKET = env.str("S3_BUCKET", default="")
S3_PREFIX = env.str("S3_PREFIX", default="")
S3_REGION = env.str("S3_REGION", default="")
S3_ACCESS_KEY_ID = secret("S3_ACCESS_KEY_ID")
S3_SECRET_ACCESS_KEY = secret("S3_SECRET_ACCESS_KEY")
# Most on-premises object stores (MinIO, Ceph) want `path`; some clouds only `virtual`.
S3_ADDRESSING_STYLE = env.str("S3_ADDRESSING_STYLE", default="path")


def s3_storage(*, bucket: str, prefix: str) -> dict:
    """A private S3 bucket for django-storages: objects get no ACL (the bucket's private policy
    applies) and are streamed by our views, never linked."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": prefix,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "region_name": S3_REGION or None,
            "addressing_style": S3_ADDRESSING_STYLE,
            "access_key": S3_ACCESS_KEY_ID or None,
            "secret_key": S3_SECRET_ACCESS_KEY or None,
            "default_acl": None,
            # As on a file system: a second file of the same name gets a new name, never replaces one.
            "file_overwrite": False,
            # A file opened for reading is downloaded to a temporary file; keep big ones on disk.
            "max_memory_size": FILE_UPLOAD_MAX_MEMORY_SIZE,
        },
    }


if STORAGE_BACKEND == "s3":
    STORAGES["default"] = s3_storage(bucket=S3_BUCKET, prefix=S3_PREFIX)

# --- Audit trail ---------------------------------------------------------------------------
# HMAC keys of the audit chain, comma separated, newest first: new events are hashed with the
# first, every listed key still verifies what it hashed (rotation: add the new key in front,
# never drop one). Outside the database, so that the tables' owner cannot recompute a hash.
# Derived from SECRET_KEY in the embedded mode; production must set it (deploy check E005).
AUDIT_CHAIN_KEY = [k.strip() for k in secret("AUDIT_CHAIN_KEY").split(",") if k.strip()]
# Signed checkpoints of the chain head (`audit.checkpoints`) go to this directory, which in
# production must be storage the database's owner cannot rewrite (deploy check E006). The
# embedded default keeps one directory per database, so two local databases never mix.
AUDIT_CHECKPOINT_DIR = env.str("AUDIT_CHECKPOINT_DIR", default="")
STORAGES["audit_checkpoints"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": AUDIT_CHECKPOINT_DIR
        or str(VAR_DIR / "audit-checkpoints" / Path(str(DATABASES["default"]["NAME"])).stem),
    },
}
# Or a bucket of their own on the S3 endpoint above (with object lock, so no one rewrites them).
AUDIT_CHECKPOINT_BUCKET = env.str("AUDIT_CHECKPOINT_BUCKET", default="")
if AUDIT_CHECKPOINT_BUCKET:
    STORAGES["audit_checkpoints"] = s3_storage(
        bucket=AUDIT_CHECKPOINT_BUCKET,
        prefix=env.str("AUDIT_CHECKPOINT_PREFIX", default=""),
    )

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="南通信用网 <noreply@credit.nantong.gov.cn>")

# --- Forms, REST ----------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    # Depth-limited, refusing strings the database cannot store (nantong_credit/json_body.py).
    "DEFAULT_PARSER_CLASSES": ["nantong_credit.json_body.JSONParser"],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "南通信用网 API",
    "DESCRIPTION": "公共信用信息目录与信息提供主体报送接口",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from the installed sidecar package: no page loads from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Provider API (SPEC §6) ---------------------------------------------------------------
# Per-token limits, counted per fixed window in the shared cache; "off" disables one.
API_RATE_PER_TOKEN = env.str("API_RATE_PER_TOKEN", default="60000/min")
API_BATCH_RATE_PER_TOKEN = env.str("API_BATCH_RATE_PER_TOKEN", default="600/min")

# --- Agency API (Art. 12 para. 3) -----------------------------------------------------------
# Calls a day per key unless the center sets the key's own quota; per-key limit per minute.
AGENCY_API_DAILY_QUOTA = env.int("AGENCY_API_DAILY_QUOTA", default=1000)
AGENCY_API_RATE_PER_KEY = env.str("AGENCY_API_RATE_PER_KEY", default="60/min")

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy of every page (nantong_credit/security_headers.py; the same setting as
# Django 6.0's). No page has inline script, event-handler attributes or style attributes:
# behaviour lives in static/js/, looks in static/css/. `data:` images are Bootstrap's icons.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
# Browser features no page uses, switched off for the page and anything it embeds.
PERMISSIONS_POLICY_DISABLED = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "serial",
    "usb",
]
# Pages anyone may keep in a cache (anonymous visitors only); every other page is sent with
# Cache-Control: no-store. Prefixes, plus the home page "/".
PUBLIC_CACHEABLE_PATHS = [
    "/subjects/",
    "/providers/",
    "/catalog/",
    "/healthz",
    "/api/v1/catalog/",
    "/api/v1/subjects/",
    "/api/schema/",
]
# What load balancers and monitors probe (`/healthz` alive, `/readyz` ready to serve): answered
# without reading a session or the request's form, so that they answer the same with a stale
# cookie or while the database is away (the two-factor and NUL middlewares pass them by).
PROBE_PATHS = ["/healthz", "/readyz", "/metrics"]
# `/metrics` (Prometheus) answers only clients in these networks (the client address as
# `nantong_credit.client_address` determines it, behind the trusted proxy too) or bearing
# `Authorization: Bearer <METRICS_TOKEN>`; anyone else gets a 404. Empty list: the token only.
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
for _network in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {exc}") from None
METRICS_TOKEN = secret("METRICS_TOKEN")
# The embedded mode (SQLite, no Redis: one machine, `make run`) is served over plain http; a
# deployment (a database server or Redis) over HTTPS only, behind a proxy that terminates TLS.
EMBEDDED = IS_SQLITE and not REDIS_URL
HTTPS_ONLY = env.bool("HTTPS_ONLY", default=not EMBEDDED)
# Prometheus scrapes each web node directly over the internal network, not through the TLS
# proxy: a redirect to HTTPS would fail every scrape. Who may read it is decided by address or token.
SECURE_REDIRECT_EXEMPT = [r"^metrics$"]
if HTTPS_ONLY:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging --------------------------------------------------------------------------------
# LOG_FORMAT=json: one JSON object a line (asctime, levelname, name, request_id, message, and
# exc_info for a traceback), for a log collector; the default is one readable line.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")
# JSON logs: a worker keeps the console handler of LOGGING instead of installing Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"
# Formatters, filters and levels: nantong_credit/logging_config.py.
LOGGING = logging_config(LOG_FORMAT, env.str("LOG_LEVEL", default="INFO"))

# Public search, subject pages and report verification, per client address (SPEC §5: rate
# limited against scraping and guessing).
PUBLIC_SEARCH_RATE = env.str("PUBLIC_SEARCH_RATE", default="30/m,600/h")
PUBLIC_SUBJECT_RATE = env.str("PUBLIC_SUBJECT_RATE", default="60/m,1200/h")
PUBLIC_VERIFY_RATE = env.str("PUBLIC_VERIFY_RATE", default="20/m,200/h")
# The public credit lists (/lists/, their CSV), per client address: as the search.
PUBLIC_LISTS_RATE = env.str("PUBLIC_LISTS_RATE", default="30/m,600/h")
# Registration (/account/register/), per client address: each try costs a password hash and
# must not become a way to test many ID numbers.
REGISTER_RATE = env.str("REGISTER_RATE", default="5/m,20/h")
# 忘记密码 (/accounts/password/reset/): per client address (a 429 page), and per e-mail address
# (the same answer as ever, but no further mail: nobody floods a mailbox through the platform).
PASSWORD_RESET_RATE = env.str("PASSWORD_RESET_RATE", default="5/m,20/h")
PASSWORD_RESET_EMAIL_RATE = env.str("PASSWORD_RESET_EMAIL_RATE", default="3/h,6/d")
# A reset link holds for an hour (Django's default is three days): long enough to read the mail.
PASSWORD_RESET_TIMEOUT = 3600
# Behind a proxy every request comes from the proxy: name the header that carries the client
# address (e.g. HTTP_X_REAL_IP or HTTP_X_FORWARDED_FOR, written by the proxy) and how many
# trusted proxies append to it (`nantong_credit.client_address`). RATELIMIT_IP_META_KEY is the
# older name of the header setting, still read.
CLIENT_ADDRESS_HEADER = env.str("CLIENT_ADDRESS_HEADER", default="") or env.str("RATELIMIT_IP_META_KEY", default="")
CLIENT_ADDRESS_PROXY_COUNT = env.int("CLIENT_ADDRESS_PROXY_COUNT", default=1)
# The header in which the proxy sends its request id (e.g. HTTP_X_REQUEST_ID, nginx's
# `proxy_set_header X-Request-ID $request_id`), taken when it is a short safe token. Unset: a
# client could choose the id its lines are logged under, so every request gets a new one.
REQUEST_ID_HEADER = env.str("REQUEST_ID_HEADER", default="")

# Two-factor login: the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = "南通信用网"
# Roles that may use the back office only with a confirmed two-factor device (names of
# `roles.TWO_FACTOR_ROLES`; "administrator" for admin and superuser accounts). Empty in the
# embedded demo, whose staff log in with the password in README; production names them all
# (deploy check nantong_credit.W012).
TWO_FACTOR_REQUIRED_ROLES = env.list("TWO_FACTOR_REQUIRED_ROLES", default=[])

# --- Platform -------------------------------------------------------------------------------
SITE_NAME = "南通信用网"
# Working days a provider has to decide a credit repair application (Art. 16; the national
# 信用修复管理办法 lets each authority set it within its own rules).
REPAIR_DECISION_WORKDAYS = env.int("REPAIR_DECISION_WORKDAYS", default=5)
# Days the file of a refused or failed bulk import is kept (for the uploader to look at what was
# wrong) before `collection.bulk.retention` deletes it; the batch and its errors stay.
REJECTED_UPLOAD_RETENTION_DAYS = env.int("REJECTED_UPLOAD_RETENTION_DAYS", default=30)
# Where links in emails and QR codes on credit reports point: by default where `make run` serves
# (a wildcard HOST is reached as 127.0.0.1 on this machine; set SITE_URL for other machines).
_SITE_HOST = "127.0.0.1" if HOST in ("0.0.0.0", "::", "") else HOST
SITE_URL = env.str("SITE_URL", default=f"http://{f'[{_SITE_HOST}]' if ':' in _SITE_HOST else _SITE_HOST}:{PORT}")
CENTER_NAME = "南通市公共信用信息中心"
# Where a paper applicant brings or posts its letters, and whom it calls (anonymous follow-up
# page); empty: the page names the center only.
CENTER_ADDRESS = env.str("CENTER_ADDRESS", default="")
CENTER_PHONE = env.str("CENTER_PHONE", default="")
CENTER_EMAIL = env.str("CENTER_EMAIL", default="")
# What every government website shows in its footer (国办发〔2017〕47号《政府网站发展指引》): the
# 网站标识码 the State Council's registry assigned, the ICP 备案号 and the public-security 备案号.
# Empty in the embedded demo; production sets them (deploy check nantong_credit.W023).
SITE_IDENTIFIER_CODE = env.str("SITE_IDENTIFIER_CODE", default="")
ICP_RECORD_NUMBER = env.str("ICP_RECORD_NUMBER", default="")
PUBLIC_SECURITY_RECORD_NUMBER = env.str("PUBLIC_SECURITY_RECORD_NUMBER", default="")

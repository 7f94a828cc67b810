"""Settings shared by every environment; values come from environment variables (12-factor)."""

import datetime as dt
from pathlib import Path

import environ
from botocore.config import Config as BotoConfig
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    # Hashed API keys with an expiry for system accounts (klachten.models.ApiSleutel).
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_guid",
    "klachten",
    "klanttevredenheid",
    "rapportage",
]

MIDDLEWARE = [
    # First: the request id for every log line of the request (klachten.logboek).
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, but never French on a staff page (klachten.talen).
    "klachten.talen.TaalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "klachten.middleware.SessieVerloopMiddleware",
    "klachten.middleware.TweestapsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Innermost, so it sees the view's exception first: PostgreSQL or the attachment storage
    # unreachable is a 503 with Retry-After, never a 500 (klachten.storingen; the middleware
    # above the view is covered by handler500 in config/urls.py).
    "klachten.storingen.StoringMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "klachten.context_processors.medewerker",
            ],
        },
    },
    # The hot fragments (issue 20: the work queue's rows, klachten/jinja.py), rendered by their
    # view and placed in a Django template; every page itself is Django's.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "klachten.jinja.omgeving"},
    },
]

# PostgreSQL is the database of record. With no DATABASE_URL the run script decides (it falls back
# to SQLite only when no PostgreSQL answers, and says so).
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/klachten"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Seconds a connection is kept open between requests (production: 60; docs/benchmarks.md). A kept
# connection is checked before its first use in a request or task (CONN_HEALTH_CHECKS): after a
# PostgreSQL restart or failover each web process and worker opens a new one by itself, where it
# would otherwise fail once on the dead one. A Celery worker keeps its connection across tasks
# like a web process across requests (config/celery_app.py; issue 20: a new connection per
# task, the acknowledgement of every web complaint, cost PostgreSQL more CPU than the complaint).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it starts above a plan cost that our report queries reach at a large
    # insurer's size, and compiling then took longer (120 ms) than the query itself (the running
    # month report, issue 20; docs/benchmarks.md). Nothing here runs long enough to gain from it.
    _opties = DATABASES["default"].setdefault("OPTIONS", {})
    _opties["options"] = f"{_opties.get('options', '')} -c jit=off".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default (scripts/run without PostgreSQL): every transaction takes SQLite's one
    # write lock when it begins (BEGIN IMMEDIATE), so the services that lock rows or take advisory
    # locks on PostgreSQL run one at a time here instead of failing with "database is locked"
    # halfway; a second writer waits up to 20 s for it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    # The covering indexes' INCLUDE columns are a PostgreSQL speed-up; SQLite ignores them, and
    # saying so on every manage.py command only worries a newcomer.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "klachten.Medewerker"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked-out username before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with user and group permissions in one query.
    "klachten.permissies.ModelBackendEenQuery",
]

# Staff sign in with a password and a TOTP code (klachten.middleware.TweestapsMiddleware: a
# session without a verified code reaches only the two-factor pages). Repeated failures lock
# (django-axes; wrong codes count too) the username, whatever address they come from (guesses
# spread over many addresses), and the address, whatever usernames it tries (one password
# sprayed over many accounts). Behind a proxy, set DJANGO_CLIENT_IP_HEADER so that colleagues
# are told apart by their own address.
# Failures and lockouts are rows in the database (django-axes' database handler, said here so
# that nobody moves them to the cache): they keep locking when Redis is down (issue 15).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTEN", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A right password does not wipe the failures: it would give whoever knows one password
# unlimited guesses at the code, and one colleague's login would reset the guesses at another's
# password from the same address. A right code resets the username's own failures
# (klachten.views.account).
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "klachten.views.account.geblokkeerd"
AXES_VERBOSE = False
# The same client address as the rate limits and the access log (klachten.middleware).
AXES_CLIENT_IP_CALLABLE = "klachten.middleware.client_ip"
# Wrong TOTP codes also slow down per device (django-otp: 1 s, 2 s, 4 s, ... between attempts).
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Klachtenafhandeling")
OTP_TOTP_THROTTLE_FACTOR = 1

# Sessions expire: after SESSIE_INACTIEF_MINUTEN without a request (klachten.middleware), after
# a working day at the latest, and when the browser closes.
SESSIE_INACTIEF_MINUTEN = env.int("SESSIE_INACTIEF_MINUTEN", default=30)
SESSIE_MAX_UREN = env.int("SESSIE_MAX_UREN", default=10)
SESSION_COOKIE_AGE = SESSIE_MAX_UREN * 3600
# Sessions in the database, not the cache: staff stay signed in when Redis is down.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# django-axes' log of logins (address, browser) is kept this many days (beat: inloggegevens-opruimen).
INLOGLOG_BEWAARDAGEN = env.int("INLOGLOG_BEWAARDAGEN", default=90)
SESSION_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy (django-csp): scripts and styles only from our own static files (no
# CDN, no inline script); the label colour is one <style> with the page's nonce; nothing may
# frame us. The API's Swagger UI is served from drf-spectacular-sidecar's static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The dossier's PDF preview: our own attachment view in an <iframe> (issue 19).
        "frame-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# A form sent without a valid token: the site's 403 page with a way back (klachten.views.fouten).
CSRF_FAILURE_VIEW = "klachten.views.fouten.csrf_mislukt"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "klachten:werkvoorraad"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
# Dutch is the source language and English translates everything; French only what customers
# see (public pages, e-mails to customers), for Belgian customers: staff pages stay in Dutch or
# English (klachten.talen).
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English")), ("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
# Attachments are never served directly: staff download them through a permission-checked view.
# No route answers on this prefix (Django needs some value, and "" would mean every URL).
MEDIA_URL = "/geen-publieke-bijlagen/"
# Attachments and report PDFs go through Django's storage API: on this machine's disk (one
# server), or in an S3-compatible object store shared by every web and worker machine
# (DJANGO_STORAGE=s3; docs/deployment.md). Never public: no ACL, signed URLs are not used (the
# permission-checked views stream the files).
DJANGO_STORAGE = env("DJANGO_STORAGE", default="schijf")
# An object store that hangs must not hang the customer's request past gunicorn's timeout (30 s,
# after which the customer would get a bare error): botocore's defaults wait 60 s per try and
# try 5 times. With these the form says "attachments not saved, try again" within ~15 s.
S3_CLIENT_CONFIG = BotoConfig(
    connect_timeout=env.int("S3_TIMEOUT_S", default=5),
    read_timeout=env.int("S3_TIMEOUT_S", default=5),
    retries={"max_attempts": 2, "mode": "standard"},
)
if DJANGO_STORAGE == "s3":
    _bestanden = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "region_name": env("S3_REGION", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "location": env("S3_PREFIX", default=""),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "client_config": S3_CLIENT_CONFIG,
        },
    }
elif DJANGO_STORAGE == "schijf":
    _bestanden = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured(f"DJANGO_STORAGE={DJANGO_STORAGE!r}: kies 'schijf' of 's3'.")
STORAGES = {
    "default": _bestanden,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Nothing depends on Redis being up (issue 15; docs/storingen.md). The default cache only speeds
# things up (the month report's live figures): a Redis cache there is klachten.caches'
# FailSoftRedisCache, which treats an unreachable Redis as a miss after CACHE_REDIS_TIMEOUT_S and
# then leaves it alone for CACHE_REDIS_PAUZE_S. CACHE_URL=locmemcache:// works as well.
CACHE_REDIS_TIMEOUT_S = env.float("CACHE_REDIS_TIMEOUT_S", default=0.5)
CACHE_REDIS_PAUZE_S = env.float("CACHE_REDIS_PAUZE_S", default=30)
_cache = env.cache("CACHE_URL", default="redis://127.0.0.1:6379/1")
if _cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    _cache["BACKEND"] = "klachten.caches.FailSoftRedisCache"
    _cache["OPTIONS"] = {
        "socket_connect_timeout": CACHE_REDIS_TIMEOUT_S,
        "socket_timeout": CACHE_REDIS_TIMEOUT_S,
        "PAUSE": CACHE_REDIS_PAUZE_S,
        **_cache.get("OPTIONS", {}),
    }
CACHES = {
    "default": _cache,
    # The rate-limit counters (django-ratelimit), in the database: they must keep limiting when
    # Redis is down, and one atomic statement per count keeps them exact under concurrency.
    "limieten": {"BACKEND": "klachten.caches.TellerCache"},
}
RATELIMIT_USE_CACHE = "limieten"

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="klachten@example.nl")

# Celery: Redis as broker. Tasks are queued after commit; a sweep sends what is still pending.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connections before and after every task unless this
# is set; it then closes them every this many tasks, and config/celery_app.py checks them before
# each task as Django does before each request (CONN_MAX_AGE, CONN_HEALTH_CHECKS).
CELERY_DB_REUSE_MAX = 1000
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a web request when the broker is down: the outbox sweep catches up.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
# klachten.broker: a request waits at most BROKER_WACHTTIJD_S for the broker to take a task
# (Redis answers within a millisecond when it is well); after a failure no task is offered for
# BROKER_PAUZE_S (their messages wait in the outbox for the sweep, which runs every minute).
BROKER_WACHTTIJD_S = env.float("BROKER_WACHTTIJD_S", default=0.5)
BROKER_PAUZE_S = env.float("BROKER_PAUZE_S", default=30)
# Redelivery (klachten/berichten/tasks.py): with acks_late a message stays in Redis,
# unacknowledged, until its task ran; if the worker holding it dies, Redis hands it to another
# worker after visibility_timeout. It must exceed the longest countdown of a retry
# (retry_backoff_max, 1800 s): a worker also holds a retry until its moment comes, and a shorter
# timeout would hand that one out again and again. The outbox sweep sends a message long before
# this runs out anyway.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "visibility_timeout": 3600,
}
# The outbox sweep takes a pending message once it is this many seconds old (younger ones are
# their own task's; the fault tests set 0 so as not to wait).
BERICHTEN_SWEEP_WACHTTIJD_S = env.int("BERICHTEN_SWEEP_WACHTTIJD_S", default=30)
CELERY_BEAT_SCHEDULE = {
    # The outbox sweep: sends messages whose immediate task got lost (broker or mail server down).
    # Every minute, so a customer waits at most a minute longer than when all is well.
    "berichten-verzenden": {
        "task": "klachten.tasks.openstaande_berichten_verzenden",
        "schedule": 60.0,
    },
    # The deadline watch: every 15 minutes (at :05, :20, :35, :50). Most deadlines are dates, for
    # which hourly would do, but the first reaction can be an hour term (social media: 4 hours,
    # reminder 1 hour before it runs out: termijnen.REACTIE_HERINNERING_UREN): every 15 minutes the
    # reminder reaches the handler at least 45 minutes before the term ends and a missed term
    # escalates within 15 minutes (hourly, the reminder could come as the term ends and the
    # escalation a quarter of a 4-hour term late). A run that finds nothing due is a handful of
    # index range scans. The jobs are idempotent, so an extra or a missed run changes nothing
    # (the next one catches up).
    "termijnen-bewaken": {
        "task": "klachten.tasks.termijnen_bewaken",
        "schedule": crontab(minute="5,20,35,50"),
    },
    # Survey invitations whose moment has come (default: the morning after the contact moment).
    # Every 5 minutes: an invitation planned for 9:00 goes out by 9:05; catches up after an outage.
    "uitnodigingen-versturen": {
        "task": "klanttevredenheid.tasks.uitnodigingen_versturen",
        "schedule": crontab(minute="*/5"),
    },
    # The kwartaalcijfer of the quarter before, per label: due on 1 January, April, July and
    # October; runs daily at 00:15 so a missed day is made up the next (it computes only what is
    # missing, so the daily runs in between change nothing).
    "kwartaalcijfers-berekenen": {
        "task": "klanttevredenheid.tasks.kwartaalcijfers_berekenen",
        "schedule": crontab(minute=15, hour=0),
    },
    # Reports: the month report stored and sent to management on the 1st, the month's dossier
    # review offered, in March the reminder for the yearly report. Daily at 06:00 so a missed day
    # is made up (each stores only what is missing and sends everything once).
    "rapportage-bijwerken": {
        "task": "rapportage.tasks.dagelijks_bijwerken",
        "schedule": crontab(minute=0, hour=6),
    },
    # Closed complaints past their retention period lose the customer's personal data (AVG);
    # daily at night, when it is quiet; a missed night is made up by the next (it takes all due).
    "klachten-anonimiseren": {
        "task": "klachten.tasks.verlopen_klachten_anonimiseren",
        "schedule": crontab(minute=45, hour=2),
    },
    # The triage suggestion's classifier trained on the closed complaints (klachten.triage);
    # nightly at 04:00, after the anonymisation at 02:45 so that a text anonymised tonight is
    # already out; one model per night, so a retry or a second beat changes nothing.
    "triage-trainen": {
        "task": "klachten.tasks.triage_trainen",
        "schedule": crontab(minute=0, hour=4),
    },
    # The e-mail channel: every active mailbox read over IMAP (klachten.berichten.inkomend.imap);
    # every minute, incremental (only new messages are fetched); a mailbox that cannot be reached
    # is recorded on it and tried again the next minute.
    "mailboxen-lezen": {
        "task": "klachten.tasks.mailboxen_lezen",
        "schedule": 60.0,
    },
    # Expired sessions, lockouts that are over and the login log past its period; nightly.
    "inloggegevens-opruimen": {
        "task": "klachten.tasks.inloggegevens_opruimen",
        "schedule": crontab(minute=15, hour=3),
    },
    # Files of complaints that rolled back because the attachment storage failed, which it would
    # not let us remove then; every 15 minutes, so they do not linger once the storage is back.
    "bestanden-opruimen": {
        "task": "klachten.tasks.verweesde_bestanden_opruimen",
        "schedule": crontab(minute="*/15"),
    },
    # Personal data of invitations sent more than 3 months ago; daily, at night, when it is quiet.
    "persoonsgegevens-wissen": {
        "task": "klanttevredenheid.tasks.persoonsgegevens_wissen",
        "schedule": crontab(minute=30, hour=3),
    },
    # Follow-ups of low scores open longer than OPVOLGING_ESCALATIE_WERKDAGEN go to the
    # teamleiders, once each; those of an anonymised customer close. Hourly: a missed run is made
    # up by the next (it takes everything due and not escalated yet).
    "opvolgingen-bewaken": {
        "task": "klanttevredenheid.tasks.opvolgingen_bewaken",
        "schedule": crontab(minute=20),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # System accounts only, with a hashed key (issue 15); staff use their session, after
        # the second factor (klachten.middleware.TweestapsMiddleware).
        "klachten.api.authenticatie.ApiSleutelAuthenticatie",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "klachten.api.permissies.BestaandeMethode",
        "rest_framework.permissions.IsAuthenticated",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Klachtenafhandeling API",
    "DESCRIPTION": (
        "Registreren en opvragen van klachten door andere systemen. Authenticatie: een API-sleutel "
        "van een systeemkoppeling in de header `Authorization: Api-Key <sleutel>`; de beheerder "
        "maakt, vernieuwt en trekt sleutels in (admin: API-sleutels, of `manage.py api_sleutel`). "
        "Een sleutel verloopt; een persoonlijk account krijgt geen sleutel."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# API keys of system accounts (klachten.toegang): valid this many days; after a rotation the old
# key keeps working this many hours, so the integration can switch without an outage.
API_SLEUTEL_GELDIG_DAGEN = env.int("API_SLEUTEL_GELDIG_DAGEN", default=365)
API_SLEUTEL_OVERLAP_UREN = env.int("API_SLEUTEL_OVERLAP_UREN", default=24)

# Public complaint form: per-IP rate limit (django-ratelimit syntax, e.g. "10/h").
KLACHT_FORMULIER_LIMIET = env("KLACHT_FORMULIER_LIMIET", default="10/h")
# Behind a proxy, set this to the header that carries the client's address.
# (RATELIMIT_IP_META_KEY in the environment is the older name of DJANGO_CLIENT_IP_HEADER.)
CLIENT_IP_HEADER = env(
    "DJANGO_CLIENT_IP_HEADER", default=env("RATELIMIT_IP_META_KEY", default=None)
)
# How many proxies of our own add to that header (the client's address is that many from the
# right; anything further left was sent by the client and is not trusted).
VERTROUWDE_PROXIES = env.int("DJANGO_VERTROUWDE_PROXIES", default=1)
RATELIMIT_IP_META_KEY = "klachten.middleware.client_ip"
# Attachments on a complaint.
# The month report of a month not stored yet (the running month) is computed live and cached
# this many seconds (0: not cached).
RAPPORTAGE_LIVE_CACHE_S = env.int("RAPPORTAGE_LIVE_CACHE_S", default=60)
# Personal data of a closed complaint is kept this many months after closing, then anonymised
# (klachten.avg; default 2 years: after Kifid's and SKGZ's terms have run out).
KLACHT_BEWAARTERMIJN_MAANDEN = env.int("KLACHT_BEWAARTERMIJN_MAANDEN", default=24)
# A follow-up of a low survey score ("terugbellen") still open this many working days after it was
# opened is escalated to the teamleiders of its afdeling (the beheerders when it has none), once.
OPVOLGING_ESCALATIE_WERKDAGEN = env.int("OPVOLGING_ESCALATIE_WERKDAGEN", default=5)
BIJLAGEN_MAX_AANTAL = 5
BIJLAGE_MAX_BYTES = 10 * 1024 * 1024
# The e-mail channel (klachten.berichten.inkomend; issue 17): a message larger than this goes to
# quarantine unread; at most this many new complaints per sender in 24 hours, the rest to
# quarantine (a loop with a robot, or someone flooding the mailbox).
INKOMEND_MAX_BYTES = env.int("INKOMEND_MAX_BYTES", default=40 * 1024 * 1024)
INKOMEND_NIEUWE_KLACHTEN_PER_AFZENDER = env.int("INKOMEND_NIEUWE_KLACHTEN_PER_AFZENDER", default=5)
# The development source (klachten.berichten.inkomend.bronnen): .eml files or a Maildir in
# <INKOMEND_MAP>/<mailbox address>/ are read for every mailbox without an IMAP host, by beat's
# mailboxen-lezen job and by `manage.py mailboxen_lezen`.
INKOMEND_MAP = Path(env.str("INKOMEND_MAP", default=str(BASE_DIR / "var" / "mail-in")))

# Logs (klachten.logboek; issue 15): every line carries the request id (django-guid) and never a
# secret link (status, survey, koppellink, password reset: masked); a refused request (4xx) is one
# line, an error one traceback. Django's own handlers for the "django" logger are replaced: with
# DEBUG its console handler printed every line a second time, through the root's.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "geheimen_maskeren": {"()": "klachten.logboek.GeheimenMaskeren"},
        "een_regel_bij_weigering": {"()": "klachten.logboek.EenRegelBijWeigering"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "regel": {"format": "%(asctime)s %(levelname)s [%(verzoek_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "regel",
            "filters": ["een_regel_bij_weigering", "geheimen_maskeren"],
        },
        "mail_admins": {
            "class": "klachten.logboek.AdminMailZonderGeheimen",
            "level": "ERROR",
            "formatter": "regel",
            "filters": ["require_debug_false", "een_regel_bij_weigering", "geheimen_maskeren"],
        },
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        # runserver's own access lines (development): through the root, masked, once.
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # django-guid says at INFO for every request that it made an id.
        "django_guid": {"level": "WARNING"},
        # WeasyPrint logs every step of a PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The request id (django-guid): taken from the load balancer's X-Request-ID when it sends a valid
# one, else made here; returned in that header (the gunicorn access line logs it) and shown on the
# 500 page (klachten.views.fouten).
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "RETURN_HEADER": True, "EXPOSE_HEADER": False}

# The address customers reach the site on; used for links in e-mails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

"""Production settings for the fault tests (tests/storingen/, tests/processen.py): the application as
it runs in production (DEBUG off, persistent connections with health checks, the SMTP backend, the
cache and broker from the environment), served over plain HTTP on loopback by gunicorn, so cookies
go without the Secure flag and nothing redirects to HTTPS (TLS would be the load balancer's). Static
files come straight from the source folders (no collectstatic run before each test)."""

from config.settings.production import *  # noqa: F403
from config.settings.production import STORAGES

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

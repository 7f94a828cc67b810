"""Production settings for `manage.py benchmark`, with four additions: the benchmark suite as an
app (its command, benchmark/management/commands/benchmark.py), the baseline views
(benchmark.urls), a header with the number of queries of each request, and cookies without the
Secure flag because the load generator talks plain HTTP over loopback (TLS would be the load
balancer's). Everything else, including DEBUG off and the cache in Redis, is production's."""

from config.settings.production import *  # noqa: F403
from config.settings.production import INSTALLED_APPS, MIDDLEWARE

INSTALLED_APPS = [*INSTALLED_APPS, "benchmark"]

ROOT_URLCONF = "benchmark.urls"
MIDDLEWARE = ["benchmark.middleware.queries_tellen", *MIDDLEWARE]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

"""Tests: the real PostgreSQL; mail in memory; tasks run eagerly unless a test starts a worker."""

from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, env

SECRET_KEY = "test-only-secret-key"
DEBUG = False
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/klachten"),
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "limieten": CACHES["limieten"],  # the rate-limit counters, in the test database
}
# Every test sees the running month as it is now (a test of the cache turns it on).
RAPPORTAGE_LIVE_CACHE_S = 0
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

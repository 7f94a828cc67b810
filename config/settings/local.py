"""Development: debug on, mail written to files a person can read (var/mail/)."""

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, STORAGES, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
STORAGES = {
    **STORAGES,  # the attachments where DJANGO_STORAGE says
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

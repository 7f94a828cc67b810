import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("klachtenafhandeling")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The outbox's tasks, beside the outbox (klachten/berichten/tasks.py).
app.autodiscover_tasks(["klachten.berichten"])

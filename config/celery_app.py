import os

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("klachtenafhandeling")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The outbox's tasks, beside the outbox (klachten/berichten/tasks.py).
app.autodiscover_tasks(["klachten.berichten"])


@task_prerun.connect
def verbindingen_nakijken(sender=None, **kwargs):
    """Before each task what Django does before each request: a connection past CONN_MAX_AGE, or
    one an error left unusable, is closed, and a kept one is checked on its first use
    (CONN_HEALTH_CHECKS), so a task after a PostgreSQL restart connects afresh instead of failing
    on the dead connection. Celery's fixup leaves them open (CELERY_DB_REUSE_MAX). Not for a task
    run eagerly inside a request or a test: that is the caller's connection and transaction."""
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()

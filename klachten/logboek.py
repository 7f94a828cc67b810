"""Logs that help and that keep the secret links out (issue 15, Access).

- Secret links out of every log line: the customer's status link (`/klacht/status/<token>/`), the
  survey link (`/enquete/<token>/`), the koppellink (`/account/koppelen/<token>/`) and Django's
  password reset link open a dossier, a survey or an account to whoever holds them. `maskeren`
  replaces their token by `***`, also URL-encoded (in a `next=` or a Referer). It runs on every
  record that leaves through our handlers (`GeheimenMaskeren`, config.settings.base LOGGING), in
  the error mails (`AdminMailZonderGeheimen`) and in gunicorn's access and error log
  (`GunicornLogger`, config/gunicorn.conf.py).
- One line for a refused request: Django logs a 403 from PermissionDenied (and django-ratelimit's
  refusal) with its traceback; `EenRegelBijWeigering` drops the traceback of every 4xx record.
- The request id (django-guid, header X-Request-ID) on every line of a request, in the access log
  and on the 500 page, so a customer can quote it and the traceback is found by it.

Imported by gunicorn's master before Django is set up: nothing here imports a model.
"""

from __future__ import annotations

import logging
import re

from django.utils.log import AdminEmailHandler
from gunicorn.glogging import Logger

_SCHEIDING = r"(?:/|%2F)"
_GEHEIME_PADEN = re.compile(
    rf"(?P<pad>{_SCHEIDING}(?:klacht{_SCHEIDING}status|enquete|account{_SCHEIDING}koppelen"
    rf"|account{_SCHEIDING}reset{_SCHEIDING}[^/%\s\"'?#&]+){_SCHEIDING})"
    r"(?P<token>[^/%\s\"'?#&<>]+)",
    re.IGNORECASE,
)
MASKER = "***"


def maskeren(tekst: str) -> str:
    """The text with the token of every secret link replaced by ***."""
    if not isinstance(tekst, str) or ("/" not in tekst and "%2" not in tekst.upper()):
        return tekst
    return _GEHEIME_PADEN.sub(lambda m: m.group("pad") + MASKER, tekst)


def _verzoek_id() -> str:
    from django_guid import get_guid

    return get_guid() or "-"


class GeheimenMaskeren(logging.Filter):
    """Masks the secret links in a record's message and traceback (after formatting its
    arguments: `"Not Found: %s", path`), and adds `verzoek_id`, the request id, for the format."""

    def filter(self, record: logging.LogRecord) -> bool:
        bericht = record.getMessage()
        gemaskeerd = maskeren(bericht)
        if gemaskeerd != bericht:
            record.msg, record.args = gemaskeerd, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = maskeren(record.exc_text)
        if record.stack_info:
            record.stack_info = maskeren(record.stack_info)
        record.verzoek_id = getattr(record, "verzoek_id", None) or _verzoek_id()
        return True


class EenRegelBijWeigering(logging.Filter):
    """A refused request (4xx: 403 permission denied or rate limited, 404, 429) is one line: the
    status and the path, without the traceback Django attaches to a PermissionDenied. Errors
    (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class AdminMailZonderGeheimen(AdminEmailHandler):
    """Django's error mail to ADMINS, from the masked log line and traceback with the request id,
    without Django's request report (it repeats the path, the Referer, the query string and
    every header and POST field, secret links and customers' data included)."""

    def emit(self, record: logging.LogRecord) -> None:
        onderwerp = self.format_subject(
            f"{record.levelname} [{getattr(record, 'verzoek_id', '-')}]: "
            f"{maskeren(record.getMessage())}"
        )
        self.send_mail(onderwerp, maskeren(self.format(record)), fail_silently=True)


class GunicornLogger(Logger):
    """gunicorn's logger with every access-log atom masked (request line, path, query, Referer,
    any header a format names) and a masking filter on its error log."""

    def setup(self, cfg):
        super().setup(cfg)
        for logger in (self.error_log, self.access_log):
            logger.addFilter(GeheimenMaskeren())

    def atoms(self, resp, req, environ, request_time):
        return {
            sleutel: maskeren(waarde) if isinstance(waarde, str) else waarde
            for sleutel, waarde in super().atoms(resp, req, environ, request_time).items()
        }

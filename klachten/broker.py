"""Handing a task to the broker (Redis) without letting a broker fault reach the request.

A message is in the outbox (Bericht, status wachtend) before its task is published, and the
outbox sweep sends whatever is still pending after berichten.wachttijd_sweep(): the task only
makes delivery immediate. So a request must not fail, nor wait long, when the broker is down (issue 15):

- refused (Redis stopped): the publish fails at once; the request carries on;
- no answer (Redis hanging, a network partition): kombu would wait for its socket timeout on every
  retry (15 s measured with the broker's 5 s socket timeout). The publish therefore runs in one
  background thread per process, and the request waits for it at most BROKER_WACHTTIJD_S;
- after a failure or a timeout the broker is left alone for BROKER_PAUZE_S: tasks are not
  published at all (the sweep sends their messages), so a hanging broker costs one short wait
  per process per pause, not one per message.

In eager mode (tests without a worker) the task runs inline, as before.
"""

import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as WachttijdVerstreken

from django.conf import settings

logger = logging.getLogger(__name__)

_slot = threading.Lock()
_uitgever: tuple[int, ThreadPoolExecutor] | None = None
_storing_tot = 0.0


def _uitvoerder() -> ThreadPoolExecutor:
    """This process's publishing thread (a forked process makes its own)."""
    global _uitgever
    with _slot:
        if _uitgever is None or _uitgever[0] != os.getpid():
            _uitgever = (os.getpid(), ThreadPoolExecutor(1, thread_name_prefix="broker"))
        return _uitgever[1]


def _storing(reden: str) -> None:
    global _storing_tot
    with _slot:
        _storing_tot = time.monotonic() + settings.BROKER_PAUZE_S
    logger.warning(
        "Broker onbereikbaar (%s); %.0f s geen taken aangeboden, de sweep verstuurt.",
        reden,
        settings.BROKER_PAUZE_S,
    )


def in_storing() -> bool:
    """True while the broker is being left alone after a failure."""
    return time.monotonic() < _storing_tot


def storing_opheffen() -> None:
    """Try the broker again at the next task, from a fresh publishing thread, so that a publish
    still hanging on the old one holds nothing up (tests; the pause would end by itself)."""
    global _storing_tot, _uitgever
    with _slot:
        _storing_tot = 0.0
        if _uitgever is not None:
            _uitgever[1].shutdown(wait=False)
            _uitgever = None


def aanbieden(taak, *args) -> bool:
    """Publish `taak` with `args`; True when the broker took it. Never raises for a broker
    fault, and never waits longer than BROKER_WACHTTIJD_S."""
    if taak.app.conf.task_always_eager:
        taak.apply_async(args)
        return True
    if in_storing():
        return False
    toekomst = _uitvoerder().submit(taak.apply_async, args)
    try:
        toekomst.result(timeout=settings.BROKER_WACHTTIJD_S)
    except WachttijdVerstreken:
        _storing(f"geen antwoord binnen {settings.BROKER_WACHTTIJD_S} s")
        return False
    except Exception as exc:
        _storing(str(exc))
        return False
    return True

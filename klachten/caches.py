"""The two cache backends, so that no page depends on Redis (issue 15, "Redis down").

- `TellerCache` keeps the rate-limit counters of django-ratelimit (RATELIMIT_USE_CACHE) in the
  database, table klachten_limietteller: a limit has to keep limiting when Redis is down, and a
  counter that fails must neither break the form (500) nor open it without limit. Each call is
  one atomic SQL statement (`INSERT ... ON CONFLICT ... RETURNING`, `UPDATE ... RETURNING`), on
  PostgreSQL and on SQLite (3.35 or newer), so simultaneous requests never lose a count; one
  request that django-ratelimit counts is one statement (`add` counts a running window).
- `FailSoftRedisCache` is Django's Redis cache for what is only an optimisation (the month
  report's live figures): when Redis refuses or does not answer, a read is a miss and a write is
  skipped, after a short timeout, and Redis is left alone for a while before it is tried again.
"""

import datetime as dt
import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)


class TellerCache(BaseCache):
    """A cache of integers (counters) in the database; nothing else is stored in it.

    django-ratelimit counts one request with `add(key, 1, period)` (a new window) and, when that
    returns False, `incr(key)`. Here one request is one statement (issue 20): `add` is an upsert
    that starts the counter at `value` when there is none or its time has run out, and otherwise
    adds `value` to the running counter (its expiry unchanged); it returns True when the counter
    now holds `value` (a new window). The count it reached is kept for this thread, and the
    `incr(key, value)` that django-ratelimit sends next returns it without a statement; any other
    call forgets it. So, unlike Django's caches, `add` on a running counter counts: nothing but
    counters is stored here. Expired rows count as absent; the nightly clean-up deletes them
    (toegang.sessies_en_inlogpogingen_opruimen)."""

    def __init__(self, location, params):
        super().__init__(params)
        self._lokaal = threading.local()

    def _geteld_vergeten(self):
        """The count `add` reached, for the `incr` that follows it; None otherwise."""
        geteld = getattr(self._lokaal, "geteld", None)
        self._lokaal.geteld = None
        return geteld

    @staticmethod
    def _tabel() -> str:
        from klachten.models import Limietteller

        return connection.ops.quote_name(Limietteller._meta.db_table)

    def _seconden(self, timeout) -> float | None:
        """How long a value set now lives (None: for ever)."""
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else max(0, timeout)

    def _verloopt_op(self, timeout):
        """The moment a counter set now with `timeout` expires, as the database takes it (None:
        never)."""
        seconden = self._seconden(timeout)
        if seconden is None:
            return None
        return connection.ops.adapt_datetimefield_value(
            timezone.now() + dt.timedelta(seconds=seconden)
        )

    @staticmethod
    def _nu():
        return connection.ops.adapt_datetimefield_value(timezone.now())

    @staticmethod
    def _geheel(value) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"TellerCache keeps counters (int), not {type(value).__name__}.")
        return value

    def _schrijven(self, key, value, timeout, version) -> None:
        key = self.make_and_validate_key(key, version=version)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {self._tabel()} (sleutel, aantal, verloopt_op) VALUES (%s, %s, %s) "
                "ON CONFLICT (sleutel) DO UPDATE "
                "SET aantal = excluded.aantal, verloopt_op = excluded.verloopt_op",
                [key, self._geheel(value), self._verloopt_op(timeout)],
            )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        """Start the counter at `value` (True), or add `value` to a running one (False: the
        following `incr(key, value)` returns the count reached, without a statement). One
        statement, atomic: simultaneous requests each see a count of their own."""
        self._geteld_vergeten()
        if self._seconden(timeout) == 0:
            return False
        value = self._geheel(value)
        sleutel = self.make_and_validate_key(key, version=version)
        tabel = self._tabel()
        verlopen = f"{tabel}.verloopt_op IS NOT NULL AND {tabel}.verloopt_op <= %s"
        nu = self._nu()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {tabel} (sleutel, aantal, verloopt_op) VALUES (%s, %s, %s) "
                "ON CONFLICT (sleutel) DO UPDATE SET "
                f"aantal = CASE WHEN {verlopen} THEN excluded.aantal "
                f"ELSE {tabel}.aantal + excluded.aantal END, "
                f"verloopt_op = CASE WHEN {verlopen} THEN excluded.verloopt_op "
                f"ELSE {tabel}.verloopt_op END "
                "RETURNING aantal",
                [sleutel, value, self._verloopt_op(timeout), nu, nu],
            )
            aantal = cursor.fetchone()[0]
        if aantal == value:
            # A new window (or a running counter at 0 that holds `value` now: the same count).
            return True
        self._lokaal.geteld = (sleutel, value, aantal)
        return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self._geteld_vergeten()
        if self._seconden(timeout) == 0:
            self.delete(key, version=version)
            return
        self._schrijven(key, value, timeout, version)

    def get(self, key, default=None, version=None):
        self._geteld_vergeten()
        key = self.make_and_validate_key(key, version=version)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT aantal FROM {self._tabel()} "
                "WHERE sleutel = %s AND (verloopt_op IS NULL OR verloopt_op > %s)",
                [key, self._nu()],
            )
            rij = cursor.fetchone()
        return default if rij is None else rij[0]

    def incr(self, key, delta=1, version=None) -> int:
        """Add `delta` to a running counter and return the new value; ValueError when there is
        none (as Django's caches do)."""
        geteld = self._geteld_vergeten()
        key = self.make_and_validate_key(key, version=version)
        if geteld is not None and geteld[:2] == (key, delta):
            # Counted by the `add` just before (django-ratelimit's second call).
            return geteld[2]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self._tabel()} SET aantal = aantal + %s "
                "WHERE sleutel = %s AND (verloopt_op IS NULL OR verloopt_op > %s) "
                "RETURNING aantal",
                [self._geheel(delta), key, self._nu()],
            )
            rij = cursor.fetchone()
        if rij is None:
            raise ValueError(f"Key '{key}' not found.")
        return rij[0]

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        self._geteld_vergeten()
        key = self.make_and_validate_key(key, version=version)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {self._tabel()} SET verloopt_op = %s "
                "WHERE sleutel = %s AND (verloopt_op IS NULL OR verloopt_op > %s)",
                [self._verloopt_op(timeout), key, self._nu()],
            )
            return cursor.rowcount == 1

    def delete(self, key, version=None) -> bool:
        self._geteld_vergeten()
        key = self.make_and_validate_key(key, version=version)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self._tabel()} WHERE sleutel = %s", [key])
            return cursor.rowcount == 1

    def clear(self) -> None:
        self._geteld_vergeten()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self._tabel()}")


class FailSoftRedisCache(RedisCache):
    """Django's Redis cache that never fails a request: a read while Redis is unreachable is a
    miss (the caller computes), a write does nothing. Two OPTIONS of its own besides redis-py's:
    `PAUSE` seconds during which Redis is not tried again after a failure (default 30), so that
    a hanging Redis costs one timeout per process per pause and not one per call. Give it short
    `socket_connect_timeout` and `socket_timeout` options (settings: CACHE_REDIS_TIMEOUT_S).
    `incr` and `decr` still raise: a counter must not silently stay at zero."""

    def __init__(self, server, params):
        params = dict(params)
        opties = dict(params.get("OPTIONS") or {})
        self._pauze = float(opties.pop("PAUSE", 30))
        params["OPTIONS"] = opties
        super().__init__(server, params)
        self._storing_tot = 0.0
        self._slot = threading.Lock()

    def _beschikbaar(self) -> bool:
        return time.monotonic() >= self._storing_tot

    def _storing(self, bewerking: str, exc: Exception) -> None:
        with self._slot:
            self._storing_tot = time.monotonic() + self._pauze
        logger.warning(
            "Cache (Redis) onbereikbaar bij %s: %s; %.0f s zonder cache.",
            bewerking,
            exc,
            self._pauze,
        )

    def _zacht(self, bewerking: str, standaard, functie, *args, **kwargs):
        import redis

        if not self._beschikbaar():
            return standaard
        try:
            return functie(*args, **kwargs)
        except (redis.RedisError, OSError) as exc:
            self._storing(bewerking, exc)
            return standaard

    def get(self, key, default=None, version=None):
        return self._zacht("get", default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._zacht("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._zacht("has_key", False, super().has_key, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._zacht("set", None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._zacht("set_many", list(data), super().set_many, data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._zacht("add", False, super().add, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._zacht("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._zacht("delete", False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._zacht("delete_many", None, super().delete_many, keys, version)

    def clear(self):
        return self._zacht("clear", None, super().clear)

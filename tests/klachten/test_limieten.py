"""Rate limits without Redis, and a cache that never fails a page (issue 15, "Redis down").

The rate-limit counters of django-ratelimit live in the database (klachten.caches.TellerCache);
the default cache, Redis, only speeds things up (klachten.caches.FailSoftRedisCache). The fault
test against real processes is tests/storingen/test_redis.py.
"""

import datetime as dt
import threading
import time

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.urls import reverse

from klachten import toegang
from klachten.caches import FailSoftRedisCache
from klachten.models import Klacht, Limietteller
from tests.processen import RedisServer, vrije_poort

NU = dt.datetime(2026, 10, 15, 10, 0, tzinfo=dt.UTC)


def tellen(sleutel: str, *, periode: int = 3600) -> int:
    """One hit, as django-ratelimit counts it: add the window's counter at 1, or add 1 to it."""
    teller = caches["limieten"]
    if teller.add(sleutel, 1, periode):
        return 1
    return teller.incr(sleutel)


def redis_cache(url: str) -> FailSoftRedisCache:
    return FailSoftRedisCache(
        url,
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "PAUSE": 30}},
    )


# The counters ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_teller_mist_geen_verzoek_als_vele_tegelijk_tellen():
    """Eight processes' worth of requests at once on one counter: every hit is counted once."""
    per_draad, draden = 25, 8
    gezien: list[int] = []
    slot = threading.Lock()
    start = threading.Barrier(draden)

    def verzoeken():
        try:
            start.wait()
            for _ in range(per_draad):
                aantal = tellen("rl:gelijktijdig")
                with slot:
                    gezien.append(aantal)
        finally:
            connection.close()

    lopers = [threading.Thread(target=verzoeken) for _ in range(draden)]
    for loper in lopers:
        loper.start()
    for loper in lopers:
        loper.join()

    # Each hit saw a count of its own: 1, 2, ..., 200, none twice, none lost.
    assert sorted(gezien) == list(range(1, per_draad * draden + 1))
    assert Limietteller.objects.get().aantal == per_draad * draden


@pytest.mark.django_db
def test_add_telt_een_lopende_teller_en_vervangt_een_verlopen():
    """django-ratelimit's add-then-incr is one statement: add counts a running window, and the
    incr right after it returns that count without changing it again (issue 20)."""
    teller = caches["limieten"]
    with time_machine.travel(NU, tick=False):
        assert teller.add("rl:a", 1, 60) is True
        assert teller.add("rl:a", 1, 60) is False
        assert teller.incr("rl:a") == 2
        assert teller.get("rl:a") == 2
        # An incr that follows no add (or another call) adds as before.
        assert teller.incr("rl:a") == 3
        assert teller.add("rl:a", 1, 60) is False
        assert teller.get("rl:a") == 4
        assert teller.incr("rl:a") == 5
    with time_machine.travel(NU + dt.timedelta(seconds=61), tick=False):
        assert teller.get("rl:a", "weg") == "weg"
        with pytest.raises(ValueError, match="not found"):
            teller.incr("rl:a")
        assert teller.add("rl:a", 1, 60) is True
        assert teller.get("rl:a") == 1


@pytest.mark.django_db
def test_add_laat_de_looptijd_van_een_lopende_teller_staan():
    teller = caches["limieten"]
    with time_machine.travel(NU, tick=False):
        teller.add("rl:venster", 1, 60)
    with time_machine.travel(NU + dt.timedelta(seconds=50), tick=False):
        assert teller.add("rl:venster", 1, 60) is False
    with time_machine.travel(NU + dt.timedelta(seconds=61), tick=False):
        # The window of the first hit ended; the second did not extend it.
        assert teller.get("rl:venster", "weg") == "weg"


@pytest.mark.django_db
def test_een_verzoek_telt_in_een_statement(django_assert_num_queries):
    tellen("rl:een")
    with django_assert_num_queries(2):
        assert tellen("rl:een") == 2
        assert tellen("rl:een") == 3


@pytest.mark.django_db
def test_de_tellers_schrijven_geen_wal():
    """Written on every form POST in a transaction of their own: an UNLOGGED table (migration
    0048) commits without waiting for the WAL to reach the disk (issue 20). After a crash of
    PostgreSQL the counters start again, which a window of minutes can bear."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpersistence FROM pg_class WHERE oid = %s::regclass",
            [Limietteller._meta.db_table],
        )
        assert cursor.fetchone() == ("u",)


@pytest.mark.django_db
def test_teller_kent_set_touch_delete_en_clear():
    teller = caches["limieten"]
    with time_machine.travel(NU, tick=False):
        teller.set("rl:b", 5, 10)
        teller.set("rl:c", 7, None)  # never expires
        assert teller.touch("rl:b", 100) is True
    with time_machine.travel(NU + dt.timedelta(seconds=50), tick=False):
        assert teller.get_many(["rl:b", "rl:c", "rl:d"]) == {"rl:b": 5, "rl:c": 7}
        assert teller.delete("rl:b") is True
        assert teller.delete("rl:b") is False
        teller.clear()
        assert not Limietteller.objects.exists()
    with pytest.raises(TypeError, match="counters"):
        teller.set("rl:e", "tekst")


@pytest.mark.django_db
def test_verlopen_tellers_gaan_s_nachts_weg():
    with time_machine.travel(NU, tick=False):
        tellen("rl:uur", periode=3600)
        tellen("rl:dag", periode=86400)
    uitkomst = toegang.sessies_en_inlogpogingen_opruimen(op=NU + dt.timedelta(hours=2))
    assert uitkomst["limiettellers"] == 1
    assert list(Limietteller.objects.values_list("aantal", flat=True)) == [1]


@pytest.mark.django_db
def test_formulierlimiet_telt_in_de_database_ook_zonder_redis(
    client, settings, klacht_formulier_data
):
    """The default cache points at a Redis that refuses: the form stores complaints and still
    refuses the address that sent it too often."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "klachten.caches.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{vrije_poort()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    settings.KLACHT_FORMULIER_LIMIET = "2/h"
    url = reverse("klachten:indienen")
    antwoorden = [client.post(url, klacht_formulier_data).status_code for _ in range(3)]
    anders = client.post(url, klacht_formulier_data, REMOTE_ADDR="192.0.2.77")

    assert antwoorden == [302, 302, 429]
    assert anders.status_code == 302
    assert Klacht.objects.count() == 3
    assert sorted(Limietteller.objects.values_list("aantal", flat=True)) == [1, 3]


# The cache that fails soft ------------------------------------------------------------------------


def test_cache_zonder_redis_is_een_misser_en_geen_fout():
    cache = redis_cache(f"redis://127.0.0.1:{vrije_poort()}/0")
    cache.set("sleutel", "waarde", 60)
    assert cache.get("sleutel", "berekend") == "berekend"
    assert cache.add("sleutel", "waarde") is False
    assert cache.get_many(["sleutel"]) == {}


def test_een_hangende_redis_kost_een_korte_wachttijd_en_daarna_niets():
    with RedisServer() as redis:
        cache = redis_cache(redis.url(1))
        cache.set("sleutel", "waarde", 60)
        assert cache.get("sleutel") == "waarde"

        redis.bevriezen()
        begin = time.monotonic()
        assert cache.get("sleutel", "berekend") == "berekend"
        eerste = time.monotonic() - begin
        begin = time.monotonic()
        assert cache.get("sleutel", "berekend") == "berekend"
        cache.set("sleutel", "nieuw", 60)
        daarna = time.monotonic() - begin
        redis.ontdooien()

        # One socket timeout (0.5 s, plus reconnecting), then Redis is left alone.
        assert eerste < 2.5, f"{eerste:.2f} s"
        assert daarna < 0.1, f"{daarna:.2f} s"
        # Once the pause is over (ended here by hand: it runs on the monotonic clock), Redis
        # is used again; the write during the pause was skipped.
        cache._storing_tot = 0.0
        assert cache.get("sleutel") == "waarde"

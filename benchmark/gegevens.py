"""The benchmark's dataset and what each run prepares in it.

The fill reuses the two earlier benchmarks' SQL (one INSERT ... SELECT per table over
generate_series, indexes built after the load): `klanttevredenheid.benchmark` for the contact
moments, invitations and responses, then `rapportage.benchmark` for the complaints over 5 years
with their timeline, messages, history versions, deadline outcomes and external procedures.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from importlib import import_module
from typing import TextIO
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from benchmark import views
from klachten import avg, kalender, rollen, termijnen, toegang
from klachten.middleware import LAATST_ACTIEF
from klachten.models import (
    Afdeling,
    Bericht,
    Categorie,
    Gebeurtenis,
    Klacht,
    Label,
    Medewerker,
    SignaalSoort,
)
from klachten.termijnen import TermijnSoort
from klanttevredenheid import services as kto_services
from klanttevredenheid.benchmark import KlanttevredenheidBenchmark
from klanttevredenheid.models import Contactmoment
from rapportage import services
from rapportage.benchmark import RapportageBenchmark

ENQUETE_KLANTNUMMER = "bm-enquete"  # marks the fresh invitations each run answers


def gevuld(klachten: int, contactmomenten: int) -> bool:
    """Whether the database holds (about) this dataset already."""
    return (
        Klacht.objects.filter(label__slug__startswith="bm-").count() >= klachten * 0.95
        and Contactmoment.objects.count() >= contactmomenten * 0.95
    )


def vullen(
    uit: TextIO, *, klachten: int, open_: int, contactmomenten: int, responsen: int
) -> float:
    """Build the dataset; returns the seconds it took."""
    start = time.perf_counter()
    nu = timezone.now()
    rapportage = RapportageBenchmark(stdout=uit)
    rapportage.uitkomst = {}
    stam = rapportage.stamgegevens()
    uit.write(f"Vullen: {contactmomenten:,} contactmomenten, {responsen:,} responsen ...\n")
    KlanttevredenheidBenchmark(stdout=uit).vullen(responsen, nu, contactmomenten=contactmomenten)
    rapportage.vullen(aantal=klachten, open_=open_, nu=nu, stam=stam)
    return time.perf_counter() - start


def voorbereiden(uit: TextIO, *, enquetes: int, zoekklachten: int = 100) -> dict:
    """What every run needs, on a filled database: accounts, the steady state beat leaves behind
    (deadline signals sent, personal data erased and complaints anonymised, months stored), fresh survey links, the
    baseline's table; returns the scenarios' data (benchmark.scenarios). The search scenario's
    terms come from `zoekklachten` complaints (zoekopdrachten)."""
    nu = timezone.now()
    stam = RapportageBenchmark(stdout=uit).stamgegevens()
    Label.objects.filter(slug="bm-zorg").update(is_standaard=True)
    accounts = _accounts(stam)
    behandelaar = Medewerker.objects.get(username=accounts["behandelaar"]["gebruikersnaam"])

    start = time.perf_counter()
    signalen = stabiele_bewaking(nu)
    uit.write(
        f"  termijnbewaking bijgewerkt ({signalen:,} signalen als al verstuurd) "
        f"{time.perf_counter() - start:.1f} s\n"
    )
    start = time.perf_counter()
    gewist = kto_services.persoonsgegevens_wissen(op=nu)
    uit.write(
        f"  persoonsgegevens gewist van {gewist:,} contactmomenten (zoals beat dagelijks doet) "
        f"{time.perf_counter() - start:.1f} s\n"
    )
    start = time.perf_counter()
    # The retention job (beat klachten-anonimiseren) has run all along: complaints past their
    # retention period are anonymised already (the first time on a fresh dataset: ~580,000,
    # about 8 minutes on 2 cores), so the beat measurement sees the steady state.
    geanonimiseerd = avg.verlopen_klachten_anonimiseren(op=nu)
    uit.write(
        f"  {geanonimiseerd:,} klachten geanonimiseerd (zoals beat dagelijks doet) "
        f"{time.perf_counter() - start:.1f} s\n"
    )
    # What autovacuum does in a running installation, where the retention job anonymises a day's
    # worth at a time: rows rewritten in bulk (the first anonymisation catch-up, a migration's
    # data fill) leave dead versions that every index scan of the queue would otherwise step
    # over (1,000,000 complaints: ~1.2M dead rows after the first catch-up). Quick when there
    # are none.
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for model in (Klacht, Klacht.history.model, Gebeurtenis, Bericht):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    uit.write(f"  VACUUM ANALYZE {time.perf_counter() - start:.1f} s\n")
    start = time.perf_counter()
    maanden = services.maandrapporten_vastleggen(op=nu)
    uit.write(f"  {len(maanden)} maandrapporten vastgelegd {time.perf_counter() - start:.1f} s\n")
    start = time.perf_counter()
    tokens = verse_enquetes(enquetes, nu)
    uit.write(f"  {len(tokens):,} verse enquêtelinks {time.perf_counter() - start:.1f} s\n")
    with connection.cursor() as cursor:
        cursor.execute(views.TABEL_SQL)
        cursor.execute(f"TRUNCATE {views.TABEL}")
        cursor.execute("ANALYZE klachten_klacht")

    afdelingen = list(behandelaar.afdelingen.values_list("pk", flat=True))
    lokaal = kalender.lokale_datum(nu)
    lopend = (lokaal.year, lokaal.month)
    vorige = kalender.vorige_maand(*lopend)
    return {
        "accounts": accounts,
        "sessiecookie": settings.SESSION_COOKIE_NAME,
        "categorieen": list(Categorie.objects.filter(actief=True).values_list("pk", flat=True)),
        # The API registration (issue 20): the default label's categorieën, by code.
        "categorie_codes": list(
            Categorie.objects.filter(actief=True)
            .voor_label(Label.objects.get(slug="bm-zorg"))
            .values_list("code", flat=True)
        ),
        "api_sleutel": _api_sleutel(),
        "dossiernummers": _steekproef("dossiernummer", afdelingen),
        "status_tokens": _steekproef("status_token", None),
        "enquete_tokens": tokens,
        "werkvoorraad_filters": [
            "/medewerker/?status=in_onderzoek",
            f"/medewerker/?afdeling={afdelingen[0]}&status=ontvangst_bevestigd",
            "/medewerker/?over_termijn=on",
            "/medewerker/?eigen=on",
        ],
        "werkvoorraad_zoeken": zoekopdrachten(afdelingen, zoekklachten),
        "api_lijsten": ["/api/v1/klachten/", "/api/v1/klachten/?status=in_onderzoek"],
        "maandrapport": reverse("rapportage:maand", kwargs={"jaar": lopend[0], "maand": lopend[1]}),
        "maandrapport_vastgelegd": reverse(
            "rapportage:maand", kwargs={"jaar": vorige[0], "maand": vorige[1]}
        ),
        "jaarrapport": reverse("rapportage:jaar", kwargs={"jaar": lokaal.year - 1}),
    }


def _accounts(stam: dict) -> dict:
    """A behandelaar of two afdelingen (also the API's user, by its session) and the directie, each with a
    fresh password and a session that is logged in already (password and TOTP code): the
    scenarios measure pages, not the password hasher (16 logins at the start of every run would
    swamp a short measurement).
    """
    behandelaar = Medewerker.objects.get_or_create(username="bm-behandelaar-01")[0]
    behandelaar.groups.add(Group.objects.get_or_create(name=rollen.KLACHTBEHANDELAAR)[0])
    behandelaar.afdelingen.set(stam["afdelingen"][:2])
    directie = stam["directie"]
    sessies = import_module(settings.SESSION_ENGINE).SessionStore
    accounts = {}
    for rol, gebruiker in (("behandelaar", behandelaar), ("directie", directie)):
        gebruiker.set_password(secrets.token_urlsafe(16))
        gebruiker.save(update_fields=["password"])
        sessie = sessies()
        sessie[auth.SESSION_KEY] = str(gebruiker.pk)
        sessie[auth.BACKEND_SESSION_KEY] = "klachten.permissies.ModelBackendEenQuery"
        sessie[auth.HASH_SESSION_KEY] = gebruiker.get_session_auth_hash()
        # Both login steps done: the TOTP code too (klachten.middleware), and active just now.
        apparaat = TOTPDevice.objects.get_or_create(
            user=gebruiker, confirmed=True, defaults={"name": "benchmark"}
        )[0]
        sessie[DEVICE_ID_SESSION_KEY] = apparaat.persistent_id
        sessie[LAATST_ACTIEF] = int(time.time())
        sessie.create()
        accounts[rol] = {"gebruikersnaam": gebruiker.username, "sessie": sessie.session_key}
    return accounts


def _api_sleutel() -> str:
    """A fresh API key of the benchmark's system account (a CRM registering complaints)."""
    koppeling = Medewerker.objects.get_or_create(username="bm-koppeling")[0]
    koppeling.groups.set([Group.objects.get_or_create(name=rollen.SYSTEEMKOPPELING)[0]])
    _sleutel, tekst = toegang.api_sleutel_maken(medewerker=koppeling, naam="benchmark")
    return tekst


def zoekopdrachten(afdelingen: list[int], aantal: int = 100) -> list[str]:
    """The work queue's search (issue 20, klachten.zoeken) as a handler uses it, on complaints of
    the behandelaar's afdelingen: a customer's name whole and in part, an e-mail address, a
    dossiernummer, words of the text (which at this dataset's one text find nothing: the index
    probe), and a short surname (word similarity). Each term finds a few complaints at most, as a
    real search does; a term that matches a large share of the table (the dataset's one text, or
    the placeholder anonymised complaints share) costs what counting and sorting those rows
    costs, whatever the index."""
    # Of complaints that still name their customer: nobody searches for the placeholder the
    # anonymisation leaves, which ~580,000 rows share.
    ids = _steekproef("id", afdelingen, aantal, met_persoonsgegevens=True)
    rijen = Klacht.objects.filter(pk__in=ids).order_by("pk")
    rijen = rijen.values_list("klant_naam", "klant_email", "dossiernummer")
    zoeken = []
    for i, (naam, email, dossiernummer) in enumerate(rijen):
        zoeken += [naam, naam.split()[-1] if i % 2 else naam.upper(), email, dossiernummer.lower()]
    zoeken += ["premieverhoging", "te laat betaald", "Wu", "Li"]
    return [f"/medewerker/?{urlencode({'zoek': z})}" for z in zoeken if z]


def _steekproef(
    kolom: str,
    afdelingen: list[int] | None,
    aantal: int = 5000,
    *,
    met_persoonsgegevens: bool = False,
) -> list[str]:
    """A sample of `aantal` complaints (of these afdelingen; not anonymised, with
    `met_persoonsgegevens`) spread evenly over the table: every k-th by id, k = how many there
    are // `aantal`; all of them when there are fewer. Exact and the same every time for the same
    data (TABLESAMPLE SYSTEM picked whole pages at random and came back empty now and then from a
    small table). One pass over the primary key index."""
    voorwaarden = ["afdeling_id = ANY(%(afdelingen)s)"] if afdelingen else []
    if met_persoonsgegevens:
        voorwaarden.append("geanonimiseerd_op IS NULL")
    waar = f"WHERE {' AND '.join(voorwaarden)}" if voorwaarden else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT {kolom} FROM (
                SELECT {kolom}, row_number() OVER (ORDER BY id) - 1 AS nr, count(*) OVER () AS n
                FROM klachten_klacht {waar}
            ) AS genummerd
            WHERE nr %% greatest(n / %(aantal)s, 1) = 0
            ORDER BY nr
            LIMIT %(aantal)s
            """,
            {"afdelingen": afdelingen, "aantal": aantal},
        )
        return [rij[0] for rij in cursor.fetchall()]


def stabiele_bewaking(nu: dt.datetime) -> int:
    """The state beat leaves behind when it has run every hour: every reminder, escalation,
    automatic statusupdate and Kifid alarm that is due now is recorded as sent (a Termijnsignaal),
    so a run of the deadline watch finds nothing to do, as on any ordinary hour. Returns how many
    signals were added."""
    vandaag = kalender.lokale_datum(nu)
    toegevoegd = 0
    with connection.cursor() as cursor:
        for termijn, (kolom, statussen) in termijnen.LOPEND_BIJ.items():
            delen = [
                (SignaalSoort.ESCALATIE, f"{kolom} < %(vandaag)s"),
                # The reminder window is at most 30 days in the settings.
                (SignaalSoort.HERINNERING, f"{kolom} <= %(vandaag)s::date + 30"),
            ]
            datum = kolom
            if termijn in termijnen.MOMENTEN:
                # A moment (the first reaction): due against now, signalled under its day.
                herinnering = termijnen.MOMENTEN[termijn]
                delen = [
                    (SignaalSoort.ESCALATIE, f"{kolom} < %(nu)s"),
                    (SignaalSoort.HERINNERING, f"{herinnering} <= %(nu)s"),
                ]
                datum = f"({kolom} AT TIME ZONE 'Europe/Amsterdam')::date"
            if termijn == TermijnSoort.STATUSUPDATE:
                delen.append((SignaalSoort.STATUSUPDATE, f"{kolom} <= %(vandaag)s"))
            for soort, voorwaarde in delen:
                cursor.execute(
                    f"""
                    INSERT INTO klachten_termijnsignaal (klacht_id, soort, termijn, datum,
                        created_at)
                    SELECT id, %(soort)s, %(termijn)s, {datum}, now() FROM klachten_klacht
                    WHERE status = ANY(%(statussen)s) AND {voorwaarde}
                    ON CONFLICT DO NOTHING
                    """,
                    {
                        "soort": soort,
                        "termijn": termijn,
                        "statussen": list(statussen),
                        "vandaag": vandaag,
                        "nu": nu,
                    },
                )
                toegevoegd += cursor.rowcount
        cursor.execute(
            """
            INSERT INTO klachten_termijnsignaal (klacht_id, soort, termijn, datum, created_at)
            SELECT id, %(soort)s, %(termijn)s, kifid_alarm_datum, now() FROM klachten_klacht
            WHERE kifid_alarm_datum <= %(vandaag)s AND beantwoord_op IS NULL
                AND status <> 'afgesloten'
            ON CONFLICT DO NOTHING
            """,
            {
                "soort": SignaalSoort.KIFID_ALARM,
                "termijn": TermijnSoort.KIFID_ALARM,
                "vandaag": vandaag,
            },
        )
        toegevoegd += cursor.rowcount
        cursor.execute("ANALYZE klachten_termijnsignaal")
    return toegevoegd


def verse_enquetes(aantal: int, nu: dt.datetime) -> list[str]:
    """`aantal` sent, unanswered survey invitations for the survey scenario (last run's are
    removed with their answers and follow-ups): contact moments of yesterday."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM klanttevredenheid_contactmoment WHERE klantnummer = %s",
            [ENQUETE_KLANTNUMMER],
        )
        oud = [rij[0] for rij in cursor.fetchall()]
        if oud:
            cursor.execute(
                "DELETE FROM klanttevredenheid_opvolging WHERE respons_id IN (SELECT id FROM "
                "klanttevredenheid_respons WHERE contactmoment_id = ANY(%s))",
                [oud],
            )
            for tabel in ("respons", "uitnodiging"):
                cursor.execute(
                    f"DELETE FROM klanttevredenheid_{tabel} WHERE contactmoment_id = ANY(%s)",
                    [oud],
                )
            cursor.execute("DELETE FROM klanttevredenheid_contactmoment WHERE id = ANY(%s)", [oud])
        label = Label.objects.get(slug="bm-zorg")
        afdeling = Afdeling.objects.get(code="bm-0")
        cursor.execute(
            """
            WITH nieuw AS (
                INSERT INTO klanttevredenheid_contactmoment (
                    label_id, soort, groep, bron, moment, afdeling_id, taal, klant_email,
                    klant_naam, klantnummer, email_genormaliseerd, created_at
                )
                SELECT %(label)s, 'vraag_klantenservice', 'contactmoment', 'import',
                    %(nu)s::timestamptz - interval '1 day', %(afdeling)s, 'nl', '', '', %(knr)s,
                    '', %(nu)s
                FROM generate_series(1, %(aantal)s)
                RETURNING id
            )
            INSERT INTO klanttevredenheid_uitnodiging (
                contactmoment_id, status, reden_overgeslagen, verzenden_op, verzonden_op,
                verloopt_op, token, nps_vragen, created_at
            )
            SELECT id, 'verzonden', '', %(nu)s, %(nu)s, %(nu)s::timestamptz + interval '14 days',
                'bm-' || md5(random()::text || id::text), true, %(nu)s
            FROM nieuw
            RETURNING token
            """,
            {
                "label": label.pk,
                "afdeling": afdeling.pk,
                "nu": nu,
                "knr": ENQUETE_KLANTNUMMER,
                "aantal": aantal,
            },
        )
        return [rij[0] for rij in cursor.fetchall()]

"""API keys only for system accounts, hashed, with an expiry, rotated and revoked by the beheerder,
the last use recorded (issue 15, Access; acceptance 4)."""

import datetime as dt
import hashlib
import importlib
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klachten import rollen, toegang
from klachten.kalender import AMSTERDAM
from klachten.models import ApiSleutel
from tests.factories import KlachtFactory, MedewerkerFactory

pytestmark = pytest.mark.django_db

LIJST = "/api/v1/klachten/"
NU = dt.datetime(2026, 6, 15, 12, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def nu(time_machine):
    time_machine.move_to(NU, tick=False)
    return time_machine


@pytest.fixture
def koppeling(db):
    return MedewerkerFactory(username="crm", rollen=[rollen.SYSTEEMKOPPELING])


@pytest.fixture
def beheerder(beheerder):
    beheerder.is_staff = True
    beheerder.save(update_fields=["is_staff"])
    return beheerder


def kop(tekst: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Api-Key {tekst}"}


def test_een_systeemkoppeling_krijgt_een_sleutel_die_werkt(client, koppeling, categorie):
    eigen = KlachtFactory(categorie=categorie, ingediend_door=koppeling)
    _sleutel, tekst = toegang.api_sleutel_maken(medewerker=koppeling, naam="CRM")

    response = client.get(f"{LIJST}{eigen.dossiernummer}/", **kop(tekst))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "soort", ["behandelaar", "beheerder", "teamleider", "koppeling_die_ook_behandelt", "superuser"]
)
def test_een_persoonlijk_account_krijgt_geen_sleutel_via_de_service_of_het_commando(
    soort, request, afdeling_a
):
    gebruiker = {
        "koppeling_die_ook_behandelt": lambda: MedewerkerFactory(
            rollen=[rollen.SYSTEEMKOPPELING, rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling_a]
        ),
        "superuser": lambda: MedewerkerFactory(is_superuser=True, is_staff=True),
    }.get(soort, lambda: request.getfixturevalue(soort))()

    with pytest.raises(toegang.ToegangFout, match="geen systeemkoppeling"):
        toegang.api_sleutel_maken(medewerker=gebruiker, naam="eigen")
    with pytest.raises(CommandError, match="geen systeemkoppeling"):
        call_command("api_sleutel", "maken", gebruiker.username, stdout=StringIO())

    assert not ApiSleutel.objects.exists()


def test_de_beheerder_maakt_in_de_admin_alleen_sleutels_voor_systeemkoppelingen(
    client, beheerder, koppeling, behandelaar
):
    client.force_login(beheerder)
    toevoegen = reverse("admin:klachten_apisleutel_add")
    tot = {"expiry_date_0": "2030-01-01", "expiry_date_1": "12:00:00"}

    geweigerd = client.post(toevoegen, {"medewerker": behandelaar.pk, "name": "eigen", **tot})
    gemaakt = client.post(
        toevoegen, {"medewerker": koppeling.pk, "name": "CRM", **tot}, follow=True
    )

    assert geweigerd.status_code == 200  # the form again, with its error
    assert "medewerker" in geweigerd.context["adminform"].form.errors
    sleutel = ApiSleutel.objects.get()
    assert sleutel.medewerker == koppeling
    melding = next(str(m) for m in gemaakt.context["messages"] if sleutel.prefix in str(m))
    tekst = melding.split("is: ")[1].split(" ")[0]
    assert ApiSleutel.objects.get_from_key(tekst) == sleutel
    assert client.get(LIJST, **kop(tekst)).status_code == 200


def test_een_sleutel_van_een_persoonlijk_account_wordt_bij_gebruik_geweigerd_met_401(
    client, koppeling, afdeling_a
):
    """A system account that was given a person's role later (or a key that reached a personal
    account some other way) no longer authenticates: 401, not the person's rights."""
    _sleutel, tekst = toegang.api_sleutel_maken(medewerker=koppeling, naam="CRM")
    assert client.get(LIJST, **kop(tekst)).status_code == 200

    koppeling.groups.add(Group.objects.get(name=rollen.KLACHTBEHANDELAAR))
    koppeling.afdelingen.add(afdeling_a)
    response = client.get(LIJST, **kop(tekst))

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Api-Key"


def test_een_oud_drf_token_van_een_persoonlijk_account_wordt_geweigerd_met_401(
    client, behandelaar, koppeling
):
    """The migration toegang_api_sleutels_en_koppellinks takes the old plain DRF tokens of system accounts over as hashed keys and
    drops the others, and the table with them; the old header form keeps working for the first."""
    module = next(
        Path(django_apps.get_app_config("klachten").path, "migrations").glob(
            "*_toegang_api_sleutels_en_koppellinks.py"
        )
    )
    migratie = importlib.import_module(f"klachten.migrations.{module.stem}")
    persoonlijk, systeem = "a" * 40, "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamptz, "
            "user_id bigint)"
        )
        cursor.executemany(
            "INSERT INTO authtoken_token VALUES (%s, now(), %s)",
            [(persoonlijk, behandelaar.pk), (systeem, koppeling.pk)],
        )

    with connection.schema_editor() as schema_editor:
        migratie.drf_tokens_overnemen(django_apps, schema_editor)

    assert "authtoken_token" not in connection.introspection.table_names()
    overgenomen = ApiSleutel.objects.get()
    assert overgenomen.medewerker == koppeling
    assert systeem not in overgenomen.hashed_key
    assert overgenomen.expiry_date is not None
    assert client.get(LIJST, HTTP_AUTHORIZATION=f"Token {systeem}").status_code == 200
    assert client.get(LIJST, HTTP_AUTHORIZATION=f"Token {persoonlijk}").status_code == 401


def test_sleutels_staan_alleen_als_hash_in_de_database(koppeling):
    """A leaked copy of the database gives no working key: the key's text is nowhere in the
    table, only its SHA-512."""
    _sleutel, tekst = toegang.api_sleutel_maken(medewerker=koppeling, naam="CRM")
    geheim = tekst.partition(".")[2]

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM klachten_apisleutel")
        rij = " ".join(str(waarde) for waarde in cursor.fetchone())

    assert geheim not in rij
    assert tekst not in rij
    assert hashlib.sha512(tekst.encode()).hexdigest() in rij


def test_een_sleutel_verloopt(client, koppeling, nu):
    _sleutel, tekst = toegang.api_sleutel_maken(
        medewerker=koppeling, naam="CRM", geldig_tot=NU + dt.timedelta(days=30)
    )
    assert client.get(LIJST, **kop(tekst)).status_code == 200

    nu.move_to(NU + dt.timedelta(days=30, seconds=1), tick=False)
    response = client.get(LIJST, **kop(tekst))

    assert response.status_code == 401
    assert "verlopen" in response.json()["detail"]


def test_elke_sleutel_verloopt_standaard_na_een_jaar(koppeling, nu, settings):
    settings.API_SLEUTEL_GELDIG_DAGEN = 365

    sleutel, _tekst = toegang.api_sleutel_maken(medewerker=koppeling, naam="CRM")

    assert sleutel.expiry_date == NU + dt.timedelta(days=365)
    with pytest.raises(toegang.ToegangFout):
        toegang.api_sleutel_maken(medewerker=koppeling, naam="CRM", geldig_tot=NU)


def test_een_ingetrokken_sleutel_geeft_401(client, koppeling):
    sleutel, tekst = toegang.api_sleutel_maken(medewerker=koppeling, naam="CRM")
    assert client.get(LIJST, **kop(tekst)).status_code == 200

    call_command("api_sleutel", "intrekken", sleutel.prefix, stdout=StringIO())

    assert client.get(LIJST, **kop(tekst)).status_code == 401
    assert ApiSleutel.objects.get().revoked


def test_vernieuwen_geeft_een_nieuwe_sleutel_en_de_oude_werkt_nog_de_overlap(client, koppeling, nu):
    oud, oude_tekst = toegang.api_sleutel_maken(medewerker=koppeling, naam="CRM")
    uitvoer = StringIO()

    call_command("api_sleutel", "vernieuwen", oud.prefix, "--overlap-uren", "24", stdout=uitvoer)

    nieuwe_tekst = uitvoer.getvalue().splitlines()[1]
    nieuw = ApiSleutel.objects.exclude(pk=oud.pk).get()
    assert (nieuw.medewerker, nieuw.name) == (koppeling, "CRM")
    assert client.get(LIJST, **kop(nieuwe_tekst)).status_code == 200
    assert client.get(LIJST, **kop(oude_tekst)).status_code == 200
    nu.move_to(NU + dt.timedelta(hours=24, seconds=1), tick=False)
    assert client.get(LIJST, **kop(oude_tekst)).status_code == 401
    assert client.get(LIJST, **kop(nieuwe_tekst)).status_code == 200


def test_vernieuwen_zonder_overlap_trekt_de_oude_meteen_in(client, koppeling):
    oud, oude_tekst = toegang.api_sleutel_maken(medewerker=koppeling, naam="CRM")

    _nieuw, nieuwe_tekst = toegang.api_sleutel_vernieuwen(sleutel=oud, overlap=dt.timedelta(0))

    assert client.get(LIJST, **kop(oude_tekst)).status_code == 401
    assert client.get(LIJST, **kop(nieuwe_tekst)).status_code == 200


def test_de_beheerder_trekt_in_en_vernieuwt_in_de_admin(client, beheerder, koppeling):
    een, een_tekst = toegang.api_sleutel_maken(medewerker=koppeling, naam="een")
    twee, twee_tekst = toegang.api_sleutel_maken(medewerker=koppeling, naam="twee")
    client.force_login(beheerder)
    lijst = reverse("admin:klachten_apisleutel_changelist")

    client.post(lijst, {"action": "intrekken", "_selected_action": [een.pk]})
    vernieuwd = client.post(
        lijst, {"action": "vernieuwen", "_selected_action": [twee.pk]}, follow=True
    )

    een.refresh_from_db()
    assert een.revoked
    nieuw = ApiSleutel.objects.exclude(pk__in=[een.pk, twee.pk]).get()
    melding = next(str(m) for m in vernieuwd.context["messages"] if nieuw.prefix in str(m))
    assert ApiSleutel.objects.get_from_key(melding.split("is: ")[1].split(" ")[0]) == nieuw
    client.logout()
    assert client.get(LIJST, **kop(een_tekst)).status_code == 401
    assert client.get(LIJST, **kop(twee_tekst)).status_code == 200  # until the overlap ends


def test_het_laatste_gebruik_wordt_hooguit_eens_per_minuut_geschreven(client, koppeling, nu):
    sleutel, tekst = toegang.api_sleutel_maken(medewerker=koppeling, naam="CRM")

    def bijwerkingen() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIJST, **kop(tekst)).status_code == 200
        return sum('UPDATE "klachten_apisleutel"' in q["sql"] for q in queries.captured_queries)

    assert bijwerkingen() == 1
    sleutel.refresh_from_db()
    assert sleutel.laatst_gebruikt_op == NU
    nu.move_to(NU + dt.timedelta(seconds=59), tick=False)
    assert bijwerkingen() == 0
    nu.move_to(NU + dt.timedelta(seconds=61), tick=False)
    assert bijwerkingen() == 1
    sleutel.refresh_from_db()
    assert sleutel.laatst_gebruikt_op == NU + dt.timedelta(seconds=61)


def test_de_lijst_van_het_commando_toont_nooit_de_sleutel(koppeling):
    _sleutel, tekst = toegang.api_sleutel_maken(medewerker=koppeling, naam="CRM")
    uitvoer = StringIO()

    call_command("api_sleutel", "lijst", stdout=uitvoer)

    assert "crm" in uitvoer.getvalue()
    assert "geldig" in uitvoer.getvalue()
    assert tekst.partition(".")[2] not in uitvoer.getvalue()


def test_het_oude_commando_drf_create_token_bestaat_niet_meer(behandelaar):
    with pytest.raises(CommandError, match="Unknown command"):
        call_command("drf_create_token", behandelaar.username)

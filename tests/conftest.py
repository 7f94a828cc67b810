"""Shared fixtures: the organisation (label, afdelingen, categorieën), staff per role, clients, and
`werkplek`: workflow actions run through the services or through the pages."""

import datetime as dt
from functools import partial

import pytest
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management.commands import flush as flush_commando
from django.db import connection, connections, models
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from xdist.scheduler import LoadScopeScheduling

from klachten import broker, rollen, selectors, services, signals
from klachten.forms import OPEN_PLEK
from klachten.models import (
    Bericht,
    Categorie,
    Doorverwijzing,
    DoorverwijzingUitkomst,
    ExterneInstantie,
    ExterneProcedure,
    Gebeurtenis,
    Kanaal,
    Klacht,
    KwetsbaarheidSoort,
    Kwetsbaarheidssignaal,
    Leermoment,
    Mailbox,
    Termijnwijziging,
    TermijnwijzigingSoort,
    Uitkomst,
    Urgentie,
    Verbeterpunt,
)
from klachten.workflow import ACTIES, AFSLUITENDE_ACTIES, KLANT, Oordeel, WorkflowFout
from tests.factories import AfdelingFactory, CategorieFactory, MedewerkerFactory, standaardlabel

# Tests that share an expensive class or module fixture, run together by one pytest worker
# (scripts/test runs two): split over both, each worker would build the fixture for its part. The
# demo load takes 15-20 s, the SQLite site as long. (xdist's own --dist loadgroup does this by a
# marker, but it renames node ids through an attribute pytest 9.2 no longer has.)
SAMEN_OP_EEN_WORKER = (
    "tests/test_demo.py::TestDemoData::",
    "tests/test_sqlite.py::",
    # Each golden case is built once per worker and read by its tests (about 1 s a case).
    "tests/klachten/test_berichten_gouden.py::",
)


class Verdeling(LoadScopeScheduling):
    """xdist's load distribution (one test at a time, in pytest-django's order: the tests that
    empty the database come last), except that the tests of SAMEN_OP_EEN_WORKER go as one unit
    to one worker (first: they are the longest)."""

    def _split_scope(self, nodeid: str) -> str:
        for voorvoegsel in SAMEN_OP_EEN_WORKER:
            if nodeid.startswith(voorvoegsel):
                return voorvoegsel
        return nodeid


def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") == "load":
        return Verdeling(config, log)
    return None


def pytest_configure(config):
    # Whitenoise warns for every request that STATIC_ROOT does not exist: it only exists after
    # collectstatic, which the test run does not need.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning:django")


@pytest.fixture(autouse=True, scope="session")
def _force_login_met_tweede_stap():
    """`client.force_login(user)` stands for a completed staff login: password and TOTP code
    (klachten.middleware.TweestapsMiddleware). The user gets a confirmed TOTP device and the
    session records it, as django_otp.login does after a good code (written into the session
    while Django's login fills it, so that the session is saved once). The two-factor pages
    themselves are tested through the real login in tests/klachten/test_inloggen.py."""
    oorspronkelijk = Client.force_login

    def force_login(self, user, backend=None):
        apparaat = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if apparaat is None:
            apparaat = TOTPDevice.objects.create(user=user, name="test", confirmed=True)

        def tweede_stap(sender, request, **kwargs):
            request.session[DEVICE_ID_SESSION_KEY] = apparaat.persistent_id

        user_logged_in.connect(tweede_stap, weak=False)
        try:
            oorspronkelijk(self, user, backend)
        finally:
            user_logged_in.disconnect(tweede_stap)

    Client.force_login = force_login
    yield
    Client.force_login = oorspronkelijk


def gevulde_tabellen(verbinding, tabellen) -> list[str]:
    """Those of `tabellen` that hold a row (one query)."""
    naam = verbinding.ops.quote_name
    vraag = " UNION ALL ".join(
        f"SELECT %s WHERE EXISTS (SELECT 1 FROM {naam(tabel)})" for tabel in tabellen
    )
    with verbinding.cursor() as cursor:
        cursor.execute(vraag, list(tabellen))
        return [tabel for (tabel,) in cursor.fetchall()]


def inhoud_per_tabel(verbinding, tabellen) -> dict[str, str]:
    """A fingerprint of every row of each of `tabellen` (one query): equal when the table holds
    exactly the same rows, ids included."""
    naam = verbinding.ops.quote_name
    vraag = " UNION ALL ".join(
        f"SELECT %s, (SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) "
        f"FROM {naam(tabel)} r)"
        for tabel in tabellen
    )
    with verbinding.cursor() as cursor:
        cursor.execute(vraag, list(tabellen))
        return dict(cursor.fetchall())


@pytest.fixture(autouse=True, scope="session")
def _flush_van_de_gevulde_tabellen():
    """After a test with transaction=True, Django empties the database with one TRUNCATE of all
    its tables (about 130): most of a second on PostgreSQL, which gives every truncated table
    new files. The same flush here truncates the tables that hold rows, with CASCADE for the
    empty tables that point at them: the database ends as empty, in a fraction of the time.

    After the flush, the post_migrate receivers fill the tables they own again (content types,
    permissions, roles, message templates, survey settings: about 0.4 s). The rows they leave
    are remembered (a fingerprint per table, `inhoud_per_tabel`); the next flush leaves a table
    alone that holds exactly those rows still, and skips post_migrate when every remembered table
    still holds them after the TRUNCATE (then post_migrate would add nothing). A table a test
    changed or emptied is emptied and post_migrate fills it again, as before; so each test starts
    from the same rows, and a test that leaves those tables alone costs no post_migrate."""
    if connection.vendor != "postgresql":
        yield
        return
    operaties = type(connection.ops)
    oorspronkelijk = operaties.sql_flush
    post_migrate_oorspronkelijk = flush_commando.emit_post_migrate_signal
    # The tables that held rows after the last flush, with their fingerprints (none before the
    # first flush of this process: its database comes from migrate, not from a flush).
    na_flush: dict[str, dict[str, str]] = {}

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return oorspronkelijk(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        gevuld = gevulde_tabellen(self.connection, tables)
        bewaard = na_flush.get(self.connection.alias, {})
        if bewaard:
            # A remembered table a test emptied is flushed too: post_migrate must fill it.
            inhoud = inhoud_per_tabel(self.connection, list(bewaard))
            ongewijzigd = {tabel for tabel in bewaard if inhoud[tabel] == bewaard[tabel]}
            gevuld = [
                tabel
                for tabel in dict.fromkeys([*gevuld, *(t for t in bewaard if t in tables)])
                if tabel not in ongewijzigd
            ]
        return oorspronkelijk(self, style, gevuld, allow_cascade=True) if gevuld else []

    def emit_post_migrate_signal(verbosity, interactive, db, **kwargs):
        verbinding = connections[db]
        bewaard = na_flush.get(db)
        if bewaard and inhoud_per_tabel(verbinding, list(bewaard)) == bewaard:
            # Every remembered table holds its rows still (no CASCADE reached one) and the rest
            # is empty: the state post_migrate left last time, on which it adds nothing.
            return
        post_migrate_oorspronkelijk(verbosity, interactive, db, **kwargs)
        tabellen = gevulde_tabellen(
            verbinding, verbinding.introspection.django_table_names(only_existing=True)
        )
        na_flush[db] = inhoud_per_tabel(verbinding, tabellen) if tabellen else {}

    operaties.sql_flush = sql_flush
    flush_commando.emit_post_migrate_signal = emit_post_migrate_signal
    yield
    operaties.sql_flush = oorspronkelijk
    flush_commando.emit_post_migrate_signal = post_migrate_oorspronkelijk


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded attachments go to a fresh directory per test."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _standaardtaal():
    """Every test starts in Dutch: a test that renders a page or an e-mail in English or French
    must not leave that language active for the next one."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _lege_cache():
    """Every test starts with an empty cache (the rate-limit counters are rows of the test
    database, klachten.caches.TellerCache, and go with it)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _broker_zonder_storing():
    """A broker failure in one test (klachten.broker leaves the broker alone for a while) does
    not keep the next test's tasks from being published."""
    broker.storing_opheffen()
    yield
    broker.storing_opheffen()


@pytest.fixture
def label(db):
    return standaardlabel()


@pytest.fixture
def mailbox(label):
    """The label's complaints mailbox (no IMAP server: the e-mail channel's tests feed it)."""
    return Mailbox.objects.create(label=label, adres=label.email)


@pytest.fixture
def afdeling_a(db):
    return AfdelingFactory(naam="Declaraties", code="declaraties")


@pytest.fixture
def afdeling_b(db):
    return AfdelingFactory(naam="Premie en incasso", code="premie")


@pytest.fixture
def categorie(afdeling_a):
    return CategorieFactory(naam="Declaratie", code="declaratie", afdeling=afdeling_a)


@pytest.fixture
def categorie_b(afdeling_b):
    return CategorieFactory(naam="Premie", code="premie", afdeling=afdeling_b)


@pytest.fixture
def behandelaar(afdeling_a):
    """A klachtbehandelaar of afdeling A."""
    return MedewerkerFactory(
        username="behandelaar", rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling_a]
    )


@pytest.fixture
def collega(afdeling_a):
    """A second klachtbehandelaar of afdeling A: the second line of a heroverweging."""
    return MedewerkerFactory(
        username="collega", rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling_a]
    )


@pytest.fixture
def teamleider(afdeling_a):
    return MedewerkerFactory(
        username="teamleider", rollen=[rollen.TEAMLEIDER], afdelingen=[afdeling_a]
    )


@pytest.fixture
def beheerder(db):
    return MedewerkerFactory(username="beheerder", rollen=[rollen.BEHEERDER])


@pytest.fixture
def behandelaar_b(afdeling_b):
    """A klachtbehandelaar of afdeling B only."""
    return MedewerkerFactory(
        username="behandelaar-b", rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling_b]
    )


@pytest.fixture
def systeemkoppeling(db):
    return MedewerkerFactory(username="koppeling", rollen=[rollen.SYSTEEMKOPPELING])


@pytest.fixture
def directie(db):
    return MedewerkerFactory(username="directie", rollen=[rollen.DIRECTIE])


@pytest.fixture
def kifid(label):
    """Kifid (from the data migration) as the label's externe instantie."""
    instantie = ExterneInstantie.objects.get(code="kifid")
    label.externe_instantie = instantie
    label.save(update_fields=["externe_instantie"])
    return instantie


@pytest.fixture
def aangekondigd():
    """What klachten announced through its signals: (signal name, klacht_id) in order."""
    ontvangen = []
    ontvangers = {}
    for naam in ("klacht_beantwoord", "klacht_afgesloten"):

        def ontvanger(sender, klacht_id, naam=naam, **kwargs):
            ontvangen.append((naam, klacht_id))

        ontvangers[naam] = ontvanger
        getattr(signals, naam).connect(ontvanger)
    yield ontvangen
    for naam, ontvanger in ontvangers.items():
        getattr(signals, naam).disconnect(ontvanger)


@pytest.fixture
def behandelaar_client(client, behandelaar):
    client.force_login(behandelaar)
    return client


@pytest.fixture
def klacht_formulier_data(label, categorie):
    """A valid submission of the public complaint form."""
    return {
        "klant_naam": "Anna de Vries",
        "klant_email": "anna@example.nl",
        "klant_telefoon": "06 12345678",
        "polisnummer": "P-123456",
        "categorie": categorie.pk,
        "omschrijving": "Mijn declaratie van de fysiotherapeut is na zes weken nog niet betaald.",
        "gewenste_oplossing": "Dat de declaratie alsnog wordt vergoed.",
        "privacy_akkoord": "on",
        "website": "",
    }


# Workflow actions through the services or through the pages -----------------------------------

SERVICES = {
    "opschorten": partial(services.termijn_wijzigen, soort=TermijnwijzigingSoort.OPSCHORTING),
    "verlengen": partial(services.termijn_wijzigen, soort=TermijnwijzigingSoort.VERLENGING),
    "classificeren": services.klacht_classificeren,
}


def service_van(naam: str):
    """The service that performs the workflow action `naam`."""
    return SERVICES.get(naam) or getattr(services, naam)


def formuliergegevens(data: dict) -> dict:
    """Python values as a browser posts them."""
    uit = {}
    for veld, waarde in data.items():
        if isinstance(waarde, bool):
            if waarde:
                uit[veld] = "on"
        elif waarde is None:
            uit[veld] = ""
        elif isinstance(waarde, models.Model):
            uit[veld] = waarde.pk
        elif isinstance(waarde, dt.date):
            uit[veld] = waarde.isoformat()
        else:
            uit[veld] = waarde
    return uit


def meldingen(response, niveau: str) -> list[str]:
    """The flash messages of a request at one level ("success", "error")."""
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == niveau]


def formulierfouten(response) -> list[str]:
    form = (response.context or {}).get("form") if response.context else None
    if form is None:
        return []
    return [str(f) for fouten in form.errors.values() for f in fouten]


def actie_url(klacht: Klacht, naam: str) -> str:
    return reverse("klachten:actie", args=[klacht.dossiernummer, ACTIES[naam].slug])


def geldige_gegevens(naam: str, klacht: Klacht, behandelaar) -> dict:
    """Input that the action's form accepts: a refusal can only come from the workflow."""
    bericht = {"onderwerp": "Onderwerp", "tekst": "Een tekst van de behandelaar."}
    return {
        "ontvangst_bevestigen": bericht,
        "toewijzen": {"afdeling": klacht.afdeling, "behandelaar": behandelaar},
        "urgentie_wijzigen": {"urgentie": Urgentie.HOOG},
        "classificeren": {"categorie": klacht.categorie, "afdeling": None},
        "teruggeven": {"reden": "Buiten de opdracht van de partner."},
        "ontvankelijk_verklaren": {"toelichting": ""},
        "niet_ontvankelijk_verklaren": bericht,
        "telefooncontact_vastleggen": {"tekst": "Klant gebeld."},
        "notitie_toevoegen": {"tekst": "Notitie."},
        "klantbericht_toevoegen": {"tekst": "De klant mailde een aanvulling."},
        "statusupdate_sturen": bericht,
        "reactie_sturen": bericht,
        "opschorten": {
            "nieuwe_datum": dt.date(2030, 1, 1),
            "reden": "Wachten op de klant.",
            **bericht,
        },
        "verlengen": {"nieuwe_datum": dt.date(2030, 1, 1), "reden": "Meer tijd nodig.", **bericht},
        "antwoord_sturen": {"oordeel": Oordeel.GEGROND, "definitief_standpunt": False, **bericht},
        "heroverweging_vragen": {"reden": "Niet eens met het antwoord."},
        "heroverweging_beantwoorden": {"oordeel": Oordeel.ONGEGROND, **bericht},
        "externe_procedure_vastleggen": {
            "instantie": ExterneInstantie.objects.get(code="kifid"),
            "ingediend_datum": dt.date(2026, 1, 1),
            "uitkomst": Uitkomst.LOPEND,
            "beslist_datum": None,
            "toelichting": "",
        },
        "afsluiten": bericht,
        "medewerker_besproken": {
            "datum": dt.date(2025, 1, 6),
            "samenvatting": "Besproken; de medewerker herkent het en belt de klant voortaan terug.",
        },
        "heropenen": {"reden": "Klant belde opnieuw."},
        "vervolgklacht_registreren": {
            "omschrijving": "Nu gaat het om de premie.",
            "categorie": klacht.categorie,
            "afdeling": None,
        },
        "leermoment_toevoegen": {"omschrijving": "Eerder bellen."},
        "verbeterpunt_toevoegen": {
            "omschrijving": "Brief herschrijven.",
            "eigenaar": behandelaar,
            "streefdatum": dt.date(2030, 1, 1),
        },
        "kwetsbaarheid_vastleggen": {
            "soort": KwetsbaarheidSoort.LAAGGELETTERDHEID,
            "toelichting": "Leest slecht; liever bellen.",
        },
        "kwetsbaarheid_intrekken": {
            "soort": KwetsbaarheidSoort.LAAGGELETTERDHEID,
            "urgentie_verlagen": False,
        },
        "doorverwijzing_vastleggen": {
            "naar": "Schuldhulpverlening van de gemeente",
            "datum": dt.date(2025, 1, 6),
            "uitkomst": DoorverwijzingUitkomst.LOPEND,
            "toelichting": "",
        },
    }[naam]


# The rows `stand` counts, all of them read in one query (it runs before and after every action
# of the workflow tests).
GETELD = {
    "berichten": Bericht,
    "gebeurtenissen": Gebeurtenis,
    "termijnwijzigingen": Termijnwijziging,
    "externe_procedures": ExterneProcedure,
    "leermomenten": Leermoment,
    "verbeterpunten": Verbeterpunt,
}


def tellingen(klacht: Klacht) -> dict[str, int]:
    """The complaint's history rows and every row of the GETELD models, counted in one query."""
    historie = Klacht.history.model._meta.db_table
    delen = [f'(SELECT count(*) FROM "{historie}" WHERE "id" = %s)'] + [
        f'(SELECT count(*) FROM "{model._meta.db_table}")' for model in GETELD.values()
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(delen), [klacht.pk])
        aantallen = cursor.fetchone()
    return dict(zip(["historie", *GETELD], aantallen, strict=True))


def stand(klacht: Klacht) -> dict:
    """Everything an action could change."""
    klacht = Klacht.objects.get(pk=klacht.pk)
    return {
        "status": klacht.status,
        "versie": klacht.versie,
        "updated_at": klacht.updated_at,
        **tellingen(klacht),
        "kwetsbaarheidssignalen": list(
            Kwetsbaarheidssignaal.objects.values_list("klacht", "soort", "toelichting")
        ),
        "doorverwijzingen": list(
            Doorverwijzing.objects.values_list("naar", "datum", "uitkomst", "toelichting")
        ),
        "termijnen": (
            klacht.antwoord_uiterlijk_datum,
            klacht.statusupdate_uiterlijk_datum,
            klacht.volgende_termijn_datum,
        ),
    }


class Werkplek:
    """Performs workflow actions the way a user does: through the services (`weg="service"`) or
    through the pages (`weg="pagina"`: the generic action page with the hidden versie, and the
    customer's status page for the customer's actions). Messages and signals go out as after a
    commit."""

    def __init__(self, weg: str, client, capture):
        self.weg = weg
        self.client = client
        self.capture = capture

    def klacht_indienen(self, gegevens: dict) -> Klacht:
        """The customer sends the public complaint form (`klacht_formulier_data`)."""
        with self.capture(execute=True):
            if self.weg == "service":
                klacht = services.klacht_registreren(
                    label=standaardlabel(),
                    kanaal=Kanaal.WEBFORMULIER,
                    klant_naam=gegevens["klant_naam"],
                    klant_email=gegevens["klant_email"],
                    klant_telefoon=gegevens["klant_telefoon"],
                    polisnummer=gegevens["polisnummer"],
                    categorie=Categorie.objects.get(pk=gegevens["categorie"]),
                    omschrijving=gegevens["omschrijving"],
                    gewenste_oplossing=gegevens["gewenste_oplossing"],
                    privacy_akkoord=True,
                )
            else:
                self.client.logout()
                response = self.client.post(reverse("klachten:indienen"), gegevens)
                assert response.status_code == 302, formulierfouten(response)
                klacht = Klacht.objects.order_by("-pk").first()
        return Klacht.objects.get(pk=klacht.pk)

    def doe(self, naam: str, klacht: Klacht, door, **data) -> Klacht:
        """Perform the action; it must succeed. Returns the complaint as it is now stored."""
        with self.capture(execute=True):
            if self.weg == "service":
                service_van(naam)(klacht=klacht, door=door, **data)
            else:
                response = self._post(naam, klacht, door, data)
                assert response.status_code == 302, (
                    response.status_code,
                    formulierfouten(response),
                    meldingen(response, "error"),
                )
                assert meldingen(response, "error") == []
                if door == KLANT:
                    assert response.url == reverse("klachten:status", args=[klacht.status_token])
                elif not selectors.klachten_voor(door).filter(pk=klacht.pk).exists():
                    # Out of the user's sight now (a partner handed it back): to the queue.
                    assert response.url == reverse("klachten:werkvoorraad")
                    assert meldingen(response, "success")
                else:
                    assert response.url == reverse("klachten:dossier", args=[klacht.dossiernummer])
                    assert meldingen(response, "success")
        return Klacht.objects.get(pk=klacht.pk)

    def weiger(self, naam: str, klacht: Klacht, door, **data) -> str:
        """Perform the action; it must be refused. Returns what the user is told."""
        with self.capture(execute=True):
            if self.weg == "service":
                try:
                    service_van(naam)(klacht=klacht, door=door, **data)
                except WorkflowFout as exc:
                    return str(exc)
                except ValidationError as exc:
                    return " ".join(exc.messages)
                raise AssertionError(f"{naam} werd niet geweigerd")
            response = self._post(naam, klacht, door, data)
        if response.status_code == 302:
            terug = "klachten:status" if door == KLANT else "klachten:dossier"
            sleutel = klacht.status_token if door == KLANT else klacht.dossiernummer
            assert response.url == reverse(terug, args=[sleutel])
            assert meldingen(response, "success") == []
            fouten = meldingen(response, "error")
        else:
            assert response.status_code in (200, 409), response.status_code
            fouten = meldingen(response, "error") + formulierfouten(response)
        assert fouten, f"{naam}: geweigerd zonder melding"
        return " ".join(fouten)

    def _post(self, naam: str, klacht: Klacht, door, data: dict):
        # Forget the messages of earlier requests whose redirect was not followed.
        self.client.cookies.pop("messages", None)
        if door == KLANT:
            self.client.logout()
            url = {
                "heroverweging_vragen": "klachten:heroverweging-vragen",
                "klantbericht_toevoegen": "klachten:aanvullen",
            }[naam]
            return self.client.post(reverse(url, args=[klacht.status_token]), data)
        self.client.force_login(door)
        data = {"versie": Klacht.objects.get(pk=klacht.pk).versie, **data}
        if naam in ("opschorten", "verlengen"):
            # A date past the 8-week limit asks the handler to confirm it (forms.TermijnFormulier;
            # tests/klachten/test_brieven_waarschuwingen.py): confirmed here, as after reading.
            data.setdefault("ondanks_waarschuwing", True)
        if naam in AFSLUITENDE_ACTIES:
            # Closing asks the handler to confirm (forms.AfsluitenFormulier): ticked, as they do.
            data.setdefault("bevestigd", True)
        if ACTIES[naam].bericht is not None and "tekst" not in data:
            # As the handler does: send the text the form offers.
            formulier = self.client.get(actie_url(klacht, naam))
            if formulier.status_code == 200 and "tekst" not in formulier.context["form"].fields:
                pass  # a message composed from the facts alone: no editor on the form
            elif formulier.status_code == 200:
                form = formulier.context["form"]
                data = {
                    "onderwerp": form.initial["onderwerp"],
                    # As the handler does: the gaps between [brackets] filled in.
                    "tekst": OPEN_PLEK.sub("Ingevuld door de behandelaar.", form.initial["tekst"]),
                    **data,
                }
            else:
                data = {"onderwerp": "Onderwerp", "tekst": "Tekst", **data}
            self.client.cookies.pop("messages", None)
        return self.client.post(actie_url(klacht, naam), formuliergegevens(data))


@pytest.fixture(params=["service", "pagina"])
def werkplek(request, client, django_capture_on_commit_callbacks):
    """Each test that uses it runs twice: through the services and through the pages."""
    return Werkplek(request.param, client, django_capture_on_commit_callbacks)


@pytest.fixture
def via_pagina(client, django_capture_on_commit_callbacks):
    return Werkplek("pagina", client, django_capture_on_commit_callbacks)


@pytest.fixture
def via_service(client, django_capture_on_commit_callbacks):
    return Werkplek("service", client, django_capture_on_commit_callbacks)

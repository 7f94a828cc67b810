""" "Link kwijt?" (issue 19): with the e-mail address alone, one e-mail with the status links of
all that address's open (and recently closed) complaints at the label; with the dossiernummer as
well, as before; the same answer whether or not anything matched; the rate limits stay."""

import datetime as dt
import re
import uuid

import pytest
from django.conf import settings
from django.utils import timezone

from klachten import services
from klachten.berichten import klacht_status_url
from klachten.models import Bericht, Klacht
from klachten.workflow import BerichtSoort, Status
from tests.factories import KlachtFactory, LabelFactory, klacht_in_status
from tests.processen import vrije_poort

pytestmark = pytest.mark.django_db

URL = "/klacht/link-kwijt/"


def _adres() -> str:
    return f"klant-{uuid.uuid4().hex[:10]}@example.nl"


def _klachten(aantal: int, email: str, **kwargs) -> list[Klacht]:
    return [KlachtFactory(klant_email=email, **kwargs) for _ in range(aantal)]


def _antwoord(response) -> str:
    """The page's main content, without the form's per-request token."""
    html = response.content.decode()
    return re.search(r"<main.*</main>", html, flags=re.DOTALL).group(0)


def _statuslinks() -> list[Bericht]:
    return list(
        Bericht.objects.filter(
            soort__in=[BerichtSoort.STATUSLINK, BerichtSoort.STATUSLINKS]
        ).order_by("pk")
    )


def test_alleen_het_adres_zonder_klachten_verstuurt_niets(client, label):
    response = client.post(URL, {"email": _adres()})

    assert response.status_code == 200
    assert "Kijk in uw e-mail" in response.content.decode()
    assert _statuslinks() == []


def test_alleen_het_adres_met_een_klacht_stuurt_haar_statuslink(
    client, label, django_capture_on_commit_callbacks
):
    email = _adres()
    (klacht,) = _klachten(1, email)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"email": email.upper()})

    assert response.status_code == 200
    (bericht,) = _statuslinks()
    assert bericht.soort == BerichtSoort.STATUSLINK
    assert bericht.klacht == klacht  # on its dossier, as with the dossiernummer
    assert bericht.aan == email
    assert klacht_status_url(klacht) in bericht.tekst


def test_alleen_het_adres_met_drie_klachten_stuurt_een_email_met_drie_links(
    client, label, behandelaar, categorie, time_machine, django_capture_on_commit_callbacks
):
    email = _adres()
    time_machine.move_to(timezone.now() - dt.timedelta(days=60), tick=False)
    oud = klacht_in_status(Status.AFGESLOTEN, door=behandelaar, klant_email=email)
    time_machine.move_to(timezone.now() + dt.timedelta(days=50), tick=False)
    pas_afgesloten = klacht_in_status(Status.AFGESLOTEN, door=behandelaar, klant_email=email)
    time_machine.move_to(timezone.now() + dt.timedelta(days=10), tick=False)
    open_ = _klachten(2, email)
    ander_label = KlachtFactory(klant_email=email, label=LabelFactory())

    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"email": email})

    (bericht,) = _statuslinks()
    assert bericht.soort == BerichtSoort.STATUSLINKS
    assert bericht.klacht is None
    assert bericht.label == label
    assert bericht.aan == email
    for klacht in [pas_afgesloten, *open_]:
        assert klacht_status_url(klacht) in bericht.tekst
        assert klacht.dossiernummer in bericht.tekst
    assert klacht_status_url(oud) not in bericht.tekst  # closed more than 30 days ago
    assert klacht_status_url(ander_label) not in bericht.tekst  # another label's
    assert bericht.tekst.count("/klacht/status/") == 3
    assert "3" in bericht.onderwerp


def test_de_email_met_meer_links_bevat_niets_wat_de_klant_typte(client, label):
    email = _adres()
    klachten = _klachten(2, email)

    client.post(URL, {"email": email})

    (bericht,) = _statuslinks()
    for klacht in klachten:
        assert klacht.klant_naam not in bericht.tekst
        assert klacht.omschrijving[:30] not in bericht.tekst
    assert "Beste klant," in bericht.tekst


def test_de_email_met_meer_links_in_de_taal_van_de_pagina(client, label):
    email = _adres()
    _klachten(2, email)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    client.post(URL, {"email": email})

    (bericht,) = _statuslinks()
    assert bericht.onderwerp == "Les liens vers vos 2 plaintes"
    assert "Plainte KL-" in bericht.tekst


def test_met_dossiernummer_en_adres_zoals_voorheen(client, label):
    email = _adres()
    klacht, andere = _klachten(2, email)

    client.post(URL, {"email": email, "dossiernummer": klacht.dossiernummer.lower()})

    (bericht,) = _statuslinks()
    assert bericht.soort == BerichtSoort.STATUSLINK
    assert bericht.klacht == klacht
    assert klacht_status_url(andere) not in bericht.tekst


def test_met_een_dossiernummer_van_een_ander_adres_verstuurt_niets(client, label):
    (klacht,) = _klachten(1, _adres())

    client.post(URL, {"email": _adres(), "dossiernummer": klacht.dossiernummer})

    assert _statuslinks() == []


def test_het_antwoord_is_hetzelfde_met_nul_een_of_drie_klachten(client, label):
    adressen = {aantal: _adres() for aantal in (0, 1, 3)}
    for aantal, email in adressen.items():
        _klachten(aantal, email)
    (klacht,) = Klacht.objects.filter(klant_email=adressen[1])

    antwoorden = {
        *(_antwoord(client.post(URL, {"email": email})) for email in adressen.values()),
        _antwoord(client.post(URL, {"email": adressen[1], "dossiernummer": klacht.dossiernummer})),
        _antwoord(client.post(URL, {"email": adressen[0], "dossiernummer": klacht.dossiernummer})),
    }

    assert len(antwoorden) == 1
    assert len(_statuslinks()) == 3  # the address of one, of three, and the matching pair


def test_limiet_per_ip_adres(client, label, settings):
    settings.KLACHT_FORMULIER_LIMIET = "2/h"

    statussen = [client.post(URL, {"email": _adres()}).status_code for _ in range(3)]
    ander_ip = client.post(URL, {"email": _adres()}, REMOTE_ADDR="192.0.2.81")

    assert statussen == [200, 200, 429]
    assert ander_ip.status_code == 200


def test_limiet_per_emailadres_ook_vanaf_andere_ip_adressen(client, label, settings):
    """With the address alone, nobody may flood an inbox with our e-mails from many IPs."""
    settings.KLACHT_FORMULIER_LIMIET = "2/h"
    email = _adres()
    _klachten(1, email)

    statussen = [
        client.post(URL, {"email": email}, REMOTE_ADDR=f"192.0.2.{90 + i}").status_code
        for i in range(3)
    ]

    assert statussen == [200, 200, 429]
    assert len(_statuslinks()) == 2


def test_formulieren_zonder_adres_delen_geen_teller(client, label, settings):
    """Forms sent without an address count per IP: others' empty forms do not get mine refused
    (it shows the field's error)."""
    settings.KLACHT_FORMULIER_LIMIET = "2/h"
    for i in range(3):
        client.post(URL, {"email": ""}, REMOTE_ADDR=f"192.0.2.{100 + i}")

    response = client.post(URL, {"email": ""}, REMOTE_ADDR="192.0.2.120")

    assert response.status_code == 200
    assert 'id="foutsamenvatting"' in response.content.decode()


def test_dienst_beperkt_het_aantal_links(label):
    email = _adres()
    _klachten(services.LINK_KWIJT_MAXIMAAL + 1, email)

    services.statuslinks_opnieuw_sturen(email=email, label=label, taal="nl")

    (bericht,) = _statuslinks()
    assert bericht.tekst.count("/klacht/status/") == services.LINK_KWIJT_MAXIMAAL


def test_alleen_het_adres_werkt_en_telt_ook_zonder_redis(client, label, settings):
    """The default cache points at a Redis that refuses: the links are sent and the limit still
    counts (its counters are rows in the database, klachten.caches)."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "klachten.caches.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{vrije_poort()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    settings.KLACHT_FORMULIER_LIMIET = "1/h"
    email = _adres()
    _klachten(2, email)

    eerste = client.post(URL, {"email": email})
    tweede = client.post(URL, {"email": email})

    assert (eerste.status_code, tweede.status_code) == (200, 429)
    assert [b.soort for b in _statuslinks()] == [BerichtSoort.STATUSLINKS]

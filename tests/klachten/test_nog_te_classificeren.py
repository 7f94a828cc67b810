"""A complaint that came in by e-mail has no categorie and afdeling until a teamleider classifies
it (issue 17): every page, report, export and the API show it as "nog te classificeren", and the
database allows it only before the complaint is assigned or found admissible."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from klachten import services
from klachten.kalender import AMSTERDAM
from klachten.models import Kanaal, Klacht
from klachten.workflow import KLANT, Status, WorkflowFout
from tests.api import api_toegang

pytestmark = pytest.mark.django_db

NU = dt.datetime(2026, 11, 10, 12, 0, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


@pytest.fixture
def per_email(label):
    return services.klacht_registreren(
        label=label,
        kanaal=Kanaal.EMAIL,
        klant_naam="Sanne de Wit",
        klant_email="sanne@example.nl",
        categorie=None,
        omschrijving="Mijn declaratie is al zes weken niet betaald.",
        ontvangen_op=dt.datetime(2026, 10, 14, 9, 0, tzinfo=AMSTERDAM),
    )


def test_een_klacht_per_email_wacht_op_classificatie_en_is_bevestigd(per_email):
    per_email.refresh_from_db()
    assert (per_email.categorie, per_email.afdeling) == (None, None)
    assert per_email.status == Status.ONTVANGST_BEVESTIGD  # the customer's own: acknowledged
    assert per_email.antwoord_sleutel


def test_elke_pagina_toont_nog_te_classificeren(per_email, client, directie):
    client.force_login(directie)
    pagina_s = {
        "werkvoorraad": client.get(reverse("klachten:werkvoorraad")),
        "dossier": client.get(
            reverse("klachten:dossier", kwargs={"dossiernummer": per_email.dossiernummer})
        ),
        "maandrapport": client.get(reverse("rapportage:maand", kwargs={"jaar": 2026, "maand": 10})),
    }
    for naam, pagina in pagina_s.items():
        assert pagina.status_code == 200, naam
        assert "nog te classificeren" in pagina.content.decode(), naam

    client.logout()
    status = client.get(reverse("klachten:status", kwargs={"token": per_email.status_token}))
    assert status.status_code == 200
    assert "nog te classificeren" in status.content.decode()


def test_api_en_csv_export(per_email, client, directie):
    extra = api_toegang(client, directie)
    detail = client.get(f"/api/v1/klachten/{per_email.dossiernummer}/", **extra)
    assert detail.status_code == 200
    assert (detail.json()["categorie"], detail.json()["afdeling"]) == (None, None)

    export = client.get(
        reverse("rapportage:maand-export", kwargs={"jaar": 2026, "maand": 10, "formaat": "csv"})
    )
    assert export.status_code == 200
    assert "nog te classificeren" in export.content.decode("utf-8-sig")


def test_zonder_classificatie_geen_ontvankelijkheid_of_behandelaar(per_email, teamleider):
    with pytest.raises(WorkflowFout, match="classificeer"):
        services.ontvankelijk_verklaren(klacht=per_email, door=teamleider)
    with pytest.raises(ValidationError, match="classificeer"):
        services.toewijzen(
            klacht=per_email,
            door=teamleider,
            afdeling=teamleider.afdelingen.get(),
            behandelaar=teamleider,
        )


def test_de_database_staat_het_alleen_toe_bij_een_onbehandelde_email(per_email, categorie):
    # Another channel: never without categorie.
    with pytest.raises(IntegrityError), transaction.atomic():
        Klacht.objects.filter(pk=per_email.pk).update(kanaal=Kanaal.TELEFOON)
    # Found admissible: not any more.
    with pytest.raises(IntegrityError), transaction.atomic():
        Klacht.objects.filter(pk=per_email.pk).update(status=Status.IN_ONDERZOEK)
    # Classified, it goes on like any other.
    Klacht.objects.filter(pk=per_email.pk).update(
        categorie=categorie, afdeling=categorie.afdeling, status=Status.IN_ONDERZOEK
    )


def test_een_bericht_per_email_landt_ook_op_een_afgesloten_klacht(per_email, categorie):
    Klacht.objects.filter(pk=per_email.pk).update(
        categorie=categorie, afdeling=categorie.afdeling, status=Status.AFGESLOTEN
    )
    with pytest.raises(WorkflowFout):
        services.klantbericht_toevoegen(klacht=per_email, door=KLANT, tekst="Nog een vraag.")
    gebeurtenis = services.klantbericht_toevoegen(
        klacht=per_email, door=KLANT, tekst="Nog een vraag.", per_email=True
    )
    assert gebeurtenis.door_klant

"""Publishing the yearly report in steps (issue 19): save → a preview of the public page exactly
as it will be published (the public template) → a confirmation that says what freezes, with a
danger-styled button and a way back; publishing only from that confirmation (POST, CSRF,
directie, the confirmed version of the text; twice publishes once)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from klachten.kalender import AMSTERDAM
from klachten.workflow import Status
from klanttevredenheid.models import Kwartaalcijfer
from rapportage import services
from rapportage.models import Jaarrapport, JaarrapportStatus
from tests.conftest import meldingen
from tests.factories import KlachtFactory, klacht_in_status

pytestmark = pytest.mark.django_db

BEWERKEN = reverse("rapportage:jaar", kwargs={"jaar": 2025})
VOORBEELD = reverse("rapportage:jaar-voorbeeld", kwargs={"jaar": 2025})
PUBLICEREN = reverse("rapportage:jaar-publiceren", kwargs={"jaar": 2025})
TEKST = "Minder klachten over declaraties, dankzij de nieuwe brieven."


def om(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMSTERDAM)


@pytest.fixture
def jaar_2025(time_machine, label, behandelaar, categorie):
    """Two complaints in 2025 (one still open at the end) and a quarter grade with a decimal;
    today is 12 January 2026."""
    time_machine.move_to(om(2025, 4, 7, 10), tick=False)
    klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    time_machine.move_to(om(2025, 11, 20, 10), tick=False)
    KlachtFactory(categorie=categorie)
    time_machine.move_to(om(2026, 1, 12, 10), tick=False)
    Kwartaalcijfer.objects.create(
        label=label, jaar=2025, kwartaal=4, gemiddelde="6.3", aantal=40, berekend_op=om(2026, 1, 1)
    )
    return label


@pytest.fixture
def directie_client(client, directie):
    client.force_login(directie)
    return client


def rapport() -> Jaarrapport:
    return Jaarrapport.objects.get(jaar=2025)


def test_opslaan_en_voorbeeld_bekijken_leidt_naar_het_voorbeeld(jaar_2025, directie_client):
    html = directie_client.get(BEWERKEN).content.decode()
    assert "Opslaan en voorbeeld bekijken" in html
    assert "Opslaan en publiceren" not in html

    response = directie_client.post(BEWERKEN, {"toelichting": TEKST, "voorbeeld": "1"})

    assert response.status_code == 302
    assert response.url == f"{VOORBEELD}?label={jaar_2025.slug}"
    assert rapport().toelichting == TEKST
    assert rapport().status == JaarrapportStatus.CONCEPT


def test_het_voorbeeld_is_de_openbare_pagina_zoals_hij_gepubliceerd_wordt(
    jaar_2025, directie_client, client_publiek
):
    directie_client.post(BEWERKEN, {"toelichting": TEKST, "voorbeeld": "1"})

    voorbeeld = directie_client.get(VOORBEELD)

    assert voorbeeld.status_code == 200
    assert "rapportage/jaarrapport_publiek.html" in [t.name for t in voorbeeld.templates]
    html = voorbeeld.content.decode()
    assert "Voorbeeld: nog niet gepubliceerd." in html
    assert f'href="{BEWERKEN}?label={jaar_2025.slug}"' in html
    assert f'href="{PUBLICEREN}?label={jaar_2025.slug}"' in html
    assert "Gepubliceerd op 12 januari 2026." in html
    assert rapport().status == JaarrapportStatus.CONCEPT

    # Published, the public page shows the same report: the same contents, minus the bar.
    versie = directie_client.get(PUBLICEREN).context["versie"]
    directie_client.post(PUBLICEREN, {"versie": versie})
    publiek = client_publiek.get(
        reverse("rapportage:publiek-jaar", kwargs={"label_slug": jaar_2025.slug, "jaar": 2025})
    ).content.decode()

    def inhoud(pagina: str) -> str:
        begin = pagina.index("<h1>")
        return pagina[begin : pagina.index("</main>", begin)].replace(
            f"{reverse('rapportage:jaar-pdf', kwargs={'jaar': 2025})}?label={jaar_2025.slug}",
            reverse(
                "rapportage:publiek-jaar-pdf",
                kwargs={"label_slug": jaar_2025.slug, "jaar": 2025},
            ),
        )

    assert inhoud(html) == inhoud(publiek)
    for tekst in (TEKST, 'data-cijfer="ontvangen">2<', 'data-cijfer="open_einde">1<', "6,3"):
        assert tekst in publiek


@pytest.fixture
def client_publiek():
    return Client()


def test_bevestiging_zegt_wat_vast_komt_te_liggen(jaar_2025, directie_client):
    directie_client.post(BEWERKEN, {"toelichting": TEKST, "voorbeeld": "1"})

    response = directie_client.get(PUBLICEREN)

    assert response.status_code == 200
    html = response.content.decode()
    for tekst in (
        "Wat er vast komt te liggen",
        "De cijfers",
        "De toelichting",
        TEKST,
        "De datum",
        "gepubliceerd op 12 januari 2026",
        "niet ongedaan",
        '<button type="submit" class="knop knop-gevaar">Definitief publiceren</button>',
        f'href="{BEWERKEN}?label={jaar_2025.slug}"',
        'name="versie"',
        'name="csrfmiddlewaretoken"',
    ):
        assert tekst in html, tekst
    assert rapport().status == JaarrapportStatus.CONCEPT  # looking publishes nothing


def test_publiceren_vanaf_de_bevestiging(jaar_2025, directie, directie_client):
    directie_client.post(BEWERKEN, {"toelichting": TEKST, "voorbeeld": "1"})
    versie = directie_client.get(PUBLICEREN).context["versie"]

    response = directie_client.post(f"{PUBLICEREN}?label={jaar_2025.slug}", {"versie": versie})

    assert response.status_code == 302
    assert response.url == f"{BEWERKEN}?label={jaar_2025.slug}"
    assert meldingen(response, "success") == ["Het jaarverslag is gepubliceerd."]
    gepubliceerd = rapport()
    assert gepubliceerd.status == JaarrapportStatus.GEPUBLICEERD
    assert (gepubliceerd.gepubliceerd_door, gepubliceerd.gepubliceerd_op) == (
        directie,
        om(2026, 1, 12, 10),
    )
    assert gepubliceerd.toelichting == TEKST


def test_tweemaal_publiceren_publiceert_eenmaal(jaar_2025, directie_client, time_machine):
    directie_client.post(BEWERKEN, {"toelichting": TEKST, "voorbeeld": "1"})
    versie = directie_client.get(PUBLICEREN).context["versie"]
    directie_client.post(PUBLICEREN, {"versie": versie})
    eerst = rapport()

    time_machine.move_to(om(2026, 1, 12, 10, 5), tick=False)
    response = directie_client.post(PUBLICEREN, {"versie": versie})

    assert response.status_code == 302
    assert meldingen(response, "info") == ["Dit jaarrapport is al gepubliceerd."]
    daarna = rapport()
    assert (daarna.gepubliceerd_op, daarna.cijfers) == (eerst.gepubliceerd_op, eerst.cijfers)
    # The preview and the confirmation of a published report lead back to it.
    assert directie_client.get(VOORBEELD).status_code == 302
    assert directie_client.get(PUBLICEREN).status_code == 302


def test_direct_publiceren_zonder_bevestiging_gebeurt_niet(jaar_2025, directie_client):
    # The old one-click button of the edit page only saves now.
    directie_client.post(BEWERKEN, {"toelichting": TEKST, "publiceren": "1"})
    assert rapport().status == JaarrapportStatus.CONCEPT
    assert rapport().toelichting == TEKST

    # A POST to the confirmation without the confirmed version publishes nothing.
    response = directie_client.post(PUBLICEREN, {})
    assert response.status_code == 302
    assert meldingen(response, "error") == ["Publiceren gaat via het voorbeeld en de bevestiging."]
    assert rapport().status == JaarrapportStatus.CONCEPT


def test_gewijzigde_toelichting_na_het_voorbeeld_wordt_niet_ongezien_gepubliceerd(
    jaar_2025, directie_client, directie
):
    directie_client.post(BEWERKEN, {"toelichting": TEKST, "voorbeeld": "1"})
    versie = directie_client.get(PUBLICEREN).context["versie"]
    # Someone else changes the text in the meantime.
    services.jaarrapport_bewerken(jaarrapport=rapport(), door=directie, toelichting="Anders.")

    response = directie_client.post(PUBLICEREN, {"versie": versie})

    assert response.url == f"{VOORBEELD}?label={jaar_2025.slug}"
    assert meldingen(response, "error") == [
        "De toelichting is intussen gewijzigd. Bekijk het voorbeeld opnieuw voordat u publiceert."
    ]
    assert rapport().status == JaarrapportStatus.CONCEPT


def test_zonder_csrf_token_geweigerd(jaar_2025, directie):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(directie)
    services.jaarrapport_bewerken(
        jaarrapport=services.jaarrapport_voor(jaar=2025, label=jaar_2025),
        door=directie,
        toelichting=TEKST,
    )
    versie = services.jaarrapport_versie(rapport())

    assert csrf_client.post(PUBLICEREN, {"versie": versie}).status_code == 403
    assert rapport().status == JaarrapportStatus.CONCEPT


def test_alleen_de_directie_publiceert(jaar_2025, client, beheerder, teamleider, directie):
    services.jaarrapport_bewerken(
        jaarrapport=services.jaarrapport_voor(jaar=2025, label=jaar_2025),
        door=directie,
        toelichting=TEKST,
    )
    versie = services.jaarrapport_versie(rapport())

    # The beheerder sees the preview (without the step on), may not confirm.
    client.force_login(beheerder)
    voorbeeld = client.get(VOORBEELD)
    assert voorbeeld.status_code == 200
    assert "Verder naar publiceren" not in voorbeeld.content.decode()
    assert client.get(PUBLICEREN).status_code == 403
    assert client.post(PUBLICEREN, {"versie": versie}).status_code == 403
    client.force_login(teamleider)
    assert client.get(VOORBEELD).status_code == 403
    assert client.post(PUBLICEREN, {"versie": versie}).status_code == 403
    assert rapport().status == JaarrapportStatus.CONCEPT


def test_lopend_jaar_of_zonder_toelichting_geen_bevestiging(jaar_2025, directie_client):
    directie_client.post(BEWERKEN, {"toelichting": "", "voorbeeld": "1"})
    voorbeeld = directie_client.get(VOORBEELD).content.decode()
    assert "Schrijf eerst de toelichting van de directie." in voorbeeld
    assert "Verder naar publiceren" not in voorbeeld
    response = directie_client.get(PUBLICEREN)
    assert response.status_code == 302
    assert meldingen(response, "error") == ["Schrijf eerst de toelichting van de directie."]

    lopend = reverse("rapportage:jaar-publiceren", kwargs={"jaar": 2026})
    directie_client.post(reverse("rapportage:jaar", kwargs={"jaar": 2026}), {"toelichting": TEKST})
    response = directie_client.get(lopend)
    assert meldingen(response, "error")[-1] == "Een jaar wordt gepubliceerd als het voorbij is."
    assert not Jaarrapport.objects.filter(status=JaarrapportStatus.GEPUBLICEERD).exists()

"""The follow-up ('terugbellen') of a low score: only staff who may see it, closed with a required
verslag through services.opvolging_afronden, and afterwards shown as closed by whom and when
(DESIGN.md section 6)."""

import datetime as dt
import itertools

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from klachten import rollen
from klachten.kalender import AMSTERDAM
from klachten.models import Bericht
from klanttevredenheid import services
from klanttevredenheid.berichtsoorten import KtoBerichtSoort
from klanttevredenheid.models import Contactmoment, Opvolging, OpvolgingStatus
from tests.conftest import meldingen
from tests.factories import KlachtFactory, MedewerkerFactory, verzonden_uitnodiging

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("klanttevredenheid:dashboard")


_nummers = itertools.count(778)


def lage_score(**kwargs) -> Opvolging:
    """A customer answers a fresh invitation with a 4 (NPS 2): a follow-up is opened."""
    kwargs = {"klant_naam": "Bram Jansen", "klantnummer": f"K-{next(_nummers)}", **kwargs}
    uitnodiging = verzonden_uitnodiging(**kwargs)
    respons = services.enquete_beantwoorden(
        token=uitnodiging.token,
        rapportcijfer=4,
        nps_score=2,
        toelichting="Niemand belde terug.",
        verbetertips="Houd u aan uw afspraken.",
    )
    return respons.opvolging


@pytest.fixture
def opvolging(label, behandelaar, afdeling_a):
    return lage_score(behandelaar=behandelaar, afdeling=afdeling_a)


def url(opvolging: Opvolging) -> str:
    return reverse("klanttevredenheid:opvolging", args=[opvolging.pk])


# Who sees it -----------------------------------------------------------------------------------


def test_anoniem_wordt_naar_inloggen_gestuurd(client, opvolging):
    response = client.get(url(opvolging))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_behandelaar_ziet_de_eigen_opvolging_met_klant_en_reactie(client, opvolging, behandelaar):
    client.force_login(behandelaar)
    response = client.get(url(opvolging))
    assert response.status_code == 200
    html = response.content.decode()
    for tekst in (
        "Bram Jansen",
        opvolging.respons.contactmoment.klantnummer,
        "mailto:",
        "Niemand belde terug.",
        "Houd u aan uw afspraken.",
        "Vraag aan de klantenservice",
        "Declaraties",
    ):
        assert tekst in html
    assert 'name="verslag"' in html


def test_teamleider_van_de_afdeling_ziet_hem(client, opvolging, teamleider):
    client.force_login(teamleider)
    response = client.get(url(opvolging))
    assert response.status_code == 200
    html = response.content.decode()
    for tekst in ("Bram Jansen", "Niemand belde terug.", "Declaraties"):
        assert tekst in html
    assert 'name="verslag"' in html  # a teamleider may close it (services.ROL_PERMISSIES)


def test_directie_ziet_hem_zonder_afrondformulier(client, opvolging, directie):
    client.force_login(directie)
    response = client.get(url(opvolging))
    assert response.status_code == 200
    assert 'name="verslag"' not in response.content.decode()
    # Directie may look, not close (services.ROL_PERMISSIES).
    assert client.post(url(opvolging), {"verslag": "Gebeld."}).status_code == 403
    assert Opvolging.objects.get(pk=opvolging.pk).status == OpvolgingStatus.OPEN


def test_andere_afdeling_krijgt_404(client, opvolging, behandelaar_b, afdeling_b):
    teamleider_b = MedewerkerFactory(rollen=[rollen.TEAMLEIDER], afdelingen=[afdeling_b])
    for gebruiker in (behandelaar_b, teamleider_b):
        client.force_login(gebruiker)
        assert client.get(url(opvolging)).status_code == 404
        assert client.post(url(opvolging), {"verslag": "Gebeld."}).status_code == 404
    assert Opvolging.objects.get(pk=opvolging.pk).status == OpvolgingStatus.OPEN


def test_collega_van_dezelfde_afdeling_ziet_andermans_opvolging_niet(client, opvolging, collega):
    client.force_login(collega)
    assert client.get(url(opvolging)).status_code == 404


def test_onbekende_opvolging_is_404(client, behandelaar):
    client.force_login(behandelaar)
    assert client.get(reverse("klanttevredenheid:opvolging", args=[999999])).status_code == 404


# Closing ---------------------------------------------------------------------------------------


def test_afronden_met_verslag(client, opvolging, behandelaar):
    client.force_login(behandelaar)
    moment = dt.datetime(2026, 6, 10, 14, 30, tzinfo=AMSTERDAM)
    with time_machine.travel(moment, tick=False):
        response = client.post(
            url(opvolging), {"verslag": "  Klant gebeld; excuses gemaakt, terugbelnotitie gezet. "}
        )
    assert response.status_code == 302
    assert response.url == DASHBOARD
    assert meldingen(response, "success") == ["De opvolging is afgerond."]
    opvolging.refresh_from_db()
    assert opvolging.status == OpvolgingStatus.AFGEROND
    assert opvolging.notitie == "Klant gebeld; excuses gemaakt, terugbelnotitie gezet."
    assert opvolging.afgerond_door == behandelaar
    assert opvolging.afgerond_op == moment


@pytest.mark.parametrize("verslag", ["", "   \n  "])
def test_afronden_zonder_verslag_kan_niet(client, opvolging, behandelaar, verslag):
    client.force_login(behandelaar)
    response = client.post(url(opvolging), {"verslag": verslag})
    assert response.status_code == 200
    assert response.context["form"].errors["verslag"] == [
        "Schrijf op wat er met de klant is afgesproken."
    ]
    assert 'class="foutsamenvatting"' in response.content.decode()
    assert Opvolging.objects.get(pk=opvolging.pk).status == OpvolgingStatus.OPEN


def test_teamleider_rondt_de_opvolging_van_een_teamlid_af(client, opvolging, teamleider):
    client.force_login(teamleider)
    response = client.post(url(opvolging), {"verslag": "Klant gebeld door de teamleider."})
    assert response.status_code == 302
    opvolging.refresh_from_db()
    assert (opvolging.status, opvolging.afgerond_door) == (OpvolgingStatus.AFGEROND, teamleider)


def test_afgeronde_opvolging_toont_wie_en_wanneer_en_het_verslag(
    client, opvolging, behandelaar, teamleider
):
    with time_machine.travel(dt.datetime(2026, 6, 10, 14, 30, tzinfo=AMSTERDAM), tick=False):
        services.opvolging_afronden(opvolging=opvolging, door=teamleider, notitie="Teruggebeld.")
    client.force_login(behandelaar)
    response = client.get(url(opvolging))
    html = response.content.decode()
    assert f"Afgerond door {teamleider} op 10 jun 2026 14:30." in html
    assert "Teruggebeld." in html
    assert 'name="verslag"' not in html


def test_nogmaals_afronden_verandert_niets(client, opvolging, behandelaar, teamleider):
    services.opvolging_afronden(opvolging=opvolging, door=teamleider, notitie="Teruggebeld.")
    client.force_login(behandelaar)
    response = client.post(url(opvolging), {"verslag": "Nog een keer."})
    assert response.status_code == 302
    assert response.url == url(opvolging)
    assert meldingen(response, "info") == ["Deze opvolging was al afgerond."]
    opvolging.refresh_from_db()
    assert (opvolging.notitie, opvolging.afgerond_door) == ("Teruggebeld.", teamleider)


def test_afgeronde_opvolging_verdwijnt_van_de_terugbellijst(client, opvolging, behandelaar):
    client.force_login(behandelaar)
    assert [o.pk for o in client.get(DASHBOARD).context["opvolgingen"]] == [opvolging.pk]
    client.post(url(opvolging), {"verslag": "Gebeld."})
    assert list(client.get(DASHBOARD).context["opvolgingen"]) == []


# Privacy and the linked complaint ----------------------------------------------------------------


def test_geanonimiseerd_contactmoment_toont_geen_persoonsgegevens(client, opvolging, behandelaar):
    Contactmoment.objects.filter(pk=opvolging.respons.contactmoment_id).update(
        klant_naam="", klant_email="", klantnummer="", geanonimiseerd_op=timezone.now()
    )
    client.force_login(behandelaar)
    html = client.get(url(opvolging)).content.decode()
    assert "Bram Jansen" not in html
    assert "mailto:" not in html
    assert "De persoonsgegevens zijn op" in html
    # The grade and the comment stay.
    assert "Niemand belde terug." in html


def test_link_naar_het_klachtdossier_als_de_medewerker_het_mag_zien(
    client, label, behandelaar, behandelaar_b, afdeling_b, categorie
):
    klacht = KlachtFactory(categorie=categorie)  # afdeling A
    dossier = reverse("klachten:dossier", args=[klacht.dossiernummer])
    eigen = lage_score(behandelaar=behandelaar, afdeling=klacht.afdeling, klacht=klacht)
    client.force_login(behandelaar)
    assert dossier in client.get(url(eigen)).content.decode()

    # The handler of afdeling B sees their own follow-up, not the complaint of afdeling A.
    anders = lage_score(behandelaar=behandelaar_b, afdeling=afdeling_b, klacht=klacht)
    client.force_login(behandelaar_b)
    html = client.get(url(anders)).content.decode()
    assert klacht.dossiernummer not in html


def test_het_signaal_van_de_lage_score_linkt_naar_deze_pagina(opvolging):
    """The alert e-mail to the behandelaar and teamleider (services._opvolgen) leads here."""
    teksten = Bericht.objects.filter(soort=KtoBerichtSoort.KTO_SIGNAAL).values_list(
        "tekst", flat=True
    )
    assert teksten
    assert all(url(opvolging) in tekst for tekst in teksten)


# Navigation ----------------------------------------------------------------------------------


def test_menu_markeert_klanttevredenheid_en_telt_open_opvolgingen(client, opvolging, behandelaar):
    client.force_login(behandelaar)
    html = client.get(url(opvolging)).content.decode()
    assert (
        f'<a href="{DASHBOARD}" aria-current="page">Klanttevredenheid '
        '<span class="teller teller-signaal">1' in html
    )


def test_lage_score_na_een_partnerbehandelaar_gaat_naar_de_teamleiders(
    label, afdeling_a, teamleider, mailoutbox
):
    """A partner firm's handler has no satisfaction dashboard: the follow-up stays in-house."""
    partner = MedewerkerFactory(username="partner", rollen=[rollen.PARTNERBEHANDELAAR])
    opvolging = lage_score(behandelaar=partner, afdeling=afdeling_a)

    assert opvolging.toegewezen_aan is None
    signalen = Bericht.objects.filter(soort=KtoBerichtSoort.KTO_SIGNAAL)
    assert sorted(signalen.values_list("aan", flat=True)) == [teamleider.email]

"""Partner handlers (issue 9, acceptance 5): a handler of an outside firm sees only the complaints
assigned to them, on every page and in the API, acts on them as the workflow table allows, and
can hand a complaint back to an in-house handler, who is notified."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from klachten import rollen, selectors, services
from klachten.models import Bericht, GebeurtenisSoort, Klacht
from klachten.workflow import (
    ACTIES,
    BerichtSoort,
    Oordeel,
    Status,
    WorkflowFout,
    toegestane_acties,
)
from tests.api import api_toegang
from tests.conftest import actie_url, stand
from tests.factories import KlachtFactory, MedewerkerFactory, klacht_in_status, pdf_bestand

pytestmark = pytest.mark.django_db

WERKVOORRAAD = reverse("klachten:werkvoorraad")
API = "/api/v1/klachten/"


def dossier(klacht: Klacht) -> str:
    return reverse("klachten:dossier", args=[klacht.dossiernummer])


def bijlage(klacht: Klacht) -> str:
    return reverse("klachten:bijlage", args=[klacht.bijlagen.get().pk])


def meldingen_aan(medewerker) -> list[Bericht]:
    return list(
        Bericht.objects.filter(soort=BerichtSoort.MELDING_BEHANDELAAR, aan=medewerker.email)
    )


@pytest.fixture
def partner(db):
    """A partnerbehandelaar: a handler of an outside firm, without afdeling."""
    return MedewerkerFactory(
        username="partner",
        first_name="Pim",
        last_name="Partner",
        rollen=[rollen.PARTNERBEHANDELAAR],
    )


@pytest.fixture
def andere_partner(db):
    return MedewerkerFactory(username="partner2", rollen=[rollen.PARTNERBEHANDELAAR])


def aan_partner(klacht: Klacht, *, door, partner) -> Klacht:
    """Assigned to the partner by an in-house handler, through the "toewijzen" action."""
    return services.toewijzen(
        klacht=klacht, door=door, afdeling=klacht.afdeling, behandelaar=partner
    )


# The text of every complaint in `voorraad` (no word of a searched name).
TEKST = "De premie is twee keer afgeschreven."


@pytest.fixture
def voorraad(partner, andere_partner, behandelaar, behandelaar_b, categorie, categorie_b):
    """Complaints of both afdelingen: some assigned to the partner, others not. Their text is
    fixed: the search reads it too (Dutch full text), and the factory's random Dutch words could
    match a searched name."""
    eigen_a = aan_partner(
        KlachtFactory(
            categorie=categorie,
            klant_naam="Eigen Alfa",
            bijlagen=[pdf_bestand()],
            omschrijving=TEKST,
        ),
        door=behandelaar,
        partner=partner,
    )
    eigen_b = aan_partner(
        klacht_in_status(
            Status.ONTVANGST_BEVESTIGD,
            door=behandelaar_b,
            categorie=categorie_b,
            klant_naam="Eigen Beta",
            omschrijving=TEKST,
        ),
        door=behandelaar_b,
        partner=partner,
    )
    eigen_dicht = aan_partner(
        klacht_in_status(
            Status.BEANTWOORD,
            door=behandelaar,
            categorie=categorie,
            klant_naam="Eigen Dicht",
            omschrijving=TEKST,
        ),
        door=behandelaar,
        partner=partner,
    )
    eigen_dicht = services.afsluiten(klacht=eigen_dicht, door=behandelaar)
    vreemd = KlachtFactory(
        categorie=categorie,
        klant_naam="Vreemde Klant",
        bijlagen=[pdf_bestand("v.pdf")],
        omschrijving=TEKST,
    )
    services.toewijzen(
        klacht=vreemd, door=behandelaar, afdeling=vreemd.afdeling, behandelaar=behandelaar
    )
    andermans = aan_partner(
        KlachtFactory(categorie=categorie_b, klant_naam="Andere Partner", omschrijving=TEKST),
        door=behandelaar_b,
        partner=andere_partner,
    )
    # A complaint about the partner, with the partner recorded as its handler by hand (the
    # service refuses that): they still do not see it.
    over_partner = KlachtFactory(
        categorie=categorie,
        klant_naam="Over Partner",
        betreft_medewerker=partner,
        omschrijving=TEKST,
    )
    Klacht.objects.filter(pk=over_partner.pk).update(behandelaar=partner)
    return {
        "eigen": [eigen_a, eigen_b, eigen_dicht],
        "open": [eigen_a, eigen_b],
        "vreemd": [vreemd, andermans, over_partner],
    }


# Assigning ---------------------------------------------------------------------------------


def test_klachtbehandelaar_wijst_een_klacht_toe_aan_een_partner_zonder_afdeling(
    werkplek, behandelaar, partner, categorie
):
    klacht = KlachtFactory(categorie=categorie)

    klacht = werkplek.doe(
        "toewijzen", klacht, behandelaar, afdeling=klacht.afdeling, behandelaar=partner
    )

    assert klacht.behandelaar == partner
    assert klacht.afdeling == categorie.afdeling  # the complaint stays with its afdeling
    assert len(meldingen_aan(partner)) == 1
    assert selectors.klachten_voor(partner).filter(pk=klacht.pk).exists()


def test_toewijzingsformulier_biedt_partners_in_een_eigen_groep(
    client, behandelaar, collega, partner, categorie
):
    klacht = KlachtFactory(categorie=categorie)
    client.force_login(behandelaar)

    response = client.get(actie_url(klacht, "toewijzen"))

    veld = response.context["form"].fields["behandelaar"]
    assert {collega, behandelaar, partner} <= set(veld.queryset)
    groepen = {groep: [label for _pk, label in keuzes] for groep, keuzes in veld.widget.choices[1:]}
    assert groepen["Partnerbehandelaars"] == ["Pim Partner"]
    assert "Pim Partner" not in groepen["Eigen medewerkers"]
    assert '<optgroup label="Partnerbehandelaars">' in response.content.decode()


def test_heroverweging_gaat_niet_naar_een_partner(client, behandelaar, collega, partner, categorie):
    klacht = klacht_in_status(Status.IN_HEROVERWEGING, door=behandelaar, categorie=categorie)
    voor = stand(klacht)

    with pytest.raises(ValidationError) as fout:
        services.toewijzen(
            klacht=klacht, door=collega, afdeling=klacht.afdeling, behandelaar=partner
        )

    assert fout.value.message_dict == {
        "behandelaar": ["De heroverweging doet een eigen medewerker, geen partnerbehandelaar."]
    }
    assert stand(klacht) == voor
    client.force_login(collega)
    keuzes = client.get(actie_url(klacht, "toewijzen")).context["form"].fields["behandelaar"]
    assert partner not in keuzes.queryset


# What the partner sees ---------------------------------------------------------------------


def test_partner_ziet_in_de_werkvoorraad_alleen_de_eigen_klachten_ook_in_de_tellingen(
    client, partner, voorraad
):
    client.force_login(partner)

    response = client.get(WERKVOORRAAD)

    assert {k.pk for k in response.context["pagina"]} == {k.pk for k in voorraad["open"]}
    tabs = {code: aantal for code, _naam, aantal in response.context["tabs"]}
    assert tabs == {
        Status.ONTVANGEN: 1,
        Status.ONTVANGST_BEVESTIGD: 1,
        Status.IN_ONDERZOEK: 0,
        Status.BEANTWOORD: 0,
        Status.IN_HEROVERWEGING: 0,
        Status.AFGESLOTEN: 1,
    }
    assert selectors.aantallen_in_werkvoorraad(partner) == selectors.aantallen_per_status(
        selectors.werkvoorraad(partner)
    )
    afgesloten = client.get(f"{WERKVOORRAAD}?status=afgesloten")
    assert [k.pk for k in afgesloten.context["pagina"]] == [voorraad["eigen"][2].pk]
    gefilterd = client.get(f"{WERKVOORRAAD}?urgentie=normaal")
    assert sum(aantal for _c, _n, aantal in gefilterd.context["tabs"]) == 3
    inhoud = response.content.decode()
    for klacht in voorraad["vreemd"]:
        assert klacht.dossiernummer not in inhoud


def test_partner_vindt_met_zoeken_alleen_de_eigen_klachten(client, partner, voorraad):
    client.force_login(partner)

    for klacht in voorraad["vreemd"]:
        for zoek in (klacht.dossiernummer, klacht.klant_naam, klacht.klant_email):
            response = client.get(WERKVOORRAAD, {"zoek": zoek})
            assert list(response.context["pagina"]) == [], zoek
            assert response.context["eerste_tab"] == 0
    gevonden = client.get(WERKVOORRAAD, {"zoek": "Eigen"})
    assert {k.pk for k in gevonden.context["pagina"]} == {k.pk for k in voorraad["eigen"]}


def test_werkvoorraadfilter_noemt_een_partner_de_interne_behandelaars_niet(
    client, partner, behandelaar, voorraad
):
    client.force_login(partner)

    response = client.get(WERKVOORRAAD)

    behandelaars = response.context["filter"].form.fields["behandelaar"].queryset
    assert list(behandelaars) == [partner]


def test_partner_krijgt_404_voor_dossier_acties_en_bijlagen_van_andere_klachten(
    client, partner, voorraad
):
    client.force_login(partner)

    for klacht in voorraad["vreemd"]:
        assert client.get(dossier(klacht)).status_code == 404
        for naam in ("ontvangst_bevestigen", "notitie_toevoegen", "teruggeven"):
            assert client.get(actie_url(klacht, naam)).status_code == 404
        voor = stand(klacht)
        response = client.post(
            actie_url(klacht, "notitie_toevoegen"), {"versie": klacht.versie, "tekst": "Hallo"}
        )
        assert response.status_code == 404
        assert stand(klacht) == voor
    assert client.get(bijlage(voorraad["vreemd"][0])).status_code == 404
    eigen = voorraad["eigen"][0]
    assert client.get(dossier(eigen)).status_code == 200
    assert client.get(bijlage(eigen)).status_code == 200


def test_partner_ziet_via_de_api_alleen_de_eigen_klachten(client, partner, voorraad):
    token = api_toegang(client, partner)

    lijst = client.get(API, **token)

    assert lijst.status_code == 200
    assert {k["dossiernummer"] for k in lijst.json()["results"]} == {
        k.dossiernummer for k in voorraad["eigen"]
    }
    for klacht in voorraad["vreemd"]:
        basis = f"{API}{klacht.dossiernummer}/"
        assert client.get(basis, **token).status_code == 404
        assert client.get(f"{basis}tijdlijn/", **token).status_code == 404
        bericht = client.post(
            f"{basis}klantberichten/",
            {"tekst": "Aanvulling"},
            content_type="application/json",
            **token,
        )
        assert bericht.status_code == 404
    eigen = f"{API}{voorraad['eigen'][0].dossiernummer}/"
    assert client.get(eigen, **token).status_code == 200
    assert client.get(f"{eigen}tijdlijn/", **token).status_code == 200


def test_partner_ziet_geen_rapportage_klanttevredenheid_verbeterpunten_of_registratie(
    client, partner, voorraad
):
    client.force_login(partner)

    for naam in (
        "rapportage:index",
        "rapportage:dossierreviews",
        "klanttevredenheid:dashboard",
        "klachten:verbeterpunten",
        "klachten:registreren",
        "klachten:privacy",
    ):
        response = client.get(reverse(naam), follow=True)
        assert response.status_code == 403, naam
    menu = client.get(WERKVOORRAAD).content.decode()
    for naam in (
        "rapportage:index",
        "klanttevredenheid:dashboard",
        "klachten:verbeterpunten",
        "klachten:registreren",
    ):
        assert f'href="{reverse(naam)}"' not in menu, naam


def test_partner_ziet_geen_verbeterpunten_van_de_verzekeraar_zelf(partner, behandelaar, voorraad):
    eigen = voorraad["eigen"][2]  # closed
    van_eigen_klacht = services.verbeterpunt_toevoegen(
        klacht=eigen,
        door=behandelaar,
        omschrijving="Brief",
        eigenaar=behandelaar,
        streefdatum=eigen.ontvangen_op.date(),
    )
    los = services.verbeterpunt_toevoegen(
        door=behandelaar,
        omschrijving="Intern proces",
        eigenaar=behandelaar,
        streefdatum=eigen.ontvangen_op.date(),
    )
    van_vreemde_klacht = services.verbeterpunt_toevoegen(
        klacht=voorraad["vreemd"][0],
        door=behandelaar,
        omschrijving="Anders",
        eigenaar=behandelaar,
        streefdatum=eigen.ontvangen_op.date(),
    )

    zichtbaar = set(selectors.verbeterpunten_voor(partner))

    assert zichtbaar == {van_eigen_klacht}
    assert {los, van_vreemde_klacht} <= set(selectors.verbeterpunten_voor(behandelaar))


def test_andere_groepen_geven_een_partneraccount_niets_extra(client, partner, afdeling_a, voorraad):
    partner.groups.add(*Group.objects.filter(name__in=[rollen.TEAMLEIDER, rollen.DIRECTIE]))
    partner.afdelingen.add(afdeling_a)
    partner = type(partner).objects.get(pk=partner.pk)

    assert rollen.rollen_van(partner) == {rollen.PARTNERBEHANDELAAR}
    assert set(selectors.klachten_voor(partner)) == set(voorraad["eigen"])
    client.force_login(partner)
    assert client.get(reverse("rapportage:index"), follow=True).status_code == 403


# What the partner does ---------------------------------------------------------------------


def test_partner_behandelt_de_eerste_lijn_tot_het_antwoord_maar_sluit_niet_af(
    werkplek, client, partner, behandelaar, categorie
):
    klacht = aan_partner(KlachtFactory(categorie=categorie), door=behandelaar, partner=partner)

    klacht = werkplek.doe("ontvangst_bevestigen", klacht, partner)
    klacht = werkplek.doe("ontvankelijk_verklaren", klacht, partner, toelichting="")
    klacht = werkplek.doe("statusupdate_sturen", klacht, partner)
    klacht = werkplek.doe("notitie_toevoegen", klacht, partner, tekst="Gebeld met de zorgverlener.")
    klacht = werkplek.doe(
        "antwoord_sturen", klacht, partner, oordeel=Oordeel.GEGROND, definitief_standpunt=False
    )

    assert klacht.status == Status.BEANTWOORD
    assert klacht.behandelaar == partner
    aangeboden = [a.naam for a in toegestane_acties(klacht, partner)]
    assert aangeboden == [
        "teruggeven",
        "telefooncontact_vastleggen",
        "notitie_toevoegen",
        "klantbericht_toevoegen",
        "reactie_sturen",
        "leermoment_toevoegen",
        "kwetsbaarheid_vastleggen",
        "doorverwijzing_vastleggen",
    ]
    assert werkplek.weiger("afsluiten", klacht, partner) == "U mag 'Afsluiten' niet uitvoeren."
    klacht = werkplek.doe("afsluiten", klacht, behandelaar)
    assert klacht.status == Status.AFGESLOTEN


def test_dossier_biedt_de_partner_precies_de_acties_van_de_tabel(
    client, partner, behandelaar, categorie
):
    klacht = aan_partner(
        klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie),
        door=behandelaar,
        partner=partner,
    )
    client.force_login(partner)

    response = client.get(dossier(klacht))

    verwacht = [
        "teruggeven",
        "telefooncontact_vastleggen",
        "notitie_toevoegen",
        "klantbericht_toevoegen",
        "statusupdate_sturen",
        "reactie_sturen",
        "opschorten",
        "verlengen",
        "antwoord_sturen",
        "leermoment_toevoegen",
        "kwetsbaarheid_vastleggen",
        "doorverwijzing_vastleggen",
    ]
    assert [a.naam for a in response.context["acties"]] == verwacht
    inhoud = response.content.decode()
    for naam in verwacht:
        assert actie_url(klacht, naam) in inhoud
    for naam in set(ACTIES) - set(verwacht):
        assert actie_url(klacht, naam) not in inhoud


# Escalation: handing back ------------------------------------------------------------------


def test_partner_geeft_terug_aan_wie_toewees_die_een_melding_krijgt_en_verliest_de_toegang(
    werkplek, client, partner, behandelaar, teamleider, categorie
):
    klacht = aan_partner(
        klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie),
        door=behandelaar,
        partner=partner,
    )
    versie = klacht.versie

    klacht = werkplek.doe(
        "teruggeven", klacht, partner, reden="Medische vraag, buiten onze opdracht."
    )

    assert klacht.behandelaar == behandelaar
    assert klacht.status == Status.IN_ONDERZOEK
    assert klacht.versie == versie + 1
    [melding] = meldingen_aan(behandelaar)
    assert melding.onderwerp == (
        f"{klacht.dossiernummer}: Een partnerbehandelaar heeft deze klacht aan u teruggegeven; "
        "de reden staat in het dossier."
    )
    assert dossier(klacht) in melding.tekst
    assert "Medische vraag" not in melding.tekst  # the reason stays on the dossier
    assert meldingen_aan(teamleider) == []
    item = klacht.gebeurtenissen.filter(soort=GebeurtenisSoort.TOEWIJZING).first()
    assert item.door == partner
    assert item.tekst == (f"Teruggegeven aan {behandelaar}: Medische vraag, buiten onze opdracht.")
    # The partner no longer sees it, anywhere; the in-house handler has it as their own.
    assert not selectors.klachten_voor(partner).filter(pk=klacht.pk).exists()
    client.force_login(partner)
    assert client.get(dossier(klacht)).status_code == 404
    assert list(client.get(WERKVOORRAAD).context["pagina"]) == []
    client.force_login(behandelaar)
    eerste = client.get(WERKVOORRAAD).context["pagina"][0]
    assert (eerste.pk, eerste.is_eigen) == (klacht.pk, 0)


@pytest.mark.parametrize("toewijzer", ["beheerder", "uit_dienst"])
def test_zonder_interne_toewijzer_gaat_de_klacht_naar_de_afdeling_en_haar_teamleiders(
    via_pagina, partner, behandelaar, beheerder, teamleider, categorie, toewijzer
):
    door = beheerder if toewijzer == "beheerder" else behandelaar
    klacht = aan_partner(KlachtFactory(categorie=categorie), door=door, partner=partner)
    if toewijzer == "uit_dienst":
        type(behandelaar).objects.filter(pk=behandelaar.pk).update(is_active=False)

    klacht = via_pagina.doe("teruggeven", klacht, partner, reden="Klant wil een eigen medewerker.")

    assert klacht.behandelaar is None
    assert klacht.afdeling == categorie.afdeling
    assert len(meldingen_aan(teamleider)) == 1
    assert "wijs een behandelaar toe" in meldingen_aan(teamleider)[0].tekst
    item = klacht.gebeurtenissen.filter(soort=GebeurtenisSoort.TOEWIJZING, door=partner).get()
    assert item.tekst == (
        f"Teruggegeven aan afdeling {categorie.afdeling}: Klant wil een eigen medewerker."
    )
    assert not selectors.klachten_voor(partner).filter(pk=klacht.pk).exists()


def test_teruggeven_vraagt_een_reden(werkplek, partner, behandelaar, categorie):
    klacht = aan_partner(KlachtFactory(categorie=categorie), door=behandelaar, partner=partner)
    voor = stand(klacht)

    melding = werkplek.weiger("teruggeven", klacht, partner, reden="  ")

    assert melding in (
        "Geef de reden; de interne behandelaar leest die.",
        "Dit veld is vereist.",
    )
    assert stand(klacht) == voor


def test_alleen_de_toegewezen_partner_geeft_terug(partner, andere_partner, behandelaar, categorie):
    klacht = aan_partner(KlachtFactory(categorie=categorie), door=behandelaar, partner=partner)
    voor = stand(klacht)

    with pytest.raises(WorkflowFout, match="Alleen de behandelaar aan wie de klacht is toegewezen"):
        services.teruggeven(klacht=klacht, door=andere_partner, reden="Niet van mij.")

    assert stand(klacht) == voor


def test_geen_teruggeven_tijdens_de_heroverweging(partner, behandelaar, categorie):
    klacht = klacht_in_status(Status.IN_HEROVERWEGING, door=behandelaar, categorie=categorie)
    Klacht.objects.filter(pk=klacht.pk).update(behandelaar=partner)
    klacht.refresh_from_db()

    with pytest.raises(WorkflowFout, match="niet mogelijk bij status 'In heroverweging'"):
        services.teruggeven(klacht=klacht, door=partner, reden="Graag terug.")

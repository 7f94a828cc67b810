"""The queue a team works in all day (issue 19): urgent first by default, every column sortable
(whitelisted), saved views (own and a teamleider's shared ones), several complaints at once with
a summary of what could not be done, "neem in behandeling", and the marker of new information
from the customer that goes when the handler opens the dossier."""

import uuid

import pytest
from django.http import QueryDict
from django.urls import reverse

from klachten import rollen, selectors, services
from klachten.models import Gebeurtenis, GebeurtenisSoort, Klacht, Urgentie, Weergave
from klachten.views.werkvoorraad import weergave_querystring
from klachten.workflow import KLANT, NietsGewijzigd, WorkflowFout
from tests.conftest import meldingen
from tests.factories import KlachtFactory, MedewerkerFactory

pytestmark = pytest.mark.django_db

WERKVOORRAAD = reverse("klachten:werkvoorraad")
BULK = reverse("klachten:werkvoorraad-bulk")


def rijen(response) -> list[Klacht]:
    return list(response.context["pagina"])


# Sorting


@pytest.fixture
def drie(categorie):
    """Three complaints of afdeling A with names out of order, the middle one urgent."""
    return [
        KlachtFactory(categorie=categorie, klant_naam="Bram"),
        KlachtFactory(categorie=categorie, klant_naam="Anna", urgentie=Urgentie.HOOG),
        KlachtFactory(categorie=categorie, klant_naam="Cees"),
    ]


def test_standaard_staan_urgente_klachten_bovenaan(client, behandelaar, drie):
    client.force_login(behandelaar)

    assert rijen(client.get(WERKVOORRAAD))[0] == drie[1]


@pytest.mark.parametrize(
    ("sorteer", "namen", "aria"),
    [
        ("klant", ["Anna", "Bram", "Cees"], "ascending"),
        ("-klant", ["Cees", "Bram", "Anna"], "descending"),
    ],
)
def test_kolom_sorteren_oplopend_en_aflopend_met_aria_sort(
    client, behandelaar, drie, sorteer, namen, aria
):
    client.force_login(behandelaar)

    response = client.get(WERKVOORRAAD, {"sorteer": sorteer})

    assert [k.klant_naam for k in rijen(response)] == namen
    html = response.content.decode()
    assert f'aria-sort="{aria}"' in html
    assert html.count("aria-sort=") == 1
    # The active header's link turns the order around.
    omgekeerd = "klant" if sorteer.startswith("-") else "-klant"
    assert [k["url"] for k in response.context["kolommen"] if k["sleutel"] == "klant"] == [
        f"?sorteer={omgekeerd}"
    ]


@pytest.mark.parametrize("sleutel", ["klant", "onderwerp", "behandelaar", "status", "urgentie"])
def test_elke_kolom_sorteert_met_het_dossier_als_vaste_laatste_sleutel(
    client, behandelaar, categorie, sleutel
):
    """Rows that tie (same name, status, deadline...) keep their order: the pk breaks the tie."""
    gelijk = [KlachtFactory(categorie=categorie, klant_naam="Gelijk") for _ in range(3)]
    client.force_login(behandelaar)

    oplopend = [k.pk for k in rijen(client.get(WERKVOORRAAD, {"sorteer": sleutel}))]
    aflopend = [k.pk for k in rijen(client.get(WERKVOORRAAD, {"sorteer": f"-{sleutel}"}))]

    assert oplopend == sorted(k.pk for k in gelijk)
    assert aflopend == oplopend[::-1]  # descending: the same order reversed


@pytest.mark.parametrize("sleutel", ["dossiernummer", "termijn", "ontvangen"])
def test_aflopend_is_oplopend_omgekeerd(client, behandelaar, categorie, sleutel):
    klachten = [KlachtFactory(categorie=categorie) for _ in range(3)]
    client.force_login(behandelaar)

    oplopend = rijen(client.get(WERKVOORRAAD, {"sorteer": sleutel}))
    aflopend = rijen(client.get(WERKVOORRAAD, {"sorteer": f"-{sleutel}"}))

    assert oplopend == klachten  # registered one after the other
    assert aflopend == klachten[::-1]


@pytest.mark.parametrize(
    "waarde", ["klant_email", "-", "password", "klant;DROP TABLE", "behandelaar__password", "é"]
)
def test_een_onbekende_sortering_wordt_genegeerd(client, behandelaar, drie, waarde):
    client.force_login(behandelaar)

    response = client.get(WERKVOORRAAD, {"sorteer": waarde})

    assert response.status_code == 200
    assert rijen(response)[0] == drie[1]  # the default order
    assert "aria-sort=" not in response.content.decode()


# Saved views


@pytest.fixture
def teamleider_b(afdeling_a, afdeling_b):
    return MedewerkerFactory(rollen=[rollen.TEAMLEIDER], afdelingen=[afdeling_b])


def opslaan(client, naam: str, query: str, **extra):
    return client.post(
        reverse("klachten:weergave"),
        {"naam": naam, "query": query, **extra},
    )


def test_weergave_bewaart_alleen_filters_en_sortering_van_de_werkvoorraad(
    client, behandelaar, afdeling_a
):
    client.force_login(behandelaar)
    naam = f"Mijn urgente {uuid.uuid4()}"

    response = opslaan(
        client,
        naam,
        f"urgentie=hoog&sorteer=-termijn&pagina=3&kwaad=1&afdeling={afdeling_a.pk}&sorteer=x",
    )

    weergave = Weergave.objects.get(naam=naam)
    assert weergave.eigenaar == behandelaar
    assert weergave.afdeling is None  # a klachtbehandelaar does not share
    assert weergave.query == f"afdeling={afdeling_a.pk}&urgentie=hoog&sorteer=-termijn"
    assert response.url == f"{WERKVOORRAAD}?{weergave.query}"
    pagina = client.get(response.url)
    assert pagina.context["actieve_weergave"] == weergave
    assert f'href="?{weergave.query.replace("&", "&amp;")}" aria-current="true"' in (
        pagina.content.decode()
    )


def test_klachtbehandelaar_kan_niet_delen(client, behandelaar, afdeling_a):
    client.force_login(behandelaar)

    opslaan(client, "Poging", "urgentie=hoog", afdeling=afdeling_a.pk)

    assert Weergave.objects.get(naam="Poging").afdeling is None


def test_teamleider_deelt_een_weergave_met_het_team_van_de_eigen_afdeling(
    client, teamleider, behandelaar, afdeling_a, afdeling_b, teamleider_b
):
    client.force_login(teamleider)
    opslaan(client, "Team A urgent", "urgentie=hoog", afdeling=afdeling_a.pk)
    client.force_login(teamleider_b)
    opslaan(client, "Team B", "sorteer=klant", afdeling=afdeling_b.pk)
    eigen = Weergave.objects.create(naam="Eigen", eigenaar=behandelaar, query="sorteer=status")

    client.force_login(behandelaar)
    response = client.get(WERKVOORRAAD)

    gedeeld = Weergave.objects.get(naam="Team A urgent")
    assert gedeeld.afdeling == afdeling_a
    assert response.context["weergaven"] == [eigen, gedeeld]  # not team B's
    html = response.content.decode()
    # Only the owner renames or deletes.
    assert reverse("klachten:weergave-hernoemen", args=[eigen.pk]) in html
    assert reverse("klachten:weergave-hernoemen", args=[gedeeld.pk]) not in html


def test_teamleider_deelt_niet_met_een_andere_afdeling(client, teamleider, afdeling_b):
    client.force_login(teamleider)

    response = opslaan(client, "Elders", "urgentie=hoog", afdeling=afdeling_b.pk)

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"afdeling"}
    assert not Weergave.objects.filter(naam="Elders").exists()


@pytest.mark.parametrize("naam", ["", "   ", "x" * 81, "nul\x00byte"])
def test_een_ongeldige_naam_toont_het_formulier_opnieuw(client, behandelaar, naam):
    client.force_login(behandelaar)

    response = opslaan(client, naam, "urgentie=hoog")

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"naam"}
    assert not Weergave.objects.exists()


def test_alleen_de_eigenaar_hernoemt_of_verwijdert(client, teamleider, behandelaar, afdeling_a):
    gedeeld = Weergave.objects.create(
        naam="Gedeeld", eigenaar=teamleider, afdeling=afdeling_a, query="urgentie=hoog"
    )
    client.force_login(behandelaar)

    hernoemen = reverse("klachten:weergave-hernoemen", args=[gedeeld.pk])
    verwijderen = reverse("klachten:weergave-verwijderen", args=[gedeeld.pk])
    assert client.post(hernoemen, {"naam": "Van mij"}).status_code == 404
    assert client.post(verwijderen).status_code == 404
    gedeeld.refresh_from_db()
    assert gedeeld.naam == "Gedeeld"

    client.force_login(teamleider)
    client.post(hernoemen, {"naam": "Urgent (team)"})
    gedeeld.refresh_from_db()
    assert gedeeld.naam == "Urgent (team)"
    client.post(verwijderen)
    assert not Weergave.objects.filter(pk=gedeeld.pk).exists()


def test_weergave_bewaart_een_vaste_volgorde_en_geen_zoekopdracht():
    """A search names a customer: personal data, not kept in a view."""
    query = QueryDict("sorteer=klant&zoek=Jan+Jansen&status=&urgentie=+hoog+&eigen=on")

    assert weergave_querystring(query) == "urgentie=hoog&eigen=on&sorteer=klant"


# Several complaints at once


@pytest.fixture
def tien(categorie, categorie_b):
    """Nine complaints of afdeling A and one of afdeling B."""
    return [KlachtFactory(categorie=categorie) for _ in range(9)] + [
        KlachtFactory(categorie=categorie_b)
    ]


def test_bulk_toewijzen_van_10_waarvan_1_geweigerd(
    client, teamleider, collega, afdeling_a, afdeling_b, tien
):
    """The teamleider sees both afdelingen; the collega works only in A: the complaint of B is
    refused with the service's reason, the other nine are assigned."""
    teamleider.afdelingen.add(afdeling_b)
    client.force_login(teamleider)

    response = client.post(
        BULK,
        {
            "klachten": [k.pk for k in tien],
            "bulk-actie": "toewijzen",
            "bulk-behandelaar": collega.pk,
            "terug": "sorteer=klant",
        },
    )

    assert response.url == f"{WERKVOORRAAD}?sorteer=klant"
    assert Klacht.objects.filter(behandelaar=collega).count() == 9
    assert meldingen(response, "success") == ["9 klachten zijn bijgewerkt."]
    assert meldingen(response, "error") == [
        f"{tien[9].dossiernummer}: niet gedaan: Deze medewerker werkt niet bij de gekozen afdeling."
    ]
    # Each through the service: its own timeline entry.
    assert Gebeurtenis.objects.filter(soort=GebeurtenisSoort.TOEWIJZING).count() == 9


def test_bulk_telt_wat_al_zo_was_apart_en_weigert_een_intussen_gewijzigde(
    client, behandelaar, collega, afdeling_a, categorie
):
    al = services.toewijzen(
        klacht=KlachtFactory(categorie=categorie),
        door=behandelaar,
        afdeling=afdeling_a,
        behandelaar=collega,
    )
    intussen = KlachtFactory(categorie=categorie)
    nieuw = KlachtFactory(categorie=categorie)
    versie = intussen.versie
    services.urgentie_wijzigen(klacht=intussen, door=behandelaar, urgentie=Urgentie.HOOG)
    client.force_login(behandelaar)

    response = client.post(
        BULK,
        {
            "klachten": [al.pk, intussen.pk, nieuw.pk],
            f"versie_{intussen.pk}": versie,
            "bulk-actie": "toewijzen",
            "bulk-behandelaar": collega.pk,
        },
    )

    assert meldingen(response, "success") == ["1 klacht is bijgewerkt."]
    assert meldingen(response, "info") == ["1 klacht was al zo; er is niets gewijzigd."]
    [fout] = meldingen(response, "error")
    assert fout.startswith(f"{intussen.dossiernummer}: niet gedaan: Dit dossier is intussen")
    intussen.refresh_from_db()
    assert intussen.behandelaar is None


def test_bulk_zelf_nemen_en_urgentie_zetten_met_alle_op_de_pagina(client, behandelaar, categorie):
    klachten = [KlachtFactory(categorie=categorie) for _ in range(3)]
    client.force_login(behandelaar)
    pagina = [k.pk for k in klachten]

    client.post(
        BULK, {"alle_op_pagina": "1", "op_pagina": pagina, "bulk-actie": "nemen"}, follow=True
    )
    response = client.post(
        BULK,
        {
            "alle_op_pagina": "1",
            "op_pagina": pagina,
            "bulk-actie": "urgentie",
            "bulk-urgentie": "hoog",
        },
    )

    assert meldingen(response, "success") == ["3 klachten zijn bijgewerkt."]
    for klacht in klachten:
        klacht.refresh_from_db()
        assert (klacht.behandelaar, klacht.urgentie) == (behandelaar, Urgentie.HOOG)


def test_bulk_zonder_keuze_of_behandelaar_wijzigt_niets(client, behandelaar, categorie):
    klacht = KlachtFactory(categorie=categorie)
    client.force_login(behandelaar)

    zonder_klacht = client.post(BULK, {"bulk-actie": "nemen"}, follow=True)
    zonder_behandelaar = client.post(BULK, {"klachten": [klacht.pk], "bulk-actie": "toewijzen"})

    assert meldingen(zonder_klacht, "error") == ["Kies eerst een of meer klachten."]
    assert meldingen(zonder_behandelaar, "error") == ["Behandelaar: Kies de behandelaar."]
    klacht.refresh_from_db()
    assert klacht.behandelaar is None


def test_bulk_raakt_geen_klacht_die_de_gebruiker_niet_ziet(client, behandelaar, categorie_b):
    elders = KlachtFactory(categorie=categorie_b)
    client.force_login(behandelaar)

    response = client.post(BULK, {"klachten": [elders.pk], "bulk-actie": "nemen"})

    assert meldingen(response, "error") == ["Een gekozen klacht bestaat niet (meer) voor u."]
    elders.refresh_from_db()
    assert elders.behandelaar is None


def test_partner_en_directie_krijgen_geen_bulkformulier(client, directie, categorie):
    KlachtFactory(categorie=categorie)
    client.force_login(directie)

    response = client.get(WERKVOORRAAD)

    assert response.context["bulk_form"] is None
    assert 'id="form-bulk"' not in response.content.decode()


# Neem in behandeling


def test_neem_in_behandeling_vanuit_de_werkvoorraad(client, behandelaar, collega, categorie):
    vrij = KlachtFactory(categorie=categorie)
    bezet = services.toewijzen(
        klacht=KlachtFactory(categorie=categorie),
        door=behandelaar,
        afdeling=vrij.afdeling,
        behandelaar=collega,
    )
    client.force_login(behandelaar)
    html = client.get(WERKVOORRAAD).content.decode()
    assert reverse("klachten:nemen", args=[vrij.dossiernummer]) in html
    assert reverse("klachten:nemen", args=[bezet.dossiernummer]) not in html

    response = client.post(
        reverse("klachten:nemen", args=[vrij.dossiernummer]),
        {f"versie_{vrij.pk}": vrij.versie, "terug": "urgentie=hoog"},
    )

    assert response.url == f"{WERKVOORRAAD}?urgentie=hoog"
    assert meldingen(response, "success") == [f"U behandelt nu {vrij.dossiernummer}."]
    vrij.refresh_from_db()
    assert vrij.behandelaar == behandelaar


def test_neem_in_behandeling_vanaf_het_dossier(client, behandelaar, categorie):
    klacht = KlachtFactory(categorie=categorie)
    client.force_login(behandelaar)
    dossier = reverse("klachten:dossier", args=[klacht.dossiernummer])
    assert "Neem in behandeling" in client.get(dossier).content.decode()

    response = client.post(
        reverse("klachten:nemen", args=[klacht.dossiernummer]),
        {f"versie_{klacht.pk}": klacht.versie, "naar": "dossier"},
    )

    assert response.url == dossier
    assert "Neem in behandeling" not in client.get(dossier).content.decode()


def test_een_bezette_klacht_neemt_niemand_over(client, behandelaar, collega, categorie):
    klacht = services.toewijzen(
        klacht=KlachtFactory(categorie=categorie),
        door=behandelaar,
        afdeling=categorie.afdeling,
        behandelaar=collega,
    )
    client.force_login(behandelaar)

    response = client.post(reverse("klachten:nemen", args=[klacht.dossiernummer]))

    assert meldingen(response, "error") == [
        f"{klacht.dossiernummer} kunt u niet in behandeling nemen."
    ]
    klacht.refresh_from_db()
    assert klacht.behandelaar == collega


def test_kan_nemen_alleen_in_de_eigen_afdeling_en_niet_over_zichzelf(
    behandelaar, directie, categorie, categorie_b
):
    assert selectors.kan_nemen(KlachtFactory(categorie=categorie), behandelaar)
    assert not selectors.kan_nemen(KlachtFactory(categorie=categorie_b), behandelaar)
    assert not selectors.kan_nemen(KlachtFactory(categorie=categorie), directie)
    over_mij = KlachtFactory(categorie=categorie, betreft_medewerker=behandelaar)
    assert not selectors.kan_nemen(over_mij, behandelaar)


# Urgency


def test_urgentie_wijzigen_op_de_tijdlijn_en_niets_bij_dezelfde_waarde(behandelaar, categorie):
    klacht = KlachtFactory(categorie=categorie)

    klacht = services.urgentie_wijzigen(klacht=klacht, door=behandelaar, urgentie="hoog")
    with pytest.raises(NietsGewijzigd):
        services.urgentie_wijzigen(klacht=klacht, door=behandelaar, urgentie="hoog")

    klacht.refresh_from_db()
    assert klacht.urgentie == Urgentie.HOOG
    assert list(
        klacht.gebeurtenissen.filter(soort=GebeurtenisSoort.NOTITIE).values_list("tekst", flat=True)
    ) == ["Urgentie: Hoog"]


def test_urgentie_wijzigen_mag_directie_niet(directie, categorie):
    with pytest.raises(WorkflowFout):
        services.urgentie_wijzigen(
            klacht=KlachtFactory(categorie=categorie), door=directie, urgentie="hoog"
        )


# New information from the customer


def test_markering_nieuwe_informatie_tot_de_behandelaar_het_dossier_opent(
    client, behandelaar, collega, categorie
):
    klacht = services.toewijzen(
        klacht=KlachtFactory(categorie=categorie),
        door=behandelaar,
        afdeling=categorie.afdeling,
        behandelaar=behandelaar,
    )
    KlachtFactory(categorie=categorie)  # another, without news
    client.force_login(behandelaar)
    assert "data-nieuwe-informatie" not in client.get(WERKVOORRAAD).content.decode()

    services.klantbericht_toevoegen(klacht=klacht, door=KLANT, tekst="Hier is de factuur.")
    met_filter = client.get(WERKVOORRAAD, {"nieuw_klantbericht": "on"})
    assert rijen(met_filter) == [klacht]
    assert "data-nieuwe-informatie" in met_filter.content.decode()

    # A colleague opening it does not clear the handler's marker.
    client.force_login(collega)
    client.get(reverse("klachten:dossier", args=[klacht.dossiernummer]))
    client.force_login(behandelaar)
    assert rijen(client.get(WERKVOORRAAD, {"nieuw_klantbericht": "on"})) == [klacht]

    client.get(reverse("klachten:dossier", args=[klacht.dossiernummer]))

    assert rijen(client.get(WERKVOORRAAD, {"nieuw_klantbericht": "on"})) == []
    assert "data-nieuwe-informatie" not in client.get(WERKVOORRAAD).content.decode()

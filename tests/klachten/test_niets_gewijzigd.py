"""No timeline entry for a change that changed nothing (issue 19): saving the same values again
writes no timeline entry, no history row and no new version, and the page says "Niets gewijzigd"
instead of success. The second-line assignment reads as its own text on the timeline."""

import datetime as dt

import pytest
from django.urls import reverse

from klachten import services
from klachten.models import (
    DoorverwijzingUitkomst,
    ExterneInstantie,
    GebeurtenisSoort,
    Klacht,
    KwetsbaarheidSoort,
    Uitkomst,
    Verbeterpunt,
    VerbeterpuntStatus,
)
from klachten.workflow import NietsGewijzigd, Status
from tests.conftest import actie_url, meldingen, stand
from tests.factories import KlachtFactory, klacht_in_heroverweging, klacht_in_status

NIETS_GEWIJZIGD = "Niets gewijzigd"


@pytest.fixture
def toegewezen(teamleider, behandelaar, afdeling_a, categorie):
    klacht = KlachtFactory(categorie=categorie)
    return services.toewijzen(
        klacht=klacht, door=teamleider, afdeling=afdeling_a, behandelaar=behandelaar
    )


@pytest.fixture
def in_heroverweging(teamleider, behandelaar, collega, afdeling_a, categorie):
    """`behandelaar` answered the first line; `collega` is assigned the second line."""
    return klacht_in_heroverweging(
        teamleider=teamleider,
        eerste=behandelaar,
        tweede=collega,
        afdeling=afdeling_a,
        categorie=categorie,
    )


def _toewijzingen(klacht: Klacht) -> list[str]:
    return list(
        klacht.gebeurtenissen.filter(soort=GebeurtenisSoort.TOEWIJZING)
        .order_by("pk")
        .values_list("tekst", flat=True)
    )


def test_dezelfde_toewijzing_opnieuw_schrijft_niets(
    toegewezen, teamleider, behandelaar, afdeling_a
):
    voor = stand(toegewezen)

    with pytest.raises(NietsGewijzigd):
        services.toewijzen(
            klacht=toegewezen, door=teamleider, afdeling=afdeling_a, behandelaar=behandelaar
        )

    assert stand(toegewezen) == voor  # no timeline entry, no history row, same version
    assert len(_toewijzingen(toegewezen)) == 1


def test_dezelfde_toewijzing_op_de_pagina_zegt_niets_gewijzigd(
    client, toegewezen, teamleider, behandelaar, afdeling_a
):
    voor = stand(toegewezen)
    client.force_login(teamleider)

    response = client.post(
        actie_url(toegewezen, "toewijzen"),
        {"versie": toegewezen.versie, "afdeling": afdeling_a.pk, "behandelaar": behandelaar.pk},
    )

    assert response.status_code == 302
    assert response.url == reverse("klachten:dossier", args=[toegewezen.dossiernummer])
    assert any(NIETS_GEWIJZIGD in m for m in meldingen(response, "info"))
    assert meldingen(response, "success") == []
    assert stand(toegewezen) == voor


def test_een_andere_behandelaar_is_wel_een_toewijzing(
    client, toegewezen, teamleider, collega, afdeling_a
):
    client.force_login(teamleider)

    response = client.post(
        actie_url(toegewezen, "toewijzen"),
        {"versie": toegewezen.versie, "afdeling": afdeling_a.pk, "behandelaar": collega.pk},
    )

    assert meldingen(response, "success")
    toegewezen.refresh_from_db()
    assert toegewezen.behandelaar == collega
    assert len(_toewijzingen(toegewezen)) == 2


def test_tweedelijnsbehandelaar_leest_niet_als_een_nieuwe_toewijzing(in_heroverweging, collega):
    laatste = _toewijzingen(in_heroverweging)[-1]

    assert laatste.startswith(f"Tweedelijnsbehandelaar: {collega}")
    assert in_heroverweging.behandelaar != collega  # the first line stays on record


def test_dezelfde_tweedelijnsbehandelaar_opnieuw_schrijft_niets(
    in_heroverweging, teamleider, collega, afdeling_a
):
    voor = stand(in_heroverweging)

    with pytest.raises(NietsGewijzigd):
        services.toewijzen(
            klacht=in_heroverweging, door=teamleider, afdeling=afdeling_a, behandelaar=collega
        )

    assert stand(in_heroverweging) == voor


@pytest.fixture
def procedure(behandelaar, categorie):
    klacht = klacht_in_status(Status.BEANTWOORD, door=behandelaar, categorie=categorie)
    return services.externe_procedure_vastleggen(
        klacht=klacht,
        door=behandelaar,
        instantie=ExterneInstantie.objects.get(code="kifid"),
        ingediend_datum=dt.date(2026, 1, 1),
    )


def test_dezelfde_externe_procedure_opnieuw_schrijft_niets(client, procedure, behandelaar):
    klacht = procedure.klacht
    voor = stand(klacht)
    client.force_login(behandelaar)

    response = client.post(
        actie_url(klacht, "externe_procedure_vastleggen"),
        {
            "versie": klacht.versie,
            "procedure": procedure.pk,
            "instantie": procedure.instantie_id,
            "ingediend_datum": "2026-01-01",
            "uitkomst": Uitkomst.LOPEND,
            "beslist_datum": "",
            "toelichting": "",
        },
    )

    assert any(NIETS_GEWIJZIGD in m for m in meldingen(response, "info"))
    assert meldingen(response, "success") == []
    assert stand(klacht) == voor


def test_een_uitspraak_bij_de_externe_procedure_komt_wel_op_de_tijdlijn(procedure, behandelaar):
    klacht = procedure.klacht
    voor = klacht.gebeurtenissen.filter(soort=GebeurtenisSoort.EXTERNE_PROCEDURE).count()

    services.externe_procedure_vastleggen(
        klacht=klacht,
        door=behandelaar,
        procedure=procedure,
        instantie=procedure.instantie,
        ingediend_datum=procedure.ingediend_datum,
        uitkomst=Uitkomst.GEGROND,
        beslist_datum=dt.date(2026, 3, 1),
    )

    assert (
        klacht.gebeurtenissen.filter(soort=GebeurtenisSoort.EXTERNE_PROCEDURE).count() == voor + 1
    )


def test_dezelfde_status_van_een_verbeterpunt_schrijft_geen_historie(client, behandelaar):
    punt = services.verbeterpunt_toevoegen(
        door=behandelaar,
        omschrijving="Brief herschrijven.",
        eigenaar=behandelaar,
        streefdatum=dt.date(2030, 1, 1),
    )
    historie = punt.history.count()
    client.force_login(behandelaar)

    response = client.post(
        reverse("klachten:verbeterpunt-bijwerken", args=[punt.pk]),
        {"status": punt.status},
        follow=True,
    )

    assert any(NIETS_GEWIJZIGD in str(m) for m in response.context["messages"])
    assert Verbeterpunt.objects.get(pk=punt.pk).history.count() == historie

    client.post(
        reverse("klachten:verbeterpunt-bijwerken", args=[punt.pk]),
        {"status": VerbeterpuntStatus.GEREED},
    )
    assert Verbeterpunt.objects.get(pk=punt.pk).history.count() == historie + 1


# Vulnerability signals and referrals (issue 19): the same again writes nothing -----------------


@pytest.fixture
def in_onderzoek(behandelaar, categorie):
    return klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)


def test_hetzelfde_signaal_opnieuw_schrijft_niets(client, in_onderzoek, behandelaar):
    services.kwetsbaarheid_vastleggen(
        klacht=in_onderzoek,
        door=behandelaar,
        soort=KwetsbaarheidSoort.MEDISCHE_URGENTIE,
        toelichting="Operatie.",
    )
    voor = stand(in_onderzoek)
    klacht = Klacht.objects.get(pk=in_onderzoek.pk)

    # Not offered by the form any more; a second tab or a double submit sends it anyway.
    with pytest.raises(NietsGewijzigd):
        services.kwetsbaarheid_vastleggen(
            klacht=klacht,
            door=behandelaar,
            soort=KwetsbaarheidSoort.MEDISCHE_URGENTIE,
            toelichting=" Operatie. ",
        )
    with pytest.raises(NietsGewijzigd):
        services.kwetsbaarheid_vastleggen(
            klacht=klacht, door=behandelaar, soort=KwetsbaarheidSoort.MEDISCHE_URGENTIE
        )

    assert stand(in_onderzoek) == voor


def test_een_al_ingetrokken_signaal_intrekken_schrijft_niets(in_onderzoek, behandelaar):
    for soort in (KwetsbaarheidSoort.LAAGGELETTERDHEID, KwetsbaarheidSoort.BETALINGSPROBLEMEN):
        services.kwetsbaarheid_vastleggen(klacht=in_onderzoek, door=behandelaar, soort=soort)
    services.kwetsbaarheid_intrekken(
        klacht=in_onderzoek, door=behandelaar, soort=KwetsbaarheidSoort.LAAGGELETTERDHEID
    )
    voor = stand(in_onderzoek)

    # A colleague withdrew it meanwhile (the page offered it still): nothing changes.
    with pytest.raises(NietsGewijzigd):
        services.kwetsbaarheid_intrekken(
            klacht=in_onderzoek,
            door=behandelaar,
            soort=KwetsbaarheidSoort.LAAGGELETTERDHEID,
            urgentie_verlagen=True,
        )

    assert stand(in_onderzoek) == voor


def test_dezelfde_doorverwijzing_opnieuw_schrijft_niets(client, in_onderzoek, behandelaar):
    gegevens = {
        "naar": "Schuldhulp van de gemeente",
        "datum": "2026-02-20",
        "uitkomst": DoorverwijzingUitkomst.LOPEND,
        "toelichting": "Afspraak gemaakt.",
    }
    client.force_login(behandelaar)
    url = actie_url(in_onderzoek, "doorverwijzing_vastleggen")
    client.post(url, {"versie": in_onderzoek.versie, **gegevens}, follow=True)
    verwijzing = in_onderzoek.doorverwijzingen.get()
    voor = stand(in_onderzoek)
    versie = Klacht.objects.get(pk=in_onderzoek.pk).versie

    nieuw = client.post(url, {"versie": versie, **gegevens}, follow=True)
    bijgewerkt = client.post(
        url, {"versie": versie, "doorverwijzing": verwijzing.pk, **gegevens}, follow=True
    )

    for response in (nieuw, bijgewerkt):
        assert any(NIETS_GEWIJZIGD in m for m in meldingen(response, "info"))
        assert meldingen(response, "success") == []
    assert stand(in_onderzoek) == voor
    assert in_onderzoek.doorverwijzingen.count() == 1


def test_de_uitkomst_van_een_doorverwijzing_wordt_wel_vastgelegd(in_onderzoek, behandelaar):
    verwijzing = services.doorverwijzing_vastleggen(
        klacht=in_onderzoek, door=behandelaar, naar="Taalhuis", datum=dt.date(2026, 2, 20)
    )

    services.doorverwijzing_vastleggen(
        klacht=in_onderzoek,
        door=behandelaar,
        doorverwijzing=verwijzing,
        naar="Taalhuis",
        datum=dt.date(2026, 2, 20),
        uitkomst=DoorverwijzingUitkomst.GEHOLPEN,
    )

    verwijzing.refresh_from_db()
    assert verwijzing.uitkomst == DoorverwijzingUitkomst.GEHOLPEN


def test_de_kop_van_de_tweedelijnstoewijzing_op_de_tijdlijn(client, in_heroverweging, teamleider):
    client.force_login(teamleider)

    response = client.get(reverse("klachten:dossier", args=[in_heroverweging.dossiernummer]))

    koppen = [
        (item.titel, item.tekst.startswith("Tweedelijnsbehandelaar:"))
        for item in response.context["tijdlijn"]
        if item.soort == GebeurtenisSoort.TOEWIJZING
    ]
    # Newest first: the second line, then the first-line assignment.
    assert koppen == [("Toewijzing tweede lijn", True), ("Toewijzing", False)]
    assert "Toewijzing tweede lijn" in response.content.decode()

"""Who may take each action of the workflow, per role and afdeling (issue 3, acceptance 3).

The expectations are written out here, not read from the table, so that a wrong table fails:
klachtbehandelaar, teamleider and beheerder handle complaints; directie only reads; a system
account registers complaints and adds customer messages; the customer (status page) registers,
adds information and asks for heroverweging; the system (tasks) acknowledges and sends
statusupdates; a partnerbehandelaar (an outside firm, issue 9) handles the first line of the
complaints assigned to them up to the answer and hands them back. A handler of another afdeling
does not see the complaint at all (404)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from klachten import rollen, selectors, services
from klachten.models import Kanaal, Klacht, KwetsbaarheidSoort
from klachten.workflow import (
    ACTIES,
    KLANT,
    SYSTEEM,
    Status,
    WorkflowFout,
    actie_controleren,
    mag,
)
from tests.conftest import actie_url, geldige_gegevens, meldingen, stand
from tests.factories import (
    VANUIT,
    KlachtFactory,
    MedewerkerFactory,
    klacht_in_heroverweging,
    klacht_in_status,
)

pytestmark = pytest.mark.django_db

ACTIES_OP_KLACHT = sorted(VANUIT)
# Only a partnerbehandelaar hands a complaint back; the insurer's own staff assign.
ALLEEN_PARTNER = {"teruggeven"}
# Only a complaint that came in by e-mail without categorie and afdeling is classified, by a
# teamleider or beheerder (tests/klachten/test_classificeren.py).
ALLEEN_ONGECLASSIFICEERD = {"classificeren"}
# Only a teamleider or beheerder records that a complaint about an employee was discussed with
# them (tests/klachten/test_medewerkergesprek.py).
ALLEEN_TEAMLEIDER = {"medewerker_besproken"}

BEHANDELENDE_ROLLEN = [rollen.KLACHTBEHANDELAAR, rollen.TEAMLEIDER, rollen.BEHEERDER]
KLANT_MAG = {"registreren", "klantbericht_toevoegen", "heroverweging_vragen"}
SYSTEEM_MAG = {"ontvangst_bevestigen", "statusupdate_sturen"}
KOPPELING_MAG = {"registreren", "direct_oplossen", "klantbericht_toevoegen"}
PARTNER_MAG = {
    "ontvangst_bevestigen",
    "teruggeven",
    "ontvankelijk_verklaren",
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
    "kwetsbaarheid_intrekken",
    "doorverwijzing_vastleggen",
}


def niet_mogen(naam: str) -> str:
    return f"U mag '{ACTIES[naam].label}' niet uitvoeren."


@pytest.fixture
def opzetter(afdeling_a):
    """The handler who brought the complaint to its state (not the user under test)."""
    return MedewerkerFactory(rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling_a])


def test_elke_actie_op_een_klacht_heeft_een_startstatus_in_deze_test():
    assert set(VANUIT) == {naam for naam, actie in ACTIES.items() if actie.van}
    for naam, status in VANUIT.items():
        assert status in ACTIES[naam].van


def test_de_tabel_geeft_klant_systeem_en_koppeling_alleen_hun_eigen_acties():
    assert {naam for naam, actie in ACTIES.items() if mag(KLANT, actie)} == KLANT_MAG
    assert {naam for naam, actie in ACTIES.items() if mag(SYSTEEM, actie)} == SYSTEEM_MAG
    koppeling = {naam for naam, a in ACTIES.items() if rollen.SYSTEEMKOPPELING in a.rollen}
    assert koppeling == KOPPELING_MAG
    partner = {naam for naam, a in ACTIES.items() if rollen.PARTNERBEHANDELAAR in a.rollen}
    assert partner == PARTNER_MAG
    assert not any(rollen.DIRECTIE in actie.rollen for actie in ACTIES.values())


@pytest.mark.parametrize("rol", BEHANDELENDE_ROLLEN)
@pytest.mark.parametrize(
    "naam",
    sorted(set(ACTIES_OP_KLACHT) - ALLEEN_PARTNER - ALLEEN_ONGECLASSIFICEERD - ALLEEN_TEAMLEIDER),
)
def test_behandelaar_teamleider_en_beheerder_mogen_elke_actie(
    via_pagina, opzetter, behandelaar, afdeling_a, categorie, naam, rol
):
    gebruiker = MedewerkerFactory(rollen=[rol], afdelingen=[afdeling_a])
    klacht = klacht_in_status(VANUIT[naam], door=opzetter, categorie=categorie)
    if naam == "kwetsbaarheid_intrekken":  # a signal to withdraw
        services.kwetsbaarheid_vastleggen(
            klacht=klacht, door=opzetter, soort=KwetsbaarheidSoort.LAAGGELETTERDHEID
        )
    if naam == "vervolgklacht_registreren":  # the customer wrote after the closing
        services.klantbericht_toevoegen(klacht=klacht, door=KLANT, tekst="Nieuw.", per_email=True)
    voor = stand(klacht)

    klacht = via_pagina.doe(naam, klacht, gebruiker, **geldige_gegevens(naam, klacht, behandelaar))

    na = stand(klacht)
    assert na != voor
    assert klacht.status == (ACTIES[naam].naar or VANUIT[naam])


@pytest.mark.parametrize("rol", BEHANDELENDE_ROLLEN)
def test_alleen_een_partnerbehandelaar_geeft_een_klacht_terug(
    via_pagina, opzetter, afdeling_a, categorie, rol
):
    gebruiker = MedewerkerFactory(rollen=[rol], afdelingen=[afdeling_a])
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=opzetter, categorie=categorie)
    Klacht.objects.filter(pk=klacht.pk).update(behandelaar=gebruiker)
    voor = stand(klacht)

    melding = via_pagina.weiger("teruggeven", klacht, gebruiker, reden="Graag terug.")

    assert melding == niet_mogen("teruggeven")
    assert stand(klacht) == voor


@pytest.fixture
def partner(db):
    """A partnerbehandelaar: a handler of an outside firm, without afdeling."""
    return MedewerkerFactory(username="partner", rollen=[rollen.PARTNERBEHANDELAAR])


@pytest.mark.parametrize("naam", ACTIES_OP_KLACHT)
def test_partnerbehandelaar_mag_op_een_toegewezen_klacht_wat_de_tabel_toestaat(
    via_pagina, opzetter, partner, behandelaar, categorie, naam
):
    klacht = klacht_in_status(VANUIT[naam], door=opzetter, categorie=categorie)
    # The partner is its (first-line) behandelaar, whatever the state.
    Klacht.objects.filter(pk=klacht.pk).update(behandelaar=partner)
    klacht.refresh_from_db()
    if naam == "kwetsbaarheid_intrekken":  # a signal to withdraw
        services.kwetsbaarheid_vastleggen(
            klacht=klacht, door=opzetter, soort=KwetsbaarheidSoort.LAAGGELETTERDHEID
        )
    voor = stand(klacht)
    gegevens = geldige_gegevens(naam, klacht, behandelaar)

    if naam in PARTNER_MAG:
        klacht = via_pagina.doe(naam, klacht, partner, **gegevens)
        assert stand(klacht) != voor
        assert klacht.status == (ACTIES[naam].naar or VANUIT[naam])
    else:
        assert via_pagina.weiger(naam, klacht, partner, **gegevens) == niet_mogen(naam)
        assert stand(klacht) == voor


@pytest.mark.parametrize(
    "naam", ["statusupdate_sturen", "reactie_sturen", "opschorten", "verlengen"]
)
def test_partnerbehandelaar_handelt_niet_in_de_heroverweging(
    via_pagina, opzetter, partner, behandelaar, categorie, naam
):
    klacht = klacht_in_status(Status.IN_HEROVERWEGING, door=opzetter, categorie=categorie)
    Klacht.objects.filter(pk=klacht.pk).update(behandelaar=partner)
    klacht.refresh_from_db()
    voor = stand(klacht)

    melding = via_pagina.weiger(
        naam, klacht, partner, **geldige_gegevens(naam, klacht, behandelaar)
    )

    assert melding == "De heroverweging doet een eigen medewerker, geen partnerbehandelaar."
    assert stand(klacht) == voor


@pytest.mark.parametrize("naam", ACTIES_OP_KLACHT)
def test_directie_mag_geen_enkele_actie_en_verandert_niets(
    via_pagina, client, opzetter, directie, behandelaar, categorie, naam
):
    klacht = klacht_in_status(VANUIT[naam], door=opzetter, categorie=categorie)
    voor = stand(klacht)

    melding = via_pagina.weiger(
        naam, klacht, directie, **geldige_gegevens(naam, klacht, behandelaar)
    )

    assert melding == niet_mogen(naam)
    assert stand(klacht) == voor
    client.cookies.pop("messages", None)
    response = client.get(actie_url(klacht, naam))
    assert response.status_code == 302
    assert meldingen(response, "error") == [niet_mogen(naam)]


@pytest.mark.parametrize("status", list(Status))
def test_directie_ziet_het_dossier_zonder_actieknoppen(
    client, opzetter, directie, categorie, status
):
    klacht = klacht_in_status(status, door=opzetter, categorie=categorie)
    client.force_login(directie)

    response = client.get(reverse("klachten:dossier", args=[klacht.dossiernummer]))

    assert response.status_code == 200
    assert response.context["acties"] == []
    for naam in ACTIES_OP_KLACHT:
        assert actie_url(klacht, naam) not in response.content.decode()


@pytest.mark.parametrize("naam", ACTIES_OP_KLACHT)
def test_behandelaar_van_een_andere_afdeling_krijgt_404_en_verandert_niets(
    client, opzetter, behandelaar, behandelaar_b, categorie, naam
):
    klacht = klacht_in_status(VANUIT[naam], door=opzetter, categorie=categorie)
    client.force_login(behandelaar_b)
    voor = stand(klacht)
    gegevens = {"versie": klacht.versie, "onderwerp": "O", "tekst": "T", "reden": "R"}

    assert client.get(actie_url(klacht, naam)).status_code == 404
    assert client.post(actie_url(klacht, naam), gegevens).status_code == 404
    assert client.get(reverse("klachten:dossier", args=[klacht.dossiernummer])).status_code == 404
    assert stand(klacht) == voor


@pytest.mark.parametrize("naam", ACTIES_OP_KLACHT)
def test_systeemkoppeling_mag_op_de_paginas_alleen_een_klantbericht_toevoegen(
    via_pagina, opzetter, systeemkoppeling, behandelaar, categorie, naam
):
    klacht = klacht_in_status(
        VANUIT[naam], door=opzetter, categorie=categorie, ingediend_door=systeemkoppeling
    )
    voor = stand(klacht)
    gegevens = geldige_gegevens(naam, klacht, behandelaar)

    if naam in KOPPELING_MAG:
        klacht = via_pagina.doe(naam, klacht, systeemkoppeling, **gegevens)
        assert stand(klacht) != voor
    else:
        assert via_pagina.weiger(naam, klacht, systeemkoppeling, **gegevens) == niet_mogen(naam)
        assert stand(klacht) == voor


def test_systeemkoppeling_ziet_geen_klacht_die_zij_niet_registreerde(
    client, opzetter, systeemkoppeling, categorie
):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=opzetter, categorie=categorie)
    client.force_login(systeemkoppeling)

    assert client.get(reverse("klachten:dossier", args=[klacht.dossiernummer])).status_code == 404
    assert client.get(actie_url(klacht, "klantbericht_toevoegen")).status_code == 404
    werkvoorraad = client.get(reverse("klachten:werkvoorraad"))
    assert list(werkvoorraad.context["pagina"]) == []


@pytest.mark.parametrize("naam", ACTIES_OP_KLACHT)
def test_klant_mag_alleen_wat_de_tabel_de_klant_geeft(
    via_service, opzetter, behandelaar, categorie, naam
):
    klacht = klacht_in_status(VANUIT[naam], door=opzetter, categorie=categorie)
    voor = stand(klacht)
    gegevens = geldige_gegevens(naam, klacht, behandelaar)

    if naam in KLANT_MAG:
        klacht = via_service.doe(naam, klacht, KLANT, **gegevens)
        assert stand(klacht) != voor
        assert klacht.gebeurtenissen.filter(door_klant=True).exists()
    else:
        assert via_service.weiger(naam, klacht, KLANT, **gegevens) == niet_mogen(naam)
        assert stand(klacht) == voor


@pytest.mark.parametrize("naam", ACTIES_OP_KLACHT)
def test_systeem_mag_alleen_bevestigen_en_statusupdates_sturen(
    via_service, opzetter, behandelaar, categorie, naam
):
    klacht = klacht_in_status(VANUIT[naam], door=opzetter, categorie=categorie)
    voor = stand(klacht)
    gegevens = geldige_gegevens(naam, klacht, behandelaar)

    if naam in SYSTEEM_MAG:
        klacht = via_service.doe(naam, klacht, SYSTEEM, **gegevens)
        assert stand(klacht) != voor
    else:
        assert via_service.weiger(naam, klacht, SYSTEEM, **gegevens) == niet_mogen(naam)
        assert stand(klacht) == voor


@pytest.mark.parametrize(
    ("rol", "mag_registreren"),
    [
        (rollen.KLACHTBEHANDELAAR, True),
        (rollen.TEAMLEIDER, True),
        (rollen.BEHEERDER, True),
        (rollen.SYSTEEMKOPPELING, True),
        (rollen.DIRECTIE, False),
    ],
)
@pytest.mark.parametrize("direct_opgelost", [False, True], ids=["registreren", "direct-opgelost"])
def test_registreren_en_direct_oplossen_per_rol(
    client, label, afdeling_a, categorie, rol, mag_registreren, direct_opgelost
):
    client.force_login(MedewerkerFactory(rollen=[rol], afdelingen=[afdeling_a]))
    gegevens = {
        "kanaal": Kanaal.TELEFOON,
        "ontvangen_op": "2026-03-02T09:45",
        "label": label.pk,
        "klant_naam": "Piet Jansen",
        "klant_email": "piet@example.nl",
        "afdeling": afdeling_a.pk,
        "categorie": categorie.pk,
        "urgentie": "normaal",
        "omschrijving": "Klant belde over de nota.",
        "oplossing": "Uitgelegd." if direct_opgelost else "",
    }
    if direct_opgelost:
        gegevens["direct_opgelost"] = "on"

    response = client.post(reverse("klachten:registreren"), gegevens)

    if mag_registreren:
        klacht = Klacht.objects.get()
        assert response.status_code == 302
        assert klacht.status == (Status.AFGESLOTEN if direct_opgelost else Status.ONTVANGEN)
    else:
        assert response.status_code == 200
        assert not Klacht.objects.exists()
        naam = "direct_oplossen" if direct_opgelost else "registreren"
        assert niet_mogen(naam) in response.context["form"].non_field_errors()


# The behandelaar may not be the employee the complaint is about (DESIGN.md section 4).


@pytest.fixture
def klacht_over_behandelaar(opzetter, behandelaar, categorie):
    return KlachtFactory(
        categorie=categorie, ingediend_door=opzetter, betreft_medewerker=behandelaar
    )


def test_toewijzen_aan_de_medewerker_over_wie_de_klacht_gaat_wordt_geweigerd(
    klacht_over_behandelaar, opzetter, behandelaar, afdeling_a
):
    klacht = klacht_over_behandelaar
    voor = stand(klacht)

    with pytest.raises(ValidationError) as fout:
        services.toewijzen(
            klacht=klacht, door=opzetter, afdeling=afdeling_a, behandelaar=behandelaar
        )

    assert fout.value.message_dict == {
        "behandelaar": ["De klacht gaat over deze medewerker: kies een ander."]
    }
    assert stand(klacht) == voor
    klacht.refresh_from_db()
    assert klacht.behandelaar is None


def test_toewijzingsformulier_biedt_de_medewerker_over_wie_de_klacht_gaat_niet_aan(
    client, klacht_over_behandelaar, opzetter, behandelaar, collega, afdeling_a
):
    klacht = klacht_over_behandelaar
    client.force_login(opzetter)
    url = actie_url(klacht, "toewijzen")
    voor = stand(klacht)

    keuzes = client.get(url).context["form"].fields["behandelaar"].queryset
    response = client.post(
        url, {"versie": klacht.versie, "afdeling": afdeling_a.pk, "behandelaar": behandelaar.pk}
    )

    assert behandelaar not in keuzes
    assert collega in keuzes
    assert response.status_code == 200
    assert "behandelaar" in response.context["form"].errors
    assert stand(klacht) == voor


def test_behandelaar_moet_bij_de_gekozen_afdeling_werken(
    via_pagina, opzetter, behandelaar_b, afdeling_a, categorie
):
    klacht = klacht_in_status(Status.ONTVANGEN, door=opzetter, categorie=categorie)
    voor = stand(klacht)

    melding = via_pagina.weiger(
        "toewijzen", klacht, opzetter, afdeling=afdeling_a, behandelaar=behandelaar_b
    )

    assert melding == "Deze medewerker werkt niet bij de gekozen afdeling."
    assert stand(klacht) == voor


# Heroverweging: the second line is another handler than the first.


@pytest.fixture
def in_heroverweging(opzetter, behandelaar, collega, teamleider, afdeling_a, categorie):
    """A reconsideration: `behandelaar` answered first, `collega` is the second line."""
    return klacht_in_heroverweging(
        teamleider=teamleider,
        eerste=behandelaar,
        tweede=collega,
        afdeling=afdeling_a,
        categorie=categorie,
        ingediend_door=opzetter,
    )


def test_eerste_behandelaar_mag_de_heroverweging_niet_beantwoorden(
    werkplek, in_heroverweging, behandelaar, collega
):
    klacht = in_heroverweging
    voor = stand(klacht)

    melding = werkplek.weiger("heroverweging_beantwoorden", klacht, behandelaar, oordeel="gegrond")

    assert melding == "De heroverweging doet een andere behandelaar dan de eerste (tweede lijn)."
    assert stand(klacht) == voor
    klacht = werkplek.doe("heroverweging_beantwoorden", klacht, collega, oordeel="gegrond")
    assert klacht.status == Status.BEANTWOORD


def test_toewijzen_zonder_behandelaar_tijdens_heroverweging_wist_de_eerste_lijn_niet(
    werkplek, in_heroverweging, behandelaar, teamleider, afdeling_a
):
    klacht = werkplek.doe(
        "toewijzen", in_heroverweging, teamleider, afdeling=afdeling_a, behandelaar=None
    )

    assert klacht.heroverweging_behandelaar is None
    assert klacht.behandelaar == behandelaar
    assert werkplek.weiger("heroverweging_beantwoorden", klacht, behandelaar, oordeel="gegrond")


def test_toewijzingsformulier_tijdens_heroverweging_stelt_de_tweede_lijn_voor(
    client, in_heroverweging, collega, teamleider
):
    client.force_login(teamleider)

    form = client.get(actie_url(in_heroverweging, "toewijzen")).context["form"]

    assert form.initial["behandelaar"] == collega.pk


def test_heroverweging_niet_aan_de_medewerker_over_wie_de_klacht_gaat(
    in_heroverweging, teamleider, collega, afdeling_a
):
    klacht = in_heroverweging
    Klacht.objects.filter(pk=klacht.pk).update(betreft_medewerker=collega)
    klacht.refresh_from_db()

    with pytest.raises(ValidationError) as fout:
        services.toewijzen(klacht=klacht, door=teamleider, afdeling=afdeling_a, behandelaar=collega)

    assert "behandelaar" in fout.value.message_dict


def test_niet_toegestane_rol_krijgt_workflowfout_van_de_service(directie, opzetter, categorie):
    klacht = klacht_in_status(Status.BEANTWOORD, door=opzetter, categorie=categorie)

    with pytest.raises(WorkflowFout, match="U mag 'Afsluiten' niet uitvoeren"):
        services.afsluiten(klacht=klacht, door=directie)


def test_dossier_biedt_de_eerste_behandelaar_het_heroverwegingsantwoord_niet_aan(
    client, in_heroverweging, behandelaar, collega
):
    url = reverse("klachten:dossier", args=[in_heroverweging.dossiernummer])

    client.force_login(behandelaar)
    eerste_lijn = [a.naam for a in client.get(url).context["acties"]]
    client.force_login(collega)
    tweede_lijn = [a.naam for a in client.get(url).context["acties"]]

    assert "heroverweging_beantwoorden" not in eerste_lijn
    assert "heroverweging_beantwoorden" in tweede_lijn


def test_medewerker_over_wie_de_klacht_gaat_ziet_en_behandelt_haar_niet(
    client, behandelaar, collega, categorie
):
    klacht = KlachtFactory(
        categorie=categorie, ingediend_door=collega, betreft_medewerker=behandelaar
    )

    assert not selectors.klachten_voor(behandelaar).filter(pk=klacht.pk).exists()
    client.force_login(behandelaar)
    assert client.get(reverse("klachten:dossier", args=[klacht.dossiernummer])).status_code == 404
    with pytest.raises(WorkflowFout, match="gaat over u"):
        actie_controleren("ontvangst_bevestigen", klacht, behandelaar)
    assert selectors.klachten_voor(collega).filter(pk=klacht.pk).exists()

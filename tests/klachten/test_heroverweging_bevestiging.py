"""The reconsideration request confirmed (issue 18, acceptance 6): the customer gets an e-mail
with the dossiernummer, what happens now and the term (its number and unit from the rules, its
last date the one the dossier shows); the teamleiders of the afdeling get the notice to assign a
second-line handler, the beheerders when the afdeling has no teamleider."""

import datetime as dt

import pytest
from django.urls import reverse

from klachten import berichten, rollen, services
from klachten.kalender import AMSTERDAM
from klachten.models import Bericht, Termijn
from klachten.termijnen import TermijnSoort
from klachten.workflow import KLANT, BerichtSoort, Status
from tests.conftest import actie_url
from tests.factories import AfdelingFactory, CategorieFactory, MedewerkerFactory, klacht_in_status

NU = dt.datetime(2026, 3, 2, 10, 0, tzinfo=AMSTERDAM)  # a Monday
REDEN = "De fysiotherapeut was wel gecontracteerd."


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


@pytest.fixture
def beantwoord(behandelaar, categorie, afdeling_a):
    return klacht_in_status(
        Status.BEANTWOORD, door=behandelaar, categorie=categorie, afdeling=afdeling_a
    )


def via_statuspagina(client, klacht):
    response = client.post(
        reverse("klachten:heroverweging-vragen", args=[klacht.status_token]), {"reden": REDEN}
    )
    assert response.status_code == 302
    klacht.refresh_from_db()
    return klacht


def door_medewerker(client, klacht, medewerker):
    client.force_login(medewerker)
    response = client.post(
        actie_url(klacht, "heroverweging_vragen"), {"versie": klacht.versie, "reden": REDEN}
    )
    assert response.status_code == 302
    klacht.refresh_from_db()
    return klacht


# The customer asks on the status page, or a handler records a request made by phone or letter.
MANIEREN = ["statuspagina", "medewerker"]


def vragen(manier, client, klacht, medewerker):
    if manier == "statuspagina":
        return via_statuspagina(client, klacht)
    return door_medewerker(client, klacht, medewerker)


def bevestiging(klacht) -> Bericht:
    return klacht.berichten.get(soort=BerichtSoort.HEROVERWEGING_BEVESTIGING)


def dossier_termijn(client, klacht, medewerker) -> dt.date:
    """The reconsideration deadline as the dossier page shows it."""
    client.force_login(medewerker)
    pagina = client.get(reverse("klachten:dossier", args=[klacht.dossiernummer]))
    badges = next(c["termijnen"] for c in pagina.context if isinstance(c.get("termijnen"), list))
    [badge] = [b for b in badges if b.naam == TermijnSoort.HEROVERWEGING.label]
    return badge.datum


@pytest.mark.parametrize("manier", MANIEREN)
def test_klant_krijgt_een_bevestiging_met_dossiernummer_uitleg_en_termijn(
    client, beantwoord, behandelaar, teamleider, manier, mailoutbox
):
    klacht = vragen(manier, client, beantwoord, teamleider)

    assert klacht.status == Status.IN_HEROVERWEGING
    bericht = bevestiging(klacht)
    assert bericht.aan == klacht.klant_email
    assert bericht.onderwerp == (
        f"Uw verzoek om heroverweging is ontvangen ({klacht.dossiernummer}) - {klacht.label.naam}"
    )
    assert f"Uw dossiernummer: {klacht.dossiernummer}" in bericht.tekst
    assert "Deze medewerker was niet betrokken bij ons eerste antwoord." in bericht.tekst
    # The default rule: 42 calendar days, as data (Termijn), never typed into the template.
    assert "Binnen 42 kalenderdagen na uw verzoek: uiterlijk op 13 april 2026." in bericht.tekst
    datum = dossier_termijn(client, klacht, teamleider)
    assert datum == klacht.heroverweging_uiterlijk_datum == dt.date(2026, 4, 13)
    assert f"uiterlijk op {berichten.datum_tekst(datum, 'nl')}" in bericht.tekst
    assert berichten.klacht_status_url(klacht) in bericht.tekst
    assert REDEN not in bericht.tekst  # what the customer typed is not mailed back
    # On the customer's timeline, not an internal notice.
    assert klacht.gebeurtenissen.filter(bericht=bericht).exists()


@pytest.mark.parametrize("manier", MANIEREN)
def test_termijn_in_werkdagen_noemt_werkdagen_en_de_datum_van_het_dossier(
    client, beantwoord, teamleider, manier
):
    Termijn.objects.update_or_create(
        soort=TermijnSoort.HEROVERWEGING, defaults={"dagen": 30, "werkdagen": True}
    )

    klacht = vragen(manier, client, beantwoord, teamleider)

    tekst = bevestiging(klacht).tekst
    datum = dossier_termijn(client, klacht, teamleider)
    # 30 working days from Monday 2 March 2026: Good Friday (3 April) and Easter Monday (6 April)
    # are Dutch holidays for the `holidays` package and do not count.
    assert datum == klacht.heroverweging_uiterlijk_datum == dt.date(2026, 4, 15)
    assert "Binnen 30 werkdagen na uw verzoek: uiterlijk op 15 april 2026." in tekst
    assert "kalenderdag" not in tekst


@pytest.mark.parametrize("manier", MANIEREN)
def test_franse_klant_krijgt_de_bevestiging_in_het_frans(
    client, behandelaar, teamleider, categorie, afdeling_a, manier
):
    klacht = klacht_in_status(
        Status.BEANTWOORD, door=behandelaar, categorie=categorie, afdeling=afdeling_a, taal="fr"
    )

    klacht = vragen(manier, client, klacht, teamleider)

    bericht = bevestiging(klacht)
    assert bericht.onderwerp.startswith("Nous avons bien reçu votre demande de réexamen")
    assert f"Votre numéro de dossier : {klacht.dossiernummer}" in bericht.tekst
    assert (
        "Dans les 42 jours calendrier suivant votre demande : au plus tard le 13 avril 2026."
        in bericht.tekst
    )
    assert "Meilleures salutations," in bericht.tekst
    assert "Beste" not in bericht.tekst


@pytest.mark.parametrize("manier", MANIEREN)
def test_teamleiders_van_de_afdeling_krijgen_de_melding_niet_de_eerste_behandelaar(
    client, beantwoord, behandelaar, teamleider, afdeling_a, manier
):
    tweede = MedewerkerFactory(rollen=[rollen.TEAMLEIDER], afdelingen=[afdeling_a])
    elders = MedewerkerFactory(rollen=[rollen.TEAMLEIDER], afdelingen=[AfdelingFactory()])
    eerder = set(
        beantwoord.berichten.filter(soort=BerichtSoort.MELDING_BEHANDELAAR).values_list(
            "pk", flat=True
        )
    )

    klacht = vragen(manier, client, beantwoord, teamleider)

    meldingen = klacht.berichten.filter(soort=BerichtSoort.MELDING_BEHANDELAAR).exclude(
        pk__in=eerder
    )
    assert sorted(meldingen.values_list("aan", flat=True)) == sorted(
        [teamleider.email, tweede.email]
    )
    assert behandelaar.email not in {m.aan for m in meldingen}
    assert elders.email not in {m.aan for m in meldingen}
    for melding in meldingen:
        assert "Wijs een tweedelijnsbehandelaar toe" in melding.tekst
        assert klacht.dossiernummer in melding.onderwerp


@pytest.mark.parametrize("manier", MANIEREN)
def test_zonder_teamleider_krijgt_de_beheerder_de_melding(client, behandelaar, beheerder, manier):
    afdeling = AfdelingFactory()
    behandelaar.afdelingen.add(afdeling)
    klacht = klacht_in_status(
        Status.BEANTWOORD,
        door=behandelaar,
        categorie=CategorieFactory(afdeling=afdeling),
        afdeling=afdeling,
    )

    klacht = vragen(manier, client, klacht, behandelaar)

    meldingen = klacht.berichten.filter(soort=BerichtSoort.MELDING_BEHANDELAAR, aan=beheerder.email)
    assert meldingen.count() == 1
    assert "Wijs een tweedelijnsbehandelaar toe" in meldingen.get().tekst


def test_bevestiging_via_de_service_ook_voor_een_afgesloten_klacht(behandelaar):
    klacht = klacht_in_status(Status.AFGESLOTEN, door=behandelaar)

    klacht = services.heroverweging_vragen(klacht=klacht, door=KLANT, reden=REDEN)

    assert klacht.status == Status.IN_HEROVERWEGING
    assert "uiterlijk op 13 april 2026" in bevestiging(klacht).tekst


def test_formulier_van_de_medewerker_zegt_dat_de_klant_een_bevestiging_krijgt(
    client, beantwoord, teamleider
):
    client.force_login(teamleider)

    pagina = client.get(actie_url(beantwoord, "heroverweging_vragen"))

    assert pagina.status_code == 200
    assert "tekst" not in pagina.context["form"].fields  # composed from the facts alone
    inhoud = pagina.content.decode()
    assert "het bericht 'Bevestiging van het verzoek om heroverweging'" in inhoud
    assert beantwoord.klant_email in inhoud
    assert "Pas de tekst aan waar nodig" not in inhoud

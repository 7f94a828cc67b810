"""The customer's status page behind the secret link, and "link kwijt?" (issue 3, customer's status
page; DESIGN.md sections 10 and 11)."""

import datetime as dt
import re
import secrets

import pytest
from django.urls import reverse

from klachten import services
from klachten.kalender import AMSTERDAM
from klachten.models import (
    Bericht,
    Bijlage,
    Gebeurtenis,
    GebeurtenisSoort,
    Kanaal,
    Klacht,
)
from klachten.workflow import KLANT, BerichtSoort, Oordeel, Status
from tests.conftest import meldingen, stand
from tests.factories import KlachtFactory, klacht_in_status, pdf_bestand

pytestmark = pytest.mark.django_db

NU = dt.datetime(2026, 1, 15, 10, 0, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


def status_url(klacht: Klacht) -> str:
    return reverse("klachten:status", args=[klacht.status_token])


def zonder_csrf(html: str) -> str:
    """The page without what differs on every response anyway: the CSRF token, the CSP nonce."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r' nonce="[^"]+"', "", html)


@pytest.fixture
def webklacht(label, categorie):
    return KlachtFactory(
        categorie=categorie,
        kanaal=Kanaal.WEBFORMULIER,
        klant_naam="Anna de Vries",
        klant_email="anna@example.nl",
    )


@pytest.fixture
def in_onderzoek(webklacht, behandelaar, teamleider, afdeling_a):
    """Assigned (the behandelaar is notified), admissible, with internal notes, a phone note
    and one statusupdate."""
    klacht = services.toewijzen(
        klacht=webklacht, door=teamleider, afdeling=afdeling_a, behandelaar=behandelaar
    )
    klacht = services.ontvankelijk_verklaren(klacht=klacht, door=behandelaar)
    services.notitie_toevoegen(klacht=klacht, door=behandelaar, tekst="Intern: klant is lastig.")
    services.telefooncontact_vastleggen(
        klacht=klacht, door=behandelaar, tekst="Telefoonnotitie: fysio gebeld."
    )
    return services.statusupdate_sturen(
        klacht=klacht,
        door=behandelaar,
        onderwerp="Stand van zaken",
        tekst="We wachten op de nota van de fysiotherapeut.",
    )


def test_onbekend_token_geeft_een_kale_404_die_niets_verraadt(client, webklacht):
    echt = webklacht.status_token
    tokens = [secrets.token_urlsafe(32), secrets.token_urlsafe(32), echt[:-1] + "x", "kort"]

    antwoorden = []
    for token in tokens:
        response = client.get(reverse("klachten:status", args=[token]))
        assert response.status_code == 404
        # The 404 page has the public header (issue 19): its language switch's CSRF token and the
        # nonce of the label's colour differ on every response.
        antwoorden.append(zonder_csrf(response.content.decode()).replace(token, "TOKEN"))

    assert len(set(antwoorden)) == 1
    assert webklacht.dossiernummer not in antwoorden[0]
    assert "Anna de Vries" not in antwoorden[0]


@pytest.mark.parametrize("naam", ["klachten:aanvullen", "klachten:heroverweging-vragen"])
def test_acties_met_een_onbekend_token_geven_404_en_veranderen_niets(client, webklacht, naam):
    voor = stand(webklacht)

    response = client.post(
        reverse(naam, args=[secrets.token_urlsafe(32)]), {"tekst": "Hallo", "reden": "Hallo"}
    )

    assert response.status_code == 404
    assert stand(webklacht) == voor


def test_statuspagina_toont_nummer_status_beloofde_datum_en_elk_bericht_aan_de_klant(
    client, in_onderzoek
):
    klacht = in_onderzoek

    response = client.get(status_url(klacht))

    inhoud = response.content.decode()
    assert response.status_code == 200
    assert klacht.dossiernummer in inhoud
    assert "In onderzoek" in inhoud  # get_status_display, never the raw code alone
    assert response.context["antwoord_uiterlijk"] == dt.date(2026, 2, 26)  # 15 Jan + 42 days
    assert "26 februari 2026" in inhoud
    aan_klant = klacht.berichten.exclude(soort=BerichtSoort.MELDING_BEHANDELAAR)
    assert {b.soort for b in aan_klant} == {
        BerichtSoort.ONTVANGSTBEVESTIGING,
        BerichtSoort.STATUSUPDATE,
    }
    for bericht in aan_klant:
        assert bericht.onderwerp in inhoud
    assert "We wachten op de nota van de fysiotherapeut." in inhoud
    getoond = {item.bericht.pk for item in response.context["tijdlijn"] if item.bericht}
    assert getoond == {b.pk for b in aan_klant}


def test_statuspagina_toont_geen_interne_notities_telefoonnotities_of_meldingen(
    client, in_onderzoek, behandelaar
):
    klacht = in_onderzoek
    melding = klacht.berichten.get(soort=BerichtSoort.MELDING_BEHANDELAAR)
    assert melding.aan == behandelaar.email

    response = client.get(status_url(klacht))

    inhoud = response.content.decode()
    assert "Intern: klant is lastig." not in inhoud
    assert "Telefoonnotitie: fysio gebeld." not in inhoud
    assert melding.onderwerp not in inhoud
    assert "Deze klacht is aan u toegewezen." not in inhoud
    assert reverse("klachten:dossier", args=[klacht.dossiernummer]) not in inhoud
    assert behandelaar.email not in inhoud
    assert {item.soort for item in response.context["tijdlijn"]} <= {
        GebeurtenisSoort.ONTVANGEN,
        GebeurtenisSoort.BERICHT,
        GebeurtenisSoort.KLANTBERICHT,
    }


def test_klant_voegt_informatie_met_bijlage_toe_en_de_behandelaar_krijgt_bericht(
    client, in_onderzoek, behandelaar, django_capture_on_commit_callbacks, mailoutbox
):
    klacht = in_onderzoek
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("klachten:aanvullen", args=[klacht.status_token]),
            {"tekst": "Hierbij de nota.", "bijlagen": [pdf_bestand("nota.pdf")]},
        )

    assert response.status_code == 302
    assert response.url == status_url(klacht)
    gebeurtenis = klacht.gebeurtenissen.get(soort=GebeurtenisSoort.KLANTBERICHT)
    assert (gebeurtenis.tekst, gebeurtenis.door_klant, gebeurtenis.door) == (
        "Hierbij de nota.",
        True,
        None,
    )
    bijlage = Bijlage.objects.get(gebeurtenis=gebeurtenis)
    assert (bijlage.klacht, bijlage.oorspronkelijke_naam, bijlage.mime_type) == (
        klacht,
        "nota.pdf",
        "application/pdf",
    )
    melding = klacht.berichten.filter(soort=BerichtSoort.MELDING_BEHANDELAAR).latest("pk")
    assert melding.aan == behandelaar.email
    assert "De klant heeft informatie toegevoegd aan het dossier." in melding.tekst
    assert [m.to for m in mailoutbox] == [[behandelaar.email]]
    pagina = client.get(status_url(klacht)).content.decode()
    assert "Hierbij de nota." in pagina
    assert "nota.pdf" in pagina


def test_informatie_toevoegen_zonder_behandelaar_meldt_niemand(client, webklacht):
    response = client.post(
        reverse("klachten:aanvullen", args=[webklacht.status_token]), {"tekst": "Nog iets."}
    )

    assert response.status_code == 302
    assert webklacht.gebeurtenissen.filter(soort=GebeurtenisSoort.KLANTBERICHT).count() == 1
    assert not webklacht.berichten.filter(soort=BerichtSoort.MELDING_BEHANDELAAR).exists()


def test_op_een_afgesloten_klacht_kan_de_klant_niets_meer_toevoegen(client, behandelaar, categorie):
    klacht = klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    voor = stand(klacht)

    pagina = client.get(status_url(klacht))
    response = client.post(
        reverse("klachten:aanvullen", args=[klacht.status_token]), {"tekst": "Nog iets."}
    )

    assert pagina.context["aanvul_form"] is None
    assert response.status_code == 302
    assert meldingen(response, "error") == [
        "'Bericht van de klant vastleggen' is niet mogelijk bij status 'Afgesloten'."
    ]
    assert stand(klacht) == voor


def test_heroverweging_vragen_kan_pas_na_het_antwoord(client, in_onderzoek):
    klacht = in_onderzoek
    voor = stand(klacht)

    pagina = client.get(status_url(klacht))
    response = client.post(
        reverse("klachten:heroverweging-vragen", args=[klacht.status_token]),
        {"reden": "Ik wil het nu al."},
    )

    assert pagina.context["heroverweging_form"] is None
    assert response.status_code == 302
    assert meldingen(response, "error") == [
        "'Heroverweging vastleggen' is niet mogelijk bij status 'In onderzoek'."
    ]
    assert stand(klacht) == voor
    terug = client.get(response.url)
    assert terug.context["heroverweging_form"] is None
    assert reverse("klachten:heroverweging-vragen", args=[klacht.status_token]) not in (
        terug.content.decode()
    )


def test_na_het_antwoord_vraagt_de_klant_een_keer_om_heroverweging(
    client, in_onderzoek, behandelaar, collega, teamleider, afdeling_a
):
    klacht = services.antwoord_sturen(
        klacht=in_onderzoek, door=behandelaar, oordeel=Oordeel.ONGEGROND
    )
    url = reverse("klachten:heroverweging-vragen", args=[klacht.status_token])
    assert client.get(status_url(klacht)).context["heroverweging_form"] is not None

    leeg = client.post(url, {"reden": "  "})
    assert leeg.status_code == 200
    assert leeg.context["heroverweging_form"].errors
    klacht.refresh_from_db()
    assert klacht.status == Status.BEANTWOORD

    response = client.post(url, {"reden": "De fysiotherapeut was wel gecontracteerd."})

    assert response.status_code == 302
    klacht.refresh_from_db()
    assert klacht.status == Status.IN_HEROVERWEGING
    assert klacht.heroverweging_gevraagd_op == NU
    verzoek = klacht.gebeurtenissen.get(soort=GebeurtenisSoort.KLANTBERICHT)
    assert verzoek.door_klant is True
    assert verzoek.tekst == "De fysiotherapeut was wel gecontracteerd."
    assert (
        "De fysiotherapeut was wel gecontracteerd."
        in client.get(status_url(klacht)).content.decode()
    )

    # Answered again by the second line: asking a second time is refused.
    services.toewijzen(klacht=klacht, door=teamleider, afdeling=afdeling_a, behandelaar=collega)
    klacht = services.heroverweging_beantwoorden(
        klacht=klacht, door=collega, oordeel=Oordeel.ONGEGROND
    )
    voor = stand(klacht)

    pagina = client.get(status_url(klacht))
    nog_eens = client.post(url, {"reden": "Nog steeds niet eens."})

    assert pagina.context["heroverweging_form"] is None
    assert nog_eens.status_code == 302
    assert meldingen(nog_eens, "error") == [
        "Er is al om heroverweging gevraagd; daarna staat de weg naar de externe instantie open."
    ]
    assert stand(klacht) == voor


def test_na_het_definitieve_standpunt_staan_de_externe_instantie_en_de_uiterste_datum_er(
    client, behandelaar, categorie, kifid, time_machine
):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    assert client.get(status_url(klacht)).context["externe_uiterste_datum"] is None

    time_machine.move_to(dt.datetime(2026, 3, 2, 10, 0, tzinfo=AMSTERDAM), tick=False)
    services.antwoord_sturen(
        klacht=klacht, door=behandelaar, oordeel=Oordeel.ONGEGROND, definitief_standpunt=True
    )
    response = client.get(status_url(klacht))

    # Kifid: 3 months after the standpoint (2 June 2026) or a year after the complaint
    # (15 January 2027), whichever is later.
    assert response.context["externe_uiterste_datum"] == dt.date(2027, 1, 15)
    inhoud = response.content.decode()
    assert kifid.naam in inhoud
    assert "15 januari 2027" in inhoud
    assert kifid.website in inhoud


def test_zonder_definitief_standpunt_geen_externe_instantie(client, behandelaar, categorie, kifid):
    klacht = klacht_in_status(Status.BEANTWOORD, door=behandelaar, categorie=categorie)

    response = client.get(status_url(klacht))

    assert response.context["externe_uiterste_datum"] is None
    assert kifid.naam not in response.content.decode()


# "Link kwijt?"


@pytest.fixture
def link_kwijt(client, django_capture_on_commit_callbacks):
    def aanvragen(dossiernummer: str, email: str):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("klachten:link-kwijt"), {"dossiernummer": dossiernummer, "email": email}
            )
        assert response.status_code == 200
        return response

    return aanvragen


def test_link_kwijt_geeft_hetzelfde_antwoord_of_nummer_en_email_nu_kloppen_of_niet(
    webklacht, link_kwijt, label
):
    andere = KlachtFactory(label=label, categorie=webklacht.categorie, klant_email="ander@x.nl")
    pogingen = [
        (webklacht.dossiernummer, "anna@example.nl"),  # match
        (webklacht.dossiernummer, "iemand@example.nl"),  # wrong e-mail
        ("KL-2026-999999", "anna@example.nl"),  # no such complaint
        (andere.dossiernummer, "anna@example.nl"),  # someone else's complaint
    ]

    antwoorden = [link_kwijt(nummer, email) for nummer, email in pogingen]

    inhoud = {zonder_csrf(r.content.decode()) for r in antwoorden}
    assert len(inhoud) == 1
    for response in antwoorden:
        assert "klachten/link_kwijt_verstuurd.html" in [t.name for t in response.templates]
    assert webklacht.dossiernummer not in inhoud.pop()


def test_link_kwijt_stuurt_alleen_bij_een_match_de_statuslink(webklacht, link_kwijt, mailoutbox):
    mailoutbox.clear()

    link_kwijt(webklacht.dossiernummer, "iemand@example.nl")
    link_kwijt("KL-2026-999999", "anna@example.nl")
    assert not Bericht.objects.filter(soort=BerichtSoort.STATUSLINK).exists()
    assert mailoutbox == []

    link_kwijt(webklacht.dossiernummer.lower(), "Anna@Example.nl")

    bericht = Bericht.objects.get(soort=BerichtSoort.STATUSLINK)
    assert (bericht.klacht, bericht.aan) == (webklacht, "anna@example.nl")
    assert [m.to for m in mailoutbox] == [["anna@example.nl"]]
    assert status_url(webklacht) in mailoutbox[0].body
    assert Gebeurtenis.objects.filter(bericht=bericht).exists()


def test_statuspagina_verandert_niets_aan_het_dossier(client, in_onderzoek):
    voor = stand(in_onderzoek)

    client.get(status_url(in_onderzoek))

    assert stand(in_onderzoek) == voor


def test_statuspagina_gebruikt_evenveel_queries_bij_weinig_als_bij_veel_berichten(
    client, behandelaar, categorie, django_assert_max_num_queries
):
    klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=categorie)
    with django_assert_max_num_queries(8) as weinig:
        assert client.get(status_url(klacht)).status_code == 200

    for i in range(12):
        services.klantbericht_toevoegen(klacht=klacht, door=KLANT, tekst=f"Aanvulling {i}.")
        services.statusupdate_sturen(
            klacht=klacht, door=behandelaar, onderwerp="Stand", tekst=f"Update {i}."
        )
    with django_assert_max_num_queries(8) as veel:
        response = client.get(status_url(klacht))

    assert "Aanvulling 11." in response.content.decode()
    assert len(veel.captured_queries) == len(weinig.captured_queries)

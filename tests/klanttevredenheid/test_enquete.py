"""The survey behind the link in the invitation (DESIGN.md section 6): a rapportcijfer 1-10 with
toelichting and verbetertips, the NPS question when the survey asks it; the link works once and
expires; a friendly page says why it no longer works."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from klanttevredenheid.models import (
    ContactmomentSoort,
    Enquete,
    Opvolging,
    Respons,
    Uitnodiging,
    UitnodigingStatus,
)
from tests.factories import LabelFactory, verzonden_uitnodiging

pytestmark = pytest.mark.django_db

ANTWOORDEN = {
    "rapportcijfer": "8",
    "nps_score": "9",
    "toelichting": "  Snel en vriendelijk geholpen.  ",
    "verbetertips": "Stuur een bevestiging per sms.",
}


def enquete_url(uitnodiging: Uitnodiging) -> str:
    return reverse("klanttevredenheid:enquete", args=[uitnodiging.token])


def bedankt_url(uitnodiging: Uitnodiging) -> str:
    return reverse("klanttevredenheid:bedankt", args=[uitnodiging.token])


def status_van(uitnodiging: Uitnodiging) -> str:
    return Uitnodiging.objects.get(pk=uitnodiging.pk).status


@pytest.fixture
def uitnodiging(label, behandelaar, teamleider, afdeling_a):
    return verzonden_uitnodiging(label=label, behandelaar=behandelaar, afdeling=afdeling_a)


@pytest.fixture
def zonder_nps(db):
    """The survey after a change of details does not ask the recommend question."""
    Enquete.objects.update_or_create(
        soort=ContactmomentSoort.GEGEVENS_GEWIJZIGD, defaults={"nps_vragen": False}
    )
    return verzonden_uitnodiging(soort=ContactmomentSoort.GEGEVENS_GEWIJZIGD)


# Showing the survey --------------------------------------------------------------------------


def test_enquete_vraagt_rapportcijfer_en_aanbeveling_met_uitleg_van_de_uitersten(
    client, uitnodiging, label
):
    pagina = client.get(enquete_url(uitnodiging))

    html = pagina.content.decode()
    assert pagina.status_code == 200
    assert pagina.templates[0].name == "klanttevredenheid/enquete_formulier.html"
    assert html.count('name="rapportcijfer"') == 10
    assert html.count('name="nps_score"') == 11
    assert '<legend>Welk rapportcijfer geeft u ons? <span class="verplicht">' in html
    assert "1 = zeer ontevreden, 10 = zeer tevreden" in html
    assert f"Hoe waarschijnlijk is het dat u {label.naam} aanbeveelt aan familie" in html
    assert "0 = zeer onwaarschijnlijk, 10 = zeer waarschijnlijk" in html
    assert 'name="toelichting"' in html
    assert 'name="verbetertips"' in html
    assert 'maxlength="2000"' in html
    # The ends are read out with the number: the scales make sense without seeing them.
    assert '1<span class="visueel-verborgen"> (zeer ontevreden)</span>' in html
    assert '10<span class="visueel-verborgen"> (zeer waarschijnlijk)</span>' in html


def test_enquete_zonder_aanbevelingsvraag_als_de_enquete_die_niet_stelt(client, zonder_nps):
    pagina = client.get(enquete_url(zonder_nps))

    html = pagina.content.decode()
    assert pagina.status_code == 200
    assert 'name="rapportcijfer"' in html
    assert 'name="nps_score"' not in html
    assert "aanbeveelt" not in html

    antwoord = client.post(enquete_url(zonder_nps), {"rapportcijfer": "7"})

    assert antwoord.status_code == 302
    respons = Respons.objects.get()
    assert (respons.rapportcijfer, respons.nps_score) == (7, None)


def test_enquete_in_de_stijl_van_het_label_van_het_contactmoment(client, label):
    noord = LabelFactory(naam="Rechtshulp Noord", slug="noord", kleur="#7a1f5c")
    uitnodiging = verzonden_uitnodiging(label=noord)

    html = client.get(enquete_url(uitnodiging)).content.decode()

    assert "Hoe tevreden bent u over Rechtshulp Noord?" in html
    assert "--label-kleur: #7a1f5c" in html
    assert label.naam not in html


def test_enquete_bekijken_gebruikt_de_link_niet(client, uitnodiging):
    client.get(enquete_url(uitnodiging))
    client.get(enquete_url(uitnodiging))

    assert status_van(uitnodiging) == UitnodigingStatus.VERZONDEN
    assert not Respons.objects.exists()
    assert client.get(enquete_url(uitnodiging)).status_code == 200


# Answering -----------------------------------------------------------------------------------


def test_geldige_antwoorden_bewaren_precies_een_respons_en_de_link_is_gebruikt(client, uitnodiging):
    antwoord = client.post(enquete_url(uitnodiging), ANTWOORDEN)

    assert antwoord.status_code == 302
    assert antwoord.url == bedankt_url(uitnodiging)
    respons = Respons.objects.get()
    assert respons.contactmoment_id == uitnodiging.contactmoment_id
    assert respons.rapportcijfer == 8
    assert respons.nps_score == 9
    assert respons.toelichting == "Snel en vriendelijk geholpen."
    assert respons.verbetertips == "Stuur een bevestiging per sms."
    assert status_van(uitnodiging) == UitnodigingStatus.BEANTWOORD

    bedankt = client.get(antwoord.url)
    assert bedankt.status_code == 200
    assert "Bedankt voor uw antwoorden" in bedankt.content.decode()


def test_toelichting_en_verbetertips_zijn_niet_verplicht(client, uitnodiging):
    antwoord = client.post(enquete_url(uitnodiging), {"rapportcijfer": "10", "nps_score": "10"})

    assert antwoord.status_code == 302
    respons = Respons.objects.get()
    assert (respons.toelichting, respons.verbetertips) == ("", "")


@pytest.mark.parametrize(
    ("gegevens", "fout", "anker"),
    [
        (
            {"nps_score": "9"},
            "Kies een rapportcijfer van 1 tot en met 10.",
            "#id_rapportcijfer_0",
        ),
        (
            {"rapportcijfer": "11", "nps_score": "9"},
            "Kies een rapportcijfer van 1 tot en met 10.",
            "#id_rapportcijfer_0",
        ),
        (
            {"rapportcijfer": "0", "nps_score": "9"},
            "Kies een rapportcijfer van 1 tot en met 10.",
            "#id_rapportcijfer_0",
        ),
        (
            {"rapportcijfer": "8"},
            "Kies hoe waarschijnlijk het is dat u ons aanbeveelt, van 0 tot en met 10.",
            "#id_nps_score_0",
        ),
        (
            {"rapportcijfer": "8", "nps_score": "-1"},
            "Kies hoe waarschijnlijk het is dat u ons aanbeveelt, van 0 tot en met 10.",
            "#id_nps_score_0",
        ),
        (
            {"rapportcijfer": "8", "nps_score": "9", "toelichting": "x" * 2001},
            "Uw toelichting is te lang: gebruik ten hoogste 2000 tekens (u gebruikte er 2001).",
            "#id_toelichting",
        ),
        (
            {"rapportcijfer": "8", "nps_score": "9", "verbetertips": "x" * 2001},
            "Uw verbetertips zijn te lang: gebruik ten hoogste 2000 tekens (u gebruikte er 2001).",
            "#id_verbetertips",
        ),
    ],
)
def test_ongeldige_antwoorden_tonen_fouten_bij_het_veld_en_bewaren_niets(
    client, uitnodiging, gegevens, fout, anker
):
    pagina = client.post(enquete_url(uitnodiging), gegevens)

    html = pagina.content.decode()
    assert pagina.status_code == 200
    assert 'id="foutsamenvatting"' in html
    assert f'<a href="{anker}">{fout}</a>' in html  # the summary leads to the field
    assert f"{fout}</p>" in html  # and the field says it again
    assert not Respons.objects.exists()
    assert status_van(uitnodiging) == UitnodigingStatus.VERZONDEN


def test_gekozen_antwoorden_blijven_staan_na_een_fout(client, uitnodiging):
    pagina = client.post(
        enquete_url(uitnodiging), {"rapportcijfer": "6", "toelichting": "Het duurde lang."}
    )

    html = pagina.content.decode()
    assert 'value="6" id="id_rapportcijfer_5" required checked>' in html
    assert "Het duurde lang.</textarea>" in html


def test_tweede_keer_versturen_wordt_geweigerd_met_een_vriendelijke_pagina(client, uitnodiging):
    client.post(enquete_url(uitnodiging), ANTWOORDEN)

    tweede = client.post(enquete_url(uitnodiging), {**ANTWOORDEN, "rapportcijfer": "2"})

    assert tweede.status_code == 200
    assert tweede.templates[0].name == "klanttevredenheid/enquete_niet_beschikbaar.html"
    assert "U hebt deze enquête al ingevuld" in tweede.content.decode()
    assert Respons.objects.get().rapportcijfer == 8
    # Opening the link again says the same, and offers no form.
    opnieuw = client.get(enquete_url(uitnodiging))
    assert "U hebt deze enquête al ingevuld" in opnieuw.content.decode()
    assert 'name="rapportcijfer"' not in opnieuw.content.decode()


def test_laag_cijfer_opent_een_opvolging(client, uitnodiging, behandelaar):
    client.post(enquete_url(uitnodiging), {**ANTWOORDEN, "rapportcijfer": "4"})

    opvolging = Opvolging.objects.get()
    assert opvolging.respons == Respons.objects.get()
    assert opvolging.toegewezen_aan == behandelaar


def test_goed_cijfer_opent_geen_opvolging(client, uitnodiging):
    client.post(enquete_url(uitnodiging), ANTWOORDEN)

    assert Respons.objects.exists()
    assert not Opvolging.objects.exists()


# Links that no longer work -------------------------------------------------------------------


def test_verlopen_link_toont_een_vriendelijke_pagina_in_de_stijl_van_het_label(
    client, time_machine
):
    noord = LabelFactory(naam="Rechtshulp Noord", slug="noord", kleur="#7a1f5c")
    uitnodiging = verzonden_uitnodiging(label=noord)
    time_machine.move_to(uitnodiging.verloopt_op - dt.timedelta(seconds=1), tick=False)
    assert client.get(enquete_url(uitnodiging)).status_code == 200

    time_machine.move_to(uitnodiging.verloopt_op, tick=False)
    pagina = client.get(enquete_url(uitnodiging))
    versturen = client.post(enquete_url(uitnodiging), ANTWOORDEN)

    html = pagina.content.decode()
    assert pagina.status_code == 410
    assert "Deze enquête is gesloten" in html
    # The same last day as the invitation e-mail names.
    with translation.override("nl"):
        laatste_dag = date_format(uitnodiging.geldig_tot, "j F Y")
    assert f"U kon deze enquête invullen tot en met {laatste_dag}." in html
    assert "Rechtshulp Noord" in html
    assert "--label-kleur: #7a1f5c" in html
    assert 'name="rapportcijfer"' not in html
    assert versturen.status_code == 410
    assert not Respons.objects.exists()
    assert status_van(uitnodiging) == UitnodigingStatus.VERZONDEN


def test_link_verlopen_tijdens_het_invullen_bewaart_niets(client, uitnodiging, time_machine):
    time_machine.move_to(uitnodiging.verloopt_op - dt.timedelta(minutes=5), tick=False)
    assert client.get(enquete_url(uitnodiging)).status_code == 200

    time_machine.move_to(uitnodiging.verloopt_op + dt.timedelta(minutes=5), tick=False)
    versturen = client.post(enquete_url(uitnodiging), ANTWOORDEN)

    assert versturen.status_code == 410
    assert "Deze enquête is gesloten" in versturen.content.decode()
    assert not Respons.objects.exists()


def test_onbekende_link_geeft_404_met_een_vriendelijke_pagina(client, label):
    for antwoord in (
        client.get(reverse("klanttevredenheid:enquete", args=["bestaat-niet"])),
        client.post(reverse("klanttevredenheid:enquete", args=["bestaat-niet"]), ANTWOORDEN),
    ):
        html = antwoord.content.decode()
        assert antwoord.status_code == 404
        assert antwoord.templates[0].name == "klanttevredenheid/enquete_niet_beschikbaar.html"
        assert "Deze link werkt niet" in html
        assert label.naam in html  # the default label's style
    assert not Respons.objects.exists()


def test_onbekende_link_op_de_hostnaam_van_een_label_in_diens_stijl(client, settings, label):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "klanten.noord.example"]
    LabelFactory(naam="Rechtshulp Noord", slug="noord", hostnaam="klanten.noord.example")

    pagina = client.get(
        reverse("klanttevredenheid:enquete", args=["bestaat-niet"]),
        HTTP_HOST="klanten.noord.example",
    )

    assert pagina.status_code == 404
    assert "Rechtshulp Noord" in pagina.content.decode()


def test_bedankt_zonder_antwoord_leidt_naar_de_enquete(client, uitnodiging):
    antwoord = client.get(bedankt_url(uitnodiging))

    assert antwoord.status_code == 302
    assert antwoord.url == enquete_url(uitnodiging)


def test_bedankt_voor_een_onbekende_link_geeft_de_vriendelijke_404(client, label):
    antwoord = client.get(reverse("klanttevredenheid:bedankt", args=["bestaat-niet"]), follow=True)

    assert antwoord.status_code == 404
    assert "Deze link werkt niet" in antwoord.content.decode()


# The token in the URL is a secret ------------------------------------------------------------


def test_paginas_met_de_geheime_link_worden_niet_bewaard_en_niet_doorgegeven(
    client, uitnodiging, label
):
    antwoorden = [
        client.get(enquete_url(uitnodiging)),
        client.get(bedankt_url(uitnodiging)),  # redirect: not answered yet
        client.post(enquete_url(uitnodiging), {}),  # errors
        client.post(enquete_url(uitnodiging), ANTWOORDEN),  # redirect to the thanks
        client.get(bedankt_url(uitnodiging)),
        client.get(enquete_url(uitnodiging)),  # already answered
        client.get(reverse("klanttevredenheid:enquete", args=["bestaat-niet"])),
    ]

    assert [a.status_code for a in antwoorden] == [200, 302, 200, 302, 200, 200, 404]
    for antwoord in antwoorden:
        assert "no-store" in antwoord.headers["Cache-Control"]
        # Other sites get no Referer; not "no-referrer", under which browsers send `Origin: null`
        # with the survey's own POST and the CSRF check refuses it.
        assert antwoord.headers["Referrer-Policy"] == "same-origin"

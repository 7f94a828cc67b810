"""Personal data of an invitation is erased 3 months after it was sent; the grade, comment, kind and
afdeling stay, and so do the figures (issue Klanttevredenheid, acceptance 3). On a customer's
erasure request what they wrote goes too."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from klachten import avg
from klachten.kalender import AMSTERDAM
from klachten.models import Bericht, BerichtStatus
from klanttevredenheid import cijfers, services
from klanttevredenheid.berichtsoorten import KtoBerichtSoort
from klanttevredenheid.models import Contactmoment, Opvolging, Respons, Uitnodiging
from tests.databank import tabellen_met
from tests.factories import contactmoment

pytestmark = pytest.mark.django_db

D = dt.date
EMAIL, NAAM, NUMMER = "jaap.privacy@example.nl", "Jaap Privacyman", "KN-998877"


def om(datum: dt.date, uur: int = 12) -> dt.datetime:
    return dt.datetime(datum.year, datum.month, datum.day, uur, tzinfo=AMSTERDAM)


@pytest.fixture
def beantwoorde_uitnodiging(time_machine, behandelaar, afdeling_a):
    time_machine.move_to(om(D(2026, 1, 5), 16), tick=False)
    moment = contactmoment(
        moment=om(D(2026, 1, 5), 10),
        klant_email=EMAIL,
        klant_naam=NAAM,
        klantnummer=NUMMER,
        afdeling=afdeling_a,
        behandelaar=behandelaar,
    )
    services.uitnodigingen_versturen(op=om(D(2026, 1, 6), 9))
    token = Uitnodiging.objects.get(contactmoment=moment).token
    services.enquete_beantwoorden(
        token=token,
        rapportcijfer=4,
        nps_score=2,
        toelichting="Lang moeten wachten.",
        verbetertips="Sneller terugbellen.",
        op=om(D(2026, 1, 7)),
    )
    return moment


def test_na_drie_maanden_staan_nergens_meer_persoonsgegevens(beantwoorde_uitnodiging):
    van, tot = om(D(2026, 1, 1), 0), om(D(2026, 4, 1), 0)
    voor = cijfers.cijfers(van=van, tot=tot, per=("afdeling", "soort"))
    for waarde in (EMAIL, NAAM, NUMMER):
        assert tabellen_met(waarde), waarde  # it was there

    assert services.persoonsgegevens_wissen(op=om(D(2026, 4, 5), 3)) == 0  # 6 Jan + 3 months
    call_command("persoonsgegevens_wissen", "--op", "2026-04-06T03:30")

    for waarde in (EMAIL, NAAM, NUMMER, "jaap.privacy"):
        assert tabellen_met(waarde) == set(), waarde
    moment = Contactmoment.objects.select_related("respons").get(pk=beantwoorde_uitnodiging.pk)
    assert moment.geanonimiseerd_op is not None
    assert moment.respons.rapportcijfer == 4
    assert moment.respons.toelichting == "Lang moeten wachten."
    assert moment.afdeling_id is not None
    assert cijfers.cijfers(van=van, tot=tot, per=("afdeling", "soort")) == voor
    assert services.persoonsgegevens_wissen(op=om(D(2026, 5, 1), 3)) == 0  # nothing left


def test_overgeslagen_contactmoment_wordt_drie_maanden_na_het_moment_gewist(time_machine):
    time_machine.move_to(om(D(2026, 1, 5), 16), tick=False)
    moment = contactmoment(moment=om(D(2026, 1, 5), 10), klant_email="", klant_naam=NAAM)

    services.persoonsgegevens_wissen(op=om(D(2026, 4, 4), 3))
    assert Contactmoment.objects.get(pk=moment.pk).klant_naam == NAAM
    services.persoonsgegevens_wissen(op=om(D(2026, 4, 6), 3))
    assert Contactmoment.objects.get(pk=moment.pk).klant_naam == ""


def test_geplande_uitnodiging_wordt_niet_voortijdig_gewist(time_machine):
    time_machine.move_to(om(D(2026, 1, 5), 16), tick=False)
    moment = contactmoment(moment=om(D(2026, 1, 5), 10), klant_naam=NAAM)

    services.persoonsgegevens_wissen(op=om(D(2026, 1, 20), 3))

    assert Contactmoment.objects.get(pk=moment.pk).klant_naam == NAAM


def test_wissen_op_verzoek_leegt_ook_wat_de_klant_schreef_en_het_verslag(
    beantwoorde_uitnodiging, behandelaar
):
    moment = beantwoorde_uitnodiging
    opvolging = Opvolging.objects.get(respons__contactmoment=moment)
    verslag = "Jaap teruggebeld: zijn vergoeding komt volgende week."
    services.opvolging_afronden(opvolging=opvolging, door=behandelaar, notitie=verslag)
    signaal = Bericht.objects.get(soort=KtoBerichtSoort.KTO_SIGNAAL)
    assert "Lang moeten wachten." in signaal.tekst
    (uitnodiging_email,) = Bericht.objects.filter(soort=KtoBerichtSoort.KTO_UITNODIGING)
    assert uitnodiging_email.status == BerichtStatus.WACHTEND  # its delivery never ran here
    # The access export holds the follow-up's report.
    (onderdeel,) = services.avg_verzamelen(EMAIL)
    tabel = next(t for t in onderdeel.tabellen if t.titel == "Opvolging")
    assert tabel.rijen[0][-1] == verslag

    assert services.avg_wissen(EMAIL, om(D(2026, 1, 20))) == 1

    for waarde in (EMAIL, NAAM, NUMMER, "Lang moeten wachten", "Sneller terugbellen", verslag):
        assert tabellen_met(waarde) == set(), waarde
    respons = Respons.objects.get(contactmoment=moment)
    assert (respons.rapportcijfer, respons.nps_score) == (4, 2)  # the grades stay
    assert (respons.toelichting, respons.verbetertips) == ("", "")
    signaal.refresh_from_db()
    assert signaal.aan == behandelaar.email  # to staff: who was alerted stays
    # The invitation still in the outbox does not go out to an erased customer.
    uitnodiging_email.refresh_from_db()
    assert (uitnodiging_email.status, uitnodiging_email.laatste_fout, uitnodiging_email.aan) == (
        BerichtStatus.MISLUKT,
        avg.NIET_VERZONDEN,
        "",
    )


def test_beheer_kan_de_klantgegevens_van_een_contactmoment_niet_wijzigen(
    beantwoorde_uitnodiging, client, beheerder
):
    """Export and erasure find a customer by the normalised address, which only the services
    keep: in the admin the customer's data is read only."""
    beheerder.is_staff = True  # the beheerder works in the Django admin (DESIGN.md section 2)
    beheerder.save(update_fields=["is_staff"])
    client.force_login(beheerder)
    url = reverse("admin:klanttevredenheid_contactmoment_change", args=[beantwoorde_uitnodiging.pk])

    response = client.get(url)

    assert response.status_code == 200, response
    html = response.content.decode()
    assert EMAIL in html
    for veld in ("klant_email", "klant_naam", "klantnummer"):
        assert f'name="{veld}"' not in html

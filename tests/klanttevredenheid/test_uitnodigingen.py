"""Invitations (DESIGN.md section 6): planned for the next morning, skipped with a reason, never
twice within 4 weeks for the same customer, sent once with a single-use link that expires."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from klachten import services as klachtservices
from klachten.kalender import AMSTERDAM
from klachten.models import Bericht
from klachten.workflow import Oordeel, Status
from klanttevredenheid import cijfers, services
from klanttevredenheid.berichtsoorten import KtoBerichtSoort
from klanttevredenheid.models import (
    Bron,
    Contactmoment,
    ContactmomentSoort,
    Enquete,
    RedenOvergeslagen,
    Uitnodiging,
    UitnodigingStatus,
)
from klanttevredenheid.services import NieuwContactmoment
from tests.factories import KlachtFactory, contactmoment, klacht_in_status, standaardlabel

pytestmark = pytest.mark.django_db

D = dt.date


def om(datum: dt.date, uur: int = 14, minuut: int = 0) -> dt.datetime:
    return dt.datetime(datum.year, datum.month, datum.day, uur, minuut, tzinfo=AMSTERDAM)


def test_uitnodiging_gaat_de_volgende_ochtend_om_negen_uur(time_machine):
    time_machine.move_to(om(D(2026, 3, 10), 16), tick=False)
    moment = contactmoment(moment=om(D(2026, 3, 10), 15))

    assert moment.uitnodiging.status == UitnodigingStatus.GEPLAND
    assert moment.uitnodiging.verzenden_op == om(D(2026, 3, 11), 9)


def test_vertraging_en_verzendtijd_zijn_instelbaar_per_soort(time_machine):
    time_machine.move_to(om(D(2026, 3, 10), 16), tick=False)
    Enquete.objects.filter(soort=ContactmomentSoort.SCHADE_GEMELD).update(
        vertraging_dagen=3, verzendtijd=dt.time(18, 30)
    )

    moment = contactmoment(soort=ContactmomentSoort.SCHADE_GEMELD, moment=om(D(2026, 3, 10), 11))

    assert moment.uitnodiging.verzenden_op == om(D(2026, 3, 13), 18, 30)


def test_verzendmoment_klopt_over_de_zomertijd_heen(time_machine):
    # 28 March 2026 is the last day of winter time; 9:00 the next morning is 07:00 UTC.
    time_machine.move_to(om(D(2026, 3, 28), 16), tick=False)
    moment = contactmoment(moment=om(D(2026, 3, 28), 12))

    assert moment.uitnodiging.verzenden_op == dt.datetime(2026, 3, 29, 7, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("dagen_later", "uitgenodigd"), [(27, False), (28, True), (29, True)], ids=lambda w: str(w)
)
def test_niet_opnieuw_binnen_vier_weken(time_machine, dagen_later, uitgenodigd):
    eerste_dag = D(2026, 5, 4)
    time_machine.move_to(om(eerste_dag, 16), tick=False)
    contactmoment(moment=om(eerste_dag), klant_email="Anna@Example.nl")
    later = eerste_dag + dt.timedelta(days=dagen_later)
    time_machine.move_to(om(later, 16), tick=False)

    tweede = contactmoment(moment=om(later), klant_email=" anna@example.NL ")

    if uitgenodigd:
        assert tweede.uitnodiging.status == UitnodigingStatus.GEPLAND
        assert tweede.uitnodiging.reden_overgeslagen == ""
    else:
        assert tweede.uitnodiging.status == UitnodigingStatus.OVERGESLAGEN
        assert tweede.uitnodiging.reden_overgeslagen == RedenOvergeslagen.RECENT_UITGENODIGD


def test_zelfde_klantnummer_met_ander_adres_is_dezelfde_klant(time_machine):
    time_machine.move_to(om(D(2026, 5, 4), 16), tick=False)
    contactmoment(klant_email="prive@example.nl", klantnummer="K-100")
    tweede = contactmoment(klant_email="werk@example.nl", klantnummer="K-100")
    ander = contactmoment(klant_email="iemand@example.nl", klantnummer="K-200")

    assert tweede.uitnodiging.reden_overgeslagen == RedenOvergeslagen.RECENT_UITGENODIGD
    assert ander.uitnodiging.status == UitnodigingStatus.GEPLAND


def test_overgeslagen_uitnodiging_telt_niet_als_uitnodiging(time_machine):
    time_machine.move_to(om(D(2026, 5, 4), 16), tick=False)
    Enquete.objects.filter(soort=ContactmomentSoort.OPZEGGING).update(uitnodigen=False)
    uit = contactmoment(soort=ContactmomentSoort.OPZEGGING, klant_email="b@example.nl")
    daarna = contactmoment(klant_email="b@example.nl")

    assert uit.uitnodiging.reden_overgeslagen == RedenOvergeslagen.ENQUETE_UIT
    assert daarna.uitnodiging.status == UitnodigingStatus.GEPLAND


def test_zonder_email_of_te_oud_wordt_overgeslagen_met_reden(time_machine):
    time_machine.move_to(om(D(2026, 5, 4), 16), tick=False)
    zonder = contactmoment(klant_email="")
    oud = contactmoment(moment=om(D(2026, 3, 1)))

    assert zonder.uitnodiging.reden_overgeslagen == RedenOvergeslagen.GEEN_EMAIL
    assert oud.uitnodiging.reden_overgeslagen == RedenOvergeslagen.TE_OUD


def test_in_een_partij_wordt_dezelfde_klant_een_keer_uitgenodigd(time_machine):
    time_machine.move_to(om(D(2026, 5, 4), 16), tick=False)
    label = standaardlabel()
    rijen = [
        NieuwContactmoment(
            label=label,
            soort=ContactmomentSoort.SCHADE_GEMELD,
            moment=om(D(2026, 5, dag)),
            bron=Bron.IMPORT,
            klant_email="c@example.nl",
        )
        for dag in (4, 1, 3)
    ]

    momenten = services.contactmomenten_registreren(rijen=rijen)

    statussen = {m.moment.day: m.uitnodiging.status for m in momenten}
    # The earliest goes out; the others fall within its 4 weeks.
    assert statussen == {1: "gepland", 3: "overgeslagen", 4: "overgeslagen"}


def test_verzenden_stuurt_een_keer_met_link_die_verloopt(time_machine):
    time_machine.move_to(om(D(2026, 5, 4), 16), tick=False)
    moment = contactmoment(moment=om(D(2026, 5, 4), 10), klant_naam="Piet Bakker")

    assert services.uitnodigingen_versturen(op=om(D(2026, 5, 5), 8, 55)) == 0
    assert services.uitnodigingen_versturen(op=om(D(2026, 5, 5), 9, 0)) == 1
    assert services.uitnodigingen_versturen(op=om(D(2026, 5, 5), 9, 5)) == 0

    uitnodiging = Uitnodiging.objects.get(contactmoment=moment)
    assert uitnodiging.status == UitnodigingStatus.VERZONDEN
    assert uitnodiging.verloopt_op == om(D(2026, 6, 5), 0)
    assert uitnodiging.geldig_tot == D(2026, 6, 4)
    assert len(uitnodiging.token) >= 40
    bericht = uitnodiging.bericht
    assert bericht.soort == KtoBerichtSoort.KTO_UITNODIGING
    assert bericht.klacht is None
    assert bericht.aan == moment.klant_email
    assert "Beste Piet Bakker" in bericht.tekst
    assert f"/enquete/{uitnodiging.token}/" in bericht.tekst
    assert "4 juni 2026" in bericht.tekst


def test_verzenden_haalt_in_na_een_storing(time_machine):
    time_machine.move_to(om(D(2026, 5, 4), 16), tick=False)
    for i in range(3):
        contactmoment(moment=om(D(2026, 5, 1 + i), 10))

    call_command("uitnodigingen_versturen", "--op", "2026-05-10T12:00")

    assert Uitnodiging.objects.filter(status=UitnodigingStatus.VERZONDEN).count() == 3


def test_engelstalige_klant_krijgt_engelse_uitnodiging(time_machine):
    time_machine.move_to(om(D(2026, 5, 4), 16), tick=False)
    moment = contactmoment(moment=om(D(2026, 5, 4), 10), taal="en")
    services.uitnodigingen_versturen(op=om(D(2026, 5, 5), 9))

    tekst = Uitnodiging.objects.get(contactmoment=moment).bericht.tekst
    assert "We would like to hear" in tekst


def test_responspercentage_telt_verzonden_uitnodigingen(time_machine):
    time_machine.move_to(om(D(2026, 5, 4), 16), tick=False)
    for i in range(4):
        contactmoment(moment=om(D(2026, 5, 4), 10), klant_email=f"r{i}@example.nl")
    contactmoment(moment=om(D(2026, 5, 4), 10), klant_email="")  # skipped: not counted
    services.uitnodigingen_versturen(op=om(D(2026, 5, 5), 9))
    token = Uitnodiging.objects.filter(status="verzonden").first().token
    services.enquete_beantwoorden(token=token, rapportcijfer=8, op=om(D(2026, 5, 6), 9))

    rij = cijfers.totaal(van=om(D(2026, 5, 1), 0), tot=om(D(2026, 6, 1), 0))

    assert (rij.respons, rij.uitnodigingen, rij.responspercentage) == (1, 4, 25)
    assert Uitnodiging.objects.filter(status=UitnodigingStatus.OVERGESLAGEN).count() == 1


# The complaint workflow is a source of contact moments ----------------------------------------


def test_afgesloten_klacht_wordt_contactmoment_klacht_afgehandeld(
    behandelaar, categorie, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        klacht = klacht_in_status(
            Status.AFGESLOTEN, door=behandelaar, categorie=categorie, klant_email="z@example.nl"
        )

    moment = Contactmoment.objects.get(klacht=klacht)
    assert moment.soort == ContactmomentSoort.KLACHT_AFGEHANDELD
    assert (moment.afdeling, moment.behandelaar) == (klacht.afdeling, klacht.behandelaar)
    assert moment.bron == Bron.WORKFLOW
    assert moment.klant_email == "z@example.nl"
    assert moment.moment == klacht.afgesloten_op
    assert moment.uitnodiging.status == UitnodigingStatus.GEPLAND
    assert klacht.oordeel in Oordeel.values


def test_niet_ontvankelijke_klacht_wordt_contactmoment_klacht_afgewezen(
    behandelaar, categorie, django_capture_on_commit_callbacks
):
    klacht = KlachtFactory(categorie=categorie)
    with django_capture_on_commit_callbacks(execute=True):
        klacht = klachtservices.toewijzen(
            klacht=klacht, door=behandelaar, afdeling=categorie.afdeling, behandelaar=behandelaar
        )
        klachtservices.niet_ontvankelijk_verklaren(
            klacht=klacht, door=behandelaar, onderwerp="Niet ontvankelijk", tekst="Omdat."
        )

    moment = Contactmoment.objects.get(klacht=klacht)
    assert moment.soort == ContactmomentSoort.KLACHT_AFGEWEZEN


def test_uitnodiging_staat_niet_op_het_dossier(time_machine):
    time_machine.move_to(om(D(2026, 5, 4), 16), tick=False)
    contactmoment(moment=om(D(2026, 5, 4), 10))
    services.uitnodigingen_versturen(op=timezone.now() + dt.timedelta(days=1))

    assert Bericht.objects.get().klacht is None


def test_overgeslagen_uitnodigingen_worden_per_reden_geteld(time_machine, client, behandelaar):
    time_machine.move_to(om(D(2026, 5, 4), 16), tick=False)
    contactmoment(klant_email="d@example.nl", behandelaar=behandelaar)
    contactmoment(klant_email="d@example.nl", behandelaar=behandelaar)  # within 4 weeks
    contactmoment(klant_email="d@example.nl", behandelaar=behandelaar)
    contactmoment(klant_email="", behandelaar=behandelaar)
    contactmoment(klant_email="e@example.nl")  # someone else's

    assert cijfers.overgeslagen(van=om(D(2026, 4, 1), 0), tot=om(D(2026, 7, 1), 0)) == {
        RedenOvergeslagen.RECENT_UITGENODIGD: 2,
        RedenOvergeslagen.GEEN_EMAIL: 1,
    }
    client.force_login(behandelaar)
    html = client.get("/medewerker/klanttevredenheid/").content.decode()
    assert "3 contactmomenten kregen geen uitnodiging" in html
    assert "in de 4 weken ervoor al uitgenodigd (2); geen e-mailadres (1)." in html


# Who signs the invitation (issue 19) --------------------------------------------------------


def _uitnodigingstekst(moment) -> str:
    services.uitnodigingen_versturen(op=timezone.now() + dt.timedelta(days=1))
    return Uitnodiging.objects.get(contactmoment=moment).bericht.tekst


def test_uitnodiging_na_een_contact_zonder_klacht_komt_van_de_klantenservice(time_machine):
    time_machine.move_to(om(D(2026, 5, 4), 16), tick=False)
    label = standaardlabel()
    moment = contactmoment(
        moment=om(D(2026, 5, 4), 10), soort=ContactmomentSoort.VRAAG_KLANTENSERVICE
    )

    tekst = _uitnodigingstekst(moment)

    assert f"Klantenservice {label.naam}" in tekst
    assert "Klachtenservice" not in tekst
    assert "klachtenprocedure" not in tekst.lower()


def test_uitnodiging_na_een_contact_zonder_klacht_in_het_frans_zonder_klachtenprocedure(
    time_machine,
):
    time_machine.move_to(om(D(2026, 5, 4), 16), tick=False)
    moment = contactmoment(moment=om(D(2026, 5, 4), 10), taal="fr")

    tekst = _uitnodigingstekst(moment)

    assert "/klachtenprocedure/" not in tekst
    assert "procédure de plainte" not in tekst.lower()


def test_uitnodiging_na_een_afgehandelde_klacht_komt_van_de_klachtenservice(
    time_machine, behandelaar, categorie, django_capture_on_commit_callbacks
):
    time_machine.move_to(om(D(2026, 5, 4), 16), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        klacht = klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    moment = Contactmoment.objects.get(klacht=klacht)

    tekst = _uitnodigingstekst(moment)

    assert f"Klachtenservice {klacht.label.naam}" in tekst
    assert "/klachtenprocedure/" in tekst

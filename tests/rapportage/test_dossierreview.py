"""Each month the directie is offered one randomly chosen closed dossier to read; the review is
recorded (DESIGN.md section 7)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader

from klachten.kalender import AMSTERDAM
from klachten.models import Bericht
from klachten.workflow import Status
from rapportage import services, tasks
from rapportage.berichtsoorten import RapportBerichtSoort
from rapportage.models import Dossierreview, Jaarrapport, Maandrapport
from tests.factories import klacht_in_status

pytestmark = pytest.mark.django_db

D = dt.date


def om(datum: dt.date, uur: int = 10) -> dt.datetime:
    return dt.datetime.combine(datum, dt.time(uur), tzinfo=AMSTERDAM)


@pytest.fixture
def gesloten(time_machine, behandelaar, categorie):
    """Two dossiers closed in October 2026, one in September."""
    dossiers = {}
    for naam, dag in (("sep", D(2026, 9, 10)), ("okt1", D(2026, 10, 5)), ("okt2", D(2026, 10, 20))):
        time_machine.move_to(om(dag), tick=False)
        dossiers[naam] = klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    time_machine.move_to(om(D(2026, 11, 1), 6), tick=False)
    return dossiers


def test_eenmaal_per_maand_een_dossier_van_de_vorige_maand(gesloten, directie):
    review = services.dossierreview_aanbieden(op=om(D(2026, 11, 1), 6))

    assert review.klacht in (gesloten["okt1"], gesloten["okt2"])
    assert (review.jaar, review.maand) == (2026, 11)
    assert services.dossierreview_aanbieden(op=om(D(2026, 11, 2), 6)) is None
    assert Dossierreview.objects.count() == 1
    bericht = Bericht.objects.get(soort=RapportBerichtSoort.RAPPORT)
    assert bericht.aan == directie.email
    assert f"/medewerker/rapportage/dossierreview/{review.pk}/" in bericht.tekst


def test_zonder_afgesloten_dossier_in_de_vorige_maand_een_eerder(gesloten):
    review = services.dossierreview_aanbieden(op=om(D(2027, 2, 1), 6))

    assert review.klacht in gesloten.values()


def test_directie_legt_bevindingen_vast(gesloten, client, directie, teamleider):
    review = services.dossierreview_aanbieden(op=om(D(2026, 11, 1), 6))
    url = reverse("rapportage:dossierreview", kwargs={"pk": review.pk})

    client.force_login(teamleider)
    assert client.get(url).status_code == 403
    client.force_login(directie)
    pagina = client.get(url)
    assert review.klacht.dossiernummer in pagina.content.decode()
    assert client.post(url, {"opmerkingen": ""}).status_code == 200  # required
    response = client.post(url, {"opmerkingen": "Netjes binnen de termijn, helder antwoord."})

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.beoordeeld_door == directie
    assert review.opmerkingen == "Netjes binnen de termijn, helder antwoord."
    lijst = client.get(reverse("rapportage:dossierreviews")).content.decode()
    assert "Netjes binnen de termijn" in lijst


def test_dagelijkse_run_doet_alles_een_keer(gesloten, directie):
    """The real run, WeasyPrint included: October's report goes out as a PDF once, and the
    next morning adds nothing."""
    eerste = services.dagelijks_bijwerken(op=om(D(2026, 11, 1), 6))
    berichten = list(Bericht.objects.order_by("pk").values_list("pk", flat=True))
    tweede = services.dagelijks_bijwerken(op=om(D(2026, 11, 2), 6))

    assert eerste["dossierreview"] == 1
    assert eerste["maandrapporten"] == 2  # September and October 2026
    assert tweede == {"maandrapporten": 0, "dossierreview": 0, "jaarrapport_herinneringen": 0}
    assert list(Bericht.objects.order_by("pk").values_list("pk", flat=True)) == berichten
    (pdf,) = [b for b in Bericht.objects.filter(aan=directie.email) if b.bijlage]
    assert pdf.bijlage.name.endswith("maandrapportage-2026-10.pdf")
    with pdf.bijlage.open("rb") as bestand:
        tekst = PdfReader(io.BytesIO(bestand.read())).pages[0].extract_text()
    assert "oktober 2026" in tekst


def ochtendwerk() -> dict:
    """What a morning's run left behind, apart from the randomly chosen dossier."""
    return {
        "maanden": list(
            Maandrapport.objects.order_by("jaar", "maand").values_list(
                "jaar", "maand", "berekend_op", "verzonden_op"
            )
        ),
        "reviews": list(Dossierreview.objects.values_list("jaar", "maand", "aangeboden_op")),
        "herinnerd": list(
            Jaarrapport.objects.order_by("label").values_list("jaar", "label__slug", "herinnerd_op")
        ),
        "berichten": [
            (soort, aan, onderwerp.split(":")[0], created_at)  # (the dossier after the colon)
            for soort, aan, onderwerp, created_at in Bericht.objects.filter(
                soort=RapportBerichtSoort.RAPPORT
            )
            .order_by("pk")
            .values_list("soort", "aan", "onderwerp", "created_at")
        ],
    }


def test_het_commando_doet_wat_de_ochtendtaak_doet(gesloten, directie, time_machine):
    """`manage.py maandrapporten_vastleggen` runs beat's morning job itself: on 1 March every
    month since the first complaint is stored, February goes to the directie, the month's dossier
    review is offered and the directie is reminded of the unpublished yearly report; run by the
    task (rolled back) and by the command, the same things happen."""
    op = om(D(2027, 3, 1), 6)
    time_machine.move_to(op, tick=False)
    with transaction.atomic():
        door_de_taak = tasks.dagelijks_bijwerken()
        na_de_taak = ochtendwerk()
        transaction.set_rollback(True)
    assert ochtendwerk()["maanden"] == []

    uitvoer = io.StringIO()
    call_command("maandrapporten_vastleggen", stdout=uitvoer)

    assert door_de_taak == {"maandrapporten": 6, "dossierreview": 1, "jaarrapport_herinneringen": 1}
    assert ochtendwerk() == na_de_taak
    assert [(j, m) for j, m, _b, _v in na_de_taak["maanden"]] == [
        (2026, 9), (2026, 10), (2026, 11), (2026, 12), (2027, 1), (2027, 2)
    ]  # fmt: skip
    assert [v is not None for *_m, v in na_de_taak["maanden"]] == [False] * 5 + [True]
    assert na_de_taak["reviews"] == [(2027, 3, op)]
    assert na_de_taak["herinnerd"] == [(2026, gesloten["sep"].label.slug, op)]
    assert Dossierreview.objects.get().klacht in gesloten.values()
    assert {aan for _s, aan, _o, _c in na_de_taak["berichten"]} == {directie.email}
    assert len(na_de_taak["berichten"]) == 3  # the month report, the review, the reminder
    assert uitvoer.getvalue().splitlines() == [
        "6 maandrapporten vastgelegd",
        "1 dossierreview aangeboden",
        "1 herinneringen voor het jaarverslag verstuurd",
    ]


def test_bevindingen_staan_in_het_maandrapport(gesloten, client, directie, time_machine):
    review = services.dossierreview_aanbieden(op=om(D(2026, 11, 1), 6))
    services.dossierreview_vastleggen(
        review=review, door=directie, opmerkingen="Antwoord was te lang; wel op tijd."
    )
    time_machine.move_to(om(D(2026, 12, 2)), tick=False)
    client.force_login(directie)

    html = client.get(reverse("rapportage:maand", kwargs={"jaar": 2026, "maand": 11}))

    assert "Antwoord was te lang; wel op tijd." in html.content.decode()
    assert review.klacht.dossiernummer in html.content.decode()

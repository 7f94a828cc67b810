"""The product review (issue 22): per product group and half-year, the complaints per categorie
and cause with their verdicts, survey results of contact moments about the product group,
external procedures and imported rejected claims, from a hand-made dataset; frozen when signed
off (late data does not change it); the PDF; the upload with errors per line."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from klachten import services
from klachten.kalender import AMSTERDAM
from klachten.models import ExterneInstantie, Oorzaak, Productgroep, Uitkomst
from klachten.workflow import Oordeel, Status
from rapportage import productreview
from rapportage.models import AfgewezenClaims, Productreview, ProductreviewStatus
from tests.factories import CategorieFactory, klacht_in_status, respons

pytestmark = pytest.mark.django_db

D = dt.date
BERICHT = {"onderwerp": "Antwoord", "tekst": "Ons antwoord."}


def om(datum: dt.date, uur: int = 10) -> dt.datetime:
    return dt.datetime.combine(datum, dt.time(uur), tzinfo=AMSTERDAM)


def csv_bestand(tekst: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("claims.csv", tekst.encode("utf-8-sig"), content_type="text/csv")


@pytest.fixture
def zorg(db):
    # From the data migration (get_or_create: a browser test before may have emptied the tables).
    zorg, _nieuw = Productgroep.objects.get_or_create(
        code="zorg", defaults={"naam": "Zorgverzekeringen"}
    )
    return zorg


@pytest.fixture
def dataset(time_machine, zorg, behandelaar, afdeling_a, categorie):
    """First half of 2026, product group zorg (the categorie Declaratie's):
    - 3 complaints received (Feb, Mar, Apr), closed: gegrond/verwerking, gegrond/verwerking,
      ongegrond/informatie; one complaint of another categorie without a product group;
    - survey: grades 8 and 6 (NPS 9 and 5) on contact moments about zorg, 10 on another;
    - Kifid: one procedure filed in March, decided ongegrond in May;
    - rejected claims: January 40, February 35 (March-June not imported)."""
    categorie.productgroep = zorg
    categorie.save()
    ander = CategorieFactory(naam="Overig", afdeling=afdeling_a)
    verwerking = Oorzaak.objects.get(code="verwerking")
    informatie = Oorzaak.objects.get(code="informatie")

    def beantwoord(ontvangen, cat, oordeel, oorzaak):
        time_machine.move_to(om(ontvangen), tick=False)
        klacht = klacht_in_status(Status.IN_ONDERZOEK, door=behandelaar, categorie=cat)
        time_machine.move_to(om(ontvangen + dt.timedelta(days=10)), tick=False)
        klacht = services.antwoord_sturen(
            klacht=klacht, door=behandelaar, oordeel=oordeel, oorzaak=oorzaak, **BERICHT
        )
        return services.afsluiten(klacht=klacht, door=behandelaar, **BERICHT)

    eerste = beantwoord(D(2026, 2, 2), categorie, Oordeel.GEGROND, verwerking)
    beantwoord(D(2026, 3, 2), categorie, Oordeel.GEGROND, verwerking)
    beantwoord(D(2026, 4, 1), categorie, Oordeel.ONGEGROND, informatie)
    beantwoord(D(2026, 4, 1), ander, Oordeel.GEGROND, verwerking)
    time_machine.move_to(om(D(2026, 3, 10)), tick=False)
    respons(rapportcijfer=8, nps_score=9, productgroep=zorg)
    respons(rapportcijfer=6, nps_score=5, productgroep=zorg)
    respons(rapportcijfer=10, nps_score=10)
    services.externe_procedure_vastleggen(
        klacht=eerste,
        door=behandelaar,
        instantie=ExterneInstantie.objects.get(code="kifid"),
        ingediend_datum=D(2026, 3, 1),
        uitkomst=Uitkomst.ONGEGROND,
        beslist_datum=D(2026, 5, 20),
    )
    verslag = productreview.afgewezen_claims_importeren(
        inhoud=b"productgroep;maand;afgewezen\nzorg;2026-01;40\nzorg;2026-02;35\n",
        door=None,
    )
    assert verslag.fouten == []
    assert verslag.opgeslagen == 2
    time_machine.move_to(om(D(2026, 7, 15)), tick=False)
    return {"eerste": eerste}


def test_cijfers_tegen_een_handberekening(dataset, zorg):
    c = productreview.cijfers(zorg, 2026, 1)
    assert (c["ontvangen"], c["afgesloten"]) == (3, 3)
    assert c["per_categorie"] == [{"categorie": "Declaratie", "aantal": 3}]
    assert c["oordelen"] == ["Gegrond", "Ongegrond"]
    verwerking, informatie = (
        Oorzaak.objects.get(code=c).naam for c in ("verwerking", "informatie")
    )
    assert c["per_oorzaak"] == [
        {"categorie": "Declaratie", "oorzaak": verwerking, "oordelen": [2, 0], "totaal": 2},
        {"categorie": "Declaratie", "oorzaak": informatie, "oordelen": [0, 1], "totaal": 1},
    ]
    # Grades 8 and 6: average 7.0; NPS: one promoter, one detractor of two: 0.
    assert c["kto"]["respons"] == 2
    assert c["kto"]["gemiddelde"] == "7.0"
    assert c["kto"]["nps"] == 0
    assert c["extern"]["ingediend"] == 1
    kifid = ExterneInstantie.objects.get(code="kifid").naam
    assert c["extern"]["beslist"] == [{"instantie": kifid, "uitkomst": "Ongegrond", "aantal": 1}]
    assert [m["aantal"] for m in c["afgewezen_claims"]] == [40, 35, None, None, None, None]
    assert c["afgewezen_claims_totaal"] == 75


def test_vastgesteld_verandert_niet_door_late_gegevens(dataset, zorg, directie, client):
    client.force_login(directie)
    url = reverse("rapportage:productreview", args=["zorg", 2026, 1])
    client.post(url, {"stap": "conclusie", "conclusie": "Declaraties lopen vast in de verwerking."})
    assert client.post(url, {"stap": "vaststellen"}).status_code == 302
    review = Productreview.objects.get(productgroep=zorg, jaar=2026, helft=1)
    assert review.status == ProductreviewStatus.VASTGESTELD
    assert review.cijfers["conclusie"] == "Declaraties lopen vast in de verwerking."

    # Late data: a corrected claims import for February and a late survey response.
    productreview.afgewezen_claims_importeren(
        inhoud=b"productgroep;maand;afgewezen\nzorg;2026-02;99\n", door=None
    )
    assert AfgewezenClaims.objects.get(productgroep=zorg, jaar=2026, maand=2).aantal == 99
    assert productreview.cijfers(zorg, 2026, 1)["afgewezen_claims_totaal"] == 139
    pagina = client.get(url)
    assert pagina.context["c"]["afgewezen_claims_totaal"] == 75
    assert pagina.context["w"].bevroren
    inhoud = pagina.content.decode()
    assert "Vastgesteld op" in inhoud
    assert "Declaraties lopen vast" in inhoud
    # Nothing changes any more.
    client.post(url, {"stap": "conclusie", "conclusie": "Anders."})
    review.refresh_from_db()
    assert review.conclusie == "Declaraties lopen vast in de verwerking."
    with pytest.raises(productreview.ReviewVastgesteld):
        productreview.vaststellen(productgroep=zorg, jaar=2026, helft=1, door=directie)


def test_verbeteractie_bij_de_review(dataset, zorg, client, teamleider, directie):
    directie.groups.add(*teamleider.groups.all())  # a directie member who also leads a team
    client.force_login(directie)
    url = reverse("rapportage:productreview", args=["zorg", 2026, 1])
    antwoord = client.post(
        url,
        {
            "stap": "actie",
            "omschrijving": "Declaratieformulier vereenvoudigen",
            "eigenaar": teamleider.pk,
            "streefdatum": "2026-10-01",
        },
    )
    assert antwoord.status_code == 302
    review = Productreview.objects.get(productgroep=zorg, jaar=2026, helft=1)
    assert [v.omschrijving for v in review.verbeterpunten.all()] == [
        "Declaratieformulier vereenvoudigen"
    ]
    productreview.vaststellen(productgroep=zorg, jaar=2026, helft=1, door=directie)
    review.refresh_from_db()
    assert review.cijfers["verbeterpunten"][0]["omschrijving"] == (
        "Declaratieformulier vereenvoudigen"
    )


def test_pdf(dataset, zorg, directie, client):
    client.force_login(directie)
    antwoord = client.get(reverse("rapportage:productreview-pdf", args=["zorg", 2026, 1]))
    assert antwoord["Content-Type"] == "application/pdf"
    tekst = "".join(p.extract_text() for p in PdfReader(io.BytesIO(antwoord.content)).pages)
    assert "Productreview Zorgverzekering" in tekst
    assert "Afgewezen claims" in tekst


def test_alleen_directie_en_beheer(dataset, behandelaar, client):
    client.force_login(behandelaar)
    assert (
        client.get(reverse("rapportage:productreview", args=["zorg", 2026, 1])).status_code == 403
    )
    assert client.get(reverse("rapportage:afgewezen-claims")).status_code == 403


def test_upload_met_fouten_per_regel_slaat_niets_op(zorg, directie, client, time_machine):
    time_machine.move_to(om(D(2026, 7, 15)), tick=False)
    client.force_login(directie)
    url = reverse("rapportage:afgewezen-claims")
    bestand = csv_bestand(
        "productgroep;maand;afgewezen\n"
        "zorg;2026-01;40\n"
        "reis;2026-01;3\n"
        "zorg;2026-13;4\n"
        "zorg;2026-02;-1\n"
        "zorg;2026-01;41\n"
        "zorg;2027-01;5\n"
    )
    antwoord = client.post(url, {"bestand": bestand})
    assert antwoord.status_code == 400
    fouten = dict(antwoord.context["verslag"].fouten)
    assert set(fouten) == {3, 4, 5, 6, 7}
    assert "Onbekende productgroep: reis" in fouten[3]
    assert "2026-03" in fouten[4]  # the expected form of a month
    assert "Niet negatief" in fouten[5]
    assert "regel 2" in fouten[6]
    assert "toekomst" in fouten[7]
    assert not AfgewezenClaims.objects.exists()
    inhoud = antwoord.content.decode()
    assert "er is niets opgeslagen" in inhoud

    goed = csv_bestand("Productgroep,Maand,Aantal\nzorg,2026-03,12\n")
    assert client.post(url, {"bestand": goed}).status_code == 302
    assert AfgewezenClaims.objects.get(productgroep=zorg, jaar=2026, maand=3).aantal == 12


def test_upload_zonder_kolom(zorg, directie, client):
    client.force_login(directie)
    antwoord = client.post(
        reverse("rapportage:afgewezen-claims"), {"bestand": csv_bestand("productgroep;maand\n")}
    )
    assert antwoord.status_code == 400
    assert "afgewezen" in antwoord.context["verslag"].fouten[0][1]


def test_contactmoment_uit_een_klacht_krijgt_haar_productgroep(zorg, categorie, behandelaar):
    from klanttevredenheid import services as kto

    categorie.productgroep = zorg
    categorie.save()
    klacht = klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    moment = kto.contactmoment_uit_klacht(klacht_id=klacht.pk)
    assert moment.productgroep == zorg


def test_index(zorg, directie, client):
    client.force_login(directie)
    pagina = client.get(reverse("rapportage:productreviews")).content.decode()
    assert "Zorgverzekering" in pagina
    assert reverse("rapportage:afgewezen-claims") in pagina


def test_de_csv_imports_dragen_de_productgroep(zorg, tmp_path, time_machine, label):
    """Contact moments (and an external bureau's responses) say which product group they were
    about: the product review counts their survey results."""
    from django.core.management import call_command

    from klanttevredenheid.models import Contactmoment, Respons

    time_machine.move_to(om(D(2026, 6, 15)), tick=False)
    momenten = tmp_path / "contactmomenten.csv"
    momenten.write_text(
        "soort;moment;klant_email;productgroep\n"
        "vraag_klantenservice;2026-06-14T10:00;a@example.nl;zorg\n"
        "vraag_klantenservice;2026-06-14T11:00;b@example.nl;bestaat-niet\n",
        encoding="utf-8",
    )
    fout = io.StringIO()
    call_command("contactmomenten_importeren", str(momenten), stdout=io.StringIO(), stderr=fout)
    assert Contactmoment.objects.get().productgroep == zorg
    assert "Regel 3: productgroep: Onbekende productgroep: bestaat-niet." in fout.getvalue()

    extern = tmp_path / "extern.csv"
    extern.write_text(
        "klantreferentie;datum;soort;cijfer;product\nA;2026-05-01;schade;4;zorg\n",
        encoding="utf-8",
    )
    call_command(
        "enquete_extern_importeren",
        str(extern),
        "--label",
        label.slug,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    respons = Respons.objects.get(contactmoment__bron="extern")
    assert respons.contactmoment.productgroep == zorg
    assert productreview.cijfers(zorg, 2026, 1)["kto"]["gemiddelde"] == "4.0"


def test_de_pagina_telt_in_een_vast_aantal_queries(
    dataset, zorg, directie, client, categorie, behandelaar, time_machine
):
    """The figures are grouped queries: more complaints, responses or actions, the same count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(directie)
    url = reverse("rapportage:productreview", args=["zorg", 2026, 1])
    client.get(url)
    with CaptureQueriesContext(connection) as eerst:
        assert client.get(url).status_code == 200
    time_machine.move_to(om(D(2026, 3, 3)), tick=False)
    for _i in range(3):
        klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    time_machine.move_to(om(D(2026, 7, 15)), tick=False)
    with CaptureQueriesContext(connection) as daarna:
        assert client.get(url).status_code == 200
    assert client.get(url).context["c"]["afgesloten"] == 6
    assert len(daarna) == len(eerst)
    assert len(eerst) <= 40

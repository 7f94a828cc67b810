"""The yearly complaint report: the sum of its months, drafted and published by the directie,
frozen at publication, public per label, with a reminder in March (DESIGN.md section 7)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klachten.kalender import AMSTERDAM
from klachten.models import Bericht
from klachten.workflow import Status
from rapportage import maandrapport, services
from rapportage.berichtsoorten import RapportBerichtSoort
from rapportage.models import Jaarrapport, JaarrapportStatus
from tests.factories import KlachtFactory, LabelFactory, klacht_in_status, standaardlabel

pytestmark = pytest.mark.django_db

D = dt.date


def om(datum: dt.date, uur: int = 10) -> dt.datetime:
    return dt.datetime.combine(datum, dt.time(uur), tzinfo=AMSTERDAM)


@pytest.fixture
def jaar_2025(time_machine, behandelaar, categorie):
    """Three complaints in 2025: one closed in March, one closed in December, one received in
    November and still open at the end of the year."""
    time_machine.move_to(om(D(2025, 3, 3)), tick=False)
    klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    time_machine.move_to(om(D(2025, 12, 1)), tick=False)
    klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    time_machine.move_to(om(D(2025, 11, 20)), tick=False)
    KlachtFactory(categorie=categorie)
    time_machine.move_to(om(D(2026, 1, 2)), tick=False)


def test_jaar_is_de_som_van_de_maanden_met_open_klachten_aan_het_eind(jaar_2025):
    jaar = maandrapport.jaaroverzicht(2025)

    assert (jaar.totaal.ontvangen, jaar.totaal.afgesloten, jaar.totaal.open_einde) == (3, 2, 1)
    assert sum(f.ontvangen for _m, f in jaar.per_maand) == 3
    assert [m for m, _f in jaar.per_maand] == list(range(1, 13))


def test_directie_publiceert_en_de_cijfers_staan_daarna_vast(
    jaar_2025, client, directie, time_machine, behandelaar, categorie
):
    client.force_login(directie)
    url = reverse("rapportage:jaar", kwargs={"jaar": 2025})

    publiceren = reverse("rapportage:jaar-publiceren", kwargs={"jaar": 2025})

    client.post(url, {"toelichting": "", "voorbeeld": "1"})
    response = client.get(publiceren)
    assert response.status_code == 302  # explanation first
    assert Jaarrapport.objects.get().status == JaarrapportStatus.CONCEPT
    client.post(url, {"toelichting": "Minder klachten over declaraties.", "voorbeeld": "1"})
    versie = client.get(publiceren).context["versie"]
    client.post(publiceren, {"versie": versie})

    rapport = Jaarrapport.objects.get()
    assert rapport.status == JaarrapportStatus.GEPUBLICEERD
    assert rapport.gepubliceerd_door == directie
    # A complaint of 2025 registered late does not change the published report.
    KlachtFactory(categorie=categorie, ontvangen_op=om(D(2025, 6, 1)))
    publiek = client.get(
        reverse("rapportage:publiek-label", kwargs={"label_slug": rapport.label.slug})
    )
    html = publiek.content.decode()
    assert publiek.status_code == 200
    assert "Minder klachten over declaraties." in html
    assert 'data-cijfer="ontvangen">3<' in html
    assert 'data-cijfer="open_einde">1<' in html
    assert maandrapport.jaaroverzicht(2025).totaal.ontvangen == 3  # stored months stay too
    response = client.post(url, {"toelichting": "Anders."})
    assert Jaarrapport.objects.get().toelichting == "Minder klachten over declaraties."
    assert response.status_code == 302


def test_een_lopend_jaar_kan_niet_gepubliceerd_worden(jaar_2025, directie):
    rapport = services.jaarrapport_voor(jaar=2026, label=standaardlabel())
    rapport = services.jaarrapport_bewerken(jaarrapport=rapport, door=directie, toelichting="Tekst")

    with pytest.raises(services.JaarrapportFout):
        services.jaarrapport_publiceren(jaarrapport=rapport, door=directie)


def test_alleen_directie_en_beheerder_zien_het_concept(
    client, label, teamleider, behandelaar, beheerder
):
    url = reverse("rapportage:jaar", kwargs={"jaar": 2025})
    for gebruiker, verwacht in ((teamleider, 403), (behandelaar, 403), (beheerder, 200)):
        client.force_login(gebruiker)
        assert client.get(url).status_code == verwacht
    assert client.post(url, {"toelichting": "x"}).status_code == 403  # beheerder reads only


def test_publieke_pagina_zonder_gepubliceerd_jaar(client):
    label = LabelFactory()
    response = client.get(reverse("rapportage:publiek-label", kwargs={"label_slug": label.slug}))
    assert "nog geen klachtenjaarverslag gepubliceerd" in response.content.decode()
    jaar = client.get(
        reverse("rapportage:publiek-jaar", kwargs={"label_slug": label.slug, "jaar": 2025})
    )
    assert jaar.status_code == 404


def test_herinnering_in_maart_eenmaal_per_label(jaar_2025, directie, time_machine):
    LabelFactory()  # a second label, also without a published report
    assert services.jaarrapporten_herinneren(op=om(D(2026, 2, 27))) == 0

    assert services.jaarrapporten_herinneren(op=om(D(2026, 3, 2))) == 2
    assert services.jaarrapporten_herinneren(op=om(D(2026, 3, 3))) == 0

    berichten = Bericht.objects.filter(soort=RapportBerichtSoort.RAPPORT)
    assert berichten.count() == 2
    assert all(b.aan == directie.email for b in berichten)
    assert "vóór 1 april" in berichten.first().tekst


def test_gepubliceerd_jaar_krijgt_geen_herinnering(jaar_2025, directie):
    rapport = services.jaarrapport_bewerken(
        jaarrapport=services.jaarrapport_voor(jaar=2025, label=standaardlabel()),
        door=directie,
        toelichting="Klaar.",
    )
    services.jaarrapport_publiceren(jaarrapport=rapport, door=directie, op=om(D(2026, 2, 10)))

    assert services.jaarrapporten_herinneren(op=om(D(2026, 3, 2))) == 0


def test_jaarverslag_als_pdf_voor_directie_en_publiek(jaar_2025, client, directie):
    import io

    from pypdf import PdfReader

    client.force_login(directie)
    concept = client.get(reverse("rapportage:jaar-pdf", kwargs={"jaar": 2025}))
    assert concept.content.startswith(b"%PDF")
    assert "concept" in PdfReader(io.BytesIO(concept.content)).pages[0].extract_text()

    rapport = services.jaarrapport_bewerken(
        jaarrapport=services.jaarrapport_voor(jaar=2025, label=standaardlabel()),
        door=directie,
        toelichting="Een rustig jaar.",
    )
    services.jaarrapport_publiceren(jaarrapport=rapport, door=directie)
    client.logout()
    publiek = client.get(
        reverse(
            "rapportage:publiek-jaar-pdf", kwargs={"label_slug": rapport.label.slug, "jaar": 2025}
        )
    )

    assert publiek.status_code == 200
    assert publiek["Content-Type"] == "application/pdf"
    tekst = "".join(p.extract_text() for p in PdfReader(io.BytesIO(publiek.content)).pages)
    assert "Klachtenjaarverslag 2025" in tekst
    assert "Een rustig jaar." in tekst


def test_jaarpagina_en_publieke_pagina_houden_hun_aantal_queries(
    client, directie, time_machine, behandelaar, categorie
):
    """The year's pages read the stored months: their queries do not grow with the complaints.
    Two published years, one complaint in 2024 and eleven in 2025, cost the same queries."""
    aantallen = {2024: 1, 2025: 11}
    for jaar, aantal in aantallen.items():
        time_machine.move_to(om(D(jaar, 6, 2)), tick=False)
        for _i in range(aantal):
            klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    time_machine.move_to(om(D(2026, 1, 3)), tick=False)
    label = standaardlabel()
    for jaar in aantallen:
        rapport = services.jaarrapport_bewerken(
            jaarrapport=services.jaarrapport_voor(jaar=jaar, label=label),
            door=directie,
            toelichting=f"Toelichting {jaar}.",
        )
        services.jaarrapport_publiceren(jaarrapport=rapport, door=directie)

    def queries(jaar: int) -> tuple[int, int]:
        client.force_login(directie)
        with CaptureQueriesContext(connection) as intern:
            jaarpagina = client.get(reverse("rapportage:jaar", kwargs={"jaar": jaar}))
        client.logout()
        with CaptureQueriesContext(connection) as extern:
            publiek = client.get(
                reverse("rapportage:publiek-jaar", kwargs={"label_slug": label.slug, "jaar": jaar})
            )
        for response in (jaarpagina, publiek):
            html = response.content.decode()
            assert response.status_code == 200
            assert f"Toelichting {jaar}." in html
            assert f'data-cijfer="ontvangen">{aantallen[jaar]}<' in html
        return len(intern), len(extern)

    queries(2024)  # the process's first public page reads the configuration (configuratie)
    klein, groot = queries(2024), queries(2025)
    assert klein == groot
    assert max(klein) <= 20


def test_dossierreviewlijst_houdt_haar_aantal_queries(
    client, directie, behandelaar, categorie, django_assert_max_num_queries, time_machine
):
    from rapportage.models import Dossierreview

    client.force_login(directie)
    for maand in range(1, 7):
        time_machine.move_to(om(D(2026, maand, 2)), tick=False)
        klacht = klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
        Dossierreview.objects.create(
            jaar=2026, maand=maand, klacht=klacht, aangeboden_op=om(D(2026, maand, 2))
        )
    with django_assert_max_num_queries(8):
        response = client.get(reverse("rapportage:dossierreviews"))
    assert response.content.decode().count("nog te doen") == 6

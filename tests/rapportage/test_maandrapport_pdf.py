"""The month report's PDF starts with its title, key figures and the figures per afdeling on the
first page, also when that table is nearly a page tall (issue 19: "the month report's PDF does
not start with a mostly blank page")."""

import io

import pytest
from pypdf import PdfReader

from klachten.workflow import Status
from rapportage import exports
from rapportage.maandrapport import maandoverzicht
from tests.factories import AfdelingFactory, CategorieFactory, KlachtFactory, klacht_in_status
from tests.rapportage.test_exports import NA_OKTOBER, om

pytestmark = pytest.mark.django_db


@pytest.fixture
def vijf_drukke_afdelingen(time_machine, behandelaar):
    """Five afdelingen with long names, each with every kind of deadline in October: the figures
    table has a base under four percentages in six columns and a three-line header; the title
    block names all five."""
    afdelingen = []
    for i in range(5):
        afdeling = AfdelingFactory(naam=f"Afdeling met een lange naam {i}", code=f"afd{i}")
        categorie = CategorieFactory(naam=f"Categorie {i}", code=f"cat{i}", afdeling=afdeling)
        behandelaar.afdelingen.add(afdeling)
        afdelingen.append(afdeling.pk)
        time_machine.move_to(om(25, maand=8), tick=False)
        KlachtFactory(categorie=categorie)  # its answer is due in October, and late
        time_machine.move_to(om(10, maand=9), tick=False)
        KlachtFactory(categorie=categorie)
        time_machine.move_to(om(1), tick=False)
        KlachtFactory(categorie=categorie)
        time_machine.move_to(om(3), tick=False)
        klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
        klacht_in_status(Status.BEANTWOORD, door=behandelaar, categorie=categorie)
    time_machine.move_to(NA_OKTOBER, tick=False)
    return afdelingen


def test_eerste_pagina_van_de_pdf_heeft_titel_kerncijfers_en_de_cijfertabel(
    label, vijf_drukke_afdelingen
):
    pdf = exports.maandrapport_pdf(
        maandoverzicht(2026, 10), label=label, afdelingen=vijf_drukke_afdelingen
    )

    paginas = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    eerste = paginas[0]
    assert "Maandrapportage klachten\noktober 2026" in eerste
    assert "Kerncijfers" in eerste
    assert "Cijfers per afdeling" in eerste
    assert "Ontvangen 3 3 3 3 3 15" in eerste  # the table's first figure
    assert "NPS" + " \u2013" * 6 in eerste  # and its last (no data: a dash): the whole table
    # No page left with a scrap of the table: the next page starts the next part.
    assert paginas[1].startswith("Uitkomsten en verdeling")

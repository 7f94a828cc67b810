"""The outbox's registry of message kinds: each app declares its own kinds and default templates
(issue 16); the outbox names none of the other apps' kinds itself."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.urls import reverse

from klachten import berichten
from klachten.models import Bericht, Berichtsjabloon, Kanaal
from klachten.workflow import BerichtSoort
from klanttevredenheid.berichtsoorten import KtoBerichtSoort
from rapportage.berichtsoorten import RapportBerichtSoort
from tests.factories import KlachtFactory

pytestmark = pytest.mark.django_db


def test_een_soort_van_klanttevredenheid_staat_in_de_keuzes_van_elk_berichtveld():
    keuzes = dict(berichten.soort_keuzes())

    assert keuzes[KtoBerichtSoort.KTO_UITNODIGING] == "Uitnodiging klanttevredenheidsonderzoek"
    assert keuzes[RapportBerichtSoort.RAPPORT] == "Rapportage aan het management"
    assert keuzes[BerichtSoort.ONTVANGSTBEVESTIGING] == "Ontvangstbevestiging"
    for model in (Bericht, Berichtsjabloon):
        veld = model._meta.get_field("soort")
        assert dict(veld.formfield().choices)[KtoBerichtSoort.KTO_SIGNAAL] == (
            "Lage score in het klanttevredenheidsonderzoek"
        )
    bericht = Bericht(soort=KtoBerichtSoort.KTO_SIGNAAL)
    assert bericht.get_soort_display() == "Lage score in het klanttevredenheidsonderzoek"


def test_klachten_declareert_alleen_de_eigen_soorten():
    van_andere_apps = {*KtoBerichtSoort.values, *RapportBerichtSoort.values}

    assert van_andere_apps.isdisjoint(BerichtSoort.values)
    assert van_andere_apps <= {code for code, _naam in berichten.soort_keuzes()}


def test_het_standaardsjabloon_van_een_soort_van_klanttevredenheid_wordt_ingericht():
    Berichtsjabloon.objects.filter(soort=KtoBerichtSoort.KTO_UITNODIGING).delete()

    assert berichten.berichtsjablonen_inrichten() == 3

    talen = Berichtsjabloon.objects.filter(soort=KtoBerichtSoort.KTO_UITNODIGING)
    assert sorted(talen.values_list("taal", flat=True)) == ["en", "fr", "nl"]
    (bestand,) = (
        j.bestand
        for j in berichten.standaardjablonen()
        if (j.soort, j.taal) == (KtoBerichtSoort.KTO_UITNODIGING, "nl")
    )
    assert bestand.parent.parent.parent.name == "klanttevredenheid"
    onderwerp = bestand.read_text(encoding="utf-8").partition("\n")[0].strip()
    assert talen.get(taal="nl").onderwerp == onderwerp


def test_interne_soorten_van_elke_app_staan_niet_op_de_statuspagina(client, categorie):
    klacht = KlachtFactory(categorie=categorie, kanaal=Kanaal.TELEFOON)
    verstuurd = {
        soort: berichten.bericht_versturen(
            klacht=klacht,
            soort=soort,
            onderwerp=f"Onderwerp van {soort}",
            tekst="Tekst.",
            door=None,
            aan="team@example.nl",
        )
        for soort in (
            KtoBerichtSoort.KTO_SIGNAAL,
            RapportBerichtSoort.RAPPORT,
            BerichtSoort.TERMIJNSIGNAAL,
            BerichtSoort.STATUSLINK,
        )
    }

    inhoud = client.get(reverse("klachten:status", args=[klacht.status_token])).content.decode()

    assert berichten.interne_soorten() >= {
        KtoBerichtSoort.KTO_SIGNAAL,
        RapportBerichtSoort.RAPPORT,
        BerichtSoort.TERMIJNSIGNAAL,
    }
    assert not berichten.is_intern(KtoBerichtSoort.KTO_UITNODIGING)
    for soort, bericht in verstuurd.items():
        assert (bericht.onderwerp in inhoud) is (soort == BerichtSoort.STATUSLINK)


def test_een_code_is_een_soort_die_geen_tweede_app_kan_claimen():
    class Dubbel(models.TextChoices):
        RAPPORT = "rapport", "Een ander rapport"

    with pytest.raises(ImproperlyConfigured, match="rapport"):
        berichten.soorten_registreren(Dubbel, jablonen=Path("elders"))

    assert dict(berichten.soort_keuzes())["rapport"] == "Rapportage aan het management"

"""The teamleider classifies the complaints that came in by e-mail without categorie and afdeling
(issue 17): every teamleider sees them, a klachtbehandelaar only once classified; one by one from
the dossier or several at once from the queue's "te classificeren" tab."""

import datetime as dt

import pytest
from django.urls import reverse

from klachten import rollen, selectors, services
from klachten.kalender import AMSTERDAM
from klachten.models import Gebeurtenis, GebeurtenisSoort, Kanaal, Klacht
from klachten.workflow import GewijzigdIntussen, WorkflowFout
from tests.factories import AfdelingFactory, MedewerkerFactory

pytestmark = pytest.mark.django_db


def _per_email(label, naam="Sanne de Wit"):
    return services.klacht_registreren(
        label=label,
        kanaal=Kanaal.EMAIL,
        klant_naam=naam,
        klant_email="sanne@example.nl",
        categorie=None,
        omschrijving="Mijn declaratie is al zes weken niet betaald.",
        ontvangen_op=dt.datetime(2026, 10, 14, 9, 0, tzinfo=AMSTERDAM),
    )


@pytest.fixture
def per_email(label):
    return _per_email(label)


def test_elke_teamleider_ziet_haar_een_behandelaar_pas_na_classificatie(
    per_email, teamleider, behandelaar, categorie
):
    andere_teamleider = MedewerkerFactory(
        rollen=[rollen.TEAMLEIDER], afdelingen=[AfdelingFactory()]
    )
    for gebruiker in (teamleider, andere_teamleider):
        assert selectors.klachten_voor(gebruiker).filter(pk=per_email.pk).exists()
    assert not selectors.klachten_voor(behandelaar).filter(pk=per_email.pk).exists()

    services.klacht_classificeren(
        klacht=per_email, door=andere_teamleider, categorie=categorie, versie=per_email.versie
    )
    assert selectors.klachten_voor(behandelaar).filter(pk=per_email.pk).exists()
    assert not selectors.klachten_voor(andere_teamleider).filter(pk=per_email.pk).exists()


def test_de_tabtellingen_tellen_de_te_classificeren_mee_voor_de_teamleider(per_email, teamleider):
    assert selectors.aantallen_in_werkvoorraad(teamleider) == selectors.aantallen_per_status(
        selectors.werkvoorraad(teamleider)
    )
    assert selectors.aantallen_in_werkvoorraad(teamleider).open == 1
    assert selectors.aantal_te_classificeren(teamleider) == 1


def test_termijnsignalen_zonder_afdeling_gaan_naar_elke_teamleider(teamleider, afdeling_b):
    tweede = MedewerkerFactory(rollen=[rollen.TEAMLEIDER], afdelingen=[afdeling_b])
    MedewerkerFactory(rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling_b])
    assert set(selectors.teamleiders(None)) == {teamleider, tweede}
    assert selectors.teamleiders(afdeling_b.pk) == [tweede]


def test_classificeren_zet_categorie_standaardafdeling_en_tijdlijn(
    per_email, teamleider, categorie
):
    klacht = services.klacht_classificeren(
        klacht=per_email, door=teamleider, categorie=categorie, versie=per_email.versie
    )
    klacht.refresh_from_db()
    assert (klacht.categorie, klacht.afdeling) == (categorie, categorie.afdeling)
    assert klacht.versie == per_email.versie + 1
    notitie = Gebeurtenis.objects.get(klacht=klacht, soort=GebeurtenisSoort.TOEWIJZING)
    assert "Declaratie" in notitie.tekst
    assert notitie.door == teamleider
    # Once is enough; a stale version is refused.
    with pytest.raises(WorkflowFout, match="al een categorie"):
        services.klacht_classificeren(klacht=klacht, door=teamleider, categorie=categorie)
    with pytest.raises(GewijzigdIntussen):
        services.klacht_classificeren(
            klacht=_per_email(per_email.label), door=teamleider, categorie=categorie, versie=0
        )


def test_een_behandelaar_classificeert_niet(per_email, behandelaar, categorie):
    with pytest.raises(WorkflowFout):
        services.klacht_classificeren(klacht=per_email, door=behandelaar, categorie=categorie)


def test_classificeren_vanuit_het_dossier(client, per_email, teamleider, categorie, afdeling_b):
    client.force_login(teamleider)
    dossier = reverse("klachten:dossier", kwargs={"dossiernummer": per_email.dossiernummer})
    actie = reverse(
        "klachten:actie",
        kwargs={"dossiernummer": per_email.dossiernummer, "actie": "classificeren"},
    )
    assert actie in client.get(dossier).content.decode()
    assert client.get(actie).status_code == 200
    antwoord = client.post(
        actie, {"versie": per_email.versie, "categorie": categorie.pk, "afdeling": afdeling_b.pk}
    )
    # Classified into an afdeling the teamleider does not lead: back to the queue.
    assert antwoord.status_code == 302
    per_email.refresh_from_db()
    assert (per_email.categorie, per_email.afdeling) == (categorie, afdeling_b)


def test_de_tab_en_meerdere_tegelijk_classificeren(client, label, teamleider, categorie):
    eerste, tweede = _per_email(label, "Eerste Klant"), _per_email(label, "Tweede Klant")
    client.force_login(teamleider)
    werkvoorraad = reverse("klachten:werkvoorraad")
    pagina = client.get(werkvoorraad).content.decode()
    assert "Te classificeren" in pagina
    tab = client.get(werkvoorraad, {"te_classificeren": "true"}).content.decode()
    assert 'id="form-classificeren"' in tab
    assert f'name="classificeren-klachten" value="{eerste.pk}"' in tab
    assert f'value="{tweede.pk}"' in tab

    # The second is classified meanwhile from its dossier: refused with a message of its own.
    services.klacht_classificeren(klacht=tweede, door=teamleider, categorie=categorie)
    antwoord = client.post(
        reverse("klachten:classificeren"),
        {
            "classificeren-klachten": [eerste.pk, tweede.pk],
            "classificeren-categorie": categorie.pk,
        },
        follow=True,
    )
    meldingen = [str(m) for m in antwoord.context["messages"]]
    assert "1 klacht is geclassificeerd." in meldingen
    assert any(
        m.startswith(f"Klacht {tweede.dossiernummer} is niet geclassificeerd") for m in meldingen
    )
    assert Klacht.objects.get(pk=eerste.pk).afdeling == categorie.afdeling


def test_een_behandelaar_heeft_geen_tab_en_mag_niet_posten(
    client, behandelaar, per_email, categorie
):
    client.force_login(behandelaar)
    assert "Te classificeren" not in client.get(reverse("klachten:werkvoorraad")).content.decode()
    client.post(
        reverse("klachten:classificeren"),
        {"classificeren-klachten": [per_email.pk], "classificeren-categorie": categorie.pk},
    )
    assert Klacht.objects.get(pk=per_email.pk).categorie is None


def test_zonder_categorie_zegt_de_melding_welk_veld(client, per_email, teamleider):
    client.force_login(teamleider)
    antwoord = client.post(
        reverse("klachten:classificeren"), {"classificeren-klachten": [per_email.pk]}, follow=True
    )
    meldingen = [str(m) for m in antwoord.context["messages"]]
    assert any(m.startswith("Categorie: ") for m in meldingen)
    assert Klacht.objects.get(pk=per_email.pk).categorie is None

"""Who sees what: a klachtbehandelaar the complaints of their own afdeling(en), directie everything,
others nothing (issue 2, acceptance 6; DESIGN.md section 10)."""

import pytest
from django.urls import reverse

from klachten import rollen, selectors
from klachten.models import Bericht, Kanaal, Klacht
from tests.api import api_sleutel_kop, api_toegang
from tests.factories import KlachtFactory, MedewerkerFactory, pdf_bestand

pytestmark = pytest.mark.django_db


@pytest.fixture
def klacht_a(label, categorie):
    return KlachtFactory(categorie=categorie, klant_naam="Klant Van A", bijlagen=[pdf_bestand()])


@pytest.fixture
def klacht_b(label, categorie_b):
    return KlachtFactory(
        categorie=categorie_b, klant_naam="Klant Van B", bijlagen=[pdf_bestand("b.pdf")]
    )


def dossier(klacht):
    return reverse("klachten:dossier", args=[klacht.dossiernummer])


def bevestigen(klacht):
    return reverse("klachten:actie", args=[klacht.dossiernummer, "ontvangst-bevestigen"])


def bijlage(klacht):
    return reverse("klachten:bijlage", args=[klacht.bijlagen.get().pk])


def api(klacht):
    return f"/api/v1/klachten/{klacht.dossiernummer}/"


def test_behandelaar_ziet_de_klacht_van_de_eigen_afdeling(behandelaar_client, klacht_a):
    pagina = behandelaar_client.get(dossier(klacht_a))
    assert pagina.status_code == 200
    html = pagina.content.decode()
    assert klacht_a.dossiernummer in html
    assert "Klant Van A" in html
    assert klacht_a.omschrijving in html

    actie = behandelaar_client.get(bevestigen(klacht_a))
    assert actie.status_code == 200
    assert klacht_a.dossiernummer in actie.content.decode()

    download = behandelaar_client.get(bijlage(klacht_a))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bestand().read()


@pytest.mark.parametrize(
    "url", [dossier, bevestigen, bijlage], ids=["dossier", "bevestigen", "bijlage"]
)
def test_behandelaar_krijgt_404_voor_een_klacht_van_een_andere_afdeling(
    behandelaar_client, klacht_b, url
):
    response = behandelaar_client.get(url(klacht_b))

    assert response.status_code == 404
    assert "Klant Van B" not in response.content.decode()


def test_behandelaar_kan_geen_ontvangst_bevestigen_van_een_andere_afdeling(
    behandelaar_client, klacht_b
):
    response = behandelaar_client.post(
        bevestigen(klacht_b), {"onderwerp": "Ontvangen", "tekst": "We hebben uw klacht."}
    )

    assert response.status_code == 404
    assert not Bericht.objects.exists()


def test_api_geeft_404_voor_een_klacht_van_een_andere_afdeling(
    client, behandelaar, klacht_a, klacht_b
):
    kop = api_toegang(client, behandelaar)

    assert client.get(api(klacht_a), **kop).status_code == 200
    assert client.get(api(klacht_b), **kop).status_code == 404


def test_overzicht_toont_alleen_klachten_van_de_eigen_afdeling(
    behandelaar_client, klacht_a, klacht_b
):
    response = behandelaar_client.get(reverse("klachten:werkvoorraad"))

    inhoud = response.content.decode()
    assert response.status_code == 200
    assert klacht_a.dossiernummer in inhoud
    assert klacht_b.dossiernummer not in inhoud
    assert [k.pk for k in response.context["pagina"]] == [klacht_a.pk]


def test_behandelaar_van_twee_afdelingen_ziet_beide(
    client, afdeling_a, afdeling_b, klacht_a, klacht_b
):
    beide = MedewerkerFactory(
        rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling_a, afdeling_b]
    )
    client.force_login(beide)

    assert client.get(dossier(klacht_a)).status_code == 200
    assert client.get(dossier(klacht_b)).status_code == 200


def test_teamleider_ziet_de_eigen_afdeling(client, afdeling_b, klacht_a, klacht_b):
    teamleider = MedewerkerFactory(rollen=[rollen.TEAMLEIDER], afdelingen=[afdeling_b])
    client.force_login(teamleider)

    assert client.get(dossier(klacht_b)).status_code == 200
    assert client.get(dossier(klacht_a)).status_code == 404


@pytest.mark.parametrize("rol", [rollen.DIRECTIE, rollen.BEHEERDER])
def test_directie_en_beheerder_zien_alles(client, klacht_a, klacht_b, rol):
    client.force_login(MedewerkerFactory(rollen=[rol]))

    for klacht in (klacht_a, klacht_b):
        assert client.get(dossier(klacht)).status_code == 200
        assert client.get(bijlage(klacht)).status_code == 200
    inhoud = client.get(reverse("klachten:werkvoorraad")).content.decode()
    assert klacht_a.dossiernummer in inhoud
    assert klacht_b.dossiernummer in inhoud


def test_anonieme_bezoeker_wordt_naar_inloggen_gestuurd(client, klacht_a):
    urls = [
        reverse("klachten:werkvoorraad"),
        reverse("klachten:registreren"),
        dossier(klacht_a),
        bevestigen(klacht_a),
        bijlage(klacht_a),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login") + "?next="), url


def test_ingelogde_gebruiker_zonder_rol_krijgt_403(client, afdeling_a, klacht_a):
    client.force_login(MedewerkerFactory(afdelingen=[afdeling_a]))

    for url in [
        reverse("klachten:werkvoorraad"),
        reverse("klachten:registreren"),
        dossier(klacht_a),
        bevestigen(klacht_a),
        bijlage(klacht_a),
    ]:
        assert client.get(url).status_code == 403, url


def test_bijlage_wordt_altijd_als_download_gegeven(behandelaar_client, klacht_a):
    response = behandelaar_client.get(bijlage(klacht_a))

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="brief.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_onbekende_bijlage_geeft_404(behandelaar_client, db):
    assert behandelaar_client.get(reverse("klachten:bijlage", args=[999999])).status_code == 404


def test_systeemkoppeling_leest_terug_wat_zij_registreerde(client, categorie_b, label):
    koppeling = MedewerkerFactory(rollen=[rollen.SYSTEEMKOPPELING])
    eigen = KlachtFactory(categorie=categorie_b, ingediend_door=koppeling)
    ander = KlachtFactory(categorie=categorie_b)
    kop = api_sleutel_kop(koppeling)

    assert client.get(api(eigen), **kop).status_code == 200
    assert client.get(api(ander), **kop).status_code == 404


def test_startpagina_stuurt_klant_naar_het_formulier_en_medewerker_naar_het_overzicht(
    client, behandelaar
):
    assert client.get("/").url == reverse("klachten:indienen")
    client.force_login(behandelaar)
    assert client.get("/").url == reverse("klachten:werkvoorraad")


def test_ziet_klacht_zegt_hetzelfde_als_klachten_voor(
    afdeling_a, afdeling_b, klacht_a, klacht_b, behandelaar
):
    """selectors.ziet_klacht reads klachten_voor's rule on a loaded complaint (no query, issue
    20): for every kind of user and complaint both give the same answer."""
    partner = MedewerkerFactory(rollen=[rollen.PARTNERBEHANDELAAR])
    over_zichzelf = MedewerkerFactory(rollen=[rollen.KLACHTBEHANDELAAR], afdelingen=[afdeling_a])
    Klacht.objects.filter(pk=klacht_b.pk).update(behandelaar=partner)
    Klacht.objects.filter(pk=klacht_a.pk).update(betreft_medewerker=over_zichzelf)
    zonder_afdeling = KlachtFactory(kanaal=Kanaal.EMAIL, categorie=None, afdeling=None)
    geregistreerd = KlachtFactory(categorie=klacht_b.categorie, ingediend_door=behandelaar)
    gebruikers = [
        behandelaar,
        partner,
        over_zichzelf,
        MedewerkerFactory(rollen=[rollen.TEAMLEIDER], afdelingen=[afdeling_b]),
        MedewerkerFactory(rollen=[rollen.DIRECTIE]),
        MedewerkerFactory(rollen=[]),
    ]
    klachten = list(Klacht.objects.filter(pk__in=[k.pk for k in (klacht_a, klacht_b)]))
    klachten += [zonder_afdeling, geregistreerd]
    for gebruiker in gebruikers:
        zichtbaar = set(selectors.klachten_voor(gebruiker).values_list("pk", flat=True))
        for klacht in klachten:
            assert selectors.ziet_klacht(gebruiker, klacht) == (klacht.pk in zichtbaar), (
                gebruiker,
                klacht,
            )

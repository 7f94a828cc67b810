"""Admin data in the customer's language, and categories per label (issue 18, acceptance 4).

Category names, the external body's name and paragraph and the label's postal address exist in
Dutch, English and French (klachten.models.Vertaalbaar); customers read them in the complaint's
or the page's language, Dutch where the beheerder left a translation empty; staff pages stay
Dutch. A categorie linked to labels is offered and accepted for those labels only.
"""

import datetime as dt
import html
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from klachten import rollen, services
from klachten.demo import stamgegevens
from klachten.kalender import AMSTERDAM
from klachten.models import Bericht, Categorie, ExterneInstantie, Klacht, Label
from klachten.workflow import BerichtSoort, Oordeel, Status
from tests.api import api_toegang
from tests.factories import (
    CategorieFactory,
    KlachtFactory,
    LabelFactory,
    MedewerkerFactory,
    klacht_in_status,
)

NU = dt.datetime(2026, 3, 2, 10, 0, tzinfo=AMSTERDAM)
DEMO_LABELS = [gegevens["slug"] for gegevens in stamgegevens.LABELS]


@pytest.fixture
def _bevroren_tijd(time_machine):
    time_machine.move_to(NU, tick=False)


@pytest.fixture
def demo(db):
    """The demo's labels, categorieën (with their labels and en/fr names) and users."""
    return stamgegevens.stamgegevens_aanmaken()


@pytest.fixture
def frans(client):
    """A customer who picked Français with the language switch."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return client


def formulier_url(label: Label) -> str:
    return reverse("klachten:indienen-label", kwargs={"label_slug": label.slug})


def categorie_opties(response) -> dict[int, str]:
    """The categorie choices of the public form as the page shows them: {pk: text}."""
    inhoud = response.content.decode()
    keuzelijst = re.search(r'<select name="categorie".*?</select>', inhoud, re.S).group(0)
    return {
        int(pk): html.unescape(tekst).strip()
        for pk, tekst in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', keuzelijst)
    }


def formulier_data(categorie: Categorie) -> dict:
    return {
        "klant_naam": "Camille Dubois",
        "klant_email": "camille@example.be",
        "categorie": categorie.pk,
        "omschrijving": "Ma demande n'a reçu aucune réponse depuis six semaines.",
        "privacy_akkoord": "on",
        "website": "",
    }


# The public form and the acknowledgement --------------------------------------------------------


@pytest.mark.parametrize("slug", DEMO_LABELS)
def test_franse_klant_van_elk_demolabel_ziet_alleen_franse_categorienamen_van_het_label(
    frans, demo, slug
):
    label = Label.objects.get(slug=slug)
    eigen = Categorie.objects.filter(actief=True).voor_label(label)
    andere = Categorie.objects.exclude(pk__in=eigen)

    opties = categorie_opties(frans.get(formulier_url(label)))

    assert opties == {c.pk: c.naam_fr for c in eigen}
    assert all(c.naam_fr and c.naam_fr != c.naam for c in eigen)
    assert andere.exists()  # each demo label has categorieën the other does not offer
    assert not set(opties) & {c.pk for c in andere}


@pytest.mark.usefixtures("_bevroren_tijd")
@pytest.mark.parametrize("slug", DEMO_LABELS)
def test_franse_ontvangstbevestiging_noemt_de_franse_categorienaam(
    frans, demo, slug, mailoutbox, django_capture_on_commit_callbacks
):
    label = Label.objects.get(slug=slug)
    categorie = Categorie.objects.voor_label(label).filter(labels=label).first()

    with django_capture_on_commit_callbacks(execute=True):
        frans.post(formulier_url(label), formulier_data(categorie))

    klacht = Klacht.objects.get()
    assert (klacht.taal, klacht.label, klacht.categorie) == ("fr", label, categorie)
    [mail] = mailoutbox
    assert mail.subject == (
        f"Accusé de réception de votre plainte ({klacht.dossiernummer}) - {label.naam}"
    )
    assert f"Objet : {categorie.naam_fr}\n" in mail.body
    assert categorie.naam not in mail.subject + mail.body
    # The label's signature and address lines stay in French as well.
    assert "Meilleures salutations," in mail.body


@pytest.mark.parametrize("slug", DEMO_LABELS)
def test_franse_klant_ziet_het_franse_postadres_van_het_label(frans, demo, slug):
    label = Label.objects.get(slug=slug)
    pagina = frans.get(
        reverse("klachten:procedure-label", kwargs={"label_slug": label.slug})
    ).content.decode()

    assert "Pays-Bas" in pagina
    assert label.postadres.splitlines()[1] not in pagina  # the Dutch department line


# The external body in the answer and on the status page ------------------------------------------


@pytest.mark.usefixtures("_bevroren_tijd")
@pytest.mark.parametrize("slug", DEMO_LABELS)
def test_franse_klant_leest_de_escalatieparagraaf_van_de_externe_instantie_in_het_frans(
    frans, demo, slug
):
    label = Label.objects.select_related("externe_instantie").get(slug=slug)
    instantie = label.externe_instantie
    behandelaar = demo["teamleider"]  # every afdeling
    categorie = Categorie.objects.voor_label(label).filter(labels=label).first()
    klacht = klacht_in_status(
        Status.IN_ONDERZOEK, door=behandelaar, label=label, categorie=categorie, taal="fr"
    )

    services.antwoord_sturen(
        klacht=klacht, door=behandelaar, oordeel=Oordeel.ONGEGROND, definitief_standpunt=True
    )

    antwoord = klacht.berichten.get(soort=BerichtSoort.ANTWOORD)
    assert instantie.escalatie_tekst_fr
    assert instantie.naam_fr
    assert "Vous n'êtes pas d'accord avec cette position définitive ?" in antwoord.tekst
    assert instantie.naam_fr in antwoord.tekst
    assert "Bent u het niet eens" not in antwoord.tekst
    assert instantie.naam not in antwoord.tekst
    assert categorie.naam_fr.lower() in antwoord.tekst  # "une plainte concernant : ..."
    statuspagina = html.unescape(
        frans.get(reverse("klachten:status", args=[klacht.status_token])).content.decode()
    )
    assert f"S'adresser à {instantie.naam_fr}" in statuspagina
    assert categorie.naam_fr in statuspagina


def test_zonder_vertaling_leest_de_klant_het_nederlands(db, behandelaar):
    instantie = ExterneInstantie.objects.create(
        naam="Geschillencommissie Test",
        code="geschillencommissie-test",
        escalatie_tekst="Leg uw klacht voor aan {{ instantie }}.",
        escalatie_tekst_en="Submit your complaint to {{ instantie }}.",
    )
    label = LabelFactory(externe_instantie=instantie)
    categorie = CategorieFactory(naam="Declaratie", naam_en="Claim")

    antwoorden = {}
    for taal in ("fr", "en"):
        klacht = klacht_in_status(
            Status.IN_ONDERZOEK, door=behandelaar, label=label, categorie=categorie, taal=taal
        )
        services.antwoord_sturen(
            klacht=klacht, door=behandelaar, oordeel=Oordeel.GEGROND, definitief_standpunt=True
        )
        antwoorden[taal] = klacht.berichten.get(soort=BerichtSoort.ANTWOORD).tekst

    assert "Leg uw klacht voor aan Geschillencommissie Test." in antwoorden["fr"]
    assert "concernant : declaratie" in antwoorden["fr"]
    assert "Submit your complaint to Geschillencommissie Test." in antwoorden["en"]
    assert "complaint about claim" in antwoorden["en"]
    assert categorie.vertaald("naam", "fr") == "Declaratie"
    assert categorie.ontbrekende_vertalingen == ["fr"]
    assert instantie.ontbrekende_vertalingen == ["en", "fr"]  # the name has no English


def test_medewerkerpagina_toont_de_nederlandse_categorienaam_van_een_franse_klacht(
    client, behandelaar, afdeling_a
):
    categorie = CategorieFactory(naam="Premie en betaling", naam_fr="Prime et paiement")
    klacht = KlachtFactory(categorie=categorie, afdeling=afdeling_a, taal="fr")
    client.force_login(behandelaar)

    pagina = client.get(reverse("klachten:dossier", args=[klacht.dossiernummer]))

    assert "Premie en betaling" in pagina.content.decode()
    assert "Prime et paiement" not in pagina.content.decode()


# Categories per label -----------------------------------------------------------------------------


@pytest.fixture
def twee_labels(db):
    """A health insurer and a legal-aid label with a categorie each, and one for both."""
    zorg = LabelFactory(naam="Zorg", slug="zorg")
    recht = LabelFactory(naam="Recht", slug="recht")
    declaratie = CategorieFactory(naam="Declaratie", naam_fr="Remboursement")
    declaratie.labels.set([zorg])
    dekking = CategorieFactory(naam="Dekking", naam_fr="Couverture")
    dekking.labels.set([recht])
    algemeen = CategorieFactory(naam="Bejegening", naam_fr="Accueil")
    return zorg, recht, declaratie, dekking, algemeen


def test_categorie_zonder_label_geldt_voor_elk_label(twee_labels):
    zorg, recht, declaratie, dekking, algemeen = twee_labels

    assert set(Categorie.objects.voor_label(zorg)) == {declaratie, algemeen}
    assert set(Categorie.objects.voor_label(recht)) == {dekking, algemeen}
    assert set(Categorie.objects.voor_label(LabelFactory())) == {algemeen}


def test_webformulier_weigert_een_categorie_van_een_ander_label(client, twee_labels):
    zorg, _recht, _declaratie, dekking, _algemeen = twee_labels

    response = client.post(formulier_url(zorg), formulier_data(dekking))

    assert response.status_code == 200
    assert "categorie" in response.context["form"].errors
    assert not Klacht.objects.exists()
    assert not Bericht.objects.exists()


def test_webformulier_aanvaardt_een_categorie_van_het_label(client, twee_labels):
    _zorg, recht, _declaratie, dekking, _algemeen = twee_labels

    response = client.post(formulier_url(recht), formulier_data(dekking))

    assert response.status_code == 302
    assert Klacht.objects.get().categorie == dekking


@pytest.fixture
def koppeling(db):
    return MedewerkerFactory(username="crm-koppeling", rollen=[rollen.SYSTEEMKOPPELING])


def test_api_weigert_een_categorie_van_een_ander_label(client, koppeling, twee_labels):
    zorg, _recht, _declaratie, dekking, _algemeen = twee_labels
    payload = {
        "label": zorg.slug,
        "kanaal": "telefoon",
        "klant_naam": "Karel de Boer",
        "klant_email": "karel@example.nl",
        "categorie": dekking.code,
        "omschrijving": "Klacht uit het CRM.",
    }

    response = client.post(
        "/api/v1/klachten/",
        payload,
        content_type="application/json",
        **api_toegang(client, koppeling),
    )

    assert response.status_code == 400
    assert list(response.json()) == ["categorie"]
    assert "hoort niet bij Zorg" in str(response.json()["categorie"])
    assert not Klacht.objects.exists()

    payload["label"] = "recht"
    response = client.post(
        "/api/v1/klachten/",
        payload,
        content_type="application/json",
        **api_toegang(client, koppeling),
    )
    assert response.status_code == 201


def test_registratie_door_medewerker_weigert_een_categorie_van_een_ander_label(
    client, behandelaar, afdeling_a, twee_labels
):
    zorg, _recht, _declaratie, dekking, _algemeen = twee_labels
    client.force_login(behandelaar)

    response = client.post(
        reverse("klachten:registreren"),
        {
            "kanaal": "telefoon",
            "ontvangen_op": "2026-03-02T09:00",
            "label": zorg.pk,
            "klant_naam": "Karel de Boer",
            "klant_email": "karel@example.nl",
            "taal": "nl",
            "afdeling": afdeling_a.pk,
            "categorie": dekking.pk,
            "urgentie": "normaal",
            "omschrijving": "Telefonische klacht.",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["categorie"] == [
        "Deze categorie hoort niet bij Zorg. Kies een categorie van dit label."
    ]
    assert not Klacht.objects.exists()


def test_classificeren_weigert_een_categorie_van_een_ander_label(twee_labels, afdeling_a):
    zorg, _recht, declaratie, dekking, _algemeen = twee_labels
    teamleider = MedewerkerFactory(rollen=[rollen.TEAMLEIDER], afdelingen=[afdeling_a])
    klacht = services.klacht_registreren(
        label=zorg,
        kanaal="e-mail",
        klant_naam="Karel de Boer",
        klant_email="karel@example.nl",
        categorie=None,
        omschrijving="Per e-mail.",
    )

    with pytest.raises(Exception, match="hoort niet bij Zorg"):
        services.klacht_classificeren(klacht=klacht, door=teamleider, categorie=dekking)

    klacht = services.klacht_classificeren(klacht=klacht, door=teamleider, categorie=declaratie)
    assert klacht.categorie == declaratie


def test_beheerder_ziet_welke_vertalingen_ontbreken(admin_client, twee_labels):
    _zorg, _recht, declaratie, _dekking, _algemeen = twee_labels
    declaratie.naam_en = "Claim"
    declaratie.save()
    CategorieFactory(naam="Alleen Nederlands")
    url = reverse("admin:klachten_categorie_changelist")

    with translation.override("nl"):
        lijst = admin_client.get(url).content.decode()
        alleen_frans = admin_client.get(url, {"vertaling_ontbreekt": "fr"}).context["cl"]
        alleen_engels = admin_client.get(url, {"vertaling_ontbreekt": "en"}).context["cl"]

    assert "vertaling ontbreekt" in lijst
    assert "alle labels" in lijst
    assert {c.naam for c in alleen_frans.result_list} == {"Alleen Nederlands"}
    assert {c.naam for c in alleen_engels.result_list} == {
        "Dekking",
        "Bejegening",
        "Alleen Nederlands",
    }


@pytest.mark.parametrize(
    ("model", "velden"),
    [
        ("categorie", ["naam_en", "naam_fr", "labels"]),
        ("externeinstantie", ["naam_en", "naam_fr", "escalatie_tekst_en", "escalatie_tekst_fr"]),
        ("label", ["postadres_en", "postadres_fr", "kleur", "privacyverklaring_url"]),
    ],
)
def test_beheerder_vult_de_vertalingen_in_op_het_formulier(admin_client, model, velden):
    pagina = admin_client.get(reverse(f"admin:klachten_{model}_add"))

    assert pagina.status_code == 200
    inhoud = pagina.content.decode()
    assert "Vertalingen (leeg: de klant leest het Nederlands)" in inhoud
    for veld in velden:
        assert f'name="{veld}"' in inhoud


def test_registratieformulier_noemt_bij_een_categorie_de_labels_waarvoor_ze_geldt(
    client, behandelaar, twee_labels
):
    client.force_login(behandelaar)

    pagina = client.get(reverse("klachten:registreren"))

    opties = dict(pagina.context["form"].fields["categorie"].choices)
    assert set(opties.values()) >= {"Declaratie (Zorg)", "Dekking (Recht)", "Bejegening"}

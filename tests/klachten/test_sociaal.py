"""Social media as a channel (issue 21, acceptance 2): the signed webhook, threading by author
handle, refusals that store nothing, and the reply through the tool's outgoing webhook."""

import json
import time

import pytest
from django.urls import reverse

from klachten import services
from klachten.berichten import afleveren
from klachten.models import (
    Bericht,
    BerichtStatus,
    Gebeurtenis,
    GebeurtenisSoort,
    Kanaal,
    Klacht,
    SociaalBericht,
    Socialekoppeling,
)
from klachten.sociaal import handtekening, uitgaand
from klachten.sociaal.uitgaand import WebhookFout
from klachten.workflow import Status, WorkflowFout
from tests.factories import KlachtFactory
from tests.sociaal import GEHEIM, UITGAAND_GEHEIM, koppeling_maken, monitoringtool, payload, posten

pytestmark = pytest.mark.django_db


@pytest.fixture
def koppeling(label):
    return koppeling_maken(label)


def rijen() -> tuple[int, int, int, int]:
    return (
        Klacht.objects.count(),
        SociaalBericht.objects.count(),
        Gebeurtenis.objects.count(),
        Bericht.objects.count(),
    )


def test_geldig_ondertekend_bericht_wordt_een_klacht_via_social_media(client, koppeling):
    antwoord = posten(client, koppeling, payload(text="Mijn declaratie is kwijt."))

    assert antwoord.status_code == 201, antwoord.content
    klacht = Klacht.objects.get(dossiernummer=antwoord.json()["dossiernummer"])
    assert klacht.kanaal == Kanaal.SOCIAL_MEDIA
    assert klacht.label == koppeling.label
    assert klacht.klant_naam == "Anna de Vries"
    assert klacht.status == Status.ONTVANGEN
    assert not klacht.is_geclassificeerd  # nog te classificeren, as from e-mail
    assert klacht.per_sociaal
    assert not klacht.per_post
    assert klacht.omschrijving.startswith("Mijn declaratie is kwijt.")
    sociaal = SociaalBericht.objects.get(klacht=klacht)
    assert (sociaal.platform, sociaal.auteur, sociaal.openbaar) == ("x", "annadevries", True)
    assert json.loads(sociaal.ruw)["text"] == "Mijn declaratie is kwijt."


def test_zelfde_auteur_opnieuw_is_een_bericht_op_de_open_klacht(client, koppeling):
    eerste = posten(client, koppeling, payload())
    # The handle in another case and without "@": the same author.
    tweede = posten(
        client, koppeling, payload(author_handle="annadevries", text="Nog steeds niets!")
    )

    assert tweede.status_code == 201
    assert tweede.json() == {"dossiernummer": eerste.json()["dossiernummer"], "soort": "antwoord"}
    klacht = Klacht.objects.get()
    bericht = Gebeurtenis.objects.get(klacht=klacht, soort=GebeurtenisSoort.KLANTBERICHT)
    assert bericht.door_klant
    assert bericht.tekst.startswith("Nog steeds niets!")
    assert klacht.klantbericht_op is not None  # the queue's marker "nieuw bericht"


def test_andere_auteur_of_ander_platform_is_een_nieuwe_klacht(client, koppeling):
    posten(client, koppeling, payload())
    posten(client, koppeling, payload(author_handle="@iemandanders"))
    posten(client, koppeling, payload(platform="facebook"))

    assert Klacht.objects.count() == 3


def test_na_afsluiting_wordt_het_een_nieuwe_klacht(client, koppeling, behandelaar, categorie):
    posten(client, koppeling, payload())
    Klacht.objects.update(
        status=Status.AFGESLOTEN, categorie=categorie, afdeling=categorie.afdeling
    )

    antwoord = posten(client, koppeling, payload())

    assert antwoord.json()["soort"] == "nieuwe_klacht"
    assert Klacht.objects.count() == 2


def test_in_reply_to_vindt_de_klacht_van_dat_bericht(client, koppeling):
    eerste = payload()
    posten(client, koppeling, eerste)
    antwoord = posten(client, koppeling, payload(in_reply_to=eerste["id"], public=False))
    assert antwoord.json()["soort"] == "antwoord"


@pytest.mark.parametrize(
    ("geval", "status", "fout"),
    [
        ("verkeerd_geheim", 401, "handtekening"),
        ("zonder_handtekening", 401, "handtekening"),
        ("body_gewijzigd", 401, "handtekening"),
        ("oud_tijdstip", 401, "tijdstip"),
        ("tijdstip_in_de_toekomst", 401, "tijdstip"),
        ("geen_json", 400, "ongeldig"),
        ("json_lijst", 400, "ongeldig"),
        ("geen_utf8", 400, "ongeldig"),
    ],
)
def test_geweigerd_met_status_en_niets_opgeslagen(client, koppeling, caplog, geval, status, fout):
    voor = rijen()
    nu = int(time.time())
    if geval == "verkeerd_geheim":
        antwoord = posten(client, koppeling, payload(), geheim="fout")
    elif geval == "zonder_handtekening":
        antwoord = posten(client, koppeling, payload(), HTTP_X_KLACHTEN_SIGNATURE="")
    elif geval == "body_gewijzigd":
        body = json.dumps(payload()).encode()
        tijd = str(nu)
        antwoord = client.post(
            f"/api/v1/sociaal/{koppeling.sleutel}/",
            data=body.replace(b"Anna", b"Bert"),
            content_type="application/json",
            HTTP_X_KLACHTEN_TIMESTAMP=tijd,
            HTTP_X_KLACHTEN_SIGNATURE=handtekening.ondertekenen(GEHEIM, tijd, body),
        )
    elif geval == "oud_tijdstip":
        antwoord = posten(client, koppeling, payload(), tijd=nu - 301)
    elif geval == "tijdstip_in_de_toekomst":
        antwoord = posten(client, koppeling, payload(), tijd=nu + 301)
    elif geval == "geen_json":
        antwoord = posten(client, koppeling, b'{"platform": "x", ')
    elif geval == "json_lijst":
        antwoord = posten(client, koppeling, b"[1, 2]")
    else:
        antwoord = posten(client, koppeling, b'{"text": "\xff\xfe"}')

    assert antwoord.status_code == status
    assert antwoord.json()["fout"] == fout
    assert rijen() == voor
    assert any("Sociale-mediawebhook geweigerd" in r.getMessage() for r in caplog.records)


def test_herhaald_id_wordt_geweigerd_en_niets_opgeslagen(client, koppeling):
    gegevens = payload()
    assert posten(client, koppeling, gegevens).status_code == 201
    voor = rijen()

    # The same event again (a replay), also with another text and a fresh signature.
    antwoord = posten(client, koppeling, {**gegevens, "text": "Andere tekst"})

    assert antwoord.status_code == 409
    assert antwoord.json()["fout"] == "herhaald"
    assert rijen() == voor


def test_onbekende_of_inactieve_koppeling(client, koppeling):
    koppeling.actief = False
    koppeling.save()
    assert posten(client, koppeling, payload()).status_code == 404
    assert Klacht.objects.count() == 0


def test_alleen_post(client, koppeling):
    assert client.get(f"/api/v1/sociaal/{koppeling.sleutel}/").status_code == 405


def test_mislukte_registratie_laat_niets_half_staan(client, koppeling, monkeypatch):
    """The event's row fails after the complaint was written: the complaint goes too."""

    def kapot(*args, **kwargs):
        raise RuntimeError("database weg")

    monkeypatch.setattr(SociaalBericht.objects, "create", kapot)
    client.raise_request_exception = False
    voor = rijen()
    antwoord = posten(client, koppeling, payload())
    assert antwoord.status_code == 500
    assert rijen() == voor


def test_geheimen_versleuteld_bewaard(koppeling):
    assert GEHEIM not in koppeling.geheim
    assert handtekening.ontsleutelen(koppeling.geheim) == GEHEIM


# The reply -------------------------------------------------------------------------------------


@pytest.fixture
def sociale_klacht(client, label, koppeling, teamleider, behandelaar, categorie):
    """A private message (DM) that became a complaint, classified and assigned."""

    def maken(*, openbaar: bool, url: str):
        koppeling.uitgaand_url = url
        koppeling.uitgaand_geheim = handtekening.versleutelen(UITGAAND_GEHEIM)
        koppeling.save()
        gegevens = payload(public=openbaar)
        antwoord = posten(client, koppeling, gegevens)
        klacht = Klacht.objects.get(dossiernummer=antwoord.json()["dossiernummer"])
        klacht = services.klacht_classificeren(klacht=klacht, door=teamleider, categorie=categorie)
        klacht = services.toewijzen(
            klacht=klacht, door=teamleider, behandelaar=behandelaar, afdeling=categorie.afdeling
        )
        return klacht, gegevens

    return maken


def test_reactie_gaat_via_de_uitgaande_webhook_ondertekend(sociale_klacht, behandelaar):
    with monitoringtool() as tool:
        klacht, gegevens = sociale_klacht(openbaar=False, url=tool.url)
        services.reactie_sturen(
            klacht=klacht, door=behandelaar, tekst="Wij bellen u morgen over uw declaratie."
        )
        bericht = Bericht.objects.get(klacht=klacht, soort="reactie")
        assert bericht.socialekoppeling_id is not None
        assert afleveren.bericht_afleveren(bericht_id=bericht.pk) is True

    bericht.refresh_from_db()
    assert bericht.status == BerichtStatus.VERZONDEN
    [(koppen, body)] = tool.ontvangen
    inhoud = json.loads(body)
    assert inhoud["in_reply_to"] == gegevens["id"]
    assert inhoud["author_handle"] == "annadevries"
    assert inhoud["public"] is False
    assert "Wij bellen u morgen over uw declaratie." in inhoud["text"]
    assert handtekening.handtekening_klopt(
        UITGAAND_GEHEIM, koppen["X-Klachten-Timestamp"], body, koppen["X-Klachten-Signature"]
    )
    # On the dossier's timeline as a message to the customer.
    assert Gebeurtenis.objects.filter(klacht=klacht, bericht=bericht).exists()


def test_reactie_wordt_eenmaal_opnieuw_geprobeerd_als_de_tool_faalt(sociale_klacht, behandelaar):
    with monitoringtool(antwoorden=[503]) as tool:
        klacht, _gegevens = sociale_klacht(openbaar=False, url=tool.url)
        services.reactie_sturen(klacht=klacht, door=behandelaar, tekst="We zoeken het uit.")
        bericht = Bericht.objects.get(klacht=klacht, soort="reactie")

        with pytest.raises(WebhookFout):
            afleveren.bericht_afleveren(bericht_id=bericht.pk)
        bericht.refresh_from_db()
        assert (bericht.status, bericht.pogingen) == (BerichtStatus.WACHTEND, 1)
        assert "503" in bericht.laatste_fout
        assert bericht.volgende_poging_op is not None  # the outbox's back-off

        assert afleveren.bericht_afleveren(bericht_id=bericht.pk) is True

    bericht.refresh_from_db()
    assert (bericht.status, bericht.pogingen) == (BerichtStatus.VERZONDEN, 2)
    assert len(tool.ontvangen) == 2
    # The same message both times (the tool can recognise the retry).
    assert tool.ontvangen[0][1] == tool.ontvangen[1][1]
    assert tool.ontvangen[1][0]["Idempotency-Key"] == f"bericht-{bericht.pk}"


def test_reactie_faalt_tweemaal_dan_zichtbaar_niet_bezorgd(sociale_klacht, behandelaar):
    with monitoringtool(antwoorden=[500, 500, 500]) as tool:
        klacht, _gegevens = sociale_klacht(openbaar=False, url=tool.url)
        services.reactie_sturen(klacht=klacht, door=behandelaar, tekst="We zoeken het uit.")
        bericht = Bericht.objects.get(klacht=klacht, soort="reactie")
        with pytest.raises(WebhookFout):
            afleveren.bericht_afleveren(bericht_id=bericht.pk)
        assert afleveren.bericht_afleveren(bericht_id=bericht.pk) is False
        # Not tried a third time.
        assert afleveren.bericht_afleveren(bericht_id=bericht.pk) is False

    bericht.refresh_from_db()
    assert bericht.status == BerichtStatus.ONBESTELBAAR
    assert len(tool.ontvangen) == uitgaand.POGINGEN_MAXIMAAL == 2
    melding = Gebeurtenis.objects.get(klacht=klacht, soort=GebeurtenisSoort.BEZORGING)
    assert "social media via Monitor" in melding.tekst
    assert "HTTP 500" in melding.tekst


def test_openbaar_bericht_krijgt_openbaar_alleen_de_uitnodiging(sociale_klacht, behandelaar):
    with monitoringtool() as tool:
        klacht, _gegevens = sociale_klacht(openbaar=True, url=tool.url)
        services.reactie_sturen(
            klacht=klacht,
            door=behandelaar,
            tekst="Uw declaratie voor de fysiotherapeut van 12 maart is afgewezen.",
        )
        bericht = Bericht.objects.get(klacht=klacht, soort="reactie")
        afleveren.bericht_afleveren(bericht_id=bericht.pk)

    uitnodiging = klacht.sociale_berichten.get().koppeling.publieke_uitnodiging
    inhoud = json.loads(tool.ontvangen[0][1])
    assert inhoud["public"] is True
    assert inhoud["text"] == uitnodiging
    assert "fysiotherapeut" not in tool.ontvangen[0][1].decode()
    assert klacht.klant_naam not in inhoud["text"]
    assert klacht.dossiernummer not in inhoud["text"]
    bericht.refresh_from_db()
    assert bericht.tekst == uitnodiging  # the dossier shows what went out


def test_privebericht_na_openbaar_bericht_krijgt_de_volle_reactie(
    client, sociale_klacht, behandelaar, koppeling
):
    with monitoringtool() as tool:
        klacht, gegevens = sociale_klacht(openbaar=True, url=tool.url)
        dm = payload(public=False, in_reply_to=gegevens["id"], text="Hier mijn polisnummer.")
        assert posten(client, koppeling, dm).json()["soort"] == "antwoord"
        services.reactie_sturen(klacht=klacht, door=behandelaar, tekst="Dank, we bellen u.")
        bericht = Bericht.objects.get(klacht=klacht, soort="reactie")
        afleveren.bericht_afleveren(bericht_id=bericht.pk)

    inhoud = json.loads(tool.ontvangen[0][1])
    assert (inhoud["public"], inhoud["in_reply_to"]) == (False, dm["id"])
    assert "Dank, we bellen u." in inhoud["text"]


def test_op_het_platform_beantwoord_wordt_vastgelegd_en_niet_verstuurd(
    sociale_klacht, behandelaar, client, django_capture_on_commit_callbacks
):
    with monitoringtool() as tool:
        klacht, _gegevens = sociale_klacht(openbaar=False, url=tool.url)
        client.force_login(behandelaar)
        url = reverse("klachten:actie", args=[klacht.dossiernummer, "reactie_sturen"])
        assert "op_platform" in client.get(url).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            antwoord = client.post(
                url,
                {
                    "versie": Klacht.objects.get(pk=klacht.pk).versie,
                    "onderwerp": "Reactie",
                    "tekst": "Per DM gebeld en opgelost.",
                    "op_platform": "on",
                },
            )
        assert antwoord.status_code == 302, antwoord.content.decode()[:2000]

    bericht = Bericht.objects.get(klacht=klacht, soort="reactie")
    assert bericht.status == BerichtStatus.VERZONDEN
    assert bericht.pogingen == 0
    assert tool.ontvangen == []  # nothing went through the tool
    assert Gebeurtenis.objects.filter(klacht=klacht, bericht=bericht).exists()


def test_op_het_platform_beantwoord_alleen_bij_social_media(behandelaar, client):
    klacht = KlachtFactory()
    with pytest.raises(WorkflowFout):
        services.reactie_sturen(klacht=klacht, door=behandelaar, tekst="x", op_platform=True)
    client.force_login(behandelaar)
    url = reverse("klachten:actie", args=[klacht.dossiernummer, "reactie_sturen"])
    assert "op_platform" not in client.get(url).content.decode()


def test_anonimiseren_wist_het_sociale_bericht_maar_onthoudt_het_id(client, koppeling):
    from django.db import transaction
    from django.utils import timezone

    from klachten import avg

    gegevens = payload()
    posten(client, koppeling, gegevens)
    klacht = Klacht.objects.get()
    with transaction.atomic():
        avg._anonimiseren([klacht.pk], op=timezone.now(), reden="test")

    sociaal = SociaalBericht.objects.get()
    assert (sociaal.auteur, sociaal.auteur_naam, sociaal.ruw, sociaal.link) == ("", "", "", "")
    assert "Anna" not in sociaal.tekst
    assert posten(client, koppeling, gegevens).status_code == 409


def test_beheerder_maakt_een_koppeling_en_ziet_het_geheim_eenmaal(client, beheerder, label):
    beheerder.is_staff = True  # the admin's door
    beheerder.save(update_fields=["is_staff"])
    client.force_login(beheerder)
    antwoord = client.post(
        reverse("admin:klachten_socialekoppeling_add"),
        {
            "naam": "Webcare",
            "label": label.pk,
            "uitgaand_url": "https://tool.example/antwoord",
            "uitgaand_geheim_invoer": "geheim-van-de-tool",
            "publieke_uitnodiging": "Stuur ons een DM, dan helpen we u verder.",
            "actief": "on",
        },
        follow=True,
    )
    assert antwoord.status_code == 200
    koppeling = Socialekoppeling.objects.get(naam="Webcare")
    geheim = handtekening.ontsleutelen(koppeling.geheim)
    meldingen = [str(m) for m in antwoord.context["messages"]]
    assert any(geheim in m and str(koppeling.sleutel) in m for m in meldingen)
    assert handtekening.ontsleutelen(koppeling.uitgaand_geheim) == "geheim-van-de-tool"
    assert "geheim-van-de-tool" not in koppeling.uitgaand_geheim

    # Never shown again: not on the change page, not in the list.
    for url in (
        reverse("admin:klachten_socialekoppeling_change", args=[koppeling.pk]),
        reverse("admin:klachten_socialekoppeling_changelist"),
    ):
        pagina = client.get(url).content.decode()
        assert geheim not in pagina
        assert "geheim-van-de-tool" not in pagina

    # The secret works: a signed event lands.
    from tests import sociaal as hulp

    antwoord = hulp.posten(client, koppeling, payload(), geheim=geheim)
    assert antwoord.status_code == 201


def test_dossier_toont_handle_en_platform(client, koppeling, beheerder):
    posten(client, koppeling, payload(public=False))
    klacht = Klacht.objects.get()
    client.force_login(beheerder)
    pagina = client.get(reverse("klachten:dossier", args=[klacht.dossiernummer])).content.decode()
    assert "@annadevries" in pagina
    assert "laatste bericht privé" in pagina


@pytest.mark.django_db(transaction=True)
def test_twee_berichten_van_een_auteur_tegelijk_zijn_een_klacht_en_een_bericht(label):
    """Two events of one author at the same moment (two web processes): the advisory lock per
    author makes the second wait for the first, so one complaint and a message on it."""
    import threading

    from django.db import connection
    from django.test import Client

    koppeling = koppeling_maken(label)
    start = threading.Barrier(2)
    antwoorden = []

    def sturen(tekst):
        try:
            start.wait()
            antwoorden.append(posten(Client(), koppeling, payload(text=tekst)).status_code)
        finally:
            connection.close()

    draden = [threading.Thread(target=sturen, args=(t,)) for t in ("Eerste", "Tweede")]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join()

    assert antwoorden == [201, 201]
    assert Klacht.objects.count() == 1
    assert sorted(SociaalBericht.objects.values_list("soort", flat=True)) == [
        "antwoord",
        "nieuwe_klacht",
    ]


@pytest.mark.django_db(transaction=True)
def test_hetzelfde_bericht_tweemaal_tegelijk_wordt_eenmaal_opgeslagen(label):
    import threading

    from django.db import connection
    from django.test import Client

    koppeling = koppeling_maken(label)
    gegevens = payload()
    start = threading.Barrier(2)
    antwoorden = []

    def sturen():
        try:
            start.wait()
            antwoorden.append(posten(Client(), koppeling, gegevens).status_code)
        finally:
            connection.close()

    draden = [threading.Thread(target=sturen) for _ in range(2)]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join()

    assert sorted(antwoorden) == [201, 409]
    assert Klacht.objects.count() == 1
    assert SociaalBericht.objects.count() == 1


def test_sociaal_bericht_in_beheer_lezen_staat_in_het_inzagelog(client, koppeling, beheerder):
    from klachten.models import Inzage

    posten(client, koppeling, payload())
    sociaal = SociaalBericht.objects.get()
    beheerder.is_staff = True
    beheerder.save(update_fields=["is_staff"])
    client.force_login(beheerder)

    pagina = client.get(reverse("admin:klachten_sociaalbericht_change", args=[sociaal.pk]))

    assert pagina.status_code == 200
    assert Inzage.objects.filter(klacht=sociaal.klacht, medewerker=beheerder).exists()

"""The customer's signature on the timeline (issue 17: "quoted text and signatures are folded,
not deleted"): shown folded under the visible text, like the quoted history, in Dutch, French and
English; a message of only a greeting and a name keeps its text visible; the complaint's
omschrijving keeps the signature."""

import re

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from klachten import berichten
from klachten.berichten.inkomend.handtekening import html_scheiden, tekst_scheiden
from klachten.berichten.inkomend.tonen import tekst_vouwen, weergave
from klachten.workflow import Status
from tests.inkomend import annas_klacht, bevestiging, monster

TEKST = "Het is nog steeds niet betaald.\nGraag een reactie."


@pytest.mark.parametrize(
    "handtekening",
    [
        "-- \nAnna de Vries\nDorpsstraat 1, 1234 AB Utrecht\n06-12345678",
        "--\nAnna de Vries",
        "Met vriendelijke groet,\nAnna de Vries",
        "Met vriendelijke groeten,\n\nAnna de Vries\nDorpsstraat 1\n1234 AB Utrecht\nTel. 06-12345678",
        "Vriendelijke groet,\nAnna",
        "Groeten, Anna",
        "Cordialement,\nClaire Dubois",
        "Bien à vous,\nClaire Dubois\n+32 470 12 34 56",
        "Kind regards,\nJohn Smith",
        "Best regards,\nJohn Smith\nAcme Ltd.",
        "Verstuurd vanaf mijn iPhone",
        "Envoyé de mon iPhone",
        "Sent from my iPhone",
        "Met vriendelijke groet,\nAnna de Vries\n\nVerstuurd vanaf mijn iPhone",
    ],
    ids=[
        "rfc3676",
        "rfc3676-zonder-spatie",
        "nl-groet",
        "nl-groeten-contactregels",
        "nl-vriendelijke-groet",
        "nl-groet-naam-op-een-regel",
        "fr-cordialement",
        "fr-bien-a-vous",
        "en-kind-regards",
        "en-best-regards",
        "nl-iphone",
        "fr-iphone",
        "en-iphone",
        "groet-en-iphone",
    ],
)
def test_handtekening_gevouwen_onder_de_tekst(handtekening):
    weergave = tekst_vouwen(f"Geachte mevrouw,\n\n{TEKST}\n\n{handtekening}\n")

    assert weergave.boven == f"Geachte mevrouw,\n\n{TEKST}"
    assert weergave.handtekening == handtekening.strip()
    assert weergave.gevouwen == ""


@pytest.mark.parametrize(
    "tekst",
    [
        "Met vriendelijke groet,\nAnna de Vries",
        "Cordialement,\nClaire Dubois",
        "Kind regards,\nJohn",
        "Sent from my iPhone",
        "-- \nAnna de Vries",
    ],
    ids=["nl", "fr", "en", "iphone", "rfc3676"],
)
def test_alleen_een_groet_blijft_zichtbaar(tekst):
    weergave = tekst_vouwen(tekst)

    assert weergave.boven == tekst
    assert weergave.handtekening == ""


@pytest.mark.parametrize(
    "tekst",
    [
        "Hallo,\n\nBedankt, maar de declaratie is nog steeds niet betaald.\nGraag snel antwoord.",
        "Wat er mis ging:\n- de declaratie\n- de brief\n\nAnna",
        "Thanks, but nothing has changed.\nPlease call me.",
        "Hallo,\n\nGroeten,\n" + "".join(f"Punt {n} van mijn klacht.\n" for n in range(15)),
        "Ik stuur de groeten van mijn buurman, die dezelfde klacht heeft.",
    ],
    ids=[
        "bedankt-maar",
        "lijst-met-streepjes",
        "thanks-but",
        "lange-tekst-na-groet",
        "groet-in-zin",
    ],
)
def test_geen_handtekening_waar_de_klant_nog_schrijft(tekst):
    weergave = tekst_vouwen(tekst)

    assert weergave.boven == tekst
    assert weergave.handtekening == ""


def test_handtekening_en_geciteerde_geschiedenis_apart_gevouwen():
    weergave_ = weergave(monster("antwoord-fr-iphone.eml"))

    assert weergave_.is_html
    assert "toujours rien reçu. Pouvez-vous me rappeler demain" in weergave_.boven
    for weg in ("Bien à vous", "Marie Lambert", "Envoyé de mon iPhone", "Nous avons bien reçu"):
        assert weg not in weergave_.boven
    assert "Bien à vous," in weergave_.handtekening
    assert "Envoyé de mon iPhone" in weergave_.handtekening
    assert "Nous avons bien reçu" in weergave_.gevouwen
    assert "Bien à vous" not in weergave_.gevouwen


def test_html_handtekening_met_de_markering_van_de_mailclient():
    weergave_ = weergave(monster("handtekening-rfc3676-thunderbird.eml"))

    assert weergave_.is_html
    assert "Please tell me when it will be decided." in weergave_.boven
    assert "John Smith" not in weergave_.boven
    assert "John Smith" in weergave_.handtekening
    assert "+44 7700 900123" in weergave_.handtekening


def test_html_met_een_groet_als_eigen_blok():
    boven, handtekening = html_scheiden(
        "<div><p>Nog steeds niet betaald.</p><p>Kind regards,<br>John Smith</p></div>"
    )

    assert boven == "<div><p>Nog steeds niet betaald.</p></div>"
    assert "John Smith" in handtekening
    assert "Kind regards," in handtekening


@pytest.mark.parametrize(
    "html",
    [
        "<p>Nog steeds niet betaald.</p><p>Anna de Vries</p>",
        "<p>Met vriendelijke groet,<br>Anna de Vries</p>",
        "<p>Nog steeds niet betaald. Met vriendelijke groet, Anna</p>",
    ],
    ids=["zonder-groet", "alleen-groet", "groet-midden-in-een-alinea"],
)
def test_html_zonder_herkenbare_handtekening_blijft_zoals_het_is(html):
    assert html_scheiden(html) == (html, "")


@pytest.mark.django_db
def test_nieuwe_klacht_handtekening_gevouwen_en_in_de_omschrijving(client, directie, mailbox):
    inkomend = berichten.inkomend_ontvangen(
        monster("handtekening-nl-contactgegevens.eml"), mailbox=mailbox
    )
    klacht = inkomend.klacht
    client.force_login(directie)

    url = reverse("klachten:dossier", kwargs={"dossiernummer": klacht.dossiernummer})
    pagina = client.get(url).content.decode()

    # The complaint's description keeps the whole text, the signature included.
    assert "Polisnummer P-654321" in klacht.omschrijving
    assert "Met vriendelijke groeten," in klacht.omschrijving
    boven, _sep, rest = pagina.partition('<details class="email-handtekening">')
    handtekening = rest.split("</details>")[0]
    assert "Ik wil graag weten waarom." in boven.rsplit("email-tekst", 1)[1]
    assert "Polisnummer P-654321" not in boven.rsplit("email-tekst", 1)[1]
    assert "Pieter Vermeulen" in handtekening
    assert "Polisnummer P-654321" in handtekening


@pytest.mark.django_db
def test_antwoord_van_alleen_een_groet_blijft_zichtbaar_op_de_tijdlijn(
    client, behandelaar, categorie, mailbox
):
    dossier = annas_klacht(Status.ONTVANGST_BEVESTIGD, behandelaar=behandelaar, categorie=categorie)
    ruw = monster("alleen-groet.eml", message_id=berichten.message_id(bevestiging(dossier)))
    inkomend = berichten.inkomend_ontvangen(ruw, mailbox=mailbox)
    assert inkomend.klacht == dossier
    client.force_login(behandelaar)

    url = reverse("klachten:dossier", kwargs={"dossiernummer": dossier.dossiernummer})
    pagina = client.get(url).content.decode()

    zichtbaar = pagina.split('class="tijdlijn-tekst email-tekst">', 1)[1].split("</div>")[0]
    assert "Met vriendelijke groet,<br>Anna de Vries" in zichtbaar
    assert 'class="email-handtekening"' not in pagina


REGELS = [
    "Hallo,",
    "",
    "Het is nog steeds niet betaald.",
    "- de brief van 3 november",
    "Met vriendelijke groet,",
    "Groeten, Anna",
    "Anna de Vries",
    "06-12345678",
    "-- ",
    "Cordialement,",
    "Bien à vous,",
    "Kind regards,",
    "Verstuurd vanaf mijn iPhone",
    "Sent from my iPhone",
]


@settings(derandomize=True, max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(REGELS), min_size=1, max_size=25))
def test_niets_verdwijnt_en_het_zichtbare_deel_is_nooit_leeg(regels):
    tekst = "\n".join(regels)
    boven, handtekening = tekst_scheiden(tekst)

    if tekst.strip():
        assert boven.strip()
    gebleven = [r.strip() for r in f"{boven}\n{handtekening}".splitlines() if r.strip()]
    assert gebleven == [r.strip() for r in regels if r.strip()]


@settings(derandomize=True, max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(REGELS), min_size=1, max_size=25))
def test_html_niets_verdwijnt_en_het_zichtbare_deel_is_nooit_leeg(regels):
    html = "".join(f"<div>{regel}</div>" if regel else "<div><br></div>" for regel in regels)
    boven, handtekening = html_scheiden(html)

    def tekst(deel: str) -> list[str]:
        return [r.strip() for r in re.split(r"<[^>]+>", deel) if r.strip()]

    if any(r.strip() for r in regels):
        assert tekst(boven)
    assert tekst(boven) + tekst(handtekening) == [r.strip() for r in regels if r.strip()]


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "alleen tekst, zonder tags",
        '<?xml version="1.0" encoding="utf-8"?><p>Nog niet betaald.</p><p>Groeten,</p>',
        "<p>Nog niet betaald.</p><!-- opmerking --><p>Groeten,</p><p>Anna",
    ],
    ids=["leeg", "witruimte", "zonder-tags", "xml-declaratie", "niet-gesloten"],
)
def test_html_scheiden_leest_ook_vreemde_html(html):
    boven, handtekening = html_scheiden(html)

    if not handtekening:
        assert boven == html
    else:
        assert "Nog niet betaald." in boven
        assert "Groeten," in handtekening

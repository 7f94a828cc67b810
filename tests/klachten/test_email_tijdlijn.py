"""A customer's e-mail on the dossier's timeline (issue 17): the reply on top and the quoted
history folded, HTML mail sanitised, inline images served by us, the original downloadable as .eml
by staff (in the access log)."""

from email.message import EmailMessage

import pytest
from django.urls import reverse

from klachten import berichten
from klachten.berichten.inkomend.tonen import html_schoonmaken, tekst_vouwen
from klachten.models import Inzage, InzageSoort
from klachten.workflow import Status
from tests.inkomend import annas_klacht, bevestiging, monster

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(behandelaar, categorie):
    return annas_klacht(Status.ONTVANGST_BEVESTIGD, behandelaar=behandelaar, categorie=categorie)


def _dossierpagina(client, klacht) -> str:
    url = reverse("klachten:dossier", kwargs={"dossiernummer": klacht.dossiernummer})
    antwoord = client.get(url)
    assert antwoord.status_code == 200
    return antwoord.content.decode()


def test_het_antwoord_boven_de_geciteerde_geschiedenis_gevouwen(
    client, behandelaar, mailbox, dossier
):
    ruw = monster("antwoord-nl-gmail.eml", message_id=berichten.message_id(bevestiging(dossier)))
    inkomend = berichten.inkomend_ontvangen(ruw, mailbox=mailbox)
    client.force_login(behandelaar)

    pagina = _dossierpagina(client, dossier)

    boven, _sep, gevouwen = pagina.partition('<details class="email-geschiedenis">')
    assert "De declaratie van de fysiotherapeut is nog steeds niet betaald." in boven
    assert "Wij hebben uw klacht ontvangen onder dossiernummer" in gevouwen.split("</details>")[0]
    assert reverse("klachten:email", args=[inkomend.pk]) in pagina


@pytest.mark.parametrize(
    ("tekst", "boven", "gevouwen"),
    [
        (
            "Bonjour,\n\nMerci.\n\nLe lun. 7 déc. 2026 à 10:12, Klachten <k@x.example> a écrit :\n"
            "> Madame,\n> Nous avons bien reçu votre réclamation.",
            "Bonjour,\n\nMerci.",
            "> Madame,",
        ),
        (
            "Goedemiddag,\n\nZie bijlage.\n\n-----Oorspronkelijk bericht-----\nVan: Klachten "
            "<k@x.example>\nVerzonden: maandag 7 december 2026 10:12\nAan: Jan <j@x.example>\n"
            "Onderwerp: Uw klacht\n\nGeachte heer Bakker,",
            "Goedemiddag,\n\nZie bijlage.",
            "Geachte heer Bakker,",
        ),
        ("Alleen een tekst, zonder citaat.", "Alleen een tekst, zonder citaat.", ""),
    ],
    ids=["fr", "nl-outlook", "zonder-citaat"],
)
def test_tekst_vouwen(tekst, boven, gevouwen):
    weergave = tekst_vouwen(tekst)
    assert weergave.boven == boven
    assert gevouwen in weergave.gevouwen
    assert not weergave.is_html


def test_html_wordt_schoongemaakt():
    html = (
        '<style>p{color:red}</style><p onclick="x()">Hallo <script>alert("xss")</script>'
        '<a href="https://voorbeeld.example/">link</a> <a href="javascript:alert(1)">js</a>'
        '<img src="https://tracker.example/p.gif" alt="pixel">'
        '<img src="cid:afbeelding01" alt="schermafdruk"></p>'
    )
    schoon = html_schoonmaken(html, lambda cid: f"/bijlagen/{cid}/")
    for weg in (
        "<script",
        "alert",
        "<style",
        "color:red",
        "onclick",
        "tracker.example",
        "javascript",
    ):
        assert weg not in schoon
    assert 'rel="noopener nofollow noreferrer"' in schoon
    assert '<img src="/bijlagen/afbeelding01/" alt="schermafdruk">' in schoon


def test_html_mail_met_inline_afbeelding_op_de_tijdlijn(client, directie, mailbox):
    inkomend = berichten.inkomend_ontvangen(
        monster("nieuwe-klacht-inline-afbeelding.eml"), mailbox=mailbox
    )
    bijlage = inkomend.klacht.bijlagen.get()
    client.force_login(directie)

    pagina = _dossierpagina(client, inkomend.klacht)

    # Served as the preview is: inline, with the type read from its content (issue 19).
    url = reverse("klachten:bijlage-bekijken", args=[bijlage.pk])
    assert f'<img src="{url}"' in pagina
    afbeelding = client.get(url)
    assert afbeelding.status_code == 200
    assert afbeelding["Content-Type"] == bijlage.mime_type
    assert afbeelding["Content-Disposition"].startswith("inline;")


def test_html_met_script_en_volgpixel_op_de_tijdlijn(client, behandelaar, mailbox, dossier):
    bericht = EmailMessage()
    bericht["From"] = "Anna de Vries <anna.devries@gmail.example>"
    bericht["To"] = "klachten@zuid.example"
    bericht["Subject"] = f"Re: {dossier.dossiernummer}"
    bericht["Message-ID"] = "<html-1@gmail.example>"
    bericht["In-Reply-To"] = berichten.message_id(bevestiging(dossier))
    bericht.set_content("Nog steeds niet betaald.")
    bericht.add_alternative(
        "<p>Nog steeds <b>niet</b> betaald.<script>document.title='x'</script>"
        '<img src="https://tracker.example/open.gif"></p>',
        subtype="html",
    )
    berichten.inkomend_ontvangen(bytes(bericht), mailbox=mailbox)
    client.force_login(behandelaar)

    pagina = _dossierpagina(client, dossier)

    assert "Nog steeds <b>niet</b> betaald." in pagina
    assert "tracker.example" not in pagina
    assert "document.title" not in pagina


def test_het_origineel_downloaden_staat_in_het_inzagelogboek(
    client, behandelaar, behandelaar_b, mailbox, dossier
):
    ruw = monster("antwoord-nl-gmail.eml", message_id=berichten.message_id(bevestiging(dossier)))
    inkomend = berichten.inkomend_ontvangen(ruw, mailbox=mailbox)
    url = reverse("klachten:email", args=[inkomend.pk])

    client.force_login(behandelaar_b)  # another afdeling: does not exist for them
    assert client.get(url).status_code == 404

    client.force_login(behandelaar)
    antwoord = client.get(url)
    assert antwoord.status_code == 200
    assert antwoord["Content-Type"] == "message/rfc822"
    assert "attachment" in antwoord["Content-Disposition"]
    assert antwoord.content == ruw
    assert Inzage.objects.filter(
        medewerker=behandelaar, klacht=dossier, soort=InzageSoort.ORIGINEEL
    ).exists()

    client.logout()
    assert client.get(url).status_code == 302  # to the login page

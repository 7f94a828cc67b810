"""The inbound e-mail pipeline (issue 17): a raw message stored first, then classified, threaded
and landed once, with the sample messages of tests/mail/."""

import mailbox as mailboxen
from email.message import EmailMessage

import pytest
from django.core.management import call_command

from klachten import berichten, services
from klachten.berichten.soorten import is_intern
from klachten.models import (
    Bericht,
    BerichtStatus,
    Bijlage,
    Gebeurtenis,
    GebeurtenisSoort,
    InkomendBericht,
    InkomendSoort,
    InkomendStatus,
    Kanaal,
    Klacht,
)
from klachten.storingen import OpslagOnbereikbaar
from klachten.workflow import BerichtSoort, Status
from tests.factories import klacht_in_status
from tests.inkomend import annas_klacht, bevestiging, mail, monster

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(behandelaar, categorie):
    """An acknowledged complaint of Anna de Vries, with its acknowledgement sent."""
    return annas_klacht(Status.ONTVANGST_BEVESTIGD, behandelaar=behandelaar, categorie=categorie)


def klantberichten(klacht: Klacht):
    return Gebeurtenis.objects.filter(klacht=klacht, soort=GebeurtenisSoort.KLANTBERICHT)


# New complaints ----------------------------------------------------------------------------------


def test_nieuwe_klacht_in_latin1_wordt_een_klacht_en_krijgt_een_bevestiging(
    mailbox, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inkomend = berichten.inkomend_ontvangen(
            monster("nieuwe-klacht-latin1.eml"), mailbox=mailbox
        )

    assert (inkomend.status, inkomend.soort) == (
        InkomendStatus.VERWERKT,
        InkomendSoort.NIEUWE_KLACHT,
    )
    klacht = inkomend.klacht
    assert klacht.kanaal == Kanaal.EMAIL
    assert klacht.klant_naam == "Renée Müller-Özdemir"
    assert klacht.klant_email == "renee.muller@provider.example"
    assert "diëtist" in klacht.omschrijving
    assert (klacht.categorie, klacht.afdeling) == (None, None)
    assert klacht.status == Status.ONTVANGST_BEVESTIGD
    assert bevestiging(klacht).aan == "renee.muller@provider.example"
    assert [m.to for m in mailoutbox] == [["renee.muller@provider.example"]]
    assert inkomend.gebeurtenis.soort == GebeurtenisSoort.ONTVANGEN
    with inkomend.bestand.open("rb") as bestand:
        assert bestand.read() == monster("nieuwe-klacht-latin1.eml")


def test_inline_afbeelding_wordt_een_bijlage(mailbox):
    inkomend = berichten.inkomend_ontvangen(
        monster("nieuwe-klacht-inline-afbeelding.eml"), mailbox=mailbox
    )

    bijlage = Bijlage.objects.get(klacht=inkomend.klacht)
    assert (bijlage.oorspronkelijke_naam, bijlage.mime_type) == ("foutmelding.png", "image/png")


def test_hooguit_n_nieuwe_klachten_per_afzender_per_dag(mailbox, settings):
    settings.INKOMEND_NIEUWE_KLACHTEN_PER_AFZENDER = 2
    uitkomsten = [
        berichten.inkomend_ontvangen(
            mail(van="veel@klant.example", onderwerp=f"Klacht {n}", tekst=f"Tekst {n}"),
            mailbox=mailbox,
        )
        for n in range(3)
    ]

    assert [u.status for u in uitkomsten] == [
        InkomendStatus.VERWERKT,
        InkomendStatus.VERWERKT,
        InkomendStatus.QUARANTAINE,
    ]
    assert Klacht.objects.count() == 2


def test_een_bijlage_van_een_verboden_type_staat_met_reden_op_het_dossier(mailbox):
    bericht = EmailMessage()
    bericht["From"] = "Piet <piet@klant.example>"
    bericht["To"] = "klachten@zuid.example"
    bericht["Subject"] = "Klacht met bijlagen"
    bericht.set_content("Zie bijlage.")
    bericht.add_attachment(b"MZ\x90\x00" + b"\x00" * 200, "application", "pdf", filename="a.pdf")

    inkomend = berichten.inkomend_ontvangen(bytes(bericht), mailbox=mailbox)

    assert not Bijlage.objects.filter(klacht=inkomend.klacht).exists()
    notitie = Gebeurtenis.objects.get(klacht=inkomend.klacht, soort=GebeurtenisSoort.NOTITIE)
    assert "a.pdf" in notitie.tekst
    assert "geen toegestaan bestandstype" in notitie.tekst


# Replies -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "naam", ["antwoord-nl-gmail.eml", "antwoord-fr-gmail.eml", "antwoord-nl-outlook.eml"]
)
def test_antwoord_landt_op_het_dossier_van_ons_bericht(mailbox, dossier, naam):
    ruw = monster(naam, message_id=berichten.message_id(bevestiging(dossier)))

    inkomend = berichten.inkomend_ontvangen(ruw, mailbox=mailbox)

    assert (inkomend.status, inkomend.soort) == (InkomendStatus.VERWERKT, InkomendSoort.ANTWOORD)
    assert inkomend.klacht == dossier
    gebeurtenis = klantberichten(dossier).get()
    assert gebeurtenis == inkomend.gebeurtenis
    assert gebeurtenis.door_klant
    assert Klacht.objects.count() == 1  # no new complaint
    if naam == "antwoord-nl-outlook.eml":
        assert gebeurtenis.bijlagen.get().oorspronkelijke_naam == "nota fysiotherapie.pdf"
    if naam == "antwoord-fr-gmail.eml":
        assert "kinésithérapeute" in gebeurtenis.tekst


@pytest.mark.parametrize("soort", [s for s in BerichtSoort if not is_intern(s)])
def test_antwoord_op_elke_soort_bericht_aan_de_klant_landt_op_het_eigen_dossier(
    mailbox, dossier, behandelaar, categorie, soort
):
    """Every kind of message to the customer carries our Message-ID: a reply to it lands on the
    dossier of that message (Piet's), not on another one (Anna's)."""
    piets = klacht_in_status(
        Status.IN_ONDERZOEK,
        door=behandelaar,
        categorie=categorie,
        klant_naam="Piet Jansen",
        klant_email="piet.jansen@example.org",
        kanaal=Kanaal.TELEFOON,
    )
    ons = Bericht.objects.create(
        klacht=piets,
        label=piets.label,
        soort=soort,
        aan=piets.klant_email,
        onderwerp=f"Uw klacht {piets.dossiernummer}",
        tekst="Ons bericht.",
    )
    ruw = mail(
        van="Piet Jansen <piet.jansen@example.org>",
        onderwerp=f"Re: {ons.onderwerp}",
        tekst="Mijn antwoord op uw bericht.",
        In_Reply_To=berichten.message_id(ons),
        References=berichten.message_id(ons),
    )

    inkomend = berichten.inkomend_ontvangen(ruw, mailbox=mailbox)

    assert (inkomend.status, inkomend.soort) == (InkomendStatus.VERWERKT, InkomendSoort.ANTWOORD)
    assert inkomend.klacht == piets
    assert klantberichten(piets).get().tekst == "Mijn antwoord op uw bericht."
    assert not klantberichten(dossier).exists()


def test_antwoord_via_het_antwoordadres_met_geheim(mailbox, dossier):
    ruw = mail(
        van="Iemand <ander-adres@example.org>",
        aan=f"klachten+{dossier.antwoord_sleutel}@zuid.example",
        onderwerp="Mijn reactie",
        tekst="Hierbij mijn reactie.",
    )

    inkomend = berichten.inkomend_ontvangen(ruw, mailbox=mailbox)

    assert inkomend.klacht == dossier
    assert klantberichten(dossier).get().tekst == "Hierbij mijn reactie."


def test_dossiernummer_in_het_onderwerp_alleen_van_de_eigen_klant(mailbox, dossier):
    eigen = berichten.inkomend_ontvangen(
        mail(
            van="Anna <Anna.DeVries@gmail.example>",
            onderwerp=f"Vraag over {dossier.dossiernummer}",
            tekst="Nog een vraag.",
        ),
        mailbox=mailbox,
    )
    vreemd = berichten.inkomend_ontvangen(
        mail(
            van="Kwaadwillend <iemand@anders.example>",
            onderwerp=f"Re: Uw klacht {dossier.dossiernummer} is ontvangen",
            tekst="Ik citeer andermans dossiernummer.",
        ),
        mailbox=mailbox,
    )

    assert eigen.klacht == dossier
    assert vreemd.klacht != dossier
    assert vreemd.soort == InkomendSoort.NIEUWE_KLACHT
    assert klantberichten(dossier).count() == 1
    assert "andermans" not in " ".join(klantberichten(dossier).values_list("tekst", flat=True))


def test_antwoord_op_een_afgesloten_klacht_gaat_niet_verloren(mailbox, behandelaar, categorie):
    klacht = klacht_in_status(
        Status.AFGESLOTEN, door=behandelaar, categorie=categorie, klant_email="a@klant.example"
    )
    ruw = monster("antwoord-nl-gmail.eml", message_id=berichten.message_id(bevestiging(klacht)))

    inkomend = berichten.inkomend_ontvangen(ruw, mailbox=mailbox)

    assert inkomend.status == InkomendStatus.VERWERKT
    assert klantberichten(klacht).count() == 1
    klacht.refresh_from_db()
    assert klacht.status == Status.AFGESLOTEN  # the handler decides


# Noise -------------------------------------------------------------------------------------------


def test_afwezigheidsmelding_krijgt_geen_reactie_en_telt_niet_als_klantreactie(
    mailbox, dossier, mailoutbox, django_capture_on_commit_callbacks
):
    ruw = monster("afwezig-exchange.eml", message_id=berichten.message_id(bevestiging(dossier)))
    aantal_berichten = Bericht.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        inkomend = berichten.inkomend_ontvangen(ruw, mailbox=mailbox)

    assert (inkomend.status, inkomend.soort) == (
        InkomendStatus.GENEGEERD,
        InkomendSoort.AUTOMATISCH,
    )
    assert inkomend.klacht == dossier
    assert not klantberichten(dossier).exists()
    assert Bericht.objects.count() == aantal_berichten
    assert mailoutbox == []


def test_afwezig_zonder_kop_herkend_aan_het_onderwerp(mailbox):
    ruw = mail(van="jan@klant.example", onderwerp="Out of Office: uw klacht", tekst="Weg.")

    inkomend = berichten.inkomend_ontvangen(ruw, mailbox=mailbox)

    assert inkomend.status == InkomendStatus.GENEGEERD
    assert not Klacht.objects.exists()


def test_mail_van_een_eigen_adres_is_een_lus(mailbox):
    ruw = mail(van="klachten@zuid.example", onderwerp="Uw klacht", tekst="Lus.")

    assert berichten.inkomend_ontvangen(ruw, mailbox=mailbox).status == InkomendStatus.GENEGEERD
    assert not Klacht.objects.exists()


def test_spam_gaat_in_quarantaine(mailbox, mailoutbox):
    inkomend = berichten.inkomend_ontvangen(monster("spam-gemarkeerd.eml"), mailbox=mailbox)

    assert inkomend.status == InkomendStatus.QUARANTAINE
    assert "spam" in inkomend.reden
    assert not Klacht.objects.exists()
    assert mailoutbox == []


def test_te_groot_bericht_gaat_ongelezen_in_quarantaine(mailbox, settings):
    settings.INKOMEND_MAX_BYTES = 50_000
    ruw = mail(van="groot@klant.example", onderwerp="Groot", tekst="x" * 60_000)

    inkomend = berichten.inkomend_ontvangen(ruw, mailbox=mailbox)

    assert inkomend.status == InkomendStatus.QUARANTAINE
    assert "Te groot" in inkomend.reden
    assert inkomend.afzender_adres == "groot@klant.example"  # the headers are shown
    assert not Klacht.objects.exists()


# Bounces -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("naam", ["bounce-gmail.eml", "bounce-postfix.eml"])
def test_onbestelbaarmelding_maakt_ons_bericht_onbestelbaar(mailbox, dossier, naam):
    ons = bevestiging(dossier)
    Bericht.objects.filter(pk=ons.pk).update(status=BerichtStatus.VERZONDEN)

    inkomend = berichten.inkomend_ontvangen(
        monster(naam, message_id=berichten.message_id(ons)), mailbox=mailbox
    )

    assert (inkomend.status, inkomend.soort) == (
        InkomendStatus.VERWERKT,
        InkomendSoort.ONBESTELBAAR,
    )
    ons.refresh_from_db()
    assert ons.status == BerichtStatus.ONBESTELBAAR
    assert "5." in ons.laatste_fout
    dossier.refresh_from_db()
    assert dossier.ontvangst_bevestigd_op is None  # no longer counts as acknowledged
    assert Gebeurtenis.objects.filter(klacht=dossier, soort=GebeurtenisSoort.BEZORGING).exists()
    assert inkomend.bericht == ons


def test_vertraging_is_nog_niet_onbestelbaar(mailbox, dossier):
    ons = bevestiging(dossier)
    Bericht.objects.filter(pk=ons.pk).update(status=BerichtStatus.VERZONDEN)

    inkomend = berichten.inkomend_ontvangen(
        monster("vertraagd-postfix.eml", message_id=berichten.message_id(ons)), mailbox=mailbox
    )

    assert inkomend.status == InkomendStatus.GENEGEERD
    ons.refresh_from_db()
    assert ons.status == BerichtStatus.VERZONDEN


# Nothing lost, nothing twice ---------------------------------------------------------------------


def test_hetzelfde_bericht_twee_keer_is_een_tijdlijnregel(mailbox, dossier):
    ruw = monster("antwoord-nl-gmail.eml", message_id=berichten.message_id(bevestiging(dossier)))

    eerste = berichten.inkomend_ontvangen(ruw, mailbox=mailbox)
    # The same over IMAP (CRLF line endings), and once more as it was.
    tweede = berichten.inkomend_ontvangen(ruw.replace(b"\n", b"\r\n"), mailbox=mailbox, uid=7)
    derde = berichten.inkomend_ontvangen(ruw, mailbox=mailbox)

    assert eerste.pk == tweede.pk == derde.pk
    assert InkomendBericht.objects.count() == 1
    assert klantberichten(dossier).count() == 1


def test_opgeslagen_maar_niet_verwerkt_wordt_de_volgende_ronde_een_keer_verwerkt(mailbox):
    """A process killed between storing and processing, simulated by storing only: the row stays
    nieuw; the next run processes it, a run after that finds nothing."""
    inkomend = berichten.inkomend_opslaan(monster("nieuwe-klacht-latin1.eml"), mailbox=mailbox)
    assert inkomend.status == InkomendStatus.NIEUW
    assert not Klacht.objects.exists()

    assert berichten.openstaande_inkomende_verwerken() == 1
    assert berichten.openstaande_inkomende_verwerken() == 0
    assert berichten.inkomend_verwerken(inkomend) is None  # processed already

    inkomend.refresh_from_db()
    assert inkomend.status == InkomendStatus.VERWERKT
    assert Klacht.objects.count() == 1


def test_een_fout_bij_het_verwerken_zet_het_bericht_in_quarantaine(mailbox, monkeypatch):
    def stuk(**kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(services, "klacht_registreren", stuk)

    inkomend = berichten.inkomend_ontvangen(monster("nieuwe-klacht-latin1.eml"), mailbox=mailbox)

    assert inkomend.status == InkomendStatus.QUARANTAINE
    assert "kapot" in inkomend.reden
    assert inkomend.klacht is None


# Sources without a mail server -------------------------------------------------------------------


def test_lokale_map_met_eml_bestanden_en_maildir(mailbox, settings, tmp_path):
    settings.INKOMEND_MAP = tmp_path
    map_ = tmp_path / mailbox.adres
    maildir = mailboxen.Maildir(map_, create=True)
    maildir.add(monster("nieuwe-klacht-inline-afbeelding.eml"))
    (map_ / "los.eml").write_bytes(monster("nieuwe-klacht-latin1.eml"))

    eerste = berichten.map_lezen(mailbox)
    tweede = berichten.map_lezen(mailbox)

    assert (eerste.gelezen, eerste.nieuw, tweede.gelezen) == (2, 2, 0)
    assert Klacht.objects.count() == 2
    assert (map_ / "verwerkt" / "los.eml").exists()
    assert [m.get_flags() for m in mailboxen.Maildir(map_, create=False)] == ["S"]


def test_mail_importeren_van_een_mbox_met_voortgang(mailbox, tmp_path, capsys):
    pad = tmp_path / "export.mbox"
    mbox = mailboxen.mbox(pad, create=True)
    for naam in ("nieuwe-klacht-latin1.eml", "nieuwe-klacht-inline-afbeelding.eml"):
        mbox.add(monster(naam))
    mbox.add(monster("nieuwe-klacht-latin1.eml"))  # the same message twice
    mbox.flush()
    mbox.close()

    call_command("mail_importeren", str(pad))

    uit = capsys.readouterr()
    assert "3 bericht(en) gelezen, 2 nieuw" in uit.out
    assert "3/3" in uit.err  # the progress bar
    assert Klacht.objects.count() == 2
    assert InkomendBericht.objects.count() == 2


def test_antwoord_op_een_melding_aan_een_medewerker_is_geen_klantbericht(mailbox, dossier):
    melding = berichten.behandelaar_melden(klacht=dossier, melding="Let op.")
    ruw = mail(
        van="Behandelaar <behandelaar@elders.example>",
        onderwerp="Re: melding",
        tekst="Ik kijk ernaar.",
        In_Reply_To=berichten.message_id(melding),
    )

    inkomend = berichten.inkomend_ontvangen(ruw, mailbox=mailbox)

    assert inkomend.klacht != dossier
    assert not klantberichten(dossier).exists()


def test_alleen_html_wordt_leesbare_tekst(mailbox):
    bericht = EmailMessage()
    bericht["From"] = "Els <els@klant.example>"
    bericht["To"] = "klachten@zuid.example"
    bericht["Subject"] = "Klacht"
    bericht.set_content(
        "<html><head><style>p{color:red}</style></head><body><p>Eerste alinea.</p>"
        "<p>Tweede &amp; laatste.</p><script>alert(1)</script></body></html>",
        subtype="html",
    )

    klacht = berichten.inkomend_ontvangen(bytes(bericht), mailbox=mailbox).klacht

    assert klacht.omschrijving == "Klacht\n\nEerste alinea.\n\nTweede & laatste."


def test_opslag_onbereikbaar_laat_het_bericht_nieuw(mailbox, monkeypatch):
    inkomend = berichten.inkomend_opslaan(monster("nieuwe-klacht-latin1.eml"), mailbox=mailbox)

    def stuk(*args, **kwargs):
        raise OSError("opslag weg")

    monkeypatch.setattr(type(inkomend.bestand), "open", stuk)
    with pytest.raises(OpslagOnbereikbaar):
        berichten.inkomend_verwerken(inkomend)
    monkeypatch.undo()

    inkomend.refresh_from_db()
    assert inkomend.status == InkomendStatus.NIEUW
    assert berichten.openstaande_inkomende_verwerken() == 1

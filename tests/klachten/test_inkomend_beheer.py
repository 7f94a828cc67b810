"""The beheerder's side of the e-mail channel (issue 17): the mailboxes in the admin (the secret's
variable named, never its value; a connection test against the real Dovecot), the inbound
messages read only, and the quarantine: release (processed again, past the noise filters,
recorded) or delete (row and raw file, recorded); opening a raw message is in the access log."""

from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from klachten import berichten, selectors, services
from klachten.berichten.inkomend import beheer as inkomend_beheer
from klachten.models import (
    Bericht,
    BerichtStatus,
    Beveiliging,
    InkomendBericht,
    InkomendSoort,
    InkomendStatus,
    Inzage,
    InzageSoort,
    Kanaal,
    Klacht,
    Mailbox,
)
from klachten.workflow import Status
from tests.factories import klacht_in_status
from tests.inkomend import bevestiging, mail, monster
from tests.processen import Imapserver

pytestmark = pytest.mark.django_db


@pytest.fixture
def beheer_client(client, beheerder):
    beheerder.is_staff = True
    beheerder.save(update_fields=["is_staff"])
    client.force_login(beheerder)
    return client


def _actie(client, naam: str, model: str, *pks):
    return client.post(
        reverse(f"admin:klachten_{model}_changelist"),
        {"action": naam, "_selected_action": [str(pk) for pk in pks]},
        follow=True,
    )


def test_de_lijst_toont_of_het_geheim_is_ingesteld_maar_nooit_het_geheim(
    beheer_client, mailbox, monkeypatch
):
    monkeypatch.setenv("MAILBOX_ZUID_WACHTWOORD", "zeer-geheim-wachtwoord-42")
    Mailbox.objects.filter(pk=mailbox.pk).update(
        imap_host="imap.zuid.example", geheim_variabele="MAILBOX_ZUID_WACHTWOORD"
    )
    mailbox.refresh_from_db()
    assert inkomend_beheer.geheim_ingesteld(mailbox)

    lijst = beheer_client.get(reverse("admin:klachten_mailbox_changelist")).content.decode()
    pagina = beheer_client.get(
        reverse("admin:klachten_mailbox_change", args=[mailbox.pk])
    ).content.decode()

    for html in (lijst, pagina):
        assert "MAILBOX_ZUID_WACHTWOORD" in html
        assert "zeer-geheim-wachtwoord-42" not in html
        assert 'alt="True"' in html  # the admin's boolean icon: set
    monkeypatch.delenv("MAILBOX_ZUID_WACHTWOORD")
    assert not inkomend_beheer.geheim_ingesteld(mailbox)


@pytest.fixture(scope="module")
def imapserver():
    with Imapserver() as server:
        yield server


def test_verbinding_testen_meldt_aan_bij_de_echte_server_en_meldt_een_fout(
    beheer_client, label, imapserver, monkeypatch
):
    gebruiker = imapserver.gebruiker_maken("klachten-test@zuid.example", "juist-wachtwoord")
    imapserver.toevoegen(gebruiker, mail(van="anna@klant.example", onderwerp="a", tekst="b"))
    monkeypatch.setenv("TEST_VERBINDING_WACHTWOORD", "juist-wachtwoord")
    goed = Mailbox.objects.create(
        label=label,
        adres=gebruiker,
        imap_host=imapserver.HOST,
        imap_poort=imapserver.poort,
        beveiliging=Beveiliging.GEEN,
        gebruiker=gebruiker,
        geheim_variabele="TEST_VERBINDING_WACHTWOORD",
    )
    fout = Mailbox.objects.create(
        label=label,
        adres="ander@zuid.example",
        imap_host=imapserver.HOST,
        imap_poort=imapserver.poort,
        beveiliging=Beveiliging.GEEN,
        geheim_variabele="TEST_VERBINDING_ONTBREEKT",
    )

    html = _actie(beheer_client, "verbinding_testen", "mailbox", goed.pk, fout.pk)

    berichten_op_de_pagina = [str(m) for m in html.context["messages"]]
    assert any(
        m.startswith(f"{gebruiker}: Aangemeld bij") and "1 berichten" in m
        for m in berichten_op_de_pagina
    ), berichten_op_de_pagina
    assert any(
        m.startswith("ander@zuid.example:") and "TEST_VERBINDING_ONTBREEKT" in m
        for m in berichten_op_de_pagina
    ), berichten_op_de_pagina
    # Testing reads nothing: the mailbox's position is where it was.
    goed.refresh_from_db()
    assert (goed.laatste_uid, goed.gelezen_op) == (0, None)


def test_inkomende_berichten_zijn_alleen_te_lezen(beheer_client, mailbox, beheerder):
    inkomend = berichten.inkomend_ontvangen(monster("spam-gemarkeerd.eml"), mailbox=mailbox)
    url = reverse("admin:klachten_inkomendbericht_change", args=[inkomend.pk])

    assert beheer_client.get(url).status_code == 200
    assert beheer_client.get(reverse("admin:klachten_inkomendbericht_add")).status_code == 403
    delete = reverse("admin:klachten_inkomendbericht_delete", args=[inkomend.pk])
    assert beheer_client.post(delete, {"post": "yes"}).status_code == 403
    mailboxen = beheer_client.get(reverse("admin:klachten_mailbox_changelist")).content.decode()
    naar_quarantaine = f"?quarantaine=ja&amp;mailbox__id__exact={mailbox.pk}"
    assert f'{naar_quarantaine}">1</a>' in mailboxen
    lijst = beheer_client.get(
        reverse("admin:klachten_inkomendbericht_changelist")
        + naar_quarantaine.replace("&amp;", "&")
    ).content.decode()
    assert inkomend.onderwerp in lijst
    assert 'value="delete_selected"' not in lijst
    assert 'value="vrijgeven"' in lijst


def test_vrijgeven_maakt_van_spam_een_klacht_en_legt_vast_wie(
    beheer_client, mailbox, beheerder, mailoutbox, django_capture_on_commit_callbacks
):
    inkomend = berichten.inkomend_ontvangen(monster("spam-gemarkeerd.eml"), mailbox=mailbox)
    assert inkomend.status == InkomendStatus.QUARANTAINE

    with django_capture_on_commit_callbacks(execute=True):
        _actie(beheer_client, "vrijgeven", "inkomendbericht", inkomend.pk)

    inkomend.refresh_from_db()
    assert (inkomend.status, inkomend.soort) == (
        InkomendStatus.VERWERKT,
        InkomendSoort.NIEUWE_KLACHT,
    )
    assert inkomend.klacht.kanaal == Kanaal.EMAIL
    assert (inkomend.vrijgegeven_door, inkomend.vrijgegeven_op is not None) == (beheerder, True)
    log = LogEntry.objects.get(object_id=str(inkomend.pk), action_flag=CHANGE)
    assert log.user == beheerder
    assert inkomend.klacht.dossiernummer in log.change_message
    # Released once: a second release finds nothing in quarantine.
    with pytest.raises(inkomend_beheer.QuarantaineFout):
        inkomend_beheer.vrijgeven(inkomend=inkomend, door=beheerder)


def test_vrijgeven_van_een_afwezigheidsmelding_landt_op_het_dossier(
    mailbox, beheerder, behandelaar, categorie
):
    klacht = klacht_in_status(
        Status.ONTVANGST_BEVESTIGD, door=behandelaar, categorie=categorie, kanaal=Kanaal.TELEFOON
    )
    afwezig = monster("afwezig-exchange.eml").replace(
        b"<bericht-42.20261207091200123456@example.nl>",
        berichten.message_id(bevestiging(klacht)).encode(),
    )
    inkomend = berichten.inkomend_ontvangen(afwezig, mailbox=mailbox)
    assert (inkomend.status, inkomend.klacht) == (InkomendStatus.GENEGEERD, klacht)

    verwerkt = inkomend_beheer.vrijgeven(inkomend=inkomend, door=beheerder)

    assert (verwerkt.status, verwerkt.soort, verwerkt.klacht) == (
        InkomendStatus.VERWERKT,
        InkomendSoort.ANTWOORD,
        klacht,
    )


def test_verwijderen_haalt_rij_en_origineel_weg_en_legt_vast_wie(
    beheer_client, mailbox, beheerder, django_capture_on_commit_callbacks
):
    inkomend = berichten.inkomend_ontvangen(monster("spam-gemarkeerd.eml"), mailbox=mailbox)
    bestand = Path(inkomend.bestand.path)
    assert bestand.exists()

    with django_capture_on_commit_callbacks(execute=True):
        _actie(beheer_client, "verwijderen", "inkomendbericht", inkomend.pk)

    assert not InkomendBericht.objects.filter(pk=inkomend.pk).exists()
    assert not bestand.exists()
    log = LogEntry.objects.get(object_id=str(inkomend.pk), action_flag=DELETION)
    assert log.user == beheerder
    # The log outlives the message: it does not repeat its sender or subject.
    assert inkomend.afzender_adres not in f"{log.object_repr} {log.change_message}"


def test_een_verwerkt_bericht_is_niet_te_verwijderen_of_vrij_te_geven(mailbox, beheerder):
    inkomend = berichten.inkomend_ontvangen(
        mail(van="piet@klant.example", onderwerp="Mijn klacht", tekst="Te laat betaald."),
        mailbox=mailbox,
    )
    assert inkomend.status == InkomendStatus.VERWERKT

    for actie in (inkomend_beheer.vrijgeven, inkomend_beheer.verwijderen):
        with pytest.raises(inkomend_beheer.QuarantaineFout):
            actie(inkomend=inkomend, door=beheerder)
    assert InkomendBericht.objects.filter(pk=inkomend.pk).exists()


def test_alleen_wie_mag_wijzigen_krijgt_vrijgeven_en_verwijderen(client, mailbox, directie):
    directie.is_staff = True
    directie.save(update_fields=["is_staff"])
    directie.user_permissions.add(Permission.objects.get(codename="view_inkomendbericht"))
    client.force_login(directie)
    inkomend = berichten.inkomend_ontvangen(monster("spam-gemarkeerd.eml"), mailbox=mailbox)

    lijst = client.get(reverse("admin:klachten_inkomendbericht_changelist")).content.decode()
    _actie(client, "verwijderen", "inkomendbericht", inkomend.pk)

    assert 'value="vrijgeven"' not in lijst
    assert InkomendBericht.objects.filter(pk=inkomend.pk).exists()


def test_het_origineel_openen_staat_in_de_inzagelog(mailbox, behandelaar):
    ruw = mail(van="piet@klant.example", onderwerp="Mijn klacht", tekst="Te laat betaald.")
    inkomend = berichten.inkomend_ontvangen(ruw, mailbox=mailbox)

    geopend = inkomend_beheer.origineel_openen(
        inkomend=inkomend, medewerker=behandelaar, ip_adres="192.0.2.7"
    )

    assert geopend == ruw
    inzage = Inzage.objects.get(klacht=inkomend.klacht, soort=InzageSoort.ORIGINEEL)
    assert (inzage.medewerker, inzage.ip_adres) == (behandelaar, "192.0.2.7")


# A bounce flags the customer's address ----------------------------------------------------------


def test_een_onbestelbaarmelding_markeert_het_adres_tot_het_gecorrigeerd_is(
    client, mailbox, behandelaar, categorie, mailoutbox, django_capture_on_commit_callbacks
):
    klacht = klacht_in_status(
        Status.ONTVANGST_BEVESTIGD,
        door=behandelaar,
        categorie=categorie,
        kanaal=Kanaal.TELEFOON,
        klant_email="anna.devries@gmail.example",
    )
    Klacht.objects.filter(pk=klacht.pk).update(behandelaar=behandelaar)
    ons = bevestiging(klacht)
    Bericht.objects.filter(pk=ons.pk).update(status=BerichtStatus.VERZONDEN)
    client.force_login(behandelaar)
    dossier = reverse("klachten:dossier", args=[klacht.dossiernummer])
    assert "adres-onbestelbaar" not in client.get(dossier).content.decode()

    berichten.inkomend_ontvangen(
        monster("bounce-gmail.eml", message_id=berichten.message_id(ons)), mailbox=mailbox
    )

    assert selectors.adres_onbestelbaar(klacht) == ons
    html = client.get(dossier).content.decode()
    assert 'class="adres-onbestelbaar"' in html
    # Corrected through the resend flow: the flag goes.
    with django_capture_on_commit_callbacks(execute=True):
        services.bericht_opnieuw_versturen(
            klacht=klacht, door=behandelaar, bericht=ons, klant_email="anna@example.nl"
        )
    klacht.refresh_from_db()
    assert selectors.adres_onbestelbaar(klacht) is None
    assert "adres-onbestelbaar" not in client.get(dossier).content.decode()


def test_de_beheerder_downloadt_het_origineel_en_dat_staat_in_de_inzagelog(
    beheer_client, mailbox, beheerder
):
    ruw = mail(van="piet@klant.example", onderwerp="Mijn klacht", tekst="Te laat betaald.")
    inkomend = berichten.inkomend_ontvangen(ruw, mailbox=mailbox)
    pagina = beheer_client.get(
        reverse("admin:klachten_inkomendbericht_change", args=[inkomend.pk])
    ).content.decode()
    url = reverse("admin:klachten_inkomendbericht_origineel", args=[inkomend.pk])
    assert url in pagina

    antwoord = beheer_client.get(url)

    assert antwoord.status_code == 200
    assert antwoord["Content-Type"] == "message/rfc822"
    assert b"".join(antwoord) == ruw
    assert Inzage.objects.filter(
        klacht=inkomend.klacht, soort=InzageSoort.ORIGINEEL, medewerker=beheerder
    ).exists()

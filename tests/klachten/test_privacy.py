"""Privacy (AVG): closed complaints lose the customer's personal data after the retention period,
everywhere (history tables too), while the figures stay the same; a customer's requests for access
and erasure (issue 8, privacy)."""

import dataclasses
import datetime as dt
import io
import json
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from klachten import avg, berichten, services
from klachten.kalender import AMSTERDAM
from klachten.models import (
    AvgVerzoek,
    Bericht,
    BerichtStatus,
    Bijlage,
    Gebeurtenis,
    GebeurtenisSoort,
    InkomendBericht,
    InkomendStatus,
    InzageSoort,
    Kanaal,
    Klacht,
    KwetsbaarheidSoort,
    Label,
    Leermoment,
    Mailbox,
    TermijnwijzigingSoort,
    Uitkomst,
    Verbeterpunt,
    VerbeterpuntStatus,
)
from klachten.workflow import Oordeel, Status, WorkflowFout, weigering
from klanttevredenheid import services as kto
from klanttevredenheid.models import Contactmoment, Uitnodiging, UitnodigingStatus
from rapportage import maandrapport
from rapportage import services as rapportage
from rapportage.models import Dossierreview
from tests.databank import tabellen_met
from tests.factories import KlachtFactory, contactmoment, pdf_bestand

pytestmark = pytest.mark.django_db


def om(jaar, maand, dag, uur=10) -> dt.datetime:
    return dt.datetime(jaar, maand, dag, uur, tzinfo=AMSTERDAM)


class Klant:
    """A customer whose every piece of data is recognisable in the database."""

    def __init__(self, sleutel: str):
        self.achternaam = f"{sleutel.capitalize()}sma"
        self.naam = f"Wilhelmina {self.achternaam}"
        self.email = f"{sleutel}.privacy@example.nl"
        self.telefoon = f"06-{sleutel}1234"
        self.polis = f"POLIS-{sleutel}"
        self.verhaal = f"Mijn behandeling bij dokter {sleutel}berg werd niet vergoed."

    def mail(self, *, aan: str, **koppen) -> bytes:
        """An e-mail from the customer naming all of their data."""
        bericht = EmailMessage()
        bericht["From"] = f"{self.naam} <{self.email}>"
        bericht["To"] = aan
        bericht["Subject"] = f"Polis {self.polis}"
        bericht["Message-ID"] = f"<{self.polis}.{len(koppen)}@klant.example>"
        for kop, waarde in koppen.items():
            bericht[kop] = waarde
        bericht.set_content(f"{self.verhaal}\nBel mij op {self.telefoon}.\n{self.naam}")
        return bytes(bericht)

    def sporen(self) -> list[str]:
        return [self.naam, self.achternaam, self.email, self.telefoon, self.polis, self.verhaal]


def mailbox() -> Mailbox:
    label = Label.objects.get(is_standaard=True)
    return Mailbox.objects.get_or_create(adres="klachten@privacy.example", label=label)[0]


def volledige_klacht(klant: Klant, *, door, categorie, kifid, time_machine, begin, sluiten=True):
    """A complaint with everything: attachment (downloaded: in the access log), notes, messages
    in and out, a suspended term, an answer, an external case (decided), a lesson and an
    improvement action naming the customer, and history versions; closed, unless `sluiten` is
    off, with the directie's dossier review naming the customer too."""
    time_machine.move_to(begin, tick=False)
    klacht = KlachtFactory(
        kanaal=Kanaal.WEBFORMULIER,
        klant_naam=klant.naam,
        klant_email=klant.email,
        klant_telefoon=klant.telefoon,
        polisnummer=klant.polis,
        categorie=categorie,
        omschrijving=klant.verhaal,
        gewenste_oplossing=f"Vergoeding voor {klant.naam}",
        bijlagen=[pdf_bestand(f"nota-{klant.polis}.pdf")],
    )
    services.toewijzen(klacht=klacht, door=door, afdeling=klacht.afdeling, behandelaar=door)
    services.inzage_vastleggen(
        medewerker=door, klacht=klacht, soort=InzageSoort.BIJLAGE, bijlage=klacht.bijlagen.get()
    )
    services.ontvankelijk_verklaren(klacht=klacht, door=door)
    services.notitie_toevoegen(klacht=klacht, door=door, tekst=f"Gebeld met {klant.naam}.")
    services.klantbericht_toevoegen(
        klacht=klacht, door=door, tekst=f"Aanvulling: mijn nummer is {klant.telefoon}."
    )
    # The customer's reply by e-mail, through the channel: its row and raw file hold it all.
    berichten.inkomend_ontvangen(
        klant.mail(aan=f"klachten+{klacht.antwoord_sleutel}@privacy.example"), mailbox=mailbox()
    )
    time_machine.move_to(begin + dt.timedelta(days=3), tick=False)
    services.termijn_wijzigen(
        klacht=klacht,
        door=door,
        soort=TermijnwijzigingSoort.OPSCHORTING,
        nieuwe_datum=(begin + dt.timedelta(days=60)).date(),
        reden=f"Wachten op stukken van {klant.naam}",
    )
    services.kwetsbaarheid_vastleggen(
        klacht=klacht,
        door=door,
        soort=KwetsbaarheidSoort.BETALINGSPROBLEMEN,
        toelichting=f"Schulden van {klant.naam}",
    )
    services.doorverwijzing_vastleggen(
        klacht=klacht,
        door=door,
        naar="Schuldhulp van de gemeente",
        datum=(begin + dt.timedelta(days=2)).date(),
        toelichting=f"Doorverwezen: {klant.telefoon}",
    )
    time_machine.move_to(begin + dt.timedelta(days=10), tick=False)
    services.antwoord_sturen(
        klacht=klacht,
        door=door,
        oordeel=Oordeel.DEELS_GEGROND,
        tekst=f"Beste {klant.naam}, u krijgt de kosten deels vergoed.",
    )
    services.externe_procedure_vastleggen(
        klacht=klacht,
        door=door,
        instantie=kifid,
        ingediend_datum=(begin + dt.timedelta(days=11)).date(),
        uitkomst=Uitkomst.ONGEGROND,
        beslist_datum=(begin + dt.timedelta(days=40)).date(),
        toelichting=f"Kifid-zaak van {klant.naam}",
    )
    services.leermoment_toevoegen(
        klacht=klacht,
        door=door,
        omschrijving=f"{klant.naam.upper()} ({klant.email}) belde drie keer: eerder terugbellen.",
    )
    punt = services.verbeterpunt_toevoegen(
        klacht=klacht,
        door=door,
        eigenaar=door,
        streefdatum=(begin + dt.timedelta(days=90)).date(),
        omschrijving=f"Polis {klant.polis}, tel. {klant.telefoon}: vergoeding beter uitleggen.",
    )
    services.verbeterpunt_bijwerken(
        verbeterpunt=punt, door=door, status=VerbeterpuntStatus.IN_UITVOERING
    )
    if sluiten:
        time_machine.move_to(begin + dt.timedelta(days=41), tick=False)
        services.afsluiten(klacht=klacht, door=door)
        review = Dossierreview.objects.create(
            jaar=begin.year, maand=begin.month, klacht=klacht, aangeboden_op=timezone.now()
        )
        rapportage.dossierreview_vastleggen(
            review=review,
            door=door,
            opmerkingen=f"Goed dossier; mevrouw {klant.achternaam} kreeg op tijd antwoord.",
        )
    klacht.refresh_from_db()
    return klacht


@pytest.fixture
def dossiers(behandelaar, categorie, kifid, time_machine):
    """Three customers: one complaint closed more than 2 years ago (due), one closed 23 months ago
    (not yet), one still open."""
    maak = {"door": behandelaar, "categorie": categorie, "kifid": kifid}
    maak["time_machine"] = time_machine
    oud, recent, open_ = Klant("oud"), Klant("recent"), Klant("open")
    return {
        "oud": (oud, volledige_klacht(oud, begin=om(2024, 9, 2), **maak)),
        "recent": (recent, volledige_klacht(recent, begin=om(2025, 1, 6), **maak)),
        "open": (open_, volledige_klacht(open_, begin=om(2024, 6, 3), sluiten=False, **maak)),
    }


def maandcijfers(maanden):
    nu = om(2026, 12, 1)
    return {m: maandrapport.bouwstenen(*m, nu=nu) for m in maanden}


def test_na_de_bewaartermijn_staan_nergens_meer_persoonsgegevens_ook_niet_in_de_geschiedenis(
    dossiers, time_machine, django_capture_on_commit_callbacks
):
    klant, klacht = dossiers["oud"]
    assert settings.KLACHT_BEWAARTERMIJN_MAANDEN == 24
    for spoor in klant.sporen():
        assert tabellen_met(spoor), spoor  # it was there, history tables included
    assert "klachten_historicalklacht" in tabellen_met(klant.naam)
    bestand = Path(Bijlage.objects.get(klacht=klacht).bestand.path)
    assert bestand.exists()
    inkomend = InkomendBericht.objects.get(klacht=klacht)
    assert inkomend.status == InkomendStatus.VERWERKT
    assert "klachten_inkomendbericht" in tabellen_met(klant.email)
    origineel = Path(inkomend.bestand.path)
    assert klant.telefoon.encode() in origineel.read_bytes()
    # Closed on 13 October 2024: on 12 October 2026 the two years have not passed yet.
    time_machine.move_to(om(2026, 10, 12, 2), tick=False)
    assert avg.verlopen_klachten_anonimiseren() == 0

    time_machine.move_to(om(2026, 10, 14, 2), tick=False)
    with django_capture_on_commit_callbacks(execute=True):  # the files go after commit
        call_command("klachten_anonimiseren")

    for spoor in klant.sporen():
        assert tabellen_met(spoor) == set(), spoor
    assert not bestand.exists()
    assert not origineel.exists()
    inkomend.refresh_from_db()
    assert (inkomend.status, inkomend.bestand.name) == (InkomendStatus.VERWERKT, "")
    # Staff's texts about the complaint keep the lesson, not who the customer was.
    g = avg.GEANONIMISEERD
    assert Leermoment.objects.get(klacht=klacht).omschrijving == (
        f"{g} ({g}) belde drie keer: eerder terugbellen."
    )
    punt = Verbeterpunt.objects.get(klacht=klacht)
    assert {v.omschrijving for v in punt.history.all()} == {
        punt.omschrijving,
        f"Polis {g}, tel. {g}: vergoeding beter uitleggen.",
    }
    assert Dossierreview.objects.get(klacht=klacht).opmerkingen == (
        f"Goed dossier; mevrouw {g} kreeg op tijd antwoord."
    )
    assert klacht.inzages.get(soort=InzageSoort.BIJLAGE).bijlage_naam == g
    klacht.refresh_from_db()
    assert klacht.geanonimiseerd_op is not None
    assert klacht.klant_naam == avg.GEANONIMISEERD
    assert klacht.klant_email == ""
    assert not klacht.bijlagen.exists()
    assert all(
        v.klant_naam == avg.GEANONIMISEERD and v.klant_email == "" for v in klacht.history.all()
    )
    assert klacht.gebeurtenissen.filter(soort=GebeurtenisSoort.ANONIMISERING).count() == 1
    # The others keep their data: one closed 23 months ago, one still open.
    for sleutel in ("recent", "open"):
        anderen, _k = dossiers[sleutel]
        assert "klachten_klacht" in tabellen_met(anderen.naam)
        assert "klachten_historicalklacht" in tabellen_met(anderen.email)
    # Running again changes nothing.
    assert avg.verlopen_klachten_anonimiseren() == 0


def test_anonimiseren_verandert_geen_enkel_cijfer_van_de_rapportage(dossiers, time_machine):
    maanden = [(2024, m) for m in range(6, 13)] + [(2025, m) for m in range(1, 4)]
    time_machine.move_to(om(2026, 10, 13, 2), tick=False)
    voor = maandcijfers(maanden)
    klacht = dossiers["oud"][1]
    stand_voor = Klacht.objects.values(
        "status", "kanaal", "categorie", "afdeling", "oordeel", "ontvangen_op", "afgesloten_op"
    ).get(pk=klacht.pk)

    time_machine.move_to(om(2026, 10, 14, 2), tick=False)
    assert avg.verlopen_klachten_anonimiseren() == 1

    assert maandcijfers(maanden) == voor
    assert (
        Klacht.objects.values(
            "status", "kanaal", "categorie", "afdeling", "oordeel", "ontvangen_op", "afgesloten_op"
        ).get(pk=klacht.pk)
        == stand_voor
    )
    assert klacht.gebeurtenissen.exclude(soort=GebeurtenisSoort.ANONIMISERING).count() > 5


def test_een_lopende_externe_procedure_houdt_de_gegevens_vast(
    behandelaar, categorie, kifid, time_machine
):
    klant = Klant("extern")
    klacht = volledige_klacht(
        klant,
        door=behandelaar,
        categorie=categorie,
        kifid=kifid,
        time_machine=time_machine,
        begin=om(2023, 3, 6),
    )
    procedure = klacht.externe_procedures.get()
    procedure.uitkomst, procedure.beslist_datum = Uitkomst.LOPEND, None
    procedure.save()

    time_machine.move_to(om(2026, 10, 14, 2), tick=False)
    assert avg.verlopen_klachten_anonimiseren() == 0
    # Decided 20 months ago: 2 years from the decision are not over.
    procedure.uitkomst, procedure.beslist_datum = Uitkomst.ONGEGROND, dt.date(2025, 2, 3)
    procedure.save()
    assert avg.verlopen_klachten_anonimiseren() == 0
    time_machine.move_to(om(2027, 2, 4, 2), tick=False)
    assert avg.verlopen_klachten_anonimiseren() == 1


def test_de_bewaartermijn_is_instelbaar(dossiers, settings, time_machine):
    settings.KLACHT_BEWAARTERMIJN_MAANDEN = 36
    time_machine.move_to(om(2026, 10, 14, 2), tick=False)
    assert avg.verlopen_klachten_anonimiseren() == 0
    settings.KLACHT_BEWAARTERMIJN_MAANDEN = 12
    assert avg.verlopen_klachten_anonimiseren() == 2  # "oud" and "recent"


def test_een_geanonimiseerde_klacht_kan_niet_meer_open_en_de_statuslink_werkt_niet_meer(
    dossiers, behandelaar, client, time_machine
):
    klacht = dossiers["oud"][1]
    oude_link = reverse("klachten:status", args=[klacht.status_token])
    time_machine.move_to(om(2026, 10, 14, 2), tick=False)
    avg.verlopen_klachten_anonimiseren()
    klacht.refresh_from_db()

    assert weigering("heropenen", klacht, behandelaar)
    with pytest.raises(WorkflowFout):
        services.heropenen(klacht=klacht, door=behandelaar, reden="Nog een vraag")
    assert client.get(oude_link).status_code == 404


def test_de_taak_van_beat_anonimiseert(dossiers, time_machine):
    from klachten import tasks

    assert "klachten-anonimiseren" in settings.CELERY_BEAT_SCHEDULE
    time_machine.move_to(om(2026, 10, 14, 2), tick=False)
    assert tasks.verlopen_klachten_anonimiseren.delay().get() == 1


# --- access and erasure on request -------------------------------------------------------------


@pytest.fixture
def beheerder_client(client, beheerder):
    client.force_login(beheerder)
    return client


def test_inzage_levert_alles_over_een_emailadres_leesbaar_en_als_gegevens(
    dossiers, beheerder_client, beheerder, time_machine
):
    klant, klacht = dossiers["recent"]
    moment = contactmoment(klant_email=klant.email.upper(), klant_naam=klant.naam)
    berichten.behandelaar_melden(klacht=klacht, melding="De klant stuurde een aanvulling.")
    time_machine.move_to(om(2026, 11, 2), tick=False)
    beheerder_client.force_login(beheerder)  # after the clock moved: sessions expire when idle

    response = beheerder_client.post(
        reverse("klachten:privacy"), {"email": f"  {klant.email.upper()} ", "actie": "inzage"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archief = zipfile.ZipFile(io.BytesIO(response.content))
    namen = archief.namelist()
    assert {"inzage.html", "inzage.json"} <= set(namen)
    bijlage = next(n for n in namen if n.endswith(f"nota-{klant.polis}.pdf"))
    assert archief.read(bijlage).startswith(b"%PDF")
    html = archief.read("inzage.html").decode()
    for spoor in (klant.naam, klant.telefoon, klant.polis, klant.verhaal, klacht.dossiernummer):
        assert spoor in html
    for tekst in ("Wachten op stukken", "Kifid-zaak", "Gebeld met", "Schulden van"):
        assert tekst in html
    gegevens = json.loads(archief.read("inzage.json"))
    klachten = gegevens["bronnen"]["Klachten"]
    assert [k["velden"]["Dossiernummer"] for k in klachten] == [klacht.dossiernummer]
    assert klachten[0]["velden"]["Polis- of lidnummer"] == klant.polis
    berichten_tabel = next(t for t in klachten[0]["tabellen"] if t["titel"] == "Berichten")
    # Only what went to the customer: the notices to staff about it are no data of theirs.
    assert Bericht.objects.filter(klacht=klacht, soort__in=berichten.interne_soorten()).exists()
    aan_klant = Bericht.objects.filter(klacht=klacht).exclude(soort__in=berichten.interne_soorten())
    assert len(berichten_tabel["rijen"]) == aan_klant.count() > 0
    assert {r["Aan"] for r in berichten_tabel["rijen"]} == {klant.email}
    titels = {t["titel"] for t in klachten[0]["tabellen"]}
    assert {"Signalen kwetsbare klant", "Doorverwijzingen"} <= titels
    tevredenheid = gegevens["bronnen"]["Klanttevredenheid"]
    assert len(tevredenheid) == Contactmoment.objects.filter(pk=moment.pk).count() == 1
    # Logged, without the address itself.
    verzoek = AvgVerzoek.objects.get()
    assert (verzoek.soort, verzoek.door) == ("inzage", beheerder)
    assert verzoek.aantallen == {"Klachten": 1, "Klanttevredenheid": 1}
    assert klant.email not in verzoek.email_gemaskeerd
    assert tabellen_met(klant.email) & {"klachten_avgverzoek"} == set()


def test_zoeken_toont_wat_er_is_en_waarom_wissen_nog_niet_kan(dossiers, beheerder_client):
    klant, klacht = dossiers["open"]
    response = beheerder_client.post(
        reverse("klachten:privacy"), {"email": klant.email, "actie": "zoeken"}
    )
    html = response.content.decode()
    assert klacht.dossiernummer in html
    assert "nog in behandeling" in html
    assert 'value="wissen"' not in html
    # Posting the erasure anyway is refused, nothing changes.
    response = beheerder_client.post(
        reverse("klachten:privacy"), {"email": klant.email, "actie": "wissen", "bevestigen": "on"}
    )
    assert response.status_code == 200
    assert "nog in behandeling" in response.content.decode()
    assert Klacht.objects.get(pk=klacht.pk).klant_naam == klant.naam
    assert not AvgVerzoek.objects.exists()


def test_wissen_op_verzoek_anonimiseert_klachten_en_enquetes_en_wordt_vastgelegd(
    dossiers, beheerder_client, beheerder, time_machine
):
    klant, klacht = dossiers["recent"]
    # Kifid decided on 15 February 2025: two years after that, erasing may (see below).
    time_machine.move_to(om(2027, 3, 1, 9), tick=False)
    moment = contactmoment(klant_email=klant.email, klant_naam=klant.naam, moment=om(2027, 3, 1))
    assert Uitnodiging.objects.get(contactmoment=moment).status == UitnodigingStatus.GEPLAND
    beheerder_client.force_login(beheerder)  # after the clock moved: sessions expire when idle
    url = reverse("klachten:privacy")

    zonder_bevestiging = beheerder_client.post(url, {"email": klant.email, "actie": "wissen"})
    assert zonder_bevestiging.status_code == 200
    assert Klacht.objects.get(pk=klacht.pk).geanonimiseerd_op is None

    response = beheerder_client.post(
        url, {"email": klant.email, "actie": "wissen", "bevestigen": "on"}
    )
    assert response.status_code == 302
    for spoor in klant.sporen():
        assert tabellen_met(spoor) == set(), spoor
    moment.refresh_from_db()
    assert moment.geanonimiseerd_op is not None
    # The planned survey invitation will not go out to an erased customer.
    uitnodiging = Uitnodiging.objects.get(contactmoment=moment)
    assert uitnodiging.status == UitnodigingStatus.OVERGESLAGEN
    assert kto.uitnodigingen_versturen(op=om(2027, 3, 3, 9)) == 0
    verzoek = AvgVerzoek.objects.get(soort="wissen")
    assert verzoek.aantallen == {"Klachten": 1, "Klanttevredenheid": 1}
    assert verzoek.door == beheerder
    # A later search for the same address finds the request, and nothing else any more.
    zoeken = beheerder_client.post(url, {"email": klant.email, "actie": "zoeken"})
    assert "Wissen (gegevens geanonimiseerd)" in zoeken.content.decode()
    assert avg.overzicht(klant.email).aantal == 0


def test_alleen_de_beheerder_behandelt_avg_verzoeken(client, behandelaar, teamleider, directie):
    for gebruiker in (behandelaar, teamleider, directie):
        client.force_login(gebruiker)
        assert client.get(reverse("klachten:privacy")).status_code == 403
        assert (
            client.post(
                reverse("klachten:privacy"), {"email": "x@example.nl", "actie": "inzage"}
            ).status_code
            == 403
        )
    assert not AvgVerzoek.objects.exists()


def test_een_ongeldig_adres_geeft_een_foutmelding(beheerder_client):
    response = beheerder_client.post(
        reverse("klachten:privacy"), {"email": "geen adres", "actie": "inzage"}
    )
    assert response.status_code == 200
    assert "e-mailadres" in response.content.decode().lower()
    assert not AvgVerzoek.objects.exists()


def test_berichten_van_andere_klanten_blijven_staan(dossiers, time_machine):
    time_machine.move_to(om(2026, 10, 14, 2), tick=False)
    recent = dossiers["recent"][1]
    aantal = Bericht.objects.filter(klacht=recent).exclude(tekst=avg.GEANONIMISEERD).count()
    avg.verlopen_klachten_anonimiseren()
    assert Bericht.objects.filter(klacht=recent).exclude(tekst=avg.GEANONIMISEERD).count() == aantal
    assert (
        Gebeurtenis.objects.filter(klacht=recent, soort=GebeurtenisSoort.ANONIMISERING).count() == 0
    )
    assert (
        Klacht.objects.filter(status=Status.AFGESLOTEN, geanonimiseerd_op__isnull=False).count()
        == 1
    )
    assert timezone.now() == om(2026, 10, 14, 2)


def test_wissen_wacht_op_een_externe_zaak_die_loopt_of_binnen_de_bewaartermijn_is_beslist(
    dossiers, beheerder, time_machine
):
    klant, klacht = dossiers["recent"]  # Kifid decided on 15 February 2025
    time_machine.move_to(om(2026, 11, 2, 9), tick=False)

    blokkades = avg.overzicht(klant.email).blokkades
    assert len(blokkades) == 1
    assert klacht.dossiernummer in blokkades[0]
    assert "externe instantie" in blokkades[0]
    with pytest.raises(avg.WissenGeblokkeerd):
        avg.gegevens_wissen(email=klant.email, door=beheerder)
    assert Klacht.objects.get(pk=klacht.pk).klant_naam == klant.naam
    assert not AvgVerzoek.objects.exists()

    time_machine.move_to(om(2027, 2, 16, 9), tick=False)
    assert avg.overzicht(klant.email).blokkades == []
    procedure = klacht.externe_procedures.get()
    procedure.uitkomst, procedure.beslist_datum = Uitkomst.LOPEND, None
    procedure.save()
    assert len(avg.overzicht(klant.email).blokkades) == 1  # still running


def test_wissen_controleert_de_klachten_opnieuw_onder_slot_en_wist_dan_niets(
    dossiers, beheerder, time_machine, monkeypatch
):
    """The page found nothing in the way, then the complaint was reopened: the erasure locks the
    complaints, sees it, and leaves everything as it was, the surveys too."""
    klant, klacht = dossiers["recent"]
    time_machine.move_to(om(2027, 3, 1, 9), tick=False)
    moment = contactmoment(klant_email=klant.email, klant_naam=klant.naam)
    klachten = avg.BRONNEN["klachten"]
    monkeypatch.setitem(  # the check that ran before the complaint was reopened
        avg.BRONNEN, "klachten", dataclasses.replace(klachten, blokkades=lambda email, op: [])
    )
    Klacht.objects.filter(pk=klacht.pk).update(status=Status.IN_ONDERZOEK)

    with pytest.raises(avg.WissenGeblokkeerd, match="nog in behandeling"):
        avg.gegevens_wissen(email=klant.email, door=beheerder)

    assert Klacht.objects.get(pk=klacht.pk).geanonimiseerd_op is None
    assert Contactmoment.objects.get(pk=moment.pk).klant_email == klant.email
    assert not AvgVerzoek.objects.exists()


def test_wachtende_berichten_gaan_na_het_wissen_niet_meer_uit(dossiers, time_machine):
    klacht = dossiers["oud"][1]
    wachtend = list(
        Bericht.objects.filter(klacht=klacht, status=BerichtStatus.WACHTEND).values_list(
            "pk", flat=True
        )
    )
    assert wachtend  # their delivery after commit never ran in the test
    time_machine.move_to(om(2026, 10, 14, 2), tick=False)
    avg.verlopen_klachten_anonimiseren()

    for bericht in Bericht.objects.filter(pk__in=wachtend):
        assert (bericht.status, bericht.laatste_fout) == (BerichtStatus.MISLUKT, avg.NIET_VERZONDEN)
        assert bericht.aan == ""
        assert berichten.bericht_afleveren(bericht_id=bericht.pk) is False


def test_bestanden_gaan_pas_weg_als_het_anonimiseren_is_vastgelegd(
    dossiers, time_machine, django_capture_on_commit_callbacks
):
    klacht = dossiers["oud"][1]
    bestand = Path(Bijlage.objects.get(klacht=klacht).bestand.path)
    time_machine.move_to(om(2026, 10, 14, 2), tick=False)

    def anonimiseren_en_terugdraaien():
        with transaction.atomic():
            assert avg.verlopen_klachten_anonimiseren() == 1
            raise RuntimeError("de partij wordt teruggedraaid")

    with (
        django_capture_on_commit_callbacks(execute=True) as na_commit,
        pytest.raises(RuntimeError),
    ):
        anonimiseren_en_terugdraaien()
    assert na_commit == []
    assert bestand.exists()
    assert Bijlage.objects.filter(klacht=klacht).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert avg.verlopen_klachten_anonimiseren() == 1
    assert not bestand.exists()


def test_inzage_zonder_bijlagebestand_noemt_het_ontbrekende_bestand(dossiers, beheerder):
    klant, klacht = dossiers["recent"]
    Path(Bijlage.objects.get(klacht=klacht).bestand.path).unlink()

    archief = zipfile.ZipFile(io.BytesIO(avg.inzage_exporteren(email=klant.email, door=beheerder)))

    assert not any(n.startswith("bijlagen/") for n in archief.namelist())
    gegevens = json.loads(archief.read("inzage.json"))
    (ontbrekend,) = gegevens["ontbrekende_bestanden"]
    assert ontbrekend.endswith(f"nota-{klant.polis}.pdf")
    assert "niet gevonden in onze opslag" in archief.read("inzage.html").decode()


def test_een_klacht_wordt_ook_gevonden_op_het_adres_dat_ze_eerder_had(
    dossiers, beheerder, time_machine
):
    """The customer corrected their address and asks with the old one. The export of a complaint
    found by an earlier address shows only the versions with that address (the others may be
    someone else's); found by the current address, all versions."""
    klant, klacht = dossiers["recent"]
    nieuw = "nieuw.privacy@example.nl"
    klacht.klant_email = nieuw
    klacht.save()

    def versies(email):
        archief = zipfile.ZipFile(io.BytesIO(avg.inzage_exporteren(email=email, door=beheerder)))
        (onderdeel,) = json.loads(archief.read("inzage.json"))["bronnen"]["Klachten"]
        assert onderdeel["velden"]["Dossiernummer"] == klacht.dossiernummer
        tabel = next(t for t in onderdeel["tabellen"] if t["titel"].startswith("Eerdere versies"))
        return [rij["E-mailadres"] for rij in tabel["rijen"]]

    eerder = versies(klant.email.upper())
    assert eerder
    assert set(eerder) == {klant.email}
    assert set(versies(nieuw)) == {klant.email, nieuw}

    time_machine.move_to(om(2027, 3, 1, 9), tick=False)  # after Kifid's decision's period
    assert avg.gegevens_wissen(email=klant.email, door=beheerder)["Klachten"] == 1
    klacht.refresh_from_db()
    assert klacht.geanonimiseerd_op is not None
    assert tabellen_met(nieuw) == set()


# Inbound e-mail (issue 17) -------------------------------------------------------------------


def test_inzage_bevat_de_ontvangen_emails_als_eml_ook_die_geen_klacht_werden(dossiers, beheerder):
    klant, klacht = dossiers["recent"]
    spam = berichten.inkomend_ontvangen(
        klant.mail(aan="klachten@privacy.example", **{"X-Spam-Flag": "YES"}), mailbox=mailbox()
    )
    assert (spam.status, spam.klacht) == (InkomendStatus.QUARANTAINE, None)

    archief = zipfile.ZipFile(io.BytesIO(avg.inzage_exporteren(email=klant.email, door=beheerder)))

    antwoord = InkomendBericht.objects.get(klacht=klacht)
    for rij, naam in (
        (antwoord, f"e-mails/{klacht.dossiernummer}/{antwoord.pk}.eml"),
        (spam, f"e-mails/zonder-klacht/{spam.pk}.eml"),
    ):
        with rij.bestand.open("rb") as bestand:
            assert archief.read(naam) == bestand.read()
    gegevens = json.loads(archief.read("inzage.json"))
    (losse,) = [o for o in gegevens["bronnen"]["Klachten"] if "Dossiernummer" not in o["velden"]]
    (tabel,) = losse["tabellen"]
    assert [r["Onderwerp"] for r in tabel["rijen"]] == [f"Polis {klant.polis}"]


def test_wissen_laat_geen_ontvangen_email_of_origineel_achter(
    dossiers, time_machine, beheerder, django_capture_on_commit_callbacks
):
    klant, klacht = dossiers["recent"]
    time_machine.move_to(om(2027, 3, 1, 9), tick=False)
    spam = berichten.inkomend_ontvangen(
        klant.mail(aan="klachten@privacy.example", **{"X-Spam-Flag": "YES"}), mailbox=mailbox()
    )
    originelen = [Path(r.bestand.path) for r in (spam, klacht.inkomende_berichten.get())]
    assert all(p.exists() for p in originelen)

    with django_capture_on_commit_callbacks(execute=True):
        avg.gegevens_wissen(email=klant.email, door=beheerder)

    for spoor in klant.sporen():
        assert tabellen_met(spoor) == set(), spoor
    assert not any(p.exists() for p in originelen)
    assert not InkomendBericht.objects.exclude(bestand="").filter(
        pk__in=[spam.pk, klacht.inkomende_berichten.get().pk]
    )


def test_een_email_die_geen_klacht_werd_gaat_na_de_bewaartermijn_weg(
    dossiers, time_machine, django_capture_on_commit_callbacks
):
    klant, _klacht = dossiers["open"]
    time_machine.move_to(om(2024, 9, 2), tick=False)
    spam = berichten.inkomend_ontvangen(
        klant.mail(aan="klachten@privacy.example", **{"X-Spam-Flag": "YES"}), mailbox=mailbox()
    )
    origineel = Path(spam.bestand.path)

    time_machine.move_to(om(2026, 9, 1, 2), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        avg.verlopen_klachten_anonimiseren()
    assert origineel.exists()  # not two years old yet

    time_machine.move_to(om(2026, 9, 3, 2), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        avg.verlopen_klachten_anonimiseren()

    assert not origineel.exists()
    spam.refresh_from_db()
    assert (spam.afzender_adres, spam.onderwerp, spam.bestand.name) == ("", avg.GEANONIMISEERD, "")
    # The open complaint keeps its e-mail.
    assert InkomendBericht.objects.get(klacht=dossiers["open"][1]).afzender_adres == klant.email

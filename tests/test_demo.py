"""The demo data (manage.py demo_data), loaded and looked at from every side: the whole
complaint procedure and 15 months of customer satisfaction, through the services, moved back over
the past months. One load serves the checks of every app (a load takes 8-20 s, most of it the
fixed survey history); a first load with the same seed, rolled back, shows that the seed decides
the complaints (that load skips the survey history: it draws with a generator of its own after the
complaints, and the complaints and reviews of the full load must still equal the first's)."""

import datetime as dt
import statistics
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from klachten import berichten, kalender, selectors, services, termijnen
from klachten.demo.draaiboek import demo_pdf
from klachten.models import (
    Bericht,
    BerichtStatus,
    ExterneProcedure,
    Gebeurtenis,
    GebeurtenisSoort,
    InkomendBericht,
    InkomendSoort,
    InkomendStatus,
    Kanaal,
    Klacht,
    Label,
    Leermoment,
    Mailbox,
    Medewerker,
    Termijnwijziging,
    TermijnwijzigingSoort,
    Uitkomst,
    Verbeterpunt,
    VerbeterpuntStatus,
)
from klachten.workflow import BerichtSoort, Status
from klanttevredenheid import cijfers
from klanttevredenheid.berichtsoorten import KtoBerichtSoort
from klanttevredenheid.models import (
    Bron,
    Campagne,
    Contactmoment,
    ContactmomentSoort,
    Enquetegroep,
    Kwartaalcijfer,
    Opvolging,
    OpvolgingStatus,
    RedenOvergeslagen,
    Respons,
    Uitnodiging,
    UitnodigingStatus,
)
from rapportage.berichtsoorten import RapportBerichtSoort
from rapportage.models import Dossierreview, Jaarrapport, Maandrapport

pytestmark = pytest.mark.django_db

# Enough for the fixed dossiers (every state, every deadline colour) and a few drawn at random.
AANTAL = 30
E_MAIL_KLACHTEN = 1  # klachten.demo.email: a complaint that arrived by e-mail
SEED = 2026  # the command's default, drawn explicitly


def demo_data(**opties) -> str:
    uitvoer = StringIO()
    call_command("demo_data", stdout=uitvoer, **opties)
    return uitvoer.getvalue()


def tellingen() -> list[int]:
    return [
        model.objects.count()
        for model in (
            Klacht,
            Medewerker,
            Campagne,
            Contactmoment,
            Uitnodiging,
            Respons,
            Opvolging,
            Kwartaalcijfer,
            Bericht,
            InkomendBericht,
        )
    ]


def de_klachten() -> list[tuple]:
    """What the seed draws for each complaint."""
    return list(
        Klacht.objects.order_by("dossiernummer").values_list(
            "dossiernummer", "klant_naam", "categorie__code", "kanaal", "status", "oordeel"
        )
    )


def de_reviews() -> list[tuple]:
    """The dossiers the seed draws for the directie's reviews."""
    return list(
        Dossierreview.objects.order_by("jaar", "maand").values_list(
            "jaar", "maand", "klacht__dossiernummer", "opmerkingen"
        )
    )


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data for the tests of a class (the moment before, what it printed, and the
    complaints and dossier reviews of a first load with the same seed, rolled back before this
    one), rolled back after them. The first load leaves out the survey history (most of a
    load's time): the complaints are drawn before it and the reviews from the complaints."""
    media = tmp_path_factory.mktemp("demo-media")
    # The month report's PDF to the directie (seconds of WeasyPrint; rendered and read in
    # tests/rapportage) is a small one here.
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media)),
        mock.patch("rapportage.exports.maandrapport_pdf", return_value=demo_pdf("Maandrapport")),
    ):
        with (
            transaction.atomic(),
            mock.patch("klanttevredenheid.demo.demo_vullen", return_value=""),
        ):
            demo_data(aantal=AANTAL, seed=SEED)
            eerste_lading = de_klachten(), de_reviews()
            transaction.set_rollback(True)
        with transaction.atomic():
            voor = timezone.now()
            uitvoer = demo_data(aantal=AANTAL, seed=SEED)
            yield voor, uitvoer, eerste_lading
            transaction.set_rollback(True)


class TestDemoData:
    """One load of the demo data, looked at from every side (one pytest worker runs the whole
    class: SAMEN_OP_EEN_WORKER in tests/conftest.py)."""

    def test_elke_status_en_elke_stap_van_de_procedure_komt_voor(self, demo):
        assert Klacht.objects.count() == AANTAL + E_MAIL_KLACHTEN
        assert set(Klacht.objects.values_list("status", flat=True)) == set(Status.values)

        # Not admissible, solved at first contact, answered with every kind of oordeel.
        assert Klacht.objects.filter(is_ontvankelijk=False, status=Status.AFGESLOTEN).exists()
        assert Klacht.objects.filter(direct_opgelost=True).exists()
        assert {"gegrond", "deels_gegrond", "ongegrond"} <= set(
            Klacht.objects.values_list("oordeel", flat=True)
        )
        assert Klacht.objects.filter(definitief_standpunt_op__isnull=False).exists()
        # Assigned, with notes, phone calls and messages from the customer on the timeline.
        assert Klacht.objects.filter(behandelaar__isnull=False).count() >= AANTAL // 2
        soorten = set(Gebeurtenis.objects.values_list("soort", flat=True))
        assert {
            GebeurtenisSoort.TOEWIJZING,
            GebeurtenisSoort.NOTITIE,
            GebeurtenisSoort.TELEFOON,
            GebeurtenisSoort.TERMIJN,
            GebeurtenisSoort.EXTERNE_PROCEDURE,
            GebeurtenisSoort.LEERMOMENT,
            GebeurtenisSoort.VERBETERPUNT,
        } <= soorten
        assert Gebeurtenis.objects.filter(
            soort=GebeurtenisSoort.KLANTBERICHT, door_klant=True
        ).exists()
        assert Gebeurtenis.objects.filter(bijlagen__isnull=False).exists()
        # Suspended and extended terms.
        assert set(Termijnwijziging.objects.values_list("soort", flat=True)) == set(
            TermijnwijzigingSoort.values
        )
        # Every kind of message to the customer went out.
        # (The standard statusupdate's template and the deadline watch's notices come from the
        # watch, which the demo does not run; the survey messages are checked with the
        # satisfaction demo in tests/klanttevredenheid.)
        niet_in_demo = {
            BerichtSoort.STATUSLINK,
            BerichtSoort.STATUSLINKS,  # both sent only when a customer lost the link
            BerichtSoort.STATUSUPDATE_STANDAARD,
            BerichtSoort.TERMIJNSIGNAAL,
            KtoBerichtSoort.KTO_UITNODIGING,
            KtoBerichtSoort.KTO_SIGNAAL,
        }
        assert set(BerichtSoort.values) - niet_in_demo <= set(
            Bericht.objects.values_list("soort", flat=True)
        )
        # One reopened: closed, then back in investigation.
        assert Gebeurtenis.objects.filter(
            soort=GebeurtenisSoort.STATUS,
            van_status=Status.AFGESLOTEN,
            naar_status=Status.IN_ONDERZOEK,
        ).exists()

    def test_heroverweging_door_een_tweede_behandelaar_en_externe_procedures(self, demo):
        heroverwogen = Klacht.objects.filter(heroverweging_behandelaar__isnull=False)
        assert heroverwogen.exists()
        assert not heroverwogen.filter(heroverweging_behandelaar=F("behandelaar")).exists()
        # The second-line answer is the definitief standpunt, sent by the second-line handler.
        for klacht in heroverwogen.exclude(status=Status.IN_HEROVERWEGING):
            antwoord = klacht.berichten.get(soort=BerichtSoort.HEROVERWEGING_ANTWOORD)
            assert antwoord.verstuurd_door == klacht.heroverweging_behandelaar
            # With the customer's last day at the externe instantie, counted from the moved-back
            # standpoint (Kifid: 3 months after it or a year after the complaint).
            uiterste = services.externe_uiterste_datum(klacht)
            assert uiterste > kalender.lokale_datum(klacht.definitief_standpunt_op)
            assert berichten.datum_tekst(uiterste, klacht.taal) in antwoord.tekst
        # A reconsideration just asked, waiting for its second-line handler.
        assert Klacht.objects.filter(
            status=Status.IN_HEROVERWEGING, heroverweging_behandelaar__isnull=True
        ).exists()

        assert Label.objects.get(slug="zorgzaam").externe_instantie.code == "skgz"
        assert Label.objects.get(slug="rechtsbijstand").externe_instantie.code == "kifid"
        procedures = ExterneProcedure.objects.select_related("instantie", "klacht__label")
        assert {p.instantie.code for p in procedures} == {"kifid", "skgz"}
        assert (
            procedures.exclude(uitkomst=Uitkomst.LOPEND)
            .filter(beslist_datum__isnull=False)
            .exists()
        )
        assert procedures.filter(uitkomst=Uitkomst.LOPEND).exists()
        for procedure in procedures:
            assert procedure.instantie == procedure.klacht.label.externe_instantie
            assert procedure.klacht.definitief_standpunt_op is not None
            assert procedure.ingediend_datum > kalender.lokale_datum(
                procedure.klacht.definitief_standpunt_op
            )

    def test_verbetering_leermomenten_en_verbeterpunten_gereed_en_over_datum(self, demo):
        assert Leermoment.objects.exists()
        punten = list(Verbeterpunt.objects.all())
        assert any(p.status == VerbeterpuntStatus.GEREED and p.gereed_op for p in punten)
        assert any(p.is_over_datum for p in punten)
        assert Verbeterpunt.objects.filter(klacht__isnull=True).exists()

    def test_open_termijnen_groen_oranje_en_rood_en_consistent(self, demo):
        vandaag = timezone.localdate()
        dagen = [
            (datum - vandaag).days
            for datum in Klacht.objects.exclude(volgende_termijn_datum=None).values_list(
                "volgende_termijn_datum", flat=True
            )
        ]
        assert any(d < 0 for d in dagen), "over termijn (rood)"
        assert any(0 <= d <= 2 for d in dagen), "binnen twee dagen (oranje)"
        assert any(d > 2 for d in dagen), "later (groen)"
        # The deadline columns are those the rules give for the moved-back dates.
        gewijzigd = set(Termijnwijziging.objects.values_list("klacht_id", flat=True))
        heropend = dict(
            Gebeurtenis.objects.filter(
                soort=GebeurtenisSoort.STATUS,
                van_status=Status.AFGESLOTEN,
                naar_status=Status.IN_ONDERZOEK,
            ).values_list("klacht_id", "op")
        )
        for klacht in Klacht.objects.filter(direct_opgelost=False):
            geldend = termijnen.termijnen_van(klacht)
            assert klacht.volgende_termijn_datum == geldend.eerstvolgende, klacht
            assert klacht.statusupdate_uiterlijk_datum == geldend.statusupdate, klacht
            if klacht.pk in heropend:
                vanaf = heropend[klacht.pk]
            elif klacht.pk not in gewijzigd:
                vanaf = klacht.ontvangen_op
            else:
                continue  # suspended or extended: the new date the customer was told
            assert klacht.antwoord_uiterlijk_datum == termijnen.antwoord_uiterlijk(vanaf), klacht
            if klacht.heroverweging_gevraagd_op:
                assert klacht.heroverweging_uiterlijk_datum == termijnen.heroverweging_uiterlijk(
                    klacht.heroverweging_gevraagd_op
                )

    def test_alles_is_teruggedateerd_over_de_afgelopen_maanden(self, demo):
        voor, _uitvoer, _eerste = demo
        ontvangen = list(
            Klacht.objects.order_by("ontvangen_op").values_list("ontvangen_op", flat=True)
        )
        assert ontvangen[-1] - ontvangen[0] > dt.timedelta(days=365)
        assert ontvangen[0] > voor - dt.timedelta(days=18 * 31)

        # Nothing lies in the future, nothing before its complaint was received.
        assert not Gebeurtenis.objects.filter(op__gt=voor).exists()
        assert not Gebeurtenis.objects.filter(op__lt=F("klacht__ontvangen_op")).exists()
        assert not Bericht.objects.filter(created_at__gt=voor).exists()
        assert not Klacht.history.filter(history_date__gt=voor).exists()
        assert not Klacht.objects.filter(klantbericht_op__gt=voor).exists()
        assert not Klacht.objects.filter(created_at__lt=F("ontvangen_op")).exists()
        for veld in ["ontvangst_bevestigd_op", "beantwoord_op", "afgesloten_op"]:
            assert not Klacht.objects.filter(**{f"{veld}__gt": voor}).exists(), veld
            assert not Klacht.objects.filter(**{f"{veld}__lt": F("ontvangen_op")}).exists(), veld
        assert not Verbeterpunt.objects.filter(gereed_op__gt=voor).exists()

        # Every dossier's timeline runs forward in the order it was written.
        for klacht in Klacht.objects.all():
            momenten = list(klacht.gebeurtenissen.order_by("pk").values_list("op", flat=True))
            assert momenten == sorted(momenten), klacht
            historie = list(
                klacht.history.order_by("history_id").values_list("history_date", flat=True)
            )
            assert historie == sorted(historie), klacht
        # The old messages were sent when written; only the last two days' wait in the outbox.
        verzonden = Bericht.objects.filter(status=BerichtStatus.VERZONDEN)
        assert verzonden.count() > Bericht.objects.count() // 2
        assert not verzonden.filter(verzonden_op__lt=F("created_at")).exists()
        assert not Bericht.objects.filter(
            status=BerichtStatus.WACHTEND, created_at__lt=voor - dt.timedelta(days=2)
        ).exists()

    def test_de_partnerbehandelaar_heeft_klachten_en_gaf_er_een_terug(self, demo):
        partner = Medewerker.objects.get(username="partner")
        eigen = selectors.klachten_voor(partner)

        assert not partner.afdelingen.exists()
        assert eigen.count() == 3
        assert eigen.filter(gebeurtenissen__door=partner, gebeurtenissen__soort="notitie").exists()
        terug = Gebeurtenis.objects.get(soort=GebeurtenisSoort.TOEWIJZING, door=partner)
        assert terug.tekst.startswith("Teruggegeven aan Marieke Jansen: ")
        assert terug.klacht.behandelaar.username == "teamleider"
        assert not eigen.filter(pk=terug.klacht_id).exists()
        assert Bericht.objects.filter(
            klacht=terug.klacht, soort=BerichtSoort.MELDING_BEHANDELAAR, aan="teamleider@example.nl"
        ).exists()

    def test_een_telefonische_klacht_zonder_email_heeft_een_brief_te_printen(self, demo):
        per_post = Klacht.objects.get(klant_email="")
        assert per_post.kanaal == Kanaal.TELEFOON
        assert per_post.klant_postadres
        brief = per_post.berichten.get(soort=BerichtSoort.ONTVANGSTBEVESTIGING)
        assert brief.per_post
        assert brief.status == BerichtStatus.TE_PRINTEN

    def test_de_klanttevredenheid_is_gevuld(self, demo):
        """15 months of contact moments, invitations, responses, follow-ups and
        kwartaalcijfers, all through the services, moved back to when they happened."""
        voor, uitvoer, _eerste = demo

        # Contact moments of every kind (the closed demo complaints' among them, recorded at their
        # closing), both labels, the yearly survey among its groups, over the past 15 months.
        momenten = Contactmoment.objects.all()
        assert 500 <= momenten.count() <= 700
        # (Not every demo holds a rejected complaint.)
        assert set(ContactmomentSoort.values) - {ContactmomentSoort.KLACHT_AFGEWEZEN} <= set(
            momenten.values_list("soort", flat=True)
        )
        # (The complaints go back 18 months, the survey 15.)
        recent_gesloten = Klacht.objects.filter(
            afgesloten_op__gte=voor - dt.timedelta(days=14 * 30)
        )
        assert recent_gesloten.exists()
        for klacht in recent_gesloten:
            assert momenten.filter(klacht=klacht, moment=klacht.afgesloten_op).count() == 1
        assert set(momenten.values_list("groep", flat=True)) == set(Enquetegroep.values)
        assert set(momenten.values_list("label", flat=True)) == set(
            Label.objects.values_list("pk", flat=True)
        )
        assert Campagne.objects.filter(naam__startswith="Klantonderzoek ").exists()
        assert momenten.filter(behandelaar__username="behandelaar").exists()
        oudste = momenten.order_by("moment").first().moment
        assert voor - dt.timedelta(days=15 * 31) < oudste < voor - dt.timedelta(days=14 * 30)
        assert not momenten.filter(moment__gt=voor).exists()

        # Invitations sent, answered, still planned, and skipped for each real reason.
        statussen = set(Uitnodiging.objects.values_list("status", flat=True))
        assert statussen == set(UitnodigingStatus.values)
        assert {
            RedenOvergeslagen.RECENT_UITGENODIGD,
            RedenOvergeslagen.GEEN_EMAIL,
            RedenOvergeslagen.TE_OUD,
        } <= set(Uitnodiging.objects.values_list("reden_overgeslagen", flat=True))
        assert not Uitnodiging.objects.filter(verzonden_op__gt=voor).exists()

        # About 45% answered, mostly 7-9, a few low; comments for part of them.
        verstuurd = Uitnodiging.objects.filter(
            status__in=[UitnodigingStatus.VERZONDEN, UitnodigingStatus.BEANTWOORD]
        ).count()
        responsen = Respons.objects.all()
        eigen = responsen.exclude(contactmoment__bron=Bron.EXTERN)
        assert 0.35 < eigen.count() / verstuurd < 0.55
        cijferlijst = list(responsen.values_list("rapportcijfer", flat=True))
        assert 7 <= statistics.median(cijferlijst) <= 8
        assert min(cijferlijst) <= 3
        assert responsen.exclude(toelichting="").exists()
        assert responsen.exclude(verbetertips="").exists()
        assert responsen.filter(nps_score__isnull=False).exists()
        assert not responsen.filter(ontvangen_op__gt=voor).exists()
        assert not responsen.filter(ontvangen_op__lt=F("contactmoment__uitnodiging__verzonden_op"))

        # An external research bureau's survey, imported weeks later: no invitations of ours, no
        # follow-ups.
        extern = responsen.filter(contactmoment__bron=Bron.EXTERN)
        assert extern.count() == 30
        assert not Uitnodiging.objects.filter(contactmoment__bron=Bron.EXTERN).exists()
        assert not Opvolging.objects.filter(respons__in=extern).exists()
        assert not extern.filter(ontvangen_op__gt=voor - dt.timedelta(days=25)).exists()

        # Every low score of our own survey has its follow-up; the older ones mostly closed, the
        # recent ones open.
        laag = [r for r in eigen if cijfers.is_laag(r.rapportcijfer, r.nps_score)]
        assert Opvolging.objects.count() == len(laag) > 0
        afgerond = Opvolging.objects.filter(status=OpvolgingStatus.AFGEROND)
        gebeld = afgerond.filter(afsluitreden="")
        assert gebeld.exclude(notitie="").count() == gebeld.count() > 0
        # Those whose customer was anonymised first closed by themselves, with the reason.
        assert not Opvolging.objects.filter(
            status=OpvolgingStatus.OPEN, respons__contactmoment__geanonimiseerd_op__isnull=False
        ).exists()
        assert not afgerond.filter(afgerond_op__lt=F("created_at")).exists()
        assert not afgerond.filter(afgerond_op__gt=voor).exists()
        assert Opvolging.objects.filter(
            status=OpvolgingStatus.OPEN, toegewezen_aan__username="behandelaar"
        ).exists()
        # The weekly watch escalated those left open too long (issue 19), after their opening.
        geescaleerd = Opvolging.objects.filter(geescaleerd_op__isnull=False)
        assert geescaleerd.exists()
        assert not geescaleerd.filter(geescaleerd_op__lt=F("created_at")).exists()

        # Personal data erased 3 months after the invitation; the quarters computed and published.
        assert momenten.filter(geanonimiseerd_op__isnull=False, klant_email="").exists()
        assert not momenten.filter(
            geanonimiseerd_op__isnull=True, moment__lt=voor - dt.timedelta(days=120)
        ).exists()
        for label in Label.objects.all():
            kwartalen = Kwartaalcijfer.objects.filter(label=label, aantal__gt=0)
            assert kwartalen.count() >= 4
            assert all(k.gemiddelde is not None for k in kwartalen)

        # The survey e-mails of the past went out; the last two days' wait for the worker.
        kto = Bericht.objects.filter(
            soort__in=[KtoBerichtSoort.KTO_UITNODIGING, KtoBerichtSoort.KTO_SIGNAAL]
        )
        assert kto.filter(status=BerichtStatus.VERZONDEN).exists()
        assert not kto.filter(
            status=BerichtStatus.WACHTEND, created_at__lt=voor - dt.timedelta(days=2)
        ).exists()
        assert not kto.filter(created_at__gt=voor).exists()

        assert "Klanttevredenheid:" in uitvoer
        assert "/medewerker/klanttevredenheid/" in uitvoer

    def test_e_mailgesprekken_door_de_echte_verwerking_zonder_mailserver(self, demo):
        _voor, uitvoer, _lading = demo
        mailboxen = Mailbox.objects.all()
        assert {m.label_id for m in mailboxen} == set(Label.objects.values_list("pk", flat=True))
        assert not any(m.imap_host for m in mailboxen)
        assert all(m.gelezen_op is not None for m in mailboxen)
        # A new complaint by e-mail: acknowledged, still te classificeren.
        nieuw = InkomendBericht.objects.get(soort=InkomendSoort.NIEUWE_KLACHT)
        klacht = nieuw.klacht
        assert (klacht.kanaal, klacht.categorie, klacht.afdeling) == (Kanaal.EMAIL, None, None)
        assert klacht.berichten.filter(soort=BerichtSoort.ONTVANGSTBEVESTIGING).exists()
        # A reply with quoted history on an open dossier, threaded by our Message-ID.
        antwoord = InkomendBericht.objects.exclude(klacht__status=Status.AFGESLOTEN).get(
            soort=InkomendSoort.ANTWOORD
        )
        assert antwoord.status == InkomendStatus.VERWERKT
        assert "gevonden via message-id" in antwoord.reden
        assert antwoord.klacht.status != Status.AFGESLOTEN
        assert antwoord.gebeurtenis.soort == GebeurtenisSoort.KLANTBERICHT
        assert "Dank voor uw bericht" in antwoord.gebeurtenis.tekst
        assert antwoord.bestand.name.endswith(".eml")
        # A reply to a closed complaint: on its dossier, which offers the handler's choices.
        na_afsluiting = InkomendBericht.objects.get(
            soort=InkomendSoort.ANTWOORD, klacht__status=Status.AFGESLOTEN
        )
        assert na_afsluiting.status == InkomendStatus.VERWERKT
        assert na_afsluiting.gebeurtenis.op > na_afsluiting.klacht.afgesloten_op
        assert selectors.bericht_na_afsluiting(na_afsluiting.klacht) is not None
        # An out-of-office (ignored) and a spam-flagged message in quarantine.
        afwezig = InkomendBericht.objects.get(soort=InkomendSoort.AUTOMATISCH)
        assert (afwezig.status, afwezig.klacht is not None) == (InkomendStatus.GENEGEERD, True)
        assert InkomendBericht.objects.filter(status=InkomendStatus.QUARANTAINE).count() == 1
        assert "E-mail: 2 mailboxen" in uitvoer

    def test_het_management_vindt_een_product_in_gebruik(self, demo, client):
        """Acceptance 3 (issue 19): every finished month stored by this morning's run (the month
        before sent to the directie), this month's dossier review offered and earlier ones read,
        and last year's report of every label published, on the pages too."""
        voor, uitvoer, _eerste = demo
        vandaag = kalender.lokale_datum(voor)
        deze_maand = (vandaag.year, vandaag.month)
        eerste = kalender.lokale_datum(Klacht.objects.order_by("ontvangen_op")[0].ontvangen_op)
        maand, afgelopen = (eerste.year, eerste.month), []
        while maand < deze_maand:
            afgelopen.append(maand)
            maand = kalender.volgende_maand(*maand)
        opgeslagen = set(Maandrapport.objects.values_list("jaar", "maand"))
        assert set(afgelopen) <= opgeslagen
        assert deze_maand not in opgeslagen
        vorige = Maandrapport.objects.get(
            jaar=afgelopen[-1][0], maand=afgelopen[-1][1], verzonden_op__isnull=False
        )
        directie = Medewerker.objects.get(username="directie")
        naar_directie = Bericht.objects.filter(
            soort=RapportBerichtSoort.RAPPORT, aan=directie.email
        )
        assert naar_directie.filter(
            bijlage__contains=f"maandrapportage-{vorige.jaar}-{vorige.maand:02d}"
        ).exists()
        assert not naar_directie.filter(created_at__gt=voor).exists()

        # This month's review waits to be read; the three months before were read, with findings.
        te_lezen = Dossierreview.objects.get(beoordeeld_op__isnull=True)
        assert (te_lezen.jaar, te_lezen.maand) == deze_maand
        assert te_lezen.klacht.status == Status.AFGESLOTEN
        gelezen = Dossierreview.objects.filter(beoordeeld_op__isnull=False).order_by(
            "jaar", "maand"
        )
        assert len(gelezen) == 3
        for review in gelezen:
            assert review.beoordeeld_door == directie
            assert review.opmerkingen
            assert review.aangeboden_op < review.beoordeeld_op < voor
            assert review.klacht.afgesloten_op < review.aangeboden_op

        # Last year's report of each label, published through the service with frozen figures.
        for label in Label.objects.all():
            rapport = Jaarrapport.objects.get(jaar=vandaag.year - 1, label=label)
            assert rapport.is_gepubliceerd
            assert rapport.cijfers
            assert rapport.toelichting
            assert rapport.gepubliceerd_door == directie
            assert rapport.gepubliceerd_op < voor
            publiek = client.get(
                reverse("rapportage:publiek-label", kwargs={"label_slug": label.slug})
            )
            assert rapport.toelichting[:40] in publiek.content.decode()

        client.force_login(directie)
        for jaar, maand in afgelopen[-3:]:
            pagina = client.get(reverse("rapportage:maand", kwargs={"jaar": jaar, "maand": maand}))
            assert 'data-status="vastgelegd"' in pagina.content.decode()
        lijst = client.get(reverse("rapportage:dossierreviews")).content.decode()
        assert all(review.klacht.dossiernummer in lijst for review in [te_lezen, *gelezen])
        assert "Rapportage: " in uitvoer
        assert "/medewerker/rapportage/dossierreview/" in uitvoer

    def test_een_tweede_keer_voegt_niets_toe_en_toont_de_logins(self, demo):
        _voor, eerste, _lading = demo
        eerst = tellingen()

        tweede = demo_data()

        assert tellingen() == eerst
        assert "er is niets toegevoegd" in tweede
        assert "/klanttevredenheid/" in tweede
        for uitvoer in (eerste, tweede):
            assert "behandelaar3" in uitvoer
            assert "partner       / demo  partnerbehandelaar (toegewezen klachten)" in uitvoer
            assert "API-sleutel" in uitvoer
            assert "/account/koppelen/" in uitvoer
            assert "/account/login/" in uitvoer
        assert "Per status:" in eerste

    def test_dezelfde_seed_geeft_dezelfde_klachten(self, demo):
        _voor, _uitvoer, (klachten, reviews) = demo
        assert len(klachten) == AANTAL + E_MAIL_KLACHTEN
        assert de_klachten() == klachten
        assert len(reviews) == 4
        assert de_reviews() == reviews

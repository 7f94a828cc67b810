"""The demo data of customer satisfaction: 15 months of contact moments, invitations, responses,
follow-ups and kwartaalcijfers, all through the services, moved back to when they happened."""

import datetime as dt
import statistics
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from klachten.models import Bericht, BerichtStatus, Klacht, Label
from klachten.workflow import BerichtSoort
from klanttevredenheid import cijfers
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

pytestmark = pytest.mark.django_db


def demo_data(**opties) -> str:
    uitvoer = StringIO()
    call_command("demo_data", stdout=uitvoer, **opties)
    return uitvoer.getvalue()


def tellingen() -> list[int]:
    return [
        model.objects.count()
        for model in (
            Campagne,
            Contactmoment,
            Uitnodiging,
            Respons,
            Opvolging,
            Kwartaalcijfer,
            Bericht,
        )
    ]


def test_demo_data_vult_de_klanttevredenheid_en_een_tweede_keer_niets():
    voor = timezone.now()
    uitvoer = demo_data(aantal=5)

    # Contact moments of every kind (the closed demo complaints' among them, recorded at their
    # closing), both labels, the yearly survey among its groups, over the past 15 months.
    momenten = Contactmoment.objects.all()
    assert 500 <= momenten.count() <= 700
    # (Five demo complaints hold no rejected one.)
    assert set(ContactmomentSoort.values) - {ContactmomentSoort.KLACHT_AFGEWEZEN} <= set(
        momenten.values_list("soort", flat=True)
    )
    for klacht in Klacht.objects.filter(afgesloten_op__isnull=False):
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
    assert afgerond.exclude(notitie="").count() == afgerond.count() > 0
    assert not afgerond.filter(afgerond_op__lt=F("created_at")).exists()
    assert not afgerond.filter(afgerond_op__gt=voor).exists()
    assert Opvolging.objects.filter(
        status=OpvolgingStatus.OPEN, toegewezen_aan__username="behandelaar"
    ).exists()

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
    kto = Bericht.objects.filter(soort__in=[BerichtSoort.KTO_UITNODIGING, BerichtSoort.KTO_SIGNAAL])
    assert kto.filter(status=BerichtStatus.VERZONDEN).exists()
    assert not kto.filter(
        status=BerichtStatus.WACHTEND, created_at__lt=voor - dt.timedelta(days=2)
    ).exists()
    assert not kto.filter(created_at__gt=voor).exists()

    assert "Klanttevredenheid:" in uitvoer
    assert "/medewerker/klanttevredenheid/" in uitvoer

    eerst = tellingen()
    tweede = demo_data()
    assert tellingen() == eerst
    assert "er is niets toegevoegd" in tweede
    assert "/klanttevredenheid/" in tweede

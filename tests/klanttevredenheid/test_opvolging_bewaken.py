"""Follow-ups that do not rot (issue 19): a follow-up of a low score still open
OPVOLGING_ESCALATIE_WERKDAGEN working days after it was opened is escalated to the teamleiders
once (caught up after a beat outage, marked on the dashboard), and a follow-up whose customer is
anonymised closes by itself with its reason, through the survey's own erasure and through the
complaints' retention job."""

import datetime as dt
import io
import itertools

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from klachten import avg, rollen
from klachten.kalender import AMSTERDAM
from klachten.models import Bericht
from klachten.workflow import Status
from klanttevredenheid import services, tasks
from klanttevredenheid.berichtsoorten import KtoBerichtSoort
from klanttevredenheid.models import Opvolging, OpvolgingAfsluitreden, OpvolgingStatus
from tests.factories import MedewerkerFactory, klacht_in_status, verzonden_uitnodiging

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("klanttevredenheid:dashboard")
# Monday 1 June 2026; 5 working days later is Monday 8 June (no holiday in between).
GEOPEND = dt.datetime(2026, 6, 1, 10, 0, tzinfo=AMSTERDAM)

_nummers = itertools.count(4100)


def om(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=AMSTERDAM)


def lage_score(op: dt.datetime = GEOPEND, **kwargs) -> Opvolging:
    """A customer answers a fresh invitation with a 3 at `op`: a follow-up is opened then."""
    kwargs = {"klant_naam": "Saskia Bakker", "klantnummer": f"K-{next(_nummers)}", **kwargs}
    with time_machine.travel(op, tick=False):
        uitnodiging = verzonden_uitnodiging(**kwargs)
        respons = services.enquete_beantwoorden(
            token=uitnodiging.token, rapportcijfer=3, nps_score=1, toelichting="Nooit gebeld."
        )
    return respons.opvolging


def escalaties() -> list[tuple[str, str]]:
    return sorted(
        Bericht.objects.filter(soort=KtoBerichtSoort.KTO_OPVOLGING_ESCALATIE).values_list(
            "aan", "onderwerp"
        )
    )


@pytest.fixture
def opvolging(label, behandelaar, afdeling_a, teamleider):
    return lage_score(behandelaar=behandelaar, afdeling=afdeling_a)


# Escalation ------------------------------------------------------------------------------------


def test_escalatiedatum_telt_werkdagen(settings):
    settings.OPVOLGING_ESCALATIE_WERKDAGEN = 5
    assert services.escalatiedatum(dt.date(2026, 6, 1)) == dt.date(2026, 6, 8)
    # Opened on a Saturday: the week after, on Friday.
    assert services.escalatiedatum(dt.date(2026, 6, 6)) == dt.date(2026, 6, 12)
    # Over Christmas and New Year's Day (holidays, not counted): 28-31 Dec and 4 Jan.
    assert services.escalatiedatum(dt.date(2026, 12, 24)) == dt.date(2027, 1, 4)
    assert services.escalatiedatum(dt.date(2026, 6, 1), werkdagen=1) == dt.date(2026, 6, 2)


def test_niet_geescaleerd_voor_de_werkdagen_om_zijn(opvolging, teamleider):
    # Friday 5 June, late: only 4 working days.
    assert services.opvolgingen_escaleren(op=om(2026, 6, 5, 23, 59)) == 0
    opvolging.refresh_from_db()
    assert opvolging.geescaleerd_op is None
    assert escalaties() == []


def test_eenmaal_geescaleerd_naar_de_teamleider_van_de_afdeling(opvolging, teamleider, behandelaar):
    op = om(2026, 6, 8, 0, 20)
    assert services.opvolgingen_escaleren(op=op) == 1

    opvolging.refresh_from_db()
    assert opvolging.geescaleerd_op == op
    assert opvolging.status == OpvolgingStatus.OPEN
    assert escalaties() == [
        (
            teamleider.email,
            "Opvolging lage score al 5 werkdagen open - de klant is nog niet teruggebeld",
        )
    ]
    bericht = Bericht.objects.get(soort=KtoBerichtSoort.KTO_OPVOLGING_ESCALATIE)
    pad = reverse("klanttevredenheid:opvolging", args=[opvolging.pk])
    assert pad in bericht.tekst
    assert "Saskia Bakker" not in bericht.tekst  # who the customer is stays on the page
    assert "1 juni 2026" in bericht.tekst

    # The next runs (hourly, the day after) send nothing again.
    assert services.opvolgingen_escaleren(op=om(2026, 6, 8, 1, 20)) == 0
    assert services.opvolgingen_bewaken(op=om(2026, 6, 9, 9, 20)) == {
        "gesloten": 0,
        "geescaleerd": 0,
    }
    assert len(escalaties()) == 1


def test_inhalen_na_een_storing(label, behandelaar, afdeling_a, teamleider):
    """Beat was down for two weeks: the first run escalates every follow-up due, once; one not
    due yet waits for its own day."""
    oud = [lage_score(behandelaar=behandelaar, afdeling=afdeling_a) for _ in range(2)]
    recent = lage_score(om(2026, 6, 15, 11, 0), behandelaar=behandelaar, afdeling=afdeling_a)

    assert services.opvolgingen_escaleren(op=om(2026, 6, 19, 12, 0)) == 2

    assert {o.pk for o in Opvolging.objects.exclude(geescaleerd_op=None)} == {o.pk for o in oud}
    assert services.opvolgingen_escaleren(op=om(2026, 6, 19, 13, 0)) == 0
    assert services.opvolgingen_escaleren(op=om(2026, 6, 22, 0, 20)) == 1
    recent.refresh_from_db()
    assert recent.geescaleerd_op == om(2026, 6, 22, 0, 20)
    assert len(escalaties()) == 3


def test_afgeronde_opvolging_wordt_niet_geescaleerd(opvolging, teamleider):
    with time_machine.travel(om(2026, 6, 3, 15, 0), tick=False):
        services.opvolging_afronden(opvolging=opvolging, door=teamleider, notitie="Gebeld.")
    assert services.opvolgingen_escaleren(op=om(2026, 6, 30, 0, 20)) == 0
    assert escalaties() == []


def test_zonder_teamleider_naar_de_beheerders(label, behandelaar_b, afdeling_b, beheerder):
    opvolging = lage_score(behandelaar=behandelaar_b, afdeling=afdeling_b)

    assert services.opvolgingen_escaleren(op=om(2026, 6, 8, 0, 20)) == 1

    assert [aan for aan, _onderwerp in escalaties()] == [beheerder.email]
    opvolging.refresh_from_db()
    assert opvolging.geescaleerd_op is not None


def test_de_termijn_is_instelbaar(settings, opvolging, teamleider):
    settings.OPVOLGING_ESCALATIE_WERKDAGEN = 2
    assert services.opvolgingen_escaleren(op=om(2026, 6, 2, 23, 0)) == 0
    assert services.opvolgingen_escaleren(op=om(2026, 6, 3, 0, 20)) == 1
    assert escalaties()[0][1].startswith("Opvolging lage score al 2 werkdagen open")


def test_beat_taak_bewaakt_de_opvolgingen(opvolging, teamleider, settings, time_machine):
    assert "klanttevredenheid.tasks.opvolgingen_bewaken" in {
        taak["task"] for taak in settings.CELERY_BEAT_SCHEDULE.values()
    }
    time_machine.move_to(om(2026, 6, 8, 0, 20), tick=False)
    assert tasks.opvolgingen_bewaken() == {"gesloten": 0, "geescaleerd": 1}


def test_dashboard_markeert_de_geescaleerde_opvolging(client, opvolging, behandelaar, teamleider):
    tweede = lage_score(
        om(2026, 6, 5, 9, 0),
        behandelaar=behandelaar,
        afdeling=opvolging.respons.contactmoment.afdeling,
    )
    services.opvolgingen_escaleren(op=om(2026, 6, 8, 0, 20))
    client.force_login(teamleider)

    with time_machine.travel(om(2026, 6, 8, 9, 0), tick=False):
        response = client.get(DASHBOARD)
        pagina = client.get(reverse("klanttevredenheid:opvolging", args=[opvolging.pk]))

    rijen = response.content.decode().split("<tr>")[2:]
    assert [o.pk for o in response.context["opvolgingen"]] == [opvolging.pk, tweede.pk]
    assert ">Geëscaleerd</span>" in rijen[0]
    assert "Geëscaleerd" not in rijen[1]
    assert "Geëscaleerd naar de teamleider" in pagina.content.decode()


# Closing when the customer is anonymised ---------------------------------------------------------


def gesloten_door_anonimisering(opvolging: Opvolging, op: dt.datetime) -> None:
    opvolging.refresh_from_db()
    assert (opvolging.status, opvolging.afsluitreden) == (
        OpvolgingStatus.AFGEROND,
        OpvolgingAfsluitreden.GEANONIMISEERD,
    )
    assert opvolging.afgerond_op == op
    assert opvolging.afgerond_door is None


def test_bewaartermijn_van_de_enquete_sluit_de_opvolging(client, opvolging, behandelaar):
    """The survey's 3-month erasure (persoonsgegevens_wissen) closes it with its reason; the
    dashboard no longer asks to call an anonymous customer back."""
    op = om(2026, 9, 2, 3, 30)
    assert services.persoonsgegevens_wissen(op=op) == 1

    gesloten_door_anonimisering(opvolging, op)
    client.force_login(behandelaar)
    with time_machine.travel(om(2026, 9, 2, 9, 0), tick=False):
        assert list(client.get(DASHBOARD).context["opvolgingen"]) == []
        html = client.get(reverse("klanttevredenheid:opvolging", args=[opvolging.pk])).content
    html = html.decode()
    assert "Bel de klant terug" not in html
    assert 'name="verslag"' not in html
    assert "Vanzelf afgesloten op 2 sep 2026 03:30: klantgegevens geanonimiseerd." in html
    # Escalation leaves it alone.
    assert services.opvolgingen_escaleren(op=om(2026, 9, 3, 0, 20)) == 0


def test_wisverzoek_van_de_klant_sluit_de_opvolging(opvolging, beheerder):
    """The customer's request for erasure (klachten.avg over every source, here the survey's
    avg_wissen) closes it too."""
    email = opvolging.respons.contactmoment.klant_email
    op = om(2026, 6, 4, 14, 0)

    with time_machine.travel(op, tick=False):
        avg.gegevens_wissen(email=email, door=beheerder)

    gesloten_door_anonimisering(opvolging, op)


def test_bewaartermijn_van_de_klacht_sluit_de_opvolging(behandelaar, afdeling_a, categorie):
    """The complaints' retention job (klachten.avg) anonymises the contact moments about an
    anonymised complaint in the same transaction, which closes their follow-ups."""
    with time_machine.travel(om(2024, 3, 4, 10, 0), tick=False):
        klacht = klacht_in_status(Status.AFGESLOTEN, door=behandelaar, categorie=categorie)
    opvolging = lage_score(
        om(2024, 3, 11, 10, 0), behandelaar=behandelaar, afdeling=afdeling_a, klacht=klacht
    )
    moment = opvolging.respons.contactmoment
    op = om(2026, 3, 6, 2, 45)

    with time_machine.travel(op, tick=False):
        assert avg.verlopen_klachten_anonimiseren() == 1

    gesloten_door_anonimisering(opvolging, op)
    moment.refresh_from_db()
    assert (moment.geanonimiseerd_op, moment.klant_naam, moment.klant_email) == (op, "", "")


def test_al_geanonimiseerde_klant_wordt_ingehaald(opvolging):
    """A follow-up left open while its customer was anonymised (before this rule) is closed by the
    next run of the job."""
    from klanttevredenheid.models import Contactmoment

    Contactmoment.objects.filter(pk=opvolging.respons.contactmoment_id).update(
        klant_naam="", klant_email="", klantnummer="", geanonimiseerd_op=om(2026, 6, 2, 3, 30)
    )
    op = om(2026, 6, 2, 4, 20)

    assert services.opvolgingen_bewaken(op=op) == {"gesloten": 1, "geescaleerd": 0}

    gesloten_door_anonimisering(opvolging, op)
    assert services.opvolgingen_bewaken(op=om(2026, 6, 30)) == {"gesloten": 0, "geescaleerd": 0}
    assert escalaties() == []


def test_partnerbehandelaar_telt_niet_als_ontvanger(label, afdeling_a, teamleider):
    partner = MedewerkerFactory(username="partner-x", rollen=[rollen.PARTNERBEHANDELAAR])
    lage_score(behandelaar=partner, afdeling=afdeling_a)
    services.opvolgingen_escaleren(op=om(2026, 6, 8, 0, 20))
    assert [aan for aan, _onderwerp in escalaties()] == [teamleider.email]


def test_opdracht_met_peilmoment(opvolging, teamleider):
    uitvoer = io.StringIO()
    call_command("opvolgingen_bewaken", "--op", "2026-06-08T00:20", stdout=uitvoer)

    assert uitvoer.getvalue().strip() == (
        "1 opvolgingen geëscaleerd, 0 gesloten (klantgegevens geanonimiseerd)"
    )
    opvolging.refresh_from_db()
    assert opvolging.geescaleerd_op == om(2026, 6, 8, 0, 20)

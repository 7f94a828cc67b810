"""Issue 17, acceptance 1: a new e-mail becomes a complaint of kanaal e-mail, acknowledged once,
"with the reaction term measured in the month report": through the real inbound pipeline, the
acknowledgement leaves through the outbox, and the month report's first reaction within the
label's published e-mail term (reactie_op_tijd per kanaal) counts it. A second complaint whose
acknowledgement bounced has no first reaction: once its term is over it counts, as late."""

import datetime as dt
from decimal import Decimal

import pytest

from klachten import berichten
from klachten.kalender import AMSTERDAM
from klachten.models import BerichtStatus, Kanaal, Reactietermijn, TermijnEenheid
from rapportage.maandrapport import Figuren, bouwstenen, optellen
from tests.inkomend import bevestiging, mail, monster

pytestmark = pytest.mark.django_db

# Monday 7 December 2026; the label publishes 1 working day for e-mail.
ONTVANGEN = dt.datetime(2026, 12, 7, 10, tzinfo=AMSTERDAM)
NA_DE_TERMIJN = dt.datetime(2026, 12, 14, 10, tzinfo=AMSTERDAM)


def test_nieuwe_email_klacht_telt_mee_in_de_reactietermijn_per_kanaal(
    label, mailbox, mailoutbox, time_machine, django_capture_on_commit_callbacks
):
    Reactietermijn.objects.update_or_create(
        label=label,
        kanaal=Kanaal.EMAIL,
        defaults={"aantal": 1, "eenheid": TermijnEenheid.WERKDAGEN},
    )
    time_machine.move_to(ONTVANGEN, tick=False)

    with django_capture_on_commit_callbacks(execute=True):
        op_tijd = berichten.inkomend_ontvangen(
            monster("nieuwe-klacht-latin1.eml"), mailbox=mailbox
        ).klacht
    with django_capture_on_commit_callbacks(execute=True):
        zonder_reactie = berichten.inkomend_ontvangen(
            mail(
                van="Bram Peeters <bram.peeters@klant.example>",
                onderwerp="Mijn premie is te hoog",
                tekst="De premie is verhoogd zonder bericht.",
            ),
            mailbox=mailbox,
        ).klacht

    assert (op_tijd.kanaal, zonder_reactie.kanaal) == (Kanaal.EMAIL, Kanaal.EMAIL)
    # Each acknowledged once, through the outbox.
    assert sorted(m.to[0] for m in mailoutbox) == [
        "bram.peeters@klant.example",
        "renee.muller@provider.example",
    ]
    # The second acknowledgement bounces: it is no reaction.
    berichten.inkomend_ontvangen(
        monster("bounce-gmail.eml", message_id=berichten.message_id(bevestiging(zonder_reactie))),
        mailbox=mailbox,
    )
    assert bevestiging(zonder_reactie).status == BerichtStatus.ONBESTELBAAR

    # While the term runs, the one without a reaction is not measured yet.
    tijdens = Figuren(optellen(bouwstenen(2026, 12, nu=ONTVANGEN + dt.timedelta(hours=1))))
    assert tijdens.reactie_per_kanaal() == [(Kanaal.EMAIL, 1, 1, Decimal("100.0"))]

    figuren = Figuren(optellen(bouwstenen(2026, 12, nu=NA_DE_TERMIJN)))
    assert figuren.reactie_per_kanaal() == [(Kanaal.EMAIL, 1, 2, Decimal("50.0"))]
    labelcijfers = Figuren(optellen(bouwstenen(2026, 12, nu=NA_DE_TERMIJN), labels={label.pk}))
    assert labelcijfers.reactie_teller_noemer(Kanaal.EMAIL) == (1, 2)

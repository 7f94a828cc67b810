"""Fill the first-reaction deadline (issue 21) of the open complaints still waiting for their
first reaction, as registration computes it for a new one (termijnen.Reactieregel.uiterlijk_op;
the label's office hours for hour terms).

Cheap at a million complaints: the candidates are read by key (open, not acknowledged, no message
to the customer, no phone call, a label and kanaal with a published term), their moments computed
in Python (a day term once per label, kanaal and day of receipt), and written with one
`UPDATE ... FROM (VALUES ...)` per 10,000 complaints, which also moves volgende_termijn_datum.
A term that already ran out escalates on the watch's next run.
"""

import datetime as dt
from functools import cache

from django.db import migrations

from klachten import kalender
from klachten.termijnen import Kantooruren, Reactieregel

PER_KEER = 10_000


def vullen(apps, schema_editor):
    Klacht = apps.get_model("klachten", "Klacht")
    Reactietermijn = apps.get_model("klachten", "Reactietermijn")
    Termijn = apps.get_model("klachten", "Termijn")
    Gebeurtenis = apps.get_model("klachten", "Gebeurtenis")
    bevestiging = Termijn.objects.filter(soort="ontvangstbevestiging").first()
    land = bevestiging.land if bevestiging is not None else "NL"
    regels = {}
    for t in Reactietermijn.objects.select_related("label"):
        kantooruren = (
            Kantooruren(t.label.kantoor_open, t.label.kantoor_dicht)
            if t.label.uurtermijnen_binnen_kantooruren
            else None
        )
        regels[(t.label_id, t.kanaal)] = Reactieregel(t.aantal, t.eenheid, land, kantooruren)
    if not regels:
        return

    @cache
    def per_dag(sleutel, dag: dt.date):
        # A day term depends only on the day of receipt.
        moment = kalender.lokaal_moment(dag, dt.time(12))
        return regels[sleutel].uiterlijk_op(moment), regels[sleutel].herinnering_op(moment)

    def moment(sleutel, ontvangen_op):
        regel = regels[sleutel]
        if regel.eenheid != "uren":
            uiterlijk, herinnering = per_dag(sleutel, kalender.lokale_datum(ontvangen_op))
            return uiterlijk, max(herinnering, ontvangen_op)
        return regel.uiterlijk_op(ontvangen_op), regel.herinnering_op(ontvangen_op)

    gebeld = Gebeurtenis.objects.filter(soort="telefoon").values("klacht_id")
    kandidaten = (
        Klacht.objects.exclude(status="afgesloten")
        .filter(
            direct_opgelost=False,
            ontvangst_bevestigd_op__isnull=True,
            laatste_klantcontact_op__isnull=True,
            eerste_reactie_uiterlijk_op__isnull=True,
            label_id__in={lbl for lbl, _k in regels},
            kanaal__in={k for _l, k in regels},
        )
        .exclude(pk__in=gebeld)
        .values_list("pk", "label_id", "kanaal", "ontvangen_op")
        .order_by("pk")
    )
    rijen = []
    for pk, label_id, kanaal, ontvangen_op in kandidaten.iterator(chunk_size=PER_KEER):
        if (label_id, kanaal) not in regels:
            continue
        uiterlijk, herinnering = moment((label_id, kanaal), ontvangen_op)
        rijen.append((pk, uiterlijk, herinnering, kalender.lokale_datum(uiterlijk)))
    if schema_editor.connection.vendor != "postgresql":  # SQLite for a look around: small
        for pk, uiterlijk, herinnering, datum in rijen:
            klacht = Klacht.objects.get(pk=pk)
            klacht.eerste_reactie_uiterlijk_op = uiterlijk
            klacht.eerste_reactie_herinnering_op = herinnering
            if klacht.volgende_termijn_datum is None or datum < klacht.volgende_termijn_datum:
                klacht.volgende_termijn_datum = datum
            klacht.save()
        return
    tabel = Klacht._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        for begin in range(0, len(rijen), PER_KEER):
            deel = rijen[begin : begin + PER_KEER]
            waarden = ", ".join(["(%s, %s::timestamptz, %s::timestamptz, %s::date)"] * len(deel))
            cursor.execute(
                f"UPDATE {tabel} AS k SET eerste_reactie_uiterlijk_op = v.uiterlijk, "
                "eerste_reactie_herinnering_op = v.herinnering, "
                "volgende_termijn_datum = LEAST(k.volgende_termijn_datum, v.datum) "
                f"FROM (VALUES {waarden}) AS v(id, uiterlijk, herinnering, datum) "
                "WHERE k.id = v.id",
                [waarde for rij in deel for waarde in rij],
            )


class Migration(migrations.Migration):
    dependencies = [("klachten", "0043_eerste_reactie_termijn")]

    operations = [migrations.RunPython(vullen, migrations.RunPython.noop)]

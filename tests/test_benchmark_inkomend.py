"""The inbound e-mail benchmark (benchmark.inkomend; issue 17, acceptance 7) at a small size: it
runs through the real pipeline from a local folder and from a real Dovecot, every message ends up
processed as its kind, and the figures it prints are filled (the numbers themselves are measured by
`manage.py benchmark_inkomend`, docs/benchmarks.md, not asserted here)."""

import pytest

from benchmark import inkomend
from klachten.models import BerichtStatus, InkomendBericht, InkomendSoort, InkomendStatus

pytestmark = pytest.mark.django_db

AANTAL = 50


def _mix_klopt(meting):
    # per ten: four new complaints, four replies, an out-of-office reply and a bounce
    aantallen = {soort: len(m) for soort, m in meting.per_soort.items()}
    assert aantallen == {
        InkomendSoort.NIEUWE_KLACHT: 20,
        InkomendSoort.ANTWOORD: 20,
        InkomendSoort.AUTOMATISCH: 5,
        InkomendSoort.ONBESTELBAAR: 5,
    }
    assert len(meting.per_bericht_s) == AANTAL
    assert meting.per_seconde > 0
    assert meting.queries_per_bericht > 0
    assert 0 < meting.p50_ms() <= meting.p95_ms()
    regels = meting.regels()
    assert "berichten/s" in regels[0]
    assert len(regels) == 5
    assert meting.als_dict()["aantal"] == AANTAL


def test_map_meten_verwerkt_de_hele_mix(label):
    meting = inkomend.map_meten(AANTAL, label=label)

    _mix_klopt(meting)
    rijen = InkomendBericht.objects.filter(mailbox__adres__startswith="map-")
    assert rijen.filter(status=InkomendStatus.VERWERKT).count() == 45  # 5 ignored out-of-office
    assert rijen.exclude(klacht=None).count() == AANTAL  # each on its dossier, bounces via ours
    onbestelbaar = rijen.filter(soort=InkomendSoort.ONBESTELBAAR).values_list("bericht__status")
    assert set(onbestelbaar) == {(BerichtStatus.ONBESTELBAAR,)}


def test_imap_meten_leest_alles_van_dovecot(label):
    meting, toevoegen_s = inkomend.imap_meten(AANTAL, label=label)

    _mix_klopt(meting)
    assert toevoegen_s > 0
    assert InkomendBericht.objects.filter(imap_uid__isnull=False).count() == AANTAL

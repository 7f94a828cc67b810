"""A label's colour carries white text and is the link colour: it must be readable (WCAG 2.1 AA
contrast 4.5:1 with white), so a beheerder cannot make the public pages unreadable."""

import pytest
from django.core.exceptions import ValidationError

from klachten.models import Label, contrast_met_wit


@pytest.mark.parametrize(
    ("kleur", "verhouding"), [("#ffffff", 1.0), ("#000000", 21.0), ("#767676", 4.54)]
)
def test_contrast_met_wit_volgens_wcag(kleur, verhouding):
    assert contrast_met_wit(kleur) == pytest.approx(verhouding, abs=0.01)


def test_een_te_lichte_huiskleur_wordt_geweigerd():
    with pytest.raises(ValidationError) as fout:
        Label(naam="Geel", slug="geel", kleur="#ffd700").clean()
    assert "te licht" in str(fout.value.message_dict["kleur"])


@pytest.mark.parametrize("kleur", ["#1f4e79", "#0b5f7a", "#6a2c70", "#767676"])
def test_donkere_huiskleuren_zijn_goed(kleur):
    assert contrast_met_wit(kleur) >= 4.5
    # clean() raises ValidationError for a colour that is too light (see the test above).
    assert Label(naam="Merk", slug="merk", kleur=kleur).clean() is None

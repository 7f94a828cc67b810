"""No message template has a gap for a fact the form asks (issue 18, acceptance 3).

Every template, the default files and the copies in the database: its body (what is sent as
it is, around the handler's part) has no [gap] at all and no {{ x|default:"[...]" }}; its
suggestion for the handler's free text has no gap named after a field of an action form that
sends its kind (the verdict, the new date, the reason, ...): those come from the form."""

import importlib
import re

import pytest
from django import forms
from django.apps import apps as django_apps
from django.utils import translation

from klachten.berichten import samenstellen
from klachten.berichten.soorten import is_intern, standaardjablonen
from klachten.forms import OPEN_PLEK, BerichtFormulier
from klachten.models import Berichtsjabloon
from klachten.views.medewerker import SCHERMEN
from klachten.workflow import ACTIES, BerichtSoort

pytestmark = pytest.mark.django_db

STANDAARD_GAT = re.compile(r"""default:\s*["']\[""")
# The editor's own fields, not facts.
GEEN_FEIT = {"versie", "onderwerp", "tekst", "sjabloon", "bevestigd", "ondanks_waarschuwing"}


def formulierfeiten(soort: str, taal: str) -> set[str]:
    """The words that name a fact a form asks for a message of `soort`: each field's name and the
    first word of its label, in `taal`."""
    woorden = set()
    for naam, scherm in SCHERMEN.items():
        if ACTIES[naam].bericht != soort or not issubclass(scherm.formulier, BerichtFormulier):
            continue
        for veldnaam, veld in scherm.formulier.base_fields.items():
            if veldnaam in GEEN_FEIT or isinstance(veld, forms.BooleanField):
                continue
            woorden.add(veldnaam.replace("_", " ").lower())
            with translation.override(taal):
                woorden.add(str(veld.label).split()[0].lower())
    return woorden


def gaten(soort: str, taal: str, tekst: str, vrije_tekst: str) -> list[str]:
    """What is wrong: gaps in the body, and gaps for a form's fact in the suggestion."""
    fout = [f"romp: {gat}" for gat in OPEN_PLEK.findall(tekst)]
    if STANDAARD_GAT.search(tekst) or STANDAARD_GAT.search(vrije_tekst):
        fout.append('default:"[...]"')
    feiten = formulierfeiten(soort, taal)
    for gat in OPEN_PLEK.findall(vrije_tekst):
        inhoud = gat.strip("[]").lower()
        if any(inhoud.startswith(feit) for feit in feiten):
            fout.append(f"vrije tekst: {gat}")
    return fout


def test_elk_berichtformulier_vraagt_zijn_feiten_als_velden():
    # The rule has something to bite on: the forms that send an answer or a delay ask these.
    assert {"oordeel"} <= formulierfeiten("antwoord", "nl")
    assert {"nieuwe datum", "reden"} <= formulierfeiten("vertraging", "nl")


@pytest.mark.parametrize(
    "jabloon",
    [j for j in standaardjablonen() if not is_intern(j.soort)],
    ids=lambda j: f"{j.taal}{'-eenvoudig' if j.eenvoudig else ''}-{j.soort}",
)
def test_geen_standaardsjabloon_heeft_een_gat_voor_een_feit(jabloon):
    _onderwerp, tekst, vrije_tekst = jabloon.lezen()

    assert gaten(jabloon.soort, jabloon.taal, tekst, vrije_tekst) == []
    assert samenstellen.sjabloon_nakijken(tekst, jabloon.soort) == []


def test_geen_sjabloon_in_de_database_heeft_een_gat_voor_een_feit():
    jablonen = Berichtsjabloon.objects.all()
    assert jablonen.exists()
    for jabloon in jablonen:
        if is_intern(jabloon.soort):
            continue
        assert gaten(jabloon.soort, jabloon.taal, jabloon.tekst, jabloon.vrije_tekst) == [], jabloon
        assert samenstellen.sjabloon_nakijken(jabloon.tekst, jabloon.soort) == [], jabloon


@pytest.mark.parametrize(
    ("soort", "tekst", "vrije_tekst"),
    [
        ("antwoord", "Ons oordeel: [oordeel]\n{{ vrije_tekst }}", ""),
        ("antwoord", '{{ oordeel|default:"[oordeel]" }}', ""),
        ("antwoord", "{{ vrije_tekst }}", "Ons oordeel: [oordeel]. [Leg het uit.]"),
        ("vertraging", "{{ vrije_tekst }}", "U krijgt uiterlijk op [nieuwe datum] ons antwoord."),
        ("vertraging", "{{ vrije_tekst }}", "[Reden van de vertraging]"),
    ],
)
def test_een_gat_voor_een_feit_wordt_gevonden(soort, tekst, vrije_tekst):
    assert gaten(soort, "nl", tekst, vrije_tekst)


def test_een_prompt_voor_de_eigen_tekst_mag_wel():
    assert gaten("antwoord", "nl", "{{ vrije_tekst }}", "[Beschrijf het onderzoek.]") == []


def test_nakijken_meldt_oude_sjablonen():
    oud = (
        'Beste {{ klacht.klant_naam }},\n\nOns oordeel: {{ oordeel|default:"[oordeel]" }}\n'
        "Elke {{ termijnen.statusupdate }} dagen.\n{{ escalatie }}"
    )

    assert len(samenstellen.sjabloon_nakijken(oud, BerichtSoort.ANTWOORD)) == 4


# The default text of the Dutch delay letter before issue 18, with its gaps for the form's facts.
OUDE_VERTRAGING = """Beste {{ klacht.klant_naam }},

We hebben meer tijd nodig om uw klacht goed te behandelen. Het spijt ons dat het langer duurt.

Waarom? {{ reden|default:"[Reden van de vertraging]" }}

U krijgt uiterlijk op {{ nieuwe_datum|date:"j F Y"|default:"[nieuwe datum]" }} ons antwoord.

Hier volgt u de status van uw klacht:
{{ status_url }}
"""


def test_de_migratie_vernieuwt_alleen_de_onbewerkte_standaardsjablonen():
    migratie = importlib.import_module(
        "klachten.migrations.0035_externe_instantie_contact_en_vrije_tekst"
    )
    sjablonen = Berichtsjabloon.objects.filter(taal="nl", eenvoudige_taal=False)
    sjablonen.filter(soort=BerichtSoort.VERTRAGING).update(tekst=OUDE_VERTRAGING, vrije_tekst="")
    bewerkt = "Beste {{ klacht.klant_naam }},\n\nOns oordeel: [oordeel]\n{{ escalatie }}\n"
    sjablonen.filter(soort=BerichtSoort.ANTWOORD).update(tekst=bewerkt)

    migratie.sjablonen_vernieuwen(django_apps, None)

    nieuw = {(j.soort, j.taal, j.eenvoudig): j for j in standaardjablonen()}
    _onderwerp, tekst, _vrij = nieuw[("vertraging", "nl", False)].lezen()
    vertraging = sjablonen.get(soort=BerichtSoort.VERTRAGING)
    assert vertraging.tekst == tekst
    assert "[nieuwe datum]" not in vertraging.tekst
    # The beheerder's edit is kept, and the admin says what to review.
    antwoord = sjablonen.get(soort=BerichtSoort.ANTWOORD)
    assert antwoord.tekst == bewerkt
    assert len(samenstellen.sjabloon_nakijken(antwoord.tekst, antwoord.soort)) == 3

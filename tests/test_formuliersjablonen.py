"""The shared form partials (templates/_veld.html and templates/_formulier_fouten.html): every
link of the error summary points at an element that exists and is the field itself (a group of
radio buttons or checkboxes: its first option), and the field (or its group) names the element
that holds its error in aria-describedby. The browser tests check the real forms; this one also
covers the kinds of field no form uses yet (groups, hidden fields)."""

from html.parser import HTMLParser

from django import forms
from django.template.loader import render_to_string


class VoorbeeldFormulier(forms.Form):
    naam = forms.CharField(label="Naam", help_text="Zoals op uw polis.")
    akkoord = forms.BooleanField(label="Akkoord")
    keuze = forms.ChoiceField(
        label="Keuze", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    dagen = forms.MultipleChoiceField(
        label="Dagen",
        choices=[("ma", "maandag"), ("di", "dinsdag")],
        widget=forms.CheckboxSelectMultiple,
    )
    versie = forms.IntegerField(widget=forms.HiddenInput)


class Elementen(HTMLParser):
    """The elements with an id, the fieldset each input is in, and the summary's links."""

    def __init__(self):
        super().__init__()
        self.per_id: dict[str, dict] = {}
        self.links: list[str] = []
        self.fieldsets: list[dict] = []
        self.in_samenvatting = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "fieldset":
            self.fieldsets.append(attrs)
        if attrs.get("id") == "foutsamenvatting":
            self.in_samenvatting = True
        if tag == "a" and self.in_samenvatting:
            self.links.append(attrs["href"])
        if "id" in attrs:
            assert attrs["id"] not in self.per_id, f"id {attrs['id']} twice"
            groep = self.fieldsets[-1] if self.fieldsets else {}
            self.per_id[attrs["id"]] = {"tag": tag, **attrs, "groep": groep}

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self.fieldsets.pop()
        if tag == "div" and self.in_samenvatting:
            self.in_samenvatting = False


def test_elke_foutlink_wijst_naar_zijn_veld_en_het_veld_noemt_zijn_fout():
    form = VoorbeeldFormulier(data={})
    assert not form.is_valid()
    html = render_to_string("_formulier_fouten.html", {"form": form}) + "".join(
        render_to_string("_veld.html", {"veld": veld}) for veld in form.visible_fields()
    )
    elementen = Elementen()
    elementen.feed(html)

    assert elementen.links == ["#id_naam", "#id_akkoord", "#id_keuze_0", "#id_dagen_0"]
    for link in elementen.links:
        veld = elementen.per_id[link[1:]]
        assert veld["tag"] == "input"
        # A group (radio buttons, checkboxes) carries the aria-describedby on its fieldset.
        beschreven_door = veld.get("aria-describedby") or veld["groep"]["aria-describedby"]
        naam = veld["name"]
        assert f"id_{naam}_error" in beschreven_door.split()
        assert elementen.per_id[f"id_{naam}_error"]["class"] == "foutmelding"
    assert "id_naam_helptext" in elementen.per_id["id_naam"]["aria-describedby"].split()
    # The hidden field's error is in the summary, as text: there is nothing to go to.
    assert "#id_versie" not in html
    assert str(form.errors["versie"][0]) in html

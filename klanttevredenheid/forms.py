"""Forms of the public survey (DESIGN.md section 6)."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

TEKST_MAX = 2000
"""The most characters of the toelichting and of the verbetertips."""


class EnqueteFormulier(forms.Form):
    """The survey after a contact moment (DESIGN.md section 6): a rapportcijfer 1-10 with an
    optional toelichting and verbetertips, and, when the invitation asks it, the 0-10 recommend
    question (NPS). Fields in the order of the page, so the error summary follows it too."""

    rapportcijfer = forms.TypedChoiceField(
        label=_("Rapportcijfer"),
        choices=[(cijfer, str(cijfer)) for cijfer in range(1, 11)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies een rapportcijfer van 1 tot en met 10."),
            "invalid_choice": _("Kies een rapportcijfer van 1 tot en met 10."),
        },
    )
    toelichting = forms.CharField(
        label=_("Wilt u uw cijfer toelichten? (niet verplicht)"),
        required=False,
        max_length=TEKST_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": _(
                "Uw toelichting is te lang: gebruik ten hoogste %(limit_value)d tekens "
                "(u gebruikte er %(show_value)d)."
            )
        },
    )
    nps_score = forms.TypedChoiceField(
        label=_("Aanbevelen"),
        choices=[(score, str(score)) for score in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _(
                "Kies hoe waarschijnlijk het is dat u ons aanbeveelt, van 0 tot en met 10."
            ),
            "invalid_choice": _(
                "Kies hoe waarschijnlijk het is dat u ons aanbeveelt, van 0 tot en met 10."
            ),
        },
    )
    verbetertips = forms.CharField(
        label=_("Wat kunnen we beter doen? (niet verplicht)"),
        required=False,
        max_length=TEKST_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": _(
                "Uw verbetertips zijn te lang: gebruik ten hoogste %(limit_value)d tekens "
                "(u gebruikte er %(show_value)d)."
            )
        },
    )

    def __init__(self, *args, nps_vragen: bool, vragen=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.nps_vragen = nps_vragen
        if not nps_vragen:
            del self.fields["nps_score"]
        # A campaign's own questions (issue 22: the drivers), after the NPS question and before
        # the verbetertips, in the customer's language (the page activated it).
        self.vragen = list(vragen)
        verbetertips = self.fields.pop("verbetertips")
        for vraag in self.vragen:
            self.fields[self.veldnaam(vraag)] = self._vraagveld(vraag)
        self.fields["verbetertips"] = verbetertips
        # Formatted here, in the language of the request (a lazy msgid formatted at import time
        # would be frozen in the language active then).
        for naam in ("toelichting", "verbetertips"):
            self.fields[naam].help_text = gettext("Ten hoogste %(max)d tekens.") % {
                "max": TEKST_MAX
            }

    @staticmethod
    def veldnaam(vraag) -> str:
        return f"vraag_{vraag.pk}"

    @staticmethod
    def _vraagveld(vraag) -> forms.Field:
        tekst = vraag.vertaald("tekst")
        if vraag.is_beoordeling:
            fout = gettext("Kies een cijfer van 1 tot en met 10 bij: %(vraag)s") % {"vraag": tekst}
            return forms.TypedChoiceField(
                label=tekst,
                choices=[(cijfer, str(cijfer)) for cijfer in range(1, 11)],
                coerce=int,
                empty_value=None,
                required=vraag.verplicht,
                widget=forms.RadioSelect,
                error_messages={"required": fout, "invalid_choice": fout},
            )
        return forms.CharField(
            label=tekst
            if vraag.verplicht
            else gettext("%(vraag)s (niet verplicht)") % {"vraag": tekst},
            required=vraag.verplicht,
            max_length=TEKST_MAX,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=gettext("Ten hoogste %(max)d tekens.") % {"max": TEKST_MAX},
            error_messages={
                "required": gettext("Beantwoord de vraag: %(vraag)s") % {"vraag": tekst},
                "max_length": _(
                    "Uw antwoord is te lang: gebruik ten hoogste %(limit_value)d tekens "
                    "(u gebruikte er %(show_value)d)."
                ),
            },
        )

    @property
    def campagnevelden(self) -> list:
        """The campaign's questions with their bound fields, in order, for the page."""
        return [(vraag, self[self.veldnaam(vraag)]) for vraag in self.vragen]

    def antwoorden(self) -> dict:
        """The cleaned answers as services.enquete_beantwoorden takes them."""
        return {
            "rapportcijfer": self.cleaned_data["rapportcijfer"],
            "nps_score": self.cleaned_data.get("nps_score"),
            "toelichting": self.cleaned_data["toelichting"],
            "verbetertips": self.cleaned_data["verbetertips"],
            "campagneantwoorden": {
                vraag.pk: self.cleaned_data.get(self.veldnaam(vraag)) for vraag in self.vragen
            },
        }

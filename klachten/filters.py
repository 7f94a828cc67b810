"""Filters of the work queue (django-filter): status, afdeling, categorie, kanaal, behandelaar,
urgentie, "over termijn", and a search (klachten.zoeken: dossiernummer, name, e-mail, policy
number, postal address, the complaint's text)."""

import django_filters
from django import forms
from django.db import connections
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from klachten import kalender, rollen, selectors, zoeken
from klachten.models import Afdeling, Categorie, Kanaal, Klacht, Medewerker, Urgentie
from klachten.widgets import SnelleSelect
from klachten.workflow import Status

# The side panel's selects start at "all" rather than Django's "---------".
ALLE = _("Alle")


class WerkvoorraadFilter(django_filters.FilterSet):
    zoek = django_filters.CharFilter(
        label=_("Zoeken"),
        method="filter_zoek",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Dossiernummer, naam, e-mail, polis of tekst"),
            }
        ),
    )
    eigen = django_filters.BooleanFilter(
        label=_("Alleen mijn klachten"),
        method="filter_eigen",
        widget=forms.CheckboxInput,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, widget=SnelleSelect
    )
    afdeling = django_filters.ModelChoiceFilter(
        label=_("Afdeling"), queryset=Afdeling.objects.all(), empty_label=ALLE, widget=SnelleSelect
    )
    categorie = django_filters.ModelChoiceFilter(
        label=_("Categorie"),
        queryset=Categorie.objects.all(),
        empty_label=ALLE,
        widget=SnelleSelect,
    )
    kanaal = django_filters.ChoiceFilter(
        label=_("Kanaal"), choices=Kanaal.choices, empty_label=ALLE, widget=SnelleSelect
    )
    behandelaar = django_filters.ModelChoiceFilter(
        label=_("Behandelaar"),
        # Who handles any complaint: one index probe per member of staff, not a scan of them all.
        queryset=Medewerker.objects.filter(
            Exists(Klacht.objects.filter(behandelaar=OuterRef("pk")))
        ),
        empty_label=ALLE,
        widget=SnelleSelect,
    )
    urgentie = django_filters.ChoiceFilter(
        label=_("Urgentie"), choices=Urgentie.choices, empty_label=ALLE, widget=SnelleSelect
    )
    over_termijn = django_filters.BooleanFilter(
        label=_("Over termijn"), method="filter_over_termijn", widget=forms.CheckboxInput
    )
    niet_bezorgd = django_filters.BooleanFilter(
        label=_("Bericht niet bezorgd"), method="filter_niet_bezorgd", widget=forms.CheckboxInput
    )

    nieuw_klantbericht = django_filters.BooleanFilter(
        label=_("Nieuw bericht van klant"),
        method="filter_nieuw_klantbericht",
        widget=forms.CheckboxInput,
    )
    te_classificeren = django_filters.BooleanFilter(
        label=_("Te classificeren"),
        method="filter_te_classificeren",
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Klacht
        fields = ["status", "afdeling", "categorie", "kanaal", "behandelaar", "urgentie"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is not None and rollen.is_partnerbehandelaar(self.request.user):
            # An outside firm's handler sees only their own complaints, and not the list of the
            # insurer's handlers.
            self.filters["behandelaar"].queryset = Medewerker.objects.filter(
                pk=self.request.user.pk
            )

    def filter_zoek(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(zoeken.zoekvoorwaarde(value, connections[queryset.db].vendor))

    def filter_eigen(self, queryset, name, value):
        if not value:
            return queryset
        gebruiker = self.request.user
        return queryset.filter(Q(behandelaar=gebruiker) | Q(heroverweging_behandelaar=gebruiker))

    def filter_niet_bezorgd(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(selectors.niet_bezorgd())

    def filter_nieuw_klantbericht(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(selectors.nieuw_klantbericht())

    def filter_te_classificeren(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(selectors.te_classificeren())

    def filter_over_termijn(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(volgende_termijn_datum__lt=kalender.vandaag())

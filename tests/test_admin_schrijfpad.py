"""One write path (issue 16): no field a service owns changes through the Django admin around
its service. Every registered ModelAdmin is walked (django.contrib.admin.site._registry), so a
new admin is found by itself: its model must be classified below, and a change posted through
its change view, the way a browser posts the form, must leave every service-owned field as it
was, or change it through the service (its rules applied, its trace left)."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from klachten import services
from klachten.models import (
    ExterneInstantie,
    Gebeurtenis,
    GebeurtenisSoort,
    Mailbox,
    Status,
    VerbeterpuntStatus,
)
from klanttevredenheid import services as kto_services
from tests.factories import (
    AfdelingFactory,
    KlachtFactory,
    LabelFactory,
    MedewerkerFactory,
    klacht_in_status,
    verzonden_uitnodiging,
)

pytestmark = pytest.mark.django_db

# The fields of each model that a service writes, with the service that owns them (a model
# written only by services has all its editable fields here). The admin shows them read only,
# or its save calls the service (VIA_SERVICE).
DOOR_SERVICE: dict[str, dict[str, str]] = {
    "klachten.Klacht": {
        "status": "the workflow actions (services._actie)",
        "kanaal": "klacht_registreren",
        "ontvangen_op": "klacht_registreren (the deadlines run from it)",
        "klant_email": "bericht_opnieuw_versturen (a corrected address)",
        "afdeling": "toewijzen",
        "behandelaar": "toewijzen, teruggeven",
        "ingediend_door": "klacht_registreren",
        "direct_opgelost": "klacht_registreren, heropenen",
        "privacy_akkoord_op": "klacht_registreren",
        "ontvangstbevestiging_uiterlijk_datum": "klacht_registreren",
        "ontvangst_bevestigd_op": "ontvangst_bevestigen",
        "betreft_medewerker": "klacht_registreren",
        "medewerker_besproken_datum": "medewerker_besproken",
        "medewerker_besproken_door": "medewerker_besproken",
        "medewerker_gesprek_samenvatting": "medewerker_besproken",
        "vorige_klacht": "vervolgklacht_registreren",
        "is_ontvankelijk": "ontvankelijk_verklaren, niet_ontvankelijk_verklaren",
        "oordeel": "antwoord_sturen, heroverweging_beantwoorden",
        "oorzaak": "antwoord_sturen, heroverweging_beantwoorden",
        "urgentie": "urgentie_wijzigen, kwetsbaarheid_vastleggen, kwetsbaarheid_intrekken",
        "beantwoord_op": "antwoord_sturen",
        "definitief_standpunt_op": "antwoord_sturen, heroverweging_beantwoorden",
        "heroverweging_gevraagd_op": "heroverweging_vragen",
        "heroverweging_behandelaar": "toewijzen",
        "laatste_klantcontact_op": "the messages to the customer (services._bericht)",
        "klantbericht_op": "klantbericht_toevoegen",
        "behandelaar_gelezen_op": "klacht_geopend",
        "behandeling_hervat_op": "heropenen, heroverweging_vragen",
        "antwoord_uiterlijk_datum": "klacht_registreren, termijn_wijzigen, heropenen",
        "statusupdate_uiterlijk_datum": "termijnen_bijwerken",
        "heroverweging_uiterlijk_datum": "heroverweging_vragen, termijn_wijzigen",
        "kifid_alarm_datum": "termijnen_bijwerken",
        "bezorging_uiterlijk_datum": "bericht_onbestelbaar_verwerken",
        "eerste_reactie_uiterlijk_op": "eerste_reactie_vastleggen, termijnen_bijwerken",
        "eerste_reactie_herinnering_op": "eerste_reactie_vastleggen, termijnen_bijwerken",
        "volgende_termijn_datum": "termijnen_bijwerken",
        "afgesloten_op": "afsluiten, heropenen",
        "geanonimiseerd_op": "avg (retention and erasure)",
        "versie": "the workflow actions (services._actie)",
    },
    "klachten.Bijlage": dict.fromkeys(
        ("klacht", "gebeurtenis", "bestand", "oorspronkelijke_naam", "mime_type"),
        "klacht_registreren, klantbericht_toevoegen",
    )
    | {"grootte": "klacht_registreren"},
    "klachten.Bericht": dict.fromkeys(
        (
            "klacht",
            "label",
            "soort",
            "aan",
            "onderwerp",
            "tekst",
            "status",
            "pogingen",
            "laatste_fout",
            "volgende_poging_op",
            "opnieuw_verstuurd_als",
            "termijnsignaal",
            "verzonden_op",
            "verstuurd_door",
            "bijlage",
            "bijlage_naam",
            "in_reply_to",
            "references",
            "per_post",
            "socialekoppeling",
            "samenstellen_in",
        ),
        "the outbox (berichten)",
    ),
    "klachten.SociaalBericht": dict.fromkeys(
        (
            "koppeling",
            "extern_id",
            "platform",
            "auteur",
            "auteur_naam",
            "tekst",
            "link",
            "geplaatst_op",
            "openbaar",
            "antwoord_op",
            "ruw",
            "soort",
            "klacht",
            "gebeurtenis",
        ),
        "sociaal.ontvangen.sociaal_bericht_ontvangen",
    ),
    "klachten.ExterneProcedure": dict.fromkeys(
        ("klacht", "instantie", "ingediend_datum", "uitkomst", "beslist_datum", "toelichting"),
        "externe_procedure_vastleggen",
    ),
    "klachten.Leermoment": dict.fromkeys(
        ("klacht", "omschrijving", "door"), "leermoment_toevoegen"
    ),
    "klachten.Verbeterpunt": {
        "klacht": "verbeterpunt_toevoegen",
        "omschrijving": "verbeterpunt_toevoegen",
        "eigenaar": "verbeterpunt_toevoegen",
        "aangemaakt_door": "verbeterpunt_toevoegen",
        "streefdatum": "verbeterpunt_bijwerken",
        "status": "verbeterpunt_bijwerken",
        "gereed_op": "verbeterpunt_bijwerken",
    },
    "klachten.ApiSleutel": dict.fromkeys(
        ("name", "revoked", "expiry_date", "medewerker", "laatst_gebruikt_op"),
        "toegang.api_sleutel_maken, _intrekken, _vernieuwen",
    ),
    "klachten.Inzage": dict.fromkeys(
        ("medewerker", "klacht", "soort", "bijlage", "bijlage_naam", "ip_adres", "op"),
        "inzage_vastleggen",
    ),
    "klachten.AvgVerzoek": dict.fromkeys(
        ("soort", "email_hash", "email_gemaskeerd", "aantallen", "toelichting", "door", "op"), "avg"
    ),
    "klachten.Koppellink": dict.fromkeys(
        ("medewerker", "geldig_tot", "gebruikt_op", "aangemaakt_door"), "toegang.koppellink_maken"
    ),
    "klachten.Termijnsignaal": dict.fromkeys(("klacht", "soort", "termijn", "datum"), "bewaking"),
    "klachten.Mailbox": dict.fromkeys(
        ("gelezen_op", "laatste_fout", "laatste_fout_op"),
        "the readers (inkomend.imap.mailbox_lezen, inkomend.bronnen.map_lezen)",
    ),
    "klachten.InkomendBericht": dict.fromkeys(
        (
            "mailbox",
            "bestand",
            "grootte",
            "message_id",
            "imap_uid",
            "afzender",
            "afzender_adres",
            "aan",
            "onderwerp",
            "verzonden_op",
            "status",
            "soort",
            "reden",
            "klacht",
            "gebeurtenis",
            "bericht",
            "verwerkt_op",
        ),
        "inkomend.verwerken (opslaan, verwerken)",
    )
    | dict.fromkeys(("vrijgegeven_door", "vrijgegeven_op"), "inkomend.beheer.vrijgeven"),
    "klachten.DossiernummerReeks": dict.fromkeys(
        ("jaar", "laatste_nummer"), "dossiernummer_uitgeven"
    ),
    "klachten.Triagemodel": dict.fromkeys(
        (
            "datum",
            "getraind_op",
            "aantal_training",
            "aantal_toets",
            "nauwkeurigheid_categorie",
            "nauwkeurigheid_afdeling",
            "opmerking",
        ),
        "triage.nachtelijk_trainen",
    ),
    "klanttevredenheid.Contactmoment": dict.fromkeys(
        (
            "label",
            "soort",
            "groep",
            "bron",
            "moment",
            "afdeling",
            "behandelaar",
            "klacht",
            "productgroep",
            "campagne",
            "taal",
            "klant_email",
            "klant_naam",
            "klantnummer",
            "bureau",
        ),
        "contactmomenten_registreren",
    )
    | {"geanonimiseerd_op": "persoonsgegevens_wissen"},
    "klanttevredenheid.Uitnodiging": dict.fromkeys(
        (
            "contactmoment",
            "status",
            "reden_overgeslagen",
            "verzenden_op",
            "verzonden_op",
            "verloopt_op",
            "nps_vragen",
            "bericht",
        ),
        "uitnodigingen_versturen",
    ),
    "klanttevredenheid.Respons": dict.fromkeys(
        (
            "contactmoment",
            "rapportcijfer",
            "nps_score",
            "toelichting",
            "verbetertips",
            "ontvangen_op",
        ),
        "enquete_beantwoorden, externe_responsen_importeren",
    ),
    "klanttevredenheid.Opvolging": {
        "respons": "enquete_beantwoorden",
        "status": "opvolging_afronden",
        "notitie": "opvolging_afronden",
        "afgerond_op": "opvolging_afronden",
        "afgerond_door": "opvolging_afronden",
        "afsluitreden": "_opvolgingen_sluiten (anonymising)",
        "geescaleerd_op": "opvolgingen_escaleren",
    },
    "klanttevredenheid.Kwartaalcijfer": dict.fromkeys(
        ("label", "jaar", "kwartaal", "gemiddelde", "nps", "aantal", "berekend_op"),
        "kwartaalcijfers_berekenen",
    ),
}

# The fields of those models that no service writes after the record was made: the beheerder
# corrects what the customer wrote, or hands a follow-up to someone else.
VRIJ: dict[str, set[str]] = {
    "klachten.Klacht": {
        "label",
        "taal",
        "klant_naam",
        "klant_telefoon",
        "klant_postadres",
        "polisnummer",
        "categorie",
        "omschrijving",
        "gewenste_oplossing",
        "oplossing",
    },
    "klanttevredenheid.Opvolging": {"toegewezen_aan"},
    # The mailbox's configuration is the beheerder's; the readers keep what they last did.
    "klachten.Mailbox": {
        "label",
        "adres",
        "imap_host",
        "imap_poort",
        "beveiliging",
        "gebruiker",
        "aanmelding",
        "geheim_variabele",
        "map",
        "actief",
    },
}

# Models no service writes: configuration and accounts, the beheerder's own to keep.
BEHEER = {
    "auth.Group",
    "otp_totp.TOTPDevice",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "klachten.Label",
    "klachten.Reactietermijn",
    "klachten.Afdeling",
    "klachten.Categorie",
    "klachten.Medewerker",
    "klachten.Berichtsjabloon",
    "klachten.ExterneInstantie",
    "klachten.Termijn",
    "klachten.Oorzaak",
    "klachten.Productgroep",
    "klachten.Triage",  # the triage suggestion's threshold (issue 22)
    # A monitoring tool's connection (issue 21); its secrets are made in SocialekoppelingAdmin.
    "klachten.Socialekoppeling",
    "klanttevredenheid.Enquete",
    "klanttevredenheid.Campagne",
    "klanttevredenheid.Campagnevraag",
}

# Admins whose save calls the service, and the trace that shows it did (its rules applied).
VIA_SERVICE = {
    "klachten.Verbeterpunt": lambda punt, beheerder: (
        (punt.status == VerbeterpuntStatus.GEREED) == (punt.gereed_op is not None)
        and punt.history.first().history_user == beheerder
    ),
}

# Admins whose add form calls the service that makes the record.
TOEVOEGEN_VIA_SERVICE = {"klachten.ApiSleutel"}  # ApiSleutelAdmin.save_model: api_sleutel_maken
# Admins whose add form holds none of the service's fields (read only there too): a new record
# starts with them empty, as the service expects (a mailbox not read yet).
TOEVOEGEN_ZONDER_SERVICEVELDEN = {"klachten.Mailbox"}


def _modellen_in_beheer():
    """Each registered admin with the models it edits: its own and its inlines'."""
    for model, model_admin in admin.site._registry.items():
        yield model_admin, model
        for inline in model_admin.inlines:
            yield model_admin, inline.model


def _bewerkbare_velden(model) -> set[str]:
    return {
        f.name for f in model._meta.get_fields() if f.concrete and f.editable and not f.auto_created
    }


def test_elk_model_in_het_beheer_is_ingedeeld():
    """A new admin (or inline) makes the author say whose its fields are."""
    for model_admin, model in _modellen_in_beheer():
        label = model._meta.label
        assert label in DOOR_SERVICE or label in BEHEER, (
            f"{type(model_admin).__name__}: {label} staat niet in DOOR_SERVICE of BEHEER"
        )


def test_elk_veld_van_een_model_met_services_is_ingedeeld():
    for label, velden in DOOR_SERVICE.items():
        model = next(m for _a, m in _modellen_in_beheer() if m._meta.label == label)
        vrij = VRIJ.get(label, set())
        assert not set(velden) & vrij, label
        assert _bewerkbare_velden(model) == set(velden) | vrij, label


def test_geen_veld_van_een_service_is_bewerkbaar_in_een_lijst():
    """A list's editable columns save through the changelist, past any change form."""
    for model, model_admin in admin.site._registry.items():
        bewerkbaar = set(model_admin.list_editable) & set(DOOR_SERVICE.get(model._meta.label, {}))
        assert not bewerkbaar, f"{type(model_admin).__name__}: {sorted(bewerkbaar)}"


class _Formulier(HTMLParser):
    """The fields of an admin change page as a browser posts them."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        naam = a.get("name")
        if tag == "input" and naam and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            # A browser posts "on" for a ticked checkbox without a value.
            standaard = "on" if a.get("type") == "checkbox" else ""
            self.data.setdefault(naam, []).append(a.get("value") or standaard)
        elif tag == "select" and naam:
            self._select = naam
            self.data.setdefault(naam, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value") or "")
        elif tag == "textarea" and naam:
            self._textarea = naam
            self.data[naam] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _formulier(html: str) -> dict[str, list[str]]:
    parser = _Formulier()
    parser.feed(html)
    # A textarea's first newline is not part of its value.
    return {
        naam: [w[1:] if w.startswith("\n") else w for w in waarden]
        for naam, waarden in parser.data.items()
    }


def _andere_waarde(veld: models.Field, huidig) -> dict[str, list[str]]:
    """Form data that sets `veld` to a value other than `huidig`, as the admin's widget posts
    it (a date and time in two parts)."""
    naam = veld.name
    if isinstance(veld, models.ForeignKey):
        andere = (
            veld.related_model._default_manager.exclude(pk=huidig)
            .values_list("pk", flat=True)
            .first()
        )
        # None there: not a value to post (whether the field is in the form is checked apart).
        return {naam: [str(andere)]} if andere is not None else {}
    if veld.choices:
        return {naam: [next(str(k) for k, _l in veld.flatchoices if k != huidig and k != "")]}
    if isinstance(veld, models.BooleanField):
        if veld.null:
            return {naam: ["false" if huidig else "true"]}
        return {naam: [] if huidig else ["on"]}
    if isinstance(veld, models.DateTimeField):
        nieuw = timezone.localtime(huidig or timezone.now()) - dt.timedelta(days=3, hours=1)
        return {
            f"{naam}_0": [nieuw.date().isoformat()],
            f"{naam}_1": [nieuw.strftime("%H:%M:%S")],
        }
    if isinstance(veld, models.DateField):
        return {naam: [((huidig or timezone.localdate()) + dt.timedelta(days=10)).isoformat()]}
    if isinstance(veld, models.IntegerField | models.DecimalField | models.FloatField):
        return {naam: [str((huidig or 0) + 1)]}
    if isinstance(veld, models.EmailField):
        return {naam: ["iemand.anders@example.org"]}
    if isinstance(veld, models.CharField | models.TextField):
        return {naam: [f"{huidig or ''} gewijzigd in beheer"]}
    return {}


@pytest.fixture
def beheer(client, beheerder, behandelaar, collega, teamleider, afdeling_a, label):
    """The beheerder in the admin (password and second factor: conftest's force_login), and a
    record of each model that services write, made the way the application makes them."""
    beheerder.is_staff = True  # the beheerder works in the Django admin (DESIGN.md section 2)
    beheerder.save(update_fields=["is_staff"])
    client.force_login(beheerder)
    AfdelingFactory(naam="Zorg", code="zorg")
    MedewerkerFactory(username="nog-een")
    LabelFactory()

    beantwoord = klacht_in_status(Status.BEANTWOORD, door=behandelaar)
    services.toewijzen(
        klacht=beantwoord, door=teamleider, afdeling=afdeling_a, behandelaar=behandelaar
    )
    beantwoord.refresh_from_db()
    KlachtFactory(categorie=beantwoord.categorie)  # another complaint to point to
    procedure = services.externe_procedure_vastleggen(
        klacht=beantwoord,
        door=behandelaar,
        instantie=ExterneInstantie.objects.get(code="kifid"),
        ingediend_datum=timezone.localdate() - dt.timedelta(days=5),
    )
    leermoment = services.leermoment_toevoegen(
        klacht=beantwoord, door=behandelaar, omschrijving="Eerder terugbellen."
    )
    punt = services.verbeterpunt_toevoegen(
        door=teamleider,
        omschrijving="Declaraties sneller uitbetalen.",
        eigenaar=behandelaar,
        streefdatum=timezone.localdate() + dt.timedelta(days=30),
        klacht=beantwoord,
    )
    uitnodiging = verzonden_uitnodiging(behandelaar=behandelaar, afdeling=afdeling_a)
    verzonden_uitnodiging(behandelaar=collega, afdeling=afdeling_a)  # another contact moment
    respons = kto_services.enquete_beantwoorden(
        token=uitnodiging.token, rapportcijfer=4, nps_score=2, toelichting="Niemand belde."
    )
    # A mailbox that was read and failed once (the reader's fields, read only in the admin).
    mailbox = Mailbox.objects.create(
        label=label,
        adres="klachten@beheer.example",
        imap_host="imap.beheer.example",
        gebruiker="klachten@beheer.example",
        geheim_variabele="MAILBOX_BEHEER_WACHTWOORD",
        gelezen_op=timezone.now() - dt.timedelta(hours=1),
        laatste_fout="LoginError: authentication failed",
        laatste_fout_op=timezone.now(),
    )
    return {
        "klachten.Klacht": beantwoord,
        "klachten.Bericht": beantwoord.berichten.first(),
        "klachten.ExterneProcedure": procedure,
        "klachten.Leermoment": leermoment,
        "klachten.Verbeterpunt": punt,
        "klanttevredenheid.Contactmoment": uitnodiging.contactmoment,
        "klanttevredenheid.Respons": respons,
        "klanttevredenheid.Opvolging": respons.opvolging,
        "klachten.Mailbox": mailbox,
    }


def _verzoek(beheerder):
    verzoek = RequestFactory().get("/")
    verzoek.user = beheerder
    return verzoek


def _beheerbare(beheerder):
    """The admins whose model has service-owned fields and that let the beheerder change a
    record: the others refuse every change (proved in test_alleen_lezen_beheer_weigert)."""
    verzoek = _verzoek(beheerder)
    for model, model_admin in admin.site._registry.items():
        if model._meta.label in DOOR_SERVICE and model_admin.has_change_permission(
            verzoek, model()
        ):
            yield model, model_admin


def test_alleen_lezen_beheer_weigert_elke_wijziging(beheerder):
    """The admins of service-written models that the walk below skips refuse every change,
    and adding too unless their add form calls the service."""
    verzoek = _verzoek(beheerder)
    alleen_lezen = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.label in DOOR_SERVICE
        and not model_admin.has_change_permission(verzoek, model())
    ]
    assert set(alleen_lezen) >= {"klachten.Inzage", "klanttevredenheid.Kwartaalcijfer"}
    for model, model_admin in admin.site._registry.items():
        if model._meta.label in alleen_lezen:
            assert model_admin.has_add_permission(verzoek) == (
                model._meta.label in TOEVOEGEN_VIA_SERVICE
            ), model._meta.label


def _in_formulier(pagina) -> dict[str, set[str]]:
    """The fields the change page lets the user post, per model (its own and its inlines')."""
    form = pagina.context["adminform"].form
    velden = {form._meta.model._meta.label: set(form.fields)}
    for inline in pagina.context["inline_admin_formsets"]:
        inline_model = inline.formset.model._meta.label
        velden.setdefault(inline_model, set()).update(inline.formset.form.base_fields)
    return velden


def test_geen_veld_van_een_service_verandert_via_het_beheer(client, beheer, beheerder):
    """Each admin that lets the beheerder change a record: no service-owned field is in its
    form (unless its save calls the service), and a POST that sets every one of them to another
    value saves (the form is valid, so nothing hides behind an error) and changes none of them,
    or changes them through the service, whose trace is checked."""
    gewalkt = []
    for model, model_admin in _beheerbare(beheerder):
        label = model._meta.label
        assert label in beheer, f"{type(model_admin).__name__}: maak een {label} in `beheer`"
        obj = beheer[label]
        assert not model_admin.has_add_permission(_verzoek(beheerder)) or (
            label in TOEVOEGEN_VIA_SERVICE | TOEVOEGEN_ZONDER_SERVICEVELDEN
        ), f"{label}: toevoegen in het beheer slaat de service over"
        if label in TOEVOEGEN_ZONDER_SERVICEVELDEN:
            toevoegen = client.get(
                reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
            )
            bewerkbaar = set(toevoegen.context["adminform"].form.fields) & set(DOOR_SERVICE[label])
            assert not bewerkbaar, f"{label}: {sorted(bewerkbaar)} bewerkbaar bij toevoegen"
        for inline in model_admin.get_inline_instances(_verzoek(beheerder), obj):
            if inline.model._meta.label in DOOR_SERVICE:
                assert not inline.has_add_permission(_verzoek(beheerder), obj), (
                    f"{label}: een {inline.model._meta.label} toevoegen slaat de service over"
                )
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        pagina = client.get(url)
        assert pagina.status_code == 200, label
        for model_label, velden in _in_formulier(pagina).items():
            bewerkbaar = velden & set(DOOR_SERVICE.get(model_label, {}))
            if model_label not in VIA_SERVICE:
                assert not bewerkbaar, f"{label}: {model_label} {sorted(bewerkbaar)} bewerkbaar"

        data = _formulier(pagina.content.decode())
        voor = {veld: getattr(obj, meta.get_field(veld).attname) for veld in DOOR_SERVICE[label]}
        for veld in DOOR_SERVICE[label]:
            data.update(_andere_waarde(meta.get_field(veld), voor[veld]))
        data.pop("_continue", None)
        data["_save"] = ["Opslaan"]

        antwoord = client.post(url, data)

        assert antwoord.status_code == 302, (label, _fouten(antwoord))
        obj.refresh_from_db()
        na = {veld: getattr(obj, meta.get_field(veld).attname) for veld in DOOR_SERVICE[label]}
        gewijzigd = sorted(veld for veld in voor if voor[veld] != na[veld])
        if gewijzigd:
            assert label in VIA_SERVICE, f"{label}: {gewijzigd} gewijzigd buiten de service om"
            assert VIA_SERVICE[label](obj, beheerder), f"{label}: {gewijzigd} zonder spoor"
        gewalkt.append(label)
    assert {
        "klachten.Klacht",
        "klachten.Bericht",
        "klachten.ExterneProcedure",
        "klachten.Leermoment",
        "klachten.Verbeterpunt",
        "klanttevredenheid.Contactmoment",
        "klanttevredenheid.Respons",
        "klanttevredenheid.Opvolging",
        "klachten.Mailbox",
    } <= set(gewalkt)


def _fouten(antwoord) -> list:
    if antwoord.context is None or "adminform" not in antwoord.context:
        return []
    return [antwoord.context["adminform"].form.errors, antwoord.context["errors"]]


def test_toewijzen_kan_in_het_beheer_niet_en_niet_aan_wie_de_klacht_betreft(
    client, beheer, collega
):
    klacht = beheer["klachten.Klacht"]
    eerder = (klacht.afdeling_id, klacht.behandelaar_id, klacht.betreft_medewerker_id)
    url = reverse("admin:klachten_klacht_change", args=[klacht.pk])
    html = client.get(url).content.decode()
    for veld in ("behandelaar", "afdeling", "betreft_medewerker"):
        assert f'name="{veld}"' not in html
    data = _formulier(html)
    # Hand the complaint to a colleague and name its behandelaar as the one it is about.
    data["behandelaar"] = [str(collega.pk)]
    data["betreft_medewerker"] = [str(klacht.behandelaar_id)]

    assert client.post(url, data).status_code == 302

    klacht.refresh_from_db()
    assert (klacht.afdeling_id, klacht.behandelaar_id, klacht.betreft_medewerker_id) == eerder


def test_verbeterpunt_gereed_melden_in_het_beheer_stempelt_gereed_op(client, beheer, beheerder):
    punt = beheer["klachten.Verbeterpunt"]
    url = reverse("admin:klachten_verbeterpunt_change", args=[punt.pk])
    data = _formulier(client.get(url).content.decode())
    data["status"] = [VerbeterpuntStatus.GEREED]

    assert client.post(url, data).status_code == 302

    punt.refresh_from_db()
    assert punt.status == VerbeterpuntStatus.GEREED
    assert punt.gereed_op is not None
    assert punt.history.first().history_user == beheerder
    data["status"] = [VerbeterpuntStatus.IN_UITVOERING]
    client.post(url, data)
    punt.refresh_from_db()
    assert (punt.status, punt.gereed_op) == (VerbeterpuntStatus.IN_UITVOERING, None)


def test_verbeterpunt_in_het_beheer_toont_de_weigering_van_de_service(client, beheer):
    """Who may not follow it up (the admin lets them in, the service does not) gets the
    service's refusal as a form error, and nothing changes."""
    buitenstaander = MedewerkerFactory(username="buitenstaander", is_staff=True)
    buitenstaander.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_verbeterpunt", "change_verbeterpunt"])
    )
    punt = beheer["klachten.Verbeterpunt"]
    client.force_login(buitenstaander)
    url = reverse("admin:klachten_verbeterpunt_change", args=[punt.pk])
    data = _formulier(client.get(url).content.decode())
    data["status"] = [VerbeterpuntStatus.GEREED]

    antwoord = client.post(url, data)

    assert antwoord.status_code == 200
    assert "U mag dit verbeterpunt niet bijwerken." in antwoord.content.decode()
    punt.refresh_from_db()
    assert (punt.status, punt.gereed_op) == (VerbeterpuntStatus.OPEN, None)


def test_externe_procedure_wordt_op_het_dossier_vastgelegd_niet_in_het_beheer(
    client, beheer, behandelaar
):
    procedure = beheer["klachten.ExterneProcedure"]
    url = reverse("admin:klachten_externeprocedure_change", args=[procedure.pk])
    html = client.get(url).content.decode()
    for veld in ("instantie", "uitkomst", "beslist_datum", "toelichting"):
        assert f'name="{veld}"' not in html
    assert client.get(reverse("admin:klachten_externeprocedure_add")).status_code == 403
    # The dossier's action leaves its trace on the timeline.
    assert Gebeurtenis.objects.filter(
        klacht=procedure.klacht, soort=GebeurtenisSoort.EXTERNE_PROCEDURE
    ).exists()


def test_een_oude_versie_terugzetten_in_het_beheer_gaat_niet(client, beheer, beheerder):
    """The history's "revert" (django-simple-history) would save an old version whole: its
    state, behandelaar, deadlines and version, around every service. Each admin with a history
    shows old versions and refuses to save one."""
    gewalkt = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if label not in DOOR_SERVICE or not hasattr(model_admin, "history_form_view"):
            continue
        obj = beheer[label]
        oudste = obj.history.last()
        meta = model._meta
        url = reverse(
            f"admin:{meta.app_label}_{meta.model_name}_simple_history",
            args=[obj.pk, oudste.history_id],
        )
        pagina = client.get(url)
        assert pagina.status_code == 200, label
        assert 'name="_save"' not in pagina.content.decode(), label
        data = _formulier(pagina.content.decode())
        data["_save"] = ["Opslaan"]
        velden = [meta.get_field(veld).attname for veld in DOOR_SERVICE[label]]
        voor = [getattr(obj, veld) for veld in velden]

        assert client.post(url, data).status_code == 403, label

        obj.refresh_from_db()
        assert [getattr(obj, veld) for veld in velden] == voor, label
        gewalkt.append(label)
    assert {"klachten.Klacht", "klachten.Verbeterpunt"} <= set(gewalkt)
